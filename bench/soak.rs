//! Soak: hold many event streams for a bounded time while the churn replaces
//! some of them every second and timer commands keep coming, then check that
//! the server's file descriptors and memory come back near their baseline and
//! that no stream missed an event. Leaks show up as fds or heap that stay.

use crate::client::Shared;
use crate::procfs;
use crate::soak_check::{self, Rooms};
use crate::soak_load::{self, Pool};
use crate::soak_report::{CommandCounts, Resource, SoakReport, StreamCounts};
use crate::targets::{Kind, Target, loopback_addr};
use futures_util::StreamExt;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::time::Instant;

/// The churn only closes streams this old, so that it closes ready streams.
const MIN_AGE: Duration = Duration::from_secs(2);
/// Bound on creating rooms and on opening the initial streams.
const SETUP_LIMIT: Duration = Duration::from_secs(60);

/// What to run and how strictly to judge it (the `soak` subcommand's options).
#[derive(clap::Args)]
pub struct Options {
    /// pairroom's origin, e.g. http://127.0.0.1:8080 (loopback only).
    #[arg(long, env = "PAIRROOM_URL")]
    pub url: String,
    /// Server process whose open fds and memory are checked.
    #[arg(long)]
    pub server_pid: u32,
    /// Streams held open throughout (the churn replaces, it does not add).
    #[arg(long, default_value_t = 2000)]
    pub streams: usize,
    /// Streams closed, and as many opened, per second.
    #[arg(long, default_value_t = 50)]
    pub churn_per_sec: usize,
    /// Timer commands (start, pause, ...) per second, round-robin over rooms.
    #[arg(long, default_value_t = 20.0)]
    pub rate: f64,
    /// How long the churn and commands run, seconds.
    #[arg(long, default_value_t = 120)]
    pub duration_secs: u64,
    /// Rooms to create; streams and commands are spread over them.
    #[arg(long, default_value_t = 200)]
    pub rooms: usize,
    /// Bind client sockets to 127.0.0.1 ..= 127.0.0.N so ephemeral ports last.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u8).range(1..=254))]
    pub source_addrs: u8,
    /// Stream connects in flight at most (keeps the accept backlog sane).
    #[arg(long, default_value_t = 256)]
    pub connect_concurrency: usize,
    /// HTTP requests (room creations, commands) in flight at most.
    #[arg(long, default_value_t = 64)]
    pub max_inflight: usize,
    /// Seconds to pause after creating rooms, before the baseline reading.
    #[arg(long, default_value_t = 2)]
    pub baseline_settle_secs: u64,
    /// Most seconds to wait, after closing every stream, for fds and memory
    /// to come back within bounds (polled; the run goes on as soon as they are).
    #[arg(long, default_value_t = 30)]
    pub settle_secs: u64,
    /// Relative tolerance of the fd and memory checks (0.10 = 10%).
    #[arg(long, default_value_t = 0.10)]
    pub tolerance: f64,
    /// Fds allowed above baseline when that is more than the tolerance: the
    /// baseline is a few dozen fds, so 10% of it is one or two, within the
    /// noise of pooled database connections.
    #[arg(long, default_value_t = 4)]
    pub fd_slack: u64,
    /// MiB of RssAnon allowed above baseline on top of the tolerance:
    /// allocators keep some freed pages for reuse.
    #[arg(long, default_value_t = 4)]
    pub mem_slack_mib: u64,
    /// Milliseconds after its answer by which a command's event must have
    /// reached a stream the churn then closed (the answer and the event race).
    #[arg(long, default_value_t = 2000)]
    pub grace_ms: u64,
    /// Tokio worker threads of this tool (1 leaves the other core to the server).
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Print one JSON report line instead of the human summary.
    #[arg(long)]
    pub json: bool,
}

/// Highest server readings seen so far.
#[derive(Default)]
struct Peak {
    /// Open fds.
    fds: u64,
    /// RssAnon, KiB.
    anon: u64,
    /// VmRSS, KiB.
    rss: u64,
}

impl Peak {
    /// Takes one reading of `pid` into the maxima; returns (fds, memory).
    fn sample(&mut self, pid: u32) -> Result<(u64, procfs::Memory), String> {
        let fds = procfs::open_fds(pid)? as u64;
        let m = procfs::memory(&[pid])?;
        self.fds = self.fds.max(fds);
        self.anon = self.anon.max(m.rss_anon_kib);
        self.rss = self.rss.max(m.vm_rss_kib);
        Ok((fds, m))
    }
}

