//! Single sign-on against a real OpenID provider (e2e/oidc/provider.mjs,
//! node-oidc-provider), which `scripts/test` starts and names in
//! `TEST_OIDC_ISSUER`. A test client plays the browser: it keeps cookies,
//! follows redirects by hand and fills in the provider's login form.

use std::io::Write;

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use server::config::{Secret, SsoConfig};
use shared::{ClientConfig, IdentityMethod, Me, SessionView};

use crate::support::*;

/// The provider `scripts/test` started, or `None` (the test says so and
/// passes) when the tests run without it.
fn provider() -> Option<SsoConfig> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let Some(issuer) = var("TEST_OIDC_ISSUER") else {
        // Straight to stderr: the test harness swallows `println!` of a
        // passing test, and a skip should not go unnoticed.
        let _ = writeln!(
            std::io::stderr(),
            "skipped: TEST_OIDC_ISSUER is not set (scripts/test starts a test provider)"
        );
        return None;
    };
    Some(SsoConfig {
        issuer,
        client_id: var("TEST_OIDC_CLIENT_ID").expect("TEST_OIDC_CLIENT_ID"),
        client_secret: Secret::new(
            var("TEST_OIDC_CLIENT_SECRET").expect("TEST_OIDC_CLIENT_SECRET"),
        ),
        label: "TestID".into(),
        confirmed_acr: vec!["substantial".into(), "high".into()],
    })
}

/// A provider nobody answers for: the port is closed.
fn unreachable_provider() -> SsoConfig {
    SsoConfig {
        issuer: format!("http://127.0.0.1:{}", free_port()),
        client_id: "vorgangsraum".into(),
        client_secret: Secret::new("never-used"),
        label: "TestID".into(),
        confirmed_acr: vec![],
    }
}

async fn app_with(sso: SsoConfig) -> TestApp {
    TestApp::with(|config| config.sso = Some(sso)).await
}

/// What the person tells the test provider's login form.
struct Login<'a> {
    username: &'a str,
    /// `None`: `<username>@example.org`.
    email: Option<&'a str>,
    email_verified: bool,
    acr: &'a str,
}

impl<'a> Login<'a> {
    fn verified(username: &'a str, acr: &'a str) -> Login<'a> {
        Login {
            username,
            email: None,
            email_verified: true,
            acr,
        }
    }
}

/// A browser with its own cookies that follows no redirect by itself.
struct Browser {
    base: String,
    client: reqwest::Client,
}

impl Browser {
    fn new(app: &TestApp) -> Browser {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser {
            base: app.base.clone(),
            client,
        }
    }

    /// The person as the API sees them with this browser's cookies.
    fn person(&self) -> Person {
        Person {
            client: self.client.clone(),
            ..Person::anonymous(&self.base)
        }
    }

