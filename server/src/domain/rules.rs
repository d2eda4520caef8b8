//! The deadline rules of a procedure type, held as data (a JSON object in the
//! procedure type's row) so an office can change them without programming.

use serde::{Deserialize, Serialize};

use super::deadlines::Period;

/// Which period each deadline of a procedure runs. Periods are written as a
/// number and a unit: `14d`, `2w`, `1m`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineRules {
    /// From receipt of the application to the end of the completeness check.
    #[serde(with = "period_text")]
    pub completeness_check: Period,
    /// From a statement request to the statement.
    #[serde(with = "period_text")]
    pub statement: Period,
    /// From the request to the municipality's consent; after it the consent is
    /// deemed given (§ 36 (2) sentence 2 BauGB).
    #[serde(with = "period_text")]
    pub municipal_consent: Period,
    /// Whether the completeness check's clock stands still while a request
    /// for missing items is open (the days it stood are added).
    #[serde(default = "yes")]
    pub pause_for_missing_items: bool,
}

fn yes() -> bool {
    true
}

impl Default for DeadlineRules {
    fn default() -> Self {
        DeadlineRules {
            completeness_check: Period::Weeks(2),
            statement: Period::Months(1),
            municipal_consent: Period::Months(2),
            pause_for_missing_items: true,
        }
    }
}

impl DeadlineRules {
    /// Reads stored rules; rules that do not parse fall back to the defaults
    /// rather than leave a room without deadlines.
    pub fn parse(json: &str) -> DeadlineRules {
        serde_json::from_str(json).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("rules serialise")
    }
}

pub fn period_to_text(period: Period) -> String {
    match period {
        Period::Days(n) => format!("{n}d"),
        Period::Weeks(n) => format!("{n}w"),
        Period::Months(n) => format!("{n}m"),
    }
}

pub fn period_from_text(text: &str) -> Option<Period> {
    let text = text.trim();
    let (number, unit) = text.split_at(text.len().checked_sub(1)?);
    let n: u32 = number.parse().ok().filter(|n| *n > 0 && *n <= 366)?;
    match unit {
        "d" => Some(Period::Days(n)),
        "w" => Some(Period::Weeks(n)),
        "m" => Some(Period::Months(n)),
        _ => None,
    }
}

mod period_text {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::*;

    pub fn serialize<S: Serializer>(period: &Period, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&period_to_text(*period))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Period, D::Error> {
        let text = String::deserialize(d)?;
        period_from_text(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not a period like 2w")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_read_as_people_write_periods() {
        let rules = DeadlineRules::parse(
            r#"{"completeness_check": "3w", "statement": "1m", "municipal_consent": "60d"}"#,
        );
        assert_eq!(rules.completeness_check, Period::Weeks(3));
        assert_eq!(rules.municipal_consent, Period::Days(60));
        assert_eq!(DeadlineRules::parse(&rules.to_json()), rules);
    }

    #[test]
    fn nonsense_periods_are_refused() {
        for text in ["", "w", "0w", "2y", "-1d", "999d"] {
            assert_eq!(period_from_text(text), None, "{text:?}");
        }
    }
}
