//! Just enough identity for now: password accounts, a signed session token in
//! an httpOnly cookie, and the extractor that turns it into a person.
//!
//! FIXME: sessions are a single JWT lasting `SESSION_HOURS`, with no refresh
//! token, idle timeout or server-side revocation yet; the identity issue (#6)
//! brings rotating refresh tokens, logout that ends the session on the server
//! and login throttling.

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

    pub fn issue(&self, user_id: Uuid) -> anyhow::Result<String> {
        self.issue_until(
            user_id,
            chrono::Utc::now().timestamp() + SESSION_HOURS * 3600,
        )
    }

    /// A token that expires at `exp` (seconds since the epoch).
    pub fn issue_until(&self, user_id: Uuid, exp: i64) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp().min(exp);
        let claims = Claims {
            sub: user_id,
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

    /// The user a token names and when it expires, if it is genuine, current
    /// and meant for us.
    pub fn verify(&self, token: &str) -> Option<(Uuid, i64)> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .ok()
            .map(|data| (data.claims.sub, data.claims.exp))
    }
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
    let Some((id, expires)) = app.keys.verify(&token) else {
        return Ok(None);
    };
    let profile = crate::repo::users::profile(&app.db.read, id).await?;
    Ok(profile.map(|row| CurrentUser {
        id,
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

    #[test]
    fn a_token_signed_with_another_key_is_refused() {
        let ours = TokenKeys::new("a-secret-of-at-least-thirty-two-chars!").unwrap();
        let theirs = TokenKeys::new("another-secret-of-thirty-two-chars!!!").unwrap();
        let token = theirs.issue(Uuid::now_v7()).unwrap();
        assert_eq!(ours.verify(&token), None);
    }

    #[test]
    fn a_token_round_trips_to_its_user() {
        let keys = TokenKeys::new("a-secret-of-at-least-thirty-two-chars!").unwrap();
        let id = Uuid::now_v7();
        assert_eq!(
            keys.verify(&keys.issue(id).unwrap()).map(|(user, _)| user),
            Some(id)
        );
    }

    #[test]
    fn an_unsigned_token_is_refused() {
        let keys = TokenKeys::new("a-secret-of-at-least-thirty-two-chars!").unwrap();
        let token = keys.issue(Uuid::now_v7()).unwrap();
        let mut parts: Vec<&str> = token.split('.').collect();
        // {"alg":"none","typ":"JWT"}
        parts[0] = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";
        parts[2] = "";
        assert_eq!(keys.verify(&parts.join(".")), None);
    }
}
