//! `--auth oauth`: kash-http as its own OAuth 2.1 authorization server, for ChatGPT and
//! Claude connectors. The sign-in is the shop's POS back-office account, checked by the POS
//! (`getAuthToken.php`), which yields the shop id and API key; the key is kept server-side,
//! sealed ([`seal`]), under the grant, and never appears in a token.
//!
//! - Discovery: RFC 9728 protected-resource metadata (root and path-inserted), RFC 8414
//!   metadata and its OpenID alias, `issuer` exactly the public URL.
//! - Clients: dynamic registration (RFC 7591; the server makes every `client_id`; https or
//!   loopback redirect URIs; unused registrations expire).
//! - `/authorize`: exact redirect URI, PKCE S256 only, `state` echoed, `resource` must be the
//!   MCP URL (RFC 8707), `iss` in the answer (RFC 9207); errors found before the redirect URI
//!   is trusted are shown on a page.
//! - Tokens are **opaque** and looked up in the record store: revocation takes effect at
//!   once on every replica, there is no signing key to rotate, and a token carries nothing a
//!   thief could read. Access tokens live an hour; refresh tokens rotate, are single-use,
//!   and a reused one revokes its whole grant; so does a replayed code.

mod account;
pub mod cimd;
pub mod pages;
pub mod seal;

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use kash_api::{ApiKey, Credentials, Pool, ShopId};
use kash_mcp_core::store::StoreExt as _;
use kash_mcp_core::{Caller, CredentialsHint, Lang, Rights, Store};
use rand::RngCore as _;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use self::seal::Sealer;
use crate::auth::{Refusal, Template};
use crate::principal::{Principal, accept_language};

/// Reading the shop.
pub const SCOPE_READ: &str = "pos:read";
/// Recording sales and changing the catalogue.
pub const SCOPE_WRITE: &str = "pos:write";

/// How long an access token lives, by default.
pub const ACCESS_TTL: Duration = Duration::from_secs(3600);
/// How long a grant (and its refresh token) lives without being refreshed.
const GRANT_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
/// How long a code may be exchanged.
const CODE_TTL: Duration = Duration::from_secs(120);
/// How long the sign-in may take before consent.
const PENDING_TTL: Duration = Duration::from_secs(600);
/// How long a registration lives unused.
const CLIENT_TTL: Duration = Duration::from_secs(90 * 24 * 3600);
/// How long a resolved access token is trusted in memory before the store is asked again.
const TOKEN_MEMORY: Duration = Duration::from_secs(5);

/// The authorization server.
pub struct OAuth {
    /// The public URL (the issuer), without a trailing slash.
    issuer: String,
    /// The protected resource: the MCP URL.
    resource: String,
    store: Arc<dyn Store>,
    sealer: Sealer,
    pool: Pool,
    base_url: String,
    template: Template,
    https: bool,
    access_ttl: Duration,
    cimd: cimd::Fetcher,
    /// Clients registered in the configuration, by id.
    preregistered: std::collections::HashMap<String, Client>,
    by_address: DefaultKeyedRateLimiter<IpAddr>,
    by_account: DefaultKeyedRateLimiter<String>,
    registrations: DefaultKeyedRateLimiter<IpAddr>,
    /// Addresses and logins turned away after too many failed sign-ins, until when.
    blocked: Mutex<std::collections::HashMap<String, Instant>>,
    /// Access tokens resolved lately: hash → (principal, when).
    recent: Mutex<std::collections::HashMap<String, (Principal, Instant)>>,
}

impl std::fmt::Debug for OAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuth")
            .field("issuer", &self.issuer)
            .field("resource", &self.resource)
            .finish_non_exhaustive()
    }
}

/// A registered client.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Client {
    name: String,
    redirect_uris: Vec<String>,
    issued_at: i64,
}

/// An authorization request, sealed into the sign-in form.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct AuthRequest {
    client_id: String,
    client_name: String,
    redirect_uri: String,
    state: Option<String>,
    challenge: String,
    scopes: Vec<String>,
}

/// A signed-in user between sign-in and consent.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pending {
    request: AuthRequest,
    shop_id: String,
    sealed_key: String,
}

/// What a user granted a client: the shop, its sealed key, the scopes.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Grant {
    client_id: String,
    client_name: String,
    shop_id: String,
    sealed_key: String,
    scopes: Vec<String>,
    /// When it was granted, and last refreshed (seconds since the epoch).
    #[serde(default)]
    created: i64,
    #[serde(default)]
    last_used: i64,
}

/// A code waiting to be exchanged.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Code {
    grant: String,
    client_id: String,
    redirect_uri: String,
    challenge: String,
}

/// An access or refresh token's record.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct TokenRecord {
    grant: String,
    scopes: Vec<String>,
    audience: String,
}

fn random_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The store key of a secret (its hash: the store never holds a usable token).
fn hashed(kind: &str, secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    format!("oauth:{kind}:{}", hex::encode(digest))
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

fn limiter<K: std::hash::Hash + Eq + Clone>(per_minute: u32) -> DefaultKeyedRateLimiter<K> {
    RateLimiter::keyed(Quota::per_minute(
        NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN),
    ))
}

