//! The in-process hub: one channel per room with open streams.
//!
//! Rooms are spread over [`SHARDS`] maps by a hash of their code, each with
//! its own lock: a publish locks only its room's shard, and a heartbeat
//! slice visits one shard (and, with more slices than shards, only part of
//! it), so that a heartbeat never writes to many streams at once (the
//! events queued behind it would wait).

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{broadcast, watch};

use super::channel::{Channel, Subscription};
use super::frame::RoomMessage;
use super::ticker::{self, TickPlan};
use super::{CHANNEL_CAPACITY, Hub, HubError, HubLimits, RoomEvent, SHARDS, SubscribeOptions};
use crate::clock::Clock;
use crate::domain::{AccessCode, Cause, Room};

/// The state behind [`LocalHub`], shared with every subscription so that a
/// stream can leave without a reference to the hub itself.
pub(crate) struct Shared {
    rooms: Vec<Mutex<HashMap<AccessCode, Arc<Channel>>>>,
    streams: AtomicUsize,
    limits: HubLimits,
    clock: Arc<dyn Clock>,
    /// Where rooms opening, closing and changing local names are reported
    /// (to a bus that follows exactly the rooms with local streams).
    events: Option<Reporter>,
}

/// Receives a hub's [`RoomEvent`]s, in the order they happen.
pub type Reporter = Box<dyn Fn(RoomEvent) + Send + Sync>;

/// Fan-out within one process.
#[derive(Clone)]
pub struct LocalHub {
    shared: Arc<Shared>,
}

impl LocalHub {
    /// An empty hub with the given limits.
    pub fn new(limits: HubLimits, clock: Arc<dyn Clock>) -> Self {
        Self::build(limits, clock, None)
    }

    /// An empty hub that reports its rooms' [`RoomEvent`]s to `events`.
    pub fn reporting(limits: HubLimits, clock: Arc<dyn Clock>, events: Reporter) -> Self {
        Self::build(limits, clock, Some(events))
    }

    fn build(limits: HubLimits, clock: Arc<dyn Clock>, events: Option<Reporter>) -> Self {
        let shared = Shared {
            rooms: (0..SHARDS).map(|_| Mutex::default()).collect(),
            streams: AtomicUsize::new(0),
            limits,
            clock,
            events,
        };
        Self {
            shared: Arc::new(shared),
        }
    }

    fn channel(&self, code: &AccessCode) -> Option<Arc<Channel>> {
        self.shared
            .shard(code)
            .lock()
            .expect("hub lock")
            .get(code)
            .cloned()
    }

    /// Every channel, shard by shard.
    fn channels(&self) -> Vec<Arc<Channel>> {
        let mut channels = Vec::new();
        for shard in &self.shared.rooms {
            channels.extend(shard.lock().expect("hub lock").values().cloned());
        }
        channels
    }

    /// Shows a committed change to this instance's streams only (the hub
    /// of another instance uses this for changes made there).
    pub fn deliver(
        &self,
        code: &AccessCode,
        version: u64,
        causes: Vec<Cause>,
        room: Room,
        resync: bool,
    ) {
        let Some(channel) = self.channel(code) else {
            return;
        };
        let mut state = channel.state.lock().expect("channel lock");
        if !channel.observe(&mut state, version, &room) {
            return;
        }
        channel.send(RoomMessage::Change {
            version,
            causes,
            room: Arc::new(room),
            present: state.present(),
            at_ms: self.shared.clock.now_ms(),
            resync,
        });
    }

    /// The highest version this instance's streams of a room have been
    /// shown (0 before the first), or `None` if it has no streams there.
    pub fn version(&self, code: &AccessCode) -> Option<u64> {
        self.channel(code)
            .map(|c| c.state.lock().expect("channel lock").version)
    }

    /// Every room with streams here.
    pub fn rooms(&self) -> Vec<AccessCode> {
        self.channels().iter().map(|c| c.code.clone()).collect()
    }

    /// The rooms with streams here that list names held elsewhere.
    pub fn rooms_with_remote_names(&self) -> Vec<AccessCode> {
        self.channels()
            .iter()
            .filter(|c| !c.state.lock().expect("channel lock").remote.is_empty())
            .map(|c| c.code.clone())
            .collect()
    }

