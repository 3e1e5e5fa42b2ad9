//! [`KashClient`], its builder, and the single send path every request goes through.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::Semaphore;
use tracing::Instrument;

use crate::credentials::{ApiKey, Credentials, ShopId};
use crate::error::{KashError, Result, TransportKind};
use crate::request::{Endpoint, Method, Params, RawResponse, Scrubber};

/// The documented base URL of the POS API.
pub const DEFAULT_BASE_URL: &str = "https://caisse.enregistreuse.fr";
/// Total time allowed for one attempt (connect, send, answer).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Time allowed to establish the connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest answer read (a year of orders is well below this).
const MAX_BODY_BYTES: usize = 256 * 1024 * 1024;

/// How reads are retried after a connection failure, a timeout, a 429 or a 5xx answer.
/// Writes are never retried: the POS has no idempotency key, and a repeated sale is a second
/// sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retrying).
    pub max_retries: u32,
    /// Delay before the first retry; doubled for each further one.
    pub initial_backoff: Duration,
    /// Upper bound of one delay, including a server's `Retry-After`.
    pub max_backoff: Duration,
}

impl RetryPolicy {
    /// No retries.
    pub const fn none() -> Self {
        Self {
            max_retries: 0,
            initial_backoff: Duration::ZERO,
            max_backoff: Duration::ZERO,
        }
    }

    fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry));
        retry_after.unwrap_or(exp).min(self.max_backoff)
    }
}

impl Default for RetryPolicy {
    /// Two retries, 200 ms then 400 ms, at most 2 s each.
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(2),
        }
    }
}

/// The HTTP connection pool and the settings every shop's client shares: timeouts, user agent,
/// retries, the plain-http policy. One per process; a [`KashClient`] per shop from it costs an
/// `Arc` and the shop's credentials (a server for many shops keeps one pool for all).
#[derive(Clone)]
pub struct Pool {
    inner: Arc<PoolInner>,
}

struct PoolInner {
    /// Built at the first call, not with the pool: reading the system's root certificates is
    /// most of a process's start-up (a stdio server answers `initialize` without it).
    http: std::sync::OnceLock<std::result::Result<reqwest::Client, String>>,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    retry: RetryPolicy,
    allow_insecure_http: bool,
    /// Told of every attempt (metrics).
    observer: Option<Arc<dyn CallObserver>>,
    /// Most calls at once to one shop (`None`: no limit), and each shop's gate.
    per_shop: Option<usize>,
    gates: std::sync::Mutex<std::collections::HashMap<String, std::sync::Weak<Semaphore>>>,
    /// The buffer of the last large answer, for the next one ([`PoolBuilder::reuse_answer_buffer`]).
    spare: Option<Arc<SpareBuffer>>,
}

impl PoolInner {
    /// The HTTP client, built the first time it is needed.
    fn http(&self) -> Result<&reqwest::Client> {
        self.http
            .get_or_init(|| {
                http_client(self.timeout, self.connect_timeout, &self.user_agent)
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|message| KashError::config(message.clone()))
    }
}

impl fmt::Debug for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("retry", &self.inner.retry)
            .field("allow_insecure_http", &self.inner.allow_insecure_http)
            .finish_non_exhaustive()
    }
}

/// Builder for [`Pool`].
#[derive(Debug, Clone)]
pub struct PoolBuilder {
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    retry: RetryPolicy,
    allow_insecure_http: bool,
    per_shop: Option<usize>,
    observer: Option<Arc<dyn CallObserver>>,
    reuse_answer_buffer: bool,
}

/// Told of every attempt to reach the POS: which script, whether it got an answer, how long
/// it took (for metrics). Never told what was sent or answered.
pub trait CallObserver: Send + Sync + fmt::Debug {
    /// One attempt at `script` ended: `ok` when the POS answered and the answer was read.
    fn observe(&self, script: &'static str, ok: bool, elapsed: Duration);
}

impl Default for PoolBuilder {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: concat!("kash-api/", env!("CARGO_PKG_VERSION")).to_owned(),
            retry: RetryPolicy::default(),
            allow_insecure_http: false,
            per_shop: None,
            observer: None,
            reuse_answer_buffer: false,
        }
    }
}

