//! Resumable uploads: a large file goes up in chunks, each acknowledged once
//! stored, so a broken connection, a closed laptop or a renewed login costs
//! at most the chunk on its way.
//!
//! Our own small protocol rather than tus: no maintained tus server exists for
//! axum 0.8, and the four requests below are all the browser needs. `POST`
//! starts (or finds) the upload, `PATCH ?offset=n` adds the chunk starting at
//! byte n, `GET` says where to go on after an interruption, and
//! `POST …/complete` turns the parts into a document version through the same
//! checks as a direct upload (type from the bytes, SHA-256, limit). Until then
//! the upload is its uploader's alone and nothing of the room changes, so
//! there is nothing to log; the completed version is logged as any other.
//!
//! Parts are objects under `staging/<upload id>/` in the configured store, so
//! any instance can take the next chunk. An abandoned upload is removed by
//! `sweep` (see `app::serve`), which also removes parts whose row is gone.
//!
//! Completing reads the parts back once to write the document object (the
//! same pipeline as a direct upload), so a resumable upload writes its bytes
//! twice; `bench/run upload` measures what that costs against `cp`. With a
//! virus scanner configured (`VR_CLAMD_ADDRESS`), the new object must pass it
//! before the version is recorded.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use chrono::Utc;
use object_store::ObjectStoreExt;
use object_store::path::Path as ObjectPath;
use shared::*;
use uuid::Uuid;

use super::documents::{
    check_for_malware, human_size, quota_full, record_version, room_left, too_large,
    upload_category, upload_error,
};
use super::{Json, Path, Query, room_for};
use crate::app::App;
use crate::auth::CurrentUser;
use crate::domain::files::FileName;
use crate::error::{ApiError, ApiResult};
use crate::repo;
use crate::repo::rooms::RoomContext;
use crate::repo::uploads::Upload;
use crate::store::UploadError;

const STAGING: &str = "staging";

/// Starts a resumable upload, or answers the one this browser already began
/// for the same file (`client_key`): then `received_bytes` says where to go on.
#[utoipa::path(post, path = "/api/rooms/{room_id}/uploads", tag = "documents",
    params(("room_id" = Uuid, Path)),
    request_body = StartUpload,
    responses(
        (status = 201, body = UploadView, description = "Started; send the first chunk"),
        (status = 200, body = UploadView, description = "Already begun with this client key"),
        (status = 403, body = Problem, description = "The caller's role adds no documents"),
        (status = 404, body = Problem),
        (status = 409, body = Problem,
            description = "The application cannot be changed now, or the key names another file"),
        (status = 413, body = Problem, description = "Over the size limit or the room's quota"),
        (status = 422, body = Problem, description = "An empty file or a bad field"),
    ))]
