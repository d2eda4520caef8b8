//! The procedure after submission: the completeness check with its request
//! for missing items, withdrawal, participation of consulted bodies, the
//! decision and the notice's delivery.

use std::collections::HashSet;

use axum::extract::State;
use chrono::Utc;
use shared::*;
use uuid::Uuid;

use super::rooms::{expect_status, room_view, transition};
use super::{Json, Path, authorize, refusal, room_for};
use crate::app::App;
use crate::auth::CurrentUser;
use crate::db::RoomWrite;
use crate::domain::deadlines::{self, Period};
use crate::domain::policy::{self, RequestPolicyFacts};
use crate::domain::procedure;
use crate::domain::rules;
use crate::domain::values::Text;
use crate::error::{ApiError, ApiResult};
use crate::events;
use crate::notify::{self, Notification};
use crate::repo::procedure::{self as repo_procedure, RequestRow};
use crate::repo::rooms::{self as room_repo, RoomContext};

type RoomAnswer = ApiResult<axum::Json<RoomView>>;

const MAX_ITEMS: usize = 50;
const MAX_CONDITIONS: usize = 50;
const MAX_ATTACHMENTS: usize = 50;

/// The caseworker asks the applicants for what is missing or deficient: one
/// request with every item and a period; the room waits for the applicants.
#[utoipa::path(post, path = "/api/rooms/{room_id}/missing-items", tag = "procedure",
    params(("room_id" = Uuid, Path)), request_body = MissingItemsRequest,
    responses(
        (status = 200, body = RoomView, description = "Sent; the applicants must act"),
        (status = 403, body = Problem, description = "Only the office asks"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Not in the completeness check"),
        (status = 422, body = Problem, description = "An item or the period is not acceptable"),
    ))]
pub async fn request_missing_items(
    State(app): State<App>,
    user: CurrentUser,
    Path(room_id): Path<Uuid>,
    Json(request): Json<MissingItemsRequest>,
) -> RoomAnswer {
    let ctx = room_for(&app, &user, room_id).await?;
    authorize(&app, &user, &ctx, RoomAction::RequestMissingItems).await?;
    let items = missing_items(request.items)?;
    let period = period(&request.period, "period")?;

    let mut write = app.db.begin_room_write(&app.bus).await?;
    expect_status(&mut write, room_id, RoomStatus::CompletenessCheck).await?;
    let request_id = Uuid::now_v7();
    let now = Utc::now();
    let period_text = rules::period_to_text(period);
    repo_procedure::insert_missing_items(
        &mut write.tx,
        &repo_procedure::NewMissingItems {
            id: request_id,
            room_id,
            items: &items,
            period: &period_text,
            requested_by: user.id,
            requested_at: now,
        },
    )
    .await?;
    let calendar = ctx.room.calendar();
    let due = deadlines::compute(now, period, &calendar, &[], deadlines::german_date(now));
    let actor = user.actor();
    let payload = EventPayload::MissingItemsRequested {
        request_id,
        items,
        period: period_text,
        due_date: due.end,
    };
    events::append(&mut write, room_id, Some(&actor), &payload).await?;
    transition(
        &mut write,
        &ctx,
        Transition::RequestMissingItems,
        &actor,
        None,
    )
    .await?;
    write.commit().await?;
    let date = due.end.format("%d.%m.%Y");
    let mail = Notification {
        kind: NotificationKind::MissingItems,
        subject_de: format!("Unterlagen nachreichen: {}", ctx.room.title),
        subject_en: format!("Missing items requested: {}", ctx.room.title),
        body_de: format!(
            "Das Bauamt benötigt für Ihren Antrag „{}“ weitere Unterlagen. Bitte reichen Sie \
             sie bis zum {date} nach und reichen Sie den Antrag erneut ein.",
            ctx.room.title
        ),
        body_en: format!(
            "The building office needs further documents for your application \"{}\". Please \
             supply them by {date} and resubmit the application.",
            ctx.room.title
        ),
        path: format!("/rooms/{room_id}"),
    };
    let applicants = room_repo::applicant_ids(&app.db.read, &ctx.room.id).await?;
    notify::send(&app, &applicants, &mail).await;
    Ok(axum::Json(room_view(&app, &user, room_id).await?))
}

fn missing_items(items: Vec<MissingItem>) -> ApiResult<Vec<MissingItem>> {
    if items.is_empty() {
        return Err(ApiError::invalid(
            "items",
            "Name at least one missing or deficient item.",
        ));
    }
    if items.len() > MAX_ITEMS {
        return Err(ApiError::invalid(
            "items",
            format!("One request can name at most {MAX_ITEMS} items."),
        ));
    }
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            if item.category.is_some_and(|c| !c.is_application()) {
                return Err(ApiError::invalid(
                    &format!("items[{i}].category"),
                    "Name a category the applicants file; notices and statement attachments \
                     are not theirs to supply.",
                ));
            }
            let field = format!("items[{i}].text");
            let text = match (item.category, item.text.trim().is_empty()) {
                (None, true) => {
                    return Err(ApiError::invalid(
                        &field,
                        "Each item needs a document category or a description.",
                    ));
                }
                (Some(_), true) => String::new(),
                (_, false) => Text::parse(&item.text, "description of the item", 2000)
                    .map_err(|e| ApiError::invalid(&field, e.0))?
                    .into_string(),
            };
            Ok(MissingItem {
                category: item.category,
                text,
            })
        })
        .collect()
}

