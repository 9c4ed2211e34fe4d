//! The 코딩해듀오 compatibility API (`/api`): refused commands leave rooms
//! unchanged; unknown rooms, malformed codes, unknown paths and wrong methods
//! are JSON errors.

mod common;

use common::coduo::CREATE;
use common::native::{self, assert_unchanged};
use common::{TestApp, UNKNOWN, assert_error, raw};
use serde_json::{Value, json};

// ---- helpers ---------------------------------------------------------------

/// A room whose timer was set to 10 of 20 minutes (paused, version 2).
async fn paused_room(app: &TestApp) -> (String, Value) {
    let code = app.pair_room(1_200_000).await;
    let setting = json!({"duration": 1_200_000, "remainingTime": 600_000});
    let result = app
        .send("PATCH", &format!("/api/{code}/timer"), Some(setting))
        .await;
    assert_eq!(result.0, 204, "{}", result.1);
    let before = native::get(app, &code).await;
    (code, before)
}

// ---- commands: bad input leaves the room unchanged ------------------------

#[tokio::test]
async fn timer_update_refuses_bad_bodies_and_leaves_the_room_unchanged() {
    let app = TestApp::spawn().await;
    let (code, before) = paused_room(&app).await;
    let path = format!("/api/{code}/timer");
    let good = r#"{"duration": 600000, "remainingTime": 600000}"#;
    assert_error(&app.send("PATCH", &path, None).await, 415);
    assert_error(&raw(&app, "PATCH", &path, "text/plain", good).await, 415);
    assert_error(
        &raw(&app, "PATCH", &path, "application/json", "").await,
        400,
    );
    assert_error(
        &raw(&app, "PATCH", &path, "application/json", "duration=1").await,
        400,
    );
    let huge = format!("{{{}{}", " ".repeat(70_000), &good[1..]);
    assert_error(
        &raw(&app, "PATCH", &path, "application/json", &huge).await,
        413,
    );
    for (duration, remaining) in [
        ("59999", "59999"),
        ("5940001", "600000"),
        ("600000", "600001"),
        ("600000", "0"),
        ("600000", "-1"),
        ("-1", "60000"),
        ("1e300", "60000"),
        ("18446744073709551616", "60000"),
        ("600000", "9223372036854775808"),
        ("\"600000\"", "600000"),
        ("600000", "null"),
    ] {
        let text = format!(r#"{{"duration": {duration}, "remainingTime": {remaining}}}"#);
        assert_error(
            &raw(&app, "PATCH", &path, "application/json", &text).await,
            400,
        );
    }
    for missing in [
        json!({"duration": 600_000}),
        json!({"remainingTime": 600_000}),
        json!({}),
    ] {
        assert_error(&app.send("PATCH", &path, Some(missing)).await, 400);
    }
    assert_unchanged(&app, &code, &before).await;
}

#[tokio::test]
async fn status_refuses_unknown_values_and_bad_bodies_and_leaves_the_room_unchanged() {
    let app = TestApp::spawn().await;
    let (code, before) = paused_room(&app).await;
    let path = format!("/api/pair-room/{code}/status");
    for status in [
        json!("ARCHIVED"),
        json!("completed"),
        json!(""),
        json!(" DELETED"),
    ] {
        assert_error(
            &app.send("PATCH", &path, Some(json!({"status": status})))
                .await,
            400,
        );
    }
    for body in [
        json!({}),
        json!({"status": 1}),
        json!({"status": null}),
        json!([]),
    ] {
        assert_error(&app.send("PATCH", &path, Some(body)).await, 400);
    }
    assert_error(&app.send("PATCH", &path, None).await, 415);
    let text = r#"{"status": "COMPLETED"}"#;
    assert_error(&raw(&app, "PATCH", &path, "text/plain", text).await, 415);
    assert_error(
        &raw(&app, "PATCH", &path, "application/json", "").await,
        400,
    );
    assert_unchanged(&app, &code, &before).await;
    assert_eq!(before["room"]["status"], "in_progress");
}

// ---- codes, paths and methods ----------------------------------------------

#[tokio::test]
async fn every_endpoint_answers_404_for_unknown_and_malformed_codes() {
    let app = TestApp::spawn().await;
    let setting = json!({"duration": 600_000, "remainingTime": 600_000});
    let status = json!({"status": "COMPLETED"});
    for code in [
        UNKNOWN,
        "ZZZZZZZZZZZZZ",
        "abc",
        "IAN4c4d3661-",
        "zzzz-zzzz-zzzzu",
    ] {
        let room = format!("/api/pair-room/{code}");
        assert_error(&app.send("GET", &room, None).await, 404);
        assert_error(&app.send("DELETE", &room, None).await, 404);
        assert_error(
            &app.send("PATCH", &format!("{room}/pair-swap"), None).await,
            404,
        );
        let result = app
            .send("PATCH", &format!("{room}/status"), Some(status.clone()))
            .await;
        assert_error(&result, 404);
        assert_error(
            &app.send("GET", &format!("/api/{code}/timer"), None).await,
            404,
        );
        let result = app
            .send(
                "PATCH",
                &format!("/api/{code}/timer"),
                Some(setting.clone()),
            )
            .await;
        assert_error(&result, 404);
        for action in ["start", "stop"] {
            let path = format!("/api/{code}/timer/{action}");
            assert_error(&app.send("PATCH", &path, None).await, 404);
        }
        assert_error(
            &app.send("DELETE", &format!("/api/{code}/connect"), None)
                .await,
            404,
        );
    }
}

#[tokio::test]
async fn exists_without_an_access_code_is_a_400() {
    let app = TestApp::spawn().await;
    assert_error(&app.send("GET", "/api/pair-room/exists", None).await, 400);
    assert_error(
        &app.send("GET", "/api/pair-room/exists?code=x", None).await,
        400,
    );
}

#[tokio::test]
async fn unknown_paths_answer_404_json() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    for path in [
        "/api".to_owned(),
        "/api/nope".to_owned(),
        "/api/pair-rooms".to_owned(),
        format!("/api/pair-room/{code}/nope"),
        format!("/api/pair-room/{code}/pair-swap/now"),
        format!("/api/{code}"),
        format!("/api/{code}/nope"),
        format!("/api/{code}/timer/pause"),
        format!("/api/{code}/todo"),
        format!("/api/{code}/reference-links"),
        format!("/api/retrospect/{code}"),
    ] {
        assert_error(&app.send("GET", &path, None).await, 404);
        assert_error(&app.send("PATCH", &path, None).await, 404);
    }
}

#[tokio::test]
async fn wrong_methods_answer_405_json() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    let room = format!("/api/pair-room/{code}");
    for (method, path) in [
        ("GET", CREATE.to_owned()),
        ("PUT", CREATE.to_owned()),
        ("POST", "/api/pair-room/exists".to_owned()),
        ("POST", room.clone()),
        ("PATCH", room.clone()),
        ("GET", format!("{room}/pair-swap")),
        ("POST", format!("{room}/pair-swap")),
        ("GET", format!("{room}/status")),
        ("PUT", format!("{room}/status")),
        ("POST", format!("/api/{code}/connect")),
        ("POST", format!("/api/{code}/timer")),
        ("PUT", format!("/api/{code}/timer")),
        ("GET", format!("/api/{code}/timer/start")),
        ("POST", format!("/api/{code}/timer/stop")),
    ] {
        assert_error(&app.send(method, &path, None).await, 405);
    }
    assert_eq!(native::get(&app, &code).await["version"], 1);
}
