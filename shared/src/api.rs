//! Requests and responses of the HTTP API under `/api`.
//!
//! Every error is an RFC 9457 problem document ([`Problem`]); `code` is stable
//! and meant for the frontend to pick a translated message, `detail` is an
//! English sentence that says what the user can do.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::model::*;

/// An RFC 9457 problem document, the body of every 4xx and 5xx answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Problem {
    /// A URI naming the problem kind, `about:blank` where none applies.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What went wrong and what the user can do about it.
    pub detail: String,
    /// Stable machine-readable code, e.g. `file_too_large`, `stale_write`.
    pub code: String,
    /// The request field the problem is about, where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For server errors only: quote it when reporting the problem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_id: Option<String>,
    /// For `stale_field` only: the form field as it stands now, so that the
    /// writer can take that value or write again on top of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<Box<crate::form::FormFieldView>>,
}

// ---------------------------------------------------------------- accounts

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RegisterRequest {
    pub email: String,
    /// At least 12 characters; long passphrases welcome, no composition rules.
    pub password: String,
    pub display_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// The logged-in person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Me {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    /// The offices this person works in, with the role in each.
    pub offices: Vec<OfficeMembership>,
    /// The consulted bodies this person answers for.
    #[serde(default)]
    pub bodies: Vec<BodyMembership>,
    pub operator: bool,
    /// Whether the person followed the link mailed to their address.
    #[serde(default)]
    pub email_verified: bool,
    /// How the person's identity was confirmed, if it was.
    #[serde(default)]
    pub identity: Option<IdentityConfirmation>,
}

/// A session renewed with its refresh token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RenewedSession {
    /// When the new access token expires; the page renews again after.
    pub access_expires_at: DateTime<Utc>,
    /// When the session ends unless it is used again before (30 minutes
    /// idle, at most 12 hours after login).
    pub session_ends_at: DateTime<Utc>,
}

/// One of the person's sessions (a browser they are logged in with).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SessionView {
    pub id: Uuid,
    pub started_at: DateTime<Utc>,
    pub last_active_at: DateTime<Utc>,
    /// When it ends at the latest, used or not.
    pub expires_at: DateTime<Utc>,
    /// What the browser said it was, shortened.
    pub user_agent: String,
    /// `password` or `sso`.
    pub method: String,
    /// The session this request came with.
    pub current: bool,
}

/// Asks for a link to set a new password.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PasswordResetRequest {
    pub email: String,
}

/// Sets a new password with the link's token.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PasswordResetConfirm {
    pub token: String,
    /// At least 12 characters; long passphrases welcome, no composition rules.
    pub password: String,
}

/// Confirms an e-mail address with the token of the mailed link.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EmailVerificationConfirm {
    pub token: String,
}

/// A confirmed identity: the higher of the two trust levels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct IdentityConfirmation {
    pub method: IdentityMethod,
    pub confirmed_at: DateTime<Utc>,
    /// In person: the type of document checked (e.g. `id_card`); by single
    /// sign-on: the assurance level the provider reported.
    pub document: String,
    /// In person: the office admin who checked the document.
    pub confirmed_by: Option<ActorRef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IdentityMethod {
    /// An office admin checked an identity document in person.
    InPerson,
    /// A single sign-on login with a high enough assurance level.
    Sso,
}

