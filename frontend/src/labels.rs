//! The words the interface shows for the wire types' enums, events and
//! problems, in the chosen language (texts in `locales/*.json`).
//!
//! Each function takes the locale explicitly; a view that calls it inside a
//! closure with `i18n.get_locale()` re-renders when the language changes.

use shared::{
    DeadlineKind, DeadlineView, DecisionOutcome, DocumentCategory, EventPayload, FormField,
    IdentityDocument, MemberView, NextActor, NotificationKind, OfficeRole, ProcedureTypeSummary,
    RequestStatus, RoomEvent, RoomRole, RoomStatus, Verdict,
};

use crate::api::ApiError;
use crate::i18n::{Locale, td_string};

pub fn status(locale: Locale, status: RoomStatus) -> String {
    match status {
        RoomStatus::Draft => td_string!(locale, status.draft),
        RoomStatus::Submitted => td_string!(locale, status.submitted),
        RoomStatus::CompletenessCheck => td_string!(locale, status.completeness_check),
        RoomStatus::AwaitingApplicant => td_string!(locale, status.awaiting_applicant),
        RoomStatus::InReview => td_string!(locale, status.in_review),
        RoomStatus::Decided => td_string!(locale, status.decided),
        RoomStatus::Delivered => td_string!(locale, status.delivered),
        RoomStatus::Closed => td_string!(locale, status.closed),
        RoomStatus::Withdrawn => td_string!(locale, status.withdrawn),
    }
    .to_string()
}

/// A whole sentence saying whose move it is.
pub fn next_actor(locale: Locale, actor: NextActor) -> String {
    match actor {
        NextActor::Applicants => td_string!(locale, next_actor.applicants),
        NextActor::Office => td_string!(locale, next_actor.office),
        NextActor::ConsultedBodies => td_string!(locale, next_actor.consulted_bodies),
        NextActor::Nobody => td_string!(locale, next_actor.nobody),
    }
    .to_string()
}

/// The party whose move it is, for a table cell.
pub fn next_actor_short(locale: Locale, actor: NextActor) -> String {
    match actor {
        NextActor::Applicants => td_string!(locale, next_actor_short.applicants),
        NextActor::Office => td_string!(locale, next_actor_short.office),
        NextActor::ConsultedBodies => td_string!(locale, next_actor_short.consulted_bodies),
        NextActor::Nobody => td_string!(locale, next_actor_short.nobody),
    }
    .to_string()
}

/// A kind of e-mail, as the settings page names it.
pub fn notification_kind(locale: Locale, kind: NotificationKind) -> String {
    match kind {
        NotificationKind::Invitation => td_string!(locale, notification_kind.invitation),
        NotificationKind::StatementRequest => {
            td_string!(locale, notification_kind.statement_request)
        }
        NotificationKind::MissingItems => td_string!(locale, notification_kind.missing_items),
        NotificationKind::NoticeReady => td_string!(locale, notification_kind.notice_ready),
        NotificationKind::DeadlineReminder => {
            td_string!(locale, notification_kind.deadline_reminder)
        }
        NotificationKind::DeadlineMissed => td_string!(locale, notification_kind.deadline_missed),
        NotificationKind::Mention => td_string!(locale, messages.notification_kind),
    }
    .to_string()
}

/// When mail of this kind is sent, said under its checkbox.
pub fn notification_hint(locale: Locale, kind: NotificationKind) -> String {
    match kind {
        NotificationKind::Invitation => td_string!(locale, notification_hint.invitation),
        NotificationKind::StatementRequest => {
            td_string!(locale, notification_hint.statement_request)
        }
        NotificationKind::MissingItems => td_string!(locale, notification_hint.missing_items),
        NotificationKind::NoticeReady => td_string!(locale, notification_hint.notice_ready),
        NotificationKind::DeadlineReminder => {
            td_string!(locale, notification_hint.deadline_reminder)
        }
        NotificationKind::DeadlineMissed => td_string!(locale, notification_hint.deadline_missed),
        NotificationKind::Mention => td_string!(locale, messages.notification_hint),
    }
    .to_string()
}

pub fn form_field(locale: Locale, field: FormField) -> String {
    match field {
        FormField::ProjectDescription => td_string!(locale, application.project_description),
        FormField::Parcel => td_string!(locale, application.parcel),
        FormField::BuildingUse => td_string!(locale, application.building_use),
        FormField::BuildingClass => td_string!(locale, application.building_class),
        FormField::Storeys => td_string!(locale, application.storeys),
        FormField::GrossFloorArea => td_string!(locale, application.gross_floor_area),
        FormField::ConstructionCost => td_string!(locale, application.construction_cost),
    }
    .to_string()
}

