//! The HTTP surface, through the router itself (no socket) where possible: discovery
//! documents, probes, metrics, host and origin checks, limits.

use axum::body::Body;
use http::{Request, StatusCode};
use kash_e2e::client::TestClient;
use kash_e2e::session::{Era, connect_http, sandbox};
use kash_sandbox::{FaultConfig, FaultMode};
use serde_json::{Value, json};
use tower::ServiceExt as _;

use crate::support::{
    demo_app, get, initialize, initialize_as, post_with, serve, static_server, status_of, token,
};

fn mcp_post(host: &str, origin: Option<&str>, body: String) -> Request<Body> {
    let mut r = Request::post("/mcp")
        .header("host", host)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream");
    if let Some(o) = origin {
        r = r.header("origin", o);
    }
    r.body(Body::from(body)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_probes_and_metrics() {
    let (_started, app) = demo_app("https://mcp.example.com/").await;

    let (status, _, body) = get(&app, "/health").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
    assert_eq!(get(&app, "/ready").await.0, StatusCode::OK);

    let (status, headers, body) = get(&app, "/mcp/server-card").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["access-control-allow-origin"], "*");
    let card: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(card["remotes"][0]["url"], "https://mcp.example.com/mcp");
    assert_eq!(card["remotes"][0]["type"], "streamable-http");

    let (status, _, body) = get(&app, "/.well-known/mcp/manifest.json").await;
    assert_eq!(status, StatusCode::OK);
    let manifest: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(manifest["endpoint"], "https://mcp.example.com/mcp");
    let tools = manifest["tools"].as_array().unwrap();
    assert!(tools.iter().any(|t| t["name"] == "sale_create"));

    // The public host and loopback are let in; another host or a foreign page is not.
    let init = initialize().to_string();
    let ok = app
        .clone()
        .oneshot(mcp_post(
            "mcp.example.com",
            Some("https://mcp.example.com"),
            init.clone(),
        ))
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let evil_host = app
        .clone()
        .oneshot(mcp_post("evil.example", None, init.clone()))
        .await
        .unwrap();
    assert_eq!(evil_host.status(), StatusCode::FORBIDDEN);
    let evil_origin = app
        .clone()
        .oneshot(mcp_post(
            "mcp.example.com",
            Some("https://evil.example"),
            init.clone(),
        ))
        .await
        .unwrap();
    assert_eq!(evil_origin.status(), StatusCode::FORBIDDEN);
    // Too big a body is refused whole.
    let big = format!(
        "{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{{\"x\":\"{}\"}}}}",
        "a".repeat(2 << 20)
    );
    let r = app
        .clone()
        .oneshot(mcp_post("127.0.0.1", None, big))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let (status, headers, body) = get(&app, "/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .contains("openmetrics")
    );
    assert!(
        body.contains("kash_http_requests_total{route=\"mcp\",status=\"403\"} 2"),
        "{body}"
    );
    assert!(body.contains("kash_http_sessions"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_shop_needs_no_header_and_prints_the_one_it_takes() {
    let server = serve(&["--sandbox"]).await;
    let header = server.authorization.clone().unwrap();
    assert!(header.starts_with("Bearer 1042:"), "{header}");
    let r = initialize_as(&server.url, None).await;
    assert_eq!(r.status(), 200);
    let s = connect_http(
        &server.url,
        header.trim_start_matches("Bearer "),
        Era::Modern,
        TestClient::plain(),
    )
    .await;
    let (text, ping) = s.ok("ping", json!({})).await;
    assert_eq!(ping["demo"], true, "{text}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_answer_429_with_retry_after() {
    let sb = sandbox().await;
    let server = static_server(&sb, &["--rate-limit", "1", "--rate-burst", "3"]).await;
    let bearer = token(sb.credentials());
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let r = initialize_as(&server.url, Some(&bearer)).await;
        if r.status() == 429 {
            assert!(
                r.headers()["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse::<u64>()
                    .unwrap()
                    >= 1
            );
        }
        statuses.push(r.status().as_u16());
    }
    assert!(statuses.starts_with(&[200, 200, 200]), "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pos_down_is_a_tool_error_and_the_server_stays_healthy() {
    let sb = sandbox().await;
    let server = static_server(&sb, &["--timeout", "2"]).await;
    let s = connect_http(
        &server.url,
        &token(sb.credentials()),
        Era::Legacy,
        TestClient::plain(),
    )
    .await;
    sb.set_faults(FaultConfig {
        mode: Some(FaultMode::Http500),
        scripts: vec!["getOrders.php".into()],
        ..FaultConfig::default()
    });
    let text = s.err("data_list_orders", json!({"period": "today"})).await;
    assert!(!text.is_empty());
    assert_eq!(status_of(&server.root, "/health").await, 200);
    sb.clear_faults();
    s.ok("data_list_orders", json!({"period": "today"})).await;
    let metrics = crate::support::metrics(&server.root).await;
    for line in [
        "kash_http_tool_calls_total{tool=\"data_list_orders\",outcome=\"ok\"} 1",
        "kash_http_pos_calls_total{script=\"getOrders.php\",outcome=\"error\"}",
        "kash_http_pos_calls_total{script=\"getOrders.php\",outcome=\"ok\"}",
        "kash_http_tool_call_seconds_count",
        "kash_http_pos_call_seconds_count",
    ] {
        assert!(metrics.contains(line), "{line} missing from\n{metrics}");
    }
    assert!(
        metrics.contains(
            "kash_http_tool_calls_total{tool=\"data_list_orders\",outcome=\"upstream\"} 1"
        ),
        "{metrics}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_the_calls_in_flight() {
    let sb = sandbox().await;
    let server = static_server(&sb, &[]).await;
    let s = connect_http(
        &server.url,
        &token(sb.credentials()),
        Era::Modern,
        TestClient::plain(),
    )
    .await;
    sb.set_faults(FaultConfig {
        latency_ms: 700,
        scripts: vec!["getOrders.php".into()],
        ..FaultConfig::default()
    });
    let call =
        tokio::spawn(async move { s.ok("data_list_orders", json!({"period": "today"})).await });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    server.stop().await;
    let (_, answer) = call.await.unwrap();
    assert!(answer.get("items").is_some(), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_presenting_wrong_keys_is_turned_away_and_good_callers_are_not() {
    let sb = sandbox().await;
    let server = static_server(&sb, &["--auth-failures-per-minute", "3"]).await;
    let wrong = format!("{}:wrong-key", sb.credentials().shop_id);
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(
            initialize_as(&server.url, Some(&wrong))
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, [401, 401, 401, 429, 429]);
    // Even the right key waits from that address: the guesser cannot tell.
    let r = initialize_as(&server.url, Some(&token(sb.credentials()))).await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn methods_removed_in_2026_are_not_found_for_modern_requests() {
    let server = serve(&["--sandbox"]).await;
    for method in ["initialize", "logging/setLevel", "resources/subscribe"] {
        let headers = [
            ("mcp-protocol-version", "2026-07-28"),
            ("mcp-method", method),
        ];
        let body = json!({"jsonrpc": "2.0", "id": 9, "method": method, "params": {}});
        let r = post_with(&server.url, None, &headers, &body).await;
        assert_eq!(r.status(), 404, "{method}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], -32601, "{method}");
        assert_eq!(body["id"], 9);
    }
    server.stop().await;
}

/// `kash-http --health-check` (the container's health check) says healthy for a running
/// server, also through the wildcard address it listens on, and unhealthy where none runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_health_check_flag_asks_the_running_server() {
    let server = serve(&["--sandbox"]).await;
    let port = url::Url::parse(&server.root).unwrap().port().unwrap();
    let check = |addr: String| async move {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_kash-http"))
            .args(["--health-check", "--addr", &addr])
            .output()
            .await
            .unwrap()
    };
    let healthy = check(format!("127.0.0.1:{port}")).await;
    assert!(healthy.status.success(), "{healthy:?}");
    // The container listens on 0.0.0.0: the check asks loopback.
    assert!(check(format!("0.0.0.0:{port}")).await.status.success());
    server.stop().await;

    let nobody = check(format!("127.0.0.1:{}", crate::support::free_port())).await;
    assert_eq!(nobody.status.code(), Some(1));
    let said = String::from_utf8_lossy(&nobody.stderr);
    assert!(
        said.contains("unhealthy: no server at 127.0.0.1:"),
        "{said}"
    );
}
