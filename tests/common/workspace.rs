//! The workspace of a room (todos, categories, links, retrospect), through
//! both APIs.

use serde_json::{Value, json};

use super::{TestApp, assert_error, ok};

/// A URL nobody answers on, whose preview the server refuses anyway
/// (loopback is not fetched by default).
pub const DEAD_URL: &str = "http://127.0.0.1:9/";

/// The native path `/api/v1/rooms/{code}/{rest}`.
pub fn path(code: &str, rest: &str) -> String {
    format!("/api/v1/rooms/{code}/{rest}")
}

/// The native workspace read, expecting 200.
pub async fn workspace(app: &TestApp, code: &str) -> Value {
    ok(app, "GET", &path(code, "workspace"), None, 200).await
}

/// The native read's version and workspace (without the server's time).
pub async fn state(app: &TestApp, code: &str) -> (Value, Value) {
    let read = workspace(app, code).await;
    (read["version"].clone(), read["workspace"].clone())
}

/// Expects the JSON error `status`, with room `code`'s workspace and
/// version unchanged.
pub async fn refused(
    app: &TestApp,
    code: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
    status: u16,
) {
    let before = state(app, code).await;
    let result = app.send(method, path, body.clone()).await;
    assert_eq!(result.0, status, "{method} {path} {body:?}: {}", result.1);
    assert_error(&result, status);
    assert_eq!(state(app, code).await, before, "{method} {path} {body:?}");
}

/// The preview of a link whose page was not read.
pub fn empty_preview() -> Value {
    json!({"head_title": "", "og_title": "", "description": "", "image": ""})
}

/// A pair room with one todo, one category, one link and a retrospect, all
/// added through the 코딩해듀오 API; returns the code and the ids (todo,
/// category, link).
pub async fn furnished(app: &TestApp) -> (String, u64, String, u64) {
    let code = app.pair_room(600_000).await;
    let todos = format!("/api/{code}/todos");
    ok(app, "POST", &todos, Some(json!({"content": "Plan"})), 201).await;
    let todo = ok(app, "GET", &todos, None, 200).await[0]["id"]
        .as_u64()
        .unwrap();
    let body = Some(json!({"value": "Docs"}));
    let cat = ok(app, "POST", &format!("/api/{code}/category"), body, 201).await;
    let cat = cat["id"].as_str().unwrap().to_owned();
    let body = Some(json!({"url": DEAD_URL, "categoryId": cat}));
    let link = ok(
        app,
        "POST",
        &format!("/api/{code}/reference-link"),
        body,
        201,
    )
    .await;
    let body = Some(json!({"accessCode": code, "answers": ["ok"]}));
    ok(app, "POST", "/api/retrospects", body, 201).await;
    (code, todo, cat, link["id"].as_u64().unwrap())
}
