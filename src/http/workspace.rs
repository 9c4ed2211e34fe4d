//! The native workspace API: todos, categories, links, retrospect and the
//! room's status, under `/api/v1/rooms/{code}`.

use axum::Json as JsonBody;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::Json;
use super::native::code;
use super::openapi::{HostKeyHeader, ItemPath, RoomPath};
use crate::domain::workspace::{Answers, CategoryName, ItemId, LinkUrl, TodoContent};
use crate::domain::{Command, RoomStatus, WorkspaceCommand};
use crate::service::Envelope;
use crate::service::{Outcome, ServiceError, WorkspaceView, new_item_id};

/// Routes of the native workspace API.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(read))
        .routes(routes!(add_todo))
        .routes(routes!(update_todo, delete_todo))
        .routes(routes!(add_category))
        .routes(routes!(rename_category, delete_category))
        .routes(routes!(add_link))
        .routes(routes!(delete_link))
        .routes(routes!(set_retrospect, delete_retrospect))
        .routes(routes!(set_status))
}

/// The answer to workspace reads and writes.
#[derive(Serialize, ToSchema)]
struct WorkspaceEnvelope<'a> {
    /// The room's version after the change.
    version: u64,
    /// The server's clock, in ms since the Unix epoch.
    server_time_ms: i64,
    /// The new item's id, in answers to an addition.
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<u64>,
    /// The whole workspace in reads, the changed parts in answers to changes.
    workspace: WorkspaceView<'a>,
}

fn invalid(e: crate::domain::DomainError) -> ApiError {
    ServiceError::from(e).into()
}

fn item(raw: &str) -> Result<ItemId, ApiError> {
    raw.parse::<u64>()
        .ok()
        .and_then(|n| ItemId::new(n).ok())
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "no item with that id in this room"))
}

async fn run(
    state: &AppState,
    raw: &str,
    command: Command,
    created: Option<ItemId>,
) -> Result<Response, ApiError> {
    let Outcome { snapshot, causes } = state.service.execute(&code(raw)?, command).await?;
    let body = WorkspaceEnvelope {
        version: snapshot.version,
        server_time_ms: snapshot.now_ms,
        id: created.map(ItemId::get),
        workspace: WorkspaceView::parts(snapshot.room.workspace(), &causes),
    };
    let status = if created.is_some() {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, JsonBody(body)).into_response())
}

/// Runs the command `remove` makes for the item of `path`; answers 204.
async fn remove(
    state: &AppState,
    path: ItemPath,
    remove: fn(ItemId) -> WorkspaceCommand,
) -> Result<StatusCode, ApiError> {
    let command = Command::Workspace(remove(item(&path.id)?));
    state.service.execute(&code(&path.code)?, command).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a todo.
#[utoipa::path(delete, path = "/rooms/{code}/todos/{id}", tag = "workspace", params(ItemPath),
    responses(
        (status = 204, description = "removed"),
        (status = 404, description = "no such room or todo", body = ErrorBody),
    ))]
async fn delete_todo(
    State(state): State<AppState>,
    Path(path): Path<ItemPath>,
) -> Result<StatusCode, ApiError> {
    remove(&state, path, |id| WorkspaceCommand::DeleteTodo { id }).await
}

/// Removes a category; its links stay, without a category.
#[utoipa::path(delete, path = "/rooms/{code}/categories/{id}", tag = "workspace",
    params(ItemPath),
    responses(
        (status = 204, description = "removed"),
        (status = 404, description = "no such room or category", body = ErrorBody),
    ))]
async fn delete_category(
    State(state): State<AppState>,
    Path(path): Path<ItemPath>,
) -> Result<StatusCode, ApiError> {
    remove(&state, path, |id| WorkspaceCommand::DeleteCategory { id }).await
}

/// Removes a link.
#[utoipa::path(delete, path = "/rooms/{code}/links/{id}", tag = "workspace", params(ItemPath),
    responses(
        (status = 204, description = "removed"),
        (status = 404, description = "no such room or link", body = ErrorBody),
    ))]
async fn delete_link(
    State(state): State<AppState>,
    Path(path): Path<ItemPath>,
) -> Result<StatusCode, ApiError> {
    remove(&state, path, |id| WorkspaceCommand::DeleteLink { id }).await
}

/// Reads a room's workspace.
#[utoipa::path(get, path = "/rooms/{code}/workspace", tag = "workspace", params(RoomPath),
    responses(
        (status = 200, description = "the whole workspace", body = WorkspaceEnvelope),
    ))]
