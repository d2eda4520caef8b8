//! The procedure's state machine (`PRODUCT.md`, "The procedure"): which
//! transition leads from which status to which, and who may take it.

use shared::{RoomRole, RoomStatus, Transition};

/// Where `transition` leads from `from`, or `None` when it cannot be taken there.
pub fn target(from: RoomStatus, transition: Transition) -> Option<RoomStatus> {
    use RoomStatus::*;
    use Transition::*;
    let to = match (transition, from) {
        (Submit, Draft) => Submitted,
        (StartCheck, Submitted) => CompletenessCheck,
        (RequestMissingItems, CompletenessCheck) => AwaitingApplicant,
        (Resubmit, AwaitingApplicant) => CompletenessCheck,
        (MarkComplete, CompletenessCheck) => InReview,
        (Decide, InReview) => Decided,
        (DeliverNotice, Decided) => Delivered,
        (Close, Delivered) => Closed,
        (Withdraw, Draft | Submitted | CompletenessCheck | AwaitingApplicant | InReview) => {
            Withdrawn
        }
        (DeemWithdrawn, AwaitingApplicant) => Withdrawn,
        _ => return None,
    };
    Some(to)
}

/// The roles that may take a transition (in a status where it applies).
pub fn may_take(role: RoomRole, transition: Transition) -> bool {
    use Transition::*;
    match transition {
        Submit | Withdraw => role == RoomRole::Builder,
        Resubmit => matches!(role, RoomRole::Builder | RoomRole::Designer),
        DeliverNotice => role.is_applicant(),
        StartCheck | RequestMissingItems | MarkComplete | Decide | Close | DeemWithdrawn => {
            role == RoomRole::Caseworker
        }
    }
}

/// Whether the applicants may still change the application's content.
pub fn applicants_may_edit(status: RoomStatus) -> bool {
    matches!(status, RoomStatus::Draft | RoomStatus::AwaitingApplicant)
}

/// Whether the office sees the room: from submission on, never the draft.
pub fn office_sees(status: RoomStatus) -> bool {
    status != RoomStatus::Draft
}

#[cfg(test)]
mod tests {
    use super::*;
    use RoomStatus::*;
    use Transition::*;

    #[test]
    fn the_main_path_runs_from_draft_to_closed() {
        let path = [
            (Submit, Submitted),
            (StartCheck, CompletenessCheck),
            (MarkComplete, InReview),
            (Decide, Decided),
            (DeliverNotice, Delivered),
            (Close, Closed),
        ];
        let mut status = Draft;
        for (transition, expected) in path {
            status = target(status, transition).unwrap();
            assert_eq!(status, expected);
        }
    }

    #[test]
    fn missing_items_return_the_room_to_the_check() {
        let waiting = target(CompletenessCheck, RequestMissingItems).unwrap();
        assert_eq!(target(waiting, Resubmit), Some(CompletenessCheck));
    }

    #[test]
    fn applicants_can_withdraw_until_the_decision_but_not_after() {
        for status in [
            Draft,
            Submitted,
            CompletenessCheck,
            AwaitingApplicant,
            InReview,
        ] {
            assert_eq!(target(status, Withdraw), Some(Withdrawn), "{status:?}");
        }
        for status in [Decided, Delivered, Closed, Withdrawn] {
            assert_eq!(target(status, Withdraw), None, "{status:?}");
        }
    }

    #[test]
    fn a_submitted_room_cannot_be_submitted_again() {
        assert_eq!(target(Submitted, Submit), None);
    }

    #[test]
    fn only_the_office_checks_and_only_the_builder_submits() {
        assert!(may_take(RoomRole::Caseworker, StartCheck));
        assert!(!may_take(RoomRole::Builder, StartCheck));
        assert!(may_take(RoomRole::Builder, Submit));
        assert!(!may_take(RoomRole::Designer, Submit));
        assert!(!may_take(RoomRole::Caseworker, Submit));
    }
}
