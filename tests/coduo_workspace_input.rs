//! The 코딩해듀오 workspace API refuses bad input with JSON errors and
//! changes nothing when it does: malformed bodies, wrong types, unknown
//! ids, unknown and deleted rooms; and todo routes (which name no room)
//! act on the todo's own room only. Limits are in
//! `coduo_workspace_limits.rs`.

mod common;

use common::workspace::{DEAD_URL, furnished, refused, state};
use common::{TestApp, assert_error, ok};
use serde_json::json;

// ---- bodies and ids --------------------------------------------------------

#[tokio::test]
async fn malformed_bodies_and_wrong_types_are_400() {
    let app = TestApp::spawn().await;
    let (code, todo, docs, _) = furnished(&app).await;
    let routes = [
        ("POST", format!("/api/{code}/todos")),
        ("PATCH", format!("/api/todos/{todo}/contents")),
        ("PATCH", format!("/api/todos/{todo}/order")),
        ("POST", format!("/api/{code}/category")),
        ("PATCH", format!("/api/{code}/category")),
        ("POST", format!("/api/{code}/reference-link")),
        ("POST", "/api/retrospects".to_owned()),
    ];
    let before = state(&app, &code).await;
    for (method, path) in &routes {
        for bad in ["{", "", "{\"content\": }", "[1,"] {
            let result = app.send_raw(method, path, "application/json", bad).await;
            assert_error(&result, 400);
        }
    }
    assert_eq!(state(&app, &code).await, before);
    let wrong = [
        json!({"content": 5}),
        json!({"contents": ["x"]}),
        json!({"order": "1"}),
        json!({"value": 5}),
        json!({"categoryId": docs, "updatedCategoryName": 5}),
        json!({"url": 5}),
        json!({"accessCode": code, "answers": "x"}),
    ];
    for ((method, path), body) in routes.iter().zip(wrong) {
        refused(&app, &code, method, path, Some(body), 400).await;
    }
    let order = format!("/api/todos/{todo}/order");
    for body in [json!({}), json!({"order": -1}), json!({"order": 0.5})] {
        refused(&app, &code, "PATCH", &order, Some(body), 400).await;
    }
    let body = json!({"answers": []});
    refused(&app, &code, "POST", "/api/retrospects", Some(body), 400).await;
}

#[tokio::test]
async fn unknown_and_impossible_ids_are_404() {
    let app = TestApp::spawn().await;
    let (code, todo, docs, link) = furnished(&app).await;
    let cat: u64 = docs.parse().unwrap();
    let free = ((1u64 << 53) - 1).to_string();
    let impossible = [
        "abc",
        "0",
        "-1",
        "1.5",
        "9007199254740992",
        "18446744073709551616",
    ];
    let mut ids: Vec<String> = impossible.iter().map(|s| (*s).to_owned()).collect();
    ids.push(free);
    for id in &ids {
        let cases = [
            (
                "PATCH",
                format!("/api/todos/{id}/contents"),
                Some(json!({"content": "x"})),
            ),
            ("PATCH", format!("/api/todos/{id}/checked"), None),
            (
                "PATCH",
                format!("/api/todos/{id}/order"),
                Some(json!({"order": 0})),
            ),
            ("DELETE", format!("/api/todos/{id}"), None),
            ("DELETE", format!("/api/{code}/category/{id}"), None),
            ("DELETE", format!("/api/{code}/reference-link/{id}"), None),
        ];
        for (method, path, body) in cases {
            refused(&app, &code, method, &path, body, 404).await;
        }
        let rename = json!({"categoryId": id, "updatedCategoryName": "New"});
        refused(
            &app,
            &code,
            "PATCH",
            &format!("/api/{code}/category"),
            Some(rename),
            404,
        )
        .await;
    }
    // Ids of another kind of item.
    let kinds = [
        ("PATCH", format!("/api/todos/{cat}/checked")),
        ("DELETE", format!("/api/todos/{link}")),
        ("DELETE", format!("/api/{code}/category/{todo}")),
        ("DELETE", format!("/api/{code}/reference-link/{todo}")),
    ];
    for (method, path) in kinds {
        refused(&app, &code, method, &path, None, 404).await;
    }
}

// ---- rooms and privacy -----------------------------------------------------

