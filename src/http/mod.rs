//! The HTTP edge: routers for both API dialects over the one service, and
//! the embedded web UI.
//!
//! One router per resource; each handler parses input into domain types,
//! calls the service, and shapes the answer. Every error leaves as
//! [`ApiError`], a JSON `{"message": ...}` with the status that fits.

mod coduo;
mod coduo_workspace;
mod error;
mod events;
mod extract;
mod guard;
mod health;
mod logging;
mod native;
mod openapi;
mod security;
mod web;
mod workspace;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::IntoResponse;
use tokio_util::sync::CancellationToken;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::preview::PreviewFetcher;
use crate::service::RoomService;

pub use error::ApiError;
pub use events::stream_request;

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The application service.
    pub service: Arc<RoomService>,
    /// Base of the `retry:` hint on streams.
    pub retry_base_ms: u64,
    /// Fires when the server shuts down; open streams end.
    pub shutdown: CancellationToken,
    /// Reads link previews, refusing internal addresses.
    pub previews: PreviewFetcher,
    /// Abuse limits per client address.
    pub limits: Arc<crate::limits::Limits>,
}

/// The whole HTTP API. `cors_origins` may call it from other origins,
/// with credentials.
///
/// The middleware every answer goes through (request ids and spans, CORS,
/// security headers, panics as 500, the body limit, abuse limits) wraps the
/// routed API once, as one service, rather than each of its routes
/// (`Router::layer`): a route's layers are boxed one inside the other and
/// copied for every request, a dozen allocations per command that showed
/// in profiles of the busiest benchmark.
pub fn router(state: AppState, cors_origins: &[String]) -> Router {
    let (api, doc) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .nest("/api/v1", native::router().merge(workspace::router()))
        .nest("/api", coduo::router().merge(coduo_workspace::router()))
        .merge(health::router())
        .split_for_parts();
    let doc = openapi::finish(doc);
    let routed = api
        .route("/api/openapi.json", openapi::serve(&doc))
        .merge(web::router())
        .fallback(|| async { ApiError::no_route() })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "method not allowed here",
            )
            .into_response()
        })
        .with_state(state.clone());
    let stack = tower::ServiceBuilder::new()
        .layer(logging::layer())
        .option_layer(cors(cors_origins))
        .layer(security::layer())
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal error",
            )
            .into_response()
        }))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(state, guard::limit))
        .service(routed);
    Router::new().fallback_service(stack)
}

/// A CORS layer for the allowed origins (none: same origin only).
fn cors(origins: &[String]) -> Option<CorsLayer> {
    use axum::http::{HeaderName, HeaderValue, Method, header};
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    if origins.is_empty() {
        return None;
    }
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_credentials(true)
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([
                header::CONTENT_TYPE,
                HeaderName::from_static("last-event-id"),
                HeaderName::from_static("x-host-key"),
            ])
            .max_age(std::time::Duration::from_secs(600)),
    )
}
