//! The 코딩해듀오 compatibility API (`/api`): the pair room endpoints' answers
//! and effects, seen through both APIs. See also `coduo_api_timer.rs`,
//! `coduo_api_input.rs` and `coduo_api_routes.rs`.

mod common;

use common::coduo::{create, create_body, exists, pair_room, patch, timer};
use common::{TestApp, assert_error, native, no_content};
use serde_json::json;

// ---- pair room -------------------------------------------------------------

#[tokio::test]
async fn create_answers_201_with_just_an_access_code() {
    let app = TestApp::spawn().await;
    let body = create_body("Ann", "Bob", 600_000, 600_000, "");
    let (status, created) = app.send("POST", "/api/pair-room", Some(body)).await;
    assert_eq!(status, 201, "{created}");
    let fields: Vec<&String> = created.as_object().unwrap().keys().collect();
    assert_eq!(fields, ["accessCode"]);
    let code = created["accessCode"].as_str().unwrap();
    assert_eq!(code.len(), 15, "{code}");
    assert_eq!(code, code.to_lowercase());
    assert_eq!((&code[4..5], &code[9..10]), ("-", "-"));
    assert_ne!(app.pair_room(600_000).await, code);
}

#[tokio::test]
async fn get_pair_room_answers_every_field() {
    let app = TestApp::spawn().await;
    let url = "https://github.com/woowacourse/java-racingcar";
    let code = create(&app, create_body(" Ann ", "Bob", 600_000, 300_000, url)).await;
    let room = pair_room(&app, &code).await;
    assert_eq!(
        room,
        json!({
            "driver": "Ann", "navigator": "Bob", "status": "IN_PROGRESS",
            "duration": 600_000, "remainingTime": 300_000, "missionUrl": url,
        })
    );
    let plain = pair_room(&app, &app.pair_room(60_000).await).await;
    assert_eq!(plain["missionUrl"], "");
    assert_eq!(plain["remainingTime"], 60_000);
}

#[tokio::test]
async fn create_accepts_one_and_ninety_nine_minutes_and_korean_names() {
    let app = TestApp::spawn().await;
    let code = create(
        &app,
        create_body("가나다라마바사아자차", "민수", 5_940_000, 60_000, ""),
    )
    .await;
    let room = pair_room(&app, &code).await;
    assert_eq!(room["driver"], "가나다라마바사아자차");
    assert_eq!(room["navigator"], "민수");
    assert_eq!(room["duration"], 5_940_000);
    assert_eq!(room["remainingTime"], 60_000);
    let short = create(&app, create_body("Ann", "Bob", 60_000, 60_000, "")).await;
    assert_eq!(pair_room(&app, &short).await["duration"], 60_000);
}

#[tokio::test]
async fn a_room_is_reachable_by_its_code_upper_cased_and_without_hyphens() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    let upper = code.to_uppercase();
    for form in [upper.clone(), code.replace('-', ""), upper.replace('-', "")] {
        assert_eq!(pair_room(&app, &form).await["driver"], "Ann", "{form}");
        assert_eq!(timer(&app, &form).await["duration"], 600_000, "{form}");
        assert!(exists(&app, &form).await, "{form}");
    }
    patch(&app, &format!("/api/{upper}/timer/start")).await;
    assert_eq!(
        native::get(&app, &code).await["room"]["timer"]["state"],
        "running"
    );
}

#[tokio::test]
async fn exists_is_true_for_a_room_and_false_for_unknown_or_malformed_codes() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    assert!(exists(&app, &code).await);
    for other in ["zzzz-zzzz-zzzzz", "nope", "IAN4c4d3661-", ""] {
        assert!(!exists(&app, other).await, "{other}");
    }
}

#[tokio::test]
async fn pair_swap_swaps_driver_and_navigator() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    let path = format!("/api/pair-room/{code}/pair-swap");
    patch(&app, &path).await;
    let room = pair_room(&app, &code).await;
    assert_eq!(
        (&room["driver"], &room["navigator"]),
        (&json!("Bob"), &json!("Ann"))
    );
    assert_eq!(native::get(&app, &code).await["version"], 2);
    patch(&app, &path).await;
    assert_eq!(pair_room(&app, &code).await["driver"], "Ann");
}

