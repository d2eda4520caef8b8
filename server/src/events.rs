//! The room's event log: append-only, gap-free per room, hash-chained.
//!
//! Every state change of a room appends here in the same transaction as the
//! change itself; history, live updates and the record all read from here.
//! Each entry's `hash` covers its canonical content and the previous entry's
//! hash, so editing or removing an entry breaks the chain from there on.

use sha2::{Digest, Sha256};
use shared::{ActorRef, EventPayload, RoomEvent};
use uuid::Uuid;

use crate::db::{self, Backend, RoomWrite};
use crate::live;

/// The `prev_hash` of a room's first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Appends one event to a room's log inside `write`; returns its sequence number.
pub async fn append(
    write: &mut RoomWrite,
    room_id: Uuid,
    actor: Option<&ActorRef>,
    payload: &EventPayload,
) -> Result<i64, sqlx::Error> {
    let at = db::now();
    // Bumping the head row first serialises concurrent appends to one room
    // (a row lock on PostgreSQL, the single writer on SQLite).
    let (seq, prev_hash): (i64, String) = sqlx::query_as(
        "UPDATE rooms SET last_seq = last_seq + 1, updated_at = $2 WHERE id = $1 \
         RETURNING last_seq, last_hash",
    )
    .bind(room_id.to_string())
    .bind(db::to_millis(at))
    .fetch_one(&mut *write.tx)
    .await?;

    let entry = Entry {
        room_id: room_id.to_string(),
        seq,
        kind: payload.kind().to_string(),
        actor_id: actor.map(|a| a.user_id.to_string()),
        actor_name: actor.map(|a| a.display_name.clone()),
        at: db::to_millis(at),
        payload: serde_json::to_string(payload).expect("event payloads always serialise"),
    };
    let hash = entry.hash(&prev_hash);

    sqlx::query(
        "INSERT INTO room_events \
         (room_id, seq, kind, actor_id, actor_name, at, payload, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(room_id.to_string())
    .bind(seq)
    .bind(&entry.kind)
    .bind(&entry.actor_id)
    .bind(&entry.actor_name)
    .bind(entry.at)
    .bind(&entry.payload)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut *write.tx)
    .await?;
    sqlx::query("UPDATE rooms SET last_hash = $1 WHERE id = $2")
        .bind(&hash)
        .bind(room_id.to_string())
        .execute(&mut *write.tx)
        .await?;

    if write.backend == Backend::Postgres {
        // Delivered to every instance's listener when, and only if, this commits.
        // Wrapped in a count: the Any driver cannot decode pg_notify's `void`.
        sqlx::query("SELECT COUNT(*) FROM (SELECT pg_notify($1, $2)) AS notified")
            .bind(live::PG_CHANNEL)
            .bind(format!("{room_id}:{seq}"))
            .execute(&mut *write.tx)
            .await?;
    }
    write.appended.push((room_id, seq));
    Ok(seq)
}

/// The events of a room after `after_seq`, oldest first, at most `limit`.
pub async fn read_after(
    db: &sqlx::AnyPool,
    room_id: Uuid,
    after_seq: i64,
    limit: i64,
) -> anyhow::Result<Vec<RoomEvent>> {
    let rows: Vec<Entry> = sqlx::query_as(
        "SELECT room_id, seq, kind, actor_id, actor_name, at, payload FROM room_events \
         WHERE room_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
    )
    .bind(room_id.to_string())
    .bind(after_seq)
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.into_iter().map(Entry::into_event).collect()
}

/// Where a room's chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The first entry that does not match (for a missing tail: the head).
    pub seq: i64,
    pub reason: String,
}

