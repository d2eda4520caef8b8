//! Registering, logging in and out, and who is logged in.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum_extra::extract::CookieJar;
use sha2::{Digest, Sha256};
use shared::{LoginRequest, Me, RegisterRequest, RenewedSession};

use super::Json;
use crate::app::App;
use crate::auth::{self, CurrentUser, LoginMethod, RenewError, RenewRefusal};
use crate::db;
use crate::domain::throttle;
use crate::domain::values::{Email, Line, NewPassword};
use crate::error::{ApiError, ApiResult};
use crate::repo;

/// Creates an account and logs it in.
#[utoipa::path(
    post,
    path = "/api/auth/register",
    tag = "accounts",
    request_body = RegisterRequest,
    responses(
        (status = 201, body = Me, description = "Registered and logged in"),
        (status = 409, body = shared::Problem, description = "The e-mail address has an account"),
        (status = 422, body = shared::Problem, description = "A field is not acceptable"),
    )
)]
pub async fn register(
    State(app): State<App>,
    headers: HeaderMap,
    jar: CookieJar,
    Json(request): Json<RegisterRequest>,
) -> ApiResult<(StatusCode, CookieJar, axum::Json<Me>)> {
    let email = Email::parse(&request.email).map_err(|e| ApiError::invalid("email", e.0))?;
    let password =
        NewPassword::parse(&request.password).map_err(|e| ApiError::invalid("password", e.0))?;
    let name = Line::parse(&request.display_name, "name", 100)
        .map_err(|e| ApiError::invalid("display_name", e.0))?;

    let hash = auth::hash_password(password.expose().to_owned()).await?;
    let mut tx = app.db.begin().await?;
    let id = repo::users::insert(&mut tx, email.as_str(), &name.into_string(), &hash).await?;
    tx.commit().await?;
    tracing::info!(target: "security", event = "registered", user_id = %id, "account registered");
    super::account::send_verification(&app, id, email.as_str()).await?;

    let jar = auth::log_in(&app, jar, id, LoginMethod::Password, &headers).await?;
    Ok((StatusCode::CREATED, jar, axum::Json(me_of(&app, id).await?)))
}

/// Logs in with e-mail address and password.
#[utoipa::path(
    post,
    path = "/api/auth/login",
    tag = "accounts",
    request_body = LoginRequest,
    responses(
        (status = 200, body = Me, description = "Logged in; the session cookie is set"),
        (status = 401, body = shared::Problem, description = "Address or password wrong"),
        (status = 429, body = shared::Problem, description = "Too many failed logins"),
    )
)]
pub async fn login(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    jar: CookieJar,
    Json(request): Json<LoginRequest>,
) -> ApiResult<(CookieJar, axum::Json<Me>)> {
    let email = request.email.trim().to_lowercase();
    let address = address_hash(&client_address(&app, &headers, peer));
    let hour_ago = db::to_millis(db::now() - chrono::Duration::hours(1));
    let (account_failures, address_failures) =
        repo::users::recent_failures(&app.db.read, &email, &address, hour_ago).await?;
    if let Err(limited) = throttle::check(account_failures, address_failures) {
        tracing::warn!(
            target: "security",
            event = "login_throttled",
            limit = ?limited,
            "login refused: too many failures"
        );
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "There were too many failed logins in the last hour. Wait an hour and try \
             again; if you have forgotten your password, ask for a new one.",
        ));
    }

    let credentials = match Email::parse(&email) {
        Ok(email) => repo::users::credentials(&app.db.read, email.as_str()).await?,
        Err(_) => None,
    };
    let stored = credentials.as_ref().map(|c| c.password_hash.clone());
    if !auth::verify_password(request.password, stored).await {
        // The address is personal data and stays out of the log; the
        // account, if there is one, is named by its id.
        tracing::info!(
            target: "security",
            event = "login_failed",
            user_id = credentials.as_ref().map(|c| tracing::field::display(repo::id(&c.id))),
            failures = account_failures + 1,
            "login failed"
        );
        let mut tx = app.db.begin().await?;
        repo::users::record_failure(&mut tx, &email, &address, hour_ago).await?;
        tx.commit().await?;
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "login_failed",
            "The e-mail address or the password is not right. Check both and try again.",
        ));
    }
    let id = repo::id(&credentials.expect("verified above").id);
    let jar = auth::log_in(&app, jar, id, LoginMethod::Password, &headers).await?;
    Ok((jar, axum::Json(me_of(&app, id).await?)))
}

