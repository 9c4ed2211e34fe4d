//! The shared store: one PostgreSQL database that several instances can
//! use at once, with the SQLite store's semantics.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{PgPool, Row};

use super::{RoomStore, StoreError, Versioned, changed_workspace, encode, stored, unavailable};
use crate::domain::{AccessCode, Room};

/// Rooms in a PostgreSQL database.
///
/// The compare-and-set is one `UPDATE ... WHERE code = $1 AND version = $2`:
/// a concurrent writer waits for the row lock, then finds the version
/// changed and updates nothing, so two instances racing on one room learn
/// which of them won. A commit returns once the server has flushed it.
pub struct PostgresStore {
    pool: PgPool,
}

/// How long a query waits for a connection (opening one included) before
/// the store answers `Unavailable`: when the database is down, commands
/// fail within this rather than queue behind it.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// Connections per instance: commands on one room are serialised in the
/// service, so this bounds how many rooms commit at the same instant.
const MAX_CONNECTIONS: u32 = 10;

impl PostgresStore {
    /// Connects to the database named by `url` and runs the migrations
    /// (sqlx takes an advisory lock, so instances starting together
    /// migrate once).
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Unavailable(format!("bad PostgreSQL URL: {e}")))?;
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(unavailable)?;
        sqlx::migrate!("migrations/postgres")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Unavailable(format!("migration failed: {e}")))?;
        Ok(Self { pool })
    }
}

/// Points every todo of `room` at it (and forgets its removed todos), in
/// two statements whatever the number of todos.
async fn index_todos(tx: &mut sqlx::PgConnection, room: &Room) -> Result<(), StoreError> {
    let ids: Vec<i64> = room
        .workspace()
        .todos()
        .iter()
        .map(|todo| todo.id.get() as i64)
        .collect();
    sqlx::query("DELETE FROM todo_rooms WHERE code = $1 AND todo_id <> ALL($2)")
        .bind(room.code().as_str())
        .bind(&ids)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
    sqlx::query(
        "INSERT INTO todo_rooms (todo_id, code) SELECT id, $2 FROM UNNEST($1::BIGINT[]) AS id
         ON CONFLICT (todo_id) DO UPDATE SET code = EXCLUDED.code",
    )
    .bind(&ids)
    .bind(room.code().as_str())
    .execute(&mut *tx)
    .await
    .map_err(unavailable)?;
    Ok(())
}

/// One column of a row; a type that does not match (a schema changed
/// under the server) is a `Corrupt` row rather than a panic.
fn column<'r, T>(row: &'r PgRow, index: usize) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    row.try_get(index)
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

#[async_trait]
impl RoomStore for PostgresStore {
    async fn insert(&self, room: &Room, now_ms: i64) -> Result<(), StoreError> {
        let result = sqlx::query(
            "INSERT INTO rooms (code, version, state, workspace, ends_at_ms, created_at_ms, updated_at_ms)
             VALUES ($1, 1, $2, $3, $4, $5, $6)",
        )
        .bind(room.code().as_str())
        .bind(encode(room)?)
        .bind(encode(room.workspace())?)
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
        let row = sqlx::query("SELECT version, state, workspace FROM rooms WHERE code = $1")
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?;
        let Some(row) = row else { return Ok(None) };
        stored(column(&row, 0)?, column(&row, 1)?, column(&row, 2)?).map(Some)
    }

    async fn update(
        &self,
        expected: u64,
        room: &Room,
        workspace_changed: bool,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let workspace = changed_workspace(room, workspace_changed)?;
        let update = sqlx::query(
            "UPDATE rooms SET version = version + 1, state = $1, workspace = COALESCE($2, workspace),
                 ends_at_ms = $3, updated_at_ms = $4
             WHERE code = $5 AND version = $6",
        )
        .bind(encode(room)?)
        .bind(workspace)
        .bind(room.timer().ends_at_ms())
        .bind(now_ms)
        .bind(room.code().as_str())
        .bind(expected as i64);
        if !workspace_changed {
            // One statement commits by itself: no transaction round trips.
            let result = update.execute(&self.pool).await.map_err(unavailable)?;
            return Ok(result.rows_affected() == 1);
        }
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
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
            sqlx::query_scalar("SELECT code FROM todo_rooms WHERE todo_id = $1")
                .bind(todo_id as i64)
                .fetch_optional(&self.pool)
                .await
                .map_err(unavailable)?;
        code.map(|c| AccessCode::parse(&c).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()
    }

    async fn running(&self) -> Result<Vec<(AccessCode, i64)>, StoreError> {
        let rows = sqlx::query("SELECT code, ends_at_ms FROM rooms WHERE ends_at_ms IS NOT NULL")
            .fetch_all(&self.pool)
            .await
            .map_err(unavailable)?;
        rows.iter()
            .map(|row| {
                let code: &str = column(row, 0)?;
                let code =
                    AccessCode::parse(code).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                Ok((code, column(row, 1)?))
            })
            .collect()
    }

    async fn purge_idle(
        &self,
        before_ms: i64,
        limit: usize,
    ) -> Result<Vec<AccessCode>, StoreError> {
        // Rows another instance is changing right now are skipped, not
        // waited for: they are not idle. Their todo index goes by cascade.
        let rows = sqlx::query(
            "DELETE FROM rooms WHERE code IN (
                 SELECT code FROM rooms WHERE updated_at_ms < $1
                 ORDER BY updated_at_ms LIMIT $2 FOR UPDATE SKIP LOCKED)
             AND updated_at_ms < $1
             RETURNING code",
        )
        .bind(before_ms)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?;
        rows.iter()
            .map(|row| {
                let code: &str = column(row, 0)?;
                AccessCode::parse(code).map_err(|e| StoreError::Corrupt(e.to_string()))
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
