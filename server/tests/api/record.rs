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

#[tokio::test]
async fn the_office_exports_a_record_whose_manifest_holds_every_files_hash() {
    use sha2::{Digest, Sha256};
    use std::io::Read;

    let app = TestApp::new().await;
    let office = app.office("Bauamt Akte").await;
    let builder = app.register("Bea Builder").await;
    let designer = app.register("Dana Designer").await;
    let caseworker = app.caseworker(office, "Carla Caseworker").await;
    let admin = app.office_admin(office, "Anna Admin").await;
    let parties = Parties {
        builder: &builder,
        designer: &designer,
        others: &[],
        caseworker: &caseworker,
        admin: &admin,
    };
    let (room, _) = parties.checking(office).await;
    let answer = caseworker
        .get(&format!("/api/rooms/{}/export", room.id))
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(answer.headers["content-type"], "application/zip");
    let disposition = answer.headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"Akte "),
        "{disposition}"
    );

    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(answer.body.to_vec())).unwrap();
    let mut read = |path: &str| -> Vec<u8> {
        let mut bytes = Vec::new();
        zip.by_name(path)
            .unwrap_or_else(|_| panic!("{path} missing from the archive"))
            .read_to_end(&mut bytes)
            .unwrap();
        bytes
    };
    let manifest: Vec<serde_json::Value> = serde_json::from_slice(&read("manifest.json")).unwrap();
    assert!(
        manifest.len() >= 4,
        "documents, room.json, events.jsonl, index.html"
    );
    for entry in &manifest {
        let path = entry["path"].as_str().unwrap();
        let bytes = read(path);
        assert_eq!(
            bytes.len() as u64,
            entry["size_bytes"].as_u64().unwrap(),
            "{path}"
        );
        assert_eq!(
            hex::encode(Sha256::digest(&bytes)),
            entry["sha256"].as_str().unwrap(),
            "{path} does not match its manifest entry"
        );
    }
    // The site plan, byte for byte, in its category folder.
    let plan = read("documents/site_plan/v1 Lageplan.pdf");
    assert_eq!(plan, real_file("pdfa2b_verapdf.pdf"));

    let exported: RoomView = serde_json::from_slice(&read("room.json")).unwrap();
    assert_eq!(exported.id, room.id);
    let events: Vec<RoomEvent> = String::from_utf8(read("events.jsonl"))
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(
        seqs,
        (1..=seqs.len() as i64).collect::<Vec<_>>(),
        "the whole log, in order"
    );
    let index = String::from_utf8(read("index.html")).unwrap();
    assert!(index.contains(&format!("<h1>{}</h1>", room.title)));
    assert!(
        index.contains("documents/site_plan/v1%20Lageplan.pdf"),
        "{index}"
    );

    // The export is in the office's history, not the applicants'.
    let office_log: Vec<RoomEvent> = caseworker
        .get(&format!("/api/rooms/{}/events", room.id))
        .await
        .json();
    assert!(matches!(
        office_log.last().unwrap().payload,
        EventPayload::RecordExported { .. }
    ));
    let builder_log: Vec<RoomEvent> = builder
        .get(&format!("/api/rooms/{}/events", room.id))
        .await
        .json();
    assert!(
        !builder_log
            .iter()
            .any(|e| matches!(e.payload, EventPayload::RecordExported { .. }))
    );

    // Applicants do not export.
    let problem = builder
        .get(&format!("/api/rooms/{}/export", room.id))
        .await
        .expect_status(StatusCode::FORBIDDEN)
        .problem();
    assert_eq!(problem.code, "office_only");
    // The subcommand writes the same kind of archive, as the caseworker.
    let out = app.dir.path().join("akte.zip");
    let size = server::cli::export(&app.config, room.id, &caseworker.email, &out)
        .await
        .unwrap();
    assert_eq!(std::fs::metadata(&out).unwrap().len(), size);
    let mut again = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    assert!(again.by_name("manifest.json").is_ok());
    assert!(
        server::cli::export(&app.config, room.id, &builder.email, &out)
            .await
            .is_err(),
        "an applicant cannot export"
    );

    // And the chain still verifies with the exports in it.
    let verdict: ChainVerification = caseworker
        .get(&format!("/api/rooms/{}/verification", room.id))
        .await
        .json();
    assert!(verdict.valid);
}
