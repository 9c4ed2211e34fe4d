//! The 코딩해듀오 API under `/api`, over the same service as the native one.
//!
//! Paths, JSON shapes and status codes follow the original service; its
//! defects do not come along: time comes from the deadline, the server
//! rotates roles once per time-up (so the `pair-swap` every open screen
//! sends in reaction is absorbed), and a dropped stream never pauses.

use axum::Json as JsonBody;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::{ApiError, ErrorBody};
use super::extract::{Json, Query};
use super::native::code;
use super::openapi::RoomPath;
use super::{AppState, events};
use crate::domain::{AccessCode, Command, Participants, PhaseDuration, Plan, RoomStatus};
use crate::service::ServiceError;

/// Shortest timer the original accepted: one minute.
const MIN_TIMER_MS: i64 = 60_000;
/// Longest timer the original accepted: 99 minutes.
const MAX_TIMER_MS: i64 = 5_940_000;
/// Longest name the original accepted.
const MAX_NAME_CHARS: usize = 10;

/// Routes of the 코딩해듀오 API.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(exists))
        .routes(routes!(read, delete))
        .routes(routes!(swap))
        .routes(routes!(set_status))
        .routes(routes!(events::coduo, disconnect))
        .routes(routes!(read_timer, update_timer))
        .routes(routes!(start))
        .routes(routes!(stop))
}

type Legacy<T> = Result<T, ApiError>;

fn legacy(e: ServiceError) -> ApiError {
    ApiError::legacy(e)
}

fn legacy_code(raw: &str) -> Legacy<AccessCode> {
    code(raw)
}

/// Body of `POST /pair-room`.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct CreatePairRoom {
    /// The navigator's name, 1 to 10 characters.
    #[schema(min_length = 1, max_length = 10)]
    navigator: String,
    /// The driver's name, 1 to 10 characters, not the navigator's.
    #[schema(min_length = 1, max_length = 10)]
    driver: String,
    /// Sent by the original front end; ignored.
    #[allow(dead_code)]
    pair_id: Option<Value>,
    /// The timer's length in ms, one minute to 99 minutes.
    #[schema(minimum = 60_000, maximum = 5_940_000)]
    timer_duration: i64,
    /// The time left in ms, at most the duration.
    #[schema(minimum = 60_000, maximum = 5_940_000)]
    timer_remaining_time: i64,
    /// The mission's address, at most 1024 characters.
    #[serde(default)]
    #[schema(max_length = 1024)]
    mission_url: String,
}

/// Answer of `POST /pair-room`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct CreatedPairRoom {
    /// The new room's access code.
    access_code: String,
}

fn check_name(name: &str, role: &str) -> Legacy<()> {
    let chars = name.trim().chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS {
        return Err(ApiError::bad_request(format!(
            "the {role}'s name must be 1 to {MAX_NAME_CHARS} characters"
        )));
    }
    Ok(())
}

fn check_time(ms: i64, what: &str) -> Legacy<u64> {
    if !(MIN_TIMER_MS..=MAX_TIMER_MS).contains(&ms) {
        return Err(ApiError::bad_request(format!(
            "{what} must be {MIN_TIMER_MS} to {MAX_TIMER_MS} ms (1 to 99 minutes)"
        )));
    }
    Ok(ms as u64)
}

/// The duration and remaining time as a domain command.
fn timer_setting(duration: i64, remaining: i64) -> Legacy<Command> {
    let duration_ms = check_time(duration, "the timer duration")?;
    let remaining_ms = check_time(remaining, "the remaining time")?;
    if remaining_ms > duration_ms {
        return Err(ApiError::bad_request(
            "the remaining time must not exceed the duration",
        ));
    }
    let duration = PhaseDuration::from_ms(duration_ms).map_err(|e| legacy(e.into()))?;
    Ok(Command::SetPhaseDuration {
        duration,
        remaining_ms: Some(remaining_ms),
    })
}

/// Creates a pair room.
#[utoipa::path(post, path = "/pair-room", tag = "coduo", request_body = CreatePairRoom,
    responses(
        (status = 201, description = "the new room's code", body = CreatedPairRoom),
        (status = 400, description = "invalid names or times", body = ErrorBody),
    ))]
