//! The live socket: a client subscribes to rooms and receives every event of
//! each, replayed from where it left off, then as they happen.

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use futures::{SinkExt, StreamExt};
use shared::{CLOSE_SESSION_EXPIRED, ClientMessage, RoomRole, ServerMessage};
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use crate::app::App;
use crate::auth::CurrentUser;
use crate::domain::policy;
use crate::error::ApiError;
use crate::events;
use crate::live::Notice;
use crate::repo;

/// Pings keep proxies from closing an idle socket and reveal dead peers.
const PING_EVERY: Duration = Duration::from_secs(25);
/// Largest client message accepted; subscriptions are tiny.
const MAX_CLIENT_MESSAGE: usize = 16 * 1024;
/// Events read from the log per round trip while catching up.
const REPLAY_BATCH: i64 = 500;

// The socket's buffers, sized for many idle sockets (issue #5). tungstenite
// allocates the read buffer whole when a socket opens and writes zeroes over
// all of it at the first read, so its default of 128 KiB was nearly all that
// a socket cost: with it 10,000 idle subscribed sockets took 136.8 KiB each
// of the server's memory, with the sizes below 8.9 KiB (`bench/run live`).

/// Read buffer: clients send only subscriptions (about 100 bytes) and pongs.
/// It is where reading starts, not a limit: a larger frame grows it.
const READ_BUFFER: usize = 4 * 1024;
/// Bytes gathered before they are written to the network. Nothing is taken
/// up front: the buffer grows to the most it ever held and keeps that. Each
/// message is flushed as it is sent today, so it holds one; should a replay
/// ever feed many before one flush, this bounds what it gathers.
const WRITE_BUFFER: usize = 16 * 1024;
/// The write buffer only grows past `WRITE_BUFFER` while writes fail; this
/// is a backstop, and must hold the largest event: their texts come from JSON
/// request bodies of at most 2 MiB (axum's default limit).
const MAX_WRITE_BUFFER: usize = 4 * 1024 * 1024;

/// Opens the live socket (WebSocket, JSON text frames of `ClientMessage` and
/// `ServerMessage`).
#[utoipa::path(get, path = "/api/live", tag = "live", responses(
    (status = 101, description = "Switching to the WebSocket protocol"),
    (status = 401, body = shared::Problem),
    (status = 403, body = shared::Problem, description = "Opened from another site"),
))]
pub async fn live_socket(
    State(app): State<App>,
    user: CurrentUser,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    // Browsers send the page's origin with a socket handshake; a page of
    // another site must not open a socket with our cookie.
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    if origin.is_some_and(|origin| origin != app.config.public_url) {
        return Err(ApiError::forbidden(
            "foreign_origin",
            "The live connection must come from the case room's own pages.",
        ));
    }
    Ok(upgrade
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .max_write_buffer_size(MAX_WRITE_BUFFER)
        .max_message_size(MAX_CLIENT_MESSAGE)
        // A frame's size is checked before room is made for it, a message's
        // only once its frames are read: the default 16 MiB frame would let
        // a client make the server hold 16 MiB for one socket.
        .max_frame_size(MAX_CLIENT_MESSAGE)
        .on_upgrade(move |socket| run(app, user, socket)))
}

// FIXME: no presence yet, and a session renewed while the socket is open does
// not extend it (live room issue #5).
async fn run(app: App, user: CurrentUser, socket: WebSocket) {
    let open = metrics::gauge!(crate::telemetry::LIVE_SOCKETS);
    open.increment(1.0);
    run_socket(app, user, socket).await;
    open.decrement(1.0);
}

