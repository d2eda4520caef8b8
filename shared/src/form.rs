//! The application form (*Bauantrag*) that builder and designer fill in
//! together.
//!
//! Each field is stored and versioned on its own, so that two people editing
//! different fields never get in each other's way. A write names the version
//! it was based on; a write based on an older version than the stored one is
//! refused (`stale_field`) with the field as it stands, and the writer takes
//! that value or writes again on top of it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::model::ActorRef;

/// A field of the application form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FormField {
    /// What is to be built, in the applicants' words (*Bezeichnung des
    /// Vorhabens*).
    ProjectDescription,
    /// Cadastral district, parcel map and parcel number(s) (*Gemarkung,
    /// Flur, Flurstück*).
    Parcel,
    /// The intended use (*Art der Nutzung*), e.g. a detached family house.
    BuildingUse,
    /// *Gebäudeklasse* 1 to 5 under the state building code.
    BuildingClass,
    /// Number of full storeys (*Vollgeschosse*).
    Storeys,
    /// Gross floor area in m² (*Brutto-Grundfläche*).
    GrossFloorArea,
    /// Estimated construction cost in whole euros (*Rohbau- und
    /// Herstellungskosten*), from which the fee is computed.
    ConstructionCost,
}

impl FormField {
    /// In the order the form shows them.
    pub const ALL: [FormField; 7] = [
        FormField::ProjectDescription,
        FormField::Parcel,
        FormField::BuildingUse,
        FormField::BuildingClass,
        FormField::Storeys,
        FormField::GrossFloorArea,
        FormField::ConstructionCost,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FormField::ProjectDescription => "project_description",
            FormField::Parcel => "parcel",
            FormField::BuildingUse => "building_use",
            FormField::BuildingClass => "building_class",
            FormField::Storeys => "storeys",
            FormField::GrossFloorArea => "gross_floor_area",
            FormField::ConstructionCost => "construction_cost",
        }
    }

    pub fn parse(value: &str) -> Option<FormField> {
        FormField::ALL.into_iter().find(|f| f.as_str() == value)
    }

    /// The longest value accepted, in characters.
    pub fn max_chars(self) -> usize {
        match self {
            FormField::ProjectDescription => 4000,
            FormField::Parcel | FormField::BuildingUse => 300,
            FormField::BuildingClass
            | FormField::Storeys
            | FormField::GrossFloorArea
            | FormField::ConstructionCost => 20,
        }
    }

    /// Whether the field is a text spanning several lines.
    pub fn is_long_text(self) -> bool {
        self == FormField::ProjectDescription
    }
}

/// One field as it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FormFieldView {
    pub field: FormField,
    /// Empty when nobody has filled the field in.
    pub value: String,
    /// 0 before the first write; each saved change adds one.
    pub version: i64,
    pub updated_by: Option<ActorRef>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// `PUT /api/rooms/{room_id}/form/{field}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FormFieldWrite {
    pub value: String,
    /// The version the writer saw when they started editing. A write based on
    /// anything older than the stored version is refused as stale.
    pub base_version: i64,
}
