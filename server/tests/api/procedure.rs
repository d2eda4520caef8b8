//! The procedure after submission, as its parties live it: missing items,
//! participation of consulted bodies, the decision and the notice's delivery.
//! Time passing is simulated by moving a request's start back in the
//! database; nothing waits.

use reqwest::StatusCode;
use serde_json::json;
use sha2::{Digest, Sha256};
use shared::*;
use uuid::Uuid;

use crate::support::*;

/// Everyone of one procedure in one office.
struct Cast {
    app: TestApp,
    office: Uuid,
    builder: Person,
    designer: Person,
    caseworker: Person,
    admin: Person,
    fire: Person,
    municipality: Person,
    bodies: Vec<BodyView>,
}

impl Cast {
    async fn new() -> Cast {
        let app = TestApp::new().await;
        let office = app.office("Bauamt Vorpommern").await;
        let builder = app.register("Bea Builder").await;
        let designer = app.register("Dana Designer").await;
        let caseworker = app.caseworker(office, "Carla Caseworker").await;
        let admin = app.office_admin(office, "Anna Admin").await;
        let fire = app
            .body_member(office, "fire_protection", "Frieda Feuerwehr")
            .await;
        let municipality = app
            .body_member(office, "municipality", "Gerd Gemeinde")
            .await;
        let bodies = server::repo::procedure::bodies(&app.app.db.read, office)
            .await
            .unwrap();
        Cast {
            app,
            office,
            builder,
            designer,
            caseworker,
            admin,
            fire,
            municipality,
            bodies,
        }
    }

    fn parties(&self) -> Parties<'_> {
        Parties {
            builder: &self.builder,
            designer: &self.designer,
            others: &[],
            caseworker: &self.caseworker,
            admin: &self.admin,
        }
    }

    fn body(&self, key: &str) -> Uuid {
        self.bodies.iter().find(|b| b.key == key).unwrap().id
    }

    /// Moves a table's time column back by `days`, as if they had passed.
    async fn days_pass(&self, table: &str, column: &str, id: Uuid, days: i64) {
        let sql = format!("UPDATE {table} SET {column} = {column} - $1 WHERE id = $2");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(days * 24 * 3600 * 1000)
            .bind(id.to_string())
            .execute(&self.app.app.db.read)
            .await
            .unwrap();
    }

    async fn ask(&self, room: &RoomView, keys: &[&str], plan: Uuid) -> RoomView {
        let body_ids: Vec<Uuid> = keys.iter().map(|k| self.body(k)).collect();
        self.caseworker
            .act(
                &format!("/api/rooms/{}/statement-requests", room.id),
                Some(json!({
                    "body_ids": body_ids,
                    "question": "Bestehen Bedenken gegen das Vorhaben?",
                    "document_ids": [plan],
                })),
            )
            .await
    }
}

fn request_of<'a>(room: &'a RoomView, key: &str) -> &'a StatementRequestView {
    room.statement_requests
        .iter()
        .find(|r| r.body.key == key)
        .unwrap_or_else(|| panic!("no request to {key}"))
}

fn kinds(events: &[RoomEvent]) -> Vec<&'static str> {
    events.iter().map(|e| e.payload.kind()).collect()
}

