//! Follows the Redis channels of exactly the rooms this instance has
//! streams for, and hands what arrives to the local hub and the service.
//!
//! One task owns the pub/sub connection and takes [`Order`]s in the order
//! the local hub made them, so a room's channel is subscribed before a
//! stream of that room reads its snapshot, and unsubscribed after its last
//! stream closed. When the connection breaks it reconnects with backoff,
//! resubscribes, and has the service re-read every followed room.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use redis::aio::{PubSubSink, PubSubStream};
use tokio::sync::mpsc;

use super::presence::Presence;
use super::publisher::{Connection, TIMEOUT};
use super::wire::Message;
use super::{BusConfig, BusEvent, Health, Order};
use crate::clock::Clock;
use crate::domain::AccessCode;
use crate::hub::{LocalHub, RoomEvent};

/// Longest wait between attempts to reach Redis again.
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// Everything the subscriber task works with.
pub(super) struct Subscriber {
    pub(super) client: redis::Client,
    pub(super) redis: Arc<Connection>,
    pub(super) config: Arc<BusConfig>,
    pub(super) instance: Arc<str>,
    pub(super) local: LocalHub,
    pub(super) orders: mpsc::UnboundedReceiver<Order>,
    pub(super) events: mpsc::UnboundedSender<BusEvent>,
    pub(super) health: Arc<Health>,
    pub(super) clock: Arc<dyn Clock>,
}

/// What the task remembers across connections.
#[derive(Default)]
struct Followed {
    /// Rooms with streams here.
    rooms: HashSet<AccessCode>,
    /// The names this instance's streams announce, by room.
    names: HashMap<AccessCode, Vec<String>>,
}

/// Why a connection ended.
enum End {
    /// The hub is gone: stop.
    Stop,
    /// Redis went away: reconnect.
    Lost(String),
}

