//! The native API (`/api/v1`): creating and reading rooms, and the timer
//! commands' answers and effects. See also `native_api_changes.rs`,
//! `native_api_events.rs`, `native_api_input.rs` and `native_api_routes.rs`.

mod common;

use std::time::Duration;

use common::json::{assert_code_format, assert_envelope_shape, assert_near, now_ms};
use common::native::{command, create, get, plan, post};
use common::{TestApp, assert_error};
use serde_json::{Value, json};

// ---- create and read -------------------------------------------------------

#[tokio::test]
async fn create_answers_201_with_a_full_idle_room_and_the_default_plan() {
    let app = TestApp::spawn().await;
    let envelope = create(&app, json!({"participants": ["Ann", "Bob", "Cid"]})).await;
    assert_envelope_shape(&envelope);
    assert_eq!(envelope["version"], 1);
    let room = &envelope["room"];
    assert_eq!(room["status"], "in_progress");
    assert_eq!(room["participants"], json!(["Ann", "Bob", "Cid"]));
    assert_eq!(room["driver"], "Ann");
    assert_eq!(room["navigator"], "Bob");
    assert_eq!(room["present"], json!([]));
    let timer = &room["timer"];
    assert_eq!(timer["state"], "idle");
    assert_eq!(timer["phase_index"], 0);
    assert_eq!(timer["phase_label"], "Round");
    assert_eq!(timer["phase_duration_ms"], 600_000);
    assert_eq!(timer["remaining_ms"], 600_000);
    assert_eq!(timer["ends_at_ms"], Value::Null);
    assert_eq!(timer["completed_rounds"], 0);
    assert_eq!(timer["plan"], plan(&[("Round", 600_000)], false));
}

#[tokio::test]
async fn create_keeps_a_given_plan_and_trims_names_and_labels() {
    let app = TestApp::spawn().await;
    let body = json!({
        "participants": ["  Ann ", "Bob"],
        "plan": {"phases": [{"label": " Work ", "duration_ms": 1_000},
                            {"label": "", "duration_ms": 86_400_000}],
                 "auto_advance": true},
    });
    let room = &create(&app, body).await["room"];
    assert_eq!(room["participants"], json!(["Ann", "Bob"]));
    assert_eq!(
        room["timer"]["plan"],
        plan(&[("Work", 1_000), ("", 86_400_000)], true)
    );
    assert_eq!(room["timer"]["phase_label"], "Work");
    assert_eq!(room["timer"]["remaining_ms"], 1_000);
}

#[tokio::test]
async fn create_accepts_the_limits_twelve_people_sixteen_phases_korean_names() {
    let app = TestApp::spawn().await;
    let korean = "가나다라마바사아자차카타파하가나다라마바"; // 20 characters
    let mut names: Vec<String> = (1..=11).map(|i| format!("p{i}")).collect();
    names.push(korean.to_owned());
    let phases = vec![("x", 1_000); 16];
    let body = json!({"participants": names, "plan": plan(&phases, false)});
    let room = &create(&app, body).await["room"];
    assert_eq!(room["participants"].as_array().unwrap().len(), 12);
    assert_eq!(room["participants"][11], korean);
    assert_eq!(
        room["timer"]["plan"]["phases"].as_array().unwrap().len(),
        16
    );
    let pair = create(&app, json!({"participants": ["민수", "지영"]})).await;
    assert_eq!(pair["room"]["driver"], "민수");
}

#[tokio::test]
async fn each_room_gets_its_own_code() {
    let app = TestApp::spawn().await;
    let a = app.room(&["Ann", "Bob"], 60_000, false).await;
    let b = app.room(&["Ann", "Bob"], 60_000, false).await;
    assert_code_format(&a);
    assert_ne!(a, b);
}

#[tokio::test]
async fn get_answers_the_same_room_as_create() {
    let app = TestApp::spawn().await;
    let created = create(&app, json!({"participants": ["Ann", "Bob"]})).await;
    let code = created["room"]["code"].as_str().unwrap();
    let read = get(&app, code).await;
    assert_envelope_shape(&read);
    assert_eq!(read["version"], 1);
    assert_eq!(read["room"], created["room"]);
}

#[tokio::test]
async fn a_room_is_reachable_by_its_code_upper_cased_without_hyphens_and_with_lookalikes() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    let upper = code.to_uppercase();
    let bare = code.replace('-', "");
    // Crockford lookalikes: `o` reads as 0, `l`/`i` as 1.
    let lookalike = code.replace('0', "o").replace('1', "L");
    for form in [upper.clone(), bare, upper.replace('-', ""), lookalike] {
        assert_eq!(get(&app, &form).await["room"]["code"], code, "{form}");
    }
    let started = command(&app, &upper, "timer/start", 1).await;
    assert_eq!(started["room"]["code"], code);
}

// ---- timer commands --------------------------------------------------------

#[tokio::test]
async fn start_runs_the_timer_to_a_deadline_one_phase_from_now() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    let envelope = command(&app, &code, "timer/start", 1).await;
    assert_envelope_shape(&envelope);
    let timer = &envelope["room"]["timer"];
    let server_now = envelope["server_time_ms"].as_i64().unwrap();
    let ends = timer["ends_at_ms"].as_i64().unwrap();
    assert_eq!(timer["state"], "running");
    assert_eq!(ends - server_now, 60_000);
    assert_near(ends, now_ms() + 60_000, 2_000, "ends_at_ms");
    assert_eq!(timer["remaining_ms"], 60_000);

    tokio::time::sleep(Duration::from_millis(120)).await;
    let read = get(&app, &code).await;
    let timer = &read["room"]["timer"];
    let remaining = timer["remaining_ms"].as_i64().unwrap();
    assert_eq!(timer["state"], "running");
    assert_eq!(timer["ends_at_ms"], ends);
    assert!((1..60_000).contains(&remaining), "{remaining}");
    assert_eq!(remaining, ends - read["server_time_ms"].as_i64().unwrap());
}

