//! The caseworker's queue.

use axum::extract::State;
use shared::QueueItem;

use crate::app::App;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::repo;

/// Submitted rooms of the caller's offices that are still open, longest
/// waiting first. Empty for people who are not caseworkers.
#[utoipa::path(get, path = "/api/queue", tag = "rooms", responses(
    (status = 200, body = Vec<QueueItem>),
    (status = 401, body = shared::Problem),
))]
pub async fn list_queue(
    State(app): State<App>,
    user: CurrentUser,
) -> ApiResult<axum::Json<Vec<QueueItem>>> {
    Ok(axum::Json(repo::rooms::queue(&app.db.read, user.id).await?))
}
