//! Last week's revenue: validated orders by value date, Monday 00:00 to Sunday 24:00 in the
//! shop's time zone (Europe/Paris), VAT included, refunds counted as negative.
//!
//! "Last week" is relative to now, or to `KASH_NOW` (ISO 8601) when set.

use jiff::ToSpan;
use jiff::tz::TimeZone;
use kash_api::Decimal;
use kash_api::orders::ListOrders;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conn = kash_examples::connect().await?;
    let tz = TimeZone::get("Europe/Paris")?;
    let now = match (std::env::var("KASH_NOW"), &conn.sandbox) {
        (Ok(at), _) => at.parse()?,
        (Err(_), Some(s)) => s.now(),
        (Err(_), None) => jiff::Timestamp::now(),
    };
    let today = now.to_zoned(tz.clone()).date();
    let this_monday =
        today.checked_sub(i64::from(today.weekday().to_monday_zero_offset()).days())?;
    let last_monday = this_monday.checked_sub(7.days())?;
    let from = last_monday.to_zoned(tz.clone())?.timestamp();
    let to = this_monday
        .to_zoned(tz)?
        .timestamp()
        .checked_sub(1.second())?;
    let orders = conn.client.send(&ListOrders::validated(from, to)).await?;
    let total: Decimal = orders.iter().filter_map(|o| o.total).sum();
    let refunds = orders.iter().filter(|o| o.is_refund == Some(true)).count();
    let last_sunday = this_monday.checked_sub(1.day())?;
    println!(
        "Last week ({} – {}): {} orders ({} refunds), revenue {:.2} € incl. VAT",
        last_monday.strftime("%a %-d %b %Y"),
        last_sunday.strftime("%a %-d %b %Y"),
        orders.len(),
        refunds,
        total
    );
    Ok(())
}
