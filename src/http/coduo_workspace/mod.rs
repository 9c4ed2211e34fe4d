//! The 코딩해듀오 workspace API under `/api`: todos, categories, reference
//! links, retrospects, and sign-in answered as for a signed-out visitor.
//!
//! Unlike the original, todo ids are random (so they cannot be enumerated)
//! and every change reaches every screen of the room through its stream.

mod account;
mod links;
mod retrospects;
mod todos;

use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::AppState;
use super::error::ApiError;
use super::native::code;
use super::openapi::ItemPath;
use crate::domain::workspace::{ItemId, Workspace};
use crate::domain::{AccessCode, Command, WorkspaceCommand};
use crate::service::{Outcome, ServiceError};

/// Routes of the 코딩해듀오 workspace API.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(todos::list, todos::add))
        .routes(routes!(todos::edit))
        .routes(routes!(todos::toggle))
        .routes(routes!(todos::reorder))
        .routes(routes!(todos::delete))
        .routes(routes!(
            links::categories,
            links::add_category,
            links::rename_category
        ))
        .routes(routes!(links::delete_category))
        .routes(routes!(links::list, links::add))
        .routes(routes!(links::delete))
        .routes(routes!(retrospects::set))
        .routes(routes!(retrospects::read, retrospects::delete))
        .routes(routes!(account::check))
        .routes(routes!(account::github))
        .routes(routes!(account::callback))
        .routes(routes!(account::sign_out, account::sign_out_post))
        .routes(routes!(account::member, account::delete_member))
        .routes(routes!(account::my_pair_rooms))
}

/// A todo's id, from its path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct TodoPath {
    /// The todo's id (an unknown or malformed id answers 404).
    id: String,
}

/// Maps a service error the way the original API does.
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

/// An item id from a path; a malformed one names no item (404).
fn path_id(raw: &str) -> Result<ItemId, ApiError> {
    item_id(&Value::String(raw.to_owned()))
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "no item with that id"))
}

/// Runs a workspace command on a room.
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

/// Runs the command `make` builds for the item of `path`; answers 204.
async fn remove(
    state: &AppState,
    path: ItemPath,
    make: fn(ItemId) -> WorkspaceCommand,
) -> Result<StatusCode, ApiError> {
    let id = path_id(&path.id)?;
    execute(state, &code(&path.code)?, make(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The room's code and its workspace as it is now.
async fn workspace(state: &AppState, raw: &str) -> Result<(AccessCode, Workspace), ApiError> {
    let code = code(raw)?;
    let snapshot = state.service.read(&code).await.map_err(legacy)?;
    Ok((code, snapshot.room.workspace().clone()))
}
