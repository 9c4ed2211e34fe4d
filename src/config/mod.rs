//! Configuration: flags, environment variables and an optional TOML file
//! (`--config`), in that order of precedence, over the defaults. The doc
//! comments here are the `--help` text; `file` merges the TOML file.

mod file;

use std::net::SocketAddr;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

/// pairroom keeps a room's countdown timer, roles and state identical on
/// every screen in real time.
#[derive(Debug, Parser)]
#[command(name = "pairroom", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
// Parsed once per process: the size of a variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server.
    Serve(ServeConfig),
    /// Work with configuration files.
    #[command(subcommand)]
    Config(ConfigCommand),
}

/// What `pairroom config` does.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Checks a TOML configuration file: every key must be a setting of
    /// `pairroom serve` (spelt as its flag, with `_` or `-`) with a valid
    /// value. Exits 0 if it is, 2 with the reasons if not.
    Check {
        /// The file.
        file: std::path::PathBuf,
    },
}

pub use file::{check_file, parse_args};

/// The shape of log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Plain,
    /// One JSON object per line.
    Json,
}

/// Settings of `pairroom serve`; each flag can also be set by the
/// environment variable named in its help.
#[derive(Debug, Clone, Args)]
pub struct ServeConfig {
    /// A TOML file of settings, named as the flags below (`listen =
    /// "0.0.0.0:8080"`, `cors_origin = ["https://a.example"]`). Flags and
    /// environment variables override it; `pairroom config check FILE`
    /// validates one.
    #[arg(long, env = "PAIRROOM_CONFIG")]
    pub config: Option<std::path::PathBuf>,

    /// Address and port to listen on (port 0 picks a free port).
    #[arg(long, env = "PAIRROOM_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Where rooms are stored: `sqlite://PATH` (the file and its folder are
    /// created if missing), or `postgres://USER@HOST:PORT/DATABASE` (also
    /// `postgresql://`) for a PostgreSQL database that several instances
    /// share; the database must exist, its tables are created on start.
    #[arg(
        long,
        env = "PAIRROOM_DATABASE_URL",
        default_value = "sqlite://pairroom-data/pairroom.db"
    )]
    pub database_url: String,

    /// Flush every commit to disk before acknowledging it, so that changes
    /// survive a power cut and not only a crash of the process (which they
    /// always do). Costs a disk flush per command. SQLite only: PostgreSQL
    /// flushes every commit itself (`synchronous_commit = on`, its default).
    #[arg(long, env = "PAIRROOM_FSYNC_EACH_COMMIT")]
    pub fsync_each_commit: bool,

    /// Seconds between heartbeat comments on every stream, so that proxies
    /// with idle timeouts (nginx: 60 s) never cut a quiet stream.
    #[arg(long, env = "PAIRROOM_HEARTBEAT_SECS", default_value_t = 15,
          value_parser = clap::value_parser!(u64).range(1..=300))]
    pub heartbeat_secs: u64,

    /// Base of the reconnect delay hinted to clients (`retry:`), in ms; each
    /// stream gets this plus a random part up to as much again.
    #[arg(long, env = "PAIRROOM_RETRY_MS", default_value_t = 1000,
          value_parser = clap::value_parser!(u64).range(0..=60_000))]
    pub retry_ms: u64,

    /// Most streams one room may have open; more are answered 429.
    #[arg(long, env = "PAIRROOM_MAX_STREAMS_PER_ROOM", default_value_t = 1000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_streams_per_room: u64,

    /// Most streams open in total; more are answered 503.
    #[arg(long, env = "PAIRROOM_MAX_STREAMS", default_value_t = 15_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_streams: u64,

    /// Seconds one write to a stream may take before its client is taken
    /// for stuck and disconnected.
    #[arg(long, env = "PAIRROOM_WRITE_TIMEOUT_SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=300))]
    pub write_timeout_secs: u64,

    /// Origins (scheme://host[:port]) whose pages may call the API and open
    /// streams with credentials, e.g. a front end served elsewhere. Repeat
    /// the flag, or separate with commas. None: same origin only.
    #[arg(
        long = "cors-origin",
        env = "PAIRROOM_CORS_ORIGINS",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,

    /// Address ranges (CIDR) that link previews may fetch from although they
    /// are loopback, private or otherwise internal (refused by default).
    /// Repeat the flag, or separate with commas.
    #[arg(
        long = "preview-allow",
        env = "PAIRROOM_PREVIEW_ALLOW",
        value_delimiter = ','
    )]
    pub preview_allow: Vec<ipnet::IpNet>,

    /// Redis that connects several instances sharing one PostgreSQL
    /// database (`redis://HOST:PORT[/DB]`): a change made through any
    /// instance reaches the streams held by every other. Unset: this
    /// instance works alone.
    #[arg(long, env = "PAIRROOM_REDIS_URL")]
    pub redis_url: Option<String>,

    /// Put before every Redis key and channel name, so that several
    /// deployments can share one Redis.
    #[arg(long, env = "PAIRROOM_REDIS_PREFIX", default_value = "pairroom:")]
    pub redis_prefix: String,

    /// Seconds a name stays in a room's presence list (over Redis) after
    /// its instance last renewed it; instances renew every third of this,
    /// so a crashed instance's names leave within 4/3 of it.
    #[arg(long, env = "PAIRROOM_PRESENCE_TTL_SECS", default_value_t = 15,
          value_parser = clap::value_parser!(u64).range(3..=300))]
    pub presence_ttl_secs: u64,

    /// Seconds after its last change that a room is removed by the
    /// retention job (default 30 days); 0 keeps rooms forever.
    #[arg(long, env = "PAIRROOM_RETENTION_IDLE_SECS", default_value_t = 30 * 24 * 3600)]
    pub retention_idle_secs: u64,

    /// Seconds between two runs of the retention job.
    #[arg(long, env = "PAIRROOM_RETENTION_INTERVAL_SECS", default_value_t = 3600,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub retention_interval_secs: u64,

    /// Rooms one client address may create per minute (both APIs); more
    /// are answered 429 with `Retry-After`. 0: no limit.
    #[arg(long, env = "PAIRROOM_LIMIT_CREATES_PER_MIN", default_value_t = 30)]
    pub limit_creates_per_min: u32,

    /// Lookups of unknown rooms (answered 404) one client address may make
    /// per minute; once they are used up, every room lookup from it is
    /// answered 429 until they refill, so codes cannot be guessed. 0: no
    /// limit.
    #[arg(long, env = "PAIRROOM_LIMIT_MISSES_PER_MIN", default_value_t = 20)]
    pub limit_misses_per_min: u32,

    /// Event streams one client address may open per minute. 0: no limit.
    #[arg(long, env = "PAIRROOM_LIMIT_STREAMS_PER_MIN", default_value_t = 120)]
    pub limit_streams_per_min: u32,

    /// Address ranges (CIDR) never rate-limited. Repeat the flag, or
    /// separate with commas.
    #[arg(
        long = "limit-exempt",
        env = "PAIRROOM_LIMIT_EXEMPT",
        value_delimiter = ',',
        default_value = "127.0.0.0/8,::1/128"
    )]
    pub limit_exempt: Vec<ipnet::IpNet>,

    /// Proxies (CIDR) whose `X-Forwarded-For` names the client, e.g.
    /// `127.0.0.1/32` for an nginx on the same machine; the client is then
    /// the right-most address in it that is not a trusted proxy. Without
    /// this the header is ignored (anyone could send it), and behind a
    /// local proxy every client would share the proxy's loopback
    /// exemption. Repeat the flag, or separate with commas.
    #[arg(
        long = "trusted-proxy",
        env = "PAIRROOM_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// How log lines look: `plain` (for people) or `json` (one object per
    /// line, for log collectors). Levels follow `RUST_LOG` (default
    /// `info`; `RUST_LOG=info,tower_http=debug` adds one line per request).
    #[arg(long, env = "PAIRROOM_LOG_FORMAT", value_enum, default_value_t = LogFormat::Plain)]
    pub log_format: LogFormat,

    /// Milliseconds a link preview may take (connect, redirects and body);
    /// a link is added without preview when it runs out.
    #[arg(long, env = "PAIRROOM_PREVIEW_TIMEOUT_MS", default_value_t = 3000,
          value_parser = clap::value_parser!(u64).range(100..=30_000))]
    pub preview_timeout_ms: u64,
}

