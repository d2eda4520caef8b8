//! Who is asking: password hashing, sessions and the extractor that turns a
//! request into a person.
//!
//! A session is a row in `sessions`. The browser holds two httpOnly cookies:
//! a short-lived JWT access token naming the row (`VR_ACCESS_TOKEN_SECONDS`,
//! 10 minutes by default) and a random refresh token, stored only hashed,
//! that buys the next pair once. The row ends at logout or revocation, 12
//! hours after login, or after 30 minutes without a request; every request
//! checks the row, so an ended session stops at once, not only when its
//! access token expires. An open socket follows the row as well.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use shared::{ActorRef, RenewedSession};
use uuid::Uuid;

use crate::app::App;
use crate::error::ApiError;
use crate::{db, repo};

/// The short-lived access token (a JWT), sent with every request.
pub const ACCESS_COOKIE: &str = "vr_session";
/// The refresh token (random, stored hashed), sent only to the session
/// endpoints under `/api/auth`.
pub const REFRESH_COOKIE: &str = "vr_refresh";
const REFRESH_PATH: &str = "/api/auth";
/// A session ends this long after login, however active (BSI baseline).
pub const SESSION_HOURS: i64 = 12;
/// A session ends after this long without a request.
pub const IDLE_MINUTES: i64 = 30;
/// How often a session's last activity is written: often enough for the
/// idle timeout, rare enough not to write on every request.
const SEEN_EVERY_SECONDS: i64 = 60;
/// A refresh token used twice within this window is a race of two requests
/// of the same browser, not a copy: the second gets no new tokens (its
/// browser has them already) and the session stays.
pub const REFRESH_RACE_SECONDS: i64 = 10;
/// One leeway for every time check on tokens, in seconds.
pub const LEEWAY_SECONDS: u64 = 30;
const ISSUER: &str = "vorgangsraum";
const AUDIENCE: &str = "vorgangsraum-web";

/// Hashes a password with argon2id at the crate's defaults, which are OWASP's
/// minimum (19 MiB, 2 passes, 1 lane). Runs off the async threads.
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
            .map_err(|e| anyhow::anyhow!("salt: {e}"))?;
        let hash = Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
        Ok(hash.to_string())
    })
    .await?
}

/// Checks a password against a stored hash; with no account, hashes anyway so
/// that the answer takes as long as for an existing one.
pub async fn verify_password(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || match stored {
        Some(stored) => PasswordHash::new(&stored)
            .map(|hash| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &hash)
                    .is_ok()
            })
            .unwrap_or(false),
        None => {
            let salt = SaltString::encode_b64(&[0u8; 16]).expect("a fixed salt encodes");
            let _ = Argon2::default().hash_password(password.as_bytes(), &salt);
            false
        }
    })
    .await
    .unwrap_or(false)
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
    /// The session row this token belongs to; revoking the row ends it.
    sid: Uuid,
    iss: String,
    aud: String,
    iat: i64,
    nbf: i64,
    exp: i64,
    /// Makes every token unique, even two issued in the same second.
    jti: Uuid,
}

/// Signs and checks session tokens. Only HS256 is accepted.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl TokenKeys {
    pub fn new(secret: &str) -> anyhow::Result<TokenKeys> {
        Ok(TokenKeys {
            encoding: EncodingKey::from_secret(secret.as_bytes())?,
            decoding: DecodingKey::from_secret(secret.as_bytes())?,
        })
    }

    /// A token for a session that expires at `exp` (seconds since the epoch).
    pub fn issue(&self, user_id: Uuid, session_id: Uuid, exp: i64) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp().min(exp);
        let claims = Claims {
            sub: user_id,
            sid: session_id,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now,
            nbf: now,
            exp,
            jti: Uuid::new_v4(),
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// What a token says, if it is genuine, current and meant for us.
    pub fn verify(&self, token: &str) -> Option<TokenClaims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .ok()
            .map(|data| TokenClaims {
                user_id: data.claims.sub,
                session_id: data.claims.sid,
                expires: data.claims.exp,
            })
    }
}

/// What a verified token says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenClaims {
    pub user_id: Uuid,
    pub session_id: Uuid,
    /// Seconds since the epoch.
    pub expires: i64,
}

/// How a session was opened; kept on the session row for the person's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginMethod {
    Password,
    /// Through the OpenID Connect provider.
    Sso,
}

impl LoginMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            LoginMethod::Password => "password",
            LoginMethod::Sso => "sso",
        }
    }
}

