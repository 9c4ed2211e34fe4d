//! The native workspace API's limits (lengths counted in characters, item
//! counts), its privacy (items of one room are out of reach through
//! another; ids are random), and that a refused command writes nothing.

mod common;

use common::workspace::{self, DEAD_URL, path, state};
use common::{TestApp, assert_error, ok};
use serde_json::{Value, json};

// ---- helpers ---------------------------------------------------------------

async fn room(app: &TestApp) -> String {
    app.room(&["Ann", "Bob"], 60_000, false).await
}

/// Sends a write to `/api/v1/rooms/{code}/{rest}` that must succeed with
/// `status`; returns the answer.
async fn write(
    app: &TestApp,
    code: &str,
    method: &str,
    rest: &str,
    body: Value,
    status: u16,
) -> Value {
    ok(app, method, &path(code, rest), Some(body), status).await
}

/// Sends a write to `/api/v1/rooms/{code}/{rest}` that must be refused
/// with `status`, leaving the workspace and its version as they were.
async fn refused(app: &TestApp, code: &str, method: &str, rest: &str, body: Value, status: u16) {
    workspace::refused(app, code, method, &path(code, rest), Some(body), status).await;
}

async fn add_todo(app: &TestApp, code: &str, content: &str) -> u64 {
    let answer = write(app, code, "POST", "todos", json!({"content": content}), 201).await;
    answer["id"].as_u64().unwrap()
}

// ---- todos -----------------------------------------------------------------

#[tokio::test]
async fn todo_text_is_1_to_255_characters_after_trimming() {
    let app = TestApp::spawn().await;
    let code = room(&app).await;
    let ascii = "a".repeat(255);
    let korean = "할".repeat(255);
    add_todo(&app, &code, &ascii).await;
    let id = add_todo(&app, &code, &format!("  {korean}\t")).await;
    let (_, workspace) = state(&app, &code).await;
    assert_eq!(workspace["todos"][0]["content"], ascii);
    assert_eq!(workspace["todos"][1]["content"], korean);

    let too_long = ["a".repeat(256), "할".repeat(256), format!("{korean}x")];
    let bad = ["", "   ", "\n\t", "bell\u{7}", "two\nlines"];
    for text in too_long.iter().map(String::as_str).chain(bad) {
        refused(&app, &code, "POST", "todos", json!({"content": text}), 400).await;
        let edit = json!({"content": text, "checked": true});
        refused(&app, &code, "PATCH", &format!("todos/{id}"), edit, 400).await;
    }
}

#[tokio::test]
async fn the_201st_todo_is_refused() {
    let app = TestApp::spawn().await;
    let code = room(&app).await;
    for i in 0..200 {
        add_todo(&app, &code, &format!("todo {i}")).await;
    }
    refused(
        &app,
        &code,
        "POST",
        "todos",
        json!({"content": "one more"}),
        400,
    )
    .await;
    let (version, workspace) = state(&app, &code).await;
    assert_eq!(version, 201);
    let todos = workspace["todos"].as_array().unwrap();
    assert_eq!(todos.len(), 200);
    assert_eq!(todos[199]["content"], "todo 199");
    // Room is made again by deleting one.
    let id = todos[0]["id"].as_u64().unwrap();
    let deleted = app
        .send("DELETE", &path(&code, &format!("todos/{id}")), None)
        .await;
    assert_eq!(deleted, (204, Value::Null));
    add_todo(&app, &code, "one more").await;
}

#[tokio::test]
async fn a_refused_combined_update_changes_no_field() {
    let app = TestApp::spawn().await;
    let code = room(&app).await;
    let a = add_todo(&app, &code, "First").await;
    add_todo(&app, &code, "Second").await;
    let one = format!("todos/{a}");
    for body in [
        json!({"content": "", "checked": true, "position": 1}),
        json!({"content": "x".repeat(256), "checked": true}),
        json!({"content": "Fine", "checked": true, "position": -1}),
        json!({"content": "Fine", "checked": "true"}),
        json!({"content": "Fine", "checked": true, "extra": 0}),
    ] {
        refused(&app, &code, "PATCH", &one, body, 400).await;
    }
}

