//! Fault injection, the request log and the control routes.

use std::time::{Duration, Instant};

use kash_api::ids::ProductId;
use kash_api::sales::{NewSale, PaymentState, SaleLine};
use kash_api::{KashClient, KashError, RetryPolicy, TransportKind};
use kash_sandbox::{FaultConfig, FaultMode, Sandbox};

use crate::support::{builder, client, fetch_json, raw, start};

/// Asserts that `value` matches `pattern`, and shows it when not.
macro_rules! assert_matches {
    ($value:expr, $pattern:pat) => {{
        let value = &$value;
        assert!(matches!(value, $pattern), "{value:?}")
    }};
}

fn faulty(mode: FaultMode, count: Option<u32>) -> FaultConfig {
    FaultConfig {
        mode: Some(mode),
        count,
        ..FaultConfig::default()
    }
}

/// The error of a `getTables.php` call that the sandbox fails once with `mode`.
async fn fails_once(sandbox: &Sandbox, c: &KashClient, mode: FaultMode) -> KashError {
    sandbox.set_faults(faulty(mode, Some(1)));
    c.list_tables().await.unwrap_err()
}

#[tokio::test]
async fn each_failure_mode_reaches_the_client_as_the_right_error() {
    let sandbox = start().await;
    let c = client(&sandbox);

    let err = fails_once(&sandbox, &c, FaultMode::Http500).await;
    assert_matches!(err, KashError::Api { status: 500, .. });
    assert!(err.to_string().contains("Internal Server Error"));
    assert!(
        c.list_tables().await.is_ok(),
        "count 1: the next request is fine"
    );

    let err = fails_once(&sandbox, &c, FaultMode::ErrorBody).await;
    assert_matches!(
        err,
        KashError::Api {
            status: 200,
            explicit: true,
            ..
        }
    );

    let err = fails_once(&sandbox, &c, FaultMode::MalformedJson).await;
    assert_matches!(
        err,
        KashError::Api {
            explicit: false,
            ..
        }
    );
    assert!(err.to_string().contains("expected JSON"), "{err}");

    let err = fails_once(&sandbox, &c, FaultMode::CloseMidBody).await;
    assert_matches!(
        err,
        KashError::Transport {
            kind: TransportKind::Interrupted,
            ..
        }
    );

    sandbox.set_faults(FaultConfig {
        mode: Some(FaultMode::Slow),
        count: Some(1),
        slow_ms: Some(3_000),
        ..FaultConfig::default()
    });
    let impatient = builder(&sandbox)
        .timeout(Duration::from_millis(300))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = impatient.list_tables().await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn a_slow_or_cut_sale_is_recorded_and_reported_as_doubtful() {
    let sandbox = start().await;
    let shop = sandbox.credentials().shop_id.clone();
    let count = || sandbox.with_shop(&shop, |d| d.orders.len()).unwrap();
    let impatient = builder(&sandbox)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let sale = NewSale::new(PaymentState::Unpaid).line(SaleLine::catalog(ProductId(1), 1));
    for mode in [
        FaultMode::Slow,
        FaultMode::CloseMidBody,
        FaultMode::MalformedJson,
    ] {
        sandbox.set_faults(FaultConfig {
            mode: Some(mode),
            count: Some(1),
            slow_ms: Some(2_000),
            scripts: vec!["webapp.php".into()],
            ..FaultConfig::default()
        });
        let before = count();
        let err = impatient.create_sale(&sale).await.unwrap_err();
        assert!(err.may_have_been_applied(), "{mode:?}: {err:?}");
        assert_eq!(count(), before + 1, "{mode:?}: the sale was recorded once");
    }
    // A refused request records nothing.
    for mode in [FaultMode::Http500, FaultMode::ErrorBody] {
        sandbox.set_faults(faulty(mode, Some(1)));
        let before = count();
        assert!(impatient.create_sale(&sale).await.is_err());
        assert_eq!(count(), before, "{mode:?}");
    }
}

#[tokio::test]
async fn latency_rate_and_script_filter() {
    let sandbox = start().await;
    let c = client(&sandbox);
    sandbox.set_faults(FaultConfig {
        latency_ms: 300,
        ..FaultConfig::default()
    });
    let t = Instant::now();
    c.list_cashboxes().await.unwrap();
    assert!(t.elapsed() >= Duration::from_millis(300));

    sandbox.set_faults(FaultConfig {
        failure_rate: 0.5,
        ..FaultConfig::default()
    });
    let mut failed = 0;
    for _ in 0..40 {
        if c.list_cashboxes().await.is_err() {
            failed += 1;
        }
    }
    assert!(
        (8..=32).contains(&failed),
        "{failed} of 40 failed at rate 0.5"
    );

    sandbox.set_faults(FaultConfig {
        failure_rate: 1.0,
        mode: Some(FaultMode::ErrorBody),
        scripts: vec!["getPlus.php".into()],
        ..FaultConfig::default()
    });
    assert!(c.list_products().await.is_err());
    assert!(c.list_users().await.is_ok(), "other scripts are untouched");
    sandbox.clear_faults();
    assert!(c.list_products().await.is_ok());
}

#[tokio::test]
async fn retries_ride_out_a_transient_fault() {
    let sandbox = start().await;
    let c = builder(&sandbox)
        .retry(RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(20),
        })
        .build()
        .unwrap();
    sandbox.set_faults(faulty(FaultMode::Http500, Some(2)));
    assert_eq!(c.list_cashboxes().await.unwrap().len(), 3);
    let statuses: Vec<u16> = sandbox.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![500, 500, 200]);
}

#[tokio::test]
async fn the_request_log_shows_exactly_what_arrived_with_the_key_blanked() {
    let sandbox = start().await;
    let c = client(&sandbox);
    let sale = NewSale::new(PaymentState::Unpaid)
        .line(SaleLine::catalog(ProductId(1), 2))
        .line(SaleLine::free("2.5".parse().unwrap(), "Supplément"));
    c.create_sale(&sale).await.unwrap();
    let log = sandbox.requests();
    let last = log.last().unwrap();
    assert_eq!(last.method, "POST");
    assert_eq!(last.script, "webapp.php");
    assert_eq!(
        last.shop_id.as_deref(),
        Some(sandbox.credentials().shop_id.as_str())
    );
    assert_eq!(
        last.values("itemsList[]"),
        vec!["1_2", "Free_2.5_Supplément"]
    );
    assert_eq!(last.values("key"), vec!["[REDACTED]"]);
    let all = serde_json::to_string(&log).unwrap();
    assert!(!all.contains(&sandbox.credentials().api_key));
    sandbox.clear_requests();
    assert!(sandbox.requests().is_empty());
}

#[tokio::test]
async fn control_routes_over_http() {
    let sandbox = start().await;
    let http = raw();
    let base = sandbox.base_url();
    let r = http
        .put(format!("{base}/_sandbox/faults"))
        .json(&serde_json::json!({"mode": "error_body", "count": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let current: FaultConfig = fetch_json(http.get(format!("{base}/_sandbox/faults"))).await;
    assert_eq!(current.mode, Some(FaultMode::ErrorBody));
    assert!(client(&sandbox).list_users().await.is_err());
    let log: serde_json::Value = fetch_json(http.get(format!("{base}/_sandbox/requests"))).await;
    assert_eq!(log[0]["script"], "getUsers.php");
    assert_eq!(log[0]["fault"], "error_body");
    let r = http
        .delete(format!("{base}/_sandbox/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let health: serde_json::Value = fetch_json(http.get(format!("{base}/_sandbox/health"))).await;
    assert_eq!(health["ok"], true);
}