impl IdentityMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityMethod::InPerson => "in_person",
            IdentityMethod::Sso => "sso",
        }
    }

    pub fn parse(value: &str) -> Option<IdentityMethod> {
        [IdentityMethod::InPerson, IdentityMethod::Sso]
            .into_iter()
            .find(|m| m.as_str() == value)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BodyMembership {
    pub body_id: Uuid,
    pub body_name: String,
    pub office_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OfficeMembership {
    pub office_id: Uuid,
    pub office_name: String,
    pub role: OfficeRole,
}

// ---------------------------------------------------------------- offices

/// A building office, as applicants choose it when they start a room.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OfficeSummary {
    pub id: Uuid,
    pub name: String,
    /// The federal state, as its two-letter code (`MV`, `BY`, …).
    pub state: String,
    pub procedure_types: Vec<ProcedureTypeSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ProcedureTypeSummary {
    pub id: Uuid,
    /// Stable key, e.g. `regular`, `simplified`.
    pub key: String,
    pub name_de: String,
    pub name_en: String,
    /// The document categories the checklist of this procedure asks for.
    pub required_categories: Vec<DocumentCategory>,
}

/// A procedure type as its office's staff see it: with its deadline rules and
/// the version an edit has to name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ProcedureType {
    pub id: Uuid,
    /// Stable key, e.g. `regular`; fixed once the type exists.
    pub key: String,
    pub name_de: String,
    pub name_en: String,
    /// The document categories the checklist of this procedure asks for.
    pub required_categories: Vec<DocumentCategory>,
    pub deadline_rules: DeadlinePeriods,
    /// Counts the changes; an edit sends the version it started from.
    pub version: i64,
}

/// The period each deadline of a procedure runs, written as a number and a
/// unit: `14d` (days), `2w` (weeks), `1m` (months), from 1 to 366.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeadlinePeriods {
    /// From receipt of the application to the end of the completeness check.
    pub completeness_check: String,
    /// From a statement request to the statement.
    pub statement: String,
    /// From the request to the municipality's consent, deemed given after it.
    pub municipal_consent: String,
    /// Whether the completeness check stands still while missing items are
    /// outstanding.
    #[serde(default = "yes")]
    pub pause_for_missing_items: bool,
}

fn yes() -> bool {
    true
}

/// Body of `PUT /api/offices/{office_id}/procedure-types/{id}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UpdateProcedureTypeRequest {
    /// The version the edit started from; an older one is refused as stale.
    pub version: i64,
    pub name_de: String,
    pub name_en: String,
    pub required_categories: Vec<DocumentCategory>,
    pub deadline_rules: DeadlinePeriods,
}

/// Body of `POST /api/offices/{office_id}/procedure-types`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateProcedureTypeRequest {
    /// Lowercase letters, digits, `-` and `_`, 1 to 40 characters; unique in
    /// the office.
    pub key: String,
    pub name_de: String,
    pub name_en: String,
    pub required_categories: Vec<DocumentCategory>,
    pub deadline_rules: DeadlinePeriods,
}

// ---------------------------------------------------------------- office administration

/// Someone who works in an office, as its admin manages them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StaffMember {
    pub user_id: Uuid,
    pub display_name: String,
    pub email: String,
    pub role: OfficeRole,
    pub since: DateTime<Utc>,
}

/// Body of `POST /api/offices/{office_id}/staff`: the address of an existing
/// account and the role it gets.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AddStaffRequest {
    pub email: String,
    pub role: OfficeRole,
}

/// Body of `PUT /api/offices/{office_id}/staff/{user_id}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChangeRoleRequest {
    pub role: OfficeRole,
}

/// A person named by an office admin: a body's member, a confirmed account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PersonView {
    pub user_id: Uuid,
    pub display_name: String,
    pub email: String,
}

/// A consulted body with its members, as the office's admin manages it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OfficeBody {
    pub id: Uuid,
    pub key: String,
    pub name: String,
    pub consent_required: bool,
    pub members: Vec<PersonView>,
}

/// Body of `POST /api/offices/{office_id}/bodies`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateBodyRequest {
    pub name: String,
    /// Lowercase letters, digits, `-` and `_`; derived from the name when
    /// left out. Unique in the office and fixed once the body exists.
    #[serde(default)]
    pub key: Option<String>,
    /// For a municipality-like body whose consent the law requires: its
    /// period is the consent rule's, and its silence counts as consent.
    #[serde(default)]
    pub consent_required: bool,
}

/// Body of `PUT /api/offices/{office_id}/bodies/{body_id}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RenameBodyRequest {
    pub name: String,
}

/// Body of `POST /api/offices/{office_id}/bodies/{body_id}/members`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AddBodyMemberRequest {
    pub email: String,
}

