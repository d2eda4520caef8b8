//! The office admin keeps the office's procedure types: names, checklist,
//! deadline rules. Nobody else changes them, every bad setting is refused
//! with its field, and an edit from an old version never overwrites a newer
//! one.

use reqwest::StatusCode;
use serde_json::{Value, json};
use shared::*;
use uuid::Uuid;

use crate::support::*;

fn types_path(office: Uuid) -> String {
    format!("/api/offices/{office}/procedure-types")
}

fn type_path(office: Uuid, id: Uuid) -> String {
    format!("/api/offices/{office}/procedure-types/{id}")
}

async fn admin_of(app: &TestApp, office: Uuid) -> Person {
    app.staff(office, "Anna Admin", OfficeRole::OfficeAdmin)
        .await
}

async fn procedure_types(person: &Person, office: Uuid) -> Vec<ProcedureType> {
    person
        .get(&types_path(office))
        .await
        .expect_status(StatusCode::OK)
        .json()
}

/// The body of a PUT that keeps everything of `current` as it is.
fn unchanged(current: &ProcedureType) -> Value {
    json!({
        "version": current.version,
        "name_de": current.name_de,
        "name_en": current.name_en,
        "required_categories": current.required_categories,
        "deadline_rules": current.deadline_rules,
    })
}

async fn put(person: &Person, office: Uuid, id: Uuid, body: &Value) -> Answer {
    let url = format!("{}{}", person.base, type_path(office, id));
    person.send(person.client.put(url).json(body)).await
}

#[tokio::test]
async fn the_office_admin_changes_a_checklist_and_new_rooms_follow_it() {
    let app = TestApp::new().await;
    let (office, builder, running) = app.room().await;
    let admin = admin_of(&app, office).await;
    let regular = procedure_types(&admin, office).await.remove(0);
    assert_eq!(regular.key, "regular");
    assert_eq!(regular.version, 1);
    assert_eq!(regular.deadline_rules.completeness_check, "2w");

    let mut body = unchanged(&regular);
    body["name_de"] = json!("Reguläres Verfahren");
    body["required_categories"] = json!(["site_plan", "photos"]);
    body["deadline_rules"]["statement"] = json!("6w");
    let saved: ProcedureType = put(&admin, office, regular.id, &body)
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(saved.version, 2);
    assert_eq!(saved.name_de, "Reguläres Verfahren");
    assert_eq!(saved.deadline_rules.statement, "6w");

    let caseworker = app.caseworker(office, "Carla Caseworker").await;
    assert_eq!(procedure_types(&caseworker, office).await[0], saved);
    let checklist = [DocumentCategory::SitePlan, DocumentCategory::Photos];
    let new_room = builder.create_room(office).await;
    assert_eq!(new_room.procedure_type.required_categories, checklist);
    // The decision: a running room reads its type as it is now.
    let running = builder.room(running.id).await;
    assert_eq!(running.procedure_type.required_categories, checklist);
}

#[tokio::test]
async fn only_the_office_admin_changes_procedure_types() {
    let app = TestApp::new().await;
    let (office, builder, _room) = app.room().await;
    let other_office = app.office("Bauamt Anderswo").await;
    let caseworker = app.caseworker(office, "Carla Caseworker").await;
    let other_admin = admin_of(&app, other_office).await;
    let anonymous = app.anonymous();
    let admin = admin_of(&app, office).await;
    let before = procedure_types(&admin, office).await;
    let body = unchanged(&before[0]);
    let new_type = new_type_body("garage");

    for (person, expected) in [
        (&caseworker, StatusCode::FORBIDDEN),
        (&builder, StatusCode::NOT_FOUND),
        (&other_admin, StatusCode::NOT_FOUND),
        (&anonymous, StatusCode::UNAUTHORIZED),
    ] {
        put(person, office, before[0].id, &body)
            .await
            .expect_status(expected);
        person
            .post_json(&types_path(office), &new_type)
            .await
            .expect_status(expected);
    }
    for (person, expected) in [
        (&caseworker, StatusCode::OK),
        (&builder, StatusCode::NOT_FOUND),
        (&other_admin, StatusCode::NOT_FOUND),
        (&anonymous, StatusCode::UNAUTHORIZED),
    ] {
        person
            .get(&types_path(office))
            .await
            .expect_status(expected);
    }
    assert_eq!(procedure_types(&admin, office).await, before);
}

