//! Live fan-out of new room events to the sockets of this instance.
//!
//! The bus carries only "room R has events up to sequence S"; each socket then
//! reads what it has not sent from the event log itself. So the log stays the
//! one source of truth: a notice lost or doubled costs nothing but a read, and
//! a socket can never show an event that did not commit.
//!
//! With PostgreSQL, several instances share notices through LISTEN/NOTIFY: the
//! append in `events.rs` notifies inside its transaction, and every instance's
//! listener passes what it hears to its local bus.
//!
//! Presence works the same way: sockets write who is in which room to the
//! database (`repo::presence`) and say "presence in room R changed"; one task
//! per instance then reads the room's presence once and hands the list to all
//! of this instance's sockets, so a thousand sockets in a room cost one query
//! per change, not a thousand.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use crate::app::App;
use crate::db::{self, Backend};
use crate::repo::presence::{self, Present};

/// The PostgreSQL channel room notices travel on.
pub const PG_CHANNEL: &str = "vr_room_events";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A room's log has grown to `seq`.
    Appended { room_id: Uuid, seq: i64 },
    /// Notices may have been missed: every socket re-reads all its rooms.
    Resync,
    /// Someone entered, left or moved in a room, here or on another instance.
    PresenceChanged { room_id: Uuid },
    /// Who is in a room now, read once for all of this instance's sockets.
    Presence {
        room_id: Uuid,
        people: Arc<Vec<Present>>,
    },
}

/// How long presence changes are gathered before the room is read again:
/// a burst of people arriving (a reconnect after a restart) costs one read.
const PRESENCE_GATHER: Duration = Duration::from_millis(200);
/// After a room's presence went out to its sockets, the next waits this
/// long per person present (at least `PRESENCE_GATHER`): a room of a dozen
/// people is current within 200 ms, while ten thousand sockets joining one
/// room at once (a benchmark, a reconnect storm) do not each get every one of
/// ten thousand intermediate lists.
const PRESENCE_PAUSE_PER_PERSON: Duration = Duration::from_millis(2);
/// Rows of instances silent for this long are removed, not only ignored.
const INSTANCE_FORGOTTEN_AFTER: Duration = Duration::from_secs(600);

#[derive(Clone)]
pub struct Bus {
    sender: broadcast::Sender<Notice>,
}

impl Default for Bus {
    fn default() -> Self {
        // A slow socket that falls this far behind gets `Lagged` and resyncs
        // from the log, so the capacity bounds memory, not correctness.
        Bus {
            sender: broadcast::channel(4096).0,
        }
    }
}

impl Bus {
    pub fn announce(&self, room_id: Uuid, seq: i64) {
        // No receivers is fine: nobody has the room open.
        let _ = self.sender.send(Notice::Appended { room_id, seq });
    }

    pub fn resync(&self) {
        let _ = self.sender.send(Notice::Resync);
    }

    fn send(&self, notice: Notice) {
        let _ = self.sender.send(notice);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.sender.subscribe()
    }
}

/// Parses the payload of a PostgreSQL notification: `"<room id>:<seq>"` for
/// an event, `"presence:<room id>"` for a change of presence.
pub fn parse_pg_payload(payload: &str) -> Option<Notice> {
    if let Some(room) = payload.strip_prefix("presence:") {
        return Some(Notice::PresenceChanged {
            room_id: room.parse().ok()?,
        });
    }
    let (room, seq) = payload.split_once(':')?;
    Some(Notice::Appended {
        room_id: room.parse().ok()?,
        seq: seq.parse().ok()?,
    })
}

/// Passes PostgreSQL notifications to the local bus until the process ends.
/// When the listener had to reconnect, notices may be lost, so it asks every
/// socket to resync from the log.
pub fn spawn_pg_listener(database_url: String, bus: Bus) {
    tokio::spawn(async move {
        loop {
            match listen_once(&database_url, &bus).await {
                Ok(()) => return,
                Err(err) => {
                    tracing::warn!(error = %err, "live listener lost PostgreSQL; retrying");
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    bus.resync();
                }
            }
        }
    });
}

async fn listen_once(database_url: &str, bus: &Bus) -> anyhow::Result<()> {
    let mut listener = sqlx::postgres::PgListener::connect(database_url).await?;
    listener.listen(PG_CHANNEL).await?;
    loop {
        match listener.try_recv().await? {
            Some(notification) => {
                if let Some(notice) = parse_pg_payload(notification.payload()) {
                    bus.send(notice);
                }
            }
            // The connection dropped and was re-established in between.
            None => bus.resync(),
        }
    }
}

/// Tells every instance that presence in `room_id` changed.
pub async fn presence_changed(app: &App, room_id: Uuid) {
    app.bus.send(Notice::PresenceChanged { room_id });
    if app.db.backend == Backend::Postgres {
        // Wrapped in a count: the Any driver cannot decode pg_notify's `void`.
        let notified = sqlx::query("SELECT COUNT(*) FROM (SELECT pg_notify($1, $2)) AS notified")
            .bind(PG_CHANNEL)
            .bind(format!("presence:{room_id}"))
            .execute(&app.db.write)
            .await;
        if let Err(err) = notified {
            tracing::warn!(error = %err, "presence notice not sent to other instances");
        }
    }
}

