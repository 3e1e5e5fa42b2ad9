//! Tool behaviour through an MCP client against the sandbox (in-process server): the fixes a
//! new user asked for, each told as the user would see it.

use kash_e2e::harness::{Options, harness, text_of};
use serde_json::{Value, json};

/// "Ten red roses to deliver to Mrs. Dupond at 6:15 PM": the time travels in the public
/// comment in one fixed form, and the pending list shows and sorts it like any delivery time.
#[tokio::test]
async fn a_delivery_time_is_kept_shown_and_sorted() {
    let h = harness().await;
    let (_, clients) = ok(&h, "data_list_clients", json!({"query": "Sylvie Dupond"})).await;
    let dupond = clients["items"][0]["id"].as_u64().unwrap();
    let (text, sale) = ok(
        &h,
        "sale_create",
        json!({
            "items": [{"type": "free", "price": 45, "title": "10 roses rouges"}],
            "payment": -1,
            "deliveryMethod": "delivery",
            "idClient": dupond,
            "deliveryTime": "18:15",
            "publicComment": "Sonner deux fois"
        }),
    )
    .await;
    assert_eq!(sale["deliveryAt"], "2026-11-24T18:15", "{sale}");
    assert!(text.contains("due 2026-11-24 18:15"), "{text}");
    let id = sale["orderId"].as_u64().unwrap();
    let comment = h
        .sandbox
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.script == "webapp.php")
        .and_then(|r| {
            r.form
                .iter()
                .find(|(k, _)| k == "publicComment")
                .map(|(_, v)| v.clone())
        })
        .unwrap();
    assert_eq!(comment, "[2026-11-24 18:15] Sonner deux fois");

    let (text, pending) = ok(
        &h,
        "data_list_pending_orders",
        json!({"deliveryMethod": "delivery", "period": "today", "limit": 50}),
    )
    .await;
    let items = pending["items"].as_array().unwrap();
    let ours = items
        .iter()
        .find(|o| o["id"].as_u64() == Some(id))
        .expect("the new delivery is pending today");
    assert_eq!(ours["deliveryAt"], "2026-11-24T18:15:00+01:00");
    let line = text
        .lines()
        .find(|l| l.contains(&format!("#{id} ")))
        .unwrap();
    assert!(line.starts_with("18:15 "), "{line}");
    // Sorted by due time with the others.
    let times: Vec<&str> = items
        .iter()
        .map(|o| o["deliveryAt"].as_str().unwrap_or(""))
        .collect();
    let mut sorted = times.clone();
    sorted.sort_unstable();
    assert_eq!(times, sorted);
    // A time that is no time is refused, and nothing is sent.
    let before = h.sandbox.requests().len();
    for bad in ["25:00", "18h15", "2026-11-24T18:75"] {
        let r = h
            .call(
                "sale_create",
                json!({"items": [{"type": "free", "price": 5, "title": "x"}], "payment": -1, "deliveryTime": bad}),
            )
            .await;
        assert_eq!(r.is_error, Some(true), "{bad}");
        assert!(
            text_of(&r).contains("deliveryTime"),
            "{bad}: {}",
            text_of(&r)
        );
    }
    assert!(
        !h.sandbox.requests()[before..]
            .iter()
            .any(|r| r.script == "webapp.php")
    );
}

/// A call that must succeed: its text and structured content.
async fn ok(h: &kash_e2e::harness::Harness, name: &str, args: Value) -> (String, Value) {
    let r = h.call(name, args.clone()).await;
    let text = text_of(&r);
    assert_ne!(r.is_error, Some(true), "{name} {args}: {text}");
    (text, r.structured_content.unwrap())
}

