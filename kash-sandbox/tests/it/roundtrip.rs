//! Writes through kash-api and what the sandbox then shows: a sale in orders, detail and the
//! day's report; stock going down; a new customer; catalogue records created, edited, deleted.

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use kash_api::customers::CustomerFields;
use kash_api::departments::{DepartmentFields, DepartmentGroupFields};
use kash_api::ids::*;
use kash_api::orders::{DeliveryMethod, ListOrders, OrderKind, PaymentState};
use kash_api::payment_modes::{PaymentKind, PaymentModeFields, PaymentType};
use kash_api::products::{Product, ProductFields};
use kash_api::reports::ReportFormat;
use kash_api::sales::{CatalogLine, NewCustomer, NewSale, SaleLine};
use kash_api::variations::{VariationChoiceFields, VariationFields};
use kash_api::vat_rates::VatRateFields;
use kash_api::{Decimal, KashClient};

use crate::support::{client, start};

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The first listed product that `is` accepts.
async fn product(c: &KashClient, is: impl Fn(&Product) -> bool) -> Product {
    c.list_products()
        .await
        .unwrap()
        .into_iter()
        .find(|p| is(p))
        .unwrap()
}

async fn product_id(c: &KashClient, title: &str) -> ProductId {
    product(c, |p| p.title.as_deref() == Some(title)).await.id
}

async fn stock_of(c: &KashClient, id: ProductId) -> Decimal {
    product(c, |p| p.id == id).await.stock.unwrap()
}

async fn table_84(c: &KashClient) -> TableId {
    c.list_tables()
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.title.as_deref() == Some("84"))
        .unwrap()
        .id
}

#[tokio::test]
async fn a_sale_appears_in_orders_detail_and_report_and_stock_goes_down() {
    let sandbox = start().await;
    let c = client(&sandbox);
    let cafe = product_id(&c, "Café").await;
    let croissant = product_id(&c, "Croissant").await;
    let table = table_84(&c).await;
    let stock_before = stock_of(&c, croissant).await;

    let sale = NewSale::new(PaymentState::Unpaid)
        .delivery_method(DeliveryMethod::EatIn)
        .table(table)
        .line(SaleLine::catalog(cafe, 2))
        .line(SaleLine::catalog(croissant, 1));
    let receipt = c.create_sale(&sale).await.unwrap();
    let id = receipt.order_id.unwrap();
    assert_eq!(receipt.total, Some(dec("3.60")));
    // Eaten in: coffee and croissant both at 10 %: 3.60 × 10/110 = 0.327… → 0.33.
    assert_eq!(receipt.vat_total, Some(dec("0.33")));

    let now = sandbox.now();
    let from = now.checked_sub(1.hour()).unwrap();
    let to = now.checked_add(1.hour()).unwrap();
    let orders = c.send(&ListOrders::validated(from, to)).await.unwrap();
    let o = orders
        .iter()
        .find(|o| o.id == id)
        .expect("the sale is listed");
    assert_eq!(o.total, Some(dec("3.60")));
    assert_eq!(o.payment_state, Some(PaymentState::Unpaid));
    assert_eq!(o.table_name.as_deref(), Some("84"));
    assert!(!o.is_paid());

    let detail = c.get_order(id).await.unwrap();
    let lines = detail.lines.unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].title.as_deref(), Some("Café"));
    assert_eq!(lines[0].quantity, Some(dec("2")));
    assert_eq!(lines[0].total, Some(dec("2.40")));
    assert_eq!(lines[1].vat_rate, Some(dec("10")));
    assert_eq!(detail.vat_breakdown.len(), 1);
    assert_eq!(detail.vat_breakdown[0].amount, dec("0.33"));

    let stock_after = stock_of(&c, croissant).await;
    assert_eq!(stock_after, stock_before - Decimal::ONE);

    // The day's report counts it: compare with the report before the sale is impossible
    // now, so check the report against the day's orders instead.
    let paris = TimeZone::get("Europe/Paris").unwrap();
    let today = now.to_zoned(paris.clone()).date();
    let start_of_day = today.to_zoned(paris.clone()).unwrap().timestamp();
    let end = today
        .tomorrow()
        .unwrap()
        .to_zoned(paris)
        .unwrap()
        .timestamp();
    let day_orders = c
        .send(&ListOrders::validated(
            start_of_day,
            end.checked_sub(1.second()).unwrap(),
        ))
        .await
        .unwrap();
    let total: Decimal = day_orders.iter().map(|o| o.total.unwrap()).sum();
    let vat: Decimal = day_orders.iter().map(|o| o.vat_total.unwrap()).sum();
    let report = c.sales_report(today, ReportFormat::Csv).await.unwrap();
    let text = report.text().unwrap().to_owned();
    let total_row = text.lines().find(|l| l.starts_with("Total;")).unwrap();
    let cells: Vec<&str> = total_row.split(';').collect();
    assert_eq!(cells[2].parse::<usize>().unwrap(), day_orders.len());
    assert_eq!(cells[3].parse::<Decimal>().unwrap(), total);
    assert_eq!(cells[5].parse::<Decimal>().unwrap(), vat);
    assert!(text.contains("Article;Café;"));
}

