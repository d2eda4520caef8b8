//! Messages in a room, as its parties use them: threads for the whole room,
//! internal notes of the office, threads of the office with one consulted
//! body; mentions, references to documents, unread counts, double clicks
//! and bad input.

use reqwest::StatusCode;
use serde_json::{Value, json};
use shared::*;
use uuid::Uuid;

use crate::live::{connect, next_event, subscribe};
use crate::notifications::mails_to;
use crate::support::*;

/// Everyone of one procedure in review: the fire service and nature
/// conservation asked about the site plan.
struct Cast {
    app: TestApp,
    office: Uuid,
    builder: Person,
    designer: Person,
    caseworker: Person,
    fire: Person,
    nature: Person,
    room: RoomView,
    plan: Uuid,
}

impl Cast {
    async fn new() -> Cast {
        let app = TestApp::new().await;
        let office = app.office("Bauamt Nachrichten").await;
        let builder = app.register("Bea Builder").await;
        let designer = app.register("Dana Designer").await;
        let caseworker = app.caseworker(office, "Carla Caseworker").await;
        let fire = app
            .body_member(office, "fire_protection", "Frieda Feuerwehr")
            .await;
        let nature = app
            .body_member(office, "nature_conservation", "Nora Natur")
            .await;
        let admin = app.office_admin(office, "Anna Admin").await;
        let parties = Parties {
            builder: &builder,
            designer: &designer,
            others: &[],
            caseworker: &caseworker,
            admin: &admin,
        };
        let (room, plan) = parties.in_review(office).await;
        let bodies = server::repo::procedure::bodies(&app.app.db.read, office)
            .await
            .unwrap();
        let body = |key: &str| bodies.iter().find(|b| b.key == key).unwrap().id;
        let room = caseworker
            .act(
                &format!("/api/rooms/{}/statement-requests", room.id),
                Some(json!({
                    "body_ids": [body("fire_protection"), body("nature_conservation")],
                    "question": "Bestehen Bedenken?",
                    "document_ids": [plan],
                })),
            )
            .await;
        Cast {
            app,
            office,
            builder,
            designer,
            caseworker,
            fire,
            nature,
            room,
            plan,
        }
    }

    fn body_of(&self, key: &str) -> Uuid {
        self.room
            .statement_requests
            .iter()
            .find(|r| r.body.key == key)
            .unwrap()
            .body
            .id
    }

    fn threads_path(&self) -> String {
        format!("/api/rooms/{}/threads", self.room.id)
    }

    fn messages_path(&self, thread: Uuid) -> String {
        format!("/api/rooms/{}/threads/{thread}/messages", self.room.id)
    }

    fn read_path(&self, thread: Uuid) -> String {
        format!("/api/rooms/{}/threads/{thread}/read", self.room.id)
    }

    /// Starts a thread; it must succeed.
    async fn start(&self, who: &Person, body: Value) -> ThreadView {
        who.post_json(&self.threads_path(), &body)
            .await
            .expect_status(StatusCode::CREATED)
            .json()
    }

    /// Replies in a thread; it must succeed.
    async fn reply(&self, who: &Person, thread: Uuid, text: &str) -> ThreadView {
        who.post_json(&self.messages_path(thread), &json!({"text": text}))
            .await
            .expect_status(StatusCode::CREATED)
            .json()
    }

    async fn threads(&self, who: &Person) -> MessagesView {
        who.get(&self.threads_path())
            .await
            .expect_status(StatusCode::OK)
            .json()
    }

    async fn events(&self, who: &Person) -> Vec<RoomEvent> {
        who.get(&format!("/api/rooms/{}/events", self.room.id))
            .await
            .expect_status(StatusCode::OK)
            .json()
    }
}

fn thread(view: &MessagesView, id: Uuid) -> Option<&ThreadView> {
    view.threads.iter().find(|t| t.id == id)
}

/// The mails telling `person` they were mentioned.
fn mentions_mailed_to(app: &TestApp, person: &Person) -> Vec<String> {
    mails_to(app, &person.email)
        .into_iter()
        .map(|mail| mail.replace("=\r\n", "").replace("=\n", ""))
        .filter(|mail| mail.contains("mentioned you"))
        .collect()
}

fn note(text: &str) -> Value {
    json!({"subject": "Intern", "visibility": {"kind": "office"}, "text": text})
}

