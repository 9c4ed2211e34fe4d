//! Wakes the service at each running timer's deadline.
//!
//! One task sleeps until the earliest deadline of a heap of (deadline,
//! room). Entries are hints, not truth: when one comes due the service
//! re-reads the room and applies whatever deadlines have really passed, so
//! a stale entry (a timer paused since) costs one read and changes nothing.
//!
//! Adding a deadline takes a lock and wakes the task only when the new
//! deadline is earlier than the one it sleeps for: a command that starts a
//! timer does not cost a task switch on its way to the streams.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};

use tokio::sync::Notify;

use super::RoomService;
use crate::clock::{Clock, instant_at};
use crate::domain::AccessCode;

/// Handle for adding deadlines; the task ends when it is dropped.
pub(super) struct Scheduler {
    shared: Arc<Shared>,
}

/// What the handle and the task share.
struct Shared {
    queue: Mutex<Queue>,
    /// Wakes the task for an earlier deadline, or to end.
    wake: Notify,
    /// Set when the handle is dropped.
    closed: AtomicBool,
}

/// The pending deadlines.
#[derive(Default)]
struct Queue {
    heap: BinaryHeap<Reverse<(i64, AccessCode)>>,
    /// The deadline each room is in the heap for, so that asking again for
    /// the same one (every read of a running room does) adds nothing.
    queued: HashMap<AccessCode, i64>,
    /// The deadline the task sleeps until; `None` while it waits for one.
    armed: Option<i64>,
}

impl Queue {
    /// Takes the rooms whose deadline is at or before `now` out of the heap.
    fn take_due(&mut self, now: i64) -> Vec<AccessCode> {
        let mut due = Vec::new();
        while self.heap.peek().is_some_and(|Reverse((at, _))| *at <= now) {
            let Reverse((at, code)) = self.heap.pop().expect("peeked");
            if self.queued.get(&code) == Some(&at) {
                self.queued.remove(&code);
            }
            due.push(code);
        }
        due
    }
}

impl Scheduler {
    /// Starts the scheduler task.
    pub(super) fn spawn(service: Weak<RoomService>, clock: Arc<dyn Clock>) -> Self {
        let shared = Arc::new(Shared {
            queue: Mutex::default(),
            wake: Notify::new(),
            closed: AtomicBool::new(false),
        });
        tokio::spawn(run(service, clock, shared.clone()));
        Self { shared }
    }

    /// Asks for `code` to be advanced at `ends_at_ms`.
    pub(super) fn schedule(&self, code: AccessCode, ends_at_ms: i64) {
        let mut queue = self.shared.queue.lock().expect("scheduler lock");
        if queue.queued.get(&code) == Some(&ends_at_ms) {
            return;
        }
        queue.queued.insert(code.clone(), ends_at_ms);
        queue.heap.push(Reverse((ends_at_ms, code)));
        if queue.armed.is_none_or(|armed| ends_at_ms < armed) {
            queue.armed = Some(ends_at_ms);
            drop(queue);
            self.shared.wake.notify_one();
        }
    }
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        self.shared.closed.store(true, Ordering::Release);
        self.shared.wake.notify_one();
    }
}

async fn run(service: Weak<RoomService>, clock: Arc<dyn Clock>, shared: Arc<Shared>) {
    loop {
        if shared.closed.load(Ordering::Acquire) {
            return;
        }
        let now = clock.now_ms();
        let (due, next) = {
            let mut queue = shared.queue.lock().expect("scheduler lock");
            let due = queue.take_due(now);
            queue.armed = queue.heap.peek().map(|Reverse((at, _))| *at);
            (due, queue.armed)
        };
        if !due.is_empty() {
            let Some(service) = service.upgrade() else {
                return;
            };
            for code in due {
                let service = service.clone();
                tokio::spawn(async move {
                    if let Err(e) = service.advance(&code).await {
                        tracing::warn!(error = %e, "could not apply a deadline; retrying");
                        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                        service.scheduler.schedule(code, 0);
                    }
                });
            }
        }
        // A deadline added after the queue was read, or the handle's drop,
        // leaves a permit in `wake`, so nothing is missed between the two.
        tokio::select! {
            () = shared.wake.notified() => {}
            () = async {
                match next {
                    Some(at) => tokio::time::sleep_until(instant_at(now, at)).await,
                    None => std::future::pending().await,
                }
            } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(byte: u8) -> AccessCode {
        AccessCode::from_random([byte; 9])
    }

    #[test]
    fn due_rooms_leave_in_deadline_order_and_later_ones_stay() {
        let mut queue = Queue::default();
        for (byte, at) in [(1, 300), (2, 100), (3, 200)] {
            queue.queued.insert(code(byte), at);
            queue.heap.push(Reverse((at, code(byte))));
        }
        assert_eq!(queue.take_due(200), vec![code(2), code(3)]);
        assert_eq!(queue.queued.len(), 1);
        assert_eq!(queue.take_due(299), Vec::<AccessCode>::new());
        assert_eq!(queue.take_due(300), vec![code(1)]);
        assert!(queue.queued.is_empty());
    }

    #[test]
    fn a_stale_entry_does_not_forget_the_newer_deadline() {
        let mut queue = Queue::default();
        queue.heap.push(Reverse((100, code(1))));
        queue.heap.push(Reverse((500, code(1))));
        queue.queued.insert(code(1), 500);
        assert_eq!(queue.take_due(100), vec![code(1)]);
        assert_eq!(queue.queued.get(&code(1)), Some(&500));
    }
}
