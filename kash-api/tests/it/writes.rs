//! The catalogue, stock, customer, VAT and payment-mode writes: `shopID`, `key`,
//! `data[...]` with only the fields given.

use kash_api::customers::CustomerFields;
use kash_api::departments::{DepartmentFields, DepartmentGroupFields};
use kash_api::ids::*;
use kash_api::payment_modes::{PaymentKind, PaymentModeFields, PaymentType};
use kash_api::products::ProductFields;
use kash_api::variations::{VariationChoiceFields, VariationFields};
use kash_api::vat_rates::VatRateFields;
use kash_api::{Decimal, KashError, RetryPolicy};
use wiremock::{MockServer, ResponseTemplate};

use crate::fixture;
use crate::support::{
    Auth, Failure, MountOnce, form_body, mount_post, nothing_may_be_sent, on, spawn, spawn_with,
};

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

async fn mount_write(server: &MockServer, script: &str, pairs: &[(&str, &str)], body: &str) {
    mount_post(server, script, form_body(Auth::ShopId, pairs), body).await;
}

#[tokio::test]
async fn product_create_update_delete() {
    let (server, client) = spawn().await;
    mount_write(
        &server,
        "addPlu.php",
        &[
            ("data[title]", "Éclair au café"),
            ("data[price]", "3.2"),
            ("data[deptID]", "3"),
            ("data[vatID]", "1"),
            ("data[variationID0]", "1"),
            ("data[variationID1]", "0"),
            ("data[variationID2]", "0"),
            ("data[variationID3]", "0"),
            ("data[variationID4]", "0"),
            ("data[barcode]", "3760001000999"),
            ("data[stock]", "24"),
            ("data[stockAlert]", "6"),
            ("data[keyboardHide]", "0"),
            ("data[internalID]", "PAT-009"),
        ],
        fixture!("created.json"),
    )
    .await;
    mount_write(
        &server,
        "editPlu.php",
        &[("id", "2"), ("data[stock]", "40")],
        fixture!("ok.json"),
    )
    .await;
    mount_write(&server, "delPlu.php", &[("id", "131")], fixture!("ok.json")).await;

    let created = client
        .create_product(
            ProductFields::new()
                .title("Éclair au café")
                .price(dec("3.20"))
                .department(DepartmentId(3))
                .vat(VatRateId(1))
                .variations(vec![VariationId(1)])
                .barcode("3760001000999")
                .stock(Decimal::from(24))
                .stock_alert(Decimal::from(6))
                .keyboard_hidden(false)
                .internal_id("PAT-009"),
        )
        .await
        .unwrap();
    assert_eq!(created.id, Some(ProductId(131)));
    assert_eq!(created.extra["message"], "Article ajouté");

    // "Set the croissant stock to 40": only the stock is sent.
    client
        .update_product(ProductId(2), ProductFields::new().stock(Decimal::from(40)))
        .await
        .unwrap();
    client.delete_product(ProductId(131)).await.unwrap();
}

