//! The cross-instance bus: Redis pub/sub between pairroom instances that
//! share one store.
//!
//! Each instance keeps its own [`LocalHub`] for its streams. A committed
//! change is shown to the local streams at once and published on the room's
//! Redis channel, which only instances with streams in that room subscribe
//! to. Ticks never cross Redis: each instance makes them from the deadline
//! in the state it has shown.
//!
//! Pub/sub delivers at most once, so every loss is repaired from the store:
//! a gap in versions shows the received state whole, and after a lost
//! connection the service re-reads every room this instance follows
//! ([`BusEvent::Lost`]). Presence is a Redis sorted set per room whose
//! entries expire, so a crashed instance's names leave within
//! [`BusConfig::presence_ttl`] and one refresh.

mod presence;
mod publisher;
mod subscriber;
mod wire;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use super::{Hub, HubError, HubLimits, LocalHub, RoomEvent, SubscribeOptions, Subscription};
use crate::clock::Clock;
use crate::domain::{AccessCode, Cause, Room};
use publisher::Outgoing;
use wire::Message;

/// How to reach Redis.
#[derive(Debug, Clone)]
pub struct BusConfig {
    /// `redis://HOST:PORT[/DB]`.
    pub url: String,
    /// Put before every key and channel name, so that several deployments
    /// (or tests) can share one Redis.
    pub prefix: String,
    /// How long a name stays listed after its instance last confirmed it.
    pub presence_ttl: Duration,
}

impl BusConfig {
    /// The channel that carries a room's messages.
    fn channel(&self, code: &AccessCode) -> String {
        format!("{}room:{}", self.prefix, code.as_str())
    }

    /// The sorted set that holds a room's connected names.
    fn presence_key(&self, code: &AccessCode) -> String {
        format!("{}presence:{}", self.prefix, code.as_str())
    }

    /// The room a channel name belongs to.
    fn room_of(&self, channel: &str) -> Option<AccessCode> {
        let code = channel.strip_prefix(&self.prefix)?.strip_prefix("room:")?;
        AccessCode::parse(code).ok()
    }
}

/// What the bus asks of the service.
#[derive(Debug)]
pub enum BusEvent {
    /// Another instance committed this state: remember it, and apply its
    /// deadline if that instance does not.
    Remote {
        /// The room.
        code: AccessCode,
        /// Its version.
        version: u64,
        /// The room at that version.
        room: Box<Room>,
    },
    /// Messages for these rooms may have been lost: read them from the
    /// store and [`Hub::refresh`] their streams.
    Lost(Vec<AccessCode>),
}

/// Why the bus is not following other instances right now, if it is not.
#[derive(Default)]
struct Health {
    fault: Mutex<Option<String>>,
}

impl Health {
    fn set(&self, fault: Option<String>) {
        *self.fault.lock().expect("health lock") = fault;
    }

    fn get(&self) -> Option<String> {
        self.fault.lock().expect("health lock").clone()
    }
}

/// What the subscriber task is asked to do, in order.
enum Order {
    /// News from the local hub.
    Room(RoomEvent),
    /// Answer once every earlier order is carried out (so the channels of
    /// the rooms opened before are subscribed).
    Follow(oneshot::Sender<()>),
}

/// A hub whose changes reach the streams of every instance.
pub struct RedisHub {
    local: LocalHub,
    config: Arc<BusConfig>,
    /// This instance's name on the bus.
    instance: Arc<str>,
    orders: mpsc::UnboundedSender<Order>,
    outgoing: mpsc::UnboundedSender<Outgoing>,
    health: Arc<Health>,
}

impl RedisHub {
    /// Starts the bus. Redis need not be up yet: the bus connects (and
    /// reconnects) in the background, and meanwhile the instance serves
    /// its own streams. Returns the hub and the events the service must
    /// handle (see [`BusEvent`]).
    pub fn start(
        config: BusConfig,
        limits: HubLimits,
        clock: Arc<dyn Clock>,
    ) -> Result<(Arc<Self>, mpsc::UnboundedReceiver<BusEvent>), String> {
        let client = redis::Client::open(config.url.as_str())
            .map_err(|e| format!("invalid Redis URL {:?}: {e}", config.url))?;
        let config = Arc::new(config);
        let instance: Arc<str> = instance_name().into();
        let (orders, order_receiver) = mpsc::unbounded_channel();
        let (outgoing, outgoing_receiver) = mpsc::unbounded_channel();
        let (events, event_receiver) = mpsc::unbounded_channel();
        // Weak, so that the tasks end when the hub is dropped.
        let reporter = orders.downgrade();
        let local = LocalHub::reporting(
            limits,
            clock.clone(),
            Box::new(move |event| {
                if let Some(orders) = reporter.upgrade() {
                    let _ = orders.send(Order::Room(event));
                }
            }),
        );
        let health = Arc::new(Health::default());
        health.set(Some("not connected to Redis yet".into()));
        let redis = Arc::new(publisher::Connection::new(client.clone()));
        tokio::spawn(publisher::run(redis.clone(), outgoing_receiver));
        tokio::spawn(subscriber::run(subscriber::Subscriber {
            client,
            redis,
            config: config.clone(),
            instance: instance.clone(),
            local: local.clone(),
            orders: order_receiver,
            events,
            health: health.clone(),
            clock,
        }));
        let hub = Arc::new(Self {
            local,
            config,
            instance,
            orders,
            outgoing,
            health,
        });
        Ok((hub, event_receiver))
    }

    fn send(&self, code: &AccessCode, version: Option<u64>, message: &Message) {
        let _ = self.outgoing.send(Outgoing {
            channel: self.config.channel(code),
            version,
            payload: message.encode(),
        });
    }
}

impl Hub for RedisHub {
    fn publish(&self, code: &AccessCode, version: u64, causes: Vec<Cause>, room: Room) {
        let message = Message::change(&self.instance, version, causes.clone(), &room);
        self.local.publish(code, version, causes, room);
        self.send(code, Some(version), &message);
    }

    fn refresh(&self, code: &AccessCode, version: u64, room: Room) {
        self.local.refresh(code, version, room);
    }

    fn subscribe(
        &self,
        code: &AccessCode,
        options: SubscribeOptions,
    ) -> Result<Subscription, HubError> {
        self.local.subscribe(code, options)
    }

    fn following(&self, code: &AccessCode) -> Option<oneshot::Receiver<()>> {
        if self.health.get().is_some() {
            // Not connected: the room is re-read when the bus is back.
            return None;
        }
        let _ = code;
        let (done, wait) = oneshot::channel();
        self.orders.send(Order::Follow(done)).ok()?;
        Some(wait)
    }

    fn close_streams(&self, code: &AccessCode) {
        self.local.close_streams(code);
        let message = Message::Close {
            origin: self.instance.to_string(),
        };
        self.send(code, None, &message);
    }

    fn present(&self, code: &AccessCode) -> Arc<Vec<String>> {
        self.local.present(code)
    }

    fn heartbeat(&self, slice: u64, slices: u64) {
        self.local.heartbeat(slice, slices);
    }

    fn stream_count(&self) -> usize {
        self.local.stream_count()
    }

    fn fault(&self) -> Option<String> {
        self.health.get()
    }
}

/// A random name for this instance on the bus.
fn instance_name() -> String {
    let mut bytes = [0u8; 8];
    let _ = getrandom::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
