//! `getOrders.php` and `getOrder.php`.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use kash_api::ids::*;
use kash_api::orders::{DeliveryMethod, ListOrders, Order, OrderKind, PaymentState, VatAmount};
use kash_api::{Decimal, KashClient, KashError};
use wiremock::ResponseTemplate;

use crate::fixture;
use crate::support::{
    Failure, MountOnce, assert_no_key, exact_query, mount_get, nothing_may_be_sent, on, spawn,
    strings_to_numbers,
};

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// The orders of `kind` from `from` to `to` (instants as text).
async fn orders_between(
    client: &KashClient,
    kind: OrderKind,
    from: &str,
    to: &str,
) -> kash_api::Result<Vec<Order>> {
    client.list_orders(kind, ts(from), ts(to)).await
}

async fn mount_orders(server: &wiremock::MockServer, query: &[(&str, &str)], body: &str) {
    mount_get(server, "getOrders.php", query, body).await;
}

#[tokio::test]
async fn validated_orders_with_delivery_filter() {
    let (server, client) = spawn().await;
    mount_orders(
        &server,
        &[
            ("validatedOrders", "true"),
            ("from_date_ISO8601", "2026-11-15T23:00:00Z"),
            ("to_date_ISO8601", "2026-11-22T22:59:59Z"),
            ("filterDeliveryMethod", "1"),
        ],
        fixture!("orders.json"),
    )
    .await;
    let req = ListOrders::validated(ts("2026-11-15T23:00:00Z"), ts("2026-11-22T22:59:59Z"))
        .delivery_method(DeliveryMethod::Delivery);
    let orders = client.send(&req).await.unwrap();
    assert_eq!(orders.len(), 3);

    let o = &orders[0];
    assert_eq!(o.id, OrderId(20451));
    assert_eq!(o.internal_id.as_deref(), Some("F2026-020451"));
    assert_eq!(o.total, Some(dec("3.60")));
    assert_eq!(o.vat_total, Some(dec("0.25")));
    assert_eq!(
        o.vat_breakdown,
        vec![
            VatAmount {
                rate: dec("10"),
                base: Some(dec("2.18")),
                amount: dec("0.22")
            },
            VatAmount {
                rate: dec("5.5"),
                base: Some(dec("1.14")),
                amount: dec("0.06")
            },
        ]
    );
    assert_eq!(o.customer_id, Some(CustomerId(101)));
    assert_eq!(o.customer_name().as_deref(), Some("Marie Dupont"));
    assert_eq!(o.payment_state, Some(PaymentState::Paid(PaymentModeId(2))));
    assert!(o.is_paid());
    assert_eq!(o.payments[0].amount, Some(dec("3.6")));
    assert_eq!(o.delivery_method, Some(DeliveryMethod::EatIn));
    assert_eq!(o.table_id, Some(TableId(17)));
    assert_eq!(o.table_name.as_deref(), Some("84"));
    assert_eq!(o.covers, Some(2));
    assert_eq!(o.is_refund, Some(false));
    let lines = o.lines.as_ref().unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].product_id, Some(ProductId(1)));
    assert_eq!(lines[0].quantity, Some(dec("2")));
    assert_eq!(lines[0].amount(), Some(dec("2.40")));
    // Both date forms resolve to the same instant in the shop's zone.
    let paris = TimeZone::get("Europe/Paris").unwrap();
    assert_eq!(
        o.created_at.unwrap().timestamp(&paris),
        o.value_date.unwrap().timestamp(&paris)
    );

    let refund = &orders[1];
    assert_eq!(refund.is_refund, Some(true));
    assert_eq!(refund.total, Some(dec("-3.50")));
    assert_eq!(refund.customer_id, None, "clientID 0 is no customer");
    assert_eq!(
        refund.vat_breakdown,
        vec![VatAmount {
            rate: dec("20"),
            base: None,
            amount: dec("-0.58")
        }]
    );
    assert_eq!(refund.lines.as_ref().unwrap()[0].quantity, Some(dec("-1")));

    let unpaid = &orders[2];
    assert_eq!(unpaid.payment_state, Some(PaymentState::Unpaid));
    assert!(!unpaid.is_paid());
    assert_eq!(unpaid.lines, None, "this list entry has no lines");
    assert_eq!(unpaid.delivery_man_id, Some(DeliveryManId(1)));
    assert_eq!(
        unpaid.delivery_address.as_deref(),
        Some("5 avenue Parmentier 75011 Paris")
    );
}

#[tokio::test]
async fn quotes_are_asked_with_validated_false() {
    let (server, client) = spawn().await;
    mount_orders(
        &server,
        &[
            ("validatedOrders", "false"),
            ("from_date_ISO8601", "2026-01-01T00:00:00Z"),
            ("to_date_ISO8601", "2026-01-31T23:59:59Z"),
        ],
        "[]",
    )
    .await;
    let orders = orders_between(
        &client,
        OrderKind::Quotes,
        "2026-01-01T00:00:00Z",
        "2026-01-31T23:59:59Z",
    )
    .await
    .unwrap();
    assert!(orders.is_empty());
}

