//! Legal deadlines, computed as German law counts them.
//!
//! - The day of the event that starts a period is not counted (§ 187 (1) BGB).
//! - A period in days ends after that many days; in weeks, on the weekday of
//!   the event; in months, on the day with the event's number, or on the last
//!   day of the month where that day does not exist (§ 188 (2), (3) BGB): a
//!   month from 31 January ends on the last day of February.
//! - A period that ends on a Saturday, Sunday or public holiday of the office's
//!   state ends on the next working day (§ 193 BGB, § 31 (3) VwVfG).
//! - Days are days in Germany: an event at 00:30 in Berlin on 1 April is on
//!   1 April, although it is still 31 March in UTC; a deadline runs until
//!   24:00 Berlin time of its last day, summer time or not.
//! - Where a rule says so, the clock stops while the applicants are asked for
//!   missing items; the days it stood are added to the period.
//!
//! Every result carries the steps that produced it, so the interface can show
//! each party not only the date but why it is that date.

use chrono::{DateTime, Datelike, Months, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Berlin;

use super::holidays::Calendar;

/// The length of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Days(u32),
    Weeks(u32),
    Months(u32),
}

/// A stretch during which the clock stood (a request for missing items was
/// open). `until: None` means it stands still now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

/// How the end date came about, step by step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The period counted from the day of the event.
    Counted {
        period: Period,
        from: NaiveDate,
        to: NaiveDate,
    },
    /// The month had no day with the event's number: its last day (§ 188 (3) BGB).
    ShortMonth { to: NaiveDate },
    /// The clock stood for this many days.
    Paused { days: i64, to: NaiveDate },
    /// Moved off a weekend day or holiday (§ 193 BGB).
    Moved {
        from: NaiveDate,
        to: NaiveDate,
        because: &'static str,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    /// The day of the event in Germany.
    pub start: NaiveDate,
    /// The last day of the period.
    pub end: NaiveDate,
    /// The moment it is over: 24:00 Berlin time of `end`.
    pub due_at: DateTime<Utc>,
    /// Whether the clock stands still now (a pause is open).
    pub paused: bool,
    pub steps: Vec<Step>,
}

/// The day an instant falls on in Germany.
pub fn german_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Berlin).date_naive()
}

/// The end of a period that an event at `event_at` starts. `today` only
/// matters while a pause is open: the clock is then counted as standing until
/// today, and keeps moving the end as long as it stands.
pub fn compute(
    event_at: DateTime<Utc>,
    period: Period,
    calendar: &Calendar,
    pauses: &[Pause],
    today: NaiveDate,
) -> Deadline {
    let start = german_date(event_at);
    let mut steps = Vec::new();
    let mut end = count(start, period, &mut steps);

    let paused_days: i64 = pauses
        .iter()
        .map(|p| (p.until.unwrap_or(today) - p.from).num_days().max(0))
        .sum();
    if paused_days > 0 {
        end += chrono::Duration::days(paused_days);
        steps.push(Step::Paused {
            days: paused_days,
            to: end,
        });
    }

    let end = off_holidays(end, calendar, &mut steps);
    Deadline {
        start,
        end,
        due_at: end_of_day(end),
        paused: pauses.iter().any(|p| p.until.is_none()),
        steps,
    }
}

/// A deadline lengthened by `period`, counted from its old end (§ 190 BGB),
/// e.g. an extension granted to a consulted body.
pub fn extend(deadline: &Deadline, period: Period, calendar: &Calendar) -> Deadline {
    let mut steps = deadline.steps.clone();
    let end = count(deadline.end, period, &mut steps);
    let end = off_holidays(end, calendar, &mut steps);
    Deadline {
        start: deadline.start,
        end,
        due_at: end_of_day(end),
        paused: deadline.paused,
        steps,
    }
}

