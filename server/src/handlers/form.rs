//! The application form: builder and designer write its fields at the same
//! time. Each field has its own version, so writes to different fields never
//! collide; a write to the same field based on an older version is refused
//! with the field as it stands (see `shared::form`).

use axum::extract::State;
use shared::*;
use uuid::Uuid;

use super::{Json, Path, authorize, room_for};
use crate::app::App;
use crate::auth::CurrentUser;
use crate::domain::form::checked_value;
use crate::error::{ApiError, ApiResult};
use crate::events;
use crate::handlers::rooms::expect_status;
use crate::repo;

/// Saves one field of the application form. Saving a value that is already
/// stored changes nothing and answers the field (a double click, a retry).
/// A change withdraws every declaration given so far, visibly in the log.
#[utoipa::path(
    put,
    path = "/api/rooms/{room_id}/form/{field}",
    tag = "rooms",
    params(
        ("room_id" = Uuid, Path),
        ("field" = FormField, Path, description = "e.g. `parcel`"),
    ),
    request_body = FormFieldWrite,
    responses(
        (status = 200, body = FormFieldView, description = "Saved (or unchanged)"),
        (status = 400, body = Problem, description = "Malformed JSON"),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "Only the applicants fill in the form"),
        (status = 404, body = Problem, description = "No such room or field"),
        (status = 409, body = Problem,
            description = "`stale_field`: changed meanwhile, `current` holds the field as \
                           it stands; `wrong_status`: no longer a draft"),
        (status = 422, body = Problem, description = "The value does not fit the field"),
    )
)]
pub async fn update_form_field(
    State(app): State<App>,
    user: CurrentUser,
    Path((room_id, field)): Path<(Uuid, String)>,
    Json(write): Json<FormFieldWrite>,
) -> ApiResult<axum::Json<FormFieldView>> {
    let ctx = room_for(&app, &user, room_id).await?;
    let field = FormField::parse(&field).ok_or_else(|| ApiError::not_found("such form field"))?;
    authorize(&app, &user, &ctx, RoomAction::EditForm).await?;
    let value = checked_value(field, &write.value)
        .map_err(|detail| ApiError::invalid(field.as_str(), detail))?;

    let mut tx = app.db.begin_room_write(&app.bus).await?;
    // Locks the room: two writers of one field are taken one after the other.
    expect_status(&mut tx, room_id, RoomStatus::Draft).await?;
    let current = repo::form::field(&mut tx.tx, room_id, field).await?;
    if current.value == value {
        return Ok(axum::Json(current));
    }
    if write.base_version < current.version {
        tracing::info!(field = field.as_str(), "stale form write refused");
        return Err(ApiError::stale_field(current));
    }
    if write.base_version > current.version {
        return Err(ApiError::invalid(
            "base_version",
            format!(
                "This field is at version {}; base your change on that version.",
                current.version
            ),
        ));
    }
    let version = current.version + 1;
    repo::form::write(&mut tx.tx, room_id, field, &value, version, user.id).await?;
    let actor = user.actor();
    let changed = EventPayload::FormFieldChanged {
        field,
        value,
        version,
    };
    events::append(&mut tx, room_id, Some(&actor), &changed).await?;
    // What was signed has changed: every declaration given lapses.
    for (signer, role) in repo::rooms::withdraw_signatures(&mut tx.tx, room_id, None).await? {
        let withdrawn = EventPayload::SignatureWithdrawn {
            user_id: signer,
            role,
            reason: "the application form changed after signing".into(),
        };
        events::append(&mut tx, room_id, Some(&actor), &withdrawn).await?;
    }
    let saved = repo::form::field(&mut tx.tx, room_id, field).await?;
    tx.commit().await?;
    Ok(axum::Json(saved))
}
