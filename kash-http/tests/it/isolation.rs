//! Two shops through one server at once: every answer is the caller's own shop's.

use std::sync::Arc;

use kash_e2e::client::TestClient;
use kash_e2e::session::{ERAS, connect_http, sandbox};
use serde_json::json;
use tokio::sync::Barrier;

use crate::support::{UNLIMITED, static_server, token};

/// Calls per client: 2 shops × 2 eras × 2 clients × 2,560 = 20,480 calls.
const ROUNDS: usize = 2_560;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_shops_in_lockstep_never_see_each_other() {
    let sb = sandbox().await;
    let second = sb.add_shop(11).await.unwrap();
    let server = static_server(&sb, &UNLIMITED).await;
    let shops = [sb.credentials().clone(), second];
    let mut clients = Vec::new();
    for shop in &shops {
        for era in ERAS {
            for _ in 0..2 {
                let s = connect_http(&server.url, &token(shop), era, TestClient::plain()).await;
                clients.push((shop.shop_id.clone(), era, s));
            }
        }
    }
    // Every client's JSON-RPC ids count from the same start: they collide on every round.
    let barrier = Arc::new(Barrier::new(clients.len()));
    let mut tasks = Vec::new();
    for (shop_id, era, s) in clients {
        let barrier = barrier.clone();
        tasks.push(tokio::spawn(async move {
            let mut wrong = 0usize;
            for _ in 0..ROUNDS {
                barrier.wait().await;
                let (_, ping) = s.ok("ping", json!({})).await;
                if ping["shopId"] != shop_id.as_str() {
                    wrong += 1;
                }
            }
            let (_, tables) = s.ok("data_list_tables", json!({})).await;
            (shop_id, era, wrong, tables)
        }));
    }
    let mut calls = 0;
    let mut tables_of = std::collections::HashMap::new();
    for t in tasks {
        let (shop_id, era, wrong, tables) = t.await.unwrap();
        assert_eq!(wrong, 0, "{shop_id} ({era:?}) got another shop's answers");
        calls += ROUNDS;
        let seen = tables_of
            .entry(shop_id.clone())
            .or_insert_with(|| tables.clone());
        assert_eq!(*seen, tables, "{shop_id}: one shop, one answer");
    }
    assert!(calls >= 20_000);
    assert_eq!(tables_of.len(), 2);
    server.stop().await;
}
