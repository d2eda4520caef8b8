//! Sessions, tokens and account links: what an attacker with a copied or
//! forged token gets (nothing), and what a person sees of their sessions.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::json;
use shared::{InvitationCreated, Me, RenewedSession, SessionView};
use uuid::Uuid;

use crate::notifications::mails_to;
use crate::support::*;

/// A browser's two session cookies, sent by hand so that a test can replay
/// old ones.
struct Cookies {
    access: String,
    refresh: String,
}

impl Cookies {
    fn of(answer: &Answer) -> Cookies {
        Cookies {
            access: session_of(answer),
            refresh: cookie_of(answer, "vr_refresh"),
        }
    }
}

/// Logs `person` in again from a fresh browser.
async fn log_in(app: &TestApp, person: &Person) -> Cookies {
    let answer = app
        .anonymous()
        .post_json(
            "/api/auth/login",
            &json!({"email": person.email, "password": PASSWORD}),
        )
        .await
        .expect_status(StatusCode::OK);
    Cookies::of(&answer)
}

async fn with_cookie(app: &TestApp, method: reqwest::Method, path: &str, cookie: &str) -> Answer {
    let request = reqwest::Client::new()
        .request(method, app.url(path))
        .header("x-requested-with", "vorgangsraum")
        .header("cookie", cookie);
    app.anonymous().send(request).await
}

async fn me(app: &TestApp, access: &str) -> StatusCode {
    with_cookie(app, reqwest::Method::GET, "/api/me", access)
        .await
        .status
}

async fn renew(app: &TestApp, refresh: &str) -> Answer {
    with_cookie(app, reqwest::Method::POST, "/api/auth/refresh", refresh).await
}

async fn sql(app: &TestApp, statement: &'static str, value: i64) {
    sqlx::query(statement)
        .bind(value)
        .execute(&app.app.db.write)
        .await
        .unwrap();
}

fn now_millis() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[tokio::test]
async fn a_refresh_token_buys_new_tokens_once() {
    let app = TestApp::new().await;
    let person = app.register("Rita Renew").await;
    let first = log_in(&app, &person).await;

    let answer = renew(&app, &first.refresh)
        .await
        .expect_status(StatusCode::OK);
    let renewed: RenewedSession = answer.json();
    assert!(renewed.access_expires_at > chrono::Utc::now());
    assert!(renewed.session_ends_at > renewed.access_expires_at);
    let second = Cookies::of(&answer);
    assert_ne!(second.refresh, first.refresh);
    assert_ne!(second.access, first.access);
    assert_eq!(me(&app, &second.access).await, StatusCode::OK);

    // Moments later the spent token is taken for a race of two requests of
    // the same browser: no new tokens, nothing revoked.
    let raced = renew(&app, &first.refresh)
        .await
        .expect_status(StatusCode::CONFLICT);
    assert!(raced.headers.get("set-cookie").is_none());
    assert_eq!(raced.problem().code, "renewed_already");
    assert_eq!(me(&app, &second.access).await, StatusCode::OK);
}

#[tokio::test]
async fn a_replayed_refresh_token_revokes_the_whole_session() {
    let app = TestApp::new().await;
    let person = app.register("Rolf Replay").await;
    let stolen = log_in(&app, &person).await;
    let answer = renew(&app, &stolen.refresh)
        .await
        .expect_status(StatusCode::OK);
    let genuine = Cookies::of(&answer);
    // The thief comes back with the copied token after the race window.
    sql(
        &app,
        "UPDATE refresh_tokens SET used_at = used_at - $1 WHERE used_at IS NOT NULL",
        60_000,
    )
    .await;

    let problem = renew(&app, &stolen.refresh)
        .await
        .expect_status(StatusCode::UNAUTHORIZED)
        .problem();
    assert_eq!(problem.code, "session_revoked");
    assert!(problem.detail.contains("Log in again"));
    // The whole family is gone: the genuine holder's new tokens too.
    assert_eq!(me(&app, &genuine.access).await, StatusCode::UNAUTHORIZED);
    let problem = renew(&app, &genuine.refresh)
        .await
        .expect_status(StatusCode::UNAUTHORIZED)
        .problem();
    assert_eq!(problem.code, "session_ended");
    // Other sessions of the person are not touched.
    assert_eq!(me(&app, &person.session).await, StatusCode::OK);
}

