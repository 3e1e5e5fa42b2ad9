//! The shop's data, as the simulated back office stores it.
//!
//! Money is integer cents, quantities are thousandths, VAT rates are hundredths of a percent
//! (`550` = 5.5 %), times are unix seconds. The wire layer turns them into the PHP-style
//! strings the real POS plausibly sends.

use std::collections::BTreeMap;
use std::sync::Arc;

/// Cents.
pub type Cents = i64;
/// Thousandths of a unit.
pub type Milli = i64;

/// One unit, in thousandths.
pub const UNIT: Milli = 1000;

/// `value × rate / 10_000`, rounded half away from zero.
pub fn mul_div_round(value: i64, num: i64, den: i64) -> i64 {
    if den == 0 {
        return 0;
    }
    let n = i128::from(value) * i128::from(num);
    let d = i128::from(den);
    let q = n / d;
    let r = n % d;
    let rounded = if (r.abs() * 2) >= d.abs() {
        if (n < 0) != (d < 0) { q - 1 } else { q + 1 }
    } else {
        q
    };
    i64::try_from(rounded).unwrap_or(i64::MAX)
}

/// The VAT contained in an amount that includes it.
pub fn vat_of(ttc: Cents, rate_centi: i64) -> Cents {
    mul_div_round(ttc, rate_centi, 10_000 + rate_centi)
}