/// Opens a session for a person who just proved who they are and sets its
/// two cookies: the short access token and the refresh token.
pub async fn log_in(
    app: &App,
    jar: CookieJar,
    user_id: Uuid,
    method: LoginMethod,
    headers: &HeaderMap,
) -> anyhow::Result<CookieJar> {
    let now = db::to_millis(db::now());
    let session = repo::sessions::NewSession {
        id: Uuid::now_v7(),
        user_id,
        created_at: now,
        expires_at: now + SESSION_HOURS * 3_600_000,
        user_agent: user_agent(headers),
        method: method.as_str(),
    };
    let refresh = new_secret();
    let mut tx = app.db.begin().await?;
    repo::sessions::insert(&mut tx, &session).await?;
    repo::sessions::insert_refresh(&mut tx, &secret_hash(&refresh), session.id, now).await?;
    tx.commit().await?;
    tracing::info!(
        target: "security",
        event = "login",
        user_id = %user_id,
        session_id = %session.id,
        method = method.as_str(),
        "session opened"
    );
    let access = app.keys.issue(
        user_id,
        session.id,
        access_expiry(app, now, session.expires_at),
    )?;
    Ok(set_cookies(app, jar, access, refresh, session.expires_at))
}

/// A session row ending at `exp` (seconds since the epoch) and its access
/// token, without cookies: for tests of expiry.
pub async fn start_session_until(app: &App, user_id: Uuid, exp: i64) -> anyhow::Result<String> {
    let now = db::to_millis(db::now());
    let session = repo::sessions::NewSession {
        id: Uuid::now_v7(),
        user_id,
        created_at: now.min(exp * 1000),
        expires_at: exp * 1000,
        user_agent: String::new(),
        method: LoginMethod::Password.as_str(),
    };
    let mut tx = app.db.begin().await?;
    repo::sessions::insert(&mut tx, &session).await?;
    tx.commit().await?;
    app.keys.issue(user_id, session.id, exp)
}

/// When an access token issued now expires (seconds since the epoch): after
/// the configured lifetime, but never after its session.
fn access_expiry(app: &App, now_ms: i64, session_expires_ms: i64) -> i64 {
    (now_ms / 1000 + app.config.access_token_ttl.as_secs() as i64).min(session_expires_ms / 1000)
}

/// Why a refresh token was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenewRefusal {
    /// No refresh cookie, or one we never issued.
    Unknown,
    /// The session was ended (logout, revoked, timed out).
    Ended,
    /// The token was used moments ago by a parallel request of the same
    /// browser; its cookies are renewed already, nothing to do.
    Raced,
    /// The token was used before: someone copied it. The whole session has
    /// just been revoked.
    Replayed,
}

/// Exchanges a refresh token for a new access token and a new refresh
/// token. The old one is spent: shown again after the race window, it
/// revokes the whole session (the family of tokens it belongs to).
pub async fn renew(app: &App, jar: CookieJar) -> Result<(CookieJar, RenewedSession), RenewError> {
    let Some(token) = jar.get(REFRESH_COOKIE).map(|c| c.value().to_owned()) else {
        return Err(RenewError::Refused(RenewRefusal::Unknown));
    };
    let now = db::to_millis(db::now());
    let mut tx = app.db.begin().await?;
    let Some(spent) = repo::sessions::refresh_token(&mut tx, &secret_hash(&token)).await? else {
        return Err(RenewError::Refused(RenewRefusal::Unknown));
    };
    if let Some(used_at) = spent.used_at {
        if now - used_at <= REFRESH_RACE_SECONDS * 1000 {
            return Err(RenewError::Refused(RenewRefusal::Raced));
        }
        repo::sessions::revoke(&mut tx, spent.session_id, EndReason::Replay).await?;
        tx.commit().await?;
        tracing::warn!(
            target: "security",
            event = "refresh_replayed",
            session_id = %spent.session_id,
            "a spent refresh token came back; the session is revoked"
        );
        return Err(RenewError::Refused(RenewRefusal::Replayed));
    }
    let Some(session) = repo::sessions::get(&mut *tx, spent.session_id).await? else {
        return Err(RenewError::Refused(RenewRefusal::Ended));
    };
    if !session.is_live(now) {
        return Err(RenewError::Refused(RenewRefusal::Ended));
    }
    // Spending is a conditional update, so that of two requests racing with
    // the same token exactly one gets new tokens.
    if !repo::sessions::spend_refresh(&mut tx, &secret_hash(&token), now).await? {
        return Err(RenewError::Refused(RenewRefusal::Raced));
    }
    let refresh = new_secret();
    repo::sessions::insert_refresh(&mut tx, &secret_hash(&refresh), session.id, now).await?;
    repo::sessions::touch(&mut *tx, session.id, now).await?;
    tx.commit().await?;

    let access_expires = access_expiry(app, now, session.expires_at);
    let access = app
        .keys
        .issue(session.user_id, session.id, access_expires)?;
    let renewed = RenewedSession {
        access_expires_at: chrono::DateTime::from_timestamp(access_expires, 0).unwrap_or_default(),
        session_ends_at: db::from_millis(session.end_after_activity_at(now)),
    };
    Ok((
        set_cookies(app, jar, access, refresh, session.expires_at),
        renewed,
    ))
}

