//! One preview fetch: validate the URL, follow redirects by hand, check the
//! response, read a bounded body and parse it.
//!
//! Redirects are followed here rather than by the HTTP client so that every
//! target is validated (scheme and IP literal) before any connection to it.

use std::error::Error as StdError;
use std::net::IpAddr;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, LOCATION};
use reqwest::{Client, Response, StatusCode};
use url::{Host, Url};

use super::address::is_permitted;
use super::resolver::Refused;
use super::{PreviewConfig, PreviewError, parse};
use crate::domain::workspace::Preview;

/// What the fetcher asks for: HTML, as that is all it can preview.
const ACCEPT_HTML: &str = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1";

/// Fetches `raw` with `client` and extracts its preview, without a time
/// limit (the caller wraps this in one).
pub(super) async fn run(
    client: &Client,
    config: &PreviewConfig,
    raw: &str,
) -> Result<Preview, PreviewError> {
    let mut url = Url::parse(raw).map_err(|_| PreviewError::BadUrl)?;
    check_target(&mut url, config)?;
    let mut followed = 0;
    loop {
        let response = client
            .get(url.clone())
            .header(ACCEPT, ACCEPT_HTML)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        if let Some(location) = redirect_location(&response) {
            if followed >= config.max_redirects {
                return Err(PreviewError::TooManyRedirects);
            }
            let mut next = url.join(&location).map_err(|_| PreviewError::BadUrl)?;
            check_target(&mut next, config)?;
            followed += 1;
            url = next;
            continue;
        }
        if !status.is_success() {
            return Err(PreviewError::Http(status));
        }
        if !is_html(response.headers()) {
            return Err(PreviewError::NotHtml);
        }
        let body = read_capped(response, config.max_bytes).await?;
        return Ok(parse::extract(&String::from_utf8_lossy(&body), &url));
    }
}

/// Accepts only http(s) URLs with a host, and refuses a forbidden IP
/// literal before connecting, because the client does not consult the
/// resolver (where host names are checked) for literals. Drops the
/// fragment, which is never sent anyway.
fn check_target(url: &mut Url, config: &PreviewConfig) -> Result<(), PreviewError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(PreviewError::BadUrl);
    }
    let literal = match url.host() {
        None => return Err(PreviewError::BadUrl),
        Some(Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
        Some(Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
        // Belt and braces: a name that still parses as an address.
        Some(Host::Domain(name)) => name.parse::<IpAddr>().ok(),
    };
    if let Some(ip) = literal.filter(|ip| !is_permitted(*ip, &config.allow)) {
        return Err(PreviewError::Forbidden(ip));
    }
    url.set_fragment(None);
    Ok(())
}

/// The target of a redirect response, if it is one the fetcher follows.
/// The header is read lossily because some servers send raw UTF-8, which
/// `Url::join` then percent-encodes.
fn redirect_location(response: &Response) -> Option<String> {
    let followed = [
        StatusCode::MOVED_PERMANENTLY,
        StatusCode::FOUND,
        StatusCode::SEE_OTHER,
        StatusCode::TEMPORARY_REDIRECT,
        StatusCode::PERMANENT_REDIRECT,
    ];
    if !followed.contains(&response.status()) {
        return None;
    }
    let value = response.headers().get(LOCATION)?;
    Some(String::from_utf8_lossy(value.as_bytes()).into_owned())
}

/// Whether the response declares `text/html`, whatever its parameters and
/// letter case: anything else (images, JSON, downloads) is not parsed.
fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("text/html"))
}

/// Reads the body chunk by chunk and stops at `max_bytes`, so that a huge
/// or endless page costs at most that much memory; dropping the response
/// then closes the connection instead of draining it.
async fn read_capped(mut response: Response, max_bytes: usize) -> Result<Vec<u8>, PreviewError> {
    let mut body = Vec::new();
    while body.len() < max_bytes {
        let Some(chunk) = response.chunk().await.map_err(transport)? else {
            break;
        };
        let room = max_bytes - body.len();
        body.extend_from_slice(chunk.get(..room).unwrap_or(&chunk));
    }
    Ok(body)
}

/// Maps a client error to a [`PreviewError`]: a [`Refused`] from the
/// resolver anywhere in the chain becomes `Forbidden`, anything else `Io`
/// with the whole chain spelled out (reqwest's top message alone is vague).
fn transport(error: reqwest::Error) -> PreviewError {
    if error.is_timeout() {
        return PreviewError::Timeout;
    }
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        if let Some(Refused(ip)) = cause.downcast_ref::<Refused>() {
            return PreviewError::Forbidden(*ip);
        }
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    PreviewError::Io(message)
}
