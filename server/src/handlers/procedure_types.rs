//! An office's procedure types, as its admin keeps them: names, checklist and
//! deadline rules. Who may do this is decided in `domain::policy::office`, what
//! is acceptable in `domain::procedure_types`.
//!
//! Rooms read their procedure type when they are shown, so a change reaches
//! the rooms already running too: their checklist is the new one from then
//! on, and their deadlines are computed with the new rules from then on
//! (a deadline already past stays past). Nothing of a room's record changes.
//! This is the decision for now; freezing a type per room at submission would
//! be a change of its own.

use axum::extract::State;
use axum::http::StatusCode;
use shared::{CreateProcedureTypeRequest, Problem, ProcedureType, UpdateProcedureTypeRequest};
use uuid::Uuid;

use super::{Json, Path, authorize_office};
use crate::app::App;
use crate::auth::CurrentUser;
use crate::domain::policy::office::OfficeAction;
use crate::domain::procedure_types::{FieldError, ProcedureTypeKey, ProcedureTypeSettings};
use crate::error::{ApiError, ApiResult};
use crate::repo;
use crate::repo::offices::EditOutcome;

/// The office's procedure types with their checklists and deadline rules, for
/// its staff.
#[utoipa::path(
    get,
    path = "/api/offices/{office_id}/procedure-types",
    tag = "office",
    params(("office_id" = Uuid, Path)),
    responses(
        (status = 200, body = Vec<ProcedureType>),
        (status = 401, body = Problem),
        (status = 404, body = Problem, description = "No such office, or the caller does not \
                                                      work there"),
    )
)]
pub async fn list_procedure_types(
    State(app): State<App>,
    user: CurrentUser,
    Path(office_id): Path<Uuid>,
) -> ApiResult<axum::Json<Vec<ProcedureType>>> {
    authorize_office(&app, &user, office_id, OfficeAction::ReadProcedureTypes).await?;
    let types = repo::offices::procedure_types(&app.db.read, office_id).await?;
    Ok(axum::Json(types))
}

/// Adds a procedure type to the office (its admin only).
#[utoipa::path(
    post,
    path = "/api/offices/{office_id}/procedure-types",
    tag = "office",
    params(("office_id" = Uuid, Path)),
    request_body = CreateProcedureTypeRequest,
    responses(
        (status = 201, body = ProcedureType),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "The caller is not the office's admin"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`duplicate_key`: the office uses the key"),
        (status = 422, body = Problem, description = "A field is not acceptable"),
    )
)]
pub async fn create_procedure_type(
    State(app): State<App>,
    user: CurrentUser,
    Path(office_id): Path<Uuid>,
    Json(request): Json<CreateProcedureTypeRequest>,
) -> ApiResult<(StatusCode, axum::Json<ProcedureType>)> {
    authorize_office(&app, &user, office_id, OfficeAction::EditProcedureTypes).await?;
    let key = ProcedureTypeKey::parse(&request.key).map_err(|e| ApiError::invalid("key", e.0))?;
    let settings = ProcedureTypeSettings::parse(
        &request.name_de,
        &request.name_en,
        &request.required_categories,
        &request.deadline_rules,
    )
    .map_err(invalid)?;

    let mut tx = app.db.begin().await?;
    let id =
        repo::offices::insert_procedure_type(&mut tx, office_id, key.as_str(), &settings).await?;
    let created = repo::offices::full_procedure_type(&mut tx, office_id, id)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("the new procedure type is gone")))?;
    tx.commit().await?;

    record_change(office_id, id, &user, "procedure type added");
    Ok((StatusCode::CREATED, axum::Json(created)))
}

/// Changes a procedure type's names, checklist and deadline rules (the
/// office's admin only). The request names the version it was edited from;
/// if someone changed the type since, nothing is saved and the answer is 409
/// `stale_write`.
#[utoipa::path(
    put,
    path = "/api/offices/{office_id}/procedure-types/{procedure_type_id}",
    tag = "office",
    params(("office_id" = Uuid, Path), ("procedure_type_id" = Uuid, Path)),
    request_body = UpdateProcedureTypeRequest,
    responses(
        (status = 200, body = ProcedureType),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "The caller is not the office's admin"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`stale_write`: changed by someone else \
                                                      since the version sent"),
        (status = 422, body = Problem, description = "A field is not acceptable"),
    )
)]
pub async fn update_procedure_type(
    State(app): State<App>,
    user: CurrentUser,
    Path((office_id, procedure_type_id)): Path<(Uuid, Uuid)>,
    Json(request): Json<UpdateProcedureTypeRequest>,
) -> ApiResult<axum::Json<ProcedureType>> {
    authorize_office(&app, &user, office_id, OfficeAction::EditProcedureTypes).await?;
    let settings = ProcedureTypeSettings::parse(
        &request.name_de,
        &request.name_en,
        &request.required_categories,
        &request.deadline_rules,
    )
    .map_err(invalid)?;

    let mut tx = app.db.begin().await?;
    let outcome = repo::offices::update_procedure_type(
        &mut tx,
        office_id,
        procedure_type_id,
        request.version,
        &settings,
    )
    .await?;
    match outcome {
        EditOutcome::Saved => {}
        EditOutcome::Stale => return Err(stale_write()),
        EditOutcome::Missing => return Err(ApiError::not_found("procedure type")),
    }
    let saved = repo::offices::full_procedure_type(&mut tx, office_id, procedure_type_id)
        .await?
        .ok_or_else(|| ApiError::not_found("procedure type"))?;
    tx.commit().await?;

    record_change(
        office_id,
        procedure_type_id,
        &user,
        "procedure type changed",
    );
    Ok(axum::Json(saved))
}

/// Procedure types belong to the office, not to a room, so no room's event
/// log takes the change.
///
/// FIXME: an office-level audit log (who changed which setting, when, from
/// what to what) is wanted (issue #7); until it exists the change is only in
/// the server's log.
fn record_change(office_id: Uuid, procedure_type_id: Uuid, user: &CurrentUser, what: &str) {
    tracing::info!(
        office.id = %office_id,
        procedure_type.id = %procedure_type_id,
        actor.id = %user.id,
        "{what}"
    );
}

fn invalid(error: FieldError) -> ApiError {
    ApiError::invalid(error.field, error.message)
}

fn stale_write() -> ApiError {
    ApiError::conflict(
        "stale_write",
        "Someone else changed this procedure type after you opened it, so your change was \
         not saved. Reload it to see the current settings, then make your change again.",
    )
}
