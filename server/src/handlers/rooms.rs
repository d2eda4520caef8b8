//! Rooms: starting one, reading it, signing, submitting, starting the check.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use shared::*;
use uuid::Uuid;

use super::{Json, Path, Query, authorize, authorize_trust, room_for};
use crate::app::App;
use crate::auth::CurrentUser;
use crate::domain::values::Line;
use crate::domain::{policy, procedure};
use crate::error::{ApiError, ApiResult};
use crate::events;
use crate::repo::{self, rooms::RoomContext};

/// The rooms the caller is an applicant in.
#[utoipa::path(get, path = "/api/rooms", tag = "rooms", responses(
    (status = 200, body = Vec<RoomSummary>),
    (status = 401, body = Problem),
))]
pub async fn list_rooms(
    State(app): State<App>,
    user: CurrentUser,
) -> ApiResult<axum::Json<Vec<RoomSummary>>> {
    Ok(axum::Json(
        repo::rooms::list_for_member(&app.db.read, user.id).await?,
    ))
}

/// Starts a room: the caller becomes its builder.
#[utoipa::path(
    post,
    path = "/api/rooms",
    tag = "rooms",
    request_body = CreateRoomRequest,
    responses(
        (status = 201, body = RoomView),
        (status = 200, body = RoomView, description = "Started before with this client key"),
        (status = 401, body = Problem),
        (status = 422, body = Problem, description = "A field is not acceptable"),
    )
)]
pub async fn create_room(
    State(app): State<App>,
    user: CurrentUser,
    Json(request): Json<CreateRoomRequest>,
) -> ApiResult<(StatusCode, axum::Json<RoomView>)> {
    let title = Line::parse(&request.title, "project title", 200)
        .map_err(|e| ApiError::invalid("title", e.0))?
        .into_string();
    let site_address = Line::parse(&request.site_address, "site address", 300)
        .map_err(|e| ApiError::invalid("site_address", e.0))?
        .into_string();

    // Started before with this key (a double click): that room is the answer.
    if let Some(key) = request.client_key
        && let Some(room_id) = repo::rooms::by_client_key(&app.db.read, user.id, key).await?
    {
        return Ok((
            StatusCode::OK,
            axum::Json(room_view(&app, &user, room_id).await?),
        ));
    }

    let mut write = app.db.begin_room_write(&app.bus).await?;
    let procedure_type =
        repo::offices::procedure_type(&mut write.tx, request.office_id, request.procedure_type_id)
            .await?
            .ok_or_else(|| {
                ApiError::invalid(
                    "procedure_type_id",
                    "This procedure type does not exist at the chosen office. Choose one from \
                     the list.",
                )
            })?;
    let new_room = repo::rooms::NewRoom {
        office_id: request.office_id,
        procedure_type_id: request.procedure_type_id,
        title: &title,
        site_address: &site_address,
        created_by: user.id,
        client_key: request.client_key,
    };
    let room_id = match repo::rooms::insert(&mut write.tx, &new_room).await {
        Ok(room_id) => room_id,
        Err(sqlx::Error::Database(err)) if err.is_unique_violation() => {
            // The other click got in first, between our look and our insert.
            drop(write);
            let key = request.client_key.unwrap_or_default();
            let room_id = repo::rooms::by_client_key(&app.db.read, user.id, key)
                .await?
                .ok_or_else(|| ApiError::internal(sqlx::Error::Database(err)))?;
            return Ok((
                StatusCode::OK,
                axum::Json(room_view(&app, &user, room_id).await?),
            ));
        }
        Err(err) => return Err(err.into()),
    };
    repo::rooms::add_member(&mut write.tx, room_id, user.id, RoomRole::Builder).await?;

    let actor = user.actor();
    let created = EventPayload::RoomCreated {
        title,
        site_address,
        procedure_type: procedure_type.key.clone(),
    };
    events::append(&mut write, room_id, Some(&actor), &created).await?;
    let joined = EventPayload::MemberJoined {
        user_id: user.id,
        display_name: user.display_name.clone(),
        role: RoomRole::Builder,
    };
    events::append(&mut write, room_id, Some(&actor), &joined).await?;
    write.commit().await?;
    tracing::info!(room.id = %room_id, "room created");

    Ok((
        StatusCode::CREATED,
        axum::Json(room_view(&app, &user, room_id).await?),
    ))
}

