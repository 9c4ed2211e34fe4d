//! Request logging: one span per request with its id, method and path,
//! the path with every room code replaced by its fingerprint and without
//! its query string (which may hold a code too). The id is taken from an
//! incoming `x-request-id` or made fresh, and sent back on the answer.

use axum::Router;
use axum::http::{HeaderName, Request};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::domain::AccessCode;

/// The header that carries a request's id.
const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Wraps `router` with request ids and request spans.
pub(super) fn layers<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let trace = TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
        let id = request
            .headers()
            .get(&REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        tracing::info_span!(
            "request",
            id = %id,
            method = %request.method(),
            path = %redact(request.uri().path()),
        )
    });
    router
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(trace)
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// `path` with each segment that reads as a room code replaced by
/// `room:FINGERPRINT`.
pub fn redact(path: &str) -> String {
    path.split('/')
        .map(|segment| match AccessCode::parse(segment) {
            Ok(code) => format!("room:{}", code.fingerprint()),
            Err(_) => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_in_paths_become_fingerprints() {
        let code = AccessCode::from_random([3; 9]);
        let path = format!("/api/v1/rooms/{}/timer/start", code.as_str());
        let redacted = redact(&path);
        assert!(!redacted.contains(code.as_str()), "{redacted}");
        assert_eq!(
            redacted,
            format!("/api/v1/rooms/room:{}/timer/start", code.fingerprint())
        );
        assert_eq!(redact("/api/v1/rooms"), "/api/v1/rooms");
        assert_eq!(redact("/assets/app.js"), "/assets/app.js");
    }

    #[test]
    fn codes_typed_in_other_cases_are_caught_too() {
        let code = AccessCode::from_random([9; 9]);
        let shouted = code.as_str().to_uppercase();
        let redacted = redact(&format!("/r/{shouted}"));
        assert_eq!(redacted, format!("/r/room:{}", code.fingerprint()));
    }
}
