//! A store in Redis, shared by replicas. Keys carry a prefix (the record store and the cache
//! store may share one server: give the record store a Redis on `noeviction`, the cache one
//! on an LRU policy). Expiry is Redis's own (`PX`); a claim is `SET NX`.

use std::time::Duration;

use kash_mcp_core::store::BoxFuture;
use kash_mcp_core::{Store, StoreError};
use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

/// A store in Redis.
#[derive(Clone)]
pub struct RedisStore {
    conn: ConnectionManager,
    prefix: String,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

fn err(e: redis::RedisError) -> StoreError {
    // Redis errors name the command, never a value; the URL (and its password) is not in them.
    StoreError(format!("redis: {e}"))
}

fn millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

impl RedisStore {
    /// Connects to `url` (`redis://` or `rediss://`); keys start with `prefix`.
    ///
    /// # Errors
    /// The URL is wrong or the server cannot be reached.
    pub async fn connect(url: &str, prefix: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(err)?;
        // Fail fast while Redis is away (a sale then says it was not recorded), reconnect as
        // soon as it is back.
        let config = ConnectionManagerConfig::new()
            .set_number_of_retries(2)
            .set_min_delay(Duration::from_millis(20))
            .set_max_delay(Duration::from_millis(300))
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_response_timeout(Some(Duration::from_secs(3)));
        let conn = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(err)?;
        Ok(Self {
            conn,
            prefix: prefix.to_owned(),
        })
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// Whether the server answers.
    ///
    /// # Errors
    /// It does not.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut c = self.conn.clone();
        redis::cmd("PING")
            .query_async::<String>(&mut c)
            .await
            .map(|_| ())
            .map_err(err)
    }
}

/// Runs a command, once more on a connection found dropped (the manager has reconnected by
/// then; Redis restarted). A claim sent twice can only find its own first write: safe.
async fn twice<T, F, Fut>(f: F) -> Result<T, StoreError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = redis::RedisResult<T>>,
{
    match f().await {
        Err(e) if e.is_connection_dropped() || e.is_io_error() => f().await.map_err(err),
        other => other.map_err(err),
    }
}

impl Store for RedisStore {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, StoreError>> {
        let key = self.key(key);
        Box::pin(twice(move || {
            let mut c = self.conn.clone();
            let key = key.clone();
            async move { c.get(key).await }
        }))
    }

    fn set<'a>(
        &'a self,
        key: &'a str,
        value: Vec<u8>,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let key = self.key(key);
        Box::pin(twice(move || {
            let mut c = self.conn.clone();
            let (key, value) = (key.clone(), value.clone());
            async move { c.pset_ex(key, value, millis(ttl)).await }
        }))
    }

    fn set_if_absent<'a>(
        &'a self,
        key: &'a str,
        value: Vec<u8>,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        let key = self.key(key);
        Box::pin(async move {
            let answer: Option<String> = twice(|| {
                let mut c = self.conn.clone();
                let mut cmd = redis::cmd("SET");
                cmd.arg(&key)
                    .arg(&value)
                    .arg("NX")
                    .arg("PX")
                    .arg(millis(ttl));
                async move { cmd.query_async(&mut c).await }
            })
            .await?;
            Ok(answer.is_some())
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        let key = self.key(key);
        Box::pin(twice(move || {
            let mut c = self.conn.clone();
            let key = key.clone();
            async move { c.del(key).await }
        }))
    }
}