pub fn role(locale: Locale, role: RoomRole) -> String {
    match role {
        RoomRole::Builder => td_string!(locale, role.builder),
        RoomRole::Designer => td_string!(locale, role.designer),
        RoomRole::OtherApplicant => td_string!(locale, role.other_applicant),
        RoomRole::Caseworker => td_string!(locale, role.caseworker),
        RoomRole::ConsultedBody => td_string!(locale, role.consulted_body),
    }
    .to_string()
}

pub fn office_role(locale: Locale, role: OfficeRole) -> String {
    match role {
        OfficeRole::Caseworker => td_string!(locale, office_role.caseworker),
        OfficeRole::OfficeAdmin => td_string!(locale, office_role.office_admin),
    }
    .to_string()
}

pub fn identity_document(locale: Locale, document: IdentityDocument) -> String {
    match document {
        IdentityDocument::IdCard => td_string!(locale, identity_document.id_card),
        IdentityDocument::Passport => td_string!(locale, identity_document.passport),
        IdentityDocument::ResidencePermit => td_string!(locale, identity_document.residence_permit),
        IdentityDocument::Other => td_string!(locale, identity_document.other),
    }
    .to_string()
}

pub fn verdict(locale: Locale, verdict: Verdict) -> String {
    match verdict {
        Verdict::NoObjection => td_string!(locale, verdict.no_objection),
        Verdict::ConsentWithConditions => td_string!(locale, verdict.consent_with_conditions),
        Verdict::Objection => td_string!(locale, verdict.objection),
        Verdict::NotConcerned => td_string!(locale, verdict.not_concerned),
    }
    .to_string()
}

pub fn request_status(locale: Locale, status: RequestStatus) -> String {
    use RequestStatus as R;
    match status {
        R::Open => td_string!(locale, request_status.open),
        R::Read => td_string!(locale, request_status.read),
        R::ExtensionRequested => td_string!(locale, request_status.extension_requested),
        R::ExtensionGranted => td_string!(locale, request_status.extension_granted),
        R::Answered => td_string!(locale, request_status.answered),
        R::Overdue => td_string!(locale, request_status.overdue),
        R::Withdrawn => td_string!(locale, request_status.withdrawn),
        R::Reopened => td_string!(locale, request_status.reopened),
    }
    .to_string()
}

pub fn outcome(locale: Locale, outcome: DecisionOutcome) -> String {
    match outcome {
        DecisionOutcome::Approved => td_string!(locale, outcome.approved),
        DecisionOutcome::ApprovedWithConditions => {
            td_string!(locale, outcome.approved_with_conditions)
        }
        DecisionOutcome::Rejected => td_string!(locale, outcome.rejected),
    }
    .to_string()
}

/// What a deadline is for, e.g. "Statement of the fire service".
pub fn deadline(locale: Locale, deadline: &DeadlineView) -> String {
    let body = deadline.subject.clone().unwrap_or_default();
    match deadline.kind {
        DeadlineKind::CompletenessCheck => {
            td_string!(locale, deadline.completeness_check).to_string()
        }
        DeadlineKind::MissingItems => td_string!(locale, deadline.missing_items).to_string(),
        DeadlineKind::Statement => td_string!(locale, deadline.statement, body).to_string(),
        DeadlineKind::MunicipalConsent => {
            td_string!(locale, deadline.municipal_consent, body).to_string()
        }
    }
}

/// How a deadline's date came about, in the reader's language.
pub fn deadline_rule(locale: Locale, deadline: &DeadlineView) -> String {
    match locale {
        Locale::de => deadline.rule_de.clone(),
        Locale::en => deadline.rule_en.clone(),
    }
}

/// A procedure type's name; the office gives it in both languages.
pub fn procedure(locale: Locale, procedure: &ProcedureTypeSummary) -> String {
    match locale {
        Locale::de => procedure.name_de.clone(),
        Locale::en => procedure.name_en.clone(),
    }
}

