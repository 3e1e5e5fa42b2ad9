//! MCP over Streamable HTTP for the Kash POS: the hosted server, for many shops at once.
//!
//! [`app`] builds the axum router from an [`AppState`]; `main.rs` only reads the settings,
//! opens the stores, binds the socket and serves. No tool logic lives here: the tools are
//! `kash_mcp_core`'s, served by rmcp's `StreamableHttpService` at `/mcp`.
//!
//! # Where things live
//! | Module | What it holds |
//! |---|---|
//! | [`auth`] | who may call: static (each caller's shop credentials, verified against the POS), single-shop (the server's tokens), OAuth |
//! | [`oauth`] | the OAuth 2.1 authorization server: discovery, registration, sign-in and consent pages, tokens, `/account` |
//! | [`start`] | from flags to a bound server (what `main.rs` and the tests call) |
//! | [`principal`] | the [`Principal`] of a request, and the core's `ShopProvider` that reads it |
//! | [`sessions`] | legacy sessions bound to the principal that opened them, capped, expired when idle |
//! | [`store`] | memory, file (redb) and Redis stores |
//! | [`metrics`] | `/metrics` |
//! | [`probe`] | `--health-check`, the container's health check |
//! | [`settings`] | flags and environment |
//!
//! Every request is authenticated before rmcp sees it; the principal travels in the request's
//! extensions to the tools. Both protocol eras are served on `/mcp`: 2026-07-28 clients
//! statelessly on any replica, older ones with `Mcp-Session-Id` sessions (or statelessly with
//! `--stateless`).

pub mod auth;
pub mod metrics;
pub mod oauth;
pub mod principal;
pub mod probe;
pub mod sessions;
pub mod settings;
pub mod start;
pub mod store;

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futures_util::StreamExt as _;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use kash_mcp_core::{KashMcp, Store};
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use serde_json::json;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt as _;

use crate::auth::{Auth, Refusal};
use crate::metrics::{Metrics, RequestLabels};
use crate::principal::{Principal, accept_language};
use crate::sessions::{Found, TenantSessions};

/// The MCP endpoint of the server.
pub type McpService = StreamableHttpService<KashMcp, TenantSessions>;

/// Requests a principal may make (a sustained rate and a burst), and refused credentials an
/// address may present per minute before it is turned away (ChatGPT's or n8n's servers call
/// for many shops from few addresses: only failures count against an address).
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    /// Requests per second, sustained.
    pub per_second: NonZeroU32,
    /// Requests at once.
    pub burst: NonZeroU32,
    /// Refused credentials per minute and address.
    pub failures_per_minute: NonZeroU32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            per_second: NonZeroU32::new(30).unwrap_or(NonZeroU32::MIN),
            burst: NonZeroU32::new(120).unwrap_or(NonZeroU32::MIN),
            failures_per_minute: NonZeroU32::new(30).unwrap_or(NonZeroU32::MIN),
        }
    }
}

/// Everything the routes share.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    mcp: McpService,
    /// rmcp's stateless path, which serves light sessions (see [`sessions`]).
    light: McpService,
    /// Legacy clients are served without sessions (`--stateless`).
    stateless: bool,
    sessions: Arc<TenantSessions>,
    auth: Auth,
    metrics: Arc<Metrics>,
    by_principal: DefaultKeyedRateLimiter<Arc<str>>,
    failures_by_address: DefaultKeyedRateLimiter<IpAddr>,
    /// Addresses turned away, until when.
    blocked: std::sync::Mutex<std::collections::HashMap<IpAddr, Instant>>,
    stores: Vec<(&'static str, Arc<dyn Store>)>,
    card: serde_json::Value,
    manifest: serde_json::Value,
    trust_proxy: bool,
    request_timeout: Duration,
    max_body: usize,
    /// The tools that record or change something (refused to read-only grants with 403).
    write_tools: std::collections::HashSet<String>,
    /// Cancels every session and stream at shutdown.
    shutdown: CancellationToken,
    /// POST requests being answered (their streams not yet ended).
    in_flight: Arc<AtomicUsize>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}

