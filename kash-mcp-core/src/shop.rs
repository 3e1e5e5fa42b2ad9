//! The shop a request works on, and the seam that finds it: [`ShopProvider`]. Tool handlers get
//! the caller's client per request, never a process-wide credential.
//!
//! # The tenant invariant
//!
//! A [`Shop`]'s `tenant` is the key of everything cached or stored for it: catalogue lists,
//! customers, days of orders, pages of orders, sale previews, idempotency records. Two rules
//! keep one caller from ever seeing another's data:
//!
//! 1. **A tenant key is handed out only for credentials the POS has accepted.** A provider
//!    that takes credentials from callers (the HTTP server's static mode) verifies them
//!    against the POS before it returns a [`Shop`]; one that signs callers in (OAuth) gets
//!    them from the POS's own login. stdio serves the credentials of the person running it.
//! 2. **The tenant key is bound to the credential, not only to the shop id.** It is the POS
//!    address, the shop id and a keyed fingerprint of the API key
//!    ([`kash_api::KashClient::key_fingerprint`]). A caller with the right shop id and a wrong
//!    key gets another tenant key: nothing cached for the shop is served to them, even if a
//!    provider failed rule 1.

use std::fmt;
use std::sync::Arc;

use jiff::tz::TimeZone;
use kash_api::KashClient;
use rmcp::RoleServer;
use rmcp::service::RequestContext;

use crate::caller::Caller;
use crate::store::BoxFuture;

/// The shop a request works on.
#[derive(Clone)]
pub struct Shop {
    /// A client for the shop's POS.
    pub client: KashClient,
    /// The key of everything cached or stored for this shop and credential (see the module's
    /// tenant invariant).
    pub tenant: Arc<str>,
    /// The shop's time zone: its days, "today", "this week".
    pub time_zone: TimeZone,
    /// The built-in demo shop (simulated data), not a real one.
    pub demo: bool,
}

impl fmt::Debug for Shop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shop")
            .field("shop_id", self.client.shop_id())
            .field("base_url", &self.client.base_url())
            .field("time_zone", &self.time_zone.iana_name())
            .field("demo", &self.demo)
            .finish_non_exhaustive()
    }
}

impl Shop {
    /// A shop from its client. `secret` keys the credential's fingerprint in the tenant key
    /// (a server's `Config::tenant_secret`; replicas that share caches share it).
    pub fn new(client: KashClient, time_zone: TimeZone, secret: &[u8]) -> Self {
        let fingerprint = client.key_fingerprint(secret).unwrap_or_default();
        let tenant = format!("{}|{}|{fingerprint}", client.base_url(), client.shop_id()).into();
        Self {
            client,
            tenant,
            time_zone,
            demo: false,
        }
    }

    /// Marks the shop as the built-in demo shop.
    pub fn demo(mut self) -> Self {
        self.demo = true;
        self
    }
}

/// Why no shop could be found for a request: a message for the caller (set SHOPID and APIKEY,
/// sign in again…), written by the front end that knows how the caller gets one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NoShop(pub String);

/// Finds the caller of each request: their shop, rights and language. See the module's
/// tenant invariant: a provider hands out a [`Shop`] only for credentials the POS accepted.
pub trait ShopProvider: Send + Sync + fmt::Debug {
    /// The caller of this request.
    fn caller<'a>(&'a self, context: &'a RequestContext<RoleServer>) -> BoxFuture<'a, Caller>;
}

/// One caller for every request (stdio: the person running the server, with their shop).
#[derive(Debug, Clone)]
pub struct StaticShop {
    caller: Caller,
}

impl StaticShop {
    /// Always this caller.
    pub fn new(caller: Caller) -> Self {
        Self { caller }
    }
}

impl ShopProvider for StaticShop {
    fn caller<'a>(&'a self, _context: &'a RequestContext<RoleServer>) -> BoxFuture<'a, Caller> {
        Box::pin(async move { self.caller.clone() })
    }
}
