//! A store in one file (redb): one process, kept across restarts. Each value is written with
//! its expiry; expired values are never returned, and are swept from time to time.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use kash_mcp_core::store::BoxFuture;
use kash_mcp_core::{Store, StoreError};
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};

const TABLE: TableDefinition<&str, &[u8]> = TableDefinition::new("kv");
/// A sweep of expired values every this many writes.
const SWEEP_EVERY: u64 = 1_000;

/// A store in a redb file.
#[derive(Clone)]
pub struct FileStore {
    db: Arc<Database>,
    writes: Arc<AtomicU64>,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileStore").finish_non_exhaustive()
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn err(e: impl std::fmt::Display) -> StoreError {
    StoreError(format!("file store: {e}"))
}

/// The value with its expiry in front (milliseconds since the epoch, big-endian).
fn wrap(value: &[u8], ttl: Duration) -> Vec<u8> {
    let expires = now_ms().saturating_add(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX));
    let mut out = Vec::with_capacity(8 + value.len());
    out.extend_from_slice(&expires.to_be_bytes());
    out.extend_from_slice(value);
    out
}

/// The value, if not expired.
fn unwrap(stored: &[u8], now: u64) -> Option<Vec<u8>> {
    let (head, value) = stored.split_at_checked(8)?;
    let expires = u64::from_be_bytes(head.try_into().ok()?);
    (expires > now).then(|| value.to_vec())
}

impl FileStore {
    /// Opens (or creates) the store at `path`.
    ///
    /// # Errors
    /// The file cannot be opened (another process holds it, no permission…).
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let db = Database::create(path).map_err(err)?;
        let txn = db.begin_write().map_err(err)?;
        txn.open_table(TABLE).map_err(err)?;
        txn.commit().map_err(err)?;
        Ok(Self {
            db: Arc::new(db),
            writes: Arc::new(AtomicU64::new(0)),
        })
    }

    /// Runs blocking file work off the async workers.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Database) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || f(&db))
            .await
            .map_err(err)?
    }

    fn after_write(&self) {
        if self.writes.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            let db = self.db.clone();
            tokio::task::spawn_blocking(move || {
                if let Err(e) = sweep(&db) {
                    tracing::warn!(error = %e, "sweeping the file store failed");
                }
            });
        }
    }
}

/// Removes expired values.
fn sweep(db: &Database) -> Result<(), StoreError> {
    let now = now_ms();
    let txn = db.begin_write().map_err(err)?;
    {
        let mut table = txn.open_table(TABLE).map_err(err)?;
        table.retain(|_, v| unwrap(v, now).is_some()).map_err(err)?;
    }
    txn.commit().map_err(err)
}

impl Store for FileStore {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, StoreError>> {
        let key = key.to_owned();
        Box::pin(self.blocking(move |db| {
            let txn = db.begin_read().map_err(err)?;
            let table = txn.open_table(TABLE).map_err(err)?;
            let value = table.get(key.as_str()).map_err(err)?;
            Ok(value.and_then(|v| unwrap(v.value(), now_ms())))
        }))
    }

    fn set<'a>(
        &'a self,
        key: &'a str,
        value: Vec<u8>,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let key = key.to_owned();
        Box::pin(async move {
            self.blocking(move |db| {
                let txn = db.begin_write().map_err(err)?;
                {
                    let mut table = txn.open_table(TABLE).map_err(err)?;
                    table
                        .insert(key.as_str(), wrap(&value, ttl).as_slice())
                        .map_err(err)?;
                }
                txn.commit().map_err(err)
            })
            .await?;
            self.after_write();
            Ok(())
        })
    }

    fn set_if_absent<'a>(
        &'a self,
        key: &'a str,
        value: Vec<u8>,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        let key = key.to_owned();
        Box::pin(async move {
            // One write transaction at a time: the check and the write are one step.
            let stored = self
                .blocking(move |db| {
                    let txn = db.begin_write().map_err(err)?;
                    let stored = {
                        let mut table = txn.open_table(TABLE).map_err(err)?;
                        let present = table
                            .get(key.as_str())
                            .map_err(err)?
                            .is_some_and(|v| unwrap(v.value(), now_ms()).is_some());
                        if !present {
                            table
                                .insert(key.as_str(), wrap(&value, ttl).as_slice())
                                .map_err(err)?;
                        }
                        !present
                    };
                    txn.commit().map_err(err)?;
                    Ok(stored)
                })
                .await?;
            if stored {
                self.after_write();
            }
            Ok(stored)
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        let key = key.to_owned();
        Box::pin(self.blocking(move |db| {
            let txn = db.begin_write().map_err(err)?;
            {
                let mut table = txn.open_table(TABLE).map_err(err)?;
                table.remove(key.as_str()).map_err(err)?;
            }
            txn.commit().map_err(err)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn values_expire_survive_a_reopen_and_claims_are_exclusive() {
        let dir = std::env::temp_dir().join(format!("kash-file-store-{}", uuid::Uuid::new_v4()));
        let path = dir.with_extension("redb");
        {
            let s = FileStore::open(&path).unwrap();
            s.set("a", b"1".to_vec(), Duration::from_secs(60))
                .await
                .unwrap();
            s.set("gone", b"x".to_vec(), Duration::from_millis(1))
                .await
                .unwrap();
            assert!(
                s.set_if_absent("claim", b"me".to_vec(), Duration::from_secs(60))
                    .await
                    .unwrap()
            );
            assert!(
                !s.set_if_absent("claim", b"you".to_vec(), Duration::from_secs(60))
                    .await
                    .unwrap()
            );
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
        let s = FileStore::open(&path).unwrap();
        assert_eq!(
            s.get("a").await.unwrap(),
            Some(b"1".to_vec()),
            "kept across a reopen"
        );
        assert_eq!(s.get("gone").await.unwrap(), None, "expired");
        assert_eq!(s.get("claim").await.unwrap(), Some(b"me".to_vec()));
        assert!(
            s.set_if_absent("gone", b"y".to_vec(), Duration::from_secs(60))
                .await
                .unwrap(),
            "an expired value does not hold a claim"
        );
        s.delete("a").await.unwrap();
        assert_eq!(s.get("a").await.unwrap(), None);
        sweep(&s.db).unwrap();
        drop(s);
        let _ = std::fs::remove_file(&path);
    }
}
