//! One connection: classify its first request, then serve it.

use std::net::SocketAddr;

use bytes::BytesMut;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpStream;

use super::head::{self, First};
use super::rewind::Rewind;
use super::{Edge, HEAD_TIMEOUT, lean};
use crate::http::stream_request;

/// Serves one accepted connection.
pub(super) async fn handle(mut socket: TcpStream, peer: SocketAddr, edge: Edge) {
    match head::read(&mut socket).await {
        First::Stream {
            code,
            dialect,
            query,
            last_event_id,
            origin,
            forwarded_for,
        } => {
            let client = edge.limits.client(peer, forwarded_for.as_deref());
            let request = stream_request(
                &code,
                dialect,
                query.as_deref(),
                last_event_id.as_deref(),
                edge.retry_base_ms,
            );
            let origin = origin.filter(|o| edge.cors_origins.iter().any(|allowed| allowed == o));
            lean::serve(socket, request, origin, client, &edge).await;
        }
        // Boxed so that the (large) hyper future does not size every
        // stream's task.
        First::Other(prefix) => Box::pin(serve_http(socket, prefix, peer, edge)).await,
        First::Gone => {}
    }
}

/// Hands the connection to hyper and the router, with the bytes read so far
/// replayed first; shuts it down gracefully when the server stops.
async fn serve_http(socket: TcpStream, prefix: BytesMut, peer: SocketAddr, edge: Edge) {
    let io = TokioIo::new(Rewind::new(prefix, socket));
    // Every request on the connection knows its peer (for the limits).
    let router = tower::ServiceExt::map_request(
        edge.router.clone(),
        move |mut request: axum::http::Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(crate::limits::Peer(peer));
            request
        },
    );
    let service = TowerToHyperService::new(router);
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .serve_connection(io, service);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        () = edge.shutdown.cancelled() => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}
