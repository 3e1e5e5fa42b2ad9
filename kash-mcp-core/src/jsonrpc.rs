//! Every message gets an answer: the raw JSON-RPC screen in front of the MCP service.
//!
//! rmcp drops what it cannot read (broken JSON, invalid UTF-8, nesting deeper than serde's
//! limit, numbers too large), answers some malformed messages without an `id`, and turns a
//! known method with unreadable params (`tools/call` whose `arguments` is a list) into
//! "method not found". [`screen`] reads a message first and says what to do with it: pass it
//! on, or answer it at once with the error the JSON-RPC and MCP specs name:
//!
//! | message | answer |
//! |---|---|
//! | not JSON (syntax, invalid UTF-8, lone surrogate, too deep, number too large) | `-32700` parse error, the `id` if it can be read, else `null` |
//! | JSON but not a request (not an object, a batch, no `method`, a bad `id`) | `-32600` invalid request |
//! | a known method whose params do not fit its shape | `-32602` invalid params |
//!
//! Both transports use it: the stdio line reader and the HTTP body check.

use rmcp::model::{
    CallToolRequestParams, ClientJsonRpcMessage, ClientRequest, GetPromptRequestParams,
    InitializeRequestParams, JsonRpcMessage, PaginatedRequestParams, ReadResourceRequestParams,
};
use serde_json::{Value, json};

/// The longest message read (a sale of 200 lines is a few tens of kilobytes).
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// JSON-RPC's parse error.
pub const PARSE_ERROR: i64 = -32700;
/// JSON-RPC's invalid request.
pub const INVALID_REQUEST: i64 = -32600;
/// JSON-RPC's invalid params.
pub const INVALID_PARAMS: i64 = -32602;

/// What to do with one incoming message.
#[derive(Debug)]
pub enum Screened {
    /// A message for the MCP service.
    Message(Box<ClientJsonRpcMessage>),
    /// An error answer to send back at once (one JSON object, no newline).
    Reply(Value),
    /// A notification that cannot be read: JSON-RPC answers no notification.
    Ignore,
}

/// An error answer with this id (`null` when it could not be read).
pub fn error_reply(id: Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

/// The methods a client may send whose params rmcp decodes into a fixed shape.
const STANDARD: [&str; 15] = [
    "initialize",
    "ping",
    "server/discover",
    "tools/list",
    "tools/call",
    "resources/list",
    "resources/templates/list",
    "resources/read",
    "resources/subscribe",
    "resources/unsubscribe",
    "prompts/list",
    "prompts/get",
    "completion/complete",
    "logging/setLevel",
    "subscriptions/listen",
];

/// Why the params of a known method do not fit, in a short sentence without their values.
fn params_problem(method: &str, params: Option<&Value>) -> String {
    let shape_error = |r: Result<(), serde_json::Error>| r.err().map(|e| e.to_string());
    let p = params.cloned().unwrap_or(Value::Null);
    let detail = match method {
        "tools/call" => shape_error(serde_json::from_value::<CallToolRequestParams>(p).map(drop)),
        "prompts/get" => shape_error(serde_json::from_value::<GetPromptRequestParams>(p).map(drop)),
        "resources/read" => {
            shape_error(serde_json::from_value::<ReadResourceRequestParams>(p).map(drop))
        }
        "initialize" => shape_error(serde_json::from_value::<InitializeRequestParams>(p).map(drop)),
        "tools/list" | "resources/list" | "prompts/list" | "resources/templates/list" => {
            if p.is_null() {
                None
            } else {
                shape_error(serde_json::from_value::<PaginatedRequestParams>(p).map(drop))
            }
        }
        _ => None,
    };
    let detail = detail.map(|d| shorten(&d, 160));
    match detail {
        Some(d) => format!("invalid params for {method}: {d}"),
        None => format!("invalid params for {method}"),
    }
}

fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_owned(),
        Some((cut, _)) => format!("{}…", s.get(..cut).unwrap_or(s)),
    }
}

/// For a request rmcp could not read into its method's shape: the invalid-params message when
/// the method is a known one.
pub fn screen_custom(method: &str, params: Option<&Value>) -> Option<String> {
    STANDARD
        .contains(&method)
        .then(|| params_problem(method, params))
}

