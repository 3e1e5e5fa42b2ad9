//! Both protocol eras, resources, prompts, and the old argument names n8n workflows use.

use kash_e2e::client::TestClient;
use kash_e2e::session::{ERAS, Era, Session, connect, sandbox};
use rmcp::model::{ProtocolVersion, ReadResourceRequestParams, ResourceContents};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_eras_negotiate_and_get_the_same_tools() {
    let sb = sandbox().await;
    let mut lists = Vec::new();
    for era in ERAS {
        let s = connect(&sb, era, &[], TestClient::plain()).await;
        let info = s.client.peer_info().unwrap();
        assert_eq!(info.server_info.as_ref().unwrap().name, "kash-mcp");
        assert!(
            info.instructions
                .as_deref()
                .unwrap_or("")
                .contains("sale_create")
        );
        let (_, v) = s.ok("ping", json!({})).await;
        let expected = match era {
            Era::Legacy => "2025-11-25",
            Era::Modern => "2026-07-28",
        };
        assert_eq!(v["protocolVersion"], expected);
        let names = s.tool_names();
        lists.push(names);
        // An unknown tool is a protocol error, not a tool result.
        let err = s
            .client
            .call_tool(rmcp::model::CallToolRequestParams::new("nope"))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("unknown tool"), "{err}");
        let _ = s.close().await;
    }
    assert_eq!(lists[0], lists[1]);
}

/// The text of the resource at `uri`.
async fn resource_text(s: &Session, uri: &str) -> String {
    let read = s
        .client
        .read_resource(ReadResourceRequestParams::new(uri))
        .await
        .unwrap();
    let ResourceContents::TextResourceContents { text, .. } = &read.contents[0] else {
        panic!("text");
    };
    text.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resources_and_prompts() {
    let sb = sandbox().await;
    for era in ERAS {
        let s = connect(&sb, era, &[], TestClient::plain()).await;
        let resources = s.client.list_all_resources().await.unwrap();
        let uris: Vec<&str> = resources.iter().map(|r| r.uri.as_str()).collect();
        assert_eq!(uris, vec!["kash://guide", "kash://shop"]);
        let guide = resource_text(&s, "kash://guide").await;
        assert!(guide.contains("`-1`: validated but not paid yet"));
        let shop = resource_text(&s, "kash://shop").await;
        let v: serde_json::Value = serde_json::from_str(&shop).unwrap();
        assert_eq!(v["counts"]["tables"], 25);
        assert_eq!(v["today"], "2026-11-24");
        assert!(!v["lowStock"].as_array().unwrap().is_empty());
        assert!(
            s.client
                .read_resource(ReadResourceRequestParams::new("kash://nope"))
                .await
                .is_err()
        );
        let prompts = s.client.list_all_prompts().await.unwrap();
        assert_eq!(prompts[0].name, "record_sale");
        let p = s
            .prompt(
                "record_sale",
                json!({"order": "2 cafés et un croissant table 84"}),
            )
            .await
            .unwrap();
        let text = serde_json::to_string(&p.messages).unwrap();
        assert!(text.contains("2 cafés et un croissant table 84") && text.contains("dryRun"));
        let _ = s.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_old_argument_names_keep_working() {
    let sb = sandbox().await;
    let s = connect(&sb, Era::Legacy, &[], TestClient::plain()).await;
    let (_, a) = s
        .ok(
            "data_list_orders",
            json!({
                "validatedOrders": true,
                "from_date_ISO8601": "2026-11-20T00:00:00+01:00",
                "to_date_ISO8601": "2026-11-20T23:59:59+01:00",
                "filterDeliveryMethod": 1
            }),
        )
        .await;
    let (_, b) = s
        .ok(
            "data_list_orders",
            json!({"from": "2026-11-20", "to": "2026-11-20", "deliveryMethod": "delivery"}),
        )
        .await;
    assert_eq!(a["count"], b["count"]);
    assert_eq!(a["revenue"], b["revenue"]);
    assert!(a["count"].as_u64().unwrap() > 0);
    assert!(
        a["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["deliveryMethod"] == "delivery")
    );
    // The request reached the POS with its documented names.
    let req = sb
        .requests()
        .into_iter()
        .rfind(|r| r.script == "getOrders.php")
        .unwrap();
    assert_eq!(req.values("filterDeliveryMethod"), vec!["1"]);
    assert_eq!(req.values("validatedOrders"), vec!["true"]);
    let (_, q) = s
        .ok(
            "data_list_orders",
            json!({"validatedOrders": false, "period": "last_30_days"}),
        )
        .await;
    assert_eq!(q["kind"], "quotes");
    let id = a["items"][0]["id"].clone();
    let (_, d) = s.ok("order_detail", json!({"order_id": id})).await;
    assert_eq!(d["id"], id);
    let (_, d) = s
        .ok("order_detail", json!({"order_id": id.to_string()}))
        .await;
    assert_eq!(d["id"], id, "ids as strings too");
    let err = s.err("order_detail", json!({"orderId": 1})).await;
    assert!(err.contains("No order 1"), "{err}");
    let _ = s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn older_clients_are_served_too() {
    let sb = sandbox().await;
    for version in [
        ProtocolVersion::V_2024_11_05,
        ProtocolVersion::V_2025_03_26,
        ProtocolVersion::V_2025_06_18,
    ] {
        let mut client = TestClient::plain();
        client.version = Some(version.clone());
        let s = connect(&sb, Era::Legacy, &[], client).await;
        let info = s.client.peer_info().unwrap();
        assert_eq!(info.protocol_version, version);
        let (_, v) = s.ok("ping", json!({})).await;
        assert_eq!(v["protocolVersion"], version.to_string());
        let (text, _) = s.ok("data_list_tables", json!({"query": "84"})).await;
        assert!(text.contains("table 84"), "{text}");
        let _ = s.close().await;
    }
}
