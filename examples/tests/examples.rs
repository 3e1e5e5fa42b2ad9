//! The example programs run against a sandbox and print what they should.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::indexing_slicing, missing_docs)]

use std::process::Command;

use kash_sandbox::{Sandbox, SandboxConfig};

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig::at("2026-11-24T16:30:00Z".parse().unwrap()))
        .await
        .unwrap()
}

fn run(bin: &str, sandbox: &Sandbox) -> String {
    let c = sandbox.credentials();
    let out = Command::new(bin)
        .env("API_BASE", sandbox.base_url())
        .env("SHOPID", &c.shop_id)
        .env("APIKEY", &c.api_key)
        .env("KASH_NOW", sandbox.now().to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn list_products_prints_the_catalogue() {
    let s = sandbox().await;
    let out = tokio::task::block_in_place(|| run(env!("CARGO_BIN_EXE_list_products"), &s));
    assert!(out.contains("Croissant"), "{out}");
    assert!(out.contains("1.20 €"), "{out}");
    assert!(out.contains("(low, alert at"), "{out}");
    let n = s
        .with_shop(&s.credentials().shop_id, |d| d.products.len())
        .unwrap();
    assert!(out.trim_end().ends_with(&format!("{n} products")), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn record_sale_records_one_order_of_3_60() {
    let s = sandbox().await;
    let shop = s.credentials().shop_id.clone();
    let before = s.with_shop(&shop, |d| d.orders.len()).unwrap();
    let out = tokio::task::block_in_place(|| run(env!("CARGO_BIN_EXE_record_sale"), &s));
    assert!(out.starts_with("Recorded order "), "{out}");
    assert!(out.contains("total 3.60 €, table 84"), "{out}");
    let (after, last_total) = s
        .with_shop(&shop, |d| {
            (
                d.orders.len(),
                d.orders.iter().max_by_key(|o| o.id).map(|o| o.total),
            )
        })
        .unwrap();
    assert_eq!(after, before + 1);
    assert_eq!(last_total, Some(360));
}

#[tokio::test(flavor = "multi_thread")]
async fn last_week_revenue_matches_the_sandbox_data() {
    let s = sandbox().await;
    let out = tokio::task::block_in_place(|| run(env!("CARGO_BIN_EXE_last_week_revenue"), &s));
    // Monday 16 to Sunday 22 November 2026, Paris: 2026-11-15T23:00Z to 2026-11-22T23:00Z.
    let from: jiff::Timestamp = "2026-11-15T23:00:00Z".parse().unwrap();
    let to: jiff::Timestamp = "2026-11-22T23:00:00Z".parse().unwrap();
    let (n, cents) = s
        .with_shop(&s.credentials().shop_id, |d| {
            let week: Vec<_> = d
                .orders
                .iter()
                .filter(|o| o.value_date >= from.as_second() && o.value_date < to.as_second())
                .collect();
            (week.len(), week.iter().map(|o| o.total).sum::<i64>())
        })
        .unwrap();
    let expected = format!("Last week (Mon 16 Nov 2026 – Sun 22 Nov 2026): {n} orders");
    assert!(out.starts_with(&expected), "{out}\nexpected {expected}");
    assert!(
        out.contains(&format!("revenue {}.{:02} €", cents / 100, cents % 100)),
        "{out}"
    );
}
