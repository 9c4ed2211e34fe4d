//! Reading and classifying a connection's first request head.

use bytes::BytesMut;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

use crate::streams::Dialect;

/// Largest first head the lean path reads; larger ones go to hyper, which
/// answers them properly (431).
const MAX_HEAD: usize = 16 * 1024;

/// Headers parsed in the first head; more go to hyper (which allows 100).
const MAX_HEADERS: usize = 48;

/// What the first request on a connection is.
pub(super) enum First {
    /// A fresh event-stream request.
    Stream {
        /// The room code as it appears in the path.
        code: String,
        /// Which API it came through.
        dialect: Dialect,
        /// The raw query string.
        query: Option<String>,
        /// The `Last-Event-ID` header.
        last_event_id: Option<String>,
        /// The `Origin` header, for CORS.
        origin: Option<String>,
        /// The `X-Forwarded-For` header, for the client's address.
        forwarded_for: Option<String>,
    },
    /// Anything else: hand these bytes and the socket to hyper.
    Other(BytesMut),
    /// The client closed or said nothing in time.
    Gone,
}

/// Reads until a whole head is in, then classifies it.
pub(super) async fn read(socket: &mut TcpStream) -> First {
    let mut buf = BytesMut::with_capacity(1024);
    loop {
        match tokio::time::timeout(super::HEAD_TIMEOUT, socket.read_buf(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => return First::Gone,
            Ok(Ok(_)) => {}
        }
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(&buf) {
            Ok(httparse::Status::Complete(_)) => {
                return classify(&request).unwrap_or(First::Other(buf));
            }
            Ok(httparse::Status::Partial) if buf.len() < MAX_HEAD => continue,
            _ => return First::Other(buf),
        }
    }
}

/// A stream request if the head is a `GET` on a stream path.
fn classify(request: &httparse::Request<'_, '_>) -> Option<First> {
    if request.method != Some("GET") {
        return None;
    }
    let target = request.path?;
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query.to_owned())),
        None => (target, None),
    };
    let (code, dialect) = stream_path(path)?;
    // Decoded as the router decodes path parameters (`%2D` is `-`).
    let code = percent_encoding::percent_decode_str(code)
        .decode_utf8()
        .ok()?;
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .and_then(|h| std::str::from_utf8(h.value).ok())
            .map(str::to_owned)
    };
    let last_event_id = header("last-event-id");
    let origin = header("origin");
    let forwarded_for = header("x-forwarded-for");
    Some(First::Stream {
        code: code.into_owned(),
        dialect,
        query,
        last_event_id,
        origin,
        forwarded_for,
    })
}

/// The room code and dialect of a stream path, matching the router's
/// `/api/v1/rooms/{code}/events` and `/api/{code}/connect`.
fn stream_path(path: &str) -> Option<(&str, Dialect)> {
    if let Some(rest) = path.strip_prefix("/api/v1/rooms/") {
        let code = rest.strip_suffix("/events")?;
        return (!code.is_empty() && !code.contains('/')).then_some((code, Dialect::Native));
    }
    let rest = path.strip_prefix("/api/")?;
    let code = rest.strip_suffix("/connect")?;
    (!code.is_empty() && !code.contains('/') && code != "v1").then_some((code, Dialect::Coduo))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_stream_paths_are_streams() {
        assert!(matches!(
            stream_path("/api/v1/rooms/abcd/events"),
            Some(("abcd", Dialect::Native))
        ));
        assert!(matches!(
            stream_path("/api/abcd/connect"),
            Some(("abcd", Dialect::Coduo))
        ));
        assert!(stream_path("/api/v1/rooms/abcd").is_none());
        assert!(stream_path("/api/v1/rooms//events").is_none());
        assert!(stream_path("/api/a/b/connect").is_none());
        assert!(stream_path("/api/pair-room/abcd").is_none());
    }
}
