//! E-mail notifications: each person's preferences, and the deadline
//! reminders the sweep sends. The sweep is called with a chosen clock, so
//! nothing here waits for time to pass.

use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use serde_json::json;
use server::notify::reminders::{SweepReport, sweep};
use shared::*;

use crate::support::*;

const PREFERENCES: &str = "/api/me/notifications";

#[tokio::test]
async fn everything_is_on_until_a_person_switches_a_kind_off() {
    let app = TestApp::new().await;
    let person = app.register("Bea Builder").await;
    let fresh: NotificationPreferences = person.get(PREFERENCES).await.json();
    assert_eq!(fresh.settings.len(), NotificationKind::ALL.len());
    assert!(fresh.settings.iter().all(|s| s.enabled));

    let saved: NotificationPreferences = person
        .put_json(
            PREFERENCES,
            &json!({"settings": [
                {"kind": "deadline_reminder", "enabled": false},
                {"kind": "invitation", "enabled": true},
            ]}),
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    let read: NotificationPreferences = person.get(PREFERENCES).await.json();
    assert_eq!(saved, read);
    assert_eq!(switched_off(&read), [NotificationKind::DeadlineReminder]);

    // Another person's preferences are their own.
    let other = app.register("Dana Designer").await;
    let theirs: NotificationPreferences = other.get(PREFERENCES).await.json();
    assert!(switched_off(&theirs).is_empty());

    // A kind the request leaves out is on again: PUT replaces the whole set.
    person
        .put_json(PREFERENCES, &json!({"settings": []}))
        .await
        .expect_status(StatusCode::OK);
    let read: NotificationPreferences = person.get(PREFERENCES).await.json();
    assert!(switched_off(&read).is_empty());
}

#[tokio::test]
async fn an_unknown_or_repeated_kind_is_refused_and_changes_nothing() {
    let app = TestApp::new().await;
    let person = app.register("Bea Builder").await;

    let problem = person
        .put_json(
            PREFERENCES,
            &json!({"settings": [
                {"kind": "invitation", "enabled": false},
                {"kind": "fax", "enabled": false},
            ]}),
        )
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
        .problem();
    assert_eq!(problem.code, "unknown_notification_kind");
    assert_eq!(problem.field.as_deref(), Some("settings[1].kind"));
    assert!(problem.detail.contains("\"fax\""), "{}", problem.detail);

    let problem = person
        .put_json(
            PREFERENCES,
            &json!({"settings": [
                {"kind": "notice_ready", "enabled": false},
                {"kind": "notice_ready", "enabled": true},
            ]}),
        )
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
        .problem();
    assert_eq!(problem.field.as_deref(), Some("settings[1].kind"));

    person
        .put_json(PREFERENCES, &json!({"settings": [{"kind": "invitation"}]}))
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY);

    let read: NotificationPreferences = person.get(PREFERENCES).await.json();
    assert!(switched_off(&read).is_empty());
}

