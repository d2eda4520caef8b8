//! The live socket: a client subscribes to rooms and receives every event of
//! each, replayed from where it left off, then as they happen.

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use futures::stream::SplitSink;
use futures::{SinkExt, StreamExt};
use shared::{
    Audience, CLOSE_SESSION_EXPIRED, ClientMessage, FormField, PresentPerson, RoomRole,
    ServerMessage,
};
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;
use uuid::Uuid;

use crate::app::App;
use crate::auth::CurrentUser;
use crate::domain::policy;
use crate::error::ApiError;
use crate::events;
use crate::live::Notice;
use crate::repo;
use crate::repo::presence::Present;

/// Largest client message accepted; subscriptions are tiny.
const MAX_CLIENT_MESSAGE: usize = 16 * 1024;
/// The most people a presence list names; the rest are counted. A room has a
/// dozen people; a longer list helps nobody and costs every socket.
const PRESENCE_LISTED: usize = 50;
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

async fn run(app: App, user: CurrentUser, socket: WebSocket) {
    let open = metrics::gauge!(crate::telemetry::LIVE_SOCKETS);
    open.increment(1.0);
    let mut session = Session {
        app: app.clone(),
        user,
        socket_id: Uuid::now_v7(),
        rooms: HashMap::new(),
        outbox: Vec::new(),
    };
    let ended = run_socket(&mut session, socket).await;
    tracing::debug!(reason = ended, "live socket ended");
    // Whoever sees this person in a room sees them leave.
    if let Err(err) = repo::presence::leave(&app.db.write, session.socket_id, None).await {
        tracing::warn!(error = %err, "presence of a closed socket not removed");
    }
    for room_id in session.rooms.keys() {
        crate::live::presence_changed(&app, *room_id).await;
    }
    open.decrement(1.0);
}

/// How long before its session ends a socket says so, for the page to warn.
const WARN_BEFORE_SESSION_ENDS: Duration = Duration::from_secs(120);

/// Serves one socket until it closes; returns why, for the log.
async fn run_socket(session: &mut Session, socket: WebSocket) -> &'static str {
    let app = session.app.clone();
    let heartbeat = app.config.live_heartbeat;
    let dead_after = app.config.live_dead_after();
    let mut session_ends_at = session.user.session_expires_at;
    let mut warned = false;
    let session_ends = tokio::time::sleep(until(session_ends_at));
    tokio::pin!(session_ends);
    let (mut sink, mut incoming) = socket.split();
    let mut notices = app.bus.subscribe();
    let mut ticks = tokio::time::interval(heartbeat);
    // The first tick is at once; the socket has only just been heard from.
    ticks.tick().await;
    let mut last_heard = Instant::now();

    loop {
        tokio::select! {
            _ = &mut session_ends => {
                // The session may have been renewed since the socket opened.
                match session.session_end().await {
                    Some(end) if end > chrono::Utc::now() => {
                        session_ends_at = end;
                        warned = false;
                        session_ends.as_mut().reset(Instant::now() + until(end));
                    }
                    _ => {
                        close(&mut sink, CLOSE_SESSION_EXPIRED, "session expired").await;
                        return "session expired";
                    }
                }
            }
            _ = app.shutdown.cancelled() => {
                close(&mut sink, 1001, "server restarting").await;
                return "server shutting down";
            }
            message = incoming.next() => {
                last_heard = Instant::now();
                match message {
                    Some(Ok(Message::Text(text))) => {
                        session.on_client_message(text.as_str()).await;
                    }
                    Some(Ok(Message::Close(_))) | None => return "closed by the client",
                    Some(Err(_)) => return "connection broken",
                    // Pongs and pings: proof of life is all they carry.
                    Some(Ok(_)) => {}
                }
            },
            notice = notices.recv() => match notice {
                Ok(Notice::Appended { room_id, .. }) => session.catch_up(room_id).await,
                Ok(Notice::Resync) | Err(RecvError::Lagged(_)) => session.catch_up_all().await,
                Ok(Notice::Presence { room_id, people }) => session.show_presence(room_id, &people),
                Ok(Notice::PresenceChanged { .. }) => {}
                Err(RecvError::Closed) => return "server shutting down",
            },
            _ = ticks.tick() => {
                if last_heard.elapsed() > dead_after {
                    // Nothing can reach the peer; a close frame would not either.
                    return "dead: nothing heard from the client";
                }
                match session.session_end().await {
                    None => {
                        close(&mut sink, CLOSE_SESSION_EXPIRED, "session ended").await;
                        return "session ended";
                    }
                    Some(end) if end != session_ends_at => {
                        session_ends_at = end;
                        warned = false;
                        session_ends.as_mut().reset(Instant::now() + until(end));
                    }
                    Some(_) => {}
                }
                let warn_from = session_ends_at - chrono::Duration::from_std(WARN_BEFORE_SESSION_ENDS)
                    .unwrap_or_default();
                if !warned && chrono::Utc::now() >= warn_from {
                    warned = true;
                    session.send(&ServerMessage::SessionExpiring { at: session_ends_at });
                }
                session.outbox.push(Message::Ping(Default::default()));
                session.send(&ServerMessage::Heartbeat);
            }
        }
        for message in session.outbox.drain(..) {
            if sink.send(message).await.is_err() {
                return "connection broken";
            }
        }
    }
}

