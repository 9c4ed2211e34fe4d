//! A local web server for link previews, and the setting that lets the
//! server under test read from it.

use pairroom::config::ServeConfig;

/// Lets the server fetch previews from loopback addresses.
pub fn allow_loopback(config: &mut ServeConfig) {
    config.preview_allow = vec!["127.0.0.0/8".parse().unwrap()];
}

/// Serves one HTML page at `route` on 127.0.0.1; returns the server's
/// `http://127.0.0.1:PORT`.
pub async fn page_server(route: &str, page: &'static str) -> String {
    let app = axum::Router::new().route(
        route,
        axum::routing::get(move || async move { axum::response::Html(page) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}
