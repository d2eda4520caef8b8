//! Logging in through the configured OpenID Connect provider: the start,
//! which sends the person there, and the callback, which they come back to.
//!
//! The callback answers every failure with a redirect to the login page and
//! `?sso_error=<code>` (see `domain::sso::Failure`): the person arrives there
//! from the provider's page, in the browser, not through our API client.
//!
//! FIXME: logging out here ends only our session, not the one at the
//! provider (RP-initiated logout via its `end_session_endpoint` is not
//! built): on a shared computer, "Anmelden mit …" comes straight back in
//! while the provider's session lasts. Needs the ID token kept with the
//! session (as `id_token_hint`) and a post-logout redirect URI registered.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Redirect;
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use shared::Problem;
use uuid::Uuid;

use super::Query;
use crate::app::App;
use crate::auth::{self, LoginMethod};
use crate::domain::sso::{self as rules, AccountChoice, Failure};
use crate::domain::values::{Email, Line};
use crate::error::{ApiError, ApiResult};
use crate::repo;
use crate::sso::{self, Pending, Sso, VerifiedLogin};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct StartQuery {
    /// A path on this site to go to after the login (the login page passes
    /// its own `?next=`); the start page when absent.
    #[serde(rename = "return")]
    #[param(rename = "return")]
    pub return_to: Option<String>,
}

/// Starts a login through the single sign-on provider.
#[utoipa::path(
    get,
    path = "/api/auth/sso/start",
    tag = "accounts",
    params(StartQuery),
    responses(
        (status = 303, description = "To the provider's login page; a short-lived cookie \
                                      keeps this login's secrets until the person is back"),
        (status = 400, body = Problem, description = "`return` is not a path on this site"),
        (status = 404, body = Problem, description = "Single sign-on is off on this server"),
        (status = 503, body = Problem, description = "The provider does not answer"),
    )
)]
pub async fn start_sso_login(
    State(app): State<App>,
    jar: CookieJar,
    Query(query): Query<StartQuery>,
) -> ApiResult<(CookieJar, Redirect)> {
    let sso = enabled(&app)?;
    let return_to = match query.return_to {
        None => "/".to_owned(),
        Some(raw) => rules::safe_return_path(&raw).ok_or_else(|| {
            ApiError::bad_request(
                "unsafe_return",
                "After the login we only go to a page of this site; `return` must be a path \
                 starting with a single /.",
            )
        })?,
    };

    let (url, cookie) = match sso.begin(return_to, app.config.secure_cookies()).await {
        Ok(started) => started,
        Err(failure) => {
            log_failure(failure);
            return Err(ApiError::unavailable(format!(
                "{} does not answer right now. Try again in a few minutes, or log in with \
                 your e-mail address and password.",
                sso.label()
            )));
        }
    };
    Ok((jar.add(cookie), Redirect::to(&url)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CallbackQuery {
    /// The authorization code, on success.
    pub code: Option<String>,
    /// The `state` the start sent, echoed by the provider.
    pub state: Option<String>,
    /// The provider's error code, on failure (e.g. `access_denied`).
    pub error: Option<String>,
}

/// Where the provider sends the person back: checks the answer, logs in the
/// account it belongs to (creating or linking one) and goes on.
#[utoipa::path(
    get,
    path = "/api/auth/sso/callback",
    tag = "accounts",
    params(CallbackQuery),
    responses(
        (status = 303, description = "Logged in (the session cookie is set) and on to the page \
                                      given at the start; on any failure to \
                                      `/login?sso_error=<code>`"),
        (status = 404, body = Problem, description = "Single sign-on is off on this server"),
    )
)]
pub async fn finish_sso_login(
    State(app): State<App>,
    headers: HeaderMap,
    jar: CookieJar,
    Query(query): Query<CallbackQuery>,
) -> ApiResult<(CookieJar, Redirect)> {
    let sso = enabled(&app)?;
    let secure = app.config.secure_cookies();
    let pending = jar.get(sso::PENDING_COOKIE).map(|c| c.value().to_owned());
    let jar = jar.add(sso::cleared_pending_cookie(secure));

    let outcome = match check_answer(sso, pending.as_deref(), query) {
        Ok((pending, code)) => sign_in(&app, sso, pending, code, jar.clone(), &headers).await,
        Err(failure) => Err(failure),
    };
    match outcome {
        Ok((jar, return_to)) => Ok((jar, Redirect::to(&return_to))),
        Err(failure) => {
            log_failure(failure);
            let to = format!("/login?sso_error={}", failure.code());
            Ok((jar, Redirect::to(&to)))
        }
    }
}

fn enabled(app: &App) -> ApiResult<&Sso> {
    app.sso.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "sso_off",
            "Single sign-on is off on this server; log in with your e-mail address and password.",
        )
    })
}

