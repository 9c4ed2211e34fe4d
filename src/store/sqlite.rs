//! The embedded store: one SQLite file in WAL mode.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

use super::{RoomStore, StoreError, Versioned, decode, encode, unavailable};
use crate::domain::{AccessCode, Room, Workspace};

/// Rooms in a SQLite file.
///
/// WAL mode lets readers proceed while one writer commits, and a commit is
/// in the log before it is acknowledged, so `kill -9` loses nothing
/// acknowledged (see [`SqliteStore::open`] for power cuts). All writes go through one connection: SQLite admits one
/// writer at a time anyway, and queueing on the pool is first-come
/// first-served, where competing connections would meet `SQLITE_BUSY` and
/// back off in sleeps of up to 100 ms.
pub struct SqliteStore {
    writer: SqlitePool,
    readers: SqlitePool,
    /// Stops the background checkpointer when the store goes away.
    _checkpointer: tokio_util::sync::DropGuard,
}

/// How often the write-ahead log is folded back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

impl SqliteStore {
    /// Opens (creating if needed, with its folder) the file named by `url`
    /// and runs the migrations. With `fsync_each_commit`, every commit
    /// waits for the disk (`synchronous = FULL`): acknowledged changes then
    /// survive a power cut too, at the price of a disk flush per command.
    /// Without it (`NORMAL`), they survive any crash of the process.
    pub async fn open(url: &str, fsync_each_commit: bool) -> Result<Self, StoreError> {
        let synchronous = if fsync_each_commit {
            SqliteSynchronous::Full
        } else {
            SqliteSynchronous::Normal
        };
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Unavailable(format!("bad SQLite URL {url:?}: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(synchronous)
            .foreign_keys(true)
            // Checkpoints run in the background (see `checkpoint`), not
            // inside whichever commit happens to cross the threshold.
            .pragma("wal_autocheckpoint", "0")
            .busy_timeout(Duration::from_secs(5));
        if let Some(dir) = options.get_filename().parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Unavailable(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
        }
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(unavailable)?;
        sqlx::migrate!("migrations/sqlite")
            .run(&writer)
            .await
            .map_err(|e| StoreError::Unavailable(format!("migration failed: {e}")))?;
        let readers = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.clone().read_only(true))
            .await
            .map_err(unavailable)?;
        let maintenance = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .map_err(unavailable)?;
        let stop = tokio_util::sync::CancellationToken::new();
        tokio::spawn(checkpoint(maintenance, stop.clone()));
        Ok(Self {
            writer,
            readers,
            _checkpointer: stop.drop_guard(),
        })
    }
}

/// Folds the write-ahead log into the database file every
/// [`CHECKPOINT_EVERY`], on its own connection. A passive checkpoint never
/// waits for the writer, so commits keep their latency; left to SQLite,
/// the commit that crosses the log's threshold would pay for it.
async fn checkpoint(pool: SqlitePool, stop: tokio_util::sync::CancellationToken) {
    let mut every = tokio::time::interval(CHECKPOINT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            _ = every.tick() => {
                if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
                    tracing::warn!(error = %e, "WAL checkpoint failed");
                }
            }
        }
    }
    // A last full fold on a clean stop keeps the log short for the next start.
    let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&pool)
        .await;
    pool.close().await;
}

/// Points every todo of `room` at it (and forgets its removed todos).
async fn index_todos(tx: &mut sqlx::SqliteConnection, room: &Room) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM todo_rooms WHERE code = ?")
        .bind(room.code().as_str())
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
    for todo in room.workspace().todos() {
        sqlx::query("INSERT OR REPLACE INTO todo_rooms (todo_id, code) VALUES (?, ?)")
            .bind(todo.id.get() as i64)
            .bind(room.code().as_str())
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
    }
    Ok(())
}

