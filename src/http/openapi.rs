//! The API contract: an OpenAPI 3.1 document served at `/api/openapi.json`.
//!
//! The routers are built with utoipa-axum, which takes each route's path
//! and method from the handler's own `#[utoipa::path]` annotation, so no
//! route can exist without its documentation, nor the other way round. The
//! document is assembled once, when the router is built.

use axum::http::header;
use axum::response::IntoResponse;
use serde::Deserialize;
use utoipa::openapi::path::Operation;
use utoipa::openapi::{
    Content, HeaderBuilder, ObjectBuilder, Ref, Response, ResponseBuilder, Type,
};
use utoipa::{IntoParams, OpenApi};

use super::error::ErrorBody;

/// The document's fixed parts; the paths come from the routers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "pairroom",
        description = "One countdown timer, roles and notes per room, identical on every screen. \
            `/api/v1` is the native API; `/api` speaks the 코딩해듀오 service's API. \
            Every error answers JSON `{\"message\": ...}`; see docs/API.md for the streams' events.",
        license(name = "MIT", identifier = "MIT"),
    ),
    tags(
        (name = "rooms", description = "Native API: rooms, their timer and roles"),
        (name = "workspace", description = "Native API: a room's todos, links and retrospect"),
        (name = "coduo", description = "The 코딩해듀오 timer protocol"),
        (name = "coduo-workspace", description = "The 코딩해듀오 workspace: todos, categories, links, retrospects, sign-in"),
        (name = "operations", description = "Health and metrics"),
    ),
    components(schemas(ErrorBody))
)]
pub(super) struct ApiDoc;

/// The room a request is about, from its path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub(super) struct RoomPath {
    /// The room's access code (case-insensitive; a malformed code names no
    /// room).
    pub code: String,
}

/// One item of a room, from its path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub(super) struct ItemPath {
    /// The room's access code.
    pub code: String,
    /// The item's id (an unknown or malformed id answers 404).
    pub id: String,
}

/// The `X-Host-Key` header of commands.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // Only its parameter list is used; `extract::Host` reads it.
pub(super) struct HostKeyHeader {
    /// The host key of a locked room (ignored by unlocked rooms).
    #[param(rename = "X-Host-Key")]
    x_host_key: Option<String>,
}

/// Completes the document: gives every operation a unique id, and adds the
/// answers that follow from shared mechanisms rather than from a handler.
/// Any operation may be refused by an abuse limit (429), find the server
/// full or its store unreachable (503), or fail otherwise, always with an
/// error body. One with a `{code}` in its path reads that room first, so
/// it may find none (404) or find it deleted: 410 in the native API, 400
/// in the original's. An operation that documents one of these itself
/// keeps its own description.
pub(super) fn finish(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    for (path, item) in doc.paths.paths.iter_mut() {
        let operations = [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("patch", &mut item.patch),
        ];
        for (method, operation) in operations {
            if let Some(operation) = operation {
                operation.operation_id = Some(operation_id(method, path));
                if path.contains("{code}") {
                    add_room_answers(operation, path.starts_with("/api/v1/"));
                }
                add_common_answers(operation);
            }
        }
    }
    doc
}

/// A unique operation id from the method and path (handler names repeat
/// across routers): `get /api/v1/rooms/{code}` is `get_api_v1_rooms_code`.
fn operation_id(method: &str, path: &str) -> String {
    let words = path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty());
    std::iter::once(method)
        .chain(words)
        .collect::<Vec<_>>()
        .join("_")
}

/// Adds the answers of [`finish`] to one operation, keeping its own.
fn add_common_answers(operation: &mut Operation) {
    let answers = &mut operation.responses.responses;
    answers
        .entry("429".into())
        .or_insert_with(|| error_answer("too many requests from this address", true).into());
    answers.entry("503".into()).or_insert_with(|| {
        error_answer("the server is full or its store is unreachable", true).into()
    });
    answers
        .entry("default".into())
        .or_insert_with(|| error_answer("an error", false).into());
}

/// Adds the answers of an operation that reads the room of its path's
/// `{code}` (see [`finish`]); `native` picks the status of a deleted room.
fn add_room_answers(operation: &mut Operation, native: bool) {
    let answers = &mut operation.responses.responses;
    answers
        .entry("404".into())
        .or_insert_with(|| error_answer("no room with this code", false).into());
    let deleted = if native { "410" } else { "400" };
    answers
        .entry(deleted.into())
        .or_insert_with(|| error_answer("the room was deleted", false).into());
}

/// An error answer with the error body (and `Retry-After` if `retry`).
fn error_answer(description: &str, retry: bool) -> Response {
    let mut answer = ResponseBuilder::new().description(description).content(
        "application/json",
        Content::new(Some(Ref::from_schema_name("Error"))),
    );
    if retry {
        let seconds = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(0));
        answer = answer.header(
            "Retry-After",
            HeaderBuilder::new()
                .schema(seconds)
                .description(Some("seconds to wait before trying again"))
                .build(),
        );
    }
    answer.build()
}

/// The handler of `GET /api/openapi.json`: the document, serialised once.
pub(super) fn serve(
    doc: &utoipa::openapi::OpenApi,
) -> axum::routing::MethodRouter<super::AppState> {
    let json = bytes::Bytes::from(doc.to_json().expect("the document serialises"));
    axum::routing::get(move || {
        let json = json.clone();
        async move { ([(header::CONTENT_TYPE, "application/json")], json).into_response() }
    })
}

#[cfg(test)]
mod tests {
    use super::operation_id;

    #[test]
    fn operation_ids_follow_method_and_path() {
        assert_eq!(
            operation_id("get", "/api/v1/rooms/{code}"),
            "get_api_v1_rooms_code"
        );
        assert_eq!(
            operation_id("patch", "/api/{code}/timer/start"),
            "patch_api_code_timer_start"
        );
    }
}
