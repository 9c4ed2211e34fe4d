//! The native API (`/api/v1`): rotating roles, changing the plan and
//! deleting a room.

mod common;

use common::json::assert_envelope_shape;
use common::native::{command, get, plan, post, put_plan};
use common::{TestApp, assert_error};
use serde_json::{Value, json};

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
