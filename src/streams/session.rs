//! Opening a stream and producing its chunks.

use bytes::Bytes;

use super::encode::{self, CODUO, NATIVE, PresencePayload, RoomPayload};
use crate::domain::{AccessCode, ParticipantName, RoomStatus};
use crate::hub::{Frame, Received, RoomMessage, SubscribeOptions, Subscription};
use crate::service::{RoomService, RoomView, ServiceError, WorkspaceView};

/// Which API's event vocabulary a stream speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `snapshot`, `change`, `presence`, `tick` with JSON data.
    Native,
    /// The 코딩해듀오 vocabulary: `connect`, `remaining-time`, `timer`, `close`.
    Coduo,
}

/// Longest a new stream waits for the bus to follow its room.
const FOLLOW_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// What a client asked for when it opened a stream.
#[derive(Debug, Clone)]
pub struct StreamRequest {
    /// The room, as typed (validated by [`open`]).
    pub code: String,
    /// The vocabulary.
    pub dialect: Dialect,
    /// Whether to send `tick` events (native; legacy streams always tick).
    pub ticks: bool,
    /// A name to announce in the room's presence list.
    pub name: Option<String>,
    /// The `Last-Event-ID` header, or the `last_event_id` query parameter.
    pub last_event_id: Option<String>,
    /// Base of the `retry:` hint; the hint is this plus up to as much again.
    pub retry_base_ms: u64,
}

/// A stream's source of chunks.
pub struct EventStream {
    subscription: Subscription,
    slot: usize,
    ticks: bool,
    /// Changes at or below this version are already in the first chunk.
    seen_version: u64,
    first: Option<Bytes>,
    finished: bool,
    metrics: std::sync::Arc<crate::metrics::Metrics>,
}

/// Validates the request, joins the room's channel, then reads the room
/// (in that order, so no change falls between) and prepares the greeting.
pub async fn open(
    service: &RoomService,
    request: StreamRequest,
) -> Result<EventStream, ServiceError> {
    let code = AccessCode::parse(&request.code).map_err(|_| ServiceError::NotFound)?;
    let name = match request.name.as_deref() {
        Some(name) => Some(ParticipantName::parse(name)?.as_str().to_owned()),
        None => None,
    };
    let ticks = request.ticks || request.dialect == Dialect::Coduo;
    let mut subscription = service
        .hub()
        .subscribe(&code, SubscribeOptions { name, ticks })?;
    if let Some(following) = service.hub().following(&code) {
        // Bounded: a bus that hangs must not hold streams back; the room is
        // re-read when the bus recovers.
        let _ = tokio::time::timeout(FOLLOW_TIMEOUT, following).await;
    }
    let snapshot = service.read_any(&code).await?;
    if snapshot.room.status() == RoomStatus::Deleted {
        return Err(ServiceError::Deleted);
    }
    subscription.observe(snapshot.version, &snapshot.room);
    let retry_ms = request.retry_base_ms + jitter(request.retry_base_ms);
    let present = subscription.present();
    let mut first = String::new();
    let slot = match request.dialect {
        Dialect::Coduo => {
            first = encode::coduo_greeting(&snapshot.room, snapshot.now_ms, retry_ms);
            CODUO
        }
        Dialect::Native => {
            encode::retry(&mut first, retry_ms);
            let resumed = request
                .last_event_id
                .as_deref()
                .and_then(|id| id.trim().parse::<u64>().ok())
                == Some(snapshot.version);
            if resumed {
                let payload = PresencePayload {
                    server_time_ms: snapshot.now_ms,
                    present: &present,
                    joined: None,
                    left: None,
                };
                let data = serde_json::to_string(&payload).expect("serialises");
                encode::event(&mut first, snapshot.version, "presence", &data);
            } else {
                let payload = RoomPayload {
                    version: snapshot.version,
                    server_time_ms: snapshot.now_ms,
                    causes: None,
                    room: RoomView::new(&snapshot.room, snapshot.now_ms, &present),
                    workspace: WorkspaceView::all(snapshot.room.workspace()),
                };
                let data = serde_json::to_string(&payload).expect("serialises");
                encode::event(&mut first, snapshot.version, "snapshot", &data);
            }
            NATIVE
        }
    };
    Ok(EventStream {
        subscription,
        slot,
        ticks,
        seen_version: snapshot.version,
        first: Some(Bytes::from(first)),
        finished: false,
        metrics: service.metrics().clone(),
    })
}

impl EventStream {
    /// The next bytes to send, or `None` when the stream should end (the
    /// room was deleted or closed, or this stream fell too far behind).
    pub async fn next_chunk(&mut self) -> Option<Bytes> {
        if let Some(first) = self.first.take() {
            self.metrics.events_sent.inc();
            return Some(first);
        }
        while !self.finished {
            let frame = match self.subscription.recv().await {
                Received::Frame(frame) => frame,
                Received::Lagged => {
                    self.metrics.streams_lagged.inc();
                    return None;
                }
            };
            if let Some(bytes) = self.encode(&frame) {
                if !matches!(frame.message, RoomMessage::Heartbeat) {
                    self.metrics.events_sent.inc();
                }
                return Some(bytes);
            }
        }
        None
    }

    fn encode(&mut self, frame: &Frame) -> Option<Bytes> {
        if let RoomMessage::Change { version, .. } = frame.message {
            if version <= self.seen_version {
                return None;
            }
            self.seen_version = version;
        }
        if !self.ticks && encode::is_tick(frame) {
            return None;
        }
        self.finished = encode::ends_stream(frame);
        match self.slot {
            CODUO => frame.encoded(CODUO, encode::coduo),
            _ => frame.encoded(NATIVE, encode::native),
        }
    }

    /// Turns the stream into a `Stream` of chunks for an HTTP body.
    pub fn into_stream(self) -> impl futures_util::Stream<Item = Bytes> + Send {
        futures_util::stream::unfold(self, |mut stream| async move {
            stream.next_chunk().await.map(|chunk| (chunk, stream))
        })
    }
}

/// A random delay in `0..=base` ms, so that clients cut off together do not
/// all come back in the same instant.
fn jitter(base: u64) -> u64 {
    let mut bytes = [0u8; 8];
    if base == 0 || getrandom::fill(&mut bytes).is_err() {
        return 0;
    }
    u64::from_le_bytes(bytes) % (base + 1)
}
