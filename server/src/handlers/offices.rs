//! The building offices applicants can apply to.

use axum::extract::State;
use shared::OfficeSummary;

use crate::app::App;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::repo;

/// The offices with their procedure types, for starting a room.
#[utoipa::path(get, path = "/api/offices", tag = "rooms", responses(
    (status = 200, body = Vec<OfficeSummary>),
    (status = 401, body = shared::Problem),
))]
pub async fn list_offices(
    State(app): State<App>,
    _user: CurrentUser,
) -> ApiResult<axum::Json<Vec<OfficeSummary>>> {
    Ok(axum::Json(repo::offices::list(&app.db.read).await?))
}
