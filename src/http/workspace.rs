//! The native workspace API: todos, categories, links, retrospect and the
//! room's status, under `/api/v1/rooms/{code}`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use axum::{Json as JsonBody, Router};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::error::ApiError;
use super::extract::Json;
use super::native::code;
use crate::domain::workspace::{Answers, CategoryName, ItemId, LinkUrl, TodoContent};
use crate::domain::{Command, RoomStatus, WorkspaceCommand};
use crate::service::{Outcome, ServiceError, WorkspaceView, new_item_id};

/// Routes of the native workspace API.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/rooms/{code}/workspace", get(read))
        .route("/rooms/{code}/todos", post(add_todo))
        .route(
            "/rooms/{code}/todos/{id}",
            patch(update_todo).delete(removes(|id| WorkspaceCommand::DeleteTodo { id })),
        )
        .route("/rooms/{code}/categories", post(add_category))
        .route(
            "/rooms/{code}/categories/{id}",
            patch(rename_category).delete(removes(|id| WorkspaceCommand::DeleteCategory { id })),
        )
        .route("/rooms/{code}/links", post(add_link))
        .route(
            "/rooms/{code}/links/{id}",
            axum::routing::delete(removes(|id| WorkspaceCommand::DeleteLink { id })),
        )
        .route(
            "/rooms/{code}/retrospect",
            put(set_retrospect).delete(delete_retrospect),
        )
        .route("/rooms/{code}/status", put(set_status))
}

/// The answer to workspace reads and writes.
#[derive(Serialize)]
struct WorkspaceEnvelope<'a> {
    version: u64,
    server_time_ms: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<u64>,
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

/// A handler for `DELETE .../{kind}/{id}`: runs the command `remove`
/// makes for the item and answers 204.
fn removes(
    remove: fn(ItemId) -> WorkspaceCommand,
) -> impl Fn(State<AppState>, Path<(String, String)>) -> Removal + Clone + Send + Sync + 'static {
    move |State(state): State<AppState>, Path((raw, id)): Path<(String, String)>| {
        Box::pin(async move {
            let command = Command::Workspace(remove(item(&id)?));
            state.service.execute(&code(&raw)?, command).await?;
            Ok(StatusCode::NO_CONTENT)
        })
    }
}

/// What a [`removes`] handler returns.
type Removal =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<StatusCode, ApiError>> + Send>>;

async fn read(
    State(state): State<AppState>,
    Path(raw): Path<String>,
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
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewTodo {
    content: String,
}

async fn add_todo(
    State(state): State<AppState>,
    Path(raw): Path<String>,
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
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TodoChange {
    content: Option<String>,
    checked: Option<bool>,
    position: Option<usize>,
}

async fn update_todo(
    State(state): State<AppState>,
    Path((raw, id)): Path<(String, String)>,
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
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryBody {
    name: String,
}

async fn add_category(
    State(state): State<AppState>,
    Path(raw): Path<String>,
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

async fn rename_category(
    State(state): State<AppState>,
    Path((raw, id)): Path<(String, String)>,
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
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewLink {
    url: String,
    category_id: Option<u64>,
}

async fn add_link(
    State(state): State<AppState>,
    Path(raw): Path<String>,
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
    if let Some(category) = category {
        if snapshot.room.workspace().category(category).is_none() {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "no category with that id in this room",
            ));
        }
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
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RetrospectBody {
    answers: Vec<String>,
}

async fn set_retrospect(
    State(state): State<AppState>,
    Path(raw): Path<String>,
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

async fn delete_retrospect(
    State(state): State<AppState>,
    Path(raw): Path<String>,
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
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusBody {
    status: String,
}

async fn set_status(
    State(state): State<AppState>,
    super::extract::Host(key): super::extract::Host,
    Path(raw): Path<String>,
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
