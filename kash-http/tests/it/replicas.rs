//! Replicas on one Redis: a client alternating between two `kash-http` processes records each
//! sale once and reads days of orders the other fetched; Redis going away is survived.

use kash_e2e::client::TestClient;
use kash_e2e::session::{Era, connect_http, sandbox};
use serde_json::json;

use crate::support::{Redis, SECRET, sales_posted, spawn_server, status_of, token};

fn coffee() -> serde_json::Value {
    json!({"items": [{"type": "catalog", "productId": 1, "quantity": 2}], "payment": -1})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_redis_agree() {
    let Some(mut redis) = Redis::start().await else {
        return;
    };
    let sb = sandbox().await;
    let url = redis.url();
    let flags = [
        "--api-base",
        sb.base_url(),
        "--store",
        &url,
        "--cache-store",
        &url,
        "--secret-key",
        SECRET,
    ];
    let a = spawn_server(&flags).await;
    let b = spawn_server(&flags).await;
    let bearer = token(sb.credentials());
    let on_a = connect_http(&a.url, &bearer, Era::Modern, TestClient::plain()).await;
    let on_b = connect_http(&b.url, &bearer, Era::Modern, TestClient::plain()).await;

    // A preview made on A, confirmed on B, then on A again: one sale.
    let mut dry = coffee();
    dry["dryRun"] = json!(true);
    let (_, preview) = on_a.ok("sale_create", dry).await;
    let confirm = json!({"confirmPreviewId": preview["previewId"]});
    let (_, first) = on_b.ok("sale_create", confirm.clone()).await;
    let (_, second) = on_a.ok("sale_create", confirm).await;
    assert_eq!(first["replay"], false);
    assert_eq!(second["replay"], true);
    assert_eq!(second["orderId"], first["orderId"]);
    // An idempotency key replays across them.
    let mut keyed = coffee();
    keyed["idempotencyKey"] = json!("replica-key-1");
    let (_, k1) = on_a.ok("sale_create", keyed.clone()).await;
    let (_, k2) = on_b.ok("sale_create", keyed).await;
    assert_eq!(k2["replay"], true);
    assert_eq!(k1["orderId"], k2["orderId"]);
    assert_eq!(sales_posted(&sb), 2);

    // Days of orders fetched by A are served to B from the shared cache.
    let question = json!({"period": "last_month", "groupBy": "day"});
    let (_, on_a_summary) = on_a.ok("sales_summary", question.clone()).await;
    sb.clear_requests();
    let (_, on_b_summary) = on_b.ok("sales_summary", question).await;
    assert_eq!(on_a_summary["total"], on_b_summary["total"]);
    let fetched = sb
        .requests()
        .iter()
        .filter(|r| r.script == "getOrders.php")
        .count();
    assert_eq!(fetched, 0, "B fetched days A had cached");

    // Redis goes away: not ready, a sale is not recorded and says so, reads go on.
    assert_eq!(status_of(&a.root, "/ready").await, 200);
    redis.stop().await;
    assert_eq!(status_of(&a.root, "/ready").await, 503);
    assert_eq!(status_of(&a.root, "/health").await, 200);
    let before = sales_posted(&sb);
    let mut keyed = coffee();
    keyed["idempotencyKey"] = json!("while-redis-is-down");
    let refused = on_a.err("sale_create", keyed.clone()).await;
    assert!(refused.contains("nothing was done"), "{refused}");
    assert_eq!(sales_posted(&sb), before);
    on_b.ok("data_list_products", json!({})).await;
    // It comes back, and so does service.
    redis.restart().await;
    let mut ready = 0;
    for _ in 0..100 {
        ready = status_of(&a.root, "/ready").await;
        if ready == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(ready, 200);
    let (_, after) = on_b.ok("sale_create", keyed).await;
    assert_eq!(after["replay"], false);
    assert_eq!(sales_posted(&sb), before + 1);
    // Debug logs of a whole run, faults included: never the key, never a customer.
    for logs in [a.logs(), b.logs()] {
        assert!(logs.contains("tool call"), "logs are kept");
        assert!(
            !logs.contains(sb.credentials().api_key.as_str()),
            "the key leaked"
        );
        assert!(!logs.contains(SECRET), "the secret leaked");
    }
    a.kill().await;
    b.kill().await;
}