/// An applicant's action an office may reserve for confirmed identities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApplicantAction {
    /// Submitting the application. A resubmission after missing items is not
    /// asked again: it follows a submission that passed this check.
    Submit,
    /// Retrieving the notice (and the fee notice) once decided.
    RetrieveNotice,
}

impl ApplicantAction {
    pub const ALL: [ApplicantAction; 2] =
        [ApplicantAction::Submit, ApplicantAction::RetrieveNotice];

    pub fn as_str(self) -> &'static str {
        match self {
            ApplicantAction::Submit => "submit",
            ApplicantAction::RetrieveNotice => "retrieve_notice",
        }
    }

    pub fn parse(value: &str) -> Option<ApplicantAction> {
        ApplicantAction::ALL
            .into_iter()
            .find(|a| a.as_str() == value)
    }
}

/// An office's own settings that are not procedure types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OfficeSettings {
    /// The applicants' actions that need a confirmed identity in this office.
    pub identity_required_for: Vec<ApplicantAction>,
}

/// The kind of identity document an office admin checked in person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IdentityDocument {
    /// Personalausweis.
    IdCard,
    /// Reisepass.
    Passport,
    /// Aufenthaltstitel.
    ResidencePermit,
    /// Any other official document with a photograph.
    Other,
}

impl IdentityDocument {
    pub const ALL: [IdentityDocument; 4] = [
        IdentityDocument::IdCard,
        IdentityDocument::Passport,
        IdentityDocument::ResidencePermit,
        IdentityDocument::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IdentityDocument::IdCard => "id_card",
            IdentityDocument::Passport => "passport",
            IdentityDocument::ResidencePermit => "residence_permit",
            IdentityDocument::Other => "other",
        }
    }

    pub fn parse(value: &str) -> Option<IdentityDocument> {
        IdentityDocument::ALL
            .into_iter()
            .find(|d| d.as_str() == value)
    }
}

/// Body of `POST /api/offices/{office_id}/identity-confirmations`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ConfirmIdentityRequest {
    /// The address of the account whose holder showed the document.
    pub email: String,
    pub document_type: IdentityDocument,
}

/// An account whose identity was just confirmed, with the record kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct IdentityConfirmed {
    pub person: PersonView,
    pub identity: IdentityConfirmation,
}

/// An office as the operator sees it: nothing of what happens inside.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OperatorOffice {
    pub id: Uuid,
    pub name: String,
    /// The federal state's two-letter code.
    pub state: String,
    pub created_at: DateTime<Utc>,
    pub caseworkers: i64,
    pub office_admins: i64,
}

/// Body of `POST /api/operator/offices`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateOfficeRequest {
    pub name: String,
    /// The federal state's two-letter code, e.g. `MV`; it selects the
    /// public holidays.
    pub state: String,
    /// The address of an existing account that becomes the office's first
    /// admin.
    pub first_admin_email: String,
}

// ---------------------------------------------------------------- rooms

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateRoomRequest {
    pub office_id: Uuid,
    pub procedure_type_id: Uuid,
    pub title: String,
    pub site_address: String,
    /// The browser's own id for this form: sending it again (a double
    /// click, a retry) answers the room already started.
    #[serde(default)]
    pub client_key: Option<Uuid>,
}

/// A room in a list: the applicant's "my rooms" or the caseworker's queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RoomSummary {
    pub id: Uuid,
    pub title: String,
    pub site_address: String,
    pub office_name: String,
    pub procedure_type: ProcedureTypeSummary,
    pub status: RoomStatus,
    pub next_actor: NextActor,
    /// Assigned on submission, e.g. `BA-2026-0001`.
    pub case_number: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// The caller's role in this room.
    pub my_role: RoomRole,
    pub updated_at: DateTime<Utc>,
    /// The deadlines running now, soonest first.
    pub deadlines: Vec<DeadlineView>,
}

