//! Who gets in: static mode verifies each caller's shop credentials against the POS;
//! single-shop mode takes the server's own tokens, each read-only or read-write.

use kash_e2e::client::TestClient;
use kash_e2e::session::{Era, connect_http, sandbox};
use kash_sandbox::FaultConfig;
use serde_json::json;

use crate::support::{
    header, initialize, initialize_as, message, post_with, serve, static_server, token,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_mode_lets_in_only_credentials_the_pos_accepts() {
    let sb = sandbox().await;
    let server = static_server(&sb, &[]).await;
    let good = token(sb.credentials());

    let none = initialize_as(&server.url, None).await;
    assert_eq!(none.status(), 401);
    assert!(header(&none, "www-authenticate").starts_with("Bearer"));
    let malformed = initialize_as(&server.url, Some("no-colon")).await;
    assert_eq!(malformed.status(), 401);
    let text = malformed.text().await.unwrap();
    assert!(text.contains("SHOPID:APIKEY"), "{text}");

    let wrong = format!("{}:not-the-key", sb.credentials().shop_id);
    let r = initialize_as(&server.url, Some(&wrong)).await;
    assert_eq!(r.status(), 401);
    let text = r.text().await.unwrap();
    assert!(
        !text.contains("not-the-key"),
        "the key is never echoed: {text}"
    );

    let ok = initialize_as(&server.url, Some(&good)).await;
    assert_eq!(ok.status(), 200);
    assert_eq!(
        message(ok).await["result"]["serverInfo"]["name"],
        "kash-mcp"
    );

    // The two headers work as well as the bearer.
    let c = sb.credentials();
    let headers = [
        ("x-kash-shop-id", c.shop_id.as_str()),
        ("x-kash-api-key", c.api_key.as_str()),
    ];
    let r = post_with(&server.url, None, &headers, &initialize()).await;
    assert_eq!(r.status(), 200);

    // Verified once, then remembered: a burst of calls costs the POS one check.
    let s = connect_http(&server.url, &good, Era::Modern, TestClient::plain()).await;
    sb.clear_requests();
    for _ in 0..5 {
        s.ok("data_list_tables", json!({})).await;
    }
    let checks = sb
        .requests()
        .iter()
        .filter(|r| r.script == "getCashbox.php")
        .count();
    assert_eq!(checks, 0, "{:?}", sb.requests());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_pos_is_a_503_not_a_401() {
    let sb = sandbox().await;
    let server = static_server(&sb, &["--timeout", "2"]).await;
    sb.set_faults(FaultConfig {
        mode: Some(kash_sandbox::FaultMode::Http500),
        ..FaultConfig::default()
    });
    let r = initialize_as(&server.url, Some(&token(sb.credentials()))).await;
    assert_eq!(r.status(), 503);
    sb.clear_faults();
    let r = initialize_as(&server.url, Some(&token(sb.credentials()))).await;
    assert_eq!(r.status(), 200, "not remembered as refused");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn single_shop_tokens_are_read_only_or_read_write() {
    let sb = sandbox().await;
    let c = sb.credentials();
    let rw = "rw-token-0123456789abcdef";
    let ro = "ro-token-0123456789abcdef";
    let tokens = format!("{rw},{ro}:ro");
    let server = serve(&[
        "--auth",
        "single-shop",
        "--shopid",
        c.shop_id.as_str(),
        "--apikey",
        c.api_key.as_str(),
        "--api-base",
        sb.base_url(),
        "--tokens",
        &tokens,
    ])
    .await;
    let r = initialize_as(&server.url, Some("rw-token-0123456789abcdeX")).await;
    assert_eq!(r.status(), 401);
    let shop_creds = token(c);
    let r = initialize_as(&server.url, Some(&shop_creds)).await;
    assert_eq!(r.status(), 401, "the shop's own key is not a token here");

    for era in [Era::Legacy, Era::Modern] {
        let writer = connect_http(&server.url, rw, era, TestClient::plain()).await;
        let reader = connect_http(&server.url, ro, era, TestClient::plain()).await;
        let names = reader.tool_names();
        assert!(names.contains(&"data_list_products".to_owned()));
        assert!(
            !names
                .iter()
                .any(|n| n == "sale_create" || n.starts_with("catalog_")),
            "{names:?}"
        );
        assert!(writer.tool_names().contains(&"sale_create".to_owned()));
        let (_, ping) = reader.ok("ping", json!({})).await;
        assert_eq!(ping["shopId"], c.shop_id.as_str());
        let refused = reader
            .err(
                "sale_create",
                json!({"items": [{"type": "catalog", "productId": 1}], "payment": -1}),
            )
            .await;
        assert!(refused.to_lowercase().contains("read-only"), "{refused}");
    }
    assert!(
        !sb.requests().iter().any(|r| r.script == "webapp.php"),
        "nothing recorded"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth_settings_that_cannot_work_are_refused_at_start() {
    let start = |flags: &'static [&'static str]| async move {
        let mut all = vec!["kash-http", "--addr", "127.0.0.1:0"];
        all.extend_from_slice(flags);
        let args = <kash_http::settings::Args as clap::Parser>::try_parse_from(all).unwrap();
        kash_http::start::start(args).await
    };
    let e = start(&["--auth", "oauth", "--public-url", "http://mcp.example.com/"])
        .await
        .unwrap_err();
    assert_eq!(e.code, 2);
    assert!(e.message.contains("https"), "{e}");
    let e = start(&[
        "--auth",
        "oauth",
        "--store",
        "file:/tmp/kash-oauth-no-secret.redb",
    ])
    .await
    .unwrap_err();
    assert!(e.message.contains("KASH_SECRET_KEY"), "{e}");
    // An https public URL makes OAuth the default.
    let started = start(&["--public-url", "https://mcp.example.com/"])
        .await
        .unwrap();
    assert!(started.authorization.is_none(), "no static header to print");
}
