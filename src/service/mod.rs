//! The one application service: every command from every API dialect goes
//! through here, is committed to the store, and only then published.

mod bus;
mod cache;
mod error;
mod retention;
mod scheduler;
pub mod schema;
mod view;
mod workspace_view;

use std::sync::{Arc, Weak};

use crate::clock::Clock;
use crate::domain::{AccessCode, Cause, Command, HostKey, Participants, Plan, Room, RoomStatus};
use crate::hub::Hub;
use crate::metrics::Metrics;
use crate::store::{RoomStore, StoreError, Versioned};

pub use error::ServiceError;
pub use retention::Retention;
pub use view::{Envelope, RoomView, TimerStateName, TimerView};
pub use workspace_view::{CategoryView, LinkView, TodoView, WorkspaceView};

use cache::RoomCache;
use scheduler::Scheduler;

/// How often a command is retried when another writer changed the room
/// between our read and our write.
const MAX_ATTEMPTS: usize = 8;

/// Number of per-room lock stripes (commands on one room run one at a time
/// in this process, so events leave in version order).
const STRIPES: usize = 64;

/// A room as read at a moment: the stored version and the room advanced to
/// that moment.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The stored version.
    pub version: u64,
    /// The room, with deadlines up to `now_ms` applied.
    pub room: Room,
    /// When it was read.
    pub now_ms: i64,
}

/// The result of a command.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The room after the command.
    pub snapshot: Snapshot,
    /// What changed; empty if the command was absorbed as a no-op.
    pub causes: Vec<Cause>,
}

/// Creates, reads and changes rooms; publishes every committed change;
/// applies deadlines when they pass.
pub struct RoomService {
    store: Arc<dyn RoomStore>,
    hub: Arc<dyn Hub>,
    clock: Arc<dyn Clock>,
    scheduler: Scheduler,
    stripes: Vec<tokio::sync::Mutex<()>>,
    cache: RoomCache,
    metrics: Arc<Metrics>,
}

impl RoomService {
    /// Starts the service (and its deadline scheduler). Store operations
    /// are timed into `metrics`, as are commands and deadlines.
    pub fn start(
        store: Arc<dyn RoomStore>,
        hub: Arc<dyn Hub>,
        clock: Arc<dyn Clock>,
        metrics: Arc<Metrics>,
    ) -> Arc<Self> {
        let store = Arc::new(crate::store::Metered::new(store, metrics.clone()));
        Arc::new_cyclic(|weak: &Weak<Self>| Self {
            store,
            hub,
            scheduler: Scheduler::spawn(weak.clone(), clock.clone()),
            clock,
            stripes: (0..STRIPES).map(|_| tokio::sync::Mutex::new(())).collect(),
            cache: RoomCache::new(),
            metrics,
        })
    }

    /// The server's figures.
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    /// The figures with the gauges read now, in Prometheus' text format.
    pub fn metrics_text(&self) -> String {
        let metrics = &self.metrics;
        metrics.streams_open.set(self.hub.stream_count() as i64);
        metrics
            .bus_connected
            .set(i64::from(self.hub.fault().is_none()));
        metrics.encode()
    }

    /// Schedules the time-up of every running timer in the store; called
    /// once at start so that a restart loses no deadline.
    pub async fn resume_deadlines(&self) -> Result<usize, ServiceError> {
        let running = self.store.running().await?;
        let count = running.len();
        for (code, ends_at_ms) in running {
            self.scheduler.schedule(code, ends_at_ms);
        }
        Ok(count)
    }

    /// What keeps this instance from being fully ready: the store's
    /// fault and the bus's, if any.
    pub async fn faults(&self) -> (Option<String>, Option<String>) {
        let ping = tokio::time::timeout(std::time::Duration::from_secs(2), self.store.ping());
        let store = match ping.await {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(e.to_string()),
            Err(_) => Some("the store did not answer within 2 s".to_owned()),
        };
        (store, self.hub.fault())
    }

    /// The hub that streams subscribe to.
    pub fn hub(&self) -> &Arc<dyn Hub> {
        &self.hub
    }

