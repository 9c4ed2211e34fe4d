//! End-to-end tests of the fetcher against a local axum server. Only
//! 127.0.0.1 and ::1 are ever contacted: every other address in these tests
//! must be refused before any connection is attempted.

mod server;

use std::net::IpAddr;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::{PreviewConfig, PreviewError, PreviewFetcher};
use crate::domain::workspace::Preview;
use server::{BIG_TOTAL, serve};

/// The default limits, but allowing the loopback IPv4 range where the
/// test server listens (and nothing else, not even ::1).
fn loopback_config() -> PreviewConfig {
    PreviewConfig {
        allow: vec!["127.0.0.0/8".parse().expect("net")],
        ..PreviewConfig::default()
    }
}

/// A fetcher with [`loopback_config`].
fn loopback_fetcher() -> PreviewFetcher {
    PreviewFetcher::new(loopback_config())
}

/// Parses a test literal.
fn ip(text: &str) -> IpAddr {
    text.parse().expect("test address")
}

/// All four fields are read, with entities decoded and the image made absolute.
#[tokio::test]
async fn reads_title_and_open_graph() {
    let server = serve().await;
    let preview = loopback_fetcher()
        .try_fetch(&server.url("/page"))
        .await
        .expect("preview");
    assert_eq!(
        preview,
        Preview {
            head_title: "Pairing & Rooms".into(),
            og_title: "Pair & Share".into(),
            description: "Timers <for> pairs".into(),
            image: server.url("/img/card.png"),
        }
    );
}

/// The content type is matched case-insensitively, parameters ignored.
#[tokio::test]
async fn accepts_html_with_odd_case_and_parameters() {
    let server = serve().await;
    let preview = loopback_fetcher().fetch(&server.url("/odd-type")).await;
    assert_eq!(preview.head_title, "odd");
}

/// A stalling page is abandoned at the timeout, not when it answers.
#[tokio::test]
async fn slow_page_times_out() {
    let server = serve().await;
    let fetcher = PreviewFetcher::new(PreviewConfig {
        timeout: Duration::from_millis(500),
        ..loopback_config()
    });
    let start = Instant::now();
    let result = fetcher.try_fetch(&server.url("/slow")).await;
    assert_eq!(result, Err(PreviewError::Timeout));
    assert!(
        start.elapsed() < Duration::from_millis(1500),
        "{:?}",
        start.elapsed()
    );
}

/// Redirects to forbidden literals are refused without connecting.
#[tokio::test]
async fn redirect_to_forbidden_address_is_refused_before_connecting() {
    let server = serve().await;
    let fetcher = loopback_fetcher();
    let to_private = server.url("/go?to=http://10.0.0.1/");
    let start = Instant::now();
    let result = fetcher.try_fetch(&to_private).await;
    assert_eq!(result, Err(PreviewError::Forbidden(ip("10.0.0.1"))));
    // A connection attempt to 10.0.0.1 would hang until the timeout.
    assert!(start.elapsed() < Duration::from_secs(1));
    let port = server.addr.port();
    let to_v6 = server.url(&format!("/go?to=http://[::1]:{port}/page"));
    let result = fetcher.try_fetch(&to_v6).await;
    assert_eq!(result, Err(PreviewError::Forbidden(ip("::1"))));
    let to_mapped = server.url("/go?to=http://[::ffff:a9fe:a9fe]/");
    let result = fetcher.try_fetch(&to_mapped).await;
    assert_eq!(
        result,
        Err(PreviewError::Forbidden(ip("::ffff:169.254.169.254")))
    );
}

/// A redirect cannot lead to a non-web scheme.
#[tokio::test]
async fn redirect_to_bad_scheme_is_refused() {
    let server = serve().await;
    let result = loopback_fetcher()
        .try_fetch(&server.url("/go?to=file:///etc/passwd"))
        .await;
    assert_eq!(result, Err(PreviewError::BadUrl));
}

/// Exactly `max_redirects` hops are followed, one more is refused.
#[tokio::test]
async fn follows_at_most_max_redirects() {
    let server = serve().await;
    let fetcher = loopback_fetcher();
    let three = fetcher.try_fetch(&server.url("/chain/3")).await;
    assert_eq!(three.map(|p| p.og_title), Ok("Pair & Share".into()));
    let four = fetcher.try_fetch(&server.url("/chain/4")).await;
    assert_eq!(four, Err(PreviewError::TooManyRedirects));
}

