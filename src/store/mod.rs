//! Persistence of rooms, behind a trait so that the service does not know
//! which database holds them.
//!
//! The contract every implementation keeps: a change is durable once
//! [`RoomStore::update`] returns `Ok(true)`, and an update succeeds only if
//! the stored version is the one the caller read (compare-and-set). That
//! makes "exactly once" a property of the store: two servers that both try
//! to apply the same time-up race on the version, and the loser learns it.

mod sqlite;

use async_trait::async_trait;

use crate::domain::{AccessCode, Room};

pub use sqlite::SqliteStore;

/// A room as stored, with the version its last change produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Versioned {
    /// Starts at 1 on creation and grows by one with every change.
    pub version: u64,
    /// The room.
    pub room: Room,
}

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached or refused the operation.
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
    /// A stored row could not be read back (corrupt or from a newer schema).
    #[error("a stored room could not be read: {0}")]
    Corrupt(String),
    /// A room with that code already exists.
    #[error("a room with that code already exists")]
    Duplicate,
}

/// Where rooms live between commands and across restarts.
#[async_trait]
pub trait RoomStore: Send + Sync + 'static {
    /// Stores a new room at version 1.
    async fn insert(&self, room: &Room, now_ms: i64) -> Result<(), StoreError>;

    /// Reads a room, or `None` if the code is unknown.
    async fn load(&self, code: &AccessCode) -> Result<Option<Versioned>, StoreError>;

    /// Replaces a room if its stored version is still `expected`, storing it
    /// as `expected + 1`; its workspace is written too if
    /// `workspace_changed`. Returns `false` (and changes nothing) if another
    /// writer got there first.
    async fn update(
        &self,
        expected: u64,
        room: &Room,
        workspace_changed: bool,
        now_ms: i64,
    ) -> Result<bool, StoreError>;

    /// The room a todo belongs to (for routes that name only the todo).
    async fn room_of_todo(&self, todo_id: u64) -> Result<Option<AccessCode>, StoreError>;

    /// Every running timer's code and deadline, for scheduling time-ups
    /// after a restart.
    async fn running(&self) -> Result<Vec<(AccessCode, i64)>, StoreError>;

    /// Whether the store answers at all (for readiness checks).
    async fn ping(&self) -> Result<(), StoreError>;
}

/// Opens the store named by a database URL (`sqlite:` for now);
/// `fsync_each_commit` makes commits durable across power cuts as well as
/// process crashes.
pub async fn open(
    url: &str,
    fsync_each_commit: bool,
) -> Result<std::sync::Arc<dyn RoomStore>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(std::sync::Arc::new(
            SqliteStore::open(url, fsync_each_commit).await?,
        ))
    } else {
        Err(StoreError::Unavailable(format!(
            "unsupported database URL {url:?}: expected sqlite:PATH"
        )))
    }
}
