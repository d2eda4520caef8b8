//! Who may do what. Every handler asks here; none decides by itself. Deny by
//! default: an action not granted is refused.
//!
//! This module decides what people may do inside a room (by their role in
//! it and the room's state) and what their trust level allows
//! (`check_trust`); its submodule `office` decides what is done to an
//! office's own settings and people, and what the operator may do.

use shared::{
    ApplicantAction, Audience, RequestAction, RequestStatus, RoomAction, RoomRole, RoomStatus,
    ThreadVisibility, Transition,
};
use uuid::Uuid;

use super::procedure;

pub mod office;

/// What the policy needs to know about the room and the caller.
#[derive(Debug, Clone)]
pub struct RoomFacts {
    pub status: RoomStatus,
    /// The caller's role in the room.
    pub role: RoomRole,
    /// Whether the caller's declaration stands.
    pub signed: bool,
    /// Roles whose declaration submission still needs.
    pub unsigned_roles: Vec<RoomRole>,
    /// An open request for missing items whose deadline has passed.
    pub missing_items_overdue: bool,
    /// Statement requests still awaiting an answer within their deadline.
    pub requests_pending: bool,
}

/// A refusal, with the reason in words the user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// `true` when the role may never do this; `false` when the room's state
    /// does not allow it now (answered 403 and 409).
    pub forbidden: bool,
    pub code: &'static str,
    pub detail: String,
}

impl Refusal {
    fn forbidden(code: &'static str, detail: impl Into<String>) -> Refusal {
        Refusal {
            forbidden: true,
            code,
            detail: detail.into(),
        }
    }

    fn not_now(code: &'static str, detail: impl Into<String>) -> Refusal {
        Refusal {
            forbidden: false,
            code,
            detail: detail.into(),
        }
    }
}

pub fn check(action: RoomAction, facts: &RoomFacts) -> Result<(), Refusal> {
    match action {
        RoomAction::Invite => {
            require(
                facts.role == RoomRole::Builder,
                "Only the builder invites people.",
            )?;
            require_editable(facts)
        }
        RoomAction::RemoveMember => {
            require(
                facts.role == RoomRole::Builder,
                "Only the builder takes people out of the room.",
            )?;
            // Once decided or withdrawn, the room is a record: who was in it
            // stays as it was.
            let running = matches!(
                facts.status,
                RoomStatus::Draft
                    | RoomStatus::Submitted
                    | RoomStatus::CompletenessCheck
                    | RoomStatus::AwaitingApplicant
                    | RoomStatus::InReview
            );
            if !running {
                return Err(Refusal::not_now(
                    "wrong_status",
                    "Once the application is decided or withdrawn, the room's members \
                     stay as they were.",
                ));
            }
            Ok(())
        }
        RoomAction::Upload => {
            require(
                facts.role.is_applicant(),
                "Only the applicants add documents.",
            )?;
            require_editable(facts)
        }
        RoomAction::EditForm => {
            require(
                facts.role.is_applicant(),
                "Only the applicants fill in the application form.",
            )?;
            require_status(
                facts,
                RoomStatus::Draft,
                "The application form can only be changed while it is a draft.",
            )
        }
        RoomAction::Sign => {
            require(
                facts.role.must_sign(),
                "Only the builder and the designer sign.",
            )?;
            require_status(
                facts,
                RoomStatus::Draft,
                "The application is no longer a draft.",
            )?;
            if facts.signed {
                return Err(Refusal::not_now(
                    "already_signed",
                    "You have signed already.",
                ));
            }
            Ok(())
        }
        RoomAction::WithdrawSignature => {
            require(
                facts.role.must_sign(),
                "Only the builder and the designer sign.",
            )?;
            require_status(
                facts,
                RoomStatus::Draft,
                "The application is no longer a draft.",
            )?;
            if !facts.signed {
                return Err(Refusal::not_now("not_signed", "You have not signed."));
            }
            Ok(())
        }
        RoomAction::Submit => {
            transition(
                facts,
                Transition::Submit,
                "Only the builder submits the application.",
            )?;
            if let Some(missing) = facts.unsigned_roles.first() {
                return Err(Refusal::not_now(
                    "signatures_missing",
                    format!(
                        "The {} has not signed the declaration yet; both the builder and \
                         the designer must sign before submission.",
                        role_name(*missing)
                    ),
                ));
            }
            Ok(())
        }
        RoomAction::StartCheck => transition(
            facts,
            Transition::StartCheck,
            "Only the building office checks an application.",
        ),
        RoomAction::RequestMissingItems => transition(
            facts,
            Transition::RequestMissingItems,
            "Only the building office asks for missing items.",
        ),
        RoomAction::Resubmit => transition(
            facts,
            Transition::Resubmit,
            "Only the builder or the designer resubmits the application.",
        ),
        RoomAction::MarkComplete => transition(
            facts,
            Transition::MarkComplete,
            "Only the building office declares an application complete.",
        ),
        RoomAction::Withdraw => transition(
            facts,
            Transition::Withdraw,
            "Only the builder withdraws the application.",
        ),
        RoomAction::DeemWithdrawn => {
            transition(
                facts,
                Transition::DeemWithdrawn,
                "Only the building office treats an application as withdrawn.",
            )?;
            if !facts.missing_items_overdue {
                return Err(Refusal::not_now(
                    "deadline_not_missed",
                    "The applicants' deadline for the missing items has not passed yet.",
                ));
            }
            Ok(())
        }
        RoomAction::RequestStatements | RoomAction::UploadNotice => {
            require(
                facts.role == RoomRole::Caseworker,
                "Only the building office does this.",
            )?;
            require_status(
                facts,
                RoomStatus::InReview,
                "This is possible only while the application is in review.",
            )
        }
        RoomAction::Decide => {
            transition(
                facts,
                Transition::Decide,
                "Only the building office decides.",
            )?;
            if facts.requests_pending {
                return Err(Refusal::not_now(
                    "statements_pending",
                    "Consulted bodies still have time to answer. Wait for their statements \
                     or their deadlines, or withdraw the requests.",
                ));
            }
            Ok(())
        }
        RoomAction::RecordFeePayment => {
            require(
                facts.role == RoomRole::Caseworker,
                "Only the building office records that a fee was paid.",
            )?;
            match facts.status {
                RoomStatus::Decided | RoomStatus::Delivered | RoomStatus::Closed => Ok(()),
                _ => Err(Refusal::not_now(
                    "wrong_status",
                    "A fee is recorded as paid only after the decision.",
                )),
            }
        }
        RoomAction::Close => transition(
            facts,
            Transition::Close,
            "Only the building office closes a room.",
        ),
    }
}

