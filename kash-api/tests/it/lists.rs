//! The fourteen list endpoints: JSON, CSV and HTML; lenient decoding; every error family.

use kash_api::lists::{List, ListKind, ListText, TextFormat};
use kash_api::{KashClient, KashError};
use serde_json::Value;
use wiremock::{MockServer, ResponseTemplate};

use crate::fixture;
use crate::support::{
    MountOnce, assert_no_key, exact_query, mount_get, on, slow, spawn, strings_to_numbers,
};

/// Mounts `body` as the JSON answer of `K`'s script, expected once.
async fn mount_json<K: ListKind>(server: &MockServer, body: &str) {
    on("GET", K::SCRIPT)
        .and(exact_query(&[("format", "json")]))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(body.as_bytes().to_vec(), "application/json; charset=utf-8"),
        )
        .once(server, format!("{} json", K::SCRIPT))
        .await;
}

async fn list<K: ListKind>(client: &KashClient) -> Result<Vec<K::Item>, KashError> {
    client.send(&List::<K>::new()).await
}

/// Serialized form of the decoded items, with numeric strings made numbers, for comparing
/// two decodings.
fn normalized<T: serde::Serialize>(items: &[T]) -> Value {
    strings_to_numbers(&serde_json::to_value(items).unwrap())
}

pub async fn json_happy_path<K: ListKind>(fixture: &str) -> Vec<K::Item> {
    let (server, client) = spawn().await;
    mount_json::<K>(&server, fixture).await;
    list::<K>(&client).await.unwrap()
}

pub async fn numbers_as_numbers_decode_the_same<K: ListKind>(fixture: &str) {
    let as_strings = json_happy_path::<K>(fixture).await;
    let numeric = strings_to_numbers(&serde_json::from_str::<Value>(fixture).unwrap());
    assert_ne!(
        numeric.to_string(),
        fixture,
        "the transform changed nothing"
    );
    let as_numbers = json_happy_path::<K>(&numeric.to_string()).await;
    assert_eq!(normalized(&as_strings), normalized(&as_numbers));
}

pub async fn missing_and_empty_fields_decode<K: ListKind>(fixture: &str) {
    let value: Value = serde_json::from_str(fixture).unwrap();
    let ids_only = crate::support::only_ids(&value);
    let items = json_happy_path::<K>(&ids_only.to_string()).await;
    assert_eq!(items.len(), value.as_array().unwrap().len());
    let blank = crate::support::blank_values(&value);
    let items = json_happy_path::<K>(&blank.to_string()).await;
    assert_eq!(items.len(), value.as_array().unwrap().len());
    // Blank values decode to nothing: the serialized items hold only ids, empty lists and
    // the text fields that were blanked (kept as unknown extras or as empty names).
    for item in serde_json::to_value(&items).unwrap().as_array().unwrap() {
        for (k, v) in item.as_object().unwrap() {
            let empty = match v {
                Value::Array(a) => a.is_empty(),
                Value::String(s) => s.is_empty(),
                Value::Null => true,
                _ => false,
            };
            assert!(
                k == "id" || empty,
                "{}: `{k}` decoded from an empty string as {v}",
                K::SCRIPT
            );
        }
    }
}

pub async fn text_formats<K: ListKind>() {
    let (server, client) = spawn().await;
    let csv = "id;titre\n1;Café\n";
    let html = "<table><tr><td>1</td><td>Café</td></tr></table>";
    for (format, body, mime) in [("csv", csv, "text/csv"), ("html", html, "text/html")] {
        on("GET", K::SCRIPT)
            .and(exact_query(&[("format", format)]))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body.as_bytes().to_vec(), mime))
            .once(&server, format!("{} {format}", K::SCRIPT))
            .await;
    }
    let got_csv = client
        .send(&ListText::<K>::new(TextFormat::Csv))
        .await
        .unwrap();
    let got_html = client
        .send(&ListText::<K>::new(TextFormat::Html))
        .await
        .unwrap();
    assert_eq!(got_csv, csv);
    assert_eq!(got_html, html);
}

pub async fn error_envelope_on_200<K: ListKind>() {
    let (server, client) = spawn().await;
    mount_json::<K>(&server, fixture!("error_envelope.json")).await;
    let err = list::<K>(&client).await.unwrap_err();
    match &err {
        KashError::Api {
            status,
            explicit,
            message,
            endpoint,
        } => {
            assert_eq!(*status, 200);
            assert!(*explicit);
            assert_eq!(*endpoint, K::SCRIPT);
            assert!(message.contains("Clé API invalide"), "{message}");
        }
        other => panic!("expected Api, got {other:?}"),
    }
    assert!(!err.is_retryable());
    assert_no_key(&err);
}

