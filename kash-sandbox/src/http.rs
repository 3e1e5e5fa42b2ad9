//! The HTTP surface: `/workers/<script>` as the POS serves it, and `/_sandbox/*` control
//! routes for tests (loopback peers only).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::faults::{FaultConfig, FaultMode, LoggedRequest, redact};
use crate::state::AppState;

/// What a script answers.
#[derive(Debug)]
pub enum Reply {
    /// 200, `application/json`.
    Json(Vec<u8>),
    /// 200 with a body of this type.
    Body { bytes: Vec<u8>, mime: &'static str },
    /// 200 with `{"result":"ERROR","message":…}`: how the back office refuses.
    Error(String),
    /// 404: no such script.
    NotFound,
}

impl Reply {
    pub fn json(value: &impl serde::Serialize) -> Self {
        match serde_json::to_vec(value) {
            Ok(v) => Self::Json(v),
            Err(e) => Self::Error(format!("Erreur interne : {e}")),
        }
    }

    pub fn ok_with(fields: serde_json::Value) -> Self {
        let mut obj = serde_json::Map::new();
        obj.insert("result".to_owned(), json!("OK"));
        if let serde_json::Value::Object(m) = fields {
            obj.extend(m);
        }
        Self::json(&serde_json::Value::Object(obj))
    }

    fn into_response(self) -> Response {
        match self {
            Self::Json(v) => (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                v,
            )
                .into_response(),
            Self::Body { bytes, mime } => {
                (StatusCode::OK, [(header::CONTENT_TYPE, mime)], bytes).into_response()
            }
            Self::Error(message) => {
                let body = json!({"result": "ERROR", "message": message}).to_string();
                (
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                    body,
                )
                    .into_response()
            }
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                [(header::CONTENT_TYPE, "text/html; charset=iso-8859-1")],
                NOT_FOUND_PAGE,
            )
                .into_response(),
        }
    }
}

const NOT_FOUND_PAGE: &str = "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n";

const SERVER_ERROR_PAGE: &str = "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>500 Internal Server Error</title>\n</head><body>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error or misconfiguration and was unable to complete your request.</p>\n</body></html>\n";

/// A request as a script sees it: GET scripts read the query string, POST scripts the form
/// body (PHP's `$_GET` and `$_POST`; neither falls back to the other).
#[derive(Debug)]
pub struct Req {
    pub method: Method,
    pub script: String,
    pub query: Vec<(String, String)>,
    pub form: Vec<(String, String)>,
}

impl Req {
    fn params(&self) -> &[(String, String)] {
        if self.method == Method::POST {
            &self.form
        } else {
            &self.query
        }
    }

    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.params()
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `key`, in order.
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.params()
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Pairs whose key starts with `prefix[` (`client[nom]` → `("nom", v)`).
    pub fn bracketed(&self, prefix: &str) -> Vec<(&str, &str)> {
        let open = format!("{prefix}[");
        self.params()
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix(&open)
                    .and_then(|rest| rest.strip_suffix(']'))
                    .map(|inner| (inner, v.as_str()))
            })
            .collect()
    }
}

fn pairs(text: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(text)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The router.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/workers/{script}", any(workers))
        .route(
            "/_sandbox/health",
            get(|| async { axum::Json(json!({"ok": true})) }),
        )
        .route(
            "/_sandbox/faults",
            get(get_faults).put(put_faults).delete(clear_faults),
        )
        .route(
            "/_sandbox/options",
            get(get_options).put(put_options).delete(reset_options),
        )
        .route(
            "/_sandbox/requests",
            get(get_requests).delete(clear_requests),
        )
        .route("/_sandbox/shops", post(add_shop))
        .route("/_sandbox/shops/{shop_id}/hash", get(shop_hash))
        .with_state(state)
}

async fn workers(
    State(state): State<Arc<AppState>>,
    Path(script): Path<String>,
    method: Method,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let query = pairs(query.unwrap_or_default().as_bytes());
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let form = if method == Method::POST && is_form {
        pairs(&body)
    } else {
        Vec::new()
    };
    let req = Req {
        method: method.clone(),
        script: script.clone(),
        query,
        form,
    };
    let decision = state
        .faults
        .lock()
        .map(|mut f| f.decide(&script))
        .unwrap_or(crate::faults::Decision {
            latency_ms: 0,
            mode: None,
            slow_ms: 0,
        });
    if decision.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(decision.latency_ms)).await;
    }
    let (status, response) = match decision.mode {
        Some(FaultMode::Http500) => (
            500,
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/html; charset=iso-8859-1")],
                SERVER_ERROR_PAGE,
            )
                .into_response(),
        ),
        Some(FaultMode::ErrorBody) => (
            200,
            Reply::Error("Erreur interne, réessayez plus tard (simulée)".to_owned())
                .into_response(),
        ),
        mode => {
            let reply = if method == Method::POST && !is_form && !body.is_empty() {
                Reply::Error("Formulaire attendu (application/x-www-form-urlencoded)".to_owned())
            } else {
                crate::api::dispatch(&state, &req)
            };
            let status = match reply {
                Reply::NotFound => 404,
                _ => 200,
            };
            let response = match mode {
                Some(FaultMode::MalformedJson) => (
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                    "[{\"id\":\"1\",\"titre\":\"Caf",
                )
                    .into_response(),
                Some(FaultMode::CloseMidBody) => close_mid_body(),
                // Slow: logged now, answered after the delay (below), so that a client that
                // gives up still leaves its request in the log.
                Some(FaultMode::Slow) => reply.into_response(),
                _ => reply.into_response(),
            };
            (status, response)
        }
    };
    let shop_id = req
        .get("idboutique")
        .or_else(|| req.get("shopID"))
        .map(str::to_owned);
    if let Ok(mut log) = state.log.lock() {
        log.push(LoggedRequest {
            seq: 0,
            method: method.to_string(),
            script,
            shop_id,
            query: redact(&req.query),
            form: redact(&req.form),
            status,
            fault: decision.mode,
        });
    }
    if decision.mode == Some(FaultMode::Slow) {
        tokio::time::sleep(Duration::from_millis(decision.slow_ms)).await;
    }
    response
}