pub async fn start_upload(
    State(app): State<App>,
    user: CurrentUser,
    Path(room_id): Path<Uuid>,
    Json(start): Json<StartUpload>,
) -> ApiResult<(StatusCode, axum::Json<UploadView>)> {
    let ctx = room_for(&app, &user, room_id).await?;
    let category = upload_category(
        &app,
        &user,
        &ctx,
        room_id,
        start.document_id,
        start.category,
    )
    .await?;
    let file_name = FileName::parse(&start.file_name);
    if start.size_bytes == 0 {
        return Err(ApiError::invalid(
            "size_bytes",
            "The file is empty. Please choose the file again.",
        ));
    }
    let limit = app.config.max_upload_bytes;
    if start.size_bytes > limit {
        return Err(too_large(limit));
    }

    let mut tx = app.db.begin().await?;
    let begun = repo::uploads::by_client_key(&mut tx, room_id, user.id, start.client_key).await?;
    if let Some(upload) = begun {
        if upload.size_bytes != start.size_bytes || upload.category != category {
            return Err(ApiError::conflict(
                "client_key_reused",
                "This client key belongs to another file. Start the new file with a new key.",
            ));
        }
        return Ok((StatusCode::OK, axum::Json(view(&app, &upload))));
    }
    if start.size_bytes > room_left(&app, room_id, None).await? {
        return Err(quota_full(app.config.uploads.room_quota_bytes));
    }
    let upload = Upload {
        id: Uuid::now_v7(),
        room_id,
        user_id: user.id,
        category,
        document_id: start.document_id,
        file_name: file_name.as_str().to_owned(),
        size_bytes: start.size_bytes,
        received_bytes: 0,
        version_id: None,
    };
    let new = repo::uploads::NewUpload {
        id: upload.id,
        room_id,
        user_id: user.id,
        client_key: start.client_key,
        category,
        document_id: start.document_id,
        file_name: &upload.file_name,
        size_bytes: upload.size_bytes,
    };
    match repo::uploads::insert(&mut tx, &new).await {
        Ok(()) => tx.commit().await?,
        Err(sqlx::Error::Database(err)) if err.is_unique_violation() => {
            // The other click of a double click got in first: its upload
            // is the answer.
            drop(tx);
            let mut tx = app.db.begin().await?;
            let begun =
                repo::uploads::by_client_key(&mut tx, room_id, user.id, start.client_key).await?;
            let upload = begun.ok_or_else(|| ApiError::internal(sqlx::Error::Database(err)))?;
            return Ok((StatusCode::OK, axum::Json(view(&app, &upload))));
        }
        Err(err) => return Err(err.into()),
    }
    tracing::info!(room.id = %room_id, upload.id = %upload.id, size_bytes = upload.size_bytes,
        "resumable upload started");
    Ok((StatusCode::CREATED, axum::Json(view(&app, &upload))))
}

/// Where an upload stands: after an interruption, the next chunk starts at
/// `received_bytes`.
#[utoipa::path(get, path = "/api/rooms/{room_id}/uploads/{upload_id}", tag = "documents",
    params(("room_id" = Uuid, Path), ("upload_id" = Uuid, Path)),
    responses(
        (status = 200, body = UploadView),
        (status = 404, body = Problem, description = "No such upload of the caller's"),
    ))]
pub async fn get_upload(
    State(app): State<App>,
    user: CurrentUser,
    Path((room_id, upload_id)): Path<(Uuid, Uuid)>,
) -> ApiResult<axum::Json<UploadView>> {
    let (_, upload) = own_upload(&app, &user, room_id, upload_id).await?;
    Ok(axum::Json(view(&app, &upload)))
}

/// Adds the chunk that starts at `offset`, which must be where the upload
/// stands. A chunk cut off on its way is not acknowledged: send it again.
#[utoipa::path(patch, path = "/api/rooms/{room_id}/uploads/{upload_id}", tag = "documents",
    params(("room_id" = Uuid, Path), ("upload_id" = Uuid, Path), ChunkQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
        (status = 200, body = UploadView, description = "Acknowledged; `received_bytes` moved on"),
        (status = 400, body = Problem, description = "The chunk broke off on its way"),
        (status = 404, body = Problem, description = "No such upload of the caller's"),
        (status = 409, body = Problem,
            description = "`offset` is not where the upload stands, or it is completed"),
        (status = 413, body = Problem,
            description = "Larger than a chunk may be, or past the file's declared size"),
        (status = 415, body = Problem, description = "The first bytes are of a refused type"),
        (status = 422, body = Problem, description = "An empty chunk"),
    ))]
