//! The demo shop answers the seed's questions definitely: checked on the data itself.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Weekday;
use jiff::tz::TimeZone;
use kash_sandbox::model::{DELIVERY, ShopData, TAKEAWAY};
use kash_sandbox::people::{CLAIRE_DUPONT_MARTIN, MARIE_DUPONT};

use crate::support::{now, start};

fn paris() -> TimeZone {
    TimeZone::get("Europe/Paris").unwrap()
}

fn local(ts: i64) -> jiff::Zoned {
    Timestamp::from_second(ts).unwrap().to_zoned(paris())
}

fn with<T>(f: impl FnOnce(&ShopData) -> T) -> T {
    let shop = kash_sandbox::build_demo_shop(
        kash_sandbox::DEFAULT_SEED,
        now(),
        kash_sandbox::DEFAULT_HISTORY_DAYS,
    );
    f(&shop)
}

#[test]
fn between_100_and_250_orders_a_day_over_25_months() {
    with(|d| {
        let mut per_day: BTreeMap<jiff::civil::Date, usize> = BTreeMap::new();
        for o in &d.orders {
            *per_day.entry(local(o.value_date).date()).or_default() += 1;
        }
        let days: Vec<_> = per_day.keys().collect();
        let first = **days.first().unwrap();
        let last = **days.last().unwrap();
        assert!(first.until(last).unwrap().get_days() >= 750);
        let today = now().to_zoned(paris()).date();
        for (day, n) in &per_day {
            if *day != today {
                assert!((100..=260).contains(n), "{day}: {n} orders");
            }
        }
    });
}

#[test]
fn the_best_tuesday_customer_is_clear() {
    with(|d| {
        let mut tuesday: BTreeMap<u32, i64> = BTreeMap::new();
        for o in &d.orders {
            if local(o.value_date).weekday() == Weekday::Tuesday
                && let Some(c) = o.customer
            {
                *tuesday.entry(c).or_default() += o.total;
            }
        }
        let mut ranked: Vec<(u32, i64)> = tuesday.into_iter().collect();
        ranked.sort_by_key(|(_, t)| -t);
        assert_eq!(ranked[0].0, CLAIRE_DUPONT_MARTIN);
        assert!(ranked[0].1 > 2 * ranked[1].1, "{ranked:?}");
    });
}

#[test]
fn takeaway_grew_this_year_against_last_year() {
    with(|d| {
        let now = now().to_zoned(paris());
        let share = |year: i16| {
            let (mut take, mut all) = (0i64, 0i64);
            for o in &d.orders {
                let z = local(o.value_date);
                let same_period =
                    z.year() == year && (z.month(), z.day()) <= (now.month(), now.day());
                if same_period {
                    all += o.total;
                    if o.delivery_method == TAKEAWAY {
                        take += o.total;
                    }
                }
            }
            (take, all)
        };
        let (t1, a1) = share(now.year());
        let (t0, a0) = share(now.year() - 1);
        assert!(t1 * a0 > t0 * a1, "takeaway share {t1}/{a1} vs {t0}/{a0}");
        assert!(t1 > t0 * 11 / 10, "takeaway revenue grew by more than 10 %");
        assert!(a1 > a0, "revenue grew");
    });
}

#[test]
fn marie_dupont_has_not_paid_her_last_order() {
    with(|d| {
        let last = d
            .orders
            .iter()
            .filter(|o| o.customer == Some(MARIE_DUPONT))
            .max_by_key(|o| o.value_date)
            .unwrap();
        assert_eq!(last.payment, -1);
        assert_eq!(last.delivery_method, DELIVERY);
        assert!(
            d.orders
                .iter()
                .filter(|o| o.customer == Some(MARIE_DUPONT))
                .count()
                > 50
        );
    });
}

#[test]
fn refunds_unpaid_orders_quotes_and_tonights_deliveries() {
    with(|d| {
        let n = d.orders.len() as f64;
        let refunds = d.orders.iter().filter(|o| o.refund).count() as f64;
        assert!(
            (0.005..0.02).contains(&(refunds / n)),
            "refunds {}",
            refunds / n
        );
        assert!(d.orders.iter().filter(|o| o.payment == -1).count() > 500);
        assert!(d.quotes.len() > 50);
        let today = now().to_zoned(paris()).date();
        let tonight: Vec<_> = d
            .orders
            .iter()
            .filter(|o| !o.terminated && o.delivery_method == DELIVERY)
            .filter(|o| {
                o.delivery_at()
                    .is_some_and(|t| local(t).date() == today && local(t).hour() >= 18)
            })
            .collect();
        assert_eq!(tonight.len(), 7);
    });
}

#[tokio::test]
async fn this_weeks_revenue_is_non_trivial() {
    let sandbox = start().await;
    let c = crate::support::client(&sandbox);
    // Monday 23 November 2026, 00:00 Paris, to now.
    let from: Timestamp = "2026-11-22T23:00:00Z".parse().unwrap();
    let orders = c
        .send(&kash_api::orders::ListOrders::validated(from, now()))
        .await
        .unwrap();
    let total: kash_api::Decimal = orders.iter().map(|o| o.total.unwrap()).sum();
    assert!(orders.len() > 150, "{}", orders.len());
    assert!(total > kash_api::Decimal::from(1000), "{total}");
}