fn period(text: &str, field: &str) -> ApiResult<Period> {
    rules::period_from_text(text).ok_or_else(|| {
        ApiError::invalid(
            field,
            format!(
                "\"{}\" is not a period. Write a number and a unit: 14d (days), 4w (weeks) or \
                 2m (months), at most a year.",
                text.chars().take(20).collect::<String>()
            ),
        )
    })
}

fn reason(request: &ReasonRequest) -> ApiResult<String> {
    Ok(Text::parse(&request.reason, "reason", 2000)
        .map_err(|e| ApiError::invalid("reason", e.0))?
        .into_string())
}

/// The applicants resubmit after supplying the missing items; the room
/// returns to the completeness check.
#[utoipa::path(post, path = "/api/rooms/{room_id}/resubmit", tag = "procedure",
    params(("room_id" = Uuid, Path)),
    responses(
        (status = 200, body = RoomView, description = "Back in the completeness check"),
        (status = 403, body = Problem, description = "Only the builder or the designer"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "No request for missing items is open"),
    ))]
pub async fn resubmit_application(
    State(app): State<App>,
    user: CurrentUser,
    Path(room_id): Path<Uuid>,
) -> RoomAnswer {
    let ctx = room_for(&app, &user, room_id).await?;
    authorize(&app, &user, &ctx, RoomAction::Resubmit).await?;
    let mut write = app.db.begin_room_write(&app.bus).await?;
    expect_status(&mut write, room_id, RoomStatus::AwaitingApplicant).await?;
    repo_procedure::answer_missing_items(&mut write.tx, room_id).await?;
    transition(&mut write, &ctx, Transition::Resubmit, &user.actor(), None).await?;
    write.commit().await?;
    Ok(axum::Json(room_view(&app, &user, room_id).await?))
}

/// The caseworker finds the application complete; the review begins.
#[utoipa::path(post, path = "/api/rooms/{room_id}/complete", tag = "procedure",
    params(("room_id" = Uuid, Path)),
    responses(
        (status = 200, body = RoomView, description = "In review"),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Not in the completeness check"),
    ))]
pub async fn mark_complete(
    State(app): State<App>,
    user: CurrentUser,
    Path(room_id): Path<Uuid>,
) -> RoomAnswer {
    room_step(
        &app,
        &user,
        room_id,
        RoomAction::MarkComplete,
        Transition::MarkComplete,
        None,
    )
    .await
}

/// The builder withdraws the application (possible until the decision).
#[utoipa::path(post, path = "/api/rooms/{room_id}/withdraw", tag = "procedure",
    params(("room_id" = Uuid, Path)), request_body = ReasonRequest,
    responses(
        (status = 200, body = RoomView, description = "Withdrawn"),
        (status = 403, body = Problem, description = "Only the builder withdraws"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Decided already"),
        (status = 422, body = Problem, description = "No reason given"),
    ))]
pub async fn withdraw_application(
    State(app): State<App>,
    user: CurrentUser,
    Path(room_id): Path<Uuid>,
    Json(request): Json<ReasonRequest>,
) -> RoomAnswer {
    let reason = reason(&request)?;
    let action = RoomAction::Withdraw;
    room_step(
        &app,
        &user,
        room_id,
        action,
        Transition::Withdraw,
        Some(reason),
    )
    .await
}

/// The applicants let the deadline for missing items pass: the caseworker
/// treats the application as withdrawn.
#[utoipa::path(post, path = "/api/rooms/{room_id}/deem-withdrawn", tag = "procedure",
    params(("room_id" = Uuid, Path)), request_body = ReasonRequest,
    responses(
        (status = 200, body = RoomView, description = "Treated as withdrawn"),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "The deadline has not passed"),
        (status = 422, body = Problem, description = "No reason given"),
    ))]
pub async fn deem_withdrawn(
    State(app): State<App>,
    user: CurrentUser,
    Path(room_id): Path<Uuid>,
    Json(request): Json<ReasonRequest>,
) -> RoomAnswer {
    let reason = reason(&request)?;
    let action = RoomAction::DeemWithdrawn;
    room_step(
        &app,
        &user,
        room_id,
        action,
        Transition::DeemWithdrawn,
        Some(reason),
    )
    .await
}

/// The caseworker closes a room whose notice is delivered.
#[utoipa::path(post, path = "/api/rooms/{room_id}/close", tag = "procedure",
    params(("room_id" = Uuid, Path)),
    responses(
        (status = 200, body = RoomView, description = "Closed"),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "The notice is not delivered yet"),
    ))]
pub async fn close_room(
    State(app): State<App>,
    user: CurrentUser,
    Path(room_id): Path<Uuid>,
) -> RoomAnswer {
    room_step(
        &app,
        &user,
        room_id,
        RoomAction::Close,
        Transition::Close,
        None,
    )
    .await
}

/// The caseworker records that the decision's fee was paid, or takes that
/// back after a payment bounced.
#[utoipa::path(post, path = "/api/rooms/{room_id}/decision/fee-payment", tag = "procedure",
    params(("room_id" = Uuid, Path)), request_body = FeePaymentRequest,
    responses(
        (status = 200, body = RoomView, description = "Recorded"),
        (status = 403, body = Problem, description = "Only the office records payments"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Not decided, or the decision has no fee"),
    ))]
