//! Threads of messages, their messages, each person's read markers, and the
//! people of a room a message may mention.

use std::collections::HashMap;

use shared::{ActorRef, RoomRole, RoomStatus, ThreadVisibility};
use sqlx::AnyPool;
use uuid::Uuid;

use crate::db::{self, Tx};
use crate::domain::procedure;

// ------------------------------------------------------------------ threads

#[derive(sqlx::FromRow)]
pub struct ThreadRow {
    pub id: String,
    pub subject: String,
    pub visibility: String,
    pub body_id: Option<String>,
    pub body_name: Option<String>,
    pub started_by: String,
    pub starter_name: String,
    pub started_at: i64,
}

impl ThreadRow {
    pub fn id(&self) -> Uuid {
        super::id(&self.id)
    }

    /// The stored visibility; a row the schema's checks let through is
    /// always one of the three.
    pub fn visibility(&self) -> ThreadVisibility {
        match (self.visibility.as_str(), &self.body_id) {
            ("room", _) => ThreadVisibility::Room,
            ("body", Some(body_id)) => ThreadVisibility::Body {
                body_id: super::id(body_id),
            },
            // The narrowest audience, should the impossible happen.
            _ => ThreadVisibility::Office,
        }
    }

    pub fn starter(&self) -> ActorRef {
        ActorRef {
            user_id: super::id(&self.started_by),
            display_name: self.starter_name.clone(),
        }
    }
}

const THREAD_SELECT: &str = "SELECT t.id, t.subject, t.visibility, t.body_id, \
     b.name AS body_name, t.started_by, u.display_name AS starter_name, t.started_at \
     FROM message_threads t JOIN users u ON u.id = t.started_by \
     LEFT JOIN bodies b ON b.id = t.body_id";

/// The threads of a room, oldest first.
pub async fn threads(db: &AnyPool, room_id: Uuid) -> Result<Vec<ThreadRow>, sqlx::Error> {
    let sql = format!("{THREAD_SELECT} WHERE t.room_id = $1 ORDER BY t.started_at, t.id");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(room_id.to_string())
        .fetch_all(db)
        .await
}

/// One thread of this room; a thread of another room is none of it.
pub async fn thread<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    room_id: Uuid,
    thread_id: Uuid,
) -> Result<Option<ThreadRow>, sqlx::Error> {
    let sql = format!("{THREAD_SELECT} WHERE t.id = $1 AND t.room_id = $2");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(thread_id.to_string())
        .bind(room_id.to_string())
        .fetch_optional(db)
        .await
}

/// The thread this person started in this room with `client_key`, if any.
pub async fn thread_by_client_key<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    room_id: Uuid,
    started_by: Uuid,
    client_key: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT id FROM message_threads \
         WHERE room_id = $1 AND started_by = $2 AND client_key = $3",
    )
    .bind(room_id.to_string())
    .bind(started_by.to_string())
    .bind(client_key.to_string())
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(id,)| super::id(&id)))
}

pub struct NewThread<'a> {
    pub id: Uuid,
    pub room_id: Uuid,
    pub subject: &'a str,
    pub visibility: ThreadVisibility,
    pub started_by: Uuid,
    pub client_key: Option<Uuid>,
}

