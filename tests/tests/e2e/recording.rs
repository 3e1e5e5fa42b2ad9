//! sale_create: exactly once, refused before sending when wrong, doubtful when doubtful.

use kash_e2e::client::TestClient;
use kash_e2e::session::{Era, connect, orders_in, sandbox, text_of};
use kash_sandbox::{FaultConfig, FaultMode};
use serde_json::json;

fn coffee() -> serde_json::Value {
    json!({"items": [{"type": "catalog", "productId": 1, "quantity": 2}], "payment": -1})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_preview_or_key_twice_records_one_order() {
    let sb = sandbox().await;
    let s = connect(&sb, Era::Legacy, &[], TestClient::plain()).await;
    let before = orders_in(&sb);
    let mut args = coffee();
    args["dryRun"] = json!(true);
    let (_, preview) = s.ok("sale_create", args).await;
    let confirm = json!({"confirmPreviewId": preview["previewId"]});
    let (_, first) = s.ok("sale_create", confirm.clone()).await;
    let (text, second) = s.ok("sale_create", confirm).await;
    assert_eq!(first["orderId"], second["orderId"]);
    assert_eq!(first["replay"], false);
    assert_eq!(second["replay"], true);
    assert!(
        text.starts_with("Already recorded, not recorded again."),
        "{text}"
    );
    assert_eq!(orders_in(&sb), before + 1);

    let mut keyed = coffee();
    keyed["idempotencyKey"] = json!("ticket-42");
    let (_, a) = s.ok("sale_create", keyed.clone()).await;
    let (_, b) = s.ok("sale_create", keyed).await;
    assert_eq!(a["orderId"], b["orderId"]);
    assert_eq!(b["replay"], true);
    assert_eq!(orders_in(&sb), before + 2);
    // The same key for another sale is refused.
    let mut other = json!({"items": [{"type": "catalog", "productId": 2}], "payment": -1});
    other["idempotencyKey"] = json!("ticket-42");
    let err = s.err("sale_create", other).await;
    assert!(err.contains("already used for a different sale"), "{err}");
    // Confirming with other arguments than the preview's is refused.
    let mut changed = json!({"items": [{"type": "catalog", "productId": 3}], "payment": -1});
    changed["confirmPreviewId"] = preview["previewId"].clone();
    let err = s.err("sale_create", changed).await;
    assert!(err.contains("differ from preview"), "{err}");
    let err = s
        .err("sale_create", json!({"confirmPreviewId": "nope"}))
        .await;
    assert!(err.contains("No preview nope"), "{err}");
    assert_eq!(orders_in(&sb), before + 2);
    // The POS received exactly two sales.
    let posted = sb
        .requests()
        .iter()
        .filter(|r| r.script == "webapp.php")
        .count();
    assert_eq!(posted, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_references_are_refused_with_candidates_and_nothing_is_sent() {
    let sb = sandbox().await;
    let s = connect(&sb, Era::Modern, &[], TestClient::plain()).await;
    let cases = [
        (
            json!({"items": [{"type": "catalog", "product": "croisant aux amendes"}], "payment": -1}),
            "Croissant aux amandes",
        ),
        (
            json!({"items": [{"type": "catalog", "productId": 9999, "titleOverride": "Pain choco"}], "payment": -1}),
            "no product 9999",
        ),
        (
            json!({"items": [{"type": "catalog", "product": "café"}], "payment": -1, "table": 84}),
            "the table numbered \"84\" has id 21",
        ),
        (
            json!({"items": [{"type": "catalog", "productId": 1, "variations": [41]}], "payment": -1}),
            "does not apply to Café",
        ),
        (
            json!({"items": [{"type": "catalog", "productId": 1}], "payment": 42}),
            "no payment mode 42",
        ),
        (
            json!({"items": [{"type": "catalog", "productId": 1}], "payment": "bitcoin"}),
            "Carte bancaire",
        ),
        (
            json!({"items": [{"type": "catalog", "productId": 1}], "payment": -1, "idClient": 5000}),
            "no customer 5000",
        ),
        (
            json!({"items": [{"type": "dept", "departmentId": 99, "price": 5}], "payment": -1}),
            "no department 99",
        ),
        (
            json!({"items": [{"type": "free", "price": 5, "title": "Menu_midi"}], "payment": -1}),
            "contains `_`",
        ),
        (
            json!({"items": [{"type": "catalog", "productId": 1, "quantity": 0}], "payment": -1}),
            "more than 0",
        ),
        (
            json!({"items": [], "payment": -1}),
            "`items` must have at least 1 item.",
        ),
        (
            json!({"items": [{"type": "catalog", "productId": 1}]}),
            "`payment` is required",
        ),
        (
            json!({"items": [{"type": "catalog", "productId": 1}], "payment": -1, "deliveryMethod": "teleport"}),
            "`deliveryMethod` must be one of: takeaway",
        ),
        (
            json!({"items": [{"type": "catalog", "productId": 1}], "payment": -1, "idClient": 1, "client": {"lastname": "X"}}),
            "not both",
        ),
    ];
    for (args, needle) in cases {
        let err = s.err("sale_create", args.clone()).await;
        assert!(
            err.contains(needle),
            "`{needle}` not in: {err}\nargs {args}"
        );
    }
    assert!(
        !sb.requests().iter().any(|r| r.script == "webapp.php"),
        "nothing reached the POS"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn free_dept_lines_new_customer_and_payment_by_name() {
    let sb = sandbox().await;
    let s = connect(&sb, Era::Legacy, &[], TestClient::plain()).await;
    let (text, r) = s
        .ok(
            "sale_create",
            json!({
                "items": [
                    {"type": "free", "price": 12, "title": "Bouquet du jour"},
                    {"type": "dept", "departmentId": 3, "price": 2.5},
                    {"type": "catalog", "product": "Latte macchiato", "variations": [12, 22]}
                ],
                "payment": "carte",
                "deliveryMethod": "takeaway",
                "client": {"firstname": "Inès", "lastname": "Nouvel", "phone": "0600000009", "country": "fr"}
            }),
        )
        .await;
    assert_eq!(r["paymentState"], "paid");
    assert_eq!(r["paymentMode"], "Carte bancaire");
    assert_eq!(r["total"], 19.9, "{text}");
    assert_eq!(
        r["lines"][1]["title"], "Viennoiseries",
        "dept line titled after its department"
    );
    assert_eq!(r["lines"][2]["unitPrice"], 5.4);
    // What reached the POS: French client keys, the free line's own price and title.
    let sale = sb
        .requests()
        .into_iter()
        .rfind(|x| x.script == "webapp.php")
        .unwrap();
    assert_eq!(
        sale.values("itemsList[]"),
        vec![
            "Free_12_Bouquet du jour",
            "-3_2.5_Viennoiseries",
            "7_1___12_22"
        ]
    );
    assert_eq!(sale.values("client[prenom]"), vec!["Inès"]);
    assert_eq!(sale.values("client[nom]"), vec!["Nouvel"]);
    assert_eq!(sale.values("client[pays]"), vec!["FR"]);
    assert!(sale.values("client[firstname]").is_empty());
    assert_eq!(sale.values("payment"), vec!["2"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sale_whose_answer_is_lost_is_reported_as_doubtful_and_never_resent() {
    let sb = sandbox().await;
    let s = connect(&sb, Era::Legacy, &["--timeout", "1"], TestClient::plain()).await;
    let before = orders_in(&sb);
    sb.set_faults(FaultConfig {
        mode: Some(FaultMode::Slow),
        slow_ms: Some(3_000),
        scripts: vec!["webapp.php".into()],
        ..FaultConfig::default()
    });
    let mut args = coffee();
    args["idempotencyKey"] = json!("slow-one");
    let r = s.call("sale_create", args.clone()).await;
    let text = text_of(&r);
    assert_eq!(r.is_error, Some(true));
    assert!(
        text.starts_with("The sale MAY HAVE BEEN RECORDED"),
        "{text}"
    );
    assert!(text.contains("idempotencyKey \"slow-one\""), "{text}");
    assert_eq!(r.structured_content.unwrap()["status"], "uncertain");
    assert_eq!(orders_in(&sb), before + 1, "the POS did record it");
    // Asking again with the same key sends nothing: the server finds the sale in the POS.
    sb.clear_faults();
    let r = s.call("sale_create", args).await;
    let text = text_of(&r);
    assert!(
        text.starts_with("Checked in the POS: this sale WAS recorded, once"),
        "{text}"
    );
    let out = r.structured_content.unwrap();
    assert_eq!(out["replay"], true);
    assert_eq!(out["status"], "recorded");
    assert_eq!(orders_in(&sb), before + 1);
    // The slow answer is logged once it is finally sent.
    let posted = || {
        sb.requests()
            .iter()
            .filter(|r| r.script == "webapp.php")
            .count()
    };
    for _ in 0..50 {
        if posted() > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(posted(), 1, "never resent");
    // A refused sale is reported as not recorded.
    sb.set_faults(FaultConfig {
        mode: Some(FaultMode::ErrorBody),
        count: Some(1),
        ..FaultConfig::default()
    });
    let err = s.err("sale_create", coffee()).await;
    assert!(err.starts_with("The sale was NOT recorded"), "{err}");
    assert_eq!(orders_in(&sb), before + 1);
}