/// Whether a value can be a JSON-RPC id (a string or an integer).
fn valid_id(v: &Value) -> bool {
    v.is_string() || v.is_i64() || v.is_u64()
}

/// Reads one message.
pub fn screen(bytes: &[u8]) -> Screened {
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(_) => {
            let id = scan_id(bytes).unwrap_or(Value::Null);
            return Screened::Reply(error_reply(id, PARSE_ERROR, "Parse error"));
        }
    };
    let Value::Object(obj) = &value else {
        let message = if value.is_array() {
            "Invalid Request: batches are not supported"
        } else {
            "Invalid Request: a message is a JSON object"
        };
        return Screened::Reply(error_reply(Value::Null, INVALID_REQUEST, message));
    };
    let id = obj.get("id").cloned();
    let method = obj.get("method");
    let is_response = method.is_none() && (obj.contains_key("result") || obj.contains_key("error"));
    let reply_id = id.clone().filter(valid_id).unwrap_or(Value::Null);
    if obj.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return match (&id, is_response) {
            (None, false) if method.is_some() => Screened::Ignore,
            _ => Screened::Reply(error_reply(
                reply_id,
                INVALID_REQUEST,
                "Invalid Request: `jsonrpc` must be \"2.0\"",
            )),
        };
    }
    if let Some(i) = &id
        && !valid_id(i)
    {
        return Screened::Reply(error_reply(
            Value::Null,
            INVALID_REQUEST,
            "Invalid Request: `id` must be a string or an integer",
        ));
    }
    if !is_response {
        match method {
            Some(Value::String(_)) => {}
            Some(_) | None if id.is_none() => return Screened::Ignore,
            _ => {
                return Screened::Reply(error_reply(
                    reply_id,
                    INVALID_REQUEST,
                    "Invalid Request: `method` must be a string",
                ));
            }
        }
    }
    let method = method.and_then(Value::as_str).unwrap_or("").to_owned();
    let params = obj.get("params").cloned();
    match serde_json::from_value::<ClientJsonRpcMessage>(value) {
        Ok(JsonRpcMessage::Request(r)) if matches!(&r.request, ClientRequest::CustomRequest(c) if STANDARD.contains(&c.method.as_str())) => {
            Screened::Reply(error_reply(
                reply_id,
                INVALID_PARAMS,
                &params_problem(&method, params.as_ref()),
            ))
        }
        Ok(message) => Screened::Message(Box::new(message)),
        Err(_) if id.is_none() => Screened::Ignore,
        Err(_) if STANDARD.contains(&method.as_str()) => Screened::Reply(error_reply(
            reply_id,
            INVALID_PARAMS,
            &params_problem(&method, params.as_ref()),
        )),
        Err(_) if is_response => Screened::Ignore,
        Err(_) => Screened::Reply(error_reply(
            reply_id,
            INVALID_REQUEST,
            "Invalid Request: `params` must be an object",
        )),
    }
}

