//! Virus scanning against a real ClamAV daemon. `scripts/test` starts one
//! for the PostgreSQL phase (`TEST_CLAMD_ADDRESS`) with a signature file of
//! its own that names one real test PDF as malware, and a stream limit of
//! 1 MiB; without that variable these tests have no scanner and say so.

use reqwest::StatusCode;
use serde_json::json;
use shared::*;
use uuid::Uuid;

use crate::support::*;

/// The real PDF the test signature file names as malware.
const FLAGGED: &str = "pdfa3b_attachment_verapdf.pdf";

fn clamd() -> Option<String> {
    let address = std::env::var("TEST_CLAMD_ADDRESS")
        .ok()
        .filter(|a| !a.is_empty());
    if address.is_none() {
        eprintln!("no TEST_CLAMD_ADDRESS: scanning is tested in the PostgreSQL phase");
    }
    address
}

async fn scanning_app(address: String) -> TestApp {
    TestApp::with(|config| {
        config.uploads.clamd_address = Some(address);
        config.uploads.chunk_bytes = 64 * 1024;
    })
    .await
}

#[tokio::test]
async fn a_file_becomes_visible_only_after_a_clean_scan() {
    let Some(address) = clamd() else { return };
    let app = scanning_app(address).await;
    let (_, builder, room) = app.room().await;

    builder
        .upload(
            room.id,
            "site_plan",
            "Lageplan.pdf",
            real_file("plan_site_landscape_archD.pdf"),
        )
        .await
        .expect_status(StatusCode::CREATED);

    let problem = builder
        .upload(room.id, "floor_plans", "Grundriss.pdf", real_file(FLAGGED))
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
        .problem();
    assert_eq!(problem.code, "malware_found");
    assert!(
        problem.detail.contains("Vorgangsraum.Test.Signature"),
        "{}",
        problem.detail
    );

    // Larger than the scanner's limit: never taken for clean.
    let problem = builder
        .upload(
            room.id,
            "floor_plans",
            "Modell.ifc",
            real_file("ifc2x3_archicad20_fzkhaus.ifc"),
        )
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
        .problem();
    assert_eq!(problem.code, "not_scanned");
    assert!(problem.detail.contains("limit"), "{}", problem.detail);

    let room = builder.room(room.id).await;
    assert_eq!(room.documents.len(), 1, "only the clean file is there");
    assert_eq!(
        app.stored_objects(room.id).await.len(),
        1,
        "nothing else is kept"
    );
}

#[tokio::test]
async fn a_resumable_upload_with_malware_is_refused_and_removed() {
    let Some(address) = clamd() else { return };
    let app = scanning_app(address).await;
    let (_, builder, room) = app.room().await;
    let bytes = real_file(FLAGGED);
    let upload: UploadView = builder
        .post_json(
            &format!("/api/rooms/{}/uploads", room.id),
            &json!({"client_key": Uuid::new_v4(), "category": "floor_plans",
                "file_name": "Grundriss.pdf", "size_bytes": bytes.len()}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    let chunk = builder
        .client
        .patch(app.url(&format!("/api/rooms/{}/uploads/{}", room.id, upload.id)))
        .query(&[("offset", 0)])
        .body(bytes);
    builder.send(chunk).await.expect_status(StatusCode::OK);
    let problem = builder
        .post(&format!(
            "/api/rooms/{}/uploads/{}/complete",
            room.id, upload.id
        ))
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
        .problem();
    assert_eq!(problem.code, "malware_found");
    builder
        .get(&format!("/api/rooms/{}/uploads/{}", room.id, upload.id))
        .await
        .expect_status(StatusCode::NOT_FOUND);
    assert!(app.staged_objects().await.is_empty());
    assert!(app.stored_objects(room.id).await.is_empty());
    assert!(builder.room(room.id).await.documents.is_empty());
}

#[tokio::test]
async fn with_the_scanner_away_nothing_is_added_and_the_person_is_told() {
    let Some(_) = clamd() else { return };
    // A port nobody listens on.
    let app = scanning_app("127.0.0.1:9".into()).await;
    let (_, builder, room) = app.room().await;
    let problem = builder
        .upload(
            room.id,
            "site_plan",
            "Lageplan.pdf",
            real_file("plan_site_landscape_archD.pdf"),
        )
        .await
        .expect_status(StatusCode::SERVICE_UNAVAILABLE)
        .problem();
    assert!(
        problem.detail.contains("virus scanner"),
        "{}",
        problem.detail
    );
    assert!(app.stored_objects(room.id).await.is_empty());
    let _: &RoomView = &builder.room(room.id).await;
}
