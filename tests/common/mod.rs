//! Shared test support: a real server on port 0 with a fresh database (a
//! temporary SQLite file, or with `PAIRROOM_TEST_STORE=postgres` a
//! PostgreSQL database of its own), a real HTTP client, and a small
//! Server-Sent Events reader; plain request helpers here, and the rest by
//! subject: `json` (shape assertions), `native` and `coduo` (the two room
//! APIs), `workspace` (todos, categories, links, retrospect), `pages` (a
//! local page server for link previews), `postgres` (test databases and an
//! outage proxy), `redis` (key prefixes and a Redis of a test's own) and
//! `process` (the real binary as a child process).

#![allow(dead_code)]

pub mod coduo;
pub mod json;
pub mod native;
pub mod pages;
pub mod postgres;
pub mod process;
pub mod redis;
pub mod sse;
pub mod workspace;

use std::net::SocketAddr;
use std::time::Duration;

use pairroom::app::App;
use pairroom::config::ServeConfig;
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio_util::sync::CancellationToken;

pub use sse::Sse;

/// A well-formed room code that names no room.
pub const UNKNOWN: &str = "zzzz-zzzz-zzzzz";

/// A fresh, empty database for one test, removed when this value goes: a
/// SQLite file in a temporary folder, or, when `PAIRROOM_TEST_STORE` is
/// `postgres`, a PostgreSQL database of its own (see [`postgres`]).
pub struct FreshStore {
    /// Its URL, for `--database-url` (reuse it to restart on the same data).
    pub url: String,
    _keep: Keep,
}

enum Keep {
    Dir(TempDir),
    Postgres(postgres::TestDatabase),
}

impl FreshStore {
    /// A store of the kind `PAIRROOM_TEST_STORE` names (`sqlite`, the
    /// default, or `postgres`, which must then be reachable).
    pub async fn new() -> Self {
        match std::env::var("PAIRROOM_TEST_STORE").as_deref() {
            Ok("postgres") => {
                let db = postgres::TestDatabase::require().await;
                Self {
                    url: db.url.clone(),
                    _keep: Keep::Postgres(db),
                }
            }
            Ok("sqlite") | Ok("") | Err(_) => {
                let dir = tempfile::tempdir().expect("temp dir");
                Self {
                    url: format!("sqlite://{}/pairroom.db", dir.path().display()),
                    _keep: Keep::Dir(dir),
                }
            }
            Ok(other) => panic!("PAIRROOM_TEST_STORE={other:?}: expected sqlite or postgres"),
        }
    }
}

/// A running server with its own database.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The bound address.
    pub addr: SocketAddr,
    /// The database URL (reuse it to restart on the same data).
    pub database_url: String,
    /// A client for plain requests.
    pub client: reqwest::Client,
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<()>,
    store: Option<FreshStore>,
}

impl TestApp {
    /// A server with default settings.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// A server with adjusted settings.
    pub async fn spawn_with(adjust: impl FnOnce(&mut ServeConfig)) -> Self {
        let store = FreshStore::new().await;
        let mut app = Self::spawn_on(store.url.clone(), adjust).await;
        app.store = Some(store);
        app
    }

    /// A server on an existing database URL.
    pub async fn spawn_on(database_url: String, adjust: impl FnOnce(&mut ServeConfig)) -> Self {
        let mut config = ServeConfig::new("127.0.0.1:0".parse().unwrap(), database_url.clone());
        adjust(&mut config);
        let app = App::build(&config).await.expect("server starts");
        let addr = app.local_addr();
        let shutdown = app.shutdown_token();
        let task = tokio::spawn(app.run());
        Self {
            base: format!("http://{addr}"),
            addr,
            database_url,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap(),
            shutdown,
            task,
            store: None,
        }
    }

    /// Shuts the server down and waits for it; returns its database (if
    /// [`TestApp::spawn`] made it) for a restart on the same data.
    pub async fn stop(self) -> Option<FreshStore> {
        self.shutdown.cancel();
        let _ = self.task.await;
        self.store
    }

    /// An absolute URL for a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends a request with an optional JSON body.
    pub async fn send(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.client.request(method, self.url(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, value)
    }

    /// Sends a raw body with a content type.
    pub async fn send_raw(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let response = self
            .client
            .request(method, self.url(path))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Creates a native room; returns its code.
    pub async fn room(&self, participants: &[&str], phase_ms: u64, auto_advance: bool) -> String {
        let body = json!({
            "participants": participants,
            "plan": {"phases": [{"label": "Round", "duration_ms": phase_ms}], "auto_advance": auto_advance},
        });
        let (status, envelope) = self.send("POST", "/api/v1/rooms", Some(body)).await;
        assert_eq!(status, 201, "{envelope}");
        envelope["room"]["code"].as_str().unwrap().to_owned()
    }

    /// Creates a room through the 코딩해듀오 API; returns its code.
    pub async fn pair_room(&self, duration_ms: u64) -> String {
        let body = json!({
            "driver": "Ann", "navigator": "Bob",
            "timerDuration": duration_ms, "timerRemainingTime": duration_ms, "missionUrl": "",
        });
        let (status, created) = self.send("POST", "/api/pair-room", Some(body)).await;
        assert_eq!(status, 201, "{created}");
        created["accessCode"].as_str().unwrap().to_owned()
    }

    /// Opens an event stream on a path.
    pub async fn stream(&self, path: &str) -> Sse {
        Sse::open(&self.url(path), &[]).await
    }
}

/// Asserts that a response is a JSON error with that status.
pub fn assert_error(result: &(u16, Value), status: u16) {
    assert_eq!(result.0, status, "unexpected answer {}", result.1);
    let message = result.1["message"].as_str();
    assert!(
        message.is_some_and(|m| !m.is_empty()),
        "no JSON message in {}",
        result.1
    );
}

/// Sends and expects `status`; returns the body.
pub async fn ok(
    app: &TestApp,
    method: &str,
    path: &str,
    body: Option<Value>,
    status: u16,
) -> Value {
    let (got, answer) = app.send(method, path, body).await;
    assert_eq!(got, status, "{method} {path}: {answer}");
    answer
}

/// A command that answers 204 with no body.
pub async fn no_content(app: &TestApp, method: &str, path: &str, body: Option<Value>) {
    let answer = ok(app, method, path, body, 204).await;
    assert_eq!(answer, Value::Null, "{method} {path}");
}

/// Sends a raw text body with a content type.
pub async fn raw(
    app: &TestApp,
    method: &str,
    path: &str,
    content_type: &str,
    body: &str,
) -> (u16, Value) {
    app.send_raw(method, path, content_type, body.to_owned())
        .await
}
