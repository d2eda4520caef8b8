//! Resumable uploads: chunks, a cut connection, a resumed file that hashes
//! like its source, double starts and completions, the sweep, the quota.

use object_store::ObjectStoreExt;
use reqwest::StatusCode;
use serde_json::json;
use sha2::{Digest, Sha256};
use shared::*;
use uuid::Uuid;

use crate::support::*;

/// Small chunks, so that the real files of the test data take several.
const CHUNK: u64 = 64 * 1024;

async fn chunked_app() -> TestApp {
    TestApp::with(|config| config.uploads.chunk_bytes = CHUNK).await
}

async fn start(person: &Person, room_id: Uuid, category: &str, name: &str, size: u64) -> Answer {
    start_with_key(person, room_id, category, name, size, Uuid::new_v4()).await
}

async fn start_with_key(
    person: &Person,
    room_id: Uuid,
    category: &str,
    name: &str,
    size: u64,
    key: Uuid,
) -> Answer {
    let body = json!({
        "client_key": key, "category": category, "file_name": name, "size_bytes": size,
    });
    person
        .post_json(&format!("/api/rooms/{room_id}/uploads"), &body)
        .await
}

async fn send_chunk(
    person: &Person,
    room_id: Uuid,
    upload: Uuid,
    offset: u64,
    bytes: &[u8],
) -> Answer {
    let url = format!("{}/api/rooms/{room_id}/uploads/{upload}", person.base);
    person
        .send(
            person
                .client
                .patch(url)
                .query(&[("offset", offset)])
                .body(bytes.to_vec()),
        )
        .await
}

