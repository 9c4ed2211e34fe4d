//! `pairroom-bench`: opens many Server-Sent Events streams against pairroom or
//! a pub/sub hub (Nchan), sends commands, and measures delivery, latency, and
//! the server's memory per idle stream and CPU. This file only parses the
//! command line and dispatches; see the modules for the work.

mod chunked;
mod client;
mod drive;
mod matching;
mod procfs;
mod report;
mod run;
mod soak;
mod soak_check;
mod soak_load;
mod soak_report;
mod sse;
mod stats;
mod table;
mod targets;

use clap::{Args, Parser, Subcommand};
use std::process::ExitCode;
use std::time::Duration;
use targets::{Target, loopback_addr};

/// Load and latency benchmark for pairroom's event streams, with a pub/sub
/// (Nchan) target to compare against. Loopback targets only.
///
/// A run: create rooms (or name channels), read the server's memory, open all
/// streams and wait until each is ready, idle, read memory again (memory per
/// idle stream = delta / connected streams), then send commands at a fixed
/// rate and wait until every stream received every resulting event.
/// Latency = arrival of the event on a stream minus the instant just before
/// the command was sent. Exit code 0 when nothing was lost, 1 when an expected
/// event was lost, a command or stream failed, ticks fell short or the run
/// timed out (0 anyway with --allow-loss), 2 on a setup error.
#[derive(Parser)]
#[command(name = "pairroom-bench", version)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

/// What to run.
#[derive(Subcommand)]
enum Cmd {
    /// pairroom latency/memory: timer start/pause commands, one `change` event
    /// (id = the room version the command returned) expected on every stream
    /// of the room. `--rounds 0` measures idle streams only.
    Pairroom {
        /// pairroom's origin, e.g. http://127.0.0.1:8080.
        #[arg(long, env = "PAIRROOM_URL")]
        url: String,
        /// Create rooms and send commands to this origin instead of `--url`:
        /// another instance sharing the store and bus, so that every event
        /// crosses the bus before it reaches the streams.
        #[arg(long)]
        command_url: Option<String>,
        /// Streams ask for `?ticks=1` (per-second tick events while running).
        #[arg(long)]
        with_ticks: bool,
        #[command(flatten)]
        load: Load,
        #[command(flatten)]
        common: Common,
    },
    /// pairroom ticks: streams with `?ticks=1`, every room's timer started,
    /// then server CPU and tick events counted over `--window-secs`.
    Ticks {
        /// pairroom's origin, e.g. http://127.0.0.1:8080.
        #[arg(long, env = "PAIRROOM_URL")]
        url: String,
        /// Rooms to create.
        #[arg(long, default_value_t = 1000)]
        rooms: usize,
        /// Streams per room.
        #[arg(long, default_value_t = 10)]
        streams_per_room: usize,
        /// Timer starts per second (all rooms are started once).
        #[arg(long, default_value_t = 1000.0)]
        rate: f64,
        /// Length of the CPU and tick measurement window, seconds.
        #[arg(long, default_value_t = 10)]
        window_secs: u64,
        /// Fail unless received ticks/s >= this × connected streams.
        #[arg(long, default_value_t = 0.95)]
        min_tick_ratio: f64,
        #[command(flatten)]
        common: Common,
    },
    /// Pub/sub hub (Nchan): publish `POST {pub-url}?id=CHANNEL` with a body
    /// starting with a sequence number, subscribe `GET {sub-url}/CHANNEL` as
    /// an event stream; events are matched by the number in their data.
    Pubsub {
        /// Publish endpoint, e.g. http://127.0.0.1:8090/pub.
        #[arg(long)]
        pub_url: String,
        /// Subscribe prefix, e.g. http://127.0.0.1:8090/sub.
        #[arg(long)]
        sub_url: String,
        /// Filler bytes after the sequence number (to mimic pairroom's
        /// room JSON in each `change`).
        #[arg(long, default_value_t = 0)]
        payload_bytes: usize,
        #[command(flatten)]
        load: Load,
        #[command(flatten)]
        common: Common,
    },
    /// Soak: holds `--streams` streams for `--duration-secs` while closing and
    /// opening `--churn-per-sec` of them a second and sending timer commands,
    /// then checks that the server's open fds and RssAnon are back within
    /// `--tolerance` (plus a small slack) of their baseline, and that no
    /// stream missed a version. Exit 0 on pass, 1 on fail, 2 on setup error.
    Soak(soak::Options),
    /// Prints a markdown table of medians from `--json` report lines, grouped
    /// by label and target (reads stdin when no file is given).
    Table {
        /// Files holding one JSON report per line.
        files: Vec<std::path::PathBuf>,
    },
}

