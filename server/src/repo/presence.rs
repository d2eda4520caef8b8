//! Who has a room open (tables `presence` and `live_instances`). Rows are
//! written by the instance holding the socket and read by every instance.

use shared::{FormField, RoomRole};
use sqlx::AnyPool;
use uuid::Uuid;

use crate::db;

/// One socket's presence in a room, with what deciding who may see it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Present {
    pub user_id: Uuid,
    pub display_name: String,
    pub role: RoomRole,
    pub body_id: Option<Uuid>,
    pub editing: Option<FormField>,
}

/// The instance is alive now.
pub async fn instance_alive(db: &AnyPool, instance: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO live_instances (id, seen_at) VALUES ($1, $2) \
         ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at",
    )
    .bind(instance.to_string())
    .bind(db::to_millis(db::now()))
    .execute(db)
    .await?;
    Ok(())
}

/// Removes what instances not heard from since `before_ms` left behind, and
/// an instance's own rows when it shuts down (`also` names it).
pub async fn remove_dead(
    db: &AnyPool,
    before_ms: i64,
    also: Option<Uuid>,
) -> Result<(), sqlx::Error> {
    let also = also.map(|id| id.to_string());
    let mut tx = db.begin().await?;
    sqlx::query(
        "DELETE FROM presence WHERE instance_id = $2 OR instance_id IN \
         (SELECT id FROM live_instances WHERE seen_at < $1)",
    )
    .bind(before_ms)
    .bind(&also)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM live_instances WHERE seen_at < $1 OR id = $2")
        .bind(before_ms)
        .bind(&also)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

pub struct Entering {
    pub socket: Uuid,
    pub instance: Uuid,
    pub room_id: Uuid,
    pub user_id: Uuid,
    pub role: RoomRole,
    pub body_id: Option<Uuid>,
    pub editing: Option<FormField>,
}

/// Records (or updates) one socket's presence in a room.
pub async fn enter(db: &AnyPool, e: &Entering) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO presence (socket_id, instance_id, room_id, user_id, role, body_id, editing) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (socket_id, room_id) DO UPDATE SET role = excluded.role, \
         body_id = excluded.body_id, editing = excluded.editing",
    )
    .bind(e.socket.to_string())
    .bind(e.instance.to_string())
    .bind(e.room_id.to_string())
    .bind(e.user_id.to_string())
    .bind(e.role.as_str())
    .bind(e.body_id.map(|id| id.to_string()))
    .bind(e.editing.map(FormField::as_str))
    .execute(db)
    .await?;
    Ok(())
}

/// Removes one socket's presence in `room_id`, or in every room.
pub async fn leave(db: &AnyPool, socket: Uuid, room_id: Option<Uuid>) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM presence WHERE socket_id = $1 AND ($2 IS NULL OR room_id = $2)")
        .bind(socket.to_string())
        .bind(room_id.map(|id| id.to_string()))
        .execute(db)
        .await?;
    Ok(())
}

/// The rooms in which this instance holds sockets.
pub async fn rooms_of_instance(db: &AnyPool, instance: Uuid) -> Result<Vec<Uuid>, sqlx::Error> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT DISTINCT room_id FROM presence WHERE instance_id = $1")
            .bind(instance.to_string())
            .fetch_all(db)
            .await?;
    Ok(rows.iter().map(|(id,)| super::id(id)).collect())
}

#[derive(sqlx::FromRow)]
struct PresentRow {
    user_id: String,
    display_name: String,
    role: String,
    body_id: Option<String>,
    editing: Option<String>,
}

/// Everyone with the room open on a live instance, one entry per person
/// (someone with two tabs open is there once, editing what either tab is).
pub async fn in_room(
    db: &AnyPool,
    room_id: Uuid,
    alive_since_ms: i64,
) -> Result<Vec<Present>, sqlx::Error> {
    let rows: Vec<PresentRow> = sqlx::query_as(
        "SELECT p.user_id, u.display_name, p.role, p.body_id, p.editing FROM presence p \
         JOIN live_instances i ON i.id = p.instance_id JOIN users u ON u.id = p.user_id \
         WHERE p.room_id = $1 AND i.seen_at >= $2 ORDER BY u.display_name, p.user_id",
    )
    .bind(room_id.to_string())
    .bind(alive_since_ms)
    .fetch_all(db)
    .await?;
    let mut people: Vec<Present> = Vec::new();
    for row in rows {
        let editing = row.editing.as_deref().and_then(FormField::parse);
        let user_id = super::id(&row.user_id);
        if let Some(known) = people.iter_mut().find(|p| p.user_id == user_id) {
            known.editing = known.editing.or(editing);
            continue;
        }
        let Some(role) = RoomRole::parse(&row.role) else {
            continue;
        };
        people.push(Present {
            user_id,
            display_name: row.display_name,
            role,
            body_id: row.body_id.as_deref().map(super::id),
            editing,
        });
    }
    Ok(people)
}
