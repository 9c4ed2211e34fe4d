//! The in-process hub: one channel per room with open streams.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{broadcast, watch};

use super::channel::{Channel, Subscription};
use super::frame::RoomMessage;
use super::ticker::{self, TickPlan};
use super::{CHANNEL_CAPACITY, Hub, HubError, HubLimits, RoomEvent, SubscribeOptions};
use crate::clock::Clock;
use crate::domain::{AccessCode, Cause, Room};

/// The state behind [`LocalHub`], shared with every subscription so that a
/// stream can leave without a reference to the hub itself.
pub(crate) struct Shared {
    rooms: Mutex<HashMap<AccessCode, Arc<Channel>>>,
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
            rooms: Mutex::default(),
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
            .rooms
            .lock()
            .expect("hub lock")
            .get(code)
            .cloned()
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
        let rooms = self.shared.rooms.lock().expect("hub lock");
        rooms.keys().cloned().collect()
    }

    /// The rooms with streams here that list names held elsewhere.
    pub fn rooms_with_remote_names(&self) -> Vec<AccessCode> {
        let rooms = self.shared.rooms.lock().expect("hub lock");
        rooms
            .iter()
            .filter(|(_, c)| !c.state.lock().expect("channel lock").remote.is_empty())
            .map(|(code, _)| code.clone())
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
        let mut rooms = self.rooms.lock().expect("hub lock");
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
        let mut rooms = shared.rooms.lock().expect("hub lock");
        if shared.streams.load(Ordering::Relaxed) >= shared.limits.total {
            return Err(HubError::ServerFull);
        }
        let channel = rooms.entry(code.clone()).or_insert_with(|| {
            let (sender, _) = broadcast::channel(CHANNEL_CAPACITY);
            let (ticks, plan) = watch::channel(TickPlan::default());
            let channel = Arc::new(Channel {
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
            return Err(HubError::RoomFull);
        }
        state.streams += 1;
        shared.streams.fetch_add(1, Ordering::Relaxed);
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
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
        let hasher = BuildHasherDefault::<DefaultHasher>::default();
        let channels: Vec<_> = self
            .shared
            .rooms
            .lock()
            .expect("hub lock")
            .iter()
            .filter(|(code, _)| hasher.hash_one(code) % slices == slice)
            .map(|(_, channel)| channel.clone())
            .collect();
        for channel in channels {
            channel.send(RoomMessage::Heartbeat);
        }
    }
}
