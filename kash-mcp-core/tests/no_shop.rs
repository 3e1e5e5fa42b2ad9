//! Without a shop, `ping` still answers and every other tool gives the front end's reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing)]

use std::sync::Arc;

use kash_mcp_core::{Caller, Config, KashMcp, MemoryStore, StaticShop};
use rmcp::ServiceExt;
use rmcp::model::{CallToolRequestParams, ClientConfig};
use serde_json::json;

#[tokio::test]
async fn ping_works_without_a_shop_and_tools_say_why_there_is_none() {
    let reason = "your session ended: sign in again";
    let (server_io, client_io) = tokio::io::duplex(64 * 1024);
    let server = KashMcp::new(
        Config::default(),
        Arc::new(StaticShop::new(Caller::without_shop(reason))),
        Arc::new(MemoryStore::default()),
    );
    tokio::spawn(async move {
        let running = server.serve(server_io).await.unwrap();
        let _ = running.waiting().await;
    });
    let client = ClientConfig::default().serve(client_io).await.unwrap();
    let ping = client
        .call_tool(CallToolRequestParams::new("ping"))
        .await
        .unwrap();
    assert_ne!(ping.is_error, Some(true));
    let v = ping.structured_content.unwrap();
    assert_eq!(v["pong"], true);
    assert_eq!(v["shopConfigured"], false);
    let list = client
        .call_tool(
            CallToolRequestParams::new("data_list_products")
                .with_arguments(json!({}).as_object().unwrap().clone()),
        )
        .await
        .unwrap();
    assert_eq!(list.is_error, Some(true));
    let text = list.content[0].as_text().unwrap().text.clone();
    assert!(text.contains(reason), "{text}");
    assert!(
        !text.contains("SHOPID"),
        "the core names no setting: {text}"
    );
    client.cancel().await.unwrap();
}
