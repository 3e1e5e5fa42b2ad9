//! Records 2 coffees and a croissant at table 84, eaten in and not paid yet, and prints the
//! receipt. A sale is never retried: if the answer is lost, it says so.

use kash_api::orders::DeliveryMethod;
use kash_api::sales::{NewSale, PaymentState, SaleLine};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conn = kash_examples::connect().await?;
    let c = &conn.client;
    let products = c.list_products().await?;
    let find = |title: &str| {
        products
            .iter()
            .find(|p| p.title.as_deref() == Some(title))
            .map(|p| p.id)
            .ok_or_else(|| format!("no product named {title}"))
    };
    let table = c
        .list_tables()
        .await?
        .into_iter()
        .find(|t| t.title.as_deref() == Some("84"))
        .ok_or("no table 84")?;
    let sale = NewSale::new(PaymentState::Unpaid)
        .delivery_method(DeliveryMethod::EatIn)
        .table(table.id)
        .line(SaleLine::catalog(find("Café")?, 2))
        .line(SaleLine::catalog(find("Croissant")?, 1));
    match c.create_sale(&sale).await {
        Ok(receipt) => {
            let id = receipt
                .order_id
                .map_or_else(|| "?".to_owned(), |id| id.to_string());
            let total = receipt
                .total
                .map_or_else(|| "?".to_owned(), |t| format!("{t:.2}"));
            println!(
                "Recorded order {id}: 2 × Café, 1 × Croissant — total {total} €, table 84, validated, unpaid"
            );
            Ok(())
        }
        Err(e) if e.may_have_been_applied() => {
            println!(
                "The sale may have been recorded ({e}); check the orders before trying again."
            );
            Err(e.into())
        }
        Err(e) => {
            println!("Not recorded: {e}");
            Err(e.into())
        }
    }
}
