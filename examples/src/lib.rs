//! Runnable programs using the `kash-api` SDK, in `src/bin/`:
//!
//! - `list_products`: the catalogue with prices and stock;
//! - `record_sale`: 2 coffees and a croissant at table 84;
//! - `last_week_revenue`: last week's orders and revenue, Monday to Sunday in the shop's
//!   time zone.
//!
//! Each talks to the shop named by `SHOPID` and `APIKEY` (and `API_BASE` when the POS is not at
//! the default address): the same variables as the MCP servers. When they are not set, it talks
//! to an embedded sandbox with the demo shop:
//!
//! ```sh
//! cargo run -p kash-examples --bin record_sale
//! ```
//!
//! This library holds what the three share: connecting.

use kash_api::{KashClient, KashError};
use kash_sandbox::{Sandbox, SandboxConfig};

/// A client, and the sandbox it talks to when no real shop was configured (keep it alive).
#[derive(Debug)]
pub struct Connection {
    /// The client.
    pub client: KashClient,
    /// The embedded sandbox, if one was started.
    pub sandbox: Option<Sandbox>,
}

/// Connects to the shop in the environment, or starts the sandbox.
///
/// # Errors
/// A configuration error from the client, or the sandbox failing to start.
pub async fn connect() -> Result<Connection, Box<dyn std::error::Error>> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    if let (Some(shop), Some(key)) = (var("SHOPID"), var("APIKEY")) {
        let mut builder = KashClient::builder(shop, key);
        if let Some(base) = var("API_BASE") {
            builder = builder.base_url(base);
        }
        let client = builder.build()?;
        return Ok(Connection {
            client,
            sandbox: None,
        });
    }
    eprintln!("SHOPID and APIKEY are not set: using the demo shop.");
    let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    let c = sandbox.credentials();
    let client = KashClient::builder(&c.shop_id, &c.api_key)
        .base_url(sandbox.base_url())
        .build()
        .map_err(|e: KashError| Box::new(e) as Box<dyn std::error::Error>)?;
    Ok(Connection {
        client,
        sandbox: Some(sandbox),
    })
}