pub async fn put_chunk(
    State(app): State<App>,
    user: CurrentUser,
    Path((room_id, upload_id)): Path<(Uuid, Uuid)>,
    Query(query): Query<ChunkQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<axum::Json<UploadView>> {
    let (_, upload) = own_upload(&app, &user, room_id, upload_id).await?;
    if upload.version_id.is_some() {
        return Err(completed());
    }
    if query.offset != upload.received_bytes {
        return Err(wrong_offset(&upload));
    }
    let room_for_chunk = upload.size_bytes - upload.received_bytes;
    let limit = app.config.uploads.chunk_bytes.min(room_for_chunk);
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(chunk_too_large(&app, &upload));
    }

    let key = ObjectPath::from(format!(
        "{STAGING}/{upload_id}/{:020}-{}",
        query.offset,
        Uuid::new_v4().simple()
    ));
    let size = app
        .store
        .put_part(&key, body.into_data_stream(), limit)
        .await
        .map_err(|err| match err {
            UploadError::TooLarge { .. } => chunk_too_large(&app, &upload),
            err => upload_error(err, app.config.max_upload_bytes),
        })?;
    metrics::counter!(crate::telemetry::UPLOAD_BYTES).increment(size);
    if size == 0 {
        app.store.delete_quietly(&key).await;
        return Err(ApiError::invalid(
            "body",
            "The chunk is empty; send the file's bytes from the offset on.",
        ));
    }

    // The first bytes tell the type: a refused file is stopped here, not
    // after the last of its two gigabytes.
    if query.offset == 0
        && let Err(refused) = check_first_chunk(&app, &upload, &key, size).await
    {
        app.store.delete_quietly(&key).await;
        remove(&app, upload_id).await?;
        return Err(refused);
    }

    let mut tx = app.db.begin().await?;
    let acknowledged =
        repo::uploads::acknowledge_part(&mut tx, upload_id, query.offset, size, key.as_ref())
            .await?;
    if !acknowledged {
        drop(tx);
        app.store.delete_quietly(&key).await;
        // Another request acknowledged this offset first (a retry racing
        // its original): say where the upload stands now.
        let (_, now) = own_upload(&app, &user, room_id, upload_id).await?;
        return Err(wrong_offset(&now));
    }
    tx.commit().await?;
    let upload = Upload {
        received_bytes: upload.received_bytes + size,
        ..upload
    };
    Ok(axum::Json(view(&app, &upload)))
}

/// Turns a fully received upload into a document version of the room: the
/// same type check, hash and event as a direct upload. Completing again
/// answers the same document.
#[utoipa::path(post, path = "/api/rooms/{room_id}/uploads/{upload_id}/complete",
    tag = "documents",
    params(("room_id" = Uuid, Path), ("upload_id" = Uuid, Path)),
    responses(
        (status = 201, body = DocumentView, description = "Stored; visible to the room"),
        (status = 200, body = DocumentView, description = "Completed before; the same document"),
        (status = 403, body = Problem, description = "The caller's role adds no documents"),
        (status = 404, body = Problem, description = "No such upload of the caller's"),
        (status = 409, body = Problem,
            description = "Bytes are missing, or the application cannot be changed now"),
        (status = 415, body = Problem, description = "Content not of a type the category accepts"),
        (status = 422, body = Problem, description = "Malware found, or too large to scan"),
    ))]
