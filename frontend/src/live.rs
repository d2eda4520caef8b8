//! Following one room over the live socket (`GET /api/live`).
//!
//! The server replays every event after the sequence number we name, so the
//! one thing to keep across reconnects is the newest `seq` we have handed on:
//! after a drop we subscribe again from there and miss nothing. The socket is
//! reopened with growing pauses while the page stays open, and closed when the
//! page that follows the room goes away.
//!
//! A browser may call a connection open long after it died (a laptop lid
//! closed, a train in a tunnel); it cannot see the server's pings either. So
//! the server also sends a heartbeat message, and a socket that has brought
//! nothing for `DEAD_AFTER_SECONDS` is given up and reopened.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::channel::mpsc;
use futures::future::{AbortHandle, Abortable, Either, select};
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::{Message, WebSocketError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::{
    CLOSE_SESSION_EXPIRED, ClientMessage, DEAD_AFTER_SECONDS, FormField, PresentPerson, RoomEvent,
    ServerMessage,
};
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

/// What the room page reads of the live socket, and how it says where the
/// person is working.
#[derive(Clone, Copy)]
pub struct Live {
    pub connection: ReadSignal<Connection>,
    /// Who has the room open now, as far as we may see them.
    pub present: ReadSignal<Vec<PresentPerson>>,
    /// Set when the server warns that the session ends soon.
    pub session_ends: ReadSignal<Option<DateTime<Utc>>>,
    editing: StoredValue<mpsc::UnboundedSender<Option<FormField>>>,
}

impl Live {
    /// Tells the others which form field we are editing (`None`: none).
    pub fn editing(&self, field: Option<FormField>) {
        let _ = self.editing.get_value().unbounded_send(field);
    }
}

/// Why one socket session ended.
enum Ended {
    /// Closed, broken or silent for too long: try again.
    Dropped,
    Refused,
}

const FIRST_PAUSE: Duration = Duration::from_secs(1);
const LONGEST_PAUSE: Duration = Duration::from_secs(30);

/// Follows `room_id` from `after_seq` on, calling `on_event` once for each new
/// event in order, until the current reactive owner is cleaned up.
pub fn follow_room(room_id: Uuid, after_seq: i64, on_event: impl Fn(RoomEvent) + 'static) -> Live {
    let (connection, set_connection) = signal(Connection::Connecting);
    let (present, set_present) = signal(Vec::new());
    let (session_ends, set_session_ends) = signal(None);
    let (editing_sender, mut editing_wishes) = mpsc::unbounded();
    let (abort, registration) = AbortHandle::new_pair();
    on_cleanup(move || abort.abort());

    let follow = async move {
        let mut session = Session {
            room_id,
            last_seq: after_seq,
            editing: None,
            set_connection,
            set_present,
            set_session_ends,
        };
        let mut pause = FIRST_PAUSE;
        loop {
            set_connection.set(Connection::Connecting);
            let before = session.last_seq;
            let ended = session.run(&mut editing_wishes, &on_event).await;
            set_present.set(Vec::new());
            if let Ended::Refused = ended {
                set_connection.set(Connection::Refused);
                return;
            }
            set_connection.set(Connection::Offline);
            // A session that got somewhere was healthy: start the pauses afresh.
            if session.last_seq > before {
                pause = FIRST_PAUSE;
            }
            gloo_timers::future::sleep(pause).await;
            pause = (pause * 2).min(LONGEST_PAUSE);
            // The handshake carries the access cookie, which may have
            // expired while the socket was open.
            crate::api::ensure_session().await;
        }
    };
    spawn_local(async move {
        let _ = Abortable::new(follow, registration).await;
    });
    Live {
        connection,
        present,
        session_ends,
        editing: StoredValue::new(editing_sender),
    }
}

/// What lasts across the sockets of one followed room.
struct Session {
    room_id: Uuid,
    /// The newest event handed on.
    last_seq: i64,
    /// The field we are editing, said again on every new socket.
    editing: Option<FormField>,
    set_connection: WriteSignal<Connection>,
    set_present: WriteSignal<Vec<PresentPerson>>,
    set_session_ends: WriteSignal<Option<DateTime<Utc>>>,
}

impl Session {
    /// One socket from opening to closing.
    async fn run(
        &mut self,
        editing_wishes: &mut mpsc::UnboundedReceiver<Option<FormField>>,
        on_event: &impl Fn(RoomEvent),
    ) -> Ended {
        let Ok(socket) = WebSocket::open(&socket_url()) else {
            return Ended::Dropped;
        };
        let (mut sink, mut stream) = socket.split();
        let room_id = self.room_id;
        let subscribe = ClientMessage::Subscribe {
            room_id,
            after_seq: self.last_seq,
        };
        if send(&mut sink, &subscribe).await.is_err() {
            return Ended::Dropped;
        }
        if self.editing.is_some() {
            let presence = ClientMessage::Presence {
                room_id,
                editing: self.editing,
            };
            if send(&mut sink, &presence).await.is_err() {
                return Ended::Dropped;
            }
        }

        let dead_after = Duration::from_secs(DEAD_AFTER_SECONDS);
        loop {
            // Anything from the server proves the connection alive; silence
            // for longer than the server's heartbeats allow means it is not.
            let silence = gloo_timers::future::sleep(dead_after);
            let step = select(stream.next(), select(editing_wishes.next(), silence));
            let message = match step.await {
                Either::Left((message, _)) => message,
                Either::Right((Either::Left((Some(editing), _)), _)) => {
                    self.editing = editing;
                    let presence = ClientMessage::Presence { room_id, editing };
                    if send(&mut sink, &presence).await.is_err() {
                        return Ended::Dropped;
                    }
                    continue;
                }
                // The page is going away; the abort follows.
                Either::Right((Either::Left((None, _)), _)) => return Ended::Dropped,
                Either::Right((Either::Right(_), _)) => return Ended::Dropped,
            };
            let message = match message {
                Some(Ok(message)) => message,
                // A session that has ended will not come back by retrying.
                Some(Err(WebSocketError::ConnectionClose(close)))
                    if close.code == CLOSE_SESSION_EXPIRED =>
                {
                    return Ended::Refused;
                }
                Some(Err(_)) | None => return Ended::Dropped,
            };
            let Message::Text(text) = message else {
                continue;
            };
            let Ok(message) = serde_json::from_str::<ServerMessage>(&text) else {
                continue;
            };
            match message {
                ServerMessage::Subscribed { .. } => self.set_connection.set(Connection::Online),
                ServerMessage::Event { event } if event.seq > self.last_seq => {
                    self.last_seq = event.seq;
                    on_event(event);
                }
                ServerMessage::Event { .. } | ServerMessage::Heartbeat => {}
                ServerMessage::Presence { people, .. } => self.set_present.set(people),
                ServerMessage::SessionExpiring { at } => self.set_session_ends.set(Some(at)),
                ServerMessage::Refused { .. } => return Ended::Refused,
            }
        }
    }
}

async fn send(
    sink: &mut futures::stream::SplitSink<WebSocket, Message>,
    message: &ClientMessage,
) -> Result<(), ()> {
    let text = serde_json::to_string(message).map_err(|_| ())?;
    sink.send(Message::Text(text)).await.map_err(|_| ())
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