/// The room as the caller may see it.
#[utoipa::path(
    get,
    path = "/api/rooms/{room_id}",
    tag = "rooms",
    params(("room_id" = Uuid, Path)),
    responses(
        (status = 200, body = RoomView),
        (status = 401, body = Problem),
        (status = 404, body = Problem, description = "No such room, or no access to it"),
    )
)]
pub async fn get_room(
    State(app): State<App>,
    user: CurrentUser,
    Path(room_id): Path<Uuid>,
) -> ApiResult<axum::Json<RoomView>> {
    Ok(axum::Json(room_view(&app, &user, room_id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct EventsQuery {
    /// Only events after this sequence number.
    #[serde(default)]
    pub after_seq: i64,
}

/// The room's history: its event log after a sequence number, oldest first.
#[utoipa::path(
    get,
    path = "/api/rooms/{room_id}/events",
    tag = "rooms",
    params(("room_id" = Uuid, Path), EventsQuery),
    responses(
        (status = 200, body = Vec<RoomEvent>),
        (status = 401, body = Problem),
        (status = 404, body = Problem),
    )
)]
pub async fn list_events(
    State(app): State<App>,
    user: CurrentUser,
    Path(room_id): Path<Uuid>,
    Query(query): Query<EventsQuery>,
) -> ApiResult<axum::Json<Vec<RoomEvent>>> {
    let ctx = room_for(&app, &user, room_id).await?;
    let mut events = events::read_after(&app.db.read, room_id, query.after_seq, 1000).await?;
    events.retain(|e| policy::sees(ctx.role, ctx.body_id, e.payload.audience()));
    Ok(axum::Json(events))
}

/// Recomputes the room's hash chain: whether its record is as it was written.
#[utoipa::path(
    get,
    path = "/api/rooms/{room_id}/verification",
    tag = "record",
    params(("room_id" = Uuid, Path)),
    responses(
        (status = 200, body = ChainVerification),
        (status = 401, body = Problem),
        (status = 404, body = Problem),
    )
)]
pub async fn verify_room(
    State(app): State<App>,
    user: CurrentUser,
    Path(room_id): Path<Uuid>,
) -> ApiResult<axum::Json<ChainVerification>> {
    room_for(&app, &user, room_id).await?;
    let verification = match events::verify_chain(&app.db.read, room_id).await? {
        Ok(entries) => ChainVerification {
            valid: true,
            entries,
            first_broken_seq: None,
            reason: None,
        },
        Err(brk) => ChainVerification {
            valid: false,
            entries: brk.seq - 1,
            first_broken_seq: Some(brk.seq),
            reason: Some(brk.reason),
        },
    };
    Ok(axum::Json(verification))
}

/// Signs the declaration as builder or designer.
#[utoipa::path(
    post,
    path = "/api/rooms/{room_id}/signature",
    tag = "rooms",
    params(("room_id" = Uuid, Path)),
    responses(
        (status = 200, body = RoomView, description = "Signed"),
        (status = 403, body = Problem, description = "The caller's role does not sign"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Signed already, or no longer a draft"),
    )
)]
pub async fn sign_application(
    State(app): State<App>,
    user: CurrentUser,
    Path(room_id): Path<Uuid>,
) -> ApiResult<axum::Json<RoomView>> {
    let ctx = room_for(&app, &user, room_id).await?;
    authorize(&app, &user, &ctx, RoomAction::Sign).await?;

    let mut write = app.db.begin_room_write(&app.bus).await?;
    expect_status(&mut write, room_id, RoomStatus::Draft).await?;
    repo::rooms::sign(&mut write.tx, room_id, user.id, ctx.role)
        .await
        .map_err(|err| {
            match err
                .as_database_error()
                .is_some_and(|e| e.is_unique_violation())
            {
                true => ApiError::conflict("already_signed", "You have signed already."),
                false => err.into(),
            }
        })?;
    let payload = EventPayload::SignatureGiven {
        user_id: user.id,
        role: ctx.role,
    };
    events::append(&mut write, room_id, Some(&user.actor()), &payload).await?;
    write.commit().await?;

    Ok(axum::Json(room_view(&app, &user, room_id).await?))
}

