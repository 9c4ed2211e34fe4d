//! The 코딩해듀오 workspace API (`/api`): todos, categories, retrospects
//! and the signed-out sign-in endpoints, with their answers in the
//! original's shapes and their effects seen through the native read.
//! Reference links are in `coduo_workspace_links.rs`, bad input in
//! `coduo_workspace_input.rs` and `coduo_workspace_limits.rs`.

mod common;

use common::workspace::{DEAD_URL, workspace};
use common::{TestApp, assert_error, no_content, ok};
use serde_json::{Value, json};

// ---- helpers ---------------------------------------------------------------

async fn todos(app: &TestApp, code: &str) -> Value {
    ok(app, "GET", &format!("/api/{code}/todos"), None, 200).await
}

async fn add_todo(app: &TestApp, code: &str, body: Value) {
    let answer = ok(app, "POST", &format!("/api/{code}/todos"), Some(body), 201).await;
    assert_eq!(answer, Value::Null, "POST todos has no body");
}

/// The native read's version.
async fn version(app: &TestApp, code: &str) -> u64 {
    workspace(app, code).await["version"].as_u64().unwrap()
}

fn ids(list: &Value) -> Vec<u64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_u64().expect("numeric todo id"))
        .collect()
}

// ---- todos -----------------------------------------------------------------

#[tokio::test]
async fn todos_are_listed_in_order_with_their_index() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    assert_eq!(todos(&app, &code).await, json!([]));
    add_todo(&app, &code, json!({"content": "Read the mission"})).await;
    add_todo(&app, &code, json!({"contents": "Write a test"})).await;
    add_todo(&app, &code, json!({"content": "  Refactor  "})).await;
    assert_eq!(version(&app, &code).await, 4);

    let list = todos(&app, &code).await;
    let [a, b, c] = ids(&list)[..] else {
        panic!("{list}")
    };
    for id in [a, b, c] {
        assert!(id < 1 << 53, "{list}");
    }
    assert_eq!(
        list,
        json!([
            {"id": a, "content": "Read the mission", "isChecked": false, "order": 0},
            {"id": b, "content": "Write a test", "isChecked": false, "order": 1},
            {"id": c, "content": "Refactor", "isChecked": false, "order": 2},
        ])
    );
}

#[tokio::test]
async fn todos_are_edited_toggled_moved_and_deleted_by_id() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    for text in ["one", "two", "three"] {
        add_todo(&app, &code, json!({"content": text})).await;
    }
    let [a, b, c] = ids(&todos(&app, &code).await)[..] else {
        panic!()
    };

    // Both spellings of the text field.
    no_content(
        &app,
        "PATCH",
        &format!("/api/todos/{a}/contents"),
        Some(json!({"content": "uno"})),
    )
    .await;
    no_content(
        &app,
        "PATCH",
        &format!("/api/todos/{b}/contents"),
        Some(json!({"contents": "dos"})),
    )
    .await;
    // The checked state toggles, with or without a body.
    no_content(&app, "PATCH", &format!("/api/todos/{a}/checked"), None).await;
    no_content(
        &app,
        "PATCH",
        &format!("/api/todos/{c}/checked"),
        Some(json!({})),
    )
    .await;
    no_content(&app, "PATCH", &format!("/api/todos/{c}/checked"), None).await;
    assert_eq!(
        todos(&app, &code).await,
        json!([
            {"id": a, "content": "uno", "isChecked": true, "order": 0},
            {"id": b, "content": "dos", "isChecked": false, "order": 1},
            {"id": c, "content": "three", "isChecked": false, "order": 2},
        ])
    );

    // Order is the new index; past the end is the end.
    no_content(
        &app,
        "PATCH",
        &format!("/api/todos/{c}/order"),
        Some(json!({"order": 0})),
    )
    .await;
    assert_eq!(ids(&todos(&app, &code).await), [c, a, b]);
    no_content(
        &app,
        "PATCH",
        &format!("/api/todos/{c}/order"),
        Some(json!({"order": 1})),
    )
    .await;
    assert_eq!(ids(&todos(&app, &code).await), [a, c, b]);
    no_content(
        &app,
        "PATCH",
        &format!("/api/todos/{a}/order"),
        Some(json!({"order": 50})),
    )
    .await;
    let list = todos(&app, &code).await;
    assert_eq!(ids(&list), [c, b, a]);
    assert_eq!(list[2]["order"], 2);
    assert_eq!(list[2]["isChecked"], true);

    no_content(&app, "DELETE", &format!("/api/todos/{b}"), None).await;
    assert_eq!(ids(&todos(&app, &code).await), [c, a]);
    // 1 creation + 3 adds + 2 edits + 3 toggles + 3 moves + 1 delete.
    assert_eq!(version(&app, &code).await, 13);
    assert_error(
        &app.send("DELETE", &format!("/api/todos/{b}"), None).await,
        404,
    );
}

// ---- categories ----------------------------------------------------------

