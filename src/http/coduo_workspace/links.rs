//! Link categories and reference links in the original's shape.

use axum::Json as JsonBody;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::{execute, item_id, legacy, remove, workspace};
use crate::domain::WorkspaceCommand;
use crate::domain::workspace::{CategoryName, ItemId, LinkUrl, Workspace};
use crate::http::AppState;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Json, Query};
use crate::http::native::code;
use crate::http::openapi::{ItemPath, RoomPath};
use crate::service::{ServiceError, new_item_id};

/// An id as the original's screens send it: a number, or text (a number
/// written out, or for links a category's name). The fields are read as
/// any JSON value, as the original did: anything else names no category.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)] // Only its schema is used; the handlers read a `Value`.
pub(super) enum IdOrText {
    /// An id.
    Number(u64),
    /// An id as text, or a category's name.
    Text(String),
}

/// A category as the original lists it.
#[derive(Serialize, ToSchema)]
#[schema(as = CoduoCategory)]
pub(super) struct Category {
    /// Random, unique in the room, as text.
    id: String,
    /// The name.
    value: String,
}

/// Lists a room's link categories.
#[utoipa::path(get, path = "/{code}/category", tag = "coduo-workspace", params(RoomPath),
    responses(
        (status = 200, description = "the categories", body = [Category]),
    ))]
pub(super) async fn categories(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
) -> Result<JsonBody<Vec<Category>>, ApiError> {
    let (_, workspace) = workspace(&state, &raw).await?;
    let list = workspace
        .categories()
        .iter()
        .map(|c| Category {
            id: c.id.get().to_string(),
            value: c.name.as_str().to_owned(),
        })
        .collect();
    Ok(JsonBody(list))
}

/// Body of `POST /{code}/category`.
#[derive(Deserialize, ToSchema)]
pub(super) struct NewCategory {
    /// 1 to 10 characters after trimming, unique in the room regardless of case.
    #[schema(min_length = 1, max_length = 10)]
    value: String,
}

/// Adds a link category (at most 30 per room).
#[utoipa::path(post, path = "/{code}/category", tag = "coduo-workspace", params(RoomPath),
    request_body = NewCategory,
    responses(
        (status = 201, description = "the new category", body = Category),
        (status = 400, description = "an invalid name, or the room was deleted", body = ErrorBody),
        (status = 409, description = "the name is taken, or the room has 30 categories", body = ErrorBody),
    ))]
pub(super) async fn add_category(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
    Json(body): Json<NewCategory>,
) -> Result<(StatusCode, JsonBody<Category>), ApiError> {
    let name = CategoryName::parse(&body.value).map_err(legacy)?;
    let id = new_item_id().map_err(legacy)?;
    let value = name.as_str().to_owned();
    execute(
        &state,
        &code(&raw)?,
        WorkspaceCommand::AddCategory { id, name },
    )
    .await?;
    let id = id.get().to_string();
    Ok((StatusCode::CREATED, JsonBody(Category { id, value })))
}

/// Body of `PATCH /{code}/category`.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct RenameCategory {
    /// The category's id.
    #[schema(value_type = IdOrText)]
    category_id: Value,
    /// Its new name.
    #[schema(min_length = 1, max_length = 10)]
    updated_category_name: String,
}

/// Answer of `PATCH /{code}/category`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct Renamed {
    /// The name as stored (trimmed).
    updated_category_name: String,
}

/// Renames a category.
#[utoipa::path(patch, path = "/{code}/category", tag = "coduo-workspace", params(RoomPath),
    request_body = RenameCategory,
    responses(
        (status = 200, description = "the new name", body = Renamed),
        (status = 400, description = "an invalid name, or the room was deleted", body = ErrorBody),
        (status = 404, description = "no such room or category", body = ErrorBody),
        (status = 409, description = "the name is taken", body = ErrorBody),
    ))]
pub(super) async fn rename_category(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
    Json(body): Json<RenameCategory>,
) -> Result<JsonBody<Renamed>, ApiError> {
    let id = item_id(&body.category_id)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "no category with that id"))?;
    let name = CategoryName::parse(&body.updated_category_name).map_err(legacy)?;
    let updated_category_name = name.as_str().to_owned();
    execute(
        &state,
        &code(&raw)?,
        WorkspaceCommand::RenameCategory { id, name },
    )
    .await?;
    Ok(JsonBody(Renamed {
        updated_category_name,
    }))
}

