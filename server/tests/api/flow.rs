//! The main job, end to end over HTTP: two applicants prepare and submit, the
//! office picks it up.

use reqwest::StatusCode;
use shared::*;

use crate::support::*;

#[tokio::test]
async fn builder_and_designer_submit_and_the_caseworker_starts_the_check() {
    let app = TestApp::new().await;
    let (office, builder, designer, room) = room_with_designer(&app).await;
    let caseworker = app.caseworker(office, "Carla Caseworker").await;

    builder
        .upload(
            room.id,
            "site_plan",
            "Lageplan Müller-Straße.pdf",
            real_file("plan_site_landscape_archD.pdf"),
        )
        .await
        .expect_status(StatusCode::CREATED);
    designer
        .upload(
            room.id,
            "floor_plans",
            "Grundrisse.pdf",
            real_file("pdfa2b_verapdf.pdf"),
        )
        .await
        .expect_status(StatusCode::CREATED);

    // Before submission the office does not see the draft at all.
    let queue: Vec<QueueItem> = caseworker.get("/api/queue").await.json();
    assert!(queue.is_empty());
    caseworker
        .get(&format!("/api/rooms/{}", room.id))
        .await
        .expect_status(StatusCode::NOT_FOUND);

    builder.sign(room.id).await;
    let problem = builder
        .post(&format!("/api/rooms/{}/submit", room.id))
        .await
        .expect_status(StatusCode::CONFLICT)
        .problem();
    assert_eq!(problem.code, "signatures_missing");
    assert!(problem.detail.contains("designer"), "{}", problem.detail);

    designer.sign(room.id).await;
    // The office asks for a confirmed identity by default: the room says so
    // before the click, the click is refused with how to get one, and the
    // builder submits once the office has checked it.
    let unconfirmed = builder.room(room.id).await;
    assert!(unconfirmed.allowed.contains(&RoomAction::Submit));
    assert_eq!(
        unconfirmed.identity_needed_for,
        [ApplicantAction::Submit, ApplicantAction::RetrieveNotice]
    );
    let problem = builder
        .post(&format!("/api/rooms/{}/submit", room.id))
        .await
        .expect_status(StatusCode::FORBIDDEN)
        .problem();
    assert_eq!(problem.code, "identity_required");
    assert!(
        problem.detail.contains("identity document"),
        "{}",
        problem.detail
    );
    app.confirm_identity(office, &builder).await;
    assert!(builder.room(room.id).await.identity_needed_for.is_empty());
    let submitted: RoomView = builder
        .post(&format!("/api/rooms/{}/submit", room.id))
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(submitted.status, RoomStatus::Submitted);
    assert_eq!(submitted.next_actor, NextActor::Office);
    assert!(submitted.case_number.as_deref().unwrap().starts_with("BA-"));

    let queue: Vec<QueueItem> = caseworker.get("/api/queue").await.json();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].room.id, room.id);
    assert_eq!(queue[0].builder_name.as_deref(), Some("Bea Builder"));
    assert_eq!(queue[0].document_count, 2);

    let seen = caseworker.room(room.id).await;
    assert_eq!(seen.my_role, RoomRole::Caseworker);
    assert_eq!(seen.allowed, vec![RoomAction::StartCheck]);
    let checking: RoomView = caseworker
        .post(&format!("/api/rooms/{}/check", room.id))
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(checking.status, RoomStatus::CompletenessCheck);

    // Every party sees the same status and who acts next.
    for person in [&builder, &designer] {
        let view = person.room(room.id).await;
        assert_eq!(view.status, RoomStatus::CompletenessCheck);
        assert_eq!(view.next_actor, NextActor::Office);
        // The applicants wait; only the builder could still withdraw, or
        // take someone out of the room.
        let expected = match person.id == builder.id {
            true => vec![RoomAction::RemoveMember, RoomAction::Withdraw],
            false => vec![],
        };
        assert_eq!(view.allowed, expected, "applicants wait");
    }
}

#[tokio::test]
async fn every_step_is_in_the_event_log_in_order() {
    let app = TestApp::new().await;
    let (office, builder, designer, room) = room_with_designer(&app).await;
    let caseworker = app.caseworker(office, "Carla Caseworker").await;
    builder
        .upload(
            room.id,
            "site_plan",
            "plan.pdf",
            real_file("pdfa2b_verapdf.pdf"),
        )
        .await
        .expect_status(StatusCode::CREATED);
    builder.sign(room.id).await;
    designer.sign(room.id).await;
    app.confirm_identity(office, &builder).await;
    builder.submit(room.id).await;
    caseworker
        .post(&format!("/api/rooms/{}/check", room.id))
        .await
        .expect_status(StatusCode::OK);

    let events: Vec<RoomEvent> = builder
        .get(&format!("/api/rooms/{}/events", room.id))
        .await
        .json();
    let kinds: Vec<&str> = events.iter().map(|e| e.payload.kind()).collect();
    assert_eq!(
        kinds,
        [
            "room_created",
            "member_joined",
            "member_invited",
            "member_joined",
            "document_uploaded",
            "signature_given",
            "signature_given",
            "case_number_assigned",
            "status_changed",
            "status_changed",
        ]
    );
    let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=10).collect::<Vec<_>>(), "gap-free from 1");
    assert_eq!(
        events[9].actor.as_ref().unwrap().display_name,
        "Carla Caseworker"
    );
    assert_eq!(builder.room(room.id).await.last_seq, 10);

    let later: Vec<RoomEvent> = builder
        .get(&format!("/api/rooms/{}/events?after_seq=8", room.id))
        .await
        .json();
    assert_eq!(later.len(), 2);
}