#[tokio::test]
async fn takeaway_pays_reduced_vat_and_free_lines_the_shop_rate() {
    let sandbox = start().await;
    let c = client(&sandbox);
    let croissant = product_id(&c, "Croissant").await;
    let sale = NewSale::new(PaymentState::Paid(PaymentModeId(2)))
        .delivery_method(DeliveryMethod::Takeaway)
        .line(SaleLine::catalog(croissant, 2))
        .line(SaleLine::free(dec("12"), "Bouquet du jour"))
        .line(SaleLine::department(
            DepartmentId(3),
            dec("2.50"),
            "Viennoiserie du jour",
        ));
    let receipt = c.create_sale(&sale).await.unwrap();
    let detail = c.get_order(receipt.order_id.unwrap()).await.unwrap();
    let rates: Vec<Decimal> = detail
        .lines
        .as_ref()
        .unwrap()
        .iter()
        .map(|l| l.vat_rate.unwrap())
        .collect();
    assert_eq!(rates, vec![dec("5.5"), dec("20"), dec("5.5")]);
    assert!(detail.is_paid());
    assert_eq!(detail.total, Some(dec("16.90")));
}

#[tokio::test]
async fn overrides_variations_value_date_and_a_new_customer() {
    let sandbox = start().await;
    let c = client(&sandbox);
    let latte = product_id(&c, "Latte macchiato").await;
    let customers_before = c.list_customers().await.unwrap().len();
    let yesterday = sandbox.now().checked_sub(24.hours()).unwrap();
    let sale = NewSale::new(PaymentState::Unpaid)
        .delivery_method(DeliveryMethod::Delivery)
        .value_date(yesterday)
        .new_customer(
            NewCustomer::new()
                .first_name("Inès")
                .last_name("Nouvel")
                .phone("0600000001")
                .address("1 rue Neuve")
                .zip("75011")
                .city("Paris")
                .country("FR"),
        )
        .line(
            CatalogLine::new(latte, 1)
                .variation(VariationChoiceId(12))
                .variation(VariationChoiceId(22)),
        )
        .line(
            CatalogLine::new(latte, 1)
                .title("Latte offert")
                .price(Decimal::ZERO),
        );
    let receipt = c.create_sale(&sale).await.unwrap();
    // 4.20 + 0.80 (Grand) + 0.40 (avoine), and a free one.
    assert_eq!(receipt.total, Some(dec("5.40")));
    let new_id = receipt.customer_id.unwrap();
    let customers = c.list_customers().await.unwrap();
    assert_eq!(customers.len(), customers_before + 1);
    let ines = customers.iter().find(|x| x.id == new_id).unwrap();
    assert_eq!(ines.display_name(), "Inès Nouvel");
    assert_eq!(ines.zip.as_deref(), Some("75011"));
    assert_eq!(ines.phone.as_deref(), Some("0600000001"));

    let detail = c.get_order(receipt.order_id.unwrap()).await.unwrap();
    let lines = detail.lines.unwrap();
    assert_eq!(lines[0].unit_price, Some(dec("5.40")));
    assert_eq!(lines[0].variations.len(), 2);
    assert_eq!(lines[1].title.as_deref(), Some("Latte offert"));
    assert_eq!(lines[1].total, Some(Decimal::ZERO));
    let paris = TimeZone::get("Europe/Paris").unwrap();
    assert_eq!(
        detail.value_date.unwrap().timestamp(&paris).as_second(),
        yesterday.as_second()
    );
    // Listed under yesterday's value date, not today's.
    let around_yesterday = c
        .send(&ListOrders::validated(
            yesterday.checked_sub(1.minute()).unwrap(),
            yesterday.checked_add(1.minute()).unwrap(),
        ))
        .await
        .unwrap();
    assert!(around_yesterday.iter().any(|o| o.id == detail.id));
    // A delivery is an order in progress.
    assert!(
        c.list_pending_orders()
            .await
            .unwrap()
            .iter()
            .any(|o| o.id == detail.id)
    );
}

