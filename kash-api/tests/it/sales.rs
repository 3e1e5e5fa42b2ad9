//! `webapp.php`: recording a sale, encoded exactly, refused before sending when it would be
//! wrong, never retried, with doubtful outcomes reported as such.

use kash_api::ids::*;
use kash_api::money::decimal_from_f64;
use kash_api::orders::DeliveryMethod;
use kash_api::sales::{CatalogLine, NewCustomer, NewSale, PaymentState, SaleLine, SaleReceipt};
use kash_api::{Decimal, KashClient, KashError, RetryPolicy, TransportKind};
use wiremock::{MockServer, ResponseTemplate};

use crate::fixture;
use crate::support::{
    Auth, Failure, KEY, MountOnce, SHOP, assert_no_key, form_body, mount_post, nothing_may_be_sent,
    on, spawn, spawn_with,
};

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

async fn mount_sale(server: &MockServer, pairs: &[(&str, &str)], body: &str) {
    mount_post(
        server,
        "webapp.php",
        form_body(Auth::IdBoutique, pairs),
        body,
    )
    .await;
}

#[tokio::test]
async fn every_field_is_encoded_in_order() {
    let (server, client) = spawn().await;
    mount_sale(
        &server,
        &[
            ("payment", "2"),
            ("deliveryMethod", "2"),
            ("idUser", "3"),
            ("idClient", "101"),
            ("idtable", "17"),
            ("idcaisse", "2"),
            ("numcouverts", "4"),
            ("publicComment", "Joyeux anniversaire !"),
            ("privateComment", "Allergie noix\ntable calme"),
            ("pagerNum", "12"),
            ("dateValeur", "1795174496"),
            ("itemsList[]", "1_2"),
            ("itemsList[]", "12_2_Pizza 4 fromages_14.5_3_8"),
            ("itemsList[]", "7_1___12"),
            ("itemsList[]", "2_0.5"),
            ("itemsList[]", "-5_9.99_Vente libre"),
            ("itemsList[]", "Free_2.2_Supplément chantilly"),
        ],
        fixture!("sale_receipt.json"),
    )
    .await;
    let sale = NewSale::new(PaymentState::Paid(PaymentModeId(2)))
        .delivery_method(DeliveryMethod::EatIn)
        .user(UserId(3))
        .customer(CustomerId(101))
        .table(TableId(17))
        .cashbox(CashboxId(2))
        .covers(4)
        .public_comment("Joyeux anniversaire !")
        .private_comment("Allergie noix\ntable calme")
        .pager(12)
        .value_date("2026-11-20T11:34:56Z".parse().unwrap())
        .line(SaleLine::catalog(ProductId(1), 2))
        .line(
            CatalogLine::new(ProductId(12), 2)
                .title("Pizza 4 fromages")
                .price(dec("14.50"))
                .variation(VariationChoiceId(3))
                .variation(VariationChoiceId(8)),
        )
        .line(CatalogLine::new(ProductId(7), 1).variation(VariationChoiceId(12)))
        .line(CatalogLine::new(ProductId(2), dec("0.500")))
        .line(SaleLine::department(
            DepartmentId(5),
            dec("9.99"),
            "Vente libre",
        ))
        .line(SaleLine::free(
            decimal_from_f64(2.2, "price").unwrap(),
            "Supplément chantilly",
        ));
    let receipt = client.create_sale(&sale).await.unwrap();
    assert_eq!(receipt.order_id, Some(OrderId(20493)));
    assert_eq!(receipt.internal_id.as_deref(), Some("F2026-020493"));
    assert_eq!(receipt.total, Some(dec("3.60")));
    assert_eq!(receipt.vat_total, Some(dec("0.28")));
    assert_eq!(receipt.customer_id, None);
    assert!(receipt.extra.contains_key("pdf"), "unknown fields kept");
    assert!(!receipt.extra.contains_key("result"));
}

#[tokio::test]
async fn quote_and_unpaid_codes() {
    let (server, client) = spawn().await;
    mount_sale(
        &server,
        &[("payment", "-2"), ("itemsList[]", "1_1")],
        r#"{"orderID":"1"}"#,
    )
    .await;
    mount_sale(
        &server,
        &[
            ("payment", "-1"),
            ("deliveryMethod", "0"),
            ("itemsList[]", "1_3"),
        ],
        r#"{"orderID":"2"}"#,
    )
    .await;
    let quote = NewSale::new(PaymentState::Quote).line(SaleLine::catalog(ProductId(1), 1));
    let unpaid = NewSale::new(PaymentState::Unpaid)
        .delivery_method(DeliveryMethod::Takeaway)
        .line(SaleLine::catalog(ProductId(1), 3));
    assert_eq!(
        client.create_sale(&quote).await.unwrap().order_id,
        Some(OrderId(1))
    );
    assert_eq!(
        client.create_sale(&unpaid).await.unwrap().order_id,
        Some(OrderId(2))
    );
}