/// Everything the room page shows, as of event `last_seq`. Live events after
/// `last_seq` are applied on top by re-reading the room.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RoomView {
    pub id: Uuid,
    pub title: String,
    pub site_address: String,
    pub office: OfficeRef,
    pub procedure_type: ProcedureTypeSummary,
    pub status: RoomStatus,
    pub next_actor: NextActor,
    pub case_number: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub my_role: RoomRole,
    /// The deadlines running now, soonest first.
    pub deadlines: Vec<DeadlineView>,
    pub members: Vec<MemberView>,
    pub documents: Vec<DocumentView>,
    pub signatures: Vec<SignatureView>,
    /// The application form, every field in form order; empty for a
    /// consulted body, which reads only the documents its request shares.
    pub form: Vec<crate::form::FormFieldView>,
    /// The caseworker who took the case by starting the check.
    pub assigned_to: Option<ActorRef>,
    /// Requests for missing items, oldest first; the last may be open.
    pub missing_items: Vec<MissingItemsView>,
    /// Statement requests the caller may see: all for the office and the
    /// applicants, only its own for a consulted body.
    pub statement_requests: Vec<StatementRequestView>,
    pub decision: Option<DecisionView>,
    /// What the caller may do now; the interface shows exactly these buttons.
    pub allowed: Vec<RoomAction>,
    /// The actions this office reserves for confirmed identities that the
    /// caller, an applicant whose identity is not confirmed, cannot take yet;
    /// the page says how to get confirmed where the button would be. Empty
    /// for everyone else.
    pub identity_needed_for: Vec<ApplicantAction>,
    /// The sequence number of the newest event this view includes.
    pub last_seq: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OfficeRef {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MemberView {
    pub user_id: Uuid,
    pub display_name: String,
    pub role: RoomRole,
    pub joined_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SignatureView {
    pub user_id: Uuid,
    pub display_name: String,
    pub role: RoomRole,
    pub signed_at: DateTime<Utc>,
}

/// Something a person may do in a room, as the server allows it now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RoomAction {
    Invite,
    /// Take a designer or another applicant out of the room.
    RemoveMember,
    Upload,
    /// Change the application form.
    EditForm,
    Sign,
    WithdrawSignature,
    Submit,
    StartCheck,
    RequestMissingItems,
    Resubmit,
    MarkComplete,
    Withdraw,
    DeemWithdrawn,
    RequestStatements,
    UploadNotice,
    Decide,
    /// Record that the fee was paid (or take that back).
    RecordFeePayment,
    Close,
}

// ---------------------------------------------------------------- procedure

/// `POST /api/rooms/{room_id}/missing-items`: one request with every item.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MissingItemsRequest {
    pub items: Vec<MissingItem>,
    /// The period the applicants have, e.g. `4w` or `30d`.
    pub period: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MissingItemsView {
    pub id: Uuid,
    pub requested_by: ActorRef,
    pub requested_at: DateTime<Utc>,
    pub items: Vec<MissingItem>,
    pub deadline: DeadlineView,
    /// When the applicants resubmitted; `None` while the request is open.
    pub answered_at: Option<DateTime<Utc>>,
}

/// A reason for a step that needs one (withdrawal, reopening).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReasonRequest {
    pub reason: String,
}

/// A consulted body of an office.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BodyView {
    pub id: Uuid,
    /// Stable key, e.g. `municipality`, `fire_protection`.
    pub key: String,
    pub name: String,
    /// The municipality whose consent the law requires: its period is the
    /// consent rule's, and silence counts as consent.
    pub consent_required: bool,
}