/// Runs until the hub is dropped.
pub(super) async fn run(mut task: Subscriber) {
    let mut followed = Followed::default();
    let mut backoff = Duration::from_millis(100);
    loop {
        let connected = tokio::time::timeout(TIMEOUT, task.client.get_async_pubsub()).await;
        let fault = match connected {
            Ok(Ok(pubsub)) => {
                let (sink, stream) = pubsub.split();
                match task.follow(&mut followed, sink, stream).await {
                    End::Stop => return,
                    End::Lost(why) => {
                        backoff = Duration::from_millis(100);
                        why
                    }
                }
            }
            Ok(Err(e)) => e.to_string(),
            Err(_) => "Redis did not answer in time".into(),
        };
        tracing::warn!(fault = %fault, "the bus to other instances is down");
        task.health
            .set(Some(format!("not connected to Redis: {fault}")));
        // Keep taking orders while waiting, so that streams can open.
        let until = tokio::time::Instant::now() + backoff;
        while let Ok(order) = tokio::time::timeout_at(until, task.orders.recv()).await {
            match order {
                Some(order) => task.offline(&mut followed, order),
                None => return,
            }
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

impl Subscriber {
    /// Serves one connection until it breaks.
    async fn follow(
        &mut self,
        followed: &mut Followed,
        mut sink: PubSubSink,
        mut stream: PubSubStream,
    ) -> End {
        let channels: Vec<String> = followed
            .rooms
            .iter()
            .map(|code| self.config.channel(code))
            .collect();
        if !channels.is_empty()
            && let Err(e) = sink.subscribe(channels).await
        {
            return End::Lost(e.to_string());
        }
        self.health.set(None);
        tracing::info!(
            rooms = followed.rooms.len(),
            "the bus to other instances is up"
        );
        if !followed.rooms.is_empty() {
            let _ = self
                .events
                .send(BusEvent::Lost(followed.rooms.iter().cloned().collect()));
        }
        let mut renew = tokio::time::interval(self.config.presence_ttl / 3);
        // The first renewal (now) re-reads every followed room, since
        // presence hints may have been lost while disconnected.
        let mut all_rooms = true;
        loop {
            tokio::select! {
                order = self.orders.recv() => {
                    let Some(order) = order else { return End::Stop };
                    if let Err(e) = self.online(followed, &mut sink, order).await {
                        return End::Lost(e.to_string());
                    }
                }
                message = stream.next() => {
                    let Some(message) = message else {
                        return End::Lost("the connection closed".into());
                    };
                    self.receive(&message).await;
                }
                _ = renew.tick() => {
                    self.renew(followed, all_rooms).await;
                    all_rooms = false;
                }
            }
        }
    }

    /// Carries out an order while connected.
    async fn online(
        &mut self,
        followed: &mut Followed,
        sink: &mut PubSubSink,
        order: Order,
    ) -> redis::RedisResult<()> {
        match order {
            Order::Follow(done) => {
                let _ = done.send(());
            }
            Order::Room(RoomEvent::Opened(code)) => {
                followed.rooms.insert(code.clone());
                sink.subscribe(self.config.channel(&code)).await?;
                self.read_presence(&[code]).await;
            }
            Order::Room(RoomEvent::Closed(code)) => {
                followed.rooms.remove(&code);
                let old = followed.names.remove(&code).unwrap_or_default();
                sink.unsubscribe(self.config.channel(&code)).await?;
                if !old.is_empty() {
                    self.write_presence(&code, &old, &[]).await;
                }
            }
            Order::Room(RoomEvent::Names(code, names)) => {
                let old = followed.names.insert(code.clone(), names.clone());
                self.write_presence(&code, &old.unwrap_or_default(), &names)
                    .await;
            }
        }
        Ok(())
    }

    /// Notes an order while disconnected; Redis is brought up to date on
    /// reconnection.
    fn offline(&mut self, followed: &mut Followed, order: Order) {
        match order {
            Order::Follow(done) => {
                let _ = done.send(());
            }
            Order::Room(RoomEvent::Opened(code)) => {
                followed.rooms.insert(code);
            }
            Order::Room(RoomEvent::Closed(code)) => {
                followed.rooms.remove(&code);
                followed.names.remove(&code);
            }
            Order::Room(RoomEvent::Names(code, names)) => {
                followed.names.insert(code, names);
            }
        }
    }

    /// Hands one message from another instance to the local streams and
    /// the service.
    async fn receive(&mut self, message: &redis::Msg) {
        let Some(code) = self.config.room_of(message.get_channel_name()) else {
            return;
        };
        let Some(decoded) = Message::decode(message.get_payload_bytes()) else {
            let _ = self.events.send(BusEvent::Lost(vec![code]));
            return;
        };
        if decoded.origin() == &*self.instance {
            return;
        }
        match decoded {
            Message::Change {
                version,
                causes,
                room,
                workspace,
                ..
            } => {
                let room = room.with_workspace(*workspace);
                // A version skipped means messages were lost: the streams
                // get this state whole instead of as a change.
                let gap = self
                    .local
                    .version(&code)
                    .is_some_and(|shown| shown != 0 && version > shown + 1);
                self.local
                    .deliver(&code, version, causes, room.clone(), gap);
                let _ = self.events.send(BusEvent::Remote {
                    code,
                    version,
                    room: Box::new(room),
                });
            }
            Message::Presence { .. } => self.read_presence(&[code]).await,
            Message::Close { .. } => crate::hub::Hub::close_streams(&self.local, &code),
        }
    }

    fn presence(&self) -> Presence<'_> {
        Presence {
            config: &self.config,
            instance: &self.instance,
            now_ms: self.clock.now_ms(),
        }
    }

    /// Replaces this instance's names in a room (errors only logged: the
    /// next renewal writes them again).
    async fn write_presence(&self, code: &AccessCode, old: &[String], new: &[String]) {
        let written = match self.redis.get().await {
            Ok(mut connection) => self.presence().write(&mut connection, code, old, new).await,
            Err(e) => Err(e),
        };
        if let Err(e) = written {
            tracing::warn!(error = %e, "could not write presence to Redis");
        }
    }

    /// Reads who other instances hold in these rooms and shows it locally.
    async fn read_presence(&self, rooms: &[AccessCode]) {
        let read = match self.redis.get().await {
            Ok(mut connection) => self.presence().read(&mut connection, rooms).await,
            Err(e) => Err(e),
        };
        match read {
            Ok(names) => {
                for (code, names) in rooms.iter().zip(names) {
                    self.local.set_remote_names(code, names);
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not read presence from Redis"),
        }
    }

    /// Renews this instance's names, and re-reads the rooms that list
    /// names from other instances (or all followed rooms if `all_rooms`),
    /// so that the names of a crashed instance leave within the TTL. A
    /// room without remote names learns of new ones from the hint that
    /// their instance publishes.
    async fn renew(&self, followed: &Followed, all_rooms: bool) {
        let renewed = match self.redis.get().await {
            Ok(mut connection) => {
                self.presence()
                    .renew(&mut connection, &followed.names)
                    .await
            }
            Err(e) => Err(e),
        };
        if let Err(e) = renewed {
            tracing::warn!(error = %e, "could not renew presence in Redis");
        }
        let rooms: Vec<AccessCode> = match all_rooms {
            true => followed.rooms.iter().cloned().collect(),
            false => self.local.rooms_with_remote_names(),
        };
        self.read_presence(&rooms).await;
    }
}