pub async fn insert_thread(tx: &mut Tx, t: &NewThread<'_>) -> Result<(), sqlx::Error> {
    let body_id = match t.visibility {
        ThreadVisibility::Body { body_id } => Some(body_id.to_string()),
        _ => None,
    };
    sqlx::query(
        "INSERT INTO message_threads \
         (id, room_id, subject, visibility, body_id, started_by, started_at, client_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(t.id.to_string())
    .bind(t.room_id.to_string())
    .bind(t.subject)
    .bind(t.visibility.kind_str())
    .bind(body_id)
    .bind(t.started_by.to_string())
    .bind(db::to_millis(db::now()))
    .bind(t.client_key.map(|k| k.to_string()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

// ------------------------------------------------------------------ messages

#[derive(sqlx::FromRow)]
pub struct MessageRow {
    pub id: String,
    pub thread_id: String,
    pub position: i64,
    pub author_id: String,
    pub author_name: String,
    pub posted_at: i64,
    pub text: String,
    pub mentions: String,
    pub document_ids: String,
}

impl MessageRow {
    pub fn id(&self) -> Uuid {
        super::id(&self.id)
    }

    pub fn author(&self) -> ActorRef {
        ActorRef {
            user_id: super::id(&self.author_id),
            display_name: self.author_name.clone(),
        }
    }

    /// The people mentioned, named as they were when the message was written.
    pub fn mentions(&self) -> Vec<ActorRef> {
        serde_json::from_str(&self.mentions).unwrap_or_default()
    }

    pub fn document_ids(&self) -> Vec<Uuid> {
        serde_json::from_str(&self.document_ids).unwrap_or_default()
    }
}

/// The messages of a room, each thread's in order.
pub async fn messages(db: &AnyPool, room_id: Uuid) -> Result<Vec<MessageRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.id, m.thread_id, m.position, m.author_id, u.display_name AS author_name, \
         m.posted_at, m.text, m.mentions, m.document_ids \
         FROM messages m JOIN users u ON u.id = m.author_id \
         WHERE m.room_id = $1 ORDER BY m.thread_id, m.position",
    )
    .bind(room_id.to_string())
    .fetch_all(db)
    .await
}

/// The thread of the message this person posted in this room with
/// `client_key`, if any.
pub async fn message_by_client_key<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    room_id: Uuid,
    author_id: Uuid,
    client_key: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT thread_id FROM messages \
         WHERE room_id = $1 AND author_id = $2 AND client_key = $3",
    )
    .bind(room_id.to_string())
    .bind(author_id.to_string())
    .bind(client_key.to_string())
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(id,)| super::id(&id)))
}

pub struct NewMessage<'a> {
    pub id: Uuid,
    pub thread_id: Uuid,
    pub room_id: Uuid,
    pub author_id: Uuid,
    pub text: &'a str,
    pub mentions: &'a [ActorRef],
    pub document_ids: &'a [Uuid],
    pub client_key: Option<Uuid>,
}

/// Appends a message to its thread; returns its position there. The write
/// holds the room (see `status_for_update`), so two replies cannot take
/// the same position; the unique key would refuse it anyway.
pub async fn insert_message(tx: &mut Tx, m: &NewMessage<'_>) -> Result<i64, sqlx::Error> {
    let (position,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(position), 0) + 1 FROM messages WHERE thread_id = $1")
            .bind(m.thread_id.to_string())
            .fetch_one(&mut **tx)
            .await?;
    sqlx::query(
        "INSERT INTO messages (id, thread_id, room_id, position, author_id, posted_at, text, \
         mentions, document_ids, client_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(m.id.to_string())
    .bind(m.thread_id.to_string())
    .bind(m.room_id.to_string())
    .bind(position)
    .bind(m.author_id.to_string())
    .bind(db::to_millis(db::now()))
    .bind(m.text)
    .bind(serde_json::to_string(m.mentions).expect("names and ids serialise"))
    .bind(serde_json::to_string(m.document_ids).expect("ids serialise"))
    .bind(m.client_key.map(|k| k.to_string()))
    .execute(&mut **tx)
    .await?;
    Ok(position)
}

/// The position of a message in its thread, if it is one of that thread's.
pub async fn position_in_thread(
    db: &AnyPool,
    thread_id: Uuid,
    message_id: Uuid,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT position FROM messages WHERE id = $1 AND thread_id = $2")
            .bind(message_id.to_string())
            .bind(thread_id.to_string())
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(position,)| position))
}

// ------------------------------------------------------------------ read markers

