//! The embedded store: one SQLite file in WAL mode.
//!
//! Statements run through rusqlite on the calling thread, not on a database
//! thread: a commit that does not wait for the disk takes tens of
//! microseconds, while handing every statement to another thread and back
//! (as sqlx's SQLite driver does) costs a thread wake-up each way, and on a
//! busy two-core machine those wake-ups put milliseconds into the slowest
//! percent of commands (`docs/BENCHMARKS.md`). When commits do wait for the
//! disk (`--fsync-each-commit`), writes move to tokio's blocking pool so
//! that a flush never stalls the runtime. sqlx still creates and migrates
//! the schema, as it does for PostgreSQL.

use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use sqlx::ConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;

use super::{RoomStore, StoreError, Versioned, changed_workspace, encode, stored};
use crate::domain::{AccessCode, Room};

/// Rooms in a SQLite file.
///
/// WAL mode lets the reader connection proceed while the writer commits,
/// and a commit is in the log before it is acknowledged, so `kill -9` loses
/// nothing acknowledged (see [`SqliteStore::open`] for power cuts). One
/// connection writes (SQLite admits one writer at a time anyway), one
/// reads, and a third folds the log back into the file in the background.
pub struct SqliteStore {
    writer: Arc<Mutex<Connection>>,
    reader: Arc<Mutex<Connection>>,
    /// Whether commits wait for the disk (then they run off the runtime).
    flushing: bool,
    /// Stops the background checkpointer when the store goes away.
    _checkpointer: tokio_util::sync::DropGuard,
}

/// How often the write-ahead log is folded back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// How long a statement waits for a lock another connection holds.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

impl SqliteStore {
    /// Opens (creating if needed, with its folder) the file named by `url`
    /// and runs the migrations. With `fsync_each_commit`, every commit
    /// waits for the disk (`synchronous = FULL`): acknowledged changes then
    /// survive a power cut too, at the price of a disk flush per command.
    /// Without it (`NORMAL`), they survive any crash of the process.
    pub async fn open(url: &str, fsync_each_commit: bool) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Unavailable(format!("bad SQLite URL {url:?}: {e}")))?
            .create_if_missing(true);
        let path = options.get_filename().to_path_buf();
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Unavailable(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        migrate(options).await?;
        let synchronous = if fsync_each_commit { "FULL" } else { "NORMAL" };
        let writer = connect(&path, synchronous, false)?;
        let reader = connect(&path, synchronous, true)?;
        let maintenance = connect(&path, synchronous, false)?;
        let stop = tokio_util::sync::CancellationToken::new();
        tokio::spawn(checkpoint(maintenance, stop.clone()));
        Ok(Self {
            writer: Arc::new(Mutex::new(writer)),
            reader: Arc::new(Mutex::new(reader)),
            flushing: fsync_each_commit,
            _checkpointer: stop.drop_guard(),
        })
    }

    /// Runs `work` on the writer: here when commits do not wait for the
    /// disk, on the blocking pool when they do.
    async fn write<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        if !self.flushing {
            return work(&mut lock(&self.writer));
        }
        self.write_blocking(work).await
    }

    /// Runs `work` on the writer on tokio's blocking pool, whatever the
    /// commits wait for: for work that scans the table (the retention
    /// job), which takes too long to run between a task's awaits.
    async fn write_blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let writer = self.writer.clone();
        tokio::task::spawn_blocking(move || work(&mut lock(&writer)))
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?
    }

    /// Runs `work` on the reader (a read never waits for the disk).
    fn read<T>(
        &self,
        work: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        work(&lock(&self.reader)).map_err(unavailable)
    }
}

/// Creates the schema with sqlx's migrations (shared with PostgreSQL's
/// tooling), on a connection that is closed again.
async fn migrate(options: SqliteConnectOptions) -> Result<(), StoreError> {
    let mut conn = options
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .connect()
        .await
        .map_err(|e| StoreError::Unavailable(e.to_string()))?;
    sqlx::migrate!("migrations/sqlite")
        .run(&mut conn)
        .await
        .map_err(|e| StoreError::Unavailable(format!("migration failed: {e}")))?;
    sqlx::Connection::close(conn)
        .await
        .map_err(|e| StoreError::Unavailable(e.to_string()))
}

