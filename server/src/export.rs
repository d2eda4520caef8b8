//! The record of one room as a ZIP archive that needs no software of ours:
//!
//! - `documents/<category>/v<n> <original name>`: every version's bytes;
//! - `room.json`: the room as the office sees it (application, members,
//!   signatures, missing items, statements, decision);
//! - `events.jsonl`: the event log, one entry a line, with sequence numbers;
//! - `index.html`: all of it readable in a browser, linking the documents;
//! - `manifest.json`: the SHA-256 and size of every other file.
//!
//! The archive is written to an unnamed temporary file (documents stream
//! through; nothing is held in memory whole) and handed back rewound.

use std::io::{Seek, Write};

use anyhow::Context;
use futures::StreamExt;
use object_store::ObjectStoreExt;
use object_store::path::Path as ObjectPath;
use serde::Serialize;
use sha2::{Digest, Sha256};
use shared::{RoomEvent, RoomView};
use sqlx::AnyPool;
use uuid::Uuid;
use zip::write::SimpleFileOptions;

use crate::store::Store;

/// Writes the archive of the room `ctx` names as the office member `actor`
/// sees it, and records the export in the room's log as theirs.
pub async fn export_room(
    app: &crate::App,
    ctx: &crate::repo::rooms::RoomContext,
    actor: &shared::ActorRef,
) -> anyhow::Result<(RoomView, Archive)> {
    use crate::domain::policy;
    anyhow::ensure!(
        ctx.role == shared::RoomRole::Caseworker,
        "only the building office exports a room's record"
    );
    let room = crate::repo::rooms::view(&app.db.read, ctx, actor.user_id).await?;
    let mut log = crate::events::read_after(&app.db.read, room.id, 0, i64::MAX).await?;
    log.retain(|e| policy::sees(ctx.role, ctx.body_id, e.payload.audience()));
    let archive = build(&app.db.read, &app.store, &room, &log).await?;

    let mut write = app.db.begin_room_write(&app.bus).await?;
    let exported = shared::EventPayload::RecordExported {
        files: archive.files as u64,
        size_bytes: archive.size_bytes,
        manifest_sha256: archive.manifest_sha256.clone(),
    };
    crate::events::append(&mut write, room.id, Some(actor), &exported).await?;
    write.commit().await?;
    tracing::info!(room.id = %room.id, size_bytes = archive.size_bytes, "record exported");
    Ok((room, archive))
}

/// A finished archive, rewound to its start.
pub struct Archive {
    pub file: std::fs::File,
    pub size_bytes: u64,
    /// Files listed in the manifest.
    pub files: usize,
    pub manifest_sha256: String,
}

#[derive(Serialize)]
struct ManifestEntry {
    path: String,
    size_bytes: u64,
    sha256: String,
}

/// One stored version, as the archive needs it.
struct StoredVersion {
    category: String,
    version: i64,
    file_name: String,
    object_key: String,
}

/// Writes the archive of `room` (as the office sees it) with its `events`.
pub async fn build(
    db: &AnyPool,
    store: &Store,
    room: &RoomView,
    events: &[RoomEvent],
) -> anyhow::Result<Archive> {
    let versions = stored_versions(db, room.id).await?;
    let store = store.clone();
    let room = room.clone();
    let events = events.to_vec();
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || write(&runtime, &store, &room, &events, &versions))
        .await
        .context("the export task")?
}

