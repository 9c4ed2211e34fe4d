//! The network edge: accepts connections and gives each to the right path.
//!
//! A connection's first request head is read here. A `GET` for an event
//! stream is served by the lean path ([`lean`]): the response head and the
//! events are written straight to the socket by one small task, with no
//! HTTP connection state kept for the stream's life. Everything else (and
//! any later request on a kept-alive connection) goes to hyper and the axum
//! router, with the bytes already read replayed in front of the socket.
//!
//! Why: an idle stream held through hyper keeps about 16 KiB of connection
//! buffers alive for hours; the lean path keeps a socket, a task of a few
//! hundred bytes and a ring position.

mod conn;
mod head;
mod lean;
mod rewind;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::service::RoomService;

/// How long a client may take to send its first request head.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(30);

/// How long shutdown waits for open requests before giving up on them.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(4);

/// What each connection needs.
#[derive(Clone)]
pub struct Edge {
    /// The axum router for everything but fresh stream requests.
    pub router: Router,
    /// The service, for the lean stream path.
    pub service: Arc<RoomService>,
    /// Base of the `retry:` hint.
    pub retry_base_ms: u64,
    /// Longest a single write to a stream may take.
    pub write_timeout: Duration,
    /// Fires at shutdown.
    pub shutdown: CancellationToken,
    /// Origins allowed to open streams from other pages (CORS).
    pub cors_origins: Arc<Vec<String>>,
    /// Abuse limits per client address.
    pub limits: Arc<crate::limits::Limits>,
}

/// Accepts connections until `edge.shutdown` fires, then waits (at most
/// [`SHUTDOWN_GRACE`]) for open connections to finish.
pub async fn serve(listener: TcpListener, edge: Edge) {
    let tracker = TaskTracker::new();
    loop {
        tokio::select! {
            () = edge.shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok((socket, peer)) => {
                    let _ = socket.set_nodelay(true);
                    tracker.spawn(conn::handle(socket, peer, edge.clone()));
                }
                Err(e) => {
                    // Out of file descriptors, usually: wait rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
    }
    drop(listener);
    tracker.close();
    if tokio::time::timeout(SHUTDOWN_GRACE, tracker.wait())
        .await
        .is_err()
    {
        tracing::warn!(
            open = tracker.len(),
            "connections still open at shutdown; closing them"
        );
    }
}