/// What the server is told at start.
#[derive(Debug)]
pub struct Options {
    /// How callers authenticate.
    pub auth: Auth,
    /// The URL clients reach `/mcp` through (without `/mcp`).
    pub public_url: url::Url,
    /// Serve legacy clients without sessions (replicas without affinity).
    pub stateless: bool,
    /// Session limits.
    pub sessions: sessions::SessionLimits,
    /// Rate limits per principal and per address.
    pub rate: RateLimits,
    /// The stores `/ready` checks, by name.
    pub stores: Vec<(&'static str, Arc<dyn Store>)>,
    /// Honour `X-Forwarded-For` (behind a reverse proxy that sets it).
    pub trust_proxy: bool,
    /// Largest request body, in bytes.
    pub max_body: usize,
    /// Where the counters go (shared with the POS pool and the tools).
    pub metrics: Arc<Metrics>,
    /// Longest a request may take before the server answers 504.
    pub request_timeout: Duration,
}

impl AppState {
    /// The state of a server serving `server` with these options.
    pub fn new(server: KashMcp, options: Options) -> Self {
        let sessions = Arc::new(TenantSessions::new(options.sessions));
        let host = options
            .public_url
            .host_str()
            .unwrap_or("localhost")
            .to_owned();
        let origin = options.public_url.origin().ascii_serialization();
        let shutdown = CancellationToken::new();
        let mut config = StreamableHttpServerConfig::default()
            .with_cancellation_token(shutdown.clone())
            .with_legacy_session_mode(!options.stateless)
            .with_allowed_hosts([host, "localhost".into(), "127.0.0.1".into(), "::1".into()])
            .with_allowed_origins([
                origin,
                "http://localhost:*".to_owned(),
                "http://127.0.0.1:*".to_owned(),
            ])
            .with_max_request_body_bytes(options.max_body)
            // Stateless requests (every 2026-07-28 one) answered by one message get plain
            // JSON; those that send more first (progress, subscriptions) still get a stream.
            .with_json_response(true);
        let stateless = config.clone().with_legacy_session_mode(false);
        if options.stateless {
            config = stateless.clone();
        } else {
            config.session_store = Some(sessions.handshakes());
        }
        let factory = server.clone();
        let mcp = StreamableHttpService::new(move || Ok(factory.clone()), sessions.clone(), config);
        let factory = server.clone();
        let light =
            StreamableHttpService::new(move || Ok(factory.clone()), sessions.clone(), stateless);
        let quota = Quota::per_second(options.rate.per_second).allow_burst(options.rate.burst);
        let url = options
            .public_url
            .join("mcp")
            .map_or_else(|_| String::new(), |u| u.to_string());
        let readable: std::collections::HashSet<String> = server
            .tools_for(&kash_mcp_core::Rights::read_only())
            .iter()
            .map(|t| t.name.to_string())
            .collect();
        let write_tools = server
            .tools()
            .iter()
            .map(|t| t.name.to_string())
            .filter(|name| !readable.contains(name))
            .collect();
        let tools: Vec<serde_json::Value> = server
            .tools()
            .iter()
            .map(|t| json!({"name": t.name, "title": t.title, "description": t.description}))
            .collect();
        let version = env!("CARGO_PKG_VERSION");
        Self {
            inner: Arc::new(Inner {
                mcp,
                light,
                stateless: options.stateless,
                sessions,
                auth: options.auth,
                metrics: options.metrics,
                by_principal: RateLimiter::keyed(quota),
                failures_by_address: RateLimiter::keyed(Quota::per_minute(
                    options.rate.failures_per_minute,
                )),
                blocked: std::sync::Mutex::default(),
                stores: options.stores,
                card: json!({
                    "$schema": "https://static.modelcontextprotocol.io/schemas/v1/server-card.schema.json",
                    "name": "click.kash/pos",
                    "version": version,
                    "description": "Run a Kash point of sale: sales, orders, catalogue, stock, customers.",
                    "remotes": [{
                        "type": "streamable-http",
                        "url": url,
                        "supportedProtocolVersions": ["2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"]
                    }]
                }),
                manifest: json!({
                    "name": kash_mcp_core::SERVER_NAME,
                    "version": version,
                    "description": "MCP server for the Kash point of sale",
                    "endpoint": url,
                    "transport": "streamable-http",
                    "tools": tools,
                }),
                trust_proxy: options.trust_proxy,
                request_timeout: options.request_timeout,
                max_body: options.max_body,
                write_tools,
                shutdown,
                in_flight: Arc::new(AtomicUsize::new(0)),
            }),
        }
    }

    /// Open legacy sessions.
    pub async fn open_sessions(&self) -> usize {
        self.inner.sessions.open().await
    }

