//! What the operator of the installation does: list the offices and add
//! one with its first admin. The operator sees nothing inside an office —
//! no rooms, no staff by name, no settings — only how many people work
//! there. To everyone else these routes do not exist.

use axum::extract::State;
use axum::http::StatusCode;
use shared::{CreateOfficeRequest, OfficeRole, OperatorOffice, Problem};

use super::{Json, office_refusal};
use crate::app::App;
use crate::auth::CurrentUser;
use crate::domain::policy::office::{self as office_policy, OperatorAction};
use crate::domain::values::{Email, FederalState, Line};
use crate::error::{ApiError, ApiResult};
use crate::repo::{self, organisations as org};

/// Every office with its state, when it was added and the size of its staff.
#[utoipa::path(get, path = "/api/operator/offices", tag = "operator",
    responses(
        (status = 200, body = Vec<OperatorOffice>),
        (status = 401, body = Problem),
        (status = 404, body = Problem, description = "The caller is not the operator"),
    ))]
pub async fn list_operator_offices(
    State(app): State<App>,
    user: CurrentUser,
) -> ApiResult<axum::Json<Vec<OperatorOffice>>> {
    office_policy::check_operator(OperatorAction::ListOffices, user.is_operator)
        .map_err(office_refusal)?;
    Ok(axum::Json(org::operator_offices(&app.db.read).await?))
}

/// Adds an office with the default procedure types and consulted bodies,
/// and makes the holder of an existing account its first admin, who takes
/// it from there.
#[utoipa::path(post, path = "/api/operator/offices", tag = "operator",
    request_body = CreateOfficeRequest,
    responses(
        (status = 201, body = OperatorOffice),
        (status = 401, body = Problem),
        (status = 404, body = Problem, description = "The caller is not the operator"),
        (status = 409, body = Problem, description = "`office_exists`: the name is taken"),
        (status = 422, body = Problem, description = "`no_account`: nobody has registered with \
            the first admin's address; or a field is not acceptable"),
    ))]
pub async fn create_office(
    State(app): State<App>,
    user: CurrentUser,
    Json(request): Json<CreateOfficeRequest>,
) -> ApiResult<(StatusCode, axum::Json<OperatorOffice>)> {
    office_policy::check_operator(OperatorAction::AddOffice, user.is_operator)
        .map_err(office_refusal)?;
    let name = Line::parse(&request.name, "office name", 200)
        .map_err(|e| ApiError::invalid("name", e.0))?
        .into_string();
    let state = FederalState::parse(&request.state).map_err(|e| ApiError::invalid("state", e.0))?;
    let email = Email::parse(&request.first_admin_email)
        .map_err(|e| ApiError::invalid("first_admin_email", e.0))?;

    let mut tx = app.db.begin().await?;
    let admin = org::person_by_email(&mut tx, email.as_str())
        .await?
        .ok_or_else(no_first_admin)?;
    let office_id = repo::offices::create(&mut tx, &name, state.as_str()).await?;
    repo::users::add_staff(&mut tx, office_id, admin.user_id, OfficeRole::OfficeAdmin).await?;
    tx.commit().await?;

    tracing::info!(
        target: "security",
        event = "office_added",
        actor = %user.id,
        subject = %admin.user_id,
        office = %office_id,
        "the operator added an office with its first admin"
    );
    let created = org::operator_offices(&app.db.read)
        .await?
        .into_iter()
        .find(|o| o.id == office_id)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("the new office is gone")))?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

fn no_first_admin() -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "no_account",
        "Nobody has registered with the first admin's e-mail address. Ask them to register \
         in the case room first, then add the office again.",
    )
    .with_field("first_admin_email")
}
