//! Every tool answers with a real result, in both eras.

use kash_e2e::client::TestClient;
use kash_e2e::session::{ERAS, Era, connect, sandbox, text_of};
use serde_json::json;

async fn every_tool(era: Era) {
    let sb = sandbox().await;
    let s = connect(&sb, era, &[], TestClient::plain()).await;
    let tools = s.client.list_all_tools().await.unwrap();
    assert_eq!(
        tools.len(),
        29,
        "{:?}",
        tools.iter().map(|t| &t.name).collect::<Vec<_>>()
    );
    let lists = tools
        .iter()
        .map(|t| t.name.as_ref())
        .filter(|n| n.starts_with("data_list_") && !n.ends_with("orders"));
    for list in lists {
        let (text, v) = s.ok(list, json!({"limit": 3})).await;
        assert!(v["total"].as_u64().unwrap() >= 1, "{list}: {v}");
        assert!(!v["items"].as_array().unwrap().is_empty(), "{list}");
        assert!(text.lines().count() >= 2, "{list}: {text}");
    }
    let (_, orders) = s
        .ok(
            "data_list_orders",
            json!({"period": "yesterday", "limit": 2}),
        )
        .await;
    assert!(orders["count"].as_u64().unwrap() >= 100);
    let id = orders["items"][0]["id"].as_u64().unwrap();
    let (text, detail) = s.ok("order_detail", json!({"orderId": id})).await;
    assert_eq!(detail["id"], id);
    assert!(text.contains(&id.to_string()));
    assert!(!detail["lines"].as_array().unwrap().is_empty());
    let (_, pending) = s.ok("data_list_pending_orders", json!({})).await;
    assert_eq!(pending["count"], 10);
    let (text, _) = s.ok("ping", json!({})).await;
    assert!(text.starts_with("pong"), "{text}");

    let (_, preview) = s
        .ok(
            "sale_create",
            json!({"items": [{"type": "catalog", "productId": 1}], "payment": -1, "dryRun": true}),
        )
        .await;
    let (_, receipt) = s
        .ok(
            "sale_create",
            json!({"confirmPreviewId": preview["previewId"]}),
        )
        .await;
    assert_eq!(receipt["status"], "recorded");

    let (_, p) = s
        .ok(
            "product_create",
            json!({"title": "Tarte tatin", "price": 4.5, "departmentId": 5, "stock": 6}),
        )
        .await;
    let pid = p["id"].as_u64().unwrap();
    s.ok("product_update", json!({"productId": pid, "price": 4.8}))
        .await;
    s.ok("product_delete", json!({"productId": pid, "confirm": true}))
        .await;
    let (_, d) = s
        .ok(
            "department_create",
            json!({"title": "Traiteur", "vatId": 2}),
        )
        .await;
    let did = d["id"].as_u64().unwrap();
    s.ok(
        "department_update",
        json!({"departmentId": did, "title": "Traiteur & buffets"}),
    )
    .await;
    s.ok(
        "department_delete",
        json!({"departmentId": did, "confirm": true}),
    )
    .await;
    let (_, c) = s
        .ok(
            "client_create",
            json!({"lastname": "Morel", "firstname": "Anne", "phone": "0600000002"}),
        )
        .await;
    let cid = c["id"].as_u64().unwrap();
    s.ok(
        "client_update",
        json!({"clientId": cid, "email": "anne.morel@example.fr"}),
    )
    .await;
    s.ok("client_delete", json!({"clientId": cid, "confirm": true}))
        .await;
    let (text, summary) = s
        .ok(
            "sales_summary",
            json!({"period": "last_week", "groupBy": "day", "comparison": "previous_period"}),
        )
        .await;
    assert!(summary["total"]["orders"].as_u64().unwrap() > 700, "{text}");
    assert_eq!(summary["groups"]["rows"].as_array().unwrap().len(), 7);
    let (text, report) = s.ok("report_sales", json!({"period": "yesterday"})).await;
    assert_eq!(report["source"], "pos", "{text}");
    assert_eq!(report["days"][0]["date"], "2026-11-23", "{text}");
    let all: std::collections::BTreeSet<String> =
        tools.iter().map(|t| t.name.to_string()).collect();
    assert_eq!(
        *s.called.lock().unwrap(),
        all,
        "every listed tool was called"
    );
    if let Some(status) = s.close().await {
        assert_eq!(status.code(), Some(0));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tool_answers_legacy() {
    every_tool(ERAS[0]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tool_answers_modern() {
    every_tool(ERAS[1]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_search_page_project_and_never_truncate_silently() {
    let sb = sandbox().await;
    let s = connect(&sb, Era::Legacy, &[], TestClient::plain()).await;
    // Accent- and case-insensitive, ranked: the exact title first.
    let (text, v) = s
        .ok("data_list_products", json!({"query": "CREME BRULEE"}))
        .await;
    assert_eq!(v["items"][0]["title"], "Crème brûlée", "{text}");
    let (_, v) = s
        .ok("data_list_products", json!({"query": "croissant"}))
        .await;
    assert_eq!(v["items"][0]["title"], "Croissant");
    assert!(v["total"].as_u64().unwrap() >= 3);
    // Phones match whatever the formatting.
    let (_, v) = s
        .ok("data_list_clients", json!({"query": "+33 6 12 34 56 78"}))
        .await;
    assert_eq!(v["items"][0]["lastName"], "Dupont");
    // Paging: every product exactly once across pages.
    let mut seen = Vec::new();
    let mut offset = Some(0u64);
    while let Some(o) = offset {
        let (_, v) = s
            .ok("data_list_products", json!({"limit": 40, "offset": o}))
            .await;
        seen.extend(
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_u64().unwrap()),
        );
        offset = v["nextOffset"].as_u64();
    }
    let total = sb
        .with_shop(&sb.credentials().shop_id, |d| d.products.len())
        .unwrap();
    assert_eq!(seen.len(), total);
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), total);
    // Projection.
    let (_, v) = s
        .ok(
            "data_list_products",
            json!({"fields": ["title", "price"], "limit": 2}),
        )
        .await;
    let keys: Vec<&String> = v["items"][0].as_object().unwrap().keys().collect();
    assert_eq!(keys, vec!["id", "title", "price"]);
    let err = s
        .err("data_list_products", json!({"fields": ["name"]}))
        .await;
    assert!(err.contains("`name`") && err.contains("title"), "{err}");
    // Bounds are explicit.
    let err = s.err("data_list_products", json!({"limit": 501})).await;
    assert!(err.contains("500"), "{err}");
    let err = s.err("data_list_products", json!({"limt": 5})).await;
    assert!(err.contains("limt"), "{err}");
    // CSV paged by rows, with a notice saying how to get the rest.
    let r = s
        .call("data_list_clients", json!({"format": "csv", "limit": 10}))
        .await;
    let text = text_of(&r);
    assert_eq!(
        text.lines().filter(|l| l.contains(';')).count(),
        11,
        "header + 10 rows"
    );
    assert!(text.contains("offset=10"), "{text}");
    let v = r.structured_content.unwrap();
    assert_eq!(v["truncated"], true);
    assert_eq!(v["total"], 300);
    let (text, v) = s
        .ok("data_list_tables", json!({"format": "html", "limit": 100}))
        .await;
    assert!(
        text.starts_with("<table") && text.ends_with("</table>"),
        "{text:.200}"
    );
    assert_eq!(v["truncated"], false);
    assert_eq!(v["rows"], 25);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalogue_lists_are_cached_and_our_writes_invalidate_them() {
    let sb = sandbox().await;
    let s = connect(&sb, Era::Modern, &[], TestClient::plain()).await;
    let fetches = || {
        sb.requests()
            .iter()
            .filter(|r| r.script == "getPlus.php")
            .count()
    };
    let (_, v) = s
        .ok(
            "data_list_products",
            json!({"query": "croissant", "limit": 1}),
        )
        .await;
    let stock = v["items"][0]["stock"].as_f64().unwrap();
    s.ok("data_list_products", json!({"query": "éclair"})).await;
    assert_eq!(fetches(), 1, "the second search is served from the cache");
    // A sale changes stock: the next list is fetched again and shows it.
    s.ok(
        "sale_create",
        json!({"items": [{"type": "catalog", "productId": 25, "quantity": 2}], "payment": -1}),
    )
    .await;
    assert_eq!(
        fetches(),
        1,
        "the sale was checked against the cached catalogue"
    );
    let (_, v) = s
        .ok(
            "data_list_products",
            json!({"query": "croissant", "limit": 1}),
        )
        .await;
    assert_eq!(fetches(), 2, "the sale invalidated the cached products");
    assert_eq!(v["items"][0]["stock"].as_f64().unwrap(), stock - 2.0);
    // An update reads the POS fresh and reports the change.
    let (text, _) = s
        .ok("product_update", json!({"productId": 50, "price": 4.6}))
        .await;
    assert!(text.contains("price 4.5 → 4.6"), "{text}");
    let (_, v) = s
        .ok(
            "data_list_products",
            json!({"query": "mille-feuille", "limit": 1}),
        )
        .await;
    assert_eq!(v["items"][0]["price"], 4.6);
}