/// An OAuth error answer of the token and registration endpoints (never cached).
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut r = (
        status,
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response();
    no_store(r.headers_mut());
    r
}

fn no_store(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

/// Whether a redirect URI may be registered: https, or http to loopback; no fragment.
fn redirect_allowed(uri: &str) -> bool {
    let Ok(u) = url::Url::parse(uri) else {
        return false;
    };
    if u.fragment().is_some() || !u.username().is_empty() || u.password().is_some() {
        return false;
    }
    match u.scheme() {
        "https" => u.host().is_some(),
        "http" => kash_api::is_loopback(&u),
        _ => false,
    }
}

fn host_of(uri: &str) -> String {
    url::Url::parse(uri)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default()
}

fn origin_of(uri: &str) -> String {
    url::Url::parse(uri)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default()
}

fn lang_of(headers: &HeaderMap) -> Lang {
    accept_language(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
    .unwrap_or(Lang::En)
}

fn text(lang: Lang, en: &'static str, fr: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Fr => fr,
    }
}

/// The value of the cookie `name`.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(prefix.as_str()).map(str::to_owned))
}

/// The CSRF cookie's value.
fn csrf_cookie(headers: &HeaderMap) -> Option<String> {
    cookie(headers, "kash_csrf")
}

/// Sets a cookie only our pages read: HttpOnly, SameSite=Strict, Secure over https.
fn set_cookie(r: &mut Response, name: &str, value: &str, path: &str, https: bool) {
    let cookie = format!(
        "{name}={value}; Path={path}; HttpOnly; SameSite=Strict{}",
        if https { "; Secure" } else { "" }
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// The double-submit CSRF check of every form: the form's token must be the page's cookie.
/// The cookie's value, or the page refusing the form.
fn csrf_checked(
    headers: &HeaderMap,
    lang: Lang,
    form_csrf: &str,
) -> Result<Option<String>, Box<Response>> {
    let cookie = csrf_cookie(headers);
    if cookie.as_deref().is_some_and(|c| constant_eq(c, form_csrf)) {
        Ok(cookie)
    } else {
        Err(Box::new(pages::error(
            lang,
            StatusCode::FORBIDDEN,
            text(
                lang,
                "The form was not sent from this page (cookies must be allowed). Start again from the application.",
                "Le formulaire n'a pas été envoyé depuis cette page (les cookies doivent être autorisés). Recommencez depuis l'application.",
            ),
        )))
    }
}

/// The store cannot be reached: the token endpoint's answer.
fn unavailable() -> Response {
    oauth_error(
        StatusCode::SERVICE_UNAVAILABLE,
        "temporarily_unavailable",
        "the token store is unavailable; try again",
    )
}

fn constant_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq as _;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Settings of the authorization server.
#[derive(Debug)]
pub struct OAuthSettings {
    /// The public URL (issuer).
    pub public_url: url::Url,
    /// Where tokens, grants and clients live.
    pub store: Arc<dyn Store>,
    /// The key sealing secrets at rest (32 bytes).
    pub seal_key: [u8; 32],
    /// The pool reaching the POS, and its address.
    pub pool: Pool,
    pub base_url: String,
    pub template: Template,
    /// How long an access token lives.
    pub access_ttl: Duration,
    /// Tests only: client metadata documents may be plain http on loopback.
    pub cimd_allow_loopback: bool,
    /// Clients registered in the configuration.
    pub preregistered: Vec<PreRegistered>,
}

/// A client registered in the configuration (`--oauth-clients FILE`, a JSON array of these).
#[derive(Debug, Clone, Deserialize)]
pub struct PreRegistered {
    /// Its id (as the client sends it).
    pub client_id: String,
    /// Its name, shown on the consent page.
    pub client_name: String,
    /// Where it may be sent back (https, or http to loopback).
    pub redirect_uris: Vec<String>,
}

/// Reads and checks a file of pre-registered clients.
///
/// # Errors
/// The file cannot be read, is not a JSON array of clients, or a redirect URI is not allowed.
pub fn read_clients(path: &std::path::Path) -> Result<Vec<PreRegistered>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let clients: Vec<PreRegistered> = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}: not a JSON array of {{client_id, client_name, redirect_uris}}: {e}",
            path.display()
        )
    })?;
    for c in &clients {
        if c.client_id.is_empty() || c.client_id.len() > 128 {
            return Err(format!(
                "{}: a client_id is empty or too long",
                path.display()
            ));
        }
        if c.redirect_uris.is_empty() || !c.redirect_uris.iter().all(|u| redirect_allowed(u)) {
            return Err(format!(
                "{}: client {}: redirect_uris must be https (or http to loopback)",
                path.display(),
                c.client_id
            ));
        }
    }
    Ok(clients)
}

