//! Uploading document versions and downloading them.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::ops::RangeInclusive;

use object_store::path::Path as ObjectPath;
use object_store::{GetOptions, GetRange};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use shared::*;
use uuid::Uuid;

use super::{Path, Query, authorize, authorize_trust, room_for};
use crate::app::App;
use crate::auth::CurrentUser;
use crate::domain::files::{FileName, MediaType};
use crate::error::{ApiError, ApiResult};
use crate::events;
use crate::repo;
use crate::scan::Verdict;
use crate::store::{Stored, UploadError};

/// Adds a document (or a new version of one) to the room. The body is the
/// file's bytes; its type is judged from them, never from name or header.
#[utoipa::path(post, path = "/api/rooms/{room_id}/documents", tag = "documents",
    params(("room_id" = Uuid, Path), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
        (status = 201, body = DocumentView, description = "Stored; visible to the room"),
        (status = 403, body = Problem, description = "The caller's role adds no documents"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "The application cannot be changed now"),
        (status = 413, body = Problem, description = "Larger than the configured limit"),
        (status = 415, body = Problem, description = "Content not of a type the category accepts"),
    ))]
pub async fn upload_document(
    State(app): State<App>,
    user: CurrentUser,
    Path(room_id): Path<Uuid>,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, axum::Json<DocumentView>)> {
    let ctx = room_for(&app, &user, room_id).await?;
    let category = upload_category(
        &app,
        &user,
        &ctx,
        room_id,
        query.document_id,
        query.category,
    )
    .await?;
    let file_name = FileName::parse(&query.file_name);
    let (version_id, key, stored) = store_upload(&app, room_id, category, &headers, body).await?;
    check_for_malware(&app, &key).await?;

    let recorded = record_version(
        &app,
        &user,
        room_id,
        query.document_id,
        category,
        version_id,
        &key,
        &file_name,
        &stored,
        None,
    )
    .await;
    let document_id = match recorded {
        Ok(document_id) => document_id,
        Err(err) => {
            // Nothing points at the bytes: remove them rather than leave an orphan.
            app.store.delete_quietly(&key).await;
            return Err(err);
        }
    };
    tracing::info!(room.id = %room_id, size_bytes = stored.size_bytes, "document stored");

    let document = repo::rooms::document(&app.db.read, room_id, document_id)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("stored document vanished")))?;
    Ok((StatusCode::CREATED, axum::Json(document)))
}

/// The category a new file of the caller goes into (a new version keeps its
/// document's), once the policy lets the caller add it there now.
pub(super) async fn upload_category(
    app: &App,
    user: &CurrentUser,
    ctx: &repo::rooms::RoomContext,
    room_id: Uuid,
    document_id: Option<Uuid>,
    chosen: DocumentCategory,
) -> ApiResult<DocumentCategory> {
    let category = match document_id {
        // A plain read: on SQLite a write transaction would hold the single
        // writer while nothing is written.
        Some(document_id) => repo::rooms::document_category(&app.db.read, room_id, document_id)
            .await?
            .ok_or_else(|| ApiError::not_found("document"))?,
        None => chosen,
    };
    if category.is_statement_attachment() {
        return Err(ApiError::invalid(
            "category",
            "A consulted body attaches files from its statement form, to its request.",
        ));
    }
    // The notice and the fee notice are the office's; everything else the
    // applicants'.
    let action = match category.is_office() {
        true => RoomAction::UploadNotice,
        false => RoomAction::Upload,
    };
    authorize(app, user, ctx, action).await?;
    Ok(category)
}

/// Streams an upload's bytes into the object store under a fresh key,
/// judging their type against `category`; nothing of the room changes yet.
async fn store_upload(
    app: &App,
    room_id: Uuid,
    category: DocumentCategory,
    headers: &HeaderMap,
    body: Body,
) -> ApiResult<(Uuid, ObjectPath, Stored)> {
    let limit = app.config.max_upload_bytes;
    if declared_length(headers).is_some_and(|length| length > limit) {
        return Err(too_large(limit));
    }
    let room_left = room_left(app, room_id, None).await?;
    if declared_length(headers).is_some_and(|length| length > room_left) {
        return Err(quota_full(app.config.uploads.room_quota_bytes));
    }
    let version_id = Uuid::now_v7();
    let key = ObjectPath::from(format!("rooms/{room_id}/{version_id}"));
    let stored = app
        .store
        .put_document(
            &key,
            category,
            body.into_data_stream(),
            limit.min(room_left),
        )
        .await
        .map_err(|err| match err {
            UploadError::TooLarge { .. } if room_left < limit => {
                quota_full(app.config.uploads.room_quota_bytes)
            }
            err => upload_error(err, limit),
        })?;
    metrics::counter!(crate::telemetry::UPLOAD_BYTES).increment(stored.size_bytes);
    Ok((version_id, key, stored))
}

