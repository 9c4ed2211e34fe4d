//! `/healthz` and `/readyz` on a single instance (readiness under a lost
//! store or bus is in `tests/bus.rs`).

mod common;

use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn a_single_instance_is_alive_and_ready() {
    let app = TestApp::spawn().await;
    let (status, body) = app.send("GET", "/healthz", None).await;
    assert_eq!((status, body), (200, json!({"message": "alive"})));
    let (status, body) = app.send("GET", "/readyz", None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"message": "ready", "store": null, "bus": null})
    );
}

#[tokio::test]
async fn health_endpoints_refuse_other_methods_with_json() {
    let app = TestApp::spawn().await;
    for path in ["/healthz", "/readyz"] {
        let (status, body) = app.send("POST", path, None).await;
        assert_eq!(status, 405, "{path}");
        assert!(body["message"].is_string(), "{body}");
    }
}

#[tokio::test]
async fn an_instance_whose_redis_is_unreachable_is_alive_but_not_ready() {
    let app = TestApp::spawn_with(|config| {
        // Nothing listens on port 9 here: the bus cannot connect.
        config.redis_url = Some("redis://127.0.0.1:9".into());
    })
    .await;
    let (status, _) = app.send("GET", "/healthz", None).await;
    assert_eq!(status, 200);
    let (status, body) = app.send("GET", "/readyz", None).await;
    assert_eq!(status, 503, "{body}");
    assert!(body["bus"].as_str().unwrap().contains("Redis"), "{body}");
    assert!(body["store"].is_null(), "{body}");
    // It still serves rooms on its own.
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    let (status, _) = app
        .send("POST", &format!("/api/v1/rooms/{code}/timer/start"), None)
        .await;
    assert_eq!(status, 200);
}
