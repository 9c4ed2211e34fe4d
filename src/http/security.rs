//! Headers that make browsers hold pages and answers to the least they
//! need: no inline script, no framing, no sniffing, and no Referer that
//! would carry a room's code (the only key to it) to another site.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

/// The Content-Security-Policy of every answer. Scripts, styles, workers
/// and fetches come from this origin only, with nothing inline; link
/// previews may show images from any http(s) site; no page may frame ours.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data: http: https:; connect-src 'self'; worker-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Adds the security headers to every answer of `router` that does not
/// set them itself.
pub(super) fn headers<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let fixed = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    fixed.into_iter().fold(router, |router, (name, value)| {
        router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ))
    })
}