/// An HTTP client for commands and room reads, bypassing any proxy.
fn client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())
}

/// Reads every room's current version, in `keys` order.
async fn versions(
    http: &reqwest::Client,
    base: &str,
    keys: &[String],
    n: usize,
) -> Result<Vec<u64>, String> {
    let read = |key: &String| {
        let req = http.get(format!("{base}/api/v1/rooms/{key}"));
        let key = key.clone();
        async move {
            let resp = req.send().await.map_err(|e| format!("read {key}: {e}"))?;
            let v: serde_json::Value = resp.json().await.map_err(|e| format!("read {key}: {e}"))?;
            v["version"]
                .as_u64()
                .ok_or_else(|| format!("read {key}: no version in {v}"))
        }
    };
    let all: Vec<Result<u64, String>> = futures_util::stream::iter(keys)
        .map(read)
        .buffered(n.max(1))
        .collect()
        .await;
    all.into_iter().collect()
}

/// Waits until no event arrived for a second, at most `limit`.
async fn drain(shared: &Shared, limit: Duration) {
    let end = Instant::now() + limit;
    let mut last = u64::MAX;
    while Instant::now() < end {
        let now = shared.matched.load(Ordering::Relaxed);
        if now == last {
            return;
        }
        last = now;
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Runs the soak against pairroom and judges it.
pub async fn run(o: &Options) -> Result<SoakReport, String> {
    let base = o.url.trim_end_matches('/').to_string();
    let url = reqwest::Url::parse(&base).map_err(|e| e.to_string())?;
    let server = loopback_addr(&url)?;
    let target = Arc::new(Target::Pairroom {
        base: base.clone(),
        command_base: base.clone(),
        ticks: false,
    });
    // Each phase gets its own client, dropped at its end: their pooled
    // keep-alive connections would otherwise count among the server's fds.
    let setup = client()?;
    let keys = tokio::time::timeout(SETUP_LIMIT, target.prepare(&setup, o.rooms, o.max_inflight))
        .await
        .map_err(|_| "timed out creating rooms".to_string())??;
    drop(setup);
    let keys = Arc::new(keys);
    tokio::time::sleep(Duration::from_secs(o.baseline_settle_secs)).await;
    let mut peak = Peak::default();
    let (base_fds, base_mem) = peak.sample(o.server_pid)?;

    let shared = Arc::new(Shared {
        t0: std::time::Instant::now(),
        kind: Kind::Pairroom,
        ready: 0.into(),
        failed: 0.into(),
        matched: 0.into(),
        ticks: 0.into(),
        connect_permits: tokio::sync::Semaphore::new(o.connect_concurrency.max(1)),
    });
    let paths = keys
        .iter()
        .map(|k| format!("/api/v1/rooms/{k}/events"))
        .collect();
    let mut pool = Pool::new(
        server,
        url.authority().into(),
        paths,
        o.source_addrs,
        shared.clone(),
    );
    let opening = Instant::now();
    for _ in 0..o.streams {
        pool.open_one();
    }
    let settled = || shared.ready.load(Ordering::Relaxed) + shared.failed.load(Ordering::Relaxed);
    while settled() < o.streams && opening.elapsed() < SETUP_LIMIT {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let open_secs = opening.elapsed().as_secs_f64();
    // Idle until the last initial stream is old enough for the churn to close.
    tokio::time::sleep(MIN_AGE).await;
    peak.sample(o.server_pid)?;

    // The soak proper: churn spread evenly over each second, commands alongside.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let load = (o.rate, o.max_inflight);
    let http = client()?;
    let driver = tokio::spawn(soak_load::drive(
        target,
        http.clone(),
        keys.clone(),
        shared.clone(),
        load,
        stop_rx,
    ));
    let start = Instant::now();
    let step = Duration::from_secs_f64(1.0 / o.churn_per_sec.max(1) as f64);
    let mut tick = tokio::time::interval(step);
    let mut next_sample = start + Duration::from_secs(1);
    while start.elapsed() < Duration::from_secs(o.duration_secs) {
        tick.tick().await;
        if o.churn_per_sec > 0 && pool.close_random(MIN_AGE) {
            pool.open_one();
        }
        if Instant::now() >= next_sample {
            peak.sample(o.server_pid)?;
            next_sample += Duration::from_secs(1);
        }
    }
    let duration_secs = start.elapsed().as_secs_f64();
    let _ = stop_tx.send(true);
    let cmds = driver.await.map_err(|e| format!("command driver: {e}"))?;
    let finals = versions(&http, &base, &keys, o.max_inflight).await?;
    drop(http);
    drain(&shared, Duration::from_secs(10)).await;
    let (opened, churned) = (pool.opened, pool.closed() as u64);
    let streams = pool.finish().await;

    // Back to baseline? Poll until both checks hold or the settle limit passes.
    let closed_at = Instant::now();
    let tol = |base: u64, slack: u64| base + ((base as f64 * o.tolerance).ceil() as u64).max(slack);
    let tol_mem =
        |base: u64| base + (base as f64 * o.tolerance).ceil() as u64 + o.mem_slack_mib * 1024;
    let (fds_allowed, anon_allowed) = (tol(base_fds, o.fd_slack), tol_mem(base_mem.rss_anon_kib));
    let mut first = None;
    let (last_fds, last_mem) = loop {
        let (fds, m) = peak.sample(o.server_pid)?;
        first.get_or_insert((fds, m.rss_anon_kib, m.vm_rss_kib));
        let back = fds <= fds_allowed && m.rss_anon_kib <= anon_allowed;
        if back || closed_at.elapsed() >= Duration::from_secs(o.settle_secs) {
            break (fds, m);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let (close_fds, close_anon, close_rss) = first.unwrap_or_default();

    let rooms = Rooms {
        commands: &cmds.by_room,
        finals: &finals,
        grace_us: o.grace_ms * 1000,
    };
    let events = soak_check::check(&streams, &rooms);
    let mut counts = StreamCounts {
        opened,
        churned,
        open_secs,
        ..StreamCounts::default()
    };
    for s in &streams {
        match (&s.outcome.error, s.outcome.ready) {
            (None, _) => continue,
            (Some(_), false) => counts.failed += 1,
            (Some(_), true) => counts.dropped += 1,
        }
        if let Some((kind, msg)) = &s.outcome.error {
            counts
                .first_failure
                .get_or_insert(format!("{kind:?}: {msg}"));
        }
    }
    let ok: u64 = cmds.by_room.iter().map(|r| r.len() as u64).sum();
    let mut r = SoakReport {
        rooms: o.rooms,
        streams: o.streams,
        churn_per_sec: o.churn_per_sec,
        rate: o.rate,
        duration_secs,
        stream_counts: counts,
        commands: CommandCounts {
            sent: cmds.sent,
            ok,
            failed: cmds.failed,
            first_error: cmds.first_error,
        },
        events,
        fds: Resource {
            baseline: base_fds,
            peak: peak.fds,
            at_close: close_fds,
            last: last_fds,
            allowed: fds_allowed,
        },
        rss_anon_kib: Resource {
            baseline: base_mem.rss_anon_kib,
            peak: peak.anon,
            at_close: close_anon,
            last: last_mem.rss_anon_kib,
            allowed: anon_allowed,
        },
        vm_rss_kib: Resource {
            baseline: base_mem.vm_rss_kib,
            peak: peak.rss,
            at_close: close_rss,
            last: last_mem.vm_rss_kib,
            allowed: 0,
        },
        memory: (base_mem, last_mem),
        settle_secs: closed_at.elapsed().as_secs_f64(),
        ..SoakReport::default()
    };
    judge(&mut r);
    Ok(r)
}

/// Fills in the failed checks and the verdict.
fn judge(r: &mut SoakReport) {
    let s = &r.stream_counts;
    let checks = [
        (
            s.failed == 0,
            format!("{} streams failed to open", s.failed),
        ),
        (
            s.dropped == 0,
            format!("{} streams ended by the server", s.dropped),
        ),
        (
            r.commands.failed == 0,
            format!("{} commands failed", r.commands.failed),
        ),
        (r.events.lost == 0, format!("{} events lost", r.events.lost)),
        (
            r.events.out_of_order == 0,
            format!("{} events out of order", r.events.out_of_order),
        ),
        (
            r.fds.within(),
            format!("fds {} > allowed {}", r.fds.last, r.fds.allowed),
        ),
        (
            r.rss_anon_kib.within(),
            format!(
                "RssAnon {} KiB > allowed {} KiB",
                r.rss_anon_kib.last, r.rss_anon_kib.allowed
            ),
        ),
    ];
    r.failures = checks
        .into_iter()
        .filter(|(ok, _)| !ok)
        .map(|(_, m)| m)
        .collect();
    r.passed = r.failures.is_empty();
}