/// One connection to the file at `path`, in WAL mode with `synchronous`.
/// Checkpoints run in the background (see [`checkpoint`]), not inside
/// whichever commit happens to cross SQLite's threshold.
fn connect(path: &Path, synchronous: &str, read_only: bool) -> Result<Connection, StoreError> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let open = || -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(path, flags)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "synchronous", synchronous)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        if !read_only {
            conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        }
        Ok(conn)
    };
    open().map_err(|e| StoreError::Unavailable(format!("{}: {e}", path.display())))
}

/// Locks a connection; a panic while it was held leaves nothing half
/// done (the transaction rolls back), so the poison is ignored.
fn lock(conn: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Folds the write-ahead log into the database file every
/// [`CHECKPOINT_EVERY`], on its own connection and off the runtime. A
/// passive checkpoint never waits for the writer, so commits keep their
/// latency; left to SQLite, the commit that crosses the log's threshold
/// would pay for it.
async fn checkpoint(conn: Connection, stop: tokio_util::sync::CancellationToken) {
    let conn = Arc::new(Mutex::new(conn));
    let fold = |mode: &'static str| {
        let conn = conn.clone();
        tokio::task::spawn_blocking(move || {
            lock(&conn).query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |_| Ok(()))
        })
    };
    let mut every = tokio::time::interval(CHECKPOINT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            _ = every.tick() => {
                if let Ok(Err(e)) = fold("PASSIVE").await {
                    tracing::warn!(error = %e, "WAL checkpoint failed");
                }
            }
        }
    }
    // A last full fold on a clean stop keeps the log short for the next start.
    let _ = fold("TRUNCATE").await;
}

/// A failed statement: the database refused or could not be reached.
fn unavailable(e: rusqlite::Error) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        unavailable(e)
    }
}

fn corrupt_code(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// Points every todo of the room `code` at it (and forgets its removed
/// todos), inside the caller's transaction.
fn index_todos(tx: &rusqlite::Transaction<'_>, code: &str, todos: &[i64]) -> rusqlite::Result<()> {
    tx.prepare_cached("DELETE FROM todo_rooms WHERE code = ?1")?
        .execute([code])?;
    let mut insert =
        tx.prepare_cached("INSERT OR REPLACE INTO todo_rooms (todo_id, code) VALUES (?1, ?2)")?;
    for id in todos {
        insert.execute(params![id, code])?;
    }
    Ok(())
}

/// Why an insert failed: a taken code is [`StoreError::Duplicate`].
fn insert_error(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => StoreError::Duplicate,
        _ => unavailable(e),
    }
}

