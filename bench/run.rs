//! One benchmark run, phase by phase: prepare rooms, measure memory, open
//! streams, measure memory again, drive commands (or watch ticks) while
//! sampling CPU, stop the streams and match what arrived against what was sent.

use crate::client::{self, Shared, StreamSpec};
use crate::drive::{self, CommandLog, Plan};
use crate::matching;
use crate::procfs;
use crate::report::{MemoryReport, Report, Ticks};
use crate::stats;
use crate::targets::{Target, loopback_addr};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::time::Instant;

/// Everything a run needs besides the target.
pub struct Scenario {
    /// Label copied into the report.
    pub label: String,
    /// Rooms or channels.
    pub rooms: usize,
    /// Streams per room or channel.
    pub streams_per_room: usize,
    /// Commands per room; 0 measures idle streams only.
    pub rounds: usize,
    /// Commands per second over all rooms.
    pub rate: f64,
    /// Ticks mode: start every timer, then watch ticks for this long.
    pub ticks_window: Option<Duration>,
    /// Idle time before the second memory reading.
    pub idle: Duration,
    /// How long to wait for late events after the last command.
    pub drain: Duration,
    /// Hard bound for the whole run.
    pub timeout: Duration,
    /// Source addresses 127.0.0.1 ..= 127.0.0.N.
    pub source_addrs: u8,
    /// Connects in flight at most.
    pub connect_concurrency: usize,
    /// HTTP commands in flight at most.
    pub max_inflight: usize,
    /// Server processes to measure.
    pub server_pids: Vec<u32>,
    /// Minimum received/expected tick ratio to pass.
    pub min_tick_ratio: f64,
}