/// Withdraws the caller's signature.
#[utoipa::path(
    delete,
    path = "/api/rooms/{room_id}/signature",
    tag = "rooms",
    params(("room_id" = Uuid, Path)),
    responses(
        (status = 200, body = RoomView, description = "Withdrawn"),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Not signed, or no longer a draft"),
    )
)]
pub async fn withdraw_signature(
    State(app): State<App>,
    user: CurrentUser,
    Path(room_id): Path<Uuid>,
) -> ApiResult<axum::Json<RoomView>> {
    let ctx = room_for(&app, &user, room_id).await?;
    authorize(&app, &user, &ctx, RoomAction::WithdrawSignature).await?;

    let mut write = app.db.begin_room_write(&app.bus).await?;
    expect_status(&mut write, room_id, RoomStatus::Draft).await?;
    let withdrawn = repo::rooms::withdraw_signatures(&mut write.tx, room_id, Some(user.id)).await?;
    if withdrawn.is_empty() {
        return Err(ApiError::conflict("not_signed", "You have not signed."));
    }
    let payload = EventPayload::SignatureWithdrawn {
        user_id: user.id,
        role: ctx.role,
        reason: "withdrawn by the signer".into(),
    };
    events::append(&mut write, room_id, Some(&user.actor()), &payload).await?;
    write.commit().await?;

    Ok(axum::Json(room_view(&app, &user, room_id).await?))
}

/// Submits the application to the office; needs the builder's and the
/// designer's declarations. Assigns the case number.
#[utoipa::path(
    post,
    path = "/api/rooms/{room_id}/submit",
    tag = "procedure",
    params(("room_id" = Uuid, Path)),
    responses(
        (status = 200, body = RoomView, description = "Submitted"),
        (status = 403, body = Problem, description = "Only the builder submits; \
            `identity_required`: the office asks for a confirmed identity first"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Signature missing, or submitted"),
    )
)]
pub async fn submit_application(
    State(app): State<App>,
    user: CurrentUser,
    Path(room_id): Path<Uuid>,
) -> ApiResult<axum::Json<RoomView>> {
    let ctx = room_for(&app, &user, room_id).await?;
    authorize(&app, &user, &ctx, RoomAction::Submit).await?;
    authorize_trust(&app, &user, &ctx, ApplicantAction::Submit).await?;

    let mut write = app.db.begin_room_write(&app.bus).await?;
    expect_status(&mut write, room_id, RoomStatus::Draft).await?;
    let unsigned = repo::rooms::unsigned_roles(&mut *write.tx, &ctx.room.id).await?;
    if !unsigned.is_empty() {
        return Err(ApiError::conflict(
            "signatures_missing",
            "A signature was withdrawn meanwhile; both the builder and the designer must sign.",
        ));
    }
    let case_number = repo::offices::next_case_number(&mut write.tx, ctx.room.office_id()).await?;
    repo::rooms::mark_submitted(&mut write.tx, room_id, &case_number).await?;
    let actor = user.actor();
    let payload = EventPayload::CaseNumberAssigned { case_number };
    events::append(&mut write, room_id, Some(&actor), &payload).await?;
    transition(&mut write, &ctx, Transition::Submit, &actor, None).await?;
    write.commit().await?;
    tracing::info!(room.id = %room_id, "application submitted");

    Ok(axum::Json(room_view(&app, &user, room_id).await?))
}

