//! `ListOrders::briefs`: what a listing reads of each order, and each order in full on demand.

use jiff::Timestamp;
use kash_api::orders::{ListOrders, Order, OrderBriefs};
use kash_api::{KashClient, KashError};
use serde_json::{Value, json};
use wiremock::{MockServer, ResponseTemplate};

use crate::fixture;
use crate::support::{on, spawn, strings_to_numbers};

fn request() -> ListOrders {
    let ts = |s: &str| s.parse::<Timestamp>().unwrap();
    ListOrders::validated(ts("2026-11-15T23:00:00Z"), ts("2026-11-22T22:59:59Z"))
}

/// A mock POS answering every `getOrders.php` with `body`, and a client for it.
async fn answering(body: impl Into<String>) -> (MockServer, KashClient) {
    let (server, client) = spawn().await;
    on("GET", "getOrders.php")
        .respond_with(ResponseTemplate::new(200).set_body_string(body.into()))
        .mount(&server)
        .await;
    (server, client)
}

/// The same answer read as whole orders and as briefs.
async fn both(body: String) -> (Vec<Order>, OrderBriefs) {
    let (_server, client) = answering(body).await;
    let orders = client.send(&request()).await.unwrap();
    let briefs = client.send(&request().briefs()).await.unwrap();
    (orders, briefs)
}

fn assert_agree(orders: &[Order], briefs: &OrderBriefs) {
    assert_eq!(briefs.len(), orders.len());
    for (i, (brief, order)) in briefs.briefs().zip(orders).enumerate() {
        assert_eq!(brief.id, order.id);
        assert_eq!(brief.created_at, order.created_at);
        assert_eq!(brief.value_date, order.value_date);
        assert_eq!(brief.total, order.total);
        assert_eq!(brief.customer_id, order.customer_id);
        assert_eq!(brief.customer_name, order.customer_name(), "order {i}");
        assert_eq!(brief.payment_state, order.payment_state);
        assert_eq!(brief.is_paid(), order.is_paid(), "order {i}");
        assert_eq!(&briefs.order(i).unwrap(), order);
    }
}

#[tokio::test]
async fn briefs_agree_with_whole_orders_in_every_list_shape() {
    let array: Value = serde_json::from_str(fixture!("orders.json")).unwrap();
    let items = array.as_array().unwrap().clone();
    let keyed: serde_json::Map<String, Value> = items
        .iter()
        .map(|o| (o["orderID"].as_str().unwrap().to_owned(), o.clone()))
        .collect();
    let bodies = [
        fixture!("orders.json").to_owned(),
        strings_to_numbers(&array).to_string(),
        format!("\u{feff}\n  {array}"),
        Value::Object(keyed).to_string(),
        json!({ "data": items }).to_string(),
    ];
    for body in bodies {
        let (orders, briefs) = both(body).await;
        assert_eq!(orders.len(), 3);
        assert_agree(&orders, &briefs);
    }
}

#[tokio::test]
async fn customers_and_payments_read_as_whole_orders_read_them() {
    let customers = [
        json!({"prenom": "Marie", "nom": "Dupont"}),
        json!({"firstName": "Ana", "lastname": "  "}),
        // A first-name key that is no text gives way to the next one.
        json!({"prenom": 42, "name": "Léa", "surname": "Roux", "tags": ["a"]}),
        // A blank first-ranked name is no name.
        json!({"prenom": "  ", "name": "X"}),
        json!({"nom": {"x": 1}, "lastName": "Moreau", "email": "a@b.fr"}),
        json!(1234),
        json!(12.5),
        json!("  Paul  "),
        json!(""),
        Value::Null,
    ];
    let mut body: Vec<Value> = customers
        .iter()
        .enumerate()
        .map(|(i, c)| json!({"orderID": (i + 1).to_string(), "price": "10.00", "client": c}))
        .collect();
    // Unpaid but covered by its payments (a list, then an object keyed by id), partly covered,
    // and a quote.
    body.push(json!({"orderID": "90", "price": "10", "payment": "-1",
        "paiements": [{"montant": "4"}, {"montant": "6.00"}]}));
    body.push(json!({"orderID": "91", "price": "10", "payment": "-1",
        "paiements": {"7": {"montant": "10"}}}));
    body.push(json!({"orderID": "92", "price": "10", "payments": [{"amount": "9.99"}]}));
    body.push(json!({"orderID": "93", "price": "10", "payment": "-2",
        "paiements": [{"montant": "10"}]}));
    // A record with a duplicated key: the later one counts, as in the record.
    let duplicated = r#"{"orderID":"94","client":{"prenom":"A","prenom":"B"}}"#;
    let text = Value::Array(body).to_string();
    let text = format!("{},{duplicated}]", text.strip_suffix(']').unwrap());
    let (orders, briefs) = both(text).await;
    assert_agree(&orders, &briefs);
    let names: Vec<Option<&str>> = briefs
        .briefs()
        .map(|b| b.customer_name.as_deref())
        .collect();
    assert_eq!(
        names,
        [
            Some("Marie Dupont"),
            Some("Ana"),
            Some("Léa Roux"),
            None,
            Some("Moreau"),
            Some("1234"),
            Some("12.5"),
            Some("Paul"),
            None,
            None,
            None,
            None,
            None,
            None,
            Some("B"),
        ]
    );
    let paid: Vec<bool> = briefs.briefs().skip(10).map(|b| b.is_paid()).collect();
    assert_eq!(paid, [true, true, false, false, false]);
}