/// What the policy needs to know about one statement request.
#[derive(Debug, Clone)]
pub struct RequestPolicyFacts {
    pub room_status: RoomStatus,
    pub role: RoomRole,
    /// Whether the caller is a member of the body asked.
    pub own_body: bool,
    /// The stored status (never `overdue`).
    pub status: RequestStatus,
    /// The newest statement exists and is not released yet.
    pub unreleased_statement: bool,
}

pub fn check_request(action: RequestAction, facts: &RequestPolicyFacts) -> Result<(), Refusal> {
    let body = facts.role == RoomRole::ConsultedBody && facts.own_body;
    let office = facts.role == RoomRole::Caseworker;
    let in_review = facts.room_status == RoomStatus::InReview;
    let (granted, who, now, why) = match action {
        RequestAction::Answer => (
            body,
            "Only a member of the consulted body answers its request.",
            in_review && facts.status != RequestStatus::Withdrawn,
            "The request is withdrawn or the procedure has moved on.",
        ),
        RequestAction::RequestExtension => (
            body,
            "Only a member of the consulted body asks for more time.",
            in_review
                && matches!(
                    facts.status,
                    RequestStatus::Open | RequestStatus::Read | RequestStatus::Reopened
                ),
            "More time can be asked for once, while the request is open.",
        ),
        RequestAction::GrantExtension => (
            office,
            "Only the building office grants more time.",
            in_review && facts.status == RequestStatus::ExtensionRequested,
            "No extension has been asked for.",
        ),
        RequestAction::Withdraw => (
            office,
            "Only the building office withdraws a request.",
            in_review && facts.status.awaits_answer(),
            "Only a request still awaiting its answer can be withdrawn.",
        ),
        RequestAction::Reopen => (
            office,
            "Only the building office reopens a request.",
            in_review && facts.status == RequestStatus::Answered,
            "Only an answered request can be reopened.",
        ),
        RequestAction::Release => (
            office,
            "Only the building office releases statements to the applicants.",
            facts.unreleased_statement,
            "There is no statement waiting to be released.",
        ),
    };
    require(granted, who)?;
    if now {
        Ok(())
    } else {
        Err(Refusal::not_now("wrong_status", why))
    }
}

