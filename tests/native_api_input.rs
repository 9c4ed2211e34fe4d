//! The native API (`/api/v1`): bad bodies for creating a room are JSON
//! errors with the right status.

mod common;

use common::native::{ROOMS, phases};
use common::{TestApp, assert_error, raw};
use serde_json::{Value, json};

// ---- helpers ---------------------------------------------------------------

fn create_body(participants: Value, plan: Value) -> Value {
    json!({"participants": participants, "plan": plan})
}

/// `POST /api/v1/rooms` with any body, for refusals.
async fn create(app: &TestApp, body: Value) -> (u16, Value) {
    app.send("POST", ROOMS, Some(body)).await
}

/// A valid create body padded with spaces to exactly `len` bytes.
fn padded_body(len: usize) -> String {
    let body = r#"{"participants": ["Ann", "Bob"]}"#;
    format!("{}{}", " ".repeat(len - body.len()), body)
}

// ---- create: body format ---------------------------------------------------

#[tokio::test]
async fn create_refuses_a_missing_or_empty_body_or_non_json() {
    let app = TestApp::spawn().await;
    assert_error(&app.send("POST", ROOMS, None).await, 415);
    assert_error(&raw(&app, "POST", ROOMS, "application/json", "").await, 400);
    assert_error(
        &raw(&app, "POST", ROOMS, "application/json", "{").await,
        400,
    );
    assert_error(
        &raw(&app, "POST", ROOMS, "application/json", "participants=Ann").await,
        400,
    );
    for body in ["[]", "null", "\"Ann\"", "42"] {
        assert_error(
            &raw(&app, "POST", ROOMS, "application/json", body).await,
            400,
        );
    }
}

#[tokio::test]
async fn create_refuses_a_wrong_content_type_with_415() {
    let app = TestApp::spawn().await;
    let body = r#"{"participants": ["Ann", "Bob"]}"#;
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "text/json",
    ] {
        assert_error(&raw(&app, "POST", ROOMS, content_type, body).await, 415);
    }
    let ok = raw(&app, "POST", ROOMS, "application/json; charset=utf-8", body).await;
    assert_eq!(ok.0, 201, "{}", ok.1);
}

#[tokio::test]
async fn create_refuses_a_body_over_64_kib_with_413() {
    let app = TestApp::spawn().await;
    let too_big = padded_body(64 * 1024 + 1);
    assert_error(
        &raw(&app, "POST", ROOMS, "application/json", &too_big).await,
        413,
    );
    let megabyte = padded_body(1 << 20);
    assert_error(
        &raw(&app, "POST", ROOMS, "application/json", &megabyte).await,
        413,
    );
    let fits = padded_body(64 * 1024);
    let ok = raw(&app, "POST", ROOMS, "application/json", &fits).await;
    assert_eq!(ok.0, 201, "{}", ok.1);
}

#[tokio::test]
async fn create_refuses_unknown_and_missing_fields() {
    let app = TestApp::spawn().await;
    let unknown = json!({"participants": ["Ann", "Bob"], "driver": "Ann"});
    assert_error(&create(&app, unknown).await, 400);
    assert_error(&create(&app, json!({})).await, 400);
    assert_error(&create(&app, json!({"plan": phases(1, 5_000)})).await, 400);
    let no_phases = create_body(json!(["Ann", "Bob"]), json!({"auto_advance": true}));
    assert_error(&create(&app, no_phases).await, 400);
    for phase in [json!({"label": "x"}), json!({"duration_ms": 5_000})] {
        let body = create_body(json!(["Ann", "Bob"]), json!({"phases": [phase]}));
        assert_error(&create(&app, body).await, 400);
    }
}

