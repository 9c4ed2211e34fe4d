//! The real binary, killed and restarted: acknowledged changes and running
//! timers survive `kill -9`; SIGTERM ends streams and exits promptly.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Sse;
use common::json::now_ms;
use serde_json::{Value, json};
use tempfile::TempDir;

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

    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, None).await
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

fn room_body(phase_ms: u64) -> Value {
    json!({"participants": ["Ann", "Bob"], "plan": {"phases": [{"label": "Round", "duration_ms": phase_ms}]}})
}

/// A server on a fresh database file and a free port, with one room whose
/// single phase is `phase_ms` long; returns the directory (keep it alive),
/// the database URL, the port, the server and the room's code.
async fn start_with_room(phase_ms: u64) -> (TempDir, String, u16, Server, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/rooms.db", dir.path().display());
    let port = free_port();
    let server = Server::start(port, &url).ready().await;
    let (_, created) = server
        .send(
            reqwest::Method::POST,
            "/api/v1/rooms",
            Some(room_body(phase_ms)),
        )
        .await;
    let code = created["room"]["code"].as_str().unwrap().to_owned();
    (dir, url, port, server, code)
}

#[tokio::test]
async fn a_running_timer_survives_kill_9_with_the_right_remaining_time() {
    let (_dir, url, port, server, code) = start_with_room(600_000).await;
    let (status, started) = server
        .post(&format!("/api/v1/rooms/{code}/timer/start"))
        .await;
    assert_eq!(status, 200);
    let ends_at = started["room"]["timer"]["ends_at_ms"].as_i64().unwrap();
    server.kill_hard();

    tokio::time::sleep(Duration::from_millis(700)).await;
    let server = Server::start(port, &url).ready().await;
    let before = now_ms();
    let (_, timer) = server.get(&format!("/api/{code}/timer")).await;
    let after = now_ms();
    let remaining = timer["remainingTime"].as_i64().unwrap();
    assert!(
        (ends_at - after - 200..=ends_at - before + 200).contains(&remaining),
        "remaining {remaining} ms, expected about {}",
        ends_at - before
    );
    let (_, room) = server.get(&format!("/api/v1/rooms/{code}")).await;
    assert_eq!(room["room"]["timer"]["state"], "running");
    assert_eq!(room["version"], 2);
    server.kill_hard();
}

#[tokio::test]
async fn every_acknowledged_change_survives_kill_9() {
    let (_dir, url, port, server, code) = start_with_room(600_000).await;
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
    let server = Server::start(port, &url).ready().await;
    let (_, room) = server.get(&format!("/api/v1/rooms/{code}")).await;
    assert_eq!(room["version"].as_i64().unwrap(), acknowledged);
    assert_eq!(room["room"]["timer"]["state"], "paused");
    server.kill_hard();
}

#[tokio::test]
async fn a_deadline_that_passed_while_down_is_applied_once_after_restart() {
    let (_dir, url, port, server, code) = start_with_room(1_000).await;
    server
        .post(&format!("/api/v1/rooms/{code}/timer/start"))
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
    let (_, room) = server.get(&format!("/api/v1/rooms/{code}")).await;
    assert_eq!(room["version"], 3);
    assert_eq!(room["room"]["driver"], "Bob");
    assert_eq!(room["room"]["timer"]["completed_rounds"], 1);
    server.kill_hard();
}

#[tokio::test]
async fn sigterm_ends_streams_and_exits_within_five_seconds() {
    let (_dir, _, _, mut server, code) = start_with_room(600_000).await;
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
