//! Asking the user: --confirm-sales for sales, and deletes, in both eras.

use std::sync::atomic::Ordering;

use kash_e2e::client::{Answer, TestClient};
use kash_e2e::session::{ERAS, connect, orders_in, sandbox};
use serde_json::json;

fn sale() -> serde_json::Value {
    json!({"items": [{"type": "catalog", "productId": 25, "quantity": 3}], "payment": -1, "tableNumber": "84"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirmed_sales_are_recorded_and_declined_ones_are_not() {
    for era in ERAS {
        let sb = sandbox().await;
        // Accepted.
        let yes = TestClient::answering(Some(Answer::Accept));
        let s = connect(&sb, era, &["--confirm-sales"], yes.clone()).await;
        let before = orders_in(&sb);
        let (text, r) = s.ok("sale_create", sale()).await;
        assert_eq!(r["status"], "recorded", "{era:?}: {text}");
        assert_eq!(yes.asked.load(Ordering::SeqCst), 1, "{era:?}");
        let question = yes.last_question.lock().unwrap().clone();
        assert!(
            question.starts_with("Record this sale? 3 × Croissant 3.60 — total 3.60 €, table 84"),
            "{question}"
        );
        assert_eq!(orders_in(&sb), before + 1);
        let _ = s.close().await;

        // Declined.
        let no = TestClient::answering(Some(Answer::Decline));
        let s = connect(&sb, era, &["--confirm-sales"], no.clone()).await;
        let err = s.err("sale_create", sale()).await;
        assert!(
            err.contains("did not confirm") && err.contains("not recorded"),
            "{era:?}: {err}"
        );
        assert_eq!(no.asked.load(Ordering::SeqCst), 1);
        assert_eq!(orders_in(&sb), before + 1, "{era:?}: nothing recorded");
        let _ = s.close().await;

        // A client that cannot ask.
        let mute = TestClient::plain();
        let s = connect(&sb, era, &["--confirm-sales"], mute).await;
        let err = s.err("sale_create", sale()).await;
        assert!(err.contains("cannot show a confirmation"), "{era:?}: {err}");
        assert_eq!(orders_in(&sb), before + 1);
        // Previews need no confirmation.
        let mut preview = sale();
        preview["dryRun"] = json!(true);
        s.ok("sale_create", preview).await;
        let _ = s.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletes_need_confirmation() {
    for era in ERAS {
        let sb = sandbox().await;
        let exists = |id: u32| {
            sb.with_shop(&sb.credentials().shop_id, |d| {
                d.products.iter().any(|p| p.id == id)
            })
            .unwrap()
        };
        // Without elicitation: only with confirm: true.
        let s = connect(&sb, era, &[], TestClient::plain()).await;
        let err = s.err("product_delete", json!({"productId": 104})).await;
        assert!(
            err.contains("confirm: true") && err.contains("Composition florale"),
            "{err}"
        );
        assert!(exists(104));
        s.ok("product_delete", json!({"productId": 104, "confirm": true}))
            .await;
        assert!(!exists(104));
        let _ = s.close().await;
        // With elicitation: the user decides, whatever `confirm` says.
        let no = TestClient::answering(Some(Answer::Decline));
        let s = connect(&sb, era, &[], no.clone()).await;
        let err = s
            .err("product_delete", json!({"productId": 105, "confirm": true}))
            .await;
        assert!(err.contains("Nothing was deleted"), "{err}");
        assert!(exists(105));
        let _ = s.close().await;
        let yes = TestClient::answering(Some(Answer::Accept));
        let s = connect(&sb, era, &[], yes.clone()).await;
        let (text, _) = s.ok("client_delete", json!({"clientId": 300})).await;
        assert!(text.starts_with("Deleted customer"), "{text}");
        assert!(
            yes.last_question
                .lock()
                .unwrap()
                .starts_with("Delete customer")
        );
        let _ = s.close().await;
    }
}
