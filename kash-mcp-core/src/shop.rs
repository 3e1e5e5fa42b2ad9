//! Who the caller is and which shop they work for: tool handlers get the caller's client per
//! request, never from a process-wide credential.

use std::fmt;
use std::sync::Arc;

use kash_api::KashClient;
use rmcp::RoleServer;
use rmcp::service::RequestContext;

use crate::store::BoxFuture;

/// The shop a request works on.
#[derive(Clone, Debug)]
pub struct Shop {
    /// A client for the shop's POS.
    pub client: KashClient,
    /// A stable key for caches and stored records, unique per shop (and POS address).
    pub tenant: Arc<str>,
}

impl Shop {
    /// A shop from a client; the tenant key is the base URL and the shop id.
    pub fn new(client: KashClient) -> Self {
        let tenant = format!("{}|{}", client.base_url(), client.shop_id()).into();
        Self { client, tenant }
    }
}

/// Why no shop could be found for a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NoShop(pub String);

/// Finds the caller's shop for each request.
pub trait ShopProvider: Send + Sync + fmt::Debug {
    /// The shop of the caller of this request.
    fn shop<'a>(
        &'a self,
        context: &'a RequestContext<RoleServer>,
    ) -> BoxFuture<'a, Result<Shop, NoShop>>;
}

/// One shop for every request (stdio: the credentials of the person running the server).
#[derive(Debug, Clone)]
pub struct StaticShop {
    shop: Option<Shop>,
}

impl StaticShop {
    /// Always this shop.
    pub fn new(client: KashClient) -> Self {
        Self {
            shop: Some(Shop::new(client)),
        }
    }

    /// No shop: every tool but `ping` answers that credentials are missing.
    pub fn none() -> Self {
        Self { shop: None }
    }
}

impl ShopProvider for StaticShop {
    fn shop<'a>(
        &'a self,
        _context: &'a RequestContext<RoleServer>,
    ) -> BoxFuture<'a, Result<Shop, NoShop>> {
        Box::pin(async move {
            self.shop.clone().ok_or_else(|| {
                NoShop(
                    "no shop is configured: set SHOPID and APIKEY (POS back office, Setup > Webservices)"
                        .to_owned(),
                )
            })
        })
    }
}
