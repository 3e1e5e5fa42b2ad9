//! The ground truth of sales figures, computed straight from the sandbox's orders with a
//! deliberately plain implementation that shares no code with the server: every order is
//! looked at, its local time computed with jiff, and the figures added up in ordinary maps.
//! Tests compare what `sales_summary` answers with this.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use kash_sandbox::model::{Order, ShopData, vat_of};

/// What to group by (the tool's `groupBy` names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    None,
    Day,
    Week,
    Month,
    Weekday,
    Hour,
    DeliveryMethod,
    PaymentMode,
    Customer,
    Product,
    Department,
    User,
    Cashbox,
}

impl Group {
    pub const ALL: [Group; 13] = [
        Group::None,
        Group::Day,
        Group::Week,
        Group::Month,
        Group::Weekday,
        Group::Hour,
        Group::DeliveryMethod,
        Group::PaymentMode,
        Group::Customer,
        Group::Product,
        Group::Department,
        Group::User,
        Group::Cashbox,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Group::None => "none",
            Group::Day => "day",
            Group::Week => "week",
            Group::Month => "month",
            Group::Weekday => "weekday",
            Group::Hour => "hour",
            Group::DeliveryMethod => "delivery_method",
            Group::PaymentMode => "payment_mode",
            Group::Customer => "customer",
            Group::Product => "product",
            Group::Department => "department",
            Group::User => "user",
            Group::Cashbox => "cashbox",
        }
    }

    fn lines(self) -> bool {
        matches!(self, Group::Product | Group::Department)
    }
}

/// Which orders count.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// First instant included.
    pub from: Option<Timestamp>,
    /// First instant excluded.
    pub to: Option<Timestamp>,
    /// Delivery method codes.
    pub delivery: Vec<u8>,
    /// Weekdays, 1 = Monday … 7 = Sunday.
    pub weekdays: Vec<i8>,
    pub hour_from: Option<i8>,
    pub hour_to: Option<i8>,
    pub customer: Option<u32>,
    pub product: Option<u32>,
    pub department: Option<u32>,
    /// A payment mode id, or -1 for unpaid.
    pub payment: Option<i64>,
}

impl Query {
    /// The orders of the local days `from` to `to` (`YYYY-MM-DD`, both included) in `tz`.
    pub fn days(from: &str, to: &str, tz: &TimeZone) -> Self {
        let end = to.parse::<jiff::civil::Date>().unwrap().tomorrow().unwrap();
        Self {
            from: Some(midnight(from, tz)),
            to: Some(midnight(&end.to_string(), tz)),
            ..Self::default()
        }
    }
}

/// The figures of a set of orders, in cents and thousandths.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fig {
    pub orders: u64,
    pub sales: u64,
    pub revenue: i64,
    pub sales_revenue: i64,
    /// Rate (hundredths of a percent) → VAT.
    pub vat: BTreeMap<i64, i64>,
    pub items_milli: i64,
    pub refunds: u64,
    pub refund_amount: i64,
    pub unpaid: u64,
    pub unpaid_amount: i64,
    pub discount: i64,
}

impl Fig {
    pub fn vat_total(&self) -> i64 {
        self.vat.values().sum()
    }

    /// Sales revenue over sales, rounded half away from zero, in cents.
    pub fn average_basket(&self) -> Option<i64> {
        if self.sales == 0 {
            return None;
        }
        let r = self.sales_revenue as f64 / self.sales as f64;
        Some(r.round() as i64)
    }
}

fn weekday_name(n: i8) -> &'static str {
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ][usize::try_from(n - 1).unwrap()]
}

fn method_name(code: u8) -> &'static str {
    match code {
        0 => "takeaway",
        1 => "delivery",
        2 => "eat_in",
        3 => "drive_through",
        4 => "counter_sale",
        5 => "relay_point",
        6 => "shipping",
        _ => "unknown",
    }
}

fn id_key(id: Option<u32>) -> String {
    match id {
        Some(n) if n > 0 => n.to_string(),
        _ => "none".to_owned(),
    }
}

/// The key of an order (or of one of its lines) in the tool's words.
fn key(group: Group, o: &Order, line: Option<&kash_sandbox::model::Line>, tz: &TimeZone) -> String {
    let local = Timestamp::from_second(o.value_date)
        .unwrap()
        .to_zoned(tz.clone());
    match group {
        Group::None => String::new(),
        Group::Day => local.date().to_string(),
        Group::Week => {
            let w = local.date().iso_week_date();
            format!("{}-W{:02}", w.year(), w.week())
        }
        Group::Month => format!("{}-{:02}", local.year(), local.month()),
        Group::Weekday => weekday_name(local.weekday().to_monday_one_offset()).to_owned(),
        Group::Hour => format!("{:02}", local.hour()),
        Group::DeliveryMethod => method_name(o.delivery_method).to_owned(),
        Group::PaymentMode => {
            if o.payment == -1 {
                "unpaid".to_owned()
            } else {
                o.payment.to_string()
            }
        }
        Group::Customer => id_key(o.customer),
        Group::User => id_key(o.user),
        Group::Cashbox => id_key(o.cashbox),
        Group::Product => id_key(line.and_then(|l| l.product)),
        Group::Department => id_key(line.and_then(|l| l.department)),
    }
}

