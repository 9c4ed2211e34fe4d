//! Request logging: one span per request with its id, method and path,
//! the path with every room code replaced by its fingerprint and without
//! its query string (which may hold a code too). The id is taken from an
//! incoming `x-request-id` or made fresh, and sent back on the answer.

use axum::body::Body;
use axum::http::{HeaderName, Request};
use tower::ServiceBuilder;
use tower::layer::util::{Identity, Stack};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tracing::Span;

use crate::domain::AccessCode;

/// The header that carries a request's id.
const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The layers that give each request an id and a span.
pub(super) type Layers = ServiceBuilder<
    Stack<
        PropagateRequestIdLayer,
        Stack<
            TraceLayer<SharedClassifier<ServerErrorsAsFailures>, fn(&Request<Body>) -> Span>,
            Stack<SetRequestIdLayer<MakeRequestUuid>, Identity>,
        >,
    >,
>;

/// Request ids and request spans, for every request.
pub(super) fn layer() -> Layers {
    ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(TraceLayer::new_for_http().make_span_with(span as fn(&Request<Body>) -> Span))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
}

/// The span of one request: its id, method and redacted path.
fn span(request: &Request<Body>) -> Span {
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
}

/// `path` with each segment that reads as a room code replaced by
/// `room:FINGERPRINT`.
pub fn redact(path: &str) -> String {
    let mut redacted = String::with_capacity(path.len());
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            redacted.push('/');
        }
        // A code has 13 symbols: shorter segments ("api", "rooms",
        // "timer") are not parsed at all, since this runs for every
        // request.
        match (segment.len() >= 13)
            .then(|| AccessCode::parse(segment).ok())
            .flatten()
        {
            Some(code) => {
                redacted.push_str("room:");
                redacted.push_str(&code.fingerprint());
            }
            None => redacted.push_str(segment),
        }
    }
    redacted
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