impl PoolBuilder {
    /// Total time for one attempt (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time to establish a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` header (default `kash-api/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// How reads are retried (default [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Allows plain `http://` base URLs on hosts that are not loopback (see
    /// [`KashClientBuilder::allow_insecure_http`]).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// At most `calls` requests at once to one shop (one POS address and shop id), whatever
    /// the clients that send them: a server for many shops keeps one shop's long load from
    /// taking every connection. Default: no limit.
    pub fn per_shop_concurrency(mut self, calls: usize) -> Self {
        self.per_shop = Some(calls.max(1));
        self
    }

    /// Tells `observer` of every attempt (see [`CallObserver`]).
    pub fn observer(mut self, observer: Arc<dyn CallObserver>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Reads each large answer (64 KiB or more, or of unknown length) into the buffer of the
    /// previous one once that answer is dropped, instead of a new allocation: for a process
    /// serving one user, whose allocator hands freed pages back at once, a month of orders
    /// (megabytes) then costs no fresh page faults. The buffer stays allocated between calls
    /// (the largest answer's size); a server for many shops leaves this off (the default).
    pub fn reuse_answer_buffer(mut self, reuse: bool) -> Self {
        self.reuse_answer_buffer = reuse;
        self
    }

    /// Builds the pool.
    ///
    /// # Errors
    /// [`KashError::Config`] for a zero timeout or a failing TLS setup.
    pub fn build(self) -> Result<Pool> {
        if self.timeout.is_zero() || self.connect_timeout.is_zero() {
            return Err(KashError::config("timeouts must be longer than zero"));
        }
        Ok(Pool {
            inner: Arc::new(PoolInner {
                http: std::sync::OnceLock::new(),
                timeout: self.timeout,
                connect_timeout: self.connect_timeout,
                user_agent: self.user_agent,
                retry: self.retry,
                allow_insecure_http: self.allow_insecure_http,
                per_shop: self.per_shop,
                gates: std::sync::Mutex::default(),
                observer: self.observer,
                spare: self
                    .reuse_answer_buffer
                    .then(|| Arc::new(SpareBuffer::default())),
            }),
        })
    }
}

impl Pool {
    /// Starts a pool with the defaults: 30 s timeout, 10 s connect timeout,
    /// [`RetryPolicy::default`], https only but to loopback.
    pub fn builder() -> PoolBuilder {
        PoolBuilder::default()
    }

    /// A client for one shop, sharing this pool's connections.
    ///
    /// # Errors
    /// [`KashError::Config`] for a bad base URL (see [`KashClientBuilder::build`]).
    pub fn client(&self, credentials: Credentials, base_url: &str) -> Result<KashClient> {
        self.make(Some(credentials), base_url)
    }

    fn make(&self, credentials: Option<Credentials>, base_url: &str) -> Result<KashClient> {
        let base_url = normalize_base_url(base_url, self.inner.allow_insecure_http)?;
        // Parsed once: each call only appends its script and query.
        let workers = url::Url::parse(&format!("{base_url}/workers/"))
            .map_err(|_| KashError::config("the base URL is not a valid URL"))?;
        let shop_id = credentials
            .as_ref()
            .map_or_else(ShopId::anonymous, |c| c.shop_id.clone());
        let gate = self.gate(&base_url, &shop_id);
        Ok(KashClient {
            inner: Arc::new(Inner {
                pool: self.clone(),
                base_url,
                workers,
                shop_id,
                credentials,
                gate,
            }),
        })
    }

    /// The shop's gate, shared by every live client of the shop.
    fn gate(&self, base_url: &str, shop_id: &ShopId) -> Option<Arc<Semaphore>> {
        let calls = self.inner.per_shop?;
        let mut gates = self.inner.gates.lock().ok()?;
        let key = format!("{base_url}|{}", shop_id.as_str());
        if let Some(gate) = gates.get(&key).and_then(std::sync::Weak::upgrade) {
            return Some(gate);
        }
        if gates.len() >= 1024 {
            gates.retain(|_, g| g.strong_count() > 0);
        }
        let gate = Arc::new(Semaphore::new(calls));
        gates.insert(key, Arc::downgrade(&gate));
        Some(gate)
    }

