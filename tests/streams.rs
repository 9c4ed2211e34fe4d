//! The event streams of both dialects, read by a real SSE client.

mod common;

use std::time::Duration;

use common::{Sse, TestApp, assert_error};
use serde_json::Value;
use tokio::io::AsyncWriteExt;

const SECOND: Duration = Duration::from_secs(1);

async fn patch(app: &TestApp, path: &str) {
    let (status, body) = app.send("PATCH", path, None).await;
    assert_eq!(status, 204, "{path}: {body}");
}

#[tokio::test]
async fn two_legacy_streams_see_start_then_remaining_time_falling_by_a_second() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    let mut a = app.stream(&format!("/api/{code}/connect")).await;
    let mut b = app.stream(&format!("/api/{code}/connect")).await;
    for s in [&mut a, &mut b] {
        let connect = s.expect("connect", SECOND).await;
        assert_eq!(connect.data, "OK");
        assert!(connect.retry.is_some(), "connect carries a retry hint");
        assert_eq!(s.expect("remaining-time", SECOND).await.data, "600000");
    }
    patch(&app, &format!("/api/{code}/timer/start")).await;
    for s in [&mut a, &mut b] {
        assert_eq!(s.expect("timer", SECOND).await.data, "start");
    }
    for s in [&mut a, &mut b] {
        let mut ticks = Vec::new();
        while ticks.len() < 4 {
            let e = s.expect("remaining-time", 2 * SECOND).await;
            ticks.push((e.data.parse::<i64>().unwrap(), e.at));
        }
        for pair in ticks.windows(2) {
            assert_eq!(
                pair[0].0 - pair[1].0,
                1000,
                "values fall by exactly one second"
            );
        }
        let span = ticks[3].1.duration_since(ticks[0].1).as_millis() as i64;
        assert!((2950..=3050).contains(&span), "three ticks took {span} ms");
    }
    patch(&app, &format!("/api/{code}/timer/stop")).await;
    for s in [&mut a, &mut b] {
        assert_eq!(s.expect("timer", SECOND).await.data, "pause");
        let after: Vec<_> = s.collect(Duration::from_millis(2500)).await;
        assert!(
            after.iter().all(|e| e.event != "remaining-time"),
            "no ticks after stop: {after:?}"
        );
    }
}

#[tokio::test]
async fn a_one_second_phase_completes_once_and_legacy_swaps_do_not_swap_again() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 1_000, false).await;
    let mut native = app.stream(&format!("/api/v1/rooms/{code}/events")).await;
    let mut legacy = app.stream(&format!("/api/{code}/connect")).await;
    native.expect("snapshot", SECOND).await;
    legacy.expect("connect", SECOND).await;
    app.send("POST", &format!("/api/v1/rooms/{code}/timer/start"), None)
        .await;

    let completed = loop {
        let change = native.expect("change", 3 * SECOND).await.json();
        if change["causes"] == serde_json::json!(["completed"]) {
            break change;
        }
    };
    assert_eq!(completed["room"]["driver"], "Bob");
    assert_eq!(completed["room"]["timer"]["completed_rounds"], 1);
    assert_eq!(completed["room"]["timer"]["state"], "idle");
    loop {
        if legacy.expect("timer", 2 * SECOND).await.data == "stop" {
            break;
        }
    }
    // Both screens of the original front end react to the time-up.
    patch(&app, &format!("/api/pair-room/{code}/pair-swap")).await;
    patch(&app, &format!("/api/pair-room/{code}/pair-swap")).await;
    let (_, room) = app
        .send("GET", &format!("/api/pair-room/{code}"), None)
        .await;
    assert_eq!(
        room["driver"], "Bob",
        "roles were swapped once, by the server"
    );
    let rest = native.collect(Duration::from_millis(1500)).await;
    assert!(
        rest.iter()
            .all(|e| e.event != "change" || !e.data.contains("completed")),
        "the completion was announced once"
    );
    let (_, envelope) = app
        .send("GET", &format!("/api/v1/rooms/{code}"), None)
        .await;
    assert_eq!(envelope["room"]["timer"]["completed_rounds"], 1);
}

#[tokio::test]
async fn last_event_id_resumes_without_a_snapshot_only_when_up_to_date() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    app.send("POST", &format!("/api/v1/rooms/{code}/timer/start"), None)
        .await;
    let url = app.url(&format!("/api/v1/rooms/{code}/events"));

    let mut current = Sse::open(&url, &[("last-event-id", "2")]).await;
    let first = current.next_event(SECOND).await.unwrap();
    assert_eq!(first.event, ":fields", "a retry hint comes first");
    assert!(first.retry.is_some());
    let second = current.next_event(SECOND).await.unwrap();
    assert_eq!(second.event, "presence", "no snapshot when up to date");
    assert_eq!(second.id.as_deref(), Some("2"));

    for stale in ["1", "0", "99", "garbage", ""] {
        let mut s = Sse::open(&url, &[("last-event-id", stale)]).await;
        let snapshot = s.expect("snapshot", SECOND).await;
        assert_eq!(
            snapshot.id.as_deref(),
            Some("2"),
            "a snapshot for last id {stale:?}"
        );
        assert_eq!(snapshot.json()["room"]["timer"]["state"], "running");
    }
    let mut by_query = app
        .stream(&format!("/api/v1/rooms/{code}/events?last_event_id=2"))
        .await;
    by_query.next_event(SECOND).await;
    assert_eq!(by_query.next_event(SECOND).await.unwrap().event, "presence");
}