    /// Creates a room with a fresh access code; `setup` adjusts it before
    /// it is stored (a legacy client's initial remaining time, say).
    pub async fn create(
        &self,
        participants: Participants,
        plan: Plan,
        setup: impl Fn(Room) -> Result<Room, ServiceError>,
    ) -> Result<Snapshot, ServiceError> {
        for _ in 0..MAX_ATTEMPTS {
            let now_ms = self.clock.now_ms();
            let room = Room::new(new_code()?, participants.clone(), plan.clone(), now_ms);
            let room = setup(room)?;
            match self.store.insert(&room, now_ms).await {
                Ok(()) => {
                    self.cache.put(Versioned {
                        version: 1,
                        room: room.clone(),
                    });
                    return Ok(Snapshot {
                        version: 1,
                        room,
                        now_ms,
                    });
                }
                Err(StoreError::Duplicate) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(ServiceError::Unavailable(
            "could not find a free access code".into(),
        ))
    }

    /// Reads a room as it is now, whatever its status.
    /// A running timer's deadline is (re)scheduled here, so that a room
    /// whose time-up no instance has in its schedule (the one that started
    /// it was killed, say) still gets it once somebody looks.
    pub async fn read_any(&self, code: &AccessCode) -> Result<Snapshot, ServiceError> {
        let Versioned { version, mut room } =
            self.store.load(code).await?.ok_or(ServiceError::NotFound)?;
        if let Some(ends_at_ms) = room.timer().ends_at_ms() {
            self.scheduler.schedule(code.clone(), ends_at_ms);
        }
        let now_ms = self.clock.now_ms();
        room.advance_to(now_ms);
        Ok(Snapshot {
            version,
            room,
            now_ms,
        })
    }

    /// Reads a room as it is now; a deleted room is an error.
    pub async fn read(&self, code: &AccessCode) -> Result<Snapshot, ServiceError> {
        let snapshot = self.read_any(code).await?;
        if snapshot.room.status() == RoomStatus::Deleted {
            return Err(ServiceError::Deleted);
        }
        Ok(snapshot)
    }

    /// Applies a command: read, decide, compare-and-set, then publish.
    pub async fn execute(
        &self,
        code: &AccessCode,
        command: Command,
    ) -> Result<Outcome, ServiceError> {
        self.execute_as(code, command, None).await
    }

    /// Applies a command on behalf of whoever holds `key` (a locked room
    /// takes control commands only with its host key).
    pub async fn execute_as(
        &self,
        code: &AccessCode,
        command: Command,
        key: Option<&HostKey>,
    ) -> Result<Outcome, ServiceError> {
        let kind = command.kind();
        let result = self.apply(code, command, key).await;
        let outcome = match &result {
            Ok(outcome) if outcome.causes.is_empty() => "noop",
            Ok(_) => "ok",
            Err(ServiceError::NotFound | ServiceError::ItemNotFound(_)) => "not_found",
            Err(ServiceError::Deleted) => "deleted",
            Err(ServiceError::Invalid(_)) => "invalid",
            Err(ServiceError::Conflict(_)) => "conflict",
            Err(ServiceError::Forbidden(_)) => "forbidden",
            Err(ServiceError::Streams(_) | ServiceError::Unavailable(_)) => "unavailable",
        };
        self.metrics.command(kind, outcome);
        result
    }

    async fn apply(
        &self,
        code: &AccessCode,
        command: Command,
        key: Option<&HostKey>,
    ) -> Result<Outcome, ServiceError> {
        let _turn = self.stripe(code).lock().await;
        let mut fresh = false;
        for attempt in 0..MAX_ATTEMPTS {
            let cached = if fresh { None } else { self.cache.get(code) };
            let from_cache = cached.is_some();
            let stored = match cached {
                Some(stored) => stored,
                None => self.store.load(code).await?.ok_or(ServiceError::NotFound)?,
            };
            let now_ms = self.clock.now_ms();
            let mut room = stored.room;
            // The lock never changes after creation: the cache can decide.
            room.authorize(&command, key)?;
            let causes = match room.apply(command.clone(), now_ms) {
                Ok(causes) if !causes.is_empty() => causes,
                // A refusal or a no-op writes nothing, so no compare-and-set
                // would notice that another server changed the room since
                // it was cached: those are decided on the stored room.
                _ if from_cache => {
                    fresh = true;
                    continue;
                }
                Ok(causes) => {
                    let snapshot = Snapshot {
                        version: stored.version,
                        room,
                        now_ms,
                    };
                    return Ok(Outcome { snapshot, causes });
                }
                Err(e) => return Err(e.into()),
            };
            if let Some(snapshot) = self.commit(stored.version, room, &causes, now_ms).await? {
                return Ok(Outcome { snapshot, causes });
            }
            fresh = true;
            back_off(attempt).await;
        }
        Err(ServiceError::Unavailable(
            "the room is changing too fast; try again".into(),
        ))
    }

    /// Applies the deadlines that have passed for one room (called by the
    /// scheduler). If another server already did, this one stays quiet.
    pub async fn advance(&self, code: &AccessCode) -> Result<(), ServiceError> {
        let _turn = self.stripe(code).lock().await;
        for attempt in 0..MAX_ATTEMPTS {
            let Some(stored) = self.latest(code, attempt > 0).await? else {
                return Ok(());
            };
            let now_ms = self.clock.now_ms();
            let mut room = stored.room;
            let causes = room.advance_to(now_ms);
            if causes.is_empty() {
                if let Some(ends_at_ms) = room.timer().ends_at_ms() {
                    self.scheduler.schedule(code.clone(), ends_at_ms);
                }
                return Ok(());
            }
            if self
                .commit(stored.version, room, &causes, now_ms)
                .await?
                .is_some()
            {
                self.metrics.deadlines_applied.inc();
                return Ok(());
            }
            back_off(attempt).await;
        }
        Ok(())
    }

    /// The room a todo belongs to (for routes that name only the todo).
    pub async fn room_of_todo(&self, todo_id: u64) -> Result<AccessCode, ServiceError> {
        let not_found = || ServiceError::ItemNotFound("no todo with that id".into());
        crate::domain::workspace::ItemId::new(todo_id).map_err(|_| not_found())?;
        self.store
            .room_of_todo(todo_id)
            .await?
            .ok_or_else(not_found)
    }

    /// Ends every stream of a room (the legacy `DELETE .../connect`).
    pub async fn close_streams(&self, code: &AccessCode) -> Result<(), ServiceError> {
        self.read(code).await?;
        self.hub.close_streams(code);
        Ok(())
    }

    /// Stores a changed room if nobody else did first; then publishes it and
    /// schedules its next deadline. `None` means the race was lost.
    async fn commit(
        &self,
        expected: u64,
        room: Room,
        causes: &[Cause],
        now_ms: i64,
    ) -> Result<Option<Snapshot>, ServiceError> {
        let workspace_changed = causes.iter().any(|c| c.is_workspace());
        if !self
            .store
            .update(expected, &room, workspace_changed, now_ms)
            .await?
        {
            self.cache.forget(room.code());
            return Ok(None);
        }
        let version = expected + 1;
        self.cache.put(Versioned {
            version,
            room: room.clone(),
        });
        if let Some(ends_at_ms) = room.timer().ends_at_ms() {
            self.scheduler.schedule(room.code().clone(), ends_at_ms);
        }
        self.hub
            .publish(room.code(), version, causes.to_vec(), room.clone());
        // Let the streams just woken write the change before this task goes
        // on to answer its caller: every screen hears of it at once, and the
        // answer follows a few microseconds later.
        tokio::task::yield_now().await;
        Ok(Some(Snapshot {
            version,
            room,
            now_ms,
        }))
    }

    /// The room's last committed state: from the cache unless `fresh` (a
    /// write based on the cached state just lost a race), else the store.
    async fn latest(
        &self,
        code: &AccessCode,
        fresh: bool,
    ) -> Result<Option<Versioned>, ServiceError> {
        if !fresh && let Some(cached) = self.cache.get(code) {
            return Ok(Some(cached));
        }
        Ok(self.store.load(code).await?)
    }

    fn stripe(&self, code: &AccessCode) -> &tokio::sync::Mutex<()> {
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
        let hash = BuildHasherDefault::<DefaultHasher>::default().hash_one(code);
        &self.stripes[hash as usize % STRIPES]
    }
}

/// After lost compare-and-set number `attempt` (from 0), waits a random
/// 0..2^(attempt + 1) ms, about half a second at most over all attempts.
/// The server that won can run its next command on its cached room,
/// without a read, and so would beat the loser's read-then-write every
/// time while it has commands queued: the wait lets that queue drain.
/// Within one server commands on a room never race, so SQLite alone never
/// waits here.
async fn back_off(attempt: usize) {
    let mut bytes = [0u8; 2];
    let _ = getrandom::fill(&mut bytes);
    let ms = u64::from(u16::from_le_bytes(bytes)) % (2 << attempt);
    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
}

/// A fresh item id (todo, category, link) from the operating system's
/// CSPRNG: random, so that ids cannot be enumerated.
pub fn new_item_id() -> Result<crate::domain::workspace::ItemId, ServiceError> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes)
        .map_err(|e| ServiceError::Unavailable(format!("no randomness available: {e}")))?;
    Ok(crate::domain::workspace::ItemId::from_random(bytes))
}

/// A fresh access code from the operating system's CSPRNG.
fn new_code() -> Result<AccessCode, ServiceError> {
    let mut bytes = [0u8; 9];
    getrandom::fill(&mut bytes)
        .map_err(|e| ServiceError::Unavailable(format!("no randomness available: {e}")))?;
    Ok(AccessCode::from_random(bytes))
}
