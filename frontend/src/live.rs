//! Following one room over the live socket (`GET /api/live`).
//!
//! The server replays every event after the sequence number we name, so the
//! one thing to keep across reconnects is the newest `seq` we have handed on:
//! after a drop we subscribe again from there and miss nothing. The socket is
//! reopened with growing pauses while the page stays open, and closed when the
//! page that follows the room goes away.

use std::time::Duration;

use futures::future::{AbortHandle, Abortable};
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::{Message, WebSocketError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::{CLOSE_SESSION_EXPIRED, ClientMessage, RoomEvent, ServerMessage};
use uuid::Uuid;

/// The state of the socket, as the room page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    Connecting,
    Online,
    /// Dropped; another attempt follows.
    Offline,
    /// The server ended the subscription (access removed, session over);
    /// no retry.
    Refused,
}

/// Why one socket session ended.
enum Ended {
    /// Closed or broken: try again.
    Dropped,
    Refused,
}

const FIRST_PAUSE: Duration = Duration::from_secs(1);
const LONGEST_PAUSE: Duration = Duration::from_secs(30);

/// Follows `room_id` from `after_seq` on, calling `on_event` once for each new
/// event in order, until the current reactive owner is cleaned up.
pub fn follow_room(
    room_id: Uuid,
    after_seq: i64,
    on_event: impl Fn(RoomEvent) + 'static,
) -> ReadSignal<Connection> {
    let (connection, set_connection) = signal(Connection::Connecting);
    let (abort, registration) = AbortHandle::new_pair();
    on_cleanup(move || abort.abort());

    let follow = async move {
        let mut last_seq = after_seq;
        let mut pause = FIRST_PAUSE;
        loop {
            set_connection.set(Connection::Connecting);
            let before = last_seq;
            let ended = run_session(room_id, &mut last_seq, set_connection, &on_event).await;
            if let Ended::Refused = ended {
                set_connection.set(Connection::Refused);
                return;
            }
            set_connection.set(Connection::Offline);
            // A session that got somewhere was healthy: start the pauses afresh.
            if last_seq > before {
                pause = FIRST_PAUSE;
            }
            gloo_timers::future::sleep(pause).await;
            pause = (pause * 2).min(LONGEST_PAUSE);
        }
    };
    spawn_local(async move {
        let _ = Abortable::new(follow, registration).await;
    });
    connection
}

/// One socket from opening to closing.
async fn run_session(
    room_id: Uuid,
    last_seq: &mut i64,
    set_connection: WriteSignal<Connection>,
    on_event: &impl Fn(RoomEvent),
) -> Ended {
    let Ok(socket) = WebSocket::open(&socket_url()) else {
        return Ended::Dropped;
    };
    let (mut sink, mut stream) = socket.split();
    let subscribe = ClientMessage::Subscribe {
        room_id,
        after_seq: *last_seq,
    };
    let Ok(text) = serde_json::to_string(&subscribe) else {
        return Ended::Refused;
    };
    if sink.send(Message::Text(text)).await.is_err() {
        return Ended::Dropped;
    }

    while let Some(message) = stream.next().await {
        let message = match message {
            Ok(message) => message,
            // A session that has ended will not come back by retrying.
            Err(WebSocketError::ConnectionClose(close)) if close.code == CLOSE_SESSION_EXPIRED => {
                return Ended::Refused;
            }
            Err(_) => return Ended::Dropped,
        };
        let Message::Text(text) = message else {
            continue;
        };
        let Ok(message) = serde_json::from_str::<ServerMessage>(&text) else {
            continue;
        };
        match message {
            ServerMessage::Subscribed { .. } => set_connection.set(Connection::Online),
            ServerMessage::Event { event } if event.seq > *last_seq => {
                *last_seq = event.seq;
                on_event(event);
            }
            ServerMessage::Event { .. } => {}
            ServerMessage::Refused { .. } => return Ended::Refused,
        }
    }
    Ended::Dropped
}

/// `ws(s)://<this host>/api/live`, matching the page's own scheme.
fn socket_url() -> String {
    let location = window().location();
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss",
        _ => "ws",
    };
    let host = location.host().unwrap_or_default();
    format!("{scheme}://{host}/api/live")
}