pub async fn record_fee_payment(
    State(app): State<App>,
    user: CurrentUser,
    Path(room_id): Path<Uuid>,
    Json(request): Json<FeePaymentRequest>,
) -> RoomAnswer {
    let ctx = room_for(&app, &user, room_id).await?;
    authorize(&app, &user, &ctx, RoomAction::RecordFeePayment).await?;
    let mut write = app.db.begin_room_write(&app.bus).await?;
    let decision = repo_procedure::decision(&mut *write.tx, &ctx.room.id).await?;
    let Some(paid) = decision
        .filter(|d| d.fee_version_id.is_some())
        .map(|d| d.fee_paid != 0)
    else {
        return Err(ApiError::conflict(
            "no_fee",
            "The decision came without a fee notice, so there is no payment to record.",
        ));
    };
    // A second click records nothing new.
    if paid == request.paid {
        drop(write);
        return Ok(axum::Json(room_view(&app, &user, room_id).await?));
    }
    repo_procedure::set_fee_paid(&mut write.tx, room_id, request.paid).await?;
    let payload = EventPayload::FeePaymentRecorded { paid: request.paid };
    events::append(&mut write, room_id, Some(&user.actor()), &payload).await?;
    write.commit().await?;
    Ok(axum::Json(room_view(&app, &user, room_id).await?))
}

/// A step of the state machine that changes nothing but the status.
async fn room_step(
    app: &App,
    user: &CurrentUser,
    room_id: Uuid,
    action: RoomAction,
    step: Transition,
    reason: Option<String>,
) -> RoomAnswer {
    let ctx = room_for(app, user, room_id).await?;
    authorize(app, user, &ctx, action).await?;
    let mut write = app.db.begin_room_write(&app.bus).await?;
    transition(&mut write, &ctx, step, &user.actor(), reason).await?;
    write.commit().await?;
    Ok(axum::Json(room_view(app, user, room_id).await?))
}

/// The consulted bodies of the room's office, for the caseworker to choose.
#[utoipa::path(get, path = "/api/rooms/{room_id}/bodies", tag = "participation",
    params(("room_id" = Uuid, Path)),
    responses(
        (status = 200, body = Vec<BodyView>),
        (status = 403, body = Problem, description = "Only the office consults bodies"),
        (status = 404, body = Problem),
    ))]
pub async fn list_bodies(
    State(app): State<App>,
    user: CurrentUser,
    Path(room_id): Path<Uuid>,
) -> ApiResult<axum::Json<Vec<BodyView>>> {
    let ctx = room_for(&app, &user, room_id).await?;
    if ctx.role != RoomRole::Caseworker {
        return Err(ApiError::forbidden(
            "not_allowed",
            "Only the building office consults bodies.",
        ));
    }
    Ok(axum::Json(
        repo_procedure::bodies(&app.db.read, ctx.room.office_id()).await?,
    ))
}

/// The caseworker asks one or more consulted bodies for a statement. Each
/// gets its own request with the deadline its rule gives: the statement
/// period, or the consent period for the municipality.
#[utoipa::path(post, path = "/api/rooms/{room_id}/statement-requests", tag = "participation",
    params(("room_id" = Uuid, Path)), request_body = StatementRequestsCreate,
    responses(
        (status = 200, body = RoomView, description = "Sent to every body named"),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Not in review, or already asked"),
        (status = 422, body = Problem, description = "A body, document or the question is not acceptable"),
    ))]
pub async fn request_statements(
    State(app): State<App>,
    user: CurrentUser,
    Path(room_id): Path<Uuid>,
    Json(request): Json<StatementRequestsCreate>,
) -> RoomAnswer {
    let ctx = room_for(&app, &user, room_id).await?;
    authorize(&app, &user, &ctx, RoomAction::RequestStatements).await?;
    let question = Text::parse(&request.question, "question", 4000)
        .map_err(|e| ApiError::invalid("question", e.0))?
        .into_string();
    let bodies = chosen_bodies(&app, &ctx, &request.body_ids).await?;
    let document_ids = shared_documents(&app, &ctx, &request.document_ids).await?;

    let rules = ctx.room.rules();
    let calendar = ctx.room.calendar();
    let actor = user.actor();
    let mut write = app.db.begin_room_write(&app.bus).await?;
    expect_status(&mut write, room_id, RoomStatus::InReview).await?;
    let open: HashSet<Uuid> =
        repo_procedure::requests(&mut *write.tx, std::slice::from_ref(&ctx.room.id))
            .await?
            .iter()
            .filter(|r| r.status().awaits_answer())
            .map(|r| r.body_id())
            .collect();
    if let Some(body) = bodies.iter().find(|b| open.contains(&b.id)) {
        return Err(ApiError::conflict(
            "already_requested",
            format!(
                "{} has an open request in this room already; wait for its answer or \
                 withdraw that request first.",
                body.name
            ),
        ));
    }
    let now = Utc::now();
    let mut asked = Vec::new();
    for body in &bodies {
        let period = procedure::statement_period(body.consent_required, &rules);
        let period_text = rules::period_to_text(period);
        let request_id = Uuid::now_v7();
        repo_procedure::insert_request(
            &mut write.tx,
            &repo_procedure::NewRequest {
                id: request_id,
                room_id,
                body_id: body.id,
                question: &question,
                document_ids: &document_ids,
                period: &period_text,
                requested_by: user.id,
            },
        )
        .await?;
        let due = deadlines::compute(now, period, &calendar, &[], deadlines::german_date(now));
        let payload = EventPayload::StatementRequested {
            request_id,
            body_id: body.id,
            body_name: body.name.clone(),
            question: question.clone(),
            document_ids: document_ids.clone(),
            due_date: due.end,
        };
        events::append(&mut write, room_id, Some(&actor), &payload).await?;
        asked.push((request_id, body.name.clone(), due.end));
    }
    write.commit().await?;
    for (request_id, body_name, due) in asked {
        let date = due.format("%d.%m.%Y");
        let mail = Notification {
            kind: NotificationKind::StatementRequest,
            subject_de: format!("Bitte um Stellungnahme: {}", ctx.room.title),
            subject_en: format!("Statement requested: {}", ctx.room.title),
            body_de: format!(
                "Das Bauamt bittet {body_name} um eine Stellungnahme zum Vorhaben „{}“ ({}). \
                 Frist: {date}.",
                ctx.room.title, ctx.room.site_address
            ),
            body_en: format!(
                "The building office asks {body_name} for a statement on \"{}\" ({}). \
                 Deadline: {date}.",
                ctx.room.title, ctx.room.site_address
            ),
            path: format!("/rooms/{room_id}"),
        };
        let members = repo_procedure::request_body_members(&app.db.read, request_id).await?;
        notify::send(&app, &members, &mail).await;
    }
    Ok(axum::Json(room_view(&app, &user, room_id).await?))
}