/// Sends `bytes[from..]` chunk by chunk and answers the last view.
async fn send_rest(
    person: &Person,
    room_id: Uuid,
    upload: Uuid,
    bytes: &[u8],
    from: u64,
) -> UploadView {
    let mut offset = from;
    let mut last = None;
    while offset < bytes.len() as u64 {
        let end = (offset + CHUNK).min(bytes.len() as u64);
        let view: UploadView = send_chunk(
            person,
            room_id,
            upload,
            offset,
            &bytes[offset as usize..end as usize],
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
        assert_eq!(view.received_bytes, end);
        offset = end;
        last = Some(view);
    }
    last.expect("at least one chunk")
}

async fn complete(person: &Person, room_id: Uuid, upload: Uuid) -> Answer {
    person
        .post(&format!("/api/rooms/{room_id}/uploads/{upload}/complete"))
        .await
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[tokio::test]
async fn every_real_plan_file_goes_up_in_chunks_and_comes_back_byte_identical() {
    let app = chunked_app().await;
    let (_, builder, room) = app.room().await;
    for name in crate::documents::REAL_PLANS {
        let bytes = real_file(name);
        let upload: UploadView = start(&builder, room.id, "floor_plans", name, bytes.len() as u64)
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        assert_eq!(upload.received_bytes, 0);
        assert_eq!(upload.max_chunk_bytes, CHUNK);
        send_rest(&builder, room.id, upload.id, &bytes, 0).await;
        let document: DocumentView = complete(&builder, room.id, upload.id)
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        let version = &document.versions[0];
        assert_eq!(version.sha256, sha256(&bytes), "{name}");
        assert_eq!(version.file_name, name);
        let download = builder
            .get(&version.download_url)
            .await
            .expect_status(StatusCode::OK);
        assert_eq!(
            download.body.as_ref(),
            bytes.as_slice(),
            "{name} came back changed"
        );
    }
    assert!(
        app.staged_objects().await.is_empty(),
        "completed parts are removed"
    );
    let events: Vec<RoomEvent> = builder
        .get(&format!("/api/rooms/{}/events", room.id))
        .await
        .json();
    let uploaded = events
        .iter()
        .filter(|e| matches!(e.payload, EventPayload::DocumentUploaded { .. }))
        .count();
    assert_eq!(
        uploaded,
        crate::documents::REAL_PLANS.len(),
        "each completion is logged once"
    );
}

#[tokio::test]
async fn an_upload_cut_off_at_half_resumes_from_the_last_acknowledged_byte() {
    let app = chunked_app().await;
    let (_, builder, room) = app.room().await;
    let bytes = real_file("ifc2x3_revit2021_sample.ifc");
    let size = bytes.len() as u64;
    let key = Uuid::new_v4();
    let upload: UploadView =
        start_with_key(&builder, room.id, "floor_plans", "Modell.ifc", size, key)
            .await
            .expect_status(StatusCode::CREATED)
            .json();

    // The first half goes through.
    let half = (size / 2 / CHUNK) * CHUNK;
    send_rest(&builder, room.id, upload.id, &bytes[..half as usize], 0).await;

    // The next chunk breaks off on its way: its bytes are not acknowledged.
    let first_bytes = bytes[half as usize..(half + CHUNK / 2) as usize].to_vec();
    let cut = futures::stream::iter(vec![
        Ok(first_bytes),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "the laptop closed",
        )),
    ]);
    let url = format!("{}/api/rooms/{}/uploads/{}", app.base, room.id, upload.id);
    let request = builder
        .client
        .patch(url)
        .query(&[("offset", half)])
        .body(reqwest::Body::wrap_stream(cut));
    // The client sees its own request fail; what the server makes of it is
    // what counts.
    let _ = request.send().await;

    // After a reload the browser starts the same file again and learns
    // where to go on.
    let again: UploadView =
        start_with_key(&builder, room.id, "floor_plans", "Modell.ifc", size, key)
            .await
            .expect_status(StatusCode::OK)
            .json();
    assert_eq!(again.id, upload.id);
    assert_eq!(again.received_bytes, half, "only whole chunks count");
    let stands: UploadView = builder
        .get(&format!("/api/rooms/{}/uploads/{}", room.id, upload.id))
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(stands.received_bytes, half);

    // Nothing of it is visible to the room yet.
    assert!(builder.room(room.id).await.documents.is_empty());

    send_rest(&builder, room.id, upload.id, &bytes, half).await;
    let document: DocumentView = complete(&builder, room.id, upload.id)
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!(
        document.versions[0].sha256,
        sha256(&bytes),
        "resumed file equals its source"
    );
    assert_eq!(document.versions[0].size_bytes, size);
}

#[tokio::test]
async fn starting_or_completing_the_same_file_twice_makes_one_document() {
    let app = chunked_app().await;
    let (_, builder, room) = app.room().await;
    let bytes = real_file("plan_site_landscape_archD.pdf");
    let size = bytes.len() as u64;
    let key = Uuid::new_v4();

    // A double click: two starts at once find one upload.
    let (a, b) = tokio::join!(
        start_with_key(&builder, room.id, "site_plan", "Lageplan.pdf", size, key),
        start_with_key(&builder, room.id, "site_plan", "Lageplan.pdf", size, key),
    );
    let (a, b): (UploadView, UploadView) = (a.json(), b.json());
    assert_eq!(a.id, b.id);

    send_rest(&builder, room.id, a.id, &bytes, 0).await;
    // And two completions at once make one document.
    let (first, second) = tokio::join!(
        complete(&builder, room.id, a.id),
        complete(&builder, room.id, a.id),
    );
    let mut statuses = [first.status, second.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CREATED]);
    let (first, second): (DocumentView, DocumentView) = (first.json(), second.json());
    assert_eq!(first, second);
    let again: DocumentView = complete(&builder, room.id, a.id)
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(again, first);

    let room = builder.room(room.id).await;
    assert_eq!(room.documents.len(), 1);
    assert_eq!(room.documents[0].versions.len(), 1);
    assert_eq!(
        app.stored_objects(room.id).await.len(),
        1,
        "one object, no orphan"
    );

    // A new version of that document goes up the same way.
    let v2 = real_file("pdfa2b_verapdf.pdf");
    let body = json!({
        "client_key": Uuid::new_v4(), "category": "other",
        "file_name": "..\\Pläne\\Lageplan v2.pdf",
        "size_bytes": v2.len(), "document_id": first.id,
    });
    let upload: UploadView = builder
        .post_json(&format!("/api/rooms/{}/uploads", room.id), &body)
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!(
        upload.category,
        DocumentCategory::SitePlan,
        "a version keeps its category"
    );
    send_rest(&builder, room.id, upload.id, &v2, 0).await;
    let document: DocumentView = complete(&builder, room.id, upload.id)
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!(document.id, first.id);
    assert_eq!(document.versions.len(), 2);
    assert_eq!(
        document.versions[1].file_name, "Lageplan v2.pdf",
        "a path in the name is dropped, the umlauts of the rest kept"
    );
}

