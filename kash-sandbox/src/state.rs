//! Shared state: the shops, the clock, options, faults and the request log.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::faults::{FaultState, RequestLog};
use crate::history::{self, Clock};
use crate::model::{Login, NextIds, ShopData};
use crate::{people, reference};

/// The credentials of one simulated shop, as the binary prints them.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct ShopCredentials {
    /// `SHOPID`.
    pub shop_id: String,
    /// `APIKEY`.
    pub api_key: String,
    /// The back-office login accepted by `getAuthToken.php`.
    pub login: String,
    /// Its password.
    pub password: String,
}

impl std::fmt::Debug for ShopCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShopCredentials")
            .field("shop_id", &self.shop_id)
            .field("api_key", &"[REDACTED]")
            .field("login", &self.login)
            .field("password", &"[REDACTED]")
            .finish()
    }
}

/// One shop and its time zone.
#[derive(Debug)]
pub struct ShopHandle {
    pub data: RwLock<ShopData>,
    pub tz: TimeZone,
}

/// The sandbox clock: the configured "now", moving forward in real time.
#[derive(Debug, Clone)]
pub struct SandboxClock {
    start: Timestamp,
    started: Instant,
}

impl SandboxClock {
    pub fn new(start: Timestamp) -> Self {
        Self {
            start,
            started: Instant::now(),
        }
    }

    pub fn now(&self) -> Timestamp {
        let elapsed = i64::try_from(self.started.elapsed().as_secs()).unwrap_or(0);
        self.start
            .checked_add(jiff::SignedDuration::from_secs(elapsed))
            .unwrap_or(self.start)
    }
}

/// Everything the HTTP handlers share.
#[derive(Debug)]
pub struct AppState {
    pub shops: RwLock<Vec<Arc<ShopHandle>>>,
    pub clock: SandboxClock,
    pub tz_name: String,
    pub history_days: u32,
    pub faults: Mutex<FaultState>,
    pub log: Mutex<RequestLog>,
    /// Whether `getOrders.php` and `getPending.php` include each order's lines (`items`).
    pub list_items: AtomicBool,
}

/// Builds a shop deterministically from `seed`, with history ending at `now`.
pub fn build_shop(
    seed: u64,
    credentials: &ShopCredentials,
    tz_name: &str,
    tz: &TimeZone,
    now: Timestamp,
    days: u32,
) -> ShopData {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut shop = ShopData {
        name: "Café des Lilas".to_owned(),
        shop_id: credentials.shop_id.clone(),
        api_key: credentials.api_key.clone(),
        login: Login {
            login: credentials.login.clone(),
            password: credentials.password.clone(),
        },
        time_zone: tz_name.to_owned(),
        default_vat: 0,
        vat_rates: Vec::new(),
        groups: Vec::new(),
        departments: Vec::new(),
        products: Vec::new(),
        variations: Vec::new(),
        customers: Vec::new(),
        payment_modes: Vec::new(),
        cashboxes: Vec::new(),
        tables: Vec::new(),
        users: Vec::new(),
        delivery_men: Vec::new(),
        delivery_zones: Vec::new(),
        relay_points: Vec::new(),
        discounts: Vec::new(),
        orders: Vec::new(),
        quotes: Vec::new(),
        next_ids: NextIds::default(),
    };
    reference::reference_data(&mut shop);
    let start = now.as_second() - i64::from(days) * 86_400;
    shop.customers = people::customers(&mut rng, start);
    history::generate(
        &mut shop,
        &mut rng,
        &Clock {
            now,
            tz: tz.clone(),
            days,
        },
    );
    shop
}

/// Credentials derived from a seed: shop id `1000 + seed % 9000` (or the next free one) and a
/// random-looking key.
pub fn credentials_for(seed: u64, taken: &[String], first: bool) -> ShopCredentials {
    let mut n = 1000 + seed % 9000;
    while taken.contains(&n.to_string()) {
        n += 1;
    }
    let shop_id = n.to_string();
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_cafe_f00d_d00d);
    let key: String = (0..24)
        .map(|_| {
            let v: u8 = rng.random_range(0..16);
            char::from_digit(u32::from(v), 16).unwrap_or('0')
        })
        .collect();
    ShopCredentials {
        login: if first {
            "demo@kash.click".to_owned()
        } else {
            format!("demo+{shop_id}@kash.click")
        },
        password: "demo".to_owned(),
        api_key: format!("sbx_{key}"),
        shop_id,
    }
}

impl AppState {
    /// The shop with these credentials.
    pub fn shop(&self, shop_id: &str, key: &str) -> Option<Arc<ShopHandle>> {
        self.find_shop(|d| d.shop_id == shop_id && d.api_key == key)
    }

    /// The shop with this id, whatever the key (for the library's own accessors).
    pub fn shop_by_id(&self, shop_id: &str) -> Option<Arc<ShopHandle>> {
        self.find_shop(|d| d.shop_id == shop_id)
    }

    /// The shop whose back-office login this is.
    pub fn shop_by_login(&self, login: &str, password: &str) -> Option<Arc<ShopHandle>> {
        self.find_shop(|d| {
            d.login.login.eq_ignore_ascii_case(login.trim()) && d.login.password == password
        })
    }

    /// The first shop whose data `matches` (a shop whose lock is poisoned never does).
    fn find_shop(&self, matches: impl Fn(&ShopData) -> bool) -> Option<Arc<ShopHandle>> {
        let shops = self.shops.read().ok()?;
        shops
            .iter()
            .find(|s| s.data.read().is_ok_and(|d| matches(&d)))
            .cloned()
    }

    /// Adds a shop built from `seed` and returns its credentials.
    pub fn add_shop(&self, seed: u64) -> Option<ShopCredentials> {
        let taken: Vec<String> = self
            .shops
            .read()
            .ok()?
            .iter()
            .filter_map(|s| s.data.read().ok().map(|d| d.shop_id.clone()))
            .collect();
        let credentials = credentials_for(seed, &taken, taken.is_empty());
        let tz = TimeZone::get(&self.tz_name).ok()?;
        let data = build_shop(
            seed,
            &credentials,
            &self.tz_name,
            &tz,
            self.clock.now(),
            self.history_days,
        );
        self.shops.write().ok()?.push(Arc::new(ShopHandle {
            data: RwLock::new(data),
            tz,
        }));
        Some(credentials)
    }
}

/// A stable hash of a shop's whole data (same seed and "now" → same hash).
pub fn data_hash(shop: &ShopData) -> u64 {
    let mut h = DefaultHasher::new();
    shop.hash(&mut h);
    h.finish()
}
