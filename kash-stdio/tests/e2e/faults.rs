//! When the POS misbehaves: clear tool errors, a server that keeps serving, and no secret
//! anywhere in what the server writes.

use kash_sandbox::{FaultConfig, FaultMode};
use serde_json::json;

use crate::support::{ERAS, Era, TestClient, command, connect, sandbox, spawn};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_failures_are_clear_tool_errors_and_the_server_keeps_serving() {
    let sb = sandbox().await;
    // No catalogue cache: every call reaches the POS.
    let s = connect(
        &sb,
        Era::Legacy,
        &["--timeout", "1", "--cache-ttl", "0"],
        TestClient::plain(),
    )
    .await;
    let key = sb.credentials().api_key.clone();
    let cases = [
        (FaultMode::Http500, "internal error (HTTP 500)"),
        (FaultMode::ErrorBody, "The POS refused"),
        (FaultMode::MalformedJson, "expected JSON"),
        (FaultMode::CloseMidBody, "connection to the POS was cut"),
    ];
    for (mode, needle) in cases {
        sb.set_faults(FaultConfig {
            mode: Some(mode),
            ..FaultConfig::default()
        });
        let err = s.err("data_list_tables", json!({})).await;
        assert!(err.contains(needle), "{mode:?}: {err}");
        assert!(!err.contains(&key));
        let err = s.err("order_detail", json!({"orderId": 10001})).await;
        assert!(!err.is_empty());
        sb.clear_faults();
        s.ok("data_list_tables", json!({})).await;
    }
    // Slower than the client's timeout.
    sb.set_faults(FaultConfig {
        mode: Some(FaultMode::Slow),
        slow_ms: Some(3_000),
        ..FaultConfig::default()
    });
    let err = s.err("data_list_users", json!({})).await;
    assert!(err.contains("did not answer in time"), "{err}");
    sb.clear_faults();
    // Down entirely: ping says so, and the server still answers.
    let (text, v) = s.ok("ping", json!({})).await;
    assert!(text.contains("reachable"), "{text}");
    assert_eq!(v["posReachable"], true);
    let _ = s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_pos_and_a_wrong_key() {
    let sb = sandbox().await;
    // A port nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let mut cmd = command(&[]);
    cmd.env("SHOPID", "1042")
        .env("APIKEY", "k")
        .env("API_BASE", &dead);
    let s = spawn(cmd, Era::Modern, TestClient::plain()).await;
    let err = s.err("data_list_products", json!({})).await;
    assert!(err.starts_with("Could not connect to the POS"), "{err}");
    let (text, v) = s.ok("ping", json!({})).await;
    assert_eq!(v["posReachable"], false);
    assert!(text.contains("did not answer"), "{text}");
    let _ = s.close().await;

    let mut cmd = command(&[]);
    cmd.env("SHOPID", &sb.credentials().shop_id)
        .env("APIKEY", "sbx_wrong_key_000")
        .env("API_BASE", sb.base_url());
    let s = spawn(cmd, Era::Legacy, TestClient::plain()).await;
    let err = s.err("data_list_products", json!({})).await;
    assert!(err.contains("Setup > Webservices"), "{err}");
    let _ = s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_key_never_appears_in_anything_the_server_writes() {
    for era in ERAS {
        let sb = sandbox().await;
        let key = sb.credentials().api_key.clone();
        let s = connect(&sb, era, &["--timeout", "1"], TestClient::plain()).await;
        // A normal session, then every kind of failure, with RUST_LOG=trace.
        s.ok("data_list_products", json!({"query": "café"})).await;
        s.ok(
            "sale_create",
            json!({"items": [{"type": "catalog", "productId": 1}], "payment": -1}),
        )
        .await;
        for mode in [
            FaultMode::Http500,
            FaultMode::ErrorBody,
            FaultMode::MalformedJson,
            FaultMode::CloseMidBody,
        ] {
            sb.set_faults(FaultConfig {
                mode: Some(mode),
                ..FaultConfig::default()
            });
            let _ = s.call("data_list_orders", json!({"period": "today"})).await;
            let _ = s
                .call(
                    "sale_create",
                    json!({"items": [{"type": "free", "price": 1, "title": "x"}], "payment": -1}),
                )
                .await;
        }
        sb.set_faults(FaultConfig {
            mode: Some(FaultMode::Slow),
            slow_ms: Some(2_000),
            ..FaultConfig::default()
        });
        let _ = s.call("data_list_users", json!({})).await;
        sb.clear_faults();
        let _ = s.call("order_detail", json!({"orderId": 1})).await;
        let stdout = s.stdout.clone();
        let stderr = s.stderr.clone();
        assert_eq!(s.close().await.code(), Some(0));
        let (out, err) = (stdout.text(), stderr.text());
        assert!(
            out.len() > 1000 && err.len() > 1000,
            "both streams were captured"
        );
        assert!(err.contains("kash_api.call"), "trace logs were on");
        assert!(!out.contains(&key), "{era:?}: the key is on stdout");
        assert!(!err.contains(&key), "{era:?}: the key is on stderr");
        assert!(
            !err.contains("key="),
            "{era:?}: a URL with its query reached the logs"
        );
    }
}
