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
}

impl RoomRole {
    pub fn as_str(self) -> &'static str {
        match self {
            RoomRole::Builder => "builder",
            RoomRole::Designer => "designer",
            RoomRole::OtherApplicant => "other_applicant",
            RoomRole::Caseworker => "caseworker",
        }
    }

    pub fn parse(value: &str) -> Option<RoomRole> {
        [
            RoomRole::Builder,
            RoomRole::Designer,
            RoomRole::OtherApplicant,
            RoomRole::Caseworker,
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
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 6] = [
        NotificationKind::Invitation,
        NotificationKind::StatementRequest,
        NotificationKind::MissingItems,
        NotificationKind::NoticeReady,
        NotificationKind::DeadlineReminder,
        NotificationKind::DeadlineMissed,
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
}

impl DocumentCategory {
    pub const ALL: [DocumentCategory; 16] = [
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
        }
    }

    pub fn parse(value: &str) -> Option<DocumentCategory> {
        DocumentCategory::ALL
            .into_iter()
            .find(|c| c.as_str() == value)
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
    },
    SignatureGiven {
        user_id: Uuid,
        role: RoomRole,
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
}

impl EventPayload {
    /// The event kind as stored in the log's `kind` column.
    pub fn kind(&self) -> &'static str {
        match self {
            EventPayload::RoomCreated { .. } => "room_created",
            EventPayload::MemberInvited { .. } => "member_invited",
            EventPayload::MemberJoined { .. } => "member_joined",
            EventPayload::DocumentUploaded { .. } => "document_uploaded",
            EventPayload::DocumentDownloaded { .. } => "document_downloaded",
            EventPayload::SignatureGiven { .. } => "signature_given",
            EventPayload::SignatureWithdrawn { .. } => "signature_withdrawn",
            EventPayload::CaseNumberAssigned { .. } => "case_number_assigned",
            EventPayload::StatusChanged { .. } => "status_changed",
        }
    }
}

/// Which deadline of the procedure a date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// The office's completeness check of a received application.
    CompletenessCheck,
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
    /// How the date was computed, step by step, in German and in English.
    pub rule_de: String,
    pub rule_en: String,
}
