//! The lean stream path: an event stream written straight to its socket.

use std::io;
use std::net::IpAddr;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use super::Edge;
use crate::http::ApiError;
use crate::limits::Kind;
use crate::service::ServiceError;
use crate::streams::{self, Dialect, EventStream, StreamRequest};

/// Opens the stream and pumps it, or answers the error as JSON. `origin`
/// is the request's `Origin` if it is an allowed one (CORS).
pub(super) async fn serve(
    mut socket: TcpStream,
    request: StreamRequest,
    origin: Option<String>,
    client: IpAddr,
    edge: &Edge,
) {
    let cors = origin
        .map(|o| format!("access-control-allow-origin: {o}\r\naccess-control-allow-credentials: true\r\nvary: origin\r\n"))
        .unwrap_or_default();
    let legacy = request.dialect == Dialect::Coduo;
    if let Err(limited) = edge.limits.admit(client, Kind::Stream) {
        let _ = write_error(&mut socket, &ApiError::limited(limited), &cors).await;
        let _ = socket.shutdown().await;
        return;
    }
    let opened = streams::open(&edge.service, request).await;
    if let Err(ServiceError::NotFound) = &opened {
        edge.limits.missed(client);
    }
    match opened {
        Ok(stream) => {
            let mut head = String::from("HTTP/1.1 200 OK\r\n");
            for (name, value) in streams::HEADERS {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str(&cors);
            // The body runs until the connection closes.
            head.push_str("connection: close\r\n\r\n");
            if socket.write_all(head.as_bytes()).await.is_ok() {
                let _ = pump(&mut socket, stream, edge).await;
            }
        }
        Err(e) => {
            let error = if legacy {
                ApiError::legacy(e)
            } else {
                ApiError::from(e)
            };
            let _ = write_error(&mut socket, &error, &cors).await;
        }
    }
    let _ = socket.shutdown().await;
}

/// Writes chunks until the stream ends, the client goes away, a write takes
/// too long, or the server shuts down.
async fn pump(socket: &mut TcpStream, mut stream: EventStream, edge: &Edge) -> io::Result<()> {
    let (mut reader, mut writer) = socket.split();
    let mut probe = [0u8; 16];
    loop {
        tokio::select! {
            chunk = stream.next_chunk() => {
                let Some(chunk) = chunk else { return Ok(()) };
                tokio::time::timeout(edge.write_timeout, writer.write_all(&chunk))
                    .await
                    .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "stream write stuck"))??;
            }
            // A client sends nothing after its request; a read that returns
            // means it closed (0) or misbehaves: either way, stop.
            _ = tokio::io::AsyncReadExt::read(&mut reader, &mut probe) => return Ok(()),
            () = edge.shutdown.cancelled() => return Ok(()),
        }
    }
}

/// Answers an error with a complete HTTP response.
async fn write_error(socket: &mut TcpStream, error: &ApiError, cors: &str) -> io::Result<()> {
    let body = error.body();
    let reason = error.status.canonical_reason().unwrap_or("Error");
    let retry = error
        .retry_after()
        .map(|secs| format!("retry-after: {secs}\r\n"))
        .unwrap_or_default();
    let response = format!(
        "HTTP/1.1 {} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{retry}{cors}connection: close\r\n\r\n{body}",
        error.status.as_u16(),
        body.len(),
    );
    socket.write_all(response.as_bytes()).await
}
