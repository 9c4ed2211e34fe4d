//! The real binary as a child process on a fixed port, to be killed hard
//! and restarted on the same database.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::json::now_ms;

/// The server as a child process on a fixed port and database.
pub struct Server {
    /// The process.
    pub child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Server {
    /// Starts the binary; see [`Server::ready`].
    pub fn start(port: u16, database_url: &str) -> Self {
        Self::start_with(port, database_url, &[])
    }

    /// Starts the binary with more arguments.
    pub fn start_with(port: u16, database_url: &str, extra: &[&str]) -> Self {
        Self::start_logging(port, database_url, extra, None, "info")
    }

    /// Starts the binary with more arguments, its log (stdout and stderr)
    /// going to `log` if given, at the `RUST_LOG` level `level`.
    pub fn start_logging(
        port: u16,
        database_url: &str,
        extra: &[&str],
        log: Option<&std::path::Path>,
        level: &str,
    ) -> Self {
        let output = || match log {
            Some(path) => Stdio::from(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .expect("log file"),
            ),
            None => Stdio::null(),
        };
        let child = Command::new(env!("CARGO_BIN_EXE_pairroom"))
            .env("RUST_LOG", level)
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--database-url",
                database_url,
            ])
            .args(extra)
            .stdout(output())
            .stderr(output())
            .spawn()
            .expect("the binary starts");
        Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    /// Waits (up to 10 s) until the server answers.
    pub async fn ready(self) -> Self {
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

    /// Sends a request with an optional JSON body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = reqwest::Client::new().request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// `GET`.
    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    /// `POST` without a body.
    pub async fn post(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, None).await
    }

    /// `kill -9`, and waits for the process to be gone.
    pub fn kill_hard(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    /// A test that fails before stopping its server leaves no process
    /// behind.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on at the moment.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The body of a native room with one phase `phase_ms` long.
fn room_body(phase_ms: u64) -> Value {
    json!({"participants": ["Ann", "Bob"], "plan": {"phases": [{"label": "Round", "duration_ms": phase_ms}]}})
}

/// A server on `url` and a free port, with one room whose single phase is
/// `phase_ms` long; returns the port, the server and the room's code.
pub async fn start_with_room(url: &str, phase_ms: u64) -> (u16, Server, String) {
    let port = free_port();
    let server = Server::start(port, url).ready().await;
    let (_, created) = server
        .send(
            reqwest::Method::POST,
            "/api/v1/rooms",
            Some(room_body(phase_ms)),
        )
        .await;
    let code = created["room"]["code"].as_str().unwrap().to_owned();
    (port, server, code)
}

/// Starts a timer, kills the server with `kill -9` and starts it again on
/// the same database: the timer still runs, with the remaining time its
/// deadline gives (within 200 ms).
pub async fn a_running_timer_survives_kill_9(url: &str) {
    let (port, server, code) = start_with_room(url, 600_000).await;
    let (status, started) = server
        .post(&format!("/api/v1/rooms/{code}/timer/start"))
        .await;
    assert_eq!(status, 200);
    let ends_at = started["room"]["timer"]["ends_at_ms"].as_i64().unwrap();
    server.kill_hard();

    tokio::time::sleep(Duration::from_millis(700)).await;
    let server = Server::start(port, url).ready().await;
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
