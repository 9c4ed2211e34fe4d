//! Requests and bodies of the native room API (`/api/v1/rooms`).

use serde_json::{Value, json};

use super::{TestApp, ok};

/// The collection of rooms.
pub const ROOMS: &str = "/api/v1/rooms";

/// A plan of labelled phases.
pub fn plan(phases: &[(&str, u64)], auto_advance: bool) -> Value {
    let phases: Vec<Value> = phases
        .iter()
        .map(|(label, ms)| json!({"label": label, "duration_ms": ms}))
        .collect();
    json!({"phases": phases, "auto_advance": auto_advance})
}

/// A plan of `count` phases labelled `x`, each `ms` long.
pub fn phases(count: usize, ms: u64) -> Value {
    json!({"phases": vec![json!({"label": "x", "duration_ms": ms}); count]})
}

/// `POST /api/v1/rooms`, expecting 201; returns the envelope.
pub async fn create(app: &TestApp, body: Value) -> Value {
    ok(app, "POST", ROOMS, Some(body), 201).await
}

/// `GET /api/v1/rooms/{code}`, expecting 200; returns the envelope (the
/// version, the room with its timer and roles, and the workspace).
pub async fn get(app: &TestApp, code: &str) -> Value {
    ok(app, "GET", &format!("{ROOMS}/{code}"), None, 200).await
}

/// `POST /api/v1/rooms/{code}/{action}` (e.g. `timer/start`, `roles/rotate`).
pub async fn post(app: &TestApp, code: &str, action: &str) -> (u16, Value) {
    app.send("POST", &format!("{ROOMS}/{code}/{action}"), None)
        .await
}

/// Like [`post`], expecting 200 and the version after `before`.
pub async fn command(app: &TestApp, code: &str, action: &str, before: u64) -> Value {
    let (status, envelope) = post(app, code, action).await;
    assert_eq!(status, 200, "{action}: {envelope}");
    assert_eq!(envelope["version"], before + 1, "{action}: {envelope}");
    envelope
}

/// `PUT /api/v1/rooms/{code}/plan`.
pub async fn put_plan(app: &TestApp, code: &str, body: Value) -> (u16, Value) {
    app.send("PUT", &format!("{ROOMS}/{code}/plan"), Some(body))
        .await
}

/// Asserts the room reads back exactly as `before` (version, timer, roles).
pub async fn assert_unchanged(app: &TestApp, code: &str, before: &Value) {
    let after = get(app, code).await;
    assert_eq!(after["version"], before["version"]);
    assert_eq!(after["room"], before["room"]);
}