async fn run_socket(app: App, user: CurrentUser, socket: WebSocket) {
    let expires_in = (user.session_expires_at - chrono::Utc::now())
        .to_std()
        .unwrap_or_default();
    let session_ends = tokio::time::sleep(expires_in);
    tokio::pin!(session_ends);
    let (mut sink, mut incoming) = socket.split();
    let mut notices = app.bus.subscribe();
    let mut session = Session {
        app: app.clone(),
        user,
        rooms: HashMap::new(),
        outbox: Vec::new(),
    };
    let mut ping = tokio::time::interval(PING_EVERY);

    loop {
        tokio::select! {
            _ = &mut session_ends => {
                let reason = "session expired".into();
                let frame = CloseFrame { code: CLOSE_SESSION_EXPIRED, reason };
                let _ = sink.send(Message::Close(Some(frame))).await;
                return;
            }
            _ = app.shutdown.cancelled() => {
                let frame = CloseFrame { code: 1001, reason: "server restarting".into() };
                let _ = sink.send(Message::Close(Some(frame))).await;
                return;
            }
            message = incoming.next() => match message {
                Some(Ok(Message::Text(text))) => session.on_client_message(text.as_str()).await,
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
            notice = notices.recv() => match notice {
                Ok(Notice::Appended { room_id, .. }) => session.catch_up(room_id).await,
                Ok(Notice::Resync) | Err(RecvError::Lagged(_)) => session.catch_up_all().await,
                Err(RecvError::Closed) => return,
            },
            _ = ping.tick() => session.outbox.push(Message::Ping(Default::default())),
        }
        for message in session.outbox.drain(..) {
            if sink.send(message).await.is_err() {
                return;
            }
        }
    }
}

/// One socket's state.
struct Session {
    app: App,
    user: CurrentUser,
    /// Subscribed rooms with the last sequence number sent for each.
    rooms: HashMap<Uuid, i64>,
    /// Messages to send once the current step is done.
    outbox: Vec<Message>,
}

impl Session {
    async fn on_client_message(&mut self, text: &str) {
        match serde_json::from_str::<ClientMessage>(text) {
            Ok(ClientMessage::Subscribe { room_id, after_seq }) => {
                if self.reader(room_id).await.is_none() {
                    self.refuse(room_id);
                    return;
                }
                self.rooms.insert(room_id, after_seq.max(0));
                self.outbox
                    .push(json(&ServerMessage::Subscribed { room_id }));
                self.catch_up(room_id).await;
            }
            Ok(ClientMessage::Unsubscribe { room_id }) => {
                self.rooms.remove(&room_id);
            }
            Err(err) => self.outbox.push(json(&ServerMessage::Refused {
                room_id: None,
                code: "bad_message".into(),
                message: format!("The message was not understood: {err}"),
            })),
        }
    }

    /// The caller's role in the room (and body), or `None` without access.
    async fn reader(&self, room_id: Uuid) -> Option<(RoomRole, Option<Uuid>)> {
        let access = repo::rooms::context(&self.app.db.read, self.user.id, room_id).await;
        match access {
            Ok(Some(ctx)) => Some((ctx.role, ctx.body_id)),
            _ => None,
        }
    }

    fn refuse(&mut self, room_id: Uuid) {
        self.rooms.remove(&room_id);
        self.outbox.push(json(&ServerMessage::Refused {
            room_id: Some(room_id),
            code: "no_access".into(),
            message: "You have no access to this room (any more).".into(),
        }));
    }

    async fn catch_up_all(&mut self) {
        let rooms: Vec<Uuid> = self.rooms.keys().copied().collect();
        for room_id in rooms {
            self.catch_up(room_id).await;
        }
    }

    /// Sends what the socket has not seen of a subscribed room. Access is
    /// checked every time, so someone removed stops receiving at once.
    async fn catch_up(&mut self, room_id: Uuid) {
        let Some(&after) = self.rooms.get(&room_id) else {
            return;
        };
        let Some((role, body)) = self.reader(room_id).await else {
            self.refuse(room_id);
            return;
        };
        let mut last = after;
        loop {
            let batch =
                match events::read_after(&self.app.db.read, room_id, last, REPLAY_BATCH).await {
                    Ok(batch) => batch,
                    Err(err) => {
                        tracing::error!(error = ?err, "reading events for a socket failed");
                        break;
                    }
                };
            let full = batch.len() as i64 == REPLAY_BATCH;
            for event in batch {
                last = event.seq;
                // Entries meant for others leave a gap in the sequence.
                if policy::sees(role, body, event.payload.audience()) {
                    self.outbox.push(json(&ServerMessage::Event { event }));
                }
            }
            if !full {
                break;
            }
        }
        self.rooms.insert(room_id, last);
    }
}

fn json(message: &ServerMessage) -> Message {
    Message::Text(
        serde_json::to_string(message)
            .expect("server messages serialise")
            .into(),
    )
}
