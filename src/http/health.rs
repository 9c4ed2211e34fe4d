//! Liveness, readiness and metrics, for load balancers, orchestrators and
//! Prometheus.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::AppState;

/// `/healthz`, `/readyz` and `/metrics`.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(alive))
        .routes(routes!(ready))
        .routes(routes!(metrics))
}

/// The figures in Prometheus' text format (no room codes in them).
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format", body = String,
        content_type = "text/plain; version=0.0.4; charset=utf-8")))]
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
#[derive(Serialize, ToSchema)]
struct Readiness {
    /// `ready`, or the first fault.
    message: String,
    /// What is wrong with the store, if anything.
    store: Option<String>,
    /// What is wrong with the bus, if anything.
    bus: Option<String>,
}

/// The liveness answer.
#[derive(Serialize, ToSchema)]
struct Alive {
    /// Always `alive`.
    message: &'static str,
}

/// 200 while the process answers at all.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "the process answers", body = Alive)))]
async fn alive() -> Json<Alive> {
    Json(Alive { message: "alive" })
}

/// 200 if the store answers and the bus (if any) is connected; else 503
/// naming what is wrong. Streams and commands may still partly work while
/// not ready (see docs/API.md), but a balancer should prefer ready
/// instances.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "ready", body = Readiness),
        (status = 503, description = "the store or the bus is unreachable", body = Readiness),
    ))]
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