impl OAuth {
    /// The authorization server of `settings`.
    pub fn new(settings: OAuthSettings) -> Self {
        let issuer = settings
            .public_url
            .as_str()
            .trim_end_matches('/')
            .to_owned();
        Self {
            resource: format!("{issuer}/mcp"),
            https: settings.public_url.scheme() == "https",
            issuer,
            store: settings.store,
            sealer: Sealer::new(&settings.seal_key),
            pool: settings.pool,
            base_url: settings.base_url,
            template: settings.template,
            access_ttl: settings.access_ttl,
            cimd: cimd::Fetcher::new(settings.cimd_allow_loopback),
            preregistered: settings
                .preregistered
                .into_iter()
                .map(|c| {
                    (
                        c.client_id,
                        Client {
                            name: c.client_name,
                            redirect_uris: c.redirect_uris,
                            issued_at: 0,
                        },
                    )
                })
                .collect(),
            by_address: limiter(20),
            by_account: limiter(5),
            registrations: limiter(20),
            recent: Mutex::default(),
            blocked: Mutex::default(),
        }
    }

    /// The protected resource's metadata URL, for `WWW-Authenticate`.
    pub fn resource_metadata_url(&self) -> String {
        format!("{}/.well-known/oauth-protected-resource/mcp", self.issuer)
    }

    /// The `WWW-Authenticate` challenge of a request without a valid token.
    pub fn challenge(&self, error: Option<&str>) -> String {
        let mut c = format!(
            "Bearer resource_metadata=\"{}\", scope=\"{SCOPE_READ} {SCOPE_WRITE}\"",
            self.resource_metadata_url()
        );
        if let Some(e) = error {
            c.push_str(&format!(", error=\"{e}\""));
        }
        c
    }

