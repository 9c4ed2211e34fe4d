//! Todos in the original's shape: `/{code}/todos` and `/todos/{id}/...`.

use axum::Json as JsonBody;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{TodoPath, execute, legacy, path_id, workspace};
use crate::domain::WorkspaceCommand;
use crate::domain::workspace::{ItemId, TodoContent};
use crate::http::AppState;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::Json;
use crate::http::native::code;
use crate::http::openapi::RoomPath;
use crate::service::new_item_id;

/// A todo as the original lists it.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CoduoTodo)]
pub(super) struct Todo {
    /// Random, unique in the room.
    id: u64,
    /// What to do.
    content: String,
    /// Done or not.
    is_checked: bool,
    /// Its place in the list, from 0.
    order: usize,
}

/// Lists a room's todos in order.
#[utoipa::path(get, path = "/{code}/todos", tag = "coduo-workspace", params(RoomPath),
    responses(
        (status = 200, description = "the todos", body = [Todo]),
    ))]
pub(super) async fn list(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
) -> Result<JsonBody<Vec<Todo>>, ApiError> {
    let (_, workspace) = workspace(&state, &raw).await?;
    let list = workspace
        .todos()
        .iter()
        .enumerate()
        .map(|(order, t)| Todo {
            id: t.id.get(),
            content: t.content.as_str().to_owned(),
            is_checked: t.checked,
            order,
        })
        .collect();
    Ok(JsonBody(list))
}

/// Body of todo writes: the original front end sends `contents`.
#[derive(Deserialize, ToSchema)]
pub(super) struct TodoText {
    /// What to do: 1 to 255 characters after trimming.
    #[schema(min_length = 1, max_length = 255)]
    content: Option<String>,
    /// The same, as the original front end names it.
    #[schema(min_length = 1, max_length = 255)]
    contents: Option<String>,
}

impl TodoText {
    /// The validated text, from either field.
    fn parse(self) -> Result<TodoContent, ApiError> {
        let text = self
            .content
            .or(self.contents)
            .ok_or_else(|| ApiError::bad_request("give the todo's text as content"))?;
        TodoContent::parse(&text).map_err(legacy)
    }
}

/// Adds a todo at the end (at most 200 per room).
#[utoipa::path(post, path = "/{code}/todos", tag = "coduo-workspace", params(RoomPath),
    request_body = TodoText,
    responses(
        (status = 201, description = "added"),
        (status = 400, description = "no or invalid text, or the room was deleted", body = ErrorBody),
        (status = 409, description = "the room has 200 todos", body = ErrorBody),
    ))]
pub(super) async fn add(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
    Json(body): Json<TodoText>,
) -> Result<StatusCode, ApiError> {
    let content = body.parse()?;
    let id = new_item_id().map_err(legacy)?;
    execute(
        &state,
        &code(&raw)?,
        WorkspaceCommand::AddTodo { id, content },
    )
    .await?;
    Ok(StatusCode::CREATED)
}

/// Runs a command on the room a todo belongs to.
async fn on_todo(
    state: &AppState,
    raw_id: &str,
    make: impl FnOnce(ItemId) -> WorkspaceCommand,
) -> Result<StatusCode, ApiError> {
    let id = path_id(raw_id)?;
    let code = state.service.room_of_todo(id.get()).await.map_err(legacy)?;
    execute(state, &code, make(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes a todo's text.
#[utoipa::path(patch, path = "/todos/{id}/contents", tag = "coduo-workspace",
    params(TodoPath), request_body = TodoText,
    responses(
        (status = 204, description = "changed"),
        (status = 400, description = "no or invalid text, or the room was deleted", body = ErrorBody),
        (status = 404, description = "no todo with this id", body = ErrorBody),
    ))]
pub(super) async fn edit(
    State(state): State<AppState>,
    Path(TodoPath { id }): Path<TodoPath>,
    Json(body): Json<TodoText>,
) -> Result<StatusCode, ApiError> {
    let content = body.parse()?;
    on_todo(&state, &id, |id| WorkspaceCommand::UpdateTodo {
        id,
        content: Some(content),
        checked: None,
        to: None,
    })
    .await
}

/// Flips a todo's check mark.
#[utoipa::path(patch, path = "/todos/{id}/checked", tag = "coduo-workspace", params(TodoPath),
    responses(
        (status = 204, description = "flipped"),
        (status = 400, description = "the room was deleted", body = ErrorBody),
        (status = 404, description = "no todo with this id", body = ErrorBody),
    ))]
pub(super) async fn toggle(
    State(state): State<AppState>,
    Path(TodoPath { id }): Path<TodoPath>,
) -> Result<StatusCode, ApiError> {
    on_todo(&state, &id, |id| WorkspaceCommand::ToggleTodo { id }).await
}

/// Body of `PATCH /todos/{id}/order`.
#[derive(Deserialize, ToSchema)]
pub(super) struct Order {
    /// Where to move the todo, counted from 0 (past the end: last).
    order: usize,
}

/// Moves a todo.
#[utoipa::path(patch, path = "/todos/{id}/order", tag = "coduo-workspace",
    params(TodoPath), request_body = Order,
    responses(
        (status = 204, description = "moved"),
        (status = 400, description = "the room was deleted", body = ErrorBody),
        (status = 404, description = "no todo with this id", body = ErrorBody),
    ))]
pub(super) async fn reorder(
    State(state): State<AppState>,
    Path(TodoPath { id }): Path<TodoPath>,
    Json(body): Json<Order>,
) -> Result<StatusCode, ApiError> {
    on_todo(&state, &id, |id| WorkspaceCommand::UpdateTodo {
        id,
        content: None,
        checked: None,
        to: Some(body.order),
    })
    .await
}

/// Removes a todo.
#[utoipa::path(delete, path = "/todos/{id}", tag = "coduo-workspace", params(TodoPath),
    responses(
        (status = 204, description = "removed"),
        (status = 400, description = "the room was deleted", body = ErrorBody),
        (status = 404, description = "no todo with this id", body = ErrorBody),
    ))]
pub(super) async fn delete(
    State(state): State<AppState>,
    Path(TodoPath { id }): Path<TodoPath>,
) -> Result<StatusCode, ApiError> {
    on_todo(&state, &id, |id| WorkspaceCommand::DeleteTodo { id }).await
}
