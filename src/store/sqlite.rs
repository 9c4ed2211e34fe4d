//! The embedded store: one SQLite file in WAL mode.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

use super::{RoomStore, StoreError, Versioned};
use crate::domain::{AccessCode, Room};

/// Rooms in a SQLite file.
///
/// WAL mode lets readers proceed while one writer commits; `synchronous =
/// FULL` makes every acknowledged change survive not only `kill -9` but a
/// power cut.
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed, with its folder) the file named by `url`
    /// and runs the migrations.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Unavailable(format!("bad SQLite URL {url:?}: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5));
        if let Some(dir) = options.get_filename().parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Unavailable(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(unavailable)?;
        sqlx::migrate!("migrations/sqlite")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Unavailable(format!("migration failed: {e}")))?;
        Ok(Self { pool })
    }
}

fn unavailable(e: sqlx::Error) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

fn encode(room: &Room) -> Result<String, StoreError> {
    serde_json::to_string(room).map_err(|e| StoreError::Corrupt(e.to_string()))
}

#[async_trait]
impl RoomStore for SqliteStore {
    async fn insert(&self, room: &Room, now_ms: i64) -> Result<(), StoreError> {
        let result = sqlx::query(
            "INSERT INTO rooms (code, version, state, ends_at_ms, created_at_ms, updated_at_ms)
             VALUES (?, 1, ?, ?, ?, ?)",
        )
        .bind(room.code().as_str())
        .bind(encode(room)?)
        .bind(room.timer().ends_at_ms())
        .bind(room.created_at_ms())
        .bind(now_ms)
        .execute(&self.pool)
        .await;
        match result {
            Ok(_) => Ok(()),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(StoreError::Duplicate),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn load(&self, code: &AccessCode) -> Result<Option<Versioned>, StoreError> {
        let row = sqlx::query("SELECT version, state FROM rooms WHERE code = ?")
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?;
        let Some(row) = row else { return Ok(None) };
        let version: i64 = row.get(0);
        let state: String = row.get(1);
        let room = serde_json::from_str(&state).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Some(Versioned {
            version: version as u64,
            room,
        }))
    }

    async fn update(&self, expected: u64, room: &Room, now_ms: i64) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE rooms SET version = version + 1, state = ?, ends_at_ms = ?, updated_at_ms = ?
             WHERE code = ? AND version = ?",
        )
        .bind(encode(room)?)
        .bind(room.timer().ends_at_ms())
        .bind(now_ms)
        .bind(room.code().as_str())
        .bind(expected as i64)
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(result.rows_affected() == 1)
    }

    async fn running(&self) -> Result<Vec<(AccessCode, i64)>, StoreError> {
        let rows = sqlx::query("SELECT code, ends_at_ms FROM rooms WHERE ends_at_ms IS NOT NULL")
            .fetch_all(&self.pool)
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
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Command, Participants, PhaseDuration, Plan};

    async fn temp_store() -> (SqliteStore, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/nested/rooms.db", dir.path().display());
        (SqliteStore::open(&url).await.unwrap(), dir)
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
        assert!(store.update(1, &r, 2_000).await.unwrap());
        // A writer that read version 1 loses.
        assert!(!store.update(1, &r, 2_001).await.unwrap());
        let stored = store.load(r.code()).await.unwrap().unwrap();
        assert_eq!(stored.version, 2);
        assert_eq!(stored.room, r);
        assert_eq!(
            store.running().await.unwrap(),
            vec![(r.code().clone(), 62_000)]
        );
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