    /// The routes of the authorization server.
    pub fn routes<S: Clone + Send + Sync + 'static>(self: &Arc<Self>) -> Router<S> {
        Router::new()
            .route(
                "/.well-known/oauth-protected-resource",
                get(protected_resource),
            )
            .route(
                "/.well-known/oauth-protected-resource/mcp",
                get(protected_resource),
            )
            .route(
                "/.well-known/oauth-authorization-server",
                get(server_metadata),
            )
            .route("/.well-known/openid-configuration", get(server_metadata))
            .route("/register", post(register))
            .route("/authorize", get(authorize).post(sign_in))
            .route("/authorize/consent", post(consent))
            .route("/token", post(token))
            .route("/revoke", post(revoke))
            .route("/oauth/style.css", get(style))
            .route("/account", get(account::page).post(account::sign_in))
            .route("/account/revoke", post(account::revoke))
            .with_state(self.clone())
    }

    /// The principal of a request bearing an access token.
    ///
    /// # Errors
    /// [`Refusal::Missing`] without a token, [`Refusal::Wrong`] for an unknown, expired,
    /// revoked or foreign one, [`Refusal::Unverified`] when the store cannot be read.
    pub async fn principal(&self, headers: &HeaderMap) -> Result<Principal, Refusal> {
        let token = crate::auth::bearer(headers).ok_or_else(|| {
            Refusal::Missing("sign in: send Authorization: Bearer <token>".into())
        })?;
        let key = hashed("at", token);
        if let Ok(recent) = self.recent.lock()
            && let Some((p, at)) = recent.get(&key)
            && at.elapsed() < TOKEN_MEMORY
        {
            return Ok(p.clone());
        }
        let unavailable =
            |_| Refusal::Unverified("the token store is unavailable; try again".into());
        let record: TokenRecord = self
            .store
            .get_json(&key)
            .await
            .map_err(unavailable)?
            .ok_or_else(|| {
                Refusal::Wrong("the access token is unknown, expired or revoked".into())
            })?;
        if record.audience != self.resource {
            return Err(Refusal::Wrong(
                "the access token is for another server".into(),
            ));
        }
        let grant: Grant = self
            .store
            .get_json(&format!("oauth:grant:{}", record.grant))
            .await
            .map_err(unavailable)?
            .ok_or_else(|| Refusal::Wrong("the access was revoked: sign in again".into()))?;
        let api_key = self
            .sealer
            .open("api key", &grant.sealed_key)
            .and_then(|k| String::from_utf8(k).ok())
            .ok_or_else(|| Refusal::Wrong("the access cannot be read: sign in again".into()))?;
        let credentials = ShopId::new(grant.shop_id.clone())
            .and_then(|shop_id| {
                Ok(Credentials {
                    shop_id,
                    api_key: ApiKey::new(api_key)?,
                })
            })
            .map_err(|e| Refusal::Wrong(e.to_string()))?;
        let client = self
            .pool
            .client(credentials, &self.base_url)
            .map_err(|e| Refusal::Wrong(e.to_string()))?;
        let shop = self.template.shop(client);
        let rights = if record.scopes.iter().any(|s| s == SCOPE_WRITE) {
            Rights::all()
        } else {
            Rights::read_only()
        };
        let principal = Principal {
            id: crate::auth::keyed(&self.template.secret, &[b"grant", record.grant.as_bytes()])
                .into(),
            caller: Caller::of(shop).with_rights(rights).with_credentials_hint(
                CredentialsHint::new(
                    "The POS refused the shop's key: sign in again from your assistant's connector settings.",
                    "La caisse a refusé la clé de la boutique : reconnectez-vous depuis les réglages du connecteur de votre assistant.",
                ),
            ),
        };
        if let Ok(mut recent) = self.recent.lock() {
            if recent.len() > 10_000 {
                recent.retain(|_, (_, at)| at.elapsed() < TOKEN_MEMORY);
            }
            recent.insert(key, (principal.clone(), Instant::now()));
        }
        Ok(principal)
    }

    /// Whether the principal may write (for the 403 step-up).
    pub fn can_write(principal: &Principal) -> bool {
        !principal.caller.rights.read_only
    }

    async fn client(&self, id: &str) -> Option<Client> {
        if let Some(c) = self.preregistered.get(id) {
            return Some(c.clone());
        }
        if id.is_empty() || id.len() > 128 {
            return None;
        }
        self.store
            .get_json(&format!("oauth:client:{id}"))
            .await
            .ok()
            .flatten()
    }

    /// A registered client, or one whose `client_id` is its metadata document's URL.
    async fn resolve_client(&self, id: &str) -> Result<Client, Option<String>> {
        if let Some(c) = self.client(id).await {
            return Ok(c);
        }
        if !cimd::Fetcher::is_document(id) {
            return Err(None);
        }
        let doc = self.cimd.fetch(id).await.map_err(|e| Some(e.to_string()))?;
        let redirect_uris: Vec<String> = doc
            .redirect_uris
            .into_iter()
            .filter(|u| redirect_allowed(u))
            .collect();
        if redirect_uris.is_empty() {
            return Err(Some(
                "the client's metadata document has no usable redirect URI".to_owned(),
            ));
        }
        let name = doc
            .client_name
            .unwrap_or_else(|| host_of(id))
            .chars()
            .filter(|c| !c.is_control())
            .take(80)
            .collect();
        Ok(Client {
            name,
            redirect_uris,
            issued_at: now(),
        })
    }

    /// The store key of a shop's list of grants.
    fn shop_index(&self, shop_id: &str) -> String {
        hashed("shop", &format!("{}|{shop_id}", self.base_url))
    }

    /// The grants given for a shop (their ids), for `/account`.
    async fn grants_of(&self, shop_id: &str) -> Vec<String> {
        self.store
            .get_json::<Vec<String>>(&self.shop_index(shop_id))
            .await
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    /// Adds a grant to its shop's list (dropping the ids whose grant is gone).
    async fn index_grant(&self, shop_id: &str, grant: &str) {
        let mut ids = Vec::new();
        for id in self.grants_of(shop_id).await {
            if matches!(
                self.store.get(&format!("oauth:grant:{id}")).await,
                Ok(Some(_))
            ) {
                ids.push(id);
            }
        }
        ids.push(grant.to_owned());
        if let Err(e) = self
            .store
            .set_json(&self.shop_index(shop_id), &ids, GRANT_TTL)
            .await
        {
            tracing::warn!(error = %e, "a shop's list of grants could not be written");
        }
    }

    /// Checks a POS login (throttled per address and per login): the shop's credentials, or
    /// the message to show.
    async fn check_login(
        &self,
        ip: IpAddr,
        login: &str,
        password: String,
    ) -> Result<Credentials, fn(Lang) -> &'static str> {
        fn generic(lang: Lang) -> &'static str {
            text(
                lang,
                "The login or password is wrong, or there were too many attempts: wait a minute and try again.",
                "L'identifiant ou le mot de passe est faux, ou il y a eu trop d'essais : attendez une minute et recommencez.",
            )
        }
        fn unreachable(lang: Lang) -> &'static str {
            text(
                lang,
                "The POS cannot be reached right now: try again in a moment.",
                "La caisse est injoignable pour le moment : réessayez dans un instant.",
            )
        }
        let account = login.to_lowercase();
        if self.is_blocked(&format!("ip:{ip}")) || self.is_blocked(&format!("login:{account}")) {
            return Err(generic);
        }
        if login.is_empty() || password.is_empty() || login.len() > 200 {
            return Err(generic);
        }
        let password = secrecy::SecretString::from(password);
        match self.pool.login(&self.base_url, login, &password).await {
            Ok(c) => Ok(c),
            Err(e) if e.is_timeout() || matches!(e, kash_api::KashError::Transport { .. }) => {
                Err(unreachable)
            }
            Err(_) => {
                // Only failures count: past the quota, the address or the login waits.
                let now = governor::clock::Clock::now(self.by_address.clock());
                if let Err(n) = self.by_address.check_key(&ip) {
                    self.block(format!("ip:{ip}"), n.wait_time_from(now));
                }
                if let Err(n) = self.by_account.check_key(&account) {
                    self.block(format!("login:{account}"), n.wait_time_from(now));
                }
                Err(generic)
            }
        }
    }

    fn is_blocked(&self, key: &str) -> bool {
        self.blocked
            .lock()
            .ok()
            .and_then(|b| b.get(key).copied())
            .is_some_and(|until| until > Instant::now())
    }

    fn block(&self, key: String, wait: Duration) {
        if let Ok(mut b) = self.blocked.lock() {
            let now = Instant::now();
            if b.len() > 10_000 {
                b.retain(|_, until| *until > now);
            }
            b.insert(key, now + wait);
        }
    }

    /// Marks a code or refresh token used (`marker`, the hash of the secret): it works once,
    /// and a second use revokes its whole grant. Only the kind of secret is logged.
    async fn use_once(
        &self,
        marker: &str,
        ttl: Duration,
        grant: &str,
        kind: &str,
    ) -> Result<(), Box<Response>> {
        match self.store.set_if_absent(marker, vec![1], ttl).await {
            Ok(true) => Ok(()),
            Ok(false) => {
                tracing::warn!(kind, "used twice: its grant is revoked");
                self.revoke_grant(grant).await;
                Err(Box::new(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    &format!("the {kind} was already used; its access is revoked"),
                )))
            }
            Err(_) => Err(Box::new(unavailable())),
        }
    }

    /// Forgets a grant: every token of it stops working.
    async fn revoke_grant(&self, grant: &str) {
        if let Ok(Some(g)) = self
            .store
            .get_json::<Grant>(&format!("oauth:grant:{grant}"))
            .await
        {
            let ids: Vec<String> = self
                .grants_of(&g.shop_id)
                .await
                .into_iter()
                .filter(|id| id != grant)
                .collect();
            let _ = self
                .store
                .set_json(&self.shop_index(&g.shop_id), &ids, GRANT_TTL)
                .await;
        }
        if let Err(e) = self.store.delete(&format!("oauth:grant:{grant}")).await {
            tracing::warn!(error = %e, "a grant could not be revoked");
        }
        if let Ok(mut recent) = self.recent.lock() {
            recent.clear();
        }
    }

    /// A fresh access and refresh token pair for `grant`.
    async fn issue(&self, grant: &str, scopes: &[String]) -> Result<Response, Response> {
        let store_error = |_| unavailable();
        let access = random_token("kat_");
        let refresh = random_token("krt_");
        let record = TokenRecord {
            grant: grant.to_owned(),
            scopes: scopes.to_vec(),
            audience: self.resource.clone(),
        };
        self.store
            .set_json(&hashed("at", &access), &record, self.access_ttl)
            .await
            .map_err(store_error)?;
        self.store
            .set_json(&hashed("rt", &refresh), &record, GRANT_TTL)
            .await
            .map_err(store_error)?;
        let mut r = Json(json!({
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": self.access_ttl.as_secs(),
            "refresh_token": refresh,
            "scope": scopes.join(" "),
        }))
        .into_response();
        no_store(r.headers_mut());
        Ok(r)
    }

    /// The answer to the client: a redirect to its URI with these parameters and `iss`.
    fn back_to_client(&self, redirect_uri: &str, params: &[(&str, &str)]) -> Response {
        let Ok(mut u) = url::Url::parse(redirect_uri) else {
            return pages::error(Lang::En, StatusCode::BAD_REQUEST, "bad redirect URI");
        };
        {
            let mut q = u.query_pairs_mut();
            for (k, v) in params {
                q.append_pair(k, v);
            }
            q.append_pair("iss", &self.issuer);
        }
        Redirect::to(u.as_str()).into_response()
    }
}

