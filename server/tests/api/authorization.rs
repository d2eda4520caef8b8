//! The authorization table: every endpoint × every role, with the expected
//! answer written in each row, refusals included. An endpoint in the OpenAPI
//! description without a row here fails the test.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use shared::*;
use uuid::Uuid;

use crate::support::*;

/// The columns, in the order of every row's expected statuses.
const ROLES: [&str; 12] = [
    "anonymous",
    "outsider",
    "builder",
    "designer",
    "other applicant",
    "caseworker",
    "office admin",
    "caseworker of another office",
    "admin of another office",
    "member of the body asked",
    "member of a body not asked",
    "operator",
];

/// What a row's request is made against; each row gets fresh ones.
struct Scene {
    office: Uuid,
    /// A session of someone who is no column of the table.
    foreign_session: Uuid,
    draft: RoomView,
    /// The other applicant in the draft and the submitted room.
    other_applicant: Uuid,
    submitted: RoomView,
    draft_version: Uuid,
    /// The builder's resumable uploads in the draft: one begun, one with
    /// every byte sent.
    draft_upload: Uuid,
    sent_upload: Uuid,
    invitation_token: String,
    /// In the completeness check.
    checking: RoomView,
    /// Waiting for missing items.
    awaiting: RoomView,
    /// In review: the fire service asked (open), nature conservation asked
    /// and answered (not released), monument protection asked for more time.
    review: RoomView,
    review_plan: Uuid,
    fire_request: Uuid,
    nature_request: Uuid,
    monument_request: Uuid,
    /// Decided, the notice retrieved.
    delivered: RoomView,
    bodies: Vec<BodyView>,
    /// The office's first procedure type, as its admin sees it now.
    procedure_type: ProcedureType,
    /// In the submitted room: a thread of the caseworker's with the whole
    /// room, and an internal note.
    room_thread: ThreadView,
    office_note: ThreadView,
    /// In review: the caseworker's thread with the fire service.
    fire_thread: ThreadView,
    /// A caseworker of the office who is no column: the admin's rows change
    /// their role, remove them and take them out of the road authority;
    /// every scene puts them back.
    clerk: Uuid,
    /// The address of an account that is no column and works nowhere: the
    /// admin's rows add it as staff and body member and confirm its identity,
    /// the operator's row makes it the first admin of a new office.
    recruit_email: String,
}

struct Row {
    method: Method,
    /// The OpenAPI path template this row covers.
    template: &'static str,
    /// The concrete path for a scene.
    path: fn(&Scene) -> String,
    body: fn(&Scene) -> Option<Value>,
    expected: [u16; 12],
}

/// The office's admin only: its caseworker refused, everyone else told the
/// office has no such page.
const ADMIN_ONLY_200: [u16; 12] = [401, 404, 404, 404, 404, 403, 200, 404, 404, 404, 404, 404];

fn no_body(_: &Scene) -> Option<Value> {
    None
}

/// A resumable upload of the file every row with a file body sends.
fn start_upload_body() -> Value {
    json!({
        "client_key": Uuid::new_v4(),
        "category": "photos",
        "file_name": "a.pdf",
        "size_bytes": real_file("pdfa2b_verapdf.pdf").len(),
    })
}

