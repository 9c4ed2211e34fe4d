//! A room's retrospect in the original's shape.

use axum::Json as JsonBody;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{execute, legacy, workspace};
use crate::domain::WorkspaceCommand;
use crate::domain::workspace::Answers;
use crate::http::AppState;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::Json;
use crate::http::native::code;
use crate::http::openapi::RoomPath;

/// Body of `POST /retrospects`.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct NewRetrospect {
    /// The room's access code.
    access_code: String,
    /// Up to 6 answers of at most 1000 characters each.
    #[schema(max_items = 6)]
    answers: Vec<String>,
}

/// Writes a room's retrospect.
#[utoipa::path(post, path = "/retrospects", tag = "coduo-workspace",
    request_body = NewRetrospect,
    responses(
        (status = 201, description = "written"),
        (status = 400, description = "too many or too long answers, or the room was deleted", body = ErrorBody),
        (status = 404, description = "no room with this code", body = ErrorBody),
    ))]
pub(super) async fn set(
    State(state): State<AppState>,
    Json(body): Json<NewRetrospect>,
) -> Result<StatusCode, ApiError> {
    let answers = Answers::new(body.answers).map_err(legacy)?;
    execute(
        &state,
        &code(&body.access_code)?,
        WorkspaceCommand::SetRetrospect { answers },
    )
    .await?;
    Ok(StatusCode::CREATED)
}

/// Answer of `GET /retrospects/{code}`.
#[derive(Serialize, ToSchema)]
pub(super) struct Retrospect {
    /// The answers (none if no retrospect was written).
    answers: Vec<String>,
}

/// Reads a room's retrospect.
#[utoipa::path(get, path = "/retrospects/{code}", tag = "coduo-workspace", params(RoomPath),
    responses(
        (status = 200, description = "the answers", body = Retrospect),
    ))]
pub(super) async fn read(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
) -> Result<JsonBody<Retrospect>, ApiError> {
    let (_, workspace) = workspace(&state, &raw).await?;
    let answers = workspace
        .retrospect()
        .map(|a| a.as_slice().to_vec())
        .unwrap_or_default();
    Ok(JsonBody(Retrospect { answers }))
}

/// Removes a room's retrospect.
#[utoipa::path(delete, path = "/retrospects/{code}", tag = "coduo-workspace", params(RoomPath),
    responses(
        (status = 204, description = "removed"),
        (status = 404, description = "no room with this code, or no retrospect", body = ErrorBody),
    ))]
pub(super) async fn delete(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
) -> Result<StatusCode, ApiError> {
    execute(&state, &code(&raw)?, WorkspaceCommand::DeleteRetrospect).await?;
    Ok(StatusCode::NO_CONTENT)
}