#[tokio::test]
async fn an_office_note_never_reaches_the_applicants_over_http_or_the_socket() {
    let cast = Cast::new().await;
    let seen = cast.builder.room(cast.room.id).await.last_seq;
    let mut socket = connect(&cast.app, &cast.builder).await;
    subscribe(&mut socket, cast.room.id, seen).await;

    let secret = "Statik extern prüfen lassen, Bauherr wirkt unzuverlässig";
    let internal = cast.start(&cast.caseworker, note(secret)).await;
    let question = cast
        .start(
            &cast.caseworker,
            json!({
                "subject": "Rückfrage zur Zufahrt",
                "visibility": {"kind": "room"},
                "text": "Wie breit ist die Zufahrt?",
                "mentions": [cast.builder.id],
            }),
        )
        .await;

    // The socket skips the note: the first entry the builder gets is the
    // room's thread, one sequence number further on.
    let event = next_event(&mut socket).await;
    assert_eq!(event.seq, seen + 2, "the note's entry is left out");
    match event.payload {
        EventPayload::ThreadStarted {
            thread_id,
            visibility,
            ref mentions,
            ..
        } => {
            assert_eq!(thread_id, question.id);
            assert_eq!(visibility, ThreadVisibility::Room);
            assert_eq!(mentions, &vec![cast.builder.id]);
        }
        other => panic!("expected the room's thread, got {other:?}"),
    }

    // Over HTTP neither the threads nor the history nor the room name it.
    for applicant in [&cast.builder, &cast.designer] {
        let threads = cast.threads(applicant).await;
        assert_eq!(threads.threads.len(), 1);
        assert_eq!(threads.threads[0].id, question.id);
        for path in [
            cast.threads_path(),
            format!("/api/rooms/{}/events", cast.room.id),
            format!("/api/rooms/{}", cast.room.id),
        ] {
            let body = applicant.get(&path).await.body;
            let body = String::from_utf8_lossy(&body);
            assert!(!body.contains("Statik"), "{path} shows the note");
            assert!(!body.contains(&internal.id.to_string()), "{path} names it");
        }
        // Nor may they write in it or mark it read: it does not exist for them.
        applicant
            .post_json(&cast.messages_path(internal.id), &json!({"text": "Hallo?"}))
            .await
            .expect_status(StatusCode::NOT_FOUND);
        let up_to = internal.messages[0].id;
        applicant
            .post_json(&cast.read_path(internal.id), &json!({"up_to": up_to}))
            .await
            .expect_status(StatusCode::NOT_FOUND);
    }
    let office = cast.threads(&cast.caseworker).await;
    assert_eq!(office.threads.len(), 2);
    assert_eq!(
        thread(&office, internal.id).unwrap().messages[0].text,
        secret
    );

    // The mention reached the builder by mail, without the message itself.
    let mails = mentions_mailed_to(&cast.app, &cast.builder);
    assert_eq!(mails.len(), 1, "one mail for the mention");
    assert!(
        !mails[0].contains("Zufahrt?"),
        "the mail leaves the text out"
    );
}

