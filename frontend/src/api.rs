//! The typed client of the server's HTTP API: one function per endpoint.
//!
//! Components call these and never build a URL or a JSON body themselves.
//! Every request is same-origin, so the session cookie goes along; every
//! state-changing request carries the CSRF header the server insists on.
//! Uploads go through `upload.rs` (they need progress events, which fetch
//! does not give), the live socket through `live.rs`.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::{
    AddBodyMemberRequest, AddStaffRequest, BodyView, ChangeRoleRequest, ClientConfig,
    ConfirmIdentityRequest, CreateBodyRequest, CreateOfficeRequest, CreateProcedureTypeRequest,
    CreateRoomRequest, DecisionRequest, DocumentView, EmailVerificationConfirm, ExtensionRequest,
    FeePaymentRequest, FormField, FormFieldView, FormFieldWrite, IdentityConfirmed, InboxItem,
    InvitationAccepted, InvitationCreated, InvitationPreview, InviteRequest, LoginRequest,
    MarkThreadRead, Me, MessagesView, MissingItemsRequest, NotificationPreferences, OfficeBody,
    OfficeRole, OfficeSettings, OfficeSummary, OperatorOffice, PasswordResetConfirm,
    PasswordResetRequest, PostMessage, Problem, ProcedureType, QueueItem, ReasonRequest,
    RegisterRequest, RenameBodyRequest, RoomEvent, RoomStatus, RoomSummary, RoomView, SessionView,
    StaffMember, StartThread, StartUpload, StatementRequestsCreate, StatementSubmit, ThreadView,
    UpdateProcedureTypeRequest, UploadView,
};
use uuid::Uuid;

/// The header (and its value) the server's CSRF guard asks of every
/// request that is not a GET.
pub const CSRF_HEADER: (&str, &str) = ("X-Requested-With", "vorgangsraum");

/// Why a request did not give what was asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server refused, and said why (RFC 9457).
    Problem(Problem),
    /// The server could not be reached (offline, server down, request broken off).
    Network,
    /// An answer we did not understand, with its HTTP status.
    Unexpected(u16),
}

