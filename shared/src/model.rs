//! Statuses, roles, categories and the room's event log entries.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Where a room stands in the procedure (`PRODUCT.md`, "The procedure").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RoomStatus {
    Draft,
    Submitted,
    CompletenessCheck,
    AwaitingApplicant,
    InReview,
    Decided,
    Delivered,
    Closed,
    Withdrawn,
}

impl RoomStatus {
    pub const ALL: [RoomStatus; 9] = [
        RoomStatus::Draft,
        RoomStatus::Submitted,
        RoomStatus::CompletenessCheck,
        RoomStatus::AwaitingApplicant,
        RoomStatus::InReview,
        RoomStatus::Decided,
        RoomStatus::Delivered,
        RoomStatus::Closed,
        RoomStatus::Withdrawn,
    ];

    /// The stable name used in the database and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            RoomStatus::Draft => "draft",
            RoomStatus::Submitted => "submitted",
            RoomStatus::CompletenessCheck => "completeness_check",
            RoomStatus::AwaitingApplicant => "awaiting_applicant",
            RoomStatus::InReview => "in_review",
            RoomStatus::Decided => "decided",
            RoomStatus::Delivered => "delivered",
            RoomStatus::Closed => "closed",
            RoomStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(value: &str) -> Option<RoomStatus> {
        RoomStatus::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// Who has to act next in this status.
    pub fn next_actor(self) -> NextActor {
        match self {
            RoomStatus::Draft | RoomStatus::AwaitingApplicant | RoomStatus::Decided => {
                NextActor::Applicants
            }
            RoomStatus::Submitted | RoomStatus::CompletenessCheck | RoomStatus::InReview => {
                NextActor::Office
            }
            RoomStatus::Delivered => NextActor::Office,
            RoomStatus::Closed | RoomStatus::Withdrawn => NextActor::Nobody,
        }
    }
}

/// The party whose move it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NextActor {
    Applicants,
    Office,
    ConsultedBodies,
    Nobody,
}

/// A step of the procedure's state machine; every one is an event in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    Submit,
    StartCheck,
    RequestMissingItems,
    Resubmit,
    MarkComplete,
    Decide,
    DeliverNotice,
    Close,
    Withdraw,
    DeemWithdrawn,
}

/// A person's role in one room. Roles are per room, never global.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RoomRole {
    /// *Bauherr/Bauherrin*: starts, signs and submits the application.
    Builder,
    /// *Entwurfsverfasser/in*: drafts the plans, signs as their author.
    Designer,
    /// Specialist planner or authorised representative, invited to contribute.
    OtherApplicant,
    /// Staff of the office the room belongs to (not a stored membership:
    /// it follows from the person's role in that office).
    Caseworker,
    /// A member of a consulted body (*Träger öffentlicher Belange*) the office
    /// asked for a statement; follows from the request, like the caseworker's.
    ConsultedBody,
}

impl RoomRole {
    pub fn as_str(self) -> &'static str {
        match self {
            RoomRole::Builder => "builder",
            RoomRole::Designer => "designer",
            RoomRole::OtherApplicant => "other_applicant",
            RoomRole::Caseworker => "caseworker",
            RoomRole::ConsultedBody => "consulted_body",
        }
    }

    pub fn parse(value: &str) -> Option<RoomRole> {
        [
            RoomRole::Builder,
            RoomRole::Designer,
            RoomRole::OtherApplicant,
            RoomRole::Caseworker,
            RoomRole::ConsultedBody,
        ]
        .into_iter()
        .find(|r| r.as_str() == value)
    }

    pub fn is_applicant(self) -> bool {
        matches!(
            self,
            RoomRole::Builder | RoomRole::Designer | RoomRole::OtherApplicant
        )
    }

    /// Whether this role's declaration is needed before submission.
    pub fn must_sign(self) -> bool {
        matches!(self, RoomRole::Builder | RoomRole::Designer)
    }
}

/// A person's role in a building office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OfficeRole {
    Caseworker,
    OfficeAdmin,
}