#[tokio::test]
async fn an_order_that_does_not_decode_fails_only_when_it_is_shown() {
    let body = json!([
        {"orderID": "1", "price": "2.00"},
        {"orderID": "2", "price": "3.00", "items": [{"titre": "Café", "quantite": "lots"}]},
    ])
    .to_string();
    let (_server, client) = answering(body).await;
    // The whole list refuses it, naming it…
    let whole = client.send(&request()).await.unwrap_err();
    assert!(matches!(&whole, KashError::Decode { path, .. } if path.starts_with("[1].items")));
    // …the briefs list it, and only showing it fails, with the same path.
    let briefs = client.send(&request().briefs()).await.unwrap();
    assert_eq!(briefs.len(), 2);
    assert_eq!(
        briefs.order(0).unwrap().total,
        Some("2.00".parse().unwrap())
    );
    match briefs.order(1).unwrap_err() {
        KashError::Decode { path, reason, .. } => {
            assert_eq!(path, "[1].items[0].quantite", "{reason}");
            assert!(
                !reason.contains("lots"),
                "the value is not repeated: {reason}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        briefs.order(2),
        Err(KashError::InvalidInput { .. })
    ));
}

#[tokio::test]
async fn a_listed_field_that_does_not_decode_is_named() {
    let body = json!([
        {"orderID": "1", "price": "2.00"},
        {"orderID": "2", "price": "three euros"},
    ])
    .to_string();
    let (_server, client) = answering(body).await;
    match client.send(&request().briefs()).await.unwrap_err() {
        KashError::Decode { path, .. } => assert_eq!(path, "[1].price"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn empty_and_malformed_arrays() {
    for body in ["[]", " [ \n ] ", "\u{feff}[]"] {
        let (orders, briefs) = both(body.to_owned()).await;
        assert!(orders.is_empty() && briefs.is_empty(), "{body:?}");
    }
    // A saved answer reads the same way.
    let saved = OrderBriefs::from_json(fixture!("orders.json")).unwrap();
    assert_eq!(saved.len(), 3);
    assert_eq!(saved.order(2).unwrap().id.0, 20460);
    for bad in ["{}", "[1, 2]", "[{\"orderID\":\"1\"}] tail", ""] {
        assert!(OrderBriefs::from_json(bad).is_err(), "{bad:?}");
    }
    let (_server, client) = answering(r#"[{"orderID":"1"} {"orderID":"2"}]"#).await;
    let err = client.send(&request().briefs()).await.unwrap_err();
    assert!(
        matches!(err, KashError::Api { .. } | KashError::Decode { .. }),
        "{err:?}"
    );
}

/// With [`kash_api::PoolBuilder::reuse_answer_buffer`], each answer is read whole and stays
/// whole: a list read while another is alive, and one read into the buffer of a dropped list,
/// decode exactly as lists read by a client without the setting.
#[tokio::test]
async fn lists_read_into_a_reused_buffer_stay_whole() {
    let array: Value = serde_json::from_str(fixture!("orders.json")).unwrap();
    let items = array.as_array().unwrap();
    // Two different answers, each well over the 64 KiB from which the buffer is reused.
    let answer = |copies: usize, first_id: u64| {
        let mut all = Vec::new();
        for c in 0..copies {
            for (i, item) in items.iter().enumerate() {
                let mut o = item.clone();
                o["orderID"] = json!((first_id + (c * items.len() + i) as u64).to_string());
                all.push(o);
            }
        }
        Value::Array(all).to_string()
    };
    let (a, b) = (answer(60, 1_000_000), answer(45, 2_000_000));
    assert!(a.len() > 64 * 1024 && b.len() > 64 * 1024 && a.len() != b.len());
    let server = MockServer::start().await;
    for (day, body) in [("2026-11-01", &a), ("2026-11-02", &b)] {
        on("GET", "getOrders.php")
            .and(wiremock::matchers::query_param_contains(
                "from_date_ISO8601",
                day,
            ))
            .respond_with(ResponseTemplate::new(200).set_body_string(body.clone()))
            .mount(&server)
            .await;
    }
    let on_day = |day: &str| {
        let ts = |s: String| s.parse::<Timestamp>().unwrap();
        ListOrders::validated(
            ts(format!("{day}T00:00:00Z")),
            ts(format!("{day}T23:00:00Z")),
        )
    };
    let plain = KashClient::builder("1042", "test-key")
        .base_url(server.uri())
        .build()
        .unwrap();
    let reusing = KashClient::builder("1042", "test-key")
        .base_url(server.uri())
        .reuse_answer_buffer(true)
        .build()
        .unwrap();
    let whole = |day: &'static str| {
        let plain = plain.clone();
        let request = on_day(day);
        async move { plain.send(&request).await.unwrap() }
    };
    let (orders_a, orders_b) = (whole("2026-11-01").await, whole("2026-11-02").await);
    let briefs = |day: &'static str| {
        let reusing = reusing.clone();
        let request = on_day(day).briefs();
        async move { reusing.send(&request).await.unwrap() }
    };
    let first = briefs("2026-11-01").await;
    let second = briefs("2026-11-02").await;
    assert_agree(&orders_a, &first);
    assert_agree(&orders_b, &second);
    drop(first);
    let third = briefs("2026-11-02").await;
    let fourth = briefs("2026-11-01").await;
    assert_agree(&orders_b, &second);
    assert_agree(&orders_b, &third);
    assert_agree(&orders_a, &fourth);
    drop((second, third, fourth));
    assert_agree(&orders_a, &briefs("2026-11-01").await);
}
