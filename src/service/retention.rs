//! Removing rooms nobody has changed for a long time, so that the store
//! does not grow without end and old codes stop opening anything.

use std::sync::Arc;
use std::time::Duration;

use super::{RoomService, ServiceError};

/// Rooms removed per store call, so one purge never holds the store long.
const BATCH: usize = 500;

/// When rooms count as idle, and how often to look for them.
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    /// A room unchanged for this long is removed.
    pub idle: Duration,
    /// Time between two purges.
    pub every: Duration,
}

impl RoomService {
    /// Purges idle rooms every `retention.every` while the service lives.
    pub fn spawn_retention(self: &Arc<Self>, retention: Retention) {
        let service = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(retention.every);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                let Some(service) = service.upgrade() else {
                    return;
                };
                if let Err(e) = service.purge_idle(retention.idle).await {
                    tracing::warn!(error = %e, "could not purge idle rooms; will try again");
                }
            }
        });
    }

    /// Removes every room unchanged for `idle`, ends its streams, and
    /// returns how many went.
    pub async fn purge_idle(&self, idle: Duration) -> Result<usize, ServiceError> {
        let before_ms = self.clock.now_ms() - idle.as_millis() as i64;
        let mut purged = 0;
        loop {
            let codes = self.store.purge_idle(before_ms, BATCH).await?;
            for code in &codes {
                self.cache.forget(code);
                self.hub.close_streams(code);
            }
            purged += codes.len();
            self.metrics.rooms_purged.inc_by(codes.len() as u64);
            if codes.len() < BATCH {
                break;
            }
        }
        if purged > 0 {
            tracing::info!(
                rooms = purged,
                idle_secs = idle.as_secs(),
                "purged idle rooms"
            );
        }
        Ok(purged)
    }
}