/// A renewal that did not happen: refused, or the database failed.
#[derive(Debug)]
pub enum RenewError {
    Refused(RenewRefusal),
    Failed(anyhow::Error),
}

impl<E: Into<anyhow::Error>> From<E> for RenewError {
    fn from(err: E) -> RenewError {
        RenewError::Failed(err.into())
    }
}

/// Forgets, once an hour, what no request can use any more: the refresh
/// tokens of sessions ended a day ago and mailed links expired a day ago.
/// The session rows themselves stay, for the person's and the operator's
/// record of logins.
pub fn spawn_sweep(app: App) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(std::time::Duration::from_secs(3600));
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The first sweep waits an hour: nothing is urgent about it.
        ticks.tick().await;
        loop {
            tokio::select! {
                () = app.shutdown.cancelled() => break,
                _ = ticks.tick() => {}
            }
            let a_day_ago = db::to_millis(db::now() - chrono::Duration::days(1));
            match repo::sessions::forget_spent(&app.db.write, a_day_ago).await {
                Ok(forgotten) if forgotten > 0 => {
                    tracing::info!(forgotten, "spent session tokens forgotten")
                }
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "session sweep failed"),
            }
        }
    })
}

/// Why a session ended, as kept on its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    Logout,
    /// Its owner ended it from the list of sessions.
    Revoked,
    /// A spent refresh token of it was used again.
    Replay,
    /// The password was reset: every session of the account ends.
    PasswordReset,
}

impl EndReason {
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::Logout => "logout",
            EndReason::Revoked => "revoked",
            EndReason::Replay => "replay",
            EndReason::PasswordReset => "password_reset",
        }
    }
}

/// Ends the session the request's cookies belong to: the access token's, or
/// when that has expired, the refresh token's.
pub async fn end_session(app: &App, jar: &CookieJar) -> anyhow::Result<()> {
    let mut tx = app.db.begin().await?;
    let session_id = match jar
        .get(ACCESS_COOKIE)
        .and_then(|c| app.keys.verify(c.value()))
    {
        Some(claims) => Some(claims.session_id),
        None => match jar.get(REFRESH_COOKIE) {
            Some(cookie) => repo::sessions::refresh_token(&mut tx, &secret_hash(cookie.value()))
                .await?
                .map(|token| token.session_id),
            None => None,
        },
    };
    if let Some(session_id) = session_id {
        repo::sessions::revoke(&mut tx, session_id, EndReason::Logout).await?;
        tracing::info!(
            target: "security",
            event = "logout",
            session_id = %session_id,
            "logged out"
        );
    }
    tx.commit().await?;
    Ok(())
}

fn set_cookies(
    app: &App,
    jar: CookieJar,
    access: String,
    refresh: String,
    session_expires_ms: i64,
) -> CookieJar {
    let secure = app.config.secure_cookies();
    let lasts = time::Duration::milliseconds(session_expires_ms - db::to_millis(db::now()));
    jar.add(cookie(ACCESS_COOKIE, access, "/", secure, lasts))
        .add(cookie(REFRESH_COOKIE, refresh, REFRESH_PATH, secure, lasts))
}

/// Removes both session cookies.
pub fn clear_cookies(app: &App, jar: CookieJar) -> CookieJar {
    let secure = app.config.secure_cookies();
    let mut access = cookie(
        ACCESS_COOKIE,
        String::new(),
        "/",
        secure,
        time::Duration::ZERO,
    );
    access.make_removal();
    let mut refresh = cookie(
        REFRESH_COOKIE,
        String::new(),
        REFRESH_PATH,
        secure,
        time::Duration::ZERO,
    );
    refresh.make_removal();
    jar.add(access).add(refresh)
}

