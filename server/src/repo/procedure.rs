//! The procedure after submission: consulted bodies, requests for missing
//! items, statement requests and statements, the decision.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use shared::*;
use sqlx::AnyPool;
use uuid::Uuid;

use crate::db::{self, Tx};
use crate::domain::deadlines::Period;
use crate::domain::procedure::{MissingItemsFacts, RequestFacts};
use crate::domain::rules;

// ------------------------------------------------------------------ bodies

/// The consulted bodies every new office starts with; the office admin adds
/// members (and later bodies). The municipality's consent is required by law.
const DEFAULT_BODIES: [(&str, &str, bool); 5] = [
    (
        "municipality",
        "Gemeinde (Einvernehmen nach § 36 BauGB)",
        true,
    ),
    ("fire_protection", "Brandschutzdienststelle", false),
    ("monument_protection", "Untere Denkmalschutzbehörde", false),
    ("nature_conservation", "Untere Naturschutzbehörde", false),
    ("road_authority", "Straßenbaulastträger", false),
];

pub async fn insert_default_bodies(tx: &mut Tx, office_id: Uuid) -> Result<(), sqlx::Error> {
    for (key, name, consent_required) in DEFAULT_BODIES {
        sqlx::query(
            "INSERT INTO bodies (id, office_id, key, name, consent_required, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(Uuid::now_v7().to_string())
        .bind(office_id.to_string())
        .bind(key)
        .bind(name)
        .bind(consent_required as i64)
        .bind(db::to_millis(db::now()))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Gives offices created before bodies existed the default ones. Runs at
/// start-up; does nothing once every office has bodies.
pub async fn ensure_default_bodies(db: &crate::db::Db) -> Result<(), sqlx::Error> {
    let bare: Vec<(String,)> = sqlx::query_as(
        "SELECT id FROM offices o WHERE NOT EXISTS (SELECT 1 FROM bodies b WHERE b.office_id = o.id)",
    )
    .fetch_all(&db.read)
    .await?;
    for (office_id,) in bare {
        let mut tx = db.begin().await?;
        insert_default_bodies(&mut tx, super::id(&office_id)).await?;
        tx.commit().await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct BodyRow {
    id: String,
    key: String,
    name: String,
    consent_required: i64,
}

impl BodyRow {
    fn view(self) -> BodyView {
        BodyView {
            id: super::id(&self.id),
            key: self.key,
            name: self.name,
            consent_required: self.consent_required != 0,
        }
    }
}

pub async fn bodies(db: &AnyPool, office_id: Uuid) -> Result<Vec<BodyView>, sqlx::Error> {
    let rows: Vec<BodyRow> = sqlx::query_as(
        "SELECT id, key, name, consent_required FROM bodies WHERE office_id = $1 \
         ORDER BY consent_required DESC, name",
    )
    .bind(office_id.to_string())
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(BodyRow::view).collect())
}

pub async fn body_by_key(
    db: &AnyPool,
    office_id: Uuid,
    key: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT id FROM bodies WHERE office_id = $1 AND key = $2")
            .bind(office_id.to_string())
            .bind(key)
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(id,)| super::id(&id)))
}

pub async fn add_body_member(tx: &mut Tx, body_id: Uuid, user_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO body_members (body_id, user_id, created_at) VALUES ($1, $2, $3)")
        .bind(body_id.to_string())
        .bind(user_id.to_string())
        .bind(db::to_millis(db::now()))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The members of the body a request went to.
pub async fn request_body_members(
    db: &AnyPool,
    request_id: Uuid,
) -> Result<Vec<Uuid>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT bm.user_id FROM statement_requests sr \
         JOIN body_members bm ON bm.body_id = sr.body_id WHERE sr.id = $1 ORDER BY bm.user_id",
    )
    .bind(request_id.to_string())
    .fetch_all(db)
    .await?;
    Ok(rows.iter().map(|(id,)| super::id(id)).collect())
}

/// The body the person answers for in this room: a body they belong to that
/// has a request there which is not withdrawn.
pub async fn body_in_room(
    db: &AnyPool,
    user_id: Uuid,
    room_id: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT sr.body_id FROM statement_requests sr \
         JOIN body_members bm ON bm.body_id = sr.body_id \
         WHERE sr.room_id = $1 AND bm.user_id = $2 AND sr.status <> 'withdrawn' \
         ORDER BY sr.requested_at LIMIT 1",
    )
    .bind(room_id)
    .bind(user_id.to_string())
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(id,)| super::id(&id)))
}