/// Time from now until `at`, zero if it has passed.
fn until(at: chrono::DateTime<chrono::Utc>) -> Duration {
    (at - chrono::Utc::now()).to_std().unwrap_or_default()
}

async fn close(sink: &mut SplitSink<WebSocket, Message>, code: u16, reason: &'static str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    let _ = sink.send(Message::Close(Some(frame))).await;
}

/// One subscribed room.
#[derive(Debug, Clone, Copy)]
struct Subscription {
    /// The last sequence number sent.
    last_seq: i64,
    /// The person's role there, as last checked, and their body.
    role: RoomRole,
    body_id: Option<Uuid>,
}

/// One socket's state.
struct Session {
    app: App,
    user: CurrentUser,
    /// Names this socket's presence rows.
    socket_id: Uuid,
    rooms: HashMap<Uuid, Subscription>,
    /// Messages to send once the current step is done.
    outbox: Vec<Message>,
}

impl Session {
    fn send(&mut self, message: &ServerMessage) {
        self.outbox.push(json(message));
    }

    /// When the session behind the socket ends (leeway included), or `None`
    /// once it was ended. A failed read keeps the socket: the next tick asks
    /// again.
    async fn session_end(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        match repo::sessions::session_until(&self.app.db.read, self.user.session_id).await {
            Ok(Some(ms)) => Some(
                crate::db::from_millis(ms)
                    + chrono::Duration::seconds(crate::auth::LEEWAY_SECONDS as i64),
            ),
            Ok(None) => None,
            Err(err) => {
                tracing::warn!(error = %err, "could not check a socket's session");
                Some(self.user.session_expires_at)
            }
        }
    }

    async fn on_client_message(&mut self, text: &str) {
        match serde_json::from_str::<ClientMessage>(text) {
            Ok(ClientMessage::Subscribe { room_id, after_seq }) => {
                let Some((role, body_id)) = self.reader(room_id).await else {
                    self.refuse(room_id).await;
                    return;
                };
                let subscription = Subscription {
                    last_seq: after_seq.max(0),
                    role,
                    body_id,
                };
                self.rooms.insert(room_id, subscription);
                self.send(&ServerMessage::Subscribed { room_id });
                self.catch_up(room_id).await;
                self.enter(room_id, None).await;
            }
            Ok(ClientMessage::Unsubscribe { room_id }) => {
                if self.rooms.remove(&room_id).is_some() {
                    self.leave(room_id).await;
                }
            }
            Ok(ClientMessage::Presence { room_id, editing }) => {
                if self.rooms.contains_key(&room_id) {
                    self.enter(room_id, editing).await;
                }
            }
            Err(err) => self.send(&ServerMessage::Refused {
                room_id: None,
                code: "bad_message".into(),
                message: format!("The message was not understood: {err}"),
            }),
        }
    }

