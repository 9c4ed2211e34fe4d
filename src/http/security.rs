//! Headers that make browsers hold pages and answers to the least they
//! need: no inline script, no framing, no sniffing, and no Referer that
//! would carry a room's code (the only key to it) to another site.

use axum::http::{HeaderName, HeaderValue, header};
use tower::ServiceBuilder;
use tower::layer::util::{Identity, Stack};
use tower_http::set_header::SetResponseHeaderLayer;

/// The Content-Security-Policy of every answer. Scripts, styles, workers
/// and fetches come from this origin only, with nothing inline; link
/// previews may show images from any http(s) site; no page may frame ours.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data: http: https:; connect-src 'self'; worker-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// One header set on every answer that does not set it itself.
type Header = SetResponseHeaderLayer<HeaderValue>;

/// The layers that add the security headers.
pub(super) type Layers = ServiceBuilder<
    Stack<Header, Stack<Header, Stack<Header, Stack<Header, Stack<Header, Identity>>>>>,
>;

/// Adds the security headers to every answer that does not set them
/// itself.
pub(super) fn layer() -> Layers {
    let header = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    ServiceBuilder::new()
        .layer(header(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::REFERRER_POLICY, "no-referrer"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ))
}
