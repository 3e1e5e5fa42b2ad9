//! Runtime options: order lists with or without their lines.

use kash_api::orders::ListOrders;
use kash_sandbox::Sandbox;
use serde_json::{Value, json};

use crate::support::{client, fetch_json, get_script, raw, start};

async fn get(sandbox: &Sandbox, script: &str, params: &[(&str, &str)]) -> String {
    get_script(sandbox, script, params)
        .await
        .text()
        .await
        .unwrap()
}

async fn week_orders(sandbox: &Sandbox) -> Vec<Value> {
    let text = get(
        sandbox,
        "getOrders.php",
        &[
            ("validatedOrders", "true"),
            ("from_date_ISO8601", "2026-11-16T00:00:00"),
            ("to_date_ISO8601", "2026-11-17T23:59:59"),
        ],
    )
    .await;
    let orders: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert!(orders.len() > 100);
    orders
}

async fn pending(sandbox: &Sandbox) -> Vec<Value> {
    serde_json::from_str(&get(sandbox, "getPending.php", &[]).await).unwrap()
}

fn has_items(orders: &[Value]) -> Vec<bool> {
    orders.iter().map(|o| o.get("items").is_some()).collect()
}

#[tokio::test]
async fn lists_can_leave_out_the_order_lines() {
    let sandbox = start().await;
    let c = client(&sandbox);

    // Default: every listed order carries its lines.
    let orders = week_orders(&sandbox).await;
    assert!(has_items(&orders).iter().all(|h| *h));
    assert!(has_items(&pending(&sandbox).await).iter().all(|h| *h));

    sandbox.set_list_items(false);
    let orders = week_orders(&sandbox).await;
    assert!(
        has_items(&orders).iter().all(|h| !h),
        "no items in getOrders"
    );
    assert!(orders[0].get("price").is_some(), "the rest is still there");
    let pending_now = pending(&sandbox).await;
    assert!(!pending_now.is_empty());
    assert!(
        has_items(&pending_now).iter().all(|h| !h),
        "no items in getPending"
    );
    for format in ["csv", "html"] {
        let text = get(&sandbox, "getPending.php", &[("format", format)]).await;
        assert!(
            text.contains("orderID") && !text.contains("items"),
            "{format}"
        );
    }
    // getOrder still has the lines, and kash-api decodes lists without them.
    let id = orders[0]["orderID"].as_str().unwrap().to_owned();
    let detail: Value =
        serde_json::from_str(&get(&sandbox, "getOrder.php", &[("order_id", &id)]).await).unwrap();
    assert!(!detail["items"].as_array().unwrap().is_empty());
    let from = "2026-11-15T23:00:00Z".parse().unwrap();
    let to = "2026-11-16T22:59:59Z".parse().unwrap();
    let decoded = c.send(&ListOrders::validated(from, to)).await.unwrap();
    assert!(!decoded.is_empty() && decoded.iter().all(|o| o.lines.is_none()));

    sandbox.set_list_items(true);
    assert!(has_items(&week_orders(&sandbox).await).iter().all(|h| *h));
}

/// Sets `options` over HTTP; the status of the answer.
async fn put_options(http: &reqwest::Client, url: &str, options: Value) -> reqwest::StatusCode {
    http.put(url).json(&options).send().await.unwrap().status()
}

#[tokio::test]
async fn the_option_over_http() {
    let sandbox = start().await;
    let http = raw();
    let url = format!("{}/_sandbox/options", sandbox.base_url());
    let current: Value = fetch_json(http.get(&url)).await;
    assert_eq!(current, json!({"list_items": true}));

    let status = put_options(&http, &url, json!({"list_items": false})).await;
    assert_eq!(status, 204);
    let current: Value = fetch_json(http.get(&url)).await;
    assert_eq!(current, json!({"list_items": false}));
    assert!(has_items(&week_orders(&sandbox).await).iter().all(|h| !h));

    let status = put_options(&http, &url, json!({"list_item": true})).await;
    assert!(status.is_client_error(), "a misspelt option is refused");

    let r = http.delete(&url).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert!(has_items(&week_orders(&sandbox).await).iter().all(|h| *h));
}