#[tokio::test]
async fn heartbeats_arrive_at_the_configured_interval() {
    let app = TestApp::spawn_with(|c| c.heartbeat_secs = 1).await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    let mut s = app.stream(&format!("/api/v1/rooms/{code}/events")).await;
    let beats: Vec<_> = s
        .collect(Duration::from_millis(3600))
        .await
        .into_iter()
        .filter(|e| e.event == ":comment")
        .collect();
    assert!(
        (3..=4).contains(&beats.len()),
        "{} heartbeats in 3.6 s",
        beats.len()
    );
    for pair in beats.windows(2) {
        let gap = pair[1].at.duration_since(pair[0].at).as_millis();
        assert!((800..=1200).contains(&gap), "heartbeats {gap} ms apart");
    }
}

#[tokio::test]
async fn a_stream_that_never_reads_does_not_delay_the_others() {
    let app = TestApp::spawn_with(|c| c.write_timeout_secs = 1).await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    // A client that asks for a stream and then never reads a byte.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(2048).unwrap();
    let mut stuck = socket.connect(app.addr).await.unwrap();
    let request = format!("GET /api/v1/rooms/{code}/events?ticks=1 HTTP/1.1\r\nhost: x\r\n\r\n");
    stuck.write_all(request.as_bytes()).await.unwrap();

    let mut watcher = app.stream(&format!("/api/v1/rooms/{code}/events")).await;
    watcher.expect("snapshot", SECOND).await;
    let mut worst = Duration::ZERO;
    for i in 0..300 {
        let action = if i % 2 == 0 { "start" } else { "pause" };
        let sent = tokio::time::Instant::now();
        let (status, envelope) = app
            .send(
                "POST",
                &format!("/api/v1/rooms/{code}/timer/{action}"),
                None,
            )
            .await;
        assert_eq!(status, 200);
        let change = watcher.expect("change", SECOND).await;
        assert_eq!(change.id, Some(envelope["version"].to_string()));
        worst = worst.max(change.at.duration_since(sent));
    }
    assert!(
        worst < Duration::from_millis(500),
        "slowest delivery {worst:?}"
    );
    drop(stuck);
}

#[tokio::test]
async fn stream_limits_answer_429_per_room_and_503_in_total() {
    let app = TestApp::spawn_with(|c| {
        c.max_streams_per_room = 2;
        c.max_streams = 3;
    })
    .await;
    let one = app.room(&["Ann", "Bob"], 60_000, false).await;
    let two = app.room(&["Ann", "Bob"], 60_000, false).await;
    let _a = app.stream(&format!("/api/v1/rooms/{one}/events")).await;
    let _b = app.stream(&format!("/api/{one}/connect")).await;
    let full = app.stream(&format!("/api/v1/rooms/{one}/events")).await;
    assert_eq!(full.status, 429);
    assert!(full.error_body.clone().unwrap().contains("message"));
    let _c = app.stream(&format!("/api/v1/rooms/{two}/events")).await;
    let at_capacity = app.stream(&format!("/api/v1/rooms/{two}/events")).await;
    assert_eq!(at_capacity.status, 503);
    assert!(at_capacity.headers.contains_key("retry-after"));
    assert!(at_capacity.error_body.clone().unwrap().contains("message"));
}

#[tokio::test]
async fn streams_of_unknown_or_deleted_rooms_are_refused_with_json() {
    let app = TestApp::spawn().await;
    for path in [
        "/api/v1/rooms/0000-0000-00000/events",
        "/api/v1/rooms/nope/events",
        "/api/nope/connect",
    ] {
        let s = app.stream(path).await;
        assert_eq!(s.status, 404, "{path}");
        let body: Value = serde_json::from_str(&s.error_body.clone().unwrap()).unwrap();
        assert!(body["message"].is_string());
    }
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    assert_eq!(
        app.send("DELETE", &format!("/api/v1/rooms/{code}"), None)
            .await
            .0,
        204
    );
    assert_eq!(
        app.stream(&format!("/api/v1/rooms/{code}/events"))
            .await
            .status,
        410
    );
    assert_eq!(
        app.stream(&format!("/api/{code}/connect")).await.status,
        400
    );
    assert_error(
        &app.send("GET", &format!("/api/v1/rooms/{code}"), None)
            .await,
        410,
    );
}

