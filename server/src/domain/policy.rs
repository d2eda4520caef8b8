//! Who may do what in a room. Every handler asks here; none decides by itself.
//! Deny by default: an action not granted below is refused.

use shared::{RoomAction, RoomRole, RoomStatus, Transition};

use super::procedure;

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
        RoomAction::Upload => {
            require(
                facts.role.is_applicant(),
                "Only the applicants add documents.",
            )?;
            require_editable(facts)
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
    }
}

/// Everything the caller may do now, for the interface to offer.
pub fn allowed(facts: &RoomFacts) -> Vec<RoomAction> {
    [
        RoomAction::Invite,
        RoomAction::Upload,
        RoomAction::Sign,
        RoomAction::WithdrawSignature,
        RoomAction::Submit,
        RoomAction::StartCheck,
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
    }
}

fn status_name(status: RoomStatus) -> String {
    status.as_str().replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use RoomAction::*;
    use RoomRole::*;

    fn facts(role: RoomRole, status: RoomStatus) -> RoomFacts {
        RoomFacts {
            status,
            role,
            signed: false,
            unsigned_roles: vec![],
        }
    }

    /// Every action × role × status: granted exactly where the table says.
    #[test]
    fn the_room_action_table_holds_for_every_role_and_status() {
        let roles = [Builder, Designer, OtherApplicant, Caseworker];
        for status in RoomStatus::ALL {
            for role in roles {
                let granted = allowed(&facts(role, status));
                let editable = matches!(status, RoomStatus::Draft | RoomStatus::AwaitingApplicant);
                let draft = status == RoomStatus::Draft;
                let expected: Vec<RoomAction> = [
                    (Invite, role == Builder && editable),
                    (Upload, role.is_applicant() && editable),
                    (Sign, role.must_sign() && draft),
                    (WithdrawSignature, false),
                    (Submit, role == Builder && draft),
                    (
                        StartCheck,
                        role == Caseworker && status == RoomStatus::Submitted,
                    ),
                ]
                .into_iter()
                .filter_map(|(action, yes)| yes.then_some(action))
                .collect();
                assert_eq!(granted, expected, "{role:?} in {status:?}");
            }
        }
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
