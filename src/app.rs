//! Wiring: builds the store, hub, service, router and listener from the
//! configuration, and runs them until shutdown.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::clock::{Clock, SystemClock};
use crate::config::ServeConfig;
use crate::http::{self, AppState};
use crate::hub::{self, BusConfig, Hub, HubLimits, LocalHub, RedisHub};
use crate::limits::Limits;
use crate::metrics::Metrics;
use crate::preview::{PreviewConfig, PreviewFetcher};
use crate::server::{self, Edge};
use crate::service::RoomService;
use crate::store::{self, StoreError};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The store could not be opened or migrated.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The Redis URL is not valid.
    #[error("{0}")]
    Bus(String),
    /// The listen address could not be bound.
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
}

/// A ready-to-run server: bound, migrated, with deadlines rescheduled.
pub struct App {
    listener: TcpListener,
    edge: Edge,
}

impl App {
    /// Opens the store, schedules pending deadlines and binds the listener
    /// (port 0 picks a free port; see [`App::local_addr`]).
    pub async fn build(config: &ServeConfig) -> Result<Self, StartError> {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let store = store::open(&config.database_url, config.fsync_each_commit).await?;
        let limits = HubLimits {
            per_room: config.max_streams_per_room as usize,
            total: config.max_streams as usize,
        };
        let (hub, bus): (Arc<dyn Hub>, _) = match &config.redis_url {
            Some(url) => {
                let bus = BusConfig {
                    url: url.clone(),
                    prefix: config.redis_prefix.clone(),
                    presence_ttl: std::time::Duration::from_secs(config.presence_ttl_secs),
                };
                let (hub, events) =
                    RedisHub::start(bus, limits, clock.clone()).map_err(StartError::Bus)?;
                (hub, Some(events))
            }
            None => (Arc::new(LocalHub::new(limits, clock.clone())), None),
        };
        hub::spawn_heartbeats(&hub, config.heartbeat());
        let metrics = Metrics::new();
        let service = RoomService::start(store, hub, clock, metrics);
        if let Some(retention) = config.retention() {
            service.spawn_retention(retention);
        }
        if let Some(events) = bus {
            tokio::spawn(service.clone().follow_bus(events));
        }
        let pending = service
            .resume_deadlines()
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        tracing::info!(pending, "deadlines rescheduled");
        let shutdown = CancellationToken::new();
        let previews = PreviewFetcher::new(PreviewConfig {
            timeout: std::time::Duration::from_millis(config.preview_timeout_ms),
            allow: config.preview_allow.clone(),
            ..PreviewConfig::default()
        });
        let cors = Arc::new(config.cors_origins.clone());
        let limits = Arc::new(Limits::new(&config.limits(), service.metrics().clone()));
        let state = AppState {
            limits: limits.clone(),
            service: service.clone(),
            retry_base_ms: config.retry_ms,
            shutdown: shutdown.clone(),
            previews,
        };
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|e| StartError::Bind(config.listen, e))?;
        let edge = Edge {
            router: http::router(state, &cors),
            cors_origins: cors,
            service,
            retry_base_ms: config.retry_ms,
            write_timeout: config.write_timeout(),
            shutdown,
            limits,
        };
        Ok(Self { listener, edge })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Cancelling this token shuts the server down: it stops accepting,
    /// ends every stream (clients reconnect elsewhere) and returns from
    /// [`App::run`] within a few seconds.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.edge.shutdown.clone()
    }

    /// Serves until the shutdown token is cancelled.
    pub async fn run(self) {
        tracing::info!(addr = %self.local_addr(), "pairroom listening");
        server::serve(self.listener, self.edge).await;
    }
}