/// An answer that announces 4 KiB and stops after a few bytes.
fn close_mid_body() -> Response {
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from_static(b"[{\"id\":\"1\",\"titre\":\"Caf")),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "simulated connection loss",
        )),
    ];
    let stream = futures_util::stream::iter(chunks);
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
        .header(header::CONTENT_LENGTH, "4096")
        .body(Body::from_stream(stream))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_routes_refuse_other_hosts() {
        assert!(loopback_only("127.0.0.1:5000".parse().unwrap()).is_ok());
        assert!(loopback_only("[::1]:5000".parse().unwrap()).is_ok());
        let refused = loopback_only("192.168.1.20:5000".parse().unwrap()).unwrap_err();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    }
}

fn loopback_only(peer: SocketAddr) -> Result<(), Box<Response>> {
    if peer.ip().is_loopback() {
        Ok(())
    } else {
        Err(Box::new(
            (
                StatusCode::FORBIDDEN,
                "the sandbox control routes answer loopback clients only",
            )
                .into_response(),
        ))
    }
}

async fn get_faults(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Response {
    if let Err(r) = loopback_only(peer) {
        return *r;
    }
    let config = state
        .faults
        .lock()
        .map(|f| f.config.clone())
        .unwrap_or_default();
    axum::Json(config).into_response()
}

async fn put_faults(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    axum::Json(config): axum::Json<FaultConfig>,
) -> Response {
    if let Err(r) = loopback_only(peer) {
        return *r;
    }
    if let Ok(mut f) = state.faults.lock() {
        f.set(config);
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn clear_faults(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Response {
    if let Err(r) = loopback_only(peer) {
        return *r;
    }
    if let Ok(mut f) = state.faults.lock() {
        f.set(FaultConfig::default());
    }
    StatusCode::NO_CONTENT.into_response()
}

/// Runtime options (`PUT /_sandbox/options`); a field left out takes its default, an unknown
/// one is refused (a misspelt option would otherwise change nothing, silently).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Options {
    /// Whether `getOrders.php` and `getPending.php` include each order's `items`.
    list_items: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self { list_items: true }
    }
}

impl Options {
    fn current(state: &AppState) -> Self {
        Self {
            list_items: state.list_items.load(Ordering::Relaxed),
        }
    }

    fn apply(self, state: &AppState) {
        state.list_items.store(self.list_items, Ordering::Relaxed);
    }
}

async fn get_options(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Response {
    if let Err(r) = loopback_only(peer) {
        return *r;
    }
    axum::Json(Options::current(&state)).into_response()
}

async fn put_options(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    axum::Json(options): axum::Json<Options>,
) -> Response {
    if let Err(r) = loopback_only(peer) {
        return *r;
    }
    options.apply(&state);
    StatusCode::NO_CONTENT.into_response()
}

async fn reset_options(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Response {
    if let Err(r) = loopback_only(peer) {
        return *r;
    }
    Options::default().apply(&state);
    StatusCode::NO_CONTENT.into_response()
}

async fn get_requests(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Response {
    if let Err(r) = loopback_only(peer) {
        return *r;
    }
    let all = state.log.lock().map(|l| l.all()).unwrap_or_default();
    axum::Json(all).into_response()
}

async fn clear_requests(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Response {
    if let Err(r) = loopback_only(peer) {
        return *r;
    }
    if let Ok(mut l) = state.log.lock() {
        l.clear();
    }
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
struct NewShop {
    seed: u64,
}

async fn add_shop(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    axum::Json(body): axum::Json<NewShop>,
) -> Response {
    if let Err(r) = loopback_only(peer) {
        return *r;
    }
    let state2 = state.clone();
    match tokio::task::spawn_blocking(move || state2.add_shop(body.seed)).await {
        Ok(Some(c)) => axum::Json(c).into_response(),
        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn shop_hash(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(shop_id): Path<String>,
) -> Response {
    if let Err(r) = loopback_only(peer) {
        return *r;
    }
    match state
        .shop_by_id(&shop_id)
        .and_then(|s| s.data.read().ok().map(|d| crate::state::data_hash(&d)))
    {
        Some(h) => {
            axum::Json(json!({"shop_id": shop_id, "hash": format!("{h:016x}")})).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