fn cookie(
    name: &'static str,
    value: String,
    path: &'static str,
    secure: bool,
    lasts: time::Duration,
) -> Cookie<'static> {
    Cookie::build((name, value))
        .http_only(true)
        .secure(secure)
        // Strict: the cookies never ride on a request another site starts.
        .same_site(SameSite::Strict)
        .path(path)
        .max_age(lasts)
        .build()
}

/// 32 random bytes, URL-safe: refresh tokens and mailed links.
pub fn new_secret() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// Secrets are stored only as their SHA-256.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The browser's self-description, shortened, for the list of sessions.
fn user_agent(headers: &HeaderMap) -> String {
    headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect()
}

/// The logged-in person making a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: Uuid,
    /// The session (row of `sessions`) the request came with.
    pub session_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub is_operator: bool,
    /// When the session behind this request stops being accepted (leeway
    /// included); an open socket closes then.
    pub session_expires_at: chrono::DateTime<chrono::Utc>,
}

impl CurrentUser {
    pub fn actor(&self) -> ActorRef {
        ActorRef {
            user_id: self.id,
            display_name: self.display_name.clone(),
        }
    }
}

/// Reads the access cookie from request headers and loads the person, if
/// the token is genuine and current and its session still lives. Marks the
/// session as used (at most once a minute), which keeps it from idling out.
pub async fn user_from_headers(
    app: &App,
    headers: &axum::http::HeaderMap,
) -> Result<Option<CurrentUser>, ApiError> {
    let jar = CookieJar::from_headers(headers);
    let Some(token) = jar.get(ACCESS_COOKIE).map(|c| c.value().to_string()) else {
        return Ok(None);
    };
    let Some(TokenClaims {
        user_id: id,
        session_id,
        ..
    }) = app.keys.verify(&token)
    else {
        return Ok(None);
    };
    let now = db::to_millis(db::now());
    let Some(session) = repo::sessions::get(&app.db.read, session_id).await? else {
        return Ok(None);
    };
    if session.user_id != id || !session.is_live(now) {
        return Ok(None);
    }
    let mut ends_at = session.end_at();
    if now - session.last_seen_at >= SEEN_EVERY_SECONDS * 1000 {
        // A failed mark costs the person at most an early idle timeout.
        match repo::sessions::touch(&app.db.write, session_id, now).await {
            Ok(()) => ends_at = session.end_after_activity_at(now),
            Err(err) => tracing::warn!(error = %err, "session activity not recorded"),
        }
    }
    let profile = crate::repo::users::profile(&app.db.read, id).await?;
    Ok(profile.map(|row| CurrentUser {
        id,
        session_id,
        session_expires_at: db::from_millis(ends_at)
            + chrono::Duration::seconds(LEEWAY_SECONDS as i64),
        email: row.email,
        display_name: row.display_name,
        is_operator: row.is_operator != 0,
    }))
}

impl FromRequestParts<App> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let user = user_from_headers(app, &parts.headers).await?;
        let user = user.ok_or_else(ApiError::unauthenticated)?;
        tracing::Span::current().record("user_id", tracing::field::display(user.id));
        Ok(user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn in_an_hour() -> i64 {
        chrono::Utc::now().timestamp() + 3600
    }

    #[test]
    fn a_token_signed_with_another_key_is_refused() {
        let ours = TokenKeys::new("a-secret-of-at-least-thirty-two-chars!").unwrap();
        let theirs = TokenKeys::new("another-secret-of-thirty-two-chars!!!").unwrap();
        let token = theirs
            .issue(Uuid::now_v7(), Uuid::now_v7(), in_an_hour())
            .unwrap();
        assert_eq!(ours.verify(&token), None);
    }

    #[test]
    fn a_token_round_trips_to_its_user() {
        let keys = TokenKeys::new("a-secret-of-at-least-thirty-two-chars!").unwrap();
        let id = Uuid::now_v7();
        assert_eq!(
            keys.verify(&keys.issue(id, Uuid::nil(), in_an_hour()).unwrap())
                .map(|c| c.user_id),
            Some(id)
        );
    }

    #[test]
    fn an_unsigned_token_is_refused() {
        let keys = TokenKeys::new("a-secret-of-at-least-thirty-two-chars!").unwrap();
        let token = keys
            .issue(Uuid::now_v7(), Uuid::now_v7(), in_an_hour())
            .unwrap();
        let mut parts: Vec<&str> = token.split('.').collect();
        // {"alg":"none","typ":"JWT"}
        parts[0] = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";
        parts[2] = "";
        assert_eq!(keys.verify(&parts.join(".")), None);
    }
}
