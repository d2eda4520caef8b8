//! Offices, their staff's roles and their procedure types.

use shared::{DocumentCategory, OfficeRole, OfficeSummary, ProcedureType, ProcedureTypeSummary};
use sqlx::AnyPool;
use uuid::Uuid;

use crate::db::{self, Tx};
use crate::domain::procedure_types::{ProcedureTypeSettings, periods_of};
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
    for (key, name_de, name_en, categories) in default_procedure_types() {
        let settings = ProcedureTypeSettings {
            name_de: name_de.into(),
            name_en: name_en.into(),
            required_categories: categories,
            deadline_rules: DeadlineRules::default(),
        };
        insert_procedure_type(tx, id, key, &settings).await?;
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

/// The caller's role in the office, `None` if they do not work there.
pub async fn staff_role(
    db: &AnyPool,
    office_id: Uuid,
    user_id: Uuid,
) -> Result<Option<OfficeRole>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT role FROM office_staff WHERE office_id = $1 AND user_id = $2")
            .bind(office_id.to_string())
            .bind(user_id.to_string())
            .fetch_optional(db)
            .await?;
    Ok(row.and_then(|(role,)| OfficeRole::parse(&role)))
}

const FULL_COLUMNS: &str =
    "id, key, name_de, name_en, required_categories, deadline_rules, version";

/// A procedure type with everything its office's staff see.
#[derive(sqlx::FromRow)]
struct FullProcedureTypeRow {
    id: String,
    key: String,
    name_de: String,
    name_en: String,
    required_categories: String,
    deadline_rules: String,
    version: i64,
}

impl FullProcedureTypeRow {
    fn into_wire(self) -> ProcedureType {
        let names: Vec<String> =
            serde_json::from_str(&self.required_categories).unwrap_or_default();
        ProcedureType {
            id: super::id(&self.id),
            key: self.key,
            name_de: self.name_de,
            name_en: self.name_en,
            required_categories: names
                .iter()
                .filter_map(|n| DocumentCategory::parse(n))
                .collect(),
            deadline_rules: periods_of(&DeadlineRules::parse(&self.deadline_rules)),
            version: self.version,
        }
    }
}

/// The office's procedure types in their order, with rules and versions.
pub async fn procedure_types(
    db: &AnyPool,
    office_id: Uuid,
) -> Result<Vec<ProcedureType>, sqlx::Error> {
    let rows: Vec<FullProcedureTypeRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {FULL_COLUMNS} FROM procedure_types WHERE office_id = $1 ORDER BY position"
    )))
    .bind(office_id.to_string())
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(FullProcedureTypeRow::into_wire)
        .collect())
}

/// One procedure type of the office, read inside a write transaction.
pub async fn full_procedure_type(
    tx: &mut Tx,
    office_id: Uuid,
    id: Uuid,
) -> Result<Option<ProcedureType>, sqlx::Error> {
    let row: Option<FullProcedureTypeRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {FULL_COLUMNS} FROM procedure_types WHERE id = $1 AND office_id = $2"
    )))
    .bind(id.to_string())
    .bind(office_id.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(FullProcedureTypeRow::into_wire))
}

/// Adds a procedure type after the office's others. A key the office uses
/// already violates `procedure_types_office_key_key`.
pub async fn insert_procedure_type(
    tx: &mut Tx,
    office_id: Uuid,
    key: &str,
    settings: &ProcedureTypeSettings,
) -> Result<Uuid, sqlx::Error> {
    let (position,): (i64,) = sqlx::query_as(
        "SELECT COALESCE(MAX(position) + 1, 0) FROM procedure_types WHERE office_id = $1",
    )
    .bind(office_id.to_string())
    .fetch_one(&mut **tx)
    .await?;
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO procedure_types \
         (id, office_id, key, name_de, name_en, required_categories, deadline_rules, position) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.to_string())
    .bind(office_id.to_string())
    .bind(key)
    .bind(&settings.name_de)
    .bind(&settings.name_en)
    .bind(categories_json(&settings.required_categories))
    .bind(settings.deadline_rules.to_json())
    .bind(position)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// What became of an edit of a procedure type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditOutcome {
    Saved,
    /// Someone changed the type after the version the edit started from.
    Stale,
    /// The office has no such type.
    Missing,
}

/// Replaces a procedure type's settings if it is still at `version`, and
/// counts the version up.
pub async fn update_procedure_type(
    tx: &mut Tx,
    office_id: Uuid,
    id: Uuid,
    version: i64,
    settings: &ProcedureTypeSettings,
) -> Result<EditOutcome, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE procedure_types SET name_de = $1, name_en = $2, required_categories = $3, \
         deadline_rules = $4, version = version + 1 \
         WHERE id = $5 AND office_id = $6 AND version = $7",
    )
    .bind(&settings.name_de)
    .bind(&settings.name_en)
    .bind(categories_json(&settings.required_categories))
    .bind(settings.deadline_rules.to_json())
    .bind(id.to_string())
    .bind(office_id.to_string())
    .bind(version)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 1 {
        return Ok(EditOutcome::Saved);
    }
    let exists = full_procedure_type(tx, office_id, id).await?.is_some();
    Ok(if exists {
        EditOutcome::Stale
    } else {
        EditOutcome::Missing
    })
}

fn categories_json(categories: &[DocumentCategory]) -> String {
    let names: Vec<&str> = categories.iter().map(|c| c.as_str()).collect();
    serde_json::to_string(&names).expect("strings serialise")
}
