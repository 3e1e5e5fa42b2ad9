//! Small key-value storage with expiry, behind a trait: sale previews, idempotency records,
//! confirmation nonces, and (in a store of their own, so that a flood of them can never push a
//! sale's record out) cached days of orders. In memory here; the HTTP server will bring a
//! shared store (Redis) so that several replicas agree.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A boxed future, for a dyn-compatible async trait.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A storage failure (a shared store being unreachable).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("storage unavailable: {0}")]
pub struct StoreError(pub String);

/// Key-value storage with expiry. Keys are namespaced by the caller (`sale:<shop>:<key>`).
pub trait Store: Send + Sync + fmt::Debug {
    /// The value under `key`, if present and not expired.
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, StoreError>>;

    /// Stores `value` under `key` for `ttl`, replacing any value.
    fn set<'a>(
        &'a self,
        key: &'a str,
        value: Vec<u8>,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Stores `value` under `key` for `ttl` only if nothing is there; `true` if stored. The
    /// building block of "exactly once".
    fn set_if_absent<'a>(
        &'a self,
        key: &'a str,
        value: Vec<u8>,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Removes `key`.
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>>;
}

/// JSON helpers over any [`Store`].
pub trait StoreExt: Store {
    /// Reads a JSON value. A value that does not decode is an error, not an absence: a
    /// record of a sale must never be silently forgotten.
    fn get_json<'a, T: DeserializeOwned + Send + 'a>(
        &'a self,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Option<T>, StoreError>> {
        Box::pin(async move {
            match self.get(key).await? {
                None => Ok(None),
                Some(bytes) => serde_json::from_slice(&bytes)
                    .map(Some)
                    .map_err(|e| StoreError(format!("stored record unreadable: {e}"))),
            }
        })
    }

    /// Writes a JSON value.
    fn set_json<'a, T: Serialize + Sync + 'a>(
        &'a self,
        key: &'a str,
        value: &'a T,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let bytes = serde_json::to_vec(value).map_err(|e| StoreError(e.to_string()))?;
            self.set(key, bytes, ttl).await
        })
    }

    /// Writes a JSON value if the key is free.
    fn set_json_if_absent<'a, T: Serialize + Sync + 'a>(
        &'a self,
        key: &'a str,
        value: &'a T,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let bytes = serde_json::to_vec(value).map_err(|e| StoreError(e.to_string()))?;
            self.set_if_absent(key, bytes, ttl).await
        })
    }
}

impl<S: Store + ?Sized> StoreExt for S {}

/// Values with their expiry, and the bytes they take.
#[derive(Debug, Default)]
struct Entries {
    map: HashMap<String, (Vec<u8>, Instant)>,
    bytes: usize,
}

/// Bytes an entry takes (key and value).
fn size(key: &str, value: &[u8]) -> usize {
    key.len() + value.len()
}

impl Entries {
    fn insert(&mut self, key: &str, value: Vec<u8>, expires: Instant) {
        self.remove(key);
        self.bytes += size(key, &value);
        self.map.insert(key.to_owned(), (value, expires));
    }

    fn remove(&mut self, key: &str) {
        if let Some((v, _)) = self.map.remove(key) {
            self.bytes = self.bytes.saturating_sub(size(key, &v));
        }
    }

    fn live(&self, key: &str, now: Instant) -> Option<&Vec<u8>> {
        self.map
            .get(key)
            .filter(|(_, exp)| *exp > now)
            .map(|(v, _)| v)
    }
}

/// The in-memory [`Store`]: a map with expiry times, bounded in entries and in bytes.
#[derive(Debug)]
pub struct MemoryStore {
    entries: Mutex<Entries>,
    capacity: usize,
    max_bytes: usize,
}

impl Default for MemoryStore {
    /// 100,000 entries, 256 MiB.
    fn default() -> Self {
        Self::with_limits(100_000, 256 << 20)
    }
}

impl MemoryStore {
    /// A store holding at most `capacity` entries (the ones closest to expiry go first).
    pub fn with_capacity(capacity: usize) -> Self {
        Self::with_limits(capacity, usize::MAX)
    }