    /// `getAuthToken.php` — exchanges a back-office login and password for the shop's
    /// credentials (the OAuth sign-in page), through the same send path as every other call.
    ///
    /// # Errors
    /// [`KashError::Api`] with `explicit: true` when the POS does not return both `SHOPID` and
    /// `APIKEY` (wrong login or password); transport errors as usual. The password appears in
    /// no error.
    pub async fn login(
        &self,
        base_url: &str,
        login: &str,
        password: &secrecy::SecretString,
    ) -> Result<Credentials> {
        let anonymous = self.make(None, base_url)?;
        anonymous
            .send(&crate::auth::Login::new(login, password.clone()))
            .await
    }
}

/// Async client for the POS API. Cheap to clone (an `Arc` inside); share one per shop.
///
/// Build one with [`KashClient::builder`], or from a shared [`Pool`]. Every endpoint has a
/// one-line method, grouped by resource module ([`crate::products`], [`crate::orders`],
/// [`crate::sales`], …); any request type can also be sent with [`KashClient::send`].
#[derive(Clone)]
pub struct KashClient {
    inner: Arc<Inner>,
}

struct Inner {
    pool: Pool,
    base_url: String,
    /// `{base_url}/workers/`, where the scripts are.
    workers: url::Url,
    /// The shop (empty for the anonymous client of a login).
    shop_id: ShopId,
    /// `None` for the anonymous client of a login.
    credentials: Option<Credentials>,
    /// The shop's share of the pool ([`PoolBuilder::per_shop_concurrency`]).
    gate: Option<Arc<Semaphore>>,
}

impl fmt::Debug for KashClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KashClient")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.credentials)
            .field("retry", &self.inner.pool.inner.retry)
            .finish()
    }
}

/// Builder for [`KashClient`].
pub struct KashClientBuilder {
    credentials: Result<Credentials>,
    base_url: String,
    pool: PoolBuilder,
}

impl fmt::Debug for KashClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KashClientBuilder")
            .field("credentials", &self.credentials)
            .field("base_url", &self.base_url)
            .field("pool", &self.pool)
            .finish()
    }
}

impl KashClient {
    /// Starts a client for one shop, with the defaults: base URL
    /// [`DEFAULT_BASE_URL`], 30 s timeout, 10 s connect timeout, [`RetryPolicy::default`].
    /// It gets a pool of its own; a server for many shops shares one [`Pool`] instead.
    pub fn builder(shop_id: impl Into<String>, api_key: impl Into<String>) -> KashClientBuilder {
        let credentials = ShopId::new(shop_id).and_then(|shop_id| {
            Ok(Credentials {
                shop_id,
                api_key: ApiKey::new(api_key)?,
            })
        });
        Self::with_credentials(credentials)
    }

    /// A client from credentials already validated (e.g. from [`Pool::login`]).
    pub fn from_credentials(credentials: Credentials) -> KashClientBuilder {
        Self::with_credentials(Ok(credentials))
    }

    fn with_credentials(credentials: Result<Credentials>) -> KashClientBuilder {
        KashClientBuilder {
            credentials,
            base_url: DEFAULT_BASE_URL.to_owned(),
            pool: PoolBuilder::default(),
        }
    }

    /// The shop this client works for.
    pub fn shop_id(&self) -> &ShopId {
        &self.inner.shop_id
    }

    /// The base URL requests go to (without a trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// A fingerprint of the API key under `salt` (HMAC-SHA256, hex): tells two keys apart
    /// without revealing either, for cache keys that must differ per credential. `None` for
    /// a client without credentials.
    pub fn key_fingerprint(&self, salt: &[u8]) -> Option<String> {
        self.inner
            .credentials
            .as_ref()
            .map(|c| c.api_key.fingerprint(salt))
    }

