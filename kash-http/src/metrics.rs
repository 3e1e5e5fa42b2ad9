//! `/metrics`: Prometheus text (OpenMetrics). HTTP requests by route and status and their
//! latency, tool calls by tool and outcome and their latency, POS calls by script and outcome
//! and their latency, open sessions, rate-limited requests, store errors.

use std::sync::Arc;
use std::sync::atomic::AtomicI64;
use std::time::Duration;

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

/// The labels of a tool call.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ToolLabels {
    /// The tool.
    pub tool: String,
    /// `ok`, `tool_error`, or the kind of failure.
    pub outcome: String,
}

/// The labels of a POS call.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PosLabels {
    /// The POS script (`getOrders.php`…).
    pub script: String,
    /// `ok` or `error`.
    pub outcome: String,
}

fn seconds() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 14))
}

/// The server's metrics.
#[derive(Debug)]
pub struct Metrics {
    /// Tool calls by tool and outcome.
    pub tool_calls: Family<ToolLabels, Counter>,
    /// Seconds per tool call.
    pub tool_latency: Histogram,
    /// POS calls by script and outcome.
    pub pos_calls: Family<PosLabels, Counter>,
    /// Seconds per POS call (with the wait for the shop's turn).
    pub pos_latency: Histogram,
    registry: Registry,
    /// Requests by route and status.
    pub requests: Family<RequestLabels, Counter>,
    /// Seconds per request (for SSE streams: until the head is sent).
    pub latency: Histogram,
    /// Open legacy sessions.
    pub sessions: Gauge<i64, AtomicI64>,
    /// Asking sessions whose rmcp worker runs (the others rest).
    pub session_workers: Gauge<i64, AtomicI64>,
    /// Requests refused by the rate limits.
    pub limited: Counter,
    /// Store checks that failed (`/ready`).
    pub store_errors: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("kash_http");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = seconds();
        let tool_calls = Family::<ToolLabels, Counter>::default();
        let tool_latency = seconds();
        let pos_calls = Family::<PosLabels, Counter>::default();
        let pos_latency = seconds();
        registry.register(
            "tool_calls",
            "Tool calls by tool and outcome",
            tool_calls.clone(),
        );
        registry.register(
            "tool_call_seconds",
            "Seconds per tool call",
            tool_latency.clone(),
        );
        registry.register(
            "pos_calls",
            "POS calls by script and outcome",
            pos_calls.clone(),
        );
        registry.register(
            "pos_call_seconds",
            "Seconds per POS call",
            pos_latency.clone(),
        );
        let sessions = Gauge::<i64, AtomicI64>::default();
        let session_workers = Gauge::<i64, AtomicI64>::default();
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
            "session_workers",
            "Sessions whose client can be asked and whose worker runs",
            session_workers.clone(),
        );
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
            tool_calls,
            tool_latency,
            pos_calls,
            pos_latency,
            registry,
            requests,
            latency,
            sessions,
            session_workers,
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

/// Feeds the core's tool calls and the SDK's POS calls into [`Metrics`].
#[derive(Debug, Clone)]
pub struct Meters(pub Arc<Metrics>);

impl kash_mcp_core::ToolMeter for Meters {
    fn tool_call(&self, tool: &str, outcome: &str, elapsed: Duration) {
        self.0
            .tool_calls
            .get_or_create(&ToolLabels {
                tool: tool.to_owned(),
                outcome: outcome.to_owned(),
            })
            .inc();
        self.0.tool_latency.observe(elapsed.as_secs_f64());
    }
}

impl kash_api::CallObserver for Meters {
    fn observe(&self, script: &'static str, ok: bool, elapsed: Duration) {
        self.0
            .pos_calls
            .get_or_create(&PosLabels {
                script: script.to_owned(),
                outcome: if ok { "ok" } else { "error" }.to_owned(),
            })
            .inc();
        self.0.pos_latency.observe(elapsed.as_secs_f64());
    }
}