// ---- categories ------------------------------------------------------------

#[tokio::test]
async fn category_names_are_1_to_10_characters_and_unique_regardless_of_case() {
    let app = TestApp::spawn().await;
    let code = room(&app).await;
    let added = write(
        &app,
        &code,
        "POST",
        "categories",
        json!({"name": "Docs"}),
        201,
    )
    .await;
    let docs = added["id"].as_u64().unwrap();
    write(
        &app,
        &code,
        "POST",
        "categories",
        json!({"name": "abcdefghij"}),
        201,
    )
    .await;
    write(
        &app,
        &code,
        "POST",
        "categories",
        json!({"name": "  참고자료열개까지다요  "}),
        201,
    )
    .await;
    let (_, workspace) = state(&app, &code).await;
    assert_eq!(workspace["categories"][2]["name"], "참고자료열개까지다요");

    let one = format!("categories/{docs}");
    for name in [
        "",
        "  ",
        "abcdefghijk",
        "참고자료열한개까지다요",
        "a\u{1b}b",
    ] {
        refused(
            &app,
            &code,
            "POST",
            "categories",
            json!({"name": name}),
            400,
        )
        .await;
        refused(&app, &code, "PATCH", &one, json!({"name": name}), 400).await;
    }
    for name in ["docs", "DOCS", " Docs ", "ABCDEFGHIJ"] {
        refused(
            &app,
            &code,
            "POST",
            "categories",
            json!({"name": name}),
            409,
        )
        .await;
    }
    refused(
        &app,
        &code,
        "PATCH",
        &one,
        json!({"name": "ABCDEFGHIJ"}),
        409,
    )
    .await;
    // Its own name in another case is a rename, not a duplicate.
    let renamed = write(&app, &code, "PATCH", &one, json!({"name": "DOCS"}), 200).await;
    assert_eq!(renamed["workspace"]["categories"][0]["name"], "DOCS");
}

#[tokio::test]
async fn the_31st_category_is_refused() {
    let app = TestApp::spawn().await;
    let code = room(&app).await;
    for i in 0..30 {
        write(
            &app,
            &code,
            "POST",
            "categories",
            json!({"name": format!("c{i}")}),
            201,
        )
        .await;
    }
    refused(
        &app,
        &code,
        "POST",
        "categories",
        json!({"name": "c30"}),
        400,
    )
    .await;
    let (_, workspace) = state(&app, &code).await;
    assert_eq!(workspace["categories"].as_array().unwrap().len(), 30);
}

// ---- links -----------------------------------------------------------------

#[tokio::test]
async fn links_are_http_or_https_urls_of_at_most_1024_characters() {
    let app = TestApp::spawn().await;
    let code = room(&app).await;
    let longest = format!("{DEAD_URL}{}", "a".repeat(1024 - DEAD_URL.len()));
    assert_eq!(longest.chars().count(), 1024);
    let added = write(&app, &code, "POST", "links", json!({"url": longest}), 201).await;
    assert_eq!(added["workspace"]["links"][0]["url"], longest);
    let unicode = format!("http://127.0.0.1:9/{}", "가".repeat(1024 - DEAD_URL.len()));
    write(&app, &code, "POST", "links", json!({"url": unicode}), 201).await;

    let too_long = format!("{longest}a");
    let too_long_unicode = format!("{unicode}가");
    for url in [
        "",
        "   ",
        "ftp://example.com/file",
        "javascript:alert(1)",
        "data:text/html,hi",
        "file:///etc/passwd",
        "mailto:a@example.com",
        "example.com",
        "/relative",
        "http://",
        "http://exa mple.com/",
        too_long.as_str(),
        too_long_unicode.as_str(),
    ] {
        refused(&app, &code, "POST", "links", json!({"url": url}), 400).await;
    }
}