async fn create(
    State(state): State<AppState>,
    Json(body): Json<CreatePairRoom>,
) -> Legacy<(StatusCode, JsonBody<CreatedPairRoom>)> {
    check_name(&body.driver, "driver")?;
    check_name(&body.navigator, "navigator")?;
    let participants =
        Participants::parse(&[&body.driver, &body.navigator]).map_err(|e| legacy(e.into()))?;
    let setting = timer_setting(body.timer_duration, body.timer_remaining_time)?;
    if body.mission_url.chars().count() > 1024 {
        return Err(ApiError::bad_request(
            "the mission URL has at most 1024 characters",
        ));
    }
    let duration =
        PhaseDuration::from_ms(body.timer_duration as u64).map_err(|e| legacy(e.into()))?;
    let url = body.mission_url.trim().to_owned();
    let snapshot = state
        .service
        .create(participants, Plan::single("Round", duration), |room| {
            let mut room = room.with_mission_url(url.clone());
            let now = room.created_at_ms();
            room.apply(setting.clone(), now)?;
            Ok(room)
        })
        .await
        .map_err(legacy)?;
    let access_code = snapshot.room.code().as_str().to_owned();
    Ok((
        StatusCode::CREATED,
        JsonBody(CreatedPairRoom { access_code }),
    ))
}

/// Answer of `GET /pair-room/{code}`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct PairRoom<'a> {
    /// Who guides now.
    navigator: &'a str,
    /// Who types now.
    driver: &'a str,
    /// `IN_PROGRESS`, `COMPLETED` or `DELETED`.
    #[schema(value_type = PairRoomStatus)]
    status: &'static str,
    /// The timer's length in ms.
    duration: u64,
    /// The time left in ms, from the deadline.
    remaining_time: u64,
    /// The mission's address (or empty).
    mission_url: &'a str,
}

/// A pair room's status in the original's spelling.
#[derive(ToSchema)]
#[schema(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(dead_code)] // Only its schema is used; the handlers read and write the names.
enum PairRoomStatus {
    /// Being worked in.
    InProgress,
    /// Finished.
    Completed,
    /// Deleted.
    Deleted,
}

/// The original's name of a status.
fn status_name(status: RoomStatus) -> &'static str {
    match status {
        RoomStatus::InProgress => "IN_PROGRESS",
        RoomStatus::Completed => "COMPLETED",
        RoomStatus::Deleted => "DELETED",
    }
}

/// Reads a pair room.
#[utoipa::path(get, path = "/pair-room/{code}", tag = "coduo", params(RoomPath),
    responses(
        (status = 200, description = "the room", body = PairRoom),
    ))]
async fn read(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
) -> Legacy<Response> {
    let snapshot = state
        .service
        .read(&legacy_code(&raw)?)
        .await
        .map_err(legacy)?;
    let room = &snapshot.room;
    let order = room.turn_order();
    let view = PairRoom {
        driver: order[0].as_str(),
        navigator: order[1].as_str(),
        status: status_name(room.status()),
        duration: room.timer().phase_duration_ms(),
        remaining_time: room.timer().remaining_ms(snapshot.now_ms),
        mission_url: room.mission_url(),
    };
    Ok(JsonBody(view).into_response())
}

/// Query of `GET /pair-room/exists`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ExistsQuery {
    /// The code to look up.
    access_code: String,
}

/// Answer of `GET /pair-room/exists`.
#[derive(Serialize, ToSchema)]
struct Exists {
    /// Whether a room (not deleted) has this code.
    exists: bool,
}

/// Tells whether a code names a room.
#[utoipa::path(get, path = "/pair-room/exists", tag = "coduo", params(ExistsQuery),
    responses(
        (status = 200, description = "whether the room exists", body = Exists),
        (status = 400, description = "no `access_code` in the query", body = ErrorBody),
    ))]
async fn exists(
    State(state): State<AppState>,
    Query(q): Query<ExistsQuery>,
) -> Legacy<JsonBody<Exists>> {
    let exists = match AccessCode::parse(&q.access_code) {
        Ok(code) => match state.service.read(&code).await {
            Ok(_) => true,
            Err(ServiceError::NotFound | ServiceError::Deleted) => false,
            Err(e) => return Err(legacy(e)),
        },
        Err(_) => false,
    };
    Ok(JsonBody(Exists { exists }))
}

async fn execute(state: &AppState, raw: &str, command: Command) -> Legacy<StatusCode> {
    state
        .service
        .execute(&legacy_code(raw)?, command)
        .await
        .map_err(legacy)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Like [`execute`], but a command that does not fit the state (starting a
/// running timer, pausing a paused one) is silently ignored, as it was.
async fn execute_lenient(state: &AppState, raw: &str, command: Command) -> Legacy<StatusCode> {
    match state.service.execute(&legacy_code(raw)?, command).await {
        Ok(_) | Err(ServiceError::Conflict(_)) => Ok(StatusCode::NO_CONTENT),
        Err(e) => Err(legacy(e)),
    }
}

/// Swaps driver and navigator, unless the server just did at a time-up
/// (the original front end calls this from every screen then).
#[utoipa::path(patch, path = "/pair-room/{code}/pair-swap", tag = "coduo", params(RoomPath),
    responses(
        (status = 204, description = "swapped (or already swapped at the time-up)"),
    ))]
