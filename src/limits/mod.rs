//! Abuse limits per client address: token buckets on room creation, on
//! stream opens, and on code lookups that miss (so codes cannot be
//! enumerated: once a client's misses empty its bucket, every lookup is
//! refused until it refills, hits included, so a refusal reveals nothing).
//!
//! The client address is the connection's peer, or, when the peer is a
//! configured trusted proxy, the right-most `X-Forwarded-For` address that
//! is not itself a trusted proxy. Exempt ranges (loopback by default, for
//! local tools and tests) are never limited.

mod bucket;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use ipnet::IpNet;

use crate::metrics::Metrics;
use bucket::Buckets;

/// The address at the other end of a connection, put on each request.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub SocketAddr);

/// The limits as configured; 0 turns a limit off.
#[derive(Debug, Clone)]
pub struct LimitConfig {
    /// Rooms one client may create per minute.
    pub creates_per_min: u32,
    /// Code lookups that find nothing (404) per minute.
    pub misses_per_min: u32,
    /// Streams one client may open per minute.
    pub streams_per_min: u32,
    /// Ranges never limited.
    pub exempt: Vec<IpNet>,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpNet>,
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limited {
    /// The bucket that is empty.
    pub bucket: &'static str,
    /// When to try again (whole seconds, at least 1).
    pub retry_after_secs: u64,
}

impl Limited {
    /// The message for the client.
    pub fn message(&self) -> String {
        let what = match self.bucket {
            "create" => "rooms created",
            "stream" => "streams opened",
            _ => "unknown room codes looked up",
        };
        format!(
            "too many {what} from this address; try again in {} s",
            self.retry_after_secs
        )
    }
}

/// What a request is, for the limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Creates a room.
    Create,
    /// Opens a stream of a room (also a lookup of its code).
    Stream,
    /// Anything else that names a room or item.
    Lookup,
    /// Pages, assets, health: not limited.
    Free,
}

impl Kind {
    /// Classifies a request by method and path.
    pub fn of(method: &str, path: &str) -> Self {
        if !path.starts_with("/api/") {
            return Kind::Free;
        }
        if method == "POST" && (path == "/api/v1/rooms" || path == "/api/pair-room") {
            return Kind::Create;
        }
        if method == "GET" && (path.ends_with("/events") || path.ends_with("/connect")) {
            return Kind::Stream;
        }
        Kind::Lookup
    }
}

/// The buckets of one server.
pub struct Limits {
    create: Option<Buckets>,
    miss: Option<Buckets>,
    stream: Option<Buckets>,
    exempt: Vec<IpNet>,
    trusted: Vec<IpNet>,
    metrics: Arc<Metrics>,
}

impl Limits {
    /// Empty buckets for `config`.
    pub fn new(config: &LimitConfig, metrics: Arc<Metrics>) -> Self {
        let buckets = |per_min: u32| (per_min > 0).then(|| Buckets::per_minute(per_min));
        Self {
            create: buckets(config.creates_per_min),
            miss: buckets(config.misses_per_min),
            stream: buckets(config.streams_per_min),
            exempt: config.exempt.clone(),
            trusted: config.trusted_proxies.clone(),
            metrics,
        }
    }

    /// The client's address: the peer, or what a trusted proxy says.
    pub fn client(&self, peer: SocketAddr, forwarded_for: Option<&str>) -> IpAddr {
        let mut client = peer.ip().to_canonical();
        if !self.trusts(client) {
            return client;
        }
        let Some(forwarded) = forwarded_for else {
            return client;
        };
        for hop in forwarded.rsplit(',') {
            let Ok(address) = hop.trim().parse::<IpAddr>() else {
                break;
            };
            client = address.to_canonical();
            if !self.trusts(client) {
                break;
            }
        }
        client
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.trusted.iter().any(|net| net.contains(&address))
    }

