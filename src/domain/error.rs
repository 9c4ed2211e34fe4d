//! Why the domain refuses an input or a command.

/// A refusal from the domain, phrased for the person who asked.
///
/// The variants say *why* (bad value, wrong moment, room gone) so that each
/// edge can choose its own answer: the HTTP layer maps them to 400, 409 and
/// 410, a legacy adapter may turn a conflict into a silent no-op.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// The value itself is unacceptable (too long, out of range, duplicate).
    #[error("{0}")]
    Invalid(String),
    /// The command does not fit the current state (e.g. pausing an idle timer).
    #[error("{0}")]
    Conflict(String),
    /// An item the command names (a todo, a link...) is not in the room.
    #[error("{0}")]
    NotFound(String),
    /// The room is locked and the command needs its host key.
    #[error("{0}")]
    Forbidden(String),
    /// The room was deleted; it accepts no further commands.
    #[error("the room was deleted")]
    Deleted,
}

impl DomainError {
    /// Shorthand for [`DomainError::Invalid`] from anything printable.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::Invalid(message.into())
    }

    /// Shorthand for [`DomainError::Conflict`] from anything printable.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict(message.into())
    }
}