    /// Sends any request of this crate and decodes its answer.
    ///
    /// Reads are retried per the [`RetryPolicy`]; writes are sent once.
    ///
    /// # Errors
    /// See [`KashError`]: `InvalidInput` before sending, `Transport`, `Api` or `Decode` after.
    pub async fn send<E: Endpoint>(&self, request: &E) -> Result<E::Output> {
        let spec = request.spec();
        let params = request.params()?;
        let retry_policy = self.inner.pool.inner.retry;
        let mut retry = 0u32;
        loop {
            let span = tracing::debug_span!(
                "kash_api.call",
                script = spec.script,
                attempt = retry + 1,
                status = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
            );
            let started = Instant::now();
            let outcome = self.attempt(request, &params).instrument(span).await;
            if let Some(observer) = &self.inner.pool.inner.observer {
                observer.observe(spec.script, outcome.is_ok(), started.elapsed());
            }
            match outcome {
                Err(Attempt::Failed(err, retry_after))
                    if spec.retryable && retry < retry_policy.max_retries =>
                {
                    let delay = retry_policy.delay(retry, retry_after);
                    tracing::debug!(
                        script = spec.script,
                        error = %err,
                        delay_ms = delay.as_millis() as u64,
                        "retrying read"
                    );
                    tokio::time::sleep(delay).await;
                    retry += 1;
                }
                Err(Attempt::Failed(err, _)) | Err(Attempt::Final(err)) => return Err(err),
                Ok(response) => return decode_aside(request, response),
            }
        }
    }

    /// One attempt: send, read the whole answer, classify the status.
    async fn attempt<E: Endpoint>(
        &self,
        request: &E,
        params: &Params,
    ) -> std::result::Result<RawResponse, Attempt> {
        let spec = request.spec();
        let endpoint = spec.script;
        let http = self.inner.pool.inner.http().map_err(Attempt::Final)?;
        let mut url = self.inner.workers.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().push(endpoint);
        }
        let auth = match (&self.inner.credentials, spec.anonymous) {
            (Some(c), false) => c.auth_pairs(spec.shop_id_name).to_vec(),
            (None, false) => {
                return Err(Attempt::Final(KashError::config(
                    "this request needs shop credentials",
                )));
            }
            (_, true) => Vec::new(),
        };
        let mut pairs: Vec<(&str, &str)> = params.pairs().collect();
        pairs.extend(auth.iter().map(|(k, v)| (*k, v.as_str())));
        let encoded = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.iter())
            .finish();
        let builder = match spec.method {
            Method::Get => {
                url.set_query(Some(&encoded));
                http.get(url)
            }
            Method::Post => http
                .post(url)
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded; charset=UTF-8",
                )
                .body(encoded),
        };
        // The permit is held while the answer is read (`attempt` reads it whole).
        let _permit = match &self.inner.gate {
            Some(gate) => gate.clone().acquire_owned().await.ok(),
            None => None,
        };
        let started = Instant::now();
        let result = builder.send().await;
        let span = tracing::Span::current();
        let response = match result {
            Ok(r) => r,
            Err(err) => {
                let err = transport_error(endpoint, err);
                tracing::debug!(latency_ms = elapsed_ms(started), error = %err, "call failed");
                return Err(if err.is_retryable() {
                    Attempt::Failed(err, None)
                } else {
                    Attempt::Final(err)
                });
            }
        };
        let status = response.status().as_u16();
        span.record("status", status);
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = match read_body(response, self.inner.pool.inner.spare.as_ref()).await {
            Ok(b) => b,
            Err(kind) => {
                let err = match kind {
                    BodyError::Transport(source) => transport_error(endpoint, source),
                    BodyError::TooLarge => KashError::Api {
                        endpoint,
                        status,
                        explicit: false,
                        message: format!(
                            "the answer is larger than {} MiB; ask for a shorter range",
                            MAX_BODY_BYTES / (1024 * 1024)
                        ),
                    },
                };
                tracing::debug!(latency_ms = elapsed_ms(started), error = %err, "call failed");
                return Err(Attempt::Failed(err, None));
            }
        };
        let latency = elapsed_ms(started);
        span.record("latency_ms", latency);
        tracing::debug!(
            status,
            latency_ms = latency,
            bytes = body.len(),
            "call done"
        );
        let scrubber = self.scrubber(request.scrub_secret());
        if !(200..300).contains(&status) {
            let message = crate::decode::status_message(&body, &|s| (scrubber.0)(s));
            let err = KashError::Api {
                endpoint,
                status,
                explicit: (400..500).contains(&status),
                message,
            };
            return Err(if err.is_retryable() {
                Attempt::Failed(err, retry_after)
            } else {
                Attempt::Final(err)
            });
        }
        Ok(RawResponse {
            endpoint,
            status,
            content_type,
            body,
            scrub: scrubber,
        })
    }

    /// What removes this call's secrets from upstream text: the API key, and the request's
    /// own secret (a login's password).
    fn scrubber(&self, extra: Option<&secrecy::SecretString>) -> Scrubber {
        let credentials = self.inner.credentials.clone();
        let extra = extra.cloned();
        Scrubber(Arc::new(move |s: &str| {
            let s = match &credentials {
                Some(c) => c.scrub(s),
                None => s.to_owned(),
            };
            match &extra {
                Some(secret) => {
                    use secrecy::ExposeSecret;
                    crate::decode::scrub_secret(&s, secret.expose_secret())
                }
                None => s,
            }
        }))
    }

    /// `getAuthToken.php` — exchanges a back-office login and password for the shop's
    /// credentials, with a pool of its own ([`Pool::login`] shares one).
    ///
    /// # Errors
    /// As [`Pool::login`].
    pub async fn login(
        base_url: &str,
        login: &str,
        password: &secrecy::SecretString,
    ) -> Result<Credentials> {
        Pool::builder()
            .build()?
            .login(base_url, login, password)
            .await
    }
}