/// The first working day from `end` on, each move written down.
fn off_holidays(mut end: NaiveDate, calendar: &Calendar, steps: &mut Vec<Step>) -> NaiveDate {
    while !calendar.is_working_day(end) {
        let because = calendar.holiday(end).unwrap_or(match end.weekday() {
            chrono::Weekday::Sat => "Samstag",
            _ => "Sonntag",
        });
        let next = next_working_day(end, calendar);
        steps.push(Step::Moved {
            from: end,
            to: next,
            because,
        });
        end = next;
    }
    end
}

impl Deadline {
    /// How the end date came about, in German.
    pub fn explain_de(&self) -> String {
        let date = |d: &NaiveDate| d.format("%d.%m.%Y").to_string();
        let steps: Vec<String> = self
            .steps
            .iter()
            .map(|step| match step {
                Step::Counted { period, from, to } => {
                    format!("{} ab {}: {}", period_de(*period), date(from), date(to))
                }
                Step::ShortMonth { to } => {
                    format!(
                        "kein gleicher Tag im Monat, daher Monatsende {} (§ 188 Abs. 3 BGB)",
                        date(to)
                    )
                }
                Step::Paused { days, to } => format!("Frist ruhte {days} Tage: {}", date(to)),
                Step::Moved { from, to, because } => {
                    format!(
                        "{} ist {because}, daher {} (§ 193 BGB)",
                        date(from),
                        date(to)
                    )
                }
            })
            .collect();
        steps.join("; ")
    }

    /// How the end date came about, in English.
    pub fn explain_en(&self) -> String {
        let steps: Vec<String> = self
            .steps
            .iter()
            .map(|step| match step {
                Step::Counted { period, from, to } => {
                    format!("{} from {from}: {to}", period_en(*period))
                }
                Step::ShortMonth { to } => {
                    format!("no such day in that month, so its last day {to} (§ 188 (3) BGB)")
                }
                Step::Paused { days, to } => format!("clock stopped for {days} days: {to}"),
                Step::Moved { from, to, because } => {
                    format!("{from} is a weekend day or holiday ({because}), so {to} (§ 193 BGB)")
                }
            })
            .collect();
        steps.join("; ")
    }
}

fn period_de(period: Period) -> String {
    match period {
        Period::Days(1) => "1 Tag".into(),
        Period::Days(n) => format!("{n} Tage"),
        Period::Weeks(1) => "1 Woche".into(),
        Period::Weeks(n) => format!("{n} Wochen"),
        Period::Months(1) => "1 Monat".into(),
        Period::Months(n) => format!("{n} Monate"),
    }
}

fn period_en(period: Period) -> String {
    match period {
        Period::Days(1) => "1 day".into(),
        Period::Days(n) => format!("{n} days"),
        Period::Weeks(1) => "1 week".into(),
        Period::Weeks(n) => format!("{n} weeks"),
        Period::Months(1) => "1 month".into(),
        Period::Months(n) => format!("{n} months"),
    }
}

fn count(start: NaiveDate, period: Period, steps: &mut Vec<Step>) -> NaiveDate {
    let end = match period {
        Period::Days(n) => start + chrono::Duration::days(n as i64),
        Period::Weeks(n) => start + chrono::Duration::weeks(n as i64),
        Period::Months(n) => {
            // chrono clamps to the month's last day, which is § 188 (3) BGB.
            let end = start
                .checked_add_months(Months::new(n))
                .expect("dates stay in range");
            steps.push(Step::Counted {
                period,
                from: start,
                to: end,
            });
            if end.day() != start.day() {
                steps.push(Step::ShortMonth { to: end });
            }
            return end;
        }
    };
    steps.push(Step::Counted {
        period,
        from: start,
        to: end,
    });
    end
}

fn next_working_day(date: NaiveDate, calendar: &Calendar) -> NaiveDate {
    let mut day = date.succ_opt().expect("dates stay in range");
    while !calendar.is_working_day(day) {
        day = day.succ_opt().expect("dates stay in range");
    }
    day
}

