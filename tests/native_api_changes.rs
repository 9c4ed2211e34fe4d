//! The native API (`/api/v1`): rotating roles, changing the plan and
//! deleting a room.

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use common::{TestApp, assert_error};
use serde_json::{Value, json};

// ---- helpers ---------------------------------------------------------------

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Asserts `value` is within `slack` of `expected`.
fn assert_near(value: i64, expected: i64, slack: i64, what: &str) {
    assert!(
        (value - expected).abs() <= slack,
        "{what}: {value} is not within {slack} of {expected}"
    );
}

/// Asserts a code looks like `xxxx-xxxx-xxxxx` in lower-case Crockford base32.
fn assert_code_format(code: &str) {
    assert_eq!(code.len(), 15, "{code}");
    for (i, c) in code.chars().enumerate() {
        if i == 4 || i == 9 {
            assert_eq!(c, '-', "{code}");
        } else {
            assert!(
                "0123456789abcdefghjkmnpqrstvwxyz".contains(c),
                "{c:?} in {code}"
            );
        }
    }
}

fn plan(phases: &[(&str, u64)], auto_advance: bool) -> Value {
    let phases: Vec<Value> = phases
        .iter()
        .map(|(label, ms)| json!({"label": label, "duration_ms": ms}))
        .collect();
    json!({"phases": phases, "auto_advance": auto_advance})
}

async fn get(app: &TestApp, code: &str) -> Value {
    let (status, envelope) = app
        .send("GET", &format!("/api/v1/rooms/{code}"), None)
        .await;
    assert_eq!(status, 200, "{envelope}");
    envelope
}

/// `POST /api/v1/rooms/{code}/{action}` (e.g. `timer/start`, `roles/rotate`).
async fn post(app: &TestApp, code: &str, action: &str) -> (u16, Value) {
    app.send("POST", &format!("/api/v1/rooms/{code}/{action}"), None)
        .await
}

/// Like [`post`], expecting 200 and the version after `before`.
async fn command(app: &TestApp, code: &str, action: &str, before: u64) -> Value {
    let (status, envelope) = post(app, code, action).await;
    assert_eq!(status, 200, "{action}: {envelope}");
    assert_eq!(envelope["version"], before + 1, "{action}: {envelope}");
    envelope
}

async fn put_plan(app: &TestApp, code: &str, body: Value) -> (u16, Value) {
    app.send("PUT", &format!("/api/v1/rooms/{code}/plan"), Some(body))
        .await
}

/// Asserts a room envelope's full shape: every documented field, typed.
fn assert_envelope_shape(envelope: &Value) {
    assert!(envelope["version"].is_u64(), "{envelope}");
    assert_near(
        envelope["server_time_ms"].as_i64().unwrap(),
        now_ms(),
        2_000,
        "server_time_ms",
    );
    let room = &envelope["room"];
    assert_code_format(room["code"].as_str().unwrap());
    assert!(room["status"].is_string(), "{room}");
    let participants = room["participants"].as_array().unwrap();
    assert!(participants.iter().all(Value::is_string), "{room}");
    assert_eq!(room["driver"], participants[0], "{room}");
    assert_eq!(room["navigator"], participants[1], "{room}");
    assert!(room["present"].is_array(), "{room}");
    let timer = &room["timer"];
    assert!(timer["state"].is_string(), "{timer}");
    assert!(timer["phase_index"].is_u64(), "{timer}");
    assert!(timer["phase_label"].is_string(), "{timer}");
    assert!(timer["phase_duration_ms"].is_u64(), "{timer}");
    assert!(timer["remaining_ms"].is_u64(), "{timer}");
    assert!(timer["completed_rounds"].is_u64(), "{timer}");
    assert!(
        timer["ends_at_ms"].is_null() || timer["ends_at_ms"].is_i64(),
        "{timer}"
    );
    assert!(timer["plan"]["auto_advance"].is_boolean(), "{timer}");
    for phase in timer["plan"]["phases"].as_array().unwrap() {
        assert!(phase["label"].is_string(), "{phase}");
        assert!(phase["duration_ms"].is_u64(), "{phase}");
    }
}