// ------------------------------------------------------------------ missing items

#[derive(sqlx::FromRow)]
pub struct MissingItemsRow {
    pub id: String,
    pub room_id: String,
    pub items: String,
    pub period: String,
    pub requested_by: String,
    pub requester_name: String,
    pub requested_at: i64,
    pub answered_at: Option<i64>,
}

impl MissingItemsRow {
    pub fn facts(&self) -> MissingItemsFacts {
        MissingItemsFacts {
            requested_at: db::from_millis(self.requested_at),
            answered_at: self.answered_at.map(db::from_millis),
            period: rules::period_from_text(&self.period).unwrap_or(Period::Weeks(4)),
        }
    }

    pub fn items(&self) -> Vec<MissingItem> {
        serde_json::from_str(&self.items).unwrap_or_default()
    }

    pub fn requester(&self) -> ActorRef {
        ActorRef {
            user_id: super::id(&self.requested_by),
            display_name: self.requester_name.clone(),
        }
    }
}

pub struct NewMissingItems<'a> {
    pub id: Uuid,
    pub room_id: Uuid,
    pub items: &'a [MissingItem],
    pub period: &'a str,
    pub requested_by: Uuid,
    pub requested_at: DateTime<Utc>,
}

pub async fn insert_missing_items(tx: &mut Tx, m: &NewMissingItems<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO missing_item_requests \
         (id, room_id, items, period, requested_by, requested_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(m.id.to_string())
    .bind(m.room_id.to_string())
    .bind(serde_json::to_string(m.items).expect("items serialise"))
    .bind(m.period)
    .bind(m.requested_by.to_string())
    .bind(db::to_millis(m.requested_at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Marks the open request answered; returns whether there was one.
pub async fn answer_missing_items(tx: &mut Tx, room_id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE missing_item_requests SET answered_at = $1 \
         WHERE room_id = $2 AND answered_at IS NULL",
    )
    .bind(db::to_millis(db::now()))
    .bind(room_id.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The requests for missing items of some rooms, oldest first.
pub async fn missing_items(
    db: &AnyPool,
    room_ids: &[String],
) -> Result<Vec<MissingItemsRow>, sqlx::Error> {
    if room_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT m.id, m.room_id, m.items, m.period, m.requested_by, \
         u.display_name AS requester_name, m.requested_at, m.answered_at \
         FROM missing_item_requests m JOIN users u ON u.id = m.requested_by \
         WHERE m.room_id IN ({}) ORDER BY m.requested_at, m.id",
        placeholders(room_ids.len())
    );
    let mut query = sqlx::query_as::<_, MissingItemsRow>(sqlx::AssertSqlSafe(sql));
    for id in room_ids {
        query = query.bind(id);
    }
    query.fetch_all(db).await
}

// ------------------------------------------------------------------ statement requests

#[derive(sqlx::FromRow, Clone)]
pub struct RequestRow {
    pub id: String,
    pub room_id: String,
    pub body_id: String,
    pub body_key: String,
    pub body_name: String,
    pub consent_required: i64,
    pub question: String,
    pub document_ids: String,
    pub period: String,
    pub status: String,
    pub requested_by: String,
    pub requester_name: String,
    pub requested_at: i64,
    pub read_at: Option<i64>,
    pub extension_period: Option<String>,
    pub extension_reason: Option<String>,
    pub extension_requested_at: Option<i64>,
    pub extension_granted_at: Option<i64>,
}

impl RequestRow {
    pub fn id(&self) -> Uuid {
        super::id(&self.id)
    }

    pub fn body_id(&self) -> Uuid {
        super::id(&self.body_id)
    }

    pub fn status(&self) -> RequestStatus {
        RequestStatus::parse(&self.status).unwrap_or(RequestStatus::Open)
    }

    pub fn body(&self) -> BodyView {
        BodyView {
            id: self.body_id(),
            key: self.body_key.clone(),
            name: self.body_name.clone(),
            consent_required: self.consent_required != 0,
        }
    }

    pub fn document_ids(&self) -> Vec<Uuid> {
        serde_json::from_str(&self.document_ids).unwrap_or_default()
    }

    pub fn facts(&self) -> RequestFacts {
        let period = |text: &str| rules::period_from_text(text).unwrap_or(Period::Months(1));
        RequestFacts {
            id: self.id(),
            body_name: self.body_name.clone(),
            consent_required: self.consent_required != 0,
            requested_at: db::from_millis(self.requested_at),
            period: period(&self.period),
            extension: self
                .extension_granted_at
                .and(self.extension_period.as_deref())
                .map(period),
            status: self.status(),
        }
    }

    pub fn extension(&self) -> Option<ExtensionView> {
        Some(ExtensionView {
            period: self.extension_period.clone()?,
            reason: self.extension_reason.clone().unwrap_or_default(),
            requested_at: db::from_millis(self.extension_requested_at?),
            granted_at: self.extension_granted_at.map(db::from_millis),
        })
    }

    pub fn requester(&self) -> ActorRef {
        ActorRef {
            user_id: super::id(&self.requested_by),
            display_name: self.requester_name.clone(),
        }
    }
}

const REQUEST_SELECT: &str = "SELECT sr.id, sr.room_id, sr.body_id, b.key AS body_key, \
     b.name AS body_name, b.consent_required, sr.question, sr.document_ids, sr.period, \
     sr.status, sr.requested_by, u.display_name AS requester_name, sr.requested_at, sr.read_at, \
     sr.extension_period, sr.extension_reason, sr.extension_requested_at, \
     sr.extension_granted_at \
     FROM statement_requests sr JOIN bodies b ON b.id = sr.body_id \
     JOIN users u ON u.id = sr.requested_by";

/// The statement requests of some rooms, oldest first.
pub async fn requests<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    room_ids: &[String],
) -> Result<Vec<RequestRow>, sqlx::Error> {
    if room_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "{REQUEST_SELECT} WHERE sr.room_id IN ({}) ORDER BY sr.requested_at, sr.id",
        placeholders(room_ids.len())
    );
    let mut query = sqlx::query_as::<_, RequestRow>(sqlx::AssertSqlSafe(sql));
    for id in room_ids {
        query = query.bind(id);
    }
    query.fetch_all(db).await
}

/// One request of a room, read inside a write so its status is current.
pub async fn request_for_update(
    tx: &mut Tx,
    room_id: Uuid,
    request_id: Uuid,
) -> Result<Option<RequestRow>, sqlx::Error> {
    let sql = format!("{REQUEST_SELECT} WHERE sr.id = $1 AND sr.room_id = $2");
    sqlx::query_as::<_, RequestRow>(sqlx::AssertSqlSafe(sql))
        .bind(request_id.to_string())
        .bind(room_id.to_string())
        .fetch_optional(&mut **tx)
        .await
}

/// The open requests of the bodies a person belongs to, in every room.
pub async fn inbox(db: &AnyPool, user_id: Uuid) -> Result<Vec<RequestRow>, sqlx::Error> {
    let sql = format!(
        "{REQUEST_SELECT} JOIN body_members bm ON bm.body_id = sr.body_id \
         WHERE bm.user_id = $1 AND sr.status NOT IN ('answered', 'withdrawn') \
         ORDER BY sr.requested_at, sr.id"
    );
    sqlx::query_as::<_, RequestRow>(sqlx::AssertSqlSafe(sql))
        .bind(user_id.to_string())
        .fetch_all(db)
        .await
}

pub struct NewRequest<'a> {
    pub id: Uuid,
    pub room_id: Uuid,
    pub body_id: Uuid,
    pub question: &'a str,
    pub document_ids: &'a [Uuid],
    pub period: &'a str,
    pub requested_by: Uuid,
}

pub async fn insert_request(tx: &mut Tx, r: &NewRequest<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO statement_requests \
         (id, room_id, body_id, question, document_ids, period, status, requested_by, \
          requested_at) VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8)",
    )
    .bind(r.id.to_string())
    .bind(r.room_id.to_string())
    .bind(r.body_id.to_string())
    .bind(r.question)
    .bind(serde_json::to_string(r.document_ids).expect("ids serialise"))
    .bind(r.period)
    .bind(r.requested_by.to_string())
    .bind(db::to_millis(db::now()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn set_request_status(
    tx: &mut Tx,
    request_id: Uuid,
    status: RequestStatus,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE statement_requests SET status = $1 WHERE id = $2")
        .bind(status.as_str())
        .bind(request_id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Records the first reading; returns whether this was it.
pub async fn mark_read(tx: &mut Tx, request_id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE statement_requests SET read_at = $1, \
         status = CASE WHEN status = 'open' THEN 'read' ELSE status END \
         WHERE id = $2 AND read_at IS NULL",
    )
    .bind(db::to_millis(db::now()))
    .bind(request_id.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn request_extension(
    tx: &mut Tx,
    request_id: Uuid,
    period: &str,
    reason: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE statement_requests SET status = 'extension_requested', extension_period = $1, \
         extension_reason = $2, extension_requested_at = $3 WHERE id = $4",
    )
    .bind(period)
    .bind(reason)
    .bind(db::to_millis(db::now()))
    .bind(request_id.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn grant_extension(tx: &mut Tx, request_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE statement_requests SET status = 'extension_granted', extension_granted_at = $1 \
         WHERE id = $2",
    )
    .bind(db::to_millis(db::now()))
    .bind(request_id.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

// ------------------------------------------------------------------ statements

#[derive(sqlx::FromRow, Clone)]
pub struct StatementRow {
    pub id: String,
    pub request_id: String,
    pub version: i64,
    pub replaces: Option<String>,
    pub verdict: String,
    pub text: String,
    pub conditions: String,
    pub attachment_ids: String,
    pub submitted_by: String,
    pub submitter_name: String,
    pub submitted_at: i64,
    pub released_at: Option<i64>,
}

impl StatementRow {
    pub fn verdict(&self) -> Verdict {
        Verdict::parse(&self.verdict).unwrap_or(Verdict::NoObjection)
    }

    /// The attached versions, in the order the body gave them.
    pub fn attachment_ids(&self) -> Vec<Uuid> {
        serde_json::from_str(&self.attachment_ids).unwrap_or_default()
    }

    /// The statement as shown, with those of its attachments found among
    /// `attachments` (the versions the reader may see).
    pub fn view(&self, attachments: &HashMap<Uuid, DocumentVersionView>) -> StatementView {
        StatementView {
            id: super::id(&self.id),
            version: self.version,
            replaces: self.replaces.as_deref().map(super::id),
            verdict: self.verdict(),
            text: self.text.clone(),
            conditions: serde_json::from_str(&self.conditions).unwrap_or_default(),
            attachments: self
                .attachment_ids()
                .iter()
                .filter_map(|id| attachments.get(id).cloned())
                .collect(),
            submitted_by: ActorRef {
                user_id: super::id(&self.submitted_by),
                display_name: self.submitter_name.clone(),
            },
            submitted_at: db::from_millis(self.submitted_at),
            released_at: self.released_at.map(db::from_millis),
        }
    }
}

const STATEMENT_SELECT: &str = "SELECT s.id, s.request_id, s.version, s.replaces, s.verdict, \
     s.text, s.conditions, s.attachment_ids, s.submitted_by, u.display_name AS submitter_name, s.submitted_at, \
     s.released_at FROM statements s JOIN users u ON u.id = s.submitted_by";

/// The statements of a room, by request and version.
pub async fn statements(db: &AnyPool, room_id: &str) -> Result<Vec<StatementRow>, sqlx::Error> {
    let sql = format!("{STATEMENT_SELECT} WHERE s.room_id = $1 ORDER BY s.request_id, s.version");
    sqlx::query_as::<_, StatementRow>(sqlx::AssertSqlSafe(sql))
        .bind(room_id)
        .fetch_all(db)
        .await
}

/// The newest statement of a request, read inside a write.
pub async fn latest_statement(
    tx: &mut Tx,
    request_id: Uuid,
) -> Result<Option<StatementRow>, sqlx::Error> {
    let sql = format!("{STATEMENT_SELECT} WHERE s.request_id = $1 ORDER BY s.version DESC LIMIT 1");
    sqlx::query_as::<_, StatementRow>(sqlx::AssertSqlSafe(sql))
        .bind(request_id.to_string())
        .fetch_optional(&mut **tx)
        .await
}

pub struct NewStatement<'a> {
    pub id: Uuid,
    pub request_id: Uuid,
    pub room_id: Uuid,
    pub version: i64,
    pub replaces: Option<Uuid>,
    pub verdict: Verdict,
    pub text: &'a str,
    pub conditions: &'a [String],
    pub attachment_ids: &'a [Uuid],
    pub submitted_by: Uuid,
}

pub async fn insert_statement(tx: &mut Tx, s: &NewStatement<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO statements (id, request_id, room_id, version, replaces, verdict, text, \
         conditions, attachment_ids, submitted_by, submitted_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(s.id.to_string())
    .bind(s.request_id.to_string())
    .bind(s.room_id.to_string())
    .bind(s.version)
    .bind(s.replaces.map(|id| id.to_string()))
    .bind(s.verdict.as_str())
    .bind(s.text)
    .bind(serde_json::to_string(s.conditions).expect("strings serialise"))
    .bind(serde_json::to_string(s.attachment_ids).expect("ids serialise"))
    .bind(s.submitted_by.to_string())
    .bind(db::to_millis(db::now()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The versions of the documents a statement request owns: its attachments.
pub async fn attachments_of_request(
    tx: &mut Tx,
    request_id: Uuid,
) -> Result<Vec<Uuid>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT v.id FROM document_versions v JOIN documents d ON d.id = v.document_id \
         WHERE d.request_id = $1",
    )
    .bind(request_id.to_string())
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.iter().map(|(id,)| super::id(id)).collect())
}

/// Records whether the decision's fee is paid.
pub async fn set_fee_paid(tx: &mut Tx, room_id: Uuid, paid: bool) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE decisions SET fee_paid = $1 WHERE room_id = $2")
        .bind(paid as i64)
        .bind(room_id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn release_statement(tx: &mut Tx, statement_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE statements SET released_at = $1 WHERE id = $2 AND released_at IS NULL")
        .bind(db::to_millis(db::now()))
        .bind(statement_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

// ------------------------------------------------------------------ decision

#[derive(sqlx::FromRow)]
pub struct DecisionRow {
    pub outcome: String,
    pub conditions: String,
    pub notice_version_id: String,
    pub fee_amount_cents: Option<i64>,
    pub fee_version_id: Option<String>,
    pub fee_paid: i64,
    pub decided_by: String,
    pub decider_name: String,
    pub decided_at: i64,
    pub retrieved_at: Option<i64>,
}

pub async fn decision<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    room_id: &str,
) -> Result<Option<DecisionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.outcome, d.conditions, d.notice_version_id, d.fee_amount_cents, \
         d.fee_version_id, d.fee_paid, d.decided_by, u.display_name AS decider_name, \
         d.decided_at, d.retrieved_at \
         FROM decisions d JOIN users u ON u.id = d.decided_by WHERE d.room_id = $1",
    )
    .bind(room_id)
    .fetch_optional(db)
    .await
}

pub struct NewDecision<'a> {
    pub room_id: Uuid,
    pub outcome: DecisionOutcome,
    pub conditions: &'a [DecisionCondition],
    pub notice_version_id: Uuid,
    pub fee: Option<&'a FeeInput>,
    pub decided_by: Uuid,
}

pub async fn insert_decision(tx: &mut Tx, d: &NewDecision<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO decisions (room_id, outcome, conditions, notice_version_id, \
         fee_amount_cents, fee_version_id, fee_paid, decided_by, decided_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(d.room_id.to_string())
    .bind(d.outcome.as_str())
    .bind(serde_json::to_string(d.conditions).expect("conditions serialise"))
    .bind(d.notice_version_id.to_string())
    .bind(d.fee.map(|f| f.amount_cents))
    .bind(d.fee.map(|f| f.version_id.to_string()))
    .bind(d.fee.is_some_and(|f| f.paid) as i64)
    .bind(d.decided_by.to_string())
    .bind(db::to_millis(db::now()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records the first retrieval of the notice; returns whether this was it.
pub async fn mark_retrieved(
    tx: &mut Tx,
    room_id: Uuid,
    user_id: Uuid,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE decisions SET retrieved_at = $1, retrieved_by = $2 \
         WHERE room_id = $3 AND retrieved_at IS NULL",
    )
    .bind(db::to_millis(db::now()))
    .bind(user_id.to_string())
    .bind(room_id.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// `$1, $2, …` for an `IN` list.
fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}
