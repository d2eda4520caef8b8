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

pub(crate) async fn next_event(socket: &mut Socket) -> RoomEvent {
    match next(socket).await {
        ServerMessage::Event { event } => event,
        other => panic!("expected an event, got {other:?}"),
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

    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => continue,
                _ => return None,
            }
        }
    })
    .await
    .expect("closed within 10 s");
    assert_eq!(closed, Some(CLOSE_SESSION_EXPIRED));
}

/// Only with PostgreSQL: several instances share one database there.
#[tokio::test]
async fn an_event_made_through_one_instance_reaches_a_socket_on_another() {
    let a = TestApp::new().await;
    if !a.config.database_url.starts_with("postgres") {
        eprintln!("skipped: several instances need PostgreSQL");
        return;
    }
    // Instances behind one load balancer share the database and the secret.
    let (shared_db, shared_secret) = (a.config.database_url.clone(), a.config.jwt_secret.clone());
    let b = TestApp::with(|config| {
        config.database_url = shared_db;
        config.jwt_secret = shared_secret;
    })
    .await;
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