/// Marks this instance alive; presence rows count only while it is.
pub async fn instance_alive(app: &App) -> Result<(), sqlx::Error> {
    presence::instance_alive(&app.db.write, app.instance_id).await
}

/// The presence task: reads a room's presence when it changed and hands it to
/// this instance's sockets; keeps the instance marked alive; forgets what
/// dead instances left behind; removes its own rows when the server stops.
pub fn spawn_presence(app: App) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut notices = app.bus.subscribe();
        let mut changed: HashSet<Uuid> = HashSet::new();
        let mut shown: HashMap<Uuid, Arc<Vec<Present>>> = HashMap::new();
        let mut next_due: HashMap<Uuid, tokio::time::Instant> = HashMap::new();
        let mut gather = tokio::time::interval(PRESENCE_GATHER);
        let mut heartbeat = tokio::time::interval(app.config.live_heartbeat);
        loop {
            tokio::select! {
                _ = app.shutdown.cancelled() => break,
                notice = notices.recv() => match notice {
                    Ok(Notice::PresenceChanged { room_id }) => {
                        changed.insert(room_id);
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => changed.extend(shown.keys().copied()),
                    Err(RecvError::Closed) => break,
                },
                _ = gather.tick(), if !changed.is_empty() => {
                    let now = tokio::time::Instant::now();
                    next_due.retain(|_, due| *due > now);
                    let due: Vec<Uuid> = changed
                        .iter()
                        .filter(|room_id| !next_due.contains_key(room_id))
                        .copied()
                        .collect();
                    for room_id in due {
                        changed.remove(&room_id);
                        let present = publish(&app, room_id, &mut shown, true).await;
                        let pause = PRESENCE_PAUSE_PER_PERSON * present as u32;
                        next_due.insert(room_id, now + pause.max(PRESENCE_GATHER));
                    }
                }
                _ = heartbeat.tick() => keep_alive(&app, &mut shown).await,
            }
        }
        let forgotten = presence::remove_dead(&app.db.write, 0, Some(app.instance_id)).await;
        if let Err(err) = forgotten {
            tracing::warn!(error = %err, "presence rows of this instance not removed");
        }
    })
}

/// Marks the instance alive, forgets dead instances, and shows again the
/// rooms where someone's instance died since (their people leave).
async fn keep_alive(app: &App, shown: &mut HashMap<Uuid, Arc<Vec<Present>>>) {
    if let Err(err) = instance_alive(app).await {
        tracing::warn!(error = %err, "could not mark this instance alive");
        return;
    }
    let forget_before = db::to_millis(db::now()) - INSTANCE_FORGOTTEN_AFTER.as_millis() as i64;
    if let Err(err) = presence::remove_dead(&app.db.write, forget_before, None).await {
        tracing::warn!(error = %err, "presence rows of dead instances not removed");
    }
    let rooms = match presence::rooms_of_instance(&app.db.read, app.instance_id).await {
        Ok(rooms) => rooms,
        Err(err) => {
            tracing::warn!(error = %err, "could not read this instance's rooms");
            return;
        }
    };
    shown.retain(|room_id, _| rooms.contains(room_id));
    for room_id in rooms {
        publish(app, room_id, shown, false).await;
    }
}

/// Reads who is in `room_id` and hands it to the sockets: always when
/// `changed`, otherwise only if it differs from what was shown last. Returns
/// how many people are there.
async fn publish(
    app: &App,
    room_id: Uuid,
    shown: &mut HashMap<Uuid, Arc<Vec<Present>>>,
    changed: bool,
) -> usize {
    let alive_since = db::to_millis(db::now()) - app.config.live_dead_after().as_millis() as i64;
    let people = match presence::in_room(&app.db.read, room_id, alive_since).await {
        Ok(people) => Arc::new(people),
        Err(err) => {
            tracing::warn!(error = %err, "could not read who is in a room");
            return 0;
        }
    };
    let present = people.len();
    if !changed && shown.get(&room_id) == Some(&people) {
        return present;
    }
    shown.insert(room_id, people.clone());
    app.bus.send(Notice::Presence { room_id, people });
    present
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notification_payload_names_room_and_sequence() {
        let id = Uuid::now_v7();
        assert_eq!(
            parse_pg_payload(&format!("{id}:42")),
            Some(Notice::Appended {
                room_id: id,
                seq: 42
            })
        );
        assert_eq!(parse_pg_payload("garbage"), None);
        assert_eq!(
            parse_pg_payload(&format!("presence:{id}")),
            Some(Notice::PresenceChanged { room_id: id })
        );
    }
}
