//! Resumable uploads and their acknowledged parts.

use shared::DocumentCategory;
use sqlx::AnyPool;
use uuid::Uuid;

use super::id;
use crate::db::{self, Tx};

/// One upload as stored.
#[derive(Debug, Clone)]
pub struct Upload {
    pub id: Uuid,
    pub room_id: Uuid,
    pub user_id: Uuid,
    pub category: DocumentCategory,
    pub document_id: Option<Uuid>,
    pub file_name: String,
    pub size_bytes: u64,
    pub received_bytes: u64,
    pub version_id: Option<Uuid>,
}

type Row = (
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    i64,
    i64,
    Option<String>,
);

const COLUMNS: &str = "id, room_id, user_id, category, document_id, file_name, size_bytes, \
                       received_bytes, version_id";

fn from_row(row: Row) -> Upload {
    let (id_, room, user, category, document, file_name, size, received, version) = row;
    Upload {
        id: id(&id_),
        room_id: id(&room),
        user_id: id(&user),
        category: DocumentCategory::parse(&category).unwrap_or(DocumentCategory::Other),
        document_id: document.as_deref().map(id),
        file_name,
        size_bytes: size as u64,
        received_bytes: received as u64,
        version_id: version.as_deref().map(id),
    }
}

pub struct NewUpload<'a> {
    pub id: Uuid,
    pub room_id: Uuid,
    pub user_id: Uuid,
    pub client_key: Uuid,
    pub category: DocumentCategory,
    pub document_id: Option<Uuid>,
    pub file_name: &'a str,
    pub size_bytes: u64,
}

pub async fn insert(tx: &mut Tx, new: &NewUpload<'_>) -> Result<(), sqlx::Error> {
    let now = db::to_millis(db::now());
    sqlx::query(
        "INSERT INTO uploads (id, room_id, user_id, client_key, category, document_id, \
         file_name, size_bytes, received_bytes, created_at, touched_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $9)",
    )
    .bind(new.id.to_string())
    .bind(new.room_id.to_string())
    .bind(new.user_id.to_string())
    .bind(new.client_key.to_string())
    .bind(new.category.as_str())
    .bind(new.document_id.map(|d| d.to_string()))
    .bind(new.file_name)
    .bind(new.size_bytes as i64)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The upload this person already began in this room under `client_key`.
pub async fn by_client_key(
    tx: &mut Tx,
    room_id: Uuid,
    user_id: Uuid,
    client_key: Uuid,
) -> Result<Option<Upload>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM uploads WHERE room_id = $1 AND user_id = $2 AND client_key = $3"
    )))
    .bind(room_id.to_string())
    .bind(user_id.to_string())
    .bind(client_key.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(from_row))
}

/// The upload, if it is this person's in this room: nobody else ever sees it.
pub async fn get(
    db: &AnyPool,
    room_id: Uuid,
    user_id: Uuid,
    upload_id: Uuid,
) -> Result<Option<Upload>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM uploads WHERE id = $1 AND room_id = $2 AND user_id = $3"
    )))
    .bind(upload_id.to_string())
    .bind(room_id.to_string())
    .bind(user_id.to_string())
    .fetch_optional(db)
    .await?;
    Ok(row.map(from_row))
}

/// Records a chunk of `size` bytes at `offset`, only if `offset` is still
/// where the upload stands; `false` when another request got there first.
pub async fn acknowledge_part(
    tx: &mut Tx,
    upload_id: Uuid,
    offset: u64,
    size: u64,
    object_key: &str,
) -> Result<bool, sqlx::Error> {
    let now = db::to_millis(db::now());
    let moved = sqlx::query(
        "UPDATE uploads SET received_bytes = received_bytes + $1, touched_at = $2 \
         WHERE id = $3 AND received_bytes = $4 AND version_id IS NULL",
    )
    .bind(size as i64)
    .bind(now)
    .bind(upload_id.to_string())
    .bind(offset as i64)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if moved == 0 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO upload_parts (upload_id, byte_offset, size_bytes, object_key) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(upload_id.to_string())
    .bind(offset as i64)
    .bind(size as i64)
    .bind(object_key)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// The object keys of an upload's parts, in file order.
pub async fn part_keys(db: &AnyPool, upload_id: Uuid) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT object_key FROM upload_parts WHERE upload_id = $1 ORDER BY byte_offset",
    )
    .bind(upload_id.to_string())
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|(key,)| key).collect())
}

/// Marks the upload as having become `version_id` and forgets its parts
/// (whose objects the caller removes); `false` if it was completed already.
pub async fn claim(tx: &mut Tx, upload_id: Uuid, version_id: Uuid) -> Result<bool, sqlx::Error> {
    let claimed = sqlx::query(
        "UPDATE uploads SET version_id = $1, touched_at = $2 \
         WHERE id = $3 AND version_id IS NULL",
    )
    .bind(version_id.to_string())
    .bind(db::to_millis(db::now()))
    .bind(upload_id.to_string())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if claimed == 0 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM upload_parts WHERE upload_id = $1")
        .bind(upload_id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(true)
}

/// Removes an upload and its parts' rows, answering the parts' object keys.
pub async fn delete(tx: &mut Tx, upload_id: Uuid) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT object_key FROM upload_parts WHERE upload_id = $1")
            .bind(upload_id.to_string())
            .fetch_all(&mut **tx)
            .await?;
    sqlx::query("DELETE FROM upload_parts WHERE upload_id = $1")
        .bind(upload_id.to_string())
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM uploads WHERE id = $1")
        .bind(upload_id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(rows.into_iter().map(|(key,)| key).collect())
}

/// Uploads nobody touched since `before_ms`, completed or not: the sweep's work.
pub async fn idle_since(db: &AnyPool, before_ms: i64) -> Result<Vec<Uuid>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT id FROM uploads WHERE touched_at < $1")
        .bind(before_ms)
        .fetch_all(db)
        .await?;
    Ok(rows.iter().map(|(u,)| id(u)).collect())
}

/// Whether any upload row still holds this id (for orphaned objects).
pub async fn exists(db: &AnyPool, upload_id: &str) -> Result<bool, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT id FROM uploads WHERE id = $1")
        .bind(upload_id)
        .fetch_optional(db)
        .await?;
    Ok(row.is_some())
}

/// What the room holds and has on its way, against its quota: every stored
/// version plus the full size of every unfinished upload but `except`.
/// Read outside a transaction: two uploads started in the same instant may
/// both fit, which a quota meant against runaway rooms can allow.
pub async fn room_usage(
    db: &AnyPool,
    room_id: Uuid,
    except: Option<Uuid>,
) -> Result<u64, sqlx::Error> {
    let (stored,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) FROM document_versions \
         WHERE room_id = $1",
    )
    .bind(room_id.to_string())
    .fetch_one(db)
    .await?;
    let (pending,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) FROM uploads \
         WHERE room_id = $1 AND version_id IS NULL AND id <> $2",
    )
    .bind(room_id.to_string())
    .bind(except.map(|e| e.to_string()).unwrap_or_default())
    .fetch_one(db)
    .await?;
    Ok((stored + pending) as u64)
}