/// Paging through a month fetches it from the POS once; a sale recorded meanwhile shows at once.
#[tokio::test]
async fn paging_through_a_period_fetches_it_once() {
    let h = harness().await;
    h.sandbox.clear_requests();
    let mut ids = std::collections::HashSet::new();
    let mut offset = 0;
    let mut pages = 0;
    let total = loop {
        let (_, page) = ok(
            &h,
            "data_list_orders",
            json!({"period": "last_month", "limit": 500, "offset": offset, "fields": ["id"]}),
        )
        .await;
        pages += 1;
        for o in page["items"].as_array().unwrap() {
            assert!(ids.insert(o["id"].as_u64().unwrap()), "no order twice");
        }
        match page["nextOffset"].as_u64() {
            Some(n) => offset = n,
            None => break page["total"].as_u64().unwrap(),
        }
    };
    assert!(pages >= 5, "{pages} pages");
    assert_eq!(ids.len() as u64, total, "every order once");
    let fetches = h
        .sandbox
        .requests()
        .iter()
        .filter(|r| r.script == "getOrders.php")
        .count();
    assert_eq!(fetches, 1, "one month, one fetch for {pages} pages");
    // Today's list after a sale: the sale is there (our own write forgets the cached pages).
    let (_, before) = ok(
        &h,
        "data_list_orders",
        json!({"period": "today", "limit": 1}),
    )
    .await;
    ok(
        &h,
        "sale_create",
        json!({"items": [{"type": "catalog", "productId": 1}], "payment": -1}),
    )
    .await;
    let (_, after) = ok(
        &h,
        "data_list_orders",
        json!({"period": "today", "limit": 1}),
    )
    .await;
    assert_eq!(
        after["total"].as_u64().unwrap(),
        before["total"].as_u64().unwrap() + 1
    );
}

/// Errors say what happened: a missing order is not a refused key, an unreadable answer is
/// not a refusal, a changed field is reported.
#[tokio::test]
async fn errors_say_what_happened() {
    let h = harness().await;
    let missing = h.call("order_detail", json!({"orderId": 99_999_999})).await;
    assert_eq!(missing.is_error, Some(true));
    assert_eq!(
        text_of(&missing),
        "No order 99999999 in this shop. Find orders with data_list_orders."
    );
    h.sandbox.set_faults(kash_sandbox::FaultConfig {
        mode: Some(kash_sandbox::FaultMode::MalformedJson),
        count: Some(3),
        scripts: vec!["getOrder.php".into()],
        ..kash_sandbox::FaultConfig::default()
    });
    let (_, orders) = ok(
        &h,
        "data_list_orders",
        json!({"period": "yesterday", "limit": 1}),
    )
    .await;
    let id = orders["items"][0]["id"].as_u64().unwrap();
    let bad = h.call("order_detail", json!({"orderId": id})).await;
    let text = text_of(&bad);
    assert!(
        text.starts_with("The POS answered something that could not be read"),
        "{text}"
    );
    assert!(
        !text.contains("refused") && !text.contains("No order"),
        "{text}"
    );
    h.sandbox.clear_faults();
    // needsPreparation changes are reported like any other field.
    let (_, p) = ok(
        &h,
        "data_list_products",
        json!({"query": "croissant", "limit": 1}),
    )
    .await;
    let product = p["items"][0]["id"].as_u64().unwrap();
    let now = p["items"][0]["needsPreparation"].as_bool().unwrap_or(false);
    let (text, out) = ok(
        &h,
        "product_update",
        json!({"productId": product, "needsPreparation": !now}),
    )
    .await;
    assert!(!text.contains("no visible change"), "{text}");
    let changes = out["changes"].as_array().unwrap();
    assert!(
        changes.iter().any(|c| c["field"] == "needsPreparation"),
        "{out}"
    );
}

/// A read-only server offers no prompt that records a sale.
#[tokio::test]
async fn read_only_hides_the_prompts_that_write() {
    let h = Options {
        flags: vec!["--read-only"],
        ..Options::default()
    }
    .start()
    .await;
    let prompts = h.client.list_prompts(None).await.unwrap();
    let names: Vec<&str> = prompts.prompts.iter().map(|p| p.name.as_str()).collect();
    assert!(!names.contains(&"record_sale"), "{names:?}");
    assert!(names.contains(&"daily_report"), "{names:?}");
    let refused = h.prompt("record_sale", json!({"order": "2 coffees"})).await;
    assert!(refused.is_err());
}

