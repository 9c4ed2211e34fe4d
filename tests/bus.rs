//! Several instances on one PostgreSQL database, joined by Redis: a change
//! made through any instance reaches the streams of every other, a
//! deadline is applied once however many instances watch it, presence
//! spans instances, and a lost Redis or PostgreSQL degrades and recovers.
//! Each test has a database and a key prefix of its own, and is skipped
//! (saying so) when PostgreSQL or Redis cannot be reached.

mod common;

use std::time::{Duration, Instant};

use common::native::{command, get};
use common::postgres::{Proxy, TestDatabase};
use common::redis::{self as test_redis, OwnRedis};
use common::{Sse, TestApp, assert_error, process};
use serde_json::{Value, json};

/// A fresh database, or the end of the test (SKIPPED) without PostgreSQL
/// or Redis.
macro_rules! backends {
    () => {{
        if !test_redis::available().await {
            return;
        }
        match TestDatabase::create().await {
            Some(db) => db,
            None => return,
        }
    }};
}

/// `count` instances on `database_url`, joined through `redis_url` under
/// one fresh prefix.
async fn instances(count: usize, database_url: &str, redis_url: &str) -> Vec<TestApp> {
    let prefix = test_redis::prefix();
    let mut apps = Vec::new();
    for _ in 0..count {
        let app = TestApp::spawn_on(database_url.to_owned(), |config| {
            config.redis_url = Some(redis_url.to_owned());
            config.redis_prefix = prefix.clone();
            config.presence_ttl_secs = 3;
        })
        .await;
        apps.push(app);
    }
    apps
}

/// Two real `pairroom` processes on `database_url`, joined by the shared
/// Redis under a fresh prefix, with a 3 s presence TTL.
async fn two_processes(database_url: &str) -> (process::Server, process::Server) {
    let prefix = test_redis::prefix();
    let redis_url = test_redis::url();
    let args = [
        "--redis-url",
        &redis_url,
        "--redis-prefix",
        &prefix,
        "--presence-ttl-secs",
        "3",
    ];
    let mut servers = Vec::new();
    for _ in 0..2 {
        let port = process::free_port();
        servers.push(
            process::Server::start_with(port, database_url, &args)
                .ready()
                .await,
        );
    }
    let b = servers.pop().unwrap();
    (servers.pop().unwrap(), b)
}

/// Opens a named stream and reads its snapshot.
async fn watch(app: &TestApp, code: &str, name: &str) -> (Sse, Value) {
    let mut stream = app
        .stream(&format!("/api/v1/rooms/{code}/events?name={name}"))
        .await;
    assert_eq!(stream.status, 200, "{:?}", stream.error_body);
    let snapshot = stream.expect("snapshot", Duration::from_secs(5)).await;
    (stream, snapshot.json())
}

/// The next `change` event of a stream, skipping presence and comments.
async fn next_change(stream: &mut Sse, within: Duration) -> Value {
    stream.expect("change", within).await.json()
}

/// The next `presence` event that says `field` (`joined` or `left`).
async fn next_presence(stream: &mut Sse, field: &str, within: Duration) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let presence = stream.expect("presence", left).await.json();
        if !presence[field].is_null() {
            return presence;
        }
    }
}

/// Waits (up to `within`) until `check` holds for the instance's readiness
/// answer.
async fn wait_ready(app: &TestApp, ready: bool, within: Duration) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let (status, body) = app.send("GET", "/readyz", None).await;
        if (status == 200) == ready {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "readiness stayed {status}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_command_on_one_instance_reaches_streams_on_the_others_within_100_ms() {
    let db = backends!();
    let apps = instances(3, &db.url, &test_redis::url()).await;
    let code = apps[0].room(&["Ann", "Bob"], 600_000, false).await;
    let mut streams = Vec::new();
    for (i, app) in apps.iter().enumerate() {
        streams.push(watch(app, &code, &format!("P{i}")).await.0);
    }
    // Drain the presence announcements.
    for stream in &mut streams {
        stream.collect(Duration::from_millis(300)).await;
    }

    for round in 0..5u64 {
        let sender = &apps[round as usize % 3];
        let action = if round % 2 == 0 {
            "timer/start"
        } else {
            "timer/pause"
        };
        let sent = tokio::time::Instant::now();
        let answer = command(sender, &code, action, round + 1).await;
        for stream in &mut streams {
            let event = stream.expect("change", Duration::from_secs(2)).await;
            let took = event.at - sent;
            let change = event.json();
            assert_eq!(change["version"], round + 2, "{change}");
            let (timer, sent_timer) = (&change["room"]["timer"], &answer["room"]["timer"]);
            assert_eq!(timer["state"], sent_timer["state"]);
            assert_eq!(timer["ends_at_ms"], sent_timer["ends_at_ms"]);
            assert!(took < Duration::from_millis(100), "took {took:?}");
        }
    }

    // A workspace change carries its content across instances too.
    let todos = format!("/api/v1/rooms/{code}/todos");
    let (status, _) = apps[2]
        .send("POST", &todos, Some(json!({"content": "write the test"})))
        .await;
    assert_eq!(status, 201);
    for stream in &mut streams {
        let change = next_change(stream, Duration::from_secs(2)).await;
        assert_eq!(change["workspace"]["todos"][0]["content"], "write the test");
    }
}

