//! The 코딩해듀오 workspace API under `/api`: todos, categories, reference
//! links, retrospects, and sign-in answered as for a signed-out visitor.
//!
//! Unlike the original, todo ids are random (so they cannot be enumerated)
//! and every change reaches every screen of the room through its stream.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, patch, post};
use axum::{Json as JsonBody, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::error::ApiError;
use super::extract::{Json, Query};
use super::native::code;
use crate::domain::workspace::{Answers, CategoryName, ItemId, LinkUrl, TodoContent, Workspace};
use crate::domain::{AccessCode, Command, WorkspaceCommand};
use crate::service::{Outcome, ServiceError, new_item_id};

/// Routes of the 코딩해듀오 workspace API.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/{code}/todos", get(todos).post(add_todo))
        .route("/todos/{id}/contents", patch(edit_todo))
        .route("/todos/{id}/checked", patch(toggle_todo))
        .route("/todos/{id}/order", patch(move_todo))
        .route("/todos/{id}", delete(delete_todo))
        .route(
            "/{code}/category",
            get(categories).post(add_category).patch(rename_category),
        )
        .route(
            "/{code}/category/{id}",
            delete(removes(|id| WorkspaceCommand::DeleteCategory { id })),
        )
        .route("/{code}/reference-link", get(links).post(add_link))
        .route(
            "/{code}/reference-link/{id}",
            delete(removes(|id| WorkspaceCommand::DeleteLink { id })),
        )
        .route("/retrospects", post(set_retrospect))
        .route(
            "/retrospects/{code}",
            get(retrospect).delete(delete_retrospect),
        )
        .route(
            "/sign-in/check",
            get(|| async { JsonBody(json!({ "signedIn": false })) }),
        )
        .route("/sign-in/oauth/github", get(signed_out))
        .route("/sign-in/callback", get(signed_out))
        .route("/sign-out", get(signed_out).post(signed_out))
        .route("/member", get(signed_out).delete(signed_out))
        .route("/my-pair-rooms", get(signed_out))
}

/// A handler for `DELETE /{code}/{kind}/{id}`: runs the command `remove`
/// makes for the item and answers 204.
fn removes(
    remove: fn(ItemId) -> WorkspaceCommand,
) -> impl Fn(State<AppState>, Path<(String, String)>) -> Removal + Clone + Send + Sync + 'static {
    move |State(state): State<AppState>, Path((raw, id)): Path<(String, String)>| {
        Box::pin(async move {
            execute(&state, &code(&raw)?, remove(path_id(&id)?)).await?;
            Ok(StatusCode::NO_CONTENT)
        })
    }
}

/// What a [`removes`] handler returns.
type Removal =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<StatusCode, ApiError>> + Send>>;

async fn signed_out() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "sign-in is not available on this server; pair rooms work without an account",
    )
}

fn legacy(e: impl Into<ServiceError>) -> ApiError {
    ApiError::legacy(e.into())
}

/// An item id from a path or body (a number, or a string of one).
fn item_id(value: &Value) -> Option<ItemId> {
    let number = match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    number.and_then(|n| ItemId::new(n).ok())
}

fn path_id(raw: &str) -> Result<ItemId, ApiError> {
    item_id(&Value::String(raw.to_owned()))
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "no item with that id"))
}

async fn execute(
    state: &AppState,
    code: &AccessCode,
    command: WorkspaceCommand,
) -> Result<Outcome, ApiError> {
    state
        .service
        .execute(code, Command::Workspace(command))
        .await
        .map_err(legacy)
}

async fn workspace(state: &AppState, raw: &str) -> Result<(AccessCode, Workspace), ApiError> {
    let code = code(raw)?;
    let snapshot = state.service.read(&code).await.map_err(legacy)?;
    Ok((code, snapshot.room.workspace().clone()))
}