#[async_trait]
impl RoomStore for SqliteStore {
    async fn insert(&self, room: &Room, now_ms: i64) -> Result<(), StoreError> {
        let (code, state, workspace) = (
            room.code().as_str().to_owned(),
            encode(room)?,
            encode(room.workspace())?,
        );
        let (ends_at, created_at) = (room.timer().ends_at_ms(), room.created_at_ms());
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT INTO rooms (code, version, state, workspace, ends_at_ms, created_at_ms, updated_at_ms)
                 VALUES (?1, 1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut insert| {
                insert.execute(params![code, state, workspace, ends_at, created_at, now_ms])
            })
            .map(drop)
            .map_err(insert_error)
        })
        .await
    }

    async fn load(&self, code: &AccessCode) -> Result<Option<Versioned>, StoreError> {
        let row = self.read(|conn| {
            conn.prepare_cached("SELECT version, state, workspace FROM rooms WHERE code = ?1")?
                .query_row([code.as_str()], |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                    ))
                })
                .optional()
        })?;
        row.map(|(version, room, workspace)| stored(version, &room, &workspace))
            .transpose()
    }

    async fn update(
        &self,
        expected: u64,
        room: &Room,
        workspace_changed: bool,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let workspace = changed_workspace(room, workspace_changed)?;
        let todos: Vec<i64> = match workspace {
            Some(_) => room
                .workspace()
                .todos()
                .iter()
                .map(|todo| todo.id.get() as i64)
                .collect(),
            None => Vec::new(),
        };
        let (code, state, ends_at) = (
            room.code().as_str().to_owned(),
            encode(room)?,
            room.timer().ends_at_ms(),
        );
        self.write(move |conn| {
            const UPDATE: &str = "UPDATE rooms SET version = version + 1, state = ?1,
                     workspace = COALESCE(?2, workspace), ends_at_ms = ?3, updated_at_ms = ?4
                 WHERE code = ?5 AND version = ?6";
            let args = params![state, workspace, ends_at, now_ms, code, expected as i64];
            if workspace.is_none() {
                // One statement commits by itself: no transaction round trips.
                let changed = conn.prepare_cached(UPDATE)?.execute(args)?;
                return Ok(changed == 1);
            }
            let tx = conn.transaction()?;
            if tx.prepare_cached(UPDATE)?.execute(args)? != 1 {
                return Ok(false);
            }
            index_todos(&tx, &code, &todos)?;
            tx.commit()?;
            Ok(true)
        })
        .await
    }

    async fn room_of_todo(&self, todo_id: u64) -> Result<Option<AccessCode>, StoreError> {
        let code: Option<String> = self.read(|conn| {
            conn.prepare_cached("SELECT code FROM todo_rooms WHERE todo_id = ?1")?
                .query_row([todo_id as i64], |row| row.get(0))
                .optional()
        })?;
        code.map(|c| AccessCode::parse(&c).map_err(corrupt_code))
            .transpose()
    }

    async fn running(&self) -> Result<Vec<(AccessCode, i64)>, StoreError> {
        let rows: Vec<(String, i64)> = self.read(|conn| {
            conn.prepare_cached("SELECT code, ends_at_ms FROM rooms WHERE ends_at_ms IS NOT NULL")?
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect()
        })?;
        rows.into_iter()
            .map(|(code, ends_at)| Ok((AccessCode::parse(&code).map_err(corrupt_code)?, ends_at)))
            .collect()
    }

    async fn purge_idle(
        &self,
        before_ms: i64,
        limit: usize,
    ) -> Result<Vec<AccessCode>, StoreError> {
        let codes: Vec<String> = self
            .write_blocking(move |conn| {
                let tx = conn.transaction()?;
                let codes: Vec<String> = tx
                    .prepare_cached(
                        "SELECT code FROM rooms WHERE updated_at_ms < ?1
                         ORDER BY updated_at_ms LIMIT ?2",
                    )?
                    .query_map(params![before_ms, limit as i64], |row| row.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                for code in &codes {
                    tx.prepare_cached("DELETE FROM todo_rooms WHERE code = ?1")?
                        .execute([code])?;
                    tx.prepare_cached("DELETE FROM rooms WHERE code = ?1")?
                        .execute([code])?;
                }
                tx.commit()?;
                Ok(codes)
            })
            .await?;
        codes
            .iter()
            .map(|code| AccessCode::parse(code).map_err(corrupt_code))
            .collect()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.read(|conn| conn.query_row("SELECT 1", [], |_| Ok(())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::workspace::{ItemId, TodoContent};
    use crate::domain::{Command, Participants, PhaseDuration, Plan, WorkspaceCommand};

    /// A store in a fresh folder, with commits flushed to disk (writes on
    /// the blocking pool) or not (writes on the calling thread).
    async fn store_with(flushing: bool) -> (SqliteStore, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/nested/rooms.db", dir.path().display());
        (SqliteStore::open(&url, flushing).await.unwrap(), dir)
    }

    async fn temp_store() -> (SqliteStore, tempfile::TempDir) {
        store_with(true).await
    }

    fn room() -> Room {
        let people = Participants::parse(&["Ann", "Bob"]).unwrap();
        let plan = Plan::single("Round", PhaseDuration::from_ms(60_000).unwrap());
        Room::new(AccessCode::from_random([3; 9]), people, plan, 1_000)
    }

    #[tokio::test]
    async fn updates_are_compare_and_set() {
        for flushing in [true, false] {
            compare_and_set(flushing).await;
        }
    }

    async fn compare_and_set(flushing: bool) {
        let (store, _dir) = store_with(flushing).await;
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
