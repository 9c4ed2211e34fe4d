//! Native links and their previews: a page the server may read gives the
//! link its title, description and image; an unreachable, refused or slow
//! page still adds the link, with an empty preview; a room holds at most
//! 200 links.

mod common;

use std::time::{Duration, Instant};

use common::pages::{allow_loopback, page_server};
use common::workspace::{DEAD_URL, empty_preview, path, workspace};
use common::{TestApp, assert_error, ok};
use serde_json::json;

/// A server whose previews may come from loopback, within `timeout_ms`.
async fn loopback_app(timeout_ms: u64) -> TestApp {
    TestApp::spawn_with(|c| {
        allow_loopback(c);
        c.preview_timeout_ms = timeout_ms;
    })
    .await
}

/// The page the preview is read from.
const GUIDE: &str = r#"<html><head><title>Pairing guide</title>
        <meta property="og:title" content="Pairing">
        <meta property="og:description" content="How to pair">
        <meta property="og:image" content="/cover.png"></head><body>hi</body></html>"#;

#[tokio::test]
async fn an_allowed_page_gives_the_link_its_preview() {
    let app = loopback_app(3_000).await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    let site = page_server("/guide", GUIDE).await;
    let url = format!("{site}/guide");
    let body = json!({"url": url});
    let linked = ok(&app, "POST", &path(&code, "links"), Some(body), 201).await;
    let preview = json!({
        "head_title": "Pairing guide", "og_title": "Pairing",
        "description": "How to pair", "image": format!("{site}/cover.png"),
    });
    assert_eq!(linked["workspace"]["links"][0]["preview"], preview);
    let read = workspace(&app, &code).await;
    assert_eq!(read["workspace"]["links"][0]["preview"], preview);
}

#[tokio::test]
async fn an_unreachable_page_adds_the_link_without_preview() {
    let app = loopback_app(3_000).await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    let linked = ok(
        &app,
        "POST",
        &path(&code, "links"),
        Some(json!({"url": DEAD_URL})),
        201,
    )
    .await;
    assert_eq!(linked["workspace"]["links"][0]["url"], DEAD_URL);
    assert_eq!(linked["workspace"]["links"][0]["preview"], empty_preview());
}

#[tokio::test]
async fn a_silent_page_adds_the_link_without_preview_when_time_runs_out() {
    let app = loopback_app(300).await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    // Accepts connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/slow", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let started = Instant::now();
    let linked = ok(
        &app,
        "POST",
        &path(&code, "links"),
        Some(json!({"url": url})),
        201,
    )
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(linked["workspace"]["links"][0]["preview"], empty_preview());
    assert_eq!(linked["version"], 2);
}

#[tokio::test]
async fn the_201st_link_is_refused() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    for i in 0..200 {
        let body = json!({"url": format!("{DEAD_URL}{i}")});
        ok(&app, "POST", &path(&code, "links"), Some(body), 201).await;
    }
    let before = workspace(&app, &code).await;
    let result = app
        .send(
            "POST",
            &path(&code, "links"),
            Some(json!({"url": DEAD_URL})),
        )
        .await;
    assert_error(&result, 400);
    let after = workspace(&app, &code).await;
    assert_eq!(after["version"], before["version"]);
    assert_eq!(after["workspace"], before["workspace"]);
    assert_eq!(after["workspace"]["links"].as_array().unwrap().len(), 200);
}
