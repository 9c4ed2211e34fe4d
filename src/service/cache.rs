//! The last committed state of recently changed rooms, so that a command
//! on a busy room does not have to read it back from the store first.
//!
//! Only commands use it, and they still write with compare-and-set: if
//! another writer changed the room meanwhile, the write fails, the entry is
//! dropped and the command reads the store. Reads that answer clients go to
//! the store, so they are never older than what another server committed.

use std::num::NonZeroUsize;
use std::sync::Mutex;

use lru::LruCache;

use crate::domain::AccessCode;
use crate::store::Versioned;

/// Rooms kept; the least recently changed ones are dropped first.
const CAPACITY: usize = 10_000;

/// A bounded map from room to its last committed state.
pub(super) struct RoomCache {
    rooms: Mutex<LruCache<AccessCode, Versioned>>,
}

impl RoomCache {
    /// An empty cache.
    pub(super) fn new() -> Self {
        let capacity = NonZeroUsize::new(CAPACITY).expect("non-zero");
        Self {
            rooms: Mutex::new(LruCache::new(capacity)),
        }
    }

    /// The cached state of a room, if any.
    pub(super) fn get(&self, code: &AccessCode) -> Option<Versioned> {
        self.rooms.lock().expect("cache lock").get(code).cloned()
    }

    /// Remembers a state just committed.
    pub(super) fn put(&self, versioned: Versioned) {
        let code = versioned.room.code().clone();
        self.rooms.lock().expect("cache lock").put(code, versioned);
    }

    /// Remembers a state committed elsewhere, unless a newer one is kept.
    pub(super) fn offer(&self, versioned: Versioned) {
        let code = versioned.room.code().clone();
        let mut rooms = self.rooms.lock().expect("cache lock");
        if rooms
            .peek(&code)
            .is_none_or(|kept| kept.version < versioned.version)
        {
            rooms.put(code, versioned);
        }
    }

    /// Forgets a room whose cached state proved stale.
    pub(super) fn forget(&self, code: &AccessCode) {
        self.rooms.lock().expect("cache lock").pop(code);
    }
}