/// 24:00 Berlin time of `date`, as an instant.
fn end_of_day(date: NaiveDate) -> DateTime<Utc> {
    let midnight = date
        .succ_opt()
        .expect("dates stay in range")
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists");
    // Midnight exists on every German date (clocks change at 02:00 / 03:00).
    Berlin
        .from_local_datetime(&midnight)
        .earliest()
        .expect("midnight exists in Berlin")
        .with_timezone(&Utc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// Noon in Berlin on that day, as the event's instant.
    fn noon(text: &str) -> DateTime<Utc> {
        let local = date(text).and_hms_opt(12, 0, 0).unwrap();
        Berlin
            .from_local_datetime(&local)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn end(event: &str, period: Period, state: &str) -> NaiveDate {
        compute(
            noon(event),
            period,
            &Calendar::for_state(state),
            &[],
            date(event),
        )
        .end
    }

    /// (event day, period, state, expected last day, why)
    #[test]
    fn deadlines_end_where_german_law_says() {
        use Period::*;
        let table: &[(&str, Period, &str, &str, &str)] = &[
            (
                "2027-01-31",
                Months(1),
                "MV",
                "2027-03-01",
                "28 Feb 2027 is a Sunday",
            ),
            (
                "2028-01-31",
                Months(1),
                "MV",
                "2028-02-29",
                "leap year: last day of February",
            ),
            (
                "2026-01-31",
                Months(1),
                "MV",
                "2026-03-02",
                "28 Feb 2026 is a Saturday",
            ),
            (
                "2027-03-31",
                Months(1),
                "MV",
                "2027-04-30",
                "April has no 31st",
            ),
            (
                "2027-08-31",
                Months(1),
                "MV",
                "2027-09-30",
                "September has no 31st",
            ),
            (
                "2026-12-31",
                Months(2),
                "MV",
                "2027-03-01",
                "two months into a short February",
            ),
            (
                "2027-01-15",
                Months(1),
                "MV",
                "2027-02-15",
                "same day number",
            ),
            (
                "2027-02-08",
                Months(1),
                "MV",
                "2027-03-09",
                "8 March is Women's Day in MV",
            ),
            (
                "2027-02-08",
                Months(1),
                "BY",
                "2027-03-08",
                "8 March is a working day in BY",
            ),
            (
                "2027-02-08",
                Months(1),
                "BE",
                "2027-03-09",
                "8 March is a holiday in BE too",
            ),
            (
                "2022-02-08",
                Months(1),
                "MV",
                "2022-03-08",
                "Women's Day in MV only since 2023",
            ),
            (
                "2027-02-28",
                Months(1),
                "MV",
                "2027-03-30",
                "Easter Sunday, then Easter Monday",
            ),
            (
                "2027-03-15",
                Weeks(2),
                "MV",
                "2027-03-30",
                "ends on Easter Monday",
            ),
            (
                "2027-03-12",
                Weeks(2),
                "MV",
                "2027-03-30",
                "Good Friday to Easter Monday",
            ),
            (
                "2027-09-30",
                Months(1),
                "MV",
                "2027-11-01",
                "Saturday, then Sunday 31 Oct",
            ),
            (
                "2025-10-03",
                Weeks(4),
                "MV",
                "2025-11-03",
                "Reformation Day (Fri), weekend",
            ),
            (
                "2025-10-03",
                Weeks(4),
                "BY",
                "2025-10-31",
                "31 Oct is a working day in BY",
            ),
            (
                "2025-10-01",
                Months(1),
                "BY",
                "2025-11-03",
                "All Saints' Day (Sat), Sunday",
            ),
            (
                "2025-10-01",
                Months(1),
                "MV",
                "2025-11-03",
                "1 Nov 2025 is a Saturday",
            ),
            (
                "2026-11-24",
                Months(1),
                "MV",
                "2026-12-24",
                "Christmas Eve is a working day",
            ),
            (
                "2026-11-25",
                Months(1),
                "MV",
                "2026-12-28",
                "25th Fri, 26th Sat, 27th Sun",
            ),
            (
                "2026-11-26",
                Months(1),
                "MV",
                "2026-12-28",
                "26 December is a Saturday",
            ),
            (
                "2027-11-24",
                Months(1),
                "MV",
                "2027-12-24",
                "Friday 24 December 2027",
            ),
            (
                "2027-11-25",
                Months(1),
                "MV",
                "2027-12-27",
                "Saturday 25, Sunday 26 December",
            ),
            (
                "2026-12-17",
                Weeks(2),
                "MV",
                "2026-12-31",
                "New Year's Eve is a working day",
            ),
            (
                "2026-12-18",
                Weeks(2),
                "MV",
                "2027-01-04",
                "New Year's Day (Fri), weekend",
            ),
            (
                "2027-01-05",
                Days(1),
                "BY",
                "2027-01-07",
                "Epiphany in Bavaria",
            ),
            (
                "2027-01-05",
                Days(1),
                "MV",
                "2027-01-06",
                "no Epiphany in MV",
            ),
            (
                "2027-04-06",
                Weeks(4),
                "MV",
                "2027-05-04",
                "plain four weeks",
            ),
            (
                "2027-04-06",
                Months(1),
                "MV",
                "2027-05-07",
                "Ascension Day, 6 May 2027",
            ),
            (
                "2027-04-17",
                Months(1),
                "MV",
                "2027-05-18",
                "Whit Monday, 17 May 2027",
            ),
            (
                "2027-04-27",
                Months(1),
                "NW",
                "2027-05-28",
                "Corpus Christi in NRW",
            ),
            (
                "2027-04-27",
                Months(1),
                "MV",
                "2027-05-27",
                "no Corpus Christi in MV",
            ),
            (
                "2026-10-18",
                Months(1),
                "SN",
                "2026-11-19",
                "Repentance Day in Saxony",
            ),
            (
                "2027-09-03",
                Months(1),
                "MV",
                "2027-10-04",
                "3 Oct 2027 is a Sunday",
            ),
            (
                "2027-07-15",
                Months(1),
                "SL",
                "2027-08-16",
                "15 Aug: Sunday, Assumption in SL",
            ),
            (
                "2027-08-20",
                Months(1),
                "TH",
                "2027-09-21",
                "World Children's Day in TH",
            ),
            (
                "2027-01-20",
                Days(10),
                "MV",
                "2027-02-01",
                "30 Jan Sat, 31 Jan Sun",
            ),
        ];
        let mut wrong = Vec::new();
        for (event, period, state, expected, why) in table {
            let got = end(event, *period, state);
            if got != date(expected) {
                wrong.push(format!(
                    "{event} + {period:?} in {state}: got {got}, expected {expected} ({why})"
                ));
            }
        }
        assert!(table.len() >= 30);
        assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
    }

    #[test]
    fn an_event_after_midnight_in_berlin_counts_from_the_german_day() {
        // 31 March 2027 22:30 UTC is 1 April 00:30 in Berlin (summer time).
        let at = Utc.with_ymd_and_hms(2027, 3, 31, 22, 30, 0).unwrap();
        assert_eq!(german_date(at), date("2027-04-01"));
        // 31 October 2027 23:30 UTC is 1 November 00:30 in Berlin (winter time).
        let at = Utc.with_ymd_and_hms(2027, 10, 31, 23, 30, 0).unwrap();
        assert_eq!(german_date(at), date("2027-11-01"));
    }

    #[test]
    fn a_deadline_runs_until_midnight_in_berlin_across_clock_changes() {
        let mv = Calendar::for_state("MV");
        // Started in winter time, ends on Tuesday 30 March in summer time (UTC+2).
        let spring = compute(
            noon("2027-03-16"),
            Period::Weeks(2),
            &mv,
            &[],
            date("2027-03-16"),
        );
        assert_eq!(spring.end, date("2027-03-30"));
        assert_eq!(
            spring.due_at,
            Utc.with_ymd_and_hms(2027, 3, 30, 22, 0, 0).unwrap()
        );
        // Started in summer time, ends in winter time (UTC+1).
        let autumn = compute(
            noon("2027-10-19"),
            Period::Weeks(2),
            &mv,
            &[],
            date("2027-10-19"),
        );
        assert_eq!(autumn.end, date("2027-11-02"));
        assert_eq!(
            autumn.due_at,
            Utc.with_ymd_and_hms(2027, 11, 2, 23, 0, 0).unwrap()
        );
    }

    #[test]
    fn the_clock_stands_while_missing_items_are_outstanding() {
        let mv = Calendar::for_state("MV");
        let pause = Pause {
            from: date("2027-04-12"),
            until: Some(date("2027-04-22")),
        };
        let deadline = compute(
            noon("2027-04-06"),
            Period::Weeks(2),
            &mv,
            &[pause],
            date("2027-05-01"),
        );
        assert_eq!(deadline.end, date("2027-04-30"), "20 April + 10 days stood");
        assert!(!deadline.paused);
        assert!(deadline.steps.contains(&Step::Paused {
            days: 10,
            to: date("2027-04-30")
        }));

        let open = Pause {
            from: date("2027-04-12"),
            until: None,
        };
        let standing = compute(
            noon("2027-04-06"),
            Period::Weeks(2),
            &mv,
            &[open],
            date("2027-04-14"),
        );
        assert!(standing.paused);
        assert_eq!(standing.end, date("2027-04-22"), "moves on while it stands");
    }

    #[test]
    fn the_explanation_names_each_step_and_its_law() {
        let deadline = compute(
            noon("2027-01-31"),
            Period::Months(1),
            &Calendar::for_state("MV"),
            &[],
            date("2027-01-31"),
        );
        assert_eq!(
            deadline.explain_de(),
            "1 Monat ab 31.01.2027: 28.02.2027; kein gleicher Tag im Monat, daher Monatsende \
             28.02.2027 (§ 188 Abs. 3 BGB); 28.02.2027 ist Sonntag, daher 01.03.2027 (§ 193 BGB)"
        );
        assert!(
            deadline
                .explain_en()
                .starts_with("1 month from 2027-01-31: 2027-02-28")
        );
    }

    #[test]
    fn every_move_is_explained() {
        let deadline = compute(
            noon("2027-02-28"),
            Period::Months(1),
            &Calendar::for_state("MV"),
            &[],
            date("2027-02-28"),
        );
        assert_eq!(
            deadline.steps,
            vec![
                Step::Counted {
                    period: Period::Months(1),
                    from: date("2027-02-28"),
                    to: date("2027-03-28")
                },
                Step::Moved {
                    from: date("2027-03-28"),
                    to: date("2027-03-30"),
                    because: "Sonntag"
                },
            ]
        );
    }

    #[test]
    fn an_extension_counts_from_the_old_end_and_moves_off_holidays() {
        let calendar = Calendar::for_state("MV");
        // 1 month from 28 Feb 2027 ends on Tuesday 30 March (after Easter).
        let deadline = compute(
            noon("2027-02-28"),
            Period::Months(1),
            &calendar,
            &[],
            date("2027-02-28"),
        );
        assert_eq!(deadline.end, date("2027-03-30"));
        // Two weeks more: Tuesday 13 April.
        let extended = extend(&deadline, Period::Weeks(2), &calendar);
        assert_eq!(extended.end, date("2027-04-13"));
        assert!(
            extended
                .explain_en()
                .ends_with("2 weeks from 2027-03-30: 2027-04-13")
        );
        // Four days more: Saturday 3 April, so Monday 5 April.
        let short = extend(&deadline, Period::Days(4), &calendar);
        assert_eq!(short.end, date("2027-04-05"));
    }
}