#[tokio::test]
async fn an_abandoned_upload_leaves_nothing_after_the_sweep() {
    let app = TestApp::with(|config| {
        config.uploads.chunk_bytes = CHUNK;
        config.uploads.idle = std::time::Duration::ZERO;
    })
    .await;
    let (_, builder, room) = app.room().await;
    let bytes = real_file("dwg_ac1032_aec_walls.dwg");
    let upload: UploadView = start(
        &builder,
        room.id,
        "floor_plans",
        "Wände.dwg",
        bytes.len() as u64,
    )
    .await
    .expect_status(StatusCode::CREATED)
    .json();
    send_rest(
        &builder,
        room.id,
        upload.id,
        &bytes[..(2 * CHUNK) as usize],
        0,
    )
    .await;
    assert_eq!(app.staged_objects().await.len(), 2);
    // A part whose row is gone, as a crash between storing and acknowledging leaves.
    let orphan = object_store::path::Path::from(format!("staging/{}/00-lost", Uuid::now_v7()));
    app.app
        .store
        .inner
        .put(&orphan, b"lost".to_vec().into())
        .await
        .unwrap();

    let swept = server::handlers::uploads::sweep(&app.app).await.unwrap();
    assert_eq!(swept.uploads, 1);
    assert_eq!(swept.orphaned_parts, 1);
    assert!(
        app.staged_objects().await.is_empty(),
        "parts gone after the sweep"
    );
    assert!(app.stored_objects(room.id).await.is_empty());
    assert!(
        builder.room(room.id).await.documents.is_empty(),
        "nothing visible"
    );
    let gone = builder
        .get(&format!("/api/rooms/{}/uploads/{}", room.id, upload.id))
        .await
        .expect_status(StatusCode::NOT_FOUND)
        .problem();
    assert_eq!(gone.code, "not_found");
}

