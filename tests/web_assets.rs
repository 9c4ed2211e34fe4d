//! The web UI's files are served from the binary: the page at `/` and at
//! every room path, the assets under `/assets/`, revalidated by `ETag`.

mod common;

use common::TestApp;
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};

#[tokio::test]
async fn the_page_is_served_at_home_and_at_room_paths() {
    let app = TestApp::spawn().await;
    let home = app
        .client
        .get(format!("{}/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    assert_eq!(
        home.headers()[CONTENT_TYPE].to_str().unwrap(),
        "text/html; charset=utf-8"
    );
    let home = home.text().await.unwrap();
    assert!(home.contains("/assets/app.js"), "the page loads its script");
    let room = app
        .client
        .get(format!("{}/r/K7QM-2XRT-9HV4C", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(room.status(), StatusCode::OK);
    assert_eq!(room.text().await.unwrap(), home, "one page for every path");
}

#[tokio::test]
async fn assets_have_types_and_revalidate_with_etags() {
    let app = TestApp::spawn().await;
    let url = format!("{}/assets/app.js", app.base);
    let first = app.client.get(&url).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(
        first.headers()[CONTENT_TYPE].to_str().unwrap(),
        "text/javascript; charset=utf-8"
    );
    assert_eq!(first.headers()[CACHE_CONTROL], "no-cache");
    let etag = first.headers()[ETAG].clone();
    assert!(!first.bytes().await.unwrap().is_empty());

    let again = app
        .client
        .get(&url)
        .header(IF_NONE_MATCH, etag.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await.unwrap().is_empty());

    let css = app
        .client
        .get(format!("{}/assets/style.css", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        css.headers()[CONTENT_TYPE].to_str().unwrap(),
        "text/css; charset=utf-8"
    );
    assert_ne!(css.headers()[ETAG], etag, "each file has its own tag");
}

#[tokio::test]
async fn unknown_assets_are_json_404s() {
    let app = TestApp::spawn().await;
    for path in [
        "/assets/nope.js",
        "/assets/../Cargo.toml",
        "/assets/..%2fCargo.toml",
    ] {
        let res = app
            .client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(body["message"].is_string(), "{path}: {body}");
    }
}