#[tokio::test]
async fn a_new_customer_is_sent_under_the_french_keys() {
    let mut customer = NewCustomer::new()
        .first_name("Jeanne")
        .last_name("Dupond")
        .email("jeanne@example.fr")
        .phone("0611223344")
        .address("5 avenue Parmentier")
        .zip("75011")
        .city("Paris")
        .country("fr");
    customer.phone2 = Some("0145678900".into());
    customer.address2 = Some("Bâtiment B".into());
    customer.address_comment = Some("Digicode 1234".into());
    customer.vat_number = Some("FR00123456789".into());
    customer.company_registration = Some("RCS Paris 1".into());
    customer.barcode = Some("CLI9".into());
    customer.lat = Some(48.86);
    customer.lng = Some(2.37);
    let sale = NewSale::new(PaymentState::Unpaid)
        .delivery_method(DeliveryMethod::Delivery)
        .new_customer(customer)
        .line(SaleLine::catalog(ProductId(118), 10));
    let pairs = [
        ("payment", "-1"),
        ("deliveryMethod", "1"),
        ("client[nom]", "Dupond"),
        ("client[prenom]", "Jeanne"),
        ("client[email]", "jeanne@example.fr"),
        ("client[telephone]", "0611223344"),
        ("client[telephone2]", "0145678900"),
        ("client[adresseligne1]", "5 avenue Parmentier"),
        ("client[adresseligne2]", "Bâtiment B"),
        ("client[commentaireadresse]", "Digicode 1234"),
        ("client[codepostal]", "75011"),
        ("client[ville]", "Paris"),
        ("client[pays]", "FR"),
        ("client[numtva]", "FR00123456789"),
        ("client[rcs]", "RCS Paris 1"),
        ("client[codeBarre]", "CLI9"),
        ("client[lat]", "48.86"),
        ("client[lng]", "2.37"),
        ("itemsList[]", "118_10"),
    ];
    let answer = r#"{"result":"OK","orderID":"77","clientID":"350"}"#;
    let receipt = record(&sale, &pairs, answer).await;
    assert_eq!(receipt.customer_id, Some(CustomerId(350)));
}

#[tokio::test]
async fn free_lines_carry_their_own_price_and_title() {
    // The old server read priceOverride/titleOverride for free lines; ours cannot.
    let sale = NewSale::new(PaymentState::Unpaid)
        .line(SaleLine::free(Decimal::from(12), "Bouquet du jour"));
    record(
        &sale,
        &[
            ("payment", "-1"),
            ("itemsList[]", "Free_12_Bouquet du jour"),
        ],
        r#"{"orderID":"3"}"#,
    )
    .await;
}

#[tokio::test]
async fn sums_are_sent_without_float_noise() {
    let price = dec("0.1") + dec("0.2");
    let sale =
        NewSale::new(PaymentState::Unpaid).line(CatalogLine::new(ProductId(1), 1).price(price));
    record(
        &sale,
        &[("payment", "-1"), ("itemsList[]", "1_1__0.3")],
        r#"{"orderID":"4"}"#,
    )
    .await;
}

/// Records `sale` on a POS that expects exactly the form `pairs` and answers `answer`.
async fn record(sale: &NewSale, pairs: &[(&str, &str)], answer: &str) -> SaleReceipt {
    let (server, client) = spawn().await;
    mount_sale(&server, pairs, answer).await;
    client.create_sale(sale).await.unwrap()
}

