//! Turning raw answers into values or errors, in one place.
//!
//! The upstream is a legacy PHP service: success is usually JSON, but failures arrive as an
//! error envelope on HTTP 200 (`{"result":"ERROR","message":"…"}`), as a PHP error page, as
//! HTML, or as plain text. Everything that leaves this module as error text is scrubbed of the
//! API key and shortened.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::KashError;

/// The longest upstream message kept in an error.
const MAX_MESSAGE_CHARS: usize = 300;
/// The longest excerpt of a document kept in a decode error.
const MAX_SNIPPET_CHARS: usize = 160;

/// Below this length a secret is only hidden where it stands as a token of its own: a short
/// key's letters occur in ordinary words, a long random key's never do.
const SHORT_SECRET: usize = 8;

/// Hides the secret where it can appear: the value of a key parameter (`key=…`,
/// `"key":"…"`, `APIKEY`), and the secret echoed anywhere (a long key) or as a value of its own
/// (a short key, bounded by characters that cannot be part of it). Prose is never rewritten:
/// with a key `k`, "unknown" stays "unknown".
pub(crate) fn scrub_secret(text: &str, secret: &str) -> String {
    let mut out = text.to_owned();
    if !secret.is_empty() {
        let encoded: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        for form in [secret, encoded.as_str()] {
            out = if form.chars().count() >= SHORT_SECRET {
                out.replace(form, "[REDACTED]")
            } else {
                replace_token(&out, form)
            };
        }
    }
    for marker in ["key=", "\"key\":\"", "\"APIKEY\":\"", "APIKEY="] {
        out = blank_after(&out, marker);
    }
    out
}

/// Whether `c` can continue a key-like token (the secret is only hidden as a whole token).
fn token_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '%')
}