/// Removes a category; its links stay, without a category.
#[utoipa::path(delete, path = "/{code}/category/{id}", tag = "coduo-workspace",
    params(ItemPath),
    responses(
        (status = 204, description = "removed"),
        (status = 404, description = "no such room or category", body = ErrorBody),
    ))]
pub(super) async fn delete_category(
    State(state): State<AppState>,
    Path(path): Path<ItemPath>,
) -> Result<StatusCode, ApiError> {
    remove(&state, path, |id| WorkspaceCommand::DeleteCategory { id }).await
}

/// A link in the original's shape.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CoduoLink)]
pub(super) struct Link {
    /// Random, unique in the room.
    id: u64,
    /// The address.
    url: String,
    /// The page's `<title>`.
    head_title: String,
    /// Its `og:title`.
    open_graph_title: String,
    /// Its description.
    description: String,
    /// Its `og:image`.
    image: String,
    /// The link's category, if any.
    category_name: Option<String>,
}

impl Link {
    /// The link `id` of `workspace`, if it has one.
    fn of(workspace: &Workspace, id: ItemId) -> Option<Self> {
        let link = workspace.links().iter().find(|l| l.id == id)?;
        let category = link.category.and_then(|c| workspace.category(c));
        Some(Self {
            id: link.id.get(),
            url: link.url.as_str().to_owned(),
            head_title: link.preview.head_title.clone(),
            open_graph_title: link.preview.og_title.clone(),
            description: link.preview.description.clone(),
            image: link.preview.image.clone(),
            category_name: category.map(|c| c.name.as_str().to_owned()),
        })
    }
}

/// Query of `GET /{code}/reference-link`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub(super) struct LinkFilter {
    /// Only the links of this category (empty: all).
    #[param(rename = "categoryId")]
    category_id: Option<String>,
}

/// Lists a room's links, or one category's.
#[utoipa::path(get, path = "/{code}/reference-link", tag = "coduo-workspace",
    params(RoomPath, LinkFilter),
    responses(
        (status = 200, description = "the links", body = [Link]),
    ))]
pub(super) async fn list(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
    Query(filter): Query<LinkFilter>,
) -> Result<JsonBody<Vec<Link>>, ApiError> {
    let (_, workspace) = workspace(&state, &raw).await?;
    let wanted = filter
        .category_id
        .filter(|c| !c.trim().is_empty())
        .map(|c| item_id(&Value::String(c)));
    let list = workspace
        .links()
        .iter()
        .filter(|l| wanted.is_none_or(|w| w.is_some() && l.category == w))
        .filter_map(|l| Link::of(&workspace, l.id))
        .collect();
    Ok(JsonBody(list))
}

/// Body of `POST /{code}/reference-link`.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct NewLink {
    /// An http(s) address, at most 1024 characters.
    #[schema(max_length = 1024)]
    url: String,
    /// The category's id or name (none or empty: no category).
    #[serde(default)]
    #[schema(value_type = Option<IdOrText>)]
    category_id: Value,
}

/// Adds a reference link; the server reads the page's preview first (at
/// most 200 links per room).
#[utoipa::path(post, path = "/{code}/reference-link", tag = "coduo-workspace",
    params(RoomPath), request_body = NewLink,
    responses(
        (status = 201, description = "the new link", body = Link),
        (status = 400, description = "an invalid address, or the room was deleted", body = ErrorBody),
        (status = 404, description = "no such room or category", body = ErrorBody),
        (status = 409, description = "the room has 200 links", body = ErrorBody),
    ))]
pub(super) async fn add(
    State(state): State<AppState>,
    Path(RoomPath { code: raw }): Path<RoomPath>,
    Json(body): Json<NewLink>,
) -> Result<(StatusCode, JsonBody<Link>), ApiError> {
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
    let command = WorkspaceCommand::AddLink {
        id,
        url,
        category,
        preview,
    };
    let outcome = execute(&state, &code, command).await?;
    let body = Link::of(outcome.snapshot.room.workspace(), id)
        .ok_or_else(|| legacy(ServiceError::Unavailable("link vanished".into())))?;
    Ok((StatusCode::CREATED, JsonBody(body)))
}

/// Removes a link.
#[utoipa::path(delete, path = "/{code}/reference-link/{id}", tag = "coduo-workspace",
    params(ItemPath),
    responses(
        (status = 204, description = "removed"),
        (status = 404, description = "no such room or link", body = ErrorBody),
    ))]
pub(super) async fn delete(
    State(state): State<AppState>,
    Path(path): Path<ItemPath>,
) -> Result<StatusCode, ApiError> {
    remove(&state, path, |id| WorkspaceCommand::DeleteLink { id }).await
}
