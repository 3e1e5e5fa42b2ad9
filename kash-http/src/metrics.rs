//! `/metrics`: Prometheus text. HTTP requests by status, open sessions, store errors, and the
//! time requests take.

use std::sync::atomic::AtomicI64;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// The labels of an HTTP request.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// `mcp`, `health`, `ready`, `metrics`, `discovery`.
    pub route: String,
    /// The HTTP status.
    pub status: u16,
}

/// The server's metrics.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// Requests by route and status.
    pub requests: Family<RequestLabels, Counter>,
    /// Seconds per request (for SSE streams: until the head is sent).
    pub latency: Histogram,
    /// Open legacy sessions.
    pub sessions: Gauge<i64, AtomicI64>,
    /// Requests refused by the rate limits.
    pub limited: Counter,
    /// Store checks that failed (`/ready`).
    pub store_errors: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("kash_http");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Histogram::new(exponential_buckets(0.001, 2.0, 14));
        let sessions = Gauge::<i64, AtomicI64>::default();
        let limited = Counter::default();
        let store_errors = Counter::default();
        registry.register(
            "requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        registry.register(
            "request_seconds",
            "Seconds to answer a request",
            latency.clone(),
        );
        registry.register("sessions", "Open MCP sessions", sessions.clone());
        registry.register(
            "rate_limited",
            "Requests refused by a rate limit",
            limited.clone(),
        );
        registry.register(
            "store_errors",
            "Store checks that failed",
            store_errors.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            sessions,
            limited,
            store_errors,
        }
    }
}

impl Metrics {
    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}