#[tokio::test]
async fn an_upload_after_signing_withdraws_the_signatures_visibly() {
    let app = TestApp::new().await;
    let (_, builder, designer, room) = room_with_designer(&app).await;
    builder.sign(room.id).await;
    designer.sign(room.id).await;

    designer
        .upload(
            room.id,
            "sections",
            "Schnitt.pdf",
            real_file("pdfa2b_verapdf.pdf"),
        )
        .await
        .expect_status(StatusCode::CREATED);

    let view = builder.room(room.id).await;
    assert!(view.signatures.is_empty());
    assert!(view.allowed.contains(&RoomAction::Sign));
    let events: Vec<RoomEvent> = builder
        .get(&format!("/api/rooms/{}/events?after_seq=6", room.id))
        .await
        .json();
    let lapsed = |e: &&RoomEvent| {
        matches!(&e.payload, EventPayload::SignatureWithdrawn { reason, .. }
            if reason.contains("changed"))
    };
    let withdrawn = events.iter().filter(lapsed).count();
    assert_eq!(withdrawn, 2);
}

#[tokio::test]
async fn a_double_click_on_submit_submits_once() {
    let app = TestApp::new().await;
    let (office, builder, designer, room) = room_with_designer(&app).await;
    builder.sign(room.id).await;
    designer.sign(room.id).await;
    app.confirm_identity(office, &builder).await;

    let path = format!("/api/rooms/{}/submit", room.id);
    let (first, second) = tokio::join!(builder.post(&path), builder.post(&path));
    let mut statuses = [first.status, second.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);

    let events: Vec<RoomEvent> = builder
        .get(&format!("/api/rooms/{}/events", room.id))
        .await
        .json();
    let submissions = events
        .iter()
        .filter(|e| e.payload.kind() == "case_number_assigned")
        .count();
    assert_eq!(submissions, 1);
}

#[tokio::test]
async fn an_invitation_link_works_once() {
    let app = TestApp::new().await;
    let (_, builder, room) = app.room().await;
    let designer = app.register("Dana Designer").await;
    let other = app.register("Otto Other").await;
    let created = builder.invite(room.id, &designer, "designer").await;
    let token = created.link.rsplit('/').next().unwrap();

    let problem = other
        .post(&format!("/api/invitations/{token}/accept"))
        .await
        .expect_status(StatusCode::GONE)
        .problem();
    assert_eq!(problem.code, "invitation_used");
    other
        .get(&format!("/api/rooms/{}", room.id))
        .await
        .expect_status(StatusCode::NOT_FOUND);
    let preview = app
        .anonymous()
        .get(&format!("/api/invitations/{token}"))
        .await;
    assert_eq!(preview.status, StatusCode::GONE);
}

