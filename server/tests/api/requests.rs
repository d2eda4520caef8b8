//! Bad requests of every kind get a precise 4xx problem, never a 500.

use reqwest::StatusCode;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn malformed_json_is_a_400_problem() {
    let app = TestApp::new().await;
    let person = app.anonymous();
    let request = person
        .client
        .post(app.url("/api/auth/register"))
        .header("content-type", "application/json")
        .body("{\"email\": ");
    let problem = person
        .send(request)
        .await
        .expect_status(StatusCode::BAD_REQUEST)
        .problem();
    assert_eq!(problem.code, "malformed_json");
}

#[tokio::test]
async fn a_missing_field_is_a_422_problem() {
    let app = TestApp::new().await;
    let answer = app
        .anonymous()
        .post_json("/api/auth/register", &json!({"email": "a@b.de"}))
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.problem().detail.contains("password"));
}

#[tokio::test]
async fn registration_explains_what_is_wrong_with_each_field() {
    let app = TestApp::new().await;
    let anonymous = app.anonymous();
    for (body, field) in [
        (
            json!({"email": "nope", "password": PASSWORD, "display_name": "A"}),
            "email",
        ),
        (
            json!({"email": "a@b.de", "password": "short", "display_name": "A"}),
            "password",
        ),
        (
            json!({"email": "a@b.de", "password": PASSWORD, "display_name": "  "}),
            "display_name",
        ),
    ] {
        let problem = anonymous
            .post_json("/api/auth/register", &body)
            .await
            .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
            .problem();
        assert_eq!(problem.field.as_deref(), Some(field));
    }
}

