//! A typed async client for the Kash point-of-sale web API (kash.click,
//! free-cash-register.net, caisse.enregistreuse.fr).
//!
//! The POS exposes one PHP script per endpoint under `/workers/`, with the shop id and API key
//! in every request and loosely typed JSON back. This crate gives every endpoint one request
//! type and one typed answer, encodes requests exactly as the POS reads them, and decodes
//! leniently where the POS is loose (numbers as strings, `"0"/"1"` booleans, missing fields)
//! while keeping every field it does not model.
//!
//! ```no_run
//! use kash_api::{KashClient, Decimal};
//! use kash_api::ids::{PaymentModeId, ProductId, TableId};
//! use kash_api::sales::{NewSale, PaymentState, SaleLine};
//!
//! # async fn run() -> Result<(), kash_api::KashError> {
//! let client = KashClient::builder("12345", "my-api-key")
//!     .base_url("https://kash.click")
//!     .build()?;
//!
//! let products = client.list_products().await?;
//! println!("{} products", products.len());
//!
//! let sale = NewSale::new(PaymentState::Unpaid)
//!     .line(SaleLine::catalog(ProductId(12), 2))
//!     .line(SaleLine::catalog(ProductId(7), 1).price(Decimal::new(120, 2)))
//!     .table(TableId(84));
//! match client.create_sale(&sale).await {
//!     Ok(receipt) => println!("recorded order {:?}", receipt.order_id),
//!     Err(e) if e.may_have_been_applied() => println!("may have been recorded: {e}"),
//!     Err(e) => println!("not recorded: {e}"),
//! }
//! # Ok(()) }
//! ```
//!
//! # Design
//! - [`KashClient`] is cheap to clone and holds one shop's credentials; the API key is an
//!   [`ApiKey`] that never prints, and is removed from every error and log line. Clients made
//!   from one [`Pool`] share its connections and TLS set-up: a server for many shops makes one
//!   client per shop for the price of its credentials.
//! - Every endpoint is a request type implementing [`Endpoint`], sent by [`KashClient::send`];
//!   each resource module adds one-line methods (`list_products`, `create_sale`, …).
//! - Money and quantities are [`Decimal`], never `f64`.
//! - Reads are retried on connection failures, timeouts, 429 and 5xx ([`RetryPolicy`]);
//!   writes never are.
//! - Errors are one [`KashError`] enum whose variants say what to do.
//!
//! # Wire shapes
//! The JSON shapes of lists, orders and the sale answer are not published. The models accept
//! the French column names a PHP back office plausibly uses (`titre`, `prix`, `idRayon`…) as
//! well as the English-ish names of the write API (`title`, `price`, `deptID`…), and keep
//! anything else in an `extra` map. The fixtures under `tests/fixtures/` are written by us in
//! that shape and say so; see the crate README.
//!
//! # Where things live
//! | Module | What it holds |
//! |---|---|
//! | `client` | [`KashClient`], [`Pool`], the one send path (timeouts, retries of reads, scrubbing) |
//! | `request`, `decode`, `error` | the [`Endpoint`] trait and the wire encoding; lenient decoding; [`KashError`] |
//! | `auth`, `credentials` | [`Login`] (`getAuthToken.php`); [`ShopId`], [`ApiKey`] |
//! | [`products`], [`departments`], [`customers`], [`variations`], [`payment_modes`], [`vat_rates`], [`shop`] | one module per resource: its model, its list, its writes |
//! | [`orders`], [`sales`], [`reports`] | reading orders, recording a sale, the daily sales report |
//! | [`lists`], [`writes`] | what every list and every catalogue write share |
//! | [`ids`], [`money`], [`time`], [`de`] | typed ids, [`Decimal`], the POS's times, lenient deserializers |
//! | `wire` | `wire_record!`: a record the POS sends, each lenient field on one line with its aliases |

#![warn(missing_docs)]

mod auth;
mod client;
mod credentials;
pub mod de;
mod decode;
mod error;
pub mod ids;
pub mod lists;
pub mod money;
mod request;
pub mod time;
mod wire;
pub mod writes;

pub mod customers;
pub mod departments;
pub mod orders;
pub mod payment_modes;
pub mod products;
pub mod reports;
pub mod sales;
pub mod shop;
pub mod variations;
pub mod vat_rates;

pub use auth::Login;
pub use client::{
    CallObserver, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, KashClient,
    KashClientBuilder, Pool, PoolBuilder, RetryPolicy, is_loopback,
};
pub use credentials::{ApiKey, Credentials, ShopId};
pub use error::{KashError, Result, TransportKind};
pub use jiff;
pub use money::Decimal;
pub use request::{Endpoint, EndpointSpec, Method, Params, RawResponse};
pub use secrecy::SecretString;

/// The README's examples are compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct RootReadme;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct CrateReadme;
