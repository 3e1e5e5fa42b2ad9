//! A sale is money: through every fault the sandbox can inject, exactly one order in the end,
//! and the model told the truth at each step.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use kash_e2e::harness::{Harness, Options, text_of};
use kash_e2e::session::InProcess;
use kash_mcp_core::store::BoxFuture;
use kash_mcp_core::{MemoryStore, Store, StoreError};
use kash_sandbox::{FaultConfig, FaultMode};
use serde_json::{Value, json};

/// A server whose POS calls time out after 1 s, and that takes the POS to be done with an
/// unanswered sale after 2 s.
async fn harness() -> Harness {
    Options {
        flags: vec!["--timeout", "1"],
        in_process: Some(InProcess {
            configure: |c| c.sale_settle = Duration::from_secs(2),
            ..InProcess::default()
        }),
        ..Options::default()
    }
    .start()
    .await
}

fn orders(h: &Harness) -> usize {
    let id = h.sandbox.credentials().shop_id.clone();
    h.sandbox
        .with_shop(&id, |d| d.orders.len() + d.quotes.len())
        .unwrap()
}

/// Makes the POS fail the next sale sent to it with `mode`.
fn fail_next_sale(h: &Harness, mode: FaultMode) {
    h.sandbox.set_faults(FaultConfig {
        mode: Some(mode),
        count: Some(1),
        scripts: vec!["webapp.php".into()],
        ..FaultConfig::default()
    });
}

fn coffee(key: &str) -> Value {
    json!({
        "items": [{"type": "catalog", "productId": 1, "quantity": 2}],
        "payment": -1,
        "idempotencyKey": key
    })
}