    /// Replaces the names a room has connected through other instances,
    /// announcing to its streams whoever that makes arrive or leave.
    pub fn set_remote_names(&self, code: &AccessCode, names: BTreeSet<String>) {
        let Some(channel) = self.channel(code) else {
            return;
        };
        let mut state = channel.state.lock().expect("channel lock");
        if state.remote == names {
            return;
        }
        let before: BTreeSet<String> = state.present().iter().cloned().collect();
        state.remote = names;
        let after: BTreeSet<String> = state.present().iter().cloned().collect();
        let now_ms = self.shared.clock.now_ms();
        for name in after.difference(&before) {
            channel.send(RoomMessage::Presence {
                version: state.version,
                present: state.present(),
                joined: Some(name.clone()),
                left: None,
                at_ms: now_ms,
            });
        }
        for name in before.difference(&after) {
            channel.send(RoomMessage::Presence {
                version: state.version,
                present: state.present(),
                joined: None,
                left: Some(name.clone()),
                at_ms: now_ms,
            });
        }
    }
}

impl Shared {
    /// The map that holds `code`'s channel.
    fn shard(&self, code: &AccessCode) -> &Mutex<HashMap<AccessCode, Arc<Channel>>> {
        &self.rooms[(room_hash(code) % SHARDS as u64) as usize]
    }

    /// Tells the bus, if any, about a room.
    fn report(&self, event: RoomEvent) {
        if let Some(report) = &self.events {
            report(event);
        }
    }

    /// The hub's clock reading.
    pub(crate) fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Removes a stream from its channel, dropping the channel with its last
    /// stream and announcing a named stream's departure.
    pub(crate) fn leave(&self, channel: &Arc<Channel>, name: Option<String>, ticks: bool) {
        let mut rooms = self.shard(&channel.code).lock().expect("hub lock");
        let mut state = channel.state.lock().expect("channel lock");
        state.streams -= 1;
        self.streams.fetch_sub(1, Ordering::Relaxed);
        if ticks {
            state.tick_streams -= 1;
            if state.tick_streams == 0 {
                channel.ticks.send_modify(|plan| plan.wanted = false);
            }
        }
        if state.streams == 0 {
            rooms.remove(&channel.code);
            self.report(RoomEvent::Closed(channel.code.clone()));
            return;
        }
        drop(rooms);
        let Some(name) = name else { return };
        let count = state
            .presence
            .get_mut(&name)
            .expect("a named stream is counted");
        *count -= 1;
        if *count == 0 {
            state.presence.remove(&name);
            self.report(RoomEvent::Names(channel.code.clone(), state.local_names()));
            if state.remote.contains(&name) {
                return;
            }
            channel.send(RoomMessage::Presence {
                version: state.version,
                present: state.present(),
                joined: None,
                left: Some(name),
                at_ms: self.clock.now_ms(),
            });
        }
    }
}

/// The hash that places a room in a shard and a heartbeat slice.
fn room_hash(code: &AccessCode) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one(code)
}

/// What slice `slice` of `slices` covers: the shards it visits, and of
/// their rooms, those whose hash passes `part`. With fewer slices than
/// shards a slice covers whole shards (every `slices`-th from `slice`); with
/// more (a multiple of [`SHARDS`]), part of one shard. Nothing is hashed or
/// scanned beyond the rooms covered, since a slice comes every few ms.
fn slice_of(slice: u64, slices: u64) -> (std::iter::StepBy<std::ops::Range<usize>>, Part) {
    let shards = SHARDS as u64;
    if slices <= shards {
        let whole = (slice as usize..SHARDS).step_by(slices as usize);
        return (whole, Part { of: 1, this: 0 });
    }
    let shard = (slice % shards) as usize;
    let part = Part {
        of: slices / shards,
        this: slice / shards,
    };
    ((shard..shard + 1).step_by(1), part)
}

/// Which part of a shard's rooms a heartbeat slice covers.
#[derive(Clone, Copy)]
struct Part {
    of: u64,
    this: u64,
}

impl Part {
    /// Whether the room with hash `hash` is in this part.
    fn covers(self, hash: u64) -> bool {
        self.of == 1 || (hash / SHARDS as u64) % self.of == self.this
    }
}

