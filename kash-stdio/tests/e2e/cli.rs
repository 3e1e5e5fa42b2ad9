//! The binary's flags, environment, .env file, exit codes and shutdown.

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::process::Command;

use crate::support::{Era, TestClient, command, connect, connect_embedded, sandbox, spawn};

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
    let mut names: Vec<String> = s
        .client
        .list_all_tools()
        .await
        .unwrap()
        .iter()
        .map(|t| t.name.to_string())
        .collect();
    names.sort();
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
    assert!(err.starts_with("`limit` doit être entre 1 et 500"), "{err}");
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
    assert!(out.status.success());
}