/// `POST /api/rooms/{room_id}/statement-requests`: one request per body.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StatementRequestsCreate {
    pub body_ids: Vec<Uuid>,
    pub question: String,
    /// The documents the bodies may read.
    pub document_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ExtensionRequest {
    /// How much longer, e.g. `2w`.
    pub period: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StatementSubmit {
    pub verdict: Verdict,
    /// The statement; for an objection, its reasons.
    pub text: String,
    /// One entry per condition; required for consent with conditions.
    #[serde(default)]
    pub conditions: Vec<String>,
    /// Files attached to the statement: version ids answered by
    /// `POST …/statement-requests/{request_id}/attachments` for this request.
    #[serde(default)]
    pub attachment_ids: Vec<Uuid>,
}

/// Something a person may do with one statement request now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequestAction {
    Answer,
    RequestExtension,
    GrantExtension,
    Withdraw,
    Reopen,
    Release,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StatementRequestView {
    pub id: Uuid,
    pub body: BodyView,
    pub question: String,
    pub requested_by: ActorRef,
    pub requested_at: DateTime<Utc>,
    /// The documents shared with the body.
    pub document_ids: Vec<Uuid>,
    /// `overdue` when the deadline passed without an answer.
    pub status: RequestStatus,
    pub deadline: DeadlineView,
    /// For the municipality: its deadline passed without an answer, so its
    /// consent counts as given (§ 36 (2) sentence 2 BauGB).
    pub consent_deemed_given: bool,
    pub extension: Option<ExtensionView>,
    /// The statement versions the caller may see, oldest first.
    pub statements: Vec<StatementView>,
    pub allowed: Vec<RequestAction>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ExtensionView {
    pub period: String,
    pub reason: String,
    pub requested_at: DateTime<Utc>,
    pub granted_at: Option<DateTime<Utc>>,
}

/// A submitted statement; never changed, a correction is a new version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StatementView {
    pub id: Uuid,
    pub version: i64,
    /// The version this one corrects.
    pub replaces: Option<Uuid>,
    pub verdict: Verdict,
    pub text: String,
    pub conditions: Vec<String>,
    /// The files attached to this version.
    pub attachments: Vec<DocumentVersionView>,
    pub submitted_by: ActorRef,
    pub submitted_at: DateTime<Utc>,
    /// When the office showed it to the applicants.
    pub released_at: Option<DateTime<Utc>>,
}

/// `POST /api/rooms/{room_id}/decision`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DecisionRequest {
    pub outcome: DecisionOutcome,
    /// Conditions; required for approval with conditions, refused otherwise.
    #[serde(default)]
    pub conditions: Vec<DecisionCondition>,
    /// The notice PDF, uploaded before as a document of category `notice`.
    pub notice_version_id: Uuid,
    /// A fee notice, uploaded as category `fee_notice`, with its amount.
    #[serde(default)]
    pub fee: Option<FeeInput>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FeeInput {
    pub amount_cents: i64,
    pub version_id: Uuid,
    #[serde(default)]
    pub paid: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DecisionView {
    pub outcome: DecisionOutcome,
    pub conditions: Vec<DecisionConditionView>,
    pub decided_by: ActorRef,
    pub decided_at: DateTime<Utc>,
    pub notice: DocumentVersionView,
    pub fee: Option<FeeView>,
    /// The applicant's first retrieval of the notice.
    pub retrieved_at: Option<DateTime<Utc>>,
    /// The legal delivery date: the day after retrieval (§ 41 (2a) VwVfG).
    pub delivery_date: Option<chrono::NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DecisionConditionView {
    pub text: String,
    pub statement_id: Option<Uuid>,
    /// The body whose statement the condition came from.
    pub body_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FeeView {
    pub amount_cents: i64,
    pub paid: bool,
    pub notice: DocumentVersionView,
}

/// `POST /api/rooms/{room_id}/decision/fee-payment`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FeePaymentRequest {
    pub paid: bool,
}

/// Query of `POST /api/rooms/{room_id}/statement-requests/{request_id}/attachments`;
/// the body is the file's bytes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct AttachmentQuery {
    /// The original file name, for display only.
    pub file_name: String,
}

/// One open request in a consulted body's inbox, soonest deadline first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InboxItem {
    pub room_id: Uuid,
    pub room_title: String,
    pub site_address: String,
    pub case_number: Option<String>,
    pub office_name: String,
    pub request: StatementRequestView,
}

// ---------------------------------------------------------------- invitations

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InviteRequest {
    pub email: String,
    /// `designer` or `other_applicant`.
    pub role: RoomRole,
}

/// The answer to the inviter. The link is also mailed; it is shown here so the
/// inviter can pass it on when no mail server is configured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InvitationCreated {
    pub invitation_id: Uuid,
    pub link: String,
    pub expires_at: DateTime<Utc>,
    /// Whether the invitation went out by e-mail (else it waits in the outbox).
    pub mailed: bool,
}

