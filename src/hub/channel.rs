//! One room's channel and the handle a stream holds on it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use tokio::sync::{broadcast, watch};

use super::frame::{Frame, RoomMessage};
use super::local::Shared;
use super::ticker::TickPlan;
use crate::domain::{AccessCode, Room};

/// The per-room state shared by the room's streams.
pub(super) struct Channel {
    /// A hash of the code, computed once: it picks the room's shard and
    /// heartbeat slice.
    pub(super) hash: u64,
    pub(super) code: AccessCode,
    pub(super) sender: broadcast::Sender<Arc<Frame>>,
    pub(super) state: Mutex<ChannelState>,
    pub(super) ticks: watch::Sender<TickPlan>,
}

/// What a channel knows about its room and its streams.
#[derive(Default)]
pub(super) struct ChannelState {
    /// The highest version announced to the room's streams.
    pub(super) version: u64,
    /// Connected names, with how many streams each holds.
    pub(super) presence: BTreeMap<String, usize>,
    /// Open streams.
    pub(super) streams: usize,
    /// Open streams that want ticks.
    pub(super) tick_streams: usize,
    /// Names connected through other instances (kept by a bus).
    pub(super) remote: BTreeSet<String>,
}

impl ChannelState {
    /// The connected names, here or through other instances, sorted.
    pub(super) fn present(&self) -> Arc<Vec<String>> {
        let mut names: BTreeSet<&String> = self.presence.keys().collect();
        names.extend(self.remote.iter());
        Arc::new(names.into_iter().cloned().collect())
    }

    /// The names with streams on this instance.
    pub(super) fn local_names(&self) -> Vec<String> {
        self.presence.keys().cloned().collect()
    }
}

impl Channel {
    /// Takes in a room at `version` if it is newer than what the channel
    /// has seen. Returns false for stale versions, which must not be shown.
    pub(super) fn observe(&self, state: &mut ChannelState, version: u64, room: &Room) -> bool {
        if version <= state.version && state.version != 0 {
            return false;
        }
        state.version = version;
        // The ticker is woken only if it has streams to tick for; an idle
        // one reads the latest plan when a stream first asks for ticks.
        self.ticks.send_if_modified(|plan| {
            plan.version = version;
            plan.ends_at_ms = room.timer().ends_at_ms();
            plan.phase_index = room.timer().phase_index();
            plan.wanted
        });
        true
    }

    /// Puts a message on the ring (dropped if no stream listens).
    pub(super) fn send(&self, message: RoomMessage) {
        let _ = self.sender.send(Frame::new(message));
    }
}

/// What [`Subscription::recv`] yields.
#[derive(Debug)]
pub enum Received {
    /// The next frame.
    Frame(Arc<Frame>),
    /// The stream fell too far behind and must be ended.
    Lagged,
}

/// A stream's membership in a room's channel. Dropping it leaves the room
/// (and announces the departure if the stream gave a name).
pub struct Subscription {
    pub(super) channel: Arc<Channel>,
    pub(super) receiver: broadcast::Receiver<Arc<Frame>>,
    pub(super) shared: Arc<Shared>,
    pub(super) name: Option<String>,
    pub(super) ticks: bool,
    /// A name whose arrival is announced once the room's version is known.
    pub(super) announce: Option<String>,
}

impl Subscription {
    /// Waits for the next frame.
    pub async fn recv(&mut self) -> Received {
        match self.receiver.recv().await {
            Ok(frame) => Received::Frame(frame),
            // The channel's sender lives as long as this subscription holds
            // the channel, so `Closed` cannot happen; treat it as lagging.
            Err(_) => Received::Lagged,
        }
    }

    /// Tells the channel the state this stream starts from (read after
    /// joining), so that ticks follow it until newer changes arrive.
    /// A named stream's arrival is announced here, with that version.
    pub fn observe(&mut self, version: u64, room: &Room) {
        let mut state = self.channel.state.lock().expect("channel lock");
        self.channel.observe(&mut state, version, room);
        if let Some(name) = self.announce.take() {
            self.channel.send(RoomMessage::Presence {
                version: state.version,
                present: state.present(),
                joined: Some(name),
                left: None,
                at_ms: self.shared.now_ms(),
            });
        }
    }

    /// Names announced by the room's open streams.
    pub fn present(&self) -> Arc<Vec<String>> {
        self.channel.state.lock().expect("channel lock").present()
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.shared
            .leave(&self.channel, self.name.take(), self.ticks);
    }
}
