//! The procedure's state machine (`PRODUCT.md`, "The procedure"): which
//! transition leads from which status to which, and who may take it.

use chrono::{DateTime, NaiveDate, Utc};
use shared::{DeadlineKind, NextActor, RequestStatus, RoomRole, RoomStatus, Transition};
use uuid::Uuid;

use super::deadlines::{self, Deadline, Pause, Period};
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

/// A request for missing items, as the deadlines need it.
#[derive(Debug, Clone)]
pub struct MissingItemsFacts {
    pub requested_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub period: Period,
}

/// A statement request, as the deadlines need it.
#[derive(Debug, Clone)]
pub struct RequestFacts {
    pub id: Uuid,
    pub body_name: String,
    pub consent_required: bool,
    pub requested_at: DateTime<Utc>,
    /// The period the rule gave when the request went out.
    pub period: Period,
    /// A granted extension.
    pub extension: Option<Period>,
    pub status: RequestStatus,
}

/// A deadline with what it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct RunningDeadline {
    pub kind: DeadlineKind,
    pub deadline: Deadline,
    pub request_id: Option<Uuid>,
    pub subject: Option<String>,
}

/// The applicants' deadline for a request for missing items.
pub fn missing_items_deadline(
    request: &MissingItemsFacts,
    calendar: &Calendar,
    today: NaiveDate,
) -> Deadline {
    deadlines::compute(request.requested_at, request.period, calendar, &[], today)
}

/// A body's deadline for its statement, extension included.
pub fn statement_deadline(
    request: &RequestFacts,
    calendar: &Calendar,
    today: NaiveDate,
) -> Deadline {
    let deadline = deadlines::compute(request.requested_at, request.period, calendar, &[], today);
    match request.extension {
        Some(more) => deadlines::extend(&deadline, more, calendar),
        None => deadline,
    }
}

/// The period a request to this body runs: the consent rule for the
/// municipality whose consent the law requires, the statement rule otherwise.
pub fn statement_period(consent_required: bool, rules: &DeadlineRules) -> Period {
    if consent_required {
        rules.municipal_consent
    } else {
        rules.statement
    }
}

/// Where a request stands for its readers: an open one past its deadline is
/// overdue.
pub fn shown_status(
    stored: RequestStatus,
    deadline: &Deadline,
    now: DateTime<Utc>,
) -> RequestStatus {
    if stored.awaits_answer() && now >= deadline.due_at {
        RequestStatus::Overdue
    } else {
        stored
    }
}

/// Whether the municipality's consent counts as given: its deadline passed
/// without an answer (§ 36 (2) sentence 2 BauGB).
pub fn consent_deemed_given(
    request: &RequestFacts,
    deadline: &Deadline,
    now: DateTime<Utc>,
) -> bool {
    request.consent_required && request.status.awaits_answer() && now >= deadline.due_at
}

/// The legal delivery date of a notice retrieved at `retrieved_at`: a notice
/// made available for retrieval counts as announced on the day after it was
/// retrieved (§ 41 (2a) VwVfG).
pub fn delivery_date(retrieved_at: DateTime<Utc>) -> NaiveDate {
    deadlines::german_date(retrieved_at)
        .succ_opt()
        .expect("dates stay in range")
}

/// What the room's deadlines are computed from.
pub struct RoomTimeline<'a> {
    pub status: RoomStatus,
    pub submitted_at: Option<DateTime<Utc>>,
    pub missing_items: &'a [MissingItemsFacts],
    pub requests: &'a [RequestFacts],
}

