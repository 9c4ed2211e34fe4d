//! Workspace changes reach every stream of the room, in order, and
//! concurrent moves converge.

mod common;

use std::time::Duration;

use common::pages::{allow_loopback, page_server};
use common::{Sse, TestApp};
use serde_json::{Value, json};

const SECOND: Duration = Duration::from_secs(1);

/// Reads `change` events until one has this version; returns them all.
async fn changes_until(stream: &mut Sse, version: u64) -> Vec<Value> {
    let mut seen = Vec::new();
    loop {
        let change = stream.expect("change", 2 * SECOND).await.json();
        let reached = change["version"].as_u64() == Some(version);
        seen.push(change);
        if reached {
            return seen;
        }
    }
}

/// The page the preview is read from.
const DOCS: &str = r#"<html><head><title> Axum
        docs </title><meta property="og:title" content="axum"><meta property="og:description" content="Web framework"><meta property="og:image" content="/logo.png"></head><body></body></html>"#;

#[tokio::test]
async fn two_streams_see_every_workspace_change_in_order_and_end_equal_to_get() {
    let pages = page_server("/docs", DOCS).await;
    let app = TestApp::spawn_with(allow_loopback).await;
    let code = app.room(&["Ann", "Bob"], 600_000, false).await;
    let base = format!("/api/v1/rooms/{code}");
    let mut a = app.stream(&format!("{base}/events")).await;
    let mut b = app.stream(&format!("{base}/events")).await;
    for s in [&mut a, &mut b] {
        assert_eq!(
            s.expect("snapshot", SECOND).await.json()["workspace"]["todos"],
            json!([])
        );
    }

    // A third client works through the list and the links.
    let (_, first) = app
        .send(
            "POST",
            &format!("{base}/todos"),
            Some(json!({"content": "red"})),
        )
        .await;
    let (_, second) = app
        .send(
            "POST",
            &format!("{base}/todos"),
            Some(json!({"content": "green"})),
        )
        .await;
    let (_, third) = app
        .send(
            "POST",
            &format!("{base}/todos"),
            Some(json!({"content": "refactor"})),
        )
        .await;
    let (one, two) = (
        first["id"].as_u64().unwrap(),
        second["id"].as_u64().unwrap(),
    );
    app.send(
        "PATCH",
        &format!("{base}/todos/{one}"),
        Some(json!({"content": "red bar"})),
    )
    .await;
    app.send(
        "PATCH",
        &format!("{base}/todos/{two}"),
        Some(json!({"checked": true})),
    )
    .await;
    app.send(
        "PATCH",
        &format!("{base}/todos/{one}"),
        Some(json!({"position": 2})),
    )
    .await;
    app.send("DELETE", &format!("{base}/todos/{}", third["id"]), None)
        .await;
    let (status, link) = app
        .send(
            "POST",
            &format!("{base}/links"),
            Some(json!({"url": format!("{pages}/docs")})),
        )
        .await;
    assert_eq!(status, 201, "{link}");
    assert_eq!(link["workspace"]["links"][0]["preview"]["og_title"], "axum");
    let (_, other) = app
        .send(
            "POST",
            &format!("{base}/links"),
            Some(json!({"url": "https://example.com/"})),
        )
        .await;
    let (status, last) = app
        .send("DELETE", &format!("{base}/links/{}", other["id"]), None)
        .await;
    assert_eq!(status, 204, "{last}");
    let (_, workspace) = app.send("GET", &format!("{base}/workspace"), None).await;
    let final_version = workspace["version"].as_u64().unwrap();

    let mut seen = Vec::new();
    for s in [&mut a, &mut b] {
        let changes = changes_until(s, final_version).await;
        let versions: Vec<u64> = changes
            .iter()
            .map(|c| c["version"].as_u64().unwrap())
            .collect();
        assert_eq!(
            versions,
            (2..=final_version).collect::<Vec<_>>(),
            "every change, in order"
        );
        let causes: Vec<&str> = changes
            .iter()
            .map(|c| c["causes"][0].as_str().unwrap())
            .collect();
        assert_eq!(causes[..7], ["todos_changed"; 7]);
        assert_eq!(causes[7..], ["links_changed"; 3]);
        // Each change carries only what changed, and the last state of each
        // list equals what GET returns.
        let last_todos = changes
            .iter()
            .rev()
            .find(|c| c["workspace"]["todos"].is_array())
            .unwrap();
        let last_links = changes
            .iter()
            .rev()
            .find(|c| c["workspace"]["links"].is_array())
            .unwrap();
        assert!(changes[0]["workspace"].get("links").is_none());
        assert_eq!(
            last_todos["workspace"]["todos"],
            workspace["workspace"]["todos"]
        );
        assert_eq!(
            last_links["workspace"]["links"],
            workspace["workspace"]["links"]
        );
        seen.push(changes);
    }
    assert_eq!(seen[0], seen[1], "both screens saw the same");
    let todos = &workspace["workspace"]["todos"];
    assert_eq!(
        todos[0],
        json!({"id": two, "content": "green", "checked": true})
    );
    assert_eq!(
        todos[1],
        json!({"id": one, "content": "red bar", "checked": false})
    );
    assert_eq!(todos.as_array().unwrap().len(), 2);
    let link = &workspace["workspace"]["links"][0];
    assert_eq!(link["preview"]["head_title"], "Axum docs");
    assert_eq!(link["preview"]["image"], format!("{pages}/logo.png"));

    // A late screen gets everything in its snapshot.
    let mut late = app.stream(&format!("{base}/events")).await;
    let snapshot = late.expect("snapshot", SECOND).await.json();
    assert_eq!(snapshot["workspace"], workspace["workspace"]);
}