/// How far this person has read each thread of the room, by thread id.
pub async fn read_markers(
    db: &AnyPool,
    user_id: Uuid,
    room_id: Uuid,
) -> Result<HashMap<Uuid, i64>, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT r.thread_id, r.last_read_position FROM message_reads r \
         JOIN message_threads t ON t.id = r.thread_id WHERE r.user_id = $1 AND t.room_id = $2",
    )
    .bind(user_id.to_string())
    .bind(room_id.to_string())
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(thread, position)| (super::id(&thread), position))
        .collect())
}

/// Moves the person's marker in the thread up to `position`; never back.
pub async fn mark_read(
    tx: &mut Tx,
    user_id: Uuid,
    thread_id: Uuid,
    position: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO message_reads (user_id, thread_id, last_read_position, read_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, thread_id) DO UPDATE SET \
         last_read_position = CASE WHEN excluded.last_read_position > \
         message_reads.last_read_position THEN excluded.last_read_position \
         ELSE message_reads.last_read_position END, read_at = excluded.read_at",
    )
    .bind(user_id.to_string())
    .bind(thread_id.to_string())
    .bind(position)
    .bind(db::to_millis(db::now()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

// ------------------------------------------------------------------ people

/// A person with access to the room, with the role that access comes from.
#[derive(Debug, Clone)]
pub struct Person {
    pub user_id: Uuid,
    pub display_name: String,
    pub role: RoomRole,
    /// For a body's member: the body, and its name.
    pub body: Option<(Uuid, String)>,
}

/// Everyone with access to the room, as `rooms::context` grants it: the
/// applicants; the office's caseworkers once the room is submitted; the
/// members of every body with a request there that is not withdrawn. A
/// person who is several of these counts as the first, as there.
pub async fn people(
    db: &AnyPool,
    room_id: Uuid,
    office_id: Uuid,
    status: RoomStatus,
) -> Result<Vec<Person>, sqlx::Error> {
    let applicants: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT m.user_id, u.display_name, m.role FROM room_members m \
         JOIN users u ON u.id = m.user_id WHERE m.room_id = $1 ORDER BY m.joined_at",
    )
    .bind(room_id.to_string())
    .fetch_all(db)
    .await?;
    let mut people: Vec<Person> = applicants
        .into_iter()
        .filter_map(|(id, name, role)| {
            Some(Person {
                user_id: super::id(&id),
                display_name: name,
                role: RoomRole::parse(&role)?,
                body: None,
            })
        })
        .collect();
    if !procedure::office_sees(status) {
        return Ok(people);
    }

    let staff: Vec<(String, String)> = sqlx::query_as(
        "SELECT s.user_id, u.display_name FROM office_staff s JOIN users u ON u.id = s.user_id \
         WHERE s.office_id = $1 AND s.role = 'caseworker' ORDER BY u.display_name, s.user_id",
    )
    .bind(office_id.to_string())
    .fetch_all(db)
    .await?;
    let body_members: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT bm.user_id, u.display_name, b.id, b.name FROM statement_requests sr \
         JOIN body_members bm ON bm.body_id = sr.body_id JOIN bodies b ON b.id = sr.body_id \
         JOIN users u ON u.id = bm.user_id WHERE sr.room_id = $1 AND sr.status <> 'withdrawn' \
         ORDER BY sr.requested_at, u.display_name, bm.user_id",
    )
    .bind(room_id.to_string())
    .fetch_all(db)
    .await?;
    let more = staff
        .into_iter()
        .map(|(id, name)| Person {
            user_id: super::id(&id),
            display_name: name,
            role: RoomRole::Caseworker,
            body: None,
        })
        .chain(
            body_members
                .into_iter()
                .map(|(id, name, body_id, body_name)| Person {
                    user_id: super::id(&id),
                    display_name: name,
                    role: RoomRole::ConsultedBody,
                    body: Some((super::id(&body_id), body_name)),
                }),
        );
    for person in more {
        if !people.iter().any(|p| p.user_id == person.user_id) {
            people.push(person);
        }
    }
    Ok(people)
}