impl OfficeRole {
    pub fn as_str(self) -> &'static str {
        match self {
            OfficeRole::Caseworker => "caseworker",
            OfficeRole::OfficeAdmin => "office_admin",
        }
    }

    pub fn parse(value: &str) -> Option<OfficeRole> {
        [OfficeRole::Caseworker, OfficeRole::OfficeAdmin]
            .into_iter()
            .find(|r| r.as_str() == value)
    }
}

/// A kind of e-mail the case room sends. Everyone receives every kind until
/// they switch it off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// An invitation into a room.
    Invitation,
    /// A consulted body is asked for a statement.
    StatementRequest,
    /// The office asks the applicants for missing items.
    MissingItems,
    /// A notice is ready to be retrieved.
    NoticeReady,
    /// A deadline the person must meet falls due soon.
    DeadlineReminder,
    /// A deadline the person had to meet has passed.
    DeadlineMissed,
    /// Someone mentioned the person in a message of a room.
    Mention,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 7] = [
        NotificationKind::Invitation,
        NotificationKind::StatementRequest,
        NotificationKind::MissingItems,
        NotificationKind::NoticeReady,
        NotificationKind::DeadlineReminder,
        NotificationKind::DeadlineMissed,
        NotificationKind::Mention,
    ];

    /// The stable name used in the database and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::Invitation => "invitation",
            NotificationKind::StatementRequest => "statement_request",
            NotificationKind::MissingItems => "missing_items",
            NotificationKind::NoticeReady => "notice_ready",
            NotificationKind::DeadlineReminder => "deadline_reminder",
            NotificationKind::DeadlineMissed => "deadline_missed",
            NotificationKind::Mention => "mention",
        }
    }

    pub fn parse(value: &str) -> Option<NotificationKind> {
        NotificationKind::ALL
            .into_iter()
            .find(|k| k.as_str() == value)
    }
}

/// The kind of a building document (*Art der Bauvorlage*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentCategory {
    SitePlan,
    FloorPlans,
    Sections,
    Elevations,
    BuildingDescription,
    StructuralProof,
    FireProtectionConcept,
    EnergyCertificate,
    SiteCoverageCalculation,
    DrainagePlan,
    ParkingProof,
    DesignerEntitlement,
    CadastralExtract,
    PowerOfAttorney,
    Photos,
    Other,
    /// The office's notice (*Bescheid*), released with the decision.
    Notice,
    /// The office's fee notice (*Gebührenbescheid*).
    FeeNotice,
    /// A file a consulted body attaches to its statement (*Anlage zur
    /// Stellungnahme*); it follows the statement's audience.
    StatementAttachment,
}

impl DocumentCategory {
    /// The categories the applicants file; the checklist chooses from these.
    pub const APPLICATION: [DocumentCategory; 16] = [
        DocumentCategory::SitePlan,
        DocumentCategory::FloorPlans,
        DocumentCategory::Sections,
        DocumentCategory::Elevations,
        DocumentCategory::BuildingDescription,
        DocumentCategory::StructuralProof,
        DocumentCategory::FireProtectionConcept,
        DocumentCategory::EnergyCertificate,
        DocumentCategory::SiteCoverageCalculation,
        DocumentCategory::DrainagePlan,
        DocumentCategory::ParkingProof,
        DocumentCategory::DesignerEntitlement,
        DocumentCategory::CadastralExtract,
        DocumentCategory::PowerOfAttorney,
        DocumentCategory::Photos,
        DocumentCategory::Other,
    ];