#[tokio::test]
async fn a_bodys_thread_is_read_by_that_body_and_the_office_only() {
    let cast = Cast::new().await;
    let fire = cast.body_of("fire_protection");
    let nature = cast.body_of("nature_conservation");
    let with_fire = cast
        .start(
            &cast.caseworker,
            json!({
                "subject": "Löschwasser",
                "visibility": {"kind": "body", "body_id": fire},
                "text": "Reicht der Hydrant in 80 m?",
                "mentions": [cast.fire.id],
                "document_ids": [cast.plan],
            }),
        )
        .await;
    assert_eq!(with_fire.messages[0].documents[0].id, cast.plan);

    // The fire service reads and answers; nobody else sees the thread.
    let theirs = cast.threads(&cast.fire).await;
    assert_eq!(theirs.threads.len(), 1);
    assert_eq!(theirs.threads[0].unread, 1);
    cast.reply(&cast.fire, with_fire.id, "Ja, Hydrant genügt.")
        .await;
    for outsider in [&cast.nature, &cast.builder, &cast.designer] {
        assert!(cast.threads(outsider).await.threads.is_empty());
        let events = cast.events(outsider).await;
        assert!(
            !events.iter().any(|e| matches!(
                e.payload,
                EventPayload::ThreadStarted { .. } | EventPayload::MessagePosted { .. }
            )),
            "{} sees the body's thread in the history",
            outsider.name
        );
        outsider
            .post_json(
                &cast.messages_path(with_fire.id),
                &json!({"text": "Auch ich"}),
            )
            .await
            .expect_status(StatusCode::NOT_FOUND);
    }
    let office = cast.threads(&cast.caseworker).await;
    assert_eq!(thread(&office, with_fire.id).unwrap().messages.len(), 2);

    // A body writes with the office in its own thread only; applicants
    // only with the whole room.
    let refused = [
        (&cast.fire, json!({"kind": "room"})),
        (&cast.fire, json!({"kind": "office"})),
        (&cast.fire, json!({"kind": "body", "body_id": nature})),
        (&cast.builder, json!({"kind": "office"})),
        (&cast.builder, json!({"kind": "body", "body_id": fire})),
    ];
    for (who, visibility) in refused {
        let problem = who
            .post_json(
                &cast.threads_path(),
                &json!({"subject": "Frage", "visibility": visibility, "text": "Hallo"}),
            )
            .await
            .expect_status(StatusCode::FORBIDDEN)
            .problem();
        assert_eq!(problem.code, "not_allowed", "{} {visibility}", who.name);
    }
    // What the fire service may start, the page offers: its own thread only.
    let options: Vec<ThreadVisibility> = theirs.options.iter().map(|o| o.visibility).collect();
    assert_eq!(options, [ThreadVisibility::Body { body_id: fire }]);
    let readers: Vec<Uuid> = theirs.options[0]
        .readers
        .iter()
        .map(|p| p.user_id)
        .collect();
    assert!(readers.contains(&cast.fire.id) && readers.contains(&cast.caseworker.id));
    assert!(!readers.contains(&cast.builder.id) && !readers.contains(&cast.nature.id));
}

#[tokio::test]
async fn a_mention_must_name_a_person_of_the_room_who_reads_the_thread() {
    let cast = Cast::new().await;
    let outsider = cast.app.register("Olga Outsider").await;
    let before = cast.caseworker.room(cast.room.id).await.last_seq;
    let room_thread = |mentions: Value| {
        json!({
            "subject": "Frage",
            "visibility": {"kind": "room"},
            "text": "Bitte melden",
            "mentions": mentions,
        })
    };
    let internal = json!({
        "subject": "Intern",
        "visibility": {"kind": "office"},
        "text": "Nur für uns",
        "mentions": [cast.builder.id],
    });
    let cases = [
        internal,
        room_thread(json!([outsider.id])),
        room_thread(json!([cast.fire.id])),
        room_thread(json!([Uuid::new_v4()])),
        room_thread(json!(vec![cast.builder.id; 21])),
    ];
    let mut details = Vec::new();
    for body in cases {
        let problem = cast
            .caseworker
            .post_json(&cast.threads_path(), &body)
            .await
            .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
            .problem();
        assert_eq!(problem.field.as_deref(), Some("mentions"), "{body}");
        details.push(problem.detail);
    }
    assert!(
        details[0].contains("cannot read this thread"),
        "{}",
        details[0]
    );
    assert!(
        details[1].contains("not a person of this room"),
        "{}",
        details[1]
    );
    assert!(
        details[2].contains("cannot read this thread"),
        "{}",
        details[2]
    );
    assert!(details[4].contains("at most 20"), "{}", details[4]);

    // Nothing of it was stored or logged, and nobody was mailed.
    assert!(cast.threads(&cast.caseworker).await.threads.is_empty());
    assert_eq!(cast.caseworker.room(cast.room.id).await.last_seq, before);
    assert!(mentions_mailed_to(&cast.app, &cast.builder).is_empty());
    assert!(mentions_mailed_to(&cast.app, &outsider).is_empty());

    // Ticked twice, a person is mentioned once.
    let started = cast
        .start(
            &cast.caseworker,
            room_thread(json!([cast.builder.id, cast.designer.id, cast.builder.id])),
        )
        .await;
    let mentioned: Vec<&str> = started.messages[0]
        .mentions
        .iter()
        .map(|m| m.display_name.as_str())
        .collect();
    assert_eq!(mentioned, ["Bea Builder", "Dana Designer"]);
}