/// A member of the consulted body attaches a file to its coming statement.
/// The file is seen by that body and the office; the applicants see it once
/// a statement naming it is released. The answer's version id goes into the
/// statement's `attachment_ids`.
#[utoipa::path(post, path = "/api/rooms/{room_id}/statement-requests/{request_id}/attachments",
    tag = "participation",
    params(("room_id" = Uuid, Path), ("request_id" = Uuid, Path), AttachmentQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
        (status = 201, body = DocumentView, description = "Stored; not yet part of a statement"),
        (status = 403, body = Problem, description = "Only the body asked attaches files"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "The request cannot be answered now"),
        (status = 413, body = Problem, description = "Larger than the configured limit"),
        (status = 415, body = Problem, description = "Not a PDF or an image"),
    ))]
pub async fn upload_statement_attachment(
    State(app): State<App>,
    user: CurrentUser,
    Path((room_id, request_id)): Path<(Uuid, Uuid)>,
    Query(query): Query<AttachmentQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, axum::Json<DocumentView>)> {
    let ctx = room_for(&app, &user, room_id).await?;
    let answer = RequestAction::Answer;
    super::procedure::check_request_action(&app, &ctx, request_id, answer).await?;
    let file_name = FileName::parse(&query.file_name);
    let category = DocumentCategory::StatementAttachment;
    let (version_id, key, stored) = store_upload(&app, room_id, category, &headers, body).await?;
    check_for_malware(&app, &key).await?;

    let document_id = Uuid::now_v7();
    let recorded = async {
        let mut write = app.db.begin_room_write(&app.bus).await?;
        // The upload took a while: the request may have been withdrawn meanwhile.
        let (request, _) =
            super::procedure::request_in_write(&mut write, &ctx, request_id, answer).await?;
        repo::rooms::insert_document(
            &mut write.tx,
            room_id,
            document_id,
            category,
            Some(request_id),
        )
        .await?;
        let version = repo::rooms::NewVersion {
            id: version_id,
            document_id,
            room_id,
            object_key: key.as_ref(),
            file_name: file_name.as_str(),
            size_bytes: stored.size_bytes,
            media_type: stored.media_type.mime(),
            sha256: &stored.sha256,
            uploaded_by: user.id,
        };
        repo::rooms::insert_version(&mut write.tx, &version).await?;
        let payload = EventPayload::StatementAttachmentUploaded {
            request_id,
            body_id: request.body_id(),
            document_id,
            version_id,
            file_name: file_name.as_str().to_owned(),
            size_bytes: stored.size_bytes,
            sha256: stored.sha256.clone(),
            media_type: stored.media_type.mime().to_owned(),
        };
        events::append(&mut write, room_id, Some(&user.actor()), &payload).await?;
        write.commit().await?;
        ApiResult::Ok(())
    }
    .await;
    if let Err(err) = recorded {
        app.store.delete_quietly(&key).await;
        return Err(err);
    }
    tracing::info!(room.id = %room_id, size_bytes = stored.size_bytes, "attachment stored");

    let document = repo::rooms::document(&app.db.read, room_id, document_id)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("stored attachment vanished")))?;
    Ok((StatusCode::CREATED, axum::Json(document)))
}

