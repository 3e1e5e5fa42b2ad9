//! From flags to a listening server: the stores opened, the callers' way in chosen, the
//! socket bound. `main.rs` prints the ready line and serves; tests start servers the same way
//! in their own process.

use std::future::Future;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use kash_mcp_core::config::Key;
use kash_mcp_core::front::{Audience, LaunchError, Launched, Settings, ShopChoice, launch};
use kash_mcp_core::{KashMcp, MemoryStore, Shop, Store};
use kash_sandbox::Sandbox;
use sha2::Sha256;
use tokio::net::TcpListener;

use crate::auth::{Auth, SingleShop, StaticAuth, Template, parse_tokens};
use crate::metrics::{Meters, Metrics};
use crate::oauth::{OAuth, OAuthSettings};
use crate::principal::HttpCallers;
use crate::sessions::SessionLimits;
use crate::settings::{Args, AuthMode};
use crate::store::{self, StoreSpec};
use crate::{AppState, Options, RateLimits, app};

/// Why the server did not start, with the process's exit code (2: the settings; 1: the
/// machine or a service).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct StartError {
    /// The exit code.
    pub code: u8,
    /// What to fix.
    pub message: String,
}

/// The demo shop or the operator's shop, for a server of many users.
async fn launch_shop(settings: &Settings) -> Result<Launched, LaunchError> {
    launch(
        "kash-http",
        &settings.shop,
        settings.timeout,
        settings.now,
        Audience::Many,
    )
    .await
}

fn settings_error(message: impl Into<String>) -> StartError {
    StartError {
        code: 2,
        message: message.into(),
    }
}

fn service_error(message: impl Into<String>) -> StartError {
    StartError {
        code: 1,
        message: message.into(),
    }
}

/// A server bound to its socket, not yet serving.
#[derive(Debug)]
pub struct Started {
    listener: TcpListener,
    state: AppState,
    /// The embedded demo shop (`--sandbox`), stopped when serving ends.
    sandbox: Option<Sandbox>,
    /// The MCP endpoint's URL.
    pub mcp_url: String,
    /// The `Authorization` header a client sends (sandbox: the demo shop's; static: its form).
    pub authorization: Option<String>,
    /// The address the socket is bound to.
    pub local_addr: SocketAddr,
    /// The demo shop's back-office login and password (`--sandbox --auth oauth`).
    pub sign_in: Option<serde_json::Value>,
}

/// A key derived from the shared secret for one use.
fn derived(secret: &str, label: &str) -> Key {
    match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(label.as_bytes());
            Key::new(mac.finalize().into_bytes().to_vec())
        }
        Err(_) => Key::random(),
    }
}

/// The key sealing secrets at rest: derived from the shared secret, else random (sign-ins
/// then end with the process).
fn seal_key(secret: Option<&str>) -> [u8; 32] {
    let mut key = [0u8; 32];
    match secret.and_then(|s| Hmac::<Sha256>::new_from_slice(s.as_bytes()).ok()) {
        Some(mut mac) => {
            mac.update(b"kash oauth seal");
            key.copy_from_slice(&mac.finalize().into_bytes());
        }
        None => rand::RngCore::fill_bytes(&mut rand::rng(), &mut key),
    }
    key
}