#[tokio::test]
async fn preferences_need_a_login() {
    let app = TestApp::new().await;
    let anonymous = app.anonymous();
    let answer = anonymous.get(PREFERENCES).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.problem().code, "unauthenticated");
    anonymous
        .put_json(PREFERENCES, &json!({"settings": []}))
        .await
        .expect_status(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_caseworkers_are_reminded_once_before_the_completeness_check_falls_due() {
    let app = TestApp::new().await;
    let (office, room, due_at) = submitted_room(&app).await;
    let caseworker = app.caseworker(office, "Carla Caseworker").await;

    // Four days before: outside the default window of three days.
    let early = sweep(&app.app, due_at - Duration::days(4)).await.unwrap();
    assert_eq!(early, SweepReport::default());

    let now = due_at - Duration::days(2);
    let first = sweep(&app.app, now).await.unwrap();
    assert_eq!(
        first,
        SweepReport {
            reminders: 1,
            mails_sent: 1
        }
    );
    // The reminder is recorded: a later sweep (or another instance) skips it.
    let second = sweep(&app.app, now + Duration::hours(1)).await.unwrap();
    assert_eq!(second, SweepReport::default());

    let mails = mails_to(&app, &caseworker.email);
    assert_eq!(mails.len(), 1, "one reminder, not two");
    let subject = header(&mails[0], "Subject");
    assert!(subject.starts_with("Frist endet am "), "{subject}");
    assert!(subject.contains("Deadline on "), "{subject}");
    assert!(subject.contains(&room.title), "{subject}");
    let link = format!("{}/rooms/{}", app.base, room.id);
    assert!(
        body_of(&mails[0]).contains(&link),
        "the mail links the room"
    );
}

#[tokio::test]
async fn a_missed_completeness_check_is_reported_once_after_it_passed() {
    let app = TestApp::new().await;
    let (office, room, due_at) = submitted_room(&app).await;
    let caseworker = app.caseworker(office, "Carla Caseworker").await;

    let after = due_at + Duration::hours(1);
    let first = sweep(&app.app, after).await.unwrap();
    assert_eq!(
        first,
        SweepReport {
            reminders: 1,
            mails_sent: 1
        }
    );
    let again = sweep(&app.app, after + Duration::days(1)).await.unwrap();
    assert_eq!(again, SweepReport::default());

    let mails = mails_to(&app, &caseworker.email);
    assert_eq!(mails.len(), 1);
    let subject = header(&mails[0], "Subject");
    assert!(subject.contains("Deadline missed"), "{subject}");
    assert!(body_of(&mails[0]).contains(&format!("/rooms/{}", room.id)));
}

#[tokio::test]
async fn two_instances_sweeping_at_once_send_each_reminder_once() {
    let app = TestApp::new().await;
    let (office, _, due_at) = submitted_room(&app).await;
    let caseworker = app.caseworker(office, "Carla Caseworker").await;
    // A second instance on the same database, as behind a load balancer.
    let other = server::App::start(app.config.clone()).await.unwrap();

    let now = due_at - Duration::days(1);
    let (here, there) = tokio::join!(sweep(&app.app, now), sweep(&other, now));
    let reminders = here.unwrap().reminders + there.unwrap().reminders;
    assert_eq!(reminders, 1);
    assert_eq!(mails_to(&app, &caseworker.email).len(), 1);
}

#[tokio::test]
async fn nobody_is_reminded_of_what_they_switched_off() {
    let app = TestApp::new().await;
    let (office, _, due_at) = submitted_room(&app).await;
    let keen = app.caseworker(office, "Carla Caseworker").await;
    let quiet = app.caseworker(office, "Quentin Quiet").await;
    quiet
        .put_json(
            PREFERENCES,
            &json!({"settings": [{"kind": "deadline_reminder", "enabled": false}]}),
        )
        .await
        .expect_status(StatusCode::OK);

    let report = sweep(&app.app, due_at - Duration::days(1)).await.unwrap();
    assert_eq!(
        report,
        SweepReport {
            reminders: 1,
            mails_sent: 1
        }
    );
    assert_eq!(mails_to(&app, &keen.email).len(), 1);
    assert!(mails_to(&app, &quiet.email).is_empty());

    // Switching off the early reminder leaves the one for a missed deadline on.
    let report = sweep(&app.app, due_at).await.unwrap();
    assert_eq!(report.mails_sent, 2);
    assert_eq!(mails_to(&app, &quiet.email).len(), 1);
}

#[tokio::test]
async fn an_invitation_is_not_mailed_to_someone_who_switched_invitations_off() {
    let app = TestApp::new().await;
    let (_, builder, room) = app.room().await;
    let designer = app.register("Dana Designer").await;
    designer
        .put_json(
            PREFERENCES,
            &json!({"settings": [{"kind": "invitation", "enabled": false}]}),
        )
        .await
        .expect_status(StatusCode::OK);

    let created: InvitationCreated = builder
        .post_json(
            &format!("/api/rooms/{}/invitations", room.id),
            &json!({"email": designer.email, "role": "designer"}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    // The invitation stands; the builder passes the link on instead.
    assert!(!created.mailed);
    let mails = mails_to(&app, &designer.email);
    assert!(mails.iter().all(|mail| !mail.contains("/invitations/")));
}

/// A submitted room of a fresh office, and when its completeness check is due.
async fn submitted_room(app: &TestApp) -> (uuid::Uuid, RoomView, DateTime<Utc>) {
    let (office, builder, designer, room) = room_with_designer(app).await;
    builder.sign(room.id).await;
    designer.sign(room.id).await;
    app.confirm_identity(office, &builder).await;
    let room = builder.submit(room.id).await;
    let check = room
        .deadlines
        .iter()
        .find(|d| d.kind == DeadlineKind::CompletenessCheck)
        .expect("the completeness check runs from submission");
    let due_at = check.due_at;
    (office, room, due_at)
}

fn switched_off(preferences: &NotificationPreferences) -> Vec<NotificationKind> {
    preferences
        .settings
        .iter()
        .filter(|s| !s.enabled)
        .map(|s| s.kind)
        .collect()
}

/// The mails the server sent to `address`: read back from the SMTP sink's
/// maildir when the test command runs one (real SMTP), else from the outbox.
pub(crate) fn mails_to(app: &TestApp, address: &str) -> Vec<String> {
    let folder = match std::env::var("TEST_SMTP_MAILDIR") {
        Ok(maildir) if app.config.mail.smtp_url.is_some() => format!("{maildir}/new"),
        _ => app.dir.path().join("outbox").display().to_string(),
    };
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return Vec::new();
    };
    let to = format!("To: {address}");
    entries
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .filter(|text| text.lines().any(|line| line.trim_end() == to))
        .collect()
}

/// A header's value, its folded lines joined.
fn header(mail: &str, name: &str) -> String {
    let unfolded = mail.replace("\r\n ", " ").replace("\n ", " ");
    let prefix = format!("{name}: ");
    unfolded
        .lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {name} header in\n{mail}"))
        .trim_end()
        .to_string()
}

/// The body with quoted-printable soft line breaks undone, enough to find a
/// link in it.
fn body_of(mail: &str) -> String {
    mail.replace("=\r\n", "").replace("=\n", "")
}