#[tokio::test]
async fn a_message_refers_only_to_documents_every_reader_of_its_thread_sees() {
    let cast = Cast::new().await;
    let other_room = cast.builder.create_room(cast.office).await;
    let elsewhere: DocumentView = cast
        .builder
        .upload(
            other_room.id,
            "site_plan",
            "Anderer Lageplan.pdf",
            real_file("pdfa2b_verapdf.pdf"),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    // The notice is the office's until the decision: no applicant, no body
    // sees it yet.
    let notice_version = upload_notice(&cast.caseworker, cast.room.id).await;
    let notice = cast
        .caseworker
        .room(cast.room.id)
        .await
        .documents
        .into_iter()
        .find(|d| d.versions.iter().any(|v| v.id == notice_version))
        .unwrap()
        .id;
    let fire = cast.body_of("fire_protection");
    let start = |visibility: Value, document: Uuid| {
        json!({
            "subject": "Unterlagen",
            "visibility": visibility,
            "text": "Siehe Anlage",
            "document_ids": [document],
        })
    };
    let refused = [
        start(json!({"kind": "room"}), elsewhere.id),
        start(json!({"kind": "room"}), notice),
        start(json!({"kind": "body", "body_id": fire}), notice),
        start(json!({"kind": "office"}), Uuid::new_v4()),
    ];
    for body in refused {
        let problem = cast
            .caseworker
            .post_json(&cast.threads_path(), &body)
            .await
            .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
            .problem();
        assert_eq!(problem.field.as_deref(), Some("document_ids"), "{body}");
    }
    assert!(cast.threads(&cast.caseworker).await.threads.is_empty());

    // Among the office it may name its draft notice; with the room, the plan.
    let internal = cast
        .start(&cast.caseworker, start(json!({"kind": "office"}), notice))
        .await;
    assert_eq!(internal.messages[0].documents[0].id, notice);
    let with_room = cast
        .start(&cast.caseworker, start(json!({"kind": "room"}), cast.plan))
        .await;
    assert!(!with_room.document_ids.contains(&notice));
    let builders = cast.threads(&cast.builder).await;
    let seen = &thread(&builders, with_room.id).unwrap().messages[0].documents[0];
    assert_eq!(seen.id, cast.plan);
    assert!(
        seen.version
            .download_url
            .contains(&cast.room.id.to_string())
    );
    // An applicant refers to what the room sees, not to another room's files.
    let problem = cast
        .builder
        .post_json(
            &cast.messages_path(with_room.id),
            &json!({"text": "Hier", "document_ids": [elsewhere.id]}),
        )
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
        .problem();
    assert_eq!(problem.field.as_deref(), Some("document_ids"));
}

#[tokio::test]
async fn unread_counts_rise_for_the_others_and_fall_after_reading() {
    let cast = Cast::new().await;
    let question = cast
        .start(
            &cast.caseworker,
            json!({"subject": "Zufahrt", "visibility": {"kind": "room"}, "text": "Wie breit?"}),
        )
        .await;
    let unread = |view: &MessagesView| (view.unread, thread(view, question.id).unwrap().unread);
    assert_eq!(unread(&cast.threads(&cast.caseworker).await), (0, 0));
    assert_eq!(unread(&cast.threads(&cast.builder).await), (1, 1));
    assert_eq!(unread(&cast.threads(&cast.designer).await), (1, 1));

    // Who answers has read what they answer.
    cast.reply(&cast.builder, question.id, "3,5 m").await;
    assert_eq!(unread(&cast.threads(&cast.builder).await), (0, 0));
    assert_eq!(unread(&cast.threads(&cast.caseworker).await), (1, 1));
    assert_eq!(unread(&cast.threads(&cast.designer).await), (2, 2));

    // A second thread adds to the room's total.
    cast.start(
        &cast.builder,
        json!({"subject": "Baubeginn", "visibility": {"kind": "room"}, "text": "Ab Mai?"}),
    )
    .await;
    let designers = cast.threads(&cast.designer).await;
    assert_eq!(designers.unread, 3);

    // Reading moves the marker forward, never back.
    let messages = &thread(&designers, question.id).unwrap().messages;
    let (first, last) = (messages[0].id, messages[1].id);
    let after: MessagesView = cast
        .designer
        .post_json(&cast.read_path(question.id), &json!({"up_to": first}))
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(unread(&after), (2, 1));
    cast.designer
        .post_json(&cast.read_path(question.id), &json!({"up_to": last}))
        .await
        .expect_status(StatusCode::OK);
    let after: MessagesView = cast
        .designer
        .post_json(&cast.read_path(question.id), &json!({"up_to": first}))
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(unread(&after), (1, 0));
    // The builder's reading is the builder's: the caseworker's count stays.
    assert_eq!(unread(&cast.threads(&cast.caseworker).await), (2, 1));
    // Reading is no entry of the room's log.
    let events = cast.events(&cast.caseworker).await;
    let kinds: Vec<&str> = events
        .iter()
        .rev()
        .take(3)
        .map(|e| e.payload.kind())
        .collect();
    assert_eq!(
        kinds,
        ["thread_started", "message_posted", "thread_started"]
    );
}

#[tokio::test]
async fn a_double_click_makes_one_thread_and_one_message() {
    let cast = Cast::new().await;
    let key = Uuid::new_v4();
    let body = json!({
        "subject": "Zufahrt",
        "visibility": {"kind": "room"},
        "text": "Wie breit?",
        "client_key": key,
    });
    let first: ThreadView = cast
        .caseworker
        .post_json(&cast.threads_path(), &body)
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    let again: ThreadView = cast
        .caseworker
        .post_json(&cast.threads_path(), &body)
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(first.id, again.id);

    // Two clicks at once on "send": one message.
    let reply = json!({"text": "3,5 m", "client_key": Uuid::new_v4()});
    let path = cast.messages_path(first.id);
    let (a, b) = tokio::join!(
        cast.builder.post_json(&path, &reply),
        cast.builder.post_json(&path, &reply),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CREATED]);

    let threads = cast.threads(&cast.caseworker).await;
    assert_eq!(threads.threads.len(), 1);
    assert_eq!(threads.threads[0].messages.len(), 2);
    let logged = cast
        .events(&cast.caseworker)
        .await
        .iter()
        .filter(|e| {
            matches!(
                e.payload,
                EventPayload::ThreadStarted { .. } | EventPayload::MessagePosted { .. }
            )
        })
        .count();
    assert_eq!(logged, 2);
}

