//! Rooms unchanged for the retention time are purged by the background
//! job, counted, and their streams ended; rooms in use stay.

mod common;

use std::time::Duration;

use common::TestApp;

#[tokio::test]
async fn idle_rooms_are_purged_and_busy_ones_kept() {
    let app = TestApp::spawn_with(|config| {
        config.retention_idle_secs = 2;
        config.retention_interval_secs = 1;
    })
    .await;
    let idle = app.room(&["Ann", "Bob"], 600_000, false).await;
    let busy = app.room(&["Cid", "Dan"], 600_000, false).await;
    let mut watching_idle = app.stream(&format!("/api/v1/rooms/{idle}/events")).await;
    watching_idle
        .expect("snapshot", Duration::from_secs(2))
        .await;
    // Keep one room changing while the other sits.
    for _ in 0..8 {
        let (status, _) = app
            .send("POST", &format!("/api/v1/rooms/{busy}/roles/rotate"), None)
            .await;
        assert_eq!(status, 200);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let (status, body) = app
        .send("GET", &format!("/api/v1/rooms/{idle}"), None)
        .await;
    assert_eq!(status, 404, "{body}");
    assert!(body["message"].is_string());
    assert!(
        watching_idle.ended(Duration::from_secs(2)).await,
        "its stream ended"
    );
    let (status, _) = app
        .send("GET", &format!("/api/v1/rooms/{busy}"), None)
        .await;
    assert_eq!(status, 200);
    let (_, text) = app.send("GET", "/metrics", None).await;
    let text = text.as_str().unwrap().to_owned();
    assert!(
        text.lines().any(|l| l == "pairroom_rooms_purged_total 1"),
        "{text}"
    );
}

#[tokio::test]
async fn retention_zero_keeps_rooms_forever() {
    let app = TestApp::spawn_with(|config| {
        config.retention_idle_secs = 0;
        config.retention_interval_secs = 1;
    })
    .await;
    let code = app.room(&["Ann", "Bob"], 600_000, false).await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let (status, _) = app
        .send("GET", &format!("/api/v1/rooms/{code}"), None)
        .await;
    assert_eq!(status, 200);
}
