//! The native API under `/api/v1` (see `docs/API.md`).

use axum::Json as JsonBody;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::{ApiError, ErrorBody};
use super::extract::{Host, Json};
use super::openapi::{HostKeyHeader, RoomPath};
use super::{AppState, events};
use crate::domain::{AccessCode, Command, HostKey, Participants, PhaseDuration, Plan, RoomStatus};
use crate::service::schema::{NameShape, PlanShape};
use crate::service::{Envelope, Snapshot};

/// Length of the default plan's one phase: ten minutes.
const DEFAULT_PHASE_MS: u64 = 600_000;

/// Routes of the native API.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(read, delete))
        .routes(routes!(timer))
        .routes(routes!(rotate))
        .routes(routes!(set_plan))
        .routes(routes!(events::native))
}

/// Body of `POST /rooms`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CreateRoom {
    /// 2 to 12 distinct names of 1 to 20 characters (after trimming), in
    /// turn order: the first drives, the second navigates.
    #[schema(value_type = Vec<NameShape>, min_items = 2, max_items = 12)]
    participants: Vec<String>,
    /// The timer's plan; by default one phase of ten minutes.
    #[schema(value_type = Option<PlanShape>)]
    plan: Option<Plan>,
    /// The mission's address, at most 1024 characters.
    #[serde(default)]
    #[schema(max_length = 1024)]
    mission_url: String,
    /// Only the creator (holding the host key in the answer) controls the
    /// timer and roles.
    #[serde(default)]
    locked: bool,
}

/// Answer of `POST /rooms`: the new room, and its host key if locked.
#[derive(Serialize, ToSchema)]
struct Created<'a> {
    #[serde(flatten)]
    envelope: Envelope<'a>,
    /// The key that controls a locked room, sent as `X-Host-Key`. Shown
    /// only here: the room keeps only its digest.
    #[serde(skip_serializing_if = "Option::is_none")]
    host_key: Option<&'a str>,
}

/// The timer command of `POST /rooms/{code}/timer/{action}`.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)] // Only its schema is used; [`timer`] reads the text.
enum TimerAction {
    /// Start or resume.
    Start,
    /// Pause, keeping the remaining time.
    Pause,
    /// Back to the start of the current phase, idle.
    Reset,
    /// Complete the current phase now (roles rotate).
    Skip,
}

/// The path of a timer command.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // Only its parameter list is used.
struct TimerPath {
    /// The room's access code.
    code: String,
    /// What to do.
    #[param(inline)]
    action: TimerAction,
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

/// Creates a room.
#[utoipa::path(post, path = "/rooms", tag = "rooms",
    request_body = CreateRoom,
    responses(
        (status = 201, description = "the new room", body = Created),
        (status = 400, description = "invalid participants, plan or URL", body = ErrorBody),
    ))]
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
    let answer = Created {
        envelope: Envelope::new(&snapshot, &present),
        host_key: key.as_ref().map(HostKey::as_str),
    };
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

/// Reads a room.
#[utoipa::path(get, path = "/rooms/{code}", tag = "rooms", params(RoomPath),
    responses(
        (status = 200, description = "the room", body = Envelope),
    ))]
async fn read(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
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

/// Starts, pauses, resets or skips the timer.
#[utoipa::path(post, path = "/rooms/{code}/timer/{action}", tag = "rooms",
    params(TimerPath, HostKeyHeader),
    responses(
        (status = 200, description = "the room after the command", body = Envelope),
        (status = 403, description = "the room is locked and the host key is missing or wrong", body = ErrorBody),
        (status = 404, description = "no room with this code, or no such action", body = ErrorBody),
        (status = 409, description = "the command does not fit the timer's state", body = ErrorBody),
    ))]
async fn timer(
    State(state): State<AppState>,
    Host(key): Host,
    Path((raw, action)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    // Read as text so that an unknown action is an unknown route (404).
    let command = match action.as_str() {
        "start" => Command::Start,
        "pause" => Command::Pause,
        "reset" => Command::Reset,
        "skip" => Command::Skip,
        _ => return Err(ApiError::no_route()),
    };
    run(&state, &raw, command, key).await
}

/// Rotates the roles: the driver goes last, the navigator drives.
#[utoipa::path(post, path = "/rooms/{code}/roles/rotate", tag = "rooms",
    params(RoomPath, HostKeyHeader),
    responses(
        (status = 200, description = "the room after the rotation", body = Envelope),
        (status = 403, description = "the room is locked and the host key is missing or wrong", body = ErrorBody),
    ))]
async fn rotate(
    State(state): State<AppState>,
    Host(key): Host,
    Path(RoomPath { code: raw }): Path<RoomPath>,
) -> Result<Response, ApiError> {
    run(&state, &raw, Command::Rotate, key).await
}

/// Replaces the timer's plan (refused while it runs).
#[utoipa::path(put, path = "/rooms/{code}/plan", tag = "rooms",
    params(RoomPath, HostKeyHeader), request_body = PlanShape,
    responses(
        (status = 200, description = "the room with its new plan", body = Envelope),
        (status = 400, description = "an invalid plan", body = ErrorBody),
        (status = 403, description = "the room is locked and the host key is missing or wrong", body = ErrorBody),
        (status = 409, description = "the timer is running", body = ErrorBody),
    ))]
async fn set_plan(
    State(state): State<AppState>,
    Host(key): Host,
    Path(RoomPath { code: raw }): Path<RoomPath>,
    Json(plan): Json<Plan>,
) -> Result<Response, ApiError> {
    run(&state, &raw, Command::SetPlan(plan), key).await
}

/// Deletes a room: it accepts nothing more and reads as gone.
#[utoipa::path(delete, path = "/rooms/{code}", tag = "rooms",
    params(RoomPath, HostKeyHeader),
    responses(
        (status = 204, description = "deleted"),
        (status = 403, description = "the room is locked and the host key is missing or wrong", body = ErrorBody),
        (status = 410, description = "the room was already deleted", body = ErrorBody),
    ))]
async fn delete(
    State(state): State<AppState>,
    Host(key): Host,
    Path(RoomPath { code: raw }): Path<RoomPath>,
) -> Result<StatusCode, ApiError> {
    let command = Command::SetStatus(RoomStatus::Deleted);
    state
        .service
        .execute_as(&code(&raw)?, command, key.as_ref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
