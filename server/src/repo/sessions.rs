//! Sessions and their refresh tokens (see `auth` for what they mean).

use sqlx::{AnyPool, Executor};
use uuid::Uuid;

use crate::auth::{EndReason, IDLE_MINUTES, LEEWAY_SECONDS};
use crate::db::{self, Tx};

const IDLE_MILLIS: i64 = IDLE_MINUTES * 60_000;

pub struct NewSession {
    pub id: Uuid,
    pub user_id: Uuid,
    pub created_at: i64,
    pub expires_at: i64,
    pub user_agent: String,
    pub method: &'static str,
}

pub async fn insert(tx: &mut Tx, session: &NewSession) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (id, user_id, created_at, expires_at, last_seen_at, user_agent, \
         method) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(session.id.to_string())
    .bind(session.user_id.to_string())
    .bind(session.created_at)
    .bind(session.expires_at)
    .bind(session.created_at)
    .bind(&session.user_agent)
    .bind(session.method)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A session as stored; times in milliseconds since the epoch.
#[derive(Debug, sqlx::FromRow)]
pub struct SessionRow {
    #[sqlx(try_from = "String")]
    pub id: Uuid,
    #[sqlx(try_from = "String")]
    pub user_id: Uuid,
    pub created_at: i64,
    pub expires_at: i64,
    pub last_seen_at: i64,
    pub revoked_at: Option<i64>,
    pub user_agent: String,
    pub method: String,
}

impl SessionRow {
    /// When the session ends if nobody uses it any more: at its absolute
    /// end, or when it has idled out, whichever comes first.
    pub fn end_at(&self) -> i64 {
        self.expires_at.min(self.last_seen_at + IDLE_MILLIS)
    }

    /// When the session ends after a request at `now`.
    pub fn end_after_activity_at(&self, now: i64) -> i64 {
        self.expires_at.min(now + IDLE_MILLIS)
    }

    /// Whether the session is still good at `now`, with the one leeway for
    /// clocks that every time check on sessions and tokens allows.
    pub fn is_live(&self, now: i64) -> bool {
        self.revoked_at.is_none() && now < self.end_at() + LEEWAY_SECONDS as i64 * 1000
    }
}

const COLUMNS: &str =
    "id, user_id, created_at, expires_at, last_seen_at, revoked_at, user_agent, method";

pub async fn get<'e>(
    db: impl Executor<'e, Database = sqlx::Any>,
    id: Uuid,
) -> Result<Option<SessionRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM sessions WHERE id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(db)
    .await
}

/// The person's sessions that have not ended, newest first.
pub async fn list_live(
    db: &AnyPool,
    user_id: Uuid,
    now: i64,
) -> Result<Vec<SessionRow>, sqlx::Error> {
    let rows: Vec<SessionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM sessions WHERE user_id = $1 AND revoked_at IS NULL \
         AND expires_at > $2 AND last_seen_at > $3 ORDER BY created_at DESC"
    )))
    .bind(user_id.to_string())
    .bind(now)
    .bind(now - IDLE_MILLIS)
    .fetch_all(db)
    .await?;
    Ok(rows)
}

/// Records a request of the session at `now`.
pub async fn touch<'e>(
    db: impl Executor<'e, Database = sqlx::Any>,
    id: Uuid,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND last_seen_at < $1")
        .bind(now)
        .bind(id.to_string())
        .execute(db)
        .await?;
    Ok(())
}

/// When a session ends (milliseconds since the epoch) if nobody uses it any
/// more, or `None` when it was revoked or never existed.
pub async fn session_until(db: &AnyPool, id: Uuid) -> Result<Option<i64>, sqlx::Error> {
    Ok(get(db, id)
        .await?
        .filter(|row| row.revoked_at.is_none())
        .map(|row| row.end_at()))
}

/// Ends a session, with the reason; an ended one stays as it ended.
pub async fn revoke(tx: &mut Tx, id: Uuid, reason: EndReason) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sessions SET revoked_at = $1, end_reason = $2 WHERE id = $3 AND revoked_at IS NULL",
    )
    .bind(db::to_millis(db::now()))
    .bind(reason.as_str())
    .bind(id.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Ends every session of a person; returns how many were live.
pub async fn revoke_all(tx: &mut Tx, user_id: Uuid, reason: EndReason) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at = $1, end_reason = $2 \
         WHERE user_id = $3 AND revoked_at IS NULL",
    )
    .bind(db::to_millis(db::now()))
    .bind(reason.as_str())
    .bind(user_id.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

pub async fn insert_refresh(
    tx: &mut Tx,
    token_hash: &str,
    session_id: Uuid,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO refresh_tokens (token_hash, session_id, issued_at) VALUES ($1, $2, $3)",
    )
    .bind(token_hash)
    .bind(session_id.to_string())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, sqlx::FromRow)]
pub struct RefreshRow {
    #[sqlx(try_from = "String")]
    pub session_id: Uuid,
    pub used_at: Option<i64>,
}

pub async fn refresh_token(
    tx: &mut Tx,
    token_hash: &str,
) -> Result<Option<RefreshRow>, sqlx::Error> {
    sqlx::query_as("SELECT session_id, used_at FROM refresh_tokens WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(&mut **tx)
        .await
}

/// Marks a refresh token used; `false` when another request did first.
pub async fn spend_refresh(tx: &mut Tx, token_hash: &str, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE refresh_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
    )
    .bind(now)
    .bind(token_hash)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes refresh tokens of sessions that ended before `before`, and mailed
/// links that expired before it; returns how many rows went.
pub async fn forget_spent(db: &AnyPool, before: i64) -> Result<u64, sqlx::Error> {
    let tokens = sqlx::query(
        "DELETE FROM refresh_tokens WHERE session_id IN (SELECT id FROM sessions \
         WHERE expires_at < $1 OR revoked_at < $1 OR last_seen_at < $2)",
    )
    .bind(before)
    .bind(before - IDLE_MILLIS)
    .execute(db)
    .await?;
    let links = sqlx::query("DELETE FROM account_tokens WHERE expires_at < $1")
        .bind(before)
        .execute(db)
        .await?;
    Ok(tokens.rows_affected() + links.rows_affected())
}