impl ApiError {
    /// Turns a non-2xx answer into the problem it carries.
    pub fn from_status_and_body(status: u16, body: &str) -> ApiError {
        match serde_json::from_str::<Problem>(body) {
            Ok(problem) => ApiError::Problem(problem),
            Err(_) => ApiError::Unexpected(status),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

// ---------------------------------------------------------------- accounts

pub async fn client_config() -> ApiResult<ClientConfig> {
    get_json("/api/config").await
}

/// Where the single sign-on button leads: the server's start, which sends
/// the browser on to the provider and, after the login, back to `next`.
pub fn sso_start_url(next: &str) -> String {
    format!(
        "/api/auth/sso/start?return={}",
        String::from(js_sys::encode_uri_component(next))
    )
}

pub async fn register(request: &RegisterRequest) -> ApiResult<Me> {
    post_json("/api/auth/register", request).await
}

pub async fn login(request: &LoginRequest) -> ApiResult<Me> {
    post_json("/api/auth/login", request).await
}

pub async fn logout() -> ApiResult<()> {
    let response = send(mutating(Request::post("/api/auth/logout")).build()).await?;
    expect_empty(response).await
}

/// Trades the refresh cookie for new session cookies. `true` when the
/// session goes on: renewed now, or a moment ago by a parallel request.
pub async fn renew_session() -> bool {
    let request = mutating(Request::post("/api/auth/refresh")).build();
    let Ok(request) = request else {
        return false;
    };
    match request.send().await {
        Ok(response) => response.ok() || response.status() == 409,
        Err(_) => false,
    }
}

/// Makes sure the access token is current (renewing it if it expired)
/// before a request that cannot cheaply be sent twice: an upload's body, a
/// socket's handshake.
pub async fn ensure_session() {
    let _ = me().await;
}

/// The person's open sessions, newest first.
pub async fn list_sessions() -> ApiResult<Vec<SessionView>> {
    get_json("/api/me/sessions").await
}

pub async fn revoke_session(session_id: Uuid) -> ApiResult<()> {
    let url = format!("/api/me/sessions/{session_id}");
    expect_empty(send(mutating(Request::delete(&url)).build()).await?).await
}

/// Mails a new link to confirm the person's address.
pub async fn resend_verification() -> ApiResult<()> {
    let request = mutating(Request::post("/api/me/email-verification")).build();
    expect_empty(send(request).await?).await
}

pub async fn confirm_email(token: String) -> ApiResult<()> {
    let request = mutating(Request::post("/api/auth/email-verification"))
        .json(&EmailVerificationConfirm { token });
    expect_empty(send(request).await?).await
}

pub async fn request_password_reset(email: String) -> ApiResult<()> {
    let request =
        mutating(Request::post("/api/auth/password-reset")).json(&PasswordResetRequest { email });
    expect_empty(send(request).await?).await
}

pub async fn confirm_password_reset(token: String, password: String) -> ApiResult<()> {
    let request = mutating(Request::post("/api/auth/password-reset/confirm"))
        .json(&PasswordResetConfirm { token, password });
    expect_empty(send(request).await?).await
}

/// The logged-in person, or `None` when there is no valid session.
pub async fn me() -> ApiResult<Option<Me>> {
    match get_json("/api/me").await {
        Ok(me) => Ok(Some(me)),
        Err(ApiError::Problem(problem)) if problem.status == 401 => Ok(None),
        Err(err) => Err(err),
    }
}

/// Which kinds of e-mail the logged-in person receives.
pub async fn get_notification_preferences() -> ApiResult<NotificationPreferences> {
    get_json("/api/me/notifications").await
}

/// Replaces them all; the answer is what the server now holds.
pub async fn update_notification_preferences(
    preferences: &NotificationPreferences,
) -> ApiResult<NotificationPreferences> {
    let request = mutating(Request::put("/api/me/notifications")).json(preferences);
    read_json(send(request).await?).await
}

// ---------------------------------------------------------------- rooms

pub async fn list_offices() -> ApiResult<Vec<OfficeSummary>> {
    get_json("/api/offices").await
}

pub async fn list_rooms() -> ApiResult<Vec<RoomSummary>> {
    get_json("/api/rooms").await
}

pub async fn create_room(request: &CreateRoomRequest) -> ApiResult<RoomView> {
    post_json("/api/rooms", request).await
}

pub async fn get_room(room_id: Uuid) -> ApiResult<RoomView> {
    get_json(&format!("/api/rooms/{room_id}")).await
}

/// The room's event log after `after_seq`, oldest first.
pub async fn list_events(room_id: Uuid, after_seq: i64) -> ApiResult<Vec<RoomEvent>> {
    get_json(&format!(
        "/api/rooms/{room_id}/events?after_seq={after_seq}"
    ))
    .await
}

/// Saves one field of the application form, based on `base_version`. A
/// `stale_field` problem carries the field as it stands (`current`).
pub async fn update_form_field(
    room_id: Uuid,
    field: FormField,
    write: &FormFieldWrite,
) -> ApiResult<FormFieldView> {
    let url = format!("/api/rooms/{room_id}/form/{}", field.as_str());
    let request = mutating(Request::put(&url)).json(write);
    read_json(send(request).await?).await
}

/// Takes a designer or another applicant out of the room (the builder).
pub async fn remove_member(room_id: Uuid, user_id: Uuid) -> ApiResult<RoomView> {
    let url = format!("/api/rooms/{room_id}/members/{user_id}");
    read_json(send(mutating(Request::delete(&url)).build()).await?).await
}

pub async fn sign_application(room_id: Uuid) -> ApiResult<RoomView> {
    post_empty(&format!("/api/rooms/{room_id}/signature")).await
}

pub async fn withdraw_signature(room_id: Uuid) -> ApiResult<RoomView> {
    let request = mutating(Request::delete(&format!("/api/rooms/{room_id}/signature"))).build();
    read_json(send(request).await?).await
}

pub async fn submit_application(room_id: Uuid) -> ApiResult<RoomView> {
    post_empty(&format!("/api/rooms/{room_id}/submit")).await
}

pub async fn start_check(room_id: Uuid) -> ApiResult<RoomView> {
    post_empty(&format!("/api/rooms/{room_id}/check")).await
}

/// The caseworker's queue, filtered.
pub async fn list_queue(
    status: Option<RoomStatus>,
    overdue: bool,
    mine: bool,
) -> ApiResult<Vec<QueueItem>> {
    let mut url = format!("/api/queue?overdue={overdue}&mine={mine}");
    if let Some(status) = status {
        url.push_str(&format!("&status={}", status.as_str()));
    }
    get_json(&url).await
}

// ---------------------------------------------------------------- procedure

pub async fn request_missing_items(
    room_id: Uuid,
    request: &MissingItemsRequest,
) -> ApiResult<RoomView> {
    post_json(&format!("/api/rooms/{room_id}/missing-items"), request).await
}

pub async fn resubmit_application(room_id: Uuid) -> ApiResult<RoomView> {
    post_empty(&format!("/api/rooms/{room_id}/resubmit")).await
}

pub async fn mark_complete(room_id: Uuid) -> ApiResult<RoomView> {
    post_empty(&format!("/api/rooms/{room_id}/complete")).await
}

pub async fn withdraw_application(room_id: Uuid, reason: String) -> ApiResult<RoomView> {
    post_json(
        &format!("/api/rooms/{room_id}/withdraw"),
        &ReasonRequest { reason },
    )
    .await
}

pub async fn deem_withdrawn(room_id: Uuid, reason: String) -> ApiResult<RoomView> {
    post_json(
        &format!("/api/rooms/{room_id}/deem-withdrawn"),
        &ReasonRequest { reason },
    )
    .await
}

pub async fn close_room(room_id: Uuid) -> ApiResult<RoomView> {
    post_empty(&format!("/api/rooms/{room_id}/close")).await
}

pub async fn list_bodies(room_id: Uuid) -> ApiResult<Vec<BodyView>> {
    get_json(&format!("/api/rooms/{room_id}/bodies")).await
}

pub async fn request_statements(
    room_id: Uuid,
    request: &StatementRequestsCreate,
) -> ApiResult<RoomView> {
    post_json(&format!("/api/rooms/{room_id}/statement-requests"), request).await
}

fn request_url(room_id: Uuid, request_id: Uuid, step: &str) -> String {
    format!("/api/rooms/{room_id}/statement-requests/{request_id}/{step}")
}

pub async fn mark_request_read(room_id: Uuid, request_id: Uuid) -> ApiResult<RoomView> {
    post_empty(&request_url(room_id, request_id, "read")).await
}

pub async fn request_extension(
    room_id: Uuid,
    request_id: Uuid,
    request: &ExtensionRequest,
) -> ApiResult<RoomView> {
    post_json(&request_url(room_id, request_id, "extension"), request).await
}

pub async fn grant_extension(room_id: Uuid, request_id: Uuid) -> ApiResult<RoomView> {
    post_empty(&request_url(room_id, request_id, "extension/grant")).await
}

pub async fn submit_statement(
    room_id: Uuid,
    request_id: Uuid,
    statement: &StatementSubmit,
) -> ApiResult<RoomView> {
    post_json(&request_url(room_id, request_id, "statements"), statement).await
}

pub async fn withdraw_request(
    room_id: Uuid,
    request_id: Uuid,
    reason: String,
) -> ApiResult<RoomView> {
    post_json(
        &request_url(room_id, request_id, "withdraw"),
        &ReasonRequest { reason },
    )
    .await
}

pub async fn reopen_request(
    room_id: Uuid,
    request_id: Uuid,
    reason: String,
) -> ApiResult<RoomView> {
    post_json(
        &request_url(room_id, request_id, "reopen"),
        &ReasonRequest { reason },
    )
    .await
}

pub async fn release_statement(room_id: Uuid, request_id: Uuid) -> ApiResult<RoomView> {
    post_empty(&request_url(room_id, request_id, "release")).await
}

pub async fn decide(room_id: Uuid, request: &DecisionRequest) -> ApiResult<RoomView> {
    post_json(&format!("/api/rooms/{room_id}/decision"), request).await
}

pub async fn record_fee_payment(room_id: Uuid, paid: bool) -> ApiResult<RoomView> {
    let url = format!("/api/rooms/{room_id}/decision/fee-payment");
    post_json(&url, &FeePaymentRequest { paid }).await
}

pub async fn list_inbox() -> ApiResult<Vec<InboxItem>> {
    get_json("/api/inbox").await
}

// ---------------------------------------------------------------- messages

/// The room's threads the caller reads, with unread counts.
pub async fn list_threads(room_id: Uuid) -> ApiResult<MessagesView> {
    get_json(&format!("/api/rooms/{room_id}/threads")).await
}

/// Starts a thread; the same `client_key` again answers the same thread.
pub async fn start_thread(room_id: Uuid, request: &StartThread) -> ApiResult<ThreadView> {
    post_json(&format!("/api/rooms/{room_id}/threads"), request).await
}

pub async fn post_message(
    room_id: Uuid,
    thread_id: Uuid,
    request: &PostMessage,
) -> ApiResult<ThreadView> {
    let url = format!("/api/rooms/{room_id}/threads/{thread_id}/messages");
    post_json(&url, request).await
}

/// Marks the thread read up to `up_to`; answers the threads anew.
pub async fn mark_thread_read(
    room_id: Uuid,
    thread_id: Uuid,
    up_to: Uuid,
) -> ApiResult<MessagesView> {
    let url = format!("/api/rooms/{room_id}/threads/{thread_id}/read");
    post_json(&url, &MarkThreadRead { up_to }).await
}

// ---------------------------------------------------------------- office

pub async fn list_procedure_types(office_id: Uuid) -> ApiResult<Vec<ProcedureType>> {
    get_json(&format!("/api/offices/{office_id}/procedure-types")).await
}

/// Saves an edit of a procedure type; a 409 `stale_write` means someone
/// else saved since `request.version`.
pub async fn create_procedure_type(
    office_id: Uuid,
    request: &CreateProcedureTypeRequest,
) -> ApiResult<ProcedureType> {
    post_json(
        &format!("/api/offices/{office_id}/procedure-types"),
        request,
    )
    .await
}

pub async fn update_procedure_type(
    office_id: Uuid,
    procedure_type_id: Uuid,
    request: &UpdateProcedureTypeRequest,
) -> ApiResult<ProcedureType> {
    let url = format!("/api/offices/{office_id}/procedure-types/{procedure_type_id}");
    let request = mutating(Request::put(&url)).json(request);
    read_json(send(request).await?).await
}

// ---------------------------------------------------------------- office administration

pub async fn list_staff(office_id: Uuid) -> ApiResult<Vec<StaffMember>> {
    get_json(&format!("/api/offices/{office_id}/staff")).await
}

/// Adds the holder of an existing account; `no_account` when nobody has
/// registered with the address.
pub async fn add_staff(office_id: Uuid, request: &AddStaffRequest) -> ApiResult<StaffMember> {
    post_json(&format!("/api/offices/{office_id}/staff"), request).await
}

/// A `last_admin` problem when the office would be left without an admin.
pub async fn change_staff_role(
    office_id: Uuid,
    user_id: Uuid,
    role: OfficeRole,
) -> ApiResult<StaffMember> {
    let url = format!("/api/offices/{office_id}/staff/{user_id}");
    let request = mutating(Request::put(&url)).json(&ChangeRoleRequest { role });
    read_json(send(request).await?).await
}

pub async fn remove_staff(office_id: Uuid, user_id: Uuid) -> ApiResult<()> {
    let url = format!("/api/offices/{office_id}/staff/{user_id}");
    expect_empty(send(mutating(Request::delete(&url)).build()).await?).await
}

pub async fn list_office_bodies(office_id: Uuid) -> ApiResult<Vec<OfficeBody>> {
    get_json(&format!("/api/offices/{office_id}/bodies")).await
}

pub async fn create_body(office_id: Uuid, request: &CreateBodyRequest) -> ApiResult<OfficeBody> {
    post_json(&format!("/api/offices/{office_id}/bodies"), request).await
}

pub async fn rename_body(office_id: Uuid, body_id: Uuid, name: String) -> ApiResult<OfficeBody> {
    let url = format!("/api/offices/{office_id}/bodies/{body_id}");
    let request = mutating(Request::put(&url)).json(&RenameBodyRequest { name });
    read_json(send(request).await?).await
}

pub async fn add_body_member(
    office_id: Uuid,
    body_id: Uuid,
    email: String,
) -> ApiResult<OfficeBody> {
    let url = format!("/api/offices/{office_id}/bodies/{body_id}/members");
    post_json(&url, &AddBodyMemberRequest { email }).await
}

pub async fn remove_body_member(office_id: Uuid, body_id: Uuid, user_id: Uuid) -> ApiResult<()> {
    let url = format!("/api/offices/{office_id}/bodies/{body_id}/members/{user_id}");
    expect_empty(send(mutating(Request::delete(&url)).build()).await?).await
}

pub async fn get_office_settings(office_id: Uuid) -> ApiResult<OfficeSettings> {
    get_json(&format!("/api/offices/{office_id}/settings")).await
}

pub async fn update_office_settings(
    office_id: Uuid,
    settings: &OfficeSettings,
) -> ApiResult<OfficeSettings> {
    let url = format!("/api/offices/{office_id}/settings");
    read_json(send(mutating(Request::put(&url)).json(settings)).await?).await
}

pub async fn confirm_identity(
    office_id: Uuid,
    request: &ConfirmIdentityRequest,
) -> ApiResult<IdentityConfirmed> {
    let url = format!("/api/offices/{office_id}/identity-confirmations");
    post_json(&url, request).await
}

// ---------------------------------------------------------------- operator

pub async fn list_operator_offices() -> ApiResult<Vec<OperatorOffice>> {
    get_json("/api/operator/offices").await
}

pub async fn create_office(request: &CreateOfficeRequest) -> ApiResult<OperatorOffice> {
    post_json("/api/operator/offices", request).await
}

// ---------------------------------------------------------------- invitations

pub async fn invite_member(room_id: Uuid, request: &InviteRequest) -> ApiResult<InvitationCreated> {
    post_json(&format!("/api/rooms/{room_id}/invitations"), request).await
}

pub async fn preview_invitation(token: &str) -> ApiResult<InvitationPreview> {
    get_json(&format!("/api/invitations/{}", encode(token))).await
}

pub async fn accept_invitation(token: &str) -> ApiResult<InvitationAccepted> {
    post_empty(&format!("/api/invitations/{}/accept", encode(token))).await
}

// ---------------------------------------------------------------- documents

/// Starts a resumable upload, or finds the one begun under the same key.
pub async fn start_upload(room_id: Uuid, request: &StartUpload) -> ApiResult<UploadView> {
    post_json(&format!("/api/rooms/{room_id}/uploads"), request).await
}

/// Where a resumable upload stands.
pub async fn get_upload(room_id: Uuid, upload_id: Uuid) -> ApiResult<UploadView> {
    get_json(&format!("/api/rooms/{room_id}/uploads/{upload_id}")).await
}

/// Where to PATCH the chunk that starts at `offset` (see `upload.rs`).
pub fn chunk_url(room_id: Uuid, upload_id: Uuid, offset: u64) -> String {
    format!("/api/rooms/{room_id}/uploads/{upload_id}?offset={offset}")
}

pub async fn complete_upload(room_id: Uuid, upload_id: Uuid) -> ApiResult<DocumentView> {
    post_empty(&format!(
        "/api/rooms/{room_id}/uploads/{upload_id}/complete"
    ))
    .await
}

pub async fn cancel_upload(room_id: Uuid, upload_id: Uuid) -> ApiResult<()> {
    let url = format!("/api/rooms/{room_id}/uploads/{upload_id}");
    expect_empty(send(mutating(Request::delete(&url)).build()).await?).await
}

/// Where a consulted body POSTs a file it attaches to its statement.
pub fn attachment_url(room_id: Uuid, request_id: Uuid, file_name: &str) -> String {
    format!(
        "{}?file_name={}",
        request_url(room_id, request_id, "attachments"),
        encode(file_name)
    )
}

// ---------------------------------------------------------------- plumbing

/// A random key from the browser's cryptographic generator, for requests
/// that must take effect once however often they are sent.
pub fn random_key() -> Uuid {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.random_uuid().parse().ok())
        .unwrap_or_else(|| Uuid::from_u64_pair(js_sys::Date::now() as u64, 0))
}

fn encode(value: &str) -> String {
    String::from(js_sys::encode_uri_component(value))
}

fn mutating(builder: RequestBuilder) -> RequestBuilder {
    builder.header(CSRF_HEADER.0, CSRF_HEADER.1)
}

async fn get_json<T: DeserializeOwned>(url: &str) -> ApiResult<T> {
    let request = Request::get(url)
        .header("Accept", "application/json")
        .build();
    read_json(send(request).await?).await
}

async fn post_json<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> ApiResult<T> {
    let request = mutating(Request::post(url)).json(body);
    read_json(send(request).await?).await
}

async fn post_empty<T: DeserializeOwned>(url: &str) -> ApiResult<T> {
    let request = mutating(Request::post(url)).build();
    read_json(send(request).await?).await
}

/// Sends a request. Refused for an expired access token (401), it renews the
/// session with the refresh cookie once and sends the request again, so that
/// a person at work never sees the ten-minute token run out.
async fn send(request: Result<Request, gloo_net::Error>) -> ApiResult<Response> {
    // Building fails only if our own wire types do not serialise: a bug, not
    // something the user can act on.
    let request = request.map_err(|_| ApiError::Unexpected(0))?;
    let renewable = !request.url().contains("/api/auth/");
    let raw = web_sys::Request::from(request);
    let again = renewable
        .then(|| web_sys::Request::clone(&raw).ok())
        .flatten();
    let response = Request::from(raw)
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    match again {
        Some(again) if response.status() == 401 && renew_session().await => Request::from(again)
            .send()
            .await
            .map_err(|_| ApiError::Network),
        _ => Ok(response),
    }
}

async fn read_json<T: DeserializeOwned>(response: Response) -> ApiResult<T> {
    let status = response.status();
    let body = response.text().await.map_err(|_| ApiError::Network)?;
    if !response.ok() {
        return Err(ApiError::from_status_and_body(status, &body));
    }
    serde_json::from_str(&body).map_err(|_| ApiError::Unexpected(status))
}

async fn expect_empty(response: Response) -> ApiResult<()> {
    if response.ok() {
        return Ok(());
    }
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    Err(ApiError::from_status_and_body(status, &body))
}