/// The error of listing `K` when the POS answers `response` (an HTML page served as
/// `text/html`, or a late answer); the mock is named `{script} {name}`.
async fn failed_list<K: ListKind>(response: ResponseTemplate, name: &str) -> KashError {
    let (server, client) = spawn().await;
    on("GET", K::SCRIPT)
        .respond_with(response)
        .once(&server, format!("{} {name}", K::SCRIPT))
        .await;
    list::<K>(&client).await.unwrap_err()
}

/// `page` as an HTML answer with this status.
fn html(status: u16, page: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(page.as_bytes().to_vec(), "text/html")
}

pub async fn php_fatal_on_200<K: ListKind>() {
    let err = failed_list::<K>(html(200, fixture!("php_fatal.html")), "php fatal").await;
    match &err {
        KashError::Api {
            message, explicit, ..
        } => {
            assert!(!explicit);
            assert!(message.contains("Fatal error"), "{message}");
            assert!(!message.contains("<b>"), "markup kept: {message}");
        }
        other => panic!("expected Api, got {other:?}"),
    }
    assert_no_key(&err);
}

pub async fn server_error_html<K: ListKind>() {
    let err = failed_list::<K>(html(500, fixture!("server_error.html")), "500").await;
    match &err {
        KashError::Api {
            status, message, ..
        } => {
            assert_eq!(*status, 500);
            assert!(message.starts_with("Internal Server Error"), "{message}");
        }
        other => panic!("expected Api, got {other:?}"),
    }
    assert!(err.is_retryable());
    assert!(err.to_string().contains("HTTP 500"));
    assert_no_key(&err);
}

pub async fn timeout<K: ListKind>() {
    let err = failed_list::<K>(slow("[]"), "slow").await;
    assert!(err.is_timeout(), "{err:?}");
    assert!(err.is_retryable());
    assert_no_key(&err);
}

/// One test per generic check of a list kind, named `$test`, calling `super::$check::<$kind>`.
macro_rules! kind_tests {
    ($kind:ty; $($test:ident => $check:ident($($arg:expr)?);)*) => {$(
        #[tokio::test]
        async fn $test() {
            super::$check::<$kind>($($arg)?).await;
        }
    )*};
}

/// One module of tests per list endpoint.
macro_rules! list_tests {
    ($($module:ident: $kind:ty, $fixture:literal, $check:expr;)*) => {$(
        mod $module {
            use super::*;

            #[tokio::test]
            async fn json_happy_path() {
                let items = super::json_happy_path::<$kind>(fixture!($fixture)).await;
                let check: fn(Vec<<$kind as ListKind>::Item>) = $check;
                check(items);
            }

            kind_tests! { $kind;
                numbers_as_numbers => numbers_as_numbers_decode_the_same(fixture!($fixture));
                missing_and_empty_fields => missing_and_empty_fields_decode(fixture!($fixture));
                csv_and_html => text_formats();
                error_body_on_200 => error_envelope_on_200();
                php_error_page_on_200 => php_fatal_on_200();
                html_500 => server_error_html();
                timeout_without_key => timeout();
            }
        }
    )*};
}

use kash_api::Decimal;
use kash_api::customers::Customers;
use kash_api::departments::{DepartmentGroups, Departments};
use kash_api::ids::*;
use kash_api::orders::{DeliveryMethod, PaymentState, PendingOrders};
use kash_api::payment_modes::{PaymentKind, PaymentModes, PaymentType};
use kash_api::products::Products;
use kash_api::shop::{
    Cashboxes, DeliveryMen, DeliveryZones, Discounts, RelayPoints, Tables, Users,
};
use kash_api::variations::Variations;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