fn rows() -> Vec<Row> {
    use Method as M;
    vec![
        Row {
            method: M::GET,
            template: "/healthz",
            path: |_| "/healthz".into(),
            body: no_body,
            expected: [200; 12],
        },
        Row {
            method: M::GET,
            template: "/readyz",
            path: |_| "/readyz".into(),
            body: no_body,
            expected: [200; 12],
        },
        Row {
            method: M::GET,
            template: "/metrics",
            path: |_| "/metrics".into(),
            body: no_body,
            // Off without VR_METRICS_TOKEN; a session never opens it.
            expected: [404; 12],
        },
        Row {
            method: M::GET,
            template: "/api/config",
            path: |_| "/api/config".into(),
            body: no_body,
            expected: [200; 12],
        },
        Row {
            method: M::POST,
            template: "/api/auth/register",
            path: |_| "/api/auth/register".into(),
            body: |_| {
                Some(json!({
                    "email": format!("{}@example.de", Uuid::new_v4().simple()),
                    "password": PASSWORD,
                    "display_name": "Neu",
                }))
            },
            expected: [201; 12],
        },
        Row {
            method: M::POST,
            template: "/api/auth/login",
            path: |_| "/api/auth/login".into(),
            body: |_| Some(json!({"email": "nobody@example.de", "password": "not the password"})),
            expected: [401; 12],
        },
        Row {
            method: M::GET,
            template: "/api/me",
            path: |_| "/api/me".into(),
            body: no_body,
            expected: [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
        },
        // Single sign-on is off in this app: both endpoints say so to everyone
        // (the tests in sso.rs drive them with a provider).
        Row {
            method: M::GET,
            template: "/api/auth/sso/start",
            path: |_| "/api/auth/sso/start".into(),
            body: no_body,
            expected: [404; 12],
        },
        Row {
            method: M::GET,
            template: "/api/auth/sso/callback",
            path: |_| "/api/auth/sso/callback?code=c&state=s".into(),
            body: no_body,
            expected: [404; 12],
        },
        Row {
            method: M::POST,
            template: "/api/auth/refresh",
            path: |_| "/api/auth/refresh".into(),
            body: no_body,
            // The refresh cookie goes only to /api/auth, and these requests
            // carry the access cookie alone: nobody renews without it.
            expected: [401; 12],
        },
        Row {
            method: M::GET,
            template: "/api/me/sessions",
            path: |_| "/api/me/sessions".into(),
            body: no_body,
            expected: [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
        },
        Row {
            method: M::DELETE,
            template: "/api/me/sessions/{session_id}",
            path: |s| format!("/api/me/sessions/{}", s.foreign_session),
            body: no_body,
            // Only its owner ends a session; to anyone else it does not exist.
            // (Ending one's own is tested in `identity.rs`, not here: the rows
            // after this one need the sessions.)
            expected: [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/me/email-verification",
            path: |_| "/api/me/email-verification".into(),
            body: no_body,
            // Everyone's address is confirmed before the table runs.
            expected: [401, 409, 409, 409, 409, 409, 409, 409, 409, 409, 409, 409],
        },
        Row {
            method: M::POST,
            template: "/api/auth/email-verification",
            path: |_| "/api/auth/email-verification".into(),
            body: |_| Some(json!({"token": "00aa"})),
            // The link is the credential, and this one was never mailed.
            expected: [404; 12],
        },
        Row {
            method: M::POST,
            template: "/api/auth/password-reset",
            path: |_| "/api/auth/password-reset".into(),
            body: |_| Some(json!({"email": "nobody@example.de"})),
            expected: [202; 12],
        },
        Row {
            method: M::POST,
            template: "/api/auth/password-reset/confirm",
            path: |_| "/api/auth/password-reset/confirm".into(),
            body: |_| Some(json!({"token": "00aa", "password": "a long enough passphrase"})),
            expected: [404; 12],
        },
        Row {
            method: M::GET,
            template: "/api/me/notifications",
            path: |_| "/api/me/notifications".into(),
            body: no_body,
            expected: [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
        },
        Row {
            method: M::PUT,
            template: "/api/me/notifications",
            path: |_| "/api/me/notifications".into(),
            body: |_| Some(json!({"settings": [{"kind": "notice_ready", "enabled": true}]})),
            expected: [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
        },
        Row {
            method: M::GET,
            template: "/api/offices",
            path: |_| "/api/offices".into(),
            body: no_body,
            expected: [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
        },
        Row {
            method: M::GET,
            template: "/api/offices/{office_id}/procedure-types",
            path: |s| format!("/api/offices/{}/procedure-types", s.office),
            body: no_body,
            // The office's staff only; to anyone else the office has no such page.
            expected: [401, 404, 404, 404, 404, 200, 200, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/offices/{office_id}/procedure-types",
            path: |s| format!("/api/offices/{}/procedure-types", s.office),
            body: |_| {
                Some(json!({
                    "key": format!("t-{}", Uuid::new_v4().simple()),
                    "name_de": "Garage",
                    "name_en": "Garage",
                    "required_categories": ["site_plan"],
                    "deadline_rules": {
                        "completeness_check": "2w", "statement": "1m", "municipal_consent": "2m"
                    },
                }))
            },
            expected: [401, 404, 404, 404, 404, 403, 201, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::PUT,
            template: "/api/offices/{office_id}/procedure-types/{procedure_type_id}",
            path: |s| {
                format!(
                    "/api/offices/{}/procedure-types/{}",
                    s.office, s.procedure_type.id
                )
            },
            body: |s| {
                let current = &s.procedure_type;
                Some(json!({
                    "version": current.version,
                    "name_de": current.name_de,
                    "name_en": current.name_en,
                    "required_categories": current.required_categories,
                    "deadline_rules": current.deadline_rules,
                }))
            },
            expected: [401, 404, 404, 404, 404, 403, 200, 404, 404, 404, 404, 404],
        },
        // The office's people and settings: its admins only; its caseworkers
        // are refused, and to everyone outside the office (the operator
        // included) it has no such pages.
        Row {
            method: M::GET,
            template: "/api/offices/{office_id}/staff",
            path: |s| format!("/api/offices/{}/staff", s.office),
            body: no_body,
            expected: ADMIN_ONLY_200,
        },
        Row {
            method: M::POST,
            template: "/api/offices/{office_id}/staff",
            path: |s| format!("/api/offices/{}/staff", s.office),
            body: |s| Some(json!({"email": s.recruit_email, "role": "caseworker"})),
            expected: [401, 404, 404, 404, 404, 403, 201, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::PUT,
            template: "/api/offices/{office_id}/staff/{user_id}",
            path: |s| format!("/api/offices/{}/staff/{}", s.office, s.clerk),
            body: |_| Some(json!({"role": "caseworker"})),
            expected: ADMIN_ONLY_200,
        },
        Row {
            method: M::DELETE,
            template: "/api/offices/{office_id}/staff/{user_id}",
            path: |s| format!("/api/offices/{}/staff/{}", s.office, s.clerk),
            body: no_body,
            expected: [401, 404, 404, 404, 404, 403, 204, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::GET,
            template: "/api/offices/{office_id}/bodies",
            path: |s| format!("/api/offices/{}/bodies", s.office),
            body: no_body,
            expected: ADMIN_ONLY_200,
        },
        Row {
            method: M::POST,
            template: "/api/offices/{office_id}/bodies",
            path: |s| format!("/api/offices/{}/bodies", s.office),
            body: |_| {
                Some(json!({
                    "name": "Untere Wasserbehörde",
                    "key": format!("w-{}", Uuid::new_v4().simple()),
                }))
            },
            expected: [401, 404, 404, 404, 404, 403, 201, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::PUT,
            template: "/api/offices/{office_id}/bodies/{body_id}",
            path: |s| format!("/api/offices/{}/bodies/{}", s.office, s.road_authority()),
            body: |_| Some(json!({"name": "Straßenbaulastträger"})),
            expected: ADMIN_ONLY_200,
        },
        Row {
            method: M::POST,
            template: "/api/offices/{office_id}/bodies/{body_id}/members",
            path: |s| {
                format!(
                    "/api/offices/{}/bodies/{}/members",
                    s.office,
                    s.body("monument_protection")
                )
            },
            body: |s| Some(json!({"email": s.recruit_email})),
            expected: [401, 404, 404, 404, 404, 403, 201, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::DELETE,
            template: "/api/offices/{office_id}/bodies/{body_id}/members/{user_id}",
            path: |s| {
                format!(
                    "/api/offices/{}/bodies/{}/members/{}",
                    s.office,
                    s.road_authority(),
                    s.clerk
                )
            },
            body: no_body,
            expected: [401, 404, 404, 404, 404, 403, 204, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::GET,
            template: "/api/offices/{office_id}/settings",
            path: |s| format!("/api/offices/{}/settings", s.office),
            body: no_body,
            expected: ADMIN_ONLY_200,
        },
        Row {
            method: M::PUT,
            template: "/api/offices/{office_id}/settings",
            path: |s| format!("/api/offices/{}/settings", s.office),
            // The default again, so that the other rows' submissions hold.
            body: |_| Some(json!({"identity_required_for": ["submit", "retrieve_notice"]})),
            expected: ADMIN_ONLY_200,
        },
        Row {
            method: M::POST,
            template: "/api/offices/{office_id}/identity-confirmations",
            path: |s| format!("/api/offices/{}/identity-confirmations", s.office),
            body: |s| Some(json!({"email": s.recruit_email, "document_type": "passport"})),
            // The admin of another office confirms identities too, but at
            // their own office's address: this one does not exist for them.
            expected: ADMIN_ONLY_200,
        },
        // The operator's pages: to everyone else they do not exist.
        Row {
            method: M::GET,
            template: "/api/operator/offices",
            path: |_| "/api/operator/offices".into(),
            body: no_body,
            expected: [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 200],
        },
        Row {
            method: M::POST,
            template: "/api/operator/offices",
            path: |_| "/api/operator/offices".into(),
            body: |s| {
                Some(json!({
                    "name": format!("Bauamt {}", Uuid::new_v4().simple()),
                    "state": "MV",
                    "first_admin_email": s.recruit_email,
                }))
            },
            expected: [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 201],
        },
        Row {
            method: M::GET,
            template: "/api/rooms",
            path: |_| "/api/rooms".into(),
            body: no_body,
            expected: [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
        },
        Row {
            method: M::POST,
            template: "/api/rooms",
            path: |_| "/api/rooms".into(),
            body: |s| {
                Some(json!({
                    "office_id": s.office,
                    "procedure_type_id": s.draft.procedure_type.id,
                    "title": "Garage",
                    "site_address": "Weg 2",
                }))
            },
            expected: [401, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201],
        },
        Row {
            method: M::GET,
            template: "/api/rooms/{room_id}",
            path: |s| format!("/api/rooms/{}", s.draft.id),
            body: no_body,
            // The office sees nothing of a draft.
            expected: [401, 404, 200, 200, 200, 404, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::GET,
            template: "/api/rooms/{room_id}",
            path: |s| format!("/api/rooms/{}", s.submitted.id),
            body: no_body,
            expected: [401, 404, 200, 200, 200, 200, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::GET,
            template: "/api/rooms/{room_id}/events",
            path: |s| format!("/api/rooms/{}/events", s.submitted.id),
            body: no_body,
            expected: [401, 404, 200, 200, 200, 200, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::GET,
            template: "/api/rooms/{room_id}/verification",
            path: |s| format!("/api/rooms/{}/verification", s.submitted.id),
            body: no_body,
            expected: [401, 404, 200, 200, 200, 200, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/invitations",
            path: |s| format!("/api/rooms/{}/invitations", s.draft.id),
            body: |_| Some(json!({"email": "neu@example.de", "role": "other_applicant"})),
            expected: [401, 404, 201, 403, 403, 404, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::DELETE,
            template: "/api/rooms/{room_id}/members/{user_id}",
            path: |s| format!("/api/rooms/{}/members/{}", s.draft.id, s.other_applicant),
            body: no_body,
            // Once the builder has taken them out, the other applicant is an
            // outsider to the room.
            expected: [401, 404, 200, 403, 404, 404, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::DELETE,
            template: "/api/rooms/{room_id}/members/{user_id}",
            path: |s| {
                format!(
                    "/api/rooms/{}/members/{}",
                    s.submitted.id, s.other_applicant
                )
            },
            body: no_body,
            // The office sees the submitted room, and may not change who is in it.
            expected: [401, 404, 200, 403, 404, 403, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::PUT,
            template: "/api/rooms/{room_id}/form/{field}",
            path: |s| format!("/api/rooms/{}/form/parcel", s.draft.id),
            // The same value each time: after the first write the others
            // change nothing, whatever version they name.
            body: |_| Some(json!({"value": "Flur 2, Flurstück 17", "base_version": 0})),
            expected: [401, 404, 200, 200, 200, 404, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::PUT,
            template: "/api/rooms/{room_id}/form/{field}",
            path: |s| format!("/api/rooms/{}/form/parcel", s.submitted.id),
            body: |_| Some(json!({"value": "Flur 9", "base_version": 0})),
            expected: [401, 404, 409, 409, 409, 403, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/signature",
            path: |s| format!("/api/rooms/{}/signature", s.draft.id),
            body: no_body,
            expected: [401, 404, 200, 200, 403, 404, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/signature",
            path: |s| format!("/api/rooms/{}/signature", s.submitted.id),
            body: no_body,
            expected: [401, 404, 409, 409, 403, 403, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::DELETE,
            template: "/api/rooms/{room_id}/signature",
            path: |s| format!("/api/rooms/{}/signature", s.draft.id),
            body: no_body,
            // Nobody has signed this draft: there is nothing to withdraw.
            expected: [401, 404, 409, 409, 403, 404, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/submit",
            path: |s| format!("/api/rooms/{}/submit", s.draft.id),
            body: no_body,
            expected: [401, 404, 409, 403, 403, 404, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/check",
            path: |s| format!("/api/rooms/{}/check", s.submitted.id),
            body: no_body,
            expected: [401, 404, 403, 403, 403, 200, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/documents",
            path: |s| {
                format!(
                    "/api/rooms/{}/documents?category=photos&file_name=a.pdf",
                    s.draft.id
                )
            },
            body: |_| Some(Value::Null),
            expected: [401, 404, 201, 201, 201, 404, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/documents",
            path: |s| {
                format!(
                    "/api/rooms/{}/documents?category=photos&file_name=a.pdf",
                    s.submitted.id
                )
            },
            body: |_| Some(Value::Null),
            expected: [401, 404, 409, 409, 409, 403, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::GET,
            template: "/api/rooms/{room_id}/documents/{version_id}/content",
            path: |s| {
                format!(
                    "/api/rooms/{}/documents/{}/content",
                    s.draft.id, s.draft_version
                )
            },
            body: no_body,
            expected: [401, 404, 200, 200, 200, 404, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::GET,
            template: "/api/rooms/{room_id}/export",
            path: |s| format!("/api/rooms/{}/export", s.submitted.id),
            body: no_body,
            expected: [401, 404, 403, 403, 403, 200, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/uploads",
            path: |s| format!("/api/rooms/{}/uploads", s.draft.id),
            body: |_| Some(start_upload_body()),
            expected: [401, 404, 201, 201, 201, 404, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/uploads",
            path: |s| format!("/api/rooms/{}/uploads", s.submitted.id),
            body: |_| Some(start_upload_body()),
            expected: [401, 404, 409, 409, 409, 403, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::GET,
            template: "/api/rooms/{room_id}/uploads/{upload_id}",
            path: |s| format!("/api/rooms/{}/uploads/{}", s.draft.id, s.draft_upload),
            body: no_body,
            expected: [401, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::PATCH,
            template: "/api/rooms/{room_id}/uploads/{upload_id}",
            path: |s| {
                format!(
                    "/api/rooms/{}/uploads/{}?offset=0",
                    s.draft.id, s.draft_upload
                )
            },
            body: |_| Some(Value::Null),
            expected: [401, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/uploads/{upload_id}/complete",
            path: |s| {
                format!(
                    "/api/rooms/{}/uploads/{}/complete",
                    s.draft.id, s.sent_upload
                )
            },
            body: no_body,
            expected: [401, 404, 201, 404, 404, 404, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::DELETE,
            template: "/api/rooms/{room_id}/uploads/{upload_id}",
            path: |s| format!("/api/rooms/{}/uploads/{}", s.draft.id, s.draft_upload),
            body: no_body,
            expected: [401, 404, 204, 404, 404, 404, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/missing-items",
            path: |s| format!("/api/rooms/{}/missing-items", s.checking.id),
            body: |_| {
                Some(json!({"items": [{"category": "floor_plans", "text": ""}], "period": "4w"}))
            },
            expected: [401, 404, 403, 403, 403, 200, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/resubmit",
            path: |s| format!("/api/rooms/{}/resubmit", s.awaiting.id),
            body: no_body,
            // The builder resubmitted first, so the designer is too late.
            expected: [401, 404, 200, 409, 403, 403, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/complete",
            path: |s| format!("/api/rooms/{}/complete", s.checking.id),
            body: no_body,
            expected: [401, 404, 403, 403, 403, 200, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/withdraw",
            path: |s| format!("/api/rooms/{}/withdraw", s.checking.id),
            body: |_| Some(json!({"reason": "Projekt aufgegeben"})),
            expected: [401, 404, 200, 403, 403, 403, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/withdraw",
            path: |s| format!("/api/rooms/{}/withdraw", s.delivered.id),
            body: |_| Some(json!({"reason": "zu spät"})),
            // Decided: nobody withdraws any more.
            expected: [401, 404, 409, 403, 403, 403, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/deem-withdrawn",
            path: |s| format!("/api/rooms/{}/deem-withdrawn", s.awaiting.id),
            body: |_| Some(json!({"reason": "Frist versäumt"})),
            // The applicants' deadline has not passed yet.
            expected: [401, 404, 403, 403, 403, 409, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::GET,
            template: "/api/rooms/{room_id}",
            path: |s| format!("/api/rooms/{}", s.review.id),
            body: no_body,
            // The body asked sees the room (its part of it); another does not.
            expected: [401, 404, 200, 200, 200, 200, 404, 404, 404, 200, 404, 404],
        },
        Row {
            method: M::GET,
            template: "/api/rooms/{room_id}/bodies",
            path: |s| format!("/api/rooms/{}/bodies", s.review.id),
            body: no_body,
            expected: [401, 404, 403, 403, 403, 200, 404, 404, 404, 403, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/statement-requests",
            path: |s| format!("/api/rooms/{}/statement-requests", s.review.id),
            body: |s| {
                let road = s.road_authority();
                Some(
                    json!({"body_ids": [road], "question": "Zufahrt?", "document_ids": [s.review_plan]}),
                )
            },
            // Once the caseworker asked the road authority, its member sees
            // the room, and may not ask anybody.
            expected: [401, 404, 403, 403, 403, 200, 404, 404, 404, 403, 403, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/statement-requests/{request_id}/read",
            path: |s| {
                format!(
                    "/api/rooms/{}/statement-requests/{}/read",
                    s.review.id, s.fire_request
                )
            },
            body: no_body,
            expected: [401, 404, 403, 403, 403, 403, 404, 404, 404, 200, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/statement-requests/{request_id}/extension",
            path: |s| {
                format!(
                    "/api/rooms/{}/statement-requests/{}/extension",
                    s.review.id, s.fire_request
                )
            },
            body: |_| Some(json!({"period": "2w", "reason": "Ortstermin nötig"})),
            expected: [401, 404, 403, 403, 403, 403, 404, 404, 404, 200, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/statement-requests/{request_id}/extension/grant",
            path: |s| {
                format!(
                    "/api/rooms/{}/statement-requests/{}/extension/grant",
                    s.review.id, s.monument_request
                )
            },
            body: no_body,
            // The fire service cannot even see monument protection's request.
            expected: [401, 404, 403, 403, 403, 200, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/statement-requests/{request_id}/statements",
            path: |s| {
                format!(
                    "/api/rooms/{}/statement-requests/{}/statements",
                    s.review.id, s.fire_request
                )
            },
            body: |_| Some(json!({"verdict": "no_objection", "text": "Keine Bedenken."})),
            expected: [401, 404, 403, 403, 403, 403, 404, 404, 404, 200, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/statement-requests/{request_id}/statements",
            path: |s| {
                format!(
                    "/api/rooms/{}/statement-requests/{}/statements",
                    s.review.id, s.nature_request
                )
            },
            body: |_| Some(json!({"verdict": "no_objection", "text": "Keine Bedenken."})),
            // Nobody answers for another body.
            expected: [401, 404, 403, 403, 403, 403, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/statement-requests/{request_id}/attachments",
            path: |s| {
                format!(
                    "/api/rooms/{}/statement-requests/{}/attachments?file_name=Anlage.pdf",
                    s.review.id, s.fire_request
                )
            },
            body: |_| Some(Value::Null),
            // Only the body asked attaches files to its answer.
            expected: [401, 404, 403, 403, 403, 403, 404, 404, 404, 201, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/statement-requests/{request_id}/withdraw",
            path: |s| {
                format!(
                    "/api/rooms/{}/statement-requests/{}/withdraw",
                    s.review.id, s.fire_request
                )
            },
            body: |_| Some(json!({"reason": "nicht mehr nötig"})),
            // Withdrawn by the caseworker, the request is gone for the body.
            expected: [401, 404, 403, 403, 403, 200, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/statement-requests/{request_id}/reopen",
            path: |s| {
                format!(
                    "/api/rooms/{}/statement-requests/{}/reopen",
                    s.review.id, s.nature_request
                )
            },
            body: |_| Some(json!({"reason": "Bitte Auflage präzisieren"})),
            expected: [401, 404, 403, 403, 403, 200, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/statement-requests/{request_id}/release",
            path: |s| {
                format!(
                    "/api/rooms/{}/statement-requests/{}/release",
                    s.review.id, s.nature_request
                )
            },
            body: no_body,
            expected: [401, 404, 403, 403, 403, 200, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/documents",
            path: |s| {
                format!(
                    "/api/rooms/{}/documents?category=notice&file_name=Bescheid.pdf",
                    s.review.id
                )
            },
            body: |_| Some(Value::Null),
            // The notice is the office's alone.
            expected: [401, 404, 403, 403, 403, 201, 404, 404, 404, 403, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/decision",
            path: |s| format!("/api/rooms/{}/decision", s.review.id),
            body: |s| Some(json!({"outcome": "approved", "notice_version_id": s.draft_version})),
            // The fire service still has time to answer, so not yet.
            expected: [401, 404, 403, 403, 403, 409, 404, 404, 404, 403, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/decision/fee-payment",
            path: |s| format!("/api/rooms/{}/decision/fee-payment", s.delivered.id),
            body: |_| Some(json!({"paid": true})),
            expected: [401, 404, 403, 403, 403, 200, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/close",
            path: |s| format!("/api/rooms/{}/close", s.delivered.id),
            body: no_body,
            expected: [401, 404, 403, 403, 403, 200, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::GET,
            template: "/api/rooms/{room_id}/threads",
            path: |s| format!("/api/rooms/{}/threads", s.review.id),
            body: no_body,
            expected: [401, 404, 200, 200, 200, 200, 404, 404, 404, 200, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/threads",
            path: |s| format!("/api/rooms/{}/threads", s.submitted.id),
            body: |_| {
                Some(json!({"subject": "Frage", "visibility": {"kind": "room"}, "text": "?"}))
            },
            expected: [401, 404, 201, 201, 201, 201, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/threads",
            path: |s| format!("/api/rooms/{}/threads", s.submitted.id),
            body: |_| {
                Some(json!({"subject": "Notiz", "visibility": {"kind": "office"}, "text": "!"}))
            },
            // Internal notes are the office's.
            expected: [401, 404, 403, 403, 403, 201, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/threads",
            path: |s| format!("/api/rooms/{}/threads", s.review.id),
            body: |s| {
                Some(json!({
                    "subject": "Löschwasser",
                    "visibility": {"kind": "body", "body_id": s.body("fire_protection")},
                    "text": "?",
                }))
            },
            expected: [401, 404, 403, 403, 403, 201, 404, 404, 404, 201, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/threads/{thread_id}/messages",
            path: |s| {
                format!(
                    "/api/rooms/{}/threads/{}/messages",
                    s.submitted.id, s.room_thread.id
                )
            },
            body: |_| Some(json!({"text": "Antwort"})),
            expected: [401, 404, 201, 201, 201, 201, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/threads/{thread_id}/messages",
            path: |s| {
                format!(
                    "/api/rooms/{}/threads/{}/messages",
                    s.submitted.id, s.office_note.id
                )
            },
            body: |_| Some(json!({"text": "Antwort"})),
            // A note does not exist for anyone but the office.
            expected: [401, 404, 404, 404, 404, 201, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/threads/{thread_id}/messages",
            path: |s| {
                format!(
                    "/api/rooms/{}/threads/{}/messages",
                    s.review.id, s.fire_thread.id
                )
            },
            body: |_| Some(json!({"text": "Antwort"})),
            expected: [401, 404, 404, 404, 404, 201, 404, 404, 404, 201, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/threads/{thread_id}/read",
            path: |s| {
                format!(
                    "/api/rooms/{}/threads/{}/read",
                    s.submitted.id, s.room_thread.id
                )
            },
            body: |s| Some(json!({"up_to": s.room_thread.messages[0].id})),
            expected: [401, 404, 200, 200, 200, 200, 404, 404, 404, 404, 404, 404],
        },
        Row {
            method: M::POST,
            template: "/api/rooms/{room_id}/threads/{thread_id}/read",
            path: |s| {
                format!(
                    "/api/rooms/{}/threads/{}/read",
                    s.review.id, s.fire_thread.id
                )
            },
            body: |s| Some(json!({"up_to": s.fire_thread.messages[0].id})),
            expected: [401, 404, 404, 404, 404, 200, 404, 404, 404, 200, 404, 404],
        },
        Row {
            method: M::GET,
            template: "/api/inbox",
            path: |_| "/api/inbox".into(),
            body: no_body,
            expected: [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
        },
        Row {
            method: M::GET,
            template: "/api/queue",
            path: |_| "/api/queue".into(),
            body: no_body,
            expected: [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
        },
        Row {
            method: M::GET,
            template: "/api/invitations/{token}",
            path: |s| format!("/api/invitations/{}", s.invitation_token),
            body: no_body,
            // The link itself is the credential: whoever holds it may look.
            expected: [200; 12],
        },
        Row {
            method: M::POST,
            template: "/api/invitations/{token}/accept",
            path: |s| format!("/api/invitations/{}/accept", s.invitation_token),
            body: no_body,
            // The first logged-in holder joins; after that the link is used up.
            expected: [401, 200, 410, 410, 410, 410, 410, 410, 410, 410, 410, 410],
        },
        Row {
            method: M::GET,
            template: "/api/live",
            path: |_| "/api/live".into(),
            body: no_body,
            // A plain GET is no WebSocket handshake; the socket's own rights are
            // tested over real sockets in `live.rs`.
            expected: [401, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400],
        },
        // Last: logging out ends each person's session for the rows after it.
        Row {
            method: M::POST,
            template: "/api/auth/logout",
            path: |_| "/api/auth/logout".into(),
            body: no_body,
            expected: [204; 12],
        },
    ]
}

#[tokio::test]
async fn every_endpoint_answers_every_role_as_the_table_says() {
    let app = TestApp::new().await;
    let (people, extras, office) = cast(&app).await;

    // Requests go out with each person's session cookie but through a client
    // without a cookie jar, so a row like register changes nobody (logout,
    // which ends the sessions, is the last row).
    let bare = reqwest::Client::new();
    let mut failures = Vec::new();
    for row in rows() {
        let scene = scene(&people, &extras, office).await;
        let path = (row.path)(&scene);
        for (i, person) in people.iter().enumerate() {
            let mut request = bare
                .request(row.method.clone(), format!("{}{path}", app.base))
                .header("x-requested-with", "vorgangsraum");
            if !person.session.is_empty() {
                request = request.header("cookie", &person.session);
            }
            request = match (row.body)(&scene) {
                Some(Value::Null) => request.body(real_file("pdfa2b_verapdf.pdf")),
                Some(body) => request.json(&body),
                None => request,
            };
            let status = person.send(request).await.status;
            if status.as_u16() != row.expected[i] {
                failures.push(format!(
                    "{} {} as {}: expected {}, got {}",
                    row.method, row.template, ROLES[i], row.expected[i], status
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// What a socket message got, as the person's page would see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reply {
    /// No session: the handshake itself is refused (401).
    NoSocket,
    Subscribed,
    /// `refused` for the room: it is as if the room did not exist.
    Refused,
    /// Nothing comes back: the message concerns a room the socket does not
    /// follow.
    Ignored,
}

struct SocketRow {
    /// The message's `type`, to check every kind has a row.
    kind: &'static str,
    what: &'static str,
    message: fn(&Scene) -> ClientMessage,
    expected: [Reply; 12],
}

/// Every kind of client message. `kind_of` has no wildcard: a new kind does
/// not compile until it is named there, and belongs here with it; the table
/// then fails until the kind has a row.
const MESSAGE_KINDS: [&str; 3] = ["subscribe", "unsubscribe", "presence"];

/// The `type` of a client message.
fn kind_of(message: &ClientMessage) -> &'static str {
    match message {
        ClientMessage::Subscribe { .. } => "subscribe",
        ClientMessage::Unsubscribe { .. } => "unsubscribe",
        ClientMessage::Presence { .. } => "presence",
    }
}

fn socket_rows() -> Vec<SocketRow> {
    use Reply::{Ignored as I, NoSocket as N, Refused as R, Subscribed as S};
    vec![
        SocketRow {
            kind: "subscribe",
            what: "the draft",
            message: |s| ClientMessage::Subscribe {
                room_id: s.draft.id,
                after_seq: 0,
            },
            // The office sees nothing of a draft.
            expected: [N, R, S, S, S, R, R, R, R, R, R, R],
        },
        SocketRow {
            kind: "subscribe",
            what: "the submitted room",
            message: |s| ClientMessage::Subscribe {
                room_id: s.submitted.id,
                after_seq: 0,
            },
            expected: [N, R, S, S, S, S, R, R, R, R, R, R],
        },
        SocketRow {
            kind: "subscribe",
            what: "the room in review",
            message: |s| ClientMessage::Subscribe {
                room_id: s.review.id,
                after_seq: 0,
            },
            // The fire service is asked there; the road authority is not.
            expected: [N, R, S, S, S, S, R, R, R, S, R, R],
        },
        SocketRow {
            kind: "presence",
            what: "the draft, not followed",
            message: |s| ClientMessage::Presence {
                room_id: s.draft.id,
                editing: Some(FormField::ProjectDescription),
            },
            // Presence only counts in a room the socket follows.
            expected: [N, I, I, I, I, I, I, I, I, I, I, I],
        },
        SocketRow {
            kind: "unsubscribe",
            what: "the room in review, not followed",
            message: |s| ClientMessage::Unsubscribe {
                room_id: s.review.id,
            },
            expected: [N, I, I, I, I, I, I, I, I, I, I, I],
        },
    ]
}

#[tokio::test]
async fn every_socket_message_answers_every_role_as_the_table_says() {
    use futures::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;

    let app = TestApp::new().await;
    let (people, extras, office) = cast(&app).await;
    // Socket messages change nothing the next row depends on: one scene.
    let scene = scene(&people, &extras, office).await;
    let mut failures = Vec::new();
    for row in socket_rows() {
        let message = (row.message)(&scene);
        assert_eq!(kind_of(&message), row.kind, "{}", row.what);
        for (i, person) in people.iter().enumerate() {
            let mut request = format!("{}/api/live", app.base.replace("http", "ws"))
                .into_client_request()
                .unwrap();
            if !person.session.is_empty() {
                request
                    .headers_mut()
                    .insert("cookie", person.session.parse().unwrap());
            }
            let reply = match tokio_tungstenite::connect_async(request).await {
                Err(_) => Reply::NoSocket,
                Ok((mut socket, _)) => {
                    // A subscription to a room that does not exist follows
                    // the message: its refusal comes after whatever the
                    // message brought, so "nothing" is seen without waiting.
                    let marker = Uuid::new_v4();
                    let marker_message = ClientMessage::Subscribe {
                        room_id: marker,
                        after_seq: 0,
                    };
                    for outgoing in [&message, &marker_message] {
                        let text = serde_json::to_string(outgoing).unwrap();
                        socket.send(Message::text(text)).await.unwrap();
                    }
                    let mut reply = None;
                    while reply.is_none() {
                        let frame =
                            tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
                                .await
                                .expect("an answer within 10 s")
                                .expect("socket open")
                                .unwrap();
                        let Message::Text(text) = frame else {
                            continue;
                        };
                        reply = match serde_json::from_str(&text).unwrap() {
                            ServerMessage::Subscribed { .. } => Some(Reply::Subscribed),
                            ServerMessage::Refused {
                                room_id: Some(room),
                                ..
                            } if room == marker => Some(Reply::Ignored),
                            ServerMessage::Refused { .. } => Some(Reply::Refused),
                            _ => None,
                        };
                    }
                    reply.unwrap()
                }
            };
            if reply != row.expected[i] {
                failures.push(format!(
                    "{} {} as {}: expected {:?}, got {:?}",
                    row.kind, row.what, ROLES[i], row.expected[i], reply
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    let kinds: BTreeSet<&str> = socket_rows().iter().map(|row| row.kind).collect();
    for kind in MESSAGE_KINDS {
        assert!(kinds.contains(kind), "socket message {kind} has no row");
    }
}

/// The table's columns as people (in the order of `ROLES`), the people the
/// scene needs besides, and the office the rooms are in.
async fn cast(app: &TestApp) -> ([Person; 12], Extras, Uuid) {
    let office = app.office("Bauamt Tabelle").await;
    let other_office = app.office("Bauamt Anderswo").await;
    let people = [
        app.anonymous(),
        app.register("Olga Outsider").await,
        app.register("Bea Builder").await,
        app.register("Dana Designer").await,
        app.register("Pia Planerin").await,
        app.caseworker(office, "Carla Caseworker").await,
        app.staff(office, "Anna Admin", OfficeRole::OfficeAdmin)
            .await,
        app.caseworker(other_office, "Xaver Fremd").await,
        app.staff(other_office, "Yvonne Fremd", OfficeRole::OfficeAdmin)
            .await,
        app.body_member(office, "fire_protection", "Frieda Feuerwehr")
            .await,
        app.body_member(office, "road_authority", "Stefan Straße")
            .await,
        app.operator("Otto Operator").await,
    ];
    let nature = app
        .body_member(office, "nature_conservation", "Nora Natur")
        .await;
    let (session,): (String,) = sqlx::query_as("SELECT id FROM sessions WHERE user_id = $1")
        .bind(nature.id.to_string())
        .fetch_one(&app.app.db.read)
        .await
        .unwrap();
    // Confirmed addresses make the row that mails a new link answer alike
    // for everyone, however long the table takes.
    sqlx::query("UPDATE users SET email_verified_at = 1")
        .execute(&app.app.db.write)
        .await
        .unwrap();
    let extras = Extras {
        session: session.parse().unwrap(),
        nature,
        monument: app
            .body_member(office, "monument_protection", "Max Denkmal")
            .await,
        clerk: app.caseworker(office, "Clara Kanzlei").await,
        recruit: app.register("Rita Rekrut").await,
        bodies: server::repo::procedure::bodies(&app.app.db.read, office)
            .await
            .unwrap(),
    };

    (people, extras, office)
}

/// People the scene needs who are no column of the table.
struct Extras {
    /// A session of the nature conservation's member.
    session: Uuid,
    nature: Person,
    monument: Person,
    clerk: Person,
    recruit: Person,
    bodies: Vec<BodyView>,
}

impl Scene {
    fn road_authority(&self) -> Uuid {
        self.body("road_authority")
    }

    fn body(&self, key: &str) -> Uuid {
        self.bodies.iter().find(|b| b.key == key).unwrap().id
    }
}

/// A draft room (builder, designer, other applicant, one document, an open
/// invitation), a submitted room with the same people, and rooms at each
/// later stage of the procedure.
async fn scene(people: &[Person; 12], extras: &Extras, office: Uuid) -> Scene {
    let [_, _, builder, designer, other, caseworker, admin, ..] = people;
    reinstate_clerk(admin, office, extras).await;
    let draft = builder.create_room(office).await;
    let submitted = builder.create_room(office).await;
    for room in [&draft, &submitted] {
        join(builder, designer, room.id, "designer").await;
        join(builder, other, room.id, "other_applicant").await;
    }
    let document: DocumentView = builder
        .upload(
            draft.id,
            "site_plan",
            "plan.pdf",
            real_file("pdfa2b_verapdf.pdf"),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    let start = |room_id: Uuid| async move {
        let upload: UploadView = builder
            .post_json(
                &format!("/api/rooms/{room_id}/uploads"),
                &start_upload_body(),
            )
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        upload.id
    };
    let draft_upload = start(draft.id).await;
    let sent_upload = start(draft.id).await;
    let chunk = builder
        .client
        .patch(format!(
            "{}/api/rooms/{}/uploads/{sent_upload}",
            builder.base, draft.id
        ))
        .query(&[("offset", 0)])
        .body(real_file("pdfa2b_verapdf.pdf"));
    builder.send(chunk).await.expect_status(StatusCode::OK);
    builder.sign(submitted.id).await;
    designer.sign(submitted.id).await;
    confirm_identity(admin, office, builder).await;
    builder.submit(submitted.id).await;
    let invitation: InvitationCreated = builder
        .post_json(
            &format!("/api/rooms/{}/invitations", draft.id),
            &json!({"email": "x@example.de", "role": "other_applicant"}),
        )
        .await
        .json();

    let parties = Parties {
        builder,
        designer,
        others: &[other],
        caseworker,
        admin,
    };
    let body = |key: &str| extras.bodies.iter().find(|b| b.key == key).unwrap().id;
    let (checking, _) = parties.checking(office).await;
    let (awaiting, _) = parties.checking(office).await;
    let awaiting = caseworker
        .act(
            &format!("/api/rooms/{}/missing-items", awaiting.id),
            Some(json!({"items": [{"text": "Bauzeichnungen unvollständig"}], "period": "4w"})),
        )
        .await;
    let (review, review_plan) = parties.in_review(office).await;
    let review = caseworker
        .act(
            &format!("/api/rooms/{}/statement-requests", review.id),
            Some(json!({
                "body_ids": [
                    body("fire_protection"),
                    body("nature_conservation"),
                    body("monument_protection"),
                ],
                "question": "Bestehen Bedenken?",
                "document_ids": [review_plan],
            })),
        )
        .await;
    let request_of = |key: &str| {
        review
            .statement_requests
            .iter()
            .find(|r| r.body.key == key)
            .unwrap()
            .id
    };
    let (fire_request, nature_request, monument_request) = (
        request_of("fire_protection"),
        request_of("nature_conservation"),
        request_of("monument_protection"),
    );
    extras
        .nature
        .act(
            &format!(
                "/api/rooms/{}/statement-requests/{nature_request}/statements",
                review.id
            ),
            Some(json!({"verdict": "not_concerned", "text": "Nicht berührt."})),
        )
        .await;
    extras
        .monument
        .act(
            &format!(
                "/api/rooms/{}/statement-requests/{monument_request}/extension",
                review.id
            ),
            Some(json!({"period": "2w", "reason": "Denkmalpfleger im Urlaub"})),
        )
        .await;

    let (decided, _) = parties.in_review(office).await;
    let notice = upload_notice(caseworker, decided.id).await;
    let fee = upload_fee_notice(caseworker, decided.id).await;
    let decided = caseworker
        .act(
            &format!("/api/rooms/{}/decision", decided.id),
            Some(json!({
                "outcome": "approved",
                "notice_version_id": notice,
                "fee": {"amount_cents": 48_000, "version_id": fee},
            })),
        )
        .await;
    builder
        .get(&format!(
            "/api/rooms/{}/documents/{notice}/content",
            decided.id
        ))
        .await
        .expect_status(StatusCode::OK);
    let delivered = builder.room(decided.id).await;
    assert_eq!(delivered.status, RoomStatus::Delivered);

    let start = |room_id: Uuid, body: Value| async move {
        let thread: ThreadView = caseworker
            .post_json(&format!("/api/rooms/{room_id}/threads"), &body)
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        thread
    };
    let room_thread = start(
        submitted.id,
        json!({"subject": "Zufahrt", "visibility": {"kind": "room"}, "text": "Wie breit?"}),
    )
    .await;
    let office_note = start(
        submitted.id,
        json!({"subject": "Intern", "visibility": {"kind": "office"}, "text": "Notiz"}),
    )
    .await;
    let fire_thread = start(
        review.id,
        json!({
            "subject": "Löschwasser",
            "visibility": {"kind": "body", "body_id": body("fire_protection")},
            "text": "Reicht der Hydrant?",
        }),
    )
    .await;

    let procedure_types: Vec<ProcedureType> = admin
        .get(&format!("/api/offices/{office}/procedure-types"))
        .await
        .expect_status(StatusCode::OK)
        .json();
    Scene {
        office,
        foreign_session: extras.session,
        other_applicant: other.id,
        procedure_type: procedure_types[0].clone(),
        draft_version: document.versions[0].id,
        draft_upload,
        sent_upload,
        invitation_token: invitation.link.rsplit('/').next().unwrap().to_string(),
        draft,
        submitted,
        checking,
        awaiting,
        review,
        review_plan,
        fire_request,
        nature_request,
        monument_request,
        delivered,
        bodies: extras.bodies.clone(),
        room_thread,
        office_note,
        fire_thread,
        clerk: extras.clerk.id,
        recruit_email: extras.recruit.email.clone(),
    }
}

/// The clerk as a caseworker of the office and a member of the road
/// authority, whatever the rows before did (409 when they are already).
async fn reinstate_clerk(admin: &Person, office: Uuid, extras: &Extras) {
    let clerk = &extras.clerk;
    admin
        .put_json(
            &format!("/api/offices/{office}/staff/{}", clerk.id),
            &json!({"role": "caseworker"}),
        )
        .await;
    admin
        .post_json(
            &format!("/api/offices/{office}/staff"),
            &json!({"email": clerk.email, "role": "caseworker"}),
        )
        .await;
    let road = extras
        .bodies
        .iter()
        .find(|b| b.key == "road_authority")
        .unwrap()
        .id;
    admin
        .post_json(
            &format!("/api/offices/{office}/bodies/{road}/members"),
            &json!({"email": clerk.email}),
        )
        .await;
}

async fn join(builder: &Person, person: &Person, room_id: Uuid, role: &str) {
    let created: InvitationCreated = builder
        .post_json(
            &format!("/api/rooms/{room_id}/invitations"),
            &json!({"email": person.email, "role": role}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    let token = created.link.rsplit('/').next().unwrap();
    person
        .post(&format!("/api/invitations/{token}/accept"))
        .await
        .expect_status(StatusCode::OK);
}

#[test]
fn every_endpoint_of_the_api_has_a_row() {
    let documented: BTreeSet<String> = server::router::openapi()
        .paths
        .paths
        .iter()
        .flat_map(|(path, item)| {
            let methods = [
                ("GET", item.get.is_some()),
                ("POST", item.post.is_some()),
                ("PUT", item.put.is_some()),
                ("PATCH", item.patch.is_some()),
                ("DELETE", item.delete.is_some()),
            ];
            methods
                .into_iter()
                .filter(|(_, yes)| *yes)
                .map(move |(m, _)| format!("{m} {path}"))
        })
        .collect();
    let covered: BTreeSet<String> = rows()
        .iter()
        .map(|r| format!("{} {}", r.method, r.template))
        .collect();
    let missing: Vec<&String> = documented.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "endpoints without a row in the authorization table: {missing:?}"
    );
}