#[tokio::test]
async fn an_office_admin_cannot_reach_another_offices_type_through_their_own_office() {
    let app = TestApp::new().await;
    let office = app.office("Bauamt Hier").await;
    let other_office = app.office("Bauamt Dort").await;
    let admin = admin_of(&app, office).await;
    let other_admin = admin_of(&app, other_office).await;
    let theirs = procedure_types(&other_admin, other_office).await.remove(0);

    put(&admin, office, theirs.id, &unchanged(&theirs))
        .await
        .expect_status(StatusCode::NOT_FOUND);
    put(&admin, office, Uuid::now_v7(), &unchanged(&theirs))
        .await
        .expect_status(StatusCode::NOT_FOUND);
    assert_eq!(procedure_types(&other_admin, other_office).await[0], theirs);
}

#[tokio::test]
async fn every_unacceptable_setting_is_refused_with_its_field_and_changes_nothing() {
    let app = TestApp::new().await;
    let office = app.office("Bauamt Streng").await;
    let admin = admin_of(&app, office).await;
    let before = procedure_types(&admin, office).await;
    let regular = &before[0];

    let long_name = "x".repeat(201);
    let cases: Vec<(&str, Value, &str)> = vec![
        ("name_de", json!(""), "name_de"),
        ("name_de", json!("   "), "name_de"),
        ("name_de", json!(long_name), "name_de"),
        ("name_en", json!(""), "name_en"),
        ("name_en", json!(long_name), "name_en"),
        ("name_en", json!("a\u{202E}b"), "name_en"),
        ("required_categories", json!([]), "required_categories"),
    ];
    for (key, value, field) in cases {
        let mut body = unchanged(regular);
        body[key] = value.clone();
        let problem = put(&admin, office, regular.id, &body)
            .await
            .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
            .problem();
        assert_eq!(problem.code, "invalid_field", "{key} = {value}");
        assert_eq!(problem.field.as_deref(), Some(field), "{key} = {value}");
    }

    for rule in ["completeness_check", "statement", "municipal_consent"] {
        for period in ["", "0w", "2y", "-1d", "999d", "w", "2 w x"] {
            let mut body = unchanged(regular);
            body["deadline_rules"][rule] = json!(period);
            let problem = put(&admin, office, regular.id, &body)
                .await
                .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
                .problem();
            let field = format!("deadline_rules.{rule}");
            assert_eq!(problem.field.as_deref(), Some(field.as_str()), "{period:?}");
        }
    }

    // An unknown category is no category: the body does not parse.
    let mut body = unchanged(regular);
    body["required_categories"] = json!(["site_plan", "horoscope"]);
    let problem = put(&admin, office, regular.id, &body)
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
        .problem();
    assert!(problem.detail.contains("horoscope"), "{}", problem.detail);

    assert_eq!(procedure_types(&admin, office).await, before);
}

