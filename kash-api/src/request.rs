//! The request abstraction: one type per endpoint that knows its script, method, parameters
//! and how to read the answer (async-stripe's `StripeRequest`, smithy's operation shapes).

use std::borrow::Cow;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::credentials::ShopIdName;
use crate::decode;
use crate::error::{KashError, Result};

/// HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Parameters in the query string; safe to retry.
    Get,
    /// Parameters in a form body; never retried.
    Post,
}

/// The static description of an endpoint.
#[derive(Debug, Clone, Copy)]
pub struct EndpointSpec {
    /// The PHP script under `/workers/`, e.g. `getPlus.php`.
    pub script: &'static str,
    /// GET (a read) or POST.
    pub method: Method,
    /// Whether a failed attempt may be repeated (reads only).
    pub retryable: bool,
    pub(crate) shop_id_name: ShopIdName,
    /// Sent without the shop's credentials (the login).
    pub(crate) anonymous: bool,
}

impl EndpointSpec {
    pub(crate) const fn read(script: &'static str) -> Self {
        Self {
            script,
            method: Method::Get,
            retryable: true,
            shop_id_name: ShopIdName::IdBoutique,
            anonymous: false,
        }
    }

    pub(crate) const fn post(script: &'static str) -> Self {
        Self {
            script,
            method: Method::Post,
            retryable: false,
            shop_id_name: ShopIdName::IdBoutique,
            anonymous: false,
        }
    }

    /// A POST without the shop's credentials (`getAuthToken.php`).
    pub(crate) const fn anonymous_post(script: &'static str) -> Self {
        Self {
            script,
            method: Method::Post,
            retryable: false,
            shop_id_name: ShopIdName::IdBoutique,
            anonymous: true,
        }
    }

    /// The catalogue writes name the shop `shopID` and send the record as `data[...]`.
    pub(crate) const fn data_write(script: &'static str) -> Self {
        Self {
            script,
            method: Method::Post,
            retryable: false,
            shop_id_name: ShopIdName::ShopId,
            anonymous: false,
        }
    }
}

/// Ordered request parameters (excluding credentials). Keys may repeat (`itemsList[]`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Params(pub(crate) Vec<(Cow<'static, str>, String)>);

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a pair.
    pub fn push(&mut self, key: impl Into<Cow<'static, str>>, value: impl Into<String>) {
        self.0.push((key.into(), value.into()));
    }

    /// The pairs, in order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v.as_str()))
    }
}

/// A raw answer handed to [`Endpoint::decode`].
#[derive(Debug)]
pub struct RawResponse {
    pub(crate) endpoint: &'static str,
    pub(crate) status: u16,
    pub(crate) content_type: Option<String>,
    pub(crate) body: Bytes,
    pub(crate) scrub: Scrubber,
}

/// Removes secrets from upstream text before it is stored in an error.
#[derive(Clone)]
pub(crate) struct Scrubber(pub(crate) std::sync::Arc<dyn Fn(&str) -> String + Send + Sync>);

impl std::fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scrubber")
    }
}

impl RawResponse {
    fn scrub_fn(&self) -> impl Fn(&str) -> String + '_ {
        |s: &str| (self.scrub.0)(s)
    }

    /// `text` without the secrets of this call.
    pub(crate) fn scrubbed(&self, text: &str) -> String {
        (self.scrub.0)(text)
    }

    /// Parses the body as JSON, turning non-JSON text and error envelopes into
    /// [`KashError::Api`].
    pub(crate) fn json_value(&self) -> Result<Value> {
        let scrub = self.scrub_fn();
        decode::parse_json(self.endpoint, self.status, &self.body, &scrub)
    }

    /// Decodes an already parsed value as `T`, naming the failing path.
    pub(crate) fn decode_value<T: DeserializeOwned>(&self, value: &Value) -> Result<T> {
        let scrub = self.scrub_fn();
        decode::from_value(self.endpoint, value, &scrub)
    }

    /// Decodes a list answer: a JSON array, an object keyed by id, or `{"data": [...]}`.
    pub(crate) fn list<T: DeserializeOwned>(&self) -> Result<Vec<T>> {
        // A plain array decodes straight from the bytes, without building the JSON tree first
        // (a month of orders is megabytes); anything else, or a failure, takes the general
        // path, which also names the failing item and field.
        let body = decode::json_start(&self.body);
        if body.starts_with(b"[")
            && let Ok(items) = serde_json::from_slice::<Vec<T>>(body)
        {
            return Ok(items);
        }
        let value = self.json_value()?;
        let scrub = self.scrub_fn();
        decode::list(self.endpoint, value, &scrub)
    }

    /// The body as text, refusing an error envelope or a PHP fatal error.
    pub(crate) fn text(&self) -> Result<String> {
        let scrub = self.scrub_fn();
        decode::check_not_error(self.endpoint, self.status, &self.body, &scrub)?;
        Ok(String::from_utf8_lossy(&self.body).into_owned())
    }

    /// The body as bytes with its content type, refusing an error envelope.
    pub(crate) fn bytes(&self) -> Result<(Bytes, Option<String>)> {
        let scrub = self.scrub_fn();
        decode::check_not_error(self.endpoint, self.status, &self.body, &scrub)?;
        Ok((self.body.clone(), self.content_type.clone()))
    }
}

mod private {
    pub trait Sealed {}
}
pub(crate) use private::Sealed;

/// One endpoint of the POS API: what to send and how to read the answer.
///
/// Implemented by every request type of this crate (sealed); send one with
/// [`crate::KashClient::send`].
pub trait Endpoint: Sealed {
    /// The decoded answer.
    type Output;

    /// Script, method and retry policy.
    fn spec(&self) -> EndpointSpec;

    /// The parameters, validated. Fails with [`KashError::InvalidInput`] before anything is
    /// sent when the request would be wrong on the wire.
    fn params(&self) -> Result<Params>;

    /// Reads a 2xx answer.
    fn decode(&self, response: RawResponse) -> Result<Self::Output>;

    /// A secret of the request itself (the login's password), removed from every error text
    /// like the API key.
    fn scrub_secret(&self) -> Option<&secrecy::SecretString> {
        None
    }
}

/// Validates free text sent to the POS: no control characters except tab.
pub(crate) fn check_text(what: &str, value: &str) -> Result<()> {
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(KashError::invalid(format!(
            "{what} contains a line break or control character; put it on one line"
        )));
    }
    Ok(())
}
