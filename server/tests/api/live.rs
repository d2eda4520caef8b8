//! The live socket over a real WebSocket connection.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use reqwest::StatusCode;
use shared::*;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use uuid::Uuid;

use crate::support::*;

pub(crate) type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub(crate) async fn connect(app: &TestApp, person: &Person) -> Socket {
    let mut request = format!("{}/api/live", app.base.replace("http", "ws"))
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("cookie", person.session.parse().unwrap());
    let (socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("socket opens");
    socket
}

async fn send(socket: &mut Socket, message: &ClientMessage) {
    socket
        .send(Message::text(serde_json::to_string(message).unwrap()))
        .await
        .unwrap();
}

/// The next server message, skipping pings; fails after five seconds.
pub(crate) async fn next(socket: &mut Socket) -> ServerMessage {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("a message within 5 s")
            .expect("socket open")
            .unwrap();
        if let Message::Text(text) = frame {
            return serde_json::from_str(&text).unwrap();
        }
    }
}

/// The next event; presence and heartbeats in between are skipped, anything
/// else fails the test.
pub(crate) async fn next_event(socket: &mut Socket) -> RoomEvent {
    loop {
        match next(socket).await {
            ServerMessage::Event { event } => return event,
            ServerMessage::Presence { .. } | ServerMessage::Heartbeat => continue,
            other => panic!("expected an event, got {other:?}"),
        }
    }
}

pub(crate) async fn subscribe(socket: &mut Socket, room_id: Uuid, after_seq: i64) {
    send(socket, &ClientMessage::Subscribe { room_id, after_seq }).await;
    assert_eq!(next(socket).await, ServerMessage::Subscribed { room_id });
}

#[tokio::test]
async fn the_designers_upload_reaches_the_builders_open_socket() {
    let app = TestApp::new().await;
    let (_, builder, designer, room) = room_with_designer(&app).await;
    let now = builder.room(room.id).await.last_seq;
    let mut socket = connect(&app, &builder).await;
    subscribe(&mut socket, room.id, now).await;

    designer
        .upload(
            room.id,
            "site_plan",
            "Lageplan.pdf",
            real_file("pdfa2b_verapdf.pdf"),
        )
        .await
        .expect_status(StatusCode::CREATED);

    let event = next_event(&mut socket).await;
    assert_eq!(event.seq, now + 1);
    assert_eq!(event.actor.unwrap().display_name, "Dana Designer");
    assert!(
        matches!(event.payload, EventPayload::DocumentUploaded { ref file_name, .. }
            if file_name == "Lageplan.pdf")
    );
}

#[tokio::test]
async fn a_client_that_reconnects_gets_every_missed_event_once_in_order() {
    let app = TestApp::new().await;
    let (_, builder, designer, room) = room_with_designer(&app).await;
    let seen = builder.room(room.id).await.last_seq;

    // 20 events happen while the builder is away.
    for _ in 0..10 {
        designer.sign(room.id).await;
        designer
            .delete(&format!("/api/rooms/{}/signature", room.id))
            .await
            .expect_status(StatusCode::OK);
    }

    let mut socket = connect(&app, &builder).await;
    subscribe(&mut socket, room.id, seen).await;
    for expected in seen + 1..=seen + 20 {
        assert_eq!(next_event(&mut socket).await.seq, expected);
    }
    // Then live events follow without a gap or a repeat.
    designer.sign(room.id).await;
    assert_eq!(next_event(&mut socket).await.seq, seen + 21);
}

