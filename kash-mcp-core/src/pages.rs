//! The orders of a recent `data_list_orders` query, kept a short while so that paging through
//! a period (offset 0, 50, 100…) fetches it from the POS once, not once per page.
//!
//! Small on purpose: a few queries, a bounded number of bytes, two minutes. Recording a sale
//! forgets the shop's entries, so a page never misses the caller's own new sale.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::fetch::OrderSet;

/// How long a query's orders are kept.
pub const TTL: Duration = Duration::from_secs(120);
/// Most queries kept.
const MAX_QUERIES: usize = 4;
/// Most bytes of the POS's answers kept, all queries together: a busy month (the demo shop's
/// is 5 MB). This cache sets much of a session's peak memory (`benches/session.rs`).
const MAX_BYTES: usize = 8 << 20;

/// When a query was fetched, and its orders.
type Entry = (Instant, Arc<OrderSet>);

/// The cache.
#[derive(Debug, Default)]
pub struct PageCache {
    entries: Mutex<HashMap<String, Entry>>,
}

impl PageCache {
    /// The orders of `key` (which starts with the tenant), when fetched less than [`TTL`] ago.
    pub fn get(&self, key: &str) -> Option<Arc<OrderSet>> {
        let map = self.entries.lock().ok()?;
        map.get(key)
            .filter(|(at, _)| at.elapsed() < TTL)
            .map(|(_, orders)| orders.clone())
    }

    /// Keeps `orders` under `key`, making room first (expired, then oldest).
    pub fn put(&self, key: String, orders: Arc<OrderSet>) {
        if orders.held_bytes() > MAX_BYTES {
            return;
        }
        let Ok(mut map) = self.entries.lock() else {
            return;
        };
        map.retain(|_, (at, _)| at.elapsed() < TTL);
        map.remove(&key);
        let held =
            |m: &HashMap<String, Entry>| m.values().map(|(_, o)| o.held_bytes()).sum::<usize>();
        while !map.is_empty()
            && (map.len() >= MAX_QUERIES || held(&map) + orders.held_bytes() > MAX_BYTES)
        {
            let oldest = map
                .iter()
                .min_by_key(|(_, (at, _))| *at)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => {
                    map.remove(&k);
                }
                None => break,
            }
        }
        map.insert(key, (Instant::now(), orders));
    }

    /// Forgets every query of this tenant.
    pub fn forget(&self, tenant: &str) {
        if let Ok(mut map) = self.entries.lock() {
            let prefix = format!("{tenant}|");
            map.retain(|k, _| !k.starts_with(&prefix));
        }
    }
}