async fn swap(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
) -> Legacy<StatusCode> {
    execute(&state, &raw, Command::RotateUnlessJustRotated).await
}

/// Body of `PATCH /pair-room/{code}/status`.
#[derive(Deserialize, ToSchema)]
struct StatusBody {
    /// The new status.
    #[schema(value_type = PairRoomStatus)]
    status: String,
}

/// Sets a room's status.
#[utoipa::path(patch, path = "/pair-room/{code}/status", tag = "coduo", params(RoomPath),
    request_body = StatusBody,
    responses(
        (status = 204, description = "set"),
        (status = 400, description = "an unknown status, or the room was deleted", body = ErrorBody),
    ))]
async fn set_status(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
    Json(body): Json<StatusBody>,
) -> Legacy<StatusCode> {
    let status = match body.status.as_str() {
        "IN_PROGRESS" => RoomStatus::InProgress,
        "COMPLETED" => RoomStatus::Completed,
        "DELETED" => RoomStatus::Deleted,
        other => {
            return Err(ApiError::bad_request(format!(
                "unknown status {other:?}: expected IN_PROGRESS, COMPLETED or DELETED"
            )));
        }
    };
    execute(&state, &raw, Command::SetStatus(status)).await
}

/// Deletes a pair room.
#[utoipa::path(delete, path = "/pair-room/{code}", tag = "coduo", params(RoomPath),
    responses(
        (status = 204, description = "deleted"),
        (status = 400, description = "the room was already deleted", body = ErrorBody),
    ))]
async fn delete(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
) -> Legacy<StatusCode> {
    execute(&state, &raw, Command::SetStatus(RoomStatus::Deleted)).await
}

/// Ends every open stream of the room (each gets `close: OK`); the timer
/// keeps running.
#[utoipa::path(delete, path = "/{code}/connect", tag = "coduo", params(RoomPath),
    responses(
        (status = 204, description = "the streams were ended"),
    ))]
async fn disconnect(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
) -> Legacy<StatusCode> {
    state
        .service
        .close_streams(&legacy_code(&raw)?)
        .await
        .map_err(legacy)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Starts the timer (a running timer is left alone).
#[utoipa::path(patch, path = "/{code}/timer/start", tag = "coduo", params(RoomPath),
    responses(
        (status = 204, description = "running"),
    ))]
async fn start(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
) -> Legacy<StatusCode> {
    execute_lenient(&state, &raw, Command::Start).await
}

/// Pauses the timer (a paused or idle timer is left alone).
#[utoipa::path(patch, path = "/{code}/timer/stop", tag = "coduo", params(RoomPath),
    responses(
        (status = 204, description = "paused"),
    ))]
async fn stop(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
) -> Legacy<StatusCode> {
    execute_lenient(&state, &raw, Command::Pause).await
}

/// Answer of `GET /{code}/timer`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct TimerInfo {
    /// A number derived from the room's code.
    id: u64,
    /// The timer's length in ms.
    duration: u64,
    /// The time left in ms, from the deadline.
    remaining_time: u64,
}

/// Reads the timer.
#[utoipa::path(get, path = "/{code}/timer", tag = "coduo", params(RoomPath),
    responses(
        (status = 200, description = "the timer", body = TimerInfo),
    ))]
async fn read_timer(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
) -> Legacy<JsonBody<TimerInfo>> {
    let code = legacy_code(&raw)?;
    let snapshot = state.service.read(&code).await.map_err(legacy)?;
    let timer = snapshot.room.timer();
    Ok(JsonBody(TimerInfo {
        id: code.numeric_id(),
        duration: timer.phase_duration_ms(),
        remaining_time: timer.remaining_ms(snapshot.now_ms),
    }))
}

/// Body of `PATCH /{code}/timer`.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct TimerBody {
    /// The new length in ms, one minute to 99 minutes.
    #[schema(minimum = 60_000, maximum = 5_940_000)]
    duration: i64,
    /// The time left in ms, at most the duration.
    #[schema(minimum = 60_000, maximum = 5_940_000)]
    remaining_time: i64,
}

/// Changes the timer's length and remaining time (refused while running).
#[utoipa::path(patch, path = "/{code}/timer", tag = "coduo", params(RoomPath),
    request_body = TimerBody,
    responses(
        (status = 204, description = "changed"),
        (status = 400, description = "invalid times, or the room was deleted", body = ErrorBody),
        (status = 409, description = "the timer is running", body = ErrorBody),
    ))]
async fn update_timer(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
    Json(body): Json<TimerBody>,
) -> Legacy<StatusCode> {
    let command = timer_setting(body.duration, body.remaining_time)?;
    execute(&state, &raw, command).await
}
