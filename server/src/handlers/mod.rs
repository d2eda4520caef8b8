//! HTTP handlers, one module per resource, named verb + noun. Each one reads
//! its input, asks `domain::policy`, calls `repo`, and appends to the room's
//! event log in the same transaction as its change.

pub mod account;
pub mod auth;
pub mod documents;
pub mod form;
pub mod health;
pub mod invitations;
pub mod live;
pub mod messages;
pub mod notifications;
pub mod offices;
pub mod operator;
pub mod organisations;
pub mod procedure;
pub mod procedure_types;
pub mod queue;
pub mod rooms;
pub mod sso;
pub mod uploads;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::app::App;
use crate::auth::CurrentUser;
use crate::domain::policy::office::{self as office_policy, OfficeAction, OfficeRefusal};
use crate::domain::policy::{self, Refusal};
use crate::error::{ApiError, ApiResult};
use crate::repo::rooms::{self as room_repo, RoomContext};

/// `axum::Json` whose rejections are problem documents.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(value) = axum::Json::<T>::from_request(req, state).await?;
        Ok(Json(value))
    }
}

/// `axum::extract::Query` whose rejections are problem documents.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Query(value) =
            axum::extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(Query(value))
    }
}

/// `axum::extract::Path` whose rejections are problem documents.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(value) =
            axum::extract::Path::<T>::from_request_parts(parts, state).await?;
        Ok(Path(value))
    }
}

/// The room with the caller's role in it; a room the caller may not see is
/// answered exactly like one that does not exist.
pub async fn room_for(app: &App, user: &CurrentUser, room_id: Uuid) -> ApiResult<RoomContext> {
    tracing::Span::current().record("room_id", tracing::field::display(room_id));
    room_repo::context(&app.db.read, user.id, room_id)
        .await?
        .ok_or_else(|| {
            // Also a mistyped address; the log cannot tell, and says both.
            tracing::info!(
                target: "security",
                event = "access_refused",
                code = "room_hidden",
                "room not visible to the caller, or not there"
            );
            ApiError::not_found("room")
        })
}

/// Asks the policy whether the caller may take `action` in the room now.
pub async fn authorize(
    app: &App,
    user: &CurrentUser,
    ctx: &RoomContext,
    action: shared::RoomAction,
) -> ApiResult<()> {
    let facts = room_repo::facts(&app.db.read, ctx, user.id).await?;
    policy::check(action, &facts).map_err(refusal)
}

pub fn refusal(refusal: Refusal) -> ApiError {
    if refusal.forbidden {
        // Logged as a security event with every other 403 (`error.rs`).
        ApiError::forbidden(refusal.code, refusal.detail)
    } else {
        ApiError::conflict(refusal.code, refusal.detail)
    }
}

/// Asks the office policy whether the caller may take `action` in the office:
/// to anyone who does not work there (the operator included) the office's
/// pages do not exist.
pub async fn authorize_office(
    app: &App,
    user: &CurrentUser,
    office_id: Uuid,
    action: OfficeAction,
) -> ApiResult<()> {
    let role = crate::repo::offices::staff_role(&app.db.read, office_id, user.id).await?;
    office_policy::check(action, role).map_err(office_refusal)
}

pub fn office_refusal(refusal: OfficeRefusal) -> ApiError {
    match refusal {
        OfficeRefusal::NotStaff => ApiError::not_found("office"),
        OfficeRefusal::NotOperator => ApiError::not_found("such API route"),
        OfficeRefusal::Forbidden(detail) => {
            tracing::info!(code = "not_allowed", "refused by office policy");
            ApiError::forbidden("not_allowed", detail)
        }
    }
}

/// Asks the policy whether the caller's trust level suffices for an
/// applicant's `action` in the room's office. The room view names the same
/// actions beforehand (`RoomView::identity_needed_for`).
pub async fn authorize_trust(
    app: &App,
    user: &CurrentUser,
    ctx: &RoomContext,
    action: shared::ApplicantAction,
) -> ApiResult<()> {
    let (required, trust) =
        crate::repo::organisations::trust_facts(&app.db.read, ctx.room.office_id(), user.id)
            .await?;
    policy::check_trust(action, &required, trust).map_err(refusal)
}
