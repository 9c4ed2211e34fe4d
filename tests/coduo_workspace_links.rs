//! The 코딩해듀오 reference links (`/api/{code}/reference-link`): their
//! shape, the category given in every way the original's screens give it,
//! the filter, and the preview the server reads from the linked page.

mod common;

use common::pages::{allow_loopback, page_server};
use common::workspace::DEAD_URL;
use common::{TestApp, no_content, ok};
use serde_json::{Value, json};

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

/// The page the preview is read from.
const GUIDE: &str = r#"<html><head><title>  Pairing
        guide </title><meta property="og:title" content="Pairing">
        <meta name="description" content="How to pair">
        <meta property="og:image" content="https://cdn.example/cover.png"></head></html>"#;

#[tokio::test]
async fn a_link_carries_the_preview_of_an_allowed_page() {
    let app = TestApp::spawn_with(allow_loopback).await;
    let code = app.pair_room(600_000).await;
    let links = format!("/api/{code}/reference-link");
    let url = format!("{}/guide", page_server("/guide", GUIDE).await);
    let added = ok(&app, "POST", &links, Some(json!({"url": url})), 201).await;
    let expected = json!({
        "id": added["id"], "url": url, "headTitle": "Pairing guide",
        "openGraphTitle": "Pairing", "description": "How to pair",
        "image": "https://cdn.example/cover.png", "categoryName": null,
    });
    assert_eq!(added, expected);
    assert_eq!(ok(&app, "GET", &links, None, 200).await, json!([expected]));
}