#[tokio::test]
async fn categories_are_added_listed_renamed_and_deleted() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    let base = format!("/api/{code}/category");
    assert_eq!(ok(&app, "GET", &base, None, 200).await, json!([]));

    let docs = ok(&app, "POST", &base, Some(json!({"value": "Docs"})), 201).await;
    let docs_id = docs["id"].as_str().expect("id is a string").to_owned();
    assert_eq!(docs, json!({"id": docs_id, "value": "Docs"}));
    assert!(docs_id.parse::<u64>().unwrap() < 1 << 53);
    let blog = ok(&app, "POST", &base, Some(json!({"value": " Blog "})), 201).await;
    let blog_id = blog["id"].as_str().unwrap().to_owned();
    assert_eq!(blog["value"], "Blog");
    assert_eq!(
        ok(&app, "GET", &base, None, 200).await,
        json!([{"id": docs_id, "value": "Docs"}, {"id": blog_id, "value": "Blog"}])
    );

    // The id as the string it was given as, or as a number.
    let rename = json!({"categoryId": docs_id, "updatedCategoryName": "Guides"});
    let renamed = ok(&app, "PATCH", &base, Some(rename), 200).await;
    assert_eq!(renamed, json!({"updatedCategoryName": "Guides"}));
    let number: u64 = blog_id.parse().unwrap();
    let rename = json!({"categoryId": number, "updatedCategoryName": "Posts"});
    ok(&app, "PATCH", &base, Some(rename), 200).await;
    assert_eq!(
        ok(&app, "GET", &base, None, 200).await,
        json!([{"id": docs_id, "value": "Guides"}, {"id": blog_id, "value": "Posts"}])
    );

    no_content(&app, "DELETE", &format!("{base}/{docs_id}"), None).await;
    assert_eq!(
        ok(&app, "GET", &base, None, 200).await,
        json!([{"id": blog_id, "value": "Posts"}])
    );
    assert_eq!(version(&app, &code).await, 6);
}

// ---- retrospects and sign-in -----------------------------------------------

#[tokio::test]
async fn retrospects_are_written_read_and_deleted() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    let one = format!("/api/retrospects/{code}");
    assert_eq!(
        ok(&app, "GET", &one, None, 200).await,
        json!({"answers": []})
    );

    let answers = json!(["Went well", "Next time:\nsmaller steps", "", "4", "5", "6"]);
    let body = json!({"accessCode": code, "answers": answers});
    assert_eq!(
        ok(&app, "POST", "/api/retrospects", Some(body), 201).await,
        Value::Null
    );
    assert_eq!(
        ok(&app, "GET", &one, None, 200).await,
        json!({"answers": answers})
    );
    let native = ok(
        &app,
        "GET",
        &format!("/api/v1/rooms/{code}/workspace"),
        None,
        200,
    )
    .await;
    assert_eq!(native["workspace"]["retrospect"], answers);

    let body = json!({"accessCode": code, "answers": ["Rewritten"]});
    ok(&app, "POST", "/api/retrospects", Some(body), 201).await;
    assert_eq!(
        ok(&app, "GET", &one, None, 200).await,
        json!({"answers": ["Rewritten"]})
    );

    no_content(&app, "DELETE", &one, None).await;
    assert_eq!(
        ok(&app, "GET", &one, None, 200).await,
        json!({"answers": []})
    );
    assert_eq!(version(&app, &code).await, 4);
}

#[tokio::test]
async fn sign_in_answers_as_for_a_signed_out_visitor() {
    let app = TestApp::spawn().await;
    let check = ok(&app, "GET", "/api/sign-in/check", None, 200).await;
    assert_eq!(check, json!({"signedIn": false}));
    for (method, path) in [
        ("GET", "/api/member"),
        ("DELETE", "/api/member"),
        ("GET", "/api/my-pair-rooms"),
        ("GET", "/api/sign-in/oauth/github"),
        ("GET", "/api/sign-in/callback"),
        ("GET", "/api/sign-out"),
        ("POST", "/api/sign-out"),
    ] {
        assert_error(&app.send(method, path, None).await, 401);
    }
}

#[tokio::test]
async fn compat_changes_are_the_native_workspace() {
    let app = TestApp::spawn().await;
    let code = app.pair_room(600_000).await;
    add_todo(&app, &code, json!({"content": "Plan"})).await;
    let cat = ok(
        &app,
        "POST",
        &format!("/api/{code}/category"),
        Some(json!({"value": "Docs"})),
        201,
    )
    .await;
    let body = json!({"url": DEAD_URL, "categoryId": cat["id"]});
    let added = ok(
        &app,
        "POST",
        &format!("/api/{code}/reference-link"),
        Some(body),
        201,
    )
    .await;
    let todo = todos(&app, &code).await[0]["id"].clone();
    no_content(&app, "PATCH", &format!("/api/todos/{todo}/checked"), None).await;

    let cat_id: u64 = cat["id"].as_str().unwrap().parse().unwrap();
    let room = ok(&app, "GET", &format!("/api/v1/rooms/{code}"), None, 200).await;
    assert_eq!(room["version"], 5);
    assert_eq!(
        room["workspace"],
        json!({
            "todos": [{"id": todo, "content": "Plan", "checked": true}],
            "categories": [{"id": cat_id, "name": "Docs"}],
            "links": [{"id": added["id"], "url": DEAD_URL, "category_id": cat_id,
                       "category_name": "Docs",
                       "preview": {"head_title": "", "og_title": "", "description": "", "image": ""}}],
            "retrospect": null,
        })
    );
}
