//! The native workspace API (`/api/v1/rooms/{code}/...`): every endpoint's
//! success status and answer shape, and the version growing by one per
//! change. Bad input is in `workspace_api_input.rs`, limits and privacy in
//! `workspace_api_limits.rs`, link previews in `workspace_api_links.rs`.

mod common;

use common::json::now_ms;
use common::workspace::{DEAD_URL, empty_preview, path, workspace};
use common::{TestApp, ok};
use serde_json::{Value, json};

/// Ids stay below 2^53 so that JavaScript reads them exactly.
const TWO_POW_53: u64 = 1 << 53;

// ---- helpers ---------------------------------------------------------------

/// Asserts a write answer: the next version, the server's time, and a
/// workspace holding exactly the `parts` named.
fn assert_write(answer: &Value, version: u64, parts: &[&str]) {
    assert_eq!(answer["version"], version, "{answer}");
    let server_time = answer["server_time_ms"].as_i64().expect("server_time_ms");
    assert!((server_time - now_ms()).abs() < 2_000, "{answer}");
    let workspace = answer["workspace"].as_object().expect("workspace object");
    let mut keys: Vec<&str> = workspace.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut wanted = parts.to_vec();
    wanted.sort_unstable();
    assert_eq!(keys, wanted, "{answer}");
}

/// Asserts a created item's id: a number from 1 to 2^53 − 1.
fn created_id(answer: &Value) -> u64 {
    let id = answer["id"].as_u64().expect("id is a number");
    assert!(id > 0 && id < TWO_POW_53, "{answer}");
    id
}

// ---- todos -----------------------------------------------------------------

#[tokio::test]
async fn todos_are_added_updated_moved_and_deleted() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    let todos = path(&code, "todos");

    let first = ok(
        &app,
        "POST",
        &todos,
        Some(json!({"content": "Write tests"})),
        201,
    )
    .await;
    assert_write(&first, 2, &["todos"]);
    let a = created_id(&first);
    assert_eq!(
        first["workspace"]["todos"],
        json!([{"id": a, "content": "Write tests", "checked": false}])
    );
    let second = ok(
        &app,
        "POST",
        &todos,
        Some(json!({"content": "  Ship  "})),
        201,
    )
    .await;
    assert_write(&second, 3, &["todos"]);
    let b = created_id(&second);
    assert_ne!(a, b);
    assert_eq!(
        second["workspace"]["todos"][1]["content"], "Ship",
        "trimmed"
    );

    let one = format!("{todos}/{a}");
    let checked = ok(&app, "PATCH", &one, Some(json!({"checked": true})), 200).await;
    assert_write(&checked, 4, &["todos"]);
    assert!(checked.get("id").is_none(), "{checked}");
    assert_eq!(
        checked["workspace"]["todos"],
        json!([
            {"id": a, "content": "Write tests", "checked": true},
            {"id": b, "content": "Ship", "checked": false},
        ])
    );

    // Every field at once: text, checked state and place.
    let all = json!({"content": "Refactor", "checked": false, "position": 1});
    let combined = ok(&app, "PATCH", &one, Some(all), 200).await;
    assert_write(&combined, 5, &["todos"]);
    assert_eq!(
        combined["workspace"]["todos"],
        json!([
            {"id": b, "content": "Ship", "checked": false},
            {"id": a, "content": "Refactor", "checked": false},
        ])
    );

    // A position past the end is the end; 0 is the top.
    let top = ok(&app, "PATCH", &one, Some(json!({"position": 0})), 200).await;
    assert_eq!(top["workspace"]["todos"][0]["id"], a);
    let end = ok(&app, "PATCH", &one, Some(json!({"position": 99})), 200).await;
    assert_write(&end, 7, &["todos"]);
    assert_eq!(end["workspace"]["todos"][1]["id"], a);

    let deleted = app.send("DELETE", &format!("{todos}/{b}"), None).await;
    assert_eq!(deleted, (204, Value::Null));
    let read = workspace(&app, &code).await;
    assert_eq!(read["version"], 8);
    assert_eq!(
        read["workspace"]["todos"],
        json!([{"id": a, "content": "Refactor", "checked": false}])
    );
}