    /// A store holding at most `capacity` entries and `max_bytes` of keys and values (the
    /// entries closest to expiry go first).
    pub fn with_limits(capacity: usize, max_bytes: usize) -> Self {
        Self {
            entries: Mutex::new(Entries::default()),
            capacity: capacity.max(1),
            max_bytes,
        }
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Entries>, StoreError> {
        self.entries
            .lock()
            .map_err(|_| StoreError("memory store lock poisoned".into()))
    }

    /// Stores `value` under `key`, making room first: expired entries go, then the entries
    /// closest to expiry.
    fn put(
        &self,
        e: &mut Entries,
        key: &str,
        value: Vec<u8>,
        expires: Instant,
    ) -> Result<(), StoreError> {
        let incoming = size(key, &value);
        if incoming > self.max_bytes {
            return Err(StoreError(format!(
                "a value of {} bytes is larger than the memory store",
                value.len()
            )));
        }
        e.remove(key);
        let fits = |e: &Entries| {
            e.map.len() < self.capacity && e.bytes.saturating_add(incoming) <= self.max_bytes
        };
        if !fits(e) {
            let now = Instant::now();
            let expired: Vec<String> = e
                .map
                .iter()
                .filter(|(_, (_, exp))| *exp <= now)
                .map(|(k, _)| k.clone())
                .collect();
            for k in expired {
                e.remove(&k);
            }
        }
        while !fits(e) {
            let Some(oldest) = e
                .map
                .iter()
                .min_by_key(|(_, (_, exp))| *exp)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            e.remove(&oldest);
        }
        e.insert(key, value, expires);
        Ok(())
    }
}

impl Store for MemoryStore {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, StoreError>> {
        Box::pin(async move {
            let mut e = self.lock()?;
            let now = Instant::now();
            if let Some(v) = e.live(key, now) {
                return Ok(Some(v.clone()));
            }
            e.remove(key);
            Ok(None)
        })
    }

    fn set<'a>(
        &'a self,
        key: &'a str,
        value: Vec<u8>,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut e = self.lock()?;
            self.put(&mut e, key, value, Instant::now() + ttl)
        })
    }

    fn set_if_absent<'a>(
        &'a self,
        key: &'a str,
        value: Vec<u8>,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let mut e = self.lock()?;
            let now = Instant::now();
            if e.live(key, now).is_some() {
                return Ok(false);
            }
            self.put(&mut e, key, value, now + ttl)?;
            Ok(true)
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            self.lock()?.remove(key);
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn expiry_and_exactly_once() {
        let s = MemoryStore::with_capacity(2);
        assert!(
            s.set_if_absent("a", b"1".to_vec(), Duration::from_secs(60))
                .await
                .unwrap()
        );
        assert!(
            !s.set_if_absent("a", b"2".to_vec(), Duration::from_secs(60))
                .await
                .unwrap()
        );
        assert_eq!(s.get("a").await.unwrap(), Some(b"1".to_vec()));
        s.set("b", b"x".to_vec(), Duration::from_millis(1))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert_eq!(s.get("b").await.unwrap(), None);
        // Capacity: the entry closest to expiry is dropped.
        s.set("c", b"c".to_vec(), Duration::from_secs(30))
            .await
            .unwrap();
        s.set("d", b"d".to_vec(), Duration::from_secs(90))
            .await
            .unwrap();
        assert_eq!(s.get("c").await.unwrap(), None);
        assert_eq!(s.get("d").await.unwrap(), Some(b"d".to_vec()));
        s.delete("d").await.unwrap();
        assert_eq!(s.get("d").await.unwrap(), None);
    }

    #[tokio::test]
    async fn bounded_in_bytes() {
        let s = MemoryStore::with_limits(100, 30);
        let ttl = |n| Duration::from_secs(n);
        s.set("a", vec![0; 10], ttl(10)).await.unwrap();
        s.set("b", vec![0; 10], ttl(20)).await.unwrap();
        // 11 + 11 bytes held; 11 more do not fit: the entry closest to expiry goes.
        s.set("c", vec![0; 10], ttl(30)).await.unwrap();
        assert_eq!(s.get("a").await.unwrap(), None);
        assert!(s.get("b").await.unwrap().is_some());
        assert!(s.get("c").await.unwrap().is_some());
        // Replacing a value does not count it twice.
        s.set("c", vec![1; 12], ttl(30)).await.unwrap();
        assert!(s.get("b").await.unwrap().is_some());
        assert!(s.set("big", vec![0; 40], ttl(5)).await.is_err());
    }
}