async fn todos(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<JsonBody<Value>, ApiError> {
    let (_, workspace) = workspace(&state, &raw).await?;
    let list: Vec<Value> = workspace
        .todos()
        .iter()
        .enumerate()
        .map(|(order, t)| json!({"id": t.id.get(), "content": t.content.as_str(), "isChecked": t.checked, "order": order}))
        .collect();
    Ok(JsonBody(Value::Array(list)))
}

/// Body of todo writes: the original front end sends `contents`.
#[derive(Deserialize)]
struct TodoText {
    content: Option<String>,
    contents: Option<String>,
}

impl TodoText {
    fn parse(self) -> Result<TodoContent, ApiError> {
        let text = self
            .content
            .or(self.contents)
            .ok_or_else(|| ApiError::bad_request("give the todo's text as content"))?;
        TodoContent::parse(&text).map_err(legacy)
    }
}

async fn add_todo(
    State(state): State<AppState>,
    Path(raw): Path<String>,
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

async fn edit_todo(
    State(state): State<AppState>,
    Path(id): Path<String>,
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

async fn toggle_todo(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    on_todo(&state, &id, |id| WorkspaceCommand::ToggleTodo { id }).await
}

/// Body of `PATCH /todos/{id}/order`.
#[derive(Deserialize)]
struct Order {
    order: usize,
}

async fn move_todo(
    State(state): State<AppState>,
    Path(id): Path<String>,
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

async fn delete_todo(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    on_todo(&state, &id, |id| WorkspaceCommand::DeleteTodo { id }).await
}

async fn categories(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<JsonBody<Value>, ApiError> {
    let (_, workspace) = workspace(&state, &raw).await?;
    let list = workspace
        .categories()
        .iter()
        .map(|c| json!({"id": c.id.get().to_string(), "value": c.name.as_str()}))
        .collect();
    Ok(JsonBody(Value::Array(list)))
}

/// Body of `POST /{code}/category`.
#[derive(Deserialize)]
struct NewCategory {
    value: String,
}

async fn add_category(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Json(body): Json<NewCategory>,
) -> Result<(StatusCode, JsonBody<Value>), ApiError> {
    let name = CategoryName::parse(&body.value).map_err(legacy)?;
    let id = new_item_id().map_err(legacy)?;
    let value = name.as_str().to_owned();
    execute(
        &state,
        &code(&raw)?,
        WorkspaceCommand::AddCategory { id, name },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        JsonBody(json!({"id": id.get().to_string(), "value": value})),
    ))
}

/// Body of `PATCH /{code}/category`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RenameCategory {
    category_id: Value,
    updated_category_name: String,
}

async fn rename_category(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Json(body): Json<RenameCategory>,
) -> Result<JsonBody<Value>, ApiError> {
    let id = item_id(&body.category_id)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "no category with that id"))?;
    let name = CategoryName::parse(&body.updated_category_name).map_err(legacy)?;
    let updated = name.as_str().to_owned();
    execute(
        &state,
        &code(&raw)?,
        WorkspaceCommand::RenameCategory { id, name },
    )
    .await?;
    Ok(JsonBody(json!({ "updatedCategoryName": updated })))
}

/// A link in the original's shape.
fn link_json(workspace: &Workspace, id: ItemId) -> Option<Value> {
    let link = workspace.links().iter().find(|l| l.id == id)?;
    let category = link
        .category
        .and_then(|c| workspace.category(c))
        .map(|c| c.name.as_str());
    Some(json!({
        "id": link.id.get(),
        "url": link.url.as_str(),
        "headTitle": link.preview.head_title,
        "openGraphTitle": link.preview.og_title,
        "description": link.preview.description,
        "image": link.preview.image,
        "categoryName": category,
    }))
}

/// Query of `GET /{code}/reference-link`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LinkFilter {
    category_id: Option<String>,
}

async fn links(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(filter): Query<LinkFilter>,
) -> Result<JsonBody<Value>, ApiError> {
    let (_, workspace) = workspace(&state, &raw).await?;
    let wanted = filter
        .category_id
        .filter(|c| !c.trim().is_empty())
        .map(|c| item_id(&Value::String(c)));
    let list = workspace
        .links()
        .iter()
        .filter(|l| wanted.is_none_or(|w| w.is_some() && l.category == w))
        .filter_map(|l| link_json(&workspace, l.id))
        .collect();
    Ok(JsonBody(Value::Array(list)))
}

/// Body of `POST /{code}/reference-link`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewLink {
    url: String,
    #[serde(default)]
    category_id: Value,
}

async fn add_link(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Json(body): Json<NewLink>,
) -> Result<(StatusCode, JsonBody<Value>), ApiError> {
    let url = LinkUrl::parse(&body.url).map_err(legacy)?;
    let (code, current) = workspace(&state, &raw).await?;
    // The category may come as an id or, from some screens, as its name.
    let category = match &body.category_id {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        value => Some(
            item_id(value)
                .filter(|id| current.category(*id).is_some())
                .or_else(|| {
                    let name = value.as_str()?.trim().to_lowercase();
                    current
                        .categories()
                        .iter()
                        .find(|c| c.name.as_str().to_lowercase() == name)
                        .map(|c| c.id)
                })
                .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "no category with that id"))?,
        ),
    };
    let preview = state.previews.fetch(url.as_str()).await;
    let id = new_item_id().map_err(legacy)?;
    let outcome = execute(
        &state,
        &code,
        WorkspaceCommand::AddLink {
            id,
            url,
            category,
            preview,
        },
    )
    .await?;
    let body = link_json(outcome.snapshot.room.workspace(), id)
        .ok_or_else(|| legacy(ServiceError::Unavailable("link vanished".into())))?;
    Ok((StatusCode::CREATED, JsonBody(body)))
}

/// Body of `POST /retrospects`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewRetrospect {
    access_code: String,
    answers: Vec<String>,
}

async fn set_retrospect(
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

async fn retrospect(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<JsonBody<Value>, ApiError> {
    let (_, workspace) = workspace(&state, &raw).await?;
    let answers = workspace
        .retrospect()
        .map(|a| a.as_slice().to_vec())
        .unwrap_or_default();
    Ok(JsonBody(json!({ "answers": answers })))
}

async fn delete_retrospect(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<StatusCode, ApiError> {
    execute(&state, &code(&raw)?, WorkspaceCommand::DeleteRetrospect).await?;
    Ok(StatusCode::NO_CONTENT)
}