list_tests! {
    products: Products, "products.json", |items| {
        assert_eq!(items.len(), 4);
        let cafe = &items[0];
        assert_eq!(cafe.id, ProductId(1));
        assert_eq!(cafe.title.as_deref(), Some("Café"));
        assert_eq!(cafe.price, Some(dec("1.20")));
        assert_eq!(cafe.department_id, Some(DepartmentId(1)));
        assert_eq!(cafe.vat_rate, Some(dec("10")));
        assert_eq!(cafe.stock, Some(dec("250")));
        assert_eq!(cafe.stock_alert, Some(dec("50")));
        assert_eq!(cafe.variation_ids, vec![VariationId(1), VariationId(2)]);
        assert_eq!(cafe.discount_id, None, "0 means no discount");
        assert_eq!(cafe.keyboard_hidden, Some(false));
        assert_eq!(cafe.barcode, None, "empty string is absent");
        assert_eq!(items[1].barcode.as_deref(), Some("3760001000029"));
        assert_eq!(items[2].extra["couleur"], "#8B4513", "unknown fields are kept");
        assert_eq!(items[3].stock, None, "stock not tracked");
        assert_eq!(items[3].keyboard_hidden, Some(true));
    };
    departments: Departments, "departments.json", |items| {
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].title.as_deref(), Some("Boissons chaudes"));
        assert_eq!(items[0].vat_id, Some(VatRateId(2)));
        assert_eq!(items[0].group_id, Some(DepartmentGroupId(1)));
        assert_eq!(items[1].vat_rate, Some(dec("5.5")));
        assert_eq!(items[2].id, DepartmentId(10));
    };
    department_groups: DepartmentGroups, "department_groups.json", |items| {
        assert_eq!(items.len(), 3);
        assert_eq!(items[1].title.as_deref(), Some("Boulangerie"));
        assert_eq!(items[1].accounting_chapter.as_deref(), Some("7072"));
        assert_eq!(items[2].accounting_chapter, None);
    };
    customers: Customers, "customers.json", |items| {
        assert_eq!(items.len(), 3);
        let marie = &items[0];
        assert_eq!(marie.id, CustomerId(101));
        assert_eq!(marie.last_name.as_deref(), Some("Dupont"));
        assert_eq!(marie.first_name.as_deref(), Some("Marie"));
        assert_eq!(marie.display_name(), "Marie Dupont");
        assert_eq!(marie.phone.as_deref(), Some("06 12 34 56 78"));
        assert_eq!(marie.zip.as_deref(), Some("75011"));
        assert_eq!(marie.address_comment.as_deref(), Some("Code 4521B"));
        assert_eq!(marie.loyalty_points, Some(dec("120")));
        assert_eq!(marie.loyalty_balance, Some(dec("4.5")));
        assert_eq!(marie.blacklist, Some(false));
        assert!(marie.created_at.is_some());
        assert_eq!(items[1].phone.as_deref(), Some("0611223344"), "leading zero kept");
        assert_eq!(items[2].company.as_deref(), Some("Atelier Martin"));
        assert_eq!(items[2].blacklist, Some(true));
    };
    variations: Variations, "variations.json", |items| {
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].title.as_deref(), Some("Taille"));
        assert_eq!(items[0].choices.len(), 2);
        assert_eq!(items[0].choices[1].id, VariationChoiceId(12));
        assert_eq!(items[0].choices[1].price_delta, Some(dec("0.5")));
        // Choices keyed by id (a PHP associative array) decode as a list.
        assert_eq!(items[1].choices.len(), 2);
        assert_eq!(items[1].choices[1].unavailable, Some(true));
    };
    delivery_men: DeliveryMen, "delivery_men.json", |items| {
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].first_name.as_deref(), Some("Karim"));
        assert_eq!(items[0].active, Some(true));
        assert_eq!(items[1].active, Some(false));
    };
    payment_modes: PaymentModes, "payment_modes.json", |items| {
        assert_eq!(items.len(), 7);
        assert_eq!(items[0].kind, Some(PaymentType::new(PaymentKind::Cash)));
        assert_eq!(items[1].kind, Some(PaymentType::new(PaymentKind::CreditCard)));
        assert_eq!(items[3].maximum_amount, Some(dec("25")));
        assert_eq!(items[5].kind, Some(PaymentType::refund(PaymentKind::CreditCard)));
        assert_eq!(items[5].cashbox_id, Some(CashboxId(2)));
        assert_eq!(items[0].cashbox_id, None, "0 = every register");
        assert_eq!(items[6].kind, Some(PaymentType::new(PaymentKind::Unknown("Gift_Card".into()))));
    };
    cashboxes: Cashboxes, "cashboxes.json", |items| {
        assert_eq!(items.len(), 3);
        assert_eq!(items[2].title.as_deref(), Some("Terrasse"));
        assert_eq!(items[2].extra["imprimante"], "EPSON-TM30");
    };
    delivery_zones: DeliveryZones, "delivery_zones.json", |items| {
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].postcodes, vec!["75012".to_owned(), "75020".to_owned()]);
        assert_eq!(items[0].fee, Some(dec("2.5")));
        assert_eq!(items[1].delay_minutes, Some(45));
    };
    relay_points: RelayPoints, "relay_points.json", |items| {
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].city.as_deref(), Some("Paris"));
        assert_eq!(items[0].opening_hours.as_deref(), Some("7h-20h"));
    };
    discounts: Discounts, "discounts.json", |items| {
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].kind.as_deref(), Some("percent"));
        assert_eq!(items[1].value, Some(dec("1.5")));
        assert_eq!(items[1].code.as_deref(), Some("ETU"));
    };
    users: Users, "users.json", |items| {
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].profile.as_deref(), Some("Gérante"));
        assert_eq!(items[2].name.as_deref(), Some("webservice"));
    };
    tables: Tables, "tables.json", |items| {
        assert_eq!(items.len(), 3);
        assert_eq!(items[1].id, TableId(17));
        assert_eq!(items[1].title.as_deref(), Some("84"));
        assert_eq!(items[1].room.as_deref(), Some("Terrasse"));
        assert_eq!(items[1].seats, Some(4));
        assert_eq!(items[2].seats, None);
    };
    pending_orders: PendingOrders, "pending.json", |items| {
        assert_eq!(items.len(), 2);
        let roses = &items[0];
        assert_eq!(roses.id, OrderId(20490));
        assert_eq!(roses.delivery_method, Some(DeliveryMethod::Delivery));
        assert_eq!(roses.payment_state, Some(PaymentState::Unpaid));
        assert_eq!(roses.status.as_deref(), Some("En préparation"));
        assert_eq!(roses.delivery_at.unwrap().to_string(), "2026-11-24T18:15:00");
        assert_eq!(roses.lines.as_ref().unwrap()[0].quantity, Some(dec("10")));
        assert_eq!(items[1].lines, None, "no lines given");
        assert_eq!(items[1].payment_state, Some(PaymentState::Quote));
    };
}

