//! A DNS resolver that only ever hands out permitted addresses.
//!
//! Checking a host name's addresses before the request and then letting the
//! HTTP client resolve it again would leave a gap: DNS could answer with a
//! public address the first time and a private one the second (DNS
//! rebinding). Filtering inside the resolver the client itself uses means
//! the address it connects to is the address that was checked.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use ipnet::IpNet;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::address::is_permitted;

/// The error the resolver returns when every address of a host is refused.
/// The fetcher finds it again in the client's error chain to report
/// [`super::PreviewError::Forbidden`] instead of a generic transport error.
#[derive(Debug, thiserror::Error)]
#[error("address {0} is not allowed")]
pub(super) struct Refused(pub(super) IpAddr);

/// Resolves with the system resolver, then drops every address that
/// [`is_permitted`] refuses.
#[derive(Debug)]
pub(super) struct GuardedResolver {
    /// The ranges the operator explicitly permits.
    allow: Arc<[IpNet]>,
}

impl GuardedResolver {
    /// A resolver permitting public addresses plus the `allow` ranges.
    pub(super) fn new(allow: &[IpNet]) -> Self {
        Self {
            allow: allow.into(),
        }
    }
}

impl Resolve for GuardedResolver {
    /// Keeps only permitted addresses, so that a host with both a public
    /// and a private address (like `localhost` on IPv4 and IPv6) can still
    /// be reached on the permitted one; fails with [`Refused`] when none is.
    fn resolve(&self, name: Name) -> Resolving {
        let allow = Arc::clone(&self.allow);
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let (permitted, refused): (Vec<SocketAddr>, Vec<SocketAddr>) = found
                .into_iter()
                .partition(|addr| is_permitted(addr.ip(), &allow));
            if permitted.is_empty() {
                return Err(match refused.first() {
                    Some(addr) => Box::new(Refused(addr.ip())) as _,
                    None => format!("{host} has no addresses").into(),
                });
            }
            Ok(Box::new(permitted.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Resolves `localhost` (from the hosts file, no network) with `allow`.
    async fn resolve_localhost(allow: &[IpNet]) -> Result<Vec<SocketAddr>, String> {
        let name: Name = "localhost".parse().map_err(|_| "bad name".to_owned())?;
        let resolving = GuardedResolver::new(allow).resolve(name);
        match resolving.await {
            Ok(addrs) => Ok(addrs.collect()),
            Err(error) => Err(match error.downcast_ref::<Refused>() {
                Some(Refused(ip)) => format!("refused {ip}"),
                None => error.to_string(),
            }),
        }
    }

    /// With 127.0.0.0/8 allowed, `localhost` yields only its IPv4 loopback.
    #[tokio::test]
    async fn hands_out_only_permitted_addresses() {
        let allow: Vec<IpNet> = vec!["127.0.0.0/8".parse().expect("net")];
        let addrs = resolve_localhost(&allow).await.expect("localhost");
        assert!(!addrs.is_empty());
        assert!(
            addrs
                .iter()
                .all(|addr| addr.ip().is_loopback() && addr.is_ipv4())
        );
    }

    /// Without an allow list, `localhost` is refused with [`Refused`].
    #[tokio::test]
    async fn refuses_a_name_with_only_forbidden_addresses() {
        let refused = resolve_localhost(&[]).await.expect_err("must refuse");
        assert!(refused.starts_with("refused "), "{refused}");
    }
}