    /// The categories only the office files, with the decision.
    pub const OFFICE: [DocumentCategory; 2] =
        [DocumentCategory::Notice, DocumentCategory::FeeNotice];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentCategory::SitePlan => "site_plan",
            DocumentCategory::FloorPlans => "floor_plans",
            DocumentCategory::Sections => "sections",
            DocumentCategory::Elevations => "elevations",
            DocumentCategory::BuildingDescription => "building_description",
            DocumentCategory::StructuralProof => "structural_proof",
            DocumentCategory::FireProtectionConcept => "fire_protection_concept",
            DocumentCategory::EnergyCertificate => "energy_certificate",
            DocumentCategory::SiteCoverageCalculation => "site_coverage_calculation",
            DocumentCategory::DrainagePlan => "drainage_plan",
            DocumentCategory::ParkingProof => "parking_proof",
            DocumentCategory::DesignerEntitlement => "designer_entitlement",
            DocumentCategory::CadastralExtract => "cadastral_extract",
            DocumentCategory::PowerOfAttorney => "power_of_attorney",
            DocumentCategory::Photos => "photos",
            DocumentCategory::Other => "other",
            DocumentCategory::Notice => "notice",
            DocumentCategory::FeeNotice => "fee_notice",
            DocumentCategory::StatementAttachment => "statement_attachment",
        }
    }

    pub fn parse(value: &str) -> Option<DocumentCategory> {
        DocumentCategory::APPLICATION
            .into_iter()
            .chain(DocumentCategory::OFFICE)
            .chain([DocumentCategory::StatementAttachment])
            .find(|c| c.as_str() == value)
    }

    /// Whether the applicants file documents of this category.
    pub fn is_application(self) -> bool {
        DocumentCategory::APPLICATION.contains(&self)
    }

    /// Whether the office files documents of this category (never the applicants).
    pub fn is_office(self) -> bool {
        DocumentCategory::OFFICE.contains(&self)
    }

    /// Whether the file belongs to a consulted body's statement, not to the
    /// application: it is seen by that body and the office, and by the
    /// applicants once the statement is released.
    pub fn is_statement_attachment(self) -> bool {
        self == DocumentCategory::StatementAttachment
    }

    /// Drawings, where CAD and BIM formats are accepted besides PDF.
    pub fn is_plan(self) -> bool {
        matches!(
            self,
            DocumentCategory::SitePlan
                | DocumentCategory::FloorPlans
                | DocumentCategory::Sections
                | DocumentCategory::Elevations
                | DocumentCategory::DrainagePlan
        )
    }
}

/// Who did something, as shown to the room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ActorRef {
    pub user_id: Uuid,
    pub display_name: String,
}

/// One entry of a room's append-only event log. History, live updates and the
/// record are all read from these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RoomEvent {
    pub room_id: Uuid,
    /// Gap-free sequence number within the room, starting at 1.
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// `None` for events the system records by itself (a deadline passing).
    pub actor: Option<ActorRef>,
    pub payload: EventPayload,
}

