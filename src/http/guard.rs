//! The abuse limits in front of every route (see [`crate::limits`]).

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{ApiError, AppState};
use crate::limits::{Kind, Peer};

/// Refuses the request with 429 if its client's bucket is empty; counts a
/// 404 answer to a lookup as a miss.
pub(super) async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let kind = Kind::of(request.method().as_str(), request.uri().path());
    if kind == Kind::Free {
        return next.run(request).await;
    }
    let peer = request
        .extensions()
        .get::<Peer>()
        .map_or(([0, 0, 0, 0], 0).into(), |peer| peer.0);
    let forwarded = request
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    let client = state.limits.client(peer, forwarded);
    if let Err(limited) = state.limits.admit(client, kind) {
        return ApiError::limited(limited).into_response();
    }
    let response = next.run(request).await;
    if response.status() == StatusCode::NOT_FOUND && kind != Kind::Create {
        state.limits.missed(client);
    }
    response
}
