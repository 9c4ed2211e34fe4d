//! Abuse limits per client address: room creation, lookups of unknown
//! codes, and stream opens run out and answer 429 with `Retry-After`; a
//! trusted proxy's `X-Forwarded-For` separates clients, an untrusted one
//! is ignored; loopback is exempt by default.

mod common;

use common::{TestApp, UNKNOWN};
use serde_json::json;

/// A server whose limits apply to loopback clients too.
async fn limited(adjust: impl FnOnce(&mut pairroom::config::ServeConfig)) -> TestApp {
    TestApp::spawn_with(|config| {
        config.limit_exempt = Vec::new();
        adjust(config);
    })
    .await
}

async fn post_json(
    app: &TestApp,
    path: &str,
    body: serde_json::Value,
    forwarded_for: Option<&str>,
) -> reqwest::Response {
    let mut request = app.client.post(app.url(path)).json(&body);
    if let Some(address) = forwarded_for {
        request = request.header("x-forwarded-for", address);
    }
    request.send().await.unwrap()
}

fn native_room() -> serde_json::Value {
    json!({"participants": ["Ann", "Bob"]})
}

fn legacy_room() -> serde_json::Value {
    json!({"driver": "Ann", "navigator": "Bob", "timerDuration": 600000,
           "timerRemainingTime": 600000, "missionUrl": ""})
}

async fn assert_limited(response: reqwest::Response) -> u64 {
    assert_eq!(response.status(), 429);
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("try again"),
        "{body}"
    );
    retry
}

#[tokio::test]
async fn room_creation_runs_out_across_both_apis() {
    let app = limited(|c| c.limit_creates_per_min = 3).await;
    for body in [native_room(), native_room()] {
        assert_eq!(
            post_json(&app, "/api/v1/rooms", body, None).await.status(),
            201
        );
    }
    let third = post_json(&app, "/api/pair-room", legacy_room(), None).await;
    assert_eq!(third.status(), 201);
    let retry = assert_limited(post_json(&app, "/api/v1/rooms", native_room(), None).await).await;
    assert_eq!(retry, 20, "one room per 20 s at 3 per minute");
    assert_limited(post_json(&app, "/api/pair-room", legacy_room(), None).await).await;
    // Reading an existing room is not a creation.
    let (_, created) = app
        .send("GET", "/api/pair-room/exists?accessCode=x", None)
        .await;
    assert!(created.is_object());
}

#[tokio::test]
async fn unknown_codes_close_every_lookup_so_codes_cannot_be_enumerated() {
    let app = limited(|c| c.limit_misses_per_min = 3).await;
    let real = app.room(&["Ann", "Bob"], 600_000, false).await;
    for path in [
        format!("/api/v1/rooms/{UNKNOWN}"),
        format!("/api/pair-room/{UNKNOWN}"),
        format!("/api/{UNKNOWN}/timer"),
    ] {
        let (status, _) = app.send("GET", &path, None).await;
        assert_eq!(status, 404, "{path}");
    }
    // Now even a room that exists cannot be told apart from one that does not.
    for path in [
        format!("/api/v1/rooms/{real}"),
        format!("/api/v1/rooms/{UNKNOWN}"),
    ] {
        let response = app.client.get(app.url(&path)).send().await.unwrap();
        assert_limited(response).await;
    }
    let stream = app.stream(&format!("/api/v1/rooms/{real}/events")).await;
    assert_eq!(stream.status, 429);
    assert!(stream.headers.contains_key("retry-after"));
    // Pages and health stay reachable.
    let (status, _) = app.send("GET", "/healthz", None).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn stream_opens_run_out_on_both_stream_paths() {
    let app = limited(|c| c.limit_streams_per_min = 2).await;
    let code = app.room(&["Ann", "Bob"], 600_000, false).await;
    let first = app.stream(&format!("/api/v1/rooms/{code}/events")).await;
    let second = app.stream(&format!("/api/{code}/connect")).await;
    assert_eq!((first.status, second.status), (200, 200));
    for path in [
        format!("/api/v1/rooms/{code}/events"),
        format!("/api/{code}/connect"),
    ] {
        let refused = app.stream(&path).await;
        assert_eq!(refused.status, 429, "{path}");
        assert_eq!(refused.headers["retry-after"], "30");
        let body: serde_json::Value =
            serde_json::from_str(refused.error_body.as_deref().unwrap()).unwrap();
        assert!(
            body["message"].as_str().unwrap().contains("streams"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn forwarded_for_separates_clients_only_behind_a_trusted_proxy() {
    let untrusting = limited(|c| c.limit_creates_per_min = 1).await;
    let made = post_json(
        &untrusting,
        "/api/v1/rooms",
        native_room(),
        Some("203.0.113.1"),
    )
    .await;
    assert_eq!(made.status(), 201);
    // Claiming to be someone else does not help.
    let spoofed = post_json(
        &untrusting,
        "/api/v1/rooms",
        native_room(),
        Some("203.0.113.2"),
    )
    .await;
    assert_limited(spoofed).await;

    let behind_proxy = limited(|c| {
        c.limit_creates_per_min = 1;
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    for client in ["203.0.113.1", "203.0.113.2"] {
        let made = post_json(&behind_proxy, "/api/v1/rooms", native_room(), Some(client)).await;
        assert_eq!(made.status(), 201, "{client}");
    }
    let again = post_json(
        &behind_proxy,
        "/api/v1/rooms",
        native_room(),
        Some("203.0.113.1"),
    )
    .await;
    assert_limited(again).await;
}

#[tokio::test]
async fn loopback_is_exempt_by_default() {
    let app = TestApp::spawn_with(|c| c.limit_creates_per_min = 1).await;
    for _ in 0..3 {
        assert_eq!(
            post_json(&app, "/api/v1/rooms", native_room(), None)
                .await
                .status(),
            201
        );
    }
}

#[tokio::test]
async fn refusals_are_counted_in_the_metrics() {
    let app = limited(|c| c.limit_creates_per_min = 1).await;
    post_json(&app, "/api/v1/rooms", native_room(), None).await;
    post_json(&app, "/api/v1/rooms", native_room(), None).await;
    let text = app.client.get(app.url("/metrics")).send().await.unwrap();
    let text = text.text().await.unwrap();
    assert!(
        text.lines()
            .any(|l| l == r#"pairroom_rate_limited_total{bucket="create"} 1"#),
        "{text}"
    );
}