/// The *Art der Bauvorlage*.
pub fn category(locale: Locale, category: DocumentCategory) -> String {
    use DocumentCategory as C;
    match category {
        C::SitePlan => td_string!(locale, category.site_plan),
        C::FloorPlans => td_string!(locale, category.floor_plans),
        C::Sections => td_string!(locale, category.sections),
        C::Elevations => td_string!(locale, category.elevations),
        C::BuildingDescription => td_string!(locale, category.building_description),
        C::StructuralProof => td_string!(locale, category.structural_proof),
        C::FireProtectionConcept => td_string!(locale, category.fire_protection_concept),
        C::EnergyCertificate => td_string!(locale, category.energy_certificate),
        C::SiteCoverageCalculation => td_string!(locale, category.site_coverage_calculation),
        C::DrainagePlan => td_string!(locale, category.drainage_plan),
        C::ParkingProof => td_string!(locale, category.parking_proof),
        C::DesignerEntitlement => td_string!(locale, category.designer_entitlement),
        C::CadastralExtract => td_string!(locale, category.cadastral_extract),
        C::PowerOfAttorney => td_string!(locale, category.power_of_attorney),
        C::Photos => td_string!(locale, category.photos),
        C::Other => td_string!(locale, category.other),
        C::Notice => td_string!(locale, category.notice),
        C::FeeNotice => td_string!(locale, category.fee_notice),
        C::StatementAttachment => td_string!(locale, category.statement_attachment),
    }
    .to_string()
}

/// One line of the room's history, also what the live region announces.
/// `members` names people the event mentions only by id.
pub fn event(locale: Locale, event: &RoomEvent, members: &[MemberView]) -> String {
    let actor = match &event.actor {
        Some(actor) => actor.display_name.clone(),
        None => td_string!(locale, history.system).to_string(),
    };
    let name_of = |user_id| {
        members
            .iter()
            .find(|m| m.user_id == user_id)
            .map(|m| m.display_name.clone())
            .unwrap_or_else(|| actor.clone())
    };
    match &event.payload {
        EventPayload::RoomCreated { .. } => td_string!(locale, history.room_created, actor),
        EventPayload::MemberInvited { role: invited, .. } => {
            let role = role(locale, *invited);
            td_string!(locale, history.member_invited, actor, role)
        }
        EventPayload::MemberJoined {
            display_name,
            role: joined,
            ..
        } => {
            let role = role(locale, *joined);
            td_string!(locale, history.member_joined, name = display_name, role)
        }
        EventPayload::MemberRemoved {
            display_name,
            role: removed,
            ..
        } => {
            let role = role(locale, *removed);
            td_string!(
                locale,
                history.member_removed,
                actor,
                name = display_name,
                role
            )
        }
        EventPayload::FormFieldChanged { field, value, .. } => {
            let field = form_field(locale, *field);
            match value.is_empty() {
                true => td_string!(locale, history.form_field_cleared, actor, field),
                false => td_string!(locale, history.form_field_changed, actor, field, value),
            }
        }
        EventPayload::DocumentUploaded {
            file_name,
            version: 1,
            ..
        } => {
            td_string!(locale, history.document_uploaded, file = file_name, actor)
        }
        EventPayload::DocumentUploaded {
            file_name, version, ..
        } => {
            td_string!(
                locale,
                history.version_uploaded,
                version,
                file = file_name,
                actor
            )
        }
        EventPayload::DocumentDownloaded { file_name, .. } => {
            td_string!(locale, history.document_downloaded, file = file_name, actor)
        }
        EventPayload::SignatureGiven { .. } => td_string!(locale, history.signature_given, actor),
        // FIXME: the withdrawal's `reason` is an English sentence from the
        // server; a reason code (by the signer / a change to the application)
        // would let the history say why in the reader's language.
        EventPayload::SignatureWithdrawn { user_id, .. } => {
            let name = name_of(*user_id);
            td_string!(locale, history.signature_withdrawn, name)
        }
        EventPayload::CaseNumberAssigned { case_number } => {
            td_string!(locale, history.case_number_assigned, number = case_number)
        }
        EventPayload::StatusChanged { to, .. } => {
            let status = status(locale, *to);
            td_string!(locale, history.status_changed, status)
        }
        EventPayload::MissingItemsRequested { items, .. } => {
            let count = items.len();
            td_string!(locale, history.missing_items_requested, actor, count)
        }
        EventPayload::StatementRequested { body_name, .. } => {
            td_string!(locale, history.statement_requested, actor, body = body_name)
        }
        EventPayload::StatementRequestRead { .. } => {
            td_string!(locale, history.statement_request_read, actor)
        }
        EventPayload::ExtensionRequested { period, .. } => {
            td_string!(locale, history.extension_requested, actor, period)
        }
        EventPayload::ExtensionGranted { due_date, .. } => {
            let date = crate::format::date(locale, due_date);
            td_string!(locale, history.extension_granted, actor, date)
        }
        EventPayload::StatementSubmitted {
            version,
            verdict: given,
            ..
        } => {
            let verdict = verdict(locale, *given);
            td_string!(locale, history.statement_submitted, actor, version, verdict)
        }
        EventPayload::StatementRequestWithdrawn { .. } => {
            td_string!(locale, history.statement_request_withdrawn, actor)
        }
        EventPayload::StatementRequestReopened { .. } => {
            td_string!(locale, history.statement_request_reopened, actor)
        }
        EventPayload::StatementReleased {
            body_name,
            verdict: given,
            ..
        } => {
            let verdict = verdict(locale, *given);
            td_string!(
                locale,
                history.statement_released,
                actor,
                body = body_name,
                verdict
            )
        }
        EventPayload::DecisionMade {
            outcome: decided, ..
        } => {
            let outcome = outcome(locale, *decided);
            td_string!(locale, history.decision_made, actor, outcome)
        }
        EventPayload::NoticeDelivered { delivery_date, .. } => {
            let date = crate::format::date(locale, delivery_date);
            td_string!(locale, history.notice_delivered, actor, date)
        }
        EventPayload::RecordExported { files, .. } => {
            td_string!(locale, history.record_exported, actor, files = *files)
        }
        EventPayload::StatementAttachmentUploaded { file_name, .. } => {
            td_string!(locale, history.attachment_uploaded, actor, file = file_name)
        }
        EventPayload::FeePaymentRecorded { paid: true } => {
            td_string!(locale, history.fee_paid, actor)
        }
        EventPayload::FeePaymentRecorded { paid: false } => {
            td_string!(locale, history.fee_unpaid, actor)
        }
        EventPayload::ThreadStarted { subject, .. } => {
            td_string!(locale, messages.history_thread_started, actor, subject)
        }
        EventPayload::MessagePosted { .. } => {
            td_string!(locale, messages.history_message_posted, actor)
        }
    }
    .to_string()
}

