//! The in-process hub: one channel per room with open streams.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{broadcast, watch};

use super::channel::{Channel, Subscription};
use super::frame::RoomMessage;
use super::ticker::{self, TickPlan};
use super::{CHANNEL_CAPACITY, Hub, HubError, HubLimits, SubscribeOptions};
use crate::clock::Clock;
use crate::domain::{AccessCode, Cause, Room};

/// The state behind [`LocalHub`], shared with every subscription so that a
/// stream can leave without a reference to the hub itself.
pub(crate) struct Shared {
    rooms: Mutex<HashMap<AccessCode, Arc<Channel>>>,
    streams: AtomicUsize,
    limits: HubLimits,
    clock: Arc<dyn Clock>,
}

/// Fan-out within one process.
#[derive(Clone)]
pub struct LocalHub {
    shared: Arc<Shared>,
}

impl LocalHub {
    /// An empty hub with the given limits.
    pub fn new(limits: HubLimits, clock: Arc<dyn Clock>) -> Self {
        let shared = Shared {
            rooms: Mutex::default(),
            streams: AtomicUsize::new(0),
            limits,
            clock,
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
}

impl Shared {
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
        });
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
                announce = Some(name.clone());
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
