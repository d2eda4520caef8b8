//! The application form's fields (table `form_fields`).

use shared::{ActorRef, FormField, FormFieldView};
use sqlx::AnyPool;
use uuid::Uuid;

use crate::db::{self, Tx};

#[derive(sqlx::FromRow)]
struct FieldRow {
    field: String,
    value: String,
    version: i64,
    updated_by: String,
    display_name: String,
    updated_at: i64,
}

impl FieldRow {
    fn into_view(self) -> Option<FormFieldView> {
        Some(FormFieldView {
            field: FormField::parse(&self.field)?,
            value: self.value,
            version: self.version,
            updated_by: Some(ActorRef {
                user_id: super::id(&self.updated_by),
                display_name: self.display_name,
            }),
            updated_at: Some(db::from_millis(self.updated_at)),
        })
    }
}

const FIELD_SELECT: &str = "SELECT f.field, f.value, f.version, f.updated_by, u.display_name, \
     f.updated_at FROM form_fields f JOIN users u ON u.id = f.updated_by";

fn never_written(field: FormField) -> FormFieldView {
    FormFieldView {
        field,
        value: String::new(),
        version: 0,
        updated_by: None,
        updated_at: None,
    }
}

/// Every field in form order, the unwritten ones empty at version 0.
pub async fn all(db: &AnyPool, room_id: &str) -> Result<Vec<FormFieldView>, sqlx::Error> {
    let sql = format!("{FIELD_SELECT} WHERE f.room_id = $1");
    let rows: Vec<FieldRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(room_id)
        .fetch_all(db)
        .await?;
    let stored: Vec<FormFieldView> = rows.into_iter().filter_map(FieldRow::into_view).collect();
    Ok(FormField::ALL
        .into_iter()
        .map(|field| {
            stored
                .iter()
                .find(|view| view.field == field)
                .cloned()
                .unwrap_or_else(|| never_written(field))
        })
        .collect())
}

/// One field inside a write transaction (after the room row is locked, so
/// that two writers of the same field are ordered).
pub async fn field(
    tx: &mut Tx,
    room_id: Uuid,
    field: FormField,
) -> Result<FormFieldView, sqlx::Error> {
    let sql = format!("{FIELD_SELECT} WHERE f.room_id = $1 AND f.field = $2");
    let row: Option<FieldRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(room_id.to_string())
        .bind(field.as_str())
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row
        .and_then(FieldRow::into_view)
        .unwrap_or_else(|| never_written(field)))
}

/// Stores `value` as version `version` of the field.
pub async fn write(
    tx: &mut Tx,
    room_id: Uuid,
    field: FormField,
    value: &str,
    version: i64,
    user_id: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO form_fields (room_id, field, value, version, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (room_id, field) DO UPDATE SET value = excluded.value, \
         version = excluded.version, updated_by = excluded.updated_by, \
         updated_at = excluded.updated_at",
    )
    .bind(room_id.to_string())
    .bind(field.as_str())
    .bind(value)
    .bind(version)
    .bind(user_id.to_string())
    .bind(db::to_millis(db::now()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
