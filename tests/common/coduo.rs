//! Requests and bodies of the 코딩해듀오 compatibility API's pair rooms and
//! timers (`/api`).

use serde_json::{Value, json};

use super::{TestApp, no_content, ok};

/// Where pair rooms are created.
pub const CREATE: &str = "/api/pair-room";

/// A body for `POST /api/pair-room`.
pub fn create_body(
    driver: &str,
    navigator: &str,
    duration: u64,
    remaining: u64,
    url: &str,
) -> Value {
    json!({
        "driver": driver, "navigator": navigator, "pairId": null,
        "timerDuration": duration, "timerRemainingTime": remaining, "missionUrl": url,
    })
}

/// `POST /api/pair-room`, expecting 201; returns the access code.
pub async fn create(app: &TestApp, body: Value) -> String {
    let created = ok(app, "POST", CREATE, Some(body), 201).await;
    created["accessCode"].as_str().unwrap().to_owned()
}

/// `GET /api/pair-room/{code}`, expecting 200.
pub async fn pair_room(app: &TestApp, code: &str) -> Value {
    ok(app, "GET", &format!("/api/pair-room/{code}"), None, 200).await
}

/// `GET /api/{code}/timer`, expecting 200.
pub async fn timer(app: &TestApp, code: &str) -> Value {
    ok(app, "GET", &format!("/api/{code}/timer"), None, 200).await
}

/// `GET /api/pair-room/exists?access_code={code}`, expecting 200; returns
/// the answer.
pub async fn exists(app: &TestApp, code: &str) -> bool {
    let path = format!("/api/pair-room/exists?access_code={code}");
    let body = ok(app, "GET", &path, None, 200).await;
    body["exists"].as_bool().expect("exists is a boolean")
}

/// A `PATCH` without a body that answers 204 with no body.
pub async fn patch(app: &TestApp, path: &str) {
    no_content(app, "PATCH", path, None).await;
}
