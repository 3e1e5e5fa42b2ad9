//! The binary's flags, environment, .env file, exit codes and shutdown.

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::process::Command;

use crate::support::{
    Era, TestClient, command, connect, connect_embedded, orders_in, sandbox, spawn,
};

fn bare() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kash-stdio"));
    cmd.env_remove("SHOPID")
        .env_remove("APIKEY")
        .env_remove("API_BASE")
        .env_remove("MCP_LANG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

#[tokio::test]
async fn missing_credentials_exit_2_with_where_to_find_them() {
    let dir = std::env::temp_dir().join(format!("kash-stdio-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = bare().current_dir(&dir).output().await.unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing on stdout but protocol");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("missing SHOPID and APIKEY"), "{err}");
    assert!(err.contains("Setup > Webservices"), "{err}");
    assert!(err.contains("--sandbox"), "{err}");
    let out = bare()
        .current_dir(&dir)
        .env("SHOPID", "12")
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing APIKEY"));
    let out = bare()
        .args(["--sandbox", "--lang", "klingon"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown language"));
    let out = bare()
        .args(["--sandbox", "--toolsets", "lists,games"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown toolset `games`"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_from_a_dotenv_file_and_flags_win_over_it() {
    let sb = sandbox().await;
    let c = sb.credentials();
    let dir = std::env::temp_dir().join(format!("kash-stdio-env-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(".env"),
        format!(
            "SHOPID={}\nAPIKEY={}\nAPI_BASE={}\nMCP_LANG=fr\n",
            c.shop_id,
            c.api_key,
            sb.base_url()
        ),
    )
    .unwrap();
    // ./.env is read by default.
    let mut cmd = command(&[]);
    cmd.current_dir(&dir);
    let s = spawn(cmd, Era::Legacy, TestClient::plain()).await;
    let (text, _) = s.ok("ping", json!({})).await;
    assert!(
        text.contains("joignable"),
        "French from MCP_LANG in .env: {text}"
    );
    let _ = s.close().await;
    // A flag wins over the file.
    let mut cmd = command(&["--lang", "en"]);
    cmd.current_dir(&dir);
    let s = spawn(cmd, Era::Legacy, TestClient::plain()).await;
    let (text, _) = s.ok("ping", json!({})).await;
    assert!(text.contains("reachable"), "{text}");
    let _ = s.close().await;
    // --env FILE, and --shopid=… form.
    let other = std::env::temp_dir().join(format!("kash-stdio-other-{}.env", std::process::id()));
    std::fs::write(
        &other,
        format!("APIKEY={}\nAPI_BASE={}\n", c.api_key, sb.base_url()),
    )
    .unwrap();
    let shop_flag = format!("--shopid={}", c.shop_id);
    let env_flag = other.display().to_string();
    let cmd = command(&[&shop_flag, "--env", &env_flag]);
    let s = spawn(cmd, Era::Modern, TestClient::plain()).await;
    let (_, v) = s.ok("ping", json!({})).await;
    assert_eq!(v["shopId"], c.shop_id);
    let _ = s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_toolsets_and_french() {
    let sb = sandbox().await;
    let s = connect(&sb, Era::Legacy, &["--read-only"], TestClient::plain()).await;
    let tools = s.client.list_all_tools().await.unwrap();
    assert!(
        tools
            .iter()
            .all(|t| t.annotations.as_ref().and_then(|a| a.read_only_hint) == Some(true))
    );
    assert!(!tools.iter().any(|t| t.name == "sale_create"));
    let info = s.client.peer_info().unwrap();
    assert!(
        info.instructions
            .as_deref()
            .unwrap_or("")
            .contains("read-only")
    );
    let _ = s.close().await;

    let s = connect(
        &sb,
        Era::Modern,
        &["--toolsets", "orders,sales"],
        TestClient::plain(),
    )
    .await;
    let names = s.tool_names();
    assert_eq!(
        names,
        [
            "data_list_orders",
            "data_list_pending_orders",
            "order_detail",
            "ping",
            "sale_create"
        ]
    );
    let _ = s.close().await;

    let s = connect(&sb, Era::Legacy, &["--lang", "fr"], TestClient::plain()).await;
    let tools = s.client.list_all_tools().await.unwrap();
    let sale = tools.iter().find(|t| t.name == "sale_create").unwrap();
    assert_eq!(sale.title.as_deref(), Some("Enregistrer une vente"));
    let err = s.err("data_list_products", json!({"limit": 900})).await;
    assert!(err.contains("`limit` doit être au plus 500."), "{err}");
    let (text, _) = s
        .ok(
            "data_list_products",
            json!({"query": "croissant", "limit": 1}),
        )
        .await;
    assert!(
        text.contains("articles correspondent à « croissant »"),
        "{text}"
    );
    assert!(text.contains("1,20 €"), "{text}");
    let _ = s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_sandbox_serves_the_demo_shop() {
    let s = connect_embedded(Era::Legacy, &[], TestClient::plain()).await;
    let (_, v) = s.ok("data_list_tables", json!({"query": "84"})).await;
    assert_eq!(v["items"][0]["title"], "84");
    let (_, v) = s
        .ok(
            "data_list_pending_orders",
            json!({"deliveryMethod": "delivery", "period": "today"}),
        )
        .await;
    assert_eq!(v["count"], 7, "seven deliveries tonight");
    assert_eq!(s.close().await.code(), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exits_promptly_on_eof_and_on_sigterm() {
    let sb = sandbox().await;
    // EOF: close stdin.
    let s = connect(&sb, Era::Legacy, &[], TestClient::plain()).await;
    s.ok("ping", json!({})).await;
    let started = Instant::now();
    let status = s.close().await;
    assert_eq!(status.code(), Some(0));
    assert!(started.elapsed() < Duration::from_secs(5));
    // SIGTERM while idle.
    let s = connect(&sb, Era::Modern, &[], TestClient::plain()).await;
    s.ok("ping", json!({})).await;
    let pid = s.child.id().unwrap();
    let started = Instant::now();
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let mut child = s.child;
    let status = tokio::time::timeout(Duration::from_secs(5), child.wait())
        .await
        .expect("exits within 5 s of SIGTERM")
        .unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn started_from_a_terminal_it_says_how_to_connect() {
    // `script` gives the server a terminal; end of input then stops it.
    let bin = env!("CARGO_BIN_EXE_kash-stdio");
    let out = Command::new("script")
        .args(["-qec", &format!("{bin} --sandbox"), "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .await
        .expect("`script` (util-linux) runs the server on a terminal");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("speaks MCP (JSON-RPC) on stdin/stdout"),
        "{text}"
    );
    assert!(text.contains("claude_desktop_config.json"), "{text}");
    assert!(
        text.contains("npx -y @modelcontextprotocol/inspector"),
        "{text}"
    );
    // End of input at the note (Ctrl-D, as it says) is a normal way out, not a warning.
    assert!(!text.contains("WARN"), "{text}");
    assert!(out.status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_always_serves_the_demo_shop_whatever_credentials_are_found() {
    // A "real" shop, named by the environment and a .env file: --sandbox must not touch it.
    let real = sandbox().await;
    let c = real.credentials();
    let dir = std::env::temp_dir().join(format!("kash-stdio-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(".env"), format!("APIKEY={}\n", c.api_key)).unwrap();
    let mut cmd = command(&["--sandbox"]);
    cmd.current_dir(&dir)
        .env("SHOPID", &c.shop_id)
        .env("API_BASE", real.base_url());
    let s = spawn(cmd, Era::Legacy, TestClient::plain()).await;
    let (text, v) = s.ok("ping", json!({})).await;
    assert_eq!(v["demo"], true, "{v}");
    assert!(text.contains("DEMO shop"), "{text}");
    let instructions = s.client.peer_info().unwrap().instructions.clone().unwrap();
    assert!(instructions.starts_with("DEMO SHOP"), "{instructions}");
    let before = orders_in(&real);
    s.ok(
        "sale_create",
        json!({"items": [{"type": "catalog", "productId": 1}], "payment": -1}),
    )
    .await;
    assert_eq!(orders_in(&real), before, "the real shop got no sale");
    let stderr = s.stderr.clone();
    let _ = s.close().await;
    let err = stderr.text();
    assert!(
        err.contains("--sandbox serves the built-in demo shop; ignoring SHOPID, APIKEY, API_BASE"),
        "{err}"
    );
}

#[tokio::test]
async fn plain_http_to_another_machine_is_refused_unless_allowed() {
    let out = bare()
        .env("SHOPID", "1042")
        .env("APIKEY", "k")
        .args(["--api-base", "http://192.0.2.2:18080"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("in clear") && err.contains("--allow-insecure-http"),
        "{err}"
    );
    // Allowed explicitly: it starts (and ends at once, stdin being empty), with a warning.
    let out = bare()
        .env("SHOPID", "1042")
        .env("APIKEY", "k")
        .args([
            "--api-base",
            "http://192.0.2.2:18080",
            "--allow-insecure-http",
        ])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("WARNING") && err.contains("in clear"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yes_no_settings_accept_every_usual_form_from_the_environment() {
    let sb = sandbox().await;
    let c = sb.credentials();
    for (value, on) in [
        ("1", true),
        ("yes", true),
        ("ON", true),
        ("true", true),
        ("0", false),
        ("no", false),
        ("off", false),
    ] {
        let mut cmd = command(&[]);
        cmd.env("SHOPID", &c.shop_id)
            .env("APIKEY", &c.api_key)
            .env("API_BASE", sb.base_url())
            .env("KASH_READ_ONLY", value)
            .env("KASH_CONFIRM_SALES", value);
        let s = spawn(cmd, Era::Legacy, TestClient::plain()).await;
        let has_sales = s.tools.iter().any(|t| t.name == "sale_create");
        assert_eq!(has_sales, !on, "KASH_READ_ONLY={value}");
        let _ = s.close().await;
    }
    let out = bare()
        .args(["--sandbox"])
        .env("KASH_READ_ONLY", "maybe")
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("true/false, 1/0, yes/no or on/off"), "{err}");
}

/// The Claude Desktop bundle's "demo shop" switch: KASH_SANDBOX=true serves the demo shop,
/// KASH_SANDBOX=false with the shop fields left empty says what is missing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_shop_switch_comes_from_the_environment_too() {
    let mut cmd = command(&[]);
    cmd.env("KASH_SANDBOX", "true")
        .env("SHOPID", "")
        .env("APIKEY", "");
    let s = spawn(cmd, Era::Legacy, TestClient::plain()).await;
    let (_, v) = s.ok("data_list_tables", json!({"query": "84"})).await;
    assert_eq!(v["items"][0]["title"], "84");
    assert_eq!(s.close().await.code(), Some(0));

    let out = bare()
        .env("KASH_SANDBOX", "false")
        .env("SHOPID", "")
        .env("APIKEY", "")
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("missing SHOPID and APIKEY"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_before_initialize_exits_cleanly() {
    // Early (while the demo shop is being built) and late (waiting for `initialize`).
    for wait in [Duration::from_millis(150), Duration::from_millis(2500)] {
        let mut child = command(&["--sandbox"]).spawn().unwrap();
        tokio::time::sleep(wait).await;
        let pid = child.id().unwrap();
        let kill = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
        let status = tokio::time::timeout(Duration::from_secs(5), child.wait())
            .await
            .expect("exits within 5 s of SIGTERM")
            .unwrap();
        assert_eq!(status.code(), Some(0), "after {wait:?}: {status:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_logs_carry_no_personal_data_unless_asked_for_by_name() {
    let sb = sandbox().await;
    let customer = json!({"lastname": "Zébulon", "email": "zebulon.private@example.org",
                          "phone": "0611223344", "city": "Lyon"});
    for payloads in [false, true] {
        let mut cmd = command(&[]);
        let c = sb.credentials();
        cmd.env("SHOPID", &c.shop_id)
            .env("APIKEY", &c.api_key)
            .env("API_BASE", sb.base_url())
            .env("RUST_LOG", "debug");
        if payloads {
            cmd.env("KASH_LOG_PAYLOADS", "1");
        } else {
            cmd.env_remove("KASH_LOG_PAYLOADS");
        }
        let s = spawn(cmd, Era::Legacy, TestClient::plain()).await;
        s.ok("client_create", customer.clone()).await;
        s.ok("data_list_clients", json!({"query": "Zébulon"})).await;
        let stderr = s.stderr.clone();
        let _ = s.close().await;
        let logs = stderr.text();
        assert!(logs.contains("tool call"), "debug logs are there: {logs}");
        for private in ["zebulon.private@example.org", "0611223344"] {
            assert_eq!(
                logs.contains(private),
                payloads,
                "{private} with KASH_LOG_PAYLOADS={payloads}"
            );
        }
    }
}

/// Stdin and stdout are read and written as non-blocking pipes when they are pipes, through
/// Tokio's standard streams otherwise: requests from a file, answers to a file, and a pipe on
/// one side with a file on the other are served alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_as_well_as_pipes_on_stdin_and_stdout() {
    let requests = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {},
            "clientInfo": {"name": "files", "version": "1"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
            "name": "data_list_tables", "arguments": {"query": "84"}}}),
    ]
    .map(|r| format!("{r}\n"))
    .concat();
    let dir = std::env::temp_dir().join(format!("kash-stdio-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("in.jsonl");
    std::fs::write(&input, &requests).unwrap();
    // (stdin from a file or a pipe, stdout to a file or a pipe)
    for (stdin_file, stdout_file) in [(true, true), (false, true), (true, false)] {
        let output = dir.join("out.jsonl");
        let mut cmd = command(&["--sandbox"]);
        cmd.stderr(Stdio::null());
        if stdin_file {
            cmd.stdin(std::fs::File::open(&input).unwrap());
        } else {
            cmd.stdin(Stdio::piped());
        }
        if stdout_file {
            cmd.stdout(std::fs::File::create(&output).unwrap());
        } else {
            cmd.stdout(Stdio::piped());
        }
        let mut child = cmd.spawn().unwrap();
        if let Some(mut stdin) = child.stdin.take() {
            tokio::io::AsyncWriteExt::write_all(&mut stdin, requests.as_bytes())
                .await
                .unwrap();
        }
        // End of input once the requests are read: the server answers them and exits.
        let out = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output())
            .await
            .expect("exits at end of input")
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{stdin_file} {stdout_file}");
        let text = if stdout_file {
            std::fs::read_to_string(&output).unwrap()
        } else {
            String::from_utf8(out.stdout).unwrap()
        };
        let answers: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(answers.len(), 2, "{stdin_file} {stdout_file}: {text}");
        assert_eq!(answers[0]["id"], 1);
        assert_eq!(answers[1]["id"], 2);
        assert_eq!(
            answers[1]["result"]["structuredContent"]["items"][0]["title"], "84",
            "{text}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