async fn chosen_bodies(app: &App, ctx: &RoomContext, ids: &[Uuid]) -> ApiResult<Vec<BodyView>> {
    if ids.is_empty() {
        return Err(ApiError::invalid(
            "body_ids",
            "Choose at least one consulted body.",
        ));
    }
    let unique: HashSet<&Uuid> = ids.iter().collect();
    if unique.len() != ids.len() {
        return Err(ApiError::invalid(
            "body_ids",
            "A body is named twice; name each body once.",
        ));
    }
    let all = repo_procedure::bodies(&app.db.read, ctx.room.office_id()).await?;
    ids.iter()
        .map(|id| {
            all.iter().find(|b| b.id == *id).cloned().ok_or_else(|| {
                ApiError::invalid(
                    "body_ids",
                    format!("{id} is not a consulted body of this office."),
                )
            })
        })
        .collect()
}

async fn shared_documents(app: &App, ctx: &RoomContext, ids: &[Uuid]) -> ApiResult<Vec<Uuid>> {
    if ids.is_empty() {
        return Err(ApiError::invalid(
            "document_ids",
            "Share at least one document with the bodies, e.g. the site plan.",
        ));
    }
    for id in ids {
        let category = room_repo::document_category(&app.db.read, ctx.room.id(), *id).await?;
        if category.is_none_or(|c| !c.is_application()) {
            return Err(ApiError::invalid(
                "document_ids",
                format!("{id} is not a document of this application."),
            ));
        }
    }
    let mut unique = ids.to_vec();
    unique.sort();
    unique.dedup();
    Ok(unique)
}

/// Whether the caller may take `action` on the request now, asked before a
/// long upload so that a refused one is not streamed first.
pub async fn check_request_action(
    app: &App,
    ctx: &RoomContext,
    request_id: Uuid,
    action: RequestAction,
) -> ApiResult<()> {
    // Nothing is written: the transaction only gives a consistent read.
    let mut write = app.db.begin_room_write(&app.bus).await?;
    request_in_write(&mut write, ctx, request_id, action).await?;
    Ok(())
}

/// The request, read in the write, with what the policy needs; a request of
/// another body is answered as if it did not exist.
pub async fn request_in_write(
    write: &mut RoomWrite,
    ctx: &RoomContext,
    request_id: Uuid,
    action: RequestAction,
) -> ApiResult<(RequestRow, Option<repo_procedure::StatementRow>)> {
    let request = repo_procedure::request_for_update(&mut write.tx, ctx.room.id(), request_id)
        .await?
        .filter(|r| ctx.role != RoomRole::ConsultedBody || ctx.body_id == Some(r.body_id()))
        .ok_or_else(|| ApiError::not_found("statement request"))?;
    let status = repo_procedure_status(write, ctx).await?;
    let latest = repo_procedure::latest_statement(&mut write.tx, request_id).await?;
    let facts = RequestPolicyFacts {
        room_status: status,
        role: ctx.role,
        own_body: ctx.body_id == Some(request.body_id()),
        status: request.status(),
        unreleased_statement: latest.as_ref().is_some_and(|s| s.released_at.is_none()),
    };
    policy::check_request(action, &facts).map_err(refusal)?;
    Ok((request, latest))
}

async fn repo_procedure_status(write: &mut RoomWrite, ctx: &RoomContext) -> ApiResult<RoomStatus> {
    Ok(room_repo::status_for_update(&mut write.tx, ctx.room.id()).await?)
}

/// A member of the body opens the request: recorded once as read.
#[utoipa::path(post, path = "/api/rooms/{room_id}/statement-requests/{request_id}/read",
    tag = "participation",
    params(("room_id" = Uuid, Path), ("request_id" = Uuid, Path)),
    responses(
        (status = 200, body = RoomView, description = "Recorded (or recorded before)"),
        (status = 403, body = Problem, description = "Only the body asked"),
        (status = 404, body = Problem),
    ))]