/// Everything the caller may do with a request now.
pub fn allowed_request(facts: &RequestPolicyFacts) -> Vec<RequestAction> {
    [
        RequestAction::Answer,
        RequestAction::RequestExtension,
        RequestAction::GrantExtension,
        RequestAction::Withdraw,
        RequestAction::Reopen,
        RequestAction::Release,
    ]
    .into_iter()
    .filter(|action| check_request(*action, facts).is_ok())
    .collect()
}

/// Something a person does with the room's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageAction {
    /// Start a thread of this visibility.
    StartThread(ThreadVisibility),
    /// Write in an existing thread of this visibility.
    Post(ThreadVisibility),
}

/// What the policy needs to know to judge a message.
#[derive(Debug, Clone)]
pub struct MessageFacts {
    pub room_status: RoomStatus,
    pub role: RoomRole,
    /// The consulted body the caller acts for, when the role is that.
    pub body_id: Option<Uuid>,
}

/// Whether the caller may start a thread or write in one. Anyone may write
/// where they read, with two limits on starting: applicants talk with the
/// whole room (internal notes and a body's threads belong to the office),
/// and a body's member only with the office, in its own body's thread.
///
/// A closed or withdrawn room takes no new messages: the procedure has
/// ended and its record is complete, so its threads stay readable only.
pub fn check_message(action: MessageAction, facts: &MessageFacts) -> Result<(), Refusal> {
    let reads =
        |visibility: ThreadVisibility| sees(facts.role, facts.body_id, visibility.audience());
    match action {
        MessageAction::StartThread(visibility) => {
            let granted = match facts.role {
                RoomRole::Caseworker => true,
                RoomRole::ConsultedBody => matches!(
                    visibility,
                    ThreadVisibility::Body { body_id } if Some(body_id) == facts.body_id
                ),
                _ => visibility == ThreadVisibility::Room,
            };
            require(
                granted,
                match facts.role {
                    RoomRole::ConsultedBody => {
                        "A consulted body writes with the building office only, in a thread of \
                         its own body."
                    }
                    _ => {
                        "Applicants start threads with the whole room; internal notes and \
                         threads with a consulted body are the building office's."
                    }
                },
            )?;
            require(reads(visibility), "You cannot read such a thread.")?;
        }
        MessageAction::Post(visibility) => {
            require(reads(visibility), "You cannot read this thread.")?;
        }
    }
    match facts.room_status {
        RoomStatus::Closed | RoomStatus::Withdrawn => Err(Refusal::not_now(
            "room_finished",
            "The procedure has ended: its messages stay readable, but no new ones can be \
             written.",
        )),
        _ => Ok(()),
    }
}

/// Whether a reader in `role` (acting for `body`, if a consulted body) may
/// read an event meant for `audience`.
pub fn sees(role: RoomRole, body: Option<Uuid>, audience: Audience) -> bool {
    match (audience, role) {
        (Audience::Everyone, _) => true,
        (_, RoomRole::Caseworker) => true,
        (Audience::Parties, role) => role.is_applicant(),
        (Audience::Office, _) => false,
        (Audience::Body(id), RoomRole::ConsultedBody) => body == Some(id),
        (Audience::Body(_), _) => false,
    }
}

/// Everything the caller may do now, for the interface to offer.
pub fn allowed(facts: &RoomFacts) -> Vec<RoomAction> {
    [
        RoomAction::Invite,
        RoomAction::RemoveMember,
        RoomAction::Upload,
        RoomAction::EditForm,
        RoomAction::Sign,
        RoomAction::WithdrawSignature,
        RoomAction::Submit,
        RoomAction::StartCheck,
        RoomAction::RequestMissingItems,
        RoomAction::Resubmit,
        RoomAction::MarkComplete,
        RoomAction::Withdraw,
        RoomAction::DeemWithdrawn,
        RoomAction::RequestStatements,
        RoomAction::UploadNotice,
        RoomAction::Decide,
        RoomAction::RecordFeePayment,
        RoomAction::Close,
    ]
    .into_iter()
    .filter(|action| check(*action, facts).is_ok())
    .collect()
}

fn transition(facts: &RoomFacts, transition: Transition, who: &str) -> Result<(), Refusal> {
    require(procedure::may_take(facts.role, transition), who)?;
    if procedure::target(facts.status, transition).is_none() {
        return Err(Refusal::not_now(
            "wrong_status",
            format!(
                "This step is not possible while the room is in the status \"{}\".",
                status_name(facts.status)
            ),
        ));
    }
    Ok(())
}

