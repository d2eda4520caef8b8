//! One-time links mailed to a person: address verification and password
//! reset. Only the token's SHA-256 is stored.

use sqlx::AnyPool;
use uuid::Uuid;

use crate::db::{self, Tx};

/// What a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    ResetPassword,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify_email",
            Purpose::ResetPassword => "reset_password",
        }
    }

    /// How long a link stays good: a week to confirm an address, an hour to
    /// reset a password (a mailbox read by someone else later is a risk).
    pub fn lifetime(self) -> chrono::Duration {
        match self {
            Purpose::VerifyEmail => chrono::Duration::days(7),
            Purpose::ResetPassword => chrono::Duration::hours(1),
        }
    }
}

pub async fn insert(
    tx: &mut Tx,
    token_hash: &str,
    user_id: Uuid,
    purpose: Purpose,
    email: &str,
) -> Result<(), sqlx::Error> {
    let now = db::now();
    sqlx::query(
        "INSERT INTO account_tokens (token_hash, user_id, purpose, email, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash)
    .bind(user_id.to_string())
    .bind(purpose.as_str())
    .bind(email)
    .bind(db::to_millis(now))
    .bind(db::to_millis(now + purpose.lifetime()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// How many links of this purpose went to the person since `since`.
pub async fn sent_since(
    db: &AnyPool,
    user_id: Uuid,
    purpose: Purpose,
    since: i64,
) -> Result<i64, sqlx::Error> {
    let (count,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM account_tokens WHERE user_id = $1 AND purpose = $2 \
         AND created_at >= $3",
    )
    .bind(user_id.to_string())
    .bind(purpose.as_str())
    .bind(since)
    .fetch_one(db)
    .await?;
    Ok(count)
}

/// A link that was presented.
#[derive(Debug, sqlx::FromRow)]
pub struct Presented {
    #[sqlx(try_from = "String")]
    pub user_id: Uuid,
    pub email: String,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

pub async fn find(
    tx: &mut Tx,
    token_hash: &str,
    purpose: Purpose,
) -> Result<Option<Presented>, sqlx::Error> {
    sqlx::query_as(
        "SELECT user_id, email, expires_at, used_at FROM account_tokens \
         WHERE token_hash = $1 AND purpose = $2",
    )
    .bind(token_hash)
    .bind(purpose.as_str())
    .fetch_optional(&mut **tx)
    .await
}

/// Uses a link up; `false` when a parallel request did first.
pub async fn spend(tx: &mut Tx, token_hash: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE account_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
    )
    .bind(db::to_millis(db::now()))
    .bind(token_hash)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Uses up the person's other open links of this purpose: a new password
/// makes older reset links worthless.
pub async fn spend_all(tx: &mut Tx, user_id: Uuid, purpose: Purpose) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE account_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = $3 \
         AND used_at IS NULL",
    )
    .bind(db::to_millis(db::now()))
    .bind(user_id.to_string())
    .bind(purpose.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
