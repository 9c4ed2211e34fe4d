//! The API contract at `/api/openapi.json`: a valid OpenAPI 3.1 document
//! that lists every route of both APIs (each one answers), and whose
//! schemas the real answers fit; and the `/docs` page that shows it.
//! (`.ci/run` also runs schemathesis against the same document.)

mod common;

use std::collections::BTreeSet;

use common::{TestApp, ok};
use serde_json::{Value, json};

/// The document as served.
async fn document(app: &TestApp) -> Value {
    let response = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    response.json().await.unwrap()
}

/// Every `(method, path)` the document lists.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            all.push((method.to_uppercase(), path.clone(), operation.clone()));
        }
    }
    all
}

/// The schema `$ref` points to, or `schema` itself.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => {
            let name = r.strip_prefix("#/components/schemas/").expect("local ref");
            let target = &doc["components"]["schemas"][name];
            assert!(target.is_object(), "dangling $ref {r}");
            resolve(doc, target)
        }
        None => schema,
    }
}

/// Fails with the path to the first part of `value` that `schema` does not
/// allow: a missing required or an undeclared property (where the schema
/// declares properties), or a wrong JSON type.
fn conforms(doc: &Value, schema: &Value, value: &Value, at: &str) {
    let schema = resolve(doc, schema);
    if let Some(parts) = schema["allOf"].as_array() {
        // Each part's own properties; undeclared ones are judged overall.
        let mut merged = json!({"type": "object", "properties": {}, "required": []});
        for part in parts {
            let part = resolve(doc, part);
            for (k, v) in part["properties"].as_object().into_iter().flatten() {
                merged["properties"][k] = v.clone();
            }
            for r in part["required"].as_array().into_iter().flatten() {
                merged["required"].as_array_mut().unwrap().push(r.clone());
            }
        }
        return conforms(doc, &merged, value, at);
    }
    if let Some(choices) = schema["oneOf"].as_array() {
        let fits = choices
            .iter()
            .any(|c| std::panic::catch_unwind(|| conforms(doc, c, value, at)).is_ok());
        assert!(fits, "{at}: {value} fits none of {choices:?}");
        return;
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let fits = types.is_empty()
        || types.contains(&kind)
        || (kind == "integer" && types.contains(&"number"));
    assert!(fits, "{at}: {value} is {kind}, the schema says {types:?}");
    if let Some(allowed) = schema["enum"].as_array() {
        assert!(allowed.contains(value), "{at}: {value} not in {allowed:?}");
    }
    match value {
        Value::Object(fields) => {
            if let Some(properties) = schema["properties"].as_object() {
                for (key, field) in fields {
                    let declared = properties.get(key);
                    assert!(declared.is_some(), "{at}.{key} is not in the schema");
                    conforms(doc, declared.unwrap(), field, &format!("{at}.{key}"));
                }
            }
            for required in schema["required"].as_array().into_iter().flatten() {
                let key = required.as_str().unwrap();
                assert!(fields.contains_key(key), "{at}.{key} is required");
            }
        }
        Value::Array(items) if schema["items"].is_object() => {
            for (i, item) in items.iter().enumerate() {
                conforms(doc, &schema["items"], item, &format!("{at}[{i}]"));
            }
        }
        _ => {}
    }
}

/// `value` fits the JSON schema of `method path`'s `status` answer.
fn answer_fits(doc: &Value, method: &str, path: &str, status: u16, value: &Value) {
    let answer = &doc["paths"][path][method.to_lowercase()]["responses"][status.to_string()];
    let schema = &answer["content"]["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "{method} {path} documents no {status} body"
    );
    conforms(doc, schema, value, &format!("{method} {path} {status}"));
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_lists_both_apis() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert_eq!(doc["info"]["title"], "pairroom");
    let all = operations(&doc);
    let listed: BTreeSet<String> = all.iter().map(|(m, p, _)| format!("{m} {p}")).collect();
    for expected in [
        "POST /api/v1/rooms",
        "GET /api/v1/rooms/{code}/events",
        "POST /api/v1/rooms/{code}/timer/{action}",
        "PUT /api/v1/rooms/{code}/plan",
        "POST /api/v1/rooms/{code}/todos",
        "POST /api/pair-room",
        "GET /api/pair-room/exists",
        "PATCH /api/pair-room/{code}/pair-swap",
        "GET /api/{code}/connect",
        "PATCH /api/{code}/timer/start",
        "POST /api/retrospects",
        "GET /readyz",
    ] {
        assert!(listed.contains(expected), "{expected} is missing");
    }
    let ids: BTreeSet<&str> = all
        .iter()
        .map(|(_, _, op)| op["operationId"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), all.len(), "operation ids are unique");
    for (method, path, operation) in &all {
        // Every `{param}` of the path is declared, and every error has a body.
        let declared: BTreeSet<&str> = operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        let in_path: BTreeSet<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        assert_eq!(declared, in_path, "{method} {path}");
        let answers = operation["responses"].as_object().unwrap();
        assert!(answers.contains_key("default"), "{method} {path}");
        assert!(answers.contains_key("429"), "{method} {path}");
    }
}

/// Every `$ref` anywhere in `value`.
fn refs<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
    match value {
        Value::Object(fields) => {
            if let Some(Value::String(r)) = fields.get("$ref") {
                found.push(r);
            }
            fields.values().for_each(|v| refs(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
        _ => {}
    }
}

#[tokio::test]
async fn every_reference_resolves() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(found.len() > 50, "the document uses its components");
    for r in found {
        let name = r.strip_prefix("#/components/schemas/").expect("local ref");
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "dangling {r}"
        );
    }
}

#[tokio::test]
async fn every_documented_route_exists() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    for (method, path, _) in operations(&doc) {
        if path.ends_with("/events") || path.ends_with("/connect") {
            continue; // Streams: their own tests.
        }
        let concrete = path
            .replace("{code}", &code)
            .replace("{id}", "1")
            .replace("{action}", "pause");
        let (status, answer) = app.send(&method, &concrete, None).await;
        let unrouted = answer["message"] == "no such endpoint" || status == 405;
        assert!(
            !unrouted,
            "{method} {path} is documented but not routed: {status} {answer}"
        );
        assert!(status < 500, "{method} {concrete}: {status} {answer}");
    }
}