/// The client's address: the peer, or with a reverse proxy in front, the
/// last address the proxy appended to the header named in VR_CLIENT_IP_HEADER.
fn client_address(app: &App, headers: &HeaderMap, peer: SocketAddr) -> String {
    app.config
        .client_ip_header
        .as_deref()
        .and_then(|name| headers.get(name))
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.rsplit(',').next())
        .map(|address| address.trim().to_string())
        .unwrap_or_else(|| peer.ip().to_string())
}

/// Addresses are personal data: only their hash is kept.
fn address_hash(address: &str) -> String {
    hex::encode(Sha256::digest(address.as_bytes()))
}

/// Logs out: the session ends on the server and the cookie is removed.
#[utoipa::path(
    post,
    path = "/api/auth/logout",
    tag = "accounts",
    responses((status = 204, description = "Logged out")))]
pub async fn logout(State(app): State<App>, jar: CookieJar) -> ApiResult<(StatusCode, CookieJar)> {
    auth::end_session(&app, &jar).await?;
    Ok((StatusCode::NO_CONTENT, auth::clear_cookies(&app, jar)))
}

/// Trades the refresh token (its cookie) for a new access token and a new
/// refresh token. The page calls it when a request was refused for an
/// expired access token, and to stay logged in.
#[utoipa::path(
    post,
    path = "/api/auth/refresh",
    tag = "accounts",
    responses(
        (status = 200, body = RenewedSession, description = "Renewed; both cookies are new"),
        (status = 401, body = shared::Problem, description = "The session has ended"),
        (status = 409, body = shared::Problem,
         description = "Renewed a moment ago by another request of this browser"),
    )
)]
pub async fn refresh(
    State(app): State<App>,
    jar: CookieJar,
) -> Result<(CookieJar, axum::Json<RenewedSession>), (CookieJar, ApiError)> {
    match auth::renew(&app, jar.clone()).await {
        Ok((jar, renewed)) => Ok((jar, axum::Json(renewed))),
        Err(RenewError::Failed(err)) => Err((jar, ApiError::internal(err))),
        Err(RenewError::Refused(RenewRefusal::Raced)) => Err((
            jar,
            ApiError::conflict(
                "renewed_already",
                "The session was renewed a moment ago by another request; repeat the request.",
            ),
        )),
        Err(RenewError::Refused(refusal)) => {
            let detail = match refusal {
                RenewRefusal::Replayed => {
                    "This session was ended because its renewal key was used twice, which \
                     happens when someone copied it. Log in again; if this keeps happening, \
                     reset your password."
                }
                _ => "Your session has ended. Log in again.",
            };
            let code = match refusal {
                RenewRefusal::Replayed => "session_revoked",
                _ => "session_ended",
            };
            let error = ApiError::new(StatusCode::UNAUTHORIZED, code, detail);
            Err((auth::clear_cookies(&app, jar), error))
        }
    }
}

/// The logged-in person.
#[utoipa::path(get, path = "/api/me", tag = "accounts", responses(
    (status = 200, body = Me),
    (status = 401, body = shared::Problem, description = "Not logged in"),
))]
pub async fn me(State(app): State<App>, user: CurrentUser) -> ApiResult<axum::Json<Me>> {
    Ok(axum::Json(me_of(&app, user.id).await?))
}

async fn me_of(app: &App, id: uuid::Uuid) -> ApiResult<Me> {
    let profile = repo::users::profile(&app.db.read, id)
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    Ok(Me {
        id,
        identity: profile.identity(),
        email: profile.email,
        display_name: profile.display_name,
        offices: repo::users::memberships(&app.db.read, id).await?,
        bodies: repo::users::body_memberships(&app.db.read, id).await?,
        operator: profile.is_operator != 0,
        email_verified: profile.email_verified_at.is_some(),
    })
}