async fn read(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
) -> Result<Response, ApiError> {
    let snapshot = state.service.read(&code(&raw)?).await?;
    let body = WorkspaceEnvelope {
        version: snapshot.version,
        server_time_ms: snapshot.now_ms,
        id: None,
        workspace: WorkspaceView::all(snapshot.room.workspace()),
    };
    Ok(JsonBody(body).into_response())
}

/// Body of `POST /todos`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewTodo {
    /// What to do: 1 to 255 characters after trimming.
    #[schema(min_length = 1, max_length = 255)]
    content: String,
}

/// Adds a todo at the end (at most 200 per room).
#[utoipa::path(post, path = "/rooms/{code}/todos", tag = "workspace", params(RoomPath),
    request_body = NewTodo,
    responses(
        (status = 201, description = "the new todo's id and the todos", body = WorkspaceEnvelope),
        (status = 400, description = "invalid content", body = ErrorBody),
        (status = 409, description = "the room has 200 todos", body = ErrorBody),
    ))]
async fn add_todo(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
    Json(body): Json<NewTodo>,
) -> Result<Response, ApiError> {
    let content = TodoContent::parse(&body.content).map_err(invalid)?;
    let id = new_item_id()?;
    run(
        &state,
        &raw,
        Command::Workspace(WorkspaceCommand::AddTodo { id, content }),
        Some(id),
    )
    .await
}

/// Body of `PATCH /todos/{id}`: any of the three.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct TodoChange {
    /// New text: 1 to 255 characters after trimming.
    #[schema(min_length = 1, max_length = 255)]
    content: Option<String>,
    /// Done or not.
    checked: Option<bool>,
    /// Where to move it, counted from 0 (past the end: last).
    position: Option<usize>,
}

/// Changes a todo's text, check mark or position.
#[utoipa::path(patch, path = "/rooms/{code}/todos/{id}", tag = "workspace", params(ItemPath),
    request_body = TodoChange,
    responses(
        (status = 200, description = "the todos after the change", body = WorkspaceEnvelope),
        (status = 400, description = "invalid content", body = ErrorBody),
        (status = 404, description = "no such room or todo", body = ErrorBody),
    ))]
async fn update_todo(
    State(state): State<AppState>,
    Path(ItemPath { code: raw, id }): Path<ItemPath>,
    Json(body): Json<TodoChange>,
) -> Result<Response, ApiError> {
    let content = body
        .content
        .as_deref()
        .map(TodoContent::parse)
        .transpose()
        .map_err(invalid)?;
    let command = WorkspaceCommand::UpdateTodo {
        id: item(&id)?,
        content,
        checked: body.checked,
        to: body.position,
    };
    run(&state, &raw, Command::Workspace(command), None).await
}

/// Body of `POST /categories` and `PATCH /categories/{id}`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CategoryBody {
    /// 1 to 10 characters after trimming, unique in the room regardless of case.
    #[schema(min_length = 1, max_length = 10)]
    name: String,
}

/// Adds a link category (at most 30 per room).
#[utoipa::path(post, path = "/rooms/{code}/categories", tag = "workspace", params(RoomPath),
    request_body = CategoryBody,
    responses(
        (status = 201, description = "the new category's id and the categories", body = WorkspaceEnvelope),
        (status = 400, description = "an invalid name", body = ErrorBody),
        (status = 409, description = "the name is taken, or the room has 30 categories", body = ErrorBody),
    ))]
async fn add_category(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
    Json(body): Json<CategoryBody>,
) -> Result<Response, ApiError> {
    let name = CategoryName::parse(&body.name).map_err(invalid)?;
    let id = new_item_id()?;
    run(
        &state,
        &raw,
        Command::Workspace(WorkspaceCommand::AddCategory { id, name }),
        Some(id),
    )
    .await
}

/// Renames a category.
#[utoipa::path(patch, path = "/rooms/{code}/categories/{id}", tag = "workspace",
    params(ItemPath), request_body = CategoryBody,
    responses(
        (status = 200, description = "the categories and links after the change", body = WorkspaceEnvelope),
        (status = 400, description = "an invalid name", body = ErrorBody),
        (status = 404, description = "no such room or category", body = ErrorBody),
        (status = 409, description = "the name is taken", body = ErrorBody),
    ))]
async fn rename_category(
    State(state): State<AppState>,
    Path(ItemPath { code: raw, id }): Path<ItemPath>,
    Json(body): Json<CategoryBody>,
) -> Result<Response, ApiError> {
    let name = CategoryName::parse(&body.name).map_err(invalid)?;
    let command = WorkspaceCommand::RenameCategory {
        id: item(&id)?,
        name,
    };
    run(&state, &raw, Command::Workspace(command), None).await
}