#[tokio::test]
async fn start_while_running_is_409_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    let started = command(&app, &code, "timer/start", 1).await;
    assert_error(&post(&app, &code, "timer/start").await, 409);
    let read = get(&app, &code).await;
    assert_eq!(read["version"], 2);
    assert_eq!(read["room"]["timer"]["state"], "running");
    assert_eq!(
        read["room"]["timer"]["ends_at_ms"],
        started["room"]["timer"]["ends_at_ms"]
    );
}

#[tokio::test]
async fn pause_keeps_what_is_left_and_start_resumes_from_it() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    command(&app, &code, "timer/start", 1).await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    let paused = command(&app, &code, "timer/pause", 2).await;
    assert_envelope_shape(&paused);
    let timer = &paused["room"]["timer"];
    let left = timer["remaining_ms"].as_i64().unwrap();
    assert_eq!(timer["state"], "paused");
    assert_eq!(timer["ends_at_ms"], Value::Null);
    assert!((50_000..=59_850).contains(&left), "{left}");

    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        get(&app, &code).await["room"]["timer"]["remaining_ms"],
        left
    );
    let resumed = command(&app, &code, "timer/start", 3).await;
    let ends = resumed["room"]["timer"]["ends_at_ms"].as_i64().unwrap();
    assert_eq!(ends - resumed["server_time_ms"].as_i64().unwrap(), left);
}

#[tokio::test]
async fn pause_unless_running_is_409_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    assert_error(&post(&app, &code, "timer/pause").await, 409);
    assert_eq!(get(&app, &code).await["version"], 1);
    command(&app, &code, "timer/start", 1).await;
    let paused = command(&app, &code, "timer/pause", 2).await;
    assert_error(&post(&app, &code, "timer/pause").await, 409);
    let read = get(&app, &code).await;
    assert_eq!(read["version"], 3);
    assert_eq!(read["room"]["timer"], paused["room"]["timer"]);
}

#[tokio::test]
async fn reset_puts_the_current_phase_back_to_full_length_idle() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    command(&app, &code, "timer/start", 1).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let reset = command(&app, &code, "timer/reset", 2).await;
    assert_envelope_shape(&reset);
    let timer = &reset["room"]["timer"];
    assert_eq!(timer["state"], "idle");
    assert_eq!(timer["remaining_ms"], 60_000);
    assert_eq!(timer["ends_at_ms"], Value::Null);
    assert_eq!(timer["completed_rounds"], 0);
    assert_eq!(reset["room"]["driver"], "Ann");
}

#[tokio::test]
async fn skip_completes_the_phase_counts_a_round_and_rotates() {
    let app = TestApp::spawn().await;
    let body = json!({"participants": ["Ann", "Bob", "Cid"],
                      "plan": plan(&[("Work", 60_000), ("Break", 5_000)], false)});
    let code = create(&app, body).await["room"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let skipped = command(&app, &code, "timer/skip", 1).await;
    assert_envelope_shape(&skipped);
    let room = &skipped["room"];
    assert_eq!(room["participants"], json!(["Bob", "Cid", "Ann"]));
    assert_eq!(room["driver"], "Bob");
    assert_eq!(room["timer"]["state"], "idle");
    assert_eq!(room["timer"]["phase_index"], 1);
    assert_eq!(room["timer"]["phase_label"], "Break");
    assert_eq!(room["timer"]["phase_duration_ms"], 5_000);
    assert_eq!(room["timer"]["remaining_ms"], 5_000);
    assert_eq!(room["timer"]["completed_rounds"], 1);

    let again = command(&app, &code, "timer/skip", 2).await;
    assert_eq!(again["room"]["timer"]["phase_index"], 0);
    assert_eq!(again["room"]["timer"]["completed_rounds"], 2);
    assert_eq!(again["room"]["driver"], "Cid");
}

#[tokio::test]
async fn skip_while_running_with_auto_advance_starts_the_next_phase_now() {
    let app = TestApp::spawn().await;
    let body = json!({"participants": ["Ann", "Bob"],
                      "plan": plan(&[("Work", 60_000), ("Break", 5_000)], true)});
    let code = create(&app, body).await["room"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    command(&app, &code, "timer/start", 1).await;
    let skipped = command(&app, &code, "timer/skip", 2).await;
    let timer = &skipped["room"]["timer"];
    assert_eq!(timer["state"], "running");
    assert_eq!(timer["phase_index"], 1);
    let ends = timer["ends_at_ms"].as_i64().unwrap();
    assert_eq!(ends - skipped["server_time_ms"].as_i64().unwrap(), 5_000);
}

#[tokio::test]
async fn a_phase_running_out_counts_a_round_rotates_and_idles_at_the_next_phase() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob", "Cid"], 1_000, false).await;
    command(&app, &code, "timer/start", 1).await;
    tokio::time::sleep(Duration::from_millis(1_300)).await;
    let read = get(&app, &code).await;
    let room = &read["room"];
    assert_eq!(room["timer"]["state"], "idle");
    assert_eq!(room["timer"]["ends_at_ms"], Value::Null);
    assert_eq!(room["timer"]["remaining_ms"], 1_000);
    assert_eq!(room["timer"]["completed_rounds"], 1);
    assert_eq!(room["driver"], "Bob");
    assert_eq!(read["version"], 3, "the time-up is a stored change");
}
