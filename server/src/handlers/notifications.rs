//! The logged-in person's e-mail preferences: which kinds of mail they get.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use shared::{NotificationKind, NotificationPreferences, NotificationSetting, Problem};

use super::Json;
use crate::app::App;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::repo;

/// Every kind of e-mail, each on or off for the caller.
#[utoipa::path(get, path = "/api/me/notifications", tag = "accounts", responses(
    (status = 200, body = NotificationPreferences),
    (status = 401, body = Problem, description = "Not logged in"),
))]
pub async fn get_notification_preferences(
    State(app): State<App>,
    user: CurrentUser,
) -> ApiResult<axum::Json<NotificationPreferences>> {
    Ok(axum::Json(preferences_of(&app, &user).await?))
}

/// Replaces the caller's preferences: a kind left out is switched on.
#[utoipa::path(
    put,
    path = "/api/me/notifications",
    tag = "accounts",
    request_body = NotificationPreferences,
    responses(
        (status = 200, body = NotificationPreferences, description = "Saved; as now stored"),
        (status = 401, body = Problem, description = "Not logged in"),
        (status = 422, body = Problem, description = "An unknown kind, or one listed twice"),
    )
)]
pub async fn update_notification_preferences(
    State(app): State<App>,
    user: CurrentUser,
    Json(request): Json<RequestedPreferences>,
) -> ApiResult<axum::Json<NotificationPreferences>> {
    let off = switched_off(&request)?;
    let mut tx = app.db.begin().await?;
    repo::notifications::replace_switched_off(&mut tx, user.id, &off).await?;
    tx.commit().await?;
    tracing::info!(switched_off = off.len(), "notification preferences saved");
    Ok(axum::Json(preferences_of(&app, &user).await?))
}

/// [`NotificationPreferences`] as it arrives, with kinds still as text, so
/// that an unknown kind is named in the answer with where it stood.
#[derive(Deserialize)]
pub struct RequestedPreferences {
    settings: Vec<RequestedSetting>,
}

#[derive(Deserialize)]
struct RequestedSetting {
    kind: String,
    enabled: bool,
}

/// The kinds the request switches off, or a 422 naming the first bad entry.
fn switched_off(request: &RequestedPreferences) -> ApiResult<Vec<NotificationKind>> {
    let mut seen = Vec::new();
    let mut off = Vec::new();
    for (i, setting) in request.settings.iter().enumerate() {
        let field = format!("settings[{i}].kind");
        let kind = NotificationKind::parse(&setting.kind).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_notification_kind",
                format!(
                    "There is no kind of e-mail called {:?}. Known kinds: {}.",
                    setting.kind,
                    known_kinds()
                ),
            )
            .with_field(field.clone())
        })?;
        if seen.contains(&kind) {
            return Err(ApiError::invalid(
                &field,
                format!("{:?} is listed twice; list each kind once.", setting.kind),
            ));
        }
        seen.push(kind);
        if !setting.enabled {
            off.push(kind);
        }
    }
    Ok(off)
}

fn known_kinds() -> String {
    NotificationKind::ALL
        .map(NotificationKind::as_str)
        .join(", ")
}

async fn preferences_of(app: &App, user: &CurrentUser) -> ApiResult<NotificationPreferences> {
    let off = repo::notifications::switched_off(&app.db.read, user.id).await?;
    let settings = NotificationKind::ALL
        .into_iter()
        .map(|kind| NotificationSetting {
            kind,
            enabled: !off.contains(&kind),
        })
        .collect();
    Ok(NotificationPreferences { settings })
}
