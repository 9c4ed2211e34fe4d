//! Why a link preview could not be made.

use std::net::IpAddr;

use reqwest::StatusCode;

/// Why [`super::PreviewFetcher::try_fetch`] gave up. Previews are
/// best-effort, so callers normally only log this; the variants exist so
/// that tests and logs can tell a refused address from a slow or odd page.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PreviewError {
    /// The URL (or a redirect target) is unparsable, has no host, or is not
    /// `http`/`https`: only web pages get previews.
    #[error("not an http(s) URL with a host")]
    BadUrl,
    /// The host is, or resolves only to, an address the server must not
    /// reach (loopback, private, link-local, ...), which would be SSRF.
    #[error("address {0} is not allowed")]
    Forbidden(IpAddr),
    /// The whole fetch, redirects and body included, exceeded the
    /// configured timeout, so that a slow page cannot hold a request.
    #[error("the page took too long")]
    Timeout,
    /// More redirects than configured: loops and long chains are cut off.
    #[error("too many redirects")]
    TooManyRedirects,
    /// The response is not `text/html`, so there is nothing to preview.
    #[error("the response is not HTML")]
    NotHtml,
    /// The server answered with a non-success status.
    #[error("the server answered {0}")]
    Http(StatusCode),
    /// Connecting, DNS or reading failed; holds the full error chain as
    /// text so that the error stays cheap to clone and compare.
    #[error("transport error: {0}")]
    Io(String),
}