#[tokio::test]
async fn a_complete_procedure_runs_from_submission_to_closing() {
    let cast = Cast::new().await;
    let (room, plan) = cast.parties().checking(cast.office).await;
    assert_eq!(
        room.assigned_to.as_ref().unwrap().user_id,
        cast.caseworker.id
    );

    // Missing items: one request naming a category and a free text.
    let room = cast
        .caseworker
        .act(
            &format!("/api/rooms/{}/missing-items", room.id),
            Some(json!({
                "items": [
                    {"category": "floor_plans", "text": ""},
                    {"text": "Die Abstandsflächen fehlen im Lageplan."},
                ],
                "period": "4w",
            })),
        )
        .await;
    assert_eq!(room.status, RoomStatus::AwaitingApplicant);
    let seen = cast.builder.room(room.id).await;
    assert_eq!(seen.next_actor, NextActor::Applicants);
    let request = seen.missing_items.last().unwrap();
    assert_eq!(request.items.len(), 2);
    assert_eq!(
        request.items[0].category,
        Some(DocumentCategory::FloorPlans)
    );
    assert!(request.answered_at.is_none());
    assert_eq!(seen.deadlines[0].kind, DeadlineKind::MissingItems);
    assert!(seen.allowed.contains(&RoomAction::Upload));
    assert!(seen.allowed.contains(&RoomAction::Resubmit));

    // The applicants supply and resubmit; back in the check, then complete.
    cast.designer
        .upload(
            room.id,
            "floor_plans",
            "Grundrisse.pdf",
            real_file("plan_site_landscape_archD.pdf"),
        )
        .await
        .expect_status(StatusCode::CREATED);
    let room = cast
        .designer
        .act(&format!("/api/rooms/{}/resubmit", room.id), None)
        .await;
    assert_eq!(room.status, RoomStatus::CompletenessCheck);
    assert!(room.missing_items[0].answered_at.is_some());
    let room = cast
        .caseworker
        .act(&format!("/api/rooms/{}/complete", room.id), None)
        .await;
    assert_eq!(room.status, RoomStatus::InReview);

    // Two bodies asked; the municipality gets two months for its consent.
    let room = cast
        .ask(&room, &["fire_protection", "municipality"], plan)
        .await;
    assert_eq!(room.next_actor, NextActor::ConsultedBodies);
    let fire_request = request_of(&room, "fire_protection").clone();
    let consent_request = request_of(&room, "municipality").clone();
    assert_eq!(fire_request.deadline.kind, DeadlineKind::Statement);
    assert_eq!(
        consent_request.deadline.kind,
        DeadlineKind::MunicipalConsent
    );
    assert!(consent_request.deadline.due_date > fire_request.deadline.due_date);

    // The fire service sees its own request and the shared plan only.
    let fire_view = cast.fire.room(room.id).await;
    assert_eq!(fire_view.my_role, RoomRole::ConsultedBody);
    assert_eq!(fire_view.statement_requests.len(), 1);
    assert_eq!(fire_view.documents.len(), 1);
    assert_eq!(fire_view.documents[0].id, plan);
    assert!(fire_view.members.is_empty());
    let fire_view = cast
        .fire
        .act(
            &format!(
                "/api/rooms/{}/statement-requests/{}/read",
                room.id, fire_request.id
            ),
            None,
        )
        .await;
    assert_eq!(fire_view.statement_requests[0].status, RequestStatus::Read);
    let statement_path = format!(
        "/api/rooms/{}/statement-requests/{}/statements",
        room.id, fire_request.id
    );
    cast.fire
        .act(
            &statement_path,
            Some(json!({
                "verdict": "consent_with_conditions",
                "text": "Zustimmung unter Auflagen.",
                "conditions": [
                    "Die Feuerwehrzufahrt ist dauerhaft freizuhalten.",
                    "Rauchwarnmelder in allen Aufenthaltsräumen.",
                ],
            })),
        )
        .await;

    // The applicants see the request, but the statement only once released.
    let seen = cast.builder.room(room.id).await;
    assert!(request_of(&seen, "fire_protection").statements.is_empty());
    let events: Vec<RoomEvent> = cast
        .builder
        .get(&format!("/api/rooms/{}/events", room.id))
        .await
        .json();
    assert!(!kinds(&events).contains(&"statement_submitted"));
    // The municipality sees nothing of the fire service.
    let other = cast.municipality.room(room.id).await;
    assert_eq!(other.statement_requests.len(), 1);
    assert_eq!(other.statement_requests[0].body.key, "municipality");
    let events: Vec<RoomEvent> = cast
        .municipality
        .get(&format!("/api/rooms/{}/events", room.id))
        .await
        .json();
    assert!(!kinds(&events).contains(&"statement_submitted"));
    assert!(!kinds(&events).contains(&"statement_request_read"));
    cast.municipality
        .get(&format!(
            "/api/rooms/{}/statement-requests/{}/statements",
            room.id, fire_request.id
        ))
        .await
        .expect_status(StatusCode::METHOD_NOT_ALLOWED);
    cast.municipality
        .post_json(
            &statement_path,
            &json!({"verdict": "no_objection", "text": "x"}),
        )
        .await
        .expect_status(StatusCode::NOT_FOUND);

    let room = cast
        .caseworker
        .act(
            &format!(
                "/api/rooms/{}/statement-requests/{}/release",
                room.id, fire_request.id
            ),
            None,
        )
        .await;
    let statement = request_of(&room, "fire_protection").statements[0].clone();
    let seen = cast.builder.room(room.id).await;
    assert_eq!(request_of(&seen, "fire_protection").statements.len(), 1);

    // The municipality is still within its time: no decision yet.
    let notice = upload_notice(&cast.caseworker, room.id).await;
    let decision = json!({
        "outcome": "approved_with_conditions",
        "conditions": [
            {"text": statement.conditions[0], "statement_id": statement.id},
            {"text": statement.conditions[1], "statement_id": statement.id},
            {"text": "Baubeginn ist anzuzeigen."},
        ],
        "notice_version_id": notice,
    });
    let refused = cast
        .caseworker
        .post_json(&format!("/api/rooms/{}/decision", room.id), &decision)
        .await
        .expect_status(StatusCode::CONFLICT)
        .problem();
    assert_eq!(refused.code, "statements_pending");
    // The notice is the office's draft: the applicants do not see it yet.
    let seen = cast.builder.room(room.id).await;
    assert!(
        seen.documents
            .iter()
            .all(|d| d.category != DocumentCategory::Notice)
    );
    cast.builder
        .get(&format!(
            "/api/rooms/{}/documents/{notice}/content",
            room.id
        ))
        .await
        .expect_status(StatusCode::NOT_FOUND);

    // Two months and a few days later the municipality has not answered:
    // overdue, and its consent counts as given.
    cast.days_pass("statement_requests", "requested_at", consent_request.id, 70)
        .await;
    let room = cast.caseworker.room(room.id).await;
    let consent = request_of(&room, "municipality");
    assert_eq!(consent.status, RequestStatus::Overdue);
    assert!(consent.consent_deemed_given);
    assert!(consent.deadline.overdue);

    // The decision, with the conditions traced to the statement.
    let room = cast
        .caseworker
        .act(&format!("/api/rooms/{}/decision", room.id), Some(decision))
        .await;
    assert_eq!(room.status, RoomStatus::Decided);
    let decided = room.decision.unwrap();
    assert_eq!(decided.conditions.len(), 3);
    assert_eq!(
        decided.conditions[0].body_name.as_deref(),
        Some(fire_request.body.name.as_str())
    );
    assert_eq!(decided.conditions[2].statement_id, None);
    assert!(decided.retrieved_at.is_none());

    // The caseworker's look at the notice is no delivery; the builder's is.
    cast.caseworker
        .get(&format!(
            "/api/rooms/{}/documents/{notice}/content",
            room.id
        ))
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(cast.builder.room(room.id).await.status, RoomStatus::Decided);
    cast.builder
        .get(&format!(
            "/api/rooms/{}/documents/{notice}/content",
            room.id
        ))
        .await
        .expect_status(StatusCode::OK);
    let room = cast.builder.room(room.id).await;
    assert_eq!(room.status, RoomStatus::Delivered);
    let decision = room.decision.unwrap();
    let retrieved = decision.retrieved_at.unwrap();
    assert_eq!(
        decision.delivery_date.unwrap(),
        server::domain::deadlines::german_date(retrieved)
            .succ_opt()
            .unwrap()
    );
    // A second retrieval changes nothing. The designer, too, retrieves the
    // notice only with a confirmed identity, as the office asks by default.
    confirm_identity(&cast.admin, cast.office, &cast.designer).await;
    cast.designer
        .get(&format!(
            "/api/rooms/{}/documents/{notice}/content",
            room.id
        ))
        .await
        .expect_status(StatusCode::OK);
    let again = cast.builder.room(room.id).await;
    assert_eq!(again.decision.unwrap().retrieved_at, Some(retrieved));

    let room = cast
        .caseworker
        .act(&format!("/api/rooms/{}/close", room.id), None)
        .await;
    assert_eq!(room.status, RoomStatus::Closed);

    // The record holds every step, and its chain is sound.
    let events: Vec<RoomEvent> = cast
        .caseworker
        .get(&format!("/api/rooms/{}/events", room.id))
        .await
        .json();
    let kinds = kinds(&events);
    for kind in [
        "missing_items_requested",
        "statement_requested",
        "statement_request_read",
        "statement_submitted",
        "statement_released",
        "decision_made",
        "notice_delivered",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    let verification: ChainVerification = cast
        .caseworker
        .get(&format!("/api/rooms/{}/verification", room.id))
        .await
        .json();
    assert!(verification.valid);
}

#[tokio::test]
async fn a_missed_deadline_for_missing_items_lets_the_office_treat_the_application_as_withdrawn() {
    let cast = Cast::new().await;
    let (room, _) = cast.parties().checking(cast.office).await;
    let room = cast
        .caseworker
        .act(
            &format!("/api/rooms/{}/missing-items", room.id),
            Some(json!({"items": [{"category": "sections"}], "period": "14d"})),
        )
        .await;
    let path = format!("/api/rooms/{}/deem-withdrawn", room.id);
    let early = cast
        .caseworker
        .post_json(&path, &json!({"reason": "Frist versäumt"}))
        .await
        .expect_status(StatusCode::CONFLICT)
        .problem();
    assert_eq!(early.code, "deadline_not_missed");

    let request = room.missing_items[0].id;
    cast.days_pass("missing_item_requests", "requested_at", request, 20)
        .await;
    let seen = cast.builder.room(room.id).await;
    assert!(seen.deadlines[0].overdue);
    let room = cast
        .caseworker
        .act(&path, Some(json!({"reason": "Frist versäumt"})))
        .await;
    assert_eq!(room.status, RoomStatus::Withdrawn);
    let events: Vec<RoomEvent> = cast
        .builder
        .get(&format!("/api/rooms/{}/events", room.id))
        .await
        .json();
    let last = events.last().unwrap();
    assert!(matches!(
        &last.payload,
        EventPayload::StatusChanged { transition: Transition::DeemWithdrawn, reason: Some(r), .. }
            if r == "Frist versäumt"
    ));
}

#[tokio::test]
async fn the_check_stands_still_while_the_applicants_supply_missing_items() {
    let cast = Cast::new().await;
    let (room, _) = cast.parties().checking(cast.office).await;
    let before = room.deadlines[0].due_date;
    let room = cast
        .caseworker
        .act(
            &format!("/api/rooms/{}/missing-items", room.id),
            Some(json!({"items": [{"text": "Statik fehlt"}], "period": "4w"})),
        )
        .await;
    // The request went out ten days ago and was answered today.
    cast.days_pass(
        "missing_item_requests",
        "requested_at",
        room.missing_items[0].id,
        10,
    )
    .await;
    let room = cast
        .builder
        .act(&format!("/api/rooms/{}/resubmit", room.id), None)
        .await;
    let check = &room.deadlines[0];
    assert_eq!(check.kind, DeadlineKind::CompletenessCheck);
    assert!(
        check.rule_en.contains("clock stopped for 10 days"),
        "{}",
        check.rule_en
    );
    // The rule names its dates in order: the start, the end as counted, the
    // end after the pause, and any move off a weekend or holiday. The pause
    // lengthens the counted end (§ 193 BGB moves only the final one), so the
    // due date is the counted end plus ten days, or the working day after.
    let dates = dates_in(&check.rule_en);
    let (counted, paused) = (dates[1], dates[2]);
    assert_eq!(paused, counted + chrono::Duration::days(10), "{check:?}");
    assert_eq!(check.due_date, *dates.last().unwrap(), "{check:?}");
    assert!(
        check.due_date >= paused && check.due_date > before,
        "{check:?}"
    );
}

/// The ISO dates in a deadline's English explanation, in order.
fn dates_in(rule: &str) -> Vec<chrono::NaiveDate> {
    rule.split(|c: char| !(c.is_ascii_digit() || c == '-'))
        .filter_map(|word| chrono::NaiveDate::parse_from_str(word, "%Y-%m-%d").ok())
        .collect()
}

#[tokio::test]
async fn the_builder_withdraws_before_the_decision_and_nobody_else_can() {
    let cast = Cast::new().await;
    let (room, _) = cast.parties().in_review(cast.office).await;
    let path = format!("/api/rooms/{}/withdraw", room.id);
    for person in [&cast.designer, &cast.caseworker] {
        person
            .post_json(&path, &json!({"reason": "Projekt aufgegeben"}))
            .await
            .expect_status(StatusCode::FORBIDDEN);
    }
    let missing = cast
        .builder
        .post_json(&path, &json!({"reason": "  "}))
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
        .problem();
    assert_eq!(missing.field.as_deref(), Some("reason"));
    let room = cast
        .builder
        .act(&path, Some(json!({"reason": "Projekt aufgegeben"})))
        .await;
    assert_eq!(room.status, RoomStatus::Withdrawn);
    assert!(room.allowed.is_empty());
    // A double click is refused, and changes nothing.
    let again = cast
        .builder
        .post_json(&path, &json!({"reason": "Projekt aufgegeben"}))
        .await
        .expect_status(StatusCode::CONFLICT)
        .problem();
    assert_eq!(again.code, "wrong_status");
}

#[tokio::test]
async fn a_statement_is_never_changed_and_a_correction_is_a_new_version() {
    let cast = Cast::new().await;
    let (room, plan) = cast.parties().in_review(cast.office).await;
    let room = cast.ask(&room, &["fire_protection"], plan).await;
    let request = request_of(&room, "fire_protection").id;
    let path = format!(
        "/api/rooms/{}/statement-requests/{request}/statements",
        room.id
    );
    cast.fire
        .act(
            &path,
            Some(json!({"verdict": "no_objection", "text": "Keine Bedenken."})),
        )
        .await;
    let view = cast
        .fire
        .act(
            &path,
            Some(json!({"verdict": "objection", "text": "Korrektur: Zufahrt zu schmal (2,50 m)."})),
        )
        .await;
    let statements = &view.statement_requests[0].statements;
    assert_eq!(statements.len(), 2);
    assert_eq!(statements[0].verdict, Verdict::NoObjection);
    assert_eq!(statements[0].text, "Keine Bedenken.");
    assert_eq!(statements[1].version, 2);
    assert_eq!(statements[1].replaces, Some(statements[0].id));

    // Reopened by the office, answered again; withdrawn requests take no answer.
    let reopened = cast
        .caseworker
        .act(
            &format!("/api/rooms/{}/statement-requests/{request}/reopen", room.id),
            Some(json!({"reason": "Bitte Breite der Zufahrt nachmessen"})),
        )
        .await;
    assert_eq!(
        request_of(&reopened, "fire_protection").status,
        RequestStatus::Reopened
    );
}

#[tokio::test]
async fn an_extension_moves_the_deadline_on_from_its_old_end() {
    let cast = Cast::new().await;
    let (room, plan) = cast.parties().in_review(cast.office).await;
    let room = cast.ask(&room, &["fire_protection"], plan).await;
    let request = request_of(&room, "fire_protection").clone();
    let base = format!("/api/rooms/{}/statement-requests/{}", room.id, request.id);
    let bad = cast
        .fire
        .post_json(
            &format!("{base}/extension"),
            &json!({"period": "2y", "reason": "x"}),
        )
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
        .problem();
    assert_eq!(bad.field.as_deref(), Some("period"));
    cast.fire
        .act(
            &format!("{base}/extension"),
            Some(json!({"period": "2w", "reason": "Ortstermin erst in drei Wochen"})),
        )
        .await;
    cast.fire
        .post_json(
            &format!("{base}/extension"),
            &json!({"period": "2w", "reason": "noch mehr"}),
        )
        .await
        .expect_status(StatusCode::CONFLICT);
    let room = cast
        .caseworker
        .act(&format!("{base}/extension/grant"), None)
        .await;
    let granted = request_of(&room, "fire_protection");
    assert_eq!(granted.status, RequestStatus::ExtensionGranted);
    assert!(granted.deadline.due_date >= request.deadline.due_date + chrono::Duration::days(14));
    assert!(
        granted.deadline.rule_en.contains("2 weeks from"),
        "{}",
        granted.deadline.rule_en
    );
}

#[tokio::test]
async fn a_body_is_asked_once_at_a_time_and_only_about_this_room() {
    let cast = Cast::new().await;
    let (room, plan) = cast.parties().in_review(cast.office).await;
    let room = cast.ask(&room, &["fire_protection"], plan).await;
    let path = format!("/api/rooms/{}/statement-requests", room.id);
    let twice = cast
        .caseworker
        .post_json(
            &path,
            &json!({"body_ids": [cast.body("fire_protection")], "question": "Nochmal?", "document_ids": [plan]}),
        )
        .await
        .expect_status(StatusCode::CONFLICT)
        .problem();
    assert_eq!(twice.code, "already_requested");

    let other_office = cast.app.office("Bauamt Anderswo").await;
    let foreign = server::repo::procedure::bodies(&cast.app.app.db.read, other_office)
        .await
        .unwrap()[0]
        .id;
    let cases = [
        (
            json!({"body_ids": [], "question": "?", "document_ids": [plan]}),
            "body_ids",
        ),
        (
            json!({"body_ids": [foreign], "question": "?", "document_ids": [plan]}),
            "body_ids",
        ),
        (
            json!({"body_ids": [cast.body("road_authority"), cast.body("road_authority")],
                   "question": "?", "document_ids": [plan]}),
            "body_ids",
        ),
        (
            json!({"body_ids": [cast.body("road_authority")], "question": " ", "document_ids": [plan]}),
            "question",
        ),
        (
            json!({"body_ids": [cast.body("road_authority")], "question": "?", "document_ids": []}),
            "document_ids",
        ),
        (
            json!({"body_ids": [cast.body("road_authority")], "question": "?",
                   "document_ids": [Uuid::now_v7()]}),
            "document_ids",
        ),
    ];
    for (body, field) in cases {
        let problem = cast
            .caseworker
            .post_json(&path, &body)
            .await
            .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
            .problem();
        assert_eq!(problem.field.as_deref(), Some(field), "{body}");
    }
    // Nothing half-stored: still the one request.
    assert_eq!(
        cast.caseworker.room(room.id).await.statement_requests.len(),
        1
    );
}

#[tokio::test]
async fn bad_missing_items_statements_and_decisions_get_precise_answers() {
    let cast = Cast::new().await;
    let (room, plan) = cast.parties().checking(cast.office).await;
    let path = format!("/api/rooms/{}/missing-items", room.id);
    let items = |n: usize| vec![json!({"text": "x"}); n];
    let cases = [
        (json!({"items": [], "period": "4w"}), "items"),
        (json!({"items": items(51), "period": "4w"}), "items"),
        (
            json!({"items": [{"text": ""}], "period": "4w"}),
            "items[0].text",
        ),
        (
            json!({"items": [{"text": "a\u{202E}b"}], "period": "4w"}),
            "items[0].text",
        ),
        (json!({"items": [{"text": "x"}], "period": "0w"}), "period"),
        (
            json!({"items": [{"text": "x"}], "period": "vier Wochen"}),
            "period",
        ),
    ];
    for (body, field) in cases {
        let problem = cast
            .caseworker
            .post_json(&path, &body)
            .await
            .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
            .problem();
        assert_eq!(problem.field.as_deref(), Some(field), "{body}");
    }
    cast.caseworker
        .post_json(
            &path,
            &json!({"items": [{"category": "no_such_category"}], "period": "4w"}),
        )
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        cast.builder.room(room.id).await.status,
        RoomStatus::CompletenessCheck
    );

    let room = cast
        .caseworker
        .act(&format!("/api/rooms/{}/complete", room.id), None)
        .await;
    let room = cast.ask(&room, &["fire_protection"], plan).await;
    let request = request_of(&room, "fire_protection").id;
    let statements = format!(
        "/api/rooms/{}/statement-requests/{request}/statements",
        room.id
    );
    let cases = [
        (
            json!({"verdict": "consent_with_conditions", "text": "ja"}),
            "conditions",
        ),
        (
            json!({"verdict": "no_objection", "text": "ja", "conditions": ["a"]}),
            "conditions",
        ),
        (
            json!({"verdict": "consent_with_conditions", "text": "ja", "conditions": [" "]}),
            "conditions[0]",
        ),
        (json!({"verdict": "objection", "text": ""}), "text"),
    ];
    for (body, field) in cases {
        let problem = cast
            .fire
            .post_json(&statements, &body)
            .await
            .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
            .problem();
        assert_eq!(problem.field.as_deref(), Some(field), "{body}");
    }
    cast.caseworker
        .post_json(
            &format!(
                "/api/rooms/{}/statement-requests/{request}/withdraw",
                room.id
            ),
            &json!({"reason": "erledigt"}),
        )
        .await
        .expect_status(StatusCode::OK);
    // Withdrawn: the body no longer sees the room at all.
    cast.fire
        .post_json(
            &statements,
            &json!({"verdict": "no_objection", "text": "ok"}),
        )
        .await
        .expect_status(StatusCode::NOT_FOUND);

    let decision = format!("/api/rooms/{}/decision", room.id);
    let fee: DocumentView = cast
        .caseworker
        .upload(
            room.id,
            "fee_notice",
            "Gebuehren.pdf",
            real_file("pdfa2b_verapdf.pdf"),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    let notice = upload_notice(&cast.caseworker, room.id).await;
    let cases = [
        (
            json!({"outcome": "approved_with_conditions", "notice_version_id": notice}),
            "conditions",
        ),
        (
            json!({"outcome": "rejected", "conditions": [{"text": "x"}], "notice_version_id": notice}),
            "conditions",
        ),
        (
            json!({"outcome": "approved_with_conditions",
                   "conditions": [{"text": "x", "statement_id": Uuid::now_v7()}],
                   "notice_version_id": notice}),
            "conditions[0].statement_id",
        ),
        (
            json!({"outcome": "approved", "notice_version_id": plan}),
            "notice_version_id",
        ),
        (
            json!({"outcome": "approved", "notice_version_id": fee.versions[0].id}),
            "notice_version_id",
        ),
        (
            json!({"outcome": "approved", "notice_version_id": notice,
                   "fee": {"amount_cents": 0, "version_id": fee.versions[0].id}}),
            "fee.amount_cents",
        ),
        (
            json!({"outcome": "approved", "notice_version_id": notice,
                   "fee": {"amount_cents": 12000, "version_id": notice}}),
            "fee.version_id",
        ),
    ];
    for (body, field) in cases {
        let problem = cast
            .caseworker
            .post_json(&decision, &body)
            .await
            .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
            .problem();
        assert_eq!(problem.field.as_deref(), Some(field), "{body}");
    }
    assert_eq!(
        cast.caseworker.room(room.id).await.status,
        RoomStatus::InReview
    );

    // A fee notice with its amount; a double click decides once.
    let body = json!({"outcome": "rejected", "notice_version_id": notice,
                      "fee": {"amount_cents": 12000, "version_id": fee.versions[0].id}});
    let room = cast.caseworker.act(&decision, Some(body.clone())).await;
    assert_eq!(room.decision.unwrap().fee.unwrap().amount_cents, 12000);
    cast.caseworker
        .post_json(&decision, &body)
        .await
        .expect_status(StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_inbox_and_the_queue_show_what_needs_each_person() {
    let cast = Cast::new().await;
    let (first, plan) = cast.parties().in_review(cast.office).await;
    cast.ask(&first, &["fire_protection", "municipality"], plan)
        .await;
    let (second, _) = cast.parties().checking(cast.office).await;

    let inbox: Vec<InboxItem> = cast.fire.get("/api/inbox").await.json();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].room_id, first.id);
    assert_eq!(inbox[0].request.body.key, "fire_protection");
    assert!(
        cast.builder
            .get("/api/inbox")
            .await
            .json::<Vec<InboxItem>>()
            .is_empty()
    );

    let queue: Vec<QueueItem> = cast.caseworker.get("/api/queue").await.json();
    assert_eq!(queue.len(), 2);
    // The check's two weeks end before the statements' month.
    assert_eq!(queue[0].room.id, second.id);
    let filtered: Vec<QueueItem> = cast
        .caseworker
        .get("/api/queue?status=in_review")
        .await
        .json();
    assert_eq!(filtered.len(), 1);
    assert_eq!(filtered[0].room.id, first.id);
    let mine: Vec<QueueItem> = cast.caseworker.get("/api/queue?mine=true").await.json();
    assert_eq!(mine.len(), 2);
    let colleague = cast.app.caseworker(cast.office, "Kai Kollege").await;
    let theirs: Vec<QueueItem> = colleague.get("/api/queue?mine=true").await.json();
    assert!(theirs.is_empty());
    let overdue: Vec<QueueItem> = cast.caseworker.get("/api/queue?overdue=true").await.json();
    assert!(overdue.is_empty());
    let request = request_of(&cast.caseworker.room(first.id).await, "fire_protection").id;
    cast.days_pass("statement_requests", "requested_at", request, 40)
        .await;
    let overdue: Vec<QueueItem> = cast.caseworker.get("/api/queue?overdue=true").await.json();
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0].room.id, first.id);
    let problem = cast
        .caseworker
        .get("/api/queue?status=nonsense")
        .await
        .expect_status(StatusCode::BAD_REQUEST)
        .problem();
    assert!(problem.detail.contains("status"), "{}", problem.detail);
}