/// What to tell the user about a failed request: our own words where we
/// know the problem's code, else the server's (English) sentence.
pub fn problem(locale: Locale, error: &ApiError) -> String {
    let problem = match error {
        ApiError::Network => return td_string!(locale, problem.network).to_string(),
        ApiError::Unexpected(status) => {
            return td_string!(locale, problem.unexpected, status).to_string();
        }
        ApiError::Problem(problem) => problem,
    };
    let known = match problem.code.as_str() {
        "login_failed" => td_string!(locale, problem.login_failed),
        "email_taken" => td_string!(locale, problem.email_taken),
        "unauthenticated" => td_string!(locale, problem.unauthenticated),
        "not_found" => td_string!(locale, problem.not_found),
        "not_allowed" => td_string!(locale, problem.not_allowed),
        "wrong_status" => td_string!(locale, problem.wrong_status),
        "not_editable" => td_string!(locale, problem.not_editable),
        "signatures_missing" => td_string!(locale, problem.signatures_missing),
        "already_signed" => td_string!(locale, problem.already_signed),
        "not_signed" => td_string!(locale, problem.not_signed),
        "file_too_large" => td_string!(locale, problem.file_too_large),
        // FIXME: the server says which types it accepts only in its English
        // `detail`; a list in the problem (or in ClientConfig) would let us
        // name them here and set the file input's `accept`.
        "file_type_refused" => td_string!(locale, problem.file_type_refused),
        "upload_interrupted" => td_string!(locale, problem.upload_interrupted),
        "invitation_expired" => td_string!(locale, problem.invitation_expired),
        "invitation_closed" => td_string!(locale, problem.invitation_closed),
        "invitation_used" => td_string!(locale, problem.invitation_used),
        "already_member" => td_string!(locale, problem.already_member),
        "statements_pending" => td_string!(locale, problem.statements_pending),
        "deadline_not_missed" => td_string!(locale, problem.deadline_not_missed),
        "already_requested" => td_string!(locale, problem.already_requested),
        "stale_write" => td_string!(locale, problem.stale_write),
        "room_finished" => td_string!(locale, messages.room_finished),
        "duplicate_key" => td_string!(locale, problem.duplicate_key),
        "identity_required" => td_string!(locale, problem.identity_required),
        "last_admin" => td_string!(locale, problem.last_admin),
        "no_account" => td_string!(locale, problem.no_account),
        "already_staff" => td_string!(locale, problem.already_staff),
        "already_body_member" => td_string!(locale, problem.already_body_member),
        "duplicate_body_key" => td_string!(locale, problem.duplicate_body_key),
        "office_exists" => td_string!(locale, problem.office_exists),
        "csrf_header_missing" => td_string!(locale, problem.csrf_header_missing),
        "session_ended" => td_string!(locale, problem.session_ended),
        "session_revoked" => td_string!(locale, problem.session_revoked),
        "sent_recently" => td_string!(locale, problem.sent_recently),
        "already_verified" => td_string!(locale, problem.already_verified),
        "unknown_link" => td_string!(locale, problem.unknown_link),
        "link_used_up" => td_string!(locale, problem.link_used_up),
        "unavailable" => td_string!(locale, problem.unavailable),
        "internal" => td_string!(locale, problem.internal),
        // FIXME: `invalid_field` names the field but not what is wrong with
        // it; for a password that is nearly always its length, so we say so.
        // Codes of their own from the server (e.g. `password_too_short`)
        // would let every field's message be translated exactly.
        "invalid_field" if problem.field.as_deref() == Some("password") => {
            td_string!(locale, form.password_too_short)
        }
        "invalid_field" => match problem.field.as_deref().unwrap_or_default() {
            "name_de" | "name_en" => td_string!(locale, problem.invalid_name),
            "required_categories" => td_string!(locale, problem.invalid_checklist),
            "key" => td_string!(locale, problem.invalid_key),
            "email" | "first_admin_email" => td_string!(locale, problem.invalid_email),
            "state" => td_string!(locale, problem.invalid_state),
            field if field.starts_with("deadline_rules.") => {
                td_string!(locale, problem.invalid_period)
            }
            _ => return problem.detail.clone(),
        },
        _ => return problem.detail.clone(),
    };
    match &problem.error_id {
        Some(id) => format!("{known} {}", td_string!(locale, problem.error_id, id)),
        None => known.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use shared::Problem;

    use super::*;

    fn refusal(code: &str, error_id: Option<&str>) -> ApiError {
        ApiError::Problem(Problem {
            kind: "about:blank".into(),
            title: "Conflict".into(),
            status: 409,
            detail: "The server's own words.".into(),
            code: code.into(),
            field: None,
            error_id: error_id.map(Into::into),
            current: None,
        })
    }

    #[test]
    fn a_known_problem_is_told_in_the_chosen_language() {
        let told = problem(Locale::de, &refusal("signatures_missing", None));
        assert!(told.starts_with("Es fehlen noch Unterschriften"), "{told}");
        let told = problem(Locale::en, &refusal("signatures_missing", None));
        assert!(told.starts_with("Signatures are missing"), "{told}");
    }

    #[test]
    fn a_stale_write_and_a_bad_period_are_told_in_the_chosen_language() {
        let told = problem(Locale::de, &refusal("stale_write", None));
        assert!(told.starts_with("Jemand anderes hat das"), "{told}");
        let ApiError::Problem(mut bad_period) = refusal("invalid_field", None) else {
            unreachable!()
        };
        bad_period.field = Some("deadline_rules.statement".into());
        let told = problem(Locale::en, &ApiError::Problem(bad_period));
        assert!(
            told.starts_with("A deadline is not a valid period"),
            "{told}"
        );
    }

    #[test]
    fn an_unknown_problem_is_told_in_the_servers_words() {
        assert_eq!(
            problem(Locale::de, &refusal("brand_new", None)),
            "The server's own words."
        );
    }

    #[test]
    fn a_server_error_names_its_error_id() {
        let told = problem(Locale::de, &refusal("internal", Some("abc123")));
        assert!(told.ends_with("Fehlerkennung: abc123"), "{told}");
    }

    #[test]
    fn every_category_and_status_has_a_german_name_of_its_own() {
        let all: Vec<DocumentCategory> = DocumentCategory::APPLICATION
            .into_iter()
            .chain(DocumentCategory::OFFICE)
            .chain([DocumentCategory::StatementAttachment])
            .collect();
        let names: std::collections::HashSet<String> =
            all.iter().map(|c| category(Locale::de, *c)).collect();
        assert_eq!(names.len(), all.len());
        assert_eq!(category(Locale::de, DocumentCategory::SitePlan), "Lageplan");
        let names: std::collections::HashSet<String> = RoomStatus::ALL
            .into_iter()
            .map(|s| status(Locale::de, s))
            .collect();
        assert_eq!(names.len(), RoomStatus::ALL.len());
    }
}
