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
}

#[derive(Serialize)]
struct Body<'a> {
    message: &'a str,
}

impl ApiError {
    /// An error with a status and message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
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
        serde_json::to_string(&Body {
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
            Json(Body {
                message: &self.message,
            }),
        )
            .into_response();
        if matches!(
            self.status,
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
        ) {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("5"),
            );
        }
        response
    }
}