#[tokio::test]
async fn an_edit_from_a_stale_version_is_refused_and_changes_nothing() {
    let app = TestApp::new().await;
    let office = app.office("Bauamt Zwei Köpfe").await;
    let admin = admin_of(&app, office).await;
    let colleague = admin_of(&app, office).await;
    let opened = procedure_types(&admin, office).await.remove(0);

    let mut theirs = unchanged(&opened);
    theirs["required_categories"] = json!(["site_plan"]);
    put(&colleague, office, opened.id, &theirs)
        .await
        .expect_status(StatusCode::OK);
    let after_theirs = procedure_types(&admin, office).await;

    let mut mine = unchanged(&opened);
    mine["name_en"] = json!("Mine");
    let problem = put(&admin, office, opened.id, &mine)
        .await
        .expect_status(StatusCode::CONFLICT)
        .problem();
    assert_eq!(problem.code, "stale_write");
    assert!(
        problem.detail.contains("Someone else changed"),
        "{}",
        problem.detail
    );
    assert_eq!(procedure_types(&admin, office).await, after_theirs);

    // After a reload the edit starts from the colleague's version.
    let mut mine = unchanged(&after_theirs[0]);
    mine["name_en"] = json!("Mine");
    let saved: ProcedureType = put(&admin, office, opened.id, &mine)
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!((saved.version, saved.name_en.as_str()), (3, "Mine"));
    assert_eq!(saved.required_categories, [DocumentCategory::SitePlan]);
}

fn new_type_body(key: &str) -> Value {
    json!({
        "key": key,
        "name_de": "Garage und Carport",
        "name_en": "Garage and carport",
        "required_categories": ["site_plan", "elevations"],
        "deadline_rules": {
            "completeness_check": "10d", "statement": "1m", "municipal_consent": "2m"
        },
    })
}

#[tokio::test]
async fn the_office_admin_adds_a_procedure_type_applicants_can_choose() {
    let app = TestApp::new().await;
    let office = app.office("Bauamt Wachsend").await;
    let other_office = app.office("Bauamt Nebenan").await;
    let admin = admin_of(&app, office).await;

    let created: ProcedureType = admin
        .post_json(&types_path(office), &new_type_body("garage"))
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!((created.key.as_str(), created.version), ("garage", 1));
    assert_eq!(created.deadline_rules.completeness_check, "10d");
    let listed = procedure_types(&admin, office).await;
    assert_eq!(listed.last(), Some(&created), "added after the others");

    let builder = app.register("Bea Builder").await;
    let room: RoomView = builder
        .post_json(
            "/api/rooms",
            &json!({"office_id": office, "procedure_type_id": created.id,
                    "title": "Carport", "site_address": "Weg 1"}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!(room.procedure_type.key, "garage");

    let problem = admin
        .post_json(&types_path(office), &new_type_body("garage"))
        .await
        .expect_status(StatusCode::CONFLICT)
        .problem();
    assert_eq!(problem.code, "duplicate_key");
    // Keys are unique per office, not per installation.
    admin_of(&app, other_office)
        .await
        .post_json(&types_path(other_office), &new_type_body("garage"))
        .await
        .expect_status(StatusCode::CREATED);
}

#[tokio::test]
async fn a_new_procedure_type_needs_a_well_formed_key_and_settings() {
    let app = TestApp::new().await;
    let office = app.office("Bauamt Genau").await;
    let admin = admin_of(&app, office).await;
    let before = procedure_types(&admin, office).await;

    let too_long = "k".repeat(41);
    for key in [
        "",
        "Garage",
        "garage small",
        "garäge",
        "a/b",
        too_long.as_str(),
    ] {
        let problem = admin
            .post_json(&types_path(office), &new_type_body(key))
            .await
            .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
            .problem();
        assert_eq!(problem.field.as_deref(), Some("key"), "{key:?}");
    }
    let mut body = new_type_body("garage");
    body["required_categories"] = json!([]);
    let problem = admin
        .post_json(&types_path(office), &body)
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
        .problem();
    assert_eq!(problem.field.as_deref(), Some("required_categories"));
    let mut body = new_type_body("garage");
    body["deadline_rules"]["statement"] = json!("2y");
    let problem = admin
        .post_json(&types_path(office), &body)
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
        .problem();
    assert_eq!(problem.field.as_deref(), Some("deadline_rules.statement"));

    assert_eq!(procedure_types(&admin, office).await, before);
}
