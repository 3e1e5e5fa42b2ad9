//! One server, many callers: each request is answered for its own caller (shop, rights,
//! language, time zone), and nothing cached for a shop reaches a caller whose credentials the
//! POS did not accept for it (the tenant invariant of `kash_mcp_core::shop`).

use std::collections::HashMap;
use std::sync::Arc;

use jiff::tz::TimeZone;
use kash_e2e::client::TestClient;
use kash_e2e::session::{Era, NOW, Session, orders_in, sandbox, serve_in_process, text_of};
use kash_mcp_core::store::BoxFuture;
use kash_mcp_core::{
    Caller, Clock, Config, CredentialsHint, KashMcp, Lang, MemoryStore, Rights, Shop, ShopProvider,
};
use kash_sandbox::Sandbox;
use rmcp::RoleServer;
use rmcp::model::{CallToolRequestParams, ReadResourceRequestParams};
use rmcp::service::RequestContext;
use serde_json::json;

/// Callers by the client's name in `clientInfo`: one server, several people.
#[derive(Debug)]
struct ByClientName(HashMap<&'static str, Caller>);

impl ShopProvider for ByClientName {
    fn caller<'a>(&'a self, context: &'a RequestContext<RoleServer>) -> BoxFuture<'a, Caller> {
        Box::pin(async move {
            let name = context
                .peer
                .peer_info()
                .map(|i| i.client_info.name.clone())
                .unwrap_or_default();
            self.0
                .get(name.as_str())
                .cloned()
                .unwrap_or_else(|| Caller::without_shop("unknown caller"))
        })
    }
}

fn shop(sb: &Sandbox, key: &str, tz: &str, config: &Config) -> Shop {
    let c = sb.credentials();
    let client = kash_api::KashClient::builder(c.shop_id.clone(), key)
        .base_url(sb.base_url())
        .build()
        .unwrap();
    Shop::new(client, TimeZone::get(tz).unwrap(), &config.tenant_secret)
}

/// A server with these callers, and a session for each name.
async fn server(callers: Vec<(&'static str, Caller)>, config: Config) -> Vec<Session> {
    let names: Vec<&'static str> = callers.iter().map(|(n, _)| *n).collect();
    let server = KashMcp::new(
        config,
        Arc::new(ByClientName(callers.into_iter().collect())),
        Arc::new(MemoryStore::default()),
    );
    let mut sessions = Vec::new();
    for n in names {
        // Shared state: every session talks to clones of one server.
        sessions.push(serve_in_process(server.clone(), Era::Legacy, TestClient::named(n)).await);
    }
    sessions
}

fn config() -> Config {
    Config {
        clock: Clock::starting_at(NOW.parse().unwrap()),
        ..Config::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_with_the_right_shop_id_and_a_wrong_key_gets_nothing_from_the_caches() {
    let sb = sandbox().await;
    let config = config();
    let key = sb.credentials().api_key.clone();
    let owner = Caller::of(shop(&sb, &key, "Europe/Paris", &config));
    let intruder = Caller::of(shop(&sb, "sbx_not_the_key", "Europe/Paris", &config))
        .with_credentials_hint(CredentialsHint::new("Sign in again.", "Reconnectez-vous."));
    let sessions = server(vec![("owner", owner), ("intruder", intruder)], config).await;
    let (owner, intruder) = (&sessions[0], &sessions[1]);

    // The owner fills every cache: lists, days of orders, a preview, an idempotency record.
    let (_, products) = owner
        .ok("data_list_products", json!({"query": "croissant"}))
        .await;
    assert!(!products["items"].as_array().unwrap().is_empty());
    owner
        .ok("sales_summary", json!({"period": "last_week"}))
        .await;
    let (_, preview) = owner
        .ok(
            "sale_create",
            json!({"items": [{"type": "catalog", "productId": 1}], "payment": -1, "dryRun": true}),
        )
        .await;
    let preview_id = preview["previewId"].as_str().unwrap().to_owned();
    let sale = json!({"items": [{"type": "catalog", "productId": 1}], "payment": -1, "idempotencyKey": "tenant-test-1"});
    let (_, receipt) = owner.ok("sale_create", sale.clone()).await;
    assert_eq!(receipt["status"], "recorded");
    let orders = orders_in(&sb);

    // The intruder names the same shop: every answer is the POS's refusal, never a cached one.
    for (tool, args) in [
        ("data_list_products", json!({"query": "croissant"})),
        ("sales_summary", json!({"period": "last_week"})),
        ("sale_create", json!({"confirmPreviewId": preview_id})),
        ("sale_create", sale.clone()),
        (
            "order_detail",
            json!({"orderId": receipt["orderId"].clone()}),
        ),
    ] {
        let text = intruder.err(tool, args.clone()).await;
        assert!(
            text.contains("refused the shop credentials") || text.starts_with("No preview"),
            "{tool} {args}: {text}"
        );
        assert!(!text.contains("Croissant"), "{tool}: {text}");
    }
    let refused = intruder.err("data_list_products", json!({})).await;
    assert!(
        refused.ends_with("Sign in again."),
        "the front end's hint: {refused}"
    );
    let resource = intruder
        .client
        .read_resource(ReadResourceRequestParams::new("kash://shop"))
        .await;
    assert!(
        resource.is_err(),
        "the shop overview is not served from the cache"
    );
    assert_eq!(
        orders_in(&sb),
        orders,
        "nothing was recorded for the intruder"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_caller_gets_their_rights_language_and_time_zone() {
    let sb = sandbox().await;
    let config = config();
    let key = sb.credentials().api_key.clone();
    let manager = Caller::of(shop(&sb, &key, "Europe/Paris", &config));
    let reader = Caller::of(shop(&sb, &key, "America/New_York", &config))
        .with_rights(Rights::read_only())
        .with_lang(Lang::Fr);
    let sessions = server(vec![("manager", manager), ("reader", reader)], config).await;
    let (manager, reader) = (&sessions[0], &sessions[1]);

    let listed = |s: &Session, name: &str| s.tools.iter().any(|t| t.name == name);
    assert!(listed(manager, "sale_create") && listed(manager, "product_delete"));
    assert!(!listed(reader, "sale_create") && !listed(reader, "product_update"));
    assert!(listed(reader, "sales_summary"));
    let summary = reader
        .tools
        .iter()
        .find(|t| t.name == "sales_summary")
        .unwrap();
    assert!(
        summary
            .description
            .as_deref()
            .unwrap()
            .contains("Chiffres exacts"),
        "the reader's list is in French"
    );

    // A tool the caller cannot see cannot be called, and the refusal says why.
    let r = reader
        .client
        .call_tool(
            CallToolRequestParams::new("sale_create").with_arguments(
                json!({"items": [{"type": "catalog", "productId": 1}], "payment": -1})
                    .as_object()
                    .unwrap()
                    .clone(),
            ),
        )
        .await
        .unwrap();
    assert_eq!(r.is_error, Some(true));
    assert!(text_of(&r).contains("lecture seule"), "{}", text_of(&r));

    // Periods are the caller's shop's.
    let (_, paris) = manager
        .ok("sales_summary", json!({"period": "today"}))
        .await;
    let (_, new_york) = reader.ok("sales_summary", json!({"period": "today"})).await;
    assert_eq!(paris["range"]["timeZone"], "Europe/Paris");
    assert_eq!(new_york["range"]["timeZone"], "America/New_York");
    assert_ne!(paris["range"]["from"], new_york["range"]["from"]);
}