    /// Clicks the login button: the provider's authorization URL, and the
    /// pending cookie the start set (`vr_sso=…`).
    async fn start(&self, query: &str) -> (String, String) {
        let response = self
            .client
            .get(format!("{}/api/auth/sso/start{query}", self.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let cookie = response.headers()[SET_COOKIE].to_str().unwrap();
        let cookie = cookie.split(';').next().unwrap().to_owned();
        (location(&response), cookie)
    }

    /// Logs in at the provider, from its authorization URL to the moment it
    /// sends the browser back: the callback URL with code and state.
    async fn log_in_at_provider(&self, authorize: &str, login: &Login<'_>) -> String {
        let callback = format!("{}/api/auth/sso/callback", self.base);
        let mut url = authorize.to_owned();
        for _ in 0..10 {
            if url.starts_with(&callback) {
                return url;
            }
            let response = self.client.get(&url).send().await.unwrap();
            if response.status().is_redirection() {
                url = resolve(&url, &location(&response));
                continue;
            }
            assert_eq!(response.status(), StatusCode::OK, "at {url}");
            let mut form = vec![
                ("username", login.username),
                ("email", login.email.unwrap_or("")),
                ("acr", login.acr),
            ];
            if login.email_verified {
                form.push(("email_verified", "on"));
            }
            let request = self.client.post(format!("{url}/login")).form(&form);
            let response = request.send().await.unwrap();
            assert_eq!(
                response.status(),
                StatusCode::SEE_OTHER,
                "login form at {url}"
            );
            url = resolve(&url, &location(&response));
        }
        panic!("the provider never sent the browser back (last at {url})");
    }

    /// Follows the provider's redirect back to us: where the case room
    /// sends the browser next.
    async fn come_back(&self, callback: &str) -> String {
        let response = self.client.get(callback).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        location(&response)
    }

    /// The whole login: where the case room sends the browser at the end.
    async fn sign_on(&self, login: &Login<'_>) -> String {
        let (authorize, _) = self.start("").await;
        let callback = self.log_in_at_provider(&authorize, login).await;
        self.come_back(&callback).await
    }

    async fn me(&self) -> Me {
        self.person()
            .get("/api/me")
            .await
            .expect_status(StatusCode::OK)
            .json()
    }
}

fn location(response: &reqwest::Response) -> String {
    response.headers()[LOCATION].to_str().unwrap().to_owned()
}

fn resolve(base: &str, location: &str) -> String {
    url::Url::parse(base)
        .unwrap()
        .join(location)
        .unwrap()
        .to_string()
}

fn unique(name: &str) -> String {
    format!("{name}-{}", &uuid::Uuid::new_v4().simple().to_string()[..8])
}

#[tokio::test]
async fn a_first_login_creates_an_account_whose_identity_the_provider_confirmed() {
    let Some(provider) = provider() else { return };
    let app = app_with(provider).await;
    let config: ClientConfig = app.anonymous().get("/api/config").await.json();
    assert_eq!(config.sso_label.as_deref(), Some("TestID"));

    let browser = Browser::new(&app);
    let name = unique("erika");
    assert_eq!(
        browser
            .sign_on(&Login::verified(&name, "substantial"))
            .await,
        "/"
    );

    let me = browser.me().await;
    assert_eq!(me.display_name, name);
    assert_eq!(me.email, format!("{name}@example.org"));
    assert!(me.email_verified, "the provider vouched for the address");
    let identity = me.identity.expect("substantial counts as confirmed");
    assert_eq!(identity.method, IdentityMethod::Sso);
    assert_eq!(identity.document, "substantial");
    assert_eq!(identity.confirmed_by, None);

    let sessions: Vec<SessionView> = browser.person().get("/api/me/sessions").await.json();
    assert_eq!(sessions.len(), 1);
    assert_eq!(
        sessions[0].method, "sso",
        "the list of sessions says how it began"
    );
}

#[tokio::test]
async fn a_second_login_comes_back_to_the_same_account_and_page() {
    let Some(provider) = provider() else { return };
    let app = app_with(provider).await;
    let name = unique("max");
    let first = Browser::new(&app);
    first.sign_on(&Login::verified(&name, "low")).await;
    let account = first.me().await;
    assert_eq!(account.identity, None, "low is not a confirmed identity");

    let second = Browser::new(&app);
    let (authorize, _) = second.start("?return=/rooms/42").await;
    let callback = second
        .log_in_at_provider(&authorize, &Login::verified(&name, "high"))
        .await;
    assert_eq!(second.come_back(&callback).await, "/rooms/42");
    let again = second.me().await;
    assert_eq!(again.id, account.id);
    assert_eq!(again.identity.map(|i| i.document).as_deref(), Some("high"));
}

#[tokio::test]
async fn a_tampered_state_is_refused() {
    let Some(provider) = provider() else { return };
    let app = app_with(provider).await;
    let browser = Browser::new(&app);
    let (authorize, _) = browser.start("").await;
    let callback = browser
        .log_in_at_provider(&authorize, &Login::verified(&unique("eve"), "high"))
        .await;

    let mut url = url::Url::parse(&callback).unwrap();
    let tampered: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| match k.as_ref() {
            "state" => (k.into_owned(), format!("{v}x")),
            _ => (k.into_owned(), v.into_owned()),
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(tampered);

    assert_eq!(
        browser.come_back(url.as_str()).await,
        "/login?sso_error=state_mismatch"
    );
    browser
        .person()
        .get("/api/me")
        .await
        .expect_status(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_replayed_callback_is_refused() {
    let Some(provider) = provider() else { return };
    let app = app_with(provider).await;
    let browser = Browser::new(&app);
    let (authorize, pending_cookie) = browser.start("").await;
    let callback = browser
        .log_in_at_provider(&authorize, &Login::verified(&unique("mallory"), "high"))
        .await;
    assert_eq!(browser.come_back(&callback).await, "/");

    // The same browser: its pending cookie is gone with the first use.
    assert_eq!(
        browser.come_back(&callback).await,
        "/login?sso_error=expired"
    );

    // Someone who copied the cookie too: the provider refuses the used code.
    let copied = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = copied
        .get(&callback)
        .header(COOKIE, pending_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/login?sso_error=token");
    assert!(
        response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .all(|c| { !c.to_str().unwrap().starts_with("vr_session=") }),
        "no session for a replay"
    );
}

#[tokio::test]
async fn a_password_account_is_linked_only_when_the_provider_verified_its_address() {
    let Some(provider) = provider() else { return };
    let app = app_with(provider).await;
    let owner = app.register("Paula Passwort").await;

    let attacker = Browser::new(&app);
    let unverified = Login {
        username: &unique("paula"),
        email: Some(&owner.email),
        email_verified: false,
        acr: "high",
    };
    assert_eq!(
        attacker.sign_on(&unverified).await,
        "/login?sso_error=email_unverified"
    );
    attacker
        .person()
        .get("/api/me")
        .await
        .expect_status(StatusCode::UNAUTHORIZED);

    let browser = Browser::new(&app);
    let verified = Login {
        email_verified: true,
        ..unverified
    };
    assert_eq!(browser.sign_on(&verified).await, "/");
    let me = browser.me().await;
    assert_eq!(me.id, owner.id, "linked to the password account");
    assert!(me.email_verified);
}

#[tokio::test]
async fn the_provider_saying_no_sends_the_person_back_to_the_login_page() {
    let app = app_with(unreachable_provider()).await;
    let browser = Browser::new(&app);
    let back = browser
        .come_back(&app.url("/api/auth/sso/callback?error=access_denied&state=x"))
        .await;
    assert_eq!(back, "/login?sso_error=cancelled");

    let back = browser
        .come_back(&app.url("/api/auth/sso/callback?code=abc&state=x"))
        .await;
    assert_eq!(back, "/login?sso_error=expired", "no pending cookie");
}

#[tokio::test]
async fn a_provider_that_does_not_answer_gets_a_clear_503() {
    let app = app_with(unreachable_provider()).await;
    let answer = app
        .anonymous()
        .get("/api/auth/sso/start")
        .await
        .expect_status(StatusCode::SERVICE_UNAVAILABLE);
    assert!(answer.problem().detail.contains("TestID"));
}

#[tokio::test]
async fn a_return_path_to_another_site_is_refused() {
    let app = app_with(unreachable_provider()).await;
    for target in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("return", target)
            .finish();
        let answer = app
            .anonymous()
            .get(&format!("/api/auth/sso/start?{query}"))
            .await
            .expect_status(StatusCode::BAD_REQUEST);
        assert_eq!(answer.problem().code, "unsafe_return");
    }
}

#[tokio::test]
async fn without_single_sign_on_its_endpoints_are_not_there() {
    let app = TestApp::new().await;
    let config: ClientConfig = app.anonymous().get("/api/config").await.json();
    assert_eq!(config.sso_label, None);
    for path in [
        "/api/auth/sso/start",
        "/api/auth/sso/callback?code=a&state=b",
    ] {
        let answer = app
            .anonymous()
            .get(path)
            .await
            .expect_status(StatusCode::NOT_FOUND);
        assert_eq!(answer.problem().code, "sso_off");
    }
}
