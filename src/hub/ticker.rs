//! Once-a-second ticks for a running timer, computed from its deadline.
//!
//! Ticks are made locally for each room with streams that asked for them:
//! they fall on the deadline's whole seconds (remaining 9000, 8000, ...), so
//! they never drift and every server computes the same ones.

use std::sync::Weak;

use tokio::sync::watch;

use super::channel::Channel;
use super::frame::RoomMessage;
use crate::clock::{Clock, instant_at};

/// What the ticker needs to know about the room.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct TickPlan {
    /// The room's version, for the tick's SSE id.
    pub(super) version: u64,
    /// The deadline, when running.
    pub(super) ends_at_ms: Option<i64>,
    /// The running phase.
    pub(super) phase_index: usize,
    /// Whether any stream wants ticks.
    pub(super) wanted: bool,
}

/// The next tick after `now_ms` for a deadline: its time and the remaining
/// time it reports (a positive whole number of seconds), if any is left.
pub(super) fn next_tick(ends_at_ms: i64, now_ms: i64) -> Option<(i64, u64)> {
    let left = ends_at_ms - now_ms;
    if left <= 1_000 {
        return None;
    }
    let remaining = ((left - 1) / 1_000) * 1_000;
    Some((ends_at_ms - remaining, remaining as u64))
}

/// Runs until the channel is gone, sending ticks while the plan asks.
pub(super) async fn run(
    channel: Weak<Channel>,
    mut plan: watch::Receiver<TickPlan>,
    clock: std::sync::Arc<dyn Clock>,
) {
    loop {
        let current = *plan.borrow_and_update();
        let now = clock.now_ms();
        let due = match current {
            TickPlan {
                wanted: true,
                ends_at_ms: Some(ends_at),
                ..
            } => next_tick(ends_at, now),
            _ => None,
        };
        let Some((at_ms, remaining_ms)) = due else {
            if plan.changed().await.is_err() {
                return;
            }
            continue;
        };
        tokio::select! {
            changed = plan.changed() => if changed.is_err() { return },
            () = tokio::time::sleep_until(instant_at(now, at_ms)) => {
                let Some(channel) = channel.upgrade() else { return };
                channel.send(RoomMessage::Tick {
                    version: current.version,
                    phase_index: current.phase_index,
                    remaining_ms,
                    at_ms,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::next_tick;

    #[test]
    fn ticks_fall_on_the_deadlines_whole_seconds() {
        assert_eq!(next_tick(10_000, 0), Some((1_000, 9_000)));
        assert_eq!(next_tick(10_000, 1_000), Some((2_000, 8_000)));
        assert_eq!(next_tick(10_500, 0), Some((500, 10_000)));
        assert_eq!(next_tick(10_000, 8_999), Some((9_000, 1_000)));
        assert_eq!(next_tick(10_000, 9_000), None);
        assert_eq!(next_tick(10_000, 9_500), None);
        assert_eq!(next_tick(10_000, 12_000), None);
    }
}