/// The largest answers each tool can give stay under 16,000 characters of text and structured
/// content (a page the caller asks to be larger may take up to 60,000).
#[tokio::test]
async fn every_answer_fits_a_conversation() {
    let h = harness().await;
    let (_, some) = ok(
        &h,
        "data_list_orders",
        json!({"period": "yesterday", "limit": 1}),
    )
    .await;
    let order = some["items"][0]["id"].as_u64().unwrap();
    let calls: Vec<(&str, Value, usize)> = vec![
        (
            "sales_summary",
            json!({"period": "last_12_months", "groupBy": "week", "comparison": "same_period_last_year"}),
            16_000,
        ),
        (
            "sales_summary",
            json!({"period": "last_12_months", "groupBy": "customer", "top": 50, "comparison": "previous_period"}),
            16_000,
        ),
        (
            "sales_summary",
            json!({"period": "last_30_days", "groupBy": "day", "comparison": "previous_week", "weekday": ["monday","tuesday","wednesday","thursday","friday","saturday","sunday"]}),
            16_000,
        ),
        (
            "sales_summary",
            json!({"period": "last_12_months", "groupBy": "product", "top": 50}),
            16_000,
        ),
        (
            "report_sales",
            json!({"from": "2026-10-25", "to": "2026-11-24"}),
            16_000,
        ),
        ("report_sales", json!({"date": "2026-11-20"}), 16_000),
        (
            "data_list_orders",
            json!({"period": "last_30_days", "withLines": true}),
            16_000,
        ),
        (
            "data_list_orders",
            json!({"period": "last_30_days", "withLines": true, "limit": 500}),
            64_000,
        ),
        ("data_list_pending_orders", json!({}), 16_000),
        ("data_list_products", json!({}), 16_000),
        ("data_list_products", json!({"limit": 500}), 64_000),
        ("data_list_clients", json!({"limit": 500}), 64_000),
        ("data_list_clients", json!({"format": "csv"}), 16_000),
        ("data_list_products", json!({"format": "html"}), 16_000),
        ("order_detail", json!({"orderId": order}), 16_000),
        ("ping", json!({}), 16_000),
    ];
    for (tool, args, bound) in calls {
        let r = h.call(tool, args.clone()).await;
        let chars = text_of(&r).chars().count()
            + r.structured_content
                .as_ref()
                .map_or(0, |v| v.to_string().chars().count());
        eprintln!("{tool} {args}: {chars} characters");
        assert!(
            chars < bound,
            "{tool} {args}: {chars} characters (at most {bound})"
        );
    }
}

/// The old server's tool name keeps working without being listed.
#[tokio::test]
async fn the_old_payment_modes_name_is_an_unlisted_alias() {
    let h = harness().await;
    assert!(!h.tools.iter().any(|t| t.name == "data_list_payments_modes"));
    let r = h
        .client
        .call_tool(
            rmcp::model::CallToolRequestParams::new("data_list_payments_modes")
                .with_arguments(json!({"limit": 2}).as_object().unwrap().clone()),
        )
        .await
        .unwrap();
    assert_ne!(r.is_error, Some(true), "{}", text_of(&r));
    assert!(text_of(&r).contains("payment modes"), "{}", text_of(&r));
}

/// Four calls with a 1 MB search text at once: each refused at once without echoing it, and an
/// unrelated call is answered meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_arguments_are_refused_without_holding_anyone_up() {
    let h = harness().await;
    // 840 KB: below the HTTP server's 1 MiB body limit, so every transport sees it.
    let huge = "crème ".repeat(120_000);
    let big = |n: usize| h.call("data_list_clients", json!({"query": format!("{n}{huge}")}));
    let (a, b, c, d, tables) = tokio::join!(
        big(1),
        big(2),
        big(3),
        big(4),
        h.call("data_list_tables", json!({"query": "84"}))
    );
    for r in [a, b, c, d] {
        assert_eq!(r.is_error, Some(true));
        let text = text_of(&r);
        assert!(
            text.contains("`query` must be at most 200 characters long."),
            "{text}"
        );
        assert!(
            text.len() < 500,
            "the text is not echoed: {} bytes",
            text.len()
        );
    }
    assert_ne!(tables.is_error, Some(true), "{}", text_of(&tables));
}
