//! The native API (`/api/v1`): refused commands leave rooms unchanged;
//! unknown rooms, malformed codes, unknown paths and wrong methods are JSON
//! errors.

mod common;

use common::native::{ROOMS, assert_unchanged, get, phases};
use common::{TestApp, UNKNOWN, assert_error, raw};
use serde_json::{Value, json};

// ---- helpers ---------------------------------------------------------------

/// A room with its timer paused part-way (version 3), and its envelope.
async fn paused_room(app: &TestApp) -> (String, Value) {
    let code = app.room(&["Ann", "Bob", "Cid"], 60_000, false).await;
    for action in ["start", "pause"] {
        let path = format!("{ROOMS}/{code}/timer/{action}");
        assert_eq!(app.send("POST", &path, None).await.0, 200);
    }
    let envelope = get(app, &code).await;
    (code, envelope)
}

// ---- commands: bad input leaves the room unchanged ------------------------

#[tokio::test]
async fn put_plan_refuses_bad_bodies_and_leaves_the_room_unchanged() {
    let app = TestApp::spawn().await;
    let (code, before) = paused_room(&app).await;
    let path = format!("{ROOMS}/{code}/plan");
    assert_error(&app.send("PUT", &path, None).await, 415);
    assert_error(
        &raw(&app, "PUT", &path, "text/plain", r#"{"phases": []}"#).await,
        415,
    );
    assert_error(&raw(&app, "PUT", &path, "application/json", "").await, 400);
    assert_error(
        &raw(&app, "PUT", &path, "application/json", "phases").await,
        400,
    );
    let huge = format!(
        r#"{{"phases": [{{"label": "x", "duration_ms": 5000}}]{}}}"#,
        " ".repeat(70_000)
    );
    assert_error(
        &raw(&app, "PUT", &path, "application/json", &huge).await,
        413,
    );
    for body in [
        json!({}),
        json!([]),
        phases(0, 5_000),
        phases(17, 5_000),
        phases(1, 999),
        phases(1, 86_400_001),
        json!({"phases": [{"label": "x", "duration_ms": -1}]}),
        json!({"phases": [{"label": "x", "duration_ms": 1e300}]}),
        json!({"phases": [{"label": "x", "duration_ms": "5000"}]}),
        json!({"phases": [{"label": "x".repeat(41), "duration_ms": 5_000}]}),
        json!({"phases": [{"label": "x", "duration_ms": 5_000}], "auto_advance": 1}),
    ] {
        assert_error(&app.send("PUT", &path, Some(body)).await, 400);
    }
    assert_unchanged(&app, &code, &before).await;
}

#[tokio::test]
async fn refused_timer_commands_leave_a_paused_room_unchanged() {
    let app = TestApp::spawn().await;
    let (code, before) = paused_room(&app).await;
    assert_eq!(before["room"]["timer"]["state"], "paused");
    let pause = app
        .send("POST", &format!("{ROOMS}/{code}/timer/pause"), None)
        .await;
    assert_error(&pause, 409);
    let bogus = app
        .send("POST", &format!("{ROOMS}/{code}/timer/explode"), None)
        .await;
    assert_error(&bogus, 404);
    assert_unchanged(&app, &code, &before).await;
}

// ---- codes, paths and methods ----------------------------------------------

#[tokio::test]
async fn every_endpoint_answers_404_for_an_unknown_room() {
    let app = TestApp::spawn().await;
    let plan = phases(1, 5_000);
    for code in [UNKNOWN, "ZZZZZZZZZZZZZ"] {
        let base = format!("{ROOMS}/{code}");
        assert_error(&app.send("GET", &base, None).await, 404);
        assert_error(&app.send("DELETE", &base, None).await, 404);
        for action in [
            "timer/start",
            "timer/pause",
            "timer/reset",
            "timer/skip",
            "roles/rotate",
        ] {
            assert_error(
                &app.send("POST", &format!("{base}/{action}"), None).await,
                404,
            );
        }
        let put = app
            .send("PUT", &format!("{base}/plan"), Some(plan.clone()))
            .await;
        assert_error(&put, 404);
    }
}

#[tokio::test]
async fn malformed_codes_answer_404() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    let bare = code.replace('-', "");
    let malformed = [
        "abc".to_owned(),
        bare[..12].to_owned(),       // one symbol short
        format!("{bare}0"),          // one symbol too many
        format!("{}u", &bare[..12]), // `u` is not in the alphabet
        format!("{}é", &bare[..12]), // nor is anything beyond ASCII
        format!("{}_", &bare[..12]),
        "IAN4c4d3661-".to_owned(), // a 코딩해듀오-style code
    ];
    for bad in &malformed {
        let path = format!("{ROOMS}/{bad}");
        assert_error(&app.send("GET", &path, None).await, 404);
        assert_error(
            &app.send("POST", &format!("{path}/timer/start"), None).await,
            404,
        );
    }
    assert_eq!(get(&app, &code).await["version"], 1);
}

#[tokio::test]
async fn unknown_paths_answer_404_json() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    // (`/` and `/r/{code}` are the web UI's page: tests/web_assets.rs.)
    for path in [
        "/nope".to_owned(),
        "/api/v1".to_owned(),
        "/api/v1/nope".to_owned(),
        "/api/v2/rooms".to_owned(),
        format!("{ROOMS}/{code}/nope"),
        format!("{ROOMS}/{code}/timer"),
        format!("{ROOMS}/{code}/roles"),
        format!("{ROOMS}/{code}/timer/start/now"),
    ] {
        assert_error(&app.send("GET", &path, None).await, 404);
        assert_error(&app.send("POST", &path, None).await, 404);
    }
    for action in ["explode", "stop", "START"] {
        let path = format!("{ROOMS}/{code}/timer/{action}");
        assert_error(&app.send("POST", &path, None).await, 404);
    }
}

#[tokio::test]
async fn wrong_methods_answer_405_json() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    let room = format!("{ROOMS}/{code}");
    for (method, path) in [
        ("GET", ROOMS.to_owned()),
        ("DELETE", ROOMS.to_owned()),
        ("POST", room.clone()),
        ("PUT", room.clone()),
        ("PATCH", room.clone()),
        ("GET", format!("{room}/timer/start")),
        ("PUT", format!("{room}/timer/pause")),
        ("GET", format!("{room}/roles/rotate")),
        ("POST", format!("{room}/plan")),
        ("GET", format!("{room}/plan")),
        ("POST", format!("{room}/events")),
    ] {
        assert_error(&app.send(method, &path, None).await, 405);
    }
    assert_eq!(get(&app, &code).await["version"], 1);
}