/// The login this answer belongs to and its code, if the provider said yes
/// to a login this browser started in the last ten minutes.
fn check_answer(
    sso: &Sso,
    pending: Option<&str>,
    query: CallbackQuery,
) -> Result<(Pending, String), Failure> {
    if let Some(error) = query.error {
        return Err(if error == "access_denied" {
            Failure::Cancelled
        } else {
            Failure::ProviderError
        });
    }
    let pending = pending
        .and_then(|value| sso.pending(value))
        .ok_or(Failure::Expired)?;
    let state = query.state.ok_or(Failure::StateMismatch)?;
    if !pending.state_matches(&state) {
        return Err(Failure::StateMismatch);
    }
    let code = query.code.ok_or(Failure::ProviderError)?;
    Ok((pending, code))
}

/// Verifies the login at the provider, finds or makes its account and opens
/// its session: the cookies, and where to go.
async fn sign_in(
    app: &App,
    sso: &Sso,
    pending: Pending,
    code: String,
    jar: CookieJar,
    headers: &HeaderMap,
) -> Result<(CookieJar, String), Failure> {
    let return_to = pending.return_to.clone();
    let login = sso.finish(pending, code).await?;
    let user_id = record_login(app, sso, &login).await.map_err(internal)??;

    let jar = auth::log_in(app, jar, user_id, LoginMethod::Sso, headers)
        .await
        .map_err(internal)?;
    tracing::info!(
        target: "security",
        event = "sso_login",
        user_id = %user_id,
        "logged in by single sign-on"
    );
    Ok((jar, return_to))
}

/// Finds, links or creates the account, and records what the provider
/// vouched for, in one transaction.
async fn record_login(
    app: &App,
    sso: &Sso,
    login: &VerifiedLogin,
) -> anyhow::Result<Result<Uuid, Failure>> {
    let mut tx = app.db.begin().await?;
    let linked = repo::sso::linked_account(&mut tx, &login.issuer, &login.subject).await?;
    let email = login.email.as_deref().and_then(|e| Email::parse(e).ok());
    let with_email = match &email {
        Some(email) if linked.is_none() => {
            repo::sso::account_with_email(&mut tx, email.as_str()).await?
        }
        _ => None,
    };
    if linked.is_none() && email.is_none() {
        // FIXME: an account needs an e-mail address (users.email is NOT NULL
        // and unique), so a provider that shares none (BundID logins by eID
        // alone may not) cannot create one yet. That needs accounts without
        // an address, which the notification mails do not expect either.
        return Ok(Err(Failure::EmailMissing));
    }

    let user_id = match rules::choose_account(linked, with_email, login.email_verified) {
        Err(failure) => return Ok(Err(failure)),
        Ok(AccountChoice::Known(id)) => id,
        Ok(AccountChoice::Link(id)) => {
            repo::sso::link(&mut tx, &login.issuer, &login.subject, id).await?;
            tracing::info!(
                target: "security",
                event = "sso_linked",
                user_id = %id,
                "a sign-on identity was linked to an existing account"
            );
            id
        }
        Ok(AccountChoice::Create) => {
            let email = email
                .as_ref()
                .expect("checked above: no link means an address");
            let name = display_name(login, email);
            // An empty hash never verifies: this account logs in through the
            // provider until its owner sets a password.
            let id = repo::users::insert(&mut tx, email.as_str(), &name, "").await?;
            repo::sso::link(&mut tx, &login.issuer, &login.subject, id).await?;
            tracing::info!(user_id = %id, "account registered by single sign-on");
            id
        }
    };

    if let (Some(email), true) = (&email, login.email_verified) {
        repo::sso::mark_email_verified(&mut tx, user_id, email.as_str()).await?;
    }
    let identity = repo::sso::identity(&mut tx, user_id).await?;
    if rules::confirms_identity(&identity, login.acr.as_deref(), sso.confirmed_acr()) {
        let acr = login.acr.as_deref().unwrap_or_default();
        repo::sso::confirm_identity(&mut tx, user_id, acr).await?;
        tracing::info!(
            target: "security",
            event = "identity_confirmed",
            user_id = %user_id,
            acr,
            "identity confirmed by single sign-on"
        );
    }
    tx.commit().await?;
    Ok(Ok(user_id))
}

/// The provider's `name` (or `preferred_username`), made a valid name; the
/// address's local part when it gives none we can use.
fn display_name(login: &VerifiedLogin, email: &Email) -> String {
    let local_part = || {
        email
            .as_str()
            .split('@')
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    login
        .display_name
        .as_deref()
        .map(|raw| raw.chars().take(100).collect::<String>())
        .and_then(|raw| Line::parse(&raw, "name", 100).ok())
        .map(Line::into_string)
        .unwrap_or_else(local_part)
}

fn internal(err: anyhow::Error) -> Failure {
    tracing::error!(error.cause = ?err, "a sign-on login failed inside");
    Failure::Internal
}

fn log_failure(failure: Failure) {
    tracing::info!(
        target: "security",
        event = "sso_login_failed",
        reason = failure.code(),
        "a sign-on login failed"
    );
}
