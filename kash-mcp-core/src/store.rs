//! Small key-value storage with expiry, behind a trait: sale previews, idempotency records,
//! confirmation nonces (and, later, cached days of orders). In memory here; the HTTP server
//! will bring a shared store (Redis) so that several replicas agree.

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

/// Values with their expiry.
type Entries = HashMap<String, (Vec<u8>, Instant)>;

/// The in-memory [`Store`]: a map with expiry times, bounded in size.
#[derive(Debug)]
pub struct MemoryStore {
    entries: Mutex<Entries>,
    capacity: usize,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::with_capacity(100_000)
    }
}

impl MemoryStore {
    /// A store holding at most `capacity` entries (the ones closest to expiry go first).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            capacity: capacity.max(1),
        }
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Entries>, StoreError> {
        self.entries
            .lock()
            .map_err(|_| StoreError("memory store lock poisoned".into()))
    }

    fn make_room(map: &mut Entries, capacity: usize) {
        if map.len() < capacity {
            return;
        }
        let now = Instant::now();
        map.retain(|_, (_, exp)| *exp > now);
        while map.len() >= capacity {
            let Some(oldest) = map
                .iter()
                .min_by_key(|(_, (_, exp))| *exp)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            map.remove(&oldest);
        }
    }
}

impl Store for MemoryStore {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, StoreError>> {
        Box::pin(async move {
            let mut map = self.lock()?;
            match map.get(key) {
                Some((v, exp)) if *exp > Instant::now() => Ok(Some(v.clone())),
                Some(_) => {
                    map.remove(key);
                    Ok(None)
                }
                None => Ok(None),
            }
        })
    }

    fn set<'a>(
        &'a self,
        key: &'a str,
        value: Vec<u8>,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut map = self.lock()?;
            if !map.contains_key(key) {
                Self::make_room(&mut map, self.capacity);
            }
            map.insert(key.to_owned(), (value, Instant::now() + ttl));
            Ok(())
        })
    }

    fn set_if_absent<'a>(
        &'a self,
        key: &'a str,
        value: Vec<u8>,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let mut map = self.lock()?;
            let now = Instant::now();
            if map.get(key).is_some_and(|(_, exp)| *exp > now) {
                return Ok(false);
            }
            Self::make_room(&mut map, self.capacity);
            map.insert(key.to_owned(), (value, now + ttl));
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
}