// ---- roles and plan --------------------------------------------------------

#[tokio::test]
async fn rotate_hands_the_keyboard_on_and_leaves_the_timer_alone() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob", "Cid"], 60_000, false).await;
    let started = command(&app, &code, "timer/start", 1).await;
    let rotated = command(&app, &code, "roles/rotate", 2).await;
    assert_envelope_shape(&rotated);
    let room = &rotated["room"];
    assert_eq!(room["participants"], json!(["Bob", "Cid", "Ann"]));
    assert_eq!(room["driver"], "Bob");
    assert_eq!(room["navigator"], "Cid");
    assert_eq!(room["timer"]["state"], "running");
    assert_eq!(
        room["timer"]["ends_at_ms"],
        started["room"]["timer"]["ends_at_ms"]
    );
    assert_eq!(room["timer"]["completed_rounds"], 0);
    let twice = command(&app, &code, "roles/rotate", 3).await;
    let thrice = command(&app, &code, "roles/rotate", 4).await;
    assert_eq!(twice["room"]["driver"], "Cid");
    assert_eq!(thrice["room"]["driver"], "Ann");
}

#[tokio::test]
async fn put_plan_replaces_it_and_idles_at_the_first_phase() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    command(&app, &code, "timer/skip", 1).await;
    command(&app, &code, "timer/start", 2).await;
    command(&app, &code, "timer/pause", 3).await;
    let new_plan = plan(&[("Vote", 2_000), ("Code", 300_000)], true);
    let (status, changed) = put_plan(&app, &code, new_plan.clone()).await;
    assert_eq!(status, 200, "{changed}");
    assert_envelope_shape(&changed);
    assert_eq!(changed["version"], 5);
    let timer = &changed["room"]["timer"];
    assert_eq!(timer["plan"], new_plan);
    assert_eq!(timer["state"], "idle");
    assert_eq!(timer["phase_index"], 0);
    assert_eq!(timer["phase_label"], "Vote");
    assert_eq!(timer["remaining_ms"], 2_000);
    assert_eq!(timer["completed_rounds"], 1);
    assert_eq!(get(&app, &code).await["room"]["timer"]["plan"], new_plan);
}

#[tokio::test]
async fn put_plan_without_auto_advance_defaults_it_to_false() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, true).await;
    let body = json!({"phases": [{"label": "Solo", "duration_ms": 30_000}]});
    let (status, changed) = put_plan(&app, &code, body).await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["room"]["timer"]["plan"]["auto_advance"], false);
}

#[tokio::test]
async fn put_plan_while_running_is_409_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    let started = command(&app, &code, "timer/start", 1).await;
    let result = put_plan(&app, &code, plan(&[("Other", 5_000)], false)).await;
    assert_error(&result, 409);
    let read = get(&app, &code).await;
    assert_eq!(read["version"], 2);
    assert_eq!(
        read["room"]["timer"]["plan"],
        plan(&[("Round", 60_000)], false)
    );
    assert_eq!(
        read["room"]["timer"]["ends_at_ms"],
        started["room"]["timer"]["ends_at_ms"]
    );
}

// ---- delete ----------------------------------------------------------------

#[tokio::test]
async fn delete_answers_204_and_the_room_is_gone_with_410() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    let path = format!("/api/v1/rooms/{code}");
    assert_eq!(app.send("DELETE", &path, None).await, (204, Value::Null));
    assert_error(&app.send("GET", &path, None).await, 410);
    let upper = format!("/api/v1/rooms/{}", code.to_uppercase());
    assert_error(&app.send("GET", &upper, None).await, 410);
    for action in ["timer/start", "timer/pause", "timer/reset", "timer/skip"] {
        assert_error(&post(&app, &code, action).await, 410);
    }
    assert_error(&post(&app, &code, "roles/rotate").await, 410);
    assert_error(
        &put_plan(&app, &code, plan(&[("x", 5_000)], false)).await,
        410,
    );
    assert_error(&app.send("DELETE", &path, None).await, 410);
}