#[tokio::test]
async fn an_outsider_cannot_subscribe_to_a_room() {
    let app = TestApp::new().await;
    let (_, _, room) = app.room().await;
    let outsider = app.register("Olga Outsider").await;
    let mut socket = connect(&app, &outsider).await;
    send(
        &mut socket,
        &ClientMessage::Subscribe {
            room_id: room.id,
            after_seq: 0,
        },
    )
    .await;
    match next(&mut socket).await {
        ServerMessage::Refused { room_id, code, .. } => {
            assert_eq!(room_id, Some(room.id));
            assert_eq!(code, "no_access");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_socket_without_a_session_is_refused() {
    let app = TestApp::new().await;
    let request = format!("{}/api/live", app.base.replace("http", "ws"))
        .into_client_request()
        .unwrap();
    let err = tokio_tungstenite::connect_async(request).await.unwrap_err();
    match err {
        tokio_tungstenite::tungstenite::Error::Http(response) => assert_eq!(response.status(), 401),
        other => panic!("expected 401, got {other}"),
    }
}

#[tokio::test]
async fn a_garbled_message_is_answered_not_fatal() {
    let app = TestApp::new().await;
    let (_, builder, room) = app.room().await;
    let mut socket = connect(&app, &builder).await;
    socket.send(Message::text("{not json")).await.unwrap();
    assert!(matches!(
        next(&mut socket).await,
        ServerMessage::Refused { room_id: None, .. }
    ));
    subscribe(&mut socket, room.id, 0).await;
    assert_eq!(next_event(&mut socket).await.seq, 1);
}

#[tokio::test]
async fn a_page_of_another_site_cannot_open_a_socket_with_our_cookie() {
    let app = TestApp::new().await;
    let builder = app.register("Bea Builder").await;
    let mut request = format!("{}/api/live", app.base.replace("http", "ws"))
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("cookie", builder.session.parse().unwrap());
    request
        .headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    let err = tokio_tungstenite::connect_async(request).await.unwrap_err();
    match err {
        tokio_tungstenite::tungstenite::Error::Http(response) => assert_eq!(response.status(), 403),
        other => panic!("expected 403, got {other}"),
    }
}

#[tokio::test]
async fn a_socket_closes_with_its_own_code_when_the_session_expires() {
    let app = TestApp::new().await;
    let builder = app.register("Bea Builder").await;
    // Past its expiry but within the leeway: accepted for about one more second.
    let exp = chrono::Utc::now().timestamp() - server::auth::LEEWAY_SECONDS as i64 + 1;
    let token = server::auth::start_session_until(&app.app, builder.id, exp)
        .await
        .unwrap();
    let short = Person {
        session: format!("vr_session={token}"),
        ..builder
    };
    let mut socket = connect(&app, &short).await;
    assert_eq!(
        close_code(&mut socket, 10).await,
        Some(CLOSE_SESSION_EXPIRED)
    );
}

/// A second instance beside `a`, as behind one load balancer: the same
/// database and secret. Only with PostgreSQL, where instances share one.
async fn second_instance(a: &TestApp) -> Option<TestApp> {
    if !a.config.database_url.starts_with("postgres") {
        return None;
    }
    let (shared_db, shared_secret) = (a.config.database_url.clone(), a.config.jwt_secret.clone());
    let b = TestApp::with(|config| {
        config.database_url = shared_db;
        config.jwt_secret = shared_secret;
    })
    .await;
    Some(b)
}

#[tokio::test]
async fn an_event_made_through_one_instance_reaches_a_socket_on_another() {
    let a = TestApp::new().await;
    let Some(b) = second_instance(&a).await else {
        eprintln!("skipped: several instances need PostgreSQL");
        return;
    };
    let (_, builder, designer, room) = room_with_designer(&a).await;

    let on_b = Person {
        base: b.base.clone(),
        ..builder.clone()
    };
    let mut socket = connect(&b, &on_b).await;
    subscribe(&mut socket, room.id, builder.room(room.id).await.last_seq).await;

    designer.sign(room.id).await;
    let event = next_event(&mut socket).await;
    assert!(matches!(
        event.payload,
        EventPayload::SignatureGiven {
            role: RoomRole::Designer,
            ..
        }
    ));
}

/// The next server message that `wanted` picks, skipping others (heartbeats,
/// presence changes); fails after `seconds`.
async fn wait_for<T>(
    socket: &mut Socket,
    seconds: u64,
    mut wanted: impl FnMut(ServerMessage) -> Option<T>,
) -> T {
    tokio::time::timeout(Duration::from_secs(seconds), async {
        loop {
            let frame = socket.next().await.expect("socket open").unwrap();
            if let Message::Text(text) = frame
                && let Some(found) = wanted(serde_json::from_str(&text).unwrap())
            {
                return found;
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("the expected message did not come within {seconds} s"))
}

/// The next presence list of `room_id`: who is there, and what they edit.
async fn next_presence(socket: &mut Socket, room_id: Uuid) -> Vec<(String, Option<FormField>)> {
    wait_for(socket, 30, |message| match message {
        ServerMessage::Presence {
            room_id: r, people, ..
        } if r == room_id => Some(
            people
                .into_iter()
                .map(|p| (p.display_name, p.editing))
                .collect(),
        ),
        _ => None,
    })
    .await
}

/// How the socket ended: its close code, or `None` for a drop without one.
async fn close_code(socket: &mut Socket, seconds: u64) -> Option<u16> {
    tokio::time::timeout(Duration::from_secs(seconds), async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => continue,
                _ => return None,
            }
        }
    })
    .await
    .expect("the socket closed in time")
}

#[tokio::test]
async fn a_member_taken_out_of_the_room_gets_nothing_more_and_is_told_why() {
    let app = TestApp::new().await;
    let (_, builder, designer, room) = room_with_designer(&app).await;
    let mut socket = connect(&app, &designer).await;
    subscribe(&mut socket, room.id, designer.room(room.id).await.last_seq).await;

    let designer_id = designer.id;
    builder
        .delete(&format!("/api/rooms/{}/members/{designer_id}", room.id))
        .await
        .expect_status(StatusCode::OK);
    // The builder goes on working; none of it may reach the designer.
    builder
        .upload(
            room.id,
            "site_plan",
            "Lageplan.pdf",
            real_file("pdfa2b_verapdf.pdf"),
        )
        .await
        .expect_status(StatusCode::CREATED);

    let refusal = wait_for(&mut socket, 10, |message| match message {
        ServerMessage::Event { event } => panic!("an event reached a removed member: {event:?}"),
        ServerMessage::Refused { room_id, code, .. } => Some((room_id, code)),
        _ => None,
    })
    .await;
    assert_eq!(refusal, (Some(room.id), "no_access".to_string()));
    // Nothing follows: the builder's upload stays away from this socket.
    let later = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Text(text))) => {
                    if let ServerMessage::Event { event } = serde_json::from_str(&text).unwrap() {
                        return event;
                    }
                }
                Some(Ok(_)) => continue,
                _ => std::future::pending().await,
            }
        }
    })
    .await;
    assert!(later.is_err(), "a removed member got {later:?}");
    designer
        .get(&format!("/api/rooms/{}", room.id))
        .await
        .expect_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_office_only_entry_never_reaches_an_applicants_socket() {
    let app = TestApp::new().await;
    let (office, builder, designer, _) = room_with_designer(&app).await;
    let caseworker = app.caseworker(office, "Erika Sachbearbeiterin").await;
    let admin = app.office_admin(office, "Anna Admin").await;
    let parties = Parties {
        builder: &builder,
        designer: &designer,
        others: &[],
        caseworker: &caseworker,
        admin: &admin,
    };
    let (room, _) = parties.submitted(office).await;
    let mut socket = connect(&app, &builder).await;
    subscribe(&mut socket, room.id, room.last_seq).await;

    // The record's export is the office's business alone…
    caseworker
        .get(&format!("/api/rooms/{}/export", room.id))
        .await
        .expect_status(StatusCode::OK);
    // …the start of the check is everyone's.
    caseworker
        .post(&format!("/api/rooms/{}/check", room.id))
        .await
        .expect_status(StatusCode::OK);

    let event = next_event(&mut socket).await;
    assert!(
        matches!(event.payload, EventPayload::StatusChanged { .. }),
        "the applicant's next event is the status change, not {event:?}"
    );
    // The export took the sequence number in between: a gap, not a leak.
    assert_eq!(event.seq, room.last_seq + 2);
}

