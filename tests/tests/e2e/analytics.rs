//! `sales_summary` against the ground truth: the server runs in process, talks to the sandbox
//! over real HTTP and to rmcp's client over a pipe; every figure it answers is compared with
//! `kash_e2e::truth`, computed straight from the sandbox's orders by a separate, plain
//! implementation — for every `groupBy` and filter, across day, week, month and year
//! boundaries, DST changes and refunds, with comparisons, the cache, and lines missing from
//! the order list.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use kash_e2e::harness::{harness, harness_in, harness_with, text_of};
use kash_e2e::truth::{Fig, Group, Query, cents, midnight, milli};
use kash_mcp_core::Lang;
use serde_json::{Value, json};

/// Local midnight of `from` to local midnight after `to`.
fn days(from: &str, to: &str) -> Query {
    Query::days(from, to, &TimeZone::get("Europe/Paris").unwrap())
}

fn opt_cents(v: &Value) -> i64 {
    if v.is_null() { 0 } else { cents(v) }
}

fn opt_count(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

/// Every figure of `got` (a `total` or `comparison.figures` object) against the truth.
fn check_figures(what: &str, got: &Value, want: &Fig) {
    assert_eq!(cents(&got["revenue"]), want.revenue, "{what}: revenue");
    assert_eq!(got["orders"], want.orders, "{what}: orders");
    assert_eq!(got["sales"], want.sales, "{what}: sales");
    assert_eq!(cents(&got["vat"]), want.vat_total(), "{what}: VAT");
    assert_eq!(
        cents(&got["revenueExclVat"]),
        want.revenue - want.vat_total(),
        "{what}: revenue excl. VAT"
    );
    let rates: BTreeMap<i64, i64> = got["vatByRate"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|v| {
                    (
                        (v["rate"].as_f64().unwrap() * 100.0).round() as i64,
                        cents(&v["vat"]),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let want_rates: BTreeMap<i64, i64> = want
        .vat
        .iter()
        .filter(|(_, v)| **v != 0 || rates.contains_key(v))
        .map(|(r, v)| (*r, *v))
        .collect();
    assert_eq!(
        rates.iter().filter(|(_, v)| **v != 0).collect::<Vec<_>>(),
        want_rates
            .iter()
            .filter(|(_, v)| **v != 0)
            .collect::<Vec<_>>(),
        "{what}: VAT per rate"
    );
    assert_eq!(milli(&got["items"]), want.items_milli, "{what}: items");
    assert_eq!(got["refunds"], want.refunds, "{what}: refunds");
    assert_eq!(
        cents(&got["refundAmount"]),
        want.refund_amount,
        "{what}: refund amount"
    );
    assert_eq!(got["unpaid"], want.unpaid, "{what}: unpaid");
    assert_eq!(
        cents(&got["unpaidAmount"]),
        want.unpaid_amount,
        "{what}: unpaid amount"
    );
    assert_eq!(cents(&got["discounts"]), want.discount, "{what}: discounts");
    assert_eq!(
        got.get("averageBasket").filter(|v| !v.is_null()).map(cents),
        want.average_basket(),
        "{what}: average basket"
    );
}

/// A row's figures against the truth.
fn check_row(what: &str, row: &Value, want: &Fig) {
    assert_eq!(cents(&row["revenue"]), want.revenue, "{what}: revenue");
    assert_eq!(row["orders"], want.orders, "{what}: orders");
    assert_eq!(milli(&row["items"]), want.items_milli, "{what}: items");
    assert_eq!(opt_count(&row["refunds"]), want.refunds, "{what}: refunds");
    assert_eq!(
        opt_cents(&row["refundAmount"]),
        want.refund_amount,
        "{what}: refund amount"
    );
    assert_eq!(opt_count(&row["unpaid"]), want.unpaid, "{what}: unpaid");
    assert_eq!(
        opt_cents(&row["unpaidAmount"]),
        want.unpaid_amount,
        "{what}: unpaid amount"
    );
    assert_eq!(
        opt_cents(&row["discounts"]),
        want.discount,
        "{what}: discounts"
    );
    assert_eq!(
        row.get("averageBasket").filter(|v| !v.is_null()).map(cents),
        want.average_basket(),
        "{what}: average basket"
    );
}

/// Every shown group, their order, and "others", against the truth.
fn check_groups(what: &str, got: &Value, want: &BTreeMap<String, Fig>, total: &Fig) {
    let rows = kash_e2e::group_rows(got);
    let unassigned = kash_e2e::group_row(got, "unassigned").unwrap_or(Value::Null);
    let others_row = kash_e2e::group_row(got, "others").unwrap_or(Value::Null);
    let empty = Fig::default();
    let mut shown = std::collections::BTreeSet::new();
    for row in &rows {
        let key = row["key"].as_str().unwrap().to_owned();
        let w = want.get(&key).unwrap_or(&empty);
        check_row(&format!("{what} [{key}]"), row, w);
        if let Some(share) = row["share"].as_f64()
            && total.revenue != 0
        {
            let expected = (w.revenue as f64 * 100.0 / total.revenue as f64 * 10.0).round() / 10.0;
            assert!(
                (share - expected).abs() < 0.051,
                "{what} [{key}]: share {share} vs {expected}"
            );
        }
        assert!(shown.insert(key), "{what}: a key shown twice");
    }
    if !unassigned.is_null() {
        let w = want.get("none").unwrap_or(&empty);
        assert_eq!(unassigned["key"], "none");
        assert!(
            unassigned["rank"].is_null(),
            "{what}: \"none\" is not ranked"
        );
        check_row(&format!("{what} [none]"), &unassigned, w);
        shown.insert("none".to_owned());
    } else {
        assert!(!want.contains_key("none") || shown.contains("none") || !others_row.is_null());
    }
    for k in want.keys() {
        if !shown.contains(k) {
            assert!(
                !others_row.is_null(),
                "{what}: group {k} neither shown nor in others"
            );
        }
    }
    let apart = usize::from(!unassigned.is_null());
    assert!(
        got["count"].as_u64().unwrap() as usize + apart >= want.len(),
        "{what}: count"
    );
    if got["sortBy"] == "revenue" {
        let revenues: Vec<i64> = rows.iter().map(|r| cents(&r["revenue"])).collect();
        assert!(
            revenues.windows(2).all(|w| w[0] >= w[1]),
            "{what}: sorted by revenue"
        );
        let ranks: Vec<u64> = rows.iter().map(|r| r["rank"].as_u64().unwrap()).collect();
        assert_eq!(
            ranks,
            (1..=rows.len() as u64).collect::<Vec<_>>(),
            "{what}: ranks"
        );
    }
    let mut others = Fig::default();
    for (k, f) in want {
        if !shown.contains(k) {
            others.revenue += f.revenue;
            others.orders += f.orders;
            others.items_milli += f.items_milli;
            others.refunds += f.refunds;
            others.refund_amount += f.refund_amount;
        }
    }
    if others.orders > 0 {
        let o = &others_row;
        assert_eq!(
            cents(&o["revenue"]),
            others.revenue,
            "{what}: others revenue"
        );
        assert_eq!(o["orders"], others.orders, "{what}: others orders");
        assert_eq!(
            milli(&o["items"]),
            others.items_milli,
            "{what}: others items"
        );
    }
}

#[tokio::test]
async fn every_group_by_matches_the_ground_truth_over_a_month_with_a_dst_change() {
    let h = harness().await;
    // October 2026: Paris leaves summer time on Sunday 25 October.
    let q = days("2026-10-01", "2026-10-31");
    for group in Group::ALL {
        let mut args = json!({"period": "last_month", "groupBy": group.name()});
        if matches!(group, Group::Customer | Group::Product) {
            args["top"] = json!(50);
        }
        let (text, out) = h.summary(args).await;
        let (total, groups) = h.truth(&q, group);
        assert!(total.orders > 4_000, "a busy month: {}", total.orders);
        check_figures(&format!("{} total", group.name()), &out["total"], &total);
        assert_eq!(out["range"]["from"], "2026-10-01T00:00:00+02:00");
        assert_eq!(out["range"]["to"], "2026-11-01T00:00:00+01:00");
        assert!(
            text.starts_with(&format!(
                "Sales — Thu 1 – Sat 31 Oct 2026, Europe/Paris, {} validated orders",
                kash_mcp_core::i18n::count(Lang::En, total.orders as i64)
            )),
            "{text}"
        );
        assert!(text.contains("quotes excluded"), "rules stated: {text}");
        if group == Group::None {
            assert!(out["groups"].is_null());
        } else {
            check_groups(group.name(), &out["groups"], &groups, &total);
        }
    }
}

#[tokio::test]
async fn every_filter_matches_the_ground_truth() {
    let h = harness().await;
    let week = days("2026-11-16", "2026-11-22");
    let cases: Vec<(Value, Query)> = vec![
        (
            json!({"deliveryMethod": "takeaway"}),
            Query {
                delivery: vec![0],
                ..week.clone()
            },
        ),
        (
            json!({"deliveryMethod": ["delivery", "eat_in"]}),
            Query {
                delivery: vec![1, 2],
                ..week.clone()
            },
        ),
        (
            json!({"weekday": "tuesday"}),
            Query {
                weekdays: vec![2],
                ..week.clone()
            },
        ),
        (
            json!({"weekday": ["samedi", "dimanche"]}),
            Query {
                weekdays: vec![6, 7],
                ..week.clone()
            },
        ),
        (
            json!({"hourFrom": 12, "hourTo": 14}),
            Query {
                hour_from: Some(12),
                hour_to: Some(14),
                ..week.clone()
            },
        ),
        (
            json!({"hourFrom": 18}),
            Query {
                hour_from: Some(18),
                ..week.clone()
            },
        ),
        (
            json!({"customer": 4}),
            Query {
                customer: Some(4),
                ..week.clone()
            },
        ),
        (
            json!({"customer": "Atelier Martin"}),
            Query {
                customer: Some(4),
                ..week.clone()
            },
        ),
        (
            json!({"product": 25}),
            Query {
                product: Some(25),
                ..week.clone()
            },
        ),
        (
            json!({"product": "croissant"}),
            Query {
                product: Some(25),
                ..week.clone()
            },
        ),
        (
            json!({"department": 3}),
            Query {
                department: Some(3),
                ..week.clone()
            },
        ),
        (
            json!({"department": "Viennoiseries"}),
            Query {
                department: Some(3),
                ..week.clone()
            },
        ),
        (
            json!({"paymentMode": 2}),
            Query {
                payment: Some(2),
                ..week.clone()
            },
        ),
        (
            json!({"paymentMode": "Carte bancaire"}),
            Query {
                payment: Some(2),
                ..week.clone()
            },
        ),
        (
            json!({"paymentMode": "unpaid"}),
            Query {
                payment: Some(-1),
                ..week.clone()
            },
        ),
        (
            json!({"deliveryMethod": "takeaway", "weekday": "saturday", "department": 3}),
            Query {
                delivery: vec![0],
                weekdays: vec![6],
                department: Some(3),
                ..week.clone()
            },
        ),
    ];
    for (filter, q) in cases {
        for group in [Group::None, Group::Product, Group::Customer, Group::Hour] {
            let mut args = filter.clone();
            args["period"] = json!("last_week");
            args["groupBy"] = json!(group.name());
            if group != Group::None && group != Group::Hour {
                args["top"] = json!(50);
            }
            let (_, out) = h.summary(args.clone()).await;
            let (total, groups) = h.truth(&q, group);
            assert!(total.orders > 0, "{args}: the case selects something");
            check_figures(&format!("{args} total"), &out["total"], &total);
            if group != Group::None {
                check_groups(&args.to_string(), &out["groups"], &groups, &total);
            }
            assert!(
                !out["filters"].as_array().unwrap().is_empty(),
                "{args}: filters stated"
            );
        }
    }
}

#[tokio::test]
async fn year_week_and_day_boundaries_dst_days_and_refunds() {
    let h = harness().await;
    // A whole year by month, with its refunds.
    let (_, out) = h
        .summary(json!({"period": "last_year", "groupBy": "month"}))
        .await;
    let q = days("2025-01-01", "2025-12-31");
    let (total, groups) = h.truth(&q, Group::Month);
    assert!(
        total.refunds > 100,
        "refunds in the year: {}",
        total.refunds
    );
    assert!(total.refund_amount < 0);
    check_figures("2025", &out["total"], &total);
    check_groups("2025 by month", &out["groups"], &groups, &total);
    assert_eq!(kash_e2e::group_rows(&out["groups"]).len(), 12);
    // The week across the new year: ISO week 1 of 2026 starts on Monday 29 December 2025.
    for group in [Group::Week, Group::Day, Group::Month, Group::Weekday] {
        let (_, out) = h
            .summary(json!({"from": "2025-12-29", "to": "2026-01-04", "groupBy": group.name()}))
            .await;
        let (total, groups) = h.truth(&days("2025-12-29", "2026-01-04"), group);
        check_figures("new year week", &out["total"], &total);
        check_groups(
            &format!("new year week by {}", group.name()),
            &out["groups"],
            &groups,
            &total,
        );
    }
    let (_, out) = h
        .summary(json!({"from": "2025-12-29", "to": "2026-01-04", "groupBy": "week"}))
        .await;
    assert_eq!(kash_e2e::group_rows(&out["groups"])[0]["key"], "2026-W01");
    // A week across two months, by day.
    let (_, out) = h
        .summary(json!({"from": "2026-09-28", "to": "2026-10-04", "groupBy": "day"}))
        .await;
    let (total, groups) = h.truth(&days("2026-09-28", "2026-10-04"), Group::Day);
    check_groups("week across months", &out["groups"], &groups, &total);
    // The days the clocks change: 23 and 25 hours long, local midnight to local midnight.
    for day in ["2025-03-30", "2025-10-26", "2026-03-29", "2026-10-25"] {
        let (_, out) = h
            .summary(json!({"from": day, "to": day, "groupBy": "hour"}))
            .await;
        let q = days(day, day);
        let hours = (q.to.unwrap().as_second() - q.from.unwrap().as_second()) / 3600;
        assert!(hours == 23 || hours == 25, "{day} has {hours} hours");
        let (total, groups) = h.truth(&q, Group::Hour);
        assert!(total.orders > 50, "{day}: {} orders", total.orders);
        check_figures(day, &out["total"], &total);
        check_groups(&format!("{day} by hour"), &out["groups"], &groups, &total);
    }
    // Yesterday, and part of a day (both ends given as local times, `to` included).
    let (_, out) = h.summary(json!({"period": "yesterday"})).await;
    check_figures(
        "yesterday",
        &out["total"],
        &h.truth(&days("2026-11-23", "2026-11-23"), Group::None).0,
    );
    let (_, out) = h
        .summary(
            json!({"from": "2026-11-20T12:00:00", "to": "2026-11-20T14:00:00", "groupBy": "hour"}),
        )
        .await;
    let tz = &h.tz;
    let q = Query {
        from: Some(
            "2026-11-20T12:00:00"
                .parse::<jiff::civil::DateTime>()
                .unwrap()
                .to_zoned(tz.clone())
                .unwrap()
                .timestamp(),
        ),
        to: Some(
            "2026-11-20T14:00:01"
                .parse::<jiff::civil::DateTime>()
                .unwrap()
                .to_zoned(tz.clone())
                .unwrap()
                .timestamp(),
        ),
        ..Query::default()
    };
    let (total, groups) = h.truth(&q, Group::Hour);
    assert!(total.orders > 10);
    check_figures("lunch", &out["total"], &total);
    check_groups("lunch by hour", &out["groups"], &groups, &total);
    // Refunds by month over the last twelve months: every month's count and amount.
    let (_, out) = h
        .summary(json!({"period": "last_12_months", "groupBy": "month"}))
        .await;
    let (total, groups) = h.truth(&days("2025-11-25", "2026-11-24"), Group::Month);
    check_figures("last 12 months", &out["total"], &total);
    check_groups("last 12 months by month", &out["groups"], &groups, &total);
}

/// The truth's figures of the period `comparison.range` names.
fn compared_range(out: &Value) -> Query {
    let from: jiff::Zoned = out["comparison"]["range"]["from"]
        .as_str()
        .unwrap()
        .parse::<Timestamp>()
        .unwrap()
        .to_zoned(TimeZone::get("Europe/Paris").unwrap());
    let to: Timestamp = out["comparison"]["range"]["to"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    Query {
        from: Some(from.timestamp()),
        to: Some(to),
        ..Query::default()
    }
}

fn check_change(what: &str, change: &Value, now: i64, before: i64, money: bool) {
    let abs = if money {
        cents(&change["abs"])
    } else {
        change["abs"].as_i64().unwrap()
    };
    assert_eq!(abs, now - before, "{what}: absolute change");
    if before == 0 {
        assert!(change["pct"].is_null(), "{what}: no percentage from zero");
    } else {
        let pct = ((now - before) as f64 * 100.0 / before.abs() as f64 * 10.0).round() / 10.0;
        assert!(
            (change["pct"].as_f64().unwrap() - pct).abs() < 0.051,
            "{what}: {} vs {pct}",
            change["pct"]
        );
    }
}

#[tokio::test]
async fn comparisons_match_the_ground_truth_of_the_shifted_period() {
    let h = harness().await;
    let cases = [
        // (arguments, the period, the compared period)
        (
            json!({"period": "last_week", "comparison": "previous_period"}),
            days("2026-11-16", "2026-11-22"),
            days("2026-11-09", "2026-11-15"),
        ),
        (
            json!({"period": "last_week", "comparison": "same_period_last_year"}),
            days("2026-11-16", "2026-11-22"),
            days("2025-11-17", "2025-11-23"),
        ),
        (
            json!({"period": "last_month", "comparison": "same_period_last_year"}),
            days("2026-10-01", "2026-10-31"),
            days("2025-10-01", "2025-10-31"),
        ),
        (
            json!({"period": "last_month", "comparison": "previous_period"}),
            days("2026-10-01", "2026-10-31"),
            days("2026-09-01", "2026-09-30"),
        ),
        (
            json!({"from": "2026-11-02", "to": "2026-11-11", "comparison": "previous_period"}),
            days("2026-11-02", "2026-11-11"),
            days("2026-10-23", "2026-11-01"),
        ),
    ];
    for (args, now_q, before_q) in cases {
        let (text, out) = h.summary(args.clone()).await;
        let (now, _) = h.truth(&now_q, Group::None);
        let (before, _) = h.truth(&before_q, Group::None);
        check_figures(&format!("{args} now"), &out["total"], &now);
        check_figures(
            &format!("{args} before"),
            &out["comparison"]["figures"],
            &before,
        );
        assert_eq!(
            out["comparison"]["range"]["from"]
                .as_str()
                .unwrap()
                .parse::<Timestamp>()
                .unwrap(),
            before_q.from.unwrap(),
            "{args}: compared period starts"
        );
        let ch = &out["comparison"]["change"];
        check_change("revenue", &ch["revenue"], now.revenue, before.revenue, true);
        check_change(
            "orders",
            &ch["orders"],
            now.orders as i64,
            before.orders as i64,
            false,
        );
        check_change(
            "refunds",
            &ch["refunds"],
            now.refunds as i64,
            before.refunds as i64,
            false,
        );
        check_change(
            "unpaid",
            &ch["unpaidAmount"],
            now.unpaid_amount,
            before.unpaid_amount,
            true,
        );
        check_change(
            "basket",
            &ch["averageBasket"],
            now.average_basket().unwrap(),
            before.average_basket().unwrap(),
            true,
        );
        check_change(
            "items",
            &ch["items"],
            now.items_milli / 1000,
            before.items_milli / 1000,
            false,
        );
        assert!(text.contains("Compared with"), "{text}");
    }
    // A period in progress is compared up to the same moment: this year against last year
    // until 24 November 2025 at 17:30, takeaway only, by month.
    let (text, out) = h
        .summary(json!({"period": "this_year", "comparison": "same_period_last_year", "deliveryMethod": "takeaway", "groupBy": "month"}))
        .await;
    let to: Timestamp = out["comparison"]["range"]["to"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let expected: Timestamp = "2025-11-24T16:30:00Z".parse().unwrap();
    assert!(
        to >= expected && to.as_second() - expected.as_second() < 60,
        "cut at the same time last year: {to}"
    );
    assert!(text.contains("up to the same time (17:30)"), "{text}");
    let before_q = Query {
        delivery: vec![0],
        ..compared_range(&out)
    };
    let now_q = Query {
        delivery: vec![0],
        ..days("2026-01-01", "2026-11-24")
    };
    let (now, now_groups) = h.truth(&now_q, Group::Month);
    let (before, before_groups) = h.truth(&before_q, Group::Month);
    check_figures("takeaway this year", &out["total"], &now);
    check_figures("takeaway last year", &out["comparison"]["figures"], &before);
    assert!(
        now.revenue > before.revenue,
        "takeaway grew (the seed's story)"
    );
    for row in &kash_e2e::group_rows(&out["groups"]) {
        let key = row["key"].as_str().unwrap();
        let last_year = format!("2025{}", &key[4..]);
        let b = &before_groups[&last_year];
        assert_eq!(
            cents(&row["revenue"]) - cents(&row["change"]["revenue"]["abs"]),
            b.revenue,
            "{key} vs {last_year}"
        );
        check_change(
            key,
            &row["change"]["orders"],
            now_groups[key].orders as i64,
            b.orders as i64,
            false,
        );
        check_change(
            key,
            &row["change"]["revenue"],
            now_groups[key].revenue,
            b.revenue,
            true,
        );
    }
    // Today so far against the same weekday last week, up to the same time.
    let (_, out) = h
        .summary(json!({"period": "today", "comparison": "previous_week", "groupBy": "hour"}))
        .await;
    let before_q = compared_range(&out);
    assert_eq!(before_q.from.unwrap(), midnight("2026-11-17", &h.tz));
    let (before, before_hours) = h.truth(&before_q, Group::Hour);
    check_figures(
        "last Tuesday until now",
        &out["comparison"]["figures"],
        &before,
    );
    check_figures(
        "today",
        &out["total"],
        &h.truth(&days("2026-11-24", "2026-11-24"), Group::None).0,
    );
    for row in &kash_e2e::group_rows(&out["groups"]) {
        let b = before_hours
            .get(row["key"].as_str().unwrap())
            .cloned()
            .unwrap_or_default();
        check_change(
            "hour",
            &row["change"]["revenue"],
            cents(&row["revenue"]),
            b.revenue,
            true,
        );
    }
}

#[tokio::test]
async fn past_days_are_cached_today_is_fetched_and_refresh_refetches() {
    let h = harness().await;
    let (_, first) = h.summary(json!({"period": "last_month"})).await;
    assert_eq!(first["source"]["fetchedDays"], 31);
    assert_eq!(first["source"]["listCalls"], 1, "31 days in one call");
    let (_, again) = h.summary(json!({"period": "last_month"})).await;
    assert_eq!(again["source"]["cachedDays"], 31);
    assert_eq!(again["source"]["upstreamCalls"], 0);
    assert_eq!(
        again["total"], first["total"],
        "same figures from the cache"
    );
    let (_, fresh) = h
        .summary(json!({"period": "last_month", "refresh": true}))
        .await;
    assert_eq!(fresh["source"]["fetchedDays"], 31);
    assert_eq!(fresh["total"], first["total"]);
    // This week: Monday from the cache after the first call, today always fetched.
    let _ = h.summary(json!({"period": "this_week"})).await;
    let (text, week) = h.summary(json!({"period": "this_week"})).await;
    assert_eq!(week["source"]["cachedDays"], 1);
    assert_eq!(week["source"]["fetchedDays"], 1);
    // One of each, said in the singular.
    assert!(
        text.ends_with("Source: 1 day from the cache, 1 fetched; 1 call to the POS."),
        "{text}"
    );
    // A year in 12 calls, 4 at a time, with progress notifications (rmcp's client puts a
    // progress token on every request).
    h.progress.lock().unwrap().clear();
    let (_, out) = h.summary(json!({"period": "last_year"})).await;
    assert_eq!(out["source"]["listCalls"], 12);
    let mut seen = Vec::new();
    for _ in 0..100 {
        seen = h.progress.lock().unwrap().clone();
        if seen.len() >= 12 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(seen.len(), 12, "one notification per chunk");
    assert!(
        seen.windows(2).all(|w| w[0].progress < w[1].progress),
        "progress increases"
    );
    assert_eq!(seen.last().unwrap().progress, 12.0);
    assert_eq!(seen.last().unwrap().total, Some(12.0));
    assert!(seen.iter().all(|p| {
        p.message
            .as_deref()
            .is_some_and(|m| m.starts_with("Orders of 2025-"))
    }));
}

#[tokio::test]
async fn cached_days_never_push_a_sale_record_out() {
    // A records store that holds only two entries: were the days of orders kept there, a year
    // of them would evict the sale's idempotency record.
    let records = std::sync::Arc::new(kash_mcp_core::MemoryStore::with_capacity(2));
    let days = std::sync::Arc::new(kash_mcp_core::MemoryStore::default());
    let h = harness_with(Lang::En, records, Some(days)).await;
    let sale = json!({
        "items": [{"type": "catalog", "productId": 25, "quantity": 1}],
        "payment": 1,
        "idempotencyKey": "till-4-0042"
    });
    let first = h.call("sale_create", sale.clone()).await;
    assert_ne!(first.is_error, Some(true), "{}", text_of(&first));
    let (_, year) = h.summary(json!({"period": "last_year"})).await;
    assert_eq!(year["source"]["fetchedDays"], 365);
    let (_, again) = h.summary(json!({"period": "last_year"})).await;
    assert_eq!(again["source"]["cachedDays"], 365, "the days are cached");
    let replay = h.call("sale_create", sale).await;
    let out = replay
        .structured_content
        .clone()
        .unwrap_or_else(|| panic!("{}", text_of(&replay)));
    assert_eq!(out["replay"], true, "{}", text_of(&replay));
    assert_eq!(
        out["orderId"],
        first.structured_content.unwrap()["orderId"],
        "the same sale, not a second one"
    );
}

#[tokio::test]
async fn a_sale_dated_in_the_past_refreshes_that_day() {
    let h = harness().await;
    let (_, before) = h.summary(json!({"period": "yesterday"})).await;
    let r = h
        .call(
            "sale_create",
            json!({
                "items": [{"type": "catalog", "productId": 25, "quantity": 2}],
                "payment": 1,
                "deliveryMethod": "takeaway",
                "valueDate": "2026-11-23T12:00:00"
            }),
        )
        .await;
    assert_ne!(r.is_error, Some(true), "{}", text_of(&r));
    let (_, after) = h.summary(json!({"period": "yesterday"})).await;
    assert_eq!(
        after["source"]["fetchedDays"], 1,
        "the day was fetched again"
    );
    assert_eq!(
        after["total"]["orders"],
        before["total"]["orders"].as_u64().unwrap() + 1
    );
    assert_eq!(
        cents(&after["total"]["revenue"]),
        cents(&before["total"]["revenue"]) + 240
    );
    check_figures(
        "yesterday with the new sale",
        &after["total"],
        &h.truth(&days("2026-11-23", "2026-11-23"), Group::None).0,
    );
}

#[tokio::test]
async fn lines_missing_from_the_list_are_fetched_only_when_needed() {
    let h = harness().await;
    h.sandbox.set_list_items(false);
    let week = days("2026-11-16", "2026-11-22");
    // Without product figures, no order is fetched and items are said to be unknown.
    let (text, out) = h.summary(json!({"period": "last_week"})).await;
    let (total, _) = h.truth(&week, Group::None);
    assert_eq!(out["source"]["detailCalls"], 0);
    assert_eq!(out["total"]["revenue"], json!(total.revenue as f64 / 100.0));
    assert!(out["total"]["items"].is_null());
    assert_eq!(out["total"]["ordersWithoutLines"], total.orders);
    assert!(text.contains("items unknown"), "{text}");
    // By product: every order's lines fetched once, then cached with the day.
    let (_, out) = h
        .summary(json!({"period": "last_week", "groupBy": "product", "top": 50}))
        .await;
    assert_eq!(out["source"]["detailCalls"], total.orders);
    let (total, groups) = h.truth(&week, Group::Product);
    check_figures("by product, lines fetched", &out["total"], &total);
    check_groups("by product, lines fetched", &out["groups"], &groups, &total);
    let (_, again) = h
        .summary(json!({"period": "last_week", "product": "croissant"}))
        .await;
    assert_eq!(
        again["source"]["upstreamCalls"], 0,
        "the lines were cached with the days"
    );
    check_figures(
        "croissants",
        &again["total"],
        &h.truth(
            &Query {
                product: Some(25),
                ..week
            },
            Group::None,
        )
        .0,
    );
}

#[tokio::test]
async fn answers_stay_small_and_say_what_they_cover() {
    let h = harness().await;
    let (text, out) = h
        .summary(json!({"period": "last_12_months", "groupBy": "customer", "top": 50, "comparison": "previous_period"}))
        .await;
    let size = text.len() + out.to_string().len();
    assert!(size < 24_000, "the largest ranking is {size} characters");
    assert_eq!(out["groups"]["shown"], 50);
    assert!(out["groups"]["count"].as_u64().unwrap() > 250);
    assert!(
        kash_e2e::group_row(&out["groups"], "others").unwrap()["label"]
            .as_str()
            .unwrap()
            .starts_with("Others (")
    );
    let (text, out) = h
        .summary(json!({"from": "2026-10-02", "to": "2026-11-23", "groupBy": "day", "comparison": "same_period_last_year"}))
        .await;
    let size = text.len() + out.to_string().len();
    assert!(size < 24_000, "53 days by day is {size} characters");
    assert_eq!(kash_e2e::group_rows(&out["groups"]).len(), 53);
    let msg = h
        .refused(json!({"from": "2026-10-01", "to": "2026-11-23", "groupBy": "day"}))
        .await;
    assert!(
        msg.contains("gives 54 rows; an answer shows at most 53"),
        "{msg}"
    );
    let (_, out) = h
        .summary(json!({"period": "last_12_months", "groupBy": "week"}))
        .await;
    assert_eq!(
        kash_e2e::group_rows(&out["groups"]).len(),
        53,
        "a year of weeks fits"
    );
    // Best customers on Tuesdays: Atelier Martin first.
    let (text, out) = h
        .summary(json!({"period": "last_12_months", "groupBy": "customer", "weekday": "tuesday", "top": 5}))
        .await;
    assert!(
        kash_e2e::group_rows(&out["groups"])[0]["label"]
            .as_str()
            .unwrap()
            .contains("Dupont-Martin"),
        "{text}"
    );
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("| 1 | Claire Dupont-Martin (Atelier Martin) |")),
        "{text}"
    );
    assert_eq!(
        kash_e2e::group_row(&out["groups"], "unassigned").unwrap()["label"],
        "No customer"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("|  | No customer |")),
        "{text}"
    );
}

#[tokio::test]
async fn bad_arguments_get_clear_errors() {
    let h = harness().await;
    let cases = [
        (
            json!({"weekday": "funday"}),
            "`weekday[0]` must be one of: monday",
        ),
        (
            json!({"groupBy": "colour"}),
            "`groupBy` must be one of: none, day",
        ),
        (json!({"top": 5}), "give `groupBy` too"),
        (
            json!({"groupBy": "customer", "top": 500}),
            "`top` must be at most 50",
        ),
        (
            json!({"hourFrom": 14, "hourTo": 12}),
            "must be before `hourTo`",
        ),
        (
            json!({"from": "2020-01-01", "to": "2026-11-24"}),
            "at most 1100",
        ),
        (
            json!({"period": "last_year", "groupBy": "day"}),
            "gives 365 rows",
        ),
        (
            json!({"period": "forever"}),
            "`period` must be one of: today",
        ),
        (json!({"product": "pain"}), "is ambiguous or inexact"),
        (json!({"customer": "Dupont"}), "Marie Dupont (#1)"),
        (
            json!({"product": "pizza"}),
            "No product matches `product` = \"pizza\"",
        ),
        (json!({"paymentMode": "bitcoin"}), "payment mode"),
        (
            json!({"comparison": "last_decade"}),
            "`comparison` must be one of",
        ),
        (json!({"colour": "red"}), "Unknown argument `colour`"),
    ];
    for (args, expected) in cases {
        let msg = h.refused(args.clone()).await;
        assert!(msg.contains(expected), "{args}: {msg}");
    }
}

#[tokio::test]
async fn french_answers_carry_the_same_figures() {
    let h = harness_in(Lang::Fr).await;
    let (text, out) = h
        .summary(
            json!({"period": "last_week", "groupBy": "weekday", "comparison": "previous_period"}),
        )
        .await;
    let (total, groups) = h.truth(&days("2026-11-16", "2026-11-22"), Group::Weekday);
    check_figures("semaine", &out["total"], &total);
    check_groups("semaine par jour", &out["groups"], &groups, &total);
    assert!(
        text.starts_with("Ventes — lun. 16 – dim. 22 nov. 2026, Europe/Paris, "),
        "{text}"
    );
    assert!(
        text.contains("Comparé à lun. 9 – dim. 15 nov. 2026"),
        "{text}"
    );
    assert!(text.contains("| mardi |"), "{text}");
    assert!(text.contains("Règles : Commandes validées"), "{text}");
}

#[tokio::test]
async fn customers_of_the_same_name_are_told_apart() {
    let h = harness().await;
    let id = h.sandbox.credentials().shop_id.clone();
    let twins: Vec<u32> = h
        .sandbox
        .with_shop(&id, |d| {
            d.customers
                .iter()
                .filter(|c| c.first_name == "Raphaël" && c.last_name == "Vidal")
                .map(|c| c.id)
                .collect()
        })
        .unwrap();
    assert!(twins.len() >= 2, "the demo shop has two Raphaël Vidal");
    let msg = h.refused(json!({"customer": "Raphaël Vidal"})).await;
    let mut labels = Vec::new();
    for id in &twins {
        let start = msg
            .find(&format!("Raphaël Vidal (#{id}, "))
            .unwrap_or_else(|| panic!("#{id} with a hint in: {msg}"));
        let label = &msg[start..];
        labels.push(label[..label.find(')').unwrap()].to_owned());
    }
    labels.dedup();
    assert_eq!(labels.len(), twins.len(), "{labels:?}");
    // In a ranking too: every row of the customers' table is a different label.
    let (_, out) = h
        .summary(json!({"period": "last_12_months", "groupBy": "customer", "top": 50}))
        .await;
    let objects = kash_e2e::group_rows(&out["groups"]);
    let rows: Vec<&str> = objects
        .iter()
        .map(|r| r["label"].as_str().unwrap())
        .collect();
    let mut unique = rows.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), rows.len(), "{rows:?}");
}
