//! What an office admin sets on a procedure type — its key, names, checklist
//! and deadline rules — parsed from what they typed. The SQL lives in
//! `repo::offices`, the HTTP in `handlers::procedure_types`.

use shared::{DeadlinePeriods, DocumentCategory};

use super::rules::{DeadlineRules, period_from_text};
use super::values::{Invalid, Line};

/// The longest name of a procedure type, in characters.
pub const NAME_MAX_CHARS: usize = 200;
/// The longest key, in characters.
pub const KEY_MAX_CHARS: usize = 40;

/// A refusal that names the request field it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    fn new(field: &'static str, message: impl Into<String>) -> FieldError {
        FieldError {
            field,
            message: message.into(),
        }
    }
}

/// A procedure type's stable key, e.g. `regular` or `garage_small`: lowercase
/// ASCII letters, digits, `-` and `_`. Rooms' records name their type by it,
/// so it is set once, when the type is added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureTypeKey(String);

impl ProcedureTypeKey {
    pub fn parse(raw: &str) -> Result<ProcedureTypeKey, Invalid> {
        let key = raw.trim();
        let allowed =
            |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
        if key.is_empty() || key.len() > KEY_MAX_CHARS || !key.chars().all(allowed) {
            return Err(Invalid(format!(
                "The key may only have lowercase letters a–z, digits, - and _, 1 to \
                 {KEY_MAX_CHARS} characters, e.g. garage-small."
            )));
        }
        Ok(ProcedureTypeKey(key.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Everything of a procedure type an office admin edits, each part valid: two
/// names, a checklist with at least one category and no repeats, and rules
/// whose every period parses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureTypeSettings {
    pub name_de: String,
    pub name_en: String,
    pub required_categories: Vec<DocumentCategory>,
    pub deadline_rules: DeadlineRules,
}

impl ProcedureTypeSettings {
    /// Parses the settings; the first field that is not acceptable is named.
    pub fn parse(
        name_de: &str,
        name_en: &str,
        categories: &[DocumentCategory],
        periods: &DeadlinePeriods,
    ) -> Result<ProcedureTypeSettings, FieldError> {
        let name_de = Line::parse(name_de, "German name", NAME_MAX_CHARS)
            .map_err(|e| FieldError::new("name_de", e.0))?
            .into_string();
        let name_en = Line::parse(name_en, "English name", NAME_MAX_CHARS)
            .map_err(|e| FieldError::new("name_en", e.0))?
            .into_string();
        Ok(ProcedureTypeSettings {
            name_de,
            name_en,
            required_categories: checklist(categories)?,
            deadline_rules: deadline_rules(periods)?,
        })
    }
}

/// The categories in the order given, each once.
fn checklist(categories: &[DocumentCategory]) -> Result<Vec<DocumentCategory>, FieldError> {
    let mut checklist: Vec<DocumentCategory> = Vec::with_capacity(categories.len());
    for category in categories {
        if !category.is_application() {
            return Err(FieldError::new(
                "required_categories",
                format!(
                    "\"{}\" is not a document the applicants file: the office issues notices, \
                     and consulted bodies attach files to their statements.",
                    category.as_str()
                ),
            ));
        }
        if !checklist.contains(category) {
            checklist.push(*category);
        }
    }
    if checklist.is_empty() {
        return Err(FieldError::new(
            "required_categories",
            "The checklist needs at least one document category.",
        ));
    }
    Ok(checklist)
}

fn deadline_rules(periods: &DeadlinePeriods) -> Result<DeadlineRules, FieldError> {
    let period = |field: &'static str, text: &str| {
        period_from_text(text).ok_or_else(|| {
            FieldError::new(
                field,
                format!(
                    "{:?} is not a period: write a number from 1 to 366 followed by d (days), \
                     w (weeks) or m (months), e.g. 2w.",
                    text.trim()
                ),
            )
        })
    };
    Ok(DeadlineRules {
        completeness_check: period(
            "deadline_rules.completeness_check",
            &periods.completeness_check,
        )?,
        statement: period("deadline_rules.statement", &periods.statement)?,
        municipal_consent: period(
            "deadline_rules.municipal_consent",
            &periods.municipal_consent,
        )?,
        pause_for_missing_items: periods.pause_for_missing_items,
    })
}

/// The rules as the text people write them in, for the wire.
pub fn periods_of(rules: &DeadlineRules) -> DeadlinePeriods {
    use super::rules::period_to_text;
    DeadlinePeriods {
        completeness_check: period_to_text(rules.completeness_check),
        statement: period_to_text(rules.statement),
        municipal_consent: period_to_text(rules.municipal_consent),
        pause_for_missing_items: rules.pause_for_missing_items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::deadlines::Period;

    fn periods(completeness_check: &str, statement: &str, consent: &str) -> DeadlinePeriods {
        DeadlinePeriods {
            completeness_check: completeness_check.into(),
            statement: statement.into(),
            municipal_consent: consent.into(),
            pause_for_missing_items: true,
        }
    }

    #[test]
    fn a_key_is_lowercase_letters_digits_dashes_and_underscores() {
        assert_eq!(
            ProcedureTypeKey::parse(" garage_2-small ")
                .unwrap()
                .as_str(),
            "garage_2-small"
        );
        for raw in [
            "",
            "Garage",
            "garage small",
            "garäge",
            "a/b",
            &"a".repeat(41),
        ] {
            assert!(
                ProcedureTypeKey::parse(raw).is_err(),
                "{raw:?} was accepted"
            );
        }
        assert!(ProcedureTypeKey::parse(&"a".repeat(40)).is_ok());
    }

    #[test]
    fn settings_keep_the_checklist_order_and_drop_repeats() {
        use DocumentCategory::*;
        let settings = ProcedureTypeSettings::parse(
            " Garage ",
            "Garage",
            &[Photos, SitePlan, Photos],
            &periods("3w", "1m", "60d"),
        )
        .unwrap();
        assert_eq!(settings.name_de, "Garage");
        assert_eq!(settings.required_categories, [Photos, SitePlan]);
        assert_eq!(settings.deadline_rules.municipal_consent, Period::Days(60));
        assert_eq!(
            periods_of(&settings.deadline_rules),
            periods("3w", "1m", "60d")
        );
    }

    #[test]
    fn each_unacceptable_setting_names_its_field() {
        let ok = periods("2w", "1m", "2m");
        let cats = [DocumentCategory::SitePlan];
        let field = |result: Result<ProcedureTypeSettings, FieldError>| result.unwrap_err().field;
        let long = "x".repeat(NAME_MAX_CHARS + 1);
        assert_eq!(
            field(ProcedureTypeSettings::parse(" ", "a", &cats, &ok)),
            "name_de"
        );
        assert_eq!(
            field(ProcedureTypeSettings::parse("a", &long, &cats, &ok)),
            "name_en"
        );
        assert_eq!(
            field(ProcedureTypeSettings::parse("a", "a", &[], &ok)),
            "required_categories"
        );
        assert_eq!(
            field(ProcedureTypeSettings::parse(
                "a",
                "a",
                &[DocumentCategory::Notice],
                &ok
            )),
            "required_categories",
            "the notice is the office's, no applicant's document"
        );
        assert_eq!(
            field(ProcedureTypeSettings::parse(
                "a",
                "a",
                &cats,
                &periods("0w", "1m", "2m")
            )),
            "deadline_rules.completeness_check"
        );
        assert_eq!(
            field(ProcedureTypeSettings::parse(
                "a",
                "a",
                &cats,
                &periods("2w", "2y", "2m")
            )),
            "deadline_rules.statement"
        );
        assert_eq!(
            field(ProcedureTypeSettings::parse(
                "a",
                "a",
                &cats,
                &periods("2w", "1m", "")
            )),
            "deadline_rules.municipal_consent"
        );
    }
}