pub async fn mark_request_read(
    State(app): State<App>,
    user: CurrentUser,
    Path((room_id, request_id)): Path<(Uuid, Uuid)>,
) -> RoomAnswer {
    let ctx = room_for(&app, &user, room_id).await?;
    if ctx.role != RoomRole::ConsultedBody {
        return Err(ApiError::forbidden(
            "not_allowed",
            "Only the consulted body's reading is recorded.",
        ));
    }
    let mut write = app.db.begin_room_write(&app.bus).await?;
    let request = repo_procedure::request_for_update(&mut write.tx, room_id, request_id)
        .await?
        .filter(|r| ctx.body_id == Some(r.body_id()))
        .ok_or_else(|| ApiError::not_found("statement request"))?;
    if repo_procedure::mark_read(&mut write.tx, request_id).await? {
        let payload = EventPayload::StatementRequestRead {
            request_id,
            body_id: request.body_id(),
        };
        events::append(&mut write, room_id, Some(&user.actor()), &payload).await?;
        write.commit().await?;
    }
    Ok(axum::Json(room_view(&app, &user, room_id).await?))
}

/// The body asks for more time, once, with a reason.
#[utoipa::path(post, path = "/api/rooms/{room_id}/statement-requests/{request_id}/extension",
    tag = "participation",
    params(("room_id" = Uuid, Path), ("request_id" = Uuid, Path)),
    request_body = ExtensionRequest,
    responses(
        (status = 200, body = RoomView, description = "Asked; the office decides"),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Asked before, or answered"),
        (status = 422, body = Problem, description = "Period or reason not acceptable"),
    ))]
pub async fn request_extension(
    State(app): State<App>,
    user: CurrentUser,
    Path((room_id, request_id)): Path<(Uuid, Uuid)>,
    Json(request): Json<ExtensionRequest>,
) -> RoomAnswer {
    let ctx = room_for(&app, &user, room_id).await?;
    let period = rules::period_to_text(period(&request.period, "period")?);
    let reason = Text::parse(&request.reason, "reason", 2000)
        .map_err(|e| ApiError::invalid("reason", e.0))?
        .into_string();
    let mut write = app.db.begin_room_write(&app.bus).await?;
    let (row, _) = request_in_write(
        &mut write,
        &ctx,
        request_id,
        RequestAction::RequestExtension,
    )
    .await?;
    repo_procedure::request_extension(&mut write.tx, request_id, &period, &reason).await?;
    let payload = EventPayload::ExtensionRequested {
        request_id,
        body_id: row.body_id(),
        period,
        reason,
    };
    events::append(&mut write, room_id, Some(&user.actor()), &payload).await?;
    write.commit().await?;
    Ok(axum::Json(room_view(&app, &user, room_id).await?))
}

/// The caseworker grants the extension asked for: the deadline is counted
/// on from its old end.
#[utoipa::path(post, path = "/api/rooms/{room_id}/statement-requests/{request_id}/extension/grant",
    tag = "participation",
    params(("room_id" = Uuid, Path), ("request_id" = Uuid, Path)),
    responses(
        (status = 200, body = RoomView, description = "Granted"),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "No extension asked for"),
    ))]
pub async fn grant_extension(
    State(app): State<App>,
    user: CurrentUser,
    Path((room_id, request_id)): Path<(Uuid, Uuid)>,
) -> RoomAnswer {
    let ctx = room_for(&app, &user, room_id).await?;
    let mut write = app.db.begin_room_write(&app.bus).await?;
    let (row, _) =
        request_in_write(&mut write, &ctx, request_id, RequestAction::GrantExtension).await?;
    repo_procedure::grant_extension(&mut write.tx, request_id).await?;
    let mut facts = row.facts();
    let period_text = row.extension_period.clone().unwrap_or_default();
    facts.extension = rules::period_from_text(&period_text);
    let today = deadlines::german_date(Utc::now());
    let due = procedure::statement_deadline(&facts, &ctx.room.calendar(), today);
    let payload = EventPayload::ExtensionGranted {
        request_id,
        body_id: row.body_id(),
        period: period_text,
        due_date: due.end,
    };
    events::append(&mut write, room_id, Some(&user.actor()), &payload).await?;
    write.commit().await?;
    Ok(axum::Json(room_view(&app, &user, room_id).await?))
}

/// A member of the body submits its statement. It is never changed: sent
/// again, it becomes a new version that replaces the one before.
#[utoipa::path(post, path = "/api/rooms/{room_id}/statement-requests/{request_id}/statements",
    tag = "participation",
    params(("room_id" = Uuid, Path), ("request_id" = Uuid, Path)),
    request_body = StatementSubmit,
    responses(
        (status = 200, body = RoomView, description = "Submitted"),
        (status = 403, body = Problem, description = "Only the body asked answers"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Withdrawn, or the procedure moved on"),
        (status = 422, body = Problem,
            description = "Verdict, text, conditions or attachments not acceptable"),
    ))]
