//! The original's sign-in endpoints, answered as for a signed-out visitor:
//! pair rooms here need no account, and the original front end keeps
//! working when it asks.

use axum::Json as JsonBody;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::error::{ApiError, ErrorBody};

/// Answer of `GET /sign-in/check`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct SignInCheck {
    /// Always false: there are no accounts.
    signed_in: bool,
}

/// Tells the front end nobody is signed in.
#[utoipa::path(get, path = "/sign-in/check", tag = "coduo-workspace",
    responses((status = 200, description = "not signed in", body = SignInCheck)))]
pub(super) async fn check() -> JsonBody<SignInCheck> {
    JsonBody(SignInCheck { signed_in: false })
}

/// The one answer of every account endpoint: 401.
fn signed_out() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "sign-in is not available on this server; pair rooms work without an account",
    )
}

/// GitHub sign-in: not available.
#[utoipa::path(get, path = "/sign-in/oauth/github", tag = "coduo-workspace",
    responses((status = 401, description = "no accounts on this server", body = ErrorBody)))]
pub(super) async fn github() -> ApiError {
    signed_out()
}

/// The OAuth callback: not available.
#[utoipa::path(get, path = "/sign-in/callback", tag = "coduo-workspace",
    responses((status = 401, description = "no accounts on this server", body = ErrorBody)))]
pub(super) async fn callback() -> ApiError {
    signed_out()
}

/// Sign-out: nobody is signed in.
#[utoipa::path(get, path = "/sign-out", tag = "coduo-workspace",
    responses((status = 401, description = "no accounts on this server", body = ErrorBody)))]
pub(super) async fn sign_out() -> ApiError {
    signed_out()
}

/// Sign-out by POST: nobody is signed in.
#[utoipa::path(post, path = "/sign-out", tag = "coduo-workspace",
    responses((status = 401, description = "no accounts on this server", body = ErrorBody)))]
pub(super) async fn sign_out_post() -> ApiError {
    signed_out()
}

/// The signed-in member: there is none.
#[utoipa::path(get, path = "/member", tag = "coduo-workspace",
    responses((status = 401, description = "no accounts on this server", body = ErrorBody)))]
pub(super) async fn member() -> ApiError {
    signed_out()
}

/// Deleting the member: there is none.
#[utoipa::path(delete, path = "/member", tag = "coduo-workspace",
    responses((status = 401, description = "no accounts on this server", body = ErrorBody)))]
pub(super) async fn delete_member() -> ApiError {
    signed_out()
}

/// The member's rooms: there is no member.
#[utoipa::path(get, path = "/my-pair-rooms", tag = "coduo-workspace",
    responses((status = 401, description = "no accounts on this server", body = ErrorBody)))]
pub(super) async fn my_pair_rooms() -> ApiError {
    signed_out()
}
