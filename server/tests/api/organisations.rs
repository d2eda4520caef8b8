//! Offices as their admins manage them: staff, consulted bodies, the identity
//! rule and identity confirmations; and the operator, who adds offices and
//! sees nothing inside them.

use reqwest::StatusCode;
use serde_json::json;
use shared::*;
use uuid::Uuid;

use crate::support::*;

/// An office with its admin, and a second office with its own admin.
struct Offices {
    app: TestApp,
    office: Uuid,
    admin: Person,
    other_admin: Person,
}

impl Offices {
    async fn new() -> Offices {
        let app = TestApp::new().await;
        let office = app.office("Bauamt Vorpommern").await;
        let other = app.office("Bauamt Nachbarkreis").await;
        let admin = app.office_admin(office, "Anna Admin").await;
        let other_admin = app.office_admin(other, "Yvonne Fremd").await;
        Offices {
            app,
            office,
            admin,
            other_admin,
        }
    }

    fn path(&self, rest: &str) -> String {
        format!("/api/offices/{}/{rest}", self.office)
    }
}

#[tokio::test]
async fn the_admin_of_another_office_sees_nothing_of_this_one() {
    let offices = Offices::new().await;
    for rest in ["staff", "bodies", "settings"] {
        let problem = offices
            .other_admin
            .get(&offices.path(rest))
            .await
            .expect_status(StatusCode::NOT_FOUND)
            .problem();
        assert_eq!(problem.code, "not_found");
        offices
            .admin
            .get(&offices.path(rest))
            .await
            .expect_status(StatusCode::OK);
    }
    let newcomer = offices.app.register("Nils Neu").await;
    offices
        .other_admin
        .post_json(
            &offices.path("staff"),
            &json!({"email": newcomer.email, "role": "caseworker"}),
        )
        .await
        .expect_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_admin_adds_a_caseworker_changes_the_role_and_lists_the_staff() {
    let offices = Offices::new().await;
    let newcomer = offices.app.register("Nils Neu").await;

    let added: StaffMember = offices
        .admin
        .post_json(
            &offices.path("staff"),
            &json!({"email": newcomer.email.to_uppercase(), "role": "caseworker"}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!(added.user_id, newcomer.id);
    assert_eq!(added.role, OfficeRole::Caseworker);

    let changed: StaffMember = offices
        .admin
        .put_json(
            &offices.path(&format!("staff/{}", newcomer.id)),
            &json!({"role": "office_admin"}),
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(changed.role, OfficeRole::OfficeAdmin);

    let staff: Vec<StaffMember> = offices.admin.get(&offices.path("staff")).await.json();
    let roles: Vec<(Uuid, OfficeRole)> = staff.iter().map(|s| (s.user_id, s.role)).collect();
    assert!(roles.contains(&(newcomer.id, OfficeRole::OfficeAdmin)));
    assert!(roles.contains(&(offices.admin.id, OfficeRole::OfficeAdmin)));
    let me: Me = newcomer.get("/api/me").await.json();
    assert_eq!(me.offices[0].office_id, offices.office);
}

#[tokio::test]
async fn the_last_admin_can_be_neither_removed_nor_demoted() {
    let offices = Offices::new().await;
    let own = offices.path(&format!("staff/{}", offices.admin.id));

    let problem = offices
        .admin
        .delete(&own)
        .await
        .expect_status(StatusCode::CONFLICT)
        .problem();
    assert_eq!(problem.code, "last_admin");
    assert!(problem.detail.contains("only administrator"));
    let problem = offices
        .admin
        .put_json(&own, &json!({"role": "caseworker"}))
        .await
        .expect_status(StatusCode::CONFLICT)
        .problem();
    assert_eq!(problem.code, "last_admin");

    // With a second admin, the first may step down.
    let second = offices.app.office_admin(offices.office, "Bert Zweit").await;
    offices
        .admin
        .delete(&own)
        .await
        .expect_status(StatusCode::NO_CONTENT);
    second
        .get(&offices.path("staff"))
        .await
        .expect_status(StatusCode::OK);
    offices
        .admin
        .get(&offices.path("staff"))
        .await
        .expect_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_removed_caseworker_loses_the_rooms_at_once() {
    let offices = Offices::new().await;
    let app = &offices.app;
    let caseworker = app.caseworker(offices.office, "Carla Caseworker").await;
    let designer = app.register("Dana Designer").await;
    let builder = app.register("Bea Builder").await;
    let parties = Parties {
        builder: &builder,
        designer: &designer,
        others: &[],
        caseworker: &caseworker,
        admin: &offices.admin,
    };
    let (room, _) = parties.checking(offices.office).await;
    let room_path = format!("/api/rooms/{}", room.id);
    caseworker
        .get(&room_path)
        .await
        .expect_status(StatusCode::OK);

    offices
        .admin
        .delete(&offices.path(&format!("staff/{}", caseworker.id)))
        .await
        .expect_status(StatusCode::NO_CONTENT);

    caseworker
        .get(&room_path)
        .await
        .expect_status(StatusCode::NOT_FOUND);
    let queue: Vec<QueueItem> = caseworker.get("/api/queue").await.json();
    assert!(queue.is_empty());
}

#[tokio::test]
async fn a_removed_body_member_loses_the_request() {
    let offices = Offices::new().await;
    let app = &offices.app;
    let caseworker = app.caseworker(offices.office, "Carla Caseworker").await;
    let builder = app.register("Bea Builder").await;
    let designer = app.register("Dana Designer").await;
    let fire = app.register("Frieda Feuerwehr").await;
    let bodies: Vec<OfficeBody> = offices.admin.get(&offices.path("bodies")).await.json();
    let fire_body = bodies.iter().find(|b| b.key == "fire_protection").unwrap();
    let with_member: OfficeBody = offices
        .admin
        .post_json(
            &offices.path(&format!("bodies/{}/members", fire_body.id)),
            &json!({"email": fire.email}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!(with_member.members[0].user_id, fire.id);

    let parties = Parties {
        builder: &builder,
        designer: &designer,
        others: &[],
        caseworker: &caseworker,
        admin: &offices.admin,
    };
    let (room, plan) = parties.in_review(offices.office).await;
    caseworker
        .act(
            &format!("/api/rooms/{}/statement-requests", room.id),
            Some(json!({
                "body_ids": [fire_body.id],
                "question": "Bestehen Bedenken?",
                "document_ids": [plan],
            })),
        )
        .await;
    let inbox: Vec<InboxItem> = fire.get("/api/inbox").await.json();
    assert_eq!(inbox.len(), 1);

    offices
        .admin
        .delete(&offices.path(&format!("bodies/{}/members/{}", fire_body.id, fire.id)))
        .await
        .expect_status(StatusCode::NO_CONTENT);

    let inbox: Vec<InboxItem> = fire.get("/api/inbox").await.json();
    assert!(inbox.is_empty());
    fire.get(&format!("/api/rooms/{}", room.id))
        .await
        .expect_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_admin_adds_and_renames_a_body_whose_key_comes_from_its_name() {
    let offices = Offices::new().await;
    let created: OfficeBody = offices
        .admin
        .post_json(
            &offices.path("bodies"),
            &json!({"name": "Untere Wasserbehörde", "consent_required": false}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!(created.key, "untere_wasserbehoerde");
    assert!(created.members.is_empty());

    let renamed: OfficeBody = offices
        .admin
        .put_json(
            &offices.path(&format!("bodies/{}", created.id)),
            &json!({"name": "Wasserbehörde des Landkreises"}),
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(renamed.name, "Wasserbehörde des Landkreises");
    assert_eq!(renamed.key, created.key, "the key stays");

    let problem = offices
        .admin
        .post_json(
            &offices.path("bodies"),
            &json!({"name": "Untere Wasserbehörde"}),
        )
        .await
        .expect_status(StatusCode::CONFLICT)
        .problem();
    assert_eq!(problem.code, "duplicate_body_key");
}

#[tokio::test]
async fn an_identity_confirmation_records_who_when_and_which_document() {
    let offices = Offices::new().await;
    let builder = offices.app.register("Bea Builder").await;
    let before: Me = builder.get("/api/me").await.json();
    assert!(before.identity.is_none());

    let confirmed: IdentityConfirmed = offices
        .admin
        .post_json(
            &offices.path("identity-confirmations"),
            &json!({"email": builder.email, "document_type": "residence_permit"}),
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(confirmed.person.user_id, builder.id);

    let me: Me = builder.get("/api/me").await.json();
    let identity = me.identity.expect("confirmed");
    assert_eq!(identity.method, IdentityMethod::InPerson);
    assert_eq!(identity.document, "residence_permit");
    assert_eq!(identity.confirmed_by.unwrap().user_id, offices.admin.id);
    let age = chrono::Utc::now() - identity.confirmed_at;
    assert!(age < chrono::Duration::minutes(1), "confirmed just now");

    // Identity is the person's: another office's admin confirms again, and
    // the newer record stands.
    confirm_identity(&offices.other_admin, other_office(&offices).await, &builder).await;
    let me: Me = builder.get("/api/me").await.json();
    let identity = me.identity.unwrap();
    assert_eq!(identity.document, "id_card");
    assert_eq!(
        identity.confirmed_by.unwrap().user_id,
        offices.other_admin.id
    );
}

async fn other_office(offices: &Offices) -> Uuid {
    let me: Me = offices.other_admin.get("/api/me").await.json();
    me.offices[0].office_id
}

#[tokio::test]
async fn without_the_rule_an_unconfirmed_builder_submits_and_retrieves_the_notice() {
    let offices = Offices::new().await;
    let app = &offices.app;
    let settings: OfficeSettings = offices.admin.get(&offices.path("settings")).await.json();
    assert_eq!(
        settings.identity_required_for,
        [ApplicantAction::Submit, ApplicantAction::RetrieveNotice]
    );
    let cleared: OfficeSettings = offices
        .admin
        .put_json(
            &offices.path("settings"),
            &json!({"identity_required_for": []}),
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert!(cleared.identity_required_for.is_empty());

    let (_, builder, designer, room) = room_in(app, offices.office).await;
    builder.sign(room.id).await;
    designer.sign(room.id).await;
    assert!(builder.room(room.id).await.identity_needed_for.is_empty());
    let submitted = builder.submit(room.id).await;
    assert_eq!(submitted.status, RoomStatus::Submitted);
    let me: Me = builder.get("/api/me").await.json();
    assert!(me.identity.is_none());
}

#[tokio::test]
async fn an_unconfirmed_applicant_is_told_how_to_get_confirmed_before_retrieving_the_notice() {
    let offices = Offices::new().await;
    let app = &offices.app;
    let caseworker = app.caseworker(offices.office, "Carla Caseworker").await;
    let builder = app.register("Bea Builder").await;
    let designer = app.register("Dana Designer").await;
    let parties = Parties {
        builder: &builder,
        designer: &designer,
        others: &[],
        caseworker: &caseworker,
        admin: &offices.admin,
    };
    let (room, _) = parties.in_review(offices.office).await;
    let notice = upload_notice(&caseworker, room.id).await;
    caseworker
        .act(
            &format!("/api/rooms/{}/decision", room.id),
            Some(json!({"outcome": "approved", "notice_version_id": notice})),
        )
        .await;
    let content = format!("/api/rooms/{}/documents/{notice}/content", room.id);

    // The designer's identity was never confirmed; the builder's was. The
    // room tells the designer before the click; the office is never asked.
    let designers_room = designer.room(room.id).await;
    assert_eq!(
        designers_room.identity_needed_for,
        [ApplicantAction::Submit, ApplicantAction::RetrieveNotice]
    );
    assert!(builder.room(room.id).await.identity_needed_for.is_empty());
    assert!(
        caseworker
            .room(room.id)
            .await
            .identity_needed_for
            .is_empty()
    );
    let problem = designer
        .get(&content)
        .await
        .expect_status(StatusCode::FORBIDDEN)
        .problem();
    assert_eq!(problem.code, "identity_required");
    assert!(
        problem.detail.contains("single sign-on"),
        "{}",
        problem.detail
    );
    assert_eq!(designer.room(room.id).await.status, RoomStatus::Decided);
    builder.get(&content).await.expect_status(StatusCode::OK);
    assert_eq!(builder.room(room.id).await.status, RoomStatus::Delivered);
}

#[tokio::test]
async fn bad_inputs_get_precise_problems() {
    let offices = Offices::new().await;
    let admin = &offices.admin;
    let newcomer = offices.app.register("Nils Neu").await;
    let staff = offices.path("staff");

    let unknown_role = admin
        .post_json(&staff, &json!({"email": newcomer.email, "role": "boss"}))
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
        .problem();
    assert!(
        unknown_role.detail.contains("caseworker"),
        "{}",
        unknown_role.detail
    );

    let malformed = admin
        .send(
            admin
                .client
                .post(offices.app.url(&staff))
                .header("content-type", "application/json")
                .body("{\"email\": "),
        )
        .await
        .expect_status(StatusCode::BAD_REQUEST)
        .problem();
    assert_eq!(malformed.code, "malformed_json");

    let no_account = admin
        .post_json(
            &staff,
            &json!({"email": "niemand@example.de", "role": "caseworker"}),
        )
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
        .problem();
    assert_eq!(no_account.code, "no_account");
    assert_eq!(no_account.field.as_deref(), Some("email"));
    assert!(no_account.detail.contains("register"));

    let not_an_address = admin
        .post_json(&staff, &json!({"email": "niemand", "role": "caseworker"}))
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
        .problem();
    assert_eq!(not_an_address.code, "invalid_field");

    let body = json!({"email": newcomer.email, "role": "caseworker"});
    admin
        .post_json(&staff, &body)
        .await
        .expect_status(StatusCode::CREATED);
    let duplicate = admin
        .post_json(&staff, &body)
        .await
        .expect_status(StatusCode::CONFLICT)
        .problem();
    assert_eq!(duplicate.code, "already_staff");

    let unknown_document = admin
        .post_json(
            &offices.path("identity-confirmations"),
            &json!({"email": newcomer.email, "document_type": "library_card"}),
        )
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
        .problem();
    assert!(unknown_document.detail.contains("id_card"));

    let unknown_action = admin
        .put_json(
            &offices.path("settings"),
            &json!({"identity_required_for": ["sleep"]}),
        )
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
        .problem();
    assert!(unknown_action.detail.contains("retrieve_notice"));

    let stranger = Uuid::new_v4();
    admin
        .delete(&offices.path(&format!("staff/{stranger}")))
        .await
        .expect_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_operator_adds_an_office_and_sees_nothing_inside_it() {
    let app = TestApp::new().await;
    let operator = app.operator("Otto Operator").await;
    let first_admin = app.register("Frida Erste").await;

    let created: OperatorOffice = operator
        .post_json(
            "/api/operator/offices",
            &json!({"name": "Bauamt Rügen", "state": "mv", "first_admin_email": first_admin.email}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!(created.state, "MV");
    assert_eq!((created.caseworkers, created.office_admins), (0, 1));

    let listed: Vec<OperatorOffice> = operator.get("/api/operator/offices").await.json();
    assert_eq!(listed, std::slice::from_ref(&created));

    // The first admin takes over; the operator sees none of it.
    let path = format!("/api/offices/{}/staff", created.id);
    first_admin.get(&path).await.expect_status(StatusCode::OK);
    operator
        .get(&path)
        .await
        .expect_status(StatusCode::NOT_FOUND);
    let offices: Vec<OfficeSummary> = first_admin.get("/api/offices").await.json();
    assert_eq!(offices[0].procedure_types.len(), 4, "the default types");
    let bodies: Vec<OfficeBody> = first_admin
        .get(&format!("/api/offices/{}/bodies", created.id))
        .await
        .json();
    assert_eq!(bodies.len(), 5, "the default bodies");

    let problem = operator
        .post_json(
            "/api/operator/offices",
            &json!({
                "name": "Bauamt Usedom",
                "state": "XX",
                "first_admin_email": first_admin.email,
            }),
        )
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY)
        .problem();
    assert_eq!(problem.field.as_deref(), Some("state"));
    first_admin
        .get("/api/operator/offices")
        .await
        .expect_status(StatusCode::NOT_FOUND);
}

/// A draft room of `office` with a builder and a designer in it.
async fn room_in(app: &TestApp, office: Uuid) -> (Uuid, Person, Person, RoomView) {
    let builder = app.register("Bea Builder").await;
    let designer = app.register("Dana Designer").await;
    let room = builder.create_room(office).await;
    builder.invite(room.id, &designer, "designer").await;
    (office, builder, designer, room)
}