fn require(granted: bool, detail: &str) -> Result<(), Refusal> {
    if granted {
        Ok(())
    } else {
        Err(Refusal::forbidden("not_allowed", detail))
    }
}

fn require_status(facts: &RoomFacts, status: RoomStatus, detail: &str) -> Result<(), Refusal> {
    if facts.status == status {
        Ok(())
    } else {
        Err(Refusal::not_now("wrong_status", detail))
    }
}

fn require_editable(facts: &RoomFacts) -> Result<(), Refusal> {
    if procedure::applicants_may_edit(facts.status) {
        Ok(())
    } else {
        Err(Refusal::not_now(
            "not_editable",
            format!(
                "The application cannot be changed while the room is in the status \"{}\"; \
                 documents can be added again when the office asks for missing items.",
                status_name(facts.status)
            ),
        ))
    }
}

fn role_name(role: RoomRole) -> &'static str {
    match role {
        RoomRole::Builder => "builder",
        RoomRole::Designer => "designer",
        RoomRole::OtherApplicant => "other applicant",
        RoomRole::Caseworker => "caseworker",
        RoomRole::ConsultedBody => "consulted body",
    }
}

fn status_name(status: RoomStatus) -> String {
    status.as_str().replace('_', " ")
}

/// How far the case room trusts that an account is the person it names.
/// Ordered: each level includes the one before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Trust {
    /// Registered, nothing confirmed.
    Registered,
    /// The owner followed the link mailed to the address.
    EmailConfirmed,
    /// An office admin checked an identity document in person, or a single
    /// sign-on login's assurance level said so.
    IdentityConfirmed,
}

/// Whether a person of `trust` may take an applicant's `action` in an office
/// that reserves `required_for` to confirmed identities. Deny by default: the
/// action passes only when the office does not list it or the identity is
/// confirmed. The refusal says how to get confirmed.
pub fn check_trust(
    action: ApplicantAction,
    required_for: &[ApplicantAction],
    trust: Trust,
) -> Result<(), Refusal> {
    let required = required_for.contains(&action);
    if !required || trust >= Trust::IdentityConfirmed {
        return Ok(());
    }
    let what = match action {
        ApplicantAction::Submit => "submit an application",
        ApplicantAction::RetrieveNotice => "retrieve the notice",
    };
    Err(Refusal::forbidden(
        "identity_required",
        format!(
            "This building office asks for a confirmed identity before you {what}. Bring an \
             identity document (identity card, passport or residence permit) to the building \
             office, where its administration confirms your identity for this account, or \
             log in with single sign-on if the office offers it."
        ),
    ))
}

