//! The one error answer: a status and a JSON `{"message": ...}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::hub::HubError;
use crate::service::ServiceError;

/// An error answer.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong, for a person.
    pub message: String,
    /// Seconds to send as `Retry-After` (429 and 503 get 5 if unset).
    pub retry_after_secs: Option<u64>,
}

/// The body of every error answer.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody<'a> {
    /// What went wrong, for a person.
    message: &'a str,
}

impl ApiError {
    /// An error with a status and message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            retry_after_secs: None,
        }
    }

    /// 429 from an abuse limit, with its `Retry-After`.
    pub fn limited(limited: crate::limits::Limited) -> Self {
        Self {
            retry_after_secs: Some(limited.retry_after_secs),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, limited.message())
        }
    }

    /// The `Retry-After` value this answer carries, if any.
    pub fn retry_after(&self) -> Option<u64> {
        match self.status {
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {
                Some(self.retry_after_secs.unwrap_or(5))
            }
            _ => None,
        }
    }

    /// 400 with a message.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404 for an unknown path.
    pub fn no_route() -> Self {
        Self::new(StatusCode::NOT_FOUND, "no such endpoint")
    }

    /// The JSON body of this error.
    pub fn body(&self) -> String {
        serde_json::to_string(&ErrorBody {
            message: &self.message,
        })
        .expect("serialises")
    }

    /// The mapping of the 코딩해듀오 API: a deleted room is a 400 there.
    pub fn legacy(error: ServiceError) -> Self {
        match error {
            ServiceError::Deleted => Self::bad_request("this pair room was deleted"),
            other => other.into(),
        }
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        let status = match &error {
            ServiceError::NotFound | ServiceError::ItemNotFound(_) => StatusCode::NOT_FOUND,
            ServiceError::Deleted => StatusCode::GONE,
            ServiceError::Invalid(_) => StatusCode::BAD_REQUEST,
            ServiceError::Conflict(_) => StatusCode::CONFLICT,
            ServiceError::Forbidden(_) => StatusCode::FORBIDDEN,
            ServiceError::Streams(HubError::RoomFull) => StatusCode::TOO_MANY_REQUESTS,
            ServiceError::Streams(HubError::ServerFull) => StatusCode::SERVICE_UNAVAILABLE,
            ServiceError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        };
        Self::new(status, error.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            Json(ErrorBody {
                message: &self.message,
            }),
        )
            .into_response();
        if let Some(secs) = self.retry_after() {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        response
    }
}
