//! Liveness, readiness and metrics, for load balancers, orchestrators and
//! Prometheus.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;

use super::AppState;

/// `/healthz`, `/readyz` and `/metrics`.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(alive))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
}

/// The figures in Prometheus' text format (no room codes in them).
async fn metrics(State(state): State<AppState>) -> Response {
    let body = state.service.metrics_text();
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

/// The readiness answer: each dependency's fault, if it has one.
#[derive(Serialize)]
struct Readiness {
    message: String,
    store: Option<String>,
    bus: Option<String>,
}

/// 200 while the process answers at all.
async fn alive() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "message": "alive" }))
}

/// 200 if the store answers and the bus (if any) is connected; else 503
/// naming what is wrong. Streams and commands may still partly work while
/// not ready (see docs/API.md), but a balancer should prefer ready
/// instances.
async fn ready(State(state): State<AppState>) -> Response {
    let (store, bus) = state.service.faults().await;
    let ready = store.is_none() && bus.is_none();
    let message = match (&store, &bus) {
        (None, None) => "ready".to_owned(),
        (Some(store), _) => store.clone(),
        (None, Some(bus)) => bus.clone(),
    };
    let status = match ready {
        true => StatusCode::OK,
        false => StatusCode::SERVICE_UNAVAILABLE,
    };
    (
        status,
        Json(Readiness {
            message,
            store,
            bus,
        }),
    )
        .into_response()
}