/// Non-HTML responses give NotHtml, and an empty preview from `fetch`.
#[tokio::test]
async fn non_html_is_not_parsed() {
    let server = serve().await;
    let fetcher = loopback_fetcher();
    for path in ["/json", "/png"] {
        let result = fetcher.try_fetch(&server.url(path)).await;
        assert_eq!(result, Err(PreviewError::NotHtml), "{path}");
        assert_eq!(fetcher.fetch(&server.url(path)).await, Preview::default());
    }
}

/// A non-success status is reported as such.
#[tokio::test]
async fn error_status_is_reported() {
    let server = serve().await;
    let result = loopback_fetcher().try_fetch(&server.url("/missing")).await;
    assert_eq!(
        result,
        Err(PreviewError::Http(reqwest::StatusCode::NOT_FOUND))
    );
}

/// A huge body is read only up to the cap, and the preview still works.
#[tokio::test]
async fn oversized_body_is_cut_at_the_cap() {
    let server = serve().await;
    let start = Instant::now();
    let preview = loopback_fetcher()
        .try_fetch(&server.url("/big"))
        .await
        .expect("preview");
    assert_eq!(preview.head_title, "Big page");
    let sent = server.big_sent.load(Ordering::SeqCst);
    assert!(sent < BIG_TOTAL / 2, "server produced {sent} bytes");
    // The whole body takes ~400 ms to stream; the capped read is quicker,
    // and the server stops soon after the connection is dropped.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let sent = server.big_sent.load(Ordering::SeqCst);
    assert!(sent < BIG_TOTAL, "server produced all {sent} bytes");
    assert!(start.elapsed() < Duration::from_secs(3));
}

/// Loopback, by literal or by name, is refused by default.
#[tokio::test]
async fn loopback_is_refused_without_allow_list() {
    let server = serve().await;
    let fetcher = PreviewFetcher::new(PreviewConfig::default());
    let port = server.addr.port();
    let by_ip = fetcher
        .try_fetch(&format!("http://127.0.0.1:{port}/page"))
        .await;
    assert_eq!(by_ip, Err(PreviewError::Forbidden(ip("127.0.0.1"))));
    let by_name = fetcher
        .try_fetch(&format!("http://localhost:{port}/page"))
        .await;
    assert!(
        matches!(by_name, Err(PreviewError::Forbidden(addr)) if addr.is_loopback()),
        "{by_name:?}"
    );
    assert_eq!(
        fetcher.fetch(&server.url("/page")).await,
        Preview::default()
    );
}

/// A name resolving to allowed and refused addresses uses the allowed one.
#[tokio::test]
async fn resolver_keeps_only_allowed_addresses() {
    let server = serve().await;
    let port = server.addr.port();
    let preview = loopback_fetcher()
        .try_fetch(&format!("http://localhost:{port}/page"))
        .await
        .expect("preview via localhost");
    assert_eq!(preview.head_title, "Pairing & Rooms");
}

/// Only http(s) URLs with a host are fetched.
#[tokio::test]
async fn bad_urls_are_refused() {
    let fetcher = loopback_fetcher();
    for url in [
        "ftp://example.com/file",
        "file:///etc/passwd",
        "mailto:someone@example.com",
        "data:text/html,<title>x</title>",
        "http://",
        "https://",
        "not a url",
        "",
        "http://exa mple.com/",
    ] {
        assert_eq!(
            fetcher.try_fetch(url).await,
            Err(PreviewError::BadUrl),
            "{url}"
        );
    }
}

/// The fetcher can be shared across tasks, and the defaults are as documented.
#[test]
fn fetcher_is_cheap_to_share() {
    /// Compiles only for shareable, cloneable types.
    fn assert_send_sync_clone<T: Send + Sync + Clone>() {}
    assert_send_sync_clone::<PreviewFetcher>();
    let config = PreviewConfig::default();
    assert_eq!(config.timeout, Duration::from_secs(3));
    assert_eq!(config.max_bytes, 1_048_576);
    assert_eq!(config.max_redirects, 3);
    assert!(config.allow.is_empty());
}