/// What happened. The `type` tag is the event kind stored in the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventPayload {
    RoomCreated {
        title: String,
        site_address: String,
        procedure_type: String,
    },
    MemberInvited {
        invitation_id: Uuid,
        role: RoomRole,
        email: String,
    },
    MemberJoined {
        user_id: Uuid,
        display_name: String,
        role: RoomRole,
    },
    /// The builder took someone out of the room; their access ends at once.
    MemberRemoved {
        user_id: Uuid,
        display_name: String,
        role: RoomRole,
    },
    DocumentUploaded {
        document_id: Uuid,
        version_id: Uuid,
        version: i64,
        category: DocumentCategory,
        file_name: String,
        size_bytes: u64,
        sha256: String,
        media_type: String,
    },
    /// Someone fetched a document version: who saw what, and when, is part of
    /// the record.
    DocumentDownloaded {
        document_id: Uuid,
        version_id: Uuid,
        version: i64,
        file_name: String,
        /// The consulted body the downloader read it for, if any: only that
        /// body and the office see such an entry.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body_id: Option<Uuid>,
    },
    SignatureGiven {
        user_id: Uuid,
        role: RoomRole,
    },
    /// A field of the application form was saved.
    FormFieldChanged {
        field: crate::form::FormField,
        value: String,
        version: i64,
    },
    SignatureWithdrawn {
        user_id: Uuid,
        role: RoomRole,
        /// Why: withdrawn by the signer, or a change to what was signed.
        reason: String,
    },
    CaseNumberAssigned {
        case_number: String,
    },
    StatusChanged {
        transition: Transition,
        from: RoomStatus,
        to: RoomStatus,
        reason: Option<String>,
    },
    /// The office asks the applicants for what is missing or deficient.
    MissingItemsRequested {
        request_id: Uuid,
        items: Vec<MissingItem>,
        /// The period the caseworker set, e.g. `4w`.
        period: String,
        due_date: NaiveDate,
    },
    /// The office asks a consulted body for a statement.
    StatementRequested {
        request_id: Uuid,
        body_id: Uuid,
        body_name: String,
        question: String,
        document_ids: Vec<Uuid>,
        due_date: NaiveDate,
    },
    /// A member of the body opened the request for the first time.
    StatementRequestRead {
        request_id: Uuid,
        body_id: Uuid,
    },
    ExtensionRequested {
        request_id: Uuid,
        body_id: Uuid,
        period: String,
        reason: String,
    },
    ExtensionGranted {
        request_id: Uuid,
        body_id: Uuid,
        period: String,
        due_date: NaiveDate,
    },
    /// A statement, or a corrected version of one (`replaces`).
    StatementSubmitted {
        statement_id: Uuid,
        request_id: Uuid,
        body_id: Uuid,
        version: i64,
        replaces: Option<Uuid>,
        verdict: Verdict,
        conditions: Vec<String>,
        /// The attached files' version ids. Left out when empty, so entries
        /// written before attachments existed keep their hash.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachment_ids: Vec<Uuid>,
    },
    /// A member of the body attached a file to its coming statement.
    StatementAttachmentUploaded {
        request_id: Uuid,
        body_id: Uuid,
        document_id: Uuid,
        version_id: Uuid,
        file_name: String,
        size_bytes: u64,
        sha256: String,
        media_type: String,
    },
    /// The office records that the fee was paid, or takes that back.
    FeePaymentRecorded {
        paid: bool,
    },
    StatementRequestWithdrawn {
        request_id: Uuid,
        body_id: Uuid,
        reason: String,
    },
    /// The office asks the body to answer again (a new statement version).
    StatementRequestReopened {
        request_id: Uuid,
        body_id: Uuid,
        reason: String,
    },
    /// The office shows a statement to the applicants.
    StatementReleased {
        statement_id: Uuid,
        body_name: String,
        verdict: Verdict,
    },
    DecisionMade {
        outcome: DecisionOutcome,
        conditions: Vec<DecisionCondition>,
        notice_version_id: Uuid,
        fee_amount_cents: Option<i64>,
    },
    /// An applicant retrieved the notice for the first time. It counts as
    /// announced on the day after retrieval (§ 41 (2a) VwVfG).
    NoticeDelivered {
        version_id: Uuid,
        retrieved_by: Uuid,
        delivery_date: NaiveDate,
    },
    /// The office exported the room's record as an archive.
    RecordExported {
        files: u64,
        size_bytes: u64,
        /// The SHA-256 of the archive's manifest, which lists every file's.
        manifest_sha256: String,
    },
    /// Someone started a thread of messages, with its first message.
    ThreadStarted {
        thread_id: Uuid,
        subject: String,
        visibility: ThreadVisibility,
        message_id: Uuid,
        text: String,
        /// The people mentioned, by user id.
        mentions: Vec<Uuid>,
        /// The documents the message refers to.
        document_ids: Vec<Uuid>,
    },
    /// A reply in a thread. It carries the thread's visibility so that the
    /// entry alone says who may read it.
    MessagePosted {
        thread_id: Uuid,
        visibility: ThreadVisibility,
        message_id: Uuid,
        text: String,
        mentions: Vec<Uuid>,
        document_ids: Vec<Uuid>,
    },
}

/// Who reads a thread of messages (`PRODUCT.md`, "Messages"). Each maps onto
/// an [`Audience`] of the log, so history and the live socket filter message
/// entries exactly as they filter every other entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ThreadVisibility {
    /// The whole room: the applicants and the office. Consulted bodies read
    /// only what their request shares with them, so the room's general
    /// correspondence is not theirs to read.
    Room,
    /// The office alone: internal notes of the caseworkers.
    Office,
    /// The office and one consulted body, one that has a statement request
    /// in this room.
    Body { body_id: Uuid },
}

impl ThreadVisibility {
    pub fn audience(self) -> Audience {
        match self {
            ThreadVisibility::Room => Audience::Parties,
            ThreadVisibility::Office => Audience::Office,
            ThreadVisibility::Body { body_id } => Audience::Body(body_id),
        }
    }

    /// The stable name stored in the database (the body is stored apart).
    pub fn kind_str(self) -> &'static str {
        match self {
            ThreadVisibility::Room => "room",
            ThreadVisibility::Office => "office",
            ThreadVisibility::Body { .. } => "body",
        }
    }
}