async fn protected_resource(State(o): State<Arc<OAuth>>) -> Response {
    let mut r = Json(json!({
        "resource": o.resource,
        "authorization_servers": [o.issuer],
        "scopes_supported": [SCOPE_READ, SCOPE_WRITE],
        "bearer_methods_supported": ["header"],
        "resource_name": "Kash POS",
    }))
    .into_response();
    r.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    r
}

async fn server_metadata(State(o): State<Arc<OAuth>>) -> Response {
    let i = &o.issuer;
    let mut r = Json(json!({
        "issuer": i,
        "authorization_endpoint": format!("{i}/authorize"),
        "token_endpoint": format!("{i}/token"),
        "registration_endpoint": format!("{i}/register"),
        "revocation_endpoint": format!("{i}/revoke"),
        "scopes_supported": [SCOPE_READ, SCOPE_WRITE],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "revocation_endpoint_auth_methods_supported": ["none"],
        "authorization_response_iss_parameter_supported": true,
        "client_id_metadata_document_supported": true,
    }))
    .into_response();
    r.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    r
}

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        pages::STYLE,
    )
        .into_response()
}

/// The caller's address (the socket's).
#[derive(Debug, Clone, Copy)]
struct Peer(IpAddr);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<std::net::SocketAddr>>()
                .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip()),
        ))
    }
}

#[derive(Debug, Deserialize)]
struct Registration {
    #[serde(default)]
    redirect_uris: Vec<String>,
    client_name: Option<String>,
    token_endpoint_auth_method: Option<String>,
    grant_types: Option<Vec<String>>,
    response_types: Option<Vec<String>>,
}

