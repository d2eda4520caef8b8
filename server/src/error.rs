//! The one error type of the HTTP handlers, answered as an RFC 9457 problem.
//!
//! Domain refusals carry a stable `code` and a sentence saying what the user
//! can do. Internal errors are logged once here, with their cause chain, and
//! the client sees only an error id to quote.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::Problem;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
    pub field: Option<String>,
    /// For `stale_field`: the field as it stands now.
    pub current: Option<Box<shared::FormFieldView>>,
    /// Only for 5xx: what went wrong inside, for the log.
    source: Option<anyhow::Error>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            detail: detail.into(),
            field: None,
            current: None,
            source: None,
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> ApiError {
        self.field = Some(field.into());
        self
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, detail)
    }

    pub fn invalid(field: &str, detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", detail).with_field(field)
    }

    pub fn unauthenticated() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "You are not logged in, or your session has ended. Please log in again.",
        )
    }

    pub fn forbidden(code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, code, detail)
    }

    /// Also used where something exists but the caller may not know that it
    /// does: a room of someone else answers exactly like a missing one.
    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("There is no {what} here, or you have no access to it."),
        )
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, code, detail)
    }

    pub fn internal(source: impl Into<anyhow::Error>) -> ApiError {
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            detail: "Something went wrong on our side; nothing was changed. Please try again."
                .into(),
            field: None,
            current: None,
            source: Some(source.into()),
        }
    }

    /// A write to a form field based on a version older than the stored one.
    pub fn stale_field(current: shared::FormFieldView) -> ApiError {
        let who = current
            .updated_by
            .as_ref()
            .map_or("Someone", |actor| actor.display_name.as_str());
        let mut error = ApiError::conflict(
            "stale_field",
            format!(
                "{who} changed this field while you were editing it. Take their value, or \
                 save yours again on top of it (version {}).",
                current.version
            ),
        )
        .with_field(current.field.as_str());
        error.current = Some(Box::new(current));
        error
    }

    pub fn unavailable(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", detail)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> ApiError {
        if let Some(db) = err.as_database_error() {
            if let Some(constraint) = db.constraint().map(str::to_owned) {
                return constraint_violation(&constraint, err);
            }
            // SQLite names no constraint; it says which columns in the message.
            if db.is_unique_violation() {
                let message = db.message().to_owned();
                return constraint_violation(&message, err);
            }
        }
        ApiError::internal(err)
    }
}

/// Maps a violated constraint (by name on PostgreSQL, by message on SQLite) to
/// a 4xx the user can act on; an unknown one stays a 500.
fn constraint_violation(name: &str, err: sqlx::Error) -> ApiError {
    if name.contains("users_email_key") || name.contains("users.email") {
        return ApiError::conflict(
            "email_taken",
            "An account with this e-mail address exists already. Log in with it instead.",
        )
        .with_field("email");
    }
    if name.contains("offices_name_key") || name.contains("offices.name") {
        return ApiError::conflict("office_exists", "An office with this name exists already.")
            .with_field("name");
    }
    if name.contains("procedure_types_office_key_key") || name.contains("procedure_types.key") {
        return ApiError::conflict(
            "duplicate_key",
            "This office has a procedure type with this key already. Choose another key.",
        )
        .with_field("key");
    }
    if name.contains("office_staff") {
        return ApiError::conflict(
            "already_staff",
            "This person works in this office already; change their role instead.",
        )
        .with_field("email");
    }
    if name.contains("body_members") {
        return ApiError::conflict(
            "already_body_member",
            "This person is in this body already.",
        )
        .with_field("email");
    }
    if name.contains("bodies_office_key_key") || name.contains("bodies.key") {
        return ApiError::conflict(
            "duplicate_body_key",
            "This office has a consulted body with this key already. Choose another key or \
             name.",
        )
        .with_field("key");
    }
    if name.contains("room_members") {
        return ApiError::conflict("already_member", "This person is in the room already.");
    }
    ApiError::internal(err)
}

impl From<anyhow::Error> for ApiError {
    fn from(err: anyhow::Error) -> ApiError {
        ApiError::internal(err)
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        let status = rejection.status();
        let code = match status {
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "expected_json",
            StatusCode::PAYLOAD_TOO_LARGE => "body_too_large",
            _ => "malformed_json",
        };
        ApiError::new(
            status,
            code,
            format!(
                "The request body was not accepted: {}",
                rejection.body_text()
            ),
        )
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> ApiError {
        ApiError::bad_request("malformed_query", rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> ApiError {
        ApiError::not_found("such address")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let error_id = self.source.as_ref().map(|source| {
            let id = uuid::Uuid::new_v4().simple().to_string();
            tracing::error!(error.id = %id, error.cause = ?source, "request failed");
            id
        });
        if self.status == StatusCode::FORBIDDEN {
            // The request's span names the person and the route.
            tracing::info!(
                target: "security",
                event = "access_refused",
                code = self.code,
                "refused"
            );
        }
        let problem = Problem {
            kind: "about:blank".into(),
            title: self.status.canonical_reason().unwrap_or("Error").into(),
            status: self.status.as_u16(),
            detail: self.detail,
            code: self.code.into(),
            field: self.field,
            error_id,
            current: self.current,
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    }
}