/// Who may read an event of the log (`server/src/domain/policy.rs` decides
/// who counts as which).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Everyone with access to the room, consulted bodies included.
    Everyone,
    /// The applicants and the office.
    Parties,
    /// The office alone.
    Office,
    /// The office and this one consulted body.
    Body(Uuid),
}

impl EventPayload {
    /// The event kind as stored in the log's `kind` column.
    pub fn kind(&self) -> &'static str {
        match self {
            EventPayload::RoomCreated { .. } => "room_created",
            EventPayload::MemberInvited { .. } => "member_invited",
            EventPayload::MemberJoined { .. } => "member_joined",
            EventPayload::MemberRemoved { .. } => "member_removed",
            EventPayload::DocumentUploaded { .. } => "document_uploaded",
            EventPayload::DocumentDownloaded { .. } => "document_downloaded",
            EventPayload::SignatureGiven { .. } => "signature_given",
            EventPayload::SignatureWithdrawn { .. } => "signature_withdrawn",
            EventPayload::FormFieldChanged { .. } => "form_field_changed",
            EventPayload::CaseNumberAssigned { .. } => "case_number_assigned",
            EventPayload::StatusChanged { .. } => "status_changed",
            EventPayload::MissingItemsRequested { .. } => "missing_items_requested",
            EventPayload::StatementRequested { .. } => "statement_requested",
            EventPayload::StatementRequestRead { .. } => "statement_request_read",
            EventPayload::ExtensionRequested { .. } => "extension_requested",
            EventPayload::ExtensionGranted { .. } => "extension_granted",
            EventPayload::StatementSubmitted { .. } => "statement_submitted",
            EventPayload::StatementAttachmentUploaded { .. } => "statement_attachment_uploaded",
            EventPayload::FeePaymentRecorded { .. } => "fee_payment_recorded",
            EventPayload::StatementRequestWithdrawn { .. } => "statement_request_withdrawn",
            EventPayload::StatementRequestReopened { .. } => "statement_request_reopened",
            EventPayload::StatementReleased { .. } => "statement_released",
            EventPayload::DecisionMade { .. } => "decision_made",
            EventPayload::NoticeDelivered { .. } => "notice_delivered",
            EventPayload::RecordExported { .. } => "record_exported",
            EventPayload::ThreadStarted { .. } => "thread_started",
            EventPayload::MessagePosted { .. } => "message_posted",
        }
    }

    /// Who may read this entry. Bodies never see each other's requests and
    /// statements; applicants see a statement once it is released.
    pub fn audience(&self) -> Audience {
        use EventPayload::*;
        match self {
            RoomCreated { .. } | CaseNumberAssigned { .. } | StatusChanged { .. } => {
                Audience::Everyone
            }
            DocumentUploaded { category, .. } if category.is_office() => Audience::Office,
            RecordExported { .. } => Audience::Office,
            DocumentDownloaded {
                body_id: Some(body_id),
                ..
            } => Audience::Body(*body_id),
            MemberInvited { .. }
            | MemberJoined { .. }
            | MemberRemoved { .. }
            | DocumentUploaded { .. }
            | DocumentDownloaded { .. }
            | SignatureGiven { .. }
            | SignatureWithdrawn { .. }
            | FormFieldChanged { .. }
            | MissingItemsRequested { .. }
            | StatementReleased { .. }
            | DecisionMade { .. }
            | FeePaymentRecorded { .. }
            | NoticeDelivered { .. } => Audience::Parties,
            StatementRequested { body_id, .. }
            | StatementRequestRead { body_id, .. }
            | ExtensionRequested { body_id, .. }
            | ExtensionGranted { body_id, .. }
            | StatementSubmitted { body_id, .. }
            | StatementAttachmentUploaded { body_id, .. }
            | StatementRequestWithdrawn { body_id, .. }
            | StatementRequestReopened { body_id, .. } => Audience::Body(*body_id),
            ThreadStarted { visibility, .. } | MessagePosted { visibility, .. } => {
                visibility.audience()
            }
        }
    }
}