#[tokio::test]
async fn a_quote_is_listed_with_quotes_only() {
    let sandbox = start().await;
    let c = client(&sandbox);
    let sale = NewSale::new(PaymentState::Quote).line(SaleLine::catalog(ProductId(1), 30));
    let id = c.create_sale(&sale).await.unwrap().order_id.unwrap();
    let now = sandbox.now();
    let (from, to) = (
        now.checked_sub(1.hour()).unwrap(),
        now.checked_add(1.hour()).unwrap(),
    );
    let quotes = c.list_orders(OrderKind::Quotes, from, to).await.unwrap();
    assert!(quotes.iter().any(|o| o.id == id));
    let validated = c.list_orders(OrderKind::Validated, from, to).await.unwrap();
    assert!(!validated.iter().any(|o| o.id == id));
    assert_eq!(
        c.get_order(id).await.unwrap().payment_state,
        Some(PaymentState::Quote)
    );
}

#[tokio::test]
async fn products_are_created_edited_and_deleted() {
    let sandbox = start().await;
    let c = client(&sandbox);
    let created = c
        .create_product(
            ProductFields::new()
                .title("Éclair pistache")
                .price(dec("4.10"))
                .department(DepartmentId(5))
                .stock(Decimal::from(12))
                .stock_alert(Decimal::from(4))
                .barcode("3760000009999"),
        )
        .await
        .unwrap();
    let id = created.id.unwrap();
    let listed = c.list_products().await.unwrap();
    let p = listed.iter().find(|p| p.id == id).unwrap();
    assert_eq!(p.title.as_deref(), Some("Éclair pistache"));
    assert_eq!(p.price, Some(dec("4.1")));
    assert_eq!(p.vat_rate, Some(dec("5.5")), "inherited from Pâtisseries");
    assert_eq!(p.stock, Some(dec("12")));

    c.update_product(id, ProductFields::new().stock(Decimal::from(40)))
        .await
        .unwrap();
    let p = c
        .list_products()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.id == id)
        .unwrap();
    assert_eq!(p.stock, Some(dec("40")));
    assert_eq!(p.price, Some(dec("4.1")), "only the stock changed");

    c.delete_product(id).await.unwrap();
    assert!(!c.list_products().await.unwrap().iter().any(|p| p.id == id));
    let err = c.delete_product(id).await.unwrap_err();
    assert!(err.to_string().contains("introuvable"), "{err}");
}