#[tokio::test]
async fn department_and_group_writes() {
    let (server, client) = spawn().await;
    mount_write(
        &server,
        "addDept.php",
        &[
            ("data[title]", "Pâtisseries"),
            ("data[vatID]", "1"),
            ("data[deptGroupID]", "2"),
        ],
        r#"{"result":"OK","id":"11"}"#,
    )
    .await;
    mount_write(
        &server,
        "editDept.php",
        &[
            ("id", "11"),
            ("data[title]", "Pâtisserie fine"),
            ("data[keyboardHide]", "1"),
        ],
        "OK",
    )
    .await;
    mount_write(&server, "delDept.php", &[("id", "11")], "1").await;
    mount_write(
        &server,
        "addGrpDept.php",
        &[
            ("data[title]", "Traiteur"),
            ("data[position]", "4"),
            ("data[accountingChapter]", "7073"),
        ],
        r#"{"result":"OK","id":4}"#,
    )
    .await;
    mount_write(
        &server,
        "editGrpDept.php",
        &[("id", "4"), ("data[position]", "5")],
        "OK",
    )
    .await;
    mount_write(&server, "delGrpDept.php", &[("id", "4")], "OK").await;

    let d = client
        .create_department(
            DepartmentFields::new()
                .title("Pâtisseries")
                .vat(VatRateId(1))
                .group(DepartmentGroupId(2)),
        )
        .await
        .unwrap();
    assert_eq!(d.id, Some(DepartmentId(11)));
    let ack = client
        .update_department(
            DepartmentId(11),
            DepartmentFields::new()
                .title("Pâtisserie fine")
                .keyboard_hidden(true),
        )
        .await
        .unwrap();
    assert_eq!(ack.message, None);
    client.delete_department(DepartmentId(11)).await.unwrap();
    let g = client
        .create_department_group(
            DepartmentGroupFields::new()
                .title("Traiteur")
                .position(4)
                .accounting_chapter("7073"),
        )
        .await
        .unwrap();
    assert_eq!(g.id, Some(DepartmentGroupId(4)));
    client
        .update_department_group(
            DepartmentGroupId(4),
            DepartmentGroupFields::new().position(5),
        )
        .await
        .unwrap();
    client
        .delete_department_group(DepartmentGroupId(4))
        .await
        .unwrap();
}

#[tokio::test]
async fn variation_and_choice_writes() {
    let (server, client) = spawn().await;
    mount_write(
        &server,
        "addVariation.php",
        &[("data[title]", "Cuisson")],
        r#"{"id":"9"}"#,
    )
    .await;
    mount_write(
        &server,
        "editVariation.php",
        &[("id", "9"), ("data[title]", "Cuisson viande")],
        "OK",
    )
    .await;
    mount_write(&server, "delVariation.php", &[("id", "9")], "OK").await;
    mount_write(
        &server,
        "addVariationItem.php",
        &[
            ("data[idVariation]", "9"),
            ("data[title]", "Saignant"),
            ("data[position]", "1"),
            ("data[deltaPrice]", "-0.5"),
            ("data[unavailable]", "0"),
        ],
        r#"{"result":"OK","id":"91"}"#,
    )
    .await;
    mount_write(
        &server,
        "editVariationItem.php",
        &[("id", "91"), ("data[unavailable]", "1")],
        "OK",
    )
    .await;
    mount_write(&server, "delVariationItem.php", &[("id", "91")], "OK").await;

    let v = client
        .create_variation(VariationFields::new().title("Cuisson"))
        .await
        .unwrap();
    assert_eq!(v.id, Some(VariationId(9)));
    client
        .update_variation(
            VariationId(9),
            VariationFields::new().title("Cuisson viande"),
        )
        .await
        .unwrap();
    client.delete_variation(VariationId(9)).await.unwrap();
    let c = client
        .create_variation_choice(
            VariationChoiceFields::new()
                .variation(VariationId(9))
                .title("Saignant")
                .position(1)
                .price_delta(dec("-0.50"))
                .unavailable(false),
        )
        .await
        .unwrap();
    assert_eq!(c.id, Some(VariationChoiceId(91)));
    client
        .update_variation_choice(
            VariationChoiceId(91),
            VariationChoiceFields::new().unavailable(true),
        )
        .await
        .unwrap();
    client
        .delete_variation_choice(VariationChoiceId(91))
        .await
        .unwrap();
}