/// RFC 7591 dynamic registration: public clients, server-made ids.
async fn register(
    State(o): State<Arc<OAuth>>,
    Peer(ip): Peer,
    body: axum::body::Bytes,
) -> Response {
    if o.registrations.check_key(&ip).is_err() {
        return oauth_error(
            StatusCode::TOO_MANY_REQUESTS,
            "slow_down",
            "too many registrations from this address; try again in a minute",
        );
    }
    let Ok(reg) = serde_json::from_slice::<Registration>(&body) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_client_metadata",
            "the body must be a JSON client metadata object",
        );
    };
    if reg.redirect_uris.is_empty()
        || reg.redirect_uris.len() > 10
        || !reg
            .redirect_uris
            .iter()
            .all(|u| u.len() <= 2000 && redirect_allowed(u))
    {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_redirect_uri",
            "redirect_uris must be https URLs (or http to loopback), without a fragment",
        );
    }
    if reg
        .token_endpoint_auth_method
        .as_deref()
        .is_some_and(|m| m != "none")
    {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_client_metadata",
            "only public clients (token_endpoint_auth_method none, with PKCE) are supported",
        );
    }
    if reg.grant_types.as_ref().is_some_and(|g| {
        g.iter()
            .any(|g| g != "authorization_code" && g != "refresh_token")
    }) || reg
        .response_types
        .as_ref()
        .is_some_and(|r| r.iter().any(|r| r != "code"))
    {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_client_metadata",
            "grant types: authorization_code and refresh_token; response type: code",
        );
    }
    let name: String = reg
        .client_name
        .unwrap_or_else(|| "An MCP client".to_owned())
        .chars()
        .filter(|c| !c.is_control())
        .take(80)
        .collect();
    let id = random_token("kc_");
    let client = Client {
        name: name.clone(),
        redirect_uris: reg.redirect_uris.clone(),
        issued_at: now(),
    };
    if let Err(e) = o
        .store
        .set_json(&format!("oauth:client:{id}"), &client, CLIENT_TTL)
        .await
    {
        tracing::warn!(error = %e, "a registration could not be stored");
        return oauth_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "the registration could not be stored; try again",
        );
    }
    let mut r = (
        StatusCode::CREATED,
        Json(json!({
            "client_id": id,
            "client_id_issued_at": client.issued_at,
            "client_name": name,
            "redirect_uris": reg.redirect_uris,
            "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
        })),
    )
        .into_response();
    no_store(r.headers_mut());
    r
}

#[derive(Debug, Deserialize)]
struct AuthorizeQuery {
    client_id: Option<String>,
    redirect_uri: Option<String>,
    response_type: Option<String>,
    state: Option<String>,
    scope: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    resource: Option<String>,
}

/// `GET /authorize`: checks the request, then shows the sign-in page.
async fn authorize(
    State(o): State<Arc<OAuth>>,
    headers: HeaderMap,
    Query(q): Query<AuthorizeQuery>,
) -> Response {
    let lang = lang_of(&headers);
    let page_error = |m: &str| pages::error(lang, StatusCode::BAD_REQUEST, m);
    // Until the client and its redirect URI are known good, errors stay on our page.
    let client_id = q.client_id.clone().unwrap_or_default();
    let client = match o.resolve_client(&client_id).await {
        Ok(c) => c,
        Err(Some(why)) => return page_error(&why),
        Err(None) => {
            return page_error(text(
                lang,
                "This application is not registered with this server (unknown client_id).",
                "Cette application n'est pas enregistrée auprès de ce serveur (client_id inconnu).",
            ));
        }
    };
    let redirect_uri = match (&q.redirect_uri, client.redirect_uris.as_slice()) {
        (Some(u), uris) if uris.iter().any(|r| r == u) => u.clone(),
        (None, [only]) => only.clone(),
        _ => {
            return page_error(text(
                lang,
                "The redirect address is not one this application registered.",
                "L'adresse de retour n'est pas une de celles que cette application a enregistrées.",
            ));
        }
    };
    let state = q.state.clone();
    let back = |error: &str, description: &str| {
        let mut params = vec![("error", error), ("error_description", description)];
        if let Some(s) = state.as_deref() {
            params.push(("state", s));
        }
        o.back_to_client(&redirect_uri, &params)
    };
    if q.response_type.as_deref() != Some("code") {
        return back("unsupported_response_type", "response_type must be code");
    }
    match (
        q.code_challenge.as_deref(),
        q.code_challenge_method.as_deref(),
    ) {
        (Some(c), Some("S256")) if (43..=128).contains(&c.len()) => {}
        _ => {
            return back(
                "invalid_request",
                "PKCE is required: code_challenge with code_challenge_method S256",
            );
        }
    }
    if q.resource.as_deref() != Some(o.resource.as_str()) {
        return back("invalid_target", "resource must be this server's MCP URL");
    }
    let scopes: Vec<String> = match q.scope.as_deref().map(str::trim) {
        None | Some("") => vec![SCOPE_READ.to_owned(), SCOPE_WRITE.to_owned()],
        Some(s) => s.split_whitespace().map(str::to_owned).collect(),
    };
    if scopes.iter().any(|s| s != SCOPE_READ && s != SCOPE_WRITE) {
        return back("invalid_scope", "scopes: pos:read, pos:write");
    }
    let request = AuthRequest {
        client_id,
        client_name: client.name,
        redirect_uri,
        state: q.state,
        challenge: q.code_challenge.unwrap_or_default(),
        scopes,
    };
    show_sign_in(&o, lang, &request, "", None, None)
}