/// Recomputes a room's chain from the first entry to the head the room row
/// names. Returns the number of entries verified, or the first that breaks.
pub async fn verify_chain(
    db: &sqlx::AnyPool,
    room_id: Uuid,
) -> anyhow::Result<Result<i64, ChainBreak>> {
    let rows: Vec<StoredEntry> = sqlx::query_as(
        "SELECT room_id, seq, kind, actor_id, actor_name, at, payload, prev_hash, hash \
         FROM room_events WHERE room_id = $1 ORDER BY seq",
    )
    .bind(room_id.to_string())
    .fetch_all(db)
    .await?;
    let head: Option<(i64, String)> =
        sqlx::query_as("SELECT last_seq, last_hash FROM rooms WHERE id = $1")
            .bind(room_id.to_string())
            .fetch_optional(db)
            .await?;
    let Some((last_seq, last_hash)) = head else {
        anyhow::bail!("there is no room {room_id}");
    };
    Ok(check_chain(&rows, last_seq, &last_hash))
}

fn check_chain(rows: &[StoredEntry], last_seq: i64, last_hash: &str) -> Result<i64, ChainBreak> {
    let mut prev_hash = GENESIS_HASH.to_string();
    for (index, row) in rows.iter().enumerate() {
        let seq = index as i64 + 1;
        let broken = |reason: &str| {
            Err(ChainBreak {
                seq,
                reason: reason.to_string(),
            })
        };
        if row.entry.seq != seq {
            return broken("an entry is missing before this one");
        }
        if row.prev_hash != prev_hash {
            return broken("it does not point to the entry before it");
        }
        if row.entry.hash(&prev_hash) != row.hash {
            return broken("its content does not match its hash");
        }
        prev_hash = row.hash.clone();
    }
    let count = rows.len() as i64;
    if count != last_seq || prev_hash != last_hash {
        return Err(ChainBreak {
            seq: count.max(last_seq),
            reason: "the log ends before the head the room records".into(),
        });
    }
    Ok(count)
}

#[derive(Debug, sqlx::FromRow)]
struct StoredEntry {
    #[sqlx(flatten)]
    entry: Entry,
    prev_hash: String,
    hash: String,
}

/// One stored entry, as the hash sees it.
#[derive(Debug, sqlx::FromRow)]
struct Entry {
    room_id: String,
    seq: i64,
    kind: String,
    actor_id: Option<String>,
    actor_name: Option<String>,
    at: i64,
    payload: String,
}

impl Entry {
    /// SHA-256 over the previous hash and a canonical JSON array of the entry's
    /// fields, in a fixed order, with the payload as the exact stored text.
    fn hash(&self, prev_hash: &str) -> String {
        let canonical = serde_json::json!([
            self.room_id,
            self.seq,
            self.kind,
            self.actor_id,
            self.actor_name,
            self.at,
            self.payload,
            prev_hash,
        ]);
        let mut hasher = Sha256::new();
        hasher.update(canonical.to_string().as_bytes());
        hex::encode(hasher.finalize())
    }

    fn into_event(self) -> anyhow::Result<RoomEvent> {
        let actor = match (self.actor_id, self.actor_name) {
            (Some(id), Some(name)) => Some(ActorRef {
                user_id: id.parse()?,
                display_name: name,
            }),
            _ => None,
        };
        Ok(RoomEvent {
            room_id: self.room_id.parse()?,
            seq: self.seq,
            at: db::from_millis(self.at),
            actor,
            payload: serde_json::from_str(&self.payload)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(payload: &str) -> Entry {
        Entry {
            room_id: Uuid::nil().to_string(),
            seq: 1,
            kind: "room_created".into(),
            actor_id: None,
            actor_name: None,
            at: 0,
            payload: payload.into(),
        }
    }

    #[test]
    fn the_hash_changes_when_the_content_changes() {
        let a = entry(r#"{"type":"room_created"}"#).hash(GENESIS_HASH);
        let b = entry(r#"{"type":"room_created" }"#).hash(GENESIS_HASH);
        assert_ne!(a, b);
    }

    #[test]
    fn the_hash_chains_to_the_previous_entry() {
        let e = entry("{}");
        assert_ne!(e.hash(GENESIS_HASH), e.hash(&"1".repeat(64)));
        assert_eq!(e.hash(GENESIS_HASH), e.hash(GENESIS_HASH));
    }
}