impl Hub for LocalHub {
    fn publish(&self, code: &AccessCode, version: u64, causes: Vec<Cause>, room: Room) {
        self.deliver(code, version, causes, room, false);
    }

    fn refresh(&self, code: &AccessCode, version: u64, room: Room) {
        self.deliver(code, version, Vec::new(), room, true);
    }

    fn subscribe(
        &self,
        code: &AccessCode,
        options: SubscribeOptions,
    ) -> Result<super::Subscription, HubError> {
        let shared = &self.shared;
        let mut rooms = shared.shard(code).lock().expect("hub lock");
        // Counted first, so that subscribes in other shards cannot both
        // take the last place.
        if shared.streams.fetch_add(1, Ordering::Relaxed) >= shared.limits.total {
            shared.streams.fetch_sub(1, Ordering::Relaxed);
            return Err(HubError::ServerFull);
        }
        let channel = rooms.entry(code.clone()).or_insert_with(|| {
            let (sender, _) = broadcast::channel(CHANNEL_CAPACITY);
            let (ticks, plan) = watch::channel(TickPlan::default());
            let channel = Arc::new(Channel {
                hash: room_hash(code),
                code: code.clone(),
                sender,
                state: Mutex::default(),
                ticks,
            });
            tokio::spawn(ticker::run(
                Arc::downgrade(&channel),
                plan,
                shared.clock.clone(),
            ));
            shared.report(RoomEvent::Opened(code.clone()));
            channel
        });
        let channel = channel.clone();
        let mut state = channel.state.lock().expect("channel lock");
        if state.streams >= shared.limits.per_room {
            shared.streams.fetch_sub(1, Ordering::Relaxed);
            return Err(HubError::RoomFull);
        }
        state.streams += 1;
        drop(rooms);
        if options.ticks {
            state.tick_streams += 1;
            if state.tick_streams == 1 {
                channel.ticks.send_modify(|plan| plan.wanted = true);
            }
        }
        let receiver = channel.sender.subscribe();
        let mut announce = None;
        if let Some(name) = &options.name {
            let count = state.presence.entry(name.clone()).or_default();
            *count += 1;
            if *count == 1 {
                shared.report(RoomEvent::Names(code.clone(), state.local_names()));
                if !state.remote.contains(name) {
                    announce = Some(name.clone());
                }
            }
        }
        drop(state);
        Ok(Subscription {
            channel,
            receiver,
            shared: shared.clone(),
            name: options.name,
            ticks: options.ticks,
            announce,
        })
    }

    fn close_streams(&self, code: &AccessCode) {
        if let Some(channel) = self.channel(code) {
            channel.send(RoomMessage::Close);
        }
    }

    fn present(&self, code: &AccessCode) -> Arc<Vec<String>> {
        self.channel(code)
            .map(|c| c.state.lock().expect("channel lock").present())
            .unwrap_or_default()
    }

    fn stream_count(&self) -> usize {
        self.shared.streams.load(Ordering::Relaxed)
    }

    fn heartbeat(&self, slice: u64, slices: u64) {
        let (shards, part) = slice_of(slice, slices);
        let mut channels = Vec::new();
        for index in shards {
            let shard = self.shared.rooms[index].lock().expect("hub lock");
            channels.extend(shard.values().filter(|c| part.covers(c.hash)).cloned());
        }
        for channel in channels {
            channel.send(RoomMessage::Heartbeat);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every room falls in exactly one slice of a round, for any number of
    /// slices the heartbeat task may choose.
    #[test]
    fn each_room_is_in_exactly_one_heartbeat_slice() {
        for slices in [1, 3, 50, 255, 256, 512, 3_584] {
            for code in 0..2_000u64 {
                let hash = code.wrapping_mul(0x9e37_79b9_7f4a_7c15);
                let shard = (hash % SHARDS as u64) as usize;
                let hits = (0..slices)
                    .filter(|&slice| {
                        let (mut shards, part) = slice_of(slice, slices);
                        shards.any(|s| s == shard) && part.covers(hash)
                    })
                    .count();
                assert_eq!(hits, 1, "hash {hash}, {slices} slices");
            }
        }
    }
}