#[tokio::test]
async fn bad_messages_get_precise_answers_and_store_nothing() {
    let cast = Cast::new().await;
    let question = cast
        .start(
            &cast.caseworker,
            json!({"subject": "Zufahrt", "visibility": {"kind": "room"}, "text": "Wie breit?"}),
        )
        .await;
    let before = cast.caseworker.room(cast.room.id).await.last_seq;
    let other_room = cast.thread_in_another_room().await;

    let start = |subject: &str, text: &str| {
        json!({
            "subject": subject,
            "visibility": {"kind": "room"},
            "text": text,
        })
    };
    let long_text = "ä".repeat(10_001);
    let long_subject = "ü".repeat(201);
    let unknown_body = json!({
        "subject": "Frage",
        "visibility": {"kind": "body", "body_id": Uuid::new_v4()},
        "text": "Hallo",
    });
    let everyone = json!({"subject": "Frage", "visibility": {"kind": "everyone"}, "text": "Hi"});
    let (threads, replies) = (cast.threads_path(), cast.messages_path(question.id));
    let (unknown_thread, foreign_thread) = (
        cast.messages_path(Uuid::new_v4()),
        cast.messages_path(other_room),
    );
    let first = question.messages[0].id;
    // What each bad request must answer: status, code, field.
    let field = |name| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            Some(name),
        )
    };
    let shape = (StatusCode::UNPROCESSABLE_ENTITY, "malformed_json", None);
    let missing = (StatusCode::NOT_FOUND, "not_found", None);
    let cases = [
        (&threads, start("Frage", ""), field("text")),
        (&threads, start("Frage", " \n\t "), field("text")),
        (&threads, start("Frage", &long_text), field("text")),
        (&threads, start("", "Hallo"), field("subject")),
        (&threads, start(&long_subject, "Hallo"), field("subject")),
        (&threads, unknown_body, field("visibility.body_id")),
        (&threads, everyone, shape),
        (
            &threads,
            json!({"subject": "Frage", "text": "Hallo"}),
            shape,
        ),
        (&replies, json!({"text": ""}), field("text")),
        (
            &replies,
            json!({"text": "Hallo", "mentions": "alle"}),
            shape,
        ),
        (&unknown_thread, json!({"text": "Hallo"}), missing),
        (&foreign_thread, json!({"text": "Hallo"}), missing),
        (
            &cast.read_path(question.id),
            json!({"up_to": Uuid::new_v4()}),
            field("up_to"),
        ),
        (
            &cast.read_path(Uuid::new_v4()),
            json!({"up_to": first}),
            missing,
        ),
    ];
    for (path, body, (status, code, field)) in cases {
        let problem = cast
            .caseworker
            .post_json(path, &body)
            .await
            .expect_status(status)
            .problem();
        assert_eq!(problem.code, code, "{path} {body}");
        assert_eq!(problem.field.as_deref(), field, "{path} {body}");
    }
    // Not JSON at all.
    let broken = cast
        .caseworker
        .client
        .post(cast.app.url(&threads))
        .header("content-type", "application/json")
        .body("{\"subject\": \"Frage\",");
    let problem = cast
        .caseworker
        .send(broken)
        .await
        .expect_status(StatusCode::BAD_REQUEST)
        .problem();
    assert_eq!(problem.code, "malformed_json");

    // Nothing of it was stored or logged.
    assert_eq!(cast.caseworker.room(cast.room.id).await.last_seq, before);
    let view = cast.threads(&cast.caseworker).await;
    assert_eq!(view.threads.len(), 1);
    assert_eq!(view.threads[0].messages.len(), 1);

    // Ten thousand characters are fine, however many bytes they take.
    let longest = "ä".repeat(10_000);
    let answered = cast.reply(&cast.caseworker, question.id, &longest).await;
    assert_eq!(answered.messages[1].text.chars().count(), 10_000);
}

