//! The native API under `/api/v1` (see `docs/API.md`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json as JsonBody, Router};
use serde::Deserialize;

use super::error::ApiError;
use super::extract::{Host, Json};
use super::{AppState, events};
use crate::domain::{AccessCode, Command, HostKey, Participants, PhaseDuration, Plan, RoomStatus};
use crate::service::{Envelope, Snapshot};

/// Length of the default plan's one phase: ten minutes.
const DEFAULT_PHASE_MS: u64 = 600_000;

/// Routes of the native API.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/rooms", post(create))
        .route("/rooms/{code}", get(read).delete(delete))
        .route("/rooms/{code}/timer/{action}", post(timer))
        .route("/rooms/{code}/roles/rotate", post(rotate))
        .route("/rooms/{code}/plan", put(set_plan))
        .route("/rooms/{code}/events", get(events::native))
}

/// Body of `POST /rooms`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateRoom {
    participants: Vec<String>,
    plan: Option<Plan>,
    #[serde(default)]
    mission_url: String,
    /// Only the creator (holding the host key in the answer) controls the
    /// timer and roles.
    #[serde(default)]
    locked: bool,
}

/// Longest accepted mission URL.
const MAX_MISSION_URL: usize = 1024;

/// Parses a code from a path; a malformed code names no room (404).
pub(super) fn code(raw: &str) -> Result<AccessCode, ApiError> {
    AccessCode::parse(raw).map_err(|_| crate::service::ServiceError::NotFound.into())
}

/// A snapshot as the JSON envelope, with the room's presence list.
fn envelope(state: &AppState, status: StatusCode, snapshot: &Snapshot) -> Response {
    let present = state.service.hub().present(snapshot.room.code());
    (status, JsonBody(Envelope::new(snapshot, &present))).into_response()
}

async fn create(
    State(state): State<AppState>,
    Json(body): Json<CreateRoom>,
) -> Result<Response, ApiError> {
    let participants =
        Participants::parse(&body.participants).map_err(crate::service::ServiceError::from)?;
    let plan = body.plan.unwrap_or_else(|| {
        Plan::single(
            "Round",
            PhaseDuration::from_ms(DEFAULT_PHASE_MS).expect("valid"),
        )
    });
    if body.mission_url.chars().count() > MAX_MISSION_URL {
        return Err(ApiError::bad_request(
            "the mission URL has at most 1024 characters",
        ));
    }
    let url = body.mission_url.trim().to_owned();
    let key = match body.locked {
        true => Some(new_host_key()?),
        false => None,
    };
    let snapshot = state
        .service
        .create(participants, plan, |room| {
            let room = room.with_mission_url(url.clone());
            Ok(match &key {
                Some(key) => room.locked_with(key),
                None => room,
            })
        })
        .await?;
    let present = state.service.hub().present(snapshot.room.code());
    let mut answer = serde_json::to_value(Envelope::new(&snapshot, &present))
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    if let Some(key) = key {
        // Shown once: the room keeps only its digest.
        answer["host_key"] = key.as_str().into();
    }
    Ok((StatusCode::CREATED, JsonBody(answer)).into_response())
}

/// A fresh host key from the operating system's CSPRNG.
fn new_host_key() -> Result<HostKey, ApiError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("no randomness available: {e}"),
        )
    })?;
    Ok(HostKey::from_random(bytes))
}

async fn read(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let snapshot = state.service.read(&code(&raw)?).await?;
    Ok(envelope(&state, StatusCode::OK, &snapshot))
}

async fn run(
    state: &AppState,
    raw: &str,
    command: Command,
    key: Option<HostKey>,
) -> Result<Response, ApiError> {
    let outcome = state
        .service
        .execute_as(&code(raw)?, command, key.as_ref())
        .await?;
    let present = state.service.hub().present(outcome.snapshot.room.code());
    let body = Envelope::changed(&outcome.snapshot, &present, &outcome.causes);
    Ok((StatusCode::OK, JsonBody(body)).into_response())
}

async fn timer(
    State(state): State<AppState>,
    Host(key): Host,
    Path((raw, action)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let command = match action.as_str() {
        "start" => Command::Start,
        "pause" => Command::Pause,
        "reset" => Command::Reset,
        "skip" => Command::Skip,
        _ => return Err(ApiError::no_route()),
    };
    run(&state, &raw, command, key).await
}

async fn rotate(
    State(state): State<AppState>,
    Host(key): Host,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    run(&state, &raw, Command::Rotate, key).await
}

async fn set_plan(
    State(state): State<AppState>,
    Host(key): Host,
    Path(raw): Path<String>,
    Json(plan): Json<Plan>,
) -> Result<Response, ApiError> {
    run(&state, &raw, Command::SetPlan(plan), key).await
}

async fn delete(
    State(state): State<AppState>,
    Host(key): Host,
    Path(raw): Path<String>,
) -> Result<StatusCode, ApiError> {
    let command = Command::SetStatus(RoomStatus::Deleted);
    state
        .service
        .execute_as(&code(&raw)?, command, key.as_ref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