#[tokio::test]
async fn a_session_idle_for_thirty_minutes_has_ended() {
    let app = TestApp::new().await;
    let person = app.register("Ida Idle").await;
    let cookies = log_in(&app, &person).await;
    assert_eq!(me(&app, &cookies.access).await, StatusCode::OK);
    sql(
        &app,
        "UPDATE sessions SET last_seen_at = $1",
        now_millis() - 31 * 60_000,
    )
    .await;

    assert_eq!(me(&app, &cookies.access).await, StatusCode::UNAUTHORIZED);
    let problem = renew(&app, &cookies.refresh)
        .await
        .expect_status(StatusCode::UNAUTHORIZED)
        .problem();
    assert_eq!(problem.code, "session_ended");
}

#[tokio::test]
async fn a_session_used_all_along_ends_twelve_hours_after_login() {
    let app = TestApp::new().await;
    let person = app.register("Arno Absolut").await;
    let cookies = log_in(&app, &person).await;
    // Logged in twelve hours ago, active a minute ago.
    sql(
        &app,
        "UPDATE sessions SET expires_at = $1",
        now_millis() - 60_000,
    )
    .await;
    assert_eq!(me(&app, &cookies.access).await, StatusCode::UNAUTHORIZED);
    renew(&app, &cookies.refresh)
        .await
        .expect_status(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn logout_ends_the_session_for_both_cookies() {
    let app = TestApp::new().await;
    let person = app.register("Lotte Logout").await;
    let cookies = log_in(&app, &person).await;
    let both = format!("{}; {}", cookies.access, cookies.refresh);
    let answer = with_cookie(&app, reqwest::Method::POST, "/api/auth/logout", &both)
        .await
        .expect_status(StatusCode::NO_CONTENT);
    let removed: Vec<_> = answer.headers.get_all("set-cookie").iter().collect();
    assert_eq!(removed.len(), 2, "both cookies are removed");
    assert_eq!(me(&app, &cookies.access).await, StatusCode::UNAUTHORIZED);
    renew(&app, &cookies.refresh)
        .await
        .expect_status(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn logout_with_only_the_refresh_cookie_left_still_ends_the_session() {
    let app = TestApp::new().await;
    let person = app.register("Rosa Rest").await;
    let cookies = log_in(&app, &person).await;
    with_cookie(
        &app,
        reqwest::Method::POST,
        "/api/auth/logout",
        &cookies.refresh,
    )
    .await
    .expect_status(StatusCode::NO_CONTENT);
    assert_eq!(me(&app, &cookies.access).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_cookies_are_http_only_strict_and_the_refresh_one_goes_to_the_session_endpoints_only() {
    let app = TestApp::with(|config| config.public_url = "https://bauamt.example".into()).await;
    let answer = app
        .anonymous()
        .post_json(
            "/api/auth/register",
            &json!({"email": "c@example.de", "password": PASSWORD, "display_name": "C"}),
        )
        .await
        .expect_status(StatusCode::CREATED);
    let cookies: Vec<String> = answer
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let access = cookies
        .iter()
        .find(|c| c.starts_with("vr_session="))
        .unwrap();
    let refresh = cookies
        .iter()
        .find(|c| c.starts_with("vr_refresh="))
        .unwrap();
    for cookie in [access, refresh] {
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Strict"), "{cookie}");
        assert!(cookie.contains("Secure"), "{cookie}");
    }
    assert!(access.contains("Path=/;") || access.ends_with("Path=/"));
    assert!(refresh.contains("Path=/api/auth"));
    // Behind TLS the browser is told to stay on it.
    let hsts = answer.headers["strict-transport-security"]
        .to_str()
        .unwrap();
    assert!(hsts.starts_with("max-age="), "{hsts}");
}

#[tokio::test]
async fn the_headers_keep_pages_out_of_frames_and_name_no_server_software() {
    let app = TestApp::new().await;
    for path in ["/", "/api/me", "/api/rooms/not-a-room"] {
        let answer = app.anonymous().get(path).await;
        let header = |name: &str| {
            answer
                .headers
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
        };
        assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
        assert_eq!(header("referrer-policy").as_deref(), Some("no-referrer"));
        let csp = header("content-security-policy").unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(header("server"), None, "{path}");
        assert_eq!(header("x-powered-by"), None, "{path}");
        // Plain HTTP (no TLS proxy named in VR_PUBLIC_URL): no HSTS.
        assert_eq!(header("strict-transport-security"), None);
    }
}

/// The claims of a session token, as an attacker would forge them.
fn forged(sub: Uuid, sid: Uuid, audience: &str, exp: i64) -> serde_json::Value {
    let now = chrono::Utc::now().timestamp();
    json!({
        "sub": sub, "sid": sid, "iss": "vorgangsraum", "aud": audience,
        "iat": now, "nbf": now.min(exp), "exp": exp, "jti": Uuid::new_v4(),
    })
}

async fn session_id_of(app: &TestApp, person: &Person) -> Uuid {
    let (id,): (String,) =
        sqlx::query_as("SELECT id FROM sessions WHERE user_id = $1 ORDER BY created_at DESC")
            .bind(person.id.to_string())
            .fetch_one(&app.app.db.read)
            .await
            .unwrap();
    id.parse().unwrap()
}

#[tokio::test]
async fn forged_expired_and_foreign_tokens_are_not_logged_in() {
    let app = TestApp::new().await;
    let person = app.register("Tina Token").await;
    let sid = session_id_of(&app, &person).await;
    let secret = app.config.jwt_secret.expose().to_string();
    let ours = EncodingKey::from_secret(secret.as_bytes()).unwrap();
    let theirs = EncodingKey::from_secret(b"a-secret-that-is-not-the-servers-secret").unwrap();
    let in_an_hour = chrono::Utc::now().timestamp() + 3600;
    let sign = |claims: &serde_json::Value, key: &EncodingKey, alg: Algorithm| {
        jsonwebtoken::encode(&Header::new(alg), claims, key).unwrap()
    };

    // The genuine article, to show the forgeries differ only where named.
    let genuine = sign(
        &forged(person.id, sid, "vorgangsraum-web", in_an_hour),
        &ours,
        Algorithm::HS256,
    );
    assert_eq!(
        me(&app, &format!("vr_session={genuine}")).await,
        StatusCode::OK
    );

    let unsigned = {
        let mut parts: Vec<String> = genuine.split('.').map(str::to_string).collect();
        // {"alg":"none","typ":"JWT"}
        parts[0] = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0".into();
        parts[2] = String::new();
        parts.join(".")
    };
    let cases = [
        ("alg none", unsigned),
        (
            "another key",
            sign(
                &forged(person.id, sid, "vorgangsraum-web", in_an_hour),
                &theirs,
                Algorithm::HS256,
            ),
        ),
        (
            "another algorithm",
            sign(
                &forged(person.id, sid, "vorgangsraum-web", in_an_hour),
                &ours,
                Algorithm::HS512,
            ),
        ),
        (
            "expired beyond the leeway",
            sign(
                &forged(
                    person.id,
                    sid,
                    "vorgangsraum-web",
                    chrono::Utc::now().timestamp() - 120,
                ),
                &ours,
                Algorithm::HS256,
            ),
        ),
        (
            "another audience",
            sign(
                &forged(person.id, sid, "another-service", in_an_hour),
                &ours,
                Algorithm::HS256,
            ),
        ),
        (
            "someone else's session",
            sign(
                &forged(Uuid::now_v7(), sid, "vorgangsraum-web", in_an_hour),
                &ours,
                Algorithm::HS256,
            ),
        ),
    ];
    for (what, token) in cases {
        assert_eq!(
            me(&app, &format!("vr_session={token}")).await,
            StatusCode::UNAUTHORIZED,
            "{what}"
        );
    }
}

#[tokio::test]
async fn a_person_sees_their_sessions_and_ends_one_from_another() {
    let app = TestApp::new().await;
    let person = app.register("Sven Sitzung").await;
    let laptop = log_in(&app, &person).await;
    let sessions: Vec<SessionView> = person.get("/api/me/sessions").await.json();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions.iter().filter(|s| s.current).count(), 1);
    assert!(sessions.iter().all(|s| s.method == "password"));
    let other = sessions.iter().find(|s| !s.current).unwrap();

    let stranger = app.register("Sara Fremd").await;
    stranger
        .delete(&format!("/api/me/sessions/{}", other.id))
        .await
        .expect_status(StatusCode::NOT_FOUND);
    assert_eq!(me(&app, &laptop.access).await, StatusCode::OK);

    person
        .delete(&format!("/api/me/sessions/{}", other.id))
        .await
        .expect_status(StatusCode::NO_CONTENT);
    assert_eq!(me(&app, &laptop.access).await, StatusCode::UNAUTHORIZED);
    renew(&app, &laptop.refresh)
        .await
        .expect_status(StatusCode::UNAUTHORIZED);
    let sessions: Vec<SessionView> = person.get("/api/me/sessions").await.json();
    assert_eq!(sessions.len(), 1);
    person
        .delete(&format!("/api/me/sessions/{}", other.id))
        .await
        .expect_status(StatusCode::NOT_FOUND);
    person
        .delete("/api/me/sessions/not-a-session")
        .await
        .expect_status(StatusCode::NOT_FOUND);
}

/// The token of the link to `path` mailed to `address` (each test here
/// mails one such link; the mail folder keeps no order).
fn mailed_token(app: &TestApp, address: &str, path: &str) -> Option<String> {
    mails_to(app, address)
        .iter()
        .map(|mail| mail.replace("=\r\n", "").replace("=\n", ""))
        .find_map(|body| {
            let start = body.find(path)? + path.len();
            Some(
                body[start..]
                    .chars()
                    .take_while(char::is_ascii_hexdigit)
                    .collect(),
            )
        })
}

#[tokio::test]
async fn an_address_is_confirmed_with_the_mailed_link_once() {
    let app = TestApp::new().await;
    let person = app.register("Vera Verifiziert").await;
    let me_now: Me = person.get("/api/me").await.json();
    assert!(!me_now.email_verified);
    // A second link right away is refused; the first is on its way.
    let problem = person
        .post("/api/me/email-verification")
        .await
        .expect_status(StatusCode::TOO_MANY_REQUESTS)
        .problem();
    assert!(problem.detail.contains("mailbox"));

    let token = mailed_token(&app, &person.email, "/verify-email/").expect("a link was mailed");
    // Opened in another browser, without a login.
    let anonymous = app.anonymous();
    anonymous
        .post_json("/api/auth/email-verification", &json!({"token": token}))
        .await
        .expect_status(StatusCode::NO_CONTENT);
    let me_now: Me = person.get("/api/me").await.json();
    assert!(me_now.email_verified);

    let problem = anonymous
        .post_json("/api/auth/email-verification", &json!({"token": token}))
        .await
        .expect_status(StatusCode::GONE)
        .problem();
    assert!(problem.detail.contains("used already"));
    anonymous
        .post_json(
            "/api/auth/email-verification",
            &json!({"token": "0123456789abcdef"}),
        )
        .await
        .expect_status(StatusCode::NOT_FOUND);
    anonymous
        .post_json("/api/auth/email-verification", &json!({"tokn": token}))
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY);
    person
        .post("/api/me/email-verification")
        .await
        .expect_status(StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_password_is_reset_by_mail_and_every_session_ends() {
    let app = TestApp::new().await;
    let person = app.register("Paula Passwort").await;
    let other_browser = log_in(&app, &person).await;
    let anonymous = app.anonymous();

    // Unknown addresses get the same answer and no mail.
    anonymous
        .post_json(
            "/api/auth/password-reset",
            &json!({"email": "nobody@example.de"}),
        )
        .await
        .expect_status(StatusCode::ACCEPTED);
    assert!(mails_to(&app, "nobody@example.de").is_empty());
    anonymous
        .post_json(
            "/api/auth/password-reset",
            &json!({"email": "not an address"}),
        )
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY);

    anonymous
        .post_json("/api/auth/password-reset", &json!({"email": person.email}))
        .await
        .expect_status(StatusCode::ACCEPTED);
    let token = mailed_token(&app, &person.email, "/reset-password/").expect("a link was mailed");

    // A password too short is refused and the link stays good.
    let problem = anonymous
        .post_json(
            "/api/auth/password-reset/confirm",
            &json!({"token": token, "password": "short"}),
        )
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
        .problem();
    assert_eq!(problem.field.as_deref(), Some("password"));
    let new_password = "ein ganz neuer langer Satz";
    anonymous
        .post_json(
            "/api/auth/password-reset/confirm",
            &json!({"token": token, "password": new_password}),
        )
        .await
        .expect_status(StatusCode::NO_CONTENT);

    assert_eq!(me(&app, &person.session).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        me(&app, &other_browser.access).await,
        StatusCode::UNAUTHORIZED
    );
    anonymous
        .post_json(
            "/api/auth/login",
            &json!({"email": person.email, "password": PASSWORD}),
        )
        .await
        .expect_status(StatusCode::UNAUTHORIZED);
    let answer = anonymous
        .post_json(
            "/api/auth/login",
            &json!({"email": person.email, "password": new_password}),
        )
        .await
        .expect_status(StatusCode::OK);
    let me_now: Me = answer.json();
    assert!(
        me_now.email_verified,
        "following the link proved the mailbox"
    );

    anonymous
        .post_json(
            "/api/auth/password-reset/confirm",
            &json!({"token": token, "password": "noch ein anderer langer Satz"}),
        )
        .await
        .expect_status(StatusCode::GONE);
}

#[tokio::test]
async fn an_expired_reset_link_is_refused() {
    let app = TestApp::new().await;
    let person = app.register("Erik Abgelaufen").await;
    app.anonymous()
        .post_json("/api/auth/password-reset", &json!({"email": person.email}))
        .await
        .expect_status(StatusCode::ACCEPTED);
    let token = mailed_token(&app, &person.email, "/reset-password/").unwrap();
    sql(
        &app,
        "UPDATE account_tokens SET expires_at = $1",
        now_millis() - 1,
    )
    .await;
    let problem = app
        .anonymous()
        .post_json(
            "/api/auth/password-reset/confirm",
            &json!({"token": token, "password": "ein ganz neuer langer Satz"}),
        )
        .await
        .expect_status(StatusCode::GONE)
        .problem();
    assert!(problem.detail.contains("expired"));
}

#[tokio::test]
async fn reset_links_to_one_account_are_limited_to_three_an_hour() {
    let app = TestApp::new().await;
    let person = app.register("Flora Flut").await;
    for _ in 0..5 {
        app.anonymous()
            .post_json("/api/auth/password-reset", &json!({"email": person.email}))
            .await
            .expect_status(StatusCode::ACCEPTED);
    }
    let resets = mails_to(&app, &person.email)
        .iter()
        .filter(|mail| mail.contains("reset-password"))
        .count();
    assert_eq!(resets, 3);
}

#[tokio::test]
async fn an_invitation_link_after_its_expiry_is_refused() {
    let app = TestApp::new().await;
    let (_, builder, room) = app.room().await;
    let created: InvitationCreated = builder
        .post_json(
            &format!("/api/rooms/{}/invitations", room.id),
            &json!({"email": "late@example.de", "role": "designer"}),
        )
        .await
        .json();
    let token = created.link.rsplit('/').next().unwrap().to_string();
    sql(
        &app,
        "UPDATE invitations SET expires_at = $1",
        now_millis() - 1,
    )
    .await;
    let late = app.register("Lukas Spät").await;
    let problem = late
        .post(&format!("/api/invitations/{token}/accept"))
        .await
        .expect_status(StatusCode::GONE)
        .problem();
    assert!(problem.detail.contains("expired"), "{}", problem.detail);
    let room_now = builder.room(room.id).await;
    assert!(room_now.members.iter().all(|m| m.user_id != late.id));
}

#[tokio::test]
async fn tokens_of_long_ended_sessions_are_forgotten_and_live_ones_kept() {
    let app = TestApp::new().await;
    let gone = app.register("Gina Gestern").await;
    let kept = app.register("Karl Heute").await;
    sqlx::query("UPDATE sessions SET expires_at = $1 WHERE user_id = $2")
        .bind(now_millis() - 2 * 86_400_000)
        .bind(gone.id.to_string())
        .execute(&app.app.db.write)
        .await
        .unwrap();
    let a_day_ago = now_millis() - 86_400_000;
    server::repo::sessions::forget_spent(&app.app.db.write, a_day_ago)
        .await
        .unwrap();
    let count = |person: &Person| {
        let id = person.id.to_string();
        let db = app.app.db.read.clone();
        async move {
            let (n,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id \
                 WHERE s.user_id = $1",
            )
            .bind(id)
            .fetch_one(&db)
            .await
            .unwrap();
            n
        }
    };
    assert_eq!(count(&gone).await, 0);
    assert_eq!(count(&kept).await, 1);
    assert_eq!(me(&app, &kept.session).await, StatusCode::OK);
}