/// The sign-in page, with a fresh CSRF cookie (or the one the browser has).
fn show_sign_in(
    o: &OAuth,
    lang: Lang,
    request: &AuthRequest,
    login: &str,
    error: Option<&str>,
    csrf: Option<String>,
) -> Response {
    let csrf = csrf.unwrap_or_else(|| random_token(""));
    let sealed = o.sealer.seal(
        "authorization request",
        &serde_json::to_vec(request).unwrap_or_default(),
    );
    let mut r = pages::sign_in(&pages::SignIn {
        lang,
        client: &request.client_name,
        host: &host_of(&request.redirect_uri),
        request: &sealed,
        csrf: &csrf,
        login,
        error,
    });
    set_cookie(&mut r, "kash_csrf", &csrf, "/authorize", o.https);
    r
}

/// The sign-in form of `/authorize` and of `/account` (which has no authorization request).
#[derive(Deserialize)]
pub(super) struct SignInForm {
    #[serde(default)]
    request: String,
    csrf: String,
    login: String,
    password: String,
}

impl std::fmt::Debug for SignInForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInForm").finish_non_exhaustive()
    }
}

/// `POST /authorize`: the sign-in form. The POS checks the login and password.
async fn sign_in(
    State(o): State<Arc<OAuth>>,
    Peer(ip): Peer,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let lang = lang_of(&headers);
    let Some(request) = o
        .sealer
        .open("authorization request", &form.request)
        .and_then(|b| serde_json::from_slice::<AuthRequest>(&b).ok())
    else {
        return pages::error(
            lang,
            StatusCode::BAD_REQUEST,
            text(
                lang,
                "This sign-in form is not valid any more.",
                "Ce formulaire de connexion n'est plus valide.",
            ),
        );
    };
    let cookie = match csrf_checked(&headers, lang, &form.csrf) {
        Ok(c) => c,
        Err(refused) => return *refused,
    };
    let login = form.login.trim().to_owned();
    let credentials = match o.check_login(ip, &login, form.password).await {
        Ok(c) => c,
        Err(message) => {
            return show_sign_in(&o, lang, &request, &login, Some(message(lang)), cookie);
        }
    };
    let pending_id = random_token("");
    let pending = Pending {
        request: request.clone(),
        shop_id: credentials.shop_id.as_str().to_owned(),
        sealed_key: o
            .sealer
            .seal("api key", credentials.api_key.expose_secret().as_bytes()),
    };
    if o.store
        .set_json(
            &format!("oauth:pending:{pending_id}"),
            &pending,
            PENDING_TTL,
        )
        .await
        .is_err()
    {
        return pages::store_unavailable(lang);
    }
    pages::consent(&pages::Consent {
        lang,
        shop: pending.shop_id.as_str(),
        client: &request.client_name,
        host: &host_of(&request.redirect_uri),
        write: request.scopes.iter().any(|s| s == SCOPE_WRITE),
        pending: &pending_id,
        csrf: &form.csrf,
        redirect_origin: &origin_of(&request.redirect_uri),
    })
}

#[derive(Debug, Deserialize)]
struct ConsentForm {
    pending: String,
    csrf: String,
    decision: String,
}

/// `POST /authorize/consent`: the user's decision; a code goes back to the client.
async fn consent(
    State(o): State<Arc<OAuth>>,
    headers: HeaderMap,
    Form(form): Form<ConsentForm>,
) -> Response {
    let lang = lang_of(&headers);
    if let Err(refused) = csrf_checked(&headers, lang, &form.csrf) {
        return *refused;
    }
    let key = format!("oauth:pending:{}", form.pending);
    let pending: Option<Pending> = o.store.get_json(&key).await.ok().flatten();
    let Some(pending) = pending.filter(|_| form.pending.len() <= 64) else {
        return pages::error(
            lang,
            StatusCode::BAD_REQUEST,
            text(
                lang,
                "This sign-in has expired: start again from the application.",
                "Cette connexion a expiré : recommencez depuis l'application.",
            ),
        );
    };
    let _ = o.store.delete(&key).await;
    let request = pending.request;
    let mut params: Vec<(&str, String)> = Vec::new();
    if form.decision == "deny" {
        params.push(("error", "access_denied".into()));
        params.push(("error_description", "the user denied access".into()));
    } else {
        let scopes: Vec<String> = if form.decision == "read" {
            vec![SCOPE_READ.to_owned()]
        } else {
            request.scopes.clone()
        };
        let grant_id = random_token("");
        let grant = Grant {
            client_id: request.client_id.clone(),
            client_name: request.client_name.clone(),
            shop_id: pending.shop_id,
            sealed_key: pending.sealed_key,
            scopes,
            created: now(),
            last_used: now(),
        };
        o.index_grant(&grant.shop_id, &grant_id).await;
        let code = random_token("kcd_");
        let stored = o
            .store
            .set_json(&format!("oauth:grant:{grant_id}"), &grant, GRANT_TTL)
            .await
            .and(
                o.store
                    .set_json(
                        &hashed("code", &code),
                        &Code {
                            grant: grant_id,
                            client_id: request.client_id.clone(),
                            redirect_uri: request.redirect_uri.clone(),
                            challenge: request.challenge.clone(),
                        },
                        CODE_TTL,
                    )
                    .await,
            );
        if stored.is_err() {
            params.push(("error", "temporarily_unavailable".into()));
        } else {
            params.push(("code", code));
        }
    }
    if let Some(s) = &request.state {
        params.push(("state", s.clone()));
    }
    let borrowed: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    o.back_to_client(&request.redirect_uri, &borrowed)
}

