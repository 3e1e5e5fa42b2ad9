//! Test harness: a fresh mock server and a client pointed at it, and request matchers that
//! check everything that was sent.

use std::time::Duration;

use kash_api::{KashClient, KashError, RetryPolicy};
use wiremock::{Match, MockServer, Request};

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
    use serde_json::Value;
    match v {
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|item| match item {
                    Value::Object(o) => Value::Object(
                        o.iter()
                            .filter(|(k, _)| *k == "id" || *k == "orderID")
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                    ),
                    other => other.clone(),
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Replaces every value but the id with an empty string.
pub fn blank_values(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|item| match item {
                    Value::Object(o) => Value::Object(
                        o.iter()
                            .map(|(k, v)| {
                                if k == "id" || k == "orderID" {
                                    (k.clone(), v.clone())
                                } else {
                                    (k.clone(), Value::String(String::new()))
                                }
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
