//! The caseworker's queue.

use axum::extract::State;
use serde::Deserialize;
use shared::{QueueItem, RoomStatus};

use super::Query;
use crate::app::App;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::repo;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct QueueQuery {
    /// Only rooms in this status.
    #[serde(default)]
    #[param(value_type = Option<String>, example = "in_review")]
    pub status: Option<RoomStatus>,
    /// Only rooms with a deadline that has passed.
    #[serde(default)]
    pub overdue: bool,
    /// Only rooms the caller took (by starting their check).
    #[serde(default)]
    pub mine: bool,
}

/// Submitted rooms of the caller's offices that are still open, the one
/// whose next deadline ends soonest first. Empty for people who are not
/// caseworkers.
#[utoipa::path(get, path = "/api/queue", tag = "rooms", params(QueueQuery), responses(
    (status = 200, body = Vec<QueueItem>),
    (status = 400, body = shared::Problem, description = "An unknown status or a malformed flag"),
    (status = 401, body = shared::Problem),
))]
pub async fn list_queue(
    State(app): State<App>,
    user: CurrentUser,
    Query(query): Query<QueueQuery>,
) -> ApiResult<axum::Json<Vec<QueueItem>>> {
    let filter = repo::rooms::QueueFilter {
        status: query.status,
        overdue: query.overdue,
        mine: query.mine,
    };
    Ok(axum::Json(
        repo::rooms::queue(&app.db.read, user.id, &filter).await?,
    ))
}
