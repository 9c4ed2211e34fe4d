//! The raw SSE client: one tokio task and one TCP socket per stream.
//!
//! A full HTTP client per stream would cost far more memory and CPU than the
//! servers under test; this one writes a fixed GET, parses the response head
//! with `httparse`, de-chunks and parses events in place, and records only
//! `(key, arrival time)` for events the scenario waits for.

use crate::chunked;
use crate::sse::{Event, Parser};
use crate::targets::{Kind, Seen};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::{Semaphore, watch};

/// How long one TCP connect may take before the stream counts as failed.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Per-stream read buffer; events larger than this just take several reads.
const READ_BUF: usize = 4096;

/// State shared by all stream tasks of a run, read by the orchestrator.
pub struct Shared {
    /// Time origin of every recorded instant (microseconds since `t0`).
    pub t0: Instant,
    /// Which server dialect the events come from.
    pub kind: Kind,
    /// Streams that became ready (pub/sub: 200 headers; pairroom: first event).
    pub ready: AtomicUsize,
    /// Streams that failed before becoming ready.
    pub failed: AtomicUsize,
    /// Matching events seen so far by all streams (for early completion).
    pub matched: AtomicU64,
    /// `tick` events seen so far by all streams.
    pub ticks: AtomicU64,
    /// Limits connects in flight so the server's accept backlog does not overflow.
    pub connect_permits: Semaphore,
}

impl Shared {
    /// Microseconds elapsed since the run's time origin.
    pub fn now_us(&self) -> u64 {
        self.t0.elapsed().as_micros() as u64
    }
}

/// Where and how one stream connects.
pub struct StreamSpec {
    /// Index of the room or channel the stream listens to.
    pub room: u32,
    /// Server socket address.
    pub server: SocketAddr,
    /// Local address to bind before connecting (spreads ephemeral ports).
    pub source: Option<IpAddr>,
    /// `Host` header value.
    pub host: Arc<str>,
    /// Request target (path and query).
    pub path: String,
}

/// Why a stream failed or ended early.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailKind {
    /// TCP connect or bind failed or timed out.
    Connect,
    /// The response status was not 200.
    Status,
    /// The response was not a parseable event stream.
    Protocol,
    /// The server closed the stream before the run stopped it.
    Closed,
    /// A read or write failed after connecting.
    Io,
    /// Still waiting for the response or first event when the run stopped.
    NotReady,
}

/// What one stream task hands back when it ends.
pub struct Outcome {
    /// Room or channel index of the stream.
    pub room: u32,
    /// `(key, arrival µs)` of every matching event, in arrival order.
    pub records: Vec<(u64, u64)>,
    /// Whether the stream became ready.
    pub ready: bool,
    /// Numeric id of the first event (pairroom: the snapshot's room version),
    /// where a soak starts checking the stream's versions for gaps.
    pub first_id: Option<u64>,
    /// The failure, if the stream did not last until the run stopped it.
    pub error: Option<(FailKind, String)>,
}

/// Runs one stream until `stop` fires or the stream fails.
pub async fn run_stream(
    spec: StreamSpec,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) -> Outcome {
    let mut out = Outcome {
        room: spec.room,
        records: Vec::new(),
        ready: false,
        first_id: None,
        error: None,
    };
    let permit = tokio::select! {
        p = shared.connect_permits.acquire() => p.ok(),
        _ = stop.changed() => None,
    };
    if permit.is_none() {
        out.error = Some((FailKind::Connect, "run stopped before connecting".into()));
    } else if let Err(e) = session(&spec, &shared, &mut stop, &mut out, permit).await {
        out.error = Some(e);
    }
    if !out.ready {
        out.error
            .get_or_insert((FailKind::NotReady, "not ready when the run stopped".into()));
        shared.failed.fetch_add(1, Ordering::Relaxed);
    }
    out
}

/// Binds, connects and sends the request, bounded by `CONNECT_TIMEOUT`.
async fn connect(spec: &StreamSpec) -> Result<TcpStream, (FailKind, String)> {
    let err = |what: &str, e: std::io::Error| (FailKind::Connect, format!("{what}: {e}"));
    let socket = if spec.server.is_ipv4() {
        TcpSocket::new_v4()
    } else {
        TcpSocket::new_v6()
    }
    .map_err(|e| err("socket", e))?;
    if let Some(src) = spec.source {
        socket
            .bind(SocketAddr::new(src, 0))
            .map_err(|e| err(&format!("bind {src}"), e))?;
    }
    let mut stream = tokio::time::timeout(CONNECT_TIMEOUT, socket.connect(spec.server))
        .await
        .map_err(|_| (FailKind::Connect, "connect timed out".to_string()))?
        .map_err(|e| err(&format!("connect {}", spec.server), e))?;
    let request = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\nUser-Agent: pairroom-bench\r\n\r\n",
        spec.path, spec.host
    );
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| (FailKind::Io, format!("write request: {e}")))?;
    Ok(stream)
}

