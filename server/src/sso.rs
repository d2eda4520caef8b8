//! The OpenID Connect side of single sign-on: finding the provider (lazily,
//! with a cache), sending the person there with PKCE, `state` and `nonce`,
//! and checking what comes back. It knows no accounts: `handlers::sso`
//! decides whose login a verified ID token is (rules in `domain::sso`).
//!
//! Between the two legs the flow's secrets live in a short-lived cookie
//! signed with the server's secret, not in a table. The cookie is what binds
//! the callback to the browser that started the login (so nobody can slip
//! their own code into someone else's browser), it needs no sweep of
//! abandoned logins, and every instance of the server can finish a login
//! another one started. It is signed, not encrypted: the PKCE verifier and
//! the nonce only matter together with a code from this very browser, and
//! page scripts never see the cookie (httpOnly).

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use axum_extra::extract::cookie::{Cookie, SameSite};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AsyncHttpClient, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, HttpRequest, HttpResponse, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::sync::Mutex;

use crate::config::{Config, SsoConfig};
use crate::domain::sso::Failure;

/// The cookie carrying one login's state, nonce and PKCE verifier.
pub const PENDING_COOKIE: &str = "vr_sso";
/// How long a person may take at the provider.
const PENDING_MINUTES: i64 = 10;
/// The cookie is only sent to the two sign-on endpoints.
const PENDING_PATH: &str = "/api/auth/sso";
const PENDING_AUDIENCE: &str = "vorgangsraum-sso";
/// How long the provider's metadata and signing keys are trusted before they
/// are fetched again; a key rotation is picked up sooner (see `forget`).
const METADATA_TTL: Duration = Duration::from_secs(3600);
/// A provider that does not answer within this gets a 503, not a hanging page.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// The client after discovery: authorization endpoint known, token and
/// userinfo endpoints as the provider announced them.
type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Single sign-on with the configured provider. One per server.
pub struct Sso {
    config: SsoConfig,
    /// `<public url>/api/auth/sso/callback`, registered at the provider.
    redirect_url: RedirectUrl,
    http: Http,
    /// The client built from the provider's metadata, and when it was
    /// fetched; empty until the first login, so that the server starts
    /// while the provider is down.
    discovered: Mutex<Option<(Instant, Client)>>,
    /// Sign the pending cookie with a key of its own, derived from the
    /// server's secret, so it can never pass for a session token.
    encoding: EncodingKey,
    decoding: DecodingKey,
}

/// What a verified ID token says about the person.
#[derive(Debug, Clone)]
pub struct VerifiedLogin {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    /// Only a `true` from the provider counts; a missing claim is `false`.
    pub email_verified: bool,
    /// `name`, else `preferred_username`.
    pub display_name: Option<String>,
    /// The assurance level (`acr`) of this login.
    pub acr: Option<String>,
}

/// A login on its way, as kept in the pending cookie.
#[derive(Debug, Serialize, Deserialize)]
pub struct Pending {
    state: String,
    nonce: String,
    verifier: String,
    /// Where to go after the login: a path on this site.
    pub return_to: String,
    aud: String,
    exp: i64,
}

impl Pending {
    /// Whether `state` from the callback is the one this login sent.
    pub fn state_matches(&self, state: &str) -> bool {
        bool::from(self.state.as_bytes().ct_eq(state.as_bytes()))
    }
}

impl Sso {
    /// Single sign-on as configured, or `None` when it is off. Nothing is
    /// fetched yet.
    pub fn new(config: &Config) -> anyhow::Result<Option<Sso>> {
        let Some(sso) = &config.sso else {
            return Ok(None);
        };
        let redirect_url =
            RedirectUrl::new(format!("{}/api/auth/sso/callback", config.public_url))?;
        let key = Sha256::new()
            .chain_update(b"vorgangsraum sso pending cookie\0")
            .chain_update(config.jwt_secret.expose().as_bytes())
            .finalize();
        Ok(Some(Sso {
            config: sso.clone(),
            redirect_url,
            http: Http::new()?,
            discovered: Mutex::new(None),
            encoding: EncodingKey::from_secret(&key)?,
            decoding: DecodingKey::from_secret(&key)?,
        }))
    }