// ---- categories and links --------------------------------------------------

#[tokio::test]
async fn categories_and_links_keep_names_in_step() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;

    let added = ok(
        &app,
        "POST",
        &path(&code, "categories"),
        Some(json!({"name": "Docs"})),
        201,
    )
    .await;
    assert_write(&added, 2, &["categories"]);
    let cat = created_id(&added);
    assert_eq!(
        added["workspace"]["categories"],
        json!([{"id": cat, "name": "Docs"}])
    );

    // An unreachable (and refused) URL still adds the link, with an empty
    // preview.
    let body = json!({"url": DEAD_URL, "category_id": cat});
    let linked = ok(&app, "POST", &path(&code, "links"), Some(body), 201).await;
    assert_write(&linked, 3, &["links"]);
    let l1 = created_id(&linked);
    assert_eq!(
        linked["workspace"]["links"],
        json!([{"id": l1, "url": DEAD_URL, "category_id": cat, "category_name": "Docs",
                "preview": empty_preview()}])
    );
    let body = json!({"url": "https://127.0.0.1:9/other"});
    let plain = ok(&app, "POST", &path(&code, "links"), Some(body), 201).await;
    let l2 = created_id(&plain);
    assert_eq!(plain["workspace"]["links"][1]["category_id"], Value::Null);
    assert_eq!(plain["workspace"]["links"][1]["category_name"], Value::Null);

    let one = path(&code, &format!("categories/{cat}"));
    let renamed = ok(&app, "PATCH", &one, Some(json!({"name": "Guides"})), 200).await;
    assert_write(&renamed, 5, &["categories", "links"]);
    assert_eq!(
        renamed["workspace"]["categories"],
        json!([{"id": cat, "name": "Guides"}])
    );
    assert_eq!(renamed["workspace"]["links"][0]["category_name"], "Guides");

    // Deleting the category leaves its links without one.
    assert_eq!(app.send("DELETE", &one, None).await, (204, Value::Null));
    let read = workspace(&app, &code).await;
    assert_eq!(read["version"], 6);
    assert_eq!(read["workspace"]["categories"], json!([]));
    assert_eq!(
        read["workspace"]["links"][0],
        json!({"id": l1, "url": DEAD_URL, "category_id": null, "category_name": null,
               "preview": empty_preview()})
    );

    let gone = app
        .send("DELETE", &path(&code, &format!("links/{l1}")), None)
        .await;
    assert_eq!(gone, (204, Value::Null));
    let read = workspace(&app, &code).await;
    assert_eq!(read["version"], 7);
    let links = read["workspace"]["links"].as_array().unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0]["id"], l2);
}

// ---- retrospect and status -------------------------------------------------

#[tokio::test]
async fn the_retrospect_is_written_overwritten_and_deleted_once() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    let retro = path(&code, "retrospect");

    let answers = json!(["Went well", "Line one\nline two", ""]);
    let written = ok(&app, "PUT", &retro, Some(json!({"answers": answers})), 200).await;
    assert_write(&written, 2, &["retrospect"]);
    assert_eq!(written["workspace"]["retrospect"], answers);

    let again = ok(&app, "PUT", &retro, Some(json!({"answers": ["Only"]})), 200).await;
    assert_write(&again, 3, &["retrospect"]);
    assert_eq!(again["workspace"]["retrospect"], json!(["Only"]));

    assert_eq!(app.send("DELETE", &retro, None).await, (204, Value::Null));
    let read = workspace(&app, &code).await;
    assert_eq!(read["version"], 4);
    assert_eq!(read["workspace"]["retrospect"], Value::Null);
    common::assert_error(&app.send("DELETE", &retro, None).await, 404);
    assert_eq!(workspace(&app, &code).await["version"], 4);
}

