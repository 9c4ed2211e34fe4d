//! `/metrics`: a known sequence of commands and streams moves the figures
//! as expected, and no room code appears in them.

mod common;

use std::time::Duration;

use common::TestApp;

/// The value of the sample whose name and labels are exactly `series`.
async fn sample(app: &TestApp, series: &str) -> f64 {
    let text = metrics_text(app).await;
    value_in(&text, series).unwrap_or(0.0)
}

async fn metrics_text(app: &TestApp) -> String {
    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    response.text().await.unwrap()
}

fn value_in(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            let (name, value) = line.rsplit_once(' ')?;
            (name == series).then(|| value.parse().unwrap())
        })
}

#[tokio::test]
async fn commands_streams_and_store_calls_are_counted() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 600_000, false).await;
    let mut stream = app.stream(&format!("/api/v1/rooms/{code}/events")).await;
    stream.expect("snapshot", Duration::from_secs(2)).await;
    assert_eq!(sample(&app, "pairroom_streams_open").await, 1.0);

    let updates_before = sample(&app, r#"pairroom_store_seconds_count{op="update"}"#).await;
    let room = format!("/api/v1/rooms/{code}");
    for (method, path, body, status) in [
        ("POST", format!("{room}/timer/start"), None, 200),
        ("POST", format!("{room}/timer/start"), None, 409),
        (
            "PUT",
            format!("{room}/plan"),
            Some(serde_json::json!({"phases": [{"label": "A", "duration_ms": 1000}]})),
            409,
        ),
        ("POST", format!("{room}/timer/pause"), None, 200),
        ("POST", format!("{room}/roles/rotate"), None, 200),
        (
            "POST",
            "/api/v1/rooms/zzzz-zzzz-zzzzz/timer/start".to_owned(),
            None,
            404,
        ),
    ] {
        let (got, answer) = app.send(method, &path, body).await;
        assert_eq!(got, status, "{method} {path}: {answer}");
    }
    for _ in 0..3 {
        stream.expect("change", Duration::from_secs(2)).await;
    }

    let text = metrics_text(&app).await;
    for (series, expected) in [
        (r#"pairroom_commands_total{kind="start",outcome="ok"}"#, 1.0),
        (
            r#"pairroom_commands_total{kind="start",outcome="conflict"}"#,
            1.0,
        ),
        (
            r#"pairroom_commands_total{kind="set_plan",outcome="conflict"}"#,
            1.0,
        ),
        (r#"pairroom_commands_total{kind="pause",outcome="ok"}"#, 1.0),
        (
            r#"pairroom_commands_total{kind="rotate",outcome="ok"}"#,
            1.0,
        ),
        (
            r#"pairroom_commands_total{kind="start",outcome="not_found"}"#,
            1.0,
        ),
        // The snapshot and three changes.
        ("pairroom_events_sent_total", 4.0),
        ("pairroom_streams_lagged_total", 0.0),
        ("pairroom_bus_connected", 1.0),
        ("pairroom_rooms_purged_total", 0.0),
    ] {
        assert_eq!(value_in(&text, series), Some(expected), "{series}\n{text}");
    }
    let updates = value_in(&text, r#"pairroom_store_seconds_count{op="update"}"#).unwrap();
    assert_eq!(updates - updates_before, 3.0, "three commits");
    assert!(!text.contains(&code), "no room code in the metrics");

    drop(stream);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(sample(&app, "pairroom_streams_open").await, 0.0);
}

#[tokio::test]
async fn a_time_up_is_counted_as_a_deadline() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 1_000, false).await;
    let (status, _) = app
        .send("POST", &format!("/api/v1/rooms/{code}/timer/start"), None)
        .await;
    assert_eq!(status, 200);
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(sample(&app, "pairroom_deadlines_applied_total").await, 1.0);
}