#[tokio::test]
async fn a_statements_attachments_follow_its_audience() {
    let cast = Cast::new().await;
    let (room, plan) = cast.parties().in_review(cast.office).await;
    let room = cast
        .ask(&room, &["fire_protection", "municipality"], plan)
        .await;
    let request = request_of(&room, "fire_protection").id;
    let content = |version: Uuid| format!("/api/rooms/{}/documents/{version}/content", room.id);

    let attached: DocumentView = attach(
        &cast.fire,
        room.id,
        request,
        "pdfa3b_attachment_verapdf.pdf",
    )
    .await
    .expect_status(StatusCode::CREATED)
    .json();
    assert_eq!(attached.category, DocumentCategory::StatementAttachment);
    let version = attached.versions[0].clone();
    assert_eq!(
        version.sha256,
        hex::encode(Sha256::digest(real_file("pdfa3b_attachment_verapdf.pdf")))
    );

    // Before the statement: the body and the office see it, nobody else.
    let fetched = cast.fire.get(&content(version.id)).await;
    assert_eq!(fetched.status, StatusCode::OK);
    assert_eq!(
        &fetched.body[..],
        &real_file("pdfa3b_attachment_verapdf.pdf")[..]
    );
    cast.caseworker
        .get(&content(version.id))
        .await
        .expect_status(StatusCode::OK);
    for outsider in [&cast.builder, &cast.designer, &cast.municipality] {
        outsider
            .get(&content(version.id))
            .await
            .expect_status(StatusCode::NOT_FOUND);
    }
    // It is no document of the application, for anyone.
    for person in [&cast.caseworker, &cast.fire, &cast.builder] {
        let seen = person.room(room.id).await;
        assert!(seen.documents.iter().all(|d| d.id != attached.id));
    }
    let events: Vec<RoomEvent> = cast
        .builder
        .get(&format!("/api/rooms/{}/events", room.id))
        .await
        .json();
    assert!(!kinds(&events).contains(&"statement_attachment_uploaded"));

    // Only the body asked attaches, and only files of a statement's kinds.
    attach(&cast.builder, room.id, request, "pdfa2b_verapdf.pdf")
        .await
        .expect_status(StatusCode::FORBIDDEN);
    attach(&cast.municipality, room.id, request, "pdfa2b_verapdf.pdf")
        .await
        .expect_status(StatusCode::NOT_FOUND);
    let refused = attach(&cast.fire, room.id, request, "ifc4_ifcopenhouse.ifc")
        .await
        .expect_status(StatusCode::UNSUPPORTED_MEDIA_TYPE)
        .problem();
    assert_eq!(refused.code, "file_type_refused");
    let refused = cast
        .builder
        .upload(
            room.id,
            "statement_attachment",
            "x.pdf",
            real_file("pdfa2b_verapdf.pdf"),
        )
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
        .problem();
    assert_eq!(refused.code, "invalid_field");

    // A statement names only its own request's files.
    let statements = format!(
        "/api/rooms/{}/statement-requests/{request}/statements",
        room.id
    );
    let foreign = cast.caseworker.room(room.id).await.documents[0].versions[0].id;
    let refused = cast
        .fire
        .post_json(
            &statements,
            &json!({"verdict": "no_objection", "text": "Keine Bedenken.",
                    "attachment_ids": [version.id, foreign]}),
        )
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
        .problem();
    assert!(refused.detail.contains(&foreign.to_string()), "{refused:?}");

    let answered = cast
        .fire
        .act(
            &statements,
            Some(
                json!({"verdict": "no_objection", "text": "Keine Bedenken, siehe Anlage.",
                        "attachment_ids": [version.id, version.id]}),
            ),
        )
        .await;
    let statement = &request_of(&answered, "fire_protection").statements[0];
    assert_eq!(statement.attachments.len(), 1);
    assert_eq!(statement.attachments[0].id, version.id);
    cast.builder
        .get(&content(version.id))
        .await
        .expect_status(StatusCode::NOT_FOUND);

    // Released, the statement shows its attachment to the applicants.
    cast.caseworker
        .act(
            &format!(
                "/api/rooms/{}/statement-requests/{request}/release",
                room.id
            ),
            None,
        )
        .await;
    let seen = cast.builder.room(room.id).await;
    let released = &request_of(&seen, "fire_protection").statements[0];
    assert_eq!(
        released.attachments[0].file_name,
        "pdfa3b_attachment_verapdf.pdf"
    );
    cast.builder
        .get(&content(version.id))
        .await
        .expect_status(StatusCode::OK);
    cast.municipality
        .get(&content(version.id))
        .await
        .expect_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_office_records_the_fee_as_paid_once_per_change() {
    let cast = Cast::new().await;
    let (room, _) = cast.parties().in_review(cast.office).await;
    let notice = upload_notice(&cast.caseworker, room.id).await;
    let fee = upload_fee_notice(&cast.caseworker, room.id).await;
    let path = format!("/api/rooms/{}/decision/fee-payment", room.id);
    let refused = cast
        .caseworker
        .post_json(&path, &json!({"paid": true}))
        .await
        .expect_status(StatusCode::CONFLICT)
        .problem();
    assert_eq!(refused.code, "wrong_status");

    let room = cast
        .caseworker
        .act(
            &format!("/api/rooms/{}/decision", room.id),
            Some(json!({
                "outcome": "approved",
                "notice_version_id": notice,
                "fee": {"amount_cents": 125_050, "version_id": fee},
            })),
        )
        .await;
    let decision = room.decision.as_ref().unwrap();
    let shown = decision.fee.as_ref().unwrap();
    assert_eq!((shown.amount_cents, shown.paid), (125_050, false));

    // A double click records one payment.
    for _ in 0..2 {
        let paid = cast
            .caseworker
            .act(&path, Some(json!({"paid": true})))
            .await;
        assert!(paid.decision.unwrap().fee.unwrap().paid);
    }
    let seen = cast.builder.room(room.id).await;
    assert!(seen.decision.unwrap().fee.unwrap().paid);
    cast.builder
        .post_json(&path, &json!({"paid": false}))
        .await
        .expect_status(StatusCode::FORBIDDEN);
    cast.caseworker
        .post_json(&path, &json!({"paid": "yes"}))
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY);
    let events: Vec<RoomEvent> = cast
        .builder
        .get(&format!("/api/rooms/{}/events", room.id))
        .await
        .json();
    let recorded = events
        .iter()
        .filter(|e| matches!(e.payload, EventPayload::FeePaymentRecorded { paid: true }))
        .count();
    assert_eq!(recorded, 1);

    // A decision without a fee has no payment to record.
    let (other, _) = cast.parties().in_review(cast.office).await;
    let notice = upload_notice(&cast.caseworker, other.id).await;
    cast.caseworker
        .act(
            &format!("/api/rooms/{}/decision", other.id),
            Some(json!({"outcome": "rejected", "notice_version_id": notice})),
        )
        .await;
    let refused = cast
        .caseworker
        .post_json(
            &format!("/api/rooms/{}/decision/fee-payment", other.id),
            &json!({"paid": true}),
        )
        .await
        .expect_status(StatusCode::CONFLICT)
        .problem();
    assert_eq!(refused.code, "no_fee");
}
