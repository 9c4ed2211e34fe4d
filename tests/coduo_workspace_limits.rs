//! The 코딩해듀오 workspace API's limits: lengths counted in characters,
//! item counts, URL schemes and sizes, unknown categories; a refused
//! command changes nothing.

mod common;

use common::workspace::{DEAD_URL, furnished, refused};
use common::{TestApp, ok};
use serde_json::json;

// ---- limits ----------------------------------------------------------------

#[tokio::test]
async fn todo_text_limits_apply_to_both_field_names() {
    let app = TestApp::spawn().await;
    let (code, todo, _, _) = furnished(&app).await;
    let todos = format!("/api/{code}/todos");
    ok(
        &app,
        "POST",
        &todos,
        Some(json!({"content": "a".repeat(255)})),
        201,
    )
    .await;
    ok(
        &app,
        "POST",
        &todos,
        Some(json!({"contents": "할".repeat(255)})),
        201,
    )
    .await;
    let edit = format!("/api/todos/{todo}/contents");
    ok(
        &app,
        "PATCH",
        &edit,
        Some(json!({"contents": "할".repeat(255)})),
        204,
    )
    .await;

    let too_long = ["a".repeat(256), "할".repeat(256)];
    let bad = ["", "  ", "a\u{7}", "two\nlines"];
    for text in bad.into_iter().chain(too_long.iter().map(String::as_str)) {
        for field in ["content", "contents"] {
            let body = Some(json!({ field: text }));
            refused(&app, &code, "POST", &todos, body.clone(), 400).await;
            refused(&app, &code, "PATCH", &edit, body, 400).await;
        }
    }
    refused(&app, &code, "POST", &todos, Some(json!({})), 400).await;
    refused(&app, &code, "PATCH", &edit, Some(json!({})), 400).await;
}

#[tokio::test]
async fn the_201st_todo_is_refused() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    let todos = format!("/api/{code}/todos");
    for i in 0..200 {
        ok(
            &app,
            "POST",
            &todos,
            Some(json!({"content": format!("t{i}")})),
            201,
        )
        .await;
    }
    refused(
        &app,
        &code,
        "POST",
        &todos,
        Some(json!({"content": "more"})),
        400,
    )
    .await;
    let list = ok(&app, "GET", &todos, None, 200).await;
    assert_eq!(list.as_array().unwrap().len(), 200);
    assert_eq!(
        list[199],
        json!({"id": list[199]["id"], "content": "t199", "isChecked": false, "order": 199})
    );
}

#[tokio::test]
async fn category_limits_and_duplicates() {
    let app = TestApp::spawn().await;
    let (code, _, docs, _) = furnished(&app).await;
    let base = format!("/api/{code}/category");
    ok(
        &app,
        "POST",
        &base,
        Some(json!({"value": "참고자료열개까지다요"})),
        201,
    )
    .await;
    for name in ["", " ", "abcdefghijk", "참고자료열한개까지다요"] {
        refused(
            &app,
            &code,
            "POST",
            &base,
            Some(json!({"value": name})),
            400,
        )
        .await;
        let rename = json!({"categoryId": docs, "updatedCategoryName": name});
        refused(&app, &code, "PATCH", &base, Some(rename), 400).await;
    }
    for name in ["docs", "DOCS", " Docs "] {
        refused(
            &app,
            &code,
            "POST",
            &base,
            Some(json!({"value": name})),
            409,
        )
        .await;
    }
    let rename = json!({"categoryId": docs, "updatedCategoryName": "참고자료열개까지다요"});
    refused(&app, &code, "PATCH", &base, Some(rename), 409).await;
    for i in 2..30 {
        ok(
            &app,
            "POST",
            &base,
            Some(json!({"value": format!("c{i}")})),
            201,
        )
        .await;
    }
    refused(
        &app,
        &code,
        "POST",
        &base,
        Some(json!({"value": "c30"})),
        400,
    )
    .await;
    assert_eq!(
        ok(&app, "GET", &base, None, 200)
            .await
            .as_array()
            .unwrap()
            .len(),
        30
    );
}

#[tokio::test]
async fn link_urls_and_categories_are_checked() {
    let app = TestApp::spawn().await;
    let (code, todo, _, link) = furnished(&app).await;
    let base = format!("/api/{code}/reference-link");
    let longest = format!("{DEAD_URL}{}", "a".repeat(1024 - DEAD_URL.len()));
    ok(&app, "POST", &base, Some(json!({"url": longest})), 201).await;
    let too_long = format!("{longest}a");
    let bad = [
        "",
        "ftp://example.com/",
        "javascript:alert(1)",
        "example.com",
    ];
    for url in bad.into_iter().chain([too_long.as_str()]) {
        refused(&app, &code, "POST", &base, Some(json!({"url": url})), 400).await;
    }
    let unknown = [
        json!(todo),
        json!(link.to_string()),
        json!(1u64 << 53),
        json!("No such"),
        json!(0),
        json!(true),
    ];
    for category in unknown {
        let body = json!({"url": DEAD_URL, "categoryId": category});
        refused(&app, &code, "POST", &base, Some(body), 404).await;
    }
}

#[tokio::test]
async fn retrospect_limits() {
    let app = TestApp::spawn().await;
    let (code, _, _, _) = furnished(&app).await;
    let long = format!("{}\n{}", "a".repeat(499), "b".repeat(500));
    let body = json!({"accessCode": code, "answers": [long, "회".repeat(1000)]});
    ok(&app, "POST", "/api/retrospects", Some(body), 201).await;
    let read = ok(&app, "GET", &format!("/api/retrospects/{code}"), None, 200).await;
    assert_eq!(read["answers"][0], long);
    for answers in [
        json!(["1", "2", "3", "4", "5", "6", "7"]),
        json!([format!("{long}c")]),
        json!(["회".repeat(1001)]),
        json!(["bell\u{7}"]),
    ] {
        let body = json!({"accessCode": code, "answers": answers});
        refused(&app, &code, "POST", "/api/retrospects", Some(body), 400).await;
    }
}
