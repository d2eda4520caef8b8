//! Numbers and times as a person in the chosen language reads them.

use chrono::{DateTime, Utc};
use wasm_bindgen::JsValue;

use crate::i18n::Locale;

/// A file size such as `12,3 MB` (German) or `12.3 MB` (English), in
/// powers of 1000 as file managers show them.
pub fn bytes(locale: Locale, size: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = size as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    let number = match format!("{value:.1}") {
        // Whole numbers read better without a trailing ",0".
        rounded if unit == 0 || rounded.ends_with(".0") => format!("{value:.0}"),
        rounded => rounded,
    };
    format!("{} {}", decimal_separator(locale, number), UNITS[unit])
}

/// A whole percentage of `done` out of `total`.
pub fn percent(done: f64, total: f64) -> u32 {
    if total <= 0.0 {
        0
    } else {
        ((done / total) * 100.0).clamp(0.0, 100.0).floor() as u32
    }
}

/// A point in time in the browser's time zone, e.g. `3. Dez. 2026, 14:05`.
pub fn date_time(locale: Locale, at: &DateTime<Utc>) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    String::from(date.to_locale_string(language_tag(locale), &options))
}

/// A calendar day (a deadline's last day, a delivery date): a day in
/// Germany, shown as it is, never shifted into the browser's time zone.
pub fn date(locale: Locale, day: &chrono::NaiveDate) -> String {
    match locale {
        Locale::de => day.format("%d.%m.%Y").to_string(),
        Locale::en => day.format("%-d %b %Y").to_string(),
    }
}

/// An amount in euro cents, e.g. `1.234,50 €` / `€1,234.50`.
pub fn euros(locale: Locale, cents: i64) -> String {
    let (whole, rest) = (cents / 100, (cents % 100).abs());
    let digits = whole.abs().to_string();
    let (group, decimal) = match locale {
        Locale::de => ('.', ','),
        Locale::en => (',', '.'),
    };
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(c);
    }
    let sign = if cents < 0 { "-" } else { "" };
    match locale {
        Locale::de => format!("{sign}{grouped}{decimal}{rest:02} €"),
        Locale::en => format!("{sign}€{grouped}{decimal}{rest:02}"),
    }
}

/// The BCP 47 tag for `Intl` and `<html lang>`.
pub fn language_tag(locale: Locale) -> &'static str {
    match locale {
        Locale::de => "de-DE",
        Locale::en => "en-GB",
    }
}

fn decimal_separator(locale: Locale, number: String) -> String {
    match locale {
        Locale::de => number.replace('.', ","),
        Locale::en => number,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_use_the_decimal_comma_in_german_and_the_point_in_english() {
        assert_eq!(bytes(Locale::de, 253_783), "253,8 kB");
        assert_eq!(bytes(Locale::en, 253_783), "253.8 kB");
    }

    #[test]
    fn whole_sizes_drop_the_trailing_zero() {
        assert_eq!(bytes(Locale::de, 100_000), "100 kB");
        assert_eq!(bytes(Locale::de, 999), "999 B");
        assert_eq!(bytes(Locale::en, 2_147_483_648), "2.1 GB");
    }

    #[test]
    fn percentages_stay_between_0_and_100_even_for_an_empty_file() {
        assert_eq!(percent(0.0, 0.0), 0);
        assert_eq!(percent(50.0, 200.0), 25);
        assert_eq!(percent(300.0, 200.0), 100);
    }

    #[test]
    fn amounts_read_as_each_language_writes_money() {
        assert_eq!(euros(Locale::de, 123_450), "1.234,50 €");
        assert_eq!(euros(Locale::en, 123_450), "€1,234.50");
        assert_eq!(euros(Locale::de, 5), "0,05 €");
    }

    #[test]
    fn a_day_is_shown_as_the_day_it_is() {
        let day = chrono::NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        assert_eq!(date(Locale::de, &day), "01.03.2027");
        assert_eq!(date(Locale::en, &day), "1 Mar 2027");
    }
}
