//! Crash safety: the real server is killed with SIGKILL at random moments
//! while documents go up (in one request and in chunks) and signatures come
//! and go, then started again. Afterwards every upload it acknowledged is
//! there with its bytes, no document is visible whose bytes are not whole,
//! and every room's hash chain verifies. On SQLite and PostgreSQL alike
//! (the PostgreSQL phase of `scripts/test`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use sha2::{Digest, Sha256};
use shared::*;
use uuid::Uuid;

use crate::support::*;

const ROUNDS: usize = 4;
const FILES: [&str; 4] = [
    "plan_site_landscape_archD.pdf",
    "dwg_ac1032_aec_walls.dwg",
    "ifc2x3_revit2021_sample.ifc",
    "pdfa2b_verapdf.pdf",
];

/// A version the server answered 201 for: it promised to keep it.
#[derive(Debug, Clone)]
struct Acknowledged {
    version_id: Uuid,
    sha256: String,
}

/// A number from the random bits of a fresh UUID.
fn random_below(bound: u64) -> u64 {
    (Uuid::new_v4().as_u128() % bound as u128) as u64
}

#[tokio::test]
async fn killed_at_random_moments_the_server_keeps_what_it_acknowledged_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let config = test_config(dir.path()).await;
    let office = server::cli::create_office(&config, "Bauamt Absturz", "MV")
        .await
        .unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = ServerProcess::start(&config, dir.path(), port);
    wait_until_healthy(&base).await;

    let builder = Person::register(&base, "Konrad Kraft").await;
    let room = builder.create_room(office).await;
    let acknowledged = Arc::new(Mutex::new(Vec::<Acknowledged>::new()));

    for round in 0..ROUNDS {
        let workers = vec![
            tokio::spawn(upload_directly(
                builder.clone(),
                room.id,
                acknowledged.clone(),
            )),
            tokio::spawn(upload_in_chunks(
                builder.clone(),
                room.id,
                acknowledged.clone(),
            )),
            tokio::spawn(sign_and_withdraw(builder.clone(), room.id)),
        ];
        tokio::time::sleep(Duration::from_millis(300 + random_below(1200))).await;
        server.kill();
        for worker in workers {
            worker.abort();
        }
        eprintln!(
            "round {round}: killed with {} uploads acknowledged",
            acknowledged.lock().unwrap().len()
        );
        server = ServerProcess::start(&config, dir.path(), port);
        wait_until_healthy(&base).await;
    }

    // Everything acknowledged is there, whole.
    let view = builder.room(room.id).await;
    let visible: Vec<&DocumentVersionView> =
        view.documents.iter().flat_map(|d| &d.versions).collect();
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        !acknowledged.is_empty(),
        "some uploads went through between the kills"
    );
    for promised in &acknowledged {
        let version = visible
            .iter()
            .find(|v| v.id == promised.version_id)
            .unwrap_or_else(|| panic!("acknowledged version {} is gone", promised.version_id));
        assert_eq!(version.sha256, promised.sha256);
    }
    // And nothing is visible whose bytes are not whole.
    for version in &visible {
        let download = builder
            .get(&version.download_url)
            .await
            .expect_status(StatusCode::OK);
        assert_eq!(
            download.body.len() as u64,
            version.size_bytes,
            "{}",
            version.file_name
        );
        assert_eq!(
            hex::encode(Sha256::digest(&download.body)),
            version.sha256,
            "{} is visible but not whole",
            version.file_name
        );
    }
    // Every chain verifies.
    for verdict in server::cli::verify(&config, None).await.unwrap() {
        assert!(
            verdict.result.is_ok(),
            "room {}: {:?}",
            verdict.room_id,
            verdict.result
        );
    }
    drop(server);
}

/// Uploads the test files one after another in single requests.
async fn upload_directly(person: Person, room_id: Uuid, log: Arc<Mutex<Vec<Acknowledged>>>) {
    let url = format!("{}/api/rooms/{room_id}/documents", person.base);
    for name in FILES.iter().cycle() {
        let request = person
            .client
            .post(&url)
            .query(&[("category", "floor_plans"), ("file_name", name)])
            .body(real_file(name));
        let Some(answer) = person.try_send(request).await else {
            return;
        };
        if answer.status == StatusCode::CREATED {
            let document: DocumentView = answer.json();
            let version = document.versions.last().unwrap();
            log.lock().unwrap().push(Acknowledged {
                version_id: version.id,
                sha256: version.sha256.clone(),
            });
        }
    }
}

/// Sends the largest test file as resumable uploads in 64 KiB chunks.
async fn upload_in_chunks(person: Person, room_id: Uuid, log: Arc<Mutex<Vec<Acknowledged>>>) {
    let bytes = real_file("ifc2x3_archicad20_fzkhaus.ifc");
    loop {
        let start = json!({
            "client_key": Uuid::new_v4(), "category": "sections",
            "file_name": "Modell.ifc", "size_bytes": bytes.len(),
        });
        let request = person
            .client
            .post(format!("{}/api/rooms/{room_id}/uploads", person.base))
            .json(&start);
        let Some(answer) = person.try_send(request).await else {
            return;
        };
        if answer.status != StatusCode::CREATED {
            continue;
        }
        let upload: UploadView = answer.json();
        let mut offset = 0;
        while offset < bytes.len() {
            let end = (offset + 64 * 1024).min(bytes.len());
            let url = format!("{}/api/rooms/{room_id}/uploads/{}", person.base, upload.id);
            let request = person
                .client
                .patch(url)
                .query(&[("offset", offset)])
                .body(bytes[offset..end].to_vec());
            let Some(answer) = person.try_send(request).await else {
                return;
            };
            if answer.status != StatusCode::OK {
                break;
            }
            offset = end;
        }
        let url = format!(
            "{}/api/rooms/{room_id}/uploads/{}/complete",
            person.base, upload.id
        );
        let Some(answer) = person.try_send(person.client.post(url)).await else {
            return;
        };
        if answer.status == StatusCode::CREATED {
            let document: DocumentView = answer.json();
            let version = document.versions.last().unwrap();
            log.lock().unwrap().push(Acknowledged {
                version_id: version.id,
                sha256: version.sha256.clone(),
            });
        }
    }
}

/// Signs and withdraws the signature, over and over: events in the log.
async fn sign_and_withdraw(person: Person, room_id: Uuid) {
    let url = format!("{}/api/rooms/{room_id}/signature", person.base);
    loop {
        let signed = person.try_send(person.client.post(&url)).await;
        let withdrawn = person.try_send(person.client.delete(&url)).await;
        if signed.is_none() || withdrawn.is_none() {
            return;
        }
    }
}
