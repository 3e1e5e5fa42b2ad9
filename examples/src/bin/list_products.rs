//! Lists the catalogue: id, name, price and stock, flagging low stock.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conn = kash_examples::connect().await?;
    let products = conn.client.list_products().await?;
    for p in &products {
        let stock = match (p.stock, p.stock_alert) {
            (Some(s), Some(a)) if s < a => format!("{s} (low, alert at {a})"),
            (Some(s), _) => s.to_string(),
            (None, _) => "-".to_owned(),
        };
        println!(
            "{:>4}  {:<32} {:>8}  stock {}",
            p.id,
            p.title.as_deref().unwrap_or("?"),
            p.price.map(|x| format!("{x:.2} €")).unwrap_or_default(),
            stock
        );
    }
    println!("{} products", products.len());
    Ok(())
}