/// Answers from this size on are decoded off the async workers.
const LARGE_BODY: usize = 256 * 1024;

/// Decodes an answer; a large one (a month of orders is megabytes) on a thread the runtime
/// may block, so that one call's decoding never holds up the others' (Tokio moves the other
/// tasks of this worker elsewhere meanwhile). Inline on a single-threaded runtime.
fn decode_aside<E: Endpoint>(request: &E, response: RawResponse) -> Result<E::Output> {
    let multi_thread = tokio::runtime::Handle::try_current()
        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
    if multi_thread && response.body.len() >= LARGE_BODY {
        tokio::task::block_in_place(|| request.decode(response))
    } else {
        request.decode(response)
    }
}

/// Why one attempt failed, and whether the loop may try again.
enum Attempt {
    /// Retryable if the endpoint is a read (with an optional server-requested delay).
    Failed(KashError, Option<Duration>),
    /// Not retryable.
    Final(KashError),
}

enum BodyError {
    Transport(reqwest::Error),
    TooLarge,
}

async fn read_body(
    mut response: reqwest::Response,
    spare: Option<&Arc<SpareBuffer>>,
) -> std::result::Result<Bytes, BodyError> {
    // Sized once when the length is announced (a month of orders is megabytes; growing by
    // doubling would copy it several times and hold up to twice its size).
    let announced = response
        .content_length()
        .and_then(|n| usize::try_from(n).ok());
    let spare = spare.filter(|_| announced.is_none_or(|n| n >= SpareBuffer::FROM_BYTES));
    let wanted = announced.unwrap_or(0).min(MAX_BODY_BYTES);
    // A kept buffer too small is let go first: growing it would double it, and copy it.
    let mut buf = spare
        .and_then(|s| s.take())
        .filter(|b| b.capacity() >= wanted)
        .unwrap_or_default();
    buf.reserve_exact(wanted);
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if buf.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(BodyError::TooLarge);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(match spare {
        Some(home) => Bytes::from_owner(Recycled {
            buf,
            home: Arc::downgrade(home),
        }),
        None => Bytes::from(buf),
    })
}

/// One answer buffer kept for the next large answer ([`PoolBuilder::reuse_answer_buffer`]).
#[derive(Debug, Default)]
struct SpareBuffer(std::sync::Mutex<Vec<u8>>);

