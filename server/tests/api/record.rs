//! The record: a tampered event log is detected, naming the entry.

use reqwest::StatusCode;
use shared::*;

use crate::support::*;

#[tokio::test]
async fn editing_one_event_row_breaks_the_chain_at_that_entry() {
    let app = TestApp::new().await;
    let (_, builder, designer, room) = room_with_designer(&app).await;
    designer
        .upload(
            room.id,
            "site_plan",
            "plan.pdf",
            real_file("pdfa2b_verapdf.pdf"),
        )
        .await
        .expect_status(StatusCode::CREATED);
    let path = format!("/api/rooms/{}/verification", room.id);

    let sound: ChainVerification = builder
        .get(&path)
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(
        sound,
        ChainVerification {
            valid: true,
            entries: 5,
            first_broken_seq: None,
            reason: None
        }
    );

    // Someone with database access rewrites who uploaded the plan.
    sqlx::query("UPDATE room_events SET actor_name = 'Mallory' WHERE room_id = $1 AND seq = 5")
        .bind(room.id.to_string())
        .execute(&app.app.db.read)
        .await
        .unwrap();
    let broken: ChainVerification = builder.get(&path).await.json();
    assert!(!broken.valid);
    assert_eq!(broken.first_broken_seq, Some(5));

    let verdicts = server::cli::verify(&app.config, None).await.unwrap();
    let ours = verdicts.iter().find(|v| v.room_id == room.id).unwrap();
    assert_eq!(ours.result.as_ref().unwrap_err().seq, 5);
}

#[tokio::test]
async fn a_deleted_entry_is_found_too() {
    let app = TestApp::new().await;
    let (_, builder, _, room) = room_with_designer(&app).await;
    sqlx::query("DELETE FROM room_events WHERE room_id = $1 AND seq = 2")
        .bind(room.id.to_string())
        .execute(&app.app.db.read)
        .await
        .unwrap();
    let broken: ChainVerification = builder
        .get(&format!("/api/rooms/{}/verification", room.id))
        .await
        .json();
    assert_eq!(broken.first_broken_seq, Some(2));
}

#[tokio::test]
async fn a_download_is_recorded_once_with_who_and_which_version() {
    let app = TestApp::new().await;
    let (_, builder, designer, room) = room_with_designer(&app).await;
    let document: DocumentView = builder
        .upload(
            room.id,
            "site_plan",
            "Lageplan.pdf",
            real_file("plan_site_landscape_archD.pdf"),
        )
        .await
        .json();
    let url = format!("{}{}", app.base, document.versions[0].download_url);
    designer.send(designer.client.get(&url)).await;
    // A viewer's later pieces of the same file are not downloads of their own.
    designer
        .send(designer.client.get(&url).header("range", "bytes=1000-1999"))
        .await;

    let events: Vec<RoomEvent> = builder
        .get(&format!("/api/rooms/{}/events", room.id))
        .await
        .json();
    let downloads: Vec<&RoomEvent> = events
        .iter()
        .filter(|e| e.payload.kind() == "document_downloaded")
        .collect();
    assert_eq!(downloads.len(), 1);
    assert_eq!(
        downloads[0].actor.as_ref().unwrap().display_name,
        "Dana Designer"
    );
    assert!(matches!(
        &downloads[0].payload,
        EventPayload::DocumentDownloaded { version_id, version: 1, .. }
            if *version_id == document.versions[0].id
    ));
}