fn write(
    runtime: &tokio::runtime::Handle,
    store: &Store,
    room: &RoomView,
    events: &[RoomEvent],
    versions: &[StoredVersion],
) -> anyhow::Result<Archive> {
    let mut zip = zip::ZipWriter::new(tempfile::tempfile()?);
    let stored = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(true);
    let packed = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut manifest = Vec::new();
    let mut links = Vec::new();

    for version in versions {
        let path = format!(
            "documents/{}/v{} {}",
            version.category,
            version.version,
            safe_name(&version.file_name)
        );
        zip.start_file(path.as_str(), stored)?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let key = ObjectPath::from(version.object_key.as_str());
        runtime.block_on(async {
            let mut bytes = store.inner.get(&key).await?.into_stream();
            while let Some(chunk) = bytes.next().await {
                let chunk = chunk?;
                hasher.update(&chunk);
                size += chunk.len() as u64;
                zip.write_all(&chunk)?;
            }
            anyhow::Ok(())
        })?;
        manifest.push(ManifestEntry {
            path: path.clone(),
            size_bytes: size,
            sha256: hex::encode(hasher.finalize()),
        });
        links.push((path, version.file_name.clone(), version.version));
    }

    let room_json = serde_json::to_vec_pretty(room)?;
    let mut events_jsonl = Vec::new();
    for event in events {
        serde_json::to_writer(&mut events_jsonl, event)?;
        events_jsonl.push(b'\n');
    }
    let index = index_html(room, events, &links);
    for (path, bytes) in [
        ("room.json", room_json.as_slice()),
        ("events.jsonl", events_jsonl.as_slice()),
        ("index.html", index.as_bytes()),
    ] {
        zip.start_file(path, packed)?;
        zip.write_all(bytes)?;
        manifest.push(ManifestEntry {
            path: path.to_owned(),
            size_bytes: bytes.len() as u64,
            sha256: hex::encode(Sha256::digest(bytes)),
        });
    }
    let manifest_json = serde_json::to_vec_pretty(&manifest)?;
    zip.start_file("manifest.json", packed)?;
    zip.write_all(&manifest_json)?;

    let mut file = zip.finish()?;
    let size_bytes = file.stream_position()?;
    file.rewind()?;
    Ok(Archive {
        file,
        size_bytes,
        files: manifest.len(),
        manifest_sha256: hex::encode(Sha256::digest(&manifest_json)),
    })
}

async fn stored_versions(db: &AnyPool, room_id: Uuid) -> anyhow::Result<Vec<StoredVersion>> {
    let rows: Vec<(String, i64, String, String)> = sqlx::query_as(
        "SELECT d.category, v.version, v.file_name, v.object_key FROM document_versions v \
         JOIN documents d ON d.id = v.document_id WHERE v.room_id = $1 \
         ORDER BY d.category, v.uploaded_at, v.version",
    )
    .bind(room_id.to_string())
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(category, version, file_name, object_key)| StoredVersion {
            category,
            version,
            file_name,
            object_key,
        })
        .collect())
}

/// A file name as one path segment of the archive: no separators, no
/// control characters, never `.` or `..`.
fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    match cleaned.trim_matches('.') {
        "" => "unnamed".to_owned(),
        _ => cleaned,
    }
}

/// What stays as it is in a path segment of a link: RFC 3986's unreserved.
const URL_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A plain page, no script: the record readable without this software.
fn index_html(room: &RoomView, events: &[RoomEvent], links: &[(String, String, i64)]) -> String {
    let title = escape(&room.title);
    let documents: String = links
        .iter()
        .map(|(path, name, version)| {
            let href = path
                .split('/')
                .map(|segment| {
                    percent_encoding::utf8_percent_encode(segment, URL_SEGMENT).to_string()
                })
                .collect::<Vec<_>>()
                .join("/");
            format!(
                "<li><a href=\"{href}\">{}</a> (Version {version})</li>\n",
                escape(name)
            )
        })
        .collect();
    let log: String = events
        .iter()
        .map(|e| {
            let actor = e
                .actor
                .as_ref()
                .map(|a| a.display_name.as_str())
                .unwrap_or("System");
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                e.seq,
                e.at.to_rfc3339(),
                escape(actor),
                escape(e.payload.kind())
            )
        })
        .collect();
    let messages = messages_html(events);
    let case = room.case_number.as_deref().map(escape).unwrap_or_default();
    format!(
        "<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title} – Akte</title>\n</head>\n<body>\n<main>\n\
         <h1>{title}</h1>\n\
         <p>Aktenzeichen: {case} · Bauort: {site} · Status: {status}</p>\n\
         <h2>Bauvorlagen</h2>\n<ul>\n{documents}</ul>\n\
         <h2>Verlauf</h2>\n<table>\n<thead><tr><th scope=\"col\">Nr.</th>\
         <th scope=\"col\">Zeit (UTC)</th><th scope=\"col\">Von</th>\
         <th scope=\"col\">Eintrag</th></tr></thead>\n<tbody>\n{log}</tbody>\n</table>\n\
         {messages}\
         <p>Alle Angaben in <a href=\"room.json\">room.json</a>, der Verlauf in \
         <a href=\"events.jsonl\">events.jsonl</a>, die Prüfsummen in \
         <a href=\"manifest.json\">manifest.json</a>.</p>\n\
         </main>\n</body>\n</html>\n",
        site = escape(&room.site_address),
        status = room.status.as_str(),
    )
}

