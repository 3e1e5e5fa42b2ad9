//! Test harness: a fresh mock server and a client pointed at it, and request matchers that
//! check everything that was sent.

use std::time::Duration;

use kash_api::{KashClient, KashError, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Match, Mock, MockBuilder, MockServer, Request, ResponseTemplate};

pub const SHOP: &str = "4242";
/// Long and unusual so that a leak cannot hide in other text.
pub const KEY: &str = "sk_live_Z9qW3rT7yU1iO5pA";

/// Loads a fixture at compile time.
#[macro_export]
macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/",
            $name
        ))
    };
}

/// A mock server and a client for it, with retries off and a short timeout.
pub async fn spawn() -> (MockServer, KashClient) {
    spawn_with(RetryPolicy::none()).await
}

pub async fn spawn_with(retry: RetryPolicy) -> (MockServer, KashClient) {
    init_tracing();
    let server = MockServer::start().await;
    let client = KashClient::builder(SHOP, KEY)
        .base_url(server.uri())
        .timeout(Duration::from_millis(500))
        .connect_timeout(Duration::from_millis(500))
        .retry(retry)
        .build()
        .unwrap();
    (server, client)
}

/// A mock of `verb` (`GET`, `POST`) on the POS script `script` (`/workers/{script}`).
pub fn on(verb: &str, script: &str) -> MockBuilder {
    Mock::given(method(verb)).and(path(format!("/workers/{script}")))
}

/// Every mock here is named and counted.
pub trait MountOnce {
    /// Mounts the mock on `server` as `name`, expected exactly once.
    fn once(self, server: &MockServer, name: impl Into<String>) -> impl Future<Output = ()>;
}

impl MountOnce for Mock {
    fn once(self, server: &MockServer, name: impl Into<String>) -> impl Future<Output = ()> {
        self.named(name).expect(1).mount(server)
    }
}

/// Mounts `GET script` with exactly this query, answered 200 with `body`, named after the
/// script and expected once.
pub async fn mount_get(server: &MockServer, script: &str, query: &[(&str, &str)], body: &str) {
    mount_ok(server, "GET", script, exact_query(query), body).await;
}

/// Mounts `POST script` with exactly this form, answered 200 with `body`, named after the
/// script and expected once.
pub async fn mount_post(server: &MockServer, script: &str, form: FormBody, body: &str) {
    mount_ok(server, "POST", script, form, body).await;
}

async fn mount_ok(
    server: &MockServer,
    verb: &str,
    script: &str,
    matcher: impl Match + 'static,
    body: &str,
) {
    on(verb, script)
        .and(matcher)
        .respond_with(ResponseTemplate::new(200).set_body_string(body))
        .once(server, script)
        .await;
}

/// A server on which nothing may arrive: a request refused before sending must not reach it.
pub async fn nothing_may_be_sent(server: &MockServer) {
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .named("nothing may be sent")
        .expect(0)
        .mount(server)
        .await;
}

/// A 200 with `body` that comes too late for the client's timeout.
pub fn slow(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_string(body)
        .set_delay(Duration::from_secs(3))
}

/// A failure of the POS, and what the client must make of it.
#[derive(Debug, Clone, Copy)]
pub enum Failure {
    /// A 200 carrying the PHP error envelope: an explicit refusal.
    Envelope,
    /// A 200 carrying a PHP fatal-error page instead of JSON: nothing certain.
    PhpPage,
    /// An HTML error page with this 5xx status.
    ServerError(u16),
    /// This body, too late: a timeout.
    Slow(&'static str),
}

impl Failure {
    /// The answer that plays this failure.
    pub fn response(self) -> ResponseTemplate {
        match self {
            Self::Envelope => {
                ResponseTemplate::new(200).set_body_string(fixture!("error_envelope.json"))
            }
            Self::PhpPage => ResponseTemplate::new(200).set_body_string(fixture!("php_fatal.html")),
            Self::ServerError(status) => {
                ResponseTemplate::new(status).set_body_string(fixture!("server_error.html"))
            }
            Self::Slow(body) => slow(body),
        }
    }

    /// Asserts that `err` is what this failure must give, naming the failure if not, and that
    /// it holds no key.
    pub fn check(self, err: &KashError) {
        let expected = match self {
            Self::Envelope => matches!(err, KashError::Api { explicit: true, .. }),
            Self::PhpPage => matches!(
                err,
                KashError::Api {
                    explicit: false,
                    ..
                }
            ),
            Self::ServerError(s) => matches!(err, KashError::Api { status, .. } if *status == s),
            Self::Slow(_) => err.is_timeout(),
        };
        assert!(expected, "{self:?}: got {err:?}");
        assert_no_key(err);
    }
}

/// Asserts a [`KashError::Api`] error whose `explicit` flag is `explicit`: the POS refused
/// plainly (`true`), or answered a page or text that says nothing certain (`false`).
pub fn assert_api(err: &KashError, explicit: bool) {
    assert!(
        matches!(err, KashError::Api { explicit: e, .. } if *e == explicit),
        "expected an Api error with explicit: {explicit}, got {err:?}"
    );
}

/// One global subscriber at TRACE for the whole test binary (so that no callsite is ever
/// cached as disabled): its output goes to the current thread's capture buffer when a test
/// installed one, to stderr when `TEST_LOG` is set, and nowhere otherwise.
pub fn init_tracing() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(ThreadWriter)
            .finish();
        let _ = tracing::subscriber::set_global_default(subscriber);
    });
}

thread_local! {
    static CAPTURE: std::cell::RefCell<Option<std::sync::Arc<std::sync::Mutex<Vec<u8>>>>> =
        const { std::cell::RefCell::new(None) };
}