/// Makes a stored upload visible: its rows, the withdrawal of signatures it
/// invalidates, and its events, in one transaction. With `upload`, the
/// resumable upload is marked as having become this version in the same
/// transaction; if another request completed it first, nothing is recorded
/// and the answer is `upload_completed`.
#[allow(clippy::too_many_arguments)]
pub(super) async fn record_version(
    app: &App,
    user: &CurrentUser,
    room_id: Uuid,
    document_id: Option<Uuid>,
    category: DocumentCategory,
    version_id: Uuid,
    key: &ObjectPath,
    file_name: &FileName,
    stored: &Stored,
    upload: Option<Uuid>,
) -> ApiResult<Uuid> {
    let mut write = app.db.begin_room_write(&app.bus).await?;
    // The upload took a while: the room may have been submitted meanwhile.
    let status = repo::rooms::status_for_update(&mut write.tx, room_id).await?;
    let still_open = match category.is_office() {
        true => status == RoomStatus::InReview,
        false => crate::domain::procedure::applicants_may_edit(status),
    };
    if !still_open {
        return Err(ApiError::conflict(
            "not_editable",
            "The room's status changed while the file was uploading; it was not added.",
        ));
    }
    let document_id = match document_id {
        Some(id) => id,
        None => {
            let id = Uuid::now_v7();
            repo::rooms::insert_document(&mut write.tx, room_id, id, category, None).await?;
            id
        }
    };
    let version = repo::rooms::NewVersion {
        id: version_id,
        document_id,
        room_id,
        object_key: key.as_ref(),
        file_name: file_name.as_str(),
        size_bytes: stored.size_bytes,
        media_type: stored.media_type.mime(),
        sha256: &stored.sha256,
        uploaded_by: user.id,
    };
    let number = repo::rooms::insert_version(&mut write.tx, &version).await?;
    if let Some(upload_id) = upload
        && !repo::uploads::claim(&mut write.tx, upload_id, version_id).await?
    {
        return Err(ApiError::conflict(
            "upload_completed",
            "This upload was already completed.",
        ));
    }

    let actor = user.actor();
    let uploaded = EventPayload::DocumentUploaded {
        document_id,
        version_id,
        version: number,
        category,
        file_name: file_name.as_str().to_owned(),
        size_bytes: stored.size_bytes,
        sha256: stored.sha256.clone(),
        media_type: stored.media_type.mime().to_owned(),
    };
    events::append(&mut write, room_id, Some(&actor), &uploaded).await?;
    // What was signed has changed: every standing declaration lapses. After
    // submission the declarations are part of the record and stay.
    let signed = match status {
        RoomStatus::Draft => repo::rooms::withdraw_signatures(&mut write.tx, room_id, None).await?,
        _ => Vec::new(),
    };
    for (signer, role) in signed {
        let withdrawn = EventPayload::SignatureWithdrawn {
            user_id: signer,
            role,
            reason: "the documents changed after signing".into(),
        };
        events::append(&mut write, room_id, Some(&actor), &withdrawn).await?;
    }
    write.commit().await?;
    Ok(document_id)
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

pub(super) fn too_large(limit: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "file_too_large",
        format!(
            "The file is larger than the limit of {} ({limit} bytes). Split the plan set or \
             reduce the file's size, then upload it again.",
            human_size(limit)
        ),
    )
}

/// With a virus scanner configured, the stored object at `key` must be found
/// clean; otherwise it is removed and the upload refused.
pub(super) async fn check_for_malware(app: &App, key: &ObjectPath) -> ApiResult<()> {
    let Some(address) = &app.config.uploads.clamd_address else {
        return Ok(());
    };
    let verdict = crate::scan::scan(&app.store, key, address).await;
    let refusal = match verdict {
        Ok(Verdict::Clean) => return Ok(()),
        Ok(Verdict::Infected(name)) => {
            tracing::warn!(object = %key, signature = %name, "malware refused");
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "malware_found",
                format!(
                    "The virus scanner found malware in the file ({name}). It was not stored; \
                     check the file on your computer."
                ),
            )
        }
        Ok(Verdict::Unchecked(said)) => {
            tracing::warn!(object = %key, scanner = %said, "file not fully scanned");
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "not_scanned",
                format!(
                    "The virus scanner could not check the whole file ({said}), so it was not \
                     stored. A file larger than the scanner's limit needs the operator to raise \
                     that limit."
                ),
            )
        }
        Err(err) => {
            tracing::error!(error = ?err, "the virus scanner could not be reached");
            ApiError::unavailable(
                "The virus scanner cannot be reached, so no file can be added now. Please try \
                 again in a few minutes.",
            )
        }
    };
    app.store.delete_quietly(key).await;
    Err(refusal)
}

