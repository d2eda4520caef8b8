//! Documents: real files in, the same bytes out, nothing half-stored.

use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use shared::*;

use crate::support::*;

pub const REAL_PLANS: [&str; 9] = [
    "plan_site_landscape_archD.pdf",
    "pdfa2b_verapdf.pdf",
    "pdfa3b_attachment_verapdf.pdf",
    "dwg_ac1032_aec_walls.dwg",
    "dxf_ac1032_geolocation.dxf",
    "dxf_r12_entities2d.dxf",
    "ifc2x3_archicad20_fzkhaus.ifc",
    "ifc2x3_revit2021_sample.ifc",
    "ifc4_ifcopenhouse.ifc",
];

#[tokio::test]
async fn every_real_plan_file_is_accepted_and_downloads_byte_identical() {
    let app = TestApp::new().await;
    let (_, builder, room) = app.room().await;
    for name in REAL_PLANS {
        let bytes = real_file(name);
        let document: DocumentView = builder
            .upload(room.id, "floor_plans", name, bytes.clone())
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        let version = &document.versions[0];
        assert_eq!(
            version.sha256,
            hex::encode(Sha256::digest(&bytes)),
            "{name}"
        );
        assert_eq!(version.size_bytes, bytes.len() as u64);

        let download = builder
            .get(&version.download_url)
            .await
            .expect_status(StatusCode::OK);
        assert_eq!(
            download.body.as_ref(),
            bytes.as_slice(),
            "{name} came back changed"
        );
        assert_eq!(download.headers["x-content-type-options"], "nosniff");
    }
}

#[tokio::test]
async fn the_type_comes_from_the_bytes_not_the_name_or_header() {
    let app = TestApp::new().await;
    let (_, builder, room) = app.room().await;

    let html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>".to_vec();
    let problem = builder
        .upload(room.id, "site_plan", "Lageplan.pdf", html)
        .await
        .expect_status(StatusCode::UNSUPPORTED_MEDIA_TYPE)
        .problem();
    assert_eq!(problem.code, "file_type_refused");

    // A DWG with no content type and a misleading name is still a plan.
    let url = format!("{}/api/rooms/{}/documents", app.base, room.id);
    let request = builder
        .client
        .post(url)
        .query(&[("category", "site_plan"), ("file_name", "drawing.txt")])
        .header("content-type", "")
        .body(real_file("dwg_ac1032_aec_walls.dwg"));
    let document: DocumentView = builder
        .send(request)
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!(document.versions[0].media_type, "image/vnd.dwg");

    // A DWG is no building description.
    let problem = builder
        .upload(
            room.id,
            "building_description",
            "x.dwg",
            real_file("dwg_ac1032_aec_walls.dwg"),
        )
        .await
        .expect_status(StatusCode::UNSUPPORTED_MEDIA_TYPE)
        .problem();
    assert!(problem.detail.contains("DWG"), "{}", problem.detail);
    assert_eq!(
        builder.room(room.id).await.documents.len(),
        1,
        "refused files leave nothing"
    );
}

#[tokio::test]
async fn an_empty_file_is_refused_with_its_reason() {
    let app = TestApp::new().await;
    let (_, builder, room) = app.room().await;
    let problem = builder
        .upload(room.id, "site_plan", "leer.pdf", Vec::new())
        .await
        .expect_status(StatusCode::UNSUPPORTED_MEDIA_TYPE)
        .problem();
    assert!(problem.detail.contains("empty"));
    assert!(app.stored_objects(room.id).await.is_empty());
}

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_with_413_and_nothing_stored() {
    let app = TestApp::with(|config| config.max_upload_bytes = 1024 * 1024).await;
    let (_, builder, room) = app.room().await;
    let mut big = real_file("pdfa2b_verapdf.pdf");
    big.resize(2 * 1024 * 1024, b'0');

    // Announced by Content-Length: refused before a byte is read.
    let problem = builder
        .upload(room.id, "site_plan", "gross.pdf", big.clone())
        .await
        .expect_status(StatusCode::PAYLOAD_TOO_LARGE)
        .problem();
    assert_eq!(problem.code, "file_too_large");
    assert!(
        problem.detail.contains("1.0 MiB"),
        "the limit is stated: {}",
        problem.detail
    );

    // Streamed without a length: refused once the limit is passed.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        big.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
    let url = format!("{}/api/rooms/{}/documents", app.base, room.id);
    let request = builder
        .client
        .post(url)
        .query(&[("category", "site_plan"), ("file_name", "gross.pdf")])
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)));
    let answer = builder.send(request).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);

    assert!(builder.room(room.id).await.documents.is_empty());
    assert!(
        app.stored_objects(room.id).await.is_empty(),
        "no object left behind"
    );
}