/// The deadlines running in a room now, in no particular order.
pub fn running_deadlines(
    room: &RoomTimeline<'_>,
    rules: &DeadlineRules,
    calendar: &Calendar,
    today: NaiveDate,
) -> Vec<RunningDeadline> {
    let mut running = Vec::new();
    let own = |kind, deadline| RunningDeadline {
        kind,
        deadline,
        request_id: None,
        subject: None,
    };
    match (room.status, room.submitted_at) {
        (RoomStatus::Submitted | RoomStatus::CompletenessCheck, Some(received)) => {
            let pauses: Vec<Pause> = if rules.pause_for_missing_items {
                room.missing_items
                    .iter()
                    .map(|m| Pause {
                        from: deadlines::german_date(m.requested_at),
                        until: m.answered_at.map(deadlines::german_date),
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let deadline =
                deadlines::compute(received, rules.completeness_check, calendar, &pauses, today);
            running.push(own(DeadlineKind::CompletenessCheck, deadline));
        }
        (RoomStatus::AwaitingApplicant, _) => {
            if let Some(open) = room.missing_items.iter().find(|m| m.answered_at.is_none()) {
                let deadline = missing_items_deadline(open, calendar, today);
                running.push(own(DeadlineKind::MissingItems, deadline));
            }
        }
        (RoomStatus::InReview, _) => {
            for request in room.requests.iter().filter(|r| r.status.awaits_answer()) {
                let kind = if request.consent_required {
                    DeadlineKind::MunicipalConsent
                } else {
                    DeadlineKind::Statement
                };
                running.push(RunningDeadline {
                    kind,
                    deadline: statement_deadline(request, calendar, today),
                    request_id: Some(request.id),
                    subject: Some(request.body_name.clone()),
                });
            }
        }
        _ => {}
    }
    running
}

/// Who has to act next: in review, the consulted bodies while any of them
/// still has time to answer, the office otherwise.
pub fn next_actor(status: RoomStatus, requests_pending: bool) -> NextActor {
    match status {
        RoomStatus::InReview if requests_pending => NextActor::ConsultedBodies,
        status => status.next_actor(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RoomStatus::*;
    use Transition::*;

    fn at(text: &str) -> DateTime<Utc> {
        let local = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
        chrono::TimeZone::from_local_datetime(&chrono_tz::Europe::Berlin, &local)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn running(room: &RoomTimeline<'_>, today: &str) -> Vec<RunningDeadline> {
        let calendar = Calendar::for_state("MV");
        running_deadlines(room, &DeadlineRules::default(), &calendar, day(today))
    }

    #[test]
    fn the_completeness_check_runs_from_receipt_until_the_check_ends() {
        for (status, expected) in [
            (Draft, 0),
            (Submitted, 1),
            (CompletenessCheck, 1),
            (InReview, 0),
        ] {
            let room = RoomTimeline {
                status,
                submitted_at: Some(at("2027-04-06 10:00")),
                missing_items: &[],
                requests: &[],
            };
            assert_eq!(running(&room, "2027-04-06").len(), expected, "{status:?}");
        }
        let room = RoomTimeline {
            status: Submitted,
            submitted_at: Some(at("2027-04-06 10:00")),
            missing_items: &[],
            requests: &[],
        };
        let deadline = running(&room, "2027-04-06").pop().unwrap();
        assert_eq!(deadline.kind, DeadlineKind::CompletenessCheck);
        assert_eq!(deadline.deadline.end, day("2027-04-20"));
    }

    #[test]
    fn the_check_stands_still_while_missing_items_are_outstanding() {
        // Received Tuesday 6 April 2027: two weeks end on 20 April. Missing
        // items were outstanding from 8 to 15 April (7 days): 27 April.
        let answered = [MissingItemsFacts {
            requested_at: at("2027-04-08 09:00"),
            answered_at: Some(at("2027-04-15 16:00")),
            period: Period::Weeks(4),
        }];
        let room = RoomTimeline {
            status: CompletenessCheck,
            submitted_at: Some(at("2027-04-06 10:00")),
            missing_items: &answered,
            requests: &[],
        };
        let check = running(&room, "2027-04-16").pop().unwrap();
        assert_eq!(check.deadline.end, day("2027-04-27"));
        assert!(
            check
                .deadline
                .explain_en()
                .contains("clock stopped for 7 days")
        );

        // While the request is open, only the applicants' deadline runs.
        let open = [MissingItemsFacts {
            answered_at: None,
            ..answered[0].clone()
        }];
        let room = RoomTimeline {
            status: AwaitingApplicant,
            missing_items: &open,
            ..room
        };
        let waiting = running(&room, "2027-04-16");
        assert_eq!(waiting.len(), 1);
        assert_eq!(waiting[0].kind, DeadlineKind::MissingItems);
        // Four weeks from 8 April: 6 May 2027 is Ascension Day, so 7 May.
        assert_eq!(waiting[0].deadline.end, day("2027-05-07"));
    }

    #[test]
    fn statements_run_per_body_and_the_municipality_has_two_months() {
        let request = |name: &str, consent_required, status| RequestFacts {
            id: Uuid::now_v7(),
            body_name: name.into(),
            consent_required,
            requested_at: at("2027-01-31 11:00"),
            period: statement_period(consent_required, &DeadlineRules::default()),
            extension: None,
            status,
        };
        let requests = [
            request("Feuerwehr", false, RequestStatus::Read),
            request("Gemeinde", true, RequestStatus::Open),
            request("Straßenbauamt", false, RequestStatus::Answered),
        ];
        let room = RoomTimeline {
            status: InReview,
            submitted_at: Some(at("2027-01-10 10:00")),
            missing_items: &[],
            requests: &requests,
        };
        let running = running(&room, "2027-02-01");
        assert_eq!(running.len(), 2, "the answered request runs no more");
        // One month from 31 January: the last day of February (a Sunday in
        // 2027), so Monday 1 March.
        assert_eq!(running[0].kind, DeadlineKind::Statement);
        assert_eq!(running[0].deadline.end, day("2027-03-01"));
        // Two months: 31 March 2027, a Wednesday.
        assert_eq!(running[1].kind, DeadlineKind::MunicipalConsent);
        assert_eq!(running[1].deadline.end, day("2027-03-31"));
        assert_eq!(running[1].subject.as_deref(), Some("Gemeinde"));

        let calendar = Calendar::for_state("MV");
        let deadline = statement_deadline(&requests[1], &calendar, day("2027-02-01"));
        let before = at("2027-03-31 23:59");
        let after = at("2027-04-01 00:00");
        assert!(!consent_deemed_given(&requests[1], &deadline, before));
        assert!(consent_deemed_given(&requests[1], &deadline, after));
        assert_eq!(
            shown_status(RequestStatus::Open, &deadline, after),
            RequestStatus::Overdue
        );
        assert_eq!(
            shown_status(RequestStatus::Answered, &deadline, after),
            RequestStatus::Answered
        );
        // The fire service's silence is overdue, never consent.
        let fire = statement_deadline(&requests[0], &calendar, day("2027-02-01"));
        assert!(!consent_deemed_given(&requests[0], &fire, after));
    }

    #[test]
    fn the_bodies_act_next_while_they_have_requests_open() {
        assert_eq!(next_actor(InReview, true), NextActor::ConsultedBodies);
        assert_eq!(next_actor(InReview, false), NextActor::Office);
        assert_eq!(next_actor(Draft, true), NextActor::Applicants);
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
