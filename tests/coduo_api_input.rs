//! The 코딩해듀오 compatibility API (`/api`): bad bodies for creating a pair
//! room are JSON errors with the right status.

mod common;

use common::coduo::CREATE;
use common::{TestApp, assert_error, raw};
use serde_json::{Value, json};

// ---- helpers ---------------------------------------------------------------

fn body() -> Value {
    json!({
        "driver": "Ann", "navigator": "Bob",
        "timerDuration": 600_000, "timerRemainingTime": 600_000, "missionUrl": "",
    })
}

/// [`body`] with one field replaced (or removed, for `None`).
fn body_with(field: &str, value: Option<Value>) -> Value {
    let mut body = body();
    let object = body.as_object_mut().unwrap();
    match value {
        Some(value) => object.insert(field.to_owned(), value),
        None => object.remove(field),
    };
    body
}

async fn create(app: &TestApp, body: Value) -> (u16, Value) {
    app.send("POST", CREATE, Some(body)).await
}

// ---- create: body format ---------------------------------------------------

#[tokio::test]
async fn create_refuses_a_missing_or_empty_body_or_non_json() {
    let app = TestApp::spawn().await;
    assert_error(&app.send("POST", CREATE, None).await, 415);
    assert_error(
        &raw(&app, "POST", CREATE, "application/json", "").await,
        400,
    );
    assert_error(
        &raw(&app, "POST", CREATE, "application/json", "{\"driver\":").await,
        400,
    );
    for body in ["[]", "null", "\"Ann\"", "driver=Ann"] {
        assert_error(
            &raw(&app, "POST", CREATE, "application/json", body).await,
            400,
        );
    }
}

#[tokio::test]
async fn create_refuses_a_wrong_content_type_with_415() {
    let app = TestApp::spawn().await;
    let text = body().to_string();
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ] {
        assert_error(&raw(&app, "POST", CREATE, content_type, &text).await, 415);
    }
}

#[tokio::test]
async fn create_refuses_a_body_over_64_kib_with_413() {
    let app = TestApp::spawn().await;
    let mut text = body().to_string();
    text.insert_str(1, &" ".repeat(66_000));
    assert_error(
        &raw(&app, "POST", CREATE, "application/json", &text).await,
        413,
    );
    let huge_url = body_with("missionUrl", Some(json!("x".repeat(70_000))));
    assert_error(&create(&app, huge_url).await, 413);
}

#[tokio::test]
async fn create_refuses_missing_fields_and_wrong_types() {
    let app = TestApp::spawn().await;
    for field in ["driver", "navigator", "timerDuration", "timerRemainingTime"] {
        assert_error(&create(&app, body_with(field, None)).await, 400);
    }
    for (field, value) in [
        ("driver", json!(5)),
        ("navigator", json!(null)),
        ("navigator", json!(["Bob"])),
        ("timerDuration", json!("600000")),
        ("timerDuration", json!(true)),
        ("timerDuration", json!(600_000.5)),
        ("timerRemainingTime", json!(null)),
        ("missionUrl", json!(5)),
    ] {
        let result = create(&app, body_with(field, Some(value.clone()))).await;
        assert_error(&result, 400);
    }
    // `pairId` is optional and anything; a missing `missionUrl` means none.
    for field in ["pairId", "missionUrl"] {
        assert_eq!(create(&app, body_with(field, None)).await.0, 201, "{field}");
    }
}

#[tokio::test]
async fn create_refuses_huge_and_negative_times() {
    let app = TestApp::spawn().await;
    let text = |duration: &str, remaining: &str| {
        format!(
            r#"{{"driver": "Ann", "navigator": "Bob", "timerDuration": {duration}, "timerRemainingTime": {remaining}, "missionUrl": ""}}"#
        )
    };
    for number in [
        "1e300",
        "-1",
        "0",
        "18446744073709551616",
        "9223372036854775808",
        "-600000",
    ] {
        for body in [text(number, "600000"), text("600000", number)] {
            let result = raw(&app, "POST", CREATE, "application/json", &body).await;
            assert_error(&result, 400);
        }
    }
}

// ---- create: validation ----------------------------------------------------

#[tokio::test]
async fn create_needs_times_of_one_to_ninety_nine_minutes_and_remaining_within_duration() {
    let app = TestApp::spawn().await;
    for (duration, remaining) in [
        (59_999, 59_999),
        (600_000, 59_999),
        (5_940_001, 600_000),
        (5_940_001, 5_940_001),
        (600_000, 600_001),
        (60_000, 5_940_000),
    ] {
        let mut body = body_with("timerDuration", Some(json!(duration)));
        body["timerRemainingTime"] = json!(remaining);
        assert_error(&create(&app, body).await, 400);
    }
}

#[tokio::test]
async fn create_refuses_blank_long_equal_and_control_character_names() {
    let app = TestApp::spawn().await;
    let eleven = "x".repeat(11);
    for (driver, navigator) in [
        ("", "Bob"),
        ("Ann", "   "),
        (eleven.as_str(), "Bob"),
        ("Ann", "가나다라마바사아자차카"),
        ("Ann", "Ann"),
        ("Ann", " ANN "),
        ("A\u{0}n", "Bob"),
        ("Ann", "Bo\tb"),
    ] {
        let mut body = body_with("driver", Some(json!(driver)));
        body["navigator"] = json!(navigator);
        assert_error(&create(&app, body).await, 400);
    }
    // Ten characters once trimmed are fine.
    let padded = body_with("driver", Some(json!(format!("  {}  ", "y".repeat(10)))));
    assert_eq!(create(&app, padded).await.0, 201);
}
