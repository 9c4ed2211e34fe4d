//! Wakes the service at each running timer's deadline.
//!
//! One task holds a heap of (deadline, room). Entries are hints, not truth:
//! when one comes due the service re-reads the room and applies whatever
//! deadlines have really passed, so a stale entry (a timer paused since)
//! costs one read and changes nothing.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Weak};

use tokio::sync::mpsc;

use super::RoomService;
use crate::clock::{Clock, instant_at};
use crate::domain::AccessCode;

/// Handle for adding deadlines.
pub(super) struct Scheduler {
    sender: mpsc::UnboundedSender<(i64, AccessCode)>,
}

impl Scheduler {
    /// Starts the scheduler task; it ends when the service is dropped.
    pub(super) fn spawn(service: Weak<RoomService>, clock: Arc<dyn Clock>) -> Self {
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(run(service, clock, receiver));
        Self { sender }
    }

    /// Asks for `code` to be advanced at `ends_at_ms`.
    pub(super) fn schedule(&self, code: AccessCode, ends_at_ms: i64) {
        let _ = self.sender.send((ends_at_ms, code));
    }
}

async fn run(
    service: Weak<RoomService>,
    clock: Arc<dyn Clock>,
    mut receiver: mpsc::UnboundedReceiver<(i64, AccessCode)>,
) {
    let mut heap: BinaryHeap<Reverse<(i64, AccessCode)>> = BinaryHeap::new();
    // The deadline each room is in the heap for, so that asking again for
    // the same one (every read of a running room does) adds nothing.
    let mut queued: HashMap<AccessCode, i64> = HashMap::new();
    loop {
        let now = clock.now_ms();
        while heap.peek().is_some_and(|Reverse((at, _))| *at <= now) {
            let Reverse((at, code)) = heap.pop().expect("peeked");
            if queued.get(&code) == Some(&at) {
                queued.remove(&code);
            }
            let Some(service) = service.upgrade() else {
                return;
            };
            tokio::spawn(async move {
                if let Err(e) = service.advance(&code).await {
                    tracing::warn!(error = %e, "could not apply a deadline; retrying");
                    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    service.scheduler.schedule(code, 0);
                }
            });
        }
        let next = heap.peek().map(|Reverse((at, _))| *at);
        tokio::select! {
            received = receiver.recv() => match received {
                Some((at, code)) => {
                    if queued.get(&code) != Some(&at) {
                        queued.insert(code.clone(), at);
                        heap.push(Reverse((at, code)));
                    }
                }
                None => return,
            },
            () = async {
                match next {
                    Some(at) => tokio::time::sleep_until(instant_at(now, at)).await,
                    None => std::future::pending().await,
                }
            } => {}
        }
    }
}
