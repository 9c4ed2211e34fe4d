//! The configuration file: `pairroom config check` accepts a good file and
//! names what is wrong with a bad one; `serve --config` uses the file where
//! neither a flag nor an environment variable says otherwise; `--help`
//! documents every setting with its variable and default.

mod common;

use std::process::Command;
use std::time::Duration;

use common::process::free_port;

fn pairroom() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pairroom"));
    for (name, _) in std::env::vars() {
        if name.starts_with("PAIRROOM_") {
            command.env_remove(name);
        }
    }
    command
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn config_check_accepts_a_good_file_and_explains_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(
        &dir,
        "good.toml",
        r#"
listen = "127.0.0.1:9999"
heartbeat_secs = 20
fsync-each-commit = true
cors_origin = ["https://a.example", "https://b.example"]
limit_exempt = ["10.0.0.0/8"]
log_format = "json"
"#,
    );
    let out = pairroom()
        .args(["config", "check"])
        .arg(&good)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok"));

    for (text, expected) in [
        ("listn = \"127.0.0.1:1\"", "unknown setting \"listn\""),
        ("heartbeat_secs = 0", "heartbeat-secs"),
        ("listen = \"not an address\"", "listen"),
        ("fsync_each_commit = \"yes\"", "true or false"),
        ("log_format = \"xml\"", "xml"),
        ("listen = ", "expected"),
    ] {
        let bad = write(&dir, "bad.toml", text);
        let out = pairroom()
            .args(["config", "check"])
            .arg(&bad)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{text}");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains(expected), "{text}: {said}");
    }
    let missing = pairroom()
        .args(["config", "check", "/no/such/file.toml"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
}

/// The `retry:` base a running server hints (the hint is base..=2 base).
async fn retry_hint(port: u16) -> u64 {
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if client.get(format!("{base}/healthz")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let created: serde_json::Value = client
        .post(format!("{base}/api/v1/rooms"))
        .json(&serde_json::json!({"participants": ["Ann", "Bob"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = created["room"]["code"].as_str().unwrap();
    let mut stream = common::Sse::open(&format!("{base}/api/v1/rooms/{code}/events"), &[]).await;
    let first = stream.next(Duration::from_secs(2)).await.unwrap();
    first.retry.expect("a retry hint")
}

/// Environment variables, flags, and the retry base they should give.
type Case = (
    &'static [(&'static str, &'static str)],
    &'static [&'static str],
    u64,
);

#[tokio::test]
async fn flags_beat_environment_which_beats_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let db = format!("sqlite://{}/rooms.db", dir.path().display());
    let file = write(
        &dir,
        "pairroom.toml",
        &format!("listen = \"127.0.0.1:{port}\"\nretry_ms = 1000\ndatabase_url = \"{db}\"\n"),
    );
    let cases: [Case; 3] = [
        (&[], &[], 1000),
        (&[("PAIRROOM_RETRY_MS", "5000")], &[], 5000),
        (
            &[("PAIRROOM_RETRY_MS", "5000")],
            &["--retry-ms", "20000"],
            20000,
        ),
    ];
    for (env, flags, base) in cases {
        let mut command = pairroom();
        command.args(["serve", "--config"]).arg(&file).args(flags);
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let hint = retry_hint(port).await;
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(
            (base..=2 * base).contains(&hint),
            "env {env:?} flags {flags:?}: hint {hint}, base {base}"
        );
    }
}

#[test]
fn help_documents_every_setting_with_its_variable_and_default() {
    let out = pairroom().args(["serve", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for (flag, env, default) in [
        ("--listen", "PAIRROOM_LISTEN", Some("127.0.0.1:8080")),
        ("--config", "PAIRROOM_CONFIG", None),
        ("--heartbeat-secs", "PAIRROOM_HEARTBEAT_SECS", Some("15")),
        ("--redis-url", "PAIRROOM_REDIS_URL", None),
        (
            "--limit-creates-per-min",
            "PAIRROOM_LIMIT_CREATES_PER_MIN",
            Some("30"),
        ),
        (
            "--retention-idle-secs",
            "PAIRROOM_RETENTION_IDLE_SECS",
            Some("2592000"),
        ),
        ("--log-format", "PAIRROOM_LOG_FORMAT", Some("plain")),
    ] {
        let entry = help
            .split("\n  -")
            .chain(help.split("\n      --"))
            .find(|entry| entry.contains(&flag[2..]) && entry.contains(env))
            .unwrap_or_else(|| panic!("{flag} with {env} in:\n{help}"));
        if let Some(default) = default {
            assert!(entry.contains(&format!("[default: {default}]")), "{entry}");
        }
    }
}