pub async fn complete_upload(
    State(app): State<App>,
    user: CurrentUser,
    Path((room_id, upload_id)): Path<(Uuid, Uuid)>,
) -> ApiResult<(StatusCode, axum::Json<DocumentView>)> {
    let (ctx, upload) = own_upload(&app, &user, room_id, upload_id).await?;
    if let Some(version_id) = upload.version_id {
        return Ok((
            StatusCode::OK,
            axum::Json(document_of(&app, room_id, version_id).await?),
        ));
    }
    if upload.received_bytes < upload.size_bytes {
        return Err(ApiError::conflict(
            "upload_incomplete",
            format!(
                "{} of {} bytes have arrived; send the rest from byte {}, then complete.",
                upload.received_bytes, upload.size_bytes, upload.received_bytes
            ),
        ));
    }
    // The room may have changed while the file was on its way.
    let category = upload_category(
        &app,
        &user,
        &ctx,
        room_id,
        upload.document_id,
        upload.category,
    )
    .await?;

    let keys = repo::uploads::part_keys(&app.db.read, upload_id).await?;
    let parts = app
        .store
        .concatenated(keys.iter().map(|k| ObjectPath::from(k.as_str())).collect());
    let version_id = Uuid::now_v7();
    let key = ObjectPath::from(format!("rooms/{room_id}/{version_id}"));
    let limit = app.config.max_upload_bytes;
    let stored = match app.store.put_document(&key, category, parts, limit).await {
        Ok(stored) => stored,
        Err(UploadError::Refused(reason)) => {
            // It can never become a document: nothing of it is kept.
            remove(&app, upload_id).await?;
            return Err(upload_error(UploadError::Refused(reason), limit));
        }
        Err(UploadError::Interrupted(cause)) => {
            return Err(ApiError::internal(anyhow::anyhow!(
                "reading the parts of upload {upload_id}: {cause}"
            )));
        }
        Err(err) => return Err(upload_error(err, limit)),
    };

    if let Err(refused) = check_for_malware(&app, &key).await {
        // A finding, or a file too large to check, never passes: the upload
        // goes too. With the scanner away the parts stay for another try.
        if refused.status != StatusCode::SERVICE_UNAVAILABLE {
            remove(&app, upload_id).await?;
        }
        return Err(refused);
    }

    let file_name = FileName::parse(&upload.file_name);
    let recorded = record_version(
        &app,
        &user,
        room_id,
        upload.document_id,
        category,
        version_id,
        &key,
        &file_name,
        &stored,
        Some(upload_id),
    )
    .await;
    if let Err(err) = recorded {
        app.store.delete_quietly(&key).await;
        if err.code == "upload_completed" {
            // A second click finished first: its document is the answer.
            let (_, now) = own_upload(&app, &user, room_id, upload_id).await?;
            if let Some(version_id) = now.version_id {
                let document = document_of(&app, room_id, version_id).await?;
                return Ok((StatusCode::OK, axum::Json(document)));
            }
        }
        return Err(err);
    }
    for part in keys {
        app.store.delete_quietly(&ObjectPath::from(part)).await;
    }
    tracing::info!(room.id = %room_id, upload.id = %upload_id, size_bytes = stored.size_bytes,
        "resumable upload completed");
    let document = document_of(&app, room_id, version_id).await?;
    Ok((StatusCode::CREATED, axum::Json(document)))
}

/// Cancels an unfinished upload; its parts are removed at once.
#[utoipa::path(delete, path = "/api/rooms/{room_id}/uploads/{upload_id}", tag = "documents",
    params(("room_id" = Uuid, Path), ("upload_id" = Uuid, Path)),
    responses(
        (status = 204, description = "Cancelled; nothing of it is left"),
        (status = 404, body = Problem, description = "No such upload of the caller's"),
        (status = 409, body = Problem, description = "Completed: the document stays"),
    ))]
pub async fn cancel_upload(
    State(app): State<App>,
    user: CurrentUser,
    Path((room_id, upload_id)): Path<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    let (_, upload) = own_upload(&app, &user, room_id, upload_id).await?;
    if upload.version_id.is_some() {
        return Err(completed());
    }
    remove(&app, upload_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What one sweep removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub uploads: usize,
    pub orphaned_parts: usize,
}

/// Removes uploads untouched for the configured idle time (finished ones
/// only lose the row that made completing them twice safe) and parts in the
/// store that no upload names any more (a crash between storing a chunk and
/// acknowledging it leaves such a part).
pub async fn sweep(app: &App) -> anyhow::Result<Swept> {
    let idle = chrono::Duration::from_std(app.config.uploads.idle)?;
    let before = Utc::now() - idle;
    let mut swept = Swept::default();
    for upload_id in repo::uploads::idle_since(&app.db.read, before.timestamp_millis()).await? {
        remove(app, upload_id).await?;
        swept.uploads += 1;
    }
    for part in app.store.older_than(STAGING, before).await? {
        let upload_id = part.parts().nth(1).map(|p| p.as_ref().to_owned());
        let Some(upload_id) = upload_id else { continue };
        if !repo::uploads::exists(&app.db.read, &upload_id).await? {
            app.store.delete_quietly(&part).await;
            swept.orphaned_parts += 1;
        }
    }
    if swept != Swept::default() {
        tracing::info!(
            uploads = swept.uploads,
            orphaned_parts = swept.orphaned_parts,
            "swept abandoned uploads"
        );
    }
    Ok(swept)
}

/// Runs `sweep` every configured interval until the app shuts down.
pub fn spawn_sweep(app: App) -> tokio::task::JoinHandle<()> {
    let interval = app.config.uploads.sweep_interval;
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The first tick is at once; the first sweep waits one interval, so
        // that it never races the first requests of a starting server (a
        // test's upload with no idle time was swept under its feet).
        ticks.tick().await;
        loop {
            tokio::select! {
                () = app.shutdown.cancelled() => break,
                _ = ticks.tick() => {}
            }
            if let Err(err) = sweep(&app).await {
                tracing::warn!(error = ?err, "upload sweep failed");
            }
        }
    })
}