/// How many more bytes the room's quota allows, counting uploads on their
/// way (but `except`).
pub(super) async fn room_left(app: &App, room_id: Uuid, except: Option<Uuid>) -> ApiResult<u64> {
    let used = repo::uploads::room_usage(&app.db.read, room_id, except).await?;
    Ok(app.config.uploads.room_quota_bytes.saturating_sub(used))
}

pub(super) fn quota_full(quota: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "room_quota_full",
        format!(
            "The room's documents would exceed its quota of {}. Ask the building office to \
             raise the quota, or finish or cancel uploads still on their way.",
            human_size(quota)
        ),
    )
}

pub(super) fn upload_error(err: UploadError, limit: u64) -> ApiError {
    match err {
        UploadError::TooLarge { .. } => too_large(limit),
        UploadError::Refused(reason) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "file_type_refused",
            reason.0,
        ),
        UploadError::Interrupted(cause) => ApiError::bad_request(
            "upload_interrupted",
            format!(
                "The upload broke off before the file was complete ({cause}). Nothing was \
                 stored; please upload it again."
            ),
        ),
        UploadError::Store(err) => ApiError::internal(err),
    }
}

pub(super) fn human_size(bytes: u64) -> String {
    const GIB: u64 = 1024 * 1024 * 1024;
    const MIB: u64 = 1024 * 1024;
    if bytes >= GIB && bytes.is_multiple_of(GIB) {
        format!("{} GiB", bytes / GIB)
    } else if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{bytes} bytes")
    }
}