#[tokio::test]
async fn create_refuses_wrong_types() {
    let app = TestApp::spawn().await;
    for participants in [
        json!("Ann,Bob"),
        json!([1, 2]),
        json!(null),
        json!({"a": "Ann"}),
    ] {
        let body = json!({"participants": participants});
        assert_error(&create(&app, body).await, 400);
    }
    let ok_names = json!(["Ann", "Bob"]);
    for plan in [
        json!("Round"),
        json!({"phases": {"label": "x", "duration_ms": 5_000}}),
        json!({"phases": [{"label": 7, "duration_ms": 5_000}]}),
        json!({"phases": [{"label": "x", "duration_ms": "5000"}]}),
        json!({"phases": [{"label": "x", "duration_ms": 1_500.5}]}),
        json!({"phases": [{"label": "x", "duration_ms": 5_000}], "auto_advance": "yes"}),
    ] {
        let body = create_body(ok_names.clone(), plan);
        assert_error(&create(&app, body).await, 400);
    }
}

#[tokio::test]
async fn create_refuses_huge_and_negative_durations() {
    let app = TestApp::spawn().await;
    for ms in [
        "1e300",
        "-1",
        "18446744073709551616",
        "-9223372036854775809",
        "0",
    ] {
        let body = format!(
            r#"{{"participants": ["Ann", "Bob"], "plan": {{"phases": [{{"label": "x", "duration_ms": {ms}}}]}}}}"#
        );
        assert_error(
            &raw(&app, "POST", ROOMS, "application/json", &body).await,
            400,
        );
    }
}

#[tokio::test]
async fn plans_refuse_unknown_fields() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    // A client writing `autoAdvance` would silently get `auto_advance: false`.
    let typo = json!({"phases": [{"label": "x", "duration_ms": 5_000}], "autoAdvance": true});
    let body = create_body(json!(["Ann", "Bob"]), typo.clone());
    assert_error(&create(&app, body).await, 400);
    assert_error(
        &app.send("PUT", &format!("{ROOMS}/{code}/plan"), Some(typo))
            .await,
        400,
    );
    let phase = json!({"phases": [{"label": "x", "duration_ms": 5_000, "durationMs": 9_000}]});
    assert_error(
        &app.send("PUT", &format!("{ROOMS}/{code}/plan"), Some(phase))
            .await,
        400,
    );
}

// ---- create: validation ----------------------------------------------------

#[tokio::test]
async fn create_refuses_blank_long_duplicate_and_control_character_names() {
    let app = TestApp::spawn().await;
    for names in [
        json!(["Ann", ""]),
        json!(["Ann", "   "]),
        json!(["Ann", "x".repeat(21)]),
        json!(["Ann", "가".repeat(21)]),
        json!(["Ann", "ann"]),
        json!(["Ann", " ANN "]),
        json!(["Ann", "Bob", "Cid", "bob"]),
        json!(["Ann", "B\u{0}b"]),
        json!(["Ann", "Bo\tb"]),
    ] {
        let result = create(&app, json!({"participants": names})).await;
        assert_error(&result, 400);
    }
    // A name that is 20 characters once trimmed is fine.
    let padded = format!("  {}  ", "y".repeat(20));
    assert_eq!(
        create(&app, json!({"participants": ["Ann", padded]}))
            .await
            .0,
        201
    );
}

#[tokio::test]
async fn create_needs_two_to_twelve_participants() {
    let app = TestApp::spawn().await;
    let names = |n: usize| json!((0..n).map(|i| format!("p{i}")).collect::<Vec<_>>());
    for count in [0, 1, 13, 100] {
        let result = create(&app, json!({"participants": names(count)})).await;
        assert_error(&result, 400);
    }
    for count in [2, 12] {
        assert_eq!(
            create(&app, json!({"participants": names(count)})).await.0,
            201
        );
    }
}

#[tokio::test]
async fn create_needs_one_to_sixteen_phases_of_one_second_to_one_day() {
    let app = TestApp::spawn().await;
    let names = json!(["Ann", "Bob"]);
    for plan in [
        phases(0, 5_000),
        phases(17, 5_000),
        phases(1, 999),
        phases(1, 86_400_001),
    ] {
        assert_error(&create(&app, create_body(names.clone(), plan)).await, 400);
    }
    let long_label = json!({"phases": [{"label": "x".repeat(41), "duration_ms": 5_000}]});
    assert_error(
        &create(&app, create_body(names.clone(), long_label)).await,
        400,
    );
    for plan in [phases(1, 1_000), phases(16, 86_400_000)] {
        assert_eq!(create(&app, create_body(names.clone(), plan)).await.0, 201);
    }
}