#[tokio::test]
async fn a_round_watched_from_three_instances_completes_once() {
    let db = backends!();
    let apps = instances(3, &db.url, &test_redis::url()).await;
    let code = apps[0].room(&["Ann", "Bob", "Cid"], 1_000, false).await;
    let mut streams = Vec::new();
    for (i, app) in apps.iter().enumerate() {
        streams.push(watch(app, &code, &format!("P{i}")).await.0);
    }
    command(&apps[1], &code, "timer/start", 1).await;
    for stream in &mut streams {
        let events = stream.collect(Duration::from_millis(2_500)).await;
        let changes: Vec<Value> = events
            .iter()
            .filter(|e| e.event == "change")
            .map(|e| e.json())
            .collect();
        let completions: Vec<&Value> = changes
            .iter()
            .filter(|c| {
                c["causes"]
                    .as_array()
                    .unwrap()
                    .contains(&json!("completed"))
            })
            .collect();
        assert_eq!(changes.len(), 2, "start and one time-up: {changes:?}");
        assert_eq!(completions.len(), 1, "{changes:?}");
        assert_eq!(completions[0]["version"], 3);
        assert_eq!(completions[0]["room"]["driver"], "Bob");
    }
    for app in &apps {
        let read = get(app, &code).await;
        assert_eq!(read["version"], 3, "one time-up stored: {read}");
        assert_eq!(read["room"]["timer"]["completed_rounds"], 1);
        assert_eq!(read["room"]["participants"], json!(["Bob", "Cid", "Ann"]));
    }
}

#[tokio::test]
async fn presence_spans_instances() {
    let db = backends!();
    let apps = instances(2, &db.url, &test_redis::url()).await;
    let code = apps[0].room(&["Ann", "Bob"], 600_000, false).await;
    let (mut ann, _) = watch(&apps[0], &code, "Ann").await;
    let (mut bob, snapshot) = watch(&apps[1], &code, "Bob").await;
    assert_eq!(
        snapshot["room"]["present"],
        json!(["Ann", "Bob"]),
        "{snapshot}"
    );
    let joined = next_presence(&mut ann, "joined", Duration::from_secs(2)).await;
    let joined = match joined["joined"] == "Ann" {
        true => next_presence(&mut ann, "joined", Duration::from_secs(2)).await,
        false => joined,
    };
    assert_eq!(joined["joined"], "Bob");
    assert_eq!(joined["present"], json!(["Ann", "Bob"]));

    drop(ann);
    let left = next_presence(&mut bob, "left", Duration::from_secs(2)).await;
    assert_eq!(left["left"], "Ann");
    assert_eq!(left["present"], json!(["Bob"]));
}