/// The messages of the log, thread by thread in the order they started,
/// each with its readers; empty when there are none.
fn messages_html(events: &[RoomEvent]) -> String {
    use shared::{EventPayload, ThreadVisibility};
    let mut threads: Vec<(uuid::Uuid, String, Vec<String>)> = Vec::new();
    for e in events {
        let actor = e
            .actor
            .as_ref()
            .map(|a| a.display_name.as_str())
            .unwrap_or("System");
        let line = |text: &str| {
            format!(
                "<li>{} · {}:<br>\n{}</li>\n",
                escape(actor),
                e.at.to_rfc3339(),
                escape(text).replace('\n', "<br>\n")
            )
        };
        match &e.payload {
            EventPayload::ThreadStarted {
                thread_id,
                subject,
                visibility,
                text,
                ..
            } => {
                let readers = match visibility {
                    ThreadVisibility::Room => "ganzer Vorgangsraum",
                    ThreadVisibility::Office => "nur Bauaufsichtsbehörde",
                    ThreadVisibility::Body { .. } => {
                        "Bauaufsichtsbehörde und eine beteiligte Stelle"
                    }
                };
                let heading = format!("{} ({readers})", escape(subject));
                threads.push((*thread_id, heading, vec![line(text)]));
            }
            EventPayload::MessagePosted {
                thread_id, text, ..
            } => {
                if let Some(thread) = threads.iter_mut().find(|t| t.0 == *thread_id) {
                    thread.2.push(line(text));
                }
            }
            _ => {}
        }
    }
    if threads.is_empty() {
        return String::new();
    }
    let body: String = threads
        .into_iter()
        .map(|(_, heading, lines)| format!("<h3>{heading}</h3>\n<ul>\n{}</ul>\n", lines.concat()))
        .collect();
    format!("<h2>Nachrichten</h2>\n{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_one_segment() {
        assert_eq!(safe_name("../../etc/passwd"), ".._.._etc_passwd");
        assert_eq!(
            safe_name("C:\\Pläne\\Lageplan.pdf"),
            "C__Pläne_Lageplan.pdf"
        );
        assert_eq!(safe_name(".."), "unnamed");
        assert_eq!(safe_name("a\u{0007}b.pdf"), "a_b.pdf");
    }

    #[test]
    fn the_record_shows_each_thread_with_its_readers_and_messages() {
        use shared::{EventPayload, ThreadVisibility};
        let thread_id = uuid::Uuid::now_v7();
        let event = |seq, payload| RoomEvent {
            room_id: uuid::Uuid::nil(),
            seq,
            at: chrono::DateTime::UNIX_EPOCH,
            actor: None,
            payload,
        };
        let events = [
            event(
                1,
                EventPayload::ThreadStarted {
                    thread_id,
                    subject: "Zufahrt <breit>".into(),
                    visibility: ThreadVisibility::Office,
                    message_id: uuid::Uuid::now_v7(),
                    text: "Zeile 1\nZeile 2".into(),
                    mentions: vec![],
                    document_ids: vec![],
                },
            ),
            event(
                2,
                EventPayload::MessagePosted {
                    thread_id,
                    visibility: ThreadVisibility::Office,
                    message_id: uuid::Uuid::now_v7(),
                    text: "Antwort".into(),
                    mentions: vec![],
                    document_ids: vec![],
                },
            ),
        ];
        let html = messages_html(&events);
        assert!(html.contains("<h3>Zufahrt &lt;breit&gt; (nur Bauaufsichtsbehörde)</h3>"));
        assert!(html.contains("Zeile 1<br>\nZeile 2"));
        assert!(html.find("Zeile 2").unwrap() < html.find("Antwort").unwrap());
        assert_eq!(messages_html(&events[..0]), "");
    }
}
