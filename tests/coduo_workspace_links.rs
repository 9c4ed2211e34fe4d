//! The 코딩해듀오 reference links (`/api/{code}/reference-link`): their
//! shape, the category given in every way the original's screens give it,
//! the filter, and the preview the server reads from the linked page.

mod common;

use common::TestApp;
use serde_json::{Value, json};

const DEAD_URL: &str = "http://127.0.0.1:9/";

/// Sends and expects `status`; returns the body.
async fn ok(app: &TestApp, method: &str, path: &str, body: Option<Value>, status: u16) -> Value {
    let (got, answer) = app.send(method, path, body).await;
    assert_eq!(got, status, "{method} {path}: {answer}");
    answer
}

/// A command answering 204 with no body.
async fn no_content(app: &TestApp, method: &str, path: &str, body: Option<Value>) {
    let answer = ok(app, method, path, body, 204).await;
    assert_eq!(answer, Value::Null, "{method} {path}");
}

fn link(id: &Value, url: &str, category: Value) -> Value {
    json!({"id": id, "url": url, "headTitle": "", "openGraphTitle": "", "description": "",
           "image": "", "categoryName": category})
}

#[tokio::test]
async fn reference_links_are_added_listed_filtered_and_deleted() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    let links = format!("/api/{code}/reference-link");
    let cats = format!("/api/{code}/category");
    assert_eq!(ok(&app, "GET", &links, None, 200).await, json!([]));
    let docs = ok(&app, "POST", &cats, Some(json!({"value": "Docs"})), 201).await["id"].clone();
    let blog = ok(&app, "POST", &cats, Some(json!({"value": "Blog"})), 201).await["id"].clone();

    // The category as a string id, a numeric id, a name, or none at all.
    let numeric: u64 = blog.as_str().unwrap().parse().unwrap();
    let bodies = [
        (json!({"url": DEAD_URL, "categoryId": docs}), json!("Docs")),
        (
            json!({"url": "https://127.0.0.1:9/b", "categoryId": numeric}),
            json!("Blog"),
        ),
        (
            json!({"url": "http://127.0.0.1:9/c", "categoryId": "docs"}),
            json!("Docs"),
        ),
        (json!({"url": "http://127.0.0.1:9/d"}), Value::Null),
        (
            json!({"url": "http://127.0.0.1:9/e", "categoryId": null}),
            Value::Null,
        ),
        (
            json!({"url": "http://127.0.0.1:9/f", "categoryId": ""}),
            Value::Null,
        ),
    ];
    let mut added = Vec::new();
    for (body, category) in bodies {
        let url = body["url"].as_str().unwrap().to_owned();
        let answer = ok(&app, "POST", &links, Some(body), 201).await;
        assert!(
            answer["id"].as_u64().is_some_and(|id| id < 1 << 53),
            "{answer}"
        );
        assert_eq!(answer, link(&answer["id"], &url, category));
        added.push(answer);
    }
    assert_eq!(ok(&app, "GET", &links, None, 200).await, json!(added));
    assert_eq!(
        ok(&app, "GET", &format!("{links}?categoryId="), None, 200).await,
        json!(added)
    );
    let only_docs = ok(
        &app,
        "GET",
        &format!("{links}?categoryId={}", docs.as_str().unwrap()),
        None,
        200,
    )
    .await;
    assert_eq!(only_docs, json!([added[0], added[2]]));
    let only_blog = ok(
        &app,
        "GET",
        &format!("{links}?categoryId={numeric}"),
        None,
        200,
    )
    .await;
    assert_eq!(only_blog, json!([added[1]]));
    assert_eq!(
        ok(&app, "GET", &format!("{links}?categoryId=123"), None, 200).await,
        json!([])
    );

    // Renaming a category renames it on its links; deleting it leaves them
    // without one.
    let rename = json!({"categoryId": docs, "updatedCategoryName": "Guides"});
    ok(&app, "PATCH", &cats, Some(rename), 200).await;
    let listed = ok(&app, "GET", &links, None, 200).await;
    assert_eq!(listed[0]["categoryName"], "Guides");
    no_content(
        &app,
        "DELETE",
        &format!("{cats}/{}", docs.as_str().unwrap()),
        None,
    )
    .await;
    let listed = ok(&app, "GET", &links, None, 200).await;
    assert_eq!(listed[0], link(&added[0]["id"], DEAD_URL, Value::Null));
    assert_eq!(listed[2]["categoryName"], Value::Null);
    assert_eq!(listed[1]["categoryName"], "Blog");

    no_content(&app, "DELETE", &format!("{links}/{}", added[0]["id"]), None).await;
    let listed = ok(&app, "GET", &links, None, 200).await;
    assert_eq!(listed.as_array().unwrap().len(), 5);
    assert_eq!(listed[0]["id"], added[1]["id"]);
}

/// Serves one HTML page on 127.0.0.1 for link previews.
async fn page_server() -> String {
    let page = r#"<html><head><title>  Pairing
        guide </title><meta property="og:title" content="Pairing">
        <meta name="description" content="How to pair">
        <meta property="og:image" content="https://cdn.example/cover.png"></head></html>"#;
    let app = axum::Router::new().route(
        "/guide",
        axum::routing::get(move || async move { axum::response::Html(page) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_link_carries_the_preview_of_an_allowed_page() {
    let app = TestApp::spawn_with(|c| c.preview_allow = vec!["127.0.0.0/8".parse().unwrap()]).await;
    let code = app.pair_room(600_000).await;
    let links = format!("/api/{code}/reference-link");
    let url = format!("{}/guide", page_server().await);
    let added = ok(&app, "POST", &links, Some(json!({"url": url})), 201).await;
    let expected = json!({
        "id": added["id"], "url": url, "headTitle": "Pairing guide",
        "openGraphTitle": "Pairing", "description": "How to pair",
        "image": "https://cdn.example/cover.png", "categoryName": null,
    });
    assert_eq!(added, expected);
    assert_eq!(ok(&app, "GET", &links, None, 200).await, json!([expected]));
}
