//! kash-api against a running sandbox: every endpoint decodes, and the answers make sense.

use jiff::civil::date;
use jiff::tz::TimeZone;
use kash_api::ids::*;
use kash_api::lists::TextFormat;
use kash_api::orders::{DeliveryMethod, ListOrders, OrderKind, PaymentState};
use kash_api::reports::ReportFormat;
use kash_api::{Decimal, KashClient, KashError, SecretString};

use crate::support::{client, now, start};

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[tokio::test]
async fn every_list_decodes_with_realistic_content() {
    let sandbox = start().await;
    let c = client(&sandbox);

    let products = c.list_products().await.unwrap();
    assert!((100..=130).contains(&products.len()), "{}", products.len());
    let cafe = products
        .iter()
        .find(|p| p.title.as_deref() == Some("Café"))
        .unwrap();
    assert_eq!(cafe.price, Some(dec("1.20")));
    assert_eq!(cafe.vat_rate, Some(dec("10")));
    assert!(!cafe.variation_ids.is_empty());
    let croissant = products
        .iter()
        .find(|p| p.title.as_deref() == Some("Croissant"))
        .unwrap();
    assert_eq!(croissant.price, Some(dec("1.20")));
    assert!(croissant.stock.is_some() && croissant.stock_alert.is_some());
    assert!(
        products
            .iter()
            .any(|p| p.title.as_deref() == Some("Pain au chocolat"))
    );
    assert!(
        products
            .iter()
            .any(|p| p.title.as_deref() == Some("Rose rouge"))
    );
    let low: Vec<_> = products
        .iter()
        .filter(|p| matches!((p.stock, p.stock_alert), (Some(s), Some(a)) if s < a))
        .collect();
    assert!(
        low.len() >= 3,
        "some products are below their low-stock alert"
    );

    let departments = c.list_departments().await.unwrap();
    assert!((9..=12).contains(&departments.len()));
    let rates: std::collections::BTreeSet<String> = departments
        .iter()
        .filter_map(|d| d.vat_rate.map(|r| r.normalize().to_string()))
        .collect();
    assert_eq!(
        rates,
        ["10", "20", "5.5"].into_iter().map(String::from).collect()
    );
    assert_eq!(c.list_department_groups().await.unwrap().len(), 3);

    let customers = c.list_customers().await.unwrap();
    assert!((280..=320).contains(&customers.len()));
    let names: Vec<String> = customers.iter().map(|c| c.display_name()).collect();
    for n in [
        "Marie Dupont",
        "Sylvie Dupond",
        "Jean Dupond",
        "Claire Dupont-Martin",
    ] {
        assert!(names.iter().any(|x| x == n), "{n} missing");
    }
    assert!(
        customers
            .iter()
            .all(|c| c.phone.is_some() || c.email.is_some() || c.address.is_some())
    );
    assert!(
        customers
            .iter()
            .any(|c| c.loyalty_points.is_some_and(|p| p > Decimal::ZERO))
    );

    let variations = c.list_variations().await.unwrap();
    let titles: Vec<_> = variations.iter().filter_map(|v| v.title.clone()).collect();
    assert!(titles.contains(&"Taille".to_owned()) && titles.contains(&"Lait".to_owned()));
    assert!(variations.iter().all(|v| !v.choices.is_empty()));

    assert!(c.list_delivery_men().await.unwrap().len() >= 2);
    let modes = c.list_payment_modes().await.unwrap();
    let kinds: Vec<String> = modes
        .iter()
        .filter_map(|m| m.kind.as_ref().map(|k| k.to_string()))
        .collect();
    for k in [
        "Cash",
        "Credit_Card",
        "Check",
        "Meal_Voucher",
        "Cash_Refund",
        "Credit_Card_Refund",
    ] {
        assert!(kinds.iter().any(|x| x == k), "{k} missing in {kinds:?}");
    }
    assert_eq!(c.list_cashboxes().await.unwrap().len(), 3);
    let tables = c.list_tables().await.unwrap();
    assert!((20..=30).contains(&tables.len()));
    let t84 = tables
        .iter()
        .find(|t| t.title.as_deref() == Some("84"))
        .unwrap();
    assert_eq!(t84.room.as_deref(), Some("Terrasse"));
    assert_ne!(t84.id, TableId(84), "the table's id is not its number");
    assert_eq!(c.list_users().await.unwrap().len(), 5);
    assert!(!c.list_delivery_zones().await.unwrap().is_empty());
    assert!(!c.list_relay_points().await.unwrap().is_empty());
    assert!(!c.list_discounts().await.unwrap().is_empty());

    let pending = c.list_pending_orders().await.unwrap();
    assert!(pending.len() >= 8);
    assert!(
        pending
            .iter()
            .all(|o| o.delivery_at.is_some() && o.status.is_some())
    );
}

