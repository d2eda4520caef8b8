//! Just enough identity for now: password accounts, a signed session token in
//! an httpOnly cookie, and the extractor that turns it into a person.
//!
//! A session is a row in `sessions` and a JWT naming it; logout revokes the
//! row, so a copied cookie stops working at once.
//!
//! FIXME: a session lasts `SESSION_HOURS` with no refresh token, idle timeout
//! or list of one's sessions yet (identity issue #6). An open socket follows
//! the session's row: it closes when the row is revoked or runs out, and
//! stays open when the row's expiry is extended.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum_extra::extract::cookie::{Cookie, SameSite};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use shared::ActorRef;
use uuid::Uuid;

use crate::app::App;
use crate::error::ApiError;

pub const SESSION_COOKIE: &str = "vr_session";
pub const SESSION_HOURS: i64 = 12;
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

/// Opens a session for a person who just proved who they are, and returns
/// its token for the cookie.
pub async fn start_session(app: &App, user_id: Uuid) -> anyhow::Result<String> {
    start_session_until(
        app,
        user_id,
        chrono::Utc::now().timestamp() + SESSION_HOURS * 3600,
    )
    .await
}

/// Opens a session that ends at `exp` (seconds since the epoch).
pub async fn start_session_until(app: &App, user_id: Uuid, exp: i64) -> anyhow::Result<String> {
    let session_id = Uuid::now_v7();
    let mut tx = app.db.begin().await?;
    crate::repo::users::insert_session(&mut tx, session_id, user_id, exp * 1000).await?;
    tx.commit().await?;
    app.keys.issue(user_id, session_id, exp)
}

/// Ends the session the request's cookie belongs to, if it has a valid one.
pub async fn end_session(app: &App, headers: &axum::http::HeaderMap) -> anyhow::Result<()> {
    let jar = axum_extra::extract::CookieJar::from_headers(headers);
    if let Some(claims) = jar
        .get(SESSION_COOKIE)
        .and_then(|c| app.keys.verify(c.value()))
    {
        let mut tx = app.db.begin().await?;
        crate::repo::users::revoke_session(&mut tx, claims.session_id).await?;
        tx.commit().await?;
    }
    Ok(())
}

pub fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .http_only(true)
        .secure(secure)
        // Strict: the cookie never rides on a request another site starts.
        .same_site(SameSite::Strict)
        .path("/")
        .max_age(time::Duration::hours(SESSION_HOURS))
        .build()
}

pub fn cleared_cookie(secure: bool) -> Cookie<'static> {
    let mut cookie = session_cookie(String::new(), secure);
    cookie.make_removal();
    cookie
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

/// Reads the session cookie from request headers and loads the person.
pub async fn user_from_headers(
    app: &App,
    headers: &axum::http::HeaderMap,
) -> Result<Option<CurrentUser>, ApiError> {
    let jar = axum_extra::extract::CookieJar::from_headers(headers);
    let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) else {
        return Ok(None);
    };
    let Some(TokenClaims {
        user_id: id,
        session_id,
        expires,
    }) = app.keys.verify(&token)
    else {
        return Ok(None);
    };
    if !crate::repo::users::session_active(&app.db.read, session_id, id).await? {
        return Ok(None);
    }
    let profile = crate::repo::users::profile(&app.db.read, id).await?;
    Ok(profile.map(|row| CurrentUser {
        id,
        session_id,
        session_expires_at: chrono::DateTime::from_timestamp(expires, 0).unwrap_or_default()
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