#[tokio::test]
async fn numbers_as_numbers_decode_the_same() {
    let (server, client) = spawn().await;
    let numeric =
        strings_to_numbers(&serde_json::from_str(fixture!("orders.json")).unwrap()).to_string();
    let q = [
        ("validatedOrders", "true"),
        ("from_date_ISO8601", "2026-11-01T00:00:00Z"),
        ("to_date_ISO8601", "2026-11-30T00:00:00Z"),
    ];
    on("GET", "getOrders.php")
        .and(exact_query(&q))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture!("orders.json")))
        .up_to_n_times(1)
        .once(&server, "getOrders.php strings")
        .await;
    on("GET", "getOrders.php")
        .and(exact_query(&q))
        .respond_with(ResponseTemplate::new(200).set_body_string(numeric))
        .once(&server, "getOrders.php numbers")
        .await;
    let req = ListOrders::validated(ts("2026-11-01T00:00:00Z"), ts("2026-11-30T00:00:00Z"));
    let a = client.send(&req).await.unwrap();
    let b = client.send(&req).await.unwrap();
    let norm = |v| strings_to_numbers(&serde_json::to_value(v).unwrap());
    assert_eq!(norm(&a), norm(&b));
}

#[tokio::test]
async fn a_range_that_ends_before_it_starts_is_refused_before_sending() {
    let (server, client) = spawn().await;
    nothing_may_be_sent(&server).await;
    let err = orders_between(
        &client,
        OrderKind::Validated,
        "2026-02-01T00:00:00Z",
        "2026-01-01T00:00:00Z",
    )
    .await
    .unwrap_err();
    assert!(matches!(err, KashError::InvalidInput { .. }), "{err:?}");
    assert!(err.to_string().contains("swap"), "{err}");
}

#[tokio::test]
async fn one_order_in_full() {
    let (server, client) = spawn().await;
    let body = fixture!("order.json");
    mount_get(&server, "getOrder.php", &[("order_id", "20451")], body).await;
    let order = client.get_order(OrderId(20451)).await.unwrap();
    assert_eq!(order.id, OrderId(20451));
    assert_eq!(order.customer_name().as_deref(), Some("Marie Dupont"));
    assert_eq!(order.public_comment.as_deref(), Some("Merci !"));
    assert_eq!(order.pager, None);
    assert_eq!(order.vat_breakdown.len(), 2);
    assert_eq!(order.vat_breakdown[0].base, Some(dec("2.18")));
    let lines = order.lines.unwrap();
    assert_eq!(lines[0].variations[0].title.as_deref(), Some("Grand"));
    assert_eq!(lines[0].variations[0].id, Some(VariationChoiceId(12)));
}

#[tokio::test]
async fn one_order_wrapped_in_an_array_or_object() {
    let (server, client) = spawn().await;
    let wrapped_array = format!("[{}]", fixture!("order.json"));
    let wrapped_object = format!(r#"{{"result":"OK","order":{}}}"#, fixture!("order.json"));
    for (id, body) in [("1", wrapped_array), ("2", wrapped_object)] {
        on("GET", "getOrder.php")
            .and(exact_query(&[("order_id", id)]))
            .respond_with(ResponseTemplate::new(200).set_body_string(body))
            .once(&server, format!("getOrder.php {id}"))
            .await;
    }
    for id in [1, 2] {
        let order = client.get_order(OrderId(id)).await.unwrap();
        assert_eq!(order.id, OrderId(20451));
    }
}

#[tokio::test]
async fn an_unknown_order_is_an_api_error() {
    let (server, client) = spawn().await;
    on("GET", "getOrder.php")
        .and(exact_query(&[("order_id", "999")]))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"{"result":"ERROR","message":"Commande introuvable"}"#),
        )
        .once(&server, "getOrder.php unknown")
        .await;
    let err = client.get_order(OrderId(999)).await.unwrap_err();
    assert!(err.to_string().contains("Commande introuvable"), "{err}");
    assert_no_key(&err);
}

#[tokio::test]
async fn order_errors_500_and_timeout() {
    let (server, client) = spawn().await;
    on("GET", "getOrder.php")
        .and(exact_query(&[("order_id", "1")]))
        .respond_with(Failure::ServerError(503).response())
        .once(&server, "getOrder.php 503")
        .await;
    on("GET", "getOrders.php")
        .respond_with(Failure::Slow("[]").response())
        .once(&server, "getOrders.php slow")
        .await;
    let err = client.get_order(OrderId(1)).await.unwrap_err();
    Failure::ServerError(503).check(&err);
    let err = client
        .list_orders(
            OrderKind::Validated,
            Timestamp::UNIX_EPOCH,
            Timestamp::now(),
        )
        .await
        .unwrap_err();
    Failure::Slow("[]").check(&err);
}

#[tokio::test]
async fn an_order_with_a_bad_field_names_it() {
    let (server, client) = spawn().await;
    on("GET", "getOrder.php")
        .respond_with(
            ResponseTemplate::new(200).set_body_string(
                r#"{"orderID":"5","items":[{"titre":"x","quantite":"beaucoup"}]}"#,
            ),
        )
        .once(&server, "getOrder.php bad")
        .await;
    let err = client.get_order(OrderId(5)).await.unwrap_err();
    match err {
        KashError::Decode { path, .. } => {
            assert!(path.contains("quantite"), "{path}");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}