#[tokio::test]
async fn the_invitation_is_mailed_or_written_to_the_outbox_with_its_link() {
    let app = TestApp::new().await;
    let (_, builder, room) = app.room().await;
    let address = format!("dana.{}@example.de", uuid::Uuid::new_v4().simple());
    let created: InvitationCreated = builder
        .post_json(
            &format!("/api/rooms/{}/invitations", room.id),
            &serde_json::json!({"email": address, "role": "designer"}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert!(created.link.starts_with(&app.base));

    // With an SMTP sink (the test command starts one), the mail is read back
    // from what the sink received; without, from the outbox folder.
    let (mailed, folder) = match std::env::var("TEST_SMTP_MAILDIR") {
        Ok(maildir) if app.config.mail.smtp_url.is_some() => (true, format!("{maildir}/new")),
        _ => (false, app.dir.path().join("outbox").display().to_string()),
    };
    assert_eq!(created.mailed, mailed);
    let mail = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .find(|text| text.contains(&address))
        .expect("the invitation mail is there");
    assert!(mail.contains(&format!("To: {address}")));
    assert!(mail.contains("Subject: Einladung in den Vorgangsraum"));
    // Quoted-printable may wrap long lines; the token must be there whole.
    let token = created.link.rsplit('/').next().unwrap();
    assert!(mail.replace("=\r\n", "").replace("=\n", "").contains(token));
}

#[tokio::test]
async fn an_anonymous_invitee_can_preview_then_must_log_in_to_accept() {
    let app = TestApp::new().await;
    let (_, builder, room) = app.room().await;
    let created: InvitationCreated = builder
        .post_json(
            &format!("/api/rooms/{}/invitations", room.id),
            &serde_json::json!({"email": "dana@example.de", "role": "designer"}),
        )
        .await
        .json();
    let token = created.link.rsplit('/').next().unwrap();
    let anonymous = app.anonymous();
    let preview: InvitationPreview = anonymous
        .get(&format!("/api/invitations/{token}"))
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(preview.room_title, "Neubau Einfamilienhaus");
    assert_eq!(preview.role, RoomRole::Designer);
    anonymous
        .post(&format!("/api/invitations/{token}/accept"))
        .await
        .expect_status(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_queue_is_ordered_by_the_next_deadline_with_its_rule() {
    let app = TestApp::new().await;
    let (office, builder, designer, first) = room_with_designer(&app).await;
    let second = builder.create_room(office).await;
    builder.invite(second.id, &designer, "designer").await;
    app.confirm_identity(office, &builder).await;
    for room in [&first, &second] {
        builder.sign(room.id).await;
        designer.sign(room.id).await;
        builder.submit(room.id).await;
    }
    // The first room was received three weeks later than the second.
    let later = chrono::Utc::now() + chrono::Duration::weeks(3);
    sqlx::query("UPDATE rooms SET submitted_at = $1 WHERE id = $2")
        .bind(later.timestamp_millis())
        .bind(first.id.to_string())
        .execute(&app.app.db.read)
        .await
        .unwrap();

    let caseworker = app.caseworker(office, "Carla Caseworker").await;
    let queue: Vec<QueueItem> = caseworker.get("/api/queue").await.json();
    let order: Vec<_> = queue.iter().map(|item| item.room.id).collect();
    assert_eq!(order, [second.id, first.id]);

    let deadline = &queue[0].room.deadlines[0];
    assert_eq!(deadline.kind, DeadlineKind::CompletenessCheck);
    assert!(!deadline.overdue);
    assert!(
        deadline.rule_de.starts_with("2 Wochen ab "),
        "{}",
        deadline.rule_de
    );
    assert!(deadline.due_date > chrono::Utc::now().date_naive());
    // The applicants see the same deadline.
    assert_eq!(
        builder.room(second.id).await.deadlines[0].due_date,
        deadline.due_date
    );
}

#[tokio::test]
async fn a_room_has_one_designer_and_nobody_invites_themselves() {
    let app = TestApp::new().await;
    let (_, builder, _designer, room) = room_with_designer(&app).await;
    let path = format!("/api/rooms/{}/invitations", room.id);

    let second = builder
        .post_json(
            &path,
            &serde_json::json!({"email": "zweite@example.de", "role": "designer"}),
        )
        .await;
    assert_eq!(
        second.expect_status(StatusCode::CONFLICT).problem().code,
        "designer_exists"
    );
    let myself = builder
        .post_json(
            &path,
            &serde_json::json!({"email": builder.email, "role": "other_applicant"}),
        )
        .await;
    assert_eq!(
        myself
            .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
            .problem()
            .field
            .as_deref(),
        Some("email")
    );
    builder
        .post_json(
            &path,
            &serde_json::json!({"email": "fach@example.de", "role": "other_applicant"}),
        )
        .await
        .expect_status(StatusCode::CREATED);
}

#[tokio::test]
async fn two_designer_invitations_accepted_leave_one_designer() {
    let app = TestApp::new().await;
    let (_, builder, room) = app.room().await;
    let path = format!("/api/rooms/{}/invitations", room.id);
    let mut tokens = Vec::new();
    for email in ["a@example.de", "b@example.de"] {
        let created: InvitationCreated = builder
            .post_json(
                &path,
                &serde_json::json!({"email": email, "role": "designer"}),
            )
            .await
            .json();
        tokens.push(created.link.rsplit('/').next().unwrap().to_string());
    }
    let (first, second) = (app.register("Erste").await, app.register("Zweite").await);
    first
        .post(&format!("/api/invitations/{}/accept", tokens[0]))
        .await
        .expect_status(StatusCode::OK);
    let late = second
        .post(&format!("/api/invitations/{}/accept", tokens[1]))
        .await;
    assert_eq!(
        late.expect_status(StatusCode::CONFLICT).problem().code,
        "designer_exists"
    );
    let designers = builder
        .room(room.id)
        .await
        .members
        .iter()
        .filter(|m| m.role == RoomRole::Designer)
        .count();
    assert_eq!(designers, 1);
}