/// The caller's upload and their place in its room. Membership comes first:
/// someone removed from the room loses their uploads too.
async fn own_upload(
    app: &App,
    user: &CurrentUser,
    room_id: Uuid,
    upload_id: Uuid,
) -> ApiResult<(RoomContext, Upload)> {
    let ctx = room_for(app, user, room_id).await?;
    let upload = repo::uploads::get(&app.db.read, room_id, user.id, upload_id)
        .await?
        .ok_or_else(|| ApiError::not_found("upload"))?;
    Ok((ctx, upload))
}

/// Judges the type from the first chunk, as the complete file will be.
async fn check_first_chunk(
    app: &App,
    upload: &Upload,
    key: &ObjectPath,
    size: u64,
) -> ApiResult<()> {
    use crate::domain::files::{SNIFF_BYTES, check_type};
    // Too short a head to judge by (a tiny first chunk of a larger file)
    // waits for the check at completion.
    if size < SNIFF_BYTES as u64 && size < upload.size_bytes {
        return Ok(());
    }
    let head = app
        .store
        .inner
        .get_range(key, 0..size.min(SNIFF_BYTES as u64))
        .await
        .map_err(ApiError::internal)?;
    check_type(upload.category, &head).map_err(|reason| {
        upload_error(UploadError::Refused(reason), app.config.max_upload_bytes)
    })?;
    Ok(())
}

async fn remove(app: &App, upload_id: Uuid) -> Result<(), sqlx::Error> {
    let mut tx = app.db.begin().await?;
    let parts = repo::uploads::delete(&mut tx, upload_id).await?;
    tx.commit().await?;
    for part in parts {
        app.store.delete_quietly(&ObjectPath::from(part)).await;
    }
    Ok(())
}

async fn document_of(app: &App, room_id: Uuid, version_id: Uuid) -> ApiResult<DocumentView> {
    repo::rooms::document_of_version(&app.db.read, room_id, version_id)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("completed upload lost its document")))
}

fn view(app: &App, upload: &Upload) -> UploadView {
    UploadView {
        id: upload.id,
        category: upload.category,
        file_name: upload.file_name.clone(),
        size_bytes: upload.size_bytes,
        received_bytes: upload.received_bytes,
        max_chunk_bytes: app.config.uploads.chunk_bytes,
        version_id: upload.version_id,
    }
}

fn wrong_offset(upload: &Upload) -> ApiError {
    ApiError::conflict(
        "upload_offset_mismatch",
        format!(
            "The upload stands at byte {} of {}; send the chunk that starts there.",
            upload.received_bytes, upload.size_bytes
        ),
    )
}

fn completed() -> ApiError {
    ApiError::conflict(
        "upload_completed",
        "This upload is completed; its file is a document of the room now.",
    )
}

fn chunk_too_large(app: &App, upload: &Upload) -> ApiError {
    let left = upload.size_bytes - upload.received_bytes;
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "chunk_too_large",
        format!(
            "A chunk may hold at most {} and no more than the {left} bytes the file has left; \
             send a smaller one.",
            human_size(app.config.uploads.chunk_bytes)
        ),
    )
}