pub async fn submit_statement(
    State(app): State<App>,
    user: CurrentUser,
    Path((room_id, request_id)): Path<(Uuid, Uuid)>,
    Json(request): Json<StatementSubmit>,
) -> RoomAnswer {
    let ctx = room_for(&app, &user, room_id).await?;
    let text = Text::parse(&request.text, "statement", 20_000)
        .map_err(|e| ApiError::invalid("text", e.0))?
        .into_string();
    let conditions = statement_conditions(request.verdict, &request.conditions)?;

    let mut write = app.db.begin_room_write(&app.bus).await?;
    let (row, latest) =
        request_in_write(&mut write, &ctx, request_id, RequestAction::Answer).await?;
    let attachment_ids = statement_attachments(&mut write, request_id, &request).await?;
    let statement_id = Uuid::now_v7();
    let version = latest.as_ref().map_or(1, |s| s.version + 1);
    let replaces = latest.as_ref().map(|s| repo_id(&s.id));
    repo_procedure::insert_statement(
        &mut write.tx,
        &repo_procedure::NewStatement {
            id: statement_id,
            request_id,
            room_id,
            version,
            replaces,
            verdict: request.verdict,
            text: &text,
            conditions: &conditions,
            attachment_ids: &attachment_ids,
            submitted_by: user.id,
        },
    )
    .await?;
    repo_procedure::set_request_status(&mut write.tx, request_id, RequestStatus::Answered).await?;
    let payload = EventPayload::StatementSubmitted {
        statement_id,
        request_id,
        body_id: row.body_id(),
        version,
        replaces,
        verdict: request.verdict,
        conditions,
        attachment_ids,
    };
    events::append(&mut write, room_id, Some(&user.actor()), &payload).await?;
    write.commit().await?;
    Ok(axum::Json(room_view(&app, &user, room_id).await?))
}

/// The attachments a statement names, each once, in the order given: each
/// must be a file attached to this very request. A correction names again
/// the files of the version before that it keeps.
async fn statement_attachments(
    write: &mut RoomWrite,
    request_id: Uuid,
    request: &StatementSubmit,
) -> ApiResult<Vec<Uuid>> {
    let mut ids: Vec<Uuid> = Vec::with_capacity(request.attachment_ids.len());
    for id in &request.attachment_ids {
        if !ids.contains(id) {
            ids.push(*id);
        }
    }
    if ids.len() > MAX_ATTACHMENTS {
        return Err(ApiError::invalid(
            "attachment_ids",
            format!("A statement can have at most {MAX_ATTACHMENTS} attachments."),
        ));
    }
    let own = repo_procedure::attachments_of_request(&mut write.tx, request_id).await?;
    if let Some((i, id)) = ids.iter().enumerate().find(|(_, id)| !own.contains(id)) {
        return Err(ApiError::invalid(
            &format!("attachment_ids[{i}]"),
            format!(
                "{id} is not a file attached to this request. Attach the file to this request \
                 first, then name the version the upload answered."
            ),
        ));
    }
    Ok(ids)
}

fn repo_id(text: &str) -> Uuid {
    crate::repo::id(text)
}

fn statement_conditions(verdict: Verdict, raw: &[String]) -> ApiResult<Vec<String>> {
    match (verdict, raw.is_empty()) {
        (Verdict::ConsentWithConditions, true) => {
            return Err(ApiError::invalid(
                "conditions",
                "Consent with conditions needs at least one condition; list each one.",
            ));
        }
        (Verdict::ConsentWithConditions, false) => {}
        (_, false) => {
            return Err(ApiError::invalid(
                "conditions",
                "Conditions belong only to a consent with conditions; choose that verdict or \
                 remove the conditions.",
            ));
        }
        (_, true) => return Ok(Vec::new()),
    }
    condition_texts(raw.iter().map(String::as_str), "conditions")
}

fn condition_texts<'a>(
    raw: impl ExactSizeIterator<Item = &'a str>,
    field: &str,
) -> ApiResult<Vec<String>> {
    if raw.len() > MAX_CONDITIONS {
        return Err(ApiError::invalid(
            field,
            format!("At most {MAX_CONDITIONS} conditions, please."),
        ));
    }
    raw.enumerate()
        .map(|(i, text)| {
            Text::parse(text, "condition", 2000)
                .map(Text::into_string)
                .map_err(|e| ApiError::invalid(&format!("{field}[{i}]"), e.0))
        })
        .collect()
}

/// The caseworker withdraws a request that is still open.
#[utoipa::path(post, path = "/api/rooms/{room_id}/statement-requests/{request_id}/withdraw",
    tag = "participation",
    params(("room_id" = Uuid, Path), ("request_id" = Uuid, Path)),
    request_body = ReasonRequest,
    responses(
        (status = 200, body = RoomView, description = "Withdrawn"),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Answered or withdrawn already"),
        (status = 422, body = Problem, description = "No reason given"),
    ))]
pub async fn withdraw_request(
    State(app): State<App>,
    user: CurrentUser,
    Path((room_id, request_id)): Path<(Uuid, Uuid)>,
    Json(request): Json<ReasonRequest>,
) -> RoomAnswer {
    let reason = reason(&request)?;
    request_step(
        &app,
        &user,
        room_id,
        request_id,
        RequestAction::Withdraw,
        reason,
    )
    .await
}

/// The caseworker asks the body to answer again (a new statement version).
#[utoipa::path(post, path = "/api/rooms/{room_id}/statement-requests/{request_id}/reopen",
    tag = "participation",
    params(("room_id" = Uuid, Path), ("request_id" = Uuid, Path)),
    request_body = ReasonRequest,
    responses(
        (status = 200, body = RoomView, description = "Reopened"),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Not answered"),
        (status = 422, body = Problem, description = "No reason given"),
    ))]
pub async fn reopen_request(
    State(app): State<App>,
    user: CurrentUser,
    Path((room_id, request_id)): Path<(Uuid, Uuid)>,
    Json(request): Json<ReasonRequest>,
) -> RoomAnswer {
    let reason = reason(&request)?;
    request_step(
        &app,
        &user,
        room_id,
        request_id,
        RequestAction::Reopen,
        reason,
    )
    .await
}