    /// Ends the sessions idle for too long and rests idle workers; run every
    /// [`Self::expiry_tick`].
    pub async fn expire_sessions(&self) {
        self.inner.sessions.expire().await;
    }

    /// How often [`Self::expire_sessions`] should run.
    pub fn expiry_tick(&self) -> Duration {
        self.inner.sessions.expiry_tick()
    }

    /// Ends every session once the calls in flight are answered (at most 30 s later): their
    /// streams close, so a graceful shutdown completes.
    pub fn end_sessions(&self) {
        let inner = self.inner.clone();
        tokio::spawn(async move {
            let deadline = Instant::now() + Duration::from_secs(30);
            while inner.in_flight.load(Ordering::Acquire) > 0 && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            inner.shutdown.cancel();
        });
    }

    /// How long `ip` is still turned away for presenting too many refused credentials.
    fn blocked_for(&self, ip: IpAddr) -> Option<Duration> {
        let blocked = self.inner.blocked.lock().ok()?;
        let until = *blocked.get(&ip)?;
        until.checked_duration_since(Instant::now())
    }

    /// Forgets rate-limit entries of callers not seen lately (call now and then).
    pub fn prune(&self) {
        self.inner.by_principal.retain_recent();
        self.inner.failures_by_address.retain_recent();
        if let Ok(mut blocked) = self.inner.blocked.lock() {
            let now = Instant::now();
            blocked.retain(|_, until| *until > now);
        }
    }
}

/// The router: `/mcp`, `/mcp/server-card`, `/health`, `/ready`, `/metrics`,
/// `/.well-known/mcp/manifest.json`.
pub fn app(state: AppState) -> Router {
    let oauth = match &state.inner.auth {
        Auth::OAuth(o) => o.routes(),
        _ => Router::new(),
    };
    Router::new()
        .merge(oauth)
        .route("/mcp", axum::routing::any(mcp))
        .route("/mcp/server-card", get(server_card))
        .route("/.well-known/mcp/manifest.json", get(manifest))
        .route("/health", get(|| async { "ok" }))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics))
        .layer(axum::middleware::from_fn_with_state(state.clone(), measure))
        .with_state(state)
}

/// Counts and times every request.
async fn measure(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = match req.uri().path() {
        "/mcp" => "mcp",
        "/health" => "health",
        "/ready" => "ready",
        "/metrics" => "metrics",
        _ => "discovery",
    };
    let response = next.run(req).await;
    let m = &state.inner.metrics;
    m.requests
        .get_or_create(&RequestLabels {
            route: route.to_owned(),
            status: response.status().as_u16(),
        })
        .inc();
    m.latency.observe(started.elapsed().as_secs_f64());
    response
}