#[tokio::test]
async fn customer_writes_use_the_write_vocabulary() {
    let (server, client) = spawn().await;
    mount_write(
        &server,
        "addClient.php",
        &[
            ("data[title]", "Mme"),
            ("data[surname]", "Dupond"),
            ("data[name]", "Jeanne"),
            ("data[email]", "jeanne@example.fr"),
            ("data[phone]", "0611223344"),
            ("data[addressline1]", "5 avenue Parmentier"),
            ("data[adressComment]", "Digicode 1234"),
            ("data[postcode]", "75011"),
            ("data[city]", "Paris"),
            ("data[country]", "FR"),
            ("data[VATnum]", "FR00123456789"),
            ("data[blacklist]", "0"),
            ("data[birthDate]", "1990-04-12"),
        ],
        r#"{"result":"OK","id":"351"}"#,
    )
    .await;
    mount_write(
        &server,
        "editClient.php",
        &[("id", "351"), ("data[phone]", "0699887766")],
        "OK",
    )
    .await;
    mount_write(&server, "delClient.php", &[("id", "351")], "OK").await;
    let created = client
        .create_customer(
            CustomerFields::new()
                .honorific("Mme")
                .last_name("Dupond")
                .first_name("Jeanne")
                .email("jeanne@example.fr")
                .phone("0611223344")
                .address("5 avenue Parmentier")
                .address_comment("Digicode 1234")
                .zip("75011")
                .city("Paris")
                .country("FR")
                .vat_number("FR00123456789")
                .blacklist(false)
                .birth_date(jiff::civil::date(1990, 4, 12)),
        )
        .await
        .unwrap();
    assert_eq!(created.id, Some(CustomerId(351)));
    client
        .update_customer(CustomerId(351), CustomerFields::new().phone("0699887766"))
        .await
        .unwrap();
    client.delete_customer(CustomerId(351)).await.unwrap();
}

#[tokio::test]
async fn vat_rate_and_payment_mode_writes() {
    let (server, client) = spawn().await;
    mount_write(
        &server,
        "addVat.php",
        &[
            ("data[title]", "TVA 5,5 %"),
            ("data[rate]", "5.5"),
            ("data[accountingChapter]", "445711"),
        ],
        r#"{"id":"4"}"#,
    )
    .await;
    mount_write(
        &server,
        "editVat.php",
        &[("id", "4"), ("data[legal]", "Taux réduit")],
        "OK",
    )
    .await;
    mount_write(&server, "delVat.php", &[("id", "4")], "OK").await;
    mount_write(
        &server,
        "addPaymentMethod.php",
        &[
            ("data[title]", "Remboursement chèque"),
            ("data[type]", "Check_Refund"),
            ("data[maximumAmount]", "500"),
            ("data[cashboxLock]", "2"),
        ],
        r#"{"result":"OK","id":"8"}"#,
    )
    .await;
    mount_write(&server, "delPaymentMethod.php", &[("id", "8")], "OK").await;
    let vat = client
        .create_vat_rate(
            VatRateFields::new()
                .title("TVA 5,5 %")
                .rate(dec("5.50"))
                .accounting_chapter("445711"),
        )
        .await
        .unwrap();
    assert_eq!(vat.id, Some(VatRateId(4)));
    client
        .update_vat_rate(VatRateId(4), VatRateFields::new().legal("Taux réduit"))
        .await
        .unwrap();
    client.delete_vat_rate(VatRateId(4)).await.unwrap();
    let mode = client
        .create_payment_mode(
            PaymentModeFields::new()
                .title("Remboursement chèque")
                .kind(PaymentType::refund(PaymentKind::Check))
                .maximum_amount(Decimal::from(500))
                .cashbox_lock(CashboxId(2)),
        )
        .await
        .unwrap();
    assert_eq!(mode.id, Some(PaymentModeId(8)));
    client.delete_payment_mode(PaymentModeId(8)).await.unwrap();
}