#[tokio::test]
async fn streams_carry_the_headers_proxies_need() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    for path in [
        format!("/api/v1/rooms/{code}/events"),
        format!("/api/{code}/connect"),
    ] {
        let s = Sse::open(&app.url(&path), &[("accept-encoding", "gzip, br")]).await;
        assert_eq!(s.headers["content-type"], "text/event-stream");
        assert_eq!(s.headers["cache-control"], "no-store");
        assert_eq!(s.headers["x-accel-buffering"], "no");
        assert!(!s.headers.contains_key("content-encoding"));
    }
}

#[tokio::test]
async fn a_stream_on_a_kept_alive_connection_behaves_the_same() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    // One pooled connection: the stream request follows a plain request on it.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .build()
        .unwrap();
    let read = client
        .get(app.url(&format!("/api/v1/rooms/{code}")))
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200);
    read.bytes().await.unwrap();
    let response = client
        .get(app.url(&format!("/api/v1/rooms/{code}/events?ticks=1")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-accel-buffering"], "no");
    let mut body = response.bytes_stream();
    use futures_util::StreamExt;
    let first = String::from_utf8(body.next().await.unwrap().unwrap().to_vec()).unwrap();
    assert!(first.contains("event: snapshot"), "{first}");
    app.send("POST", &format!("/api/v1/rooms/{code}/timer/start"), None)
        .await;
    let mut seen = String::new();
    while !seen.contains("event: tick") {
        let chunk = tokio::time::timeout(2 * SECOND, body.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(seen.contains("event: change"));
}

#[tokio::test]
async fn presence_lists_named_streams_and_announces_joins_and_leaves() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    let mut ann = app
        .stream(&format!("/api/v1/rooms/{code}/events?name=Ann"))
        .await;
    assert_eq!(
        ann.expect("snapshot", SECOND).await.json()["room"]["present"],
        serde_json::json!(["Ann"])
    );
    let bob = app
        .stream(&format!("/api/v1/rooms/{code}/events?name=%20Bob%20"))
        .await;
    let joined = loop {
        let p = ann.expect("presence", SECOND).await.json();
        if p["joined"] == "Bob" {
            break p;
        }
    };
    assert_eq!(joined["present"], serde_json::json!(["Ann", "Bob"]));
    let (_, envelope) = app
        .send("GET", &format!("/api/v1/rooms/{code}"), None)
        .await;
    assert_eq!(
        envelope["room"]["present"],
        serde_json::json!(["Ann", "Bob"])
    );
    drop(bob);
    let left = ann.expect("presence", 2 * SECOND).await.json();
    assert_eq!(left["left"], "Bob");
    assert_eq!(left["present"], serde_json::json!(["Ann"]));
    let bad = app
        .stream(&format!("/api/v1/rooms/{code}/events?name="))
        .await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn closing_a_rooms_streams_ends_them_with_close_ok() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    let mut a = app.stream(&format!("/api/{code}/connect")).await;
    let mut b = app.stream(&format!("/api/v1/rooms/{code}/events")).await;
    a.expect("connect", SECOND).await;
    b.expect("snapshot", SECOND).await;
    assert_eq!(
        app.send("DELETE", &format!("/api/{code}/connect"), None)
            .await
            .0,
        204
    );
    assert_eq!(a.expect("close", SECOND).await.data, "OK");
    assert_eq!(b.expect("close", SECOND).await.data, "OK");
    assert!(
        a.ended(SECOND).await && b.ended(SECOND).await,
        "both streams end"
    );
    // The timer is unaffected by streams going away.
    let (status, _) = app.send("GET", &format!("/api/{code}/timer"), None).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn deleting_a_room_ends_its_native_streams_with_a_last_change() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    let mut s = app.stream(&format!("/api/v1/rooms/{code}/events")).await;
    s.expect("snapshot", SECOND).await;
    app.send("DELETE", &format!("/api/v1/rooms/{code}"), None)
        .await;
    let last = s.expect("change", SECOND).await.json();
    assert_eq!(last["causes"], serde_json::json!(["deleted"]));
    assert_eq!(last["room"]["status"], "deleted");
    assert!(s.ended(SECOND).await);
}

#[tokio::test]
async fn native_ticks_fall_on_whole_seconds_of_the_deadline() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 10_000, false).await;
    let mut s = app
        .stream(&format!("/api/v1/rooms/{code}/events?ticks=1"))
        .await;
    s.expect("snapshot", SECOND).await;
    let (_, started) = app
        .send("POST", &format!("/api/v1/rooms/{code}/timer/start"), None)
        .await;
    let ends_at = started["room"]["timer"]["ends_at_ms"].as_i64().unwrap();
    for expected in [9_000, 8_000] {
        let tick = s.expect("tick", 2 * SECOND).await.json();
        assert_eq!(tick["remaining_ms"], expected);
        assert_eq!(tick["server_time_ms"].as_i64().unwrap(), ends_at - expected);
    }
    let mut plain = app.stream(&format!("/api/v1/rooms/{code}/events")).await;
    let events = plain.collect(Duration::from_millis(1500)).await;
    assert!(
        events.iter().all(|e| e.event != "tick"),
        "no ticks unless asked"
    );
}