/// A JSON error answer.
fn refusal(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

fn too_many(wait: Duration) -> Response {
    let mut r = refusal(
        StatusCode::TOO_MANY_REQUESTS,
        "too many requests: slow down and try again",
    );
    let secs = wait.as_secs().max(1).to_string();
    if let Ok(v) = HeaderValue::from_str(&secs) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

/// The caller's address: the socket's, or the proxy's `X-Forwarded-For` when trusted.
fn address(req: &Request, trust_proxy: bool) -> Option<IpAddr> {
    if trust_proxy
        && let Some(ip) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return Some(ip);
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

/// `/mcp`: the address's rate limit, authentication, the principal's rate limit, the session
/// cap, then rmcp with the principal in the request and in the session manager's scope.
async fn mcp(State(state): State<AppState>, req: Request) -> Response {
    let inner = &state.inner;
    let limited = |wait| {
        inner.metrics.limited.inc();
        too_many(wait)
    };
    let ip = address(&req, inner.trust_proxy);
    if let Some(wait) = ip.and_then(|ip| state.blocked_for(ip)) {
        return limited(wait);
    }
    let mut principal: Principal = match inner.auth.principal(req.headers()).await {
        Ok(p) => p,
        Err(Refusal::Unverified(m)) => return refusal(StatusCode::SERVICE_UNAVAILABLE, &m),
        Err(refused) => {
            let wrong = matches!(refused, Refusal::Wrong(_));
            // Only refused credentials count against an address: a client's first request
            // without any (an OAuth discovery) does not.
            if wrong
                && let Some(ip) = ip
                && let Err(not_until) = inner.failures_by_address.check_key(&ip)
            {
                let wait = not_until.wait_time_from(governor::clock::Clock::now(
                    inner.failures_by_address.clock(),
                ));
                if let Ok(mut blocked) = inner.blocked.lock() {
                    blocked.insert(ip, Instant::now() + wait);
                }
                return limited(wait);
            }
            let mut r = refusal(StatusCode::UNAUTHORIZED, &refused.to_string());
            if let Ok(v) = HeaderValue::from_str(&inner.auth.challenge(wrong)) {
                r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
            }
            return r;
        }
    };
    if let Err(not_until) = inner.by_principal.check_key(&principal.id) {
        // The limiter's own clock: making one reads the CPU's features, at every request.
        let now = governor::clock::Clock::now(inner.by_principal.clock());
        return limited(not_until.wait_time_from(now));
    }
    if principal.caller.lang.is_none() {
        principal.caller.lang = accept_language(
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        );
    }
    let session = req
        .headers()
        .get("mcp-session-id")
        .and_then(|v| v.to_str().ok())
        .filter(|_| !inner.stateless)
        .map(str::to_owned);
    let (light, busy) = match session
        .as_deref()
        .map(|s| inner.sessions.find(s, &principal.id))
    {
        Some(Found::Gone) => return session_not_found(),
        Some(Found::Light(version)) => (Some(version), None),
        // This server sends nothing outside the answer to a request (its questions to the
        // user ride that answer's stream), so it offers no standalone stream: an idle session
        // then holds no connection, and its worker can rest.
        Some(Found::Asking(_)) if req.method() == Method::GET => return no_stream(),
        Some(Found::Asking(busy)) => (None, Some(busy)),
        Some(Found::Elsewhere) | None => (None, None),
    };
    let (req, busy) = match busy {
        Some(busy) if req.method() == Method::POST => {
            match one_at_a_time(&state, req, busy).await {
                Ok((req, busy)) => (req, Some(busy)),
                Err(refused) => return refused,
            }
        }
        busy => (req, busy),
    };
    let (mut req, opens_light) = match room_for_a_session(&state, &principal, req).await {
        Ok(seen) => seen,
        Err(r) => return r,
    };
    let route = match light {
        Some(version) => {
            // rmcp's stateless path reads the version from the header, which clients of
            // 2025-03-26 do not send.
            if let Ok(v) = HeaderValue::from_str(version.as_str()) {
                req.headers_mut().entry("mcp-protocol-version").or_insert(v);
            }
            Route::Light
        }
        None if opens_light => Route::OpenLight,
        None => Route::Rmcp,
    };
    let id = principal.id.clone();
    let request = uuid::Uuid::new_v4().simple().to_string();
    let span = tracing::info_span!(
        "mcp",
        request = request.get(..12).unwrap_or_default(),
        tenant = %short(&id),
        method = %req.method(),
    );
    let (mut parts, body) = req.into_parts();
    parts.extensions.insert(principal);
    let req = Request::from_parts(parts, body);
    let counted = (req.method() == Method::POST).then(|| InFlight::new(&inner.in_flight));
    let delete = req.method() == Method::DELETE;
    let service = match route {
        Route::Rmcp => inner.mcp.clone(),
        Route::Light | Route::OpenLight => inner.light.clone(),
    };
    let call = sessions::scope(
        id.clone(),
        tracing::Instrument::instrument(service.oneshot(req), span),
    );
    let response = match tokio::time::timeout(inner.request_timeout, call).await {
        Ok(Ok(r)) => r,
        Ok(Err(never)) => match never {},
        Err(_) => {
            return refusal(
                StatusCode::GATEWAY_TIMEOUT,
                "the request took too long and was stopped",
            );
        }
    };
    let (mut parts, body) = response.into_parts();
    if delete && parts.status == StatusCode::ACCEPTED {
        // The session is gone when DELETE returns: 200, which every client takes as done.
        parts.status = StatusCode::OK;
    }
    match route {
        // rmcp's stateless path checked Host and Origin, then refused DELETE (405): the light
        // session is ours to end.
        Route::Light if delete && parts.status == StatusCode::METHOD_NOT_ALLOWED => {
            if let Some(session) = &session {
                inner.sessions.close_light(session, &id);
            }
            return StatusCode::OK.into_response();
        }
        Route::OpenLight if parts.status == StatusCode::OK => {
            return open_light(inner, id, parts, Body::new(body)).await;
        }
        _ => {}
    }
    let body = match (counted, busy) {
        (None, None) => Body::new(body),
        // The call is in flight, and the session in use, until its stream has been sent.
        guards => Body::from_stream(Body::new(body).into_data_stream().map(move |chunk| {
            let _ = &guards;
            chunk
        })),
    };
    Response::from_parts(parts, body)
}

/// Which of rmcp's paths serves a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    /// rmcp's sessions (and 2026-07-28's stateless requests).
    Rmcp,
    /// A request in one of our light sessions: rmcp's stateless path.
    Light,
    /// An `initialize` that opens a light session once rmcp has answered it.
    OpenLight,
}

/// A session id that is not (or no longer) the caller's: 404, as rmcp answers, and nothing
/// else is said.
fn session_not_found() -> Response {
    (StatusCode::NOT_FOUND, "Not Found: Session not found").into_response()
}

/// A request's body, read whole here (413 past `--max-body-kib`).
async fn read_body(state: &AppState, body: Body) -> Result<axum::body::Bytes, Response> {
    axum::body::to_bytes(body, state.inner.max_body)
        .await
        .map_err(|_| {
            refusal(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the request body is too large",
            )
        })
}

/// A request in an asking session whose JSON-RPC id a request of the session in progress
/// already has: refused at once (-32600), since rmcp's worker would answer only one of them.
async fn one_at_a_time(
    state: &AppState,
    req: Request,
    mut busy: sessions::Busy,
) -> Result<(Request, sessions::Busy), Response> {
    let (parts, body) = req.into_parts();
    let bytes = read_body(state, body).await?;
    if let Ok(Head {
        method: Some(_),
        id: Some(id),
        ..
    }) = serde_json::from_slice::<Head>(&bytes)
        && !busy.claim(id.to_string())
    {
        let body = json!({"jsonrpc": "2.0", "id": id, "error": {
            "code": -32600,
            "message": format!("request id {id} is already used by a request in progress in this session"),
        }});
        return Err((StatusCode::BAD_REQUEST, Json(body)).into_response());
    }
    Ok((Request::from_parts(parts, Body::from(bytes)), busy))
}

/// GET on a session: 405, the answer the transport specifies for a server without a standalone
/// stream (what rmcp's stateless path answers for light sessions).
fn no_stream() -> Response {
    let mut r = (StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed").into_response();
    r.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("POST, DELETE"));
    r
}

/// Opens a light session for an `initialize` that rmcp answered, naming it in the answer.
async fn open_light(
    inner: &Inner,
    owner: Arc<str>,
    mut parts: axum::http::response::Parts,
    body: Body,
) -> Response {
    /// The part of an `initialize` answer that is read here.
    #[derive(serde::Deserialize)]
    struct Answer {
        result: Option<Agreed>,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Agreed {
        protocol_version: rmcp::model::ProtocolVersion,
    }
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return refusal(StatusCode::BAD_GATEWAY, "the answer to initialize was lost");
    };
    let agreed = serde_json::from_slice::<Answer>(&bytes)
        .ok()
        .and_then(|a| a.result);
    if let Some(agreed) = agreed {
        let Some(id) = inner
            .sessions
            .open_light(owner, agreed.protocol_version)
            .await
        else {
            return too_many(Duration::from_secs(60));
        };
        if let Ok(v) = HeaderValue::from_str(&id) {
            parts.headers.insert("mcp-session-id", v);
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Counts a request in flight until dropped.
struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn new(counter: &Arc<AtomicUsize>) -> Self {
        counter.fetch_add(1, Ordering::AcqRel);
        Self(counter.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The first characters of a principal's hash, for logs.
fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// The parts of a JSON-RPC message the HTTP layer looks at.
#[derive(serde::Deserialize)]
struct Head {
    method: Option<String>,
    id: Option<serde_json::Value>,
    params: Option<HeadParams>,
}

/// The name a `tools/call` names; whether an `initialize` says the client can be asked
/// questions.
#[derive(serde::Deserialize)]
struct HeadParams {
    name: Option<String>,
    capabilities: Option<HeadCapabilities>,
}

#[derive(serde::Deserialize)]
struct HeadCapabilities {
    elicitation: Option<serde::de::IgnoredAny>,
}

/// Methods 2026-07-28 removed: a modern request for one is answered 404 `-32601`.
const REMOVED_IN_2026: [&str; 4] = [
    "initialize",
    "logging/setLevel",
    "resources/subscribe",
    "resources/unsubscribe",
];

/// Looks at a POST without a session id before rmcp does: a new legacy session is refused
/// when the principal or the server has too many (429), and a 2026-07-28 request for a
/// removed method gets its 404. Also says whether the request is an `initialize` that opens
/// a light session (its client cannot be asked questions; see [`sessions`]).
async fn room_for_a_session(
    state: &AppState,
    principal: &Principal,
    req: Request,
) -> Result<(Request, bool), Response> {
    if req.method() != Method::POST {
        return Ok((req, false));
    }
    let in_session = req.headers().contains_key("mcp-session-id");
    let step_up = matches!(state.inner.auth, Auth::OAuth(_)) && principal.caller.rights.read_only;
    // A session's messages are read by rmcp alone, unless a read-only grant may be calling
    // a tool that writes (the 403 below).
    if in_session && !step_up {
        return Ok((req, false));
    }
    let modern = req
        .headers()
        .get("mcp-protocol-version")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v >= "2026-07-28");
    let (parts, body) = req.into_parts();
    let bytes = read_body(state, body).await?;
    let head = serde_json::from_slice::<Head>(&bytes).ok();
    let method = head.as_ref().and_then(|h| h.method.as_deref());
    // A read-only OAuth grant calling a tool that writes: 403, so that the client can ask
    // the user for more (step-up).
    if let Auth::OAuth(o) = &state.inner.auth
        && step_up
        && method == Some("tools/call")
        && let Some(name) = head
            .as_ref()
            .and_then(|h| h.params.as_ref())
            .and_then(|p| p.name.as_deref())
        && state.inner.write_tools.contains(name)
    {
        let mut r = refusal(
            StatusCode::FORBIDDEN,
            "this access is read-only: sign in again and allow recording sales and changing the catalogue",
        );
        let challenge = format!(
            "Bearer error=\"insufficient_scope\", scope=\"{} {}\", resource_metadata=\"{}\"",
            oauth::SCOPE_READ,
            oauth::SCOPE_WRITE,
            o.resource_metadata_url()
        );
        if let Ok(v) = HeaderValue::from_str(&challenge) {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
        return Err(r);
    }
    if in_session {
        return Ok((Request::from_parts(parts, Body::from(bytes)), false));
    }
    if modern && let Some(m) = method.filter(|m| REMOVED_IN_2026.contains(m)) {
        let id = head
            .as_ref()
            .and_then(|h| h.id.clone())
            .unwrap_or(serde_json::Value::Null);
        let body = json!({"jsonrpc": "2.0", "id": id, "error": {
            "code": -32601,
            "message": format!("{m} does not exist in protocol 2026-07-28"),
        }});
        return Err((StatusCode::NOT_FOUND, Json(body)).into_response());
    }
    let initialize = method == Some("initialize");
    if initialize && !state.inner.sessions.has_room_for(&principal.id).await {
        return Err(too_many(Duration::from_secs(60)));
    }
    let can_be_asked = head
        .as_ref()
        .and_then(|h| h.params.as_ref())
        .and_then(|p| p.capabilities.as_ref())
        .is_some_and(|c| c.elicitation.is_some());
    let light = initialize && !state.inner.stateless && !can_be_asked;
    Ok((Request::from_parts(parts, Body::from(bytes)), light))
}

async fn ready(State(state): State<AppState>) -> Response {
    let mut failed = Vec::new();
    for (name, store) in &state.inner.stores {
        if let Err(e) = store.get("kash:ready").await {
            tracing::warn!(store = name, error = %e, "store not ready");
            state.inner.metrics.store_errors.inc();
            failed.push(*name);
        }
    }
    if failed.is_empty() {
        (StatusCode::OK, "ready").into_response()
    } else {
        refusal(
            StatusCode::SERVICE_UNAVAILABLE,
            &format!("unreachable: {}", failed.join(", ")),
        )
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    // Sessions open, rest and end on their own: count them now, not at every request.
    let (metrics, sessions) = (&state.inner.metrics, &state.inner.sessions);
    metrics
        .sessions
        .set(i64::try_from(sessions.open().await).unwrap_or(i64::MAX));
    metrics
        .session_workers
        .set(i64::try_from(sessions.awake()).unwrap_or(i64::MAX));
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    (headers, state.inner.metrics.render()).into_response()
}

async fn server_card(State(state): State<AppState>) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/mcp-server-card+json"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    (headers, Json(state.inner.card.clone())).into_response()
}

async fn manifest(State(state): State<AppState>) -> Response {
    Json(state.inner.manifest.clone()).into_response()
}