    /// The provider's name for the login button.
    pub fn label(&self) -> &str {
        &self.config.label
    }

    pub fn confirmed_acr(&self) -> &[String] {
        &self.config.confirmed_acr
    }

    /// The client for the provider, discovering it first when the cached
    /// metadata is missing or old. Logins arriving meanwhile wait for the
    /// one discovery instead of each starting their own.
    async fn client(&self) -> Result<Client, Failure> {
        let mut discovered = self.discovered.lock().await;
        if let Some((at, client)) = discovered.as_ref()
            && at.elapsed() < METADATA_TTL
        {
            return Ok(client.clone());
        }
        let issuer =
            IssuerUrl::new(self.config.issuer.clone()).map_err(|_| Failure::Unavailable)?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|err| {
                tracing::warn!(error = %err, "the sign-on provider's discovery failed");
                Failure::Unavailable
            })?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            Some(ClientSecret::new(
                self.config.client_secret.expose().to_owned(),
            )),
        )
        .set_redirect_uri(self.redirect_url.clone());
        *discovered = Some((Instant::now(), client.clone()));
        Ok(client)
    }

    /// Drops the cached metadata, so the next login fetches the provider's
    /// keys again (after it rotated them, a token fails the signature check).
    async fn forget(&self) {
        *self.discovered.lock().await = None;
    }

    /// The provider's authorization URL for a new login, and the cookie that
    /// carries its secrets until the person comes back.
    pub async fn begin(
        &self,
        return_to: String,
        secure: bool,
    ) -> Result<(String, Cookie<'static>), Failure> {
        let client = self.client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();

        let pending = Pending {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            verifier: verifier.secret().clone(),
            return_to,
            aud: PENDING_AUDIENCE.into(),
            exp: chrono::Utc::now().timestamp() + PENDING_MINUTES * 60,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &pending, &self.encoding)
            .map_err(|_| Failure::Internal)?;
        Ok((url.to_string(), pending_cookie(token, secure)))
    }

    /// The login the pending cookie's value stands for, if it is ours and
    /// not older than ten minutes.
    pub fn pending(&self, cookie: &str) -> Option<Pending> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_audience(&[PENDING_AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "aud"]);
        jsonwebtoken::decode::<Pending>(cookie, &self.decoding, &validation)
            .ok()
            .map(|data| data.claims)
    }

    /// Exchanges the code for tokens and checks the ID token: signature,
    /// issuer, audience, expiry and our nonce, all by the `openidconnect`
    /// crate with its defaults. The access token is never used, so its
    /// hash (`at_hash`) needs no check.
    pub async fn finish(&self, pending: Pending, code: String) -> Result<VerifiedLogin, Failure> {
        let client = self.client().await?;
        let response = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|_| Failure::Unavailable)?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier))
            .request_async(&self.http)
            .await
            .map_err(|err| {
                tracing::info!(error = %err, "the sign-on provider refused the code");
                Failure::Token
            })?;
        let id_token = response.id_token().ok_or(Failure::Token)?;
        let verifier = client.id_token_verifier();
        let claims = match id_token.claims(&verifier, &Nonce::new(pending.nonce)) {
            Ok(claims) => claims,
            Err(err) => {
                tracing::info!(error = %err, "an ID token failed its checks");
                self.forget().await;
                return Err(Failure::InvalidToken);
            }
        };

        let display_name = claims
            .name()
            .and_then(|name| name.get(None))
            .map(|name| name.as_str().to_owned())
            .or_else(|| claims.preferred_username().map(|u| u.as_str().to_owned()));
        Ok(VerifiedLogin {
            issuer: claims.issuer().as_str().to_owned(),
            subject: claims.subject().as_str().to_owned(),
            email: claims.email().map(|email| email.as_str().to_owned()),
            email_verified: claims.email_verified() == Some(true),
            display_name,
            acr: claims.auth_context_ref().map(|acr| acr.as_str().to_owned()),
        })
    }
}

fn pending_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((PENDING_COOKIE, value))
        .http_only(true)
        .secure(secure)
        // Lax, not Strict: the provider sends the person back with a
        // top-level GET from its own site, and the cookie must ride along.
        .same_site(SameSite::Lax)
        .path(PENDING_PATH)
        .max_age(time::Duration::minutes(PENDING_MINUTES))
        .build()
}

