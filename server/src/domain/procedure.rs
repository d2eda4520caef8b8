//! The procedure's state machine (`PRODUCT.md`, "The procedure"): which
//! transition leads from which status to which, and who may take it.

use chrono::{DateTime, NaiveDate, Utc};
use shared::{DeadlineKind, RoomRole, RoomStatus, Transition};

use super::deadlines::{self, Deadline};
use super::holidays::Calendar;
use super::rules::DeadlineRules;

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

/// The deadlines running in a room now.
// FIXME: only the completeness check so far; statement, consent and missing
// items deadlines, and the pause while missing items are outstanding, come
// with those steps of the procedure (procedure issue #3).
pub fn running_deadlines(
    status: RoomStatus,
    submitted_at: Option<DateTime<Utc>>,
    rules: &DeadlineRules,
    calendar: &Calendar,
    today: NaiveDate,
) -> Vec<(DeadlineKind, Deadline)> {
    let mut running = Vec::new();
    if let (RoomStatus::Submitted | RoomStatus::CompletenessCheck, Some(received)) =
        (status, submitted_at)
    {
        let deadline = deadlines::compute(received, rules.completeness_check, calendar, &[], today);
        running.push((DeadlineKind::CompletenessCheck, deadline));
    }
    running
}

#[cfg(test)]
mod tests {
    use super::*;
    use RoomStatus::*;
    use Transition::*;

    #[test]
    fn the_completeness_check_runs_from_receipt_until_the_check_ends() {
        let received = chrono::TimeZone::with_ymd_and_hms(&Utc, 2027, 4, 6, 10, 0, 0).unwrap();
        let today = received.date_naive();
        let calendar = Calendar::for_state("MV");
        let rules = DeadlineRules::default();
        for (status, expected) in [
            (Draft, 0),
            (Submitted, 1),
            (CompletenessCheck, 1),
            (InReview, 0),
        ] {
            let running = running_deadlines(status, Some(received), &rules, &calendar, today);
            assert_eq!(running.len(), expected, "{status:?}");
        }
        let (kind, deadline) =
            running_deadlines(Submitted, Some(received), &rules, &calendar, today)
                .pop()
                .unwrap();
        assert_eq!(kind, DeadlineKind::CompletenessCheck);
        assert_eq!(deadline.end, NaiveDate::from_ymd_opt(2027, 4, 20).unwrap());
    }

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