impl ServeConfig {
    /// Defaults with another listen address and database (for tests).
    pub fn new(listen: SocketAddr, database_url: String) -> Self {
        let config = Cli::parse_from(["pairroom", "serve"]);
        let Command::Serve(mut serve) = config.command else {
            unreachable!("parsed as serve");
        };
        serve.listen = listen;
        serve.database_url = database_url;
        serve
    }

    /// The heartbeat interval.
    pub fn heartbeat(&self) -> Duration {
        Duration::from_secs(self.heartbeat_secs)
    }

    /// The retention job's settings, if rooms are to be purged at all.
    pub fn retention(&self) -> Option<crate::service::Retention> {
        (self.retention_idle_secs > 0).then(|| crate::service::Retention {
            idle: Duration::from_secs(self.retention_idle_secs),
            every: Duration::from_secs(self.retention_interval_secs),
        })
    }

    /// The abuse limits.
    pub fn limits(&self) -> crate::limits::LimitConfig {
        crate::limits::LimitConfig {
            creates_per_min: self.limit_creates_per_min,
            misses_per_min: self.limit_misses_per_min,
            streams_per_min: self.limit_streams_per_min,
            exempt: self.limit_exempt.clone(),
            trusted_proxies: self.trusted_proxies.clone(),
        }
    }

    /// The write timeout.
    pub fn write_timeout(&self) -> Duration {
        Duration::from_secs(self.write_timeout_secs)
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn every_setting_has_help_and_an_environment_variable() {
        let command = super::Cli::command();
        let serve = command.find_subcommand("serve").unwrap();
        for arg in serve.get_arguments() {
            let id = arg.get_id().as_str();
            if id == "help" {
                continue;
            }
            assert!(arg.get_help().is_some(), "{id} has no help");
            assert!(arg.get_env().is_some(), "{id} has no environment variable");
            assert!(arg.get_long().is_some(), "{id} has no flag");
        }
    }
}
