//! The web UI: the files of `web/`, embedded in the binary at build time,
//! so that `pairroom serve` needs no other files and no network.
//!
//! The page is one `index.html` that decides by its path whether to show
//! the home page (`/`) or a room (`/r/{code}`); every file of `web/` is
//! served under `/assets/`. Answers carry the file's hash as an `ETag` and
//! `Cache-Control: no-cache`, so a browser revalidates (cheaply, with a
//! 304) and never runs a stale script after an upgrade.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_embed::RustEmbed;

use super::AppState;
use super::error::ApiError;

/// The files of `web/`.
#[derive(RustEmbed)]
#[folder = "web/"]
struct Assets;

/// Routes of the web UI.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(page))
        .route("/r/{code}", get(page))
        .route("/docs", get(docs))
        .route("/assets/{*path}", get(asset))
}

/// The single page, for the home page and every room.
async fn page(headers: HeaderMap) -> Response {
    serve("index.html", &headers)
}

/// The API reference, drawn in the browser from `/api/openapi.json`.
async fn docs(headers: HeaderMap) -> Response {
    serve("docs/index.html", &headers)
}

/// A file of `web/`.
async fn asset(Path(path): Path<String>, headers: HeaderMap) -> Response {
    serve(&path, &headers)
}

/// Answers with the embedded file at `path` (404 JSON if there is none),
/// or 304 when the client's `If-None-Match` names its current hash.
fn serve(path: &str, headers: &HeaderMap) -> Response {
    let outside = path.split(['/', '\\']).any(|part| part == "..");
    let Some(file) = (!outside).then(|| Assets::get(path)).flatten() else {
        return ApiError::new(StatusCode::NOT_FOUND, "no such file").into_response();
    };
    let etag = format!("\"{}\"", hex(&file.metadata.sha256_hash()[..12]));
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = file.data.into_owned().into_response();
        let mime = file.metadata.mimetype();
        let mime = if mime.starts_with("text/") || mime.ends_with("javascript") {
            format!("{mime}; charset=utf-8")
        } else {
            mime.to_owned()
        };
        if let Ok(value) = HeaderValue::from_str(&mime) {
            response.headers_mut().insert(header::CONTENT_TYPE, value);
        }
        response
    };
    let out = response.headers_mut();
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        out.insert(header::ETAG, value);
    }
    out.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// Lower-case hexadecimal of `bytes`.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
