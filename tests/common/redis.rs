//! Redis for tests: the one on this machine (`PAIRROOM_TEST_REDIS`,
//! default [`DEFAULT_URL`]) with a key prefix of each test's own, and a
//! `redis-server` a test owns, to stop and start again.
//!
//! When Redis cannot be reached, a test says SKIPPED on stderr and passes,
//! unless `PAIRROOM_REQUIRE_REDIS=1`, where it fails.

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The shared Redis tests use.
pub const DEFAULT_URL: &str = "redis://127.0.0.1:6379";

/// The URL of the shared Redis.
pub fn url() -> String {
    std::env::var("PAIRROOM_TEST_REDIS").unwrap_or_else(|_| DEFAULT_URL.to_owned())
}

/// Whether a missing Redis fails the tests instead of skipping them.
pub fn required() -> bool {
    std::env::var("PAIRROOM_REQUIRE_REDIS").is_ok_and(|v| v == "1")
}

/// Whether the shared Redis answers; if not, says SKIPPED (or panics when
/// Redis is required).
pub async fn available() -> bool {
    match ping(&url()).await {
        Ok(()) => true,
        Err(e) if !required() => {
            let test = std::thread::current().name().unwrap_or("?").to_owned();
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: Redis is not reachable at {} ({e}); \
                 set PAIRROOM_REQUIRE_REDIS=1 to fail instead",
                url()
            );
            false
        }
        Err(e) => panic!("Redis is required but not reachable: {e}"),
    }
}

async fn ping(url: &str) -> Result<(), String> {
    let client = redis::Client::open(url).map_err(|e| e.to_string())?;
    let connect = client.get_multiplexed_async_connection();
    let mut connection = tokio::time::timeout(Duration::from_secs(2), connect)
        .await
        .map_err(|_| "no answer within 2 s".to_owned())?
        .map_err(|e| e.to_string())?;
    redis::cmd("PING")
        .query_async::<String>(&mut connection)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// A key prefix no other test uses.
pub fn prefix() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap();
    format!("pairroom-test-{:016x}:", u64::from_le_bytes(bytes))
}

/// Publishes raw text on a channel of the shared Redis (to play another
/// instance, or a broken one).
pub async fn publish(url: &str, channel: &str, payload: &str) {
    let client = redis::Client::open(url).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    redis::cmd("PUBLISH")
        .arg(channel)
        .arg(payload)
        .query_async::<i64>(&mut connection)
        .await
        .unwrap();
}

/// A `redis-server` of the test's own on a free port, killed when dropped.
pub struct OwnRedis {
    /// `redis://127.0.0.1:PORT`.
    pub url: String,
    port: u16,
    child: Option<Child>,
}

impl OwnRedis {
    /// Starts one, waiting until it answers.
    pub async fn start() -> Self {
        let port = super::process::free_port();
        let mut redis = Self {
            url: format!("redis://127.0.0.1:{port}"),
            port,
            child: None,
        };
        redis.resume().await;
        redis
    }

    /// Kills the server (open connections break, new ones are refused).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port.
    pub async fn resume(&mut self) {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server runs (Debian package redis-server)");
        self.child = Some(child);
        for _ in 0..100 {
            if ping(&self.url).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the test's redis-server did not come up");
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.stop();
    }
}
