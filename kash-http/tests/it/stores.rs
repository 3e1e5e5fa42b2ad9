//! The file store: one process, and what it records survives a crash.

use kash_e2e::client::TestClient;
use kash_e2e::session::{Era, connect_http, sandbox};
use serde_json::json;

use crate::support::{SECRET, sales_posted, spawn_server, token};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_preview_and_a_key_survive_a_crash_of_a_file_store_server() {
    let sb = sandbox().await;
    let dir = std::env::temp_dir().join(format!("kash-http-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = format!("file:{}", dir.join("store.redb").display());
    let flags = [
        "--api-base",
        sb.base_url(),
        "--store",
        &file,
        "--secret-key",
        SECRET,
    ];
    let bearer = token(sb.credentials());
    let sale =
        json!({"items": [{"type": "catalog", "productId": 1, "quantity": 2}], "payment": -1});

    let first = spawn_server(&flags).await;
    let s = connect_http(&first.url, &bearer, Era::Legacy, TestClient::plain()).await;
    let mut dry = sale.clone();
    dry["dryRun"] = json!(true);
    let (_, preview) = s.ok("sale_create", dry).await;
    let mut keyed = sale.clone();
    keyed["idempotencyKey"] = json!("till-7-ticket-1");
    let (_, by_key) = s.ok("sale_create", keyed.clone()).await;
    drop(s);
    first.kill().await;
    assert_eq!(sales_posted(&sb), 1);

    let second = spawn_server(&flags).await;
    let s = connect_http(&second.url, &bearer, Era::Modern, TestClient::plain()).await;
    let confirm = json!({"confirmPreviewId": preview["previewId"]});
    let (_, recorded) = s.ok("sale_create", confirm.clone()).await;
    assert_eq!(recorded["replay"], false);
    let (_, again) = s.ok("sale_create", confirm).await;
    assert_eq!(again["replay"], true);
    assert_eq!(again["orderId"], recorded["orderId"]);
    let (_, replayed) = s.ok("sale_create", keyed).await;
    assert_eq!(replayed["replay"], true);
    assert_eq!(replayed["orderId"], by_key["orderId"]);
    assert_eq!(sales_posted(&sb), 2, "each sale recorded once");
    second.kill().await;
    let _ = std::fs::remove_dir_all(&dir);
}
