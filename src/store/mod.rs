//! Persistence of rooms, behind a trait so that the service does not know
//! which database holds them.
//!
//! The contract every implementation keeps: a change is durable once
//! [`RoomStore::update`] returns `Ok(true)`, and an update succeeds only if
//! the stored version is the one the caller read (compare-and-set). That
//! makes "exactly once" a property of the store: two servers that both try
//! to apply the same time-up race on the version, and the loser learns it.

mod metered;
mod postgres;
mod sqlite;

use async_trait::async_trait;

use crate::domain::{AccessCode, Room};

pub use metered::Metered;
pub use postgres::PostgresStore;
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

    /// Removes up to `limit` rooms last changed before `before_ms` (with
    /// their todo index), oldest first; returns their codes.
    async fn purge_idle(&self, before_ms: i64, limit: usize)
    -> Result<Vec<AccessCode>, StoreError>;

    /// Whether the store answers at all (for readiness checks).
    async fn ping(&self) -> Result<(), StoreError>;
}

/// Opens the store named by a database URL: `sqlite:PATH`, or
/// `postgres://...` (also spelt `postgresql://`) for a PostgreSQL database
/// that several instances can share. `fsync_each_commit` makes SQLite's
/// commits durable across power cuts as well as process crashes; a
/// PostgreSQL commit is already flushed by the server before it returns
/// (its default `synchronous_commit = on`), so there the flag changes
/// nothing.
pub async fn open(
    url: &str,
    fsync_each_commit: bool,
) -> Result<std::sync::Arc<dyn RoomStore>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(std::sync::Arc::new(
            SqliteStore::open(url, fsync_each_commit).await?,
        ))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(std::sync::Arc::new(PostgresStore::open(url).await?))
    } else {
        Err(StoreError::Unavailable(format!(
            "unsupported database URL {url:?}: expected sqlite:PATH or postgres://..."
        )))
    }
}

/// Every database error becomes `Unavailable`: the caller cannot fix it,
/// only wait for the database, so the HTTP edge answers 503.
fn unavailable(e: sqlx::Error) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

/// A room or workspace as stored: the domain's own serde JSON.
fn encode<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A stored row read back: its version and the room with its workspace.
fn stored(version: i64, room: &str, workspace: &str) -> Result<Versioned, StoreError> {
    let room: Room = decode(room)?;
    Ok(Versioned {
        version: version as u64,
        room: room.with_workspace(decode(workspace)?),
    })
}

/// The workspace to write with an update: its encoding if it changed,
/// `None` (keep the stored one) if not.
fn changed_workspace(room: &Room, changed: bool) -> Result<Option<String>, StoreError> {
    changed.then(|| encode(room.workspace())).transpose()
}

/// Reads back what [`encode`] stored.
fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}
