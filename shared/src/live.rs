//! The live socket protocol (`GET /api/live`, JSON text frames).
//!
//! A client subscribes to a room naming the last sequence number it has seen;
//! the server replays everything after it from the event log and then streams
//! new events, so a reconnecting client misses nothing and sees nothing twice.
//!
//! Liveness: the server sends a WebSocket ping and a [`ServerMessage::Heartbeat`]
//! every [`HEARTBEAT_SECONDS`]. A server that has heard nothing from a client
//! (no pong, no message) for [`DEAD_AFTER_SECONDS`] drops the socket; a client
//! that has received nothing for as long does the same and reconnects, since a
//! browser cannot see pings and may call a dead connection open for minutes.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use chrono::{DateTime, Utc};

use crate::form::FormField;
use crate::model::{RoomEvent, RoomRole};

/// How often the server shows a socket that it is alive.
pub const HEARTBEAT_SECONDS: u64 = 25;
/// Silence after which either side treats the connection as dead: two missed
/// heartbeats and some slack, within the minute users tolerate.
pub const DEAD_AFTER_SECONDS: u64 = 55;

/// Client → server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// Start (or resume) receiving a room's events after `after_seq`.
    Subscribe {
        room_id: Uuid,
        after_seq: i64,
    },
    Unsubscribe {
        room_id: Uuid,
    },
    /// Where in a subscribed room the person is working now: the form field
    /// they are editing, or `None` when they are only looking.
    Presence {
        room_id: Uuid,
        editing: Option<FormField>,
    },
}

/// Server → client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// The subscription stands; replayed events follow, then live ones.
    Subscribed {
        room_id: Uuid,
    },
    Event {
        event: RoomEvent,
    },
    /// The subscription ended (access removed, room not found, bad message).
    Refused {
        room_id: Option<Uuid>,
        code: String,
        message: String,
    },
    /// Who has the room open now, sent whenever that changes; the whole list
    /// each time, so a missed one costs nothing.
    Presence {
        room_id: Uuid,
        /// At most 50, sorted by name.
        people: Vec<PresentPerson>,
        /// How many more are there, beyond those listed.
        #[serde(default)]
        more: u32,
    },
    /// The server is alive (see the module's notes on liveness).
    Heartbeat,
    /// The session behind this socket ends at `at`; unless it is renewed by
    /// then the socket closes with [`CLOSE_SESSION_EXPIRED`].
    SessionExpiring {
        at: DateTime<Utc>,
    },
}

/// Someone with the room open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PresentPerson {
    pub user_id: Uuid,
    pub display_name: String,
    pub role: RoomRole,
    /// The form field they are editing, if any.
    pub editing: Option<FormField>,
}

/// Close code sent when the session behind a socket has expired or was ended
/// (logout elsewhere).
pub const CLOSE_SESSION_EXPIRED: u16 = 4001;
/// Close code sent when a client sends something that is not a [`ClientMessage`].
pub const CLOSE_PROTOCOL_ERROR: u16 = 4400;
