//! The real binary, killed and restarted: acknowledged changes and running
//! timers survive `kill -9`; SIGTERM ends streams and exits promptly. On
//! the store `PAIRROOM_TEST_STORE` names (SQLite by default).

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::process::{self, Server, start_with_room};
use common::{FreshStore, Sse};

#[tokio::test]
async fn a_running_timer_survives_kill_9_with_the_right_remaining_time() {
    let store = FreshStore::new().await;
    process::a_running_timer_survives_kill_9(&store.url).await;
}

#[tokio::test]
async fn every_acknowledged_change_survives_kill_9() {
    let store = FreshStore::new().await;
    let url = &store.url;
    let (port, server, code) = start_with_room(url, 600_000).await;
    let mut acknowledged = 1;
    for i in 0..40 {
        let action = if i % 2 == 0 { "start" } else { "pause" };
        let (status, envelope) = server
            .post(&format!("/api/v1/rooms/{code}/timer/{action}"))
            .await;
        assert_eq!(status, 200);
        acknowledged = envelope["version"].as_i64().unwrap();
    }
    server.kill_hard();
    let server = Server::start(port, url).ready().await;
    let (_, room) = server.get(&format!("/api/v1/rooms/{code}")).await;
    assert_eq!(room["version"].as_i64().unwrap(), acknowledged);
    assert_eq!(room["room"]["timer"]["state"], "paused");
    server.kill_hard();
}

#[tokio::test]
async fn a_deadline_that_passed_while_down_is_applied_once_after_restart() {
    let store = FreshStore::new().await;
    let url = &store.url;
    let (port, server, code) = start_with_room(url, 1_000).await;
    server
        .post(&format!("/api/v1/rooms/{code}/timer/start"))
        .await;
    server.kill_hard();
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let server = Server::start(port, url).ready().await;
    let mut stream = Sse::open(&format!("{}/api/v1/rooms/{code}/events", server.base), &[]).await;
    let snapshot = stream
        .expect("snapshot", Duration::from_secs(2))
        .await
        .json();
    assert_eq!(snapshot["room"]["timer"]["completed_rounds"], 1);
    assert_eq!(snapshot["room"]["driver"], "Bob");
    // The restarted scheduler stores the time-up it found (version 3) once.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, room) = server.get(&format!("/api/v1/rooms/{code}")).await;
    assert_eq!(room["version"], 3);
    assert_eq!(room["room"]["driver"], "Bob");
    assert_eq!(room["room"]["timer"]["completed_rounds"], 1);
    server.kill_hard();
}

#[tokio::test]
async fn sigterm_ends_streams_and_exits_within_five_seconds() {
    let store = FreshStore::new().await;
    let (_, mut server, code) = start_with_room(&store.url, 600_000).await;
    let mut lean = Sse::open(&format!("{}/api/v1/rooms/{code}/events", server.base), &[]).await;
    lean.expect("snapshot", Duration::from_secs(1)).await;
    let mut legacy = Sse::open(&format!("{}/api/{code}/connect", server.base), &[]).await;
    legacy.expect("connect", Duration::from_secs(1)).await;

    let sent = Instant::now();
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    assert!(lean.ended(Duration::from_secs(5)).await, "the stream ended");
    assert!(
        legacy.ended(Duration::from_secs(5)).await,
        "the legacy stream ended"
    );
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "clean exit, got {status}");
            break;
        }
        assert!(
            sent.elapsed() < Duration::from_secs(5),
            "still running after 5 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
