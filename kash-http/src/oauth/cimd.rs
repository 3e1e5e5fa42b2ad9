//! Client ID Metadata Documents: a client whose `client_id` is an https URL publishes its
//! registration there. The server fetches it with guards against server-side request forgery:
//! https only; every address the name resolves to must be public (no loopback, private,
//! link-local, cloud metadata, unique-local, shared or reserved address), and the connection
//! goes to the address checked (no second resolution); no redirect; 64 KiB and 5 s at most.
//! Documents are remembered for 10 minutes.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Deserialize;

/// Largest document read.
const MAX_BYTES: usize = 64 * 1024;
/// How long a document is remembered.
const REMEMBERED: Duration = Duration::from_secs(600);

/// A fetched document: the parts the server uses.
#[derive(Debug, Clone, Deserialize)]
pub struct Document {
    pub client_id: String,
    #[serde(default)]
    pub client_name: Option<String>,
    #[serde(default)]
    pub redirect_uris: Vec<String>,
}

/// Why a document cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CimdError {
    #[error("the client_id URL must be https")]
    NotHttps,
    #[error("the client_id URL's host is not a public address")]
    NotPublic,
    #[error("the client's metadata document could not be fetched")]
    Unreachable,
    #[error("the client's metadata document is not valid: {0}")]
    Invalid(&'static str),
}

/// Whether an address may be fetched: a public unicast address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..=127).contains(&o[1]))
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || (o[0] == 198 && (18..=19).contains(&o[1]))
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                || (s[0] == 0x64 && s[1] == 0xff9b))
        }
    }
}

/// The fetcher, with its memory of documents.
#[derive(Debug)]
pub struct Fetcher {
    /// Tests only: plain http to loopback allowed (a local fixture).
    allow_loopback: bool,
    remembered: Mutex<HashMap<String, (Document, Instant)>>,
}

impl Fetcher {
    /// A fetcher; `allow_loopback` is for tests.
    pub fn new(allow_loopback: bool) -> Self {
        Self {
            allow_loopback,
            remembered: Mutex::default(),
        }
    }

    /// Whether `client_id` names a metadata document (an URL).
    pub fn is_document(client_id: &str) -> bool {
        client_id.starts_with("https://") || client_id.starts_with("http://")
    }

    /// The address to connect to for `url`, checked.
    async fn checked_address(&self, url: &url::Url) -> Result<SocketAddr, CimdError> {
        let loopback_fixture = self.allow_loopback && url.scheme() == "http";
        if url.scheme() != "https" && !loopback_fixture {
            return Err(CimdError::NotHttps);
        }
        let host = url.host_str().ok_or(CimdError::NotPublic)?;
        let port = url.port_or_known_default().ok_or(CimdError::NotPublic)?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<SocketAddr> = tokio::time::timeout(
            Duration::from_secs(3),
            tokio::net::lookup_host((host, port)),
        )
        .await
        .map_err(|_| CimdError::Unreachable)?
        .map_err(|_| CimdError::Unreachable)?
        .collect();
        let first = *addrs.first().ok_or(CimdError::Unreachable)?;
        let allowed = |ip: IpAddr| is_public(ip) || (loopback_fixture && ip.is_loopback());
        if addrs.iter().all(|a| allowed(a.ip())) {
            Ok(first)
        } else {
            Err(CimdError::NotPublic)
        }
    }

    /// The document at `client_id`.
    ///
    /// # Errors
    /// [`CimdError`].
    pub async fn fetch(&self, client_id: &str) -> Result<Document, CimdError> {
        if let Ok(m) = self.remembered.lock()
            && let Some((d, at)) = m.get(client_id)
            && at.elapsed() < REMEMBERED
        {
            return Ok(d.clone());
        }
        let url = url::Url::parse(client_id).map_err(|_| CimdError::Invalid("not a URL"))?;
        if url.fragment().is_some() || !url.username().is_empty() || url.path() == "/" {
            return Err(CimdError::Invalid(
                "client_id must be a URL with a path, without a fragment or user",
            ));
        }
        let address = self.checked_address(&url).await?;
        let host = url.host_str().unwrap_or_default().to_owned();
        // Connect to the address checked, not to a second resolution of the name.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(5))
            .resolve(&host, address)
            .build()
            .map_err(|_| CimdError::Unreachable)?;
        let mut response = http
            .get(url.as_str())
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|_| CimdError::Unreachable)?;
        if !response.status().is_success() {
            return Err(CimdError::Unreachable);
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|_| CimdError::Unreachable)? {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_BYTES {
                return Err(CimdError::Invalid("larger than 64 KiB"));
            }
        }
        let document: Document = serde_json::from_slice(&body)
            .map_err(|_| CimdError::Invalid("not JSON client metadata"))?;
        if document.client_id != client_id {
            return Err(CimdError::Invalid("its client_id is not its URL"));
        }
        if document.redirect_uris.is_empty() {
            return Err(CimdError::Invalid("no redirect_uris"));
        }
        if let Ok(mut m) = self.remembered.lock() {
            if m.len() > 1000 {
                m.clear();
            }
            m.insert(client_id.to_owned(), (document.clone(), Instant::now()));
        }
        Ok(document)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_fetched() {
        for bad in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "224.0.0.1",
            "255.255.255.255",
        ] {
            assert!(!is_public(bad.parse().unwrap()), "{bad}");
        }
        for good in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"] {
            assert!(is_public(good.parse().unwrap()), "{good}");
        }
    }

    #[tokio::test]
    async fn loopback_private_and_metadata_urls_are_refused_before_any_fetch() {
        let f = Fetcher::new(false);
        for url in [
            "https://127.0.0.1/client.json",
            "https://[::1]/client.json",
            "https://10.0.0.5/client.json",
            "https://169.254.169.254/latest/meta-data",
            "https://localhost/client.json",
        ] {
            assert_eq!(
                f.fetch(url).await.unwrap_err(),
                CimdError::NotPublic,
                "{url}"
            );
        }
        assert_eq!(
            f.fetch("http://example.com/client.json").await.unwrap_err(),
            CimdError::NotHttps
        );
    }
}