/// Shape of the command load.
#[derive(Args)]
struct Load {
    /// Rooms (pairroom) or channels (pub/sub).
    #[arg(long, visible_alias = "channels", default_value_t = 1)]
    rooms: usize,
    /// Streams per room or channel.
    #[arg(long, visible_alias = "streams-per-channel", default_value_t = 10)]
    streams_per_room: usize,
    /// Commands per room: start, pause, start, ... (0 = idle streams only).
    #[arg(long, default_value_t = 10)]
    rounds: usize,
    /// Commands per second over all rooms, sent round-robin.
    #[arg(long, default_value_t = 10.0)]
    rate: f64,
}

/// Options every run shares.
#[derive(Args)]
struct Common {
    /// Name of the scenario, copied into the report (groups runs in `table`).
    #[arg(long, default_value = "")]
    label: String,
    /// Server process to measure (repeatable; figures are summed, e.g. nginx
    /// master + workers). Memory: VmRSS, RssAnon, RssShmem and Pss are summed;
    /// Pss (shared pages split between the processes mapping them) is the
    /// headline. CPU: utime + stime. Without it, neither is reported.
    #[arg(long = "server-pid")]
    server_pids: Vec<u32>,
    /// Bind client sockets to 127.0.0.1 ..= 127.0.0.N so ephemeral ports last.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u8).range(1..=254))]
    source_addrs: u8,
    /// Stream connects in flight at most (keeps the accept backlog sane).
    #[arg(long, default_value_t = 256)]
    connect_concurrency: usize,
    /// HTTP commands (and room creations) in flight at most.
    #[arg(long, default_value_t = 64)]
    max_inflight: usize,
    /// Seconds streams stay idle before the second memory reading.
    #[arg(long, default_value_t = 3)]
    idle_secs: u64,
    /// Seconds to wait for outstanding events after the last command.
    #[arg(long, default_value_t = 10)]
    drain_secs: u64,
    /// Hard bound of the whole run, seconds.
    #[arg(long, default_value_t = 120)]
    timeout_secs: u64,
    /// Tokio worker threads of this tool (1 leaves the other core to the server).
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Print one JSON report line instead of the human summary.
    #[arg(long)]
    json: bool,
    /// Exit 0 even if events were lost or commands or streams failed.
    #[arg(long)]
    allow_loss: bool,
}

/// Builds the scenario from the parsed options.
fn scenario(c: &Common, load: &Load, ticks: Option<(u64, f64)>) -> run::Scenario {
    run::Scenario {
        label: c.label.clone(),
        rooms: load.rooms.max(1),
        streams_per_room: load.streams_per_room,
        rounds: load.rounds,
        rate: load.rate,
        ticks_window: ticks.map(|(w, _)| Duration::from_secs(w)),
        idle: Duration::from_secs(c.idle_secs),
        drain: Duration::from_secs(c.drain_secs),
        timeout: Duration::from_secs(c.timeout_secs),
        source_addrs: c.source_addrs,
        connect_concurrency: c.connect_concurrency,
        max_inflight: c.max_inflight,
        server_pids: c.server_pids.clone(),
        min_tick_ratio: ticks.map_or(0.0, |(_, r)| r),
    }
}

/// Checks a URL is loopback http and returns it without a trailing slash.
fn checked(url: &str) -> Result<String, String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("{url}: {e}"))?;
    loopback_addr(&parsed)?;
    Ok(url.trim_end_matches('/').to_string())
}