async fn request_step(
    app: &App,
    user: &CurrentUser,
    room_id: Uuid,
    request_id: Uuid,
    action: RequestAction,
    reason: String,
) -> RoomAnswer {
    let ctx = room_for(app, user, room_id).await?;
    let mut write = app.db.begin_room_write(&app.bus).await?;
    let (row, _) = request_in_write(&mut write, &ctx, request_id, action).await?;
    let body_id = row.body_id();
    let (status, payload) = match action {
        RequestAction::Withdraw => (
            RequestStatus::Withdrawn,
            EventPayload::StatementRequestWithdrawn {
                request_id,
                body_id,
                reason,
            },
        ),
        _ => (
            RequestStatus::Reopened,
            EventPayload::StatementRequestReopened {
                request_id,
                body_id,
                reason,
            },
        ),
    };
    repo_procedure::set_request_status(&mut write.tx, request_id, status).await?;
    events::append(&mut write, room_id, Some(&user.actor()), &payload).await?;
    write.commit().await?;
    Ok(axum::Json(room_view(app, user, room_id).await?))
}

/// The caseworker shows the newest statement of a request to the applicants.
#[utoipa::path(post, path = "/api/rooms/{room_id}/statement-requests/{request_id}/release",
    tag = "participation",
    params(("room_id" = Uuid, Path), ("request_id" = Uuid, Path)),
    responses(
        (status = 200, body = RoomView, description = "Released"),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Nothing to release"),
    ))]
pub async fn release_statement(
    State(app): State<App>,
    user: CurrentUser,
    Path((room_id, request_id)): Path<(Uuid, Uuid)>,
) -> RoomAnswer {
    let ctx = room_for(&app, &user, room_id).await?;
    let mut write = app.db.begin_room_write(&app.bus).await?;
    let (row, latest) =
        request_in_write(&mut write, &ctx, request_id, RequestAction::Release).await?;
    let statement = latest.ok_or_else(|| ApiError::not_found("statement"))?;
    repo_procedure::release_statement(&mut write.tx, &statement.id).await?;
    let payload = EventPayload::StatementReleased {
        statement_id: repo_id(&statement.id),
        body_name: row.body_name.clone(),
        verdict: statement.verdict(),
    };
    events::append(&mut write, room_id, Some(&user.actor()), &payload).await?;
    write.commit().await?;
    Ok(axum::Json(room_view(&app, &user, room_id).await?))
}

/// The caseworker decides and releases the notice (and a fee notice) into
/// the room. Each condition names the statement it came from, where it did.
#[utoipa::path(post, path = "/api/rooms/{room_id}/decision", tag = "procedure",
    params(("room_id" = Uuid, Path)), request_body = DecisionRequest,
    responses(
        (status = 200, body = RoomView, description = "Decided; the notice awaits retrieval"),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Not in review, or bodies still have time"),
        (status = 422, body = Problem, description = "Conditions, notice or fee not acceptable"),
    ))]
pub async fn decide(
    State(app): State<App>,
    user: CurrentUser,
    Path(room_id): Path<Uuid>,
    Json(request): Json<DecisionRequest>,
) -> RoomAnswer {
    let ctx = room_for(&app, &user, room_id).await?;
    authorize(&app, &user, &ctx, RoomAction::Decide).await?;
    let conditions = decision_conditions(&app, &ctx, &request).await?;
    office_document(
        &app,
        &ctx,
        request.notice_version_id,
        DocumentCategory::Notice,
    )
    .await?;
    if let Some(fee) = &request.fee {
        if !(1..=10_000_000_000).contains(&fee.amount_cents) {
            return Err(ApiError::invalid(
                "fee.amount_cents",
                "The fee must be a positive amount in cents, at most 100 million euros.",
            ));
        }
        office_document(&app, &ctx, fee.version_id, DocumentCategory::FeeNotice).await?;
    }

    let mut write = app.db.begin_room_write(&app.bus).await?;
    expect_status(&mut write, room_id, RoomStatus::InReview).await?;
    repo_procedure::insert_decision(
        &mut write.tx,
        &repo_procedure::NewDecision {
            room_id,
            outcome: request.outcome,
            conditions: &conditions,
            notice_version_id: request.notice_version_id,
            fee: request.fee.as_ref(),
            decided_by: user.id,
        },
    )
    .await?;
    let actor = user.actor();
    let payload = EventPayload::DecisionMade {
        outcome: request.outcome,
        conditions,
        notice_version_id: request.notice_version_id,
        fee_amount_cents: request.fee.as_ref().map(|f| f.amount_cents),
    };
    events::append(&mut write, room_id, Some(&actor), &payload).await?;
    transition(&mut write, &ctx, Transition::Decide, &actor, None).await?;
    write.commit().await?;
    let mail = Notification {
        kind: NotificationKind::NoticeReady,
        subject_de: format!("Ihr Bescheid liegt bereit: {}", ctx.room.title),
        subject_en: format!("Your notice is ready: {}", ctx.room.title),
        body_de: format!(
            "Das Bauamt hat über Ihren Antrag „{}“ entschieden. Der Bescheid liegt im \
             Vorgangsraum zum Abruf bereit; mit dem Abruf gilt er am Folgetag als bekanntgegeben.",
            ctx.room.title
        ),
        body_en: format!(
            "The building office has decided on your application \"{}\". The notice waits in \
             the case room; once retrieved, it counts as delivered on the following day.",
            ctx.room.title
        ),
        path: format!("/rooms/{room_id}"),
    };
    let applicants = room_repo::applicant_ids(&app.db.read, &ctx.room.id).await?;
    notify::send(&app, &applicants, &mail).await;
    Ok(axum::Json(room_view(&app, &user, room_id).await?))
}