#[async_trait]
impl RoomStore for SqliteStore {
    async fn insert(&self, room: &Room, now_ms: i64) -> Result<(), StoreError> {
        let result = sqlx::query(
            "INSERT INTO rooms (code, version, state, workspace, ends_at_ms, created_at_ms, updated_at_ms)
             VALUES (?, 1, ?, ?, ?, ?, ?)",
        )
        .bind(room.code().as_str())
        .bind(encode(room)?)
        .bind(encode(room.workspace())?)
        .bind(room.timer().ends_at_ms())
        .bind(room.created_at_ms())
        .bind(now_ms)
        .execute(&self.writer)
        .await;
        match result {
            Ok(_) => Ok(()),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(StoreError::Duplicate),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn load(&self, code: &AccessCode) -> Result<Option<Versioned>, StoreError> {
        let row = sqlx::query("SELECT version, state, workspace FROM rooms WHERE code = ?")
            .bind(code.as_str())
            .fetch_optional(&self.readers)
            .await
            .map_err(unavailable)?;
        let Some(row) = row else { return Ok(None) };
        let version: i64 = row.get(0);
        let room: Room = decode(row.get::<&str, _>(1))?;
        let workspace: Workspace = decode(row.get::<&str, _>(2))?;
        Ok(Some(Versioned {
            version: version as u64,
            room: room.with_workspace(workspace),
        }))
    }

    async fn update(
        &self,
        expected: u64,
        room: &Room,
        workspace_changed: bool,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let workspace = if workspace_changed {
            Some(encode(room.workspace())?)
        } else {
            None
        };
        let update = sqlx::query(
            "UPDATE rooms SET version = version + 1, state = ?, workspace = COALESCE(?, workspace),
                 ends_at_ms = ?, updated_at_ms = ?
             WHERE code = ? AND version = ?",
        )
        .bind(encode(room)?)
        .bind(workspace)
        .bind(room.timer().ends_at_ms())
        .bind(now_ms)
        .bind(room.code().as_str())
        .bind(expected as i64);
        if !workspace_changed {
            // One statement commits by itself: no transaction round trips.
            let result = update.execute(&self.writer).await.map_err(unavailable)?;
            return Ok(result.rows_affected() == 1);
        }
        let mut tx = self.writer.begin().await.map_err(unavailable)?;
        let result = update.execute(&mut *tx).await.map_err(unavailable)?;
        if result.rows_affected() != 1 {
            return Ok(false);
        }
        index_todos(&mut tx, room).await?;
        tx.commit().await.map_err(unavailable)?;
        Ok(true)
    }

    async fn room_of_todo(&self, todo_id: u64) -> Result<Option<AccessCode>, StoreError> {
        let code: Option<String> =
            sqlx::query_scalar("SELECT code FROM todo_rooms WHERE todo_id = ?")
                .bind(todo_id as i64)
                .fetch_optional(&self.readers)
                .await
                .map_err(unavailable)?;
        code.map(|c| AccessCode::parse(&c).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()
    }

    async fn running(&self) -> Result<Vec<(AccessCode, i64)>, StoreError> {
        let rows = sqlx::query("SELECT code, ends_at_ms FROM rooms WHERE ends_at_ms IS NOT NULL")
            .fetch_all(&self.readers)
            .await
            .map_err(unavailable)?;
        rows.iter()
            .map(|row| {
                let code: String = row.get(0);
                let code =
                    AccessCode::parse(&code).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                Ok((code, row.get::<i64, _>(1)))
            })
            .collect()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.readers)
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::workspace::{ItemId, TodoContent};
    use crate::domain::{Command, Participants, PhaseDuration, Plan, WorkspaceCommand};

    async fn temp_store() -> (SqliteStore, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/nested/rooms.db", dir.path().display());
        (SqliteStore::open(&url, true).await.unwrap(), dir)
    }

    fn room() -> Room {
        let people = Participants::parse(&["Ann", "Bob"]).unwrap();
        let plan = Plan::single("Round", PhaseDuration::from_ms(60_000).unwrap());
        Room::new(AccessCode::from_random([3; 9]), people, plan, 1_000)
    }

    #[tokio::test]
    async fn updates_are_compare_and_set() {
        let (store, _dir) = temp_store().await;
        let mut r = room();
        store.insert(&r, 1_000).await.unwrap();
        assert!(matches!(
            store.insert(&r, 1_000).await,
            Err(StoreError::Duplicate)
        ));
        r.apply(Command::Start, 2_000).unwrap();
        assert!(store.update(1, &r, false, 2_000).await.unwrap());
        // A writer that read version 1 loses.
        assert!(!store.update(1, &r, false, 2_001).await.unwrap());
        let stored = store.load(r.code()).await.unwrap().unwrap();
        assert_eq!(stored.version, 2);
        assert_eq!(stored.room, r);
        assert_eq!(
            store.running().await.unwrap(),
            vec![(r.code().clone(), 62_000)]
        );
    }

    #[tokio::test]
    async fn the_workspace_is_stored_apart_and_todos_are_indexed() {
        let (store, _dir) = temp_store().await;
        let mut r = room();
        store.insert(&r, 1_000).await.unwrap();
        let id = ItemId::new(42).unwrap();
        let add = WorkspaceCommand::AddTodo {
            id,
            content: TodoContent::parse("write tests").unwrap(),
        };
        r.apply(Command::Workspace(add), 2_000).unwrap();
        assert!(store.update(1, &r, true, 2_000).await.unwrap());
        assert_eq!(store.load(r.code()).await.unwrap().unwrap().room, r);
        assert_eq!(
            store.room_of_todo(42).await.unwrap(),
            Some(r.code().clone())
        );
        r.apply(
            Command::Workspace(WorkspaceCommand::DeleteTodo { id }),
            3_000,
        )
        .unwrap();
        assert!(store.update(2, &r, true, 3_000).await.unwrap());
        assert_eq!(store.room_of_todo(42).await.unwrap(), None);
    }

    #[tokio::test]
    async fn unknown_codes_read_as_none() {
        let (store, _dir) = temp_store().await;
        assert!(
            store
                .load(&AccessCode::from_random([9; 9]))
                .await
                .unwrap()
                .is_none()
        );
        store.ping().await.unwrap();
    }
}
