//! The native workspace API refuses bad input with JSON errors and changes
//! nothing when it does: malformed JSON, wrong types, unknown fields,
//! unknown or impossible ids, unknown and deleted rooms.

mod common;

use common::workspace::{DEAD_URL, path, state};
use common::{TestApp, assert_error};
use serde_json::{Value, json};

// ---- helpers ---------------------------------------------------------------

/// A room with one todo, one category and one link in it, and a
/// retrospect; returns the code and the ids (todo, category, link).
async fn furnished(app: &TestApp) -> (String, u64, u64, u64) {
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    let add = async |rest: &str, body: Value| {
        let (status, answer) = app.send("POST", &path(&code, rest), Some(body)).await;
        assert_eq!(status, 201, "{answer}");
        answer["id"].as_u64().unwrap()
    };
    let todo = add("todos", json!({"content": "Plan"})).await;
    let cat = add("categories", json!({"name": "Docs"})).await;
    let link = add("links", json!({"url": DEAD_URL, "category_id": cat})).await;
    let (status, answer) = app
        .send(
            "PUT",
            &path(&code, "retrospect"),
            Some(json!({"answers": ["ok"]})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    (code, todo, cat, link)
}

/// Sends every `(method, rest, body)` and expects the error `status`
/// each time, with the workspace and version unchanged afterwards.
async fn refused(app: &TestApp, code: &str, cases: &[(&str, String, Option<Value>)], status: u16) {
    let before = state(app, code).await;
    for (method, rest, body) in cases {
        let result = app.send(method, &path(code, rest), body.clone()).await;
        assert_eq!(result.0, status, "{method} {rest} {body:?}: {}", result.1);
        assert_error(&result, status);
        assert_eq!(state(app, code).await, before, "{method} {rest} changed it");
    }
}

/// Every body-taking route of a furnished room.
fn body_routes(todo: u64, cat: u64) -> Vec<(&'static str, String)> {
    vec![
        ("POST", "todos".to_owned()),
        ("PATCH", format!("todos/{todo}")),
        ("POST", "categories".to_owned()),
        ("PATCH", format!("categories/{cat}")),
        ("POST", "links".to_owned()),
        ("PUT", "retrospect".to_owned()),
        ("PUT", "status".to_owned()),
    ]
}

// ---- bodies ----------------------------------------------------------------

#[tokio::test]
async fn malformed_or_non_json_bodies_are_refused() {
    let app = TestApp::spawn().await;
    let (code, todo, cat, _) = furnished(&app).await;
    let before = state(&app, &code).await;
    for (method, rest) in body_routes(todo, cat) {
        let url = path(&code, &rest);
        for bad in ["{", "", "[1,", "{\"content\": }", "null"] {
            let result = app.send_raw(method, &url, "application/json", bad).await;
            assert_error(&result, 400);
        }
        let result = app.send_raw(method, &url, "text/plain", "{}").await;
        assert_error(&result, 415);
    }
    assert_eq!(state(&app, &code).await, before);
}

#[tokio::test]
async fn wrong_types_and_missing_fields_are_400() {
    let app = TestApp::spawn().await;
    let (code, todo, cat, _) = furnished(&app).await;
    let one = format!("todos/{todo}");
    let category = format!("categories/{cat}");
    let cases: Vec<(&str, String, Option<Value>)> = vec![
        ("POST", "todos".into(), Some(json!({}))),
        ("POST", "todos".into(), Some(json!({"content": 5}))),
        ("POST", "todos".into(), Some(json!({"content": null}))),
        ("PATCH", one.clone(), Some(json!({}))),
        ("PATCH", one.clone(), Some(json!({"content": null}))),
        ("PATCH", one.clone(), Some(json!({"checked": "yes"}))),
        ("PATCH", one.clone(), Some(json!({"checked": 1}))),
        ("PATCH", one.clone(), Some(json!({"position": -1}))),
        ("PATCH", one.clone(), Some(json!({"position": 1.5}))),
        ("PATCH", one.clone(), Some(json!({"position": "0"}))),
        ("POST", "categories".into(), Some(json!({}))),
        ("POST", "categories".into(), Some(json!({"name": ["x"]}))),
        ("PATCH", category.clone(), Some(json!({"name": 3}))),
        ("PATCH", category, Some(json!({}))),
        ("POST", "links".into(), Some(json!({}))),
        ("POST", "links".into(), Some(json!({"url": 7}))),
        (
            "POST",
            "links".into(),
            Some(json!({"url": DEAD_URL, "category_id": cat.to_string()})),
        ),
        (
            "POST",
            "links".into(),
            Some(json!({"url": DEAD_URL, "category_id": -1})),
        ),
        ("PUT", "retrospect".into(), Some(json!({}))),
        ("PUT", "retrospect".into(), Some(json!({"answers": "x"}))),
        ("PUT", "retrospect".into(), Some(json!({"answers": [1]}))),
        ("PUT", "retrospect".into(), Some(json!({"answers": [null]}))),
        ("PUT", "status".into(), Some(json!({}))),
        ("PUT", "status".into(), Some(json!({"status": true}))),
        ("PUT", "status".into(), Some(json!({"status": "deleted"}))),
        ("PUT", "status".into(), Some(json!({"status": "COMPLETED"}))),
        ("PUT", "status".into(), Some(json!({"status": "paused"}))),
    ];
    refused(&app, &code, &cases, 400).await;
}

#[tokio::test]
async fn an_array_in_place_of_an_object_is_400() {
    let app = TestApp::spawn().await;
    let (code, todo, cat, _) = furnished(&app).await;
    let cases: Vec<(&str, String, Option<Value>)> = vec![
        ("POST", "todos".into(), Some(json!(["Plan"]))),
        (
            "PATCH",
            format!("todos/{todo}"),
            Some(json!(["Done", true, 0])),
        ),
        ("POST", "categories".into(), Some(json!(["New"]))),
        ("PATCH", format!("categories/{cat}"), Some(json!(["Other"]))),
        ("POST", "links".into(), Some(json!([DEAD_URL, null]))),
        ("PUT", "retrospect".into(), Some(json!([["a"]]))),
        ("PUT", "status".into(), Some(json!(["completed"]))),
    ];
    refused(&app, &code, &cases, 400).await;
}

#[tokio::test]
async fn unknown_fields_in_native_bodies_are_400() {
    let app = TestApp::spawn().await;
    let (code, todo, cat, _) = furnished(&app).await;
    let valid = [
        json!({"content": "More", "extra": 1}),
        json!({"checked": true, "isChecked": true}),
        json!({"name": "New", "value": "New"}),
        json!({"name": "Other", "id": cat}),
        json!({"url": DEAD_URL, "categoryId": cat}),
        json!({"answers": ["a"], "accessCode": code}),
        json!({"status": "completed", "note": ""}),
    ];
    let cases: Vec<_> = body_routes(todo, cat)
        .into_iter()
        .zip(valid)
        .map(|((method, rest), body)| (method, rest, Some(body)))
        .collect();
    refused(&app, &code, &cases, 400).await;
}

// ---- ids -------------------------------------------------------------------

/// Ids that no item can have, or that are not numbers.
const IMPOSSIBLE_IDS: [&str; 8] = [
    "abc",
    "0",
    "-1",
    "1.5",
    "1e3",
    "9007199254740992",
    "9007199254740993",
    "18446744073709551616",
];

#[tokio::test]
async fn unknown_and_impossible_item_ids_are_404() {
    let app = TestApp::spawn().await;
    let (code, todo, cat, link) = furnished(&app).await;
    // A valid id that is not in the room: the largest possible one (or
    // the one below, in the unlikely case that it is taken).
    let max = (1u64 << 53) - 1;
    let free = if [todo, cat, link].contains(&max) {
        max - 1
    } else {
        max
    };
    let mut ids: Vec<String> = IMPOSSIBLE_IDS.iter().map(|s| (*s).to_owned()).collect();
    ids.push(free.to_string());
    let mut cases = Vec::new();
    for id in &ids {
        for (method, body) in [("PATCH", Some(json!({"checked": true}))), ("DELETE", None)] {
            cases.push((method, format!("todos/{id}"), body));
        }
        for (method, body) in [("PATCH", Some(json!({"name": "Other"}))), ("DELETE", None)] {
            cases.push((method, format!("categories/{id}"), body));
        }
        cases.push(("DELETE", format!("links/{id}"), None));
    }
    // Items of another kind are not found either.
    cases.push((
        "PATCH",
        format!("todos/{cat}"),
        Some(json!({"checked": true})),
    ));
    cases.push(("DELETE", format!("todos/{link}"), None));
    cases.push(("DELETE", format!("categories/{todo}"), None));
    cases.push(("DELETE", format!("links/{todo}"), None));
    refused(&app, &code, &cases, 404).await;
}

#[tokio::test]
async fn a_link_in_an_unknown_category_is_404() {
    let app = TestApp::spawn().await;
    let (code, todo, _, link) = furnished(&app).await;
    let cases: Vec<_> = [
        json!(todo),
        json!(link),
        json!(0),
        json!(1u64 << 53),
        json!((1u64 << 53) - 1),
    ]
    .into_iter()
    .map(|id| {
        let body = json!({"url": DEAD_URL, "category_id": id});
        ("POST", "links".to_owned(), Some(body))
    })
    .collect();
    refused(&app, &code, &cases, 404).await;
}

// ---- rooms -----------------------------------------------------------------

/// Every workspace route, with a body that would succeed.
fn every_route(todo: u64, cat: u64, link: u64) -> Vec<(&'static str, String, Option<Value>)> {
    vec![
        ("GET", "workspace".into(), None),
        ("POST", "todos".into(), Some(json!({"content": "x"}))),
        (
            "PATCH",
            format!("todos/{todo}"),
            Some(json!({"checked": true})),
        ),
        ("DELETE", format!("todos/{todo}"), None),
        ("POST", "categories".into(), Some(json!({"name": "New"}))),
        (
            "PATCH",
            format!("categories/{cat}"),
            Some(json!({"name": "Other"})),
        ),
        ("DELETE", format!("categories/{cat}"), None),
        ("POST", "links".into(), Some(json!({"url": DEAD_URL}))),
        ("DELETE", format!("links/{link}"), None),
        ("PUT", "retrospect".into(), Some(json!({"answers": ["a"]}))),
        ("DELETE", "retrospect".into(), None),
        ("PUT", "status".into(), Some(json!({"status": "completed"}))),
    ]
}

#[tokio::test]
async fn a_deleted_room_answers_410_everywhere() {
    let app = TestApp::spawn().await;
    let (code, todo, cat, link) = furnished(&app).await;
    let room = format!("/api/v1/rooms/{code}");
    assert_eq!(app.send("DELETE", &room, None).await, (204, Value::Null));
    for (method, rest, body) in every_route(todo, cat, link) {
        let result = app.send(method, &path(&code, &rest), body).await;
        assert_eq!(result.0, 410, "{method} {rest}: {}", result.1);
        assert_error(&result, 410);
    }
}

#[tokio::test]
async fn an_unknown_room_answers_404_everywhere() {
    let app = TestApp::spawn().await;
    let (code, todo, cat, link) = furnished(&app).await;
    let before = state(&app, &code).await;
    for other in ["abcd-efgh-jkmnp", "nope", "0000-0000-00000"] {
        for (method, rest, body) in every_route(todo, cat, link) {
            let result = app.send(method, &path(other, &rest), body).await;
            assert_eq!(result.0, 404, "{method} {other}/{rest}: {}", result.1);
            assert_error(&result, 404);
        }
    }
    assert_eq!(state(&app, &code).await, before);
}

// ---- concurrency -----------------------------------------------------------

#[tokio::test]
async fn concurrent_adds_stop_at_exactly_200_todos() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    let todos = path(&code, "todos");
    let sends =
        (0..230).map(|i| app.send("POST", &todos, Some(json!({"content": format!("t{i}")}))));
    let results = futures_util::future::join_all(sends).await;
    let created = results.iter().filter(|r| r.0 == 201).count();
    for refused in results.iter().filter(|r| r.0 != 201) {
        assert_error(refused, 400);
    }
    assert_eq!(created, 200);
    let (version, workspace) = state(&app, &code).await;
    assert_eq!(version, 201);
    let mut ids: Vec<u64> = workspace["todos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_u64().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 200);
    // Every created id is in the list, and every answer's version is unique.
    let mut versions: Vec<u64> = results
        .iter()
        .filter(|r| r.0 == 201)
        .map(|r| {
            assert!(ids.binary_search(&r.1["id"].as_u64().unwrap()).is_ok());
            r.1["version"].as_u64().unwrap()
        })
        .collect();
    versions.sort_unstable();
    assert_eq!(versions, (2..=201).collect::<Vec<u64>>());
}
