//! Logs: plain or JSON by configuration, one span per request with its id
//! (sent back as `x-request-id`), and never a room code, only its
//! fingerprint.

mod common;

use common::process::{Server, free_port};
use serde_json::{Value, json};

#[tokio::test]
async fn json_logs_carry_request_ids_and_no_room_codes() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("server.log");
    let url = format!("sqlite://{}/rooms.db", dir.path().display());
    let server = Server::start_logging(
        free_port(),
        &url,
        &["--log-format", "json"],
        Some(&log),
        "info,tower_http=debug",
    )
    .ready()
    .await;
    let (_, created) = server
        .send(
            reqwest::Method::POST,
            "/api/v1/rooms",
            Some(json!({"participants": ["Ann", "Bob"]})),
        )
        .await;
    let code = created["room"]["code"].as_str().unwrap().to_owned();
    let client = reqwest::Client::new();
    let answer = client
        .post(format!("{}/api/v1/rooms/{code}/timer/start", server.base))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.headers()["x-request-id"], "trace-me-42");
    let fresh = client
        .get(format!(
            "{}/api/pair-room/exists?accessCode={code}",
            server.base
        ))
        .send()
        .await
        .unwrap();
    let fresh_id = fresh.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(fresh_id.len(), 36, "a UUID: {fresh_id}");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    server.kill_hard();

    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.is_empty());
    assert!(
        !text.contains(&code),
        "the code leaked into the logs:\n{text}"
    );
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let fingerprint = pairroom::domain::AccessCode::parse(&code)
        .unwrap()
        .fingerprint();
    let traced = lines
        .iter()
        .find(|line| line["span"]["id"] == "trace-me-42")
        .unwrap_or_else(|| panic!("no line of the traced request:\n{text}"));
    assert_eq!(
        traced["span"]["path"],
        format!("/api/v1/rooms/room:{fingerprint}/timer/start")
    );
    assert!(
        lines
            .iter()
            .any(|line| line["span"]["id"] == fresh_id.as_str()),
        "{text}"
    );
}
