//! E-mail preferences and the record of deadline reminders sent.

use shared::{DeadlineKind, NotificationKind};
use sqlx::AnyPool;
use uuid::Uuid;

use crate::db::{self, Tx};

/// The kinds of e-mail the person switched off.
pub async fn switched_off(
    db: &AnyPool,
    user_id: Uuid,
) -> Result<Vec<NotificationKind>, sqlx::Error> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT kind FROM notification_opt_outs WHERE user_id = $1")
            .bind(user_id.to_string())
            .fetch_all(db)
            .await?;
    // A kind that no longer exists switches nothing off.
    Ok(rows
        .iter()
        .filter_map(|(kind,)| NotificationKind::parse(kind))
        .collect())
}

/// Makes `off` the person's complete set of switched-off kinds.
pub async fn replace_switched_off(
    tx: &mut Tx,
    user_id: Uuid,
    off: &[NotificationKind],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM notification_opt_outs WHERE user_id = $1")
        .bind(user_id.to_string())
        .execute(&mut **tx)
        .await?;
    let now = db::to_millis(db::now());
    for kind in off {
        sqlx::query(
            "INSERT INTO notification_opt_outs (user_id, kind, switched_off_at) \
             VALUES ($1, $2, $3)",
        )
        .bind(user_id.to_string())
        .bind(kind.as_str())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Where to mail a person about `kind`: their address, or `None` when they
/// switched that kind off (or have no account).
pub async fn address_for(
    db: &AnyPool,
    user_id: Uuid,
    kind: NotificationKind,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT u.email FROM users u WHERE u.id = $1 AND NOT EXISTS \
         (SELECT 1 FROM notification_opt_outs o WHERE o.user_id = u.id AND o.kind = $2)",
    )
    .bind(user_id.to_string())
    .bind(kind.as_str())
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(email,)| email))
}

/// Whether the account with this address switched `kind` off; an address
/// without an account has switched nothing off.
pub async fn address_switched_off(
    db: &AnyPool,
    email: &str,
    kind: NotificationKind,
) -> Result<bool, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT o.kind FROM notification_opt_outs o JOIN users u ON u.id = o.user_id \
         WHERE u.email = $1 AND o.kind = $2",
    )
    .bind(email)
    .bind(kind.as_str())
    .fetch_optional(db)
    .await?;
    Ok(row.is_some())
}

/// One reminder about one deadline of one room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderKey {
    pub room_id: Uuid,
    pub deadline_kind: DeadlineKind,
    /// The deadline's last day: a deadline that moves is a new deadline.
    pub due_date: chrono::NaiveDate,
    /// What the deadline is about where a room runs several of a kind (one
    /// per statement request, say); `None` where it runs once per room.
    pub subject_id: Option<Uuid>,
    pub stage: ReminderStage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderStage {
    /// The deadline falls due soon.
    Before,
    /// The deadline has passed.
    Missed,
}

impl ReminderStage {
    pub fn as_str(self) -> &'static str {
        match self {
            ReminderStage::Before => "before",
            ReminderStage::Missed => "missed",
        }
    }
}

/// Records the reminder as sent, unless it is already: `true` means this
/// caller claimed it and must send it. The key makes this safe between
/// several instances sweeping at once.
pub async fn claim_reminder(
    tx: &mut Tx,
    key: &ReminderKey,
    sent_at: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO reminders_sent \
         (room_id, deadline_kind, due_date, subject_id, stage, sent_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind(key.room_id.to_string())
    .bind(deadline_kind_name(key.deadline_kind))
    .bind(key.due_date.to_string())
    .bind(key.subject_id.map(|id| id.to_string()).unwrap_or_default())
    .bind(key.stage.as_str())
    .bind(sent_at)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Forgets a claimed reminder whose mails all failed, so the next sweep
/// tries again.
pub async fn release_reminder(tx: &mut Tx, key: &ReminderKey) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM reminders_sent WHERE room_id = $1 AND deadline_kind = $2 \
         AND due_date = $3 AND subject_id = $4 AND stage = $5",
    )
    .bind(key.room_id.to_string())
    .bind(deadline_kind_name(key.deadline_kind))
    .bind(key.due_date.to_string())
    .bind(key.subject_id.map(|id| id.to_string()).unwrap_or_default())
    .bind(key.stage.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The kind's snake_case wire name, which serde knows; `DeadlineKind` has no
/// `as_str` of its own, so adding a kind needs no second list of names.
fn deadline_kind_name(kind: DeadlineKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
