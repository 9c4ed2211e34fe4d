//! The native API (`/api/v1`): the event stream endpoint.

mod common;

use std::time::Duration;

use common::native::{command, get};
use common::{TestApp, assert_error};
use serde_json::{Value, json};

// ---- event stream ----------------------------------------------------------

#[tokio::test]
async fn events_stream_a_snapshot_then_changes_and_show_presence() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    let path = format!("/api/v1/rooms/{}/events?name=Ann", code.to_uppercase());
    let mut stream = app.stream(&path).await;
    assert_eq!(stream.status, 200);
    assert_eq!(stream.headers["content-type"], "text/event-stream");
    let snapshot = stream.expect("snapshot", Duration::from_secs(2)).await;
    assert_eq!(snapshot.id.as_deref(), Some("1"));
    let snap = snapshot.json();
    assert_eq!(snap["version"], 1);
    assert_eq!(snap["room"]["code"], code);
    assert_eq!(get(&app, &code).await["room"]["present"], json!(["Ann"]));

    let started = command(&app, &code, "timer/start", 1).await;
    let change = stream.expect("change", Duration::from_secs(2)).await;
    assert_eq!(change.id.as_deref(), Some("2"));
    let change = change.json();
    assert_eq!(change["causes"], json!(["started"]));
    let timer = &change["room"]["timer"];
    assert_eq!(timer["state"], "running");
    assert_eq!(timer["ends_at_ms"], started["room"]["timer"]["ends_at_ms"]);
    let event_time = change["server_time_ms"].as_i64().unwrap();
    let ends = timer["ends_at_ms"].as_i64().unwrap();
    assert_eq!(timer["remaining_ms"], ends - event_time);
}

#[tokio::test]
async fn events_end_with_a_deleted_change_when_the_room_is_deleted() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    let mut stream = app.stream(&format!("/api/v1/rooms/{code}/events")).await;
    stream.expect("snapshot", Duration::from_secs(2)).await;
    let (status, _) = app
        .send("DELETE", &format!("/api/v1/rooms/{code}"), None)
        .await;
    assert_eq!(status, 204);
    let change = stream.expect("change", Duration::from_secs(2)).await;
    assert_eq!(change.json()["causes"], json!(["deleted"]));
    assert_eq!(change.json()["room"]["status"], "deleted");
    assert!(stream.ended(Duration::from_secs(2)).await);
}

#[tokio::test]
async fn events_accept_a_percent_encoded_code_on_a_fresh_connection() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    // `%2D` is `-` (RFC 3986 6.2.2.2); the router decodes it.
    let encoded = code.replace('-', "%2D");
    assert_eq!(get(&app, &encoded).await["room"]["code"], code);
    let reused = app
        .client
        .get(app.url(&format!("/api/v1/rooms/{encoded}/events")));
    assert_eq!(reused.send().await.unwrap().status(), 200);
    let mut fresh = app.stream(&format!("/api/v1/rooms/{encoded}/events")).await;
    assert_eq!(fresh.status, 200, "{:?}", fresh.error_body);
    fresh.expect("snapshot", Duration::from_secs(2)).await;
}

#[tokio::test]
async fn events_of_unknown_malformed_or_deleted_rooms_are_json_errors() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    app.send("DELETE", &format!("/api/v1/rooms/{code}"), None)
        .await;
    for (room, status) in [("zzzz-zzzz-zzzzz", 404), ("nope", 404), (&code, 410)] {
        let path = format!("/api/v1/rooms/{room}/events");
        // A fresh connection (the lean stream path) and a reused one (the router).
        let stream = app.stream(&path).await;
        let body: Value = serde_json::from_str(stream.error_body.as_deref().unwrap()).unwrap();
        assert_error(&(stream.status, body), status);
        app.send("GET", "/api/v1/rooms/zzzz-zzzz-zzzzz", None).await;
        assert_error(&app.send("GET", &path, None).await, status);
    }
}