fn order_counts(q: &Query, o: &Order, tz: &TimeZone) -> bool {
    let at = Timestamp::from_second(o.value_date).unwrap();
    let local = at.to_zoned(tz.clone());
    if q.from.is_some_and(|f| at < f) || q.to.is_some_and(|t| at >= t) {
        return false;
    }
    if !q.delivery.is_empty() && !q.delivery.contains(&o.delivery_method) {
        return false;
    }
    if !q.weekdays.is_empty() && !q.weekdays.contains(&local.weekday().to_monday_one_offset()) {
        return false;
    }
    if q.hour_from.is_some_and(|h| local.hour() < h) || q.hour_to.is_some_and(|h| local.hour() >= h)
    {
        return false;
    }
    if q.customer.is_some() && o.customer != q.customer {
        return false;
    }
    match q.payment {
        Some(-1) if o.payment != -1 => return false,
        Some(p) if p > 0 && o.payment != p => return false,
        _ => {}
    }
    true
}

/// The figures of the validated orders matching `q`, in total and per group key.
pub fn summarize(
    shop: &ShopData,
    tz: &TimeZone,
    q: &Query,
    group: Group,
) -> (Fig, BTreeMap<String, Fig>) {
    let per_line = group.lines() || q.product.is_some() || q.department.is_some();
    let mut total = Fig::default();
    let mut groups: BTreeMap<String, Fig> = BTreeMap::new();
    for o in &shop.orders {
        if o.payment == -2 || !order_counts(q, o, tz) {
            continue;
        }
        if !per_line {
            add_order(&mut total, o);
            if group != Group::None {
                add_order(groups.entry(key(group, o, None, tz)).or_default(), o);
            }
            continue;
        }
        // Per line: each group (and the total) counts the order once, with its matching lines.
        let matching: Vec<&kash_sandbox::model::Line> = o
            .lines
            .iter()
            .filter(|l| q.product.is_none() || l.product == q.product)
            .filter(|l| q.department.is_none() || l.department == q.department)
            .collect();
        if matching.is_empty() {
            continue;
        }
        add_lines(&mut total, o, &matching);
        if group != Group::None {
            let mut by_key: BTreeMap<String, Vec<&kash_sandbox::model::Line>> = BTreeMap::new();
            for l in matching {
                by_key
                    .entry(key(group, o, Some(l), tz))
                    .or_default()
                    .push(l);
            }
            for (k, lines) in by_key {
                add_lines(groups.entry(k).or_default(), o, &lines);
            }
        }
    }
    (total, groups)
}

fn count(f: &mut Fig, o: &Order, amount: i64) {
    f.orders += 1;
    if o.refund {
        f.refunds += 1;
        f.refund_amount += amount;
    } else {
        f.sales += 1;
        f.sales_revenue += amount;
    }
    if o.payment == -1 {
        f.unpaid += 1;
        f.unpaid_amount += amount;
    }
}

fn add_order(f: &mut Fig, o: &Order) {
    count(f, o, o.total);
    f.revenue += o.total;
    f.discount += o.discount;
    for v in o.vats() {
        *f.vat.entry(v.rate).or_default() += v.vat;
    }
    f.items_milli += o.lines.iter().map(|l| l.quantity).sum::<i64>();
}

fn add_lines(f: &mut Fig, o: &Order, lines: &[&kash_sandbox::model::Line]) {
    let amount: i64 = lines.iter().map(|l| l.total).sum();
    count(f, o, amount);
    f.revenue += amount;
    for l in lines {
        f.discount += l.discount;
        f.items_milli += l.quantity;
        *f.vat.entry(l.vat_rate).or_default() += vat_of(l.total, l.vat_rate);
    }
}

/// Local midnight of `date` (`YYYY-MM-DD`) in `tz`.
pub fn midnight(date: &str, tz: &TimeZone) -> Timestamp {
    date.parse::<jiff::civil::Date>()
        .unwrap()
        .to_zoned(tz.clone())
        .unwrap()
        .timestamp()
}

/// A JSON amount (euros) in cents.
pub fn cents(v: &serde_json::Value) -> i64 {
    (v.as_f64().unwrap_or_else(|| panic!("not an amount: {v}")) * 100.0).round() as i64
}

/// A JSON quantity in thousandths.
pub fn milli(v: &serde_json::Value) -> i64 {
    (v.as_f64().unwrap_or_else(|| panic!("not a number: {v}")) * 1000.0).round() as i64
}
