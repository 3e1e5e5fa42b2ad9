//! The aggregation core of `sales_summary`: a year of the demo shop's orders (fetched once from
//! the sandbox over HTTP and reduced to facts, outside the measurement) summed per order, per
//! customer, per day, and per line (product, department, a product filter). Throughput is in
//! order lines. Run with `cargo bench -p kash-mcp-core --bench aggregate`; target: at least
//! 5 million lines a second.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::indexing_slicing, missing_docs)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use jiff::tz::TimeZone;
use kash_api::KashClient;
use kash_api::orders::{ListOrders, OrderKind};
use kash_mcp_core::analytics::facts::fact;
use kash_mcp_core::analytics::{DayFacts, Filters, GroupBy, aggregate};
use kash_sandbox::{Sandbox, SandboxConfig};

const NOW: &str = "2026-11-24T16:30:00Z";

/// The orders of 2025, as days of facts.
fn year() -> Vec<DayFacts> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let sandbox = Sandbox::start(SandboxConfig::at(NOW.parse().unwrap()))
            .await
            .unwrap();
        let c = sandbox.credentials();
        let client = KashClient::builder(c.shop_id.clone(), c.api_key.clone())
            .base_url(sandbox.base_url())
            .build()
            .unwrap();
        let tz = TimeZone::get("Europe/Paris").unwrap();
        let mut days: std::collections::BTreeMap<jiff::civil::Date, Vec<_>> =
            std::collections::BTreeMap::new();
        let mut start: jiff::civil::Date = "2025-01-01".parse().unwrap();
        let end: jiff::civil::Date = "2026-01-01".parse().unwrap();
        while start < end {
            let next = start.checked_add(jiff::Span::new().months(1)).unwrap();
            let from = start.to_zoned(tz.clone()).unwrap().timestamp();
            let to = next.to_zoned(tz.clone()).unwrap().timestamp();
            let to = jiff::Timestamp::from_second(to.as_second() - 1).unwrap();
            let orders = client
                .send(&ListOrders::new(OrderKind::Validated, from, to))
                .await
                .unwrap();
            for o in &orders {
                let (date, f) = fact(o, &tz).unwrap();
                days.entry(date).or_default().push(f);
            }
            start = next;
        }
        sandbox.shutdown().await;
        days.into_iter()
            .map(|(date, orders)| DayFacts {
                date: date.to_string(),
                orders,
            })
            .collect()
    })
}

fn bench(c: &mut Criterion) {
    let days = year();
    let refs: Vec<&DayFacts> = days.iter().collect();
    let orders: usize = days.iter().map(|d| d.orders.len()).sum();
    let lines: usize = days
        .iter()
        .flat_map(|d| &d.orders)
        .map(|o| o.lines.len())
        .sum();
    eprintln!(
        "a year: {} days, {orders} orders, {lines} lines",
        days.len()
    );
    let mut g = c.benchmark_group("aggregate_year");
    g.throughput(Throughput::Elements(lines as u64));
    let cases = [
        ("total", GroupBy::None, Filters::default()),
        ("by_customer", GroupBy::Customer, Filters::default()),
        ("by_day", GroupBy::Day, Filters::default()),
        ("by_product", GroupBy::Product, Filters::default()),
        ("by_department", GroupBy::Department, Filters::default()),
        (
            "tuesdays_takeaway_by_hour",
            GroupBy::Hour,
            Filters {
                weekdays: vec![1],
                delivery: vec![0],
                ..Filters::default()
            },
        ),
        (
            "one_product",
            GroupBy::None,
            Filters {
                product: Some(25),
                ..Filters::default()
            },
        ),
    ];
    for (name, group, filters) in cases {
        g.bench_with_input(BenchmarkId::from_parameter(name), &filters, |b, f| {
            b.iter(|| aggregate(std::hint::black_box(&refs), f, group));
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
