//! Memory stays flat whatever the upload's size: measured on the real binary
//! in its own process, so the test client's memory does not count.

use reqwest::StatusCode;
use shared::*;

use crate::support::*;

const UPLOAD_BYTES: usize = 200 * 1024 * 1024;
/// What a 200 MB upload may add to the server's peak memory: the parts in
/// flight and buffers, nowhere near the file's size.
const ALLOWED_GROWTH_KIB: u64 = 64 * 1024;

/// The peak resident memory of a process so far (VmHWM), in KiB.
fn peak_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_200_mb_upload_keeps_the_servers_memory_flat() {
    let dir = tempfile::tempdir().unwrap();
    let config = test_config(dir.path()).await;
    let office = server::cli::create_office(&config, "Bauamt Speicher", "MV")
        .await
        .unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = ServerProcess::start(&config, dir.path(), port);
    let pid = server.0.id();
    wait_until_healthy(&base).await;

    let builder = Person::register(&base, "Bea Builder").await;
    let room = builder.create_room(office).await;
    // Warm up every code path of an upload before taking the baseline.
    builder
        .upload(
            room.id,
            "site_plan",
            "klein.pdf",
            real_file("pdfa2b_verapdf.pdf"),
        )
        .await
        .expect_status(StatusCode::CREATED);
    let before = peak_kib(pid);

    let url = format!("{base}/api/rooms/{}/documents", room.id);
    let request = builder
        .client
        .post(url)
        .query(&[
            ("category", "floor_plans"),
            ("file_name", "Grundriss gross.pdf"),
        ])
        .header("content-length", UPLOAD_BYTES)
        .body(reqwest::Body::wrap_stream(big_pdf_stream()));
    let document: DocumentView = builder
        .send(request)
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!(document.versions[0].size_bytes, UPLOAD_BYTES as u64);

    let after = peak_kib(pid);
    eprintln!(
        "server peak memory: {} MiB before, {} MiB after a {} MiB upload",
        before / 1024,
        after / 1024,
        UPLOAD_BYTES / (1024 * 1024)
    );
    assert!(
        after - before < ALLOWED_GROWTH_KIB,
        "peak memory grew by {} MiB for a 200 MB upload",
        (after - before) / 1024
    );
}

/// A PDF header followed by zeros, produced on the fly in 64 KiB chunks.
fn big_pdf_stream() -> impl futures::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    const CHUNK: usize = 64 * 1024;
    futures::stream::iter((0..UPLOAD_BYTES / CHUNK).map(|i| {
        let mut chunk = vec![0u8; CHUNK];
        if i == 0 {
            chunk[..9].copy_from_slice(b"%PDF-1.7\n");
        }
        Ok(chunk)
    }))
}