/// Calls `sale_create`: (is an error, text, structured content).
async fn sale(h: &Harness, args: Value) -> (bool, String, Value) {
    let r = h.call("sale_create", args).await;
    (
        r.is_error == Some(true),
        text_of(&r),
        r.structured_content.clone().unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn every_fault_ends_with_exactly_one_order_and_the_truth_told() {
    for mode in [
        FaultMode::ErrorBody,
        FaultMode::Http500,
        FaultMode::MalformedJson,
        FaultMode::CloseMidBody,
        FaultMode::Slow,
    ] {
        let h = harness().await;
        let before = orders(&h);
        let key = format!("fault-{mode:?}");
        h.sandbox.set_faults(FaultConfig {
            mode: Some(mode),
            count: Some(1),
            slow_ms: Some(2_500),
            scripts: vec!["webapp.php".into()],
            ..FaultConfig::default()
        });
        // 1. The sale meets the fault.
        let (err, text, out) = sale(&h, coffee(&key)).await;
        assert!(err, "{mode:?}: {text}");
        let applied = !matches!(mode, FaultMode::ErrorBody | FaultMode::Http500);
        match mode {
            FaultMode::ErrorBody => {
                assert!(
                    text.starts_with("The sale was NOT recorded"),
                    "{mode:?}: {text}"
                )
            }
            _ => {
                assert!(
                    text.starts_with("The sale MAY HAVE BEEN RECORDED"),
                    "{mode:?}: {text}"
                );
                assert!(!text.contains(".."), "{mode:?}: {text}");
                assert!(
                    !text.contains("Try again"),
                    "{mode:?}: never a blind retry: {text}"
                );
                assert_eq!(out["status"], "uncertain");
            }
        }
        assert_eq!(orders(&h), before + usize::from(applied), "{mode:?}");
        h.sandbox.clear_faults();

        // 2. The same call again, at once.
        let (err, text, out) = sale(&h, coffee(&key)).await;
        match mode {
            FaultMode::ErrorBody => {
                assert!(
                    !err && text.starts_with("Recorded order"),
                    "{mode:?}: {text}"
                );
            }
            FaultMode::Http500 => {
                // Not in the POS, but too early to be sure it will not appear.
                assert!(err, "{mode:?}: {text}");
                assert!(text.starts_with("Not among the POS's orders yet"), "{text}");
                assert_eq!(orders(&h), before, "nothing sent yet");
                tokio::time::sleep(Duration::from_millis(2_100)).await;
                let (err, text, out) = sale(&h, coffee(&key)).await;
                assert!(!err, "{text}");
                assert!(
                    text.starts_with(
                        "Checked in the POS: the earlier attempt had NOT been recorded"
                    ),
                    "{text}"
                );
                assert_eq!(out["status"], "recorded");
            }
            _ => {
                assert!(!err, "{mode:?}: {text}");
                assert!(
                    text.starts_with("Checked in the POS: this sale WAS recorded, once"),
                    "{mode:?}: {text}"
                );
                assert_eq!(out["status"], "recorded");
                assert_eq!(out["replay"], true);
            }
        }
        assert_eq!(orders(&h), before + 1, "{mode:?}: exactly one order");

        // 3. And again: the receipt, nothing sent.
        let sent = h.sandbox.requests().len();
        let (err, text, _) = sale(&h, coffee(&key)).await;
        assert!(
            !err && text.starts_with("Already recorded"),
            "{mode:?}: {text}"
        );
        assert_eq!(orders(&h), before + 1, "{mode:?}");
        assert!(
            !h.sandbox.requests()[sent..]
                .iter()
                .any(|r| r.script == "webapp.php"),
            "{mode:?}: nothing resent"
        );
    }
}

#[tokio::test]
async fn a_sale_without_a_key_gets_one_to_resolve_its_doubt() {
    let h = harness().await;
    let before = orders(&h);
    fail_next_sale(&h, FaultMode::CloseMidBody);
    let args = json!({"items": [{"type": "catalog", "productId": 1}], "payment": -1});
    let (err, text, out) = sale(&h, args.clone()).await;
    assert!(
        err && text.starts_with("The sale MAY HAVE BEEN RECORDED"),
        "{text}"
    );
    let key = out["idempotencyKey"]
        .as_str()
        .expect("a key to call again with");
    assert!(text.contains(key), "{text}");
    let mut again = args;
    again["idempotencyKey"] = json!(key);
    let (err, text, _) = sale(&h, again).await;
    assert!(!err && text.contains("WAS recorded, once"), "{text}");
    assert_eq!(orders(&h), before + 1);
}

#[tokio::test]
async fn two_retries_at_once_record_a_missing_sale_once() {
    let h = harness().await;
    let before = orders(&h);
    fail_next_sale(&h, FaultMode::Http500);
    let (err, _, _) = sale(&h, coffee("race")).await;
    assert!(err);
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let (a, b) = tokio::join!(sale(&h, coffee("race")), sale(&h, coffee("race")));
    assert_eq!(orders(&h), before + 1, "one order: {} / {}", a.1, b.1);
    let told_recorded = [&a, &b].iter().filter(|r| !r.0).count();
    assert!(told_recorded >= 1, "{} / {}", a.1, b.1);
    for (err, text, _) in [&a, &b] {
        if *err {
            assert!(
                text.contains("right now") || text.contains("being sent"),
                "the other is told it is in progress: {text}"
            );
        }
    }
}

/// A store whose plain writes fail while `broken` (claims still work): the record of a sale
/// cannot be written after the POS recorded it.
#[derive(Debug, Default)]
struct BrokenWrites {
    inner: MemoryStore,
    broken: AtomicBool,
}

impl Store for BrokenWrites {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, StoreError>> {
        self.inner.get(key)
    }

    fn set<'a>(
        &'a self,
        key: &'a str,
        value: Vec<u8>,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        if self.broken.load(Ordering::SeqCst) {
            return Box::pin(async { Err(StoreError("the store is unreachable".into())) });
        }
        self.inner.set(key, value, ttl)
    }

    fn set_if_absent<'a>(
        &'a self,
        key: &'a str,
        value: Vec<u8>,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        self.inner.set_if_absent(key, value, ttl)
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        self.inner.delete(key)
    }
}

#[tokio::test]
async fn a_recorded_sale_whose_record_cannot_be_written_is_still_recorded_once() {
    let store = Arc::new(BrokenWrites::default());
    let h = Options {
        in_process: Some(InProcess {
            records: store.clone(),
            ..InProcess::default()
        }),
        ..Options::default()
    }
    .start()
    .await;
    let before = orders(&h);
    store.broken.store(true, Ordering::SeqCst);
    let (failed, text, out) = sale(&h, coffee("unwritten-record")).await;
    assert!(!failed, "{text}");
    assert_eq!(out["status"], "recorded", "{text}");
    // At once, with the same key: found among the POS's orders, not "being sent".
    let (failed, text, out) = sale(&h, coffee("unwritten-record")).await;
    assert!(!failed, "{text}");
    assert_eq!(out["status"], "recorded", "{text}");
    assert!(text.contains("WAS recorded, once"), "{text}");
    assert_eq!(orders(&h), before + 1);
}
