//! Fault injection and the request log, for reliability tests.
//!
//! Faults apply to `/workers/*` requests. Some refuse the request before it is handled (an
//! HTTP 500 page, an error body); the others handle it and then spoil the answer (malformed
//! JSON, a connection closed mid-body, an answer slower than the client's timeout), so that a
//! sale hit by them *is* recorded and a client must report it as "may have been recorded".

use std::collections::VecDeque;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// What goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultMode {
    /// HTTP 500 with an Apache-style HTML page; the request is not handled.
    Http500,
    /// HTTP 200 with `{"result":"ERROR",…}`; the request is not handled.
    ErrorBody,
    /// The request is handled, the answer is cut JSON.
    MalformedJson,
    /// The request is handled, the connection closes in the middle of the answer.
    CloseMidBody,
    /// The request is handled, the answer comes after `slow_ms` (default 40 s).
    Slow,
}

/// The fault configuration (`PUT /_sandbox/faults`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FaultConfig {
    /// Added to every matching request, in milliseconds.
    pub latency_ms: u64,
    /// Probability (0–1) that a matching request fails with `mode` (or `http500`).
    pub failure_rate: f64,
    /// With `failure_rate` 0: every matching request fails this way (see `count`).
    pub mode: Option<FaultMode>,
    /// How many requests `mode` applies to before it clears itself (`None`: all).
    pub count: Option<u32>,
    /// Scripts the faults apply to (`getPlus.php`…); empty means all.
    pub scripts: Vec<String>,
    /// Delay of the `slow` mode, in milliseconds.
    pub slow_ms: Option<u64>,
}

#[derive(Debug)]
pub struct FaultState {
    pub config: FaultConfig,
    rng: ChaCha8Rng,
}

impl Default for FaultState {
    fn default() -> Self {
        Self {
            config: FaultConfig::default(),
            rng: ChaCha8Rng::seed_from_u64(7),
        }
    }
}

/// What to do to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub latency_ms: u64,
    pub mode: Option<FaultMode>,
    pub slow_ms: u64,
}

impl FaultState {
    pub fn set(&mut self, config: FaultConfig) {
        self.config = config;
    }

    /// Decides the fate of a request to `script`.
    pub fn decide(&mut self, script: &str) -> Decision {
        let c = &mut self.config;
        let slow_ms = c.slow_ms.unwrap_or(40_000);
        if !c.scripts.is_empty() && !c.scripts.iter().any(|s| s == script) {
            return Decision {
                latency_ms: 0,
                mode: None,
                slow_ms,
            };
        }
        let mode = if c.failure_rate > 0.0 {
            let p = c.failure_rate.clamp(0.0, 1.0);
            self.rng
                .random_bool(p)
                .then(|| c.mode.unwrap_or(FaultMode::Http500))
        } else if let Some(m) = c.mode {
            match c.count {
                Some(0) => None,
                Some(n) => {
                    c.count = Some(n - 1);
                    if n == 1 {
                        c.mode = None;
                        c.count = None;
                    }
                    Some(m)
                }
                None => Some(m),
            }
        } else {
            None
        };
        Decision {
            latency_ms: c.latency_ms,
            mode,
            slow_ms,
        }
    }
}

/// One request as it arrived, with the key and passwords blanked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedRequest {
    pub seq: u64,
    pub method: String,
    pub script: String,
    /// The shop id it named (`idboutique` or `shopID`).
    pub shop_id: Option<String>,
    pub query: Vec<(String, String)>,
    pub form: Vec<(String, String)>,
    pub status: u16,
    pub fault: Option<FaultMode>,
}

impl LoggedRequest {
    /// The values of a form or query key, in order.
    pub fn values(&self, key: &str) -> Vec<&str> {
        self.query
            .iter()
            .chain(&self.form)
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// The last requests (at most 10,000).
#[derive(Debug, Default)]
pub struct RequestLog {
    next: u64,
    entries: VecDeque<LoggedRequest>,
}

const LOG_CAP: usize = 10_000;

impl RequestLog {
    pub fn push(&mut self, mut entry: LoggedRequest) {
        self.next += 1;
        entry.seq = self.next;
        if self.entries.len() == LOG_CAP {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    pub fn all(&self) -> Vec<LoggedRequest> {
        self.entries.iter().cloned().collect()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

/// Blanks secrets in logged pairs.
pub fn redact(pairs: &[(String, String)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| {
            if matches!(k.as_str(), "key" | "password") {
                (k.clone(), "[REDACTED]".to_owned())
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect()
}
