//! The soak's load: a pool of streams that can be opened and closed one at a
//! time (the churn), and timer commands sent at a steady rate until stopped.

use crate::client::{self, Outcome, Shared, StreamSpec};
use crate::soak_check::Closed;
use crate::targets::Target;
use reqwest::Client;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Semaphore, watch};
use tokio::task::{JoinHandle, JoinSet};

/// One stream the pool holds open.
struct Open {
    /// Dropping or firing it ends the stream.
    stop: watch::Sender<bool>,
    /// The stream task.
    task: JoinHandle<Outcome>,
    /// µs when it was opened, so the churn only closes streams old enough to
    /// be ready.
    opened_us: u64,
}

/// Streams spread round-robin over rooms and source addresses.
pub struct Pool {
    /// Server socket address.
    pub server: SocketAddr,
    /// `Host` header value.
    pub host: Arc<str>,
    /// Request path of each room's event stream.
    pub paths: Vec<String>,
    /// Source addresses 127.0.0.1 ..= 127.0.0.N (ephemeral ports last longer).
    pub source_addrs: u8,
    /// State shared with every stream task.
    pub shared: Arc<Shared>,
    /// Streams opened so far (also picks the next room and source).
    pub opened: u64,
    /// Streams currently open.
    open: Vec<Open>,
    /// Streams the churn closed, with when.
    closed: Vec<(JoinHandle<Outcome>, u64)>,
    /// xorshift state choosing which streams the churn closes.
    rng: u64,
}

impl Pool {
    /// An empty pool; `paths[i]` is room i's stream path.
    pub fn new(
        server: SocketAddr,
        host: Arc<str>,
        paths: Vec<String>,
        src: u8,
        shared: Arc<Shared>,
    ) -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64);
        Self {
            server,
            host,
            paths,
            source_addrs: src.max(1),
            shared,
            opened: 0,
            open: Vec::new(),
            closed: Vec::new(),
            rng: seed | 1,
        }
    }

    /// Streams the churn has closed so far.
    pub fn closed(&self) -> usize {
        self.closed.len()
    }

    /// Opens one more stream.
    pub fn open_one(&mut self) {
        let i = self.opened as usize;
        let room = i % self.paths.len();
        let source = self.server.is_ipv4().then(|| {
            IpAddr::V4(Ipv4Addr::new(
                127,
                0,
                0,
                1 + (i % self.source_addrs as usize) as u8,
            ))
        });
        let spec = StreamSpec {
            room: room as u32,
            server: self.server,
            source,
            host: self.host.clone(),
            path: self.paths[room].clone(),
        };
        let (stop, rx) = watch::channel(false);
        let task = tokio::spawn(client::run_stream(spec, self.shared.clone(), rx));
        let opened_us = self.shared.now_us();
        self.open.push(Open {
            stop,
            task,
            opened_us,
        });
        self.opened += 1;
    }

    /// Closes a random stream opened at least `min_age` ago; false if none is.
    pub fn close_random(&mut self, min_age: Duration) -> bool {
        let now = self.shared.now_us();
        let old_enough = |o: &Open| o.opened_us + min_age.as_micros() as u64 <= now;
        if !self.open.iter().any(old_enough) {
            return false;
        }
        loop {
            self.rng ^= self.rng << 13;
            self.rng ^= self.rng >> 7;
            self.rng ^= self.rng << 17;
            let i = (self.rng % self.open.len() as u64) as usize;
            if old_enough(&self.open[i]) {
                let o = self.open.swap_remove(i);
                let _ = o.stop.send(true);
                self.closed.push((o.task, now));
                return true;
            }
        }
    }

    /// Closes every stream and collects all outcomes, churned ones first.
    pub async fn finish(self) -> Vec<Closed> {
        let mut out = Vec::with_capacity(self.closed.len() + self.open.len());
        let open: Vec<JoinHandle<Outcome>> = self
            .open
            .into_iter()
            .map(|o| {
                let _ = o.stop.send(true);
                o.task
            })
            .collect();
        for (task, at) in self.closed {
            if let Ok(outcome) = task.await {
                out.push(Closed {
                    outcome,
                    closed_us: Some(at),
                });
            }
        }
        for task in open {
            if let Ok(outcome) = task.await {
                out.push(Closed {
                    outcome,
                    closed_us: None,
                });
            }
        }
        out
    }
}

/// What the commands did.
#[derive(Default)]
pub struct Commands {
    /// Commands sent.
    pub sent: u64,
    /// Commands refused or failed in transit.
    pub failed: u64,
    /// The first failure.
    pub first_error: Option<String>,
    /// `(version, answered µs)` of every accepted command, per room.
    pub by_room: Vec<Vec<(u64, u64)>>,
}

/// Result of one command: room, version or error, answered µs.
type Answer = (usize, Result<u64, String>, u64);

/// Sends start/pause round-robin over rooms at `rate` per second until `stop`
/// fires, then waits for the answers in flight.
pub async fn drive(
    target: Arc<Target>,
    http: Client,
    keys: Arc<Vec<String>>,
    shared: Arc<Shared>,
    (rate, max_inflight): (f64, usize),
    mut stop: watch::Receiver<bool>,
) -> Commands {
    let rooms = keys.len();
    let mut out = Commands {
        by_room: vec![Vec::new(); rooms],
        ..Commands::default()
    };
    let mut rounds = vec![0usize; rooms];
    let inflight = Arc::new(Semaphore::new(max_inflight.max(1)));
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate.max(0.001)));
    let mut set: JoinSet<Answer> = JoinSet::new();
    let record = |out: &mut Commands, (room, res, at): Answer| match res {
        Ok(v) => out.by_room[room].push((v, at)),
        Err(e) => {
            out.failed += 1;
            out.first_error
                .get_or_insert(format!("room {}: {e}", keys[room]));
        }
    };
    for n in 0.. {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => break,
        }
        let room = n % rooms;
        let Ok(slot) = inflight.clone().acquire_owned().await else {
            break;
        };
        let (target, http, keys, shared) =
            (target.clone(), http.clone(), keys.clone(), shared.clone());
        let round = rounds[room];
        rounds[room] += 1;
        out.sent += 1;
        set.spawn(async move {
            let res = target.command(&http, &keys[room], round, 0).await;
            drop(slot);
            (room, res, shared.now_us())
        });
        while let Some(Ok(a)) = set.try_join_next() {
            record(&mut out, a);
        }
    }
    while let Some(res) = set.join_next().await {
        if let Ok(a) = res {
            record(&mut out, a);
        }
    }
    out
}
