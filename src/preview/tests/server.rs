//! A local page server for the fetcher tests, bound to 127.0.0.1 on a free
//! port, so the tests never depend on (or touch) the outside network.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;

/// The page with every preview field, including entities, a relative image
/// and whitespace in the title.
pub(super) const PAGE: &str = r#"<!doctype html><html><head>
<title>
   Pairing &amp;   Rooms
</title>
<meta property="og:title" content="Pair &amp; Share">
<meta name="description" content="Fallback description">
<meta property="og:description" content="Timers &lt;for&gt; pairs">
<meta property="og:image" content="/img/card.png">
</head><body><h1>Hi</h1></body></html>"#;

/// Size of the streamed oversized body: 5 MiB.
pub(super) const BIG_TOTAL: usize = 5 * 1024 * 1024;
/// Size of each chunk of the oversized body.
const BIG_CHUNK: usize = 64 * 1024;

/// A running test server.
pub(super) struct TestServer {
    /// Where it listens.
    pub(super) addr: SocketAddr,
    /// How many bytes of the oversized body it has produced so far.
    pub(super) big_sent: Arc<AtomicUsize>,
}

impl TestServer {
    /// `http://127.0.0.1:PORT{path}`.
    pub(super) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// Starts the server in the background; it lives as long as the test's
/// runtime.
pub(super) async fn serve() -> TestServer {
    let big_sent = Arc::new(AtomicUsize::new(0));
    let app = Router::new()
        .route("/page", get(|| async { html(PAGE) }))
        .route("/odd-type", get(odd_type))
        .route("/slow", get(slow))
        .route("/go", get(go))
        .route("/chain/{n}", get(chain))
        .route("/json", get(|| async { typed("application/json", "{}") }))
        .route("/png", get(|| async { typed("image/png", "\u{89}PNG") }))
        .route("/missing", get(|| async { StatusCode::NOT_FOUND }))
        .route("/big", get(big))
        .with_state(Arc::clone(&big_sent));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind test server");
    let addr = listener.local_addr().expect("test server address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    TestServer { addr, big_sent }
}

/// A response with the given content type.
fn typed(content_type: &'static str, body: &'static str) -> Response {
    ([(CONTENT_TYPE, content_type)], body).into_response()
}

/// An HTML response.
fn html(body: &'static str) -> Response {
    typed("text/html; charset=utf-8", body)
}

/// HTML declared with unusual letter case and parameters.
async fn odd_type() -> Response {
    typed("Text/HTML ; Charset=UTF-8", "<title>odd</title>")
}

/// A page that takes far longer than any test timeout.
async fn slow() -> Response {
    tokio::time::sleep(Duration::from_secs(5)).await;
    html("<title>too late</title>")
}

/// Redirects to the `to` query parameter.
async fn go(Query(query): Query<HashMap<String, String>>) -> Response {
    let to = query.get("to").cloned().unwrap_or_default();
    redirect(&to)
}

/// `/chain/N` redirects (relatively) to `/chain/N-1`; `/chain/0` is the page.
async fn chain(Path(n): Path<u32>) -> Response {
    match n.checked_sub(1) {
        Some(next) => redirect(&next.to_string()),
        None => html(PAGE),
    }
}

/// A 302 to `to`.
fn redirect(to: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(to) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}

/// Streams a 5 MiB HTML body, title first, a chunk at a time and a little
/// slowly, counting what it produced, so a test can see reading stopped.
async fn big(State(sent): State<Arc<AtomicUsize>>) -> Response {
    let head = Bytes::from_static(b"<html><head><title>Big page</title></head><body>");
    let stream = futures_util::stream::unfold(0usize, move |produced| {
        let sent = Arc::clone(&sent);
        let head = head.clone();
        async move {
            if produced >= BIG_TOTAL {
                return None;
            }
            if produced > 0 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            let mut chunk = vec![b'x'; BIG_CHUNK.min(BIG_TOTAL - produced)];
            if produced == 0 {
                chunk[..head.len()].copy_from_slice(&head);
            }
            sent.fetch_add(chunk.len(), Ordering::SeqCst);
            Some((
                Ok::<_, Infallible>(Bytes::from(chunk)),
                produced + BIG_CHUNK,
            ))
        }
    });
    let mut response = Body::from_stream(stream).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
    response
}
