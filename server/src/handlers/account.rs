//! A person's own account: their sessions, confirming their address, and a
//! new password by mail.

use axum::extract::State;
use axum::http::StatusCode;
use shared::{EmailVerificationConfirm, PasswordResetConfirm, PasswordResetRequest, SessionView};
use uuid::Uuid;

use super::{Json, Path};
use crate::app::App;
use crate::auth::{self, CurrentUser, EndReason};
use crate::db;
use crate::domain::values::{Email, NewPassword};
use crate::error::{ApiError, ApiResult};
use crate::notify::{self, AccountMail};
use crate::repo;
use crate::repo::account_tokens::Purpose;

/// Reset links one account may be sent in an hour; more are not sent, and
/// the answer stays the same, so that nobody can flood a mailbox.
const RESET_MAILS_PER_HOUR: i64 = 3;
/// A new verification link at most once a minute.
const VERIFICATION_MAIL_EVERY_SECONDS: i64 = 60;

/// The person's sessions that have not ended, newest first.
#[utoipa::path(get, path = "/api/me/sessions", tag = "accounts", responses(
    (status = 200, body = Vec<SessionView>),
    (status = 401, body = shared::Problem, description = "Not logged in"),
))]
pub async fn list_sessions(
    State(app): State<App>,
    user: CurrentUser,
) -> ApiResult<axum::Json<Vec<SessionView>>> {
    let now = db::to_millis(db::now());
    let sessions = repo::sessions::list_live(&app.db.read, user.id, now).await?;
    Ok(axum::Json(
        sessions
            .into_iter()
            .map(|row| SessionView {
                current: row.id == user.session_id,
                id: row.id,
                started_at: db::from_millis(row.created_at),
                last_active_at: db::from_millis(row.last_seen_at),
                expires_at: db::from_millis(row.expires_at),
                user_agent: row.user_agent,
                method: row.method,
            })
            .collect(),
    ))
}

/// Ends one of the person's sessions (a lost laptop, a shared computer).
/// Ending the current one logs out.
#[utoipa::path(delete, path = "/api/me/sessions/{session_id}", tag = "accounts",
    params(("session_id" = Uuid, Path)),
    responses(
        (status = 204, description = "Ended"),
        (status = 401, body = shared::Problem, description = "Not logged in"),
        (status = 404, body = shared::Problem, description = "No such session of yours"),
    ))]
pub async fn revoke_session(
    State(app): State<App>,
    user: CurrentUser,
    Path(session_id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    let mut tx = app.db.begin().await?;
    let session = repo::sessions::get(&mut *tx, session_id).await?;
    if session.is_none_or(|s| s.user_id != user.id || s.revoked_at.is_some()) {
        return Err(ApiError::not_found("session"));
    }
    repo::sessions::revoke(&mut tx, session_id, EndReason::Revoked).await?;
    tx.commit().await?;
    tracing::info!(
        target: "security",
        event = "session_revoked",
        user_id = %user.id,
        session_id = %session_id,
        "session ended by its owner"
    );
    Ok(StatusCode::NO_CONTENT)
}

/// Mails a new link to confirm the person's address.
#[utoipa::path(post, path = "/api/me/email-verification", tag = "accounts", responses(
    (status = 202, description = "A link is on its way"),
    (status = 401, body = shared::Problem, description = "Not logged in"),
    (status = 409, body = shared::Problem, description = "The address is confirmed already"),
    (status = 429, body = shared::Problem, description = "A link went out less than a minute ago"),
))]
pub async fn resend_verification(
    State(app): State<App>,
    user: CurrentUser,
) -> ApiResult<StatusCode> {
    let profile = repo::users::profile(&app.db.read, user.id)
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    if profile.email_verified_at.is_some() {
        return Err(ApiError::conflict(
            "already_verified",
            "Your e-mail address is confirmed already.",
        ));
    }
    let a_minute_ago =
        db::to_millis(db::now() - chrono::Duration::seconds(VERIFICATION_MAIL_EVERY_SECONDS));
    if repo::account_tokens::sent_since(&app.db.read, user.id, Purpose::VerifyEmail, a_minute_ago)
        .await?
        > 0
    {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "sent_recently",
            "A link went out less than a minute ago. Look in your mailbox (and its spam \
             folder), or try again in a minute.",
        ));
    }
    send_verification(&app, user.id, &profile.email).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Writes a verification link and mails it. A mail that fails is logged:
/// the person can ask for another.
pub async fn send_verification(app: &App, user_id: Uuid, email: &str) -> ApiResult<()> {
    let token = auth::new_secret();
    let mut tx = app.db.begin().await?;
    repo::account_tokens::insert(
        &mut tx,
        &auth::secret_hash(&token),
        user_id,
        Purpose::VerifyEmail,
        email,
    )
    .await?;
    tx.commit().await?;
    let mail = AccountMail {
        subject_de: "Bitte bestätigen Sie Ihre E-Mail-Adresse",
        subject_en: "Please confirm your e-mail address",
        body_de: "Sie haben ein Konto im Vorgangsraum angelegt. Bitte bestätigen Sie Ihre \
                  E-Mail-Adresse mit diesem Link (eine Woche gültig):",
        body_en: "You created an account in the case room. Please confirm your e-mail \
                  address with this link (valid for a week):",
        path: format!("/verify-email/{token}"),
    };
    if let Err(err) = notify::send_account_mail(app, email, &mail).await {
        tracing::warn!(user_id = %user_id, error = ?err, "verification mail not sent");
    }
    Ok(())
}

/// Confirms an address with the token of the mailed link. Needs no login:
/// the link may be opened on another device.
#[utoipa::path(post, path = "/api/auth/email-verification", tag = "accounts",
    request_body = EmailVerificationConfirm,
    responses(
        (status = 204, description = "The address is confirmed"),
        (status = 404, body = shared::Problem, description = "No such link"),
        (status = 410, body = shared::Problem, description = "The link was used or has expired"),
    ))]
pub async fn confirm_email(
    State(app): State<App>,
    Json(request): Json<EmailVerificationConfirm>,
) -> ApiResult<StatusCode> {
    let mut tx = app.db.begin().await?;
    let link = take_link(&mut tx, &request.token, Purpose::VerifyEmail).await?;
    repo::users::confirm_email(&mut tx, link.user_id, &link.email).await?;
    tx.commit().await?;
    tracing::info!(
        target: "security",
        event = "email_verified",
        user_id = %link.user_id,
        "address confirmed"
    );
    Ok(StatusCode::NO_CONTENT)
}

/// Mails a link to set a new password, if the address has an account. The
/// answer is the same either way, so that nobody learns who has one.
#[utoipa::path(post, path = "/api/auth/password-reset", tag = "accounts",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If the address has an account, a link is on its way"),
        (status = 422, body = shared::Problem, description = "Not an e-mail address"),
    ))]
