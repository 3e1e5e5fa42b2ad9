//! The Kash point of sale as MCP tools, resources and prompts, for any transport and any
//! number of shops.
//!
//! [`KashMcp`] is an rmcp [`ServerHandler`](rmcp::ServerHandler): give it a [`Config`] (the
//! server's own limits and defaults), a [`ShopProvider`] (who calls, per request: their
//! [`Shop`], [`Rights`] and language) and a [`Store`] (previews and idempotency records), then
//! serve it over stdio or Streamable HTTP. Cached days of orders for the analytics live in a
//! store of their own ([`KashMcp::with_stores`]; in memory by default), so that they can never
//! push a sale's record out.
//!
//! ```no_run
//! use std::sync::Arc;
//! use kash_mcp_core::{Caller, Config, KashMcp, MemoryStore, Shop, StaticShop};
//! use rmcp::ServiceExt;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = Config::default();
//! let client = kash_api::KashClient::builder("12345", "my-api-key").build()?;
//! let shop = Shop::new(client, config.time_zone.clone(), &config.tenant_secret);
//! let server = KashMcp::new(
//!     config,
//!     Arc::new(StaticShop::new(Caller::of(shop))),
//!     Arc::new(MemoryStore::default()),
//! );
//! let running = server.serve(rmcp::transport::stdio()).await?;
//! running.waiting().await?;
//! # Ok(()) }
//! ```
//!
//! # Where things live
//!
//! | Module | What it holds |
//! |---|---|
//! | `server` | [`KashMcp`]: the state every request shares, the MCP handler, the tool list each kind of caller sees, the `tools/call` pipeline |
//! | [`caller`], [`shop`] | who calls (rights, language) and the shop they work on; the tenant invariant |
//! | `call` | one tool call in progress, as handlers see it |
//! | `tools` | one folder or file per tool family; `tools/common` holds what several share (periods, delivery methods, paging, name matching, figures) |
//! | [`analytics`] | days of orders fetched, cached and reduced to sales figures |
//! | [`views`] | the POS's orders as the model reads them |
//! | `lists_cache` | the POS's lists (products, customers…) cached per tenant |
//! | [`store`] | previews, idempotency records, cached days: the [`Store`] seam |
//! | `resources`, `prompts` | `kash://guide`, `kash://shop`, report links; the prompts |
//! | `validate`, `normalize`, [`schema`] | arguments held to the published schemas; portable schemas |
//! | [`jsonrpc`] | answers for messages rmcp cannot read |
//! | [`front`] | (feature `front`) flags, environment, logging, the embedded sandbox, shutdown: shared by the binaries |

#![warn(missing_docs)]

pub mod analytics;
mod args;
mod call;
pub mod caller;
pub mod config;
mod confirm;
pub mod error;
mod fetch;
#[cfg(feature = "front")]
pub mod front;
pub mod i18n;
pub mod jsonrpc;
mod lists_cache;
mod normalize;
mod pages;
pub mod period;
mod prompts;
mod resources;
pub mod schema;
pub mod search;
mod server;
pub mod shop;
pub mod store;
mod tools;
mod validate;
pub mod views;

pub use caller::{Caller, CredentialsHint, Rights};
pub use config::{Clock, Config, ToolMeter, Toolset, parse_toolsets};
pub use i18n::Lang;
pub use lists_cache::ListCache;
pub use server::{KashMcp, SERVER_NAME};
pub use shop::{NoShop, Shop, ShopProvider, StaticShop};
pub use store::{MemoryStore, Store, StoreError};
