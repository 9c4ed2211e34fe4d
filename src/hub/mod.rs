//! Fan-out of room changes to the streams that watch each room.
//!
//! Each room with at least one open stream has a channel: a bounded
//! broadcast ring of shared frames. Publishing never waits for a stream; a
//! stream that falls more than the ring's length behind is told it lagged
//! and is ended (its client reconnects and receives a snapshot). So one slow
//! client never slows the others, and memory per room and per stream is
//! bounded. The [`Hub`] trait is the seam where a cross-instance bus plugs
//! in: [`RedisHub`] wraps the local hub and carries changes between
//! instances.

mod channel;
mod frame;
mod local;
mod redis;
mod ticker;

use std::sync::Arc;

use crate::domain::{AccessCode, Cause, Room};

pub use channel::{Received, Subscription};
pub use frame::{ENCODINGS, Frame, RoomMessage, next_seq};
pub use local::LocalHub;
pub use redis::{BusConfig, BusEvent, RedisHub};

/// Frames a room's channel holds for streams that are behind.
pub const CHANNEL_CAPACITY: usize = 64;

/// How many parts the local hub splits its rooms into, each with its own
/// lock; a heartbeat slice visits one part (or less).
pub const SHARDS: usize = 256;

/// What a stream asks for when it joins a room.
#[derive(Debug, Clone, Default)]
pub struct SubscribeOptions {
    /// Announce this name in the room's presence list.
    pub name: Option<String>,
    /// Whether this stream wants once-a-second ticks.
    pub ticks: bool,
}

/// Why a stream could not join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HubError {
    /// The room already has as many streams as allowed.
    #[error("this room has too many open streams")]
    RoomFull,
    /// The server already holds as many streams as allowed.
    #[error("the server is at its stream capacity")]
    ServerFull,
}

/// What a [`LocalHub`] reports about its rooms, so that a bus follows
/// exactly the rooms this instance has streams for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomEvent {
    /// The room's first stream here opened.
    Opened(AccessCode),
    /// The room's last stream here closed.
    Closed(AccessCode),
    /// The names announced by the room's streams here changed to these.
    Names(AccessCode, Vec<String>),
}

/// Limits on streams.
#[derive(Debug, Clone, Copy)]
pub struct HubLimits {
    /// Most streams one room may have.
    pub per_room: usize,
    /// Most streams in total.
    pub total: usize,
}

/// Delivers room changes to every stream of the room.
pub trait Hub: Send + Sync + 'static {
    /// Announces a committed change. Versions at or below one already
    /// announced for the room are ignored, so no stream ever goes back.
    fn publish(&self, code: &AccessCode, version: u64, causes: Vec<Cause>, room: Room);

    /// Shows this instance's streams a state read back from the store,
    /// after changes may have been missed: if it is newer than what they
    /// were shown, they get it whole. Other instances are not told.
    fn refresh(&self, code: &AccessCode, version: u64, room: Room);

    /// Resolves once changes made on other instances to this room reach
    /// the streams subscribed here (immediately for a single instance). A
    /// stream reads its snapshot only then, so no change falls between.
    fn following(&self, code: &AccessCode) -> Option<tokio::sync::oneshot::Receiver<()>> {
        let _ = code;
        None
    }

    /// Streams open on this instance.
    fn stream_count(&self) -> usize;

    /// Why changes from other instances may not be arriving, if they may
    /// not (for readiness checks).
    fn fault(&self) -> Option<String> {
        None
    }

    /// Joins a room's channel. The caller reads the room *after* joining and
    /// passes it to [`Subscription::observe`], so no change can fall between.
    fn subscribe(
        &self,
        code: &AccessCode,
        options: SubscribeOptions,
    ) -> Result<Subscription, HubError>;

    /// Ends every stream of a room.
    fn close_streams(&self, code: &AccessCode);

    /// Names announced by the room's open streams.
    fn present(&self, code: &AccessCode) -> Arc<Vec<String>>;

    /// Sends a heartbeat frame to the rooms of slice `slice` of `slices`
    /// (`slices` is below [`SHARDS`] or a multiple of it).
    fn heartbeat(&self, slice: u64, slices: u64);
}

/// The number of slices a heartbeat interval is cut into: one every 4 ms
/// or so, at most 16 per shard, and a multiple of [`SHARDS`] when there are
/// more slices than shards.
fn heartbeat_slices(interval: std::time::Duration) -> u64 {
    let shards = SHARDS as u64;
    let slices = (interval.as_millis() as u64 / 4).max(1);
    if slices < shards {
        slices
    } else {
        (slices / shards).min(16) * shards
    }
}

/// Sends every room a heartbeat once per `interval` until the hub is
/// dropped. Rooms are spread evenly over the interval, a slice every 4 ms
/// or so (3,584 slices of 4.2 ms for the default 15 s), so that streams are
/// never written many at once: real events queued behind such a burst
/// would wait for all of it, and so would the clients that read both.
pub fn spawn_heartbeats(hub: &Arc<dyn Hub>, interval: std::time::Duration) {
    let weak = Arc::downgrade(hub);
    let slices = heartbeat_slices(interval);
    tokio::spawn(async move {
        let mut every = tokio::time::interval(interval / slices as u32);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        every.tick().await;
        for tick in 0u64.. {
            every.tick().await;
            match weak.upgrade() {
                Some(hub) => hub.heartbeat(tick % slices, slices),
                None => return,
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn heartbeat_slices_come_every_4_ms_or_so() {
        assert_eq!(heartbeat_slices(Duration::from_millis(2)), 1);
        assert_eq!(heartbeat_slices(Duration::from_secs(1)), 250);
        assert_eq!(heartbeat_slices(Duration::from_secs(15)), 3_584);
        // At most 16 per shard, however long the interval.
        assert_eq!(heartbeat_slices(Duration::from_secs(3_600)), 4_096);
    }
}