/// The actions of `required_for` that an applicant of `trust` cannot take
/// yet, for the room page to say so before the click. Nobody but an
/// applicant takes these actions, so for everyone else the list is empty.
pub fn identity_needed_for(
    role: RoomRole,
    required_for: &[ApplicantAction],
    trust: Trust,
) -> Vec<ApplicantAction> {
    if !role.is_applicant() {
        return Vec::new();
    }
    ApplicantAction::ALL
        .into_iter()
        .filter(|action| check_trust(*action, required_for, trust).is_err())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use RoomAction::*;
    use RoomRole::*;

    #[test]
    fn an_action_the_office_requires_identity_for_is_refused_below_a_confirmed_identity() {
        let required = [ApplicantAction::Submit, ApplicantAction::RetrieveNotice];
        for trust in [Trust::Registered, Trust::EmailConfirmed] {
            let refusal = check_trust(ApplicantAction::Submit, &required, trust).unwrap_err();
            assert!(refusal.forbidden);
            assert_eq!(refusal.code, "identity_required");
            assert!(refusal.detail.contains("identity document"));
        }
        assert_eq!(
            check_trust(ApplicantAction::Submit, &required, Trust::IdentityConfirmed),
            Ok(())
        );
    }

    #[test]
    fn an_action_the_office_does_not_list_needs_no_confirmed_identity() {
        let required = [ApplicantAction::RetrieveNotice];
        assert_eq!(
            check_trust(ApplicantAction::Submit, &required, Trust::Registered),
            Ok(())
        );
        assert_eq!(
            check_trust(ApplicantAction::RetrieveNotice, &[], Trust::Registered),
            Ok(())
        );
    }

    #[test]
    fn the_room_names_to_an_unconfirmed_applicant_what_waits_for_the_identity() {
        let required = [ApplicantAction::Submit];
        for role in [Builder, Designer, OtherApplicant] {
            assert_eq!(
                identity_needed_for(role, &required, Trust::EmailConfirmed),
                vec![ApplicantAction::Submit]
            );
            assert!(identity_needed_for(role, &required, Trust::IdentityConfirmed).is_empty());
        }
        for role in [Caseworker, ConsultedBody] {
            assert!(identity_needed_for(role, &required, Trust::Registered).is_empty());
        }
    }

    fn facts(role: RoomRole, status: RoomStatus) -> RoomFacts {
        RoomFacts {
            status,
            role,
            signed: false,
            unsigned_roles: vec![],
            missing_items_overdue: false,
            requests_pending: false,
        }
    }

    const ROLES: [RoomRole; 5] = [Builder, Designer, OtherApplicant, Caseworker, ConsultedBody];

    /// Every action × role × status: granted exactly where the state diagram
    /// of PRODUCT.md says, refused everywhere else.
    #[test]
    fn the_room_action_table_holds_for_every_role_and_status() {
        use RoomStatus as S;
        for status in RoomStatus::ALL {
            for role in ROLES {
                let granted = allowed(&facts(role, status));
                let editable = matches!(status, S::Draft | S::AwaitingApplicant);
                let before_decision = matches!(
                    status,
                    S::Draft
                        | S::Submitted
                        | S::CompletenessCheck
                        | S::AwaitingApplicant
                        | S::InReview
                );
                let office = role == Caseworker;
                let expected: Vec<RoomAction> = [
                    (Invite, role == Builder && editable),
                    (RemoveMember, role == Builder && before_decision),
                    (Upload, role.is_applicant() && editable),
                    (EditForm, role.is_applicant() && status == S::Draft),
                    (Sign, role.must_sign() && status == S::Draft),
                    (WithdrawSignature, false),
                    (Submit, role == Builder && status == S::Draft),
                    (StartCheck, office && status == S::Submitted),
                    (
                        RequestMissingItems,
                        office && status == S::CompletenessCheck,
                    ),
                    (Resubmit, role.must_sign() && status == S::AwaitingApplicant),
                    (MarkComplete, office && status == S::CompletenessCheck),
                    (Withdraw, role == Builder && before_decision),
                    (DeemWithdrawn, false),
                    (RequestStatements, office && status == S::InReview),
                    (UploadNotice, office && status == S::InReview),
                    (Decide, office && status == S::InReview),
                    (
                        RecordFeePayment,
                        office && matches!(status, S::Decided | S::Delivered | S::Closed),
                    ),
                    (Close, office && status == S::Delivered),
                ]
                .into_iter()
                .filter_map(|(action, yes)| yes.then_some(action))
                .collect();
                assert_eq!(granted, expected, "{role:?} in {status:?}");
            }
        }
    }

    #[test]
    fn a_missed_deadline_lets_only_the_office_treat_the_application_as_withdrawn() {
        for status in RoomStatus::ALL {
            for role in ROLES {
                let mut f = facts(role, status);
                f.missing_items_overdue = true;
                let expected = role == Caseworker && status == RoomStatus::AwaitingApplicant;
                assert_eq!(
                    check(DeemWithdrawn, &f).is_ok(),
                    expected,
                    "{role:?} {status:?}"
                );
            }
        }
        let waiting = facts(Caseworker, RoomStatus::AwaitingApplicant);
        assert_eq!(
            check(DeemWithdrawn, &waiting).unwrap_err().code,
            "deadline_not_missed"
        );
    }

    #[test]
    fn the_decision_waits_for_bodies_that_still_have_time() {
        let mut f = facts(Caseworker, RoomStatus::InReview);
        f.requests_pending = true;
        let refusal = check(Decide, &f).unwrap_err();
        assert_eq!(refusal.code, "statements_pending");
        assert!(!refusal.forbidden);
    }

    /// Every request action × role × request status × room status.
    #[test]
    fn the_request_action_table_holds() {
        use RequestAction as A;
        use RequestStatus as R;
        let stored = [
            R::Open,
            R::Read,
            R::ExtensionRequested,
            R::ExtensionGranted,
            R::Answered,
            R::Withdrawn,
            R::Reopened,
        ];
        for room_status in RoomStatus::ALL {
            for role in ROLES {
                for own_body in [true, false] {
                    for status in stored {
                        for unreleased_statement in [true, false] {
                            let f = RequestPolicyFacts {
                                room_status,
                                role,
                                own_body,
                                status,
                                unreleased_statement,
                            };
                            let body = role == ConsultedBody && own_body;
                            let office = role == Caseworker;
                            let review = room_status == RoomStatus::InReview;
                            let expected: Vec<RequestAction> = [
                                (A::Answer, body && review && status != R::Withdrawn),
                                (
                                    A::RequestExtension,
                                    body && review
                                        && matches!(status, R::Open | R::Read | R::Reopened),
                                ),
                                (
                                    A::GrantExtension,
                                    office && review && status == R::ExtensionRequested,
                                ),
                                (A::Withdraw, office && review && status.awaits_answer()),
                                (A::Reopen, office && review && status == R::Answered),
                                (A::Release, office && unreleased_statement),
                            ]
                            .into_iter()
                            .filter_map(|(action, yes)| yes.then_some(action))
                            .collect();
                            assert_eq!(allowed_request(&f), expected, "{f:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn bodies_read_only_their_own_entries_and_applicants_no_internal_ones() {
        let fire = Uuid::now_v7();
        let nature = Uuid::now_v7();
        let table = [
            (Audience::Everyone, [true, true, true, true]),
            (Audience::Parties, [true, true, false, false]),
            (Audience::Office, [true, false, false, false]),
            (Audience::Body(fire), [true, false, true, false]),
        ];
        for (audience, [office, applicant, own_body, other_body]) in table {
            assert_eq!(sees(Caseworker, None, audience), office, "{audience:?}");
            for role in [Builder, Designer, OtherApplicant] {
                assert_eq!(sees(role, None, audience), applicant, "{audience:?}");
            }
            assert_eq!(sees(ConsultedBody, Some(fire), audience), own_body);
            assert_eq!(sees(ConsultedBody, Some(nature), audience), other_body);
        }
    }

    /// Every role × visibility × status: start and post as the rules say.
    #[test]
    fn the_message_table_holds_for_every_role_visibility_and_status() {
        let fire = Uuid::now_v7();
        let nature = Uuid::now_v7();
        let visibilities = [
            ThreadVisibility::Room,
            ThreadVisibility::Office,
            ThreadVisibility::Body { body_id: fire },
            ThreadVisibility::Body { body_id: nature },
        ];
        for room_status in RoomStatus::ALL {
            let open = !matches!(room_status, RoomStatus::Closed | RoomStatus::Withdrawn);
            for role in ROLES {
                let body_id = (role == ConsultedBody).then_some(fire);
                let f = MessageFacts {
                    room_status,
                    role,
                    body_id,
                };
                for v in visibilities {
                    // Where one may write, one may start: the two differ only
                    // in the reason given.
                    let expected = match role {
                        Caseworker => true,
                        ConsultedBody => v == ThreadVisibility::Body { body_id: fire },
                        _ => v == ThreadVisibility::Room,
                    };
                    let started = check_message(MessageAction::StartThread(v), &f);
                    let posted = check_message(MessageAction::Post(v), &f);
                    let context = format!("{role:?} {v:?} {room_status:?}");
                    assert_eq!(started.is_ok(), expected && open, "{context}");
                    assert_eq!(posted.is_ok(), expected && open, "{context}");
                    if expected && !open {
                        assert_eq!(started.unwrap_err().code, "room_finished");
                    }
                }
            }
        }
    }

    #[test]
    fn an_applicant_is_told_why_an_internal_note_is_not_theirs() {
        let f = MessageFacts {
            room_status: RoomStatus::InReview,
            role: Builder,
            body_id: None,
        };
        let refusal =
            check_message(MessageAction::StartThread(ThreadVisibility::Office), &f).unwrap_err();
        assert!(refusal.forbidden);
        assert!(refusal.detail.contains("whole room"), "{}", refusal.detail);
    }

    #[test]
    fn submission_waits_for_the_missing_signature_and_names_it() {
        let mut f = facts(Builder, RoomStatus::Draft);
        f.unsigned_roles = vec![Designer];
        let refusal = check(Submit, &f).unwrap_err();
        assert!(!refusal.forbidden);
        assert!(refusal.detail.contains("designer"));
    }

    #[test]
    fn a_signer_can_withdraw_only_a_standing_signature() {
        let mut f = facts(Designer, RoomStatus::Draft);
        assert!(check(WithdrawSignature, &f).is_err());
        f.signed = true;
        assert!(check(WithdrawSignature, &f).is_ok());
        assert!(check(Sign, &f).is_err());
    }
}
