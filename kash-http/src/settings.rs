//! `kash-http`'s flags: the shared ones (`kash_mcp_core::front::CommonArgs`) and the server's.

use std::net::SocketAddr;

use clap::{Parser, ValueEnum};
use kash_mcp_core::front::{CommonArgs, parse_bool};

use crate::store::StoreSpec;

/// MCP server for the Kash point of sale over Streamable HTTP: one endpoint for many shops
/// (ChatGPT connectors, Claude's custom connectors, n8n, any remote MCP client).
#[derive(Debug, Clone, Parser)]
#[command(name = "kash-http", version, about, long_about = None)]
pub struct Args {
    /// The settings both binaries share (in static mode SHOPID and APIKEY are the callers').
    #[command(flatten)]
    pub common: CommonArgs,

    /// Where to listen, HOST:PORT (port 0 picks a free one).
    #[arg(long, env = "KASH_HTTP_ADDR", default_value = "127.0.0.1:8787")]
    pub addr: SocketAddr,

    /// Ask the server listening at --addr for /health and exit 0 if it is healthy, 1 if not
    /// (a container's health check); nothing else starts.
    #[arg(long)]
    pub health_check: bool,

    /// The server's address as clients reach it, e.g. `https://mcp.example.com` (default:
    /// http:// and the address it listens on). Host checks and every published URL use it.
    #[arg(long, env = "KASH_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<url::Url>,

    /// How callers authenticate (default: oauth when --public-url is https, else static).
    #[arg(long, env = "KASH_AUTH", value_enum)]
    pub auth: Option<AuthMode>,

    /// single-shop mode: the server's tokens, comma-separated; `TOKEN:ro` is read-only,
    /// `TOKEN` or `TOKEN:rw` read-write (16 characters at least).
    #[arg(
        long,
        env = "KASH_HTTP_TOKENS",
        hide_env_values = true,
        value_name = "LIST"
    )]
    pub tokens: Option<String>,

    /// Where sale previews and idempotency records live: memory, file:PATH or redis://…
    /// (replicas share a Redis on the noeviction policy).
    #[arg(
        long,
        env = "KASH_STORE",
        default_value = "memory",
        value_name = "STORE"
    )]
    pub store: StoreSpec,

    /// Where cached days of orders live (default: the process's memory; a Redis on an LRU
    /// policy lets replicas share them).
    #[arg(long, env = "KASH_CACHE_STORE", value_name = "STORE")]
    pub cache_store: Option<StoreSpec>,

    /// Serve clients older than 2026-07-28 without sessions (replicas without affinity; no
    /// elicitation for them).
    #[arg(long, env = "KASH_STATELESS", value_name = "BOOL", num_args = 0..=1,
          require_equals = true, default_missing_value = "true", value_parser = parse_bool)]
    pub stateless: Option<bool>,

    /// Minutes an idle session lives.
    #[arg(long, env = "KASH_SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: u64,

    /// Seconds an idle session lives, instead of minutes (tests).
    #[arg(long, hide = true)]
    pub session_idle_seconds: Option<u64>,

    /// Seconds without a request after which the worker of a session whose client can be
    /// asked questions is stopped (the session stays open; its next request starts it again).
    #[arg(long, env = "KASH_SESSION_REST_SECONDS", default_value_t = 10)]
    pub session_rest_seconds: u64,

    /// Seconds an OAuth access token lives (tests shorten it).
    #[arg(long, hide = true, default_value_t = 3600)]
    pub access_token_seconds: u64,

    /// OAuth clients registered in advance: a JSON file, an array of
    /// `{"client_id", "client_name", "redirect_uris"}`.
    #[arg(long, env = "KASH_OAUTH_CLIENTS", value_name = "FILE")]
    pub oauth_clients: Option<std::path::PathBuf>,

    /// Tests only: client metadata documents may be plain http on loopback.
    #[arg(long, hide = true)]
    pub cimd_allow_loopback: bool,

    /// Most open sessions in all.
    #[arg(long, env = "KASH_MAX_SESSIONS", default_value_t = 10_000)]
    pub max_sessions: usize,

    /// Most open sessions of one caller.
    #[arg(long, env = "KASH_MAX_SESSIONS_PER_CALLER", default_value_t = 100)]
    pub max_sessions_per_caller: usize,

    /// Requests per second a caller may make, sustained.
    #[arg(long, env = "KASH_RATE_LIMIT", default_value_t = 30)]
    pub rate_limit: u32,

    /// Requests a caller may make at once, above the sustained rate.
    #[arg(long, env = "KASH_RATE_BURST", default_value_t = 120)]
    pub rate_burst: u32,

    /// Refused credentials an address may present per minute before it is turned away.
    #[arg(long, env = "KASH_AUTH_FAILURES_PER_MINUTE", default_value_t = 30)]
    pub auth_failures_per_minute: u32,

    /// Most POS calls at once for one shop, so that one shop's long load never starves the
    /// others.
    #[arg(long, env = "KASH_POS_CONCURRENCY", default_value_t = 4)]
    pub pos_concurrency: usize,

    /// Largest request body, in KiB.
    #[arg(long, env = "KASH_MAX_BODY_KIB", default_value_t = 1024)]
    pub max_body_kib: usize,

    /// Seconds a request may take before the server answers 504.
    #[arg(long, env = "KASH_REQUEST_TIMEOUT", default_value_t = 120)]
    pub request_timeout: u64,

    /// Behind a reverse proxy: take the caller's address from X-Forwarded-For.
    #[arg(long, env = "KASH_TRUST_PROXY", value_name = "BOOL", num_args = 0..=1,
          require_equals = true, default_missing_value = "true", value_parser = parse_bool)]
    pub trust_proxy: Option<bool>,

    /// Log lines as text or json.
    #[arg(long, env = "KASH_LOG_FORMAT", value_enum, default_value_t = LogFormatArg::Text)]
    pub log_format: LogFormatArg,

    /// A secret of 32 characters or more that replicas share: it keys the tenant hashes and
    /// seals confirmation states (default: random per process). Prefer the environment.
    #[arg(
        long,
        env = "KASH_SECRET_KEY",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub secret_key: Option<String>,
}

/// How callers authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuthMode {
    /// Each caller sends its shop's credentials (Authorization: Bearer SHOPID:APIKEY).
    Static,
    /// The operator's shop (SHOPID, APIKEY); callers send one of the server's tokens.
    SingleShop,
    /// OAuth 2.1: callers sign in with the shop's POS account (ChatGPT, Claude connectors).
    Oauth,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormatArg {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}