pub async fn request_password_reset(
    State(app): State<App>,
    Json(request): Json<PasswordResetRequest>,
) -> ApiResult<StatusCode> {
    let email = Email::parse(&request.email).map_err(|e| ApiError::invalid("email", e.0))?;
    let Some(account) = repo::users::credentials(&app.db.read, email.as_str()).await? else {
        return Ok(StatusCode::ACCEPTED);
    };
    let user_id = repo::id(&account.id);
    let an_hour_ago = db::to_millis(db::now() - chrono::Duration::hours(1));
    let sent = repo::account_tokens::sent_since(
        &app.db.read,
        user_id,
        Purpose::ResetPassword,
        an_hour_ago,
    )
    .await?;
    if sent >= RESET_MAILS_PER_HOUR {
        tracing::warn!(
            target: "security",
            event = "password_reset_throttled",
            user_id = %user_id,
            "reset link not sent"
        );
        return Ok(StatusCode::ACCEPTED);
    }
    let token = auth::new_secret();
    let mut tx = app.db.begin().await?;
    repo::account_tokens::insert(
        &mut tx,
        &auth::secret_hash(&token),
        user_id,
        Purpose::ResetPassword,
        email.as_str(),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        target: "security",
        event = "password_reset_requested",
        user_id = %user_id,
        "reset link sent"
    );
    let mail = AccountMail {
        subject_de: "Neues Passwort für den Vorgangsraum",
        subject_en: "A new password for the case room",
        body_de: "Jemand hat ein neues Passwort für Ihr Konto angefordert. Mit diesem Link \
                  (eine Stunde gültig) legen Sie es fest. Waren Sie es nicht, ignorieren Sie \
                  diese E-Mail; Ihr Passwort bleibt dann, wie es ist.",
        body_en: "Someone asked for a new password for your account. Set it with this link \
                  (valid for an hour). If it was not you, ignore this mail; your password \
                  stays as it is.",
        path: format!("/reset-password/{token}"),
    };
    if let Err(err) = notify::send_account_mail(&app, email.as_str(), &mail).await {
        tracing::warn!(user_id = %user_id, error = ?err, "reset mail not sent");
    }
    Ok(StatusCode::ACCEPTED)
}

/// Sets a new password with the token of the mailed link. Every session of
/// the account ends: whoever knew the old password is out.
#[utoipa::path(post, path = "/api/auth/password-reset/confirm", tag = "accounts",
    request_body = PasswordResetConfirm,
    responses(
        (status = 204, description = "The password is set; log in with it"),
        (status = 404, body = shared::Problem, description = "No such link"),
        (status = 410, body = shared::Problem, description = "The link was used or has expired"),
        (status = 422, body = shared::Problem, description = "The password is not acceptable"),
    ))]
pub async fn confirm_password_reset(
    State(app): State<App>,
    Json(request): Json<PasswordResetConfirm>,
) -> ApiResult<StatusCode> {
    let password =
        NewPassword::parse(&request.password).map_err(|e| ApiError::invalid("password", e.0))?;
    let hash = auth::hash_password(password.expose().to_owned()).await?;
    let mut tx = app.db.begin().await?;
    let link = take_link(&mut tx, &request.token, Purpose::ResetPassword).await?;
    repo::users::set_password(&mut tx, link.user_id, &hash).await?;
    repo::account_tokens::spend_all(&mut tx, link.user_id, Purpose::ResetPassword).await?;
    // Following the link proved the mailbox is the person's.
    repo::users::confirm_email(&mut tx, link.user_id, &link.email).await?;
    repo::users::clear_failures(&mut tx, &link.email).await?;
    let ended = repo::sessions::revoke_all(&mut tx, link.user_id, EndReason::PasswordReset).await?;
    tx.commit().await?;
    tracing::info!(
        target: "security",
        event = "password_reset",
        user_id = %link.user_id,
        sessions_ended = ended,
        "password set with a mailed link"
    );
    Ok(StatusCode::NO_CONTENT)
}

/// Uses up a mailed link, or says precisely why it cannot be used.
async fn take_link(
    tx: &mut db::Tx,
    token: &str,
    purpose: Purpose,
) -> ApiResult<repo::account_tokens::Presented> {
    let hash = auth::secret_hash(token.trim());
    let link = repo::account_tokens::find(tx, &hash, purpose)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_link",
                "This link is not known. Copy it whole from the e-mail, or ask for a new one.",
            )
        })?;
    let gone = |detail: &str| ApiError::new(StatusCode::GONE, "link_used_up", detail.to_owned());
    if link.used_at.is_some() {
        return Err(gone(
            "This link was used already. Ask for a new one if you still need it.",
        ));
    }
    if link.expires_at <= db::to_millis(db::now()) {
        return Err(gone("This link has expired. Ask for a new one."));
    }
    if !repo::account_tokens::spend(tx, &hash).await? {
        return Err(gone("This link was used a moment ago."));
    }
    Ok(link)
}
