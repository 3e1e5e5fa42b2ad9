//! Raw lines on the binary's stdin: every message gets the JSON-RPC answer it deserves, and
//! the server keeps serving.

use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{ChildStdin, ChildStdout};

use crate::support::command;

struct Raw {
    stdin: ChildStdin,
    stdout: tokio::io::Lines<BufReader<ChildStdout>>,
    _child: tokio::process::Child,
}

impl Raw {
    async fn start() -> Self {
        let mut child = command(&["--sandbox"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        Self {
            stdin,
            stdout,
            _child: child,
        }
    }

    async fn send(&mut self, line: &[u8]) {
        self.stdin.write_all(line).await.unwrap();
        self.stdin.write_all(b"\n").await.unwrap();
        self.stdin.flush().await.unwrap();
    }

    /// The next message the server writes (within 20 s: nothing may hang).
    async fn next(&mut self) -> Value {
        let line = tokio::time::timeout(Duration::from_secs(20), self.stdout.next_line())
            .await
            .expect("an answer, not silence")
            .unwrap()
            .expect("the server is still there");
        serde_json::from_str(&line).unwrap()
    }

    /// Sends a line and returns the answer.
    async fn ask(&mut self, line: &[u8]) -> Value {
        self.send(line).await;
        self.next().await
    }

    /// The server still serves: a ping tool call works.
    async fn still_serving(&mut self, id: i64) {
        let r = self
            .ask(
                json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
                       "params": {"name": "ping", "arguments": {}}})
                .to_string()
                .as_bytes(),
            )
            .await;
        assert_eq!(r["id"], id, "{r}");
        assert_eq!(r["result"]["structuredContent"]["pong"], true, "{r}");
    }
}

fn broken_lines() -> Vec<(String, Vec<u8>, i64, Value)> {
    let deep = format!(
        r#"{{"jsonrpc":"2.0","id":102,"method":"tools/call","params":{{"name":"ping","arguments":{{"a":{}1{}}}}}}}"#,
        "[".repeat(300),
        "]".repeat(300)
    );
    let call = |id: i64, params: Value| {
        json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params})
            .to_string()
            .into_bytes()
    };
    vec![
        (
            "broken JSON".into(),
            br#"{"jsonrpc":"2.0","id":101,"method":"#.to_vec(),
            -32700,
            json!(101),
        ),
        ("nested too deep".into(), deep.into_bytes(), -32700, json!(102)),
        (
            "a lone surrogate".into(),
            br#"{"jsonrpc":"2.0","id":103,"method":"tools/call","params":{"name":"ping","arguments":{"x":"\ud800"}}}"#.to_vec(),
            -32700,
            json!(103),
        ),
        (
            "invalid UTF-8".into(),
            b"{\"jsonrpc\":\"2.0\",\"id\":104,\"method\":\"ping\",\"params\":{\"x\":\"\xc3\x28\"}}".to_vec(),
            -32700,
            json!(104),
        ),
        (
            "a number too large".into(),
            br#"{"jsonrpc":"2.0","id":105,"method":"tools/call","params":{"name":"ping","arguments":{"n":1e999}}}"#.to_vec(),
            -32700,
            json!(105),
        ),
        ("not JSON at all".into(), b"hello".to_vec(), -32700, Value::Null),
        (
            "a batch".into(),
            br#"[{"jsonrpc":"2.0","id":106,"method":"ping"}]"#.to_vec(),
            -32600,
            Value::Null,
        ),
        ("arguments as a list".into(), call(107, json!({"name": "ping", "arguments": [1]})), -32602, json!(107)),
        ("arguments as text".into(), call(108, json!({"name": "ping", "arguments": "x"})), -32602, json!(108)),
        ("arguments as a number".into(), call(109, json!({"name": "ping", "arguments": 3})), -32602, json!(109)),
        ("no tool name".into(), call(110, json!({"arguments": {}})), -32602, json!(110)),
        ("a tool name that is a number".into(), call(111, json!({"name": 7})), -32602, json!(111)),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_broken_message_gets_its_error_and_the_server_keeps_serving() {
    let mut s = Raw::start().await;
    // Before `initialize` too.
    let r = s.ask(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":").await;
    assert_eq!(
        (r["error"]["code"].clone(), r["id"].clone()),
        (json!(-32700), json!(1))
    );
    let init = json!({"jsonrpc": "2.0", "id": 2, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "raw", "version": "0"}}});
    let r = s.ask(init.to_string().as_bytes()).await;
    assert_eq!(r["result"]["serverInfo"]["name"], "kash-mcp", "{r}");
    s.send(br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        .await;
    for (i, (what, line, code, id)) in broken_lines().into_iter().enumerate() {
        let r = s.ask(&line).await;
        assert_eq!(r["error"]["code"], code, "{what}: {r}");
        assert_eq!(r["id"], id, "{what}: {r}");
        assert!(
            r["error"]["message"]
                .as_str()
                .is_some_and(|m| m.len() < 400),
            "{what}: {r}"
        );
        s.still_serving(1000 + i as i64).await;
    }
    // A line longer than 16 MiB: refused with its id, and the next line is read.
    let mut huge = br#"{"jsonrpc":"2.0","id":120,"method":"tools/call","params":{"name":"ping","arguments":{"x":""#.to_vec();
    huge.extend(std::iter::repeat_n(b'a', 17 << 20));
    huge.extend_from_slice(br#""}}}"#);
    let r = s.ask(&huge).await;
    assert_eq!(r["error"]["code"], -32600, "{r}");
    assert_eq!(r["id"], 120);
    s.still_serving(2000).await;
}