#[tokio::test]
async fn invalid_writes_are_refused_before_sending() {
    let (server, client) = spawn().await;
    nothing_may_be_sent(&server).await;
    let cases: Vec<(KashError, &str)> = vec![
        (
            client
                .update_product(ProductId(1), ProductFields::new())
                .await
                .unwrap_err(),
            "at least one field",
        ),
        (
            client
                .create_product(ProductFields::new().price(Decimal::ONE))
                .await
                .unwrap_err(),
            "needs a title",
        ),
        (
            client
                .create_product(ProductFields::new().title("Tarte"))
                .await
                .unwrap_err(),
            "needs a price",
        ),
        (
            client
                .create_product(ProductFields::new().title("Tarte").price(dec("-2")))
                .await
                .unwrap_err(),
            "cannot be negative",
        ),
        (
            client
                .update_product(
                    ProductId(1),
                    ProductFields::new().variations((1..=6).map(VariationId).collect::<Vec<_>>()),
                )
                .await
                .unwrap_err(),
            "at most 5",
        ),
        (
            client
                .update_product(ProductId(1), ProductFields::new().title("Deux\nlignes"))
                .await
                .unwrap_err(),
            "line break",
        ),
        (
            client
                .create_customer(CustomerFields::new().email("a@b.c"))
                .await
                .unwrap_err(),
            "last name or a first name",
        ),
        (
            client
                .create_variation_choice(VariationChoiceFields::new().title("x"))
                .await
                .unwrap_err(),
            "id of its variation",
        ),
        (
            client
                .create_vat_rate(VatRateFields::new().title("x").rate(Decimal::from(120)))
                .await
                .unwrap_err(),
            "between 0 and 100",
        ),
        (
            client
                .create_payment_mode(
                    PaymentModeFields::new()
                        .title("x")
                        .kind(PaymentType::new(PaymentKind::Unknown("Bitcoin".into()))),
                )
                .await
                .unwrap_err(),
            "unknown payment type",
        ),
    ];
    for (err, needle) in cases {
        assert!(
            matches!(err, KashError::InvalidInput { .. }),
            "{needle}: {err:?}"
        );
        assert!(err.to_string().contains(needle), "`{needle}` not in {err}");
    }
}

#[tokio::test]
async fn write_errors_are_reported_and_never_retried() {
    let (server, client) = spawn_with(RetryPolicy::default()).await;
    // Each failure, and whether the write may have been applied all the same.
    let cases = [
        (1, Failure::Envelope, false),
        (2, Failure::ServerError(500), true),
        (3, Failure::Slow("OK"), true),
    ];
    for (id, failure, _) in cases {
        let id = id.to_string();
        on("POST", "editPlu.php")
            .and(form_body(
                Auth::ShopId,
                &[("id", &id), ("data[stock]", "5")],
            ))
            .respond_with(failure.response())
            .once(&server, format!("editPlu.php {failure:?}"))
            .await;
    }
    for (id, failure, applied) in cases {
        let err = client
            .update_product(ProductId(id), ProductFields::new().stock(Decimal::from(5)))
            .await
            .unwrap_err();
        failure.check(&err);
        assert_eq!(err.may_have_been_applied(), applied, "{failure:?}: {err:?}");
    }
}

#[tokio::test]
async fn write_answers_in_every_plausible_shape() {
    let (server, client) = spawn().await;
    for (id, body) in [
        ("1", "131"),
        ("2", r#""132""#),
        ("3", r#"{"result":"OK","insertId":133}"#),
    ] {
        on("POST", "addVariation.php")
            .and(form_body(Auth::ShopId, &[("data[title]", id)]))
            .respond_with(ResponseTemplate::new(200).set_body_string(body))
            .once(&server, format!("addVariation.php {id}"))
            .await;
    }
    let ids: Vec<_> = futures_ids(&client).await;
    assert_eq!(
        ids,
        vec![
            Some(VariationId(131)),
            Some(VariationId(132)),
            Some(VariationId(133))
        ]
    );
}

async fn futures_ids(client: &kash_api::KashClient) -> Vec<Option<VariationId>> {
    let mut out = Vec::new();
    for t in ["1", "2", "3"] {
        out.push(
            client
                .create_variation(VariationFields::new().title(t))
                .await
                .unwrap()
                .id,
        );
    }
    out
}