#[tokio::test]
async fn put_status_answers_the_room_envelope() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    let status = path(&code, "status");

    let done = ok(
        &app,
        "PUT",
        &status,
        Some(json!({"status": "completed"})),
        200,
    )
    .await;
    assert_eq!(done["version"], 2, "{done}");
    assert_eq!(done["room"]["code"], code);
    assert_eq!(done["room"]["status"], "completed");
    assert!(done["room"]["timer"].is_object(), "{done}");
    let room = ok(&app, "GET", &format!("/api/v1/rooms/{code}"), None, 200).await;
    assert_eq!(room["room"]["status"], "completed");

    // A completed room still keeps its workspace.
    ok(
        &app,
        "POST",
        &path(&code, "todos"),
        Some(json!({"content": "x"})),
        201,
    )
    .await;

    let back = ok(
        &app,
        "PUT",
        &status,
        Some(json!({"status": "in_progress"})),
        200,
    )
    .await;
    assert_eq!(back["version"], 4, "{back}");
    assert_eq!(back["room"]["status"], "in_progress");
}

// ---- reads -----------------------------------------------------------------

#[tokio::test]
async fn a_new_room_has_an_empty_workspace_in_both_reads() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    let empty = json!({"todos": [], "categories": [], "links": [], "retrospect": null});

    let read = workspace(&app, &code).await;
    assert_eq!(read["version"], 1);
    assert!(read.get("id").is_none(), "{read}");
    assert!((read["server_time_ms"].as_i64().unwrap() - now_ms()).abs() < 2_000);
    assert_eq!(read["workspace"], empty);

    let room = ok(&app, "GET", &format!("/api/v1/rooms/{code}"), None, 200).await;
    assert_eq!(room["workspace"], empty);
}

#[tokio::test]
async fn both_reads_hold_everything_and_versions_grow_by_one() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    let mut version = 1;
    let mut step = async |method: &str, rest: &str, body: Value, status: u16| {
        let answer = ok(&app, method, &path(&code, rest), Some(body), status).await;
        version += 1;
        assert_eq!(answer["version"], version, "{method} {rest}: {answer}");
        answer
    };
    let todo = created_id(&step("POST", "todos", json!({"content": "Plan"}), 201).await);
    let cat = created_id(&step("POST", "categories", json!({"name": "Rust"}), 201).await);
    let body = json!({"url": DEAD_URL, "category_id": cat});
    let link = created_id(&step("POST", "links", body, 201).await);
    step("PUT", "retrospect", json!({"answers": ["Good"]}), 200).await;
    step(
        "PATCH",
        &format!("todos/{todo}"),
        json!({"checked": true}),
        200,
    )
    .await;
    step("PUT", "status", json!({"status": "completed"}), 200).await;

    let expected = json!({
        "todos": [{"id": todo, "content": "Plan", "checked": true}],
        "categories": [{"id": cat, "name": "Rust"}],
        "links": [{"id": link, "url": DEAD_URL, "category_id": cat, "category_name": "Rust",
                   "preview": empty_preview()}],
        "retrospect": ["Good"],
    });
    let read = workspace(&app, &code).await;
    assert_eq!(read["version"], 7);
    assert_eq!(read["workspace"], expected);
    let room = ok(&app, "GET", &format!("/api/v1/rooms/{code}"), None, 200).await;
    assert_eq!(room["version"], 7);
    assert_eq!(room["workspace"], expected);
    assert_eq!(room["room"]["status"], "completed");

    // Deletes (204, no body) count too.
    for rest in [
        format!("todos/{todo}"),
        format!("links/{link}"),
        format!("categories/{cat}"),
        "retrospect".to_owned(),
    ] {
        let before = workspace(&app, &code).await["version"].as_u64().unwrap();
        let result = app.send("DELETE", &path(&code, &rest), None).await;
        assert_eq!(result, (204, Value::Null), "{rest}");
        assert_eq!(
            workspace(&app, &code).await["version"],
            before + 1,
            "{rest}"
        );
    }
    let empty = json!({"todos": [], "categories": [], "links": [], "retrospect": null});
    assert_eq!(workspace(&app, &code).await["workspace"], empty);
}