fn per_second(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

/// Opens the stores, chooses the way in and binds the socket.
///
/// # Errors
/// [`StartError`]: bad settings (code 2), a store or the socket unavailable (code 1).
pub async fn start(args: Args) -> Result<Started, StartError> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let (mut settings, _) = args
        .common
        .resolve(&cwd)
        .map_err(|e| settings_error(e.to_string()))?;
    // OAuth is the default of a server published over https.
    let mode = args.auth.unwrap_or(
        if args
            .public_url
            .as_ref()
            .is_some_and(|u| u.scheme() == "https")
        {
            AuthMode::Oauth
        } else {
            AuthMode::Static
        },
    );
    if mode == AuthMode::Oauth
        && let Some(u) = &args.public_url
        && u.scheme() != "https"
        && !kash_api::is_loopback(u)
    {
        return Err(settings_error(
            "--auth oauth needs an https --public-url (plain http only on loopback, for trying it)",
        ));
    }
    if mode == AuthMode::Oauth && args.secret_key.is_none() && args.store != StoreSpec::Memory {
        return Err(settings_error(
            "--auth oauth with a lasting store needs KASH_SECRET_KEY (32 characters or more): it seals the shops' keys, and sign-ins must survive a restart",
        ));
    }
    match &args.secret_key {
        Some(s) if s.len() >= 32 => {
            settings.config.request_state_key = derived(s, "kash request state");
            settings.config.tenant_secret = derived(s, "kash tenant");
        }
        Some(_) => {
            return Err(settings_error(
                "KASH_SECRET_KEY needs 32 characters or more",
            ));
        }
        None if matches!(args.store, StoreSpec::Redis(_)) => {
            return Err(settings_error(
                "a Redis store is shared by replicas: set KASH_SECRET_KEY (32 characters or more, the same on every replica)",
            ));
        }
        None => {}
    }
    let records = store::open(&args.store, "kash:rec:")
        .await
        .map_err(|e| service_error(format!("cannot open the store {}: {e}", args.store)))?;
    let cache: Arc<dyn Store> = match &args.cache_store {
        Some(spec) => store::open(spec, "kash:cache:")
            .await
            .map_err(|e| service_error(format!("cannot open the cache store {spec}: {e}")))?,
        None => Arc::new(MemoryStore::with_limits(100_000, 256 << 20)),
    };
    let metrics = Arc::new(Metrics::default());
    settings.config.meter = Some(Arc::new(Meters(metrics.clone())));
    let pool = kash_api::Pool::builder()
        .observer(Arc::new(Meters(metrics.clone())))
        .timeout(settings.timeout)
        .allow_insecure_http(args.common.allow_insecure_http.unwrap_or(false))
        .per_shop_concurrency(args.pos_concurrency.max(1))
        .build()
        .map_err(|e| settings_error(e.to_string()))?;
    let template = Template {
        time_zone: settings.config.time_zone.clone(),
        secret: settings.config.tenant_secret.clone(),
        demo: false,
    };
    let listener = TcpListener::bind(args.addr)
        .await
        .map_err(|e| service_error(format!("cannot listen on {}: {e}", args.addr)))?;
    let local_addr = listener
        .local_addr()
        .map_err(|e| service_error(e.to_string()))?;
    let public_url = match &args.public_url {
        Some(u) => u.clone(),
        None => url::Url::parse(&format!("http://{local_addr}/"))
            .map_err(|e| service_error(e.to_string()))?,
    };
    let seal_key = seal_key(args.secret_key.as_deref());
    let preregistered = match &args.oauth_clients {
        Some(path) => crate::oauth::read_clients(path).map_err(settings_error)?,
        None => Vec::new(),
    };
    let mut sandbox = None;
    let mut sign_in = None;
    let authorization;
    let auth = match (mode, &settings.shop) {
        (AuthMode::SingleShop, ShopChoice::Real { .. }) => {
            let tokens = match args.tokens.as_deref().map(parse_tokens) {
                Some(Ok(t)) => t,
                Some(Err(e)) => return Err(settings_error(e)),
                None => {
                    return Err(settings_error(
                        "--auth single-shop needs KASH_HTTP_TOKENS: the tokens callers send",
                    ));
                }
            };
            let launched = launch_shop(&settings)
                .await
                .map_err(|e| settings_error(e.to_string()))?;
            authorization = Some("Bearer <one of KASH_HTTP_TOKENS>".to_owned());
            // The shop's client from the server's pool: its calls are counted and gated.
            let client = match &settings.shop {
                ShopChoice::Real {
                    shop_id, api_key, ..
                } => kash_api::ShopId::new(shop_id.clone())
                    .and_then(|shop_id| {
                        let api_key = kash_api::ApiKey::new(api_key.clone())?;
                        pool.client(
                            kash_api::Credentials { shop_id, api_key },
                            launched.client.base_url(),
                        )
                    })
                    .map_err(|e| settings_error(e.to_string()))?,
                _ => launched.client,
            };
            let shop = Shop::new(client, template.time_zone.clone(), &template.secret);
            Auth::SingleShop(SingleShop::new(shop, tokens, template.secret.clone()))
        }
        (AuthMode::SingleShop, _) => {
            return Err(settings_error(
                "--auth single-shop serves your shop: set SHOPID and APIKEY",
            ));
        }
        (AuthMode::Oauth, choice) => {
            let base = match choice {
                ShopChoice::Sandbox { .. } => {
                    let launched = launch_shop(&settings)
                        .await
                        .map_err(|e| service_error(e.to_string()))?;
                    let sb = launched
                        .sandbox
                        .ok_or_else(|| service_error("the demo shop did not start"))?;
                    let c = sb.credentials();
                    sign_in = Some(serde_json::json!({"login": c.login, "password": c.password}));
                    let base = sb.base_url().to_owned();
                    sandbox = Some(sb);
                    settings.config.demo = true;
                    base
                }
                _ => args
                    .common
                    .api_base
                    .clone()
                    .unwrap_or_else(|| kash_api::DEFAULT_BASE_URL.to_owned()),
            };
            authorization = None;
            let demo = sandbox.is_some();
            Auth::OAuth(Arc::new(OAuth::new(OAuthSettings {
                public_url: public_url.clone(),
                store: records.clone(),
                seal_key,
                pool,
                base_url: base,
                template: Template { demo, ..template },
                access_ttl: std::time::Duration::from_secs(args.access_token_seconds.max(1)),
                cimd_allow_loopback: args.cimd_allow_loopback,
                preregistered,
            })))
        }
        (_, ShopChoice::Sandbox { .. }) => {
            let launched = launch_shop(&settings)
                .await
                .map_err(|e| service_error(e.to_string()))?;
            let sb = launched
                .sandbox
                .ok_or_else(|| service_error("the demo shop did not start"))?;
            let c = sb.credentials().clone();
            authorization = Some(format!("Bearer {}:{}", c.shop_id, c.api_key));
            let base = sb.base_url().to_owned();
            sandbox = Some(sb);
            settings.config.demo = true;
            let anonymous = kash_api::Credentials {
                shop_id: kash_api::ShopId::new(c.shop_id)
                    .map_err(|e| service_error(e.to_string()))?,
                api_key: kash_api::ApiKey::new(c.api_key)
                    .map_err(|e| service_error(e.to_string()))?,
            };
            let demo = Template {
                demo: true,
                ..template
            };
            Auth::Static(StaticAuth::new(pool, base, demo).open_to(anonymous))
        }
        _ => {
            let base = args
                .common
                .api_base
                .clone()
                .unwrap_or_else(|| kash_api::DEFAULT_BASE_URL.to_owned());
            authorization = Some("Bearer SHOPID:APIKEY".to_owned());
            Auth::Static(StaticAuth::new(pool, base, template))
        }
    };
    let mcp_url = public_url
        .join("mcp")
        .map_err(|e| settings_error(format!("--public-url: {e}")))?
        .to_string();
    let server = KashMcp::with_stores(
        settings.config,
        Arc::new(HttpCallers),
        records.clone(),
        cache.clone(),
    );
    let state = AppState::new(
        server,
        Options {
            auth,
            public_url,
            stateless: args.stateless.unwrap_or(false),
            sessions: SessionLimits {
                idle: Duration::from_secs(
                    args.session_idle_seconds
                        .unwrap_or(args.session_idle_minutes.saturating_mul(60))
                        .max(1),
                ),
                rest: Duration::from_secs(args.session_rest_seconds.max(1)),
                total: args.max_sessions,
                per_principal: args.max_sessions_per_caller,
            },
            rate: RateLimits {
                per_second: per_second(args.rate_limit),
                burst: per_second(args.rate_burst),
                failures_per_minute: per_second(args.auth_failures_per_minute),
            },
            stores: vec![("store", records), ("cache store", cache)],
            trust_proxy: args.trust_proxy.unwrap_or(false),
            max_body: args.max_body_kib.saturating_mul(1024),
            metrics,
            request_timeout: Duration::from_secs(args.request_timeout.max(1)),
        },
    );
    Ok(Started {
        sign_in,
        listener,
        state,
        sandbox,
        mcp_url,
        authorization,
        local_addr,
    })
}

impl Started {
    /// The ready line: one JSON object with the MCP URL and the header to send.
    pub fn ready_line(&self) -> String {
        serde_json::json!({
            "mcp_url": self.mcp_url,
            "authorization": self.authorization,
            "sign_in": self.sign_in,
        })
        .to_string()
    }

    /// The server's state (sessions, limits), e.g. for a test.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then stops taking requests, lets the ones in flight
    /// finish and ends the sessions.
    ///
    /// # Errors
    /// The socket failed.
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let pruner = self.state.clone();
        let prune = tokio::spawn(async move {
            let mut tick = tokio::time::interval(pruner.expiry_tick());
            let mut pruned = tokio::time::Instant::now();
            loop {
                tick.tick().await;
                pruner.expire_sessions().await;
                if pruned.elapsed() >= Duration::from_secs(60) {
                    pruner.prune();
                    pruned = tokio::time::Instant::now();
                }
            }
        });
        let ending = self.state.clone();
        let service = app(self.state).into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(self.listener, service)
            .with_graceful_shutdown(async move {
                shutdown.await;
                ending.end_sessions();
            })
            .await;
        prune.abort();
        if let Some(sb) = self.sandbox {
            sb.shutdown().await;
        }
        served
    }
}