/// Body of `POST /links`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewLink {
    /// An http(s) address, at most 1024 characters.
    #[schema(max_length = 1024)]
    url: String,
    /// The category to file it under.
    category_id: Option<u64>,
}

/// Adds a reference link; the server reads the page's preview first
/// (at most 200 links per room).
#[utoipa::path(post, path = "/rooms/{code}/links", tag = "workspace", params(RoomPath),
    request_body = NewLink,
    responses(
        (status = 201, description = "the new link's id and the links", body = WorkspaceEnvelope),
        (status = 400, description = "an invalid address", body = ErrorBody),
        (status = 404, description = "no such room or category", body = ErrorBody),
        (status = 409, description = "the room has 200 links", body = ErrorBody),
    ))]
async fn add_link(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
    Json(body): Json<NewLink>,
) -> Result<Response, ApiError> {
    let room = code(&raw)?;
    let url = LinkUrl::parse(&body.url).map_err(invalid)?;
    let category = body
        .category_id
        .map(|n| ItemId::new(n).map_err(invalid))
        .transpose()?;
    // Refuse an unknown room or category before fetching anything.
    let snapshot = state.service.read(&room).await?;
    if let Some(category) = category
        && snapshot.room.workspace().category(category).is_none()
    {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "no category with that id in this room",
        ));
    }
    let preview = state.previews.fetch(url.as_str()).await;
    let id = new_item_id()?;
    let command = WorkspaceCommand::AddLink {
        id,
        url,
        category,
        preview,
    };
    run(&state, &raw, Command::Workspace(command), Some(id)).await
}

/// Body of `PUT /retrospect`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct RetrospectBody {
    /// Up to 6 answers of at most 1000 characters each.
    #[schema(max_items = 6)]
    answers: Vec<String>,
}

/// Writes the retrospect's answers.
#[utoipa::path(put, path = "/rooms/{code}/retrospect", tag = "workspace", params(RoomPath),
    request_body = RetrospectBody,
    responses(
        (status = 200, description = "the retrospect after the change", body = WorkspaceEnvelope),
        (status = 400, description = "too many or too long answers", body = ErrorBody),
    ))]
async fn set_retrospect(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
    Json(body): Json<RetrospectBody>,
) -> Result<Response, ApiError> {
    let answers = Answers::new(body.answers).map_err(invalid)?;
    run(
        &state,
        &raw,
        Command::Workspace(WorkspaceCommand::SetRetrospect { answers }),
        None,
    )
    .await
}

/// Removes the retrospect.
#[utoipa::path(delete, path = "/rooms/{code}/retrospect", tag = "workspace", params(RoomPath),
    responses(
        (status = 204, description = "removed"),
        (status = 404, description = "no room with this code, or no retrospect", body = ErrorBody),
    ))]
async fn delete_retrospect(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
) -> Result<StatusCode, ApiError> {
    state
        .service
        .execute(
            &code(&raw)?,
            Command::Workspace(WorkspaceCommand::DeleteRetrospect),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Body of `PUT /status`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct StatusBody {
    /// The new status.
    #[schema(value_type = SettableStatus)]
    status: String,
}

/// The statuses `PUT /status` sets (a room is deleted by `DELETE`).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)] // Only its schema is used; [`set_status`] reads the text.
enum SettableStatus {
    /// Being worked in.
    InProgress,
    /// Finished; still readable.
    Completed,
}

/// Marks a room completed, or in progress again.
#[utoipa::path(put, path = "/rooms/{code}/status", tag = "rooms",
    params(RoomPath, HostKeyHeader), request_body = StatusBody,
    responses(
        (status = 200, description = "the room with its new status", body = Envelope),
        (status = 400, description = "an unknown status", body = ErrorBody),
        (status = 403, description = "the room is locked and the host key is missing or wrong", body = ErrorBody),
    ))]
async fn set_status(
    State(state): State<AppState>,
    super::extract::Host(key): super::extract::Host,
    Path(RoomPath { code: raw }): Path<RoomPath>,
    Json(body): Json<StatusBody>,
) -> Result<Response, ApiError> {
    let status = match body.status.as_str() {
        "in_progress" => RoomStatus::InProgress,
        "completed" => RoomStatus::Completed,
        other => {
            return Err(ApiError::bad_request(format!(
                "unknown status {other:?}: expected in_progress or completed (DELETE the room to delete it)"
            )));
        }
    };
    let outcome = state
        .service
        .execute_as(&code(&raw)?, Command::SetStatus(status), key.as_ref())
        .await?;
    let present = state.service.hub().present(outcome.snapshot.room.code());
    Ok(JsonBody(crate::service::Envelope::changed(
        &outcome.snapshot,
        &present,
        &outcome.causes,
    ))
    .into_response())
}
