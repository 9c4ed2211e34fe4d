//! The real binary, killed and restarted: acknowledged changes and running
//! timers survive `kill -9`; SIGTERM ends streams and exits promptly.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::Sse;
use serde_json::{Value, json};

/// The server as a child process on a fixed port and database file.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(port: u16, database_url: &str) -> Self {
        let child = Command::new(env!("CARGO_BIN_EXE_pairroom"))
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--database-url",
                database_url,
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    async fn ready(self) -> Self {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if client
                .get(format!("{}/api/v1/rooms/x", self.base))
                .send()
                .await
                .is_ok()
            {
                return self;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the server did not come up");
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = reqwest::Client::new().request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    fn kill_hard(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().unwrap();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn room_body(phase_ms: u64) -> Value {
    json!({"participants": ["Ann", "Bob"], "plan": {"phases": [{"label": "Round", "duration_ms": phase_ms}]}})
}

#[tokio::test]
async fn a_running_timer_survives_kill_9_with_the_right_remaining_time() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/rooms.db", dir.path().display());
    let port = free_port();
    let server = Server::start(port, &url).ready().await;
    let (_, created) = server
        .send(
            reqwest::Method::POST,
            "/api/v1/rooms",
            Some(room_body(600_000)),
        )
        .await;
    let code = created["room"]["code"].as_str().unwrap().to_owned();
    let (status, started) = server
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/rooms/{code}/timer/start"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let ends_at = started["room"]["timer"]["ends_at_ms"].as_i64().unwrap();
    server.kill_hard();

    tokio::time::sleep(Duration::from_millis(700)).await;
    let server = Server::start(port, &url).ready().await;
    let before = now_ms();
    let (_, timer) = server
        .send(reqwest::Method::GET, &format!("/api/{code}/timer"), None)
        .await;
    let after = now_ms();
    let remaining = timer["remainingTime"].as_i64().unwrap();
    assert!(
        (ends_at - after - 200..=ends_at - before + 200).contains(&remaining),
        "remaining {remaining} ms, expected about {}",
        ends_at - before
    );
    let (_, room) = server
        .send(reqwest::Method::GET, &format!("/api/v1/rooms/{code}"), None)
        .await;
    assert_eq!(room["room"]["timer"]["state"], "running");
    assert_eq!(room["version"], 2);
    server.kill_hard();
}

#[tokio::test]
async fn every_acknowledged_change_survives_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/rooms.db", dir.path().display());
    let port = free_port();
    let server = Server::start(port, &url).ready().await;
    let (_, created) = server
        .send(
            reqwest::Method::POST,
            "/api/v1/rooms",
            Some(room_body(600_000)),
        )
        .await;
    let code = created["room"]["code"].as_str().unwrap().to_owned();
    let mut acknowledged = 1;
    for i in 0..40 {
        let action = if i % 2 == 0 { "start" } else { "pause" };
        let (status, envelope) = server
            .send(
                reqwest::Method::POST,
                &format!("/api/v1/rooms/{code}/timer/{action}"),
                None,
            )
            .await;
        assert_eq!(status, 200);
        acknowledged = envelope["version"].as_i64().unwrap();
    }
    server.kill_hard();
    let server = Server::start(port, &url).ready().await;
    let (_, room) = server
        .send(reqwest::Method::GET, &format!("/api/v1/rooms/{code}"), None)
        .await;
    assert_eq!(room["version"].as_i64().unwrap(), acknowledged);
    assert_eq!(room["room"]["timer"]["state"], "paused");
    server.kill_hard();
}

#[tokio::test]
async fn a_deadline_that_passed_while_down_is_applied_once_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/rooms.db", dir.path().display());
    let port = free_port();
    let server = Server::start(port, &url).ready().await;
    let (_, created) = server
        .send(
            reqwest::Method::POST,
            "/api/v1/rooms",
            Some(room_body(1_000)),
        )
        .await;
    let code = created["room"]["code"].as_str().unwrap().to_owned();
    server
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/rooms/{code}/timer/start"),
            None,
        )
        .await;
    server.kill_hard();
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let server = Server::start(port, &url).ready().await;
    let mut stream = Sse::open(&format!("{}/api/v1/rooms/{code}/events", server.base), &[]).await;
    let snapshot = stream
        .expect("snapshot", Duration::from_secs(2))
        .await
        .json();
    assert_eq!(snapshot["room"]["timer"]["completed_rounds"], 1);
    assert_eq!(snapshot["room"]["driver"], "Bob");
    // The restarted scheduler stores the time-up it found (version 3) once.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, room) = server
        .send(reqwest::Method::GET, &format!("/api/v1/rooms/{code}"), None)
        .await;
    assert_eq!(room["version"], 3);
    assert_eq!(room["room"]["driver"], "Bob");
    assert_eq!(room["room"]["timer"]["completed_rounds"], 1);
    server.kill_hard();
}

#[tokio::test]
async fn sigterm_ends_streams_and_exits_within_five_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/rooms.db", dir.path().display());
    let port = free_port();
    let mut server = Server::start(port, &url).ready().await;
    let (_, created) = server
        .send(
            reqwest::Method::POST,
            "/api/v1/rooms",
            Some(room_body(600_000)),
        )
        .await;
    let code = created["room"]["code"].as_str().unwrap().to_owned();
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
