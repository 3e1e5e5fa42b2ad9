//! A simulated Kash point of sale, speaking the real wire protocol, with a seeded demo shop.
//!
//! "Café des Lilas" is a café-bakery-restaurant in Paris with delivery, takeaway and a flower
//! corner: ~113 products in 11 departments, 300 customers (including the near-duplicates
//! Dupont, Dupond and Dupont-Martin), tables numbered as a restaurant does (table 84 is on the
//! terrace), and about 25 months of order history ending now. Everything is deterministic from
//! the seed and the "now" it starts at.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let sandbox = kash_sandbox::Sandbox::start(kash_sandbox::SandboxConfig::default()).await?;
//! let shop = sandbox.credentials();
//! println!("{} {} {}", sandbox.base_url(), shop.shop_id, shop.api_key);
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! The sandbox parses requests the way the API is documented (query strings, form bodies,
//! repeated `itemsList[]`, `client[...]`, `data[...]` with `shopID`, the item-line grammar),
//! independently of `kash-api`, so that an encoder bug shows up as a sandbox error. See the
//! crate README for the assumptions it makes about the real API.
//!
//! # Where things live
//! `http` and `api` route and answer the POS's scripts (`wire` is the request grammar, `lines`
//! the item lines, `sales`, `writes` and `reports` what they change or compute); `state` holds
//! the shops; [`reference`](mod@reference), [`people`] and `history` seed the demo shop; [`faults`] injects
//! failures for tests; `signal` is the shutdown signal every binary uses.

mod api;
pub mod faults;
mod history;
mod http;
mod lines;
pub mod model;
pub mod people;
pub mod reference;
mod reports;
mod sales;
mod signal;
mod state;
pub mod wire;
mod writes;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use faults::{FaultConfig, FaultMode, LoggedRequest};
pub use signal::ShutdownSignal;
pub use state::ShopCredentials;

use crate::model::ShopData;
use crate::state::{AppState, SandboxClock, ShopHandle};

/// The seed of the demo shop when none is given.
pub const DEFAULT_SEED: u64 = 42;
/// About 25 months of history, so that "this year against last year" has a full comparison.
pub const DEFAULT_HISTORY_DAYS: u32 = 760;

/// How to start a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Where to listen (default `127.0.0.1:0`, an ephemeral loopback port).
    pub addr: SocketAddr,
    /// The seed of the first shop (default [`DEFAULT_SEED`]).
    pub seed: u64,
    /// The moment the history ends and the clock starts (default: now).
    pub now: Option<Timestamp>,
    /// Days of history (default [`DEFAULT_HISTORY_DAYS`]).
    pub history_days: u32,
    /// The shop's time zone (default `Europe/Paris`).
    pub time_zone: String,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed: DEFAULT_SEED,
            now: None,
            history_days: DEFAULT_HISTORY_DAYS,
            time_zone: "Europe/Paris".to_owned(),
        }
    }
}

impl SandboxConfig {
    /// The default shop, its history ending and its clock starting at `now` (the same shop
    /// at every start: what tests and benchmarks use).
    pub fn at(now: Timestamp) -> Self {
        Self {
            now: Some(now),
            ..Self::default()
        }
    }
}

/// A running sandbox. Dropping it stops the server.
#[derive(Debug)]
pub struct Sandbox {
    base_url: String,
    credentials: ShopCredentials,
    state: Arc<AppState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Builds the demo shop and serves it.
    ///
    /// # Errors
    /// When the address cannot be bound or the time zone is unknown.
    pub async fn start(config: SandboxConfig) -> std::io::Result<Self> {
        let tz = TimeZone::get(&config.time_zone).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("unknown time zone {}: {e}", config.time_zone),
            )
        })?;
        let now = config.now.unwrap_or_else(Timestamp::now);
        let credentials = state::credentials_for(config.seed, &[], true);
        let (seed, days, tz_name) = (config.seed, config.history_days, config.time_zone.clone());
        let (creds, tz2) = (credentials.clone(), tz.clone());
        let data = tokio::task::spawn_blocking(move || {
            state::build_shop(seed, &creds, &tz_name, &tz2, now, days)
        })
        .await
        .map_err(std::io::Error::other)?;
        let state = Arc::new(AppState {
            shops: RwLock::new(vec![Arc::new(ShopHandle {
                data: RwLock::new(data),
                tz,
            })]),
            clock: SandboxClock::new(now),
            tz_name: config.time_zone.clone(),
            history_days: config.history_days,
            faults: Mutex::new(faults::FaultState::default()),
            log: Mutex::new(faults::RequestLog::default()),
            list_items: AtomicBool::new(true),
        });
        let listener = tokio::net::TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let app = http::router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
            if let Err(e) = served {
                tracing::warn!(error = %e, "sandbox server stopped");
            }
        });
        tracing::info!(%addr, shop_id = %credentials.shop_id, "sandbox ready");
        Ok(Self {
            base_url: format!("http://{addr}"),
            credentials,
            state,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    /// The base URL to give a client (`http://127.0.0.1:<port>`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The demo shop's credentials and back-office login.
    pub fn credentials(&self) -> &ShopCredentials {
        &self.credentials
    }

    /// The sandbox clock: the configured "now", moving forward in real time.
    pub fn now(&self) -> Timestamp {
        self.state.clock.now()
    }

    /// Adds another shop, built from `seed`, and returns its credentials.
    pub async fn add_shop(&self, seed: u64) -> Option<ShopCredentials> {
        let state = self.state.clone();
        tokio::task::spawn_blocking(move || state.add_shop(seed))
            .await
            .ok()
            .flatten()
    }

    /// Sets the fault injection (see [`FaultConfig`]).
    pub fn set_faults(&self, config: FaultConfig) {
        if let Ok(mut f) = self.state.faults.lock() {
            f.set(config);
        }
    }

    /// Whether order lists carry each order's lines (default on). Off, `getOrders.php` and
    /// `getPending.php` leave out the `items` field of every order (JSON, CSV and HTML), as a
    /// back office whose lists do not include lines would; `getOrder.php` still has them.
    pub fn set_list_items(&self, on: bool) {
        self.state.list_items.store(on, Ordering::Relaxed);
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.set_faults(FaultConfig::default());
    }

    /// The requests received so far (at most the last 10,000), key and passwords blanked.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.state.log.lock().map(|l| l.all()).unwrap_or_default()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        if let Ok(mut l) = self.state.log.lock() {
            l.clear();
        }
    }

    /// Reads a shop's data (for ground truth in tests).
    pub fn with_shop<T>(&self, shop_id: &str, f: impl FnOnce(&ShopData) -> T) -> Option<T> {
        let shop = self.state.shop_by_id(shop_id)?;
        let data = shop.data.read().ok()?;
        Some(f(&data))
    }

    /// A hash of a shop's whole data: the same seed and "now" give the same hash.
    pub fn data_hash(&self, shop_id: &str) -> Option<u64> {
        self.with_shop(shop_id, state::data_hash)
    }

    /// Stops the server, waiting up to two seconds for requests in flight.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(Duration::from_secs(2), &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Builds a shop's data without serving it (benchmarks, tests).
pub fn build_demo_shop(seed: u64, now: Timestamp, history_days: u32) -> ShopData {
    let tz = TimeZone::get("Europe/Paris").unwrap_or(TimeZone::UTC);
    let credentials = state::credentials_for(seed, &[], true);
    state::build_shop(seed, &credentials, "Europe/Paris", &tz, now, history_days)
}

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;
