//! Servers on PostgreSQL, whatever `PAIRROOM_TEST_STORE` says: a restart
//! keeps a running timer, two servers on one database see each other's
//! commands and settle races by compare-and-set, and a database that goes
//! away turns commands into 503 answers, not panics. Each test has a
//! database of its own and is skipped when PostgreSQL cannot be reached
//! (see `common::postgres`).

mod common;

use std::time::{Duration, Instant};

use common::native::{command, get};
use common::postgres::{Proxy, TestDatabase};
use common::workspace::path;
use common::{TestApp, assert_error, no_content, ok, process};
use pairroom::app::{App, StartError};
use pairroom::config::ServeConfig;
use serde_json::json;

/// A fresh database, or the end of the test (SKIPPED) without PostgreSQL.
macro_rules! database {
    () => {
        match TestDatabase::create().await {
            Some(db) => db,
            None => return,
        }
    };
}

#[tokio::test]
async fn a_running_timer_survives_kill_9_on_the_same_database() {
    let db = database!();
    process::a_running_timer_survives_kill_9(&db.url).await;
}

#[tokio::test]
async fn two_servers_on_one_database_read_each_others_commands() {
    let db = database!();
    let a = TestApp::spawn_on(db.url.clone(), |_| {}).await;
    let b = TestApp::spawn_on(db.url.clone(), |_| {}).await;
    let code = a.room(&["Ann", "Bob"], 600_000, false).await;
    assert_eq!(get(&b, &code).await["version"], 1);

    let started = command(&a, &code, "timer/start", 1).await;
    let read = get(&b, &code).await;
    assert_eq!(read["room"]["timer"]["state"], "running");
    assert_eq!(
        read["room"]["timer"]["ends_at_ms"],
        started["room"]["timer"]["ends_at_ms"]
    );

    // Each server's cache of the room is now stale by turns; the
    // compare-and-set notices and every command lands, in order.
    command(&b, &code, "timer/pause", 2).await;
    command(&a, &code, "roles/rotate", 3).await;
    command(&b, &code, "roles/rotate", 4).await;
    command(&a, &code, "timer/start", 5).await;
    let (mut from_a, mut from_b) = (get(&a, &code).await, get(&b, &code).await);
    assert_eq!(from_a["version"], 6);
    // Equal but for the remaining time, read a moment apart.
    for read in [&mut from_a, &mut from_b] {
        read["room"]["timer"]["remaining_ms"] = json!(null);
    }
    assert_eq!(from_a["room"], from_b["room"]);
    assert_eq!(from_a["room"]["driver"], "Ann");
    assert_eq!(from_a["room"]["timer"]["state"], "running");

    // `b` cached the room paused; pausing it there is refused or a no-op
    // on that copy, so it is decided on the stored, running room instead.
    let paused = command(&b, &code, "timer/pause", 6).await;
    assert_eq!(paused["room"]["timer"]["state"], "paused");

    // A todo added through one is found by id through the other, whose
    // cached room does not have it yet.
    let todos = format!("/api/{code}/todos");
    ok(&a, "POST", &todos, Some(json!({"content": "Plan"})), 201).await;
    let listed = ok(&b, "GET", &todos, None, 200).await;
    let id = listed[0]["id"].as_u64().unwrap();
    let body = Some(json!({"content": "Plan it"}));
    no_content(&b, "PATCH", &format!("/api/todos/{id}/contents"), body).await;
    assert_eq!(
        ok(&a, "GET", &todos, None, 200).await[0]["content"],
        "Plan it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_commands_on_two_servers_all_land() {
    let db = database!();
    let a = TestApp::spawn_on(db.url.clone(), |_| {}).await;
    let b = TestApp::spawn_on(db.url.clone(), |_| {}).await;
    let code = a.room(&["Ann", "Bob"], 600_000, false).await;
    let todos = path(&code, "todos");
    let mut requests = Vec::new();
    for i in 0..10 {
        for (name, app) in [("a", &a), ("b", &b)] {
            let body = json!({"content": format!("{name}{i}")});
            requests.push(app.send("POST", &todos, Some(body)));
        }
    }
    let answers = futures_util::future::join_all(requests).await;
    for (status, body) in &answers {
        assert_eq!(*status, 201, "{body}");
    }
    let mut versions: Vec<u64> = answers
        .iter()
        .map(|(_, body)| body["version"].as_u64().unwrap())
        .collect();
    versions.sort_unstable();
    assert_eq!(versions, (2..=21).collect::<Vec<_>>(), "one version each");

    let read = get(&b, &code).await;
    assert_eq!(read["version"], 21);
    let mut contents: Vec<String> = read["workspace"]["todos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["content"].as_str().unwrap().to_owned())
        .collect();
    contents.sort();
    let mut expected: Vec<String> = (0..10)
        .flat_map(|i| [format!("a{i}"), format!("b{i}")])
        .collect();
    expected.sort();
    assert_eq!(contents, expected, "no todo lost");
}

#[tokio::test]
async fn two_servers_apply_a_deadline_once() {
    let db = database!();
    let a = TestApp::spawn_on(db.url.clone(), |_| {}).await;
    let code = a.room(&["Ann", "Bob"], 1_000, false).await;
    command(&a, &code, "timer/start", 1).await;
    // `b` finds the running timer at start and schedules it too.
    let b = TestApp::spawn_on(db.url.clone(), |_| {}).await;
    tokio::time::sleep(Duration::from_millis(1_600)).await;
    for app in [&a, &b] {
        let read = get(app, &code).await;
        assert_eq!(read["version"], 3, "one time-up stored: {read}");
        assert_eq!(read["room"]["timer"]["completed_rounds"], 1);
        assert_eq!(read["room"]["driver"], "Bob");
    }
}

#[tokio::test]
async fn commands_answer_503_while_postgres_is_away_and_work_when_it_is_back() {
    let db = database!();
    let mut proxy = Proxy::start(db.server_addr()).await;
    let app = TestApp::spawn_on(db.url_via(proxy.addr), |_| {}).await;
    let code = app.room(&["Ann", "Bob"], 600_000, false).await;
    command(&app, &code, "timer/start", 1).await;

    proxy.cut();
    // Each waits for the pool's 3 s acquire timeout; all at once, then.
    let started = Instant::now();
    let room = format!("/api/v1/rooms/{code}");
    let pause = format!("{room}/timer/pause");
    let events = format!("{room}/events");
    let legacy_timer = format!("/api/{code}/timer");
    let body = json!({"participants": ["Ann", "Bob"]});
    let answers = futures_util::future::join_all([
        app.send("POST", &pause, None),
        app.send("GET", &room, None),
        app.send("POST", "/api/v1/rooms", Some(body)),
        app.send("GET", &legacy_timer, None),
        app.send("GET", &events, None),
    ])
    .await;
    for answer in &answers {
        assert_error(answer, 503);
    }
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "answered within the pool's acquire timeout, took {:?}",
        started.elapsed()
    );

    proxy.restore().await;
    let read = get(&app, &code).await;
    assert_eq!(read["version"], 2, "the refused commands changed nothing");
    command(&app, &code, "timer/pause", 2).await;
}

#[tokio::test]
async fn a_database_dropped_under_a_running_server_answers_503() {
    let db = database!();
    let app = TestApp::spawn_on(db.url.clone(), |_| {}).await;
    let code = app.room(&["Ann", "Bob"], 600_000, false).await;
    db.drop_now().await;
    let start = format!("/api/v1/rooms/{code}/timer/start");
    assert_error(&app.send("POST", &start, None).await, 503);
    assert_error(
        &app.send("GET", &format!("/api/v1/rooms/{code}"), None)
            .await,
        503,
    );
    // The server is still there to answer.
    assert_error(&app.send("POST", &start, None).await, 503);
}

#[tokio::test]
async fn a_server_without_postgres_does_not_start_and_says_why() {
    // Needs no PostgreSQL: nothing listens on this port.
    let url = format!(
        "postgres://postgres@127.0.0.1:{}/test",
        process::free_port()
    );
    let config = ServeConfig::new("127.0.0.1:0".parse().unwrap(), url);
    let started = Instant::now();
    let error = App::build(&config).await.err().expect("no server");
    assert!(matches!(error, StartError::Store(_)), "{error}");
    assert!(started.elapsed() < Duration::from_secs(10));
}
