//! Offices and their procedure types.

use shared::{DocumentCategory, OfficeSummary, ProcedureTypeSummary};
use sqlx::AnyPool;
use uuid::Uuid;

use crate::db::{self, Tx};
use crate::domain::rules::DeadlineRules;

/// The procedure types every new office starts with; the office admin adapts
/// them later. Checklists follow the usual Bauvorlagenverordnung contents.
fn default_procedure_types() -> Vec<(
    &'static str,
    &'static str,
    &'static str,
    Vec<DocumentCategory>,
)> {
    use DocumentCategory::*;
    vec![
        (
            "regular",
            "Baugenehmigungsverfahren",
            "Regular building permit procedure",
            vec![
                SitePlan,
                FloorPlans,
                Sections,
                Elevations,
                BuildingDescription,
                StructuralProof,
                FireProtectionConcept,
                EnergyCertificate,
                SiteCoverageCalculation,
                DrainagePlan,
                DesignerEntitlement,
                CadastralExtract,
            ],
        ),
        (
            "simplified",
            "Vereinfachtes Baugenehmigungsverfahren",
            "Simplified building permit procedure",
            vec![
                SitePlan,
                FloorPlans,
                Sections,
                Elevations,
                BuildingDescription,
                SiteCoverageCalculation,
                DesignerEntitlement,
                CadastralExtract,
            ],
        ),
        (
            "preliminary",
            "Vorbescheid",
            "Preliminary decision",
            vec![SitePlan, BuildingDescription, CadastralExtract],
        ),
        (
            "demolition",
            "Beseitigung (Abbruch)",
            "Demolition",
            vec![SitePlan, BuildingDescription, Photos, CadastralExtract],
        ),
    ]
}

/// Creates an office with the default procedure types.
pub async fn create(tx: &mut Tx, name: &str, state: &str) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    sqlx::query("INSERT INTO offices (id, name, state, created_at) VALUES ($1, $2, $3, $4)")
        .bind(id.to_string())
        .bind(name)
        .bind(state)
        .bind(db::to_millis(db::now()))
        .execute(&mut **tx)
        .await?;
    for (position, (key, name_de, name_en, categories)) in
        default_procedure_types().into_iter().enumerate()
    {
        let categories: Vec<&str> = categories.iter().map(|c| c.as_str()).collect();
        sqlx::query(
            "INSERT INTO procedure_types \
             (id, office_id, key, name_de, name_en, required_categories, deadline_rules, position) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(Uuid::now_v7().to_string())
        .bind(id.to_string())
        .bind(key)
        .bind(name_de)
        .bind(name_en)
        .bind(serde_json::to_string(&categories).expect("strings serialise"))
        .bind(DeadlineRules::default().to_json())
        .bind(position as i64)
        .execute(&mut **tx)
        .await?;
    }
    super::procedure::insert_default_bodies(tx, id).await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
pub struct ProcedureTypeRow {
    pub id: String,
    pub office_id: String,
    pub key: String,
    pub name_de: String,
    pub name_en: String,
    pub required_categories: String,
}

impl ProcedureTypeRow {
    pub fn summary(&self) -> ProcedureTypeSummary {
        let names: Vec<String> =
            serde_json::from_str(&self.required_categories).unwrap_or_default();
        ProcedureTypeSummary {
            id: super::id(&self.id),
            key: self.key.clone(),
            name_de: self.name_de.clone(),
            name_en: self.name_en.clone(),
            required_categories: names
                .iter()
                .filter_map(|n| DocumentCategory::parse(n))
                .collect(),
        }
    }
}

pub async fn list(db: &AnyPool) -> Result<Vec<OfficeSummary>, sqlx::Error> {
    let offices: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id, name, state FROM offices ORDER BY name")
            .fetch_all(db)
            .await?;
    let types: Vec<ProcedureTypeRow> = sqlx::query_as(
        "SELECT id, office_id, key, name_de, name_en, required_categories \
         FROM procedure_types ORDER BY position",
    )
    .fetch_all(db)
    .await?;
    Ok(offices
        .into_iter()
        .map(|(id, name, state)| OfficeSummary {
            procedure_types: types
                .iter()
                .filter(|t| t.office_id == id)
                .map(ProcedureTypeRow::summary)
                .collect(),
            id: super::id(&id),
            name,
            state,
        })
        .collect())
}

pub async fn procedure_type(
    tx: &mut Tx,
    office_id: Uuid,
    procedure_type_id: Uuid,
) -> Result<Option<ProcedureTypeRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, office_id, key, name_de, name_en, required_categories \
         FROM procedure_types WHERE id = $1 AND office_id = $2",
    )
    .bind(procedure_type_id.to_string())
    .bind(office_id.to_string())
    .fetch_optional(&mut **tx)
    .await
}

/// The next case number of an office, e.g. `BA-2026-0007`.
pub async fn next_case_number(tx: &mut Tx, office_id: Uuid) -> Result<String, sqlx::Error> {
    let (counter,): (i64,) = sqlx::query_as(
        "UPDATE offices SET case_counter = case_counter + 1 WHERE id = $1 RETURNING case_counter",
    )
    .bind(office_id.to_string())
    .fetch_one(&mut **tx)
    .await?;
    Ok(format!(
        "BA-{}-{counter:04}",
        chrono::Utc::now().format("%Y")
    ))
}
