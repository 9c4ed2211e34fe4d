//! The 코딩해듀오 compatibility API (`/api`): the timer endpoints and the
//! event stream.

mod common;

use std::time::Duration;

use common::coduo::{create, create_body, exists, pair_room, patch, timer};
use common::json::now_ms;
use common::{TestApp, assert_error, native, no_content};
use serde_json::{Value, json};

// ---- helpers ---------------------------------------------------------------

fn remaining(timer: &Value) -> i64 {
    timer["remainingTime"].as_i64().unwrap()
}

// ---- timer -----------------------------------------------------------------

#[tokio::test]
async fn get_timer_answers_a_stable_numeric_id_duration_and_remaining_time() {
    let app = TestApp::spawn().await;
    let code = create(&app, create_body("Ann", "Bob", 600_000, 420_000, "")).await;
    let body = timer(&app, &code).await;
    let id = body["id"].as_u64().expect("id is a whole number");
    assert!(id < 1 << 53, "{id}");
    assert_eq!(body["duration"], 600_000);
    assert_eq!(body["remainingTime"], 420_000);
    assert_eq!(timer(&app, &code.to_uppercase()).await["id"], id);
    let other = app.pair_room(600_000).await;
    assert_ne!(timer(&app, &other).await["id"], id);
}

#[tokio::test]
async fn start_runs_the_timer_and_start_again_is_a_silent_204() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    patch(&app, &format!("/api/{code}/timer/start")).await;
    let envelope = native::get(&app, &code).await;
    let ends = envelope["room"]["timer"]["ends_at_ms"].as_i64().unwrap();
    assert_eq!(envelope["room"]["timer"]["state"], "running");
    assert!((ends - (now_ms() + 600_000)).abs() < 2_000, "{ends}");
    tokio::time::sleep(Duration::from_millis(120)).await;
    let left = remaining(&timer(&app, &code).await);
    assert!((590_000..600_000).contains(&left), "{left}");
    assert!(remaining(&pair_room(&app, &code).await) <= left);

    patch(&app, &format!("/api/{code}/timer/start")).await;
    let again = native::get(&app, &code).await;
    assert_eq!(again["version"], 2);
    assert_eq!(again["room"]["timer"]["ends_at_ms"], ends);
}

#[tokio::test]
async fn stop_pauses_and_stop_when_not_running_is_a_silent_204() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    patch(&app, &format!("/api/{code}/timer/stop")).await;
    assert_eq!(native::get(&app, &code).await["version"], 1);
    patch(&app, &format!("/api/{code}/timer/start")).await;
    tokio::time::sleep(Duration::from_millis(120)).await;
    patch(&app, &format!("/api/{code}/timer/stop")).await;
    let left = remaining(&timer(&app, &code).await);
    assert!((590_000..600_000).contains(&left), "{left}");
    assert_eq!(
        native::get(&app, &code).await["room"]["timer"]["state"],
        "paused"
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(remaining(&timer(&app, &code).await), left);
    patch(&app, &format!("/api/{code}/timer/stop")).await;
    assert_eq!(native::get(&app, &code).await["version"], 3);
}

#[tokio::test]
async fn timer_update_sets_duration_and_remaining_time() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    let path = format!("/api/{code}/timer");
    let setting = json!({"duration": 1_200_000, "remainingTime": 900_000});
    no_content(&app, "PATCH", &path, Some(setting)).await;
    let body = timer(&app, &code).await;
    assert_eq!(
        (&body["duration"], &body["remainingTime"]),
        (&json!(1_200_000), &json!(900_000))
    );
    let envelope = native::get(&app, &code).await;
    assert_eq!(envelope["version"], 2);
    assert_eq!(envelope["room"]["timer"]["state"], "paused");
    assert_eq!(pair_room(&app, &code).await["duration"], 1_200_000);

    patch(&app, &format!("/api/{code}/timer/start")).await;
    let running = native::get(&app, &code).await;
    let ends = running["room"]["timer"]["ends_at_ms"].as_i64().unwrap();
    assert!((ends - (now_ms() + 900_000)).abs() < 2_000, "{ends}");
    patch(&app, &format!("/api/{code}/timer/stop")).await;
    let full = json!({"duration": 60_000, "remainingTime": 60_000});
    no_content(&app, "PATCH", &path, Some(full)).await;
    assert_eq!(
        native::get(&app, &code).await["room"]["timer"]["state"],
        "idle"
    );
    assert_eq!(remaining(&timer(&app, &code).await), 60_000);
}

#[tokio::test]
async fn timer_update_while_running_is_409_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    patch(&app, &format!("/api/{code}/timer/start")).await;
    let before = native::get(&app, &code).await;
    let setting = json!({"duration": 60_000, "remainingTime": 60_000});
    let result = app
        .send("PATCH", &format!("/api/{code}/timer"), Some(setting))
        .await;
    assert_error(&result, 409);
    let after = native::get(&app, &code).await;
    assert_eq!(after["version"], before["version"]);
    assert_eq!(
        after["room"]["timer"]["ends_at_ms"],
        before["room"]["timer"]["ends_at_ms"]
    );
    assert_eq!(timer(&app, &code).await["duration"], 600_000);
}

