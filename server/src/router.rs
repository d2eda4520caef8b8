//! Every route of the server, in one place, and the layers around them.

use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tracing::Span;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;
use crate::error::ApiError;
use crate::handlers::{
    account, auth, documents, form, health, invitations, live, messages, notifications, offices,
    operator, organisations, procedure, procedure_types, queue, rooms, sso, uploads,
};

/// The header every state-changing API request must carry. A page of another
/// site cannot set it without a CORS preflight, which we never grant.
pub const CSRF_HEADER: &str = "x-requested-with";
pub const CSRF_VALUE: &str = "vorgangsraum";

/// The policy for the application's own pages: the wasm needs
/// `wasm-unsafe-eval`, nothing else runs that is not ours.
const APP_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

#[derive(OpenApi)]
#[openapi(info(
    title = "Vorgangsraum",
    description = "The collaborative case room for building-permit procedures. Every error \
                   is an RFC 9457 problem document; state-changing requests need the header \
                   `X-Requested-With: vorgangsraum`."
))]
struct ApiDoc;

/// The API's routes with their OpenAPI description.
pub fn api() -> OpenApiRouter<App> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(health::metrics))
        .routes(routes!(health::client_config))
        .routes(routes!(auth::register))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::refresh))
        .routes(routes!(auth::me))
        .routes(routes!(sso::start_sso_login))
        .routes(routes!(sso::finish_sso_login))
        .routes(routes!(account::list_sessions))
        .routes(routes!(account::revoke_session))
        .routes(routes!(account::resend_verification))
        .routes(routes!(account::confirm_email))
        .routes(routes!(account::request_password_reset))
        .routes(routes!(account::confirm_password_reset))
        .routes(routes!(
            notifications::get_notification_preferences,
            notifications::update_notification_preferences
        ))
        .routes(routes!(offices::list_offices))
        .routes(routes!(
            procedure_types::list_procedure_types,
            procedure_types::create_procedure_type
        ))
        .routes(routes!(procedure_types::update_procedure_type))
        .routes(routes!(organisations::list_staff, organisations::add_staff))
        .routes(routes!(
            organisations::change_staff_role,
            organisations::remove_staff
        ))
        .routes(routes!(
            organisations::list_office_bodies,
            organisations::create_body
        ))
        .routes(routes!(organisations::rename_body))
        .routes(routes!(organisations::add_body_member))
        .routes(routes!(organisations::remove_body_member))
        .routes(routes!(
            organisations::get_office_settings,
            organisations::update_office_settings
        ))
        .routes(routes!(organisations::confirm_identity))
        .routes(routes!(
            operator::list_operator_offices,
            operator::create_office
        ))
        .routes(routes!(rooms::list_rooms, rooms::create_room))
        .routes(routes!(rooms::get_room))
        .routes(routes!(rooms::list_events))
        .routes(routes!(rooms::verify_room))
        .routes(routes!(rooms::export_room))
        .routes(routes!(rooms::sign_application, rooms::withdraw_signature))
        .routes(routes!(form::update_form_field))
        .routes(routes!(rooms::submit_application))
        .routes(routes!(rooms::start_check))
        .routes(routes!(procedure::request_missing_items))
        .routes(routes!(procedure::resubmit_application))
        .routes(routes!(procedure::mark_complete))
        .routes(routes!(procedure::withdraw_application))
        .routes(routes!(procedure::deem_withdrawn))
        .routes(routes!(procedure::list_bodies))
        .routes(routes!(procedure::request_statements))
        .routes(routes!(procedure::mark_request_read))
        .routes(routes!(procedure::request_extension))
        .routes(routes!(procedure::grant_extension))
        .routes(routes!(procedure::submit_statement))
        .routes(routes!(procedure::withdraw_request))
        .routes(routes!(procedure::reopen_request))
        .routes(routes!(procedure::release_statement))
        .routes(routes!(procedure::decide))
        .routes(routes!(procedure::record_fee_payment))
        .routes(routes!(procedure::close_room))
        .routes(routes!(procedure::list_inbox))
        .routes(routes!(invitations::invite_member))
        .routes(routes!(invitations::remove_member))
        .routes(routes!(invitations::preview_invitation))
        .routes(routes!(invitations::accept_invitation))
        .routes(routes!(documents::upload_document))
        .routes(routes!(documents::upload_statement_attachment))
        .routes(routes!(documents::download_document))
        .routes(routes!(uploads::start_upload))
        .routes(routes!(
            uploads::get_upload,
            uploads::put_chunk,
            uploads::cancel_upload
        ))
        .routes(routes!(uploads::complete_upload))
        .routes(routes!(messages::list_threads, messages::start_thread))
        .routes(routes!(messages::post_message))
        .routes(routes!(messages::mark_thread_read))
        .routes(routes!(queue::list_queue))
        .routes(routes!(live::live_socket))
}

/// The OpenAPI description of the whole API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().split_for_parts().1
}

pub fn router(app: App) -> Router {
    crate::telemetry::handle();
    let (api, description) = api().split_for_parts();
    let frontend = &app.config.frontend_dir;
    let spa = ServeDir::new(frontend).fallback(ServeFile::new(frontend.join("index.html")));
    // Served over TLS (through the proxy named in VR_PUBLIC_URL), browsers
    // are told to come back only over TLS, for a year. Over plain HTTP the
    // header would be ignored and only mislead.
    let hsts = app
        .config
        .secure_cookies()
        .then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains"));

    api.route(
        "/api/openapi.json",
        get(move || async move { axum::Json(description) }),
    )
    .route("/api/{*rest}", axum::routing::any(unknown_api_route))
    .method_not_allowed_fallback(method_not_allowed)
    .layer(middleware::from_fn(csrf_guard))
    .layer(middleware::from_fn(crate::telemetry::record))
    .layer(
        TraceLayer::new_for_http()
            .make_span_with(request_span)
            .on_request(())
            .on_response(log_response)
            .on_failure(()),
    )
    .layer(PropagateRequestIdLayer::x_request_id())
    .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
    .fallback_service(spa)
    .layer(default_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
    .layer(default_header(header::REFERRER_POLICY, "no-referrer"))
    .layer(default_header(header::X_FRAME_OPTIONS, "DENY"))
    .layer(default_header(header::CONTENT_SECURITY_POLICY, APP_CSP))
    .layer(SetResponseHeaderLayer::if_not_present(
        header::STRICT_TRANSPORT_SECURITY,
        move |_: &Response| hsts.clone(),
    ))
    .with_state(app)
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "This address does not take this kind of request; see /api/openapi.json.",
    )
}

async fn unknown_api_route() -> ApiError {
    ApiError::not_found("such API route")
}

/// Refuses state-changing API requests without the CSRF header.
async fn csrf_guard(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let carries_header = request
        .headers()
        .get(CSRF_HEADER)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(CSRF_VALUE.as_bytes()));
    if safe || carries_header || !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    ApiError::forbidden(
        "csrf_header_missing",
        "This request did not come from the case room's own pages. Reload the page and try again.",
    )
    .into_response()
}

fn request_span(request: &Request) -> Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "(unmatched)".into());
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    tracing::info_span!(
        "request",
        http.method = %request.method(),
        http.route = %route,
        request.id = %request_id,
        user_id = tracing::field::Empty,
        room_id = tracing::field::Empty,
    )
}

fn log_response(response: &Response, latency: Duration, _span: &Span) {
    tracing::info!(
        http.status = response.status().as_u16(),
        latency_ms = latency.as_millis() as u64,
        "request done"
    );
}

/// A header set on every response that has not set it itself (a download
/// sets a stricter CSP of its own).
fn default_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