#[tokio::test]
async fn departments_groups_variations_customers_vat_and_payment_modes() {
    let sandbox = start().await;
    let c = client(&sandbox);
    let g = c
        .create_department_group(DepartmentGroupFields::new().title("Traiteur"))
        .await
        .unwrap()
        .id
        .unwrap();
    let vat = c
        .create_vat_rate(VatRateFields::new().title("TVA 2,1 %").rate(dec("2.1")))
        .await
        .unwrap()
        .id
        .unwrap();
    let d = c
        .create_department(DepartmentFields::new().title("Plateaux").vat(vat).group(g))
        .await
        .unwrap()
        .id
        .unwrap();
    let dept = c
        .list_departments()
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.id == d)
        .unwrap();
    assert_eq!(dept.vat_rate, Some(dec("2.1")));
    assert_eq!(dept.group_id, Some(g));
    c.update_department(d, DepartmentFields::new().title("Plateaux repas"))
        .await
        .unwrap();
    assert!(
        c.list_departments()
            .await
            .unwrap()
            .iter()
            .any(|x| x.title.as_deref() == Some("Plateaux repas"))
    );
    // A used group or VAT rate cannot be deleted; once free, it can.
    assert!(c.delete_department_group(g).await.is_err());
    c.delete_department(d).await.unwrap();
    c.delete_department_group(g).await.unwrap();
    c.update_vat_rate(vat, VatRateFields::new().legal("Presse"))
        .await
        .unwrap();
    c.delete_vat_rate(vat).await.unwrap();

    let v = c
        .create_variation(VariationFields::new().title("Cuisson"))
        .await
        .unwrap()
        .id
        .unwrap();
    let ch = c
        .create_variation_choice(
            VariationChoiceFields::new()
                .variation(v)
                .title("Saignant")
                .price_delta(dec("0.5")),
        )
        .await
        .unwrap()
        .id
        .unwrap();
    let listed = c
        .list_variations()
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.id == v)
        .unwrap();
    assert_eq!(listed.choices[0].id, ch);
    assert_eq!(listed.choices[0].price_delta, Some(dec("0.5")));
    c.update_variation(v, VariationFields::new().title("Cuisson viande"))
        .await
        .unwrap();
    c.update_variation_choice(ch, VariationChoiceFields::new().unavailable(true))
        .await
        .unwrap();
    c.delete_variation_choice(ch).await.unwrap();
    c.delete_variation(v).await.unwrap();

    let cust = c
        .create_customer(
            CustomerFields::new()
                .last_name("Durand")
                .first_name("Zoé")
                .phone("0612121212")
                .country("FR"),
        )
        .await
        .unwrap()
        .id
        .unwrap();
    let z = c
        .list_customers()
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.id == cust)
        .unwrap();
    assert_eq!(z.display_name(), "Zoé Durand");
    c.update_customer(cust, CustomerFields::new().email("zoe@example.fr"))
        .await
        .unwrap();
    let z = c
        .list_customers()
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.id == cust)
        .unwrap();
    assert_eq!(z.email.as_deref(), Some("zoe@example.fr"));
    assert_eq!(z.phone.as_deref(), Some("0612121212"));
    c.delete_customer(cust).await.unwrap();

    let pm = c
        .create_payment_mode(
            PaymentModeFields::new()
                .title("Chèque vacances")
                .kind(PaymentType::new(PaymentKind::HolidayVoucher)),
        )
        .await
        .unwrap()
        .id
        .unwrap();
    let modes = c.list_payment_modes().await.unwrap();
    assert!(
        modes
            .iter()
            .any(|m| m.id == pm && m.kind == Some(PaymentType::new(PaymentKind::HolidayVoucher)))
    );
    c.delete_payment_mode(pm).await.unwrap();
}

#[tokio::test]
async fn a_department_in_use_cannot_be_deleted() {
    let sandbox = start().await;
    let c = client(&sandbox);
    let err = c.delete_department(DepartmentId(3)).await.unwrap_err();
    assert!(err.to_string().contains("utilisé par"), "{err}");
    let _: Timestamp = sandbox.now();
}
