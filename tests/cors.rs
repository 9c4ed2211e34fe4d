//! Cross-origin use: allowed origins get CORS headers with credentials on
//! the API and on streams; other origins get none.

mod common;

use common::{Sse, TestApp};

const FRONT: &str = "https://front.example";

/// `GET` a path with an `Origin` header.
async fn get_from(app: &TestApp, path: &str, origin: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header("origin", origin)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn allowed_origins_may_call_the_api_with_credentials() {
    let app = TestApp::spawn_with(|c| c.cors_origins = vec![FRONT.into()]).await;
    let code = app.pair_room(600_000).await;
    let preflight = app
        .client
        .request(
            reqwest::Method::OPTIONS,
            app.url(&format!("/api/{code}/timer/start")),
        )
        .header("origin", FRONT)
        .header("access-control-request-method", "PATCH")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(preflight.headers()["access-control-allow-origin"], FRONT);
    assert_eq!(
        preflight.headers()["access-control-allow-credentials"],
        "true"
    );
    let methods = preflight.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap();
    assert!(methods.contains("PATCH"), "{methods}");

    let read = get_from(&app, &format!("/api/pair-room/{code}"), FRONT).await;
    assert_eq!(read.headers()["access-control-allow-origin"], FRONT);
    assert_eq!(read.headers()["access-control-allow-credentials"], "true");

    let other = get_from(
        &app,
        &format!("/api/pair-room/{code}"),
        "https://evil.example",
    )
    .await;
    assert!(!other.headers().contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn streams_carry_cors_headers_for_allowed_origins_only() {
    let app = TestApp::spawn_with(|c| c.cors_origins = vec![FRONT.into()]).await;
    let code = app.pair_room(600_000).await;
    for path in [
        format!("/api/{code}/connect"),
        format!("/api/v1/rooms/{code}/events"),
    ] {
        let allowed = Sse::open(&app.url(&path), &[("origin", FRONT)]).await;
        assert_eq!(allowed.status, 200);
        assert_eq!(allowed.headers["access-control-allow-origin"], FRONT);
        assert_eq!(allowed.headers["access-control-allow-credentials"], "true");
        let other = Sse::open(&app.url(&path), &[("origin", "https://evil.example")]).await;
        assert!(!other.headers.contains_key("access-control-allow-origin"));
    }
    // Errors on the stream path carry them too, so the page can read them.
    let missing = Sse::open(
        &app.url("/api/v1/rooms/0000-0000-00000/events"),
        &[("origin", FRONT)],
    )
    .await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.headers["access-control-allow-origin"], FRONT);
}

#[tokio::test]
async fn without_configured_origins_no_cors_headers_are_sent() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    let read = get_from(&app, &format!("/api/pair-room/{code}"), FRONT).await;
    assert!(!read.headers().contains_key("access-control-allow-origin"));
    let stream = Sse::open(
        &app.url(&format!("/api/{code}/connect")),
        &[("origin", FRONT)],
    )
    .await;
    assert!(!stream.headers.contains_key("access-control-allow-origin"));
}