impl SpareBuffer {
    /// Answers smaller than this are read into buffers of their own.
    const FROM_BYTES: usize = 64 * 1024;

    /// The kept buffer, emptied (`None` when another answer holds it).
    fn take(&self) -> Option<Vec<u8>> {
        let mut kept = std::mem::take(&mut *self.0.lock().ok()?);
        kept.clear();
        (kept.capacity() > 0).then_some(kept)
    }

    /// Keeps `buf` if it is larger than the one kept.
    fn give_back(&self, buf: Vec<u8>) {
        if let Ok(mut kept) = self.0.lock()
            && buf.capacity() > kept.capacity()
        {
            *kept = buf;
        }
    }
}

/// An answer's bytes that go back to the pool's [`SpareBuffer`] when the last `Bytes` of the
/// answer is dropped.
struct Recycled {
    buf: Vec<u8>,
    home: std::sync::Weak<SpareBuffer>,
}

impl AsRef<[u8]> for Recycled {
    fn as_ref(&self) -> &[u8] {
        &self.buf
    }
}

impl Drop for Recycled {
    fn drop(&mut self) {
        if let Some(home) = self.home.upgrade() {
            home.give_back(std::mem::take(&mut self.buf));
        }
    }
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Classifies a reqwest error and strips its URL (which holds the key on GET requests).
pub(crate) fn transport_error(endpoint: &'static str, err: reqwest::Error) -> KashError {
    let kind = if err.is_connect() {
        TransportKind::Connect
    } else if err.is_timeout() {
        TransportKind::Timeout
    } else {
        TransportKind::Interrupted
    };
    KashError::Transport {
        endpoint,
        kind,
        source: Some(err.without_url()),
    }
}

impl KashClientBuilder {
    /// Where the POS API lives, e.g. `https://kash.click` (default
    /// [`DEFAULT_BASE_URL`]). `/workers/<script>` is appended.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Total time for one attempt (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.pool = self.pool.timeout(timeout);
        self
    }

    /// Time to establish a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.pool = self.pool.connect_timeout(timeout);
        self
    }

    /// The `User-Agent` header (default `kash-api/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.pool = self.pool.user_agent(user_agent);
        self
    }

    /// How reads are retried (default [`RetryPolicy::default`]; [`RetryPolicy::none`] to
    /// disable).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.pool = self.pool.retry(policy);
        self
    }

    /// Allows a plain `http://` base URL on a host that is not loopback. The API key then
    /// travels in clear on the network: only for a trusted private network. Off by default;
    /// `http://` to `localhost`, `127.0.0.0/8` and `[::1]` (a local sandbox) is always allowed.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.pool = self.pool.allow_insecure_http(allow);
        self
    }

    /// Reads each large answer into the buffer of the previous one (see
    /// [`PoolBuilder::reuse_answer_buffer`]; default off).
    pub fn reuse_answer_buffer(mut self, reuse: bool) -> Self {
        self.pool = self.pool.reuse_answer_buffer(reuse);
        self
    }

    /// Builds the client, with a pool of its own.
    ///
    /// # Errors
    /// [`KashError::Config`] for an empty shop id or key, a base URL that is not `http(s)`,
    /// is plain `http://` to a host that is not loopback (see
    /// [`KashClientBuilder::allow_insecure_http`]), has credentials, a query or a fragment, or a
    /// failing TLS setup.
    pub fn build(self) -> Result<KashClient> {
        let credentials = self.credentials?;
        // Check the address before building a TLS client for it.
        normalize_base_url(&self.base_url, self.pool.allow_insecure_http)?;
        self.pool.build()?.client(credentials, &self.base_url)
    }
}

pub(crate) fn http_client(
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: &str,
) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(connect_timeout)
        .user_agent(user_agent)
        .build()
        .map_err(|e| KashError::Config {
            message: "could not set up the HTTP client".to_owned(),
            source: Some(Box::new(e.without_url())),
        })
}