#[tokio::test]
async fn todo_routes_act_on_the_todos_own_room_only() {
    let app = TestApp::spawn().await;
    let (a, todo_a, cat_a, link_a) = furnished(&app).await;
    let (b, todo_b, _, _) = furnished(&app).await;
    assert_ne!(todo_a, todo_b);
    let before_b = state(&app, &b).await;

    ok(
        &app,
        "PATCH",
        &format!("/api/todos/{todo_a}/contents"),
        Some(json!({"content": "A only"})),
        204,
    )
    .await;
    ok(
        &app,
        "PATCH",
        &format!("/api/todos/{todo_a}/checked"),
        None,
        204,
    )
    .await;
    let list = ok(&app, "GET", &format!("/api/{a}/todos"), None, 200).await;
    assert_eq!(
        list,
        json!([{"id": todo_a, "content": "A only", "isChecked": true, "order": 0}])
    );
    assert_eq!(state(&app, &b).await, before_b);

    // Room A's category and link are not reachable through room B.
    let before_a = state(&app, &a).await;
    let rename = json!({"categoryId": cat_a, "updatedCategoryName": "Stolen"});
    refused(
        &app,
        &b,
        "PATCH",
        &format!("/api/{b}/category"),
        Some(rename),
        404,
    )
    .await;
    refused(
        &app,
        &b,
        "DELETE",
        &format!("/api/{b}/category/{cat_a}"),
        None,
        404,
    )
    .await;
    refused(
        &app,
        &b,
        "DELETE",
        &format!("/api/{b}/reference-link/{link_a}"),
        None,
        404,
    )
    .await;
    let body = json!({"url": DEAD_URL, "categoryId": cat_a});
    refused(
        &app,
        &b,
        "POST",
        &format!("/api/{b}/reference-link"),
        Some(body),
        404,
    )
    .await;
    assert_eq!(state(&app, &a).await, before_a);

    ok(&app, "DELETE", &format!("/api/todos/{todo_a}"), None, 204).await;
    assert_eq!(
        ok(&app, "GET", &format!("/api/{a}/todos"), None, 200).await,
        json!([])
    );
    assert_eq!(state(&app, &b).await, before_b);
}

#[tokio::test]
async fn a_deleted_room_is_400_and_an_unknown_one_404() {
    let app = TestApp::spawn().await;
    let (code, todo, cat, link) = furnished(&app).await;
    let cases = |code: &str| {
        vec![
            ("GET", format!("/api/{code}/todos"), None),
            (
                "POST",
                format!("/api/{code}/todos"),
                Some(json!({"content": "x"})),
            ),
            ("GET", format!("/api/{code}/category"), None),
            (
                "POST",
                format!("/api/{code}/category"),
                Some(json!({"value": "New"})),
            ),
            (
                "PATCH",
                format!("/api/{code}/category"),
                Some(json!({"categoryId": cat, "updatedCategoryName": "New"})),
            ),
            ("DELETE", format!("/api/{code}/category/{cat}"), None),
            ("GET", format!("/api/{code}/reference-link"), None),
            (
                "POST",
                format!("/api/{code}/reference-link"),
                Some(json!({"url": DEAD_URL})),
            ),
            ("DELETE", format!("/api/{code}/reference-link/{link}"), None),
            (
                "POST",
                "/api/retrospects".to_owned(),
                Some(json!({"accessCode": code, "answers": ["a"]})),
            ),
            ("GET", format!("/api/retrospects/{code}"), None),
            ("DELETE", format!("/api/retrospects/{code}"), None),
        ]
    };
    for (method, path, body) in cases("abcd-efgh-jkmnp") {
        let result = app.send(method, &path, body).await;
        assert_eq!(result.0, 404, "{method} {path}: {}", result.1);
        assert_error(&result, 404);
    }

    ok(&app, "DELETE", &format!("/api/pair-room/{code}"), None, 204).await;
    let mut all = cases(&code);
    all.push((
        "PATCH",
        format!("/api/todos/{todo}/contents"),
        Some(json!({"content": "x"})),
    ));
    all.push(("PATCH", format!("/api/todos/{todo}/checked"), None));
    all.push((
        "PATCH",
        format!("/api/todos/{todo}/order"),
        Some(json!({"order": 0})),
    ));
    all.push(("DELETE", format!("/api/todos/{todo}"), None));
    for (method, path, body) in all {
        let result = app.send(method, &path, body).await;
        assert_eq!(result.0, 400, "{method} {path}: {}", result.1);
        assert_error(&result, 400);
    }
}