/// Turns the subcommand into a target, a scenario and the shared options.
fn setup(cmd: Cmd) -> Result<(Target, run::Scenario, Common), String> {
    Ok(match cmd {
        Cmd::Pairroom {
            url,
            command_url,
            with_ticks,
            load,
            common,
        } => {
            let base = checked(&url)?;
            let t = Target::Pairroom {
                command_base: match command_url {
                    Some(other) => checked(&other)?,
                    None => base.clone(),
                },
                base,
                ticks: with_ticks,
            };
            (t, scenario(&common, &load, None), common)
        }
        Cmd::Ticks {
            url,
            rooms,
            streams_per_room,
            rate,
            window_secs,
            min_tick_ratio,
            common,
        } => {
            let base = checked(&url)?;
            let t = Target::Pairroom {
                command_base: base.clone(),
                base,
                ticks: true,
            };
            let load = Load {
                rooms,
                streams_per_room,
                rounds: 1,
                rate,
            };
            (
                t,
                scenario(&common, &load, Some((window_secs, min_tick_ratio))),
                common,
            )
        }
        Cmd::Pubsub {
            pub_url,
            sub_url,
            payload_bytes,
            load,
            common,
        } => {
            let pub_url = reqwest::Url::parse(&checked(&pub_url)?).map_err(|e| e.to_string())?;
            let t = Target::PubSub {
                pub_url,
                sub_url: checked(&sub_url)?,
                payload_bytes,
            };
            (t, scenario(&common, &load, None), common)
        }
        Cmd::Table { .. } | Cmd::Soak(_) => unreachable!("handled in main"),
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Cmd::Table { files } = &cli.cmd {
        return match table::print_table(files) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("pairroom-bench: {e}");
                ExitCode::from(2)
            }
        };
    }
    if let Cmd::Soak(o) = &cli.cmd {
        return soak_main(o);
    }
    let (target, sc, common) = match setup(cli.cmd) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("pairroom-bench: {e}");
            return ExitCode::from(2);
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(common.threads.max(1))
        .enable_all()
        .build()
        .expect("tokio runtime");
    // The run bounds its own phases; this is a backstop against a stuck join.
    let hard = Duration::from_secs(common.timeout_secs + 30);
    let result = rt.block_on(async { tokio::time::timeout(hard, run::run(target, sc)).await });
    rt.shutdown_timeout(Duration::from_secs(1));
    match result {
        Ok(Ok(report)) => {
            if common.json {
                println!(
                    "{}",
                    serde_json::to_string(&report).expect("report serialises")
                );
            } else {
                report.print_human();
            }
            if report.passed || common.allow_loss {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Ok(Err(e)) => {
            eprintln!("pairroom-bench: {e}");
            ExitCode::from(2)
        }
        Err(_) => {
            eprintln!("pairroom-bench: run exceeded --timeout-secs + 30 s; aborted");
            ExitCode::from(2)
        }
    }
}

/// Runs the soak subcommand and turns its verdict into the exit code.
fn soak_main(o: &soak::Options) -> ExitCode {
    if let Err(e) = checked(&o.url) {
        eprintln!("pairroom-bench: {e}");
        return ExitCode::from(2);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(o.threads.max(1))
        .enable_all()
        .build()
        .expect("tokio runtime");
    // Setup, drain and settle are bounded inside; this backstops a stuck join.
    let hard = Duration::from_secs(o.duration_secs + o.settle_secs + 180);
    let result = rt.block_on(async { tokio::time::timeout(hard, soak::run(o)).await });
    rt.shutdown_timeout(Duration::from_secs(1));
    match result {
        Ok(Ok(report)) => {
            if o.json {
                let line = serde_json::to_string(&report).expect("report serialises");
                println!("{line}");
            } else {
                report.print_human();
            }
            if report.passed {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Ok(Err(e)) => {
            eprintln!("pairroom-bench: soak: {e}");
            ExitCode::from(2)
        }
        Err(_) => {
            eprintln!("pairroom-bench: soak exceeded its time bound; aborted");
            ExitCode::from(2)
        }
    }
}
