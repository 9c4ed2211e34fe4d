//! The stream endpoints as axum handlers (the path for requests that arrive
//! on a connection already used by another request; fresh connections take
//! the lean path in [`crate::server`], which serves the same streams).

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;

use super::AppState;
use super::error::ApiError;
use crate::streams::{self, Dialect, StreamRequest};

/// Builds a stream request from the path's code, the raw query string and
/// the `Last-Event-ID` header (shared with the lean path).
pub fn stream_request(
    code: &str,
    dialect: Dialect,
    query: Option<&str>,
    last_event_id_header: Option<&str>,
    retry_base_ms: u64,
) -> StreamRequest {
    let params: HashMap<String, String> = query
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let flag = |key: &str| {
        params
            .get(key)
            .is_some_and(|v| matches!(v.as_str(), "1" | "true" | "yes"))
    };
    StreamRequest {
        code: code.to_owned(),
        dialect,
        ticks: flag("ticks"),
        name: params.get("name").cloned(),
        last_event_id: last_event_id_header
            .map(str::to_owned)
            .or_else(|| params.get("last_event_id").cloned()),
        retry_base_ms,
    }
}

async fn respond(state: AppState, request: StreamRequest) -> Response {
    let legacy = request.dialect == Dialect::Coduo;
    match streams::open(&state.service, request).await {
        Ok(stream) => {
            let chunks = stream
                .into_stream()
                .take_until(state.shutdown.clone().cancelled_owned())
                .map(Ok::<_, std::convert::Infallible>);
            let mut response = Body::from_stream(chunks).into_response();
            for (name, value) in streams::HEADERS {
                response
                    .headers_mut()
                    .insert(name, HeaderValue::from_static(value));
            }
            response
        }
        Err(e) if legacy => ApiError::legacy(e).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// What a stream request carries besides the state: the room code, the
/// query string and the headers.
#[derive(FromRequestParts)]
pub(super) struct StreamParams {
    code: Path<String>,
    query: RawQuery,
    headers: HeaderMap,
}

impl StreamParams {
    /// The stream request in `dialect`.
    fn into_request(self, dialect: Dialect, retry_base_ms: u64) -> StreamRequest {
        let last_event_id = self
            .headers
            .get("last-event-id")
            .and_then(|v| v.to_str().ok());
        stream_request(
            &self.code.0,
            dialect,
            self.query.0.as_deref(),
            last_event_id,
            retry_base_ms,
        )
    }
}

/// The query a stream request may carry.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Only its parameter list is used; [`stream_request`] reads them.
pub(super) struct StreamQuery {
    /// Who watches: listed in the room's `present` while the stream is open.
    #[param(max_length = 20)]
    name: Option<String>,
    /// `1` adds a `tick` event each second while the timer runs.
    ticks: Option<String>,
    /// On a first connect: the last version seen (as `Last-Event-ID`).
    last_event_id: Option<String>,
}

/// `GET /api/v1/rooms/{code}/events`: the room's event stream.
#[utoipa::path(get, path = "/rooms/{code}/events", tag = "rooms",
    params(super::openapi::RoomPath, StreamQuery, ("Last-Event-ID" = Option<String>, Header,
        description = "the last version seen: equal to the room's, no snapshot is sent")),
    responses(
        (status = 200, content_type = "text/event-stream", body = String,
            description = "Server-sent events: `snapshot` first (unless resumed), then one event \
                per change (`timer`, `roles`, `plan`, `workspace`, `status`, `presence`), \
                `tick` if asked; each `id` is the room's version"),
    ))]
pub(super) async fn native(State(state): State<AppState>, params: StreamParams) -> Response {
    let request = params.into_request(Dialect::Native, state.retry_base_ms);
    respond(state, request).await
}

/// `GET /api/{accessCode}/connect`: the 코딩해듀오 event stream.
#[utoipa::path(get, path = "/{code}/connect", tag = "coduo",
    params(super::openapi::RoomPath),
    responses(
        (status = 200, content_type = "text/event-stream", body = String,
            description = "Server-sent events of the original service: `connect`, \
                `remaining-time` each second while running, `timer` (running, start, \
                pause, stop, update), `close`"),
    ))]
pub(super) async fn coduo(State(state): State<AppState>, params: StreamParams) -> Response {
    let request = params.into_request(Dialect::Coduo, state.retry_base_ms);
    respond(state, request).await
}