    /// Admits a request of `kind` from `client`, or says why not. A stream
    /// open takes a token; a lookup only needs misses left.
    pub fn admit(&self, client: IpAddr, kind: Kind) -> Result<(), Limited> {
        if self.exempt.iter().any(|net| net.contains(&client)) {
            return Ok(());
        }
        let now = Instant::now();
        let (bucket, name, take) = match kind {
            Kind::Free => return Ok(()),
            Kind::Create => (&self.create, "create", true),
            Kind::Stream => {
                self.admit(client, Kind::Lookup)?;
                (&self.stream, "stream", true)
            }
            Kind::Lookup => (&self.miss, "miss", false),
        };
        let Some(bucket) = bucket else { return Ok(()) };
        let decided = match take {
            true => bucket.take(client, now),
            false => bucket.check(client, now),
        };
        decided.map_err(|wait| {
            self.metrics.limited(name);
            Limited {
                bucket: name,
                retry_after_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
            }
        })
    }

    /// Counts a lookup by `client` that found nothing.
    pub fn missed(&self, client: IpAddr) {
        if self.exempt.iter().any(|net| net.contains(&client)) {
            return;
        }
        if let Some(miss) = &self.miss {
            let _ = miss.take(client, Instant::now());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(trusted: &[&str]) -> Limits {
        let config = LimitConfig {
            creates_per_min: 2,
            misses_per_min: 2,
            streams_per_min: 2,
            exempt: vec!["127.0.0.0/8".parse().unwrap()],
            trusted_proxies: trusted.iter().map(|n| n.parse().unwrap()).collect(),
        };
        Limits::new(&config, Metrics::new())
    }

    fn peer(ip: &str) -> SocketAddr {
        SocketAddr::new(ip.parse().unwrap(), 4000)
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        let open = limits(&[]);
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(
            open.client(peer("10.0.0.1"), Some("203.0.113.9")),
            ip("10.0.0.1")
        );
        let behind = limits(&["10.0.0.0/8"]);
        assert_eq!(
            behind.client(
                peer("10.0.0.1"),
                Some("198.51.100.7, 203.0.113.9, 10.0.0.2")
            ),
            ip("203.0.113.9"),
            "the right-most address not a trusted proxy"
        );
        assert_eq!(behind.client(peer("10.0.0.1"), None), ip("10.0.0.1"));
        assert_eq!(
            behind.client(peer("10.0.0.1"), Some("junk")),
            ip("10.0.0.1")
        );
        assert_eq!(
            behind.client(peer("192.0.2.1"), Some("203.0.113.9")),
            ip("192.0.2.1")
        );
    }

    #[test]
    fn misses_close_every_lookup_and_exempt_clients_are_never_held() {
        let limits = limits(&[]);
        let client: IpAddr = "192.0.2.5".parse().unwrap();
        assert!(limits.admit(client, Kind::Lookup).is_ok());
        limits.missed(client);
        limits.missed(client);
        let refused = limits.admit(client, Kind::Lookup).unwrap_err();
        assert_eq!(refused.bucket, "miss");
        assert_eq!(refused.retry_after_secs, 30);
        assert!(
            limits.admit(client, Kind::Stream).is_err(),
            "streams look up too"
        );
        assert!(limits.admit(client, Kind::Create).is_ok());
        assert!(limits.admit(client, Kind::Free).is_ok());
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        for _ in 0..10 {
            limits.missed(local);
            assert!(limits.admit(local, Kind::Create).is_ok());
        }
    }

    #[test]
    fn requests_are_classified_by_path() {
        assert_eq!(Kind::of("POST", "/api/v1/rooms"), Kind::Create);
        assert_eq!(Kind::of("POST", "/api/pair-room"), Kind::Create);
        assert_eq!(Kind::of("GET", "/api/v1/rooms/x/events"), Kind::Stream);
        assert_eq!(Kind::of("GET", "/api/x/connect"), Kind::Stream);
        assert_eq!(Kind::of("GET", "/api/v1/rooms/x"), Kind::Lookup);
        assert_eq!(Kind::of("GET", "/api/pair-room/exists"), Kind::Lookup);
        assert_eq!(Kind::of("GET", "/r/x"), Kind::Free);
        assert_eq!(Kind::of("GET", "/metrics"), Kind::Free);
    }
}
