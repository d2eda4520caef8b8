//! Builder and designer fill in the application form at the same time.

use reqwest::StatusCode;
use serde_json::json;
use shared::*;

use crate::support::*;

fn path(room: &RoomView, field: &str) -> String {
    format!("/api/rooms/{}/form/{field}", room.id)
}

fn field(room: &RoomView, field: FormField) -> FormFieldView {
    room.form.iter().find(|f| f.field == field).unwrap().clone()
}

#[tokio::test]
async fn edits_to_different_fields_at_the_same_time_are_both_kept() {
    let app = TestApp::new().await;
    let (_, builder, designer, room) = room_with_designer(&app).await;
    // Both start from the empty form and save at once.
    let (parcel_path, area_path) = (path(&room, "parcel"), path(&room, "gross_floor_area"));
    let parcel_value =
        json!({"value": "Gemarkung Testdorf, Flur 2, Flurstück 17", "base_version": 0});
    let area_value = json!({"value": "182,5", "base_version": 0});
    let (parcel, area) = tokio::join!(
        builder.put_json(&parcel_path, &parcel_value),
        designer.put_json(&area_path, &area_value),
    );
    parcel.expect_status(StatusCode::OK);
    area.expect_status(StatusCode::OK);

    let seen = designer.room(room.id).await;
    assert_eq!(
        field(&seen, FormField::Parcel).value,
        "Gemarkung Testdorf, Flur 2, Flurstück 17"
    );
    assert_eq!(
        field(&seen, FormField::Parcel)
            .updated_by
            .unwrap()
            .display_name,
        "Bea Builder"
    );
    assert_eq!(field(&seen, FormField::GrossFloorArea).value, "182,5");
    assert_eq!(field(&seen, FormField::GrossFloorArea).version, 1);
    // Every field is there, in form order, the untouched ones empty.
    assert_eq!(
        seen.form.iter().map(|f| f.field).collect::<Vec<_>>(),
        FormField::ALL.to_vec()
    );
    assert_eq!(field(&seen, FormField::Storeys).version, 0);
}

#[tokio::test]
async fn a_stale_write_to_the_same_field_is_refused_with_the_other_value() {
    let app = TestApp::new().await;
    let (_, builder, designer, room) = room_with_designer(&app).await;
    builder
        .put_json(
            &path(&room, "building_use"),
            &json!({"value": "Einfamilienhaus", "base_version": 0}),
        )
        .await
        .expect_status(StatusCode::OK);

    // The designer began from the empty field, before the builder saved.
    let refused = designer
        .put_json(
            &path(&room, "building_use"),
            &json!({"value": "Doppelhaushälfte", "base_version": 0}),
        )
        .await
        .expect_status(StatusCode::CONFLICT)
        .problem();
    assert_eq!(refused.code, "stale_field");
    assert_eq!(refused.field.as_deref(), Some("building_use"));
    assert!(refused.detail.contains("Bea Builder"), "{}", refused.detail);
    let current = refused.current.expect("the field as it stands");
    assert_eq!(current.value, "Einfamilienhaus");
    assert_eq!(current.version, 1);
    assert_eq!(
        field(&designer.room(room.id).await, FormField::BuildingUse).value,
        "Einfamilienhaus",
        "the refused write changed nothing"
    );

    // The designer overrides, knowingly: on top of the builder's version.
    let saved: FormFieldView = designer
        .put_json(
            &path(&room, "building_use"),
            &json!({"value": "Doppelhaushälfte", "base_version": current.version}),
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(saved.version, 2);
    assert_eq!(saved.updated_by.unwrap().display_name, "Dana Designer");
}

#[tokio::test]
async fn saving_the_same_value_twice_changes_nothing() {
    let app = TestApp::new().await;
    let (_, builder, room) = app.room().await;
    let body = json!({"value": "3", "base_version": 0});
    let storeys = path(&room, "storeys");
    let (first, second) = tokio::join!(
        builder.put_json(&storeys, &body),
        builder.put_json(&storeys, &body),
    );
    first.expect_status(StatusCode::OK);
    second.expect_status(StatusCode::OK);
    let seen = builder.room(room.id).await;
    assert_eq!(field(&seen, FormField::Storeys).version, 1);
    assert_eq!(seen.last_seq, room.last_seq + 1, "one change, one entry");
}

#[tokio::test]
async fn a_change_after_signing_withdraws_every_signature_visibly() {
    let app = TestApp::new().await;
    let (_, builder, designer, room) = room_with_designer(&app).await;
    builder.sign(room.id).await;
    designer
        .put_json(
            &path(&room, "construction_cost"),
            &json!({"value": "350000", "base_version": 0}),
        )
        .await
        .expect_status(StatusCode::OK);

    let seen = builder.room(room.id).await;
    assert!(seen.signatures.is_empty());
    assert!(seen.allowed.contains(&RoomAction::Sign));
    let events: Vec<RoomEvent> = builder
        .get(&format!("/api/rooms/{}/events", room.id))
        .await
        .expect_status(StatusCode::OK)
        .json();
    let last = &events[events.len() - 1];
    match &last.payload {
        EventPayload::SignatureWithdrawn { role, reason, .. } => {
            assert_eq!(*role, RoomRole::Builder);
            assert!(reason.contains("form changed"), "{reason}");
        }
        other => panic!("expected the withdrawal last, got {other:?}"),
    }
    assert!(matches!(
        events[events.len() - 2].payload,
        EventPayload::FormFieldChanged {
            field: FormField::ConstructionCost,
            version: 1,
            ..
        }
    ));
}

#[tokio::test]
async fn bad_writes_get_a_precise_answer_and_store_nothing() {
    let app = TestApp::new().await;
    let (_, builder, room) = app.room().await;
    let cases = [
        (
            "building_class",
            json!({"value": "7", "base_version": 0}),
            422,
            "invalid_field",
        ),
        (
            "storeys",
            json!({"value": "zwei", "base_version": 0}),
            422,
            "invalid_field",
        ),
        (
            "parcel",
            json!({"value": "Flur 2\nFlurstück 3", "base_version": 0}),
            422,
            "invalid_field",
        ),
        (
            "parcel",
            json!({"value": "x".repeat(301), "base_version": 0}),
            422,
            "invalid_field",
        ),
        (
            "parcel",
            json!({"value": "Flur 2", "base_version": 4}),
            422,
            "invalid_field",
        ),
        (
            "parcel",
            json!({"value": 17, "base_version": 0}),
            422,
            "malformed_json",
        ),
        ("parcel", json!({"value": "Flur 2"}), 422, "malformed_json"),
        (
            "colour",
            json!({"value": "rot", "base_version": 0}),
            404,
            "not_found",
        ),
    ];
    for (name, body, status, code) in cases {
        let answer = builder.put_json(&path(&room, name), &body).await;
        assert_eq!(answer.status.as_u16(), status, "{name} {body}");
        assert_eq!(answer.problem().code, code, "{name} {body}");
    }
    let garbled = builder
        .client
        .put(format!("{}{}", builder.base, path(&room, "parcel")))
        .header("x-requested-with", "vorgangsraum")
        .header("content-type", "application/json")
        .body("{\"value\": ");
    assert_eq!(builder.send(garbled).await.status, StatusCode::BAD_REQUEST);

    let seen = builder.room(room.id).await;
    assert!(
        seen.form
            .iter()
            .all(|f| f.version == 0 && f.value.is_empty())
    );
    assert_eq!(seen.last_seq, room.last_seq);
}