#[tokio::test]
async fn a_socket_closes_with_its_code_when_its_session_is_ended_elsewhere() {
    let app = TestApp::with(|config| config.live_heartbeat = Duration::from_secs(1)).await;
    let builder = app.register("Bea Builder").await;
    let mut socket = connect(&app, &builder).await;
    builder.post("/api/auth/logout").await;
    assert_eq!(
        close_code(&mut socket, 30).await,
        Some(CLOSE_SESSION_EXPIRED)
    );
}

#[tokio::test]
async fn a_renewed_session_keeps_its_socket_open_and_is_warned_first() {
    let app = TestApp::with(|config| config.live_heartbeat = Duration::from_secs(1)).await;
    let builder = app.register("Bea Builder").await;
    // A session with ten seconds to go (leeway included): the socket is warned.
    let exp = chrono::Utc::now().timestamp() - server::auth::LEEWAY_SECONDS as i64 + 10;
    let token = server::auth::start_session_until(&app.app, builder.id, exp)
        .await
        .unwrap();
    let short = Person {
        session: format!("vr_session={token}"),
        ..builder
    };
    let mut socket = connect(&app, &short).await;
    let warned_for = wait_for(&mut socket, 30, |message| match message {
        ServerMessage::SessionExpiring { at } => Some(at),
        _ => None,
    })
    .await;
    assert!(warned_for > chrono::Utc::now());

    // The session is renewed on the server (as a refresh will do it).
    let renewed_until = (chrono::Utc::now().timestamp() + 3600) * 1000;
    sqlx::query("UPDATE sessions SET expires_at = $1")
        .bind(renewed_until)
        .execute(&app.app.db.write)
        .await
        .unwrap();
    // Past the old end, the socket still carries heartbeats.
    tokio::time::sleep_until(
        tokio::time::Instant::now()
            + (warned_for - chrono::Utc::now())
                .to_std()
                .unwrap_or_default(),
    )
    .await;
    wait_for(&mut socket, 10, |message| {
        (message == ServerMessage::Heartbeat).then_some(())
    })
    .await;
}