#[tokio::test]
async fn an_address_registers_once_whatever_its_case() {
    let app = TestApp::new().await;
    let first = app.register("Bea Builder").await;
    let problem = app
        .anonymous()
        .post_json(
            "/api/auth/register",
            &json!({
                "email": first.email.to_uppercase(),
                "password": PASSWORD,
                "display_name": "B",
            }),
        )
        .await
        .expect_status(StatusCode::CONFLICT)
        .problem();
    assert_eq!(problem.code, "email_taken");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_address_get_the_same_answer() {
    let app = TestApp::new().await;
    let person = app.register("Bea Builder").await;
    let anonymous = app.anonymous();
    let wrong = anonymous
        .post_json(
            "/api/auth/login",
            &json!({"email": person.email, "password": "wrong password!"}),
        )
        .await;
    let unknown = anonymous
        .post_json(
            "/api/auth/login",
            &json!({"email": "nobody@example.de", "password": PASSWORD}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body, unknown.body);
}

#[tokio::test]
async fn a_state_change_without_the_csrf_header_is_refused() {
    let app = TestApp::new().await;
    let (_, builder, room) = app.room().await;
    let bare = reqwest::Client::new();
    let answer = bare
        .post(app.url(&format!("/api/rooms/{}/signature", room.id)))
        .header("cookie", &builder.session)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    assert!(builder.room(room.id).await.signatures.is_empty());
}

#[tokio::test]
async fn a_forged_or_garbled_session_is_not_logged_in() {
    let app = TestApp::new().await;
    let bare = reqwest::Client::new();
    for cookie in [
        "vr_session=garbage",
        "vr_session=eyJhbGciOiJub25lIn0.e30.",
        "vr_session=",
    ] {
        let answer = bare
            .get(app.url("/api/me"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "{cookie}");
    }
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server_not_only_in_the_browser() {
    let app = TestApp::new().await;
    let person = app.register("Bea Builder").await;
    let other_session = app.anonymous();
    other_session
        .post_json(
            "/api/auth/login",
            &json!({"email": person.email, "password": PASSWORD}),
        )
        .await
        .expect_status(StatusCode::OK);

    person
        .post("/api/auth/logout")
        .await
        .expect_status(StatusCode::NO_CONTENT);
    person
        .get("/api/me")
        .await
        .expect_status(StatusCode::UNAUTHORIZED);

    // A copy of the old cookie is worthless now.
    let copied = reqwest::Client::new()
        .get(app.url("/api/me"))
        .header("cookie", &person.session)
        .send()
        .await
        .unwrap();
    assert_eq!(copied.status(), StatusCode::UNAUTHORIZED);
    // The same person's other session goes on.
    other_session
        .get("/api/me")
        .await
        .expect_status(StatusCode::OK);
}

#[tokio::test]
async fn ids_that_are_not_ids_are_404_not_500() {
    let app = TestApp::new().await;
    let person = app.register("Bea Builder").await;
    person
        .get("/api/rooms/not-a-uuid")
        .await
        .expect_status(StatusCode::NOT_FOUND);
    person
        .get("/api/rooms/00000000-0000-0000-0000-000000000000")
        .await
        .expect_status(StatusCode::NOT_FOUND);
    person
        .get("/api/no/such/route")
        .await
        .expect_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_bad_upload_query_is_a_400_problem() {
    let app = TestApp::new().await;
    let (_, builder, room) = app.room().await;
    let url = app.url(&format!(
        "/api/rooms/{}/documents?category=kitchen_sink&file_name=x.pdf",
        room.id
    ));
    let problem = builder
        .send(builder.client.post(url).body("x"))
        .await
        .expect_status(StatusCode::BAD_REQUEST)
        .problem();
    assert_eq!(problem.code, "malformed_query");
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = TestApp::new().await;
    let anonymous = app.anonymous();
    anonymous
        .get("/healthz")
        .await
        .expect_status(StatusCode::OK);
    let ready: shared::Readiness = anonymous
        .get("/readyz")
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert!(ready.database && ready.store);
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_the_security_headers() {
    let app = TestApp::new().await;
    let answer = app.anonymous().get("/api/me").await;
    assert!(answer.headers.contains_key("x-request-id"));
    assert_eq!(answer.headers["x-content-type-options"], "nosniff");
    assert!(
        answer.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
}

#[tokio::test]
async fn the_101st_failed_login_in_an_hour_is_refused_even_with_the_right_password() {
    let app = TestApp::new().await;
    let person = app.register("Bea Builder").await;
    let anonymous = app.anonymous();
    let wrong = json!({"email": person.email, "password": "not my password"});
    for attempt in 1..=100 {
        let answer = anonymous.post_json("/api/auth/login", &wrong).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }

    let right = json!({"email": person.email.to_uppercase(), "password": PASSWORD});
    let problem = anonymous
        .post_json("/api/auth/login", &right)
        .await
        .expect_status(StatusCode::TOO_MANY_REQUESTS)
        .problem();
    assert_eq!(problem.code, "too_many_attempts");
    assert!(problem.detail.contains("hour"));

    // Someone else from the same address is not locked out by this.
    let other = app.register("Dana Designer").await;
    anonymous
        .post_json(
            "/api/auth/login",
            &json!({"email": other.email, "password": PASSWORD}),
        )
        .await
        .expect_status(StatusCode::OK);
}

#[tokio::test]
async fn a_wrong_method_is_a_405_problem() {
    let app = TestApp::new().await;
    let person = app.register("Bea Builder").await;
    let problem = person
        .delete("/api/rooms")
        .await
        .expect_status(StatusCode::METHOD_NOT_ALLOWED)
        .problem();
    assert_eq!(problem.code, "method_not_allowed");
}

#[tokio::test]
async fn an_expired_session_is_not_logged_in() {
    let app = TestApp::new().await;
    let person = app.register("Bea Builder").await;
    let long_ago = chrono::Utc::now().timestamp() - server::auth::LEEWAY_SECONDS as i64 - 60;
    let token = server::auth::start_session_until(&app.app, person.id, long_ago)
        .await
        .unwrap();
    let answer = reqwest::Client::new()
        .get(app.url("/api/me"))
        .header("cookie", format!("vr_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_double_click_on_start_room_makes_one_room() {
    let app = TestApp::new().await;
    let office = app.office("Bauamt Doppelklick").await;
    let builder = app.register("Doris Doppel").await;
    let offices: Vec<shared::OfficeSummary> = builder.get("/api/offices").await.json();
    let office = offices.iter().find(|o| o.id == office).unwrap();
    let form = |key: Option<uuid::Uuid>| {
        json!({
            "office_id": office.id,
            "procedure_type_id": office.procedure_types[0].id,
            "title": "Carport",
            "site_address": "Am Markt 1, 17489 Greifswald",
            "client_key": key,
        })
    };
    let key = uuid::Uuid::new_v4();
    let body = form(Some(key));
    let (first, second) = tokio::join!(
        builder.post_json("/api/rooms", &body),
        builder.post_json("/api/rooms", &body),
    );
    let mut statuses = [first.status, second.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CREATED]);
    let (first, second): (shared::RoomView, shared::RoomView) = (first.json(), second.json());
    assert_eq!(first.id, second.id);
    let rooms: Vec<shared::RoomSummary> = builder.get("/api/rooms").await.json();
    assert_eq!(rooms.len(), 1, "one room for one form");

    // Another form (another key), or a client that sends none, starts another room.
    builder
        .post_json("/api/rooms", &form(Some(uuid::Uuid::new_v4())))
        .await
        .expect_status(StatusCode::CREATED);
    builder
        .post_json("/api/rooms", &form(None))
        .await
        .expect_status(StatusCode::CREATED);
    let rooms: Vec<shared::RoomSummary> = builder.get("/api/rooms").await.json();
    assert_eq!(rooms.len(), 3);

    // The same key is someone else's own: it does not reach this builder's room.
    let other = app.register("Otto Anders").await;
    let theirs: shared::RoomView = other
        .post_json("/api/rooms", &form(Some(key)))
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_ne!(theirs.id, first.id);
}

#[tokio::test]
async fn metrics_are_for_the_scrape_with_the_token_only() {
    let off = TestApp::new().await;
    let problem = off
        .anonymous()
        .get("/metrics")
        .await
        .expect_status(StatusCode::NOT_FOUND)
        .problem();
    assert_eq!(problem.code, "metrics_off");

    let app = TestApp::with(|config| {
        config.metrics_token = Some(server::config::Secret::new("scrape-token-for-tests"));
    })
    .await;
    let (_, builder, room) = app.room().await;
    builder
        .upload(
            room.id,
            "site_plan",
            "Lageplan.pdf",
            real_file("pdfa2b_verapdf.pdf"),
        )
        .await
        .expect_status(StatusCode::CREATED);

    let scrape = |token: &'static str| {
        reqwest::Client::new()
            .get(app.url("/metrics"))
            .header("authorization", format!("Bearer {token}"))
            .send()
    };
    assert_eq!(
        scrape("wrong").await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let anonymous = app.anonymous().get("/metrics").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    anonymous.problem();

    let answer = scrape("scrape-token-for-tests").await.unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    let text = answer.text().await.unwrap();
    for expected in [
        r#"http_requests_total{method="POST",route="/api/rooms",status="201"}"#,
        r#"http_request_duration_seconds_bucket{method="POST",route="/api/rooms","#,
        "upload_bytes_total",
        "room_events_written_total",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
}