/// Polls `done` every 20 ms until it holds or `deadline` passes; false on timeout.
async fn wait_for(deadline: Instant, mut done: impl FnMut() -> bool) -> bool {
    while !done() {
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    true
}

/// Runs the scenario against the target and reports.
pub async fn run(target: Target, sc: Scenario) -> Result<Report, String> {
    let deadline = Instant::now() + sc.timeout;
    let base_url = reqwest::Url::parse(&target.stream_url("x")).map_err(|e| e.to_string())?;
    let server = loopback_addr(&base_url)?;
    let host: Arc<str> = base_url.authority().into();
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())?;
    let pids = sc.server_pids.clone();
    let pid_strs: Vec<String> = pids.iter().map(u32::to_string).collect();
    let clk = procfs::clk_tck();
    let mut report = Report {
        label: sc.label.clone(),
        target: format!("{:?}", target.kind()).to_lowercase(),
        mode: if sc.ticks_window.is_some() {
            "ticks"
        } else {
            "latency"
        }
        .into(),
        rooms: sc.rooms,
        streams_per_room: sc.streams_per_room,
        ..Report::default()
    };

    let keys = tokio::time::timeout_at(deadline, target.prepare(&http, sc.rooms, sc.max_inflight))
        .await
        .map_err(|_| "timed out creating rooms".to_string())??;
    let keys = Arc::new(keys);
    let mem_before = (!pids.is_empty())
        .then(|| procfs::memory(&pids))
        .transpose()?;

    // Open the streams, spread over rooms and source addresses.
    let shared = Arc::new(Shared {
        t0: std::time::Instant::now(),
        kind: target.kind(),
        ready: 0.into(),
        failed: 0.into(),
        matched: 0.into(),
        ticks: 0.into(),
        connect_permits: tokio::sync::Semaphore::new(sc.connect_concurrency.max(1)),
    });
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let total = sc.rooms * sc.streams_per_room;
    let opened = Instant::now();
    let mut handles = Vec::with_capacity(total);
    for i in 0..total {
        let room = i % sc.rooms;
        let source = server.is_ipv4().then(|| {
            IpAddr::V4(Ipv4Addr::new(
                127,
                0,
                0,
                1 + (i % sc.source_addrs.max(1) as usize) as u8,
            ))
        });
        let url =
            reqwest::Url::parse(&target.stream_url(&keys[room])).map_err(|e| e.to_string())?;
        let path = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        let spec = StreamSpec {
            room: room as u32,
            server,
            source,
            host: host.clone(),
            path,
        };
        handles.push(tokio::spawn(client::run_stream(
            spec,
            shared.clone(),
            stop_rx.clone(),
        )));
    }
    let all_settled =
        || shared.ready.load(Ordering::Relaxed) + shared.failed.load(Ordering::Relaxed) >= total;
    report.timed_out |= !wait_for(deadline, all_settled).await;
    report.streams.open_secs = opened.elapsed().as_secs_f64();

    // Idle streams: memory and idle CPU.
    let idle_cpu = procfs::cpu_sample(&pid_strs)
        .ok()
        .filter(|_| !pids.is_empty());
    tokio::time::sleep_until((Instant::now() + sc.idle).min(deadline)).await;
    if let (Some(before), Some(b)) = (mem_before, idle_cpu) {
        let after = procfs::memory(&pids)?;
        report.cpu.server_idle_percent = procfs::cpu_sample(&pid_strs)
            .ok()
            .map(|a| procfs::cpu_percent(b, a, clk));
        let n = shared.ready.load(Ordering::Relaxed).max(1) as f64;
        let per = |a: u64, b: u64| (a as f64 - b as f64) / n;
        report.memory = Some(MemoryReport {
            metric: if after.pss_kib.is_some() {
                "pss"
            } else {
                "vm_rss"
            }
            .into(),
            per_idle_stream_kib: per(after.headline_kib(), before.headline_kib()),
            vm_rss_per_idle_stream_kib: per(after.vm_rss_kib, before.vm_rss_kib),
            before,
            after,
        });
    }

    // Commands (or starting every timer), with CPU sampled around them.
    let rounds = if sc.ticks_window.is_some() {
        1
    } else {
        sc.rounds
    };
    let cpu_at = || {
        (
            procfs::cpu_sample(&pid_strs).ok(),
            procfs::cpu_sample(&["self".into()]).ok(),
        )
    };
    let (mut srv0, mut me0) = cpu_at();
    let mut log = CommandLog::default();
    if rounds > 0 && !report.timed_out {
        let plan = Plan {
            rounds,
            rate: sc.rate,
            max_inflight: sc.max_inflight,
            deadline,
        };
        let target = Arc::new(target);
        log = drive::drive(target, http, keys.clone(), shared.clone(), plan).await;
        let expected = log.records.len() as u64 * sc.streams_per_room as u64;
        let drain_end = (Instant::now() + sc.drain).min(deadline);
        let delivered = || shared.matched.load(Ordering::Relaxed) >= expected;
        report.timed_out |= !wait_for(drain_end, delivered).await && drain_end == deadline;
    }
    if let Some(window) = sc.ticks_window {
        (srv0, me0) = cpu_at();
        let t0 = shared.ticks.load(Ordering::Relaxed);
        let start = Instant::now();
        tokio::time::sleep_until((start + window).min(deadline)).await;
        let secs = start.elapsed().as_secs_f64();
        let got = shared.ticks.load(Ordering::Relaxed) - t0;
        report.ticks = Some(Ticks {
            window_secs: secs,
            expected_per_sec: 0.0,
            received_per_sec: got as f64 / secs,
        });
    }
    let (srv1, me1) = cpu_at();
    if let (Some(a), Some(b)) = (me0, me1) {
        report.cpu.bench_percent = procfs::cpu_percent(a, b, clk);
    }
    let measured = rounds > 0 && !pids.is_empty();
    if let (Some(a), Some(b), true) = (srv0, srv1, measured) {
        report.cpu.server_percent = Some(procfs::cpu_percent(a, b, clk));
        report.cpu.window_secs = procfs::seconds_between(a, b);
    }

    // Stop everything and match.
    let _ = stop_tx.send(true);
    let mut outcomes = Vec::with_capacity(total);
    for h in handles {
        if let Ok(o) = h.await {
            outcomes.push(o);
        }
    }
    report.streams = matching::tally_streams(&outcomes, total, report.streams.open_secs);
    let (events, mut lat) = matching::match_events(&log, &outcomes, sc.streams_per_room);
    report.events = events;
    report.latency = stats::latency(&mut lat);
    let span = log.span_us.1.saturating_sub(log.span_us.0).max(1) as f64 / 1e6;
    report.commands = crate::report::Commands {
        sent: log.sent,
        ok: log.records.len() as u64,
        failed: log.failures,
        rate_per_sec: log.records.len() as f64 / span,
        first_error: log.first_error,
    };
    let mut ticks_ok = true;
    if let Some(t) = &mut report.ticks {
        t.expected_per_sec = (report.streams.connected - report.streams.dropped) as f64;
        ticks_ok = t.received_per_sec >= sc.min_tick_ratio * t.expected_per_sec;
    }
    report.passed = report.events.lost == 0
        && report.commands.failed == 0
        && report.streams.failed == 0
        && report.streams.dropped == 0
        && ticks_ok
        && !report.timed_out;
    Ok(report)
}
