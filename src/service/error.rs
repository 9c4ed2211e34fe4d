//! The service's one error type, which each edge maps to its own answers.

use crate::domain::DomainError;
use crate::hub::HubError;
use crate::store::StoreError;

/// Why a service call failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// No room has that code.
    #[error("no room has this access code")]
    NotFound,
    /// The room was deleted.
    #[error("this room was deleted")]
    Deleted,
    /// An item named by the request (a todo, a link...) is not in the room.
    #[error("{0}")]
    ItemNotFound(String),
    /// The input is unacceptable.
    #[error("{0}")]
    Invalid(String),
    /// The room is locked and the request lacks its host key.
    #[error("{0}")]
    Forbidden(String),
    /// The command does not fit the room's state.
    #[error("{0}")]
    Conflict(String),
    /// A stream limit was reached.
    #[error(transparent)]
    Streams(#[from] HubError),
    /// The store (or another dependency) is unavailable.
    #[error("{0}")]
    Unavailable(String),
}

impl From<DomainError> for ServiceError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid(m) => Self::Invalid(m),
            DomainError::Conflict(m) => Self::Conflict(m),
            DomainError::Forbidden(m) => Self::Forbidden(m),
            DomainError::Deleted => Self::Deleted,
            DomainError::NotFound(m) => Self::ItemNotFound(m),
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        tracing::warn!(error = %e, "store error");
        Self::Unavailable("the room store is unavailable; try again shortly".into())
    }
}
