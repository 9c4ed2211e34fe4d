//! The two kinds of server under test and everything that differs between them:
//! how rooms or channels come to exist, where a stream connects, how a command
//! (timer start/pause, or a publish) is sent, and which events it produces.

use crate::sse::Event;
use futures_util::StreamExt;
use reqwest::{Client, Url};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// Server dialect, copied into every stream task to classify events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// pairroom's native API: `change` events whose id is the room version.
    Pairroom,
    /// A pub/sub hub (Nchan): messages whose data starts with a sequence number.
    PubSub,
}

/// What one event means to the scenario.
pub enum Seen {
    /// An event the scenario waits for, with its matching key.
    Match(u64),
    /// A pairroom `tick`.
    Tick,
    /// Anything else (snapshot, presence, ...).
    Other,
}

/// Parses the leading ASCII digits of `b` as a number.
fn leading_u64(b: &[u8]) -> Option<u64> {
    let end = b
        .iter()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(b.len());
    std::str::from_utf8(&b[..end]).ok()?.parse().ok()
}

impl Kind {
    /// Pub/sub streams send nothing until a message, so the 200 head marks them
    /// ready; pairroom streams are ready at their first event (the snapshot).
    pub fn ready_on_headers(self) -> bool {
        self == Kind::PubSub
    }

    /// Classifies one dispatched event.
    pub fn classify(self, e: &Event<'_>) -> Seen {
        match self {
            Kind::Pairroom => match e.event {
                b"change" => leading_u64(e.id).map_or(Seen::Other, Seen::Match),
                b"tick" => Seen::Tick,
                _ => Seen::Other,
            },
            Kind::PubSub => leading_u64(e.data).map_or(Seen::Other, Seen::Match),
        }
    }
}

/// Checks that `url` points at this machine and returns its socket address;
/// the tool refuses other hosts so it cannot be aimed at someone's server.
pub fn loopback_addr(url: &Url) -> Result<SocketAddr, String> {
    let port = url
        .port_or_known_default()
        .ok_or_else(|| format!("{url}: no port"))?;
    let host = url.host_str().unwrap_or("");
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let ip: IpAddr = match host.parse::<IpAddr>() {
        _ if host == "localhost" => Ipv4Addr::LOCALHOST.into(),
        Ok(ip) if ip.is_loopback() => ip,
        _ => {
            return Err(format!(
                "{url}: only loopback targets (127.x, localhost, ::1) are allowed"
            ));
        }
    };
    if url.scheme() != "http" {
        return Err(format!("{url}: only http:// is supported"));
    }
    Ok(SocketAddr::new(ip, port))
}

/// A server under test.
pub enum Target {
    /// pairroom at `base` (e.g. `http://127.0.0.1:8080`).
    Pairroom {
        /// Origin streams connect to, without a trailing slash.
        base: String,
        /// Origin rooms are created and commands sent to (another instance
        /// of the same deployment, or `base`).
        command_base: String,
        /// Whether streams ask for `?ticks=1`.
        ticks: bool,
    },
    /// A pub/sub hub such as Nchan.
    PubSub {
        /// Publish endpoint; the channel goes in `?id=`.
        pub_url: Url,
        /// Subscribe prefix; the channel id is appended as a path segment.
        sub_url: String,
        /// Filler bytes after the sequence number in each message.
        payload_bytes: usize,
    },
}

impl Target {
    /// The event dialect of this target.
    pub fn kind(&self) -> Kind {
        match self {
            Target::Pairroom { .. } => Kind::Pairroom,
            Target::PubSub { .. } => Kind::PubSub,
        }
    }

    /// The URL streams connect to for room/channel `key`.
    pub fn stream_url(&self, key: &str) -> String {
        match self {
            Target::Pairroom { base, ticks, .. } => {
                let q = if *ticks { "?ticks=1" } else { "" };
                format!("{base}/api/v1/rooms/{key}/events{q}")
            }
            Target::PubSub { sub_url, .. } => format!("{sub_url}/{key}"),
        }
    }