async fn refused(sale: NewSale, needle: &str) {
    let (server, client) = spawn().await;
    nothing_may_be_sent(&server).await;
    let err = client.create_sale(&sale).await.unwrap_err();
    match &err {
        KashError::InvalidInput { message } => {
            assert!(message.contains(needle), "`{needle}` not in: {message}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    assert!(!err.may_have_been_applied());
}

#[tokio::test]
async fn a_title_with_an_underscore_is_refused() {
    let sale = NewSale::new(PaymentState::Unpaid)
        .line(CatalogLine::new(ProductId(1), 1).title("Menu_midi"));
    refused(sale, "replace it with a space").await;
    let sale = NewSale::new(PaymentState::Unpaid).line(SaleLine::free(Decimal::ONE, "a_b"));
    refused(sale, "'_'").await;
    let sale = NewSale::new(PaymentState::Unpaid).line(SaleLine::department(
        DepartmentId(1),
        Decimal::ONE,
        "x_y",
    ));
    refused(sale, "line 1").await;
}

#[tokio::test]
async fn more_than_five_variations_are_refused() {
    let mut line = CatalogLine::new(ProductId(1), 1);
    for i in 1..=6 {
        line = line.variation(VariationChoiceId(i));
    }
    refused(NewSale::new(PaymentState::Unpaid).line(line), "at most 5").await;
}

#[tokio::test]
async fn non_positive_quantities_are_refused() {
    refused(
        NewSale::new(PaymentState::Unpaid).line(SaleLine::catalog(ProductId(1), 0)),
        "more than 0",
    )
    .await;
    refused(
        NewSale::new(PaymentState::Unpaid).line(SaleLine::catalog(ProductId(1), -2)),
        "more than 0",
    )
    .await;
}

#[tokio::test]
async fn negative_and_noisy_prices_are_refused() {
    refused(
        NewSale::new(PaymentState::Unpaid)
            .line(CatalogLine::new(ProductId(1), 1).price(dec("-1.00"))),
        "cannot be negative",
    )
    .await;
    refused(
        NewSale::new(PaymentState::Unpaid).line(SaleLine::free(dec("14.499999999"), "x")),
        "decimals",
    )
    .await;
}

#[tokio::test]
async fn non_finite_prices_are_refused() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let err = decimal_from_f64(bad, "the price").unwrap_err();
        assert!(matches!(err, KashError::InvalidInput { .. }));
        assert!(err.to_string().contains("finite"), "{err}");
    }
}

#[tokio::test]
async fn a_sale_without_lines_is_refused() {
    refused(NewSale::new(PaymentState::Unpaid), "at least one line").await;
}

#[tokio::test]
async fn a_customer_id_and_a_new_customer_together_are_refused() {
    let sale = NewSale::new(PaymentState::Unpaid)
        .customer(CustomerId(1))
        .new_customer(NewCustomer::new().last_name("X"))
        .line(SaleLine::catalog(ProductId(1), 1));
    refused(sale, "not both").await;
}

#[tokio::test]
async fn a_bad_country_is_refused() {
    let sale = NewSale::new(PaymentState::Unpaid)
        .new_customer(NewCustomer::new().last_name("X").country("France"))
        .line(SaleLine::catalog(ProductId(1), 1));
    refused(sale, "ISO code").await;
}

/// The error of a one-line unpaid sale of `product`, answered with `response` (a mock named
/// `name`) by a client with the `retry` policy.
async fn failed_sale(
    retry: RetryPolicy,
    product: u64,
    response: ResponseTemplate,
    name: &str,
) -> KashError {
    let (server, client) = spawn_with(retry).await;
    on("POST", "webapp.php")
        .respond_with(response)
        .once(&server, name)
        .await;
    let sale = NewSale::new(PaymentState::Unpaid).line(SaleLine::catalog(ProductId(product), 1));
    client.create_sale(&sale).await.unwrap_err()
}

#[tokio::test]
async fn an_error_body_means_not_recorded() {
    let refused = ResponseTemplate::new(200)
        .set_body_string(r#"{"result":"ERROR","message":"Article 999 inconnu"}"#);
    let err = failed_sale(RetryPolicy::none(), 999, refused, "webapp.php refused").await;
    assert!(err.to_string().contains("Article 999 inconnu"), "{err}");
    assert!(!err.may_have_been_applied());
    assert_no_key(&err);
}

/// Writes are never retried, even with a retry policy, and a 5xx or a timeout leaves the
/// outcome unknown.
#[tokio::test]
async fn a_500_is_doubtful_and_not_retried() {
    let page = Failure::ServerError(500).response();
    let err = failed_sale(RetryPolicy::default(), 1, page, "webapp.php 500").await;
    assert!(err.may_have_been_applied(), "{err:?}");
    assert_no_key(&err);
}

#[tokio::test]
async fn a_timeout_is_doubtful_and_not_retried() {
    let late = Failure::Slow(r#"{"orderID":"1"}"#).response();
    let err = failed_sale(RetryPolicy::default(), 1, late, "webapp.php slow").await;
    assert!(err.is_timeout(), "{err:?}");
    assert!(err.may_have_been_applied());
    assert_no_key(&err);
}

#[tokio::test]
async fn a_non_json_answer_is_reported_and_doubtful() {
    let text = ResponseTemplate::new(200).set_body_string("Commande enregistrée");
    let err = failed_sale(RetryPolicy::none(), 1, text, "webapp.php text").await;
    assert!(err.to_string().contains("Commande enregistrée"), "{err}");
    assert!(err.may_have_been_applied());
}

#[tokio::test]
async fn no_connection_means_not_recorded() {
    // A port nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = KashClient::builder(SHOP, KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let sale = NewSale::new(PaymentState::Unpaid).line(SaleLine::catalog(ProductId(1), 1));
    let err = client.create_sale(&sale).await.unwrap_err();
    assert!(
        matches!(
            err,
            KashError::Transport {
                kind: TransportKind::Connect,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.may_have_been_applied());
    assert_no_key(&err);
}
