//! Safe link previews: when someone adds a reference link to a room, the
//! server fetches the page and keeps its title, Open Graph title,
//! description and image.
//!
//! Fetching a URL chosen by a user turns the server into a client on that
//! user's behalf, so the fetcher is built against server-side request
//! forgery (SSRF) and resource exhaustion:
//! - only `http`/`https`; every address it could connect to is checked
//!   against the `address` module's rules, IP literals before the request and host
//!   names inside the client's own resolver (no DNS-rebinding gap);
//! - redirects are followed by hand, at most [`PreviewConfig::max_redirects`],
//!   each target checked the same way;
//! - no environment proxy, no cookies, a clear user agent;
//! - one timeout bounds the whole fetch, and the body is capped;
//! - only `text/html` is parsed, with a real HTML5 parser.
//!
//! A preview is best-effort: [`PreviewFetcher::fetch`] never fails.

mod address;
mod error;
mod fetch;
mod parse;
mod resolver;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Duration;

use ipnet::IpNet;
use reqwest::Client;
use reqwest::redirect::Policy;

pub use error::PreviewError;

use crate::domain::workspace::Preview;

/// The user agent sent with every fetch, so that site operators can see
/// who is asking and why.
const USER_AGENT: &str = concat!("pairroom-preview/", env!("CARGO_PKG_VERSION"));

/// Limits of a [`PreviewFetcher`]. The defaults suit a public server; only
/// tests and intranet deployments should need `allow`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreviewConfig {
    /// Bound on the whole fetch, redirects and body included, so that a
    /// slow or stalling page cannot hold the request that added the link.
    pub timeout: Duration,
    /// Most body bytes read; the preview comes from this prefix, which is
    /// enough since the `<head>` comes first.
    pub max_bytes: usize,
    /// Most redirects followed, to cut off loops and long chains.
    pub max_redirects: usize,
    /// Ranges that are normally refused (loopback, private, ...) but that
    /// this deployment explicitly permits; tests allow `127.0.0.0/8`.
    pub allow: Vec<IpNet>,
}

impl Default for PreviewConfig {
    /// 3 s, 1 MiB, 3 redirects, nothing special allowed.
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(3),
            max_bytes: 1_048_576,
            max_redirects: 3,
            allow: Vec::new(),
        }
    }
}

/// Fetches link previews. Cheap to clone (one `Arc`) and shareable across
/// tasks, so the application can build one and hand it to every handler;
/// connections are pooled inside.
#[derive(Clone, Debug)]
pub struct PreviewFetcher {
    /// Shared state, so clones share the client and its pool.
    inner: Arc<Inner>,
}

/// What every clone of a [`PreviewFetcher`] shares.
#[derive(Debug)]
struct Inner {
    /// The configured client, or why it could not be built (reported by
    /// every fetch rather than panicking at startup over a preview).
    client: Result<Client, String>,
    /// The limits.
    config: PreviewConfig,
}

impl PreviewFetcher {
    /// A fetcher with the given limits.
    pub fn new(config: PreviewConfig) -> Self {
        let client = Client::builder()
            .no_proxy()
            .user_agent(USER_AGENT)
            .redirect(Policy::none())
            .dns_resolver(Arc::new(resolver::GuardedResolver::new(&config.allow)))
            .build()
            .map_err(|error| error.to_string());
        Self {
            inner: Arc::new(Inner { client, config }),
        }
    }

    /// The preview of the page at `url`. Never fails: any problem gives an
    /// empty [`Preview`] (and a `debug` log line saying why), because a
    /// missing preview must never stop a link from being added.
    pub async fn fetch(&self, url: &str) -> Preview {
        match self.try_fetch(url).await {
            Ok(preview) => preview,
            Err(error) => {
                tracing::debug!(url, %error, "no link preview");
                Preview::default()
            }
        }
    }

    /// Like [`Self::fetch`], but says why it failed, for tests and logs.
    pub async fn try_fetch(&self, url: &str) -> Result<Preview, PreviewError> {
        let client = self
            .inner
            .client
            .as_ref()
            .map_err(|e| PreviewError::Io(e.clone()))?;
        let config = &self.inner.config;
        tokio::time::timeout(config.timeout, fetch::run(client, config, url))
            .await
            .unwrap_or(Err(PreviewError::Timeout))
    }
}