    /// Creates `count` rooms (pairroom) or names `count` fresh channels (pub/sub).
    pub async fn prepare(
        &self,
        http: &Client,
        count: usize,
        concurrency: usize,
    ) -> Result<Vec<String>, String> {
        match self {
            Target::PubSub { .. } => {
                // Unique per run, so no message of an earlier run can be replayed.
                let nonce = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_micros());
                Ok((0..count)
                    .map(|i| format!("b{}x{nonce}c{i}", std::process::id()))
                    .collect())
            }
            Target::Pairroom { command_base, .. } => {
                let url = format!("{command_base}/api/v1/rooms");
                // The longest phase (24 h), so that no run, however long,
                // sees a timer run out between its start and pause commands.
                let body = serde_json::json!({
                    "participants": ["Ann", "Bob"],
                    "plan": {"phases": [{"label": "Round", "duration_ms": 86_400_000}]}
                });
                let create = |_| {
                    let req = http.post(&url).json(&body);
                    async move {
                        let v = json_ok(req.send().await).await?;
                        v["room"]["code"]
                            .as_str()
                            .map(str::to_owned)
                            .ok_or_else(|| format!("create room: no room.code in {v}"))
                    }
                };
                futures_util::stream::iter(0..count)
                    .map(create)
                    .buffer_unordered(concurrency.max(1))
                    .collect::<Vec<_>>()
                    .await
                    .into_iter()
                    .collect()
            }
        }
    }

    /// Sends command `round` to room/channel `key`; returns the key the
    /// resulting events carry (room version, or the published sequence number).
    pub async fn command(
        &self,
        http: &Client,
        key: &str,
        round: usize,
        seq: u64,
    ) -> Result<u64, String> {
        match self {
            Target::Pairroom { command_base, .. } => {
                let action = if round.is_multiple_of(2) {
                    "start"
                } else {
                    "pause"
                };
                let url = format!("{command_base}/api/v1/rooms/{key}/timer/{action}");
                // Only the version is read: the tool shares the machine with
                // the server, so it does no more work per answer than needed.
                #[derive(serde::Deserialize)]
                struct Changed {
                    version: u64,
                }
                let text = text_ok(http.post(url).send().await).await?;
                serde_json::from_str::<Changed>(&text)
                    .map(|changed| changed.version)
                    .map_err(|e| format!("{action}: no version ({e}) in {text:.200}"))
            }
            Target::PubSub {
                pub_url,
                payload_bytes,
                ..
            } => {
                let mut url = pub_url.clone();
                url.query_pairs_mut().append_pair("id", key);
                let mut body = seq.to_string();
                if *payload_bytes > 0 {
                    body.push(' ');
                    body.extend(std::iter::repeat_n('x', *payload_bytes));
                }
                let resp = http
                    .post(url)
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| format!("publish: {e}"))?;
                let status = resp.status();
                if !status.is_success() {
                    let text = resp.text().await.unwrap_or_default();
                    return Err(format!("publish: {status}: {text:.200}"));
                }
                Ok(seq)
            }
        }
    }
}

/// Turns a successful response into its body, or an error naming status
/// and body.
async fn text_ok(resp: reqwest::Result<reqwest::Response>) -> Result<String, String> {
    let resp = resp.map_err(|e| format!("request failed: {e}"))?;
    let status = resp.status();
    let text = resp.text().await.map_err(|e| format!("read body: {e}"))?;
    if !status.is_success() {
        return Err(format!("{status}: {text:.200}"));
    }
    Ok(text)
}

/// Turns a response into its JSON body, or an error naming status and body.
async fn json_ok(resp: reqwest::Result<reqwest::Response>) -> Result<serde_json::Value, String> {
    let text = text_ok(resp).await?;
    serde_json::from_str(&text).map_err(|e| format!("bad JSON ({e}): {text:.200}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback() {
        let ok = |s: &str| loopback_addr(&Url::parse(s).unwrap());
        assert!(ok("http://127.0.0.1:8080").is_ok());
        assert!(ok("http://127.3.2.1:80/pub").is_ok());
        assert!(ok("http://localhost:9").is_ok());
        assert!(ok("http://[::1]:9").is_ok());
        assert!(ok("http://10.0.0.1:8080").is_err());
        assert!(ok("http://example.com:80").is_err());
        assert!(ok("https://127.0.0.1:443").is_err());
    }

    #[test]
    fn classifies_events() {
        let e = |event: &'static [u8], id: &'static [u8], data: &'static [u8]| Event {
            id,
            event,
            data,
        };
        assert!(matches!(
            Kind::Pairroom.classify(&e(b"change", b"7", b"{}")),
            Seen::Match(7)
        ));
        assert!(matches!(
            Kind::Pairroom.classify(&e(b"snapshot", b"7", b"{}")),
            Seen::Other
        ));
        assert!(matches!(
            Kind::Pairroom.classify(&e(b"tick", b"7", b"{}")),
            Seen::Tick
        ));
        assert!(matches!(
            Kind::PubSub.classify(&e(b"message", b"1:0", b"42 xx")),
            Seen::Match(42)
        ));
    }
}
