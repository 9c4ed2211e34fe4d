//! What an operator can watch, in Prometheus' text format at `/metrics`.
//!
//! One [`Metrics`] per server, passed to whatever counts, so that two
//! servers in one process (tests) keep separate figures. Nothing here
//! carries a room code: codes are the only key to a room.

use std::sync::Arc;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// Labels of the command counter.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CommandLabels {
    /// What was asked (`start`, `add_todo`...).
    pub kind: &'static str,
    /// How it ended (`ok`, `noop`, `conflict`...).
    pub outcome: &'static str,
}

/// Labels of the store latency histogram.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StoreLabels {
    /// The store operation (`load`, `update`...).
    pub op: &'static str,
}

/// Labels of the rate-limit counter.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct LimitLabels {
    /// The bucket that ran dry (`create`, `miss`, `stream`).
    pub bucket: &'static str,
}

type StoreHistograms = Family<StoreLabels, Histogram, fn() -> Histogram>;

/// Every figure the server keeps.
pub struct Metrics {
    registry: Registry,
    /// Streams open now (set from the hub when scraped).
    pub streams_open: Gauge,
    /// Events written to streams (heartbeats not included).
    pub events_sent: Counter,
    /// Streams ended because they fell too far behind.
    pub streams_lagged: Counter,
    /// Commands by kind and outcome.
    pub commands: Family<CommandLabels, Counter>,
    /// Time-ups and auto-advances committed by this instance.
    pub deadlines_applied: Counter,
    /// Store operations' latency, by operation.
    pub store_seconds: StoreHistograms,
    /// 1 while the bus to other instances is connected (or there is none).
    pub bus_connected: Gauge,
    /// Idle rooms removed by the retention job.
    pub rooms_purged: Counter,
    /// Requests refused by a rate limit, by bucket.
    pub rate_limited: Family<LimitLabels, Counter>,
}

impl Metrics {
    /// Fresh figures, registered under the `pairroom_` prefix.
    pub fn new() -> Arc<Self> {
        let mut registry = Registry::with_prefix("pairroom");
        let streams_open = Gauge::default();
        let events_sent = Counter::default();
        let streams_lagged = Counter::default();
        let commands = Family::default();
        let deadlines_applied = Counter::default();
        let store_seconds: StoreHistograms = Family::new_with_constructor(|| {
            // 50 µs to about 1.6 s.
            Histogram::new(exponential_buckets(0.000_05, 2.0, 16))
        });
        let bus_connected = Gauge::default();
        let rooms_purged = Counter::default();
        let rate_limited = Family::default();
        registry.register(
            "streams_open",
            "Event streams open now",
            streams_open.clone(),
        );
        registry.register(
            "events_sent",
            "Events written to streams, heartbeats not included",
            events_sent.clone(),
        );
        registry.register(
            "streams_lagged",
            "Streams ended because they fell too far behind",
            streams_lagged.clone(),
        );
        registry.register("commands", "Commands by kind and outcome", commands.clone());
        registry.register(
            "deadlines_applied",
            "Time-ups and auto-advances committed by this instance",
            deadlines_applied.clone(),
        );
        registry.register(
            "store_seconds",
            "Latency of store operations",
            store_seconds.clone(),
        );
        registry.register(
            "bus_connected",
            "1 while the bus to other instances is connected or not configured",
            bus_connected.clone(),
        );
        registry.register(
            "rooms_purged",
            "Idle rooms removed by the retention job",
            rooms_purged.clone(),
        );
        registry.register(
            "rate_limited",
            "Requests refused by a rate limit, by bucket",
            rate_limited.clone(),
        );
        Arc::new(Self {
            registry,
            streams_open,
            events_sent,
            streams_lagged,
            commands,
            deadlines_applied,
            store_seconds,
            bus_connected,
            rooms_purged,
            rate_limited,
        })
    }

    /// Counts one command.
    pub fn command(&self, kind: &'static str, outcome: &'static str) {
        self.commands
            .get_or_create(&CommandLabels { kind, outcome })
            .inc();
    }

    /// Records how long a store operation took.
    pub fn store(&self, op: &'static str, took: Duration) {
        self.store_seconds
            .get_or_create(&StoreLabels { op })
            .observe(took.as_secs_f64());
    }

    /// Counts one request refused by a rate limit.
    pub fn limited(&self, bucket: &'static str) {
        self.rate_limited
            .get_or_create(&LimitLabels { bucket })
            .inc();
    }

    /// The text exposition format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .expect("writing to a String cannot fail");
        out
    }
}
