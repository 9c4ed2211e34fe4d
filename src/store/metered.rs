//! A store wrapper that times every operation into the metrics, so the
//! service and the stores themselves stay free of measuring.

use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;

use super::{RoomStore, StoreError, Versioned};
use crate::domain::{AccessCode, Room};
use crate::metrics::Metrics;

/// Times the operations of the store it wraps.
pub struct Metered {
    inner: Arc<dyn RoomStore>,
    metrics: Arc<Metrics>,
}

impl Metered {
    /// Wraps `inner`.
    pub fn new(inner: Arc<dyn RoomStore>, metrics: Arc<Metrics>) -> Self {
        Self { inner, metrics }
    }

    async fn timed<T>(&self, op: &'static str, work: impl Future<Output = T>) -> T {
        let started = Instant::now();
        let result = work.await;
        self.metrics.store(op, started.elapsed());
        result
    }
}

#[async_trait]
impl RoomStore for Metered {
    async fn insert(&self, room: &Room, now_ms: i64) -> Result<(), StoreError> {
        self.timed("insert", self.inner.insert(room, now_ms)).await
    }

    async fn load(&self, code: &AccessCode) -> Result<Option<Versioned>, StoreError> {
        self.timed("load", self.inner.load(code)).await
    }

    async fn update(
        &self,
        expected: u64,
        room: &Room,
        workspace_changed: bool,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let update = self.inner.update(expected, room, workspace_changed, now_ms);
        self.timed("update", update).await
    }

    async fn room_of_todo(&self, todo_id: u64) -> Result<Option<AccessCode>, StoreError> {
        self.timed("room_of_todo", self.inner.room_of_todo(todo_id))
            .await
    }

    async fn running(&self) -> Result<Vec<(AccessCode, i64)>, StoreError> {
        self.timed("running", self.inner.running()).await
    }

    async fn purge_idle(
        &self,
        before_ms: i64,
        limit: usize,
    ) -> Result<Vec<AccessCode>, StoreError> {
        self.timed("purge_idle", self.inner.purge_idle(before_ms, limit))
            .await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.timed("ping", self.inner.ping()).await
    }
}