#[tokio::test]
async fn at_time_up_the_remaining_time_is_full_again_and_roles_are_swapped() {
    let app = TestApp::spawn().await;
    // The 코딩해듀오 API allows one minute at least; a native room runs 1 s.
    let code = app.room(&["Ann", "Bob"], 1_000, false).await;
    patch(&app, &format!("/api/{code}/timer/start")).await;
    tokio::time::sleep(Duration::from_millis(1_300)).await;
    let room = pair_room(&app, &code).await;
    assert_eq!(
        (&room["driver"], &room["navigator"]),
        (&json!("Bob"), &json!("Ann"))
    );
    assert_eq!(
        (&room["duration"], &room["remainingTime"]),
        (&json!(1_000), &json!(1_000))
    );
    assert_eq!(remaining(&timer(&app, &code).await), 1_000);
    // Each open screen's pair-swap in reaction is absorbed.
    patch(&app, &format!("/api/pair-room/{code}/pair-swap")).await;
    assert_eq!(pair_room(&app, &code).await["driver"], "Bob");
}

// ---- event stream ----------------------------------------------------------

#[tokio::test]
async fn connect_greets_with_connect_and_the_remaining_time_then_reports_changes() {
    let app = TestApp::spawn().await;
    let code = create(&app, create_body("Ann", "Bob", 600_000, 300_000, "")).await;
    let mut stream = app
        .stream(&format!("/api/{}/connect", code.to_uppercase()))
        .await;
    assert_eq!(stream.status, 200);
    assert_eq!(stream.headers["content-type"], "text/event-stream");
    assert_eq!(stream.headers["x-accel-buffering"], "no");
    let connect = stream.next_event(Duration::from_secs(2)).await.unwrap();
    assert_eq!(
        (connect.event.as_str(), connect.data.as_str()),
        ("connect", "OK")
    );
    assert!(
        connect.retry.is_some() && connect.id.is_some(),
        "{connect:?}"
    );
    let left = stream.next_event(Duration::from_secs(2)).await.unwrap();
    assert_eq!(
        (left.event.as_str(), left.data.as_str()),
        ("remaining-time", "300000")
    );

    patch(&app, &format!("/api/{code}/timer/start")).await;
    let started = stream.expect("timer", Duration::from_secs(2)).await;
    assert_eq!(started.data, "start");
    let mut second = app.stream(&format!("/api/{code}/connect")).await;
    let running = second.expect("timer", Duration::from_secs(2)).await;
    assert_eq!(running.data, "running");
}

#[tokio::test]
async fn delete_connect_closes_every_stream_of_the_room() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    let mut streams = [
        app.stream(&format!("/api/{code}/connect")).await,
        app.stream(&format!("/api/{code}/connect")).await,
    ];
    for stream in &mut streams {
        stream.expect("connect", Duration::from_secs(2)).await;
    }
    no_content(&app, "DELETE", &format!("/api/{code}/connect"), None).await;
    for stream in &mut streams {
        let close = stream.expect("close", Duration::from_secs(2)).await;
        assert_eq!(close.data, "OK");
        assert!(stream.ended(Duration::from_secs(2)).await);
    }
    assert!(exists(&app, &code).await);
}

#[tokio::test]
async fn connect_accepts_a_percent_encoded_code_on_a_fresh_connection() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    // `%2D` is `-` (RFC 3986 6.2.2.2); the router decodes it.
    let encoded = code.replace('-', "%2D");
    assert_eq!(pair_room(&app, &encoded).await["driver"], "Ann");
    let reused = app.client.get(app.url(&format!("/api/{encoded}/connect")));
    assert_eq!(reused.send().await.unwrap().status(), 200);
    let mut fresh = app.stream(&format!("/api/{encoded}/connect")).await;
    assert_eq!(fresh.status, 200, "{:?}", fresh.error_body);
    fresh.expect("connect", Duration::from_secs(2)).await;
}

#[tokio::test]
async fn connect_to_an_unknown_or_deleted_room_is_a_json_error() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    app.send("DELETE", &format!("/api/pair-room/{code}"), None)
        .await;
    for (room, status) in [
        ("zzzz-zzzz-zzzzz", 404),
        ("IAN4c4d3661-", 404),
        (code.as_str(), 400),
    ] {
        let path = format!("/api/{room}/connect");
        let stream = app.stream(&path).await;
        let body: Value = serde_json::from_str(stream.error_body.as_deref().unwrap()).unwrap();
        assert_error(&(stream.status, body), status);
        app.send("GET", "/api/pair-room/exists?access_code=x", None)
            .await;
        assert_error(&app.send("GET", &path, None).await, status);
    }
}