#[tokio::test]
async fn pair_swap_right_after_a_completed_round_is_absorbed() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    // The server rotates at a time-up itself; the swap every screen then
    // sends must not rotate again.
    let (status, _) = app
        .send("POST", &format!("/api/v1/rooms/{code}/timer/skip"), None)
        .await;
    assert_eq!(status, 200);
    patch(&app, &format!("/api/pair-room/{code}/pair-swap")).await;
    patch(&app, &format!("/api/pair-room/{code}/pair-swap")).await;
    assert_eq!(pair_room(&app, &code).await["driver"], "Bob");
    assert_eq!(native::get(&app, &code).await["version"], 2);
}

#[tokio::test]
async fn status_completed_and_back_to_in_progress() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    let path = format!("/api/pair-room/{code}/status");
    no_content(&app, "PATCH", &path, Some(json!({"status": "COMPLETED"}))).await;
    assert_eq!(pair_room(&app, &code).await["status"], "COMPLETED");
    assert_eq!(
        native::get(&app, &code).await["room"]["status"],
        "completed"
    );
    assert!(exists(&app, &code).await);
    no_content(&app, "PATCH", &path, Some(json!({"status": "IN_PROGRESS"}))).await;
    assert_eq!(pair_room(&app, &code).await["status"], "IN_PROGRESS");
    // Setting the status it already has changes nothing.
    no_content(&app, "PATCH", &path, Some(json!({"status": "IN_PROGRESS"}))).await;
    assert_eq!(native::get(&app, &code).await["version"], 3);
}

#[tokio::test]
async fn status_deleted_deletes_the_room() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    let path = format!("/api/pair-room/{code}/status");
    no_content(&app, "PATCH", &path, Some(json!({"status": "DELETED"}))).await;
    assert_error(
        &app.send("GET", &format!("/api/pair-room/{code}"), None)
            .await,
        400,
    );
    assert!(!exists(&app, &code).await);
    assert_error(
        &app.send("GET", &format!("/api/v1/rooms/{code}"), None)
            .await,
        410,
    );
}

#[tokio::test]
async fn delete_answers_204_then_the_room_is_a_400_everywhere() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    let room = format!("/api/pair-room/{code}");
    no_content(&app, "DELETE", &room, None).await;
    assert_error(&app.send("GET", &room, None).await, 400);
    assert!(!exists(&app, &code).await);
    assert!(!exists(&app, &code.to_uppercase()).await);
    assert_error(
        &app.send("GET", &format!("/api/{code}/timer"), None).await,
        400,
    );
    for path in ["timer/start", "timer/stop"].map(|p| format!("/api/{code}/{p}")) {
        assert_error(&app.send("PATCH", &path, None).await, 400);
    }
    let setting = json!({"duration": 60_000, "remainingTime": 60_000});
    assert_error(
        &app.send("PATCH", &format!("/api/{code}/timer"), Some(setting))
            .await,
        400,
    );
    assert_error(
        &app.send("PATCH", &format!("{room}/pair-swap"), None).await,
        400,
    );
    let status = json!({"status": "IN_PROGRESS"});
    assert_error(
        &app.send("PATCH", &format!("{room}/status"), Some(status))
            .await,
        400,
    );
    assert_error(&app.send("DELETE", &room, None).await, 400);
    assert_error(
        &app.send("GET", &format!("/api/v1/rooms/{code}"), None)
            .await,
        410,
    );
}

#[tokio::test]
async fn a_native_room_reads_through_the_coduo_api_and_the_other_way_round() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob", "Cid"], 120_000, false).await;
    let room = pair_room(&app, &code).await;
    assert_eq!(
        (&room["driver"], &room["navigator"]),
        (&json!("Ann"), &json!("Bob"))
    );
    assert_eq!(room["duration"], 120_000);
    app.send("DELETE", &format!("/api/v1/rooms/{code}"), None)
        .await;
    assert_error(
        &app.send("GET", &format!("/api/pair-room/{code}"), None)
            .await,
        400,
    );
    let other = app.pair_room(60_000).await;
    assert_eq!(
        native::get(&app, &other).await["room"]["participants"],
        json!(["Ann", "Bob"])
    );
}
