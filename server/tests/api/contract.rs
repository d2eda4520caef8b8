//! The API contract: the OpenAPI description generated from the handlers must
//! match the committed snapshot, so a change to the API is always a visible,
//! reviewed change. Run with `UPDATE_SNAPSHOTS=1` to accept a new one.

use std::path::PathBuf;

use reqwest::StatusCode;

use crate::support::*;

fn snapshot_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi.json")
}

#[test]
fn the_openapi_description_matches_its_snapshot() {
    let current = server::router::openapi().to_pretty_json().unwrap() + "\n";
    let path = snapshot_path();
    if std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &current).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == current,
        "the API changed: review the difference and run \
         `UPDATE_SNAPSHOTS=1 cargo test -p server --test api contract` to accept it"
    );
}

#[tokio::test]
async fn the_server_serves_its_openapi_description() {
    let app = TestApp::new().await;
    let answer = app
        .anonymous()
        .get("/api/openapi.json")
        .await
        .expect_status(StatusCode::OK);
    let served: serde_json::Value = answer.json();
    assert_eq!(served["info"]["title"], "Vorgangsraum");
    assert!(served["paths"]["/api/rooms/{room_id}/submit"]["post"].is_object());
}