/// What the invitee sees before accepting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InvitationPreview {
    pub room_title: String,
    pub site_address: String,
    pub invited_by: String,
    pub role: RoomRole,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InvitationAccepted {
    pub room_id: Uuid,
}

// ---------------------------------------------------------------- documents

/// Query of `POST /api/rooms/{room_id}/documents`; the body is the file's bytes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct UploadQuery {
    pub category: DocumentCategory,
    /// The original file name, for display only.
    pub file_name: String,
    /// Set to add a new version of this document instead of a new document.
    #[serde(default)]
    pub document_id: Option<Uuid>,
}

/// A document with all its versions, newest last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DocumentView {
    pub id: Uuid,
    pub category: DocumentCategory,
    pub versions: Vec<DocumentVersionView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DocumentVersionView {
    pub id: Uuid,
    pub version: i64,
    /// The original name, Unicode NFC; never a storage path.
    pub file_name: String,
    pub size_bytes: u64,
    /// Detected from the bytes, not from the name or the client.
    pub media_type: String,
    pub sha256: String,
    pub uploaded_by: ActorRef,
    pub uploaded_at: DateTime<Utc>,
    /// Where to fetch the bytes.
    pub download_url: String,
}

/// Body of `POST /api/rooms/{room_id}/uploads`: a file about to go up in
/// chunks. Starting the same `client_key` again answers the upload already
/// begun, so a double click or a reload never makes two.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StartUpload {
    /// The browser's own id for this file (stable across reloads).
    pub client_key: Uuid,
    pub category: DocumentCategory,
    /// The original file name, for display only.
    pub file_name: String,
    /// The whole file's size; checked against the limit and the room's quota
    /// before a byte is sent.
    pub size_bytes: u64,
    /// Set to add a new version of this document instead of a new document.
    #[serde(default)]
    pub document_id: Option<Uuid>,
}

/// A resumable upload: how far it has come. Chunks go to
/// `PATCH /api/rooms/{room_id}/uploads/{id}?offset=<received_bytes>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UploadView {
    pub id: Uuid,
    pub category: DocumentCategory,
    pub file_name: String,
    pub size_bytes: u64,
    /// Bytes acknowledged so far: where the next chunk starts.
    pub received_bytes: u64,
    /// The largest chunk the server takes in one request.
    pub max_chunk_bytes: u64,
    /// The document version it became, once completed.
    pub version_id: Option<Uuid>,
}

/// Query of `PATCH /api/rooms/{room_id}/uploads/{upload_id}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct ChunkQuery {
    /// Where this chunk starts in the file; must equal `received_bytes`.
    pub offset: u64,
}

// ---------------------------------------------------------------- messages

/// Body of `POST /api/rooms/{room_id}/threads`: a new thread with its first
/// message.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StartThread {
    /// 1 to 200 characters.
    pub subject: String,
    pub visibility: ThreadVisibility,
    /// The first message, 1 to 10,000 characters.
    pub text: String,
    /// People to mention (user ids), at most 20; each must be able to read
    /// the thread.
    #[serde(default)]
    pub mentions: Vec<Uuid>,
    /// Documents of the room to refer to, at most 20; every reader of the
    /// thread must be able to see each.
    #[serde(default)]
    pub document_ids: Vec<Uuid>,
    /// The browser's own id for this form: sending it again (a double
    /// click, a retry) answers the thread already started.
    #[serde(default)]
    pub client_key: Option<Uuid>,
}