/// A VAT rate.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VatRate {
    pub id: u32,
    pub title: String,
    /// Hundredths of a percent.
    pub rate: i64,
    pub accounting_chapter: String,
    pub legal: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DepartmentGroup {
    pub id: u32,
    pub title: String,
    pub position: i64,
    pub accounting_chapter: String,
    pub accounting_chapter_complement: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Department {
    pub id: u32,
    pub title: String,
    pub short_title: String,
    pub price: Cents,
    pub stock: Option<Milli>,
    pub vat: Option<u32>,
    pub eat_in_vat: Option<u32>,
    pub group: Option<u32>,
    pub variations: Vec<u32>,
    pub position: i64,
    pub keyboard_hidden: bool,
    pub shop_hidden: bool,
    /// Other `data[...]` fields received by a write, kept as sent.
    pub extra: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Product {
    pub id: u32,
    pub title: Arc<str>,
    pub short_title: String,
    pub description: String,
    pub price: Cents,
    pub buying_price: Option<Cents>,
    pub department: u32,
    pub vat: Option<u32>,
    pub eat_in_vat: Option<u32>,
    pub barcode: String,
    pub stock: Option<Milli>,
    pub stock_alert: Option<Milli>,
    pub variations: Vec<u32>,
    pub discount: Option<u32>,
    pub internal_id: String,
    pub keyboard_hidden: bool,
    pub shop_hidden: bool,
    pub needs_preparation: bool,
    pub position: i64,
    pub extra: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VariationChoice {
    pub id: u32,
    pub title: String,
    pub delta: Cents,
    pub position: i64,
    pub unavailable: bool,
    pub description: String,
    pub ending: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Variation {
    pub id: u32,
    pub title: String,
    pub choices: Vec<VariationChoice>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Customer {
    pub id: u32,
    pub honorific: String,
    pub last_name: String,
    pub first_name: String,
    pub company: String,
    pub email: String,
    pub phone: String,
    pub phone2: String,
    pub address1: String,
    pub address2: String,
    pub address_comment: String,
    pub zip: String,
    pub city: String,
    pub country: String,
    pub vat_number: String,
    pub registration: String,
    pub barcode: String,
    /// As sent (`48.8566`); empty when unknown.
    pub lat: String,
    pub lng: String,
    pub loyalty_points: i64,
    pub loyalty_balance: Cents,
    pub private_comment: String,
    pub public_comment: String,
    pub blacklist: bool,
    pub created: i64,
    pub extra: BTreeMap<String, String>,
}

impl Customer {
    /// Whether the country is unset, or two letters that `letter` accepts (`webapp.php` wants
    /// capitals, the back office either case).
    pub fn country_ok(&self, letter: fn(&char) -> bool) -> bool {
        let c = &self.country;
        c.is_empty() || (c.len() == 2 && c.chars().all(|x| letter(&x)))
    }

    /// The first of `lat` and `lng` that is set but not a finite number: its name and value.
    pub fn bad_coordinate(&self) -> Option<(&'static str, &str)> {
        [("lat", &self.lat), ("lng", &self.lng)]
            .into_iter()
            .find(|(_, v)| !v.is_empty() && v.parse::<f64>().map_or(true, |x| !x.is_finite()))
            .map(|(k, v)| (k, v.as_str()))
    }

    pub fn display_name(&self) -> String {
        let name = format!("{} {}", self.first_name.trim(), self.last_name.trim())
            .trim()
            .to_owned();
        if name.is_empty() {
            self.company.clone()
        } else {
            name
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PaymentMode {
    pub id: u32,
    pub title: String,
    /// `Cash`, `Credit_Card_Refund`…
    pub kind: String,
    pub accounting_chapter: String,
    pub fixed_amount: Option<Cents>,
    pub minimum_amount: Option<Cents>,
    pub maximum_amount: Option<Cents>,
    pub cashbox_lock: u32,
}

impl PaymentMode {
    pub fn is_refund(&self) -> bool {
        self.kind.ends_with("_Refund")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cashbox {
    pub id: u32,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Table {
    pub id: u32,
    pub name: String,
    pub room: String,
    pub seats: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct User {
    pub id: u32,
    pub last_name: String,
    pub first_name: String,
    pub profile: String,
    pub email: String,
}

impl User {
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_owned()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeliveryMan {
    pub id: u32,
    pub last_name: String,
    pub first_name: String,
    pub phone: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeliveryZone {
    pub id: u32,
    pub title: String,
    pub postcodes: Vec<String>,
    pub fee: Cents,
    pub minimum: Cents,
    pub delay_minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RelayPoint {
    pub id: u32,
    pub title: String,
    pub address: String,
    pub zip: String,
    pub city: String,
    pub hours: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Discount {
    pub id: u32,
    pub title: String,
    /// `percent` or `amount`.
    pub kind: String,
    /// Hundredths (percent or cents).
    pub value: i64,
    pub code: String,
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Line {
    pub product: Option<u32>,
    pub department: Option<u32>,
    pub title: Arc<str>,
    pub quantity: Milli,
    /// Unit price including VAT and variation deltas.
    pub unit_price: Cents,
    pub discount: Cents,
    /// Net total including VAT (quantity × unit price − discount).
    pub total: Cents,
    /// Hundredths of a percent.
    pub vat_rate: i64,
    pub variations: Box<[u32]>,
}

/// VAT of one rate on an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VatLine {
    pub rate: i64,
    pub base: Cents,
    pub vat: Cents,
}

/// Delivery method codes 0–6.
pub const TAKEAWAY: u8 = 0;
pub const DELIVERY: u8 = 1;
pub const EAT_IN: u8 = 2;
pub const COUNTER: u8 = 4;
pub const RELAY: u8 = 5;
pub const SHIPPING: u8 = 6;

/// An order: a sale, an invoice, a refund (validated), or a quote.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Order {
    pub id: u32,
    /// The invoice number's sequence (`F2026-000123`).
    pub number: u32,
    pub created: i64,
    pub value_date: i64,
    pub customer: Option<u32>,
    pub delivery_method: u8,
    /// -2 quote, -1 validated unpaid, else the payment mode id.
    pub payment: i64,
    pub cashbox: Option<u32>,
    pub user: Option<u32>,
    pub table: Option<u32>,
    pub covers: Option<u32>,
    pub refund: bool,
    /// Handed over / delivered; `false` for orders in progress.
    pub terminated: bool,
    /// What few orders carry (comments, delivery, progress), boxed to keep orders small.
    pub extra: Option<Box<OrderExtra>>,
    pub lines: Vec<Line>,
    pub total: Cents,
    pub discount: Cents,
}

/// The rarely filled fields of an order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct OrderExtra {
    pub delivery_at: Option<i64>,
    pub delivery_man: Option<u32>,
    pub status: Option<String>,
    pub public_comment: String,
    pub private_comment: String,
    pub pager: String,
}

impl Order {
    pub fn vat_total(&self) -> Cents {
        self.vats().iter().map(|v| v.vat).sum()
    }

    /// The extra fields, created on first write.
    pub fn extra_mut(&mut self) -> &mut OrderExtra {
        self.extra.get_or_insert_with(Box::default)
    }

    pub fn delivery_at(&self) -> Option<i64> {
        self.extra.as_ref().and_then(|e| e.delivery_at)
    }

    pub fn delivery_man(&self) -> Option<u32> {
        self.extra.as_ref().and_then(|e| e.delivery_man)
    }

    pub fn status(&self) -> Option<&str> {
        self.extra.as_ref().and_then(|e| e.status.as_deref())
    }

    pub fn public_comment(&self) -> &str {
        self.extra
            .as_ref()
            .map_or("", |e| e.public_comment.as_str())
    }

    pub fn private_comment(&self) -> &str {
        self.extra
            .as_ref()
            .map_or("", |e| e.private_comment.as_str())
    }

    pub fn pager(&self) -> &str {
        self.extra.as_ref().map_or("", |e| e.pager.as_str())
    }

    pub fn is_quote(&self) -> bool {
        self.payment == -2
    }

    /// Computes the total and the discount from the lines.
    pub fn compute_totals(&mut self) {
        self.total = self.lines.iter().map(|l| l.total).sum();
        self.discount = self.lines.iter().map(|l| l.discount).sum();
    }

    /// VAT per rate, by increasing rate: each rate's VAT is computed on the sum of its lines
    /// (VAT included) and rounded to the cent.
    pub fn vats(&self) -> Vec<VatLine> {
        let mut by_rate: Vec<(i64, Cents)> = Vec::with_capacity(3);
        for l in &self.lines {
            match by_rate.iter_mut().find(|(r, _)| *r == l.vat_rate) {
                Some((_, t)) => *t += l.total,
                None => by_rate.push((l.vat_rate, l.total)),
            }
        }
        by_rate.sort_unstable();
        by_rate
            .into_iter()
            .map(|(rate, ttc)| {
                let vat = vat_of(ttc, rate);
                VatLine {
                    rate,
                    base: ttc - vat,
                    vat,
                }
            })
            .collect()
    }
}

/// A demo login that `getAuthToken.php` accepts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Login {
    pub login: String,
    pub password: String,
}

/// Everything one shop holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ShopData {
    pub name: String,
    pub shop_id: String,
    pub api_key: String,
    pub login: Login,
    /// The IANA time zone the back office works in.
    pub time_zone: String,
    pub default_vat: u32,
    pub vat_rates: Vec<VatRate>,
    pub groups: Vec<DepartmentGroup>,
    pub departments: Vec<Department>,
    pub products: Vec<Product>,
    pub variations: Vec<Variation>,
    pub customers: Vec<Customer>,
    pub payment_modes: Vec<PaymentMode>,
    pub cashboxes: Vec<Cashbox>,
    pub tables: Vec<Table>,
    pub users: Vec<User>,
    pub delivery_men: Vec<DeliveryMan>,
    pub delivery_zones: Vec<DeliveryZone>,
    pub relay_points: Vec<RelayPoint>,
    pub discounts: Vec<Discount>,
    /// Validated orders, sorted by value date.
    pub orders: Vec<Order>,
    /// Quotes, sorted by creation date.
    pub quotes: Vec<Order>,
    pub next_ids: NextIds,
}

/// The next id of each kind of record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct NextIds {
    pub order: u32,
    pub number: u32,
    pub product: u32,
    pub department: u32,
    pub group: u32,
    pub variation: u32,
    pub choice: u32,
    pub customer: u32,
    pub vat: u32,
    pub payment_mode: u32,
    pub user: u32,
}

impl ShopData {
    pub fn product(&self, id: u32) -> Option<&Product> {
        self.products.iter().find(|p| p.id == id)
    }

    pub fn department(&self, id: u32) -> Option<&Department> {
        self.departments.iter().find(|d| d.id == id)
    }

    pub fn customer(&self, id: u32) -> Option<&Customer> {
        self.customers.iter().find(|c| c.id == id)
    }

    pub fn vat_rate(&self, id: u32) -> Option<&VatRate> {
        self.vat_rates.iter().find(|v| v.id == id)
    }

    pub fn payment_mode(&self, id: u32) -> Option<&PaymentMode> {
        self.payment_modes.iter().find(|p| p.id == id)
    }

    pub fn choice(&self, id: u32) -> Option<(&Variation, &VariationChoice)> {
        self.variations
            .iter()
            .find_map(|v| v.choices.iter().find(|c| c.id == id).map(|c| (v, c)))
    }

    /// The VAT rate (hundredths of a percent) of a product line: the product's rate, else its
    /// department's, else the shop's default. Eat-in sales use the eat-in rates first.
    pub fn product_vat(&self, product: &Product, eat_in: bool) -> i64 {
        let dept = self.department(product.department);
        let id = [
            eat_in.then_some(product.eat_in_vat).flatten(),
            product.vat,
            eat_in.then(|| dept.and_then(|d| d.eat_in_vat)).flatten(),
            dept.and_then(|d| d.vat),
        ]
        .into_iter()
        .flatten()
        .next();
        self.rate_or_default(id)
    }

    /// The VAT rate of a department line (eat-in rate first for eat-in sales).
    pub fn department_vat(&self, dept: &Department, eat_in: bool) -> i64 {
        let id = [eat_in.then_some(dept.eat_in_vat).flatten(), dept.vat]
            .into_iter()
            .flatten()
            .next();
        self.rate_or_default(id)
    }

    /// The shop's default VAT rate.
    pub fn default_rate(&self) -> i64 {
        self.rate_or_default(None)
    }

    fn rate_or_default(&self, id: Option<u32>) -> i64 {
        id.and_then(|id| self.vat_rate(id))
            .or_else(|| self.vat_rate(self.default_vat))
            .map_or(2000, |v| v.rate)
    }

    /// Inserts a validated order, keeping the list sorted by value date.
    pub fn insert_order(&mut self, order: Order) {
        if order.is_quote() {
            let at = self.quotes.partition_point(|o| o.created <= order.created);
            self.quotes.insert(at, order);
        } else {
            let at = self
                .orders
                .partition_point(|o| o.value_date <= order.value_date);
            self.orders.insert(at, order);
        }
    }

    /// Validated orders with a value date in `[from, to]`.
    pub fn orders_between(&self, from: i64, to: i64) -> &[Order] {
        let start = self.orders.partition_point(|o| o.value_date < from);
        let end = self.orders.partition_point(|o| o.value_date <= to);
        self.orders.get(start..end.max(start)).unwrap_or(&[])
    }

    /// Quotes created in `[from, to]`.
    pub fn quotes_between(&self, from: i64, to: i64) -> &[Order] {
        let start = self.quotes.partition_point(|o| o.created < from);
        let end = self.quotes.partition_point(|o| o.created <= to);
        self.quotes.get(start..end.max(start)).unwrap_or(&[])
    }

    pub fn find_order(&self, id: u32) -> Option<&Order> {
        self.orders
            .iter()
            .rev()
            .find(|o| o.id == id)
            .or_else(|| self.quotes.iter().find(|o| o.id == id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(mul_div_round(5, 1, 10), 1);
        assert_eq!(mul_div_round(-5, 1, 10), -1);
        assert_eq!(mul_div_round(4, 1, 10), 0);
        // 3.60 € at 10 %: 0.327… → 0.33
        assert_eq!(vat_of(360, 1000), 33);
        assert_eq!(vat_of(-350, 2000), -58);
    }
}
