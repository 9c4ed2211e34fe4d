//! The result of one run: serialised with `--json` (one line, read back by the
//! `table` subcommand) or printed as a short human summary.

use crate::procfs::Memory;
use crate::stats::Latency;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One run's figures.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Report {
    /// Free-form scenario name given with `--label` (groups runs in `table`).
    pub label: String,
    /// `pairroom` or `pubsub`.
    pub target: String,
    /// `latency` (commands) or `ticks`.
    pub mode: String,
    /// Rooms or channels.
    pub rooms: usize,
    /// Streams opened per room or channel.
    pub streams_per_room: usize,
    /// Stream connection accounting.
    pub streams: Streams,
    /// Command accounting.
    pub commands: Commands,
    /// Event delivery accounting (events of accepted commands only).
    pub events: Events,
    /// Command-to-event latency over all delivered events.
    pub latency: Latency,
    /// Server memory, when `--server-pid` was given.
    pub memory: Option<MemoryReport>,
    /// CPU use of the server and of this tool.
    pub cpu: Cpu,
    /// Tick delivery, in ticks mode.
    pub ticks: Option<Ticks>,
    /// The run hit `--timeout-secs` before finishing a phase.
    pub timed_out: bool,
    /// No event lost, no command or stream failed, ticks on time, no timeout:
    /// what the exit code says.
    pub passed: bool,
}

/// How the streams fared.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Streams {
    /// Streams the run tried to open.
    pub intended: usize,
    /// Streams that became ready.
    pub connected: usize,
    /// Streams that never became ready.
    pub failed: usize,
    /// Ready streams that ended before the run stopped them.
    pub dropped: usize,
    /// Seconds from the first connect until all streams were ready or failed.
    pub open_secs: f64,
    /// Failures and drops by kind.
    pub failures: BTreeMap<String, u64>,
    /// One failure message, to see what went wrong.
    pub first_failure: Option<String>,
}

/// How the commands fared.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Commands {
    /// Commands sent.
    pub sent: u64,
    /// Commands the server accepted.
    pub ok: u64,
    /// Commands refused or failed.
    pub failed: u64,
    /// Accepted commands per second over the command phase.
    pub rate_per_sec: f64,
    /// One failure message.
    pub first_error: Option<String>,
}

/// Event delivery.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Events {
    /// Accepted commands × streams of their room.
    pub expected: u64,
    /// Distinct (stream, command) events received.
    pub delivered: u64,
    /// `expected - delivered`.
    pub lost: u64,
    /// Events a stream received twice.
    pub duplicates: u64,
    /// Matching events no accepted command explains.
    pub unexpected: u64,
}

/// Memory before and after opening streams.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct MemoryReport {
    /// Which figure `per_idle_stream_kib` uses: `pss` or `vm_rss`.
    pub metric: String,
    /// Before any stream was opened (rooms already created).
    pub before: Memory,
    /// After all streams were open and idle for `--idle-secs`.
    pub after: Memory,
    /// Headline delta divided by connected streams.
    pub per_idle_stream_kib: f64,
    /// The same with summed VmRSS, for reference.
    pub vm_rss_per_idle_stream_kib: f64,
}

/// CPU figures, in percent of one core.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Cpu {
    /// Server CPU while streams were open and idle.
    pub server_idle_percent: Option<f64>,
    /// Server CPU over the measurement window: from just before the first
    /// command until every event arrived (or the drain ended); in ticks mode,
    /// the ticks window.
    pub server_percent: Option<f64>,
    /// This tool's own CPU over the same window.
    pub bench_percent: f64,
    /// Length of the measurement window in seconds (0 without `--server-pid`).
    pub window_secs: f64,
}

/// Tick delivery over the ticks window.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Ticks {
    /// Window length in seconds.
    pub window_secs: f64,
    /// One per second per connected stream.
    pub expected_per_sec: f64,
    /// What arrived.
    pub received_per_sec: f64,
}

impl Report {
    /// Prints the human summary to stdout.
    pub fn print_human(&self) {
        let s = &self.streams;
        println!(
            "{} {} [{}]: {} rooms x {} streams",
            self.target, self.mode, self.label, self.rooms, self.streams_per_room
        );
        println!(
            "  streams: {}/{} connected, {} failed, {} dropped, opened in {:.1} s {:?}",
            s.connected, s.intended, s.failed, s.dropped, s.open_secs, s.failures
        );
        if let Some(f) = &s.first_failure {
            println!("  first stream failure: {f}");
        }
        let c = &self.commands;
        println!(
            "  commands: {} sent, {} ok, {} failed, {:.0}/s",
            c.sent, c.ok, c.failed, c.rate_per_sec
        );
        if let Some(e) = &c.first_error {
            println!("  first command error: {e}");
        }
        let e = &self.events;
        println!(
            "  events: {}/{} delivered, {} lost, {} duplicate, {} unexpected",
            e.delivered, e.expected, e.lost, e.duplicates, e.unexpected
        );
        let l = &self.latency;
        println!(
            "  latency: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} samples)",
            l.p50_ms, l.p99_ms, l.max_ms, l.samples
        );
        if let Some(m) = &self.memory {
            println!(
                "  memory: {:.2} KiB per idle stream ({}: {} -> {} KiB; VmRSS {:.2} KiB/stream, RssShmem {} -> {} KiB)",
                m.per_idle_stream_kib,
                m.metric,
                m.before.headline_kib(),
                m.after.headline_kib(),
                m.vm_rss_per_idle_stream_kib,
                m.before.rss_shmem_kib,
                m.after.rss_shmem_kib
            );
        }
        let opt = |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{v:.1}%"));
        println!(
            "  cpu: server {} over {:.1} s (idle {}), bench {:.1}%",
            opt(self.cpu.server_percent),
            self.cpu.window_secs,
            opt(self.cpu.server_idle_percent),
            self.cpu.bench_percent
        );
        if let Some(t) = &self.ticks {
            println!(
                "  ticks: {:.0}/s received of {:.0}/s expected over {:.1} s",
                t.received_per_sec, t.expected_per_sec, t.window_secs
            );
        }
        println!(
            "  result: {}{}",
            if self.passed { "PASS" } else { "FAIL" },
            if self.timed_out { " (timed out)" } else { "" }
        );
    }
}