/// Reads until the response head is complete; returns (chunked?, head length).
async fn read_head(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    stop: &mut watch::Receiver<bool>,
) -> Result<Option<(bool, usize)>, (FailKind, String)> {
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut resp = httparse::Response::new(&mut headers);
        match resp.parse(buf) {
            Ok(httparse::Status::Complete(len)) => {
                let code = resp.code.unwrap_or(0);
                let header = |name: &str| {
                    resp.headers
                        .iter()
                        .find(|h| h.name.eq_ignore_ascii_case(name))
                        .map(|h| String::from_utf8_lossy(h.value).to_ascii_lowercase())
                        .unwrap_or_default()
                };
                if code != 200 {
                    let body = String::from_utf8_lossy(&buf[len..]);
                    return Err((FailKind::Status, format!("status {code}: {body:.200}")));
                }
                if !header("content-type").contains("text/event-stream") {
                    let ct = header("content-type");
                    return Err((FailKind::Protocol, format!("content-type {ct:?}")));
                }
                return Ok(Some((header("transfer-encoding").contains("chunked"), len)));
            }
            Ok(httparse::Status::Partial) if buf.len() < READ_BUF => {}
            Ok(httparse::Status::Partial) => {
                return Err((FailKind::Protocol, "response head too large".into()));
            }
            Err(e) => return Err((FailKind::Protocol, format!("bad response head: {e}"))),
        }
        let start = buf.len();
        buf.resize(READ_BUF, 0);
        let n = tokio::select! {
            r = stream.read(&mut buf[start..]) => r,
            _ = stop.changed() => return Ok(None),
        };
        let n = n.map_err(|e| (FailKind::Io, format!("read head: {e}")))?;
        buf.truncate(start + n);
        if n == 0 {
            return Err((FailKind::Closed, "closed before response head".into()));
        }
    }
}

/// The whole life of one connected stream.
async fn session(
    spec: &StreamSpec,
    shared: &Shared,
    stop: &mut watch::Receiver<bool>,
    out: &mut Outcome,
    mut permit: Option<tokio::sync::SemaphorePermit<'_>>,
) -> Result<(), (FailKind, String)> {
    let mut stream = connect(spec).await?;
    let mut buf = Vec::with_capacity(READ_BUF);
    let Some((chunked, head_len)) = read_head(&mut stream, &mut buf, stop).await? else {
        return Ok(());
    };
    let kind = shared.kind;
    let mark_ready = |out: &mut Outcome, permit: &mut Option<_>| {
        if !out.ready {
            out.ready = true;
            *permit = None;
            shared.ready.fetch_add(1, Ordering::Relaxed);
        }
    };
    if kind.ready_on_headers() {
        mark_ready(out, &mut permit);
    }
    let mut decoder = chunked.then(chunked::Decoder::default);
    let mut parser = Parser::default();
    // Body bytes that arrived with the head sit in `buf[start..filled]`.
    let (mut start, mut filled) = (head_len, buf.len());
    buf.resize(READ_BUF, 0);
    let mut now = shared.now_us();
    loop {
        let mut on_event = |e: Event<'_>| {
            if !out.ready {
                out.first_id = std::str::from_utf8(e.id).ok().and_then(|s| s.parse().ok());
            }
            mark_ready(out, &mut permit);
            match kind.classify(&e) {
                Seen::Match(key) => {
                    out.records.push((key, now));
                    shared.matched.fetch_add(1, Ordering::Relaxed);
                }
                Seen::Tick => {
                    shared.ticks.fetch_add(1, Ordering::Relaxed);
                }
                Seen::Other => {}
            }
        };
        let body = &buf[start..filled];
        match decoder.as_mut() {
            Some(d) => {
                d.feed(body, &mut |s| parser.feed(s, &mut on_event))
                    .map_err(|e| (FailKind::Protocol, e.0.to_string()))?;
                if d.is_done() {
                    return Err((FailKind::Closed, "server ended the stream".into()));
                }
            }
            None => parser.feed(body, &mut on_event),
        }
        let n = tokio::select! {
            r = stream.read(&mut buf) => r.map_err(|e| (FailKind::Io, format!("read: {e}")))?,
            _ = stop.changed() => return Ok(()),
        };
        if n == 0 {
            return Err((FailKind::Closed, "server closed the connection".into()));
        }
        now = shared.now_us();
        (start, filled) = (0, n);
    }
}
