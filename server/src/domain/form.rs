//! What a value of the application form must look like. Values are kept as
//! the applicant typed them (trimmed), so that "123,5" stays "123,5" on the
//! co-editor's screen; only their shape is checked here.

use shared::FormField;

/// The value to store, or a sentence saying what is wrong with it. An empty
/// value clears the field.
pub fn checked_value(field: FormField, value: &str) -> Result<String, String> {
    let value = value.trim();
    if value.chars().count() > field.max_chars() {
        return Err(format!(
            "This field takes at most {} characters.",
            field.max_chars()
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err("The value contains control characters; please retype it.".into());
    }
    if !field.is_long_text() && value.contains('\n') {
        return Err("This field takes a single line.".into());
    }
    if value.is_empty() {
        return Ok(String::new());
    }
    match field {
        FormField::BuildingClass => match value.parse::<u8>() {
            Ok(1..=5) => Ok(value.into()),
            _ => Err("The building class is a number from 1 to 5.".into()),
        },
        FormField::Storeys => match value.parse::<u16>() {
            Ok(0..=200) => Ok(value.into()),
            _ => Err("The number of storeys is a whole number from 0 to 200.".into()),
        },
        FormField::ConstructionCost => match value.parse::<u64>() {
            Ok(_) => Ok(value.into()),
            Err(_) => Err("The construction cost is a whole number of euros, without dots.".into()),
        },
        FormField::GrossFloorArea => match decimal(value) {
            Some(area) if area > 0.0 => Ok(value.into()),
            _ => Err("The gross floor area is a number of square metres, e.g. 182,5.".into()),
        },
        FormField::ProjectDescription | FormField::Parcel | FormField::BuildingUse => {
            Ok(value.into())
        }
    }
}

/// A number with at most two decimals after a comma or a dot.
fn decimal(value: &str) -> Option<f64> {
    let normalised = value.replacen(',', ".", 1);
    let (whole, fraction) = normalised.split_once('.').unwrap_or((&normalised, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 2 {
        return None;
    }
    normalised.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_trimmed_and_kept_as_typed() {
        let area = checked_value(FormField::GrossFloorArea, " 182,5 ");
        assert_eq!(area.as_deref(), Ok("182,5"));
        assert_eq!(checked_value(FormField::Parcel, ""), Ok(String::new()));
    }

    #[test]
    fn numbers_must_be_numbers_in_range() {
        for (field, bad) in [
            (FormField::BuildingClass, "6"),
            (FormField::BuildingClass, "GK 3"),
            (FormField::Storeys, "-1"),
            (FormField::ConstructionCost, "350.000"),
            (FormField::GrossFloorArea, "0"),
            (FormField::GrossFloorArea, "12,345"),
            (FormField::GrossFloorArea, "1,2,3"),
        ] {
            assert!(checked_value(field, bad).is_err(), "{field:?} took {bad:?}");
        }
        assert!(checked_value(FormField::BuildingClass, "3").is_ok());
        assert!(checked_value(FormField::GrossFloorArea, "182.25").is_ok());
    }

    #[test]
    fn lines_and_lengths_are_limited() {
        assert!(checked_value(FormField::Parcel, "Flur 3\nFlurstück 12").is_err());
        assert!(checked_value(FormField::ProjectDescription, "Ein Haus\nmit Garage").is_ok());
        let long = "ä".repeat(FormField::Parcel.max_chars() + 1);
        assert!(checked_value(FormField::Parcel, &long).is_err());
        assert!(checked_value(FormField::Parcel, "Flur\u{0}3").is_err());
    }
}