#[tokio::test]
async fn a_name_with_umlauts_and_emoji_downloads_with_a_correct_header() {
    let app = TestApp::new().await;
    let (_, builder, room) = app.room().await;
    let name = "Lageplan Müller-Straße 🏠.pdf";
    let document: DocumentView = builder
        .upload(room.id, "site_plan", name, real_file("pdfa2b_verapdf.pdf"))
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!(document.versions[0].file_name, name);

    let download = builder
        .get(&document.versions[0].download_url)
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(
        download.headers["content-disposition"].as_bytes(),
        b"attachment; filename=\"Lageplan Mueller-Strasse _.pdf\"; \
          filename*=UTF-8''Lageplan%20M%C3%BCller-Stra%C3%9Fe%20%F0%9F%8F%A0.pdf"
    );
    assert_eq!(download.headers["content-type"], "application/pdf");
    assert!(
        download.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
}

#[tokio::test]
async fn names_in_nfd_and_nfc_are_one_name_and_paths_are_stripped() {
    let app = TestApp::new().await;
    let (_, builder, room) = app.room().await;
    for (sent, shown) in [
        ("Mu\u{308}ller.pdf", "Müller.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        (r"C:\Users\Bea\Desktop\Ansicht Süd.pdf", "Ansicht Süd.pdf"),
    ] {
        let document: DocumentView = builder
            .upload(room.id, "elevations", sent, real_file("pdfa2b_verapdf.pdf"))
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        assert_eq!(document.versions[0].file_name, shown);
    }
}

#[tokio::test]
async fn a_new_version_keeps_the_old_one_readable() {
    let app = TestApp::new().await;
    let (_, builder, room) = app.room().await;
    let first: DocumentView = builder
        .upload(
            room.id,
            "site_plan",
            "v1.pdf",
            real_file("pdfa2b_verapdf.pdf"),
        )
        .await
        .json();
    let url = format!("{}/api/rooms/{}/documents", app.base, room.id);
    let request = builder
        .client
        .post(url)
        .query(&[
            ("category", "other"),
            ("file_name", "v2.pdf"),
            ("document_id", &first.id.to_string()),
        ])
        .body(real_file("plan_site_landscape_archD.pdf"));
    let second: DocumentView = builder
        .send(request)
        .await
        .expect_status(StatusCode::CREATED)
        .json();

    assert_eq!(second.id, first.id);
    assert_eq!(
        second.category,
        DocumentCategory::SitePlan,
        "a version keeps its category"
    );
    assert_eq!(second.versions.len(), 2);
    assert_eq!(second.versions[1].version, 2);
    let old = builder
        .get(&second.versions[0].download_url)
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(
        old.body.as_ref(),
        real_file("pdfa2b_verapdf.pdf").as_slice()
    );
}

#[tokio::test]
async fn fifty_parallel_uploads_and_writes_all_succeed() {
    let app = TestApp::new().await;
    let (office, builder, room) = app.room().await;
    let pdf = real_file("pdfa2b_verapdf.pdf");

    let uploads = (0..25).map(|i| {
        let (builder, pdf) = (builder.clone(), pdf.clone());
        tokio::spawn(async move {
            builder
                .upload(room.id, "photos", &format!("Foto {i}.pdf"), pdf)
                .await
                .status
        })
    });
    let writes = (0..25).map(|_| {
        let builder = builder.clone();
        tokio::spawn(async move {
            let room = builder.create_room(office).await;
            builder
                .post(&format!("/api/rooms/{}/signature", room.id))
                .await
                .status
        })
    });
    let statuses = futures::future::join_all(uploads.chain(writes)).await;
    for status in statuses {
        let status = status.unwrap();
        assert!(
            status == StatusCode::CREATED || status == StatusCode::OK,
            "{status}"
        );
    }
    let view = builder.room(room.id).await;
    assert_eq!(view.documents.len(), 25);
    let rooms: Vec<RoomSummary> = builder.get("/api/rooms").await.json();
    assert_eq!(rooms.len(), 26);
}

#[tokio::test]
async fn after_submission_no_document_can_be_added() {
    let app = TestApp::new().await;
    let (office, builder, designer, room) = room_with_designer(&app).await;
    builder.sign(room.id).await;
    designer.sign(room.id).await;
    app.confirm_identity(office, &builder).await;
    builder.submit(room.id).await;

    let problem = designer
        .upload(
            room.id,
            "other",
            "spät.pdf",
            real_file("pdfa2b_verapdf.pdf"),
        )
        .await
        .expect_status(StatusCode::CONFLICT)
        .problem();
    assert_eq!(problem.code, "not_editable");
}

#[tokio::test]
async fn a_range_request_gets_exactly_those_bytes() {
    let app = TestApp::new().await;
    let (_, builder, room) = app.room().await;
    let bytes = real_file("plan_site_landscape_archD.pdf");
    let document: DocumentView = builder
        .upload(room.id, "site_plan", "plan.pdf", bytes.clone())
        .await
        .json();
    let url = format!("{}{}", app.base, document.versions[0].download_url);

    let part = builder
        .send(builder.client.get(&url).header("range", "bytes=100-199"))
        .await;
    assert_eq!(part.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.body.as_ref(), &bytes[100..200]);
    assert_eq!(
        part.headers["content-range"],
        format!("bytes 100-199/{}", bytes.len())
    );

    let tail = builder
        .send(builder.client.get(&url).header("range", "bytes=-10"))
        .await;
    assert_eq!(tail.body.as_ref(), &bytes[bytes.len() - 10..]);

    let beyond = builder
        .send(
            builder
                .client
                .get(&url)
                .header("range", format!("bytes={}-", bytes.len() + 5)),
        )
        .await;
    assert_eq!(beyond.status, StatusCode::RANGE_NOT_SATISFIABLE);

    let whole = builder
        .get(&document.versions[0].download_url)
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(whole.headers["accept-ranges"], "bytes");
    assert_eq!(whole.body.len(), bytes.len());
}

#[tokio::test]
async fn a_new_version_of_another_rooms_document_is_refused_and_stores_nothing() {
    let app = TestApp::new().await;
    let (office, builder, room) = app.room().await;
    let other_room = builder.create_room(office).await;
    let theirs: DocumentView = builder
        .upload(
            other_room.id,
            "site_plan",
            "plan.pdf",
            real_file("pdfa2b_verapdf.pdf"),
        )
        .await
        .json();

    for document_id in [theirs.id, uuid::Uuid::now_v7()] {
        let url = format!("{}/api/rooms/{}/documents", app.base, room.id);
        let request = builder
            .client
            .post(url)
            .query(&[
                ("category", "site_plan"),
                ("file_name", "v2.pdf"),
                ("document_id", &document_id.to_string()),
            ])
            .body(real_file("pdfa2b_verapdf.pdf"));
        builder
            .send(request)
            .await
            .expect_status(StatusCode::NOT_FOUND);
    }
    assert!(builder.room(room.id).await.documents.is_empty());
    assert!(app.stored_objects(room.id).await.is_empty());
}
