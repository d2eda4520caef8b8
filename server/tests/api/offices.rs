//! One installation, many offices: nothing of one is visible to another.

use reqwest::StatusCode;
use shared::*;

use crate::support::*;

#[tokio::test]
async fn a_caseworker_of_another_office_sees_nothing_of_this_one() {
    let app = TestApp::new().await;
    let (office_a, builder, designer, room) = room_with_designer(&app).await;
    let office_b = app.office("Bauamt Nachbarkreis").await;
    let ours = app.caseworker(office_a, "Carla Caseworker").await;
    let theirs = app.caseworker(office_b, "Xaver Fremd").await;
    builder
        .upload(
            room.id,
            "site_plan",
            "plan.pdf",
            real_file("pdfa2b_verapdf.pdf"),
        )
        .await
        .expect_status(StatusCode::CREATED);
    builder.sign(room.id).await;
    designer.sign(room.id).await;
    app.confirm_identity(office_a, &builder).await;
    builder.submit(room.id).await;

    let our_queue: Vec<QueueItem> = ours.get("/api/queue").await.json();
    let their_queue: Vec<QueueItem> = theirs.get("/api/queue").await.json();
    assert_eq!(our_queue.len(), 1);
    assert!(their_queue.is_empty());

    let document = &builder.room(room.id).await.documents[0].versions[0];
    for path in [
        format!("/api/rooms/{}", room.id),
        format!("/api/rooms/{}/events", room.id),
        document.download_url.clone(),
    ] {
        theirs.get(&path).await.expect_status(StatusCode::NOT_FOUND);
        ours.get(&path).await.expect_status(StatusCode::OK);
    }
    theirs
        .post(&format!("/api/rooms/{}/check", room.id))
        .await
        .expect_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_office_admin_does_not_work_cases() {
    let app = TestApp::new().await;
    let (office, builder, designer, room) = room_with_designer(&app).await;
    let admin = app
        .staff(office, "Anna Admin", OfficeRole::OfficeAdmin)
        .await;
    builder.sign(room.id).await;
    designer.sign(room.id).await;
    confirm_identity(&admin, office, &builder).await;
    builder.submit(room.id).await;

    let me: Me = admin.get("/api/me").await.json();
    assert_eq!(me.offices[0].role, OfficeRole::OfficeAdmin);
    let queue: Vec<QueueItem> = admin.get("/api/queue").await.json();
    assert!(queue.is_empty());
    admin
        .get(&format!("/api/rooms/{}", room.id))
        .await
        .expect_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_office_starts_with_the_default_procedure_types() {
    let app = TestApp::new().await;
    let office = app.office("Bauamt Greifswald").await;
    let person = app.register("Bea Builder").await;
    let offices: Vec<OfficeSummary> = person.get("/api/offices").await.json();
    let ours = offices.iter().find(|o| o.id == office).unwrap();
    let keys: Vec<&str> = ours
        .procedure_types
        .iter()
        .map(|p| p.key.as_str())
        .collect();
    assert_eq!(keys, ["regular", "simplified", "preliminary", "demolition"]);
    assert!(
        ours.procedure_types[0]
            .required_categories
            .contains(&DocumentCategory::SitePlan)
    );
}

#[tokio::test]
async fn a_room_cannot_take_a_procedure_type_of_another_office() {
    let app = TestApp::new().await;
    let office_a = app.office("Bauamt A").await;
    let office_b = app.office("Bauamt B").await;
    let builder = app.register("Bea Builder").await;
    let offices: Vec<OfficeSummary> = builder.get("/api/offices").await.json();
    let type_of_b = offices
        .iter()
        .find(|o| o.id == office_b)
        .unwrap()
        .procedure_types[0]
        .id;
    let problem = builder
        .post_json(
            "/api/rooms",
            &serde_json::json!({"office_id": office_a, "procedure_type_id": type_of_b,
                                "title": "Carport", "site_address": "Weg 1"}),
        )
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
        .problem();
    assert_eq!(problem.field.as_deref(), Some("procedure_type_id"));
}

#[tokio::test]
async fn the_operator_command_refuses_an_unknown_state_and_a_duplicate_name() {
    let app = TestApp::new().await;
    assert!(
        server::cli::create_office(&app.config, "Bauamt X", "XX")
            .await
            .is_err()
    );
    app.office("Bauamt Doppelt").await;
    assert!(
        server::cli::create_office(&app.config, "Bauamt Doppelt", "MV")
            .await
            .is_err()
    );
}