#[derive(Clone, Copy)]
struct ThreadWriter;

impl std::io::Write for ThreadWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let captured = CAPTURE.with(|c| {
            c.borrow()
                .as_ref()
                .map(|b| b.lock().unwrap().extend_from_slice(buf))
                .is_some()
        });
        if !captured && std::env::var_os("TEST_LOG").is_some() {
            std::io::stderr().write_all(buf)?;
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for ThreadWriter {
    type Writer = ThreadWriter;
    fn make_writer(&'a self) -> Self::Writer {
        *self
    }
}

/// Captures every log line written on this thread until dropped. Tests run on a
/// current-thread runtime, so the client's work happens on this thread too.
pub struct LogCapture(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

pub fn capture_logs() -> LogCapture {
    init_tracing();
    let buf = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    CAPTURE.with(|c| *c.borrow_mut() = Some(buf.clone()));
    LogCapture(buf)
}

impl LogCapture {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Drop for LogCapture {
    fn drop(&mut self) {
        CAPTURE.with(|c| *c.borrow_mut() = None);
    }
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Matches a request whose query string holds exactly these pairs (any order, no others),
/// plus the GET credentials.
pub struct ExactQuery(Vec<(String, String)>);

pub fn exact_query(pairs: &[(&str, &str)]) -> ExactQuery {
    let mut v = owned(pairs);
    v.push(("idboutique".into(), SHOP.into()));
    v.push(("key".into(), KEY.into()));
    v.sort();
    ExactQuery(v)
}

impl Match for ExactQuery {
    fn matches(&self, request: &Request) -> bool {
        let mut got: Vec<(String, String)> = request
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        got.sort();
        if got != self.0 {
            eprintln!("query mismatch:\n  want {:?}\n  got  {:?}", self.0, got);
        }
        got == self.0 && request.body.is_empty()
    }
}

/// Matches a form-encoded body whose decoded pairs are exactly these, in this order
/// (repeated keys included), followed by the credentials.
pub struct FormBody(Vec<(String, String)>);

/// Which name the shop id has in a POST.
#[derive(Clone, Copy)]
pub enum Auth {
    /// `idboutique` (sales).
    IdBoutique,
    /// `shopID` (catalogue writes).
    ShopId,
    /// None (login).
    None,
}

pub fn form_body(auth: Auth, pairs: &[(&str, &str)]) -> FormBody {
    let mut v = owned(pairs);
    match auth {
        Auth::IdBoutique => v.push(("idboutique".into(), SHOP.into())),
        Auth::ShopId => v.push(("shopID".into(), SHOP.into())),
        Auth::None => {}
    }
    if !matches!(auth, Auth::None) {
        v.push(("key".into(), KEY.into()));
    }
    FormBody(v)
}

pub fn decode_form(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

impl Match for FormBody {
    fn matches(&self, request: &Request) -> bool {
        let content_type_ok = request
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let got = decode_form(&request.body);
        if got != self.0 {
            eprintln!("form mismatch:\n  want {:?}\n  got  {:?}", self.0, got);
        }
        content_type_ok && got == self.0 && request.url.query().is_none()
    }
}

/// Asserts that neither the text nor the debug form of an error holds the key.
pub fn assert_no_key(err: &KashError) {
    let shown = format!("{err} / {err:?}");
    assert!(!shown.contains(KEY), "the API key leaked: {shown}");
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        let shown = format!("{s} / {s:?}");
        assert!(
            !shown.contains(KEY),
            "the API key leaked in a source: {shown}"
        );
        source = s.source();
    }
}

/// Converts every string that reads as a plain number (no leading zero) into a JSON number.
pub fn strings_to_numbers(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::String(s) => {
            let plain = !s.is_empty()
                && (s == "0" || s.starts_with("0.") || !s.starts_with('0'))
                && !s.starts_with('-')
                && !s.starts_with('+')
                && s.chars().all(|c| c.is_ascii_digit() || c == '.')
                && s.matches('.').count() <= 1
                && !s.ends_with('.');
            if plain {
                serde_json::from_str::<serde_json::Number>(s)
                    .map(Value::Number)
                    .unwrap_or_else(|_| v.clone())
            } else {
                v.clone()
            }
        }
        Value::Array(a) => Value::Array(a.iter().map(strings_to_numbers).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), strings_to_numbers(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Keeps only the id of each item (the key `id` or `orderID`).
pub fn only_ids(v: &serde_json::Value) -> serde_json::Value {
    map_fields(v, |is_id, value| is_id.then(|| value.clone()))
}

/// Replaces every value but the id with an empty string.
pub fn blank_values(v: &serde_json::Value) -> serde_json::Value {
    map_fields(v, |is_id, value| {
        Some(if is_id {
            value.clone()
        } else {
            serde_json::Value::String(String::new())
        })
    })
}

/// Rewrites each field of each object in an array: `f(is_id, value)` gives the new value, or
/// `None` to drop the field. Anything but an array of objects is kept as it is.
fn map_fields(
    v: &serde_json::Value,
    f: impl Fn(bool, &serde_json::Value) -> Option<serde_json::Value>,
) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|item| match item {
                    Value::Object(o) => Value::Object(
                        o.iter()
                            .filter_map(|(k, v)| {
                                let is_id = k == "id" || k == "orderID";
                                f(is_id, v).map(|v| (k.clone(), v))
                            })
                            .collect(),
                    ),
                    other => other.clone(),
                })
                .collect(),
        ),
        other => other.clone(),
    }
}