/// Whether a URL's host is this machine (`localhost`, `127.0.0.0/8`, `::1`).
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Checks a base URL and returns it without a trailing slash. Plain `http://` is refused to
/// anything but loopback unless `allow_insecure_http`: the API key travels in every request.
pub(crate) fn normalize_base_url(raw: &str, allow_insecure_http: bool) -> Result<String> {
    let url = url::Url::parse(raw.trim()).map_err(|e| KashError::Config {
        message: format!("the base URL `{}` is not a valid URL", raw.trim()),
        source: Some(Box::new(e)),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(KashError::config(format!(
            "the base URL must start with https:// (or http:// for a local sandbox), got `{}`",
            url.scheme()
        )));
    }
    if url.host_str().is_none() {
        return Err(KashError::config("the base URL has no host"));
    }
    if url.scheme() == "http" && !allow_insecure_http && !is_loopback(&url) {
        return Err(KashError::config(format!(
            "the base URL `{}` is plain http:// to a host that is not this machine: the API key \
             would travel in clear. Use https://, or allow it explicitly for a trusted private \
             network (--allow-insecure-http)",
            url.as_str().trim_end_matches('/')
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(KashError::config(
            "the base URL must not contain a user name or password",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(KashError::config(
            "the base URL must not contain a query (?…) or a fragment (#…)",
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use wiremock::matchers::any;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;

    async fn get(server: &MockServer, path: &str) -> reqwest::Response {
        reqwest::get(format!("{}/{path}", server.uri()))
            .await
            .unwrap()
    }

    async fn read(server: &MockServer, path: &str, spare: &Arc<SpareBuffer>) -> Bytes {
        match read_body(get(server, path).await, Some(spare)).await {
            Ok(body) => body,
            Err(_) => panic!("the body was not read"),
        }
    }

    /// A large answer goes into the buffer of a dropped one, never into one still in use; a
    /// small answer gets a buffer of its own.
    #[tokio::test]
    async fn a_large_answer_reuses_the_buffer_of_the_last_one_dropped() {
        let server = MockServer::start().await;
        for (path, byte, len) in [("a", b'a', 100_000), ("b", b'b', 90_000), ("s", b's', 10)] {
            Mock::given(wiremock::matchers::path(format!("/{path}")))
                .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![byte; len]))
                .mount(&server)
                .await;
        }
        Mock::given(any())
            .respond_with(ResponseTemplate::new(404))
            .mount(&server)
            .await;
        let spare = Arc::new(SpareBuffer::default());
        let kept = |spare: &SpareBuffer| spare.0.lock().map(|b| b.capacity()).unwrap_or(0);
        let first = read(&server, "a", &spare).await;
        let second = read(&server, "b", &spare).await;
        assert_ne!(first.as_ptr(), second.as_ptr());
        assert_eq!(kept(&spare), 0, "both answers are in use");
        let at = first.as_ptr();
        drop(first);
        assert!(
            kept(&spare) >= 100_000,
            "the dropped answer's buffer was not kept"
        );
        let small = read(&server, "s", &spare).await;
        assert!(
            kept(&spare) >= 100_000,
            "a small answer took the kept buffer"
        );
        let third = read(&server, "b", &spare).await;
        assert_eq!(kept(&spare), 0, "the kept buffer was not used");
        assert_eq!(third.as_ptr(), at, "the kept buffer was moved");
        assert!(third.iter().all(|b| *b == b'b') && third.len() == 90_000);
        assert!(second.iter().all(|b| *b == b'b') && second.len() == 90_000);
        assert_eq!(&small[..], b"ssssssssss");
        // The larger of two dropped buffers is kept.
        drop(second);
        drop(third);
        assert!(kept(&spare) >= 100_000);
        // A kept buffer too small for the next answer is replaced, not doubled.
        let spare = Arc::new(SpareBuffer::default());
        drop(read(&server, "b", &spare).await);
        assert_eq!(kept(&spare), 90_000);
        drop(read(&server, "a", &spare).await);
        assert_eq!(kept(&spare), 100_000);
        // Without the setting, answers are read as before.
        let plain = read_body(get(&server, "a").await, None).await;
        assert!(plain.is_ok_and(|b| b.len() == 100_000 && b.iter().all(|b| *b == b'a')));
    }
}
