//! How the sandbox refuses bad requests: an error envelope on HTTP 200, as a PHP back office
//! plausibly does, and nothing recorded.

use kash_api::KashError;
use kash_api::ids::ProductId;
use kash_api::sales::{NewSale, PaymentState, SaleLine};

use crate::support::{client, client_for, fetch_json, post_form, raw, start};

fn message(v: &serde_json::Value) -> String {
    assert_eq!(v["result"], "ERROR", "{v}");
    v["message"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn bad_credentials_are_an_error_body() {
    let sandbox = start().await;
    let mut wrong = sandbox.credentials().clone();
    wrong.api_key = "sbx_not_the_key".into();
    let err = client_for(sandbox.base_url(), &wrong)
        .list_products()
        .await
        .unwrap_err();
    match err {
        KashError::Api {
            status,
            explicit,
            message,
            ..
        } => {
            assert_eq!(status, 200);
            assert!(explicit);
            assert!(
                message.contains("Identifiants de webservice invalides"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn sale_refusals_name_the_problem_and_record_nothing() {
    let sandbox = start().await;
    let c = sandbox.credentials().clone();
    let count = || {
        sandbox
            .with_shop(&c.shop_id, |d| d.orders.len() + d.quotes.len())
            .unwrap()
    };
    let before = count();
    let auth = [
        ("idboutique", c.shop_id.as_str()),
        ("key", c.api_key.as_str()),
    ];
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("itemsList[]", "1_1")], "payment obligatoire"),
        (vec![("payment", "-1")], "itemsList[] obligatoire"),
        (
            vec![("payment", "-1"), ("itemsList[]", "99999_1")],
            "article 99999 inconnu",
        ),
        (
            vec![("payment", "-1"), ("itemsList[]", "1_2_x")],
            "mal formée",
        ),
        (
            vec![("payment", "-1"), ("itemsList[]", "1_1_x_1,20")],
            "point",
        ),
        (vec![("payment", "-1"), ("itemsList[]", "1_0")], "quantité"),
        (
            vec![("payment", "-1"), ("itemsList[]", "1_1___41")],
            "ne s'applique pas",
        ),
        (
            vec![("payment", "-1"), ("itemsList[]", "-999_1_x")],
            "rayon 999 inconnu",
        ),
        (
            vec![("payment", "99"), ("itemsList[]", "1")],
            "Mode de paiement 99 inconnu",
        ),
        (
            vec![
                ("payment", "-1"),
                ("idClient", "99999"),
                ("itemsList[]", "1"),
            ],
            "Client 99999",
        ),
        (
            vec![("payment", "-1"), ("idtable", "84"), ("itemsList[]", "1")],
            "Table 84 inconnue",
        ),
        (
            vec![
                ("payment", "-1"),
                ("deliveryMethod", "9"),
                ("itemsList[]", "1"),
            ],
            "0 à 6",
        ),
        (
            vec![
                ("payment", "-1"),
                ("client[firstname]", "Jean"),
                ("itemsList[]", "1"),
            ],
            "client[firstname] inconnu",
        ),
    ];
    for (fields, needle) in cases {
        let mut pairs = fields.clone();
        pairs.extend(auth);
        let answer = post_form(&sandbox, "webapp.php", &pairs).await;
        let m = message(&answer);
        assert!(m.contains(needle), "`{needle}` not in `{m}` for {fields:?}");
    }
    assert_eq!(count(), before, "nothing was recorded");
}

#[tokio::test]
async fn writes_need_shop_id_named_shopid_and_known_fields() {
    let sandbox = start().await;
    let c = sandbox.credentials().clone();
    let m = message(
        &post_form(
            &sandbox,
            "editPlu.php",
            &[
                ("idboutique", &c.shop_id),
                ("key", &c.api_key),
                ("id", "1"),
                ("data[stock]", "3"),
            ],
        )
        .await,
    );
    assert!(m.contains("shopID"), "{m}");
    let m = message(
        &post_form(
            &sandbox,
            "editPlu.php",
            &[
                ("shopID", &c.shop_id),
                ("key", &c.api_key),
                ("id", "1"),
                ("data[stok]", "3"),
            ],
        )
        .await,
    );
    assert!(m.contains("data[stok] inconnu"), "{m}");
    let m = message(
        &post_form(
            &sandbox,
            "addPlu.php",
            &[
                ("shopID", &c.shop_id),
                ("key", &c.api_key),
                ("data[title]", "X"),
                ("data[price]", "1"),
            ],
        )
        .await,
    );
    assert!(m.contains("deptID"), "{m}");
}

#[tokio::test]
async fn reads_check_their_parameters() {
    let sandbox = start().await;
    let c = sandbox.credentials();
    let get = |script: &str, q: &str| {
        let url = format!(
            "{}/workers/{script}?idboutique={}&key={}&{q}",
            sandbox.base_url(),
            c.shop_id,
            c.api_key
        );
        async move { raw().get(url).send().await.unwrap() }
    };
    let r = get(
        "getOrders.php",
        "validatedOrders=true&from_date_ISO8601=hier&to_date_ISO8601=2026-01-01T00:00:00Z",
    )
    .await;
    assert_eq!(r.status(), 200);
    let m = message(&r.json().await.unwrap());
    assert!(m.contains("ISO 8601"), "{m}");
    let m = message(
        &get("getOrders.php", "from_date_ISO8601=2026-01-01")
            .await
            .json()
            .await
            .unwrap(),
    );
    assert!(m.contains("validatedOrders"), "{m}");
    let m = message(&get("getPlus.php", "format=xml").await.json().await.unwrap());
    assert!(m.contains("json, csv ou html"), "{m}");
    let m = message(
        &get("getOrder.php", "order_id=abc")
            .await
            .json()
            .await
            .unwrap(),
    );
    assert!(m.contains("order_id"), "{m}");
    // Unknown script: the web server's 404 page.
    let r = get("getNothing.php", "").await;
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("Not Found"));
    // A sale must be a POST.
    let m = message(
        &get("webapp.php", "payment=-1&itemsList[]=1")
            .await
            .json()
            .await
            .unwrap(),
    );
    assert!(m.contains("POST"), "{m}");
}

#[tokio::test]
async fn a_sale_sent_in_the_query_string_is_not_read() {
    let sandbox = start().await;
    let c = sandbox.credentials();
    let url = format!(
        "{}/workers/webapp.php?idboutique={}&key={}&payment=-1&itemsList%5B%5D=1",
        sandbox.base_url(),
        c.shop_id,
        c.api_key
    );
    let v: serde_json::Value = fetch_json(raw().post(url)).await;
    assert!(message(&v).contains("idboutique et key obligatoires"));
    // While the same through kash-api works.
    let sale = NewSale::new(PaymentState::Unpaid).line(SaleLine::catalog(ProductId(1), 1));
    client(&sandbox).create_sale(&sale).await.unwrap();
}