/// The caseworker starts the completeness check.
#[utoipa::path(
    post,
    path = "/api/rooms/{room_id}/check",
    tag = "procedure",
    params(("room_id" = Uuid, Path)),
    responses(
        (status = 200, body = RoomView, description = "The check has started"),
        (status = 403, body = Problem, description = "Only the office checks"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Not in the submitted status"),
    )
)]
pub async fn start_check(
    State(app): State<App>,
    user: CurrentUser,
    Path(room_id): Path<Uuid>,
) -> ApiResult<axum::Json<RoomView>> {
    let ctx = room_for(&app, &user, room_id).await?;
    authorize(&app, &user, &ctx, RoomAction::StartCheck).await?;

    let mut write = app.db.begin_room_write(&app.bus).await?;
    expect_status(&mut write, room_id, RoomStatus::Submitted).await?;
    // Whoever starts the check takes the case: it shows as theirs in the queue.
    repo::rooms::assign(&mut write.tx, room_id, user.id).await?;
    transition(
        &mut write,
        &ctx,
        Transition::StartCheck,
        &user.actor(),
        None,
    )
    .await?;
    write.commit().await?;

    Ok(axum::Json(room_view(&app, &user, room_id).await?))
}

/// Takes a transition of the state machine and records it, with the reason
/// where the step has one.
pub async fn transition(
    write: &mut crate::db::RoomWrite,
    ctx: &RoomContext,
    transition: Transition,
    actor: &ActorRef,
    reason: Option<String>,
) -> ApiResult<()> {
    let room_id = ctx.room.id();
    let from = repo::rooms::status_for_update(&mut write.tx, room_id).await?;
    let to = procedure::target(from, transition).ok_or_else(|| {
        ApiError::conflict(
            "wrong_status",
            "The room's status changed meanwhile. Reload the page.",
        )
    })?;
    repo::rooms::set_status(&mut write.tx, room_id, to).await?;
    let payload = EventPayload::StatusChanged {
        transition,
        from,
        to,
        reason,
    };
    events::append(write, room_id, Some(actor), &payload).await?;
    Ok(())
}

/// Re-checks the status inside the write: another request may have moved the
/// room on between the policy check and now (a double click, a second tab).
pub async fn expect_status(
    write: &mut crate::db::RoomWrite,
    room_id: Uuid,
    expected: RoomStatus,
) -> ApiResult<()> {
    let status = repo::rooms::status_for_update(&mut write.tx, room_id).await?;
    if status == expected {
        Ok(())
    } else {
        Err(ApiError::conflict(
            "wrong_status",
            "The room's status changed meanwhile; reload the page to see it.",
        ))
    }
}

pub async fn room_view(app: &App, user: &CurrentUser, room_id: Uuid) -> ApiResult<RoomView> {
    let ctx = room_for(app, user, room_id).await?;
    Ok(repo::rooms::view(&app.db.read, &ctx, user.id).await?)
}

/// The room's whole record as a ZIP archive for the office: every document
/// version, the room as JSON, the event log as JSON lines, an `index.html`
/// to read it in a browser, and a manifest with every file's SHA-256. The
/// export itself is an entry of the log.
#[utoipa::path(
    get,
    path = "/api/rooms/{room_id}/export",
    tag = "record",
    params(("room_id" = Uuid, Path)),
    responses(
        (status = 200, content_type = "application/zip", body = Vec<u8>,
            description = "The archive"),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "Only the office exports the record"),
        (status = 404, body = Problem),
    )
)]
pub async fn export_room(
    State(app): State<App>,
    user: CurrentUser,
    Path(room_id): Path<Uuid>,
) -> ApiResult<axum::response::Response> {
    use axum::http::header;
    let ctx = room_for(&app, &user, room_id).await?;
    if ctx.role != RoomRole::Caseworker {
        return Err(ApiError::forbidden(
            "office_only",
            "Only the building office exports the record of a room.",
        ));
    }
    let (room, archive) = crate::export::export_room(&app, &ctx, &user.actor())
        .await
        .map_err(ApiError::internal)?;

    let name = format!(
        "Akte {}.zip",
        room.case_number.as_deref().unwrap_or(&room.title)
    );
    let file = tokio::fs::File::from_std(archive.file);
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(file));
    let disposition = super::documents::content_disposition("attachment", &name);
    axum::response::Response::builder()
        .header(header::CONTENT_TYPE, "application/zip")
        .header(header::CONTENT_LENGTH, archive.size_bytes)
        .header(header::CONTENT_DISPOSITION, disposition)
        .header(header::CACHE_CONTROL, "private, no-store")
        .body(body)
        .map_err(ApiError::internal)
}