/// Characters kept as they are in `filename*` (RFC 8187 `attr-char`).
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<name>` (RFC 6266).
pub fn content_disposition(disposition: &str, file_name: &str) -> String {
    let fallback: String = file_name
        .chars()
        .map(|c| match c {
            'ä' => "ae".to_string(),
            'ö' => "oe".to_string(),
            'ü' => "ue".to_string(),
            'Ä' => "Ae".to_string(),
            'Ö' => "Oe".to_string(),
            'Ü' => "Ue".to_string(),
            'ß' => "ss".to_string(),
            c if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' => c.to_string(),
            _ => "_".to_string(),
        })
        .collect();
    let encoded = utf8_percent_encode(file_name, ATTR_CHAR);
    format!("{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct DownloadQuery {
    /// Show in the browser instead of saving (PDF and images only).
    #[serde(default)]
    pub inline: bool,
}

/// The bytes of one document version, streamed; a single `Range` is served
/// as 206 so viewers can fetch a large plan piece by piece.
#[utoipa::path(get, path = "/api/rooms/{room_id}/documents/{version_id}/content", tag = "documents",
    params(("room_id" = Uuid, Path), ("version_id" = Uuid, Path), DownloadQuery),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 206, description = "The requested range of the file"),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "`identity_required`: the office asks \
            applicants for a confirmed identity before they retrieve a notice"),
        (status = 404, body = Problem),
        (status = 416, body = Problem, description = "The range lies outside the file"),
    ))]
pub async fn download_document(
    State(app): State<App>,
    user: CurrentUser,
    Path((room_id, version_id)): Path<(Uuid, Uuid)>,
    Query(query): Query<DownloadQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let ctx = room_for(&app, &user, room_id).await?;
    let version = repo::rooms::stored_version(&app.db.read, room_id, version_id)
        .await?
        .ok_or_else(|| ApiError::not_found("document"))?;
    // A document the caller may not see is answered like one that does not exist.
    let access = repo::rooms::DocumentAccess::load(&app.db.read, &ctx).await?;
    let category = DocumentCategory::parse(&version.category).unwrap_or(DocumentCategory::Other);
    let request_id = version.request_id.as_deref().map(repo::id);
    if !access.admits(
        repo::id(&version.document_id),
        category,
        request_id,
        version_id,
    ) {
        return Err(ApiError::not_found("document"));
    }
    // The notice and the fee notice are what an applicant retrieves: where
    // the office asks for it, only with a confirmed identity. Staff and
    // bodies are trusted by their office already.
    if ctx.role.is_applicant() && DocumentCategory::OFFICE.contains(&category) {
        authorize_trust(&app, &user, &ctx, ApplicantAction::RetrieveNotice).await?;
    }
    let size = version.size_bytes.max(0) as u64;
    let range = requested_range(&headers, size)?;
    // A viewer fetching a large plan in pieces is one download, not hundreds:
    // only a request from the first byte is recorded.
    if range.as_ref().is_none_or(|r| *r.start() == 0) {
        record_download(&app, &user, &ctx, version_id, &version).await?;
    }

    let options = GetOptions {
        range: range
            .clone()
            .map(|r| GetRange::Bounded(*r.start()..*r.end() + 1)),
        ..Default::default()
    };
    let object = app
        .store
        .inner
        .get_opts(&ObjectPath::from(version.object_key.as_str()), options)
        .await
        .map_err(|err| ApiError::internal(anyhow::Error::from(err)))?;

    let inline = query.inline && MediaType::is_inline_safe(&version.media_type);
    let disposition = content_disposition(
        if inline { "inline" } else { "attachment" },
        &version.file_name,
    );
    let mut response = Body::from_stream(object.into_stream()).into_response();
    let headers = response.headers_mut();
    match &range {
        Some(range) => {
            *response.status_mut() = StatusCode::PARTIAL_CONTENT;
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_LENGTH,
                HeaderValue::from(range.end() - range.start() + 1),
            );
            headers.insert(
                header::CONTENT_RANGE,
                header_value(&format!("bytes {}-{}/{size}", range.start(), range.end())),
            );
        }
        None => {
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
        }
    }
    let headers = response.headers_mut();
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(header::CONTENT_TYPE, header_value(&version.media_type));
    headers.insert(header::CONTENT_DISPOSITION, header_value(&disposition));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    // Even shown inline, a document can never run as a page of this site.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; \
             frame-ancestors 'self'",
        ),
    );
    Ok(response)
}

/// Records who fetched which version. An applicant's first retrieval of the
/// notice is its delivery: recorded, and the room moves on to `delivered`.
async fn record_download(
    app: &App,
    user: &CurrentUser,
    ctx: &repo::rooms::RoomContext,
    version_id: Uuid,
    version: &repo::rooms::StoredVersion,
) -> ApiResult<()> {
    let room_id = ctx.room.id();
    let actor = user.actor();
    let mut write = app.db.begin_room_write(&app.bus).await?;
    let payload = EventPayload::DocumentDownloaded {
        document_id: repo::id(&version.document_id),
        version_id,
        version: version.version,
        file_name: version.file_name.clone(),
        body_id: ctx.body_id,
    };
    events::append(&mut write, room_id, Some(&actor), &payload).await?;
    if ctx.role.is_applicant() {
        super::procedure::deliver_notice(&mut write, ctx, version_id, &actor).await?;
    }
    write.commit().await?;
    Ok(())
}

/// The one byte range a request asks for, if any. Several ranges at once are
/// answered with the whole file, as RFC 9110 allows.
fn requested_range(headers: &HeaderMap, size: u64) -> ApiResult<Option<RangeInclusive<u64>>> {
    let Some(value) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    let unsatisfiable = || {
        ApiError::new(
            StatusCode::RANGE_NOT_SATISFIABLE,
            "range_not_satisfiable",
            format!("The requested range lies outside the file, which has {size} bytes."),
        )
    };
    let ranges = http_range_header::parse_range_header(value)
        .and_then(|parsed| parsed.validate(size))
        .map_err(|_| unsatisfiable())?;
    Ok(match ranges.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    })
}

fn header_value(value: &str) -> HeaderValue {
    HeaderValue::from_str(value)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_german_name_gets_an_ascii_fallback_and_an_exact_utf8_form() {
        assert_eq!(
            content_disposition("attachment", "Lageplan Müller-Straße.pdf"),
            "attachment; filename=\"Lageplan Mueller-Strasse.pdf\"; \
             filename*=UTF-8''Lageplan%20M%C3%BCller-Stra%C3%9Fe.pdf"
        );
    }

    #[test]
    fn quotes_and_emoji_cannot_break_the_header() {
        let value = content_disposition("attachment", "a\"b\\c 🏠.pdf");
        assert!(value.starts_with("attachment; filename=\"a_b_c _.pdf\"; "));
        assert!(value.ends_with("filename*=UTF-8''a%22b%5Cc%20%F0%9F%8F%A0.pdf"));
    }

    #[test]
    fn the_limit_reads_as_people_say_it() {
        assert_eq!(human_size(2 * 1024 * 1024 * 1024), "2 GiB");
        assert_eq!(human_size(1024 * 1024), "1.0 MiB");
    }
}
