//! Values that are valid by construction: parse, don't validate.

use std::fmt;

/// Why a value was refused, in words the user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub String);

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An e-mail address, trimmed and lower-cased, so one address is one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, Invalid> {
        let value = raw.trim().to_lowercase();
        let refuse = || Invalid(format!("{:?} is not an e-mail address.", raw.trim()));
        let (local, domain) = value.split_once('@').ok_or_else(refuse)?;
        let well_formed = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && value.len() <= 254
            && !value.chars().any(|c| c.is_whitespace() || c.is_control());
        if well_formed {
            Ok(Email(value))
        } else {
            Err(refuse())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: at least 12 characters, long passphrases welcome, no
/// composition rules (NIST SP 800-63B, OWASP ASVS 2.1).
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 12;
    /// Bounds the work of hashing; far beyond any passphrase.
    pub const MAX_CHARS: usize = 1024;

    pub fn parse(raw: &str) -> Result<NewPassword, Invalid> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(Invalid(format!(
                "The password needs at least {} characters; a few words make a good one.",
                Self::MIN_CHARS
            )));
        }
        if chars > Self::MAX_CHARS {
            return Err(Invalid(format!(
                "The password may have at most {} characters.",
                Self::MAX_CHARS
            )));
        }
        Ok(NewPassword(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A short single-line text a person typed: a name, a title, an address.
/// Trimmed, inner runs of white space folded, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line(String);

impl Line {
    pub fn parse(raw: &str, what: &str, max_chars: usize) -> Result<Line, Invalid> {
        // Text-direction overrides would let "Haus \u{202E}egaraG" read as "Haus Garage".
        let hidden = |c: char| {
            (c.is_control() && c != '\t')
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        };
        if raw.chars().any(hidden) {
            return Err(Invalid(format!(
                "The {what} must not contain control or text-direction characters."
            )));
        }
        let value = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if value.is_empty() {
            return Err(Invalid(format!("Please enter the {what}.")));
        }
        if value.chars().count() > max_chars {
            return Err(Invalid(format!(
                "The {what} may have at most {max_chars} characters."
            )));
        }
        Ok(Line(value))
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A text of several lines a person wrote: a question, a statement, reasons.
/// Trimmed at both ends, line breaks kept (as `\n`), no other control or
/// text-direction characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(String);

impl Text {
    pub fn parse(raw: &str, what: &str, max_chars: usize) -> Result<Text, Invalid> {
        let normalised = raw.replace("\r\n", "\n");
        let hidden = |c: char| {
            (c.is_control() && c != '\t' && c != '\n')
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        };
        if normalised.chars().any(hidden) {
            return Err(Invalid(format!(
                "The {what} must not contain control or text-direction characters."
            )));
        }
        let value = normalised.trim();
        if value.is_empty() {
            return Err(Invalid(format!("Please enter the {what}.")));
        }
        if value.chars().count() > max_chars {
            return Err(Invalid(format!(
                "The {what} may have at most {max_chars} characters."
            )));
        }
        Ok(Text(value.to_owned()))
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A German federal state, by its two-letter code (`MV`, `BY`, …); it
/// selects an office's public holidays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FederalState(&'static str);

/// The federal states' codes.
pub const FEDERAL_STATES: [&str; 16] = [
    "BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST", "SH", "TH",
];

impl FederalState {
    pub fn parse(raw: &str) -> Result<FederalState, Invalid> {
        let code = raw.trim().to_uppercase();
        FEDERAL_STATES
            .into_iter()
            .find(|known| *known == code)
            .map(FederalState)
            .ok_or_else(|| {
                Invalid(format!(
                    "The state must be a federal state's code, one of {}.",
                    FEDERAL_STATES.join(", ")
                ))
            })
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

/// The stable key of a consulted body in its office (`fire_protection`):
/// lowercase letters a–z, digits, `-` and `_`, 1 to 40 characters. Requests
/// and records name the body by it, so it is set once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyKey(String);

const BODY_KEY_MAX_CHARS: usize = 40;

impl BodyKey {
    pub fn parse(raw: &str) -> Result<BodyKey, Invalid> {
        let key = raw.trim();
        let allowed =
            |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
        if key.is_empty() || key.len() > BODY_KEY_MAX_CHARS || !key.chars().all(allowed) {
            return Err(Invalid(format!(
                "The key may only have lowercase letters a–z, digits, - and _, 1 to \
                 {BODY_KEY_MAX_CHARS} characters, e.g. water_authority."
            )));
        }
        Ok(BodyKey(key.to_owned()))
    }

    /// A key made from a body's name: German letters spelt out in ASCII,
    /// everything else between words an underscore.
    pub fn derive(name: &str) -> Result<BodyKey, Invalid> {
        let mut key = String::new();
        for c in name.trim().to_lowercase().chars() {
            match c {
                'ä' => key.push_str("ae"),
                'ö' => key.push_str("oe"),
                'ü' => key.push_str("ue"),
                'ß' => key.push_str("ss"),
                c if c.is_ascii_alphanumeric() => key.push(c),
                _ if !key.ends_with('_') && !key.is_empty() => key.push('_'),
                _ => {}
            }
        }
        let key: String = key.chars().take(BODY_KEY_MAX_CHARS).collect();
        BodyKey::parse(key.trim_end_matches('_'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_key_is_derived_from_its_german_name() {
        let key = BodyKey::derive("Untere Wasserbehörde (Landkreis)").unwrap();
        assert_eq!(key.as_str(), "untere_wasserbehoerde_landkreis");
        assert!(BodyKey::derive(" §§ ").is_err(), "nothing to make a key of");
        assert!(BodyKey::parse("Wasser").is_err());
    }

    #[test]
    fn a_federal_state_is_known_by_its_code() {
        assert_eq!(FederalState::parse(" mv ").unwrap().as_str(), "MV");
        assert!(FederalState::parse("XX").is_err());
    }

    #[test]
    fn an_email_address_is_trimmed_and_lower_cased() {
        assert_eq!(
            Email::parse("  Dana@Example.DE ").unwrap().as_str(),
            "dana@example.de"
        );
    }

    #[test]
    fn malformed_email_addresses_are_refused() {
        for raw in [
            "",
            "dana",
            "dana@",
            "@example.de",
            "dana@localhost",
            "da na@example.de",
        ] {
            assert!(Email::parse(raw).is_err(), "{raw:?} was accepted");
        }
    }

    #[test]
    fn a_password_needs_twelve_characters_of_any_kind() {
        assert!(NewPassword::parse("elevenchars").is_err());
        assert!(NewPassword::parse("twelve chars").is_ok());
        assert!(
            NewPassword::parse("ääääääääääää").is_ok(),
            "counts characters, not bytes"
        );
    }

    #[test]
    fn a_line_folds_white_space_and_refuses_control_characters() {
        let line = Line::parse("  Neubau \t Einfamilienhaus ", "title", 200).unwrap();
        assert_eq!(line.into_string(), "Neubau Einfamilienhaus");
        assert!(Line::parse("a\u{0}b", "title", 200).is_err());
        assert!(
            Line::parse("Haus \u{202E}egaraG", "title", 200).is_err(),
            "reads as Garage"
        );
        assert!(Line::parse("   ", "title", 200).is_err());
        assert!(Line::parse("abc", "title", 2).is_err());
    }

    #[test]
    fn a_text_keeps_its_lines_and_refuses_hidden_characters() {
        let text = Text::parse("  Auflage 1\r\nAuflage 2 \n", "statement", 100).unwrap();
        assert_eq!(text.into_string(), "Auflage 1\nAuflage 2");
        assert!(Text::parse("a\u{7}b", "statement", 100).is_err());
        assert!(Text::parse("\n \n", "statement", 100).is_err());
        assert!(Text::parse("abc", "statement", 2).is_err());
    }
}