#[tokio::test]
async fn people_in_the_room_see_each_other_and_what_each_edits() {
    let app = TestApp::new().await;
    let (_, builder, designer, room) = room_with_designer(&app).await;
    let mut builders = connect(&app, &builder).await;
    subscribe(&mut builders, room.id, room.last_seq).await;
    let mut designers = connect(&app, &designer).await;
    subscribe(&mut designers, room.id, room.last_seq).await;

    send(
        &mut designers,
        &ClientMessage::Presence {
            room_id: room.id,
            editing: Some(FormField::Parcel),
        },
    )
    .await;
    let wanted = vec![
        ("Bea Builder".to_string(), None),
        ("Dana Designer".to_string(), Some(FormField::Parcel)),
    ];
    let mut seen = next_presence(&mut builders, room.id).await;
    while seen != wanted {
        seen = next_presence(&mut builders, room.id).await;
    }

    drop(designers);
    let mut seen = next_presence(&mut builders, room.id).await;
    while seen.len() != 1 {
        seen = next_presence(&mut builders, room.id).await;
    }
    assert_eq!(seen, vec![("Bea Builder".to_string(), None)]);
}

/// A TCP relay between a client and the server that can go silent: once
/// muted it passes nothing either way but keeps both connections open, as a
/// dead mobile network or a crashed NAT router does.
struct Relay {
    address: std::net::SocketAddr,
    muted: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Relay {
    async fn to(base: &str) -> Relay {
        use std::sync::atomic::AtomicBool;
        let target = base.trim_start_matches("http://").to_string();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let muted = std::sync::Arc::new(AtomicBool::new(false));
        let flag = muted.clone();
        tokio::spawn(async move {
            let (client, _) = listener.accept().await.unwrap();
            let server = tokio::net::TcpStream::connect(target).await.unwrap();
            let (client_read, client_write) = client.into_split();
            let (server_read, server_write) = server.into_split();
            tokio::spawn(pass(client_read, server_write, flag.clone()));
            pass(server_read, client_write, flag).await;
        });
        Relay { address, muted }
    }

    fn mute(&self) {
        self.muted.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Copies bytes until muted; then swallows them, and holds the connection.
async fn pass(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    muted: std::sync::Arc<std::sync::atomic::AtomicBool>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let Ok(n) = from.read(&mut buffer).await else {
            return;
        };
        if n == 0 {
            return;
        }
        if !muted.load(std::sync::atomic::Ordering::SeqCst)
            && to.write_all(&buffer[..n]).await.is_err()
        {
            return;
        }
    }
}

#[tokio::test]
async fn a_socket_behind_a_silent_network_is_found_dead_and_leaves_the_room() {
    // Heartbeats every second: the server gives up after 2 s × 2 + 5 s; with
    // the default 25 s that is 55 s, within the minute the issue allows.
    let app = TestApp::with(|config| config.live_heartbeat = Duration::from_secs(1)).await;
    let (_, builder, designer, room) = room_with_designer(&app).await;
    let relay = Relay::to(&app.base).await;
    let mut request = format!("ws://{}/api/live", relay.address)
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("cookie", builder.session.parse().unwrap());
    let (mut builders, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    subscribe(&mut builders, room.id, room.last_seq).await;
    // The builder's client reads on, and so answers the server's pings,
    // until the network goes silent.
    let builder_reads =
        tokio::spawn(async move { while let Some(Ok(_)) = builders.next().await {} });
    let mut designers = connect(&app, &designer).await;
    subscribe(&mut designers, room.id, room.last_seq).await;
    let mut seen = next_presence(&mut designers, room.id).await;
    while seen.len() != 2 {
        seen = next_presence(&mut designers, room.id).await;
    }

    relay.mute();
    let started = std::time::Instant::now();
    let mut seen = next_presence(&mut designers, room.id).await;
    while seen.len() != 1 {
        seen = next_presence(&mut designers, room.id).await;
    }
    assert_eq!(seen, vec![("Dana Designer".to_string(), None)]);
    // Not merely the 30 s this wait allows: the server noticed by itself,
    // after its dead-socket window (here 7 s) and before the next check.
    assert!(
        started.elapsed() >= app.config.live_dead_after() - Duration::from_secs(2),
        "the builder left after only {:?}",
        started.elapsed()
    );
    builder_reads.abort();
}

#[tokio::test]
async fn presence_is_shared_between_instances() {
    let a = TestApp::new().await;
    let Some(b) = second_instance(&a).await else {
        eprintln!("skipped: several instances need PostgreSQL");
        return;
    };
    let (_, builder, designer, room) = room_with_designer(&a).await;
    let mut on_a = connect(&a, &builder).await;
    subscribe(&mut on_a, room.id, room.last_seq).await;
    let designer_on_b = Person {
        base: b.base.clone(),
        ..designer.clone()
    };
    let mut on_b = connect(&b, &designer_on_b).await;
    subscribe(&mut on_b, room.id, room.last_seq).await;

    let mut seen = next_presence(&mut on_a, room.id).await;
    while seen.len() != 2 {
        seen = next_presence(&mut on_a, room.id).await;
    }
    assert!(seen.iter().any(|(name, _)| name == "Dana Designer"));
}
