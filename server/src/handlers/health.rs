//! Liveness, readiness and what the interface must know before it sends.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use shared::{ClientConfig, Readiness};

use crate::app::App;

/// The process is up.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses((status = 200, description = "The process is up")))]
pub async fn healthz() -> &'static str {
    "ok"
}

/// The database and the document store answer.
#[utoipa::path(get, path = "/readyz", tag = "operations", responses(
    (status = 200, body = Readiness, description = "Ready to serve"),
    (status = 503, body = Readiness, description = "A dependency does not answer"),
))]
pub async fn readyz(State(app): State<App>) -> impl IntoResponse {
    let (database, store) = tokio::join!(app.db.ping(), app.store.ping());
    let status = if database && store {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(Readiness { database, store }))
}

/// Limits the interface checks before sending anything.
#[utoipa::path(
    get,
    path = "/api/config",
    tag = "operations",
    responses((status = 200, body = ClientConfig)))]
pub async fn client_config(State(app): State<App>) -> axum::Json<ClientConfig> {
    axum::Json(ClientConfig {
        max_upload_bytes: app.config.max_upload_bytes,
    })
}