#[tokio::test]
async fn concurrent_reorders_converge_with_every_item_once() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 600_000, false).await;
    let base = format!("/api/v1/rooms/{code}");
    let mut ids = Vec::new();
    for i in 0..12 {
        let (_, added) = app
            .send(
                "POST",
                &format!("{base}/todos"),
                Some(json!({"content": format!("item {i}")})),
            )
            .await;
        ids.push(added["id"].as_u64().unwrap());
    }
    let mut watcher_a = app.stream(&format!("{base}/events")).await;
    let mut watcher_b = app.stream(&format!("{base}/events")).await;
    watcher_a.expect("snapshot", SECOND).await;
    watcher_b.expect("snapshot", SECOND).await;

    // Two people drag items at the same time, through both APIs.
    let mover = |app: &TestApp, moves: Vec<(u64, usize)>, legacy: bool| {
        let (client, url) = (app.client.clone(), app.url(""));
        let base = base.clone();
        tokio::spawn(async move {
            for (id, to) in moves {
                let request = if legacy {
                    client
                        .patch(format!("{url}/api/todos/{id}/order"))
                        .json(&json!({"order": to}))
                } else {
                    client
                        .patch(format!("{url}{base}/todos/{id}"))
                        .json(&json!({"position": to}))
                };
                let status = request.send().await.unwrap().status();
                assert!(status.is_success(), "{status}");
            }
        })
    };
    let first: Vec<_> = (0..30).map(|i| (ids[i % 12], (i * 7) % 12)).collect();
    let second: Vec<_> = (0..30).map(|i| (ids[(i * 5) % 12], (i * 3) % 12)).collect();
    let (one, two) = (mover(&app, first, false), mover(&app, second, true));
    one.await.unwrap();
    two.await.unwrap();

    let (_, workspace) = app.send("GET", &format!("{base}/workspace"), None).await;
    let version = workspace["version"].as_u64().unwrap();
    let final_order = |changes: Vec<Value>| changes.last().unwrap()["workspace"]["todos"].clone();
    let a = final_order(changes_until(&mut watcher_a, version).await);
    let b = final_order(changes_until(&mut watcher_b, version).await);
    assert_eq!(a, b, "both screens end with the same list");
    assert_eq!(a, workspace["workspace"]["todos"]);
    let mut seen: Vec<u64> = a
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_u64().unwrap())
        .collect();
    seen.sort_unstable();
    let mut expected = ids.clone();
    expected.sort_unstable();
    assert_eq!(seen, expected, "every item is still there, once");
    assert_eq!(version, 1 + 12 + 60, "every move was one change");
}