#[tokio::test]
async fn a_killed_instance_s_clients_move_to_another_and_nothing_is_lost_or_doubled() {
    let db = backends!();
    let (a, b) = two_processes(&db.url).await;
    let (_, created) = a
        .send(
            reqwest::Method::POST,
            "/api/v1/rooms",
            Some(json!({"participants": ["Ann", "Bob"],
                        "plan": {"phases": [{"label": "Round", "duration_ms": 3_000}]}})),
        )
        .await;
    let code = created["room"]["code"].as_str().unwrap().to_owned();
    let events = format!("/api/v1/rooms/{code}/events");
    let mut ann = Sse::open(&format!("{}{events}?name=Ann", a.base), &[]).await;
    ann.expect("snapshot", Duration::from_secs(2)).await;
    let mut bob = Sse::open(&format!("{}{events}?name=Bob", b.base), &[]).await;
    bob.expect("snapshot", Duration::from_secs(2)).await;
    let (status, started) = a.post(&format!("/api/v1/rooms/{code}/timer/start")).await;
    assert_eq!(status, 200);
    let ends_at = started["room"]["timer"]["ends_at_ms"].as_i64().unwrap();
    let change = ann.expect("change", Duration::from_secs(2)).await;
    let last_id = change.id.clone().unwrap();

    a.kill_hard();
    assert!(ann.ended(Duration::from_secs(2)).await, "the stream broke");
    // Ann's client reconnects to the other instance, resuming.
    let mut ann = Sse::open(
        &format!("{}{events}?name=Ann", b.base),
        &[("last-event-id", &last_id)],
    )
    .await;
    let greeting = ann.collect(Duration::from_millis(300)).await;
    let names: Vec<&str> = greeting.iter().map(|e| e.event.as_str()).collect();
    assert!(names.contains(&"presence"), "{names:?}");
    assert!(
        !names.contains(&"snapshot"),
        "resumed without a snapshot: {names:?}"
    );
    let (_, timer) = b.get(&format!("/api/{code}/timer")).await;
    let remaining = timer["remainingTime"].as_i64().unwrap();
    let expected = ends_at - common::json::now_ms();
    assert!(
        (remaining - expected).abs() < 300,
        "{remaining} vs {expected}"
    );

    // The time-up the dead instance scheduled happens once, on `b`.
    let completed = ann.expect("change", Duration::from_secs(5)).await.json();
    assert!(
        completed["causes"]
            .as_array()
            .unwrap()
            .contains(&json!("completed"))
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, read) = b.get(&format!("/api/v1/rooms/{code}")).await;
    assert_eq!(read["version"], 3, "{read}");
    assert_eq!(read["room"]["timer"]["completed_rounds"], 1);
    assert_eq!(read["room"]["driver"], "Bob");
    b.kill_hard();
}

#[tokio::test]
async fn a_crashed_instance_s_names_leave_the_room() {
    let db = backends!();
    let (a, b) = two_processes(&db.url).await;
    let (_, created) = a
        .send(
            reqwest::Method::POST,
            "/api/v1/rooms",
            Some(json!({"participants": ["Ann", "Bob"]})),
        )
        .await;
    let code = created["room"]["code"].as_str().unwrap().to_owned();
    let events = format!("/api/v1/rooms/{code}/events");
    let mut ann = Sse::open(&format!("{}{events}?name=Ann", a.base), &[]).await;
    ann.expect("snapshot", Duration::from_secs(2)).await;
    let mut bob = Sse::open(&format!("{}{events}?name=Bob", b.base), &[]).await;
    let snapshot = bob.expect("snapshot", Duration::from_secs(2)).await.json();
    assert_eq!(snapshot["room"]["present"], json!(["Ann", "Bob"]));

    // A crash says nothing to anyone: the name expires instead.
    let crashed = Instant::now();
    a.kill_hard();
    let left = next_presence(&mut bob, "left", Duration::from_secs(8)).await;
    assert_eq!(left["left"], "Ann");
    assert_eq!(left["present"], json!(["Bob"]));
    assert!(
        crashed.elapsed() <= Duration::from_secs(5),
        "within 4/3 of the TTL"
    );
    drop(ann);
    b.kill_hard();
}