async fn decision_conditions(
    app: &App,
    ctx: &RoomContext,
    request: &DecisionRequest,
) -> ApiResult<Vec<DecisionCondition>> {
    match (request.outcome, request.conditions.is_empty()) {
        (DecisionOutcome::ApprovedWithConditions, true) => {
            return Err(ApiError::invalid(
                "conditions",
                "An approval with conditions needs at least one condition.",
            ));
        }
        (DecisionOutcome::ApprovedWithConditions, false) => {}
        (_, false) => {
            return Err(ApiError::invalid(
                "conditions",
                "Only an approval with conditions has conditions; choose that outcome or \
                 remove them.",
            ));
        }
        (_, true) => return Ok(Vec::new()),
    }
    let texts = condition_texts(
        request.conditions.iter().map(|c| c.text.as_str()),
        "conditions",
    )?;
    let statements = repo_procedure::statements(&app.db.read, &ctx.room.id).await?;
    request
        .conditions
        .iter()
        .zip(texts)
        .enumerate()
        .map(|(i, (condition, text))| {
            if let Some(id) = condition.statement_id
                && !statements.iter().any(|s| repo_id(&s.id) == id)
            {
                return Err(ApiError::invalid(
                    &format!("conditions[{i}].statement_id"),
                    "This condition names a statement that is not part of this room.",
                ));
            }
            Ok(DecisionCondition {
                text,
                statement_id: condition.statement_id,
            })
        })
        .collect()
}

/// A version the office uploaded in `category`, as a PDF.
async fn office_document(
    app: &App,
    ctx: &RoomContext,
    version_id: Uuid,
    category: DocumentCategory,
) -> ApiResult<()> {
    let field = match category {
        DocumentCategory::Notice => "notice_version_id",
        _ => "fee.version_id",
    };
    let version = room_repo::stored_version(&app.db.read, ctx.room.id(), version_id).await?;
    match version {
        Some(v) if v.category == category.as_str() && v.media_type == "application/pdf" => Ok(()),
        Some(v) if v.category == category.as_str() => Err(ApiError::invalid(
            field,
            "The notice must be a PDF; upload it as a PDF and choose that version.",
        )),
        _ => Err(ApiError::invalid(
            field,
            format!(
                "Upload the {} into this room first (category \"{}\") and choose that version.",
                if category == DocumentCategory::Notice {
                    "notice"
                } else {
                    "fee notice"
                },
                category.as_str()
            ),
        )),
    }
}

/// An applicant fetched a version: if it is the released notice and nobody
/// fetched it before, that is its delivery, and the room moves on.
pub async fn deliver_notice(
    write: &mut RoomWrite,
    ctx: &RoomContext,
    version_id: Uuid,
    actor: &ActorRef,
) -> ApiResult<()> {
    let Some(decision) = repo_procedure::decision(&mut *write.tx, &ctx.room.id).await? else {
        return Ok(());
    };
    if decision.notice_version_id != version_id.to_string() || decision.retrieved_at.is_some() {
        return Ok(());
    }
    if !repo_procedure::mark_retrieved(&mut write.tx, ctx.room.id(), actor.user_id).await? {
        return Ok(());
    }
    let payload = EventPayload::NoticeDelivered {
        version_id,
        retrieved_by: actor.user_id,
        delivery_date: procedure::delivery_date(Utc::now()),
    };
    events::append(write, ctx.room.id(), Some(actor), &payload).await?;
    transition(write, ctx, Transition::DeliverNotice, actor, None).await
}

/// The consulted body member's inbox: open requests in every room, soonest
/// deadline first.
#[utoipa::path(get, path = "/api/inbox", tag = "participation", responses(
    (status = 200, body = Vec<InboxItem>),
    (status = 401, body = Problem),
))]
pub async fn list_inbox(
    State(app): State<App>,
    user: CurrentUser,
) -> ApiResult<axum::Json<Vec<InboxItem>>> {
    let rows = repo_procedure::inbox(&app.db.read, user.id).await?;
    let mut rooms: Vec<String> = rows.iter().map(|r| r.room_id.clone()).collect();
    rooms.sort();
    rooms.dedup();
    let mut items = Vec::new();
    for room_id in rooms {
        let Some(ctx) = room_repo::context(&app.db.read, user.id, repo_id(&room_id)).await? else {
            continue;
        };
        if ctx.room.status() != RoomStatus::InReview || ctx.role != RoomRole::ConsultedBody {
            continue;
        }
        let view = room_repo::view(&app.db.read, &ctx, user.id).await?;
        for request in view.statement_requests {
            if request.status.awaits_answer() {
                items.push(InboxItem {
                    room_id: view.id,
                    room_title: view.title.clone(),
                    site_address: view.site_address.clone(),
                    case_number: view.case_number.clone(),
                    office_name: view.office.name.clone(),
                    request,
                });
            }
        }
    }
    items.sort_by_key(|item| item.request.deadline.due_at);
    Ok(axum::Json(items))
}