/// The removal of the pending cookie: each login's secrets are used once.
pub fn cleared_pending_cookie(secure: bool) -> Cookie<'static> {
    let mut cookie = pending_cookie(String::new(), secure);
    cookie.make_removal();
    cookie
}

/// The HTTP client for talking to the provider: our own reqwest, which
/// follows no redirects (a redirect could point discovery or the token
/// request at an internal address) and gives up after `HTTP_TIMEOUT`.
struct Http(reqwest::Client);

impl Http {
    fn new() -> anyhow::Result<Http> {
        Ok(Http(
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(HTTP_TIMEOUT)
                .build()?,
        ))
    }
}

impl<'c> AsyncHttpClient<'c> for Http {
    type Error = reqwest::Error;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, reqwest::Error>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let response = self.0.execute(request.try_into()?).await?;
            let status = response.status();
            let headers = response.headers().clone();
            let mut answer = HttpResponse::new(response.bytes().await?.to_vec());
            *answer.status_mut() = status;
            *answer.headers_mut() = headers;
            Ok(answer)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sso(secret: &str) -> Sso {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().to_str().unwrap().to_owned();
        let config = Config::from_lookup(|name| {
            let value = match name {
                "VR_DATA_DIR" => data.as_str(),
                "VR_JWT_SECRET" => secret,
                "VR_OIDC_ISSUER" => "https://id.example.org/realms/bauamt",
                "VR_OIDC_CLIENT_ID" => "vorgangsraum",
                "VR_OIDC_CLIENT_SECRET" => "client-secret",
                "VR_OIDC_LABEL" => "BundID",
                _ => return None,
            };
            Some(value.to_owned())
        })
        .unwrap();
        Sso::new(&config).unwrap().expect("configured")
    }

    fn signed(sso: &Sso, exp: i64) -> String {
        let pending = Pending {
            state: "the-state".into(),
            nonce: "the-nonce".into(),
            verifier: "the-verifier".into(),
            return_to: "/rooms".into(),
            aud: PENDING_AUDIENCE.into(),
            exp,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &pending, &sso.encoding).unwrap()
    }

    const OURS: &str = "a-secret-of-at-least-thirty-two-chars!";

    #[test]
    fn a_pending_login_round_trips_through_its_cookie() {
        let sso = sso(OURS);
        let pending = sso
            .pending(&signed(&sso, chrono::Utc::now().timestamp() + 60))
            .unwrap();
        assert!(pending.state_matches("the-state"));
        assert!(!pending.state_matches("the-state-"));
        assert_eq!(pending.return_to, "/rooms");
    }

    #[test]
    fn a_pending_cookie_signed_with_another_secret_is_refused() {
        let theirs = sso("another-secret-of-thirty-two-chars!!!");
        let cookie = signed(&theirs, chrono::Utc::now().timestamp() + 60);
        assert!(sso(OURS).pending(&cookie).is_none());
    }

    #[test]
    fn a_pending_cookie_older_than_ten_minutes_is_refused() {
        let sso = sso(OURS);
        let cookie = signed(&sso, chrono::Utc::now().timestamp() - 1);
        assert!(sso.pending(&cookie).is_none());
    }

    #[test]
    fn a_session_token_does_not_pass_for_a_pending_cookie() {
        let keys = crate::auth::TokenKeys::new(OURS).unwrap();
        let exp = chrono::Utc::now().timestamp() + 60;
        let session = keys
            .issue(uuid::Uuid::now_v7(), uuid::Uuid::now_v7(), exp)
            .unwrap();
        assert!(sso(OURS).pending(&session).is_none());
    }

    #[test]
    fn the_pending_cookie_goes_only_to_the_sign_on_endpoints_and_survives_the_return() {
        let cookie = pending_cookie("x".into(), true);
        assert_eq!(cookie.path(), Some("/api/auth/sso"));
        assert_eq!(cookie.same_site(), Some(SameSite::Lax));
        assert_eq!(cookie.http_only(), Some(true));
        assert_eq!(cookie.secure(), Some(true));
    }
}