#[tokio::test]
async fn instances_work_alone_while_redis_is_down_and_converge_after() {
    let db = backends!();
    let mut redis = OwnRedis::start().await;
    let apps = instances(2, &db.url, &redis.url).await;
    let (a, b) = (&apps[0], &apps[1]);
    wait_ready(a, true, Duration::from_secs(5)).await;
    let code = a.room(&["Ann", "Bob"], 600_000, false).await;
    let (mut on_a, _) = watch(a, &code, "Ann").await;
    let (mut on_b, _) = watch(b, &code, "Bob").await;

    redis.stop();
    let fault = wait_ready(b, false, Duration::from_secs(5)).await;
    assert!(fault["bus"].as_str().unwrap().contains("Redis"), "{fault}");
    assert!(fault["store"].is_null(), "{fault}");
    // Each instance keeps serving its own streams and commands.
    command(a, &code, "timer/start", 1).await;
    assert_eq!(
        next_change(&mut on_a, Duration::from_secs(2)).await["version"],
        2
    );
    let todos = format!("/api/v1/rooms/{code}/todos");
    let (status, _) = b
        .send("POST", &todos, Some(json!({"content": "offline"})))
        .await;
    assert_eq!(status, 201);
    let seen_by_b = next_change(&mut on_b, Duration::from_secs(2)).await;
    assert_eq!(
        seen_by_b["version"], 3,
        "b's own change, on the stored room"
    );
    assert_eq!(seen_by_b["room"]["timer"]["state"], "running");

    redis.resume().await;
    wait_ready(a, true, Duration::from_secs(10)).await;
    wait_ready(b, true, Duration::from_secs(10)).await;
    // `a`'s stream missed b's todo: it gets the stored state whole.
    let caught_up = next_change(&mut on_a, Duration::from_secs(5)).await;
    assert_eq!(caught_up["version"], 3, "{caught_up}");
    assert_eq!(caught_up["workspace"]["todos"][0]["content"], "offline");
    // And the bus carries changes again.
    command(b, &code, "timer/pause", 3).await;
    for stream in [&mut on_a, &mut on_b] {
        let change = next_change(stream, Duration::from_secs(2)).await;
        assert_eq!(change["version"], 4);
    }
}

#[tokio::test]
async fn commands_answer_503_while_postgres_is_away_and_streams_stay_open() {
    let db = backends!();
    let mut proxy = Proxy::start(db.server_addr()).await;
    let prefix = test_redis::prefix();
    let mut apps = Vec::new();
    for _ in 0..2 {
        apps.push(
            TestApp::spawn_on(db.url_via(proxy.addr), |config| {
                config.redis_url = Some(test_redis::url());
                config.redis_prefix = prefix.clone();
                config.heartbeat_secs = 1;
            })
            .await,
        );
    }
    let (a, b) = (&apps[0], &apps[1]);
    let code = a.room(&["Ann", "Bob"], 600_000, false).await;
    let (mut on_b, _) = watch(b, &code, "Bob").await;

    proxy.cut();
    let start = format!("/api/v1/rooms/{code}/timer/start");
    assert_error(&a.send("POST", &start, None).await, 503);
    let fault = wait_ready(b, false, Duration::from_secs(5)).await;
    assert!(fault["store"].is_string(), "{fault}");
    // The open stream stays open, with heartbeats.
    let heard = on_b.collect(Duration::from_millis(2_500)).await;
    assert!(heard.iter().any(|e| e.event == ":comment"), "{heard:?}");
    assert!(heard.iter().all(|e| e.event != "change"), "{heard:?}");

    proxy.restore().await;
    wait_ready(a, true, Duration::from_secs(10)).await;
    command(a, &code, "timer/start", 1).await;
    assert_eq!(
        next_change(&mut on_b, Duration::from_secs(2)).await["version"],
        2
    );
}

#[tokio::test]
async fn a_gap_in_versions_shows_the_received_state_whole() {
    let db = backends!();
    let apps = instances(2, &db.url, &test_redis::url()).await;
    let code = apps[0].room(&["Ann", "Bob"], 600_000, false).await;
    let (mut on_b, _) = watch(&apps[1], &code, "Bob").await;
    on_b.collect(Duration::from_millis(300)).await;
    // An instance off the bus changes the room: nobody hears of it.
    let silent = TestApp::spawn_on(db.url.clone(), |_| {}).await;
    let todos = format!("/api/v1/rooms/{code}/todos");
    let (status, _) = silent
        .send("POST", &todos, Some(json!({"content": "unheard"})))
        .await;
    assert_eq!(status, 201);
    assert!(on_b.next_event(Duration::from_millis(300)).await.is_none());

    // The next change arrives two versions ahead of what b's stream was
    // shown, so it goes out whole, with the todo nobody announced.
    command(&apps[0], &code, "roles/rotate", 2).await;
    let change = next_change(&mut on_b, Duration::from_secs(2)).await;
    assert_eq!(change["version"], 3);
    assert_eq!(change["causes"], json!(["rotated"]));
    assert_eq!(
        change["workspace"]["todos"][0]["content"], "unheard",
        "{change}"
    );
}
