//! Public holidays of the German federal states, as data.
//!
//! A deadline that ends on a Saturday, a Sunday or a public holiday "at the
//! place of performance" ends on the next working day (§ 193 BGB); for a
//! building office that place is its federal state. Each holiday is either a
//! fixed date or a distance from Easter Sunday.
//!
//! FIXME: holidays that hold only in parts of a state (Fronleichnam in parts of
//! Saxony and Thuringia, Mariä Himmelfahrt in Bavarian Catholic communities,
//! the Augsburg peace festival) are left out; an office there needs its own
//! additions, which come with office settings as data (procedure issue #3).

use chrono::{Datelike, NaiveDate, Weekday};

/// When a holiday falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Every year on this month and day.
    Fixed { month: u32, day: u32 },
    /// This many days after Easter Sunday (negative: before).
    Easter(i64),
    /// Buß- und Bettag: the Wednesday before 23 November.
    RepentanceDay,
    /// From this year on (holidays are introduced, e.g. 8 March in MV in 2023).
    Since(u16, &'static Rule),
}

#[derive(Debug, Clone, Copy)]
pub struct Holiday {
    pub name_de: &'static str,
    pub rule: Rule,
    /// The states (two-letter codes) where it is a public holiday; empty: all.
    pub states: &'static [&'static str],
}

const ALL: &[&str] = &[];

/// The table. Sources: the states' Feiertagsgesetze as of 2026.
pub const HOLIDAYS: &[Holiday] = &[
    Holiday {
        name_de: "Neujahr",
        rule: Rule::Fixed { month: 1, day: 1 },
        states: ALL,
    },
    Holiday {
        name_de: "Heilige Drei Könige",
        rule: Rule::Fixed { month: 1, day: 6 },
        states: &["BW", "BY", "ST"],
    },
    Holiday {
        name_de: "Internationaler Frauentag",
        rule: Rule::Since(2023, &Rule::Fixed { month: 3, day: 8 }),
        states: &["MV"],
    },
    Holiday {
        name_de: "Internationaler Frauentag",
        rule: Rule::Since(2019, &Rule::Fixed { month: 3, day: 8 }),
        states: &["BE"],
    },
    Holiday {
        name_de: "Karfreitag",
        rule: Rule::Easter(-2),
        states: ALL,
    },
    Holiday {
        name_de: "Ostersonntag",
        rule: Rule::Easter(0),
        states: &["BB"],
    },
    Holiday {
        name_de: "Ostermontag",
        rule: Rule::Easter(1),
        states: ALL,
    },
    Holiday {
        name_de: "Tag der Arbeit",
        rule: Rule::Fixed { month: 5, day: 1 },
        states: ALL,
    },
    Holiday {
        name_de: "Christi Himmelfahrt",
        rule: Rule::Easter(39),
        states: ALL,
    },
    Holiday {
        name_de: "Pfingstsonntag",
        rule: Rule::Easter(49),
        states: &["BB"],
    },
    Holiday {
        name_de: "Pfingstmontag",
        rule: Rule::Easter(50),
        states: ALL,
    },
    Holiday {
        name_de: "Fronleichnam",
        rule: Rule::Easter(60),
        states: &["BW", "BY", "HE", "NW", "RP", "SL"],
    },
    Holiday {
        name_de: "Mariä Himmelfahrt",
        rule: Rule::Fixed { month: 8, day: 15 },
        states: &["SL"],
    },
    Holiday {
        name_de: "Weltkindertag",
        rule: Rule::Since(2019, &Rule::Fixed { month: 9, day: 20 }),
        states: &["TH"],
    },
    Holiday {
        name_de: "Tag der Deutschen Einheit",
        rule: Rule::Fixed { month: 10, day: 3 },
        states: ALL,
    },
    Holiday {
        name_de: "Reformationstag",
        rule: Rule::Fixed { month: 10, day: 31 },
        states: &["BB", "HB", "HH", "MV", "NI", "SN", "ST", "SH", "TH"],
    },
    Holiday {
        name_de: "Allerheiligen",
        rule: Rule::Fixed { month: 11, day: 1 },
        states: &["BW", "BY", "NW", "RP", "SL"],
    },
    Holiday {
        name_de: "Buß- und Bettag",
        rule: Rule::RepentanceDay,
        states: &["SN"],
    },
    Holiday {
        name_de: "1. Weihnachtstag",
        rule: Rule::Fixed { month: 12, day: 25 },
        states: ALL,
    },
    Holiday {
        name_de: "2. Weihnachtstag",
        rule: Rule::Fixed { month: 12, day: 26 },
        states: ALL,
    },
];

/// Easter Sunday of a year in the Gregorian calendar (the anonymous
/// Gregorian algorithm, also known as Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is a real date")
}

impl Rule {
    /// The date of this holiday in `year`, if it is held that year.
    pub fn date_in(&self, year: i32) -> Option<NaiveDate> {
        match self {
            Rule::Fixed { month, day } => NaiveDate::from_ymd_opt(year, *month, *day),
            Rule::Easter(offset) => Some(easter_sunday(year) + chrono::Duration::days(*offset)),
            Rule::RepentanceDay => {
                let nov_22 = NaiveDate::from_ymd_opt(year, 11, 22)?;
                let back = (nov_22.weekday().num_days_from_monday() + 7
                    - Weekday::Wed.num_days_from_monday())
                    % 7;
                Some(nov_22 - chrono::Duration::days(back as i64))
            }
            Rule::Since(first, rule) => (year >= *first as i32)
                .then(|| rule.date_in(year))
                .flatten(),
        }
    }
}

/// The public holidays of one federal state.
#[derive(Debug, Clone)]
pub struct Calendar {
    state: String,
}

impl Calendar {
    pub fn for_state(state: &str) -> Calendar {
        Calendar {
            state: state.to_uppercase(),
        }
    }

    /// The holiday on `date` in this state, if there is one.
    pub fn holiday(&self, date: NaiveDate) -> Option<&'static str> {
        HOLIDAYS
            .iter()
            .filter(|h| h.states.is_empty() || h.states.contains(&self.state.as_str()))
            .find(|h| h.rule.date_in(date.year()) == Some(date))
            .map(|h| h.name_de)
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && self.holiday(date).is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn easter_sunday_matches_the_published_dates() {
        for (year, month, day) in [
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2028, 4, 16),
            (2038, 4, 25),
        ] {
            assert_eq!(easter_sunday(year), date(year, month, day), "{year}");
        }
    }

    #[test]
    fn mecklenburg_vorpommern_keeps_womens_day_and_reformation_day() {
        let mv = Calendar::for_state("MV");
        assert_eq!(
            mv.holiday(date(2027, 3, 8)),
            Some("Internationaler Frauentag")
        );
        assert_eq!(mv.holiday(date(2022, 3, 8)), None, "only since 2023");
        assert_eq!(mv.holiday(date(2027, 10, 31)), Some("Reformationstag"));
        assert_eq!(
            mv.holiday(date(2027, 11, 1)),
            None,
            "Allerheiligen is not one in MV"
        );
        assert_eq!(
            Calendar::for_state("BY").holiday(date(2027, 11, 1)),
            Some("Allerheiligen")
        );
    }

    #[test]
    fn repentance_day_is_the_wednesday_before_the_23rd_of_november() {
        let sn = Calendar::for_state("SN");
        assert_eq!(sn.holiday(date(2026, 11, 18)), Some("Buß- und Bettag"));
        assert_eq!(sn.holiday(date(2027, 11, 17)), Some("Buß- und Bettag"));
        assert_eq!(Calendar::for_state("MV").holiday(date(2026, 11, 18)), None);
    }
}