#[tokio::test]
async fn a_cancelled_upload_is_removed_at_once() {
    let app = chunked_app().await;
    let (_, builder, room) = app.room().await;
    let bytes = real_file("dxf_ac1032_geolocation.dxf");
    let upload: UploadView = start(
        &builder,
        room.id,
        "floor_plans",
        "Lage.dxf",
        bytes.len() as u64,
    )
    .await
    .json();
    send_rest(&builder, room.id, upload.id, &bytes[..CHUNK as usize], 0).await;
    builder
        .delete(&format!("/api/rooms/{}/uploads/{}", room.id, upload.id))
        .await
        .expect_status(StatusCode::NO_CONTENT);
    assert!(app.staged_objects().await.is_empty());
    complete(&builder, room.id, upload.id)
        .await
        .expect_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_chunks_and_starts_get_precise_answers_and_store_nothing() {
    let app = chunked_app().await;
    let (_, builder, designer, room) = room_with_designer(&app).await;
    let bytes = real_file("plan_site_landscape_archD.pdf");
    let size = bytes.len() as u64;
    let path = format!("/api/rooms/{}/uploads", room.id);

    // Starts.
    let two_gib_and_one = 2 * 1024 * 1024 * 1024 + 1;
    let problem = start(
        &builder,
        room.id,
        "floor_plans",
        "Riesig.pdf",
        two_gib_and_one,
    )
    .await
    .expect_status(StatusCode::PAYLOAD_TOO_LARGE)
    .problem();
    assert_eq!(problem.code, "file_too_large");
    assert!(problem.detail.contains("2 GiB"), "{}", problem.detail);
    let problem = start(&builder, room.id, "floor_plans", "leer.pdf", 0)
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
        .problem();
    assert!(problem.detail.contains("empty"));
    let answer = builder
        .send(
            builder
                .client
                .post(app.url(&path))
                .header("content-type", "application/json")
                .body("{\"size_bytes\": "),
        )
        .await;
    assert!(answer.status.is_client_error(), "{}", answer.status);
    answer.problem();
    let problem = builder
        .post_json(
            &path,
            &json!({"client_key": Uuid::new_v4(), "category": "nonsense",
            "file_name": "a.pdf", "size_bytes": 10}),
        )
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
        .problem();
    assert!(problem.detail.contains("category"), "{}", problem.detail);
    let key = Uuid::new_v4();
    let upload: UploadView =
        start_with_key(&builder, room.id, "site_plan", "Lageplan.pdf", size, key)
            .await
            .expect_status(StatusCode::CREATED)
            .json();
    let problem = start_with_key(&builder, room.id, "site_plan", "Anderer.pdf", size + 1, key)
        .await
        .expect_status(StatusCode::CONFLICT)
        .problem();
    assert_eq!(problem.code, "client_key_reused");

    // Chunks.
    let problem = send_chunk(&builder, room.id, upload.id, 100, &bytes[100..200])
        .await
        .expect_status(StatusCode::CONFLICT)
        .problem();
    assert_eq!(problem.code, "upload_offset_mismatch");
    assert!(problem.detail.contains("byte 0 of"), "{}", problem.detail);
    let problem = send_chunk(
        &builder,
        room.id,
        upload.id,
        0,
        &bytes[..(CHUNK + 1) as usize],
    )
    .await
    .expect_status(StatusCode::PAYLOAD_TOO_LARGE)
    .problem();
    assert_eq!(problem.code, "chunk_too_large");
    let problem = send_chunk(&builder, room.id, upload.id, 0, &[])
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
        .problem();
    assert!(problem.detail.contains("empty"));
    let problem = builder
        .send(
            builder
                .client
                .patch(app.url(&format!("{path}/{}", upload.id)))
                .query(&[("offset", "minus one")])
                .body("x"),
        )
        .await
        .expect_status(StatusCode::BAD_REQUEST)
        .problem();
    assert!(problem.detail.contains("offset"), "{}", problem.detail);
    let problem = complete(&builder, room.id, upload.id)
        .await
        .expect_status(StatusCode::CONFLICT)
        .problem();
    assert_eq!(problem.code, "upload_incomplete");

    // Nobody else sees or feeds this upload, not even a co-applicant.
    send_chunk(&designer, room.id, upload.id, 0, &bytes[..100])
        .await
        .expect_status(StatusCode::NOT_FOUND);
    designer
        .get(&format!("{path}/{}", upload.id))
        .await
        .expect_status(StatusCode::NOT_FOUND);

    // Past the file's declared size.
    let small: UploadView = start(&builder, room.id, "site_plan", "klein.pdf", 10_000)
        .await
        .json();
    let problem = send_chunk(&builder, room.id, small.id, 0, &bytes[..10_001])
        .await
        .expect_status(StatusCode::PAYLOAD_TOO_LARGE)
        .problem();
    assert_eq!(problem.code, "chunk_too_large");

    // An HTML page named .pdf is stopped at its first chunk, and gone.
    let html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>";
    let page: UploadView = start(
        &builder,
        room.id,
        "site_plan",
        "Lageplan.pdf",
        html.len() as u64,
    )
    .await
    .json();
    let problem = send_chunk(&builder, room.id, page.id, 0, html)
        .await
        .expect_status(StatusCode::UNSUPPORTED_MEDIA_TYPE)
        .problem();
    assert_eq!(problem.code, "file_type_refused");
    builder
        .get(&format!("{path}/{}", page.id))
        .await
        .expect_status(StatusCode::NOT_FOUND);

    assert!(builder.room(room.id).await.documents.is_empty());
    assert!(app.stored_objects(room.id).await.is_empty());

    // A completed upload takes no more chunks and cannot be cancelled.
    send_rest(&builder, room.id, upload.id, &bytes, 0).await;
    complete(&builder, room.id, upload.id)
        .await
        .expect_status(StatusCode::CREATED);
    let problem = send_chunk(&builder, room.id, upload.id, size, b"more")
        .await
        .expect_status(StatusCode::CONFLICT)
        .problem();
    assert_eq!(problem.code, "upload_completed");
    let problem = builder
        .delete(&format!("{path}/{}", upload.id))
        .await
        .expect_status(StatusCode::CONFLICT)
        .problem();
    assert_eq!(problem.code, "upload_completed");
}

#[tokio::test]
async fn the_room_quota_counts_stored_versions_and_uploads_on_their_way() {
    let plan = real_file("plan_site_landscape_archD.pdf");
    let quota = plan.len() as u64 * 2 + 1000;
    let app = TestApp::with(|config| config.uploads.room_quota_bytes = quota).await;
    let (_, builder, room) = app.room().await;
    builder
        .upload(room.id, "site_plan", "Lageplan.pdf", plan.clone())
        .await
        .expect_status(StatusCode::CREATED);
    // Begun, not yet sent: it counts with its full size.
    start(
        &builder,
        room.id,
        "floor_plans",
        "Grundriss.pdf",
        plan.len() as u64,
    )
    .await
    .expect_status(StatusCode::CREATED);

    let problem = start(
        &builder,
        room.id,
        "sections",
        "Schnitt.pdf",
        plan.len() as u64,
    )
    .await
    .expect_status(StatusCode::PAYLOAD_TOO_LARGE)
    .problem();
    assert_eq!(problem.code, "room_quota_full");
    assert!(problem.detail.contains("quota"), "{}", problem.detail);
    let problem = builder
        .upload(room.id, "sections", "Schnitt.pdf", plan.clone())
        .await
        .expect_status(StatusCode::PAYLOAD_TOO_LARGE)
        .problem();
    assert_eq!(problem.code, "room_quota_full");
    assert_eq!(builder.room(room.id).await.documents.len(), 1);
    assert_eq!(app.stored_objects(room.id).await.len(), 1);
}

#[tokio::test]
async fn after_submission_an_upload_begun_before_is_not_completed() {
    let app = chunked_app().await;
    let (office, builder, designer, room) = room_with_designer(&app).await;
    builder
        .upload(
            room.id,
            "site_plan",
            "Lageplan.pdf",
            real_file("plan_site_landscape_archD.pdf"),
        )
        .await
        .expect_status(StatusCode::CREATED);
    let bytes = real_file("pdfa2b_verapdf.pdf");
    let upload: UploadView = start(
        &builder,
        room.id,
        "floor_plans",
        "Grundriss.pdf",
        bytes.len() as u64,
    )
    .await
    .json();
    send_rest(&builder, room.id, upload.id, &bytes, 0).await;
    builder.sign(room.id).await;
    designer.sign(room.id).await;
    app.confirm_identity(office, &builder).await;
    builder.submit(room.id).await;
    let problem = complete(&builder, room.id, upload.id)
        .await
        .expect_status(StatusCode::CONFLICT)
        .problem();
    assert_eq!(problem.code, "not_editable");
    assert_eq!(builder.room(room.id).await.documents.len(), 1);
}