    /// Records where this socket is in a room, for everyone to see.
    async fn enter(&mut self, room_id: Uuid, editing: Option<FormField>) {
        let Some(subscription) = self.rooms.get(&room_id) else {
            return;
        };
        let entering = repo::presence::Entering {
            socket: self.socket_id,
            instance: self.app.instance_id,
            room_id,
            user_id: self.user.id,
            role: subscription.role,
            body_id: subscription.body_id,
            editing,
        };
        match repo::presence::enter(&self.app.db.write, &entering).await {
            Ok(()) => crate::live::presence_changed(&self.app, room_id).await,
            Err(err) => tracing::warn!(error = %err, "presence not recorded"),
        }
    }

    async fn leave(&mut self, room_id: Uuid) {
        match repo::presence::leave(&self.app.db.write, self.socket_id, Some(room_id)).await {
            Ok(()) => crate::live::presence_changed(&self.app, room_id).await,
            Err(err) => tracing::warn!(error = %err, "presence not removed"),
        }
    }

    /// Passes on who is in a subscribed room, as far as this person may see
    /// them: the office is seen by all, applicants by the applicants and the
    /// office, a body's members by that body and the office.
    fn show_presence(&mut self, room_id: Uuid, people: &[Present]) {
        let Some(me) = self.rooms.get(&room_id).copied() else {
            return;
        };
        let visible = people
            .iter()
            .filter(|person| policy::sees(me.role, me.body_id, presence_audience(person)));
        let more = visible.clone().count().saturating_sub(PRESENCE_LISTED) as u32;
        let people = visible
            .take(PRESENCE_LISTED)
            .map(|person| PresentPerson {
                user_id: person.user_id,
                display_name: person.display_name.clone(),
                role: person.role,
                editing: person.editing,
            })
            .collect();
        self.send(&ServerMessage::Presence {
            room_id,
            people,
            more,
        });
    }

    /// The caller's role in the room (and body), or `None` without access.
    async fn reader(&self, room_id: Uuid) -> Option<(RoomRole, Option<Uuid>)> {
        let access = repo::rooms::context(&self.app.db.read, self.user.id, room_id).await;
        match access {
            Ok(Some(ctx)) => Some((ctx.role, ctx.body_id)),
            _ => None,
        }
    }

    async fn refuse(&mut self, room_id: Uuid) {
        if self.rooms.remove(&room_id).is_some() {
            self.leave(room_id).await;
        }
        self.send(&ServerMessage::Refused {
            room_id: Some(room_id),
            code: "no_access".into(),
            message: "You have no access to this room (any more).".into(),
        });
    }

    async fn catch_up_all(&mut self) {
        let rooms: Vec<Uuid> = self.rooms.keys().copied().collect();
        for room_id in rooms {
            self.catch_up(room_id).await;
        }
    }

    /// Sends what the socket has not seen of a subscribed room. Access is
    /// checked every time, so someone removed stops receiving at once, and
    /// someone whose role changed sees from then on what the new role sees.
    async fn catch_up(&mut self, room_id: Uuid) {
        let Some(&subscription) = self.rooms.get(&room_id) else {
            return;
        };
        let Some((role, body)) = self.reader(room_id).await else {
            self.refuse(room_id).await;
            return;
        };
        let mut last = subscription.last_seq;
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
                    self.send(&ServerMessage::Event { event });
                }
            }
            if !full {
                break;
            }
        }
        let changed_role = role != subscription.role || body != subscription.body_id;
        self.rooms.insert(
            room_id,
            Subscription {
                last_seq: last,
                role,
                body_id: body,
            },
        );
        if changed_role {
            self.enter(room_id, None).await;
        }
    }
}

/// Who may see that a person is in the room, by their role there.
fn presence_audience(person: &Present) -> Audience {
    match (person.role, person.body_id) {
        (RoomRole::Caseworker, _) => Audience::Everyone,
        (RoomRole::ConsultedBody, Some(body_id)) => Audience::Body(body_id),
        // A body member without a body cannot be; show them to the office only.
        (RoomRole::ConsultedBody, None) => Audience::Office,
        _ => Audience::Parties,
    }
}

fn json(message: &ServerMessage) -> Message {
    Message::Text(
        serde_json::to_string(message)
            .expect("server messages serialise")
            .into(),
    )
}