/// The top-level `"id"` of a message that is not valid JSON, when it can still be read: a
/// string without escapes or an integer. Reads at most the first 64 KiB.
pub fn scan_id(bytes: &[u8]) -> Option<Value> {
    let bytes = bytes.get(..bytes.len().min(64 * 1024))?;
    let mut depth = 0usize;
    let mut i = 0usize;
    let mut expect_key = false;
    while i < bytes.len() {
        let b = *bytes.get(i)?;
        match b {
            b'{' => {
                depth += 1;
                expect_key = depth == 1;
                i += 1;
            }
            b'[' => {
                depth += 1;
                expect_key = false;
                i += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b',' => {
                expect_key = depth == 1;
                i += 1;
            }
            b'"' => {
                let end = string_end(bytes, i + 1)?;
                let is_id_key = depth == 1 && expect_key && bytes.get(i + 1..end) == Some(b"id");
                i = end + 1;
                expect_key = false;
                if is_id_key {
                    return id_value(bytes, i);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// The index of the closing quote of a string starting at `start` (after its opening quote).
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    while i < bytes.len() {
        match bytes.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// The value after `"id"`: `: 42` or `: "abc"`.
fn id_value(bytes: &[u8], mut i: usize) -> Option<Value> {
    let skip_ws = |mut j: usize| {
        while bytes.get(j).is_some_and(u8::is_ascii_whitespace) {
            j += 1;
        }
        j
    };
    i = skip_ws(i);
    if bytes.get(i) != Some(&b':') {
        return None;
    }
    i = skip_ws(i + 1);
    match bytes.get(i)? {
        b'"' => {
            let end = string_end(bytes, i + 1)?;
            let raw = bytes.get(i + 1..end)?;
            if raw.contains(&b'\\') {
                return None;
            }
            std::str::from_utf8(raw).ok().map(Value::from)
        }
        b'-' | b'0'..=b'9' => {
            let start = i;
            let mut end = i + 1;
            while bytes.get(end).is_some_and(u8::is_ascii_digit) {
                end += 1;
            }
            let text = std::str::from_utf8(bytes.get(start..end)?).ok()?;
            text.parse::<i64>().ok().map(Value::from)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(line: &[u8]) -> Value {
        match screen(line) {
            Screened::Reply(v) => v,
            other => panic!("expected an answer, got {other:?}"),
        }
    }

    #[test]
    fn unreadable_messages_get_a_parse_error_with_their_id_when_readable() {
        let deep = format!(
            r#"{{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{{"name":"ping","arguments":{{"a":{}1{}}}}}}}"#,
            "[".repeat(200),
            "]".repeat(200)
        );
        let cases: Vec<(Vec<u8>, Value)> = vec![
            (br#"{"jsonrpc":"2.0","id":1,"method":"#.to_vec(), json!(1)),
            (deep.into_bytes(), json!(7)),
            (
                br#"{"jsonrpc":"2.0","id":"a","method":"ping","params":{"x":"\ud800"}}"#.to_vec(),
                json!("a"),
            ),
            (
                b"{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\",\"x\":\"\xff\"}".to_vec(),
                json!(3),
            ),
            (
                br#"{"jsonrpc":"2.0","id":4,"method":"ping","params":{"n":1e400}}"#.to_vec(),
                json!(4),
            ),
            (b"not json".to_vec(), Value::Null),
        ];
        for (line, id) in cases {
            let r = reply(&line);
            assert_eq!(r["error"]["code"], PARSE_ERROR, "{r}");
            assert_eq!(r["id"], id, "{}", String::from_utf8_lossy(&line));
        }
    }

    #[test]
    fn bad_params_of_a_known_method_are_invalid_params() {
        for params in [
            json!({"name": "ping", "arguments": []}),
            json!({"name": "ping", "arguments": "x"}),
            json!({"name": "ping", "arguments": 3}),
            json!({"arguments": {}}),
            json!({"name": 5}),
        ] {
            let line = json!({"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": params})
                .to_string();
            let r = reply(line.as_bytes());
            assert_eq!(r["error"]["code"], INVALID_PARAMS, "{params}: {r}");
            assert_eq!(r["id"], 9);
        }
        let line = br#"{"jsonrpc":"2.0","id":10,"method":"tools/call","params":[1,2]}"#;
        assert_eq!(reply(line)["error"]["code"], INVALID_PARAMS);
    }

    #[test]
    fn not_a_request_is_invalid_request() {
        for line in [
            &br#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#[..],
            br#"42"#,
            br#"{"jsonrpc":"1.0","id":1,"method":"ping"}"#,
            br#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#,
            br#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#,
            br#"{"jsonrpc":"2.0","id":1,"method":7}"#,
        ] {
            let r = reply(line);
            assert_eq!(
                r["error"]["code"],
                INVALID_REQUEST,
                "{}",
                String::from_utf8_lossy(line)
            );
        }
    }

    #[test]
    fn good_messages_pass_and_bad_notifications_are_ignored() {
        let line = br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ping","arguments":{}}}"#;
        assert!(matches!(screen(line), Screened::Message(_)));
        let line = br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;
        assert!(matches!(screen(line), Screened::Message(_)));
        let line = br#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":[1]}"#;
        assert!(matches!(screen(line), Screened::Ignore));
    }
}
