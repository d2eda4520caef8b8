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

use tokio::sync::broadcast;
use uuid::Uuid;

/// The PostgreSQL channel room notices travel on.
pub const PG_CHANNEL: &str = "vr_room_events";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// A room's log has grown to `seq`.
    Appended { room_id: Uuid, seq: i64 },
    /// Notices may have been missed: every socket re-reads all its rooms.
    Resync,
}

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

    pub fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.sender.subscribe()
    }
}

/// Parses the payload `"<room id>:<seq>"` of a PostgreSQL notification.
pub fn parse_pg_payload(payload: &str) -> Option<Notice> {
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
                if let Some(Notice::Appended { room_id, seq }) =
                    parse_pg_payload(notification.payload())
                {
                    bus.announce(room_id, seq);
                }
            }
            // The connection dropped and was re-established in between.
            None => bus.resync(),
        }
    }
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
    }
}
