//! The seed's interactions, as a model would drive them, in both eras.

use kash_e2e::client::TestClient;
use kash_e2e::session::{ERAS, connect, orders_in, sandbox};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_coffees_and_a_croissant_at_table_84() {
    for era in ERAS {
        let sb = sandbox().await;
        let s = connect(&sb, era, &[], TestClient::plain()).await;
        // Search.
        let (_, coffee) = s
            .ok("data_list_products", json!({"query": "café", "limit": 3}))
            .await;
        assert_eq!(coffee["items"][0]["title"], "Café");
        let coffee_id = coffee["items"][0]["id"].clone();
        let (_, croissant) = s
            .ok(
                "data_list_products",
                json!({"query": "croissant", "limit": 3}),
            )
            .await;
        let croissant_id = croissant["items"][0]["id"].clone();
        let before = orders_in(&sb);
        // Preview, then confirm.
        let (text, preview) = s
            .ok(
                "sale_create",
                json!({
                    "items": [
                        {"type": "catalog", "productId": coffee_id, "quantity": 2},
                        {"type": "catalog", "productId": croissant_id, "quantity": 1}
                    ],
                    "payment": -1,
                    "deliveryMethod": "eat_in",
                    "tableNumber": "84",
                    "dryRun": true
                }),
            )
            .await;
        assert!(text.starts_with("Preview, NOT recorded: 2 × Café 2.40, 1 × Croissant 1.20 — total 3.60 €, table 84, validated, unpaid"), "{text}");
        assert_eq!(preview["status"], "preview");
        assert_eq!(preview["vat"][0]["rate"], 10, "eat-in VAT");
        assert_eq!(orders_in(&sb), before, "a preview records nothing");
        let (text, receipt) = s
            .ok(
                "sale_create",
                json!({"confirmPreviewId": preview["previewId"]}),
            )
            .await;
        let id = receipt["orderId"].as_u64().unwrap();
        assert_eq!(
            text,
            format!(
                "Recorded order {id}: 2 × Café 2.40, 1 × Croissant 1.20 — total 3.60 €, table 84, validated, unpaid"
            )
        );
        assert_eq!(orders_in(&sb), before + 1);
        // It appears in today's orders.
        let (_, today) = s
            .ok(
                "data_list_orders",
                json!({"period": "today", "paymentState": "unpaid", "limit": 500}),
            )
            .await;
        let found: Vec<_> = today["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["id"] == id)
            .collect();
        assert_eq!(found.len(), 1, "{era:?}");
        assert_eq!(found[0]["table"], "84");
        assert_eq!(found[0]["total"], 3.6);
        let _ = s.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_red_roses_for_mrs_dupond_at_six_fifteen() {
    let sb = sandbox().await;
    let s = connect(&sb, ERAS[1], &[], TestClient::plain()).await;
    // Two Dupond: the model picks the Mme.
    let (text, clients) = s.ok("data_list_clients", json!({"query": "Dupond"})).await;
    let mrs: Vec<_> = clients["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["lastName"] == "Dupond" && c["honorific"] == "Mme")
        .collect();
    assert_eq!(mrs.len(), 1, "{text}");
    assert_eq!(mrs[0]["firstName"], "Sylvie");
    let client_id = mrs[0]["id"].clone();
    let (text, receipt) = s
        .ok(
            "sale_create",
            json!({
                "items": [{"type": "catalog", "product": "Rose rouge", "quantity": 10}],
                "payment": -1,
                "deliveryMethod": "delivery",
                "idClient": client_id,
                "publicComment": "Livraison à 18h15",
                "idempotencyKey": "roses-dupond-1815"
            }),
        )
        .await;
    assert!(text.contains("10 × Rose rouge 35.00 — total 35.00 €, delivery, customer Sylvie Dupond, validated, unpaid — « Livraison à 18h15 »"), "{text}");
    let id = receipt["orderId"].as_u64().unwrap();
    // It is now an order in progress, to deliver to her address.
    let (_, pending) = s
        .ok(
            "data_list_pending_orders",
            json!({"deliveryMethod": "delivery"}),
        )
        .await;
    let ours = pending["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id)
        .expect("listed in progress")
        .clone();
    assert_eq!(ours["customer"]["name"], "Sylvie Dupond");
    assert_eq!(ours["deliveryAddress"], "5 avenue Parmentier 75011 Paris");
    assert_eq!(ours["publicComment"], "Livraison à 18h15");
    let _ = s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn did_customer_dupont_pay() {
    let sb = sandbox().await;
    let s = connect(&sb, ERAS[0], &[], TestClient::plain()).await;
    let (_, clients) = s.ok("data_list_clients", json!({"query": "Dupont"})).await;
    assert_eq!(
        clients["items"][0]["lastName"], "Dupont",
        "the exact name first"
    );
    let marie = clients["items"][0]["id"].clone();
    let (text, unpaid) = s
        .ok(
            "data_list_orders",
            json!({"customerId": marie, "paymentState": "unpaid", "period": "last_30_days", "withLines": true}),
        )
        .await;
    assert_eq!(unpaid["count"], 1, "{text}");
    assert_eq!(unpaid["revenue"], 39.3);
    let order = &unpaid["items"][0];
    assert_eq!(order["paymentState"], "unpaid");
    assert_eq!(order["deliveryMethod"], "delivery");
    assert!(
        text.contains("Marie Dupont") && text.contains("validated, unpaid"),
        "{text}"
    );
    // Her other recent orders are paid.
    let (_, all) = s
        .ok(
            "data_list_orders",
            json!({"customerId": marie, "period": "last_30_days"}),
        )
        .await;
    assert!(all["count"].as_u64().unwrap() > 1);
    let _ = s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn croissant_stock_set_to_40_then_24_more_arrive() {
    for era in ERAS {
        let sb = sandbox().await;
        let s = connect(&sb, era, &[], TestClient::plain()).await;
        let (_, found) = s
            .ok(
                "data_list_products",
                json!({"query": "croissant", "limit": 1}),
            )
            .await;
        let id = found["items"][0]["id"].clone();
        let before = found["items"][0]["stock"].as_f64().unwrap();
        let (text, out) = s
            .ok("product_update", json!({"productId": id, "stock": 40}))
            .await;
        assert_eq!(
            text,
            format!("Updated Croissant (#{id}): stock {before} → 40."),
            "{era:?}"
        );
        assert_eq!(out["changes"][0]["field"], "stock");
        let (text, _) = s
            .ok("product_update", json!({"productId": id, "stockDelta": 24}))
            .await;
        assert!(text.ends_with("Stock was 40, +24 → now 64."), "{text}");
        let stock = sb
            .with_shop(&sb.credentials().shop_id, |d| {
                d.products
                    .iter()
                    .find(|p| &*p.title == "Croissant")
                    .unwrap()
                    .stock
            })
            .unwrap();
        assert_eq!(stock, Some(64_000));
        let _ = s.close().await;
    }
}
