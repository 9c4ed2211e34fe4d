//! The HTTP edge: routers for both API dialects over the one service.
//!
//! One router per resource; each handler parses input into domain types,
//! calls the service, and shapes the answer. Every error leaves as
//! [`ApiError`], a JSON `{"message": ...}` with the status that fits.

mod coduo;
mod error;
mod events;
mod extract;
mod native;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::IntoResponse;
use tokio_util::sync::CancellationToken;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

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
}

/// The whole HTTP API.
pub fn router(state: AppState) -> Router {
    Router::new()
        .nest("/api/v1", native::router())
        .nest("/api", coduo::router())
        .fallback(|| async { ApiError::no_route() })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "method not allowed here",
            )
            .into_response()
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal error",
            )
            .into_response()
        }))
        .with_state(state)
}