#[tokio::test]
async fn real_answers_fit_their_schemas() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let create = json!({
        "participants": ["Ann", "Bob", "Cid"],
        "plan": {"phases": [{"label": "Day", "duration_ms": 60_000}], "auto_advance": true},
        "mission_url": "https://example.com/m",
        "locked": true,
    });
    let created = ok(&app, "POST", "/api/v1/rooms", Some(create), 201).await;
    answer_fits(&doc, "POST", "/api/v1/rooms", 201, &created);
    assert!(created["host_key"].is_string());
    let code = created["room"]["code"].as_str().unwrap().to_owned();
    let key = created["host_key"].as_str().unwrap().to_owned();
    let started = app
        .client
        .post(app.url(&format!("/api/v1/rooms/{code}/timer/start")))
        .header("X-Host-Key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 200);
    let started: Value = started.json().await.unwrap();
    answer_fits(
        &doc,
        "POST",
        "/api/v1/rooms/{code}/timer/{action}",
        200,
        &started,
    );
    assert_eq!(started["room"]["timer"]["state"], "running");

    let todo = json!({"content": "write the test"});
    let added = ok(
        &app,
        "POST",
        &format!("/api/v1/rooms/{code}/todos"),
        Some(todo),
        201,
    )
    .await;
    answer_fits(&doc, "POST", "/api/v1/rooms/{code}/todos", 201, &added);
    let read = ok(&app, "GET", &format!("/api/v1/rooms/{code}"), None, 200).await;
    answer_fits(&doc, "GET", "/api/v1/rooms/{code}", 200, &read);
    let workspace = ok(
        &app,
        "GET",
        &format!("/api/v1/rooms/{code}/workspace"),
        None,
        200,
    )
    .await;
    answer_fits(
        &doc,
        "GET",
        "/api/v1/rooms/{code}/workspace",
        200,
        &workspace,
    );

    let pair = app.pair_room(600_000).await;
    for (path, concrete) in [
        ("/api/pair-room/{code}", format!("/api/pair-room/{pair}")),
        ("/api/{code}/timer", format!("/api/{pair}/timer")),
        ("/api/{code}/todos", format!("/api/{pair}/todos")),
        ("/api/{code}/category", format!("/api/{pair}/category")),
        (
            "/api/retrospects/{code}",
            format!("/api/retrospects/{pair}"),
        ),
    ] {
        let answer = ok(&app, "GET", &concrete, None, 200).await;
        answer_fits(&doc, "GET", path, 200, &answer);
    }
    let category = json!({"value": "docs"});
    let category = ok(
        &app,
        "POST",
        &format!("/api/{pair}/category"),
        Some(category),
        201,
    )
    .await;
    answer_fits(&doc, "POST", "/api/{code}/category", 201, &category);
    let exists = ok(
        &app,
        "GET",
        &format!("/api/pair-room/exists?access_code={pair}"),
        None,
        200,
    )
    .await;
    answer_fits(&doc, "GET", "/api/pair-room/exists", 200, &exists);
    assert_eq!(exists["exists"], true);

    // The checker itself refuses what the schema does not allow.
    let mut wrong = read.clone();
    wrong["room"]["surprise"] = json!(1);
    let refused =
        std::panic::catch_unwind(|| answer_fits(&doc, "GET", "/api/v1/rooms/{code}", 200, &wrong));
    assert!(refused.is_err(), "an undeclared field is caught");
    let (status, error) = app.send("GET", "/api/v1/rooms/zzzz-zzzz-zzzzz", None).await;
    answer_fits(&doc, "GET", "/api/v1/rooms/{code}", status, &error);
}

#[tokio::test]
async fn the_docs_page_is_served_from_the_binary() {
    let app = TestApp::spawn().await;
    let page = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("/assets/docs/docs.js"),
        "the page loads its script"
    );
    assert!(!html.contains("<script>"), "no inline script");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no CDN"
    );
    for asset in ["/assets/docs/docs.js", "/assets/docs/docs.css"] {
        let answer = app.client.get(app.url(asset)).send().await.unwrap();
        assert_eq!(answer.status(), 200, "{asset}");
    }
}