impl Cast {
    /// A thread in another room of the same builder, which the caseworker
    /// cannot reach through this room.
    async fn thread_in_another_room(&self) -> Uuid {
        let other = self.builder.create_room(self.office).await;
        let started: ThreadView = self
            .builder
            .post_json(
                &format!("/api/rooms/{}/threads", other.id),
                &json!({"subject": "Entwurf", "visibility": {"kind": "room"}, "text": "Notiz"}),
            )
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        started.id
    }
}

#[tokio::test]
async fn a_closed_room_keeps_its_messages_but_takes_no_new_ones() {
    let app = TestApp::new().await;
    let office = app.office("Bauamt Abschluss").await;
    let builder = app.register("Bea Builder").await;
    let designer = app.register("Dana Designer").await;
    let caseworker = app.caseworker(office, "Carla Caseworker").await;
    let admin = app.office_admin(office, "Anna Admin").await;
    let parties = Parties {
        builder: &builder,
        designer: &designer,
        others: &[],
        caseworker: &caseworker,
        admin: &admin,
    };
    let (room, _) = parties.in_review(office).await;
    let threads = format!("/api/rooms/{}/threads", room.id);
    let started: ThreadView = builder
        .post_json(
            &threads,
            &json!({"subject": "Danke", "visibility": {"kind": "room"}, "text": "Danke!"}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();

    let notice = upload_notice(&caseworker, room.id).await;
    caseworker
        .act(
            &format!("/api/rooms/{}/decision", room.id),
            Some(json!({"outcome": "approved", "notice_version_id": notice})),
        )
        .await;
    builder
        .get(&format!(
            "/api/rooms/{}/documents/{notice}/content",
            room.id
        ))
        .await
        .expect_status(StatusCode::OK);
    caseworker
        .act(&format!("/api/rooms/{}/close", room.id), None)
        .await;

    let problem = builder
        .post_json(
            &format!("/api/rooms/{}/threads/{}/messages", room.id, started.id),
            &json!({"text": "Noch eine Frage"}),
        )
        .await
        .expect_status(StatusCode::CONFLICT)
        .problem();
    assert_eq!(problem.code, "room_finished");
    caseworker
        .post_json(&threads, &note("Akte geschlossen"))
        .await
        .expect_status(StatusCode::CONFLICT);

    let view: MessagesView = builder.get(&threads).await.json();
    assert_eq!(view.threads.len(), 1);
    assert!(view.options.is_empty());
    assert!(!view.threads[0].may_post);
}
