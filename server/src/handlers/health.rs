//! Liveness, readiness and what the interface must know before it sends.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use shared::{ClientConfig, Problem, Readiness};
use subtle::ConstantTimeEq;

use crate::app::App;
use crate::error::{ApiError, ApiResult};

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
        sso_label: app.sso.as_ref().map(|sso| sso.label().to_owned()),
    })
}

/// Prometheus metrics: requests by route and status with their latency,
/// open live sockets, uploaded bytes, events written. Only with
/// `VR_METRICS_TOKEN` set, and only for a scrape that sends it as a bearer
/// token: route names and counts are nobody else's business.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses(
    (status = 200, content_type = "text/plain", body = String,
        description = "The Prometheus text format"),
    (status = 401, body = Problem, description = "No or a wrong bearer token"),
    (status = 404, body = Problem, description = "Metrics are off (no VR_METRICS_TOKEN)"),
))]
pub async fn metrics(State(app): State<App>, headers: HeaderMap) -> ApiResult<impl IntoResponse> {
    let Some(token) = &app.config.metrics_token else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "metrics_off",
            "Metrics are off on this server; the operator turns them on with VR_METRICS_TOKEN.",
        ));
    };
    let sent = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !bool::from(sent.as_bytes().ct_eq(token.expose().as_bytes())) {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "metrics_token",
            "A scrape of /metrics must send the configured token as `Authorization: Bearer …`.",
        ));
    }
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        crate::telemetry::render(),
    ))
}
