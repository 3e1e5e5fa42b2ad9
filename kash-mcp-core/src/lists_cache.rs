//! Per-shop cache of the POS lists (products, departments, customers…), for search and validation. Entries live a short,
//! configurable time and our own writes invalidate them.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kash_api::lists::{List, ListKind};
use kash_api::{Decimal, KashError};

use crate::shop::Shop;

type Key = (Arc<str>, &'static str);
/// When a list was fetched, and the list (a `Vec` of the kind's items).
type Entry = (Instant, Arc<dyn Any + Send + Sync>);

/// The cache.
#[derive(Debug)]
pub struct ListCache {
    ttl: Duration,
    entries: Mutex<HashMap<Key, Entry>>,
}

impl ListCache {
    /// A cache keeping lists for `ttl` (zero disables caching).
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn lookup<K: ListKind>(&self, tenant: &Arc<str>) -> Option<Arc<Vec<K::Item>>> {
        let map = self.entries.lock().ok()?;
        let (at, value) = map.get(&(tenant.clone(), K::SCRIPT))?;
        if at.elapsed() >= self.ttl {
            return None;
        }
        value.clone().downcast::<Vec<K::Item>>().ok()
    }

    fn insert<K: ListKind>(&self, tenant: &Arc<str>, items: Arc<Vec<K::Item>>) {
        if self.ttl.is_zero() {
            return;
        }
        if let Ok(mut map) = self.entries.lock() {
            let ttl = self.ttl;
            map.retain(|_, (at, _)| at.elapsed() < ttl);
            map.insert((tenant.clone(), K::SCRIPT), (Instant::now(), items));
        }
    }

    /// The list, from the cache when fresh.
    ///
    /// # Errors
    /// The SDK's error when the list must be fetched and cannot be.
    pub async fn list<K: ListKind>(&self, shop: &Shop) -> Result<Arc<Vec<K::Item>>, KashError> {
        if let Some(items) = self.lookup::<K>(&shop.tenant) {
            return Ok(items);
        }
        self.fresh::<K>(shop).await
    }

    /// The list fetched now (and cached).
    ///
    /// # Errors
    /// The SDK's error.
    pub async fn fresh<K: ListKind>(&self, shop: &Shop) -> Result<Arc<Vec<K::Item>>, KashError> {
        let items = Arc::new(shop.client.send(&List::<K>::new()).await?);
        self.insert::<K>(&shop.tenant, items.clone());
        Ok(items)
    }

    /// Forgets these lists of this shop.
    pub fn invalidate(&self, tenant: &Arc<str>, scripts: &[&'static str]) {
        if let Ok(mut map) = self.entries.lock() {
            for s in scripts {
                map.remove(&(tenant.clone(), *s));
            }
        }
    }
}

/// VAT rates by id, learnt from the products' and departments' lists (the POS has no list of
/// VAT rates).
pub fn vat_rates(
    products: &[kash_api::products::Product],
    departments: &[kash_api::departments::Department],
) -> HashMap<u64, Decimal> {
    let mut out = HashMap::new();
    for p in products {
        if let (Some(id), Some(rate)) = (p.vat_id, p.vat_rate) {
            out.entry(id.0).or_insert(rate);
        }
    }
    for d in departments {
        if let (Some(id), Some(rate)) = (d.vat_id, d.vat_rate) {
            out.entry(id.0).or_insert(rate);
        }
    }
    out
}