#[tokio::test]
async fn products_keyed_by_id_decode_as_a_list() {
    let items = json_happy_path::<Products>(fixture!("products_keyed.json")).await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[1].title.as_deref(), Some("Croissant"));
}

#[tokio::test]
async fn products_with_write_api_names_and_numbers() {
    let items = json_happy_path::<Products>(fixture!("products_numbers.json")).await;
    assert_eq!(items[0].price, Some(dec("1.2")));
    assert_eq!(items[0].department_id, Some(DepartmentId(1)));
    assert_eq!(items[0].variation_ids, vec![VariationId(1), VariationId(2)]);
    assert_eq!(items[0].shop_hidden, Some(false));
    assert_eq!(items[1].stock, Some(dec("38.5")));
}

#[tokio::test]
async fn products_with_missing_fields() {
    let items = json_happy_path::<Products>(fixture!("products_missing.json")).await;
    assert_eq!(items[0].id, ProductId(7));
    assert_eq!(items[0].title, None);
    assert_eq!(items[1].price, None);
    assert_eq!(items[1].department_id, None, "0 means none");
    assert!(items[1].variation_ids.is_empty());
}

#[tokio::test]
async fn products_csv_fixture_is_returned_verbatim() {
    let (server, client) = spawn().await;
    let csv = fixture!("products.csv");
    mount_get(&server, "getPlus.php", &[("format", "csv")], csv).await;
    let text = client.list_products_text(TextFormat::Csv).await.unwrap();
    assert_eq!(text, fixture!("products.csv"));
}

#[tokio::test]
async fn a_wrong_shape_is_a_decode_error_naming_the_path() {
    let (server, client) = spawn().await;
    let body = format!(
        r#"[{{"id":"1","prix":"1.20"}},{{"id":"2","prix":"deux euros","note":"{}"}}]"#,
        crate::support::KEY
    );
    mount_json::<Products>(&server, &body).await;
    let err = client.list_products().await.unwrap_err();
    match &err {
        KashError::Decode {
            endpoint,
            path,
            reason,
            snippet,
        } => {
            assert_eq!(*endpoint, "getPlus.php");
            assert_eq!(path, "[1].prix");
            assert!(reason.contains("decimal"), "{reason}");
            assert!(
                !reason.contains("deux euros"),
                "the value is not repeated: {reason}"
            );
            assert!(snippet.contains("[REDACTED]"), "{snippet}");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert_no_key(&err);
}

#[tokio::test]
async fn a_non_list_answer_is_a_decode_error() {
    let (server, client) = spawn().await;
    mount_json::<Tables>(&server, r#"{"count": 3}"#).await;
    let err = client.list_tables().await.unwrap_err();
    assert!(matches!(err, KashError::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn plain_text_where_json_is_expected_is_an_api_error() {
    let (server, client) = spawn().await;
    mount_json::<Users>(&server, "Maintenance en cours, revenez plus tard").await;
    let err = client.list_users().await.unwrap_err();
    match &err {
        KashError::Api {
            message, explicit, ..
        } => {
            assert!(!explicit);
            assert!(message.contains("Maintenance en cours"), "{message}");
        }
        other => panic!("expected Api, got {other:?}"),
    }
}