/// One item of a request for missing documents: a checklist category, a
/// free text, or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MissingItem {
    #[serde(default)]
    pub category: Option<DocumentCategory>,
    /// What is missing or deficient, in the caseworker's words; may be empty
    /// when the category says it all.
    #[serde(default)]
    pub text: String,
}

/// A consulted body's verdict (*Votum*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    NoObjection,
    /// Consent with conditions, each listed.
    ConsentWithConditions,
    /// Objection; the text gives the reasons.
    Objection,
    NotConcerned,
}

impl Verdict {
    pub const ALL: [Verdict; 4] = [
        Verdict::NoObjection,
        Verdict::ConsentWithConditions,
        Verdict::Objection,
        Verdict::NotConcerned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::NoObjection => "no_objection",
            Verdict::ConsentWithConditions => "consent_with_conditions",
            Verdict::Objection => "objection",
            Verdict::NotConcerned => "not_concerned",
        }
    }

    pub fn parse(value: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.as_str() == value)
    }
}

/// Where a statement request stands. `overdue` is not stored: it is an open
/// request whose deadline has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Open,
    Read,
    ExtensionRequested,
    ExtensionGranted,
    Answered,
    Overdue,
    Withdrawn,
    Reopened,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 8] = [
        RequestStatus::Open,
        RequestStatus::Read,
        RequestStatus::ExtensionRequested,
        RequestStatus::ExtensionGranted,
        RequestStatus::Answered,
        RequestStatus::Overdue,
        RequestStatus::Withdrawn,
        RequestStatus::Reopened,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Open => "open",
            RequestStatus::Read => "read",
            RequestStatus::ExtensionRequested => "extension_requested",
            RequestStatus::ExtensionGranted => "extension_granted",
            RequestStatus::Answered => "answered",
            RequestStatus::Overdue => "overdue",
            RequestStatus::Withdrawn => "withdrawn",
            RequestStatus::Reopened => "reopened",
        }
    }

    pub fn parse(value: &str) -> Option<RequestStatus> {
        RequestStatus::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// Whether the body still has to answer.
    pub fn awaits_answer(self) -> bool {
        matches!(
            self,
            RequestStatus::Open
                | RequestStatus::Read
                | RequestStatus::ExtensionRequested
                | RequestStatus::ExtensionGranted
                | RequestStatus::Overdue
                | RequestStatus::Reopened
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DecisionOutcome {
    Approved,
    ApprovedWithConditions,
    Rejected,
}

impl DecisionOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionOutcome::Approved => "approved",
            DecisionOutcome::ApprovedWithConditions => "approved_with_conditions",
            DecisionOutcome::Rejected => "rejected",
        }
    }

    pub fn parse(value: &str) -> Option<DecisionOutcome> {
        [
            DecisionOutcome::Approved,
            DecisionOutcome::ApprovedWithConditions,
            DecisionOutcome::Rejected,
        ]
        .into_iter()
        .find(|o| o.as_str() == value)
    }
}

/// A condition (*Nebenbestimmung*) of a permit, traced to the statement it
/// came from where it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DecisionCondition {
    pub text: String,
    #[serde(default)]
    pub statement_id: Option<Uuid>,
}

/// Which deadline of the procedure a date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// The office's completeness check of a received application.
    CompletenessCheck,
    /// The applicants' period to supply missing items.
    MissingItems,
    /// A consulted body's statement.
    Statement,
    /// The municipality's consent; when it passes, the consent is deemed
    /// given (§ 36 (2) sentence 2 BauGB).
    MunicipalConsent,
}

/// A legal deadline with the rule that produced it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeadlineView {
    pub kind: DeadlineKind,
    /// The last day, in Germany.
    pub due_date: NaiveDate,
    /// The moment it is over: 24:00 Berlin time of `due_date`.
    pub due_at: DateTime<Utc>,
    pub overdue: bool,
    /// The statement request the deadline belongs to, if any.
    #[serde(default)]
    pub request_id: Option<Uuid>,
    /// Whom it concerns besides the kind, e.g. the consulted body's name.
    #[serde(default)]
    pub subject: Option<String>,
    /// How the date was computed, step by step, in German and in English.
    pub rule_de: String,
    pub rule_en: String,
}
