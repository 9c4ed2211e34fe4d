//! The soak's result: one JSON line with `--json`, else a short summary that
//! names every check and the figures behind it.

use crate::procfs::Memory;
use crate::soak_check::Delivery;
use serde::Serialize;

/// One soak run's figures and verdict.
#[derive(Debug, Default, Serialize)]
pub struct SoakReport {
    /// Rooms the streams and commands were spread over.
    pub rooms: usize,
    /// Streams held open (the churn replaces, it does not add).
    pub streams: usize,
    /// Streams closed and opened per second.
    pub churn_per_sec: usize,
    /// Commands per second asked for.
    pub rate: f64,
    /// Seconds the churn and commands actually ran.
    pub duration_secs: f64,
    /// Stream accounting.
    pub stream_counts: StreamCounts,
    /// Command accounting.
    pub commands: CommandCounts,
    /// Event delivery.
    pub events: Delivery,
    /// Server file descriptors.
    pub fds: Resource,
    /// Server RssAnon (private heap and stack), KiB: the memory check.
    pub rss_anon_kib: Resource,
    /// Server VmRSS, KiB (reported, not checked: it includes file pages).
    pub vm_rss_kib: Resource,
    /// Full memory readings before and after.
    pub memory: (Memory, Memory),
    /// Seconds after the last stream closed until fds and memory were back
    /// within bounds (or the settle limit, if they never were).
    pub settle_secs: f64,
    /// Which checks failed (empty on a pass).
    pub failures: Vec<String>,
    /// Every check held.
    pub passed: bool,
}

/// Streams over the whole run.
#[derive(Debug, Default, Serialize)]
pub struct StreamCounts {
    /// Streams opened (initial ones plus the churn's).
    pub opened: u64,
    /// Streams the churn closed.
    pub churned: u64,
    /// Streams that never became ready (no snapshot).
    pub failed: u64,
    /// Ready streams the server ended before the soak closed them.
    pub dropped: u64,
    /// Seconds to open the initial streams.
    pub open_secs: f64,
    /// One failure message.
    pub first_failure: Option<String>,
}

/// Commands over the whole run.
#[derive(Debug, Default, Serialize)]
pub struct CommandCounts {
    /// Commands sent.
    pub sent: u64,
    /// Commands accepted.
    pub ok: u64,
    /// Commands refused or failed.
    pub failed: u64,
    /// One failure message.
    pub first_error: Option<String>,
}

/// A server figure before, at its highest during, and after the soak.
#[derive(Debug, Default, Serialize)]
pub struct Resource {
    /// Reading before any stream was opened.
    pub baseline: u64,
    /// Highest reading sampled once a second during the run.
    pub peak: u64,
    /// First reading once every stream was closed.
    pub at_close: u64,
    /// Reading after the streams closed and the server settled.
    pub last: u64,
    /// Most `last` may be to pass (0: not checked).
    pub allowed: u64,
}

impl Resource {
    /// `last` within `allowed` (or unchecked).
    pub fn within(&self) -> bool {
        self.allowed == 0 || self.last <= self.allowed
    }
}

impl SoakReport {
    /// Prints the human summary.
    pub fn print_human(&self) {
        let s = &self.stream_counts;
        let c = &self.commands;
        let e = &self.events;
        println!(
            "soak: {} streams over {} rooms, churn {}/s, {} commands/s, {:.0} s",
            self.streams, self.rooms, self.churn_per_sec, self.rate, self.duration_secs
        );
        println!(
            "  streams: {} opened, {} closed by churn, {} failed, {} dropped, initial open {:.1} s",
            s.opened, s.churned, s.failed, s.dropped, s.open_secs
        );
        println!(
            "  commands: {} sent, {} ok, {} failed",
            c.sent, c.ok, c.failed
        );
        println!(
            "  events: {} received, {} required, {} lost, {} out of order",
            e.received, e.expected, e.lost, e.out_of_order
        );
        let line = |name: &str, r: &Resource, unit: &str| {
            let limit = match r.allowed {
                0 => "not checked".to_string(),
                n => format!("allowed {n}{unit}"),
            };
            println!(
                "  {name}: baseline {}{unit}, peak {}{unit}, at close {}{unit}, settled {}{unit} ({limit})",
                r.baseline, r.peak, r.at_close, r.last
            );
        };
        line("fds", &self.fds, "");
        line("RssAnon", &self.rss_anon_kib, " KiB");
        line("VmRSS", &self.vm_rss_kib, " KiB");
        println!("  settled in {:.1} s", self.settle_secs);
        for msg in [&s.first_failure, &c.first_error, &e.first_loss]
            .into_iter()
            .flatten()
        {
            println!("  first problem: {msg}");
        }
        if self.passed {
            println!("PASS");
        } else {
            println!("FAIL: {}", self.failures.join("; "));
        }
    }
}
