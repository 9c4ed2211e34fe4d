//! Sends this instance's messages to Redis, batched, and resends what a
//! failed send lost.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::mpsc;

/// Most messages sent in one round trip.
const BATCH: usize = 256;

/// Longest wait for Redis to connect or to answer a command.
pub(super) const TIMEOUT: Duration = Duration::from_secs(1);

/// One message for a room's channel.
pub(super) struct Outgoing {
    /// The channel.
    pub(super) channel: String,
    /// The room version a change message carries (`None` for others).
    pub(super) version: Option<u64>,
    /// The encoded message.
    pub(super) payload: String,
}

/// A command connection to Redis, made on first use and remade by
/// redis-rs when it breaks.
pub(super) struct Connection {
    client: redis::Client,
    manager: tokio::sync::Mutex<Option<ConnectionManager>>,
}

impl Connection {
    /// A connection that is not made yet.
    pub(super) fn new(client: redis::Client) -> Self {
        Self {
            client,
            manager: tokio::sync::Mutex::default(),
        }
    }

    /// The connection, made now if it was not.
    pub(super) async fn get(&self) -> redis::RedisResult<ConnectionManager> {
        let mut manager = self.manager.lock().await;
        if let Some(manager) = manager.as_ref() {
            return Ok(manager.clone());
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(TIMEOUT)
            .set_response_timeout(TIMEOUT)
            .set_number_of_retries(1);
        let made = self
            .client
            .get_connection_manager_with_config(config)
            .await?;
        *manager = Some(made.clone());
        Ok(made)
    }
}

/// Publishes messages in order, as many per round trip as are waiting.
/// When Redis cannot be reached, the last change of each room is kept and
/// sent once it can: it carries the whole room, so the instances that
/// follow the room catch up on everything they missed. Other messages are
/// dropped (presence is refreshed on a timer anyway).
pub(super) async fn run(redis: Arc<Connection>, mut outgoing: mpsc::UnboundedReceiver<Outgoing>) {
    let mut unsent: HashMap<String, (u64, String)> = HashMap::new();
    loop {
        let mut batch = Vec::new();
        if unsent.is_empty() {
            match outgoing.recv().await {
                Some(message) => batch.push(message),
                None => return,
            }
        } else {
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        while batch.len() < BATCH {
            match outgoing.try_recv() {
                Ok(message) => batch.push(message),
                Err(_) => break,
            }
        }
        let mut pipe = redis::pipe();
        for (channel, (_, payload)) in &unsent {
            pipe.publish(channel, payload).ignore();
        }
        for message in &batch {
            pipe.publish(&message.channel, &message.payload).ignore();
        }
        let sent = match redis.get().await {
            Ok(mut connection) => pipe.query_async::<()>(&mut connection).await,
            Err(e) => Err(e),
        };
        match sent {
            Ok(()) => unsent.clear(),
            Err(e) => {
                tracing::warn!(error = %e, "could not publish to Redis; will resend");
                for message in batch {
                    let Some(version) = message.version else {
                        continue;
                    };
                    let newer = unsent
                        .get(&message.channel)
                        .is_none_or(|(kept, _)| *kept < version);
                    if newer {
                        unsent.insert(message.channel, (version, message.payload));
                    }
                }
            }
        }
    }
}
