//! The control lock: the creator of a locked room gets a host key once;
//! the room then takes timer, role, plan and status commands only with it,
//! while everyone may still watch and use the workspace. Rooms are
//! unlocked by default, and the original API never locks.

mod common;

use common::{TestApp, assert_error};
use serde_json::{Value, json};

async fn locked_room(app: &TestApp) -> (String, String) {
    let body = json!({"participants": ["Ann", "Bob"], "locked": true});
    let (status, created) = app.send("POST", "/api/v1/rooms", Some(body)).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["room"]["locked"], true);
    let key = created["host_key"].as_str().unwrap().to_owned();
    assert_eq!(key.len(), 32);
    let code = created["room"]["code"].as_str().unwrap().to_owned();
    (code, key)
}

async fn send_as(
    app: &TestApp,
    method: &str,
    path: &str,
    body: Option<Value>,
    key: Option<&str>,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = app.client.request(method, app.url(path));
    if let Some(body) = body {
        request = request.json(&body);
    }
    if let Some(key) = key {
        request = request.header("x-host-key", key);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Every control command on the room, as (method, path, body).
fn controls(code: &str) -> Vec<(&'static str, String, Option<Value>)> {
    let room = format!("/api/v1/rooms/{code}");
    vec![
        ("POST", format!("{room}/timer/start"), None),
        ("POST", format!("{room}/timer/reset"), None),
        ("POST", format!("{room}/timer/skip"), None),
        ("POST", format!("{room}/roles/rotate"), None),
        (
            "PUT",
            format!("{room}/plan"),
            Some(json!({"phases": [{"label": "A", "duration_ms": 60000}]})),
        ),
        (
            "PUT",
            format!("{room}/status"),
            Some(json!({"status": "completed"})),
        ),
        ("DELETE", room.clone(), None),
    ]
}

#[tokio::test]
async fn a_locked_room_refuses_control_without_its_key() {
    let app = TestApp::spawn().await;
    let (code, key) = locked_room(&app).await;
    let wrong = "0".repeat(32);
    for (method, path, body) in controls(&code) {
        for key in [None, Some(wrong.as_str()), Some("not-a-key")] {
            let answer = send_as(&app, method, &path, body.clone(), key).await;
            assert_error(&answer, 403);
            assert!(answer.1["message"].as_str().unwrap().contains("locked"));
        }
    }
    let (_, read) = app
        .send("GET", &format!("/api/v1/rooms/{code}"), None)
        .await;
    assert_eq!(read["version"], 1, "nothing changed: {read}");
    assert!(
        !read.to_string().contains(&key),
        "the key is never shown again"
    );

    // The original API cannot start it either.
    let legacy = app
        .send("PATCH", &format!("/api/{code}/timer/start"), None)
        .await;
    assert_error(&legacy, 403);
    let swap = app
        .send("PATCH", &format!("/api/pair-room/{code}/pair-swap"), None)
        .await;
    assert_error(&swap, 403);
}

#[tokio::test]
async fn the_host_key_controls_and_everyone_watches() {
    let app = TestApp::spawn().await;
    let (code, key) = locked_room(&app).await;
    let mut watcher = app.stream(&format!("/api/v1/rooms/{code}/events")).await;
    let snapshot = watcher
        .expect("snapshot", std::time::Duration::from_secs(2))
        .await;
    assert_eq!(snapshot.json()["room"]["locked"], true);
    assert!(!snapshot.data.contains(&key));

    let room = format!("/api/v1/rooms/{code}");
    let upper = key.to_uppercase();
    for (path, key) in [
        (format!("{room}/timer/start"), key.as_str()),
        (format!("{room}/roles/rotate"), upper.as_str()),
    ] {
        let (status, answer) = send_as(&app, "POST", &path, None, Some(key)).await;
        assert_eq!(status, 200, "{path}: {answer}");
    }
    let change = watcher
        .expect("change", std::time::Duration::from_secs(2))
        .await;
    assert_eq!(change.json()["room"]["timer"]["state"], "running");

    // The workspace is everyone's.
    let (status, _) = app
        .send(
            "POST",
            &format!("{room}/todos"),
            Some(json!({"content": "review"})),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = send_as(&app, "DELETE", &room, None, Some(&key)).await;
    assert_eq!(status, 204);
}

#[tokio::test]
async fn rooms_are_unlocked_unless_asked() {
    let app = TestApp::spawn().await;
    let (status, created) = app
        .send(
            "POST",
            "/api/v1/rooms",
            Some(json!({"participants": ["Ann", "Bob"]})),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(created["room"]["locked"], false);
    assert!(created.get("host_key").is_none());
    let code = created["room"]["code"].as_str().unwrap();
    for (method, path, body) in controls(code) {
        let (status, answer) = app.send(method, &path, body).await;
        assert!(
            status < 400 || status == 409,
            "{method} {path}: {status} {answer}"
        );
    }
    let legacy = app.pair_room(60_000).await;
    let (status, _) = app
        .send("PATCH", &format!("/api/{legacy}/timer/start"), None)
        .await;
    assert_eq!(status, 204);
}

#[tokio::test]
async fn locked_must_be_a_boolean() {
    let app = TestApp::spawn().await;
    let body = json!({"participants": ["Ann", "Bob"], "locked": "yes"});
    assert_error(&app.send("POST", "/api/v1/rooms", Some(body)).await, 400);
}