#[derive(Debug, Deserialize)]
struct TokenForm {
    grant_type: String,
    code: Option<String>,
    redirect_uri: Option<String>,
    client_id: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
    resource: Option<String>,
}

/// `POST /token`: a code (with its PKCE verifier) or a refresh token for tokens.
async fn token(State(o): State<Arc<OAuth>>, Form(form): Form<TokenForm>) -> Response {
    let invalid = |d: &str| oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", d);
    if form.resource.as_deref().is_some_and(|r| r != o.resource) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_target",
            "resource must be this server's MCP URL",
        );
    }
    match form.grant_type.as_str() {
        "authorization_code" => {
            let (Some(code), Some(verifier)) =
                (form.code.as_deref(), form.code_verifier.as_deref())
            else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "code and code_verifier are required",
                );
            };
            let key = hashed("code", code);
            let Ok(Some(record)) = o.store.get_json::<Code>(&key).await else {
                return invalid("the code is unknown or expired");
            };
            // A code works once; a second use revokes what the first one issued.
            if let Err(refused) = o
                .use_once(
                    &hashed("code-used", code),
                    CODE_TTL * 2,
                    &record.grant,
                    "code",
                )
                .await
            {
                return *refused;
            }
            if form.client_id.as_deref() != Some(record.client_id.as_str()) {
                return invalid("the code was issued to another client");
            }
            if form.redirect_uri.as_deref() != Some(record.redirect_uri.as_str()) {
                return invalid("redirect_uri differs from the authorization request's");
            }
            let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            if !constant_eq(&challenge, &record.challenge) {
                return invalid("the PKCE code_verifier does not match the code_challenge");
            }
            let Ok(Some(grant)) = o
                .store
                .get_json::<Grant>(&format!("oauth:grant:{}", record.grant))
                .await
            else {
                return invalid("the access was revoked");
            };
            o.issue(&record.grant, &grant.scopes)
                .await
                .unwrap_or_else(|e| e)
        }
        "refresh_token" => {
            let Some(refresh) = form.refresh_token.as_deref() else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "refresh_token is required",
                );
            };
            let Ok(Some(record)) = o
                .store
                .get_json::<TokenRecord>(&hashed("rt", refresh))
                .await
            else {
                return invalid("the refresh token is unknown, expired or revoked");
            };
            if let Err(refused) = o
                .use_once(
                    &hashed("rt-used", refresh),
                    GRANT_TTL,
                    &record.grant,
                    "refresh token",
                )
                .await
            {
                return *refused;
            }
            let grant_key = format!("oauth:grant:{}", record.grant);
            let Ok(Some(grant)) = o.store.get_json::<Grant>(&grant_key).await else {
                return invalid("the access was revoked");
            };
            if form
                .client_id
                .as_deref()
                .is_some_and(|c| c != grant.client_id)
            {
                return invalid("the refresh token was issued to another client");
            }
            // The grant lives on while it is used.
            let grant = Grant {
                last_used: now(),
                ..grant
            };
            let _ = o.store.set_json(&grant_key, &grant, GRANT_TTL).await;
            o.issue(&record.grant, &grant.scopes)
                .await
                .unwrap_or_else(|e| e)
        }
        _ => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant types: authorization_code, refresh_token",
        ),
    }
}

#[derive(Debug, Deserialize)]
struct RevokeForm {
    token: String,
}

/// `POST /revoke` (RFC 7009): the token's whole grant ends. Always 200.
async fn revoke(State(o): State<Arc<OAuth>>, Form(form): Form<RevokeForm>) -> Response {
    for kind in ["at", "rt"] {
        if let Ok(Some(record)) = o
            .store
            .get_json::<TokenRecord>(&hashed(kind, &form.token))
            .await
        {
            o.revoke_grant(&record.grant).await;
            let _ = o.store.delete(&hashed(kind, &form.token)).await;
        }
    }
    let mut r = StatusCode::OK.into_response();
    no_store(r.headers_mut());
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_are_https_or_loopback() {
        assert!(redirect_allowed(
            "https://chatgpt.com/connector_platform_oauth_redirect"
        ));
        assert!(redirect_allowed("http://127.0.0.1:3000/callback"));
        assert!(redirect_allowed("http://localhost/cb"));
        assert!(!redirect_allowed("http://example.com/cb"));
        assert!(!redirect_allowed("https://example.com/cb#frag"));
        assert!(!redirect_allowed("javascript:alert(1)"));
        assert!(!redirect_allowed("https://user:pw@example.com/cb"));
    }

    #[test]
    fn secrets_are_stored_by_hash() {
        let k = hashed("at", "kat_secret");
        assert!(!k.contains("secret"));
        assert_eq!(k, hashed("at", "kat_secret"));
        assert_ne!(k, hashed("rt", "kat_secret"));
    }
}
