//! What travels through a room's channel, and its cached wire encodings.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use bytes::Bytes;

use crate::domain::{Cause, Room};

/// How many wire encodings a frame can cache (one per stream dialect).
pub const ENCODINGS: usize = 2;

/// Something every stream of a room should hear about.
#[derive(Debug)]
pub enum RoomMessage {
    /// A committed change, with the whole room after it.
    Change {
        /// The version the change produced.
        version: u64,
        /// What happened in that commit.
        causes: Vec<Cause>,
        /// The room after the change.
        room: Arc<Room>,
        /// Who is connected, at the time of the change.
        present: Arc<Vec<String>>,
        /// When the change was committed.
        at_ms: i64,
        /// Whether changes before this one may have been missed (messages
        /// lost between instances), so that streams must show the whole
        /// state rather than what `causes` name.
        resync: bool,
    },
    /// Someone's stream opened or closed.
    Presence {
        /// The room's version at the time (for the SSE id).
        version: u64,
        /// Everyone connected now.
        present: Arc<Vec<String>>,
        /// Who just arrived, if that is the news.
        joined: Option<String>,
        /// Who just left, if that is the news.
        left: Option<String>,
        /// When.
        at_ms: i64,
    },
    /// A once-a-second update while the timer runs, on the deadline's
    /// second boundaries.
    Tick {
        /// The room's version (for the SSE id).
        version: u64,
        /// The phase that is running.
        phase_index: usize,
        /// Time left, a whole number of seconds.
        remaining_ms: u64,
        /// When the tick was due.
        at_ms: i64,
    },
    /// Keeps idle connections alive through proxies.
    Heartbeat,
    /// Every stream of the room should end now.
    Close,
}

/// A message plus its encodings, made once and shared by every stream.
#[derive(Debug)]
pub struct Frame {
    /// An increasing number, for dialects whose ids do not follow versions.
    pub seq: u64,
    /// The message.
    pub message: RoomMessage,
    encodings: [OnceLock<Option<Bytes>>; ENCODINGS],
}

impl Frame {
    /// Wraps a message, giving it the next sequence number.
    pub fn new(message: RoomMessage) -> Arc<Self> {
        Arc::new(Self {
            seq: next_seq(),
            message,
            encodings: Default::default(),
        })
    }

    /// The encoding in `slot`, made by `encode` on first use. `None` means
    /// the dialect of that slot does not show this message.
    pub fn encoded(
        &self,
        slot: usize,
        encode: impl FnOnce(&Frame) -> Option<Bytes>,
    ) -> Option<Bytes> {
        self.encodings[slot].get_or_init(|| encode(self)).clone()
    }
}

/// A number larger than every number handed out before, in this process
/// and (being based on the clock in milliseconds) across restarts.
pub fn next_seq() -> u64 {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now = crate::clock::Clock::now_ms(&crate::clock::SystemClock) as u64;
    let mut last = LAST.load(Ordering::Relaxed);
    loop {
        let next = now.max(last + 1);
        match LAST.compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return next,
            Err(seen) => last = seen,
        }
    }
}
