//! The 코딩해듀오 API under `/api`, over the same service as the native one.
//!
//! Paths, JSON shapes and status codes follow the original service; its
//! defects do not come along: time comes from the deadline, the server
//! rotates roles once per time-up (so the `pair-swap` every open screen
//! sends in reaction is absorbed), and a dropped stream never pauses.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::{Json as JsonBody, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::error::ApiError;
use super::extract::{Json, Query};
use super::native::code;
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
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/pair-room", post(create))
        .route("/pair-room/exists", get(exists))
        .route("/pair-room/{code}", get(read).delete(delete))
        .route("/pair-room/{code}/pair-swap", patch(swap))
        .route("/pair-room/{code}/status", patch(set_status))
        .route("/{code}/connect", get(events::coduo).delete(disconnect))
        .route("/{code}/timer", get(read_timer).patch(update_timer))
        .route("/{code}/timer/start", patch(start))
        .route("/{code}/timer/stop", patch(stop))
}

type Legacy<T> = Result<T, ApiError>;

fn legacy(e: ServiceError) -> ApiError {
    ApiError::legacy(e)
}

fn legacy_code(raw: &str) -> Legacy<AccessCode> {
    code(raw)
}

/// Body of `POST /pair-room`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreatePairRoom {
    navigator: String,
    driver: String,
    #[allow(dead_code)]
    pair_id: Option<Value>,
    timer_duration: i64,
    timer_remaining_time: i64,
    #[serde(default)]
    mission_url: String,
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

async fn create(
    State(state): State<AppState>,
    Json(body): Json<CreatePairRoom>,
) -> Legacy<(StatusCode, JsonBody<Value>)> {
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
    Ok((
        StatusCode::CREATED,
        JsonBody(json!({ "accessCode": snapshot.room.code().as_str() })),
    ))
}

/// Answer of `GET /pair-room/{code}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PairRoom<'a> {
    navigator: &'a str,
    driver: &'a str,
    status: &'static str,
    duration: u64,
    remaining_time: u64,
    mission_url: &'a str,
}

fn status_name(status: RoomStatus) -> &'static str {
    match status {
        RoomStatus::InProgress => "IN_PROGRESS",
        RoomStatus::Completed => "COMPLETED",
        RoomStatus::Deleted => "DELETED",
    }
}

async fn read(State(state): State<AppState>, Path(raw): Path<String>) -> Legacy<JsonBody<Value>> {
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
    Ok(JsonBody(serde_json::to_value(view).expect("serialises")))
}

/// Query of `GET /pair-room/exists`.
#[derive(Deserialize)]
struct ExistsQuery {
    access_code: String,
}

async fn exists(
    State(state): State<AppState>,
    Query(q): Query<ExistsQuery>,
) -> Legacy<JsonBody<Value>> {
    let exists = match AccessCode::parse(&q.access_code) {
        Ok(code) => match state.service.read(&code).await {
            Ok(_) => true,
            Err(ServiceError::NotFound | ServiceError::Deleted) => false,
            Err(e) => return Err(legacy(e)),
        },
        Err(_) => false,
    };
    Ok(JsonBody(json!({ "exists": exists })))
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

async fn swap(State(state): State<AppState>, Path(raw): Path<String>) -> Legacy<StatusCode> {
    execute(&state, &raw, Command::RotateUnlessJustRotated).await
}

/// Body of `PATCH /pair-room/{code}/status`.
#[derive(Deserialize)]
struct StatusBody {
    status: String,
}

async fn set_status(
    State(state): State<AppState>,
    Path(raw): Path<String>,
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

async fn delete(State(state): State<AppState>, Path(raw): Path<String>) -> Legacy<StatusCode> {
    execute(&state, &raw, Command::SetStatus(RoomStatus::Deleted)).await
}

async fn disconnect(State(state): State<AppState>, Path(raw): Path<String>) -> Legacy<StatusCode> {
    state
        .service
        .close_streams(&legacy_code(&raw)?)
        .await
        .map_err(legacy)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn start(State(state): State<AppState>, Path(raw): Path<String>) -> Legacy<StatusCode> {
    execute_lenient(&state, &raw, Command::Start).await
}

async fn stop(State(state): State<AppState>, Path(raw): Path<String>) -> Legacy<StatusCode> {
    execute_lenient(&state, &raw, Command::Pause).await
}

async fn read_timer(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Legacy<JsonBody<Value>> {
    let code = legacy_code(&raw)?;
    let snapshot = state.service.read(&code).await.map_err(legacy)?;
    let timer = snapshot.room.timer();
    Ok(JsonBody(json!({
        "id": code.numeric_id(),
        "duration": timer.phase_duration_ms(),
        "remainingTime": timer.remaining_ms(snapshot.now_ms),
    })))
}

/// Body of `PATCH /{code}/timer`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TimerBody {
    duration: i64,
    remaining_time: i64,
}

async fn update_timer(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Json(body): Json<TimerBody>,
) -> Legacy<StatusCode> {
    let command = timer_setting(body.duration, body.remaining_time)?;
    execute(&state, &raw, command).await
}