// ---- retrospect ------------------------------------------------------------

#[tokio::test]
async fn a_retrospect_has_at_most_6_answers_of_at_most_1000_characters() {
    let app = TestApp::spawn().await;
    let code = room(&app).await;
    let long = format!("{}\n{}\r\n{}", "a".repeat(500), "b".repeat(496), "c");
    assert_eq!(long.chars().count(), 1000);
    let korean = "회".repeat(1000);
    let six = json!([long, korean, "", "tab\there", "4", "5"]);
    let written = write(
        &app,
        &code,
        "PUT",
        "retrospect",
        json!({"answers": six}),
        200,
    )
    .await;
    assert_eq!(written["workspace"]["retrospect"], six);

    let seven = json!(["1", "2", "3", "4", "5", "6", "7"]);
    refused(
        &app,
        &code,
        "PUT",
        "retrospect",
        json!({"answers": seven}),
        400,
    )
    .await;
    for answer in [
        format!("{long}d"),
        "회".repeat(1001),
        "bell\u{7}".to_owned(),
    ] {
        let body = json!({"answers": ["fine", answer]});
        refused(&app, &code, "PUT", "retrospect", body, 400).await;
    }
}

// ---- privacy ---------------------------------------------------------------

#[tokio::test]
async fn items_of_one_room_are_out_of_reach_through_another() {
    let app = TestApp::spawn().await;
    let a = room(&app).await;
    let b = room(&app).await;
    let todo = add_todo(&app, &a, "Secret").await;
    let cat = write(&app, &a, "POST", "categories", json!({"name": "Docs"}), 201).await["id"]
        .as_u64()
        .unwrap();
    let link = write(&app, &a, "POST", "links", json!({"url": DEAD_URL}), 201).await["id"]
        .as_u64()
        .unwrap();
    add_todo(&app, &b, "Mine").await;
    let before_a = state(&app, &a).await;

    let through_b = [
        (
            "PATCH",
            format!("todos/{todo}"),
            Some(json!({"checked": true})),
        ),
        (
            "PATCH",
            format!("todos/{todo}"),
            Some(json!({"content": "Stolen"})),
        ),
        ("DELETE", format!("todos/{todo}"), None),
        (
            "PATCH",
            format!("categories/{cat}"),
            Some(json!({"name": "Mine"})),
        ),
        ("DELETE", format!("categories/{cat}"), None),
        ("DELETE", format!("links/{link}"), None),
    ];
    for (method, rest, body) in through_b {
        let before_b = state(&app, &b).await;
        let result = app.send(method, &path(&b, &rest), body).await;
        assert_error(&result, 404);
        assert_eq!(state(&app, &b).await, before_b, "{method} {rest}");
    }
    let body = json!({"url": DEAD_URL, "category_id": cat});
    refused(&app, &b, "POST", "links", body, 404).await;
    assert_eq!(state(&app, &a).await, before_a);
}

#[tokio::test]
async fn ids_are_random_and_below_2_pow_53() {
    let app = TestApp::spawn().await;
    let a = room(&app).await;
    let b = room(&app).await;
    let first_a = add_todo(&app, &a, "one").await;
    let first_b = add_todo(&app, &b, "one").await;
    assert_ne!(first_a, first_b);
    let mut ids = vec![first_a, first_b];
    for i in 0..8 {
        ids.push(add_todo(&app, &a, &format!("t{i}")).await);
        let answer = write(
            &app,
            &b,
            "POST",
            "categories",
            json!({"name": format!("c{i}")}),
            201,
        )
        .await;
        ids.push(answer["id"].as_u64().unwrap());
    }
    for id in &ids {
        assert!(*id > 0 && *id < 1 << 53, "{id}");
    }
    // Not sequential: no two ids are anywhere near each other.
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    for pair in sorted.windows(2) {
        assert!(pair[1] - pair[0] > 1_000, "ids too close: {ids:?}");
    }
}
