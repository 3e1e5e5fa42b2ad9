//! Where the server keeps what must outlive a request: `--store` for sale previews and
//! idempotency records (never evicted: a lost record could let a sale be recorded twice), and
//! `--cache-store` for cached days of orders (may be evicted). In memory (the default, one
//! process), in a file (one process, kept across restarts) or in Redis (shared by replicas).

mod file;
mod redis;

use std::sync::Arc;

use kash_mcp_core::{MemoryStore, Store};

pub use self::file::FileStore;
pub use self::redis::RedisStore;

/// A store named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreSpec {
    /// In this process's memory.
    Memory,
    /// A file (redb) at this path.
    File(std::path::PathBuf),
    /// A Redis server (`redis://` or `rediss://`).
    Redis(String),
}

impl std::str::FromStr for StoreSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s == "memory" {
            Ok(Self::Memory)
        } else if let Some(path) = s.strip_prefix("file:") {
            if path.is_empty() {
                return Err("file: needs a path, e.g. file:/var/lib/kash/store.redb".into());
            }
            Ok(Self::File(path.into()))
        } else if s.starts_with("redis://") || s.starts_with("rediss://") {
            Ok(Self::Redis(s.to_owned()))
        } else {
            Err(format!(
                "`{s}` is not a store: use memory, file:PATH or redis://HOST:PORT (rediss:// for TLS)"
            ))
        }
    }
}

impl std::fmt::Display for StoreSpec {
    /// The kind and place, without any password a Redis URL may carry.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Memory => f.write_str("memory"),
            Self::File(p) => write!(f, "file:{}", p.display()),
            Self::Redis(url) => match url::Url::parse(url) {
                Ok(u) => write!(
                    f,
                    "{}://{}:{}",
                    u.scheme(),
                    u.host_str().unwrap_or("?"),
                    u.port().unwrap_or(6379)
                ),
                Err(_) => f.write_str("redis"),
            },
        }
    }
}

/// Opens a store; `prefix` separates the record store from the cache store in one Redis.
///
/// # Errors
/// The store cannot be opened or reached.
pub async fn open(spec: &StoreSpec, prefix: &str) -> Result<Arc<dyn Store>, String> {
    Ok(match spec {
        StoreSpec::Memory => Arc::new(MemoryStore::with_limits(100_000, 128 << 20)),
        StoreSpec::File(path) => Arc::new(FileStore::open(path).map_err(|e| e.to_string())?),
        StoreSpec::Redis(url) => Arc::new(
            RedisStore::connect(url, prefix)
                .await
                .map_err(|e| e.to_string())?,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_are_named_on_the_command_line() {
        assert_eq!("memory".parse::<StoreSpec>(), Ok(StoreSpec::Memory));
        assert_eq!(
            "file:/tmp/s.redb".parse::<StoreSpec>(),
            Ok(StoreSpec::File("/tmp/s.redb".into()))
        );
        let r: StoreSpec = "redis://:hunter2@cache:6380/1".parse().unwrap();
        assert_eq!(r.to_string(), "redis://cache:6380", "no password in logs");
        assert!("postgres://x".parse::<StoreSpec>().is_err());
        assert!("file:".parse::<StoreSpec>().is_err());
    }
}
