//! Shop credentials: types that cannot leak the API key.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

use crate::error::{KashError, Result};

/// The shop identifier (`SHOPID` in the back office, under Setup > Webservices).
///
/// Not a secret, but only meaningful together with an [`ApiKey`].
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ShopId(String);

impl ShopId {
    /// Wraps a shop id, refusing an empty one or one with spaces or control characters.
    ///
    /// # Errors
    /// [`KashError::Config`] when the value cannot be a shop id.
    pub fn new(value: impl Into<String>) -> Result<Self> {
        let value = value.into();
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(KashError::config(
                "the shop id is empty: find SHOPID in the POS back office under Setup > Webservices",
            ));
        }
        if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(KashError::config(
                "the shop id contains spaces or control characters",
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// No shop: the client of a login, whose call names none.
    pub(crate) fn anonymous() -> Self {
        Self(String::new())
    }

    /// The id as sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ShopId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ShopId").field(&self.0).finish()
    }
}

impl fmt::Display for ShopId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The webservice API key (`APIKEY`). A secret: `Debug` prints `[REDACTED]`, there is no
/// `Display`, and the SDK reads the value in exactly one place, where it is added to a request.
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Wraps an API key, refusing an empty one.
    ///
    /// # Errors
    /// [`KashError::Config`] when the key is empty or only spaces.
    pub fn new(value: impl Into<String>) -> Result<Self> {
        let value: String = value.into();
        if value.trim().is_empty() {
            return Err(KashError::config(
                "the API key is empty: find APIKEY in the POS back office under Setup > Webservices",
            ));
        }
        Ok(Self(SecretString::from(value.trim().to_owned())))
    }

    /// The key's text, for the two places that must see it: the request encoder and the
    /// scrubber that removes it from upstream text.
    pub(crate) fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// The key's text, for a server that must keep it (sealed: an OAuth grant). Never log
    /// or show it.
    pub fn expose_secret(&self) -> &str {
        self.expose()
    }

    /// HMAC-SHA256 of the key under `salt`, as 32 hex digits: tells keys apart without
    /// revealing them.
    pub(crate) fn fingerprint(&self, salt: &[u8]) -> String {
        use hmac::{Hmac, Mac};
        let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(salt) else {
            return String::new();
        };
        mac.update(self.expose().as_bytes());
        hex::encode(mac.finalize().into_bytes().get(..16).unwrap_or_default())
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([REDACTED])")
    }
}

impl PartialEq for ApiKey {
    /// Compares in constant time with respect to the content (length still leaks).
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.expose().as_bytes(), other.expose().as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl Eq for ApiKey {}

/// A shop id and its API key, as returned by [`crate::KashClient::login`].
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The shop.
    pub shop_id: ShopId,
    /// Its webservice key.
    pub api_key: ApiKey,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("shop_id", &self.shop_id)
            .field("api_key", &"[REDACTED]")
            .finish()
    }
}

/// How a script expects the shop id to be named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ShopIdName {
    /// `idboutique`: lists, orders, sales, reports.
    IdBoutique,
    /// `shopID`: the catalogue, customer, VAT and payment-mode writes.
    ShopId,
}

impl Credentials {
    /// The only place the API key leaves its wrapper: the two pairs appended to a request.
    pub(crate) fn auth_pairs(&self, name: ShopIdName) -> [(&'static str, String); 2] {
        let shop_key = match name {
            ShopIdName::IdBoutique => "idboutique",
            ShopIdName::ShopId => "shopID",
        };
        [
            (shop_key, self.shop_id.as_str().to_owned()),
            ("key", self.api_key.expose().to_owned()),
        ]
    }

    /// Removes every occurrence of the API key from `text`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        crate::decode::scrub_secret(text, self.api_key.expose())
    }
}
