//! The live socket protocol (`GET /api/live`, JSON text frames).
//!
//! A client subscribes to a room naming the last sequence number it has seen;
//! the server replays everything after it from the event log and then streams
//! new events, so a reconnecting client misses nothing and sees nothing twice.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::model::RoomEvent;

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
}

/// Close code sent when the session behind a socket has expired.
pub const CLOSE_SESSION_EXPIRED: u16 = 4001;
/// Close code sent when a client sends something that is not a [`ClientMessage`].
pub const CLOSE_PROTOCOL_ERROR: u16 = 4400;