/// Replaces each occurrence of `secret` that stands as a token of its own.
fn replace_token(text: &str, secret: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find(secret) {
        let before = rest.get(..pos).and_then(|h| h.chars().next_back());
        let after_start = pos + secret.len();
        let after = rest.get(after_start..).and_then(|t| t.chars().next());
        let alone = !before.is_some_and(token_char) && !after.is_some_and(token_char);
        out.push_str(rest.get(..pos).unwrap_or(""));
        if alone {
            out.push_str("[REDACTED]");
        } else {
            out.push_str(secret);
        }
        rest = rest.get(after_start..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// Blanks the value following each `marker` (up to `&`, `"`, whitespace or the end).
fn blank_after(text: &str, marker: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find(marker) {
        let (head, tail) = rest.split_at(pos + marker.len());
        out.push_str(head);
        let end = tail
            .find(|c: char| c == '&' || c == '"' || c.is_whitespace())
            .unwrap_or(tail.len());
        if end > 0 {
            out.push_str("[REDACTED]");
        }
        rest = tail.get(end..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// Cuts `text` to at most `max` characters on a character boundary, marking the cut.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or(text)),
    }
}

/// Reduces an HTML page or PHP error output to its readable text.
pub(crate) fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len().min(4096));
    let mut in_tag = false;
    let mut skip_depth: Option<&str> = None;
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    let bytes = html.as_bytes();
    while i < bytes.len() {
        if let Some(end_tag) = skip_depth {
            match lower.get(i..).and_then(|s| s.find(end_tag)) {
                Some(off) => {
                    i += off + end_tag.len();
                    skip_depth = None;
                    continue;
                }
                None => break,
            }
        }
        let c = bytes.get(i).copied().unwrap_or(b' ');
        if c == b'<' {
            let rest = lower.get(i..).unwrap_or("");
            if rest.starts_with("<script") {
                skip_depth = Some("</script>");
            } else if rest.starts_with("<style") {
                skip_depth = Some("</style>");
            } else if rest.starts_with("<title") {
                skip_depth = Some("</title>");
            }
            in_tag = true;
            out.push(' ');
            i += 1;
            continue;
        }
        if c == b'>' && in_tag {
            in_tag = false;
            i += 1;
            continue;
        }
        if !in_tag {
            // Copy the whole UTF-8 character.
            let ch_len = html
                .get(i..)
                .and_then(|s| s.chars().next())
                .map_or(1, char::len_utf8);
            out.push_str(html.get(i..i + ch_len).unwrap_or(""));
            i += ch_len;
        } else {
            i += 1;
        }
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#039;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a 2xx body that is not JSON reads like a PHP error or an HTML page.
fn looks_like_markup(text: &str) -> bool {
    let t = text.trim_start().to_ascii_lowercase();
    t.starts_with('<') || t.contains("<br") || t.contains("<b>")
}

/// The readable message of a non-JSON body (a PHP error page, HTML, plain text).
pub(crate) fn text_message(body: &str, scrub: &dyn Fn(&str) -> String) -> String {
    let text = if looks_like_markup(body) {
        html_to_text(body)
    } else {
        body.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let text = if text.is_empty() {
        "empty answer".to_owned()
    } else {
        text
    };
    shorten(&scrub(&text), MAX_MESSAGE_CHARS)
}

/// If `value` is an error envelope, its message.
///
/// Recognised: `{"result": "<anything but OK/success/true>", …}`, `{"error": …}`,
/// `{"erreur": …}`, `{"status": "error", …}`. The message comes from `message`, `msg`,
/// `error`, `erreur` or `errorMessage`, whichever is present first.
pub(crate) fn error_envelope(value: &Value) -> Option<String> {
    let obj = value.as_object()?;
    let get = |k: &str| {
        obj.iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(k))
            .map(|(_, v)| v)
    };
    let is_failure = match get("result") {
        Some(Value::String(s)) => !matches!(
            s.trim().to_ascii_lowercase().as_str(),
            "ok" | "success" | "succes" | "true" | "1"
        ),
        Some(Value::Bool(b)) => !b,
        Some(Value::Number(n)) => n.as_i64() == Some(0),
        _ => false,
    } || match get("status") {
        Some(Value::String(s)) => matches!(
            s.trim().to_ascii_lowercase().as_str(),
            "error" | "erreur" | "ko" | "fail" | "failed"
        ),
        _ => false,
    } || matches!(get("error"), Some(v) if !is_empty_value(v))
        || matches!(get("erreur"), Some(v) if !is_empty_value(v));
    if !is_failure {
        return None;
    }
    let message = [
        "message",
        "msg",
        "errorMessage",
        "error",
        "erreur",
        "result",
    ]
    .into_iter()
    .filter_map(get)
    .find_map(|v| match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Object(o) => o
            .get("message")
            .and_then(Value::as_str)
            .map(|s| s.trim().to_owned()),
        _ => None,
    })
    .unwrap_or_else(|| "the POS reported an error without a message".to_owned());
    Some(message)
}

fn is_empty_value(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Number(n) => n.as_i64() == Some(0),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Bool(true) => false,
    }
}

/// A body's JSON text: without a leading byte-order mark and the blanks before the value.
pub(crate) fn json_start(body: &[u8]) -> &[u8] {
    body.strip_prefix("\u{feff}".as_bytes())
        .unwrap_or(body)
        .trim_ascii_start()
}

/// The message of a non-2xx answer: an error envelope's message, or the page's text.
pub(crate) fn status_message(body: &[u8], scrub: &dyn Fn(&str) -> String) -> String {
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if let Ok(value) = serde_json::from_str::<Value>(trimmed)
        && let Some(message) = error_envelope(&value)
    {
        return shorten(&scrub(&message), MAX_MESSAGE_CHARS);
    }
    text_message(trimmed, scrub)
}

/// Parses a 2xx body as JSON, reporting non-JSON text and error envelopes as
/// [`KashError::Api`].
pub(crate) fn parse_json(
    endpoint: &'static str,
    status: u16,
    body: &[u8],
    scrub: &dyn Fn(&str) -> String,
) -> Result<Value, KashError> {
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    let value: Value = serde_json::from_str(trimmed).map_err(|_| KashError::Api {
        endpoint,
        status,
        explicit: false,
        message: format!("expected JSON, got: {}", text_message(trimmed, scrub)),
    })?;
    if let Some(message) = error_envelope(&value) {
        return Err(KashError::Api {
            endpoint,
            status,
            explicit: true,
            message: shorten(&scrub(&message), MAX_MESSAGE_CHARS),
        });
    }
    Ok(value)
}

/// Refuses a text or binary answer that is in fact an error: a JSON error envelope, or a PHP
/// fatal error page.
pub(crate) fn check_not_error(
    endpoint: &'static str,
    status: u16,
    body: &[u8],
    scrub: &dyn Fn(&str) -> String,
) -> Result<(), KashError> {
    let head = body.get(..body.len().min(4096)).unwrap_or(body);
    let head_text = String::from_utf8_lossy(head);
    let trimmed = head_text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{')
        && let Ok(value) = serde_json::from_slice::<Value>(body)
        && let Some(message) = error_envelope(&value)
    {
        return Err(KashError::Api {
            endpoint,
            status,
            explicit: true,
            message: shorten(&scrub(&message), MAX_MESSAGE_CHARS),
        });
    }
    let lower = trimmed.to_ascii_lowercase();
    if ["fatal error", "parse error", "uncaught exception"]
        .iter()
        .any(|m| lower.contains(m))
    {
        return Err(KashError::Api {
            endpoint,
            status,
            explicit: false,
            message: text_message(trimmed, scrub),
        });
    }
    Ok(())
}

/// Decodes a parsed value as `T`, naming the failing path.
pub(crate) fn from_value<T: DeserializeOwned>(
    endpoint: &'static str,
    value: &Value,
    scrub: &dyn Fn(&str) -> String,
) -> Result<T, KashError> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|err| {
        let reason = shorten(&scrub(&strip_value(&err.inner().to_string())), 200);
        let snippet = snippet_at(value, err.path());
        KashError::Decode {
            endpoint,
            path: err.path().to_string(),
            reason,
            snippet: shorten(&scrub(&snippet), MAX_SNIPPET_CHARS),
        }
    })
}

/// Decodes a list: a JSON array, an object keyed by id (PHP's encoding of an associative
/// array), or an envelope holding the array under `data`, `items`, `liste` or `list`.
pub(crate) fn list<T: DeserializeOwned>(
    endpoint: &'static str,
    value: Value,
    scrub: &dyn Fn(&str) -> String,
) -> Result<Vec<T>, KashError> {
    let items = match value {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        Value::Object(mut obj) => {
            let inner = ["data", "items", "liste", "list", "result"]
                .into_iter()
                .find_map(|k| match obj.get(k) {
                    Some(Value::Array(_)) | Some(Value::Object(_)) => obj.remove(k),
                    _ => None,
                });
            match inner {
                Some(Value::Array(items)) => items,
                Some(Value::Object(o)) if o.values().all(Value::is_object) => {
                    o.into_iter().map(|(_, v)| v).collect()
                }
                _ if obj.values().all(Value::is_object) => {
                    obj.into_iter().map(|(_, v)| v).collect()
                }
                _ => {
                    let snippet = serde_json::to_string(&Value::Object(obj)).unwrap_or_default();
                    return Err(KashError::Decode {
                        endpoint,
                        path: ".".to_owned(),
                        reason: "expected a list".to_owned(),
                        snippet: shorten(&scrub(&snippet), MAX_SNIPPET_CHARS),
                    });
                }
            }
        }
        other => {
            return Err(KashError::Decode {
                endpoint,
                path: ".".to_owned(),
                reason: "expected a list".to_owned(),
                snippet: shorten(&scrub(&other.to_string()), MAX_SNIPPET_CHARS),
            });
        }
    };
    let mut out = Vec::with_capacity(items.len());
    // Each item's JSON tree is freed once decoded: a year of orders never sits twice in
    // memory.
    for (i, item) in items.into_iter().enumerate() {
        out.push(from_value::<T>(endpoint, &item, scrub).map_err(|e| at_index(e, i))?);
    }
    Ok(out)
}

/// A decoding error of a list's item `i`, its path prefixed with `[i]`.
pub(crate) fn at_index(err: KashError, i: usize) -> KashError {
    match err {
        KashError::Decode {
            endpoint,
            path,
            reason,
            snippet,
        } => KashError::Decode {
            endpoint,
            path: if path == "." {
                format!("[{i}]")
            } else {
                format!("[{i}].{path}")
            },
            reason,
            snippet,
        },
        other => other,
    }
}

/// serde messages quote the offending value (`invalid type: string "abc", expected …`); keep
/// the type and drop the value, which could be anything the upstream sent.
fn strip_value(reason: &str) -> String {
    match (reason.find('"'), reason.rfind('"')) {
        (Some(a), Some(b)) if b > a => format!(
            "{}…{}",
            reason.get(..a).unwrap_or(""),
            reason.get(b + 1..).unwrap_or("")
        ),
        _ => reason.to_owned(),
    }
}

/// The JSON text of the element at `path` (or its nearest existing ancestor).
fn snippet_at(root: &Value, path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut current = root;
    let mut last_container = root;
    for seg in path.iter() {
        let next = match seg {
            Segment::Seq { index } => current.get(*index),
            Segment::Map { key } => current.get(key.as_str()),
            Segment::Enum { .. } | Segment::Unknown => None,
        };
        match next {
            Some(v) => {
                if v.is_object() || v.is_array() {
                    last_container = v;
                }
                current = v;
            }
            None => break,
        }
    }
    let target = if current.is_object() || current.is_array() {
        current
    } else {
        last_container
    };
    serde_json::to_string(target).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_removes_secret_and_key_params() {
        let s = scrub_secret("url?idboutique=1&key=abc123&x=1 and abc123 again", "abc123");
        assert!(!s.contains("abc123"), "{s}");
        let s = scrub_secret(r#"{"key":"zzz","APIKEY":"yyy"}"#, "");
        assert!(!s.contains("zzz") && !s.contains("yyy"), "{s}");
        let s = scrub_secret("invalid key abc123. (abc123)", "abc123");
        assert_eq!(s, "invalid key [REDACTED]. ([REDACTED])");
    }

    #[test]
    fn a_short_key_never_rewrites_prose() {
        // The key `k` must not turn "unknown endpoint" into "un[REDACTED]nown endpoint".
        assert_eq!(scrub_secret("unknown endpoint", "k"), "unknown endpoint");
        assert_eq!(
            scrub_secret("get.php?idboutique=1&key=k failed; bad key k", "k"),
            "get.php?idboutique=1&key=[REDACTED] failed; bad key [REDACTED]"
        );
        // A key with characters that URLs encode is hidden in both forms.
        let s = scrub_secret("echo a+b/c= and a%2Bb%2Fc%3D", "a+b/c=");
        assert!(!s.contains("a+b/c=") && !s.contains("a%2Bb%2Fc%3D"), "{s}");
    }

    #[test]
    fn envelope_detection() {
        let v: Value = serde_json::json!({"result":"ERROR","message":"Clé invalide"});
        assert_eq!(error_envelope(&v).as_deref(), Some("Clé invalide"));
        let v: Value = serde_json::json!({"result":"OK","id":"3"});
        assert_eq!(error_envelope(&v), None);
        let v: Value = serde_json::json!({"error":"nope"});
        assert_eq!(error_envelope(&v).as_deref(), Some("nope"));
        let v: Value = serde_json::json!({"error":"", "id": 3});
        assert_eq!(error_envelope(&v), None);
        let v: Value = serde_json::json!([{"result":"ERROR"}]);
        assert_eq!(error_envelope(&v), None);
    }

    #[test]
    fn html_is_reduced_to_text() {
        let t = html_to_text(
            "<html><head><title>x</title><style>p{}</style></head><body><h1>500 &amp; co</h1><p>Internal\n error</p></body></html>",
        );
        assert_eq!(t, "500 & co Internal error");
    }

    #[test]
    fn shorten_is_char_safe() {
        assert_eq!(shorten("ééééé", 3), "ééé…");
        assert_eq!(shorten("abc", 3), "abc");
    }
}