/// Body of `POST /api/rooms/{room_id}/threads/{thread_id}/messages`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PostMessage {
    /// 1 to 10,000 characters.
    pub text: String,
    #[serde(default)]
    pub mentions: Vec<Uuid>,
    #[serde(default)]
    pub document_ids: Vec<Uuid>,
    /// Sending the same key again answers the message already posted.
    #[serde(default)]
    pub client_key: Option<Uuid>,
}

/// Body of `POST /api/rooms/{room_id}/threads/{thread_id}/read`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MarkThreadRead {
    /// The newest message of the thread the person has read; an older one
    /// than before changes nothing.
    pub up_to: Uuid,
}

/// The threads of a room the caller may read, with what they may start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MessagesView {
    /// Newest activity first.
    pub threads: Vec<ThreadView>,
    /// Messages of others the caller has not read yet, in all threads.
    pub unread: i64,
    /// The visibilities the caller may start a thread with now; empty when
    /// they may start none (the room has ended).
    pub options: Vec<ThreadOption>,
}

/// A visibility the caller may give a new thread, with who would read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ThreadOption {
    pub visibility: ThreadVisibility,
    /// For a body's thread, the body's name.
    pub body_name: Option<String>,
    /// Who reads such a thread: the people who may be mentioned in it.
    pub readers: Vec<RoomPerson>,
    /// The documents every reader may see: those a message may refer to.
    pub document_ids: Vec<Uuid>,
}

/// A person with access to a room, as messages name them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RoomPerson {
    pub user_id: Uuid,
    pub display_name: String,
    pub role: RoomRole,
    /// The consulted body a body's member answers for.
    pub body_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ThreadView {
    pub id: Uuid,
    pub subject: String,
    pub visibility: ThreadVisibility,
    pub body_name: Option<String>,
    pub started_by: ActorRef,
    pub started_at: DateTime<Utc>,
    /// Oldest first.
    pub messages: Vec<MessageView>,
    /// Messages of others after the caller's read marker.
    pub unread: i64,
    /// Whether the caller may reply now.
    pub may_post: bool,
    /// Who reads the thread: the people a reply may mention.
    pub readers: Vec<RoomPerson>,
    /// The documents a reply may refer to.
    pub document_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MessageView {
    pub id: Uuid,
    pub author: ActorRef,
    pub posted_at: DateTime<Utc>,
    pub text: String,
    pub mentions: Vec<ActorRef>,
    /// The documents referred to, as the reader may open them.
    pub documents: Vec<MessageDocument>,
}

/// A document a message refers to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MessageDocument {
    pub id: Uuid,
    pub category: DocumentCategory,
    /// The newest version the reader may see.
    pub version: DocumentVersionView,
}

// ---------------------------------------------------------------- notifications

/// Whether the person receives one kind of e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NotificationSetting {
    pub kind: NotificationKind,
    pub enabled: bool,
}

/// A person's e-mail preferences. `GET` lists every kind; `PUT` replaces them
/// all, so a kind it leaves out is switched on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NotificationPreferences {
    pub settings: Vec<NotificationSetting>,
}

// ---------------------------------------------------------------- queue

/// One line of the caseworker's queue, which is ordered by the next deadline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct QueueItem {
    pub room: RoomSummary,
    /// The caseworker who took the case.
    pub assigned_to: Option<ActorRef>,
    pub builder_name: Option<String>,
    pub document_count: i64,
}

// ---------------------------------------------------------------- record

/// The result of recomputing a room's hash chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChainVerification {
    pub valid: bool,
    /// How many entries were checked and found sound.
    pub entries: i64,
    /// The first entry that does not match, when the chain is broken.
    pub first_broken_seq: Option<i64>,
    pub reason: Option<String>,
}

// ---------------------------------------------------------------- health

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Readiness {
    pub database: bool,
    pub store: bool,
}

/// Limits the interface needs to know before it sends anything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ClientConfig {
    pub max_upload_bytes: u64,
    /// The name of the single sign-on provider for the login button (e.g.
    /// "BundID"); `None` when single sign-on is off.
    #[serde(default)]
    pub sso_label: Option<String>,
}
