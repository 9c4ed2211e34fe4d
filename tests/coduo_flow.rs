//! The original front end's "just start" flow, replayed call by call in the
//! order it makes them, with every answer checked.

mod common;

use std::time::Duration;

use common::TestApp;
use serde_json::json;

const SECOND: Duration = Duration::from_secs(1);

#[tokio::test]
async fn the_just_start_flow_of_the_original_front_end_works_unchanged() {
    let app = TestApp::spawn().await;

    // Landing page: not signed in.
    let (status, check) = app.send("GET", "/api/sign-in/check", None).await;
    assert_eq!((status, check), (200, json!({"signedIn": false})));

    // "Just start": create the room.
    let body = json!({
        "navigator": "Bob", "driver": "Ann", "pairId": null,
        "timerDuration": 600000, "timerRemainingTime": 600000, "missionUrl": "",
    });
    let (status, created) = app.send("POST", "/api/pair-room", Some(body)).await;
    assert_eq!(status, 201);
    let code = created["accessCode"].as_str().unwrap().to_owned();
    let (status, exists) = app
        .send(
            "GET",
            &format!("/api/pair-room/exists?access_code={code}"),
            None,
        )
        .await;
    assert_eq!((status, exists), (200, json!({"exists": true})));

    // The room page loads its parts and connects.
    let (status, room) = app
        .send("GET", &format!("/api/pair-room/{code}"), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        room,
        json!({"navigator": "Bob", "driver": "Ann", "status": "IN_PROGRESS", "duration": 600000, "remainingTime": 600000, "missionUrl": ""})
    );
    let (status, timer) = app.send("GET", &format!("/api/{code}/timer"), None).await;
    assert_eq!(status, 200);
    assert_eq!(
        (timer["duration"].clone(), timer["remainingTime"].clone()),
        (json!(600000), json!(600000))
    );
    assert!(timer["id"].as_u64().is_some());
    let mut stream = app.stream(&format!("/api/{code}/connect")).await;
    assert_eq!(stream.status, 200);
    assert_eq!(stream.expect("connect", SECOND).await.data, "OK");
    assert_eq!(stream.expect("remaining-time", SECOND).await.data, "600000");
    assert_eq!(
        app.send("GET", &format!("/api/{code}/todos"), None).await,
        (200, json!([]))
    );
    assert_eq!(
        app.send("GET", &format!("/api/{code}/category"), None)
            .await,
        (200, json!([]))
    );
    assert_eq!(
        app.send("GET", &format!("/api/{code}/reference-link"), None)
            .await,
        (200, json!([]))
    );

    // Start, watch a tick, pause.
    assert_eq!(
        app.send("PATCH", &format!("/api/{code}/timer/start"), None)
            .await
            .0,
        204
    );
    assert_eq!(stream.expect("timer", SECOND).await.data, "start");
    let tick: u64 = stream
        .expect("remaining-time", 2 * SECOND)
        .await
        .data
        .parse()
        .unwrap();
    assert!((598_000..600_000).contains(&tick));
    assert_eq!(
        app.send("PATCH", &format!("/api/{code}/timer/stop"), None)
            .await
            .0,
        204
    );
    assert_eq!(stream.expect("timer", SECOND).await.data, "pause");

    // Todos: add two, edit (the front end sends `contents`), check, reorder.
    for content in ["write a failing test", "make it pass"] {
        assert_eq!(
            app.send(
                "POST",
                &format!("/api/{code}/todos"),
                Some(json!({"content": content}))
            )
            .await
            .0,
            201
        );
    }
    let (_, todos) = app.send("GET", &format!("/api/{code}/todos"), None).await;
    let first = todos[0]["id"].as_u64().unwrap();
    let second = todos[1]["id"].as_u64().unwrap();
    let edit = json!({"contents": "write one failing test"});
    assert_eq!(
        app.send("PATCH", &format!("/api/todos/{first}/contents"), Some(edit))
            .await
            .0,
        204
    );
    assert_eq!(
        app.send("PATCH", &format!("/api/todos/{first}/checked"), None)
            .await
            .0,
        204
    );
    assert_eq!(
        app.send(
            "PATCH",
            &format!("/api/todos/{second}/order"),
            Some(json!({"order": 0}))
        )
        .await
        .0,
        204
    );
    let (_, todos) = app.send("GET", &format!("/api/{code}/todos"), None).await;
    assert_eq!(
        todos,
        json!([
            {"id": second, "content": "make it pass", "isChecked": false, "order": 0},
            {"id": first, "content": "write one failing test", "isChecked": true, "order": 1},
        ])
    );

    // Categories and links.
    let (status, category) = app
        .send(
            "POST",
            &format!("/api/{code}/category"),
            Some(json!({"value": "docs"})),
        )
        .await;
    assert_eq!(status, 201);
    let category_id = category["id"].as_str().unwrap().to_owned();
    assert_eq!(category["value"], "docs");
    let rename = json!({"categoryId": category_id, "updatedCategoryName": "reference"});
    let (status, renamed) = app
        .send("PATCH", &format!("/api/{code}/category"), Some(rename))
        .await;
    assert_eq!(
        (status, renamed),
        (200, json!({"updatedCategoryName": "reference"}))
    );
    // The preview of a link the server may not fetch is empty; the link is kept.
    let link = json!({"url": "http://127.0.0.1:9/guide", "categoryId": category_id});
    let (status, added) = app
        .send("POST", &format!("/api/{code}/reference-link"), Some(link))
        .await;
    assert_eq!(status, 201);
    assert_eq!(added["url"], "http://127.0.0.1:9/guide");
    assert_eq!(added["categoryName"], "reference");
    for field in ["headTitle", "openGraphTitle", "description", "image"] {
        assert_eq!(added[field], "", "{field}");
    }
    let (_, filtered) = app
        .send(
            "GET",
            &format!("/api/{code}/reference-link?categoryId={category_id}"),
            None,
        )
        .await;
    assert_eq!(filtered, json!([added.clone()]));

    // Time is up: the front end swaps roles; then the pair completes the
    // session and writes a retrospect.
    assert_eq!(
        app.send("PATCH", &format!("/api/pair-room/{code}/pair-swap"), None)
            .await
            .0,
        204
    );
    let (_, room) = app
        .send("GET", &format!("/api/pair-room/{code}"), None)
        .await;
    assert_eq!(
        (room["driver"].clone(), room["navigator"].clone()),
        (json!("Bob"), json!("Ann"))
    );
    let complete = json!({"status": "COMPLETED"});
    assert_eq!(
        app.send(
            "PATCH",
            &format!("/api/pair-room/{code}/status"),
            Some(complete)
        )
        .await
        .0,
        204
    );
    let answers =
        json!({"accessCode": code, "answers": ["paired well", "", "more tests", "", "", ""]});
    assert_eq!(
        app.send("POST", "/api/retrospects", Some(answers)).await.0,
        201
    );
    let (status, retrospect) = app
        .send("GET", &format!("/api/retrospects/{code}"), None)
        .await;
    assert_eq!(
        (status, retrospect),
        (
            200,
            json!({"answers": ["paired well", "", "more tests", "", "", ""]})
        )
    );
    let (_, room) = app
        .send("GET", &format!("/api/pair-room/{code}"), None)
        .await;
    assert_eq!(room["status"], "COMPLETED");

    // Leaving: streams are closed.
    assert_eq!(
        app.send("DELETE", &format!("/api/{code}/connect"), None)
            .await
            .0,
        204
    );
    assert_eq!(stream.expect("close", SECOND).await.data, "OK");
    assert!(stream.ended(SECOND).await);
}