#[tokio::test]
async fn every_list_has_csv_and_html() {
    let sandbox = start().await;
    let c = client(&sandbox);
    type TextFn = for<'a> fn(
        &'a KashClient,
        TextFormat,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = kash_api::Result<String>> + 'a>,
    >;
    let all: Vec<(&str, TextFn)> = vec![
        ("products", |c, f| Box::pin(c.list_products_text(f))),
        ("departments", |c, f| Box::pin(c.list_departments_text(f))),
        ("groups", |c, f| Box::pin(c.list_department_groups_text(f))),
        ("customers", |c, f| Box::pin(c.list_customers_text(f))),
        ("variations", |c, f| Box::pin(c.list_variations_text(f))),
        ("delivery men", |c, f| Box::pin(c.list_delivery_men_text(f))),
        ("payment modes", |c, f| {
            Box::pin(c.list_payment_modes_text(f))
        }),
        ("cashboxes", |c, f| Box::pin(c.list_cashboxes_text(f))),
        ("zones", |c, f| Box::pin(c.list_delivery_zones_text(f))),
        ("relays", |c, f| Box::pin(c.list_relay_points_text(f))),
        ("discounts", |c, f| Box::pin(c.list_discounts_text(f))),
        ("users", |c, f| Box::pin(c.list_users_text(f))),
        ("tables", |c, f| Box::pin(c.list_tables_text(f))),
        ("pending", |c, f| Box::pin(c.list_pending_orders_text(f))),
    ];
    for (what, f) in all {
        let csv = f(&c, TextFormat::Csv).await.unwrap();
        let mut rows = csv.lines();
        assert!(
            rows.next().unwrap().starts_with("id;") || what == "pending",
            "{what}: {csv:.80}"
        );
        assert!(rows.count() >= 1, "{what}");
        let html = f(&c, TextFormat::Html).await.unwrap();
        assert!(
            html.starts_with("<table") && html.contains("<td>"),
            "{what}"
        );
    }
}

#[tokio::test]
async fn orders_by_range_kind_and_delivery_method() {
    let sandbox = start().await;
    let c = client(&sandbox);
    let from = "2026-11-15T23:00:00Z".parse().unwrap();
    let to = "2026-11-22T22:59:59Z".parse().unwrap();
    let week = c.send(&ListOrders::validated(from, to)).await.unwrap();
    assert!((700..=1800).contains(&week.len()), "{}", week.len());
    assert!(
        week.iter()
            .all(|o| o.lines.as_ref().is_some_and(|l| !l.is_empty()))
    );
    assert!(
        week.iter()
            .all(|o| o.payment_state != Some(PaymentState::Quote))
    );
    let paris = TimeZone::get("Europe/Paris").unwrap();
    for o in &week {
        let t = o.value_date.unwrap().timestamp(&paris);
        assert!(t >= from && t <= to, "order {} outside the range", o.id);
        // Lines add up to the total, and VAT per rate to the VAT total.
        let lines: Decimal = o
            .lines
            .as_ref()
            .unwrap()
            .iter()
            .map(|l| l.total.unwrap())
            .sum();
        assert_eq!(lines, o.total.unwrap(), "order {}", o.id);
        let vat: Decimal = o.vat_breakdown.iter().map(|v| v.amount).sum();
        assert_eq!(vat, o.vat_total.unwrap(), "order {}", o.id);
    }
    let deliveries = c
        .send(&ListOrders::validated(from, to).delivery_method(DeliveryMethod::Delivery))
        .await
        .unwrap();
    assert!(!deliveries.is_empty());
    assert!(deliveries.len() < week.len());
    assert!(
        deliveries
            .iter()
            .all(|o| o.delivery_method == Some(DeliveryMethod::Delivery))
    );

    let quotes = c
        .list_orders(
            OrderKind::Quotes,
            "2026-09-01T00:00:00Z".parse().unwrap(),
            now(),
        )
        .await
        .unwrap();
    assert!(!quotes.is_empty());
    assert!(
        quotes
            .iter()
            .all(|o| o.payment_state == Some(PaymentState::Quote))
    );

    let detail = c.get_order(week[0].id).await.unwrap();
    assert_eq!(detail.id, week[0].id);
    assert_eq!(detail.total, week[0].total);
    assert_eq!(detail.lines, week[0].lines);
    let with_customer = week.iter().find(|o| o.customer_id.is_some()).unwrap();
    let detail = c.get_order(with_customer.id).await.unwrap();
    assert!(matches!(
        detail.customer,
        Some(kash_api::orders::OrderCustomer::Record(_))
    ));
    assert_eq!(detail.customer_name(), with_customer.customer_name());

    let err = c.get_order(OrderId(1)).await.unwrap_err();
    assert!(
        matches!(err, KashError::Api { explicit: true, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn reports_in_every_format() {
    let sandbox = start().await;
    let c = client(&sandbox);
    let day = date(2026, 11, 20);
    let csv = c.sales_report(day, ReportFormat::Csv).await.unwrap();
    assert!(csv.content_type.starts_with("text/csv"));
    let text = csv.text().unwrap();
    assert!(
        text.starts_with("Rapport;Ventes du 20/11/2026"),
        "{text:.100}"
    );
    assert!(text.lines().any(|l| l.starts_with("Total;Commandes;")));
    let html = c.sales_report(day, ReportFormat::Std).await.unwrap();
    assert!(html.content_type.starts_with("text/html"));
    assert!(html.text().unwrap().contains("ventes du 20/11/2026"));
    // The others are checked in detail in `reports.rs`.
    for f in ReportFormat::ALL {
        let report = c.sales_report(day, f).await.unwrap();
        assert!(
            report.content_type.starts_with(f.default_mime()),
            "{f}: {}",
            report.content_type
        );
        assert!(!report.bytes.is_empty(), "{f}");
    }
}

#[tokio::test]
async fn login_gives_the_shop_credentials() {
    let sandbox = start().await;
    let creds = sandbox.credentials();
    let got = KashClient::login(
        sandbox.base_url(),
        &creds.login,
        &SecretString::from(creds.password.clone()),
    )
    .await
    .unwrap();
    assert_eq!(got.shop_id.as_str(), creds.shop_id);
    let via_login = KashClient::from_credentials(got)
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    assert_eq!(via_login.list_cashboxes().await.unwrap().len(), 3);
    let err = KashClient::login(
        sandbox.base_url(),
        &creds.login,
        &SecretString::from("nope"),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("wrong login or password"), "{err}");
}
