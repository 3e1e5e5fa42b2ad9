//! The aggregation core: filters and groups order facts and adds up their figures, exactly, in
//! integer cents. Pure and allocation-light, so that it is fast and benchmarkable.
//!
//! Accounting rules (also stated in every answer):
//! - validated orders only (quotes are not sales), selected by value date;
//! - revenue includes VAT and is net: refunds are negative orders and count against it;
//!   discounts are already deducted from totals and are reported on their own;
//! - without a product or department filter or grouping, figures are per order (the POS's
//!   totals and VAT breakdown); with one, they are per line (line totals, VAT per line);
//! - the average basket is the revenue of sales (refunds excluded) over their number.

use std::collections::HashMap;

use super::facts::{DayFacts, LineFact, OrderFact, vat_of};

/// What to group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupBy {
    /// One group: the totals.
    None,
    /// Local day.
    Day,
    /// ISO week (Monday to Sunday).
    Week,
    /// Calendar month.
    Month,
    /// Weekday.
    Weekday,
    /// Hour of the day.
    Hour,
    /// Delivery method.
    DeliveryMethod,
    /// Payment mode (and "unpaid").
    PaymentMode,
    /// Customer.
    Customer,
    /// Product (per line).
    Product,
    /// Department (per line).
    Department,
    /// User who recorded the order.
    User,
    /// Cash register.
    Cashbox,
}

impl GroupBy {
    /// Whether groups are of lines rather than orders.
    pub fn per_line(self) -> bool {
        matches!(self, Self::Product | Self::Department)
    }

    /// Whether the key is a point in time (sorted by time, compared by position).
    pub fn is_time(self) -> bool {
        matches!(
            self,
            Self::Day | Self::Week | Self::Month | Self::Hour | Self::Weekday
        )
    }
}

/// Which orders (and lines) count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// Delivery method codes (empty: all).
    pub delivery: Vec<u8>,
    /// Weekdays, 0 = Monday (empty: all).
    pub weekdays: Vec<u8>,
    /// First hour included (0–23).
    pub hour_from: Option<u8>,
    /// First hour excluded (1–24).
    pub hour_to: Option<u8>,
    /// One customer.
    pub customer: Option<u64>,
    /// One product (per line).
    pub product: Option<u64>,
    /// One department (per line).
    pub department: Option<u64>,
    /// One payment mode id; `Some(0)` means validated but unpaid.
    pub payment_mode: Option<u64>,
    /// First instant included, unix seconds (for periods that start within a day).
    pub from_ts: Option<i64>,
    /// First instant excluded, unix seconds (for periods that end within a day).
    pub to_ts: Option<i64>,
}

impl Filters {
    fn per_line(&self) -> bool {
        self.product.is_some() || self.department.is_some()
    }

    fn order_matches(&self, o: &OrderFact) -> bool {
        (self.delivery.is_empty() || self.delivery.contains(&o.delivery))
            && (self.weekdays.is_empty() || self.weekdays.contains(&o.weekday))
            && self.hour_from.is_none_or(|h| o.hour >= h)
            && self.hour_to.is_none_or(|h| o.hour < h)
            && self.customer.is_none_or(|c| o.customer == c)
            && self.payment_mode.is_none_or(|p| {
                if p == 0 {
                    o.unpaid
                } else {
                    !o.unpaid && o.payment_mode == p
                }
            })
            && self.from_ts.is_none_or(|t| o.ts >= t)
            && self.to_ts.is_none_or(|t| o.ts < t)
    }

    fn line_matches(&self, l: &LineFact) -> bool {
        self.product.is_none_or(|p| l.product == p)
            && self.department.is_none_or(|d| l.department == d)
    }
}

/// The VAT of one rate in a group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VatAcc {
    /// Hundredths of a percent.
    pub rate: i32,
    /// VAT, cents.
    pub vat: i64,
    /// The amount excluding VAT, cents (`None` when some order did not tell it).
    pub base: Option<i64>,
}

/// The figures of a group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Acc {
    /// Orders counted (for per-line figures: orders with a matching line).
    pub orders: u64,
    /// Revenue including VAT, cents.
    pub revenue: i64,
    /// VAT per rate, by increasing rate.
    pub vat: Vec<VatAcc>,
    /// Orders or lines whose VAT is unknown.
    pub vat_unknown: u64,
    /// Items, thousandths (net of refunded items).
    pub items_milli: i64,
    /// Orders whose lines are unknown.
    pub items_unknown: u64,
    /// Refund orders.
    pub refunds: u64,
    /// Their amount (negative), cents.
    pub refund_amount: i64,
    /// Validated orders not paid.
    pub unpaid: u64,
    /// Their amount, cents.
    pub unpaid_amount: i64,
    /// Discounts, cents.
    pub discount: i64,
    /// Sales (orders that are not refunds).
    pub sales: u64,
    /// Their revenue, cents.
    pub sales_revenue: i64,
    /// The last order counted (to count orders once per group in per-line mode).
    last_order: u64,
}

impl Acc {
    fn add_vat(&mut self, rate: i32, vat: i64, base: Option<i64>) {
        match self.vat.iter_mut().find(|v| v.rate == rate) {
            Some(v) => {
                v.vat += vat;
                v.base = v.base.zip(base).map(|(a, b)| a + b);
            }
            None => self.vat.push(VatAcc { rate, vat, base }),
        }
    }

    fn count_order(&mut self, o: &OrderFact, amount: i64) {
        self.orders += 1;
        if o.refund {
            self.refunds += 1;
            self.refund_amount += amount;
        } else {
            self.sales += 1;
            self.sales_revenue += amount;
        }
        if o.unpaid {
            self.unpaid += 1;
            self.unpaid_amount += amount;
        }
    }

    fn add_order(&mut self, o: &OrderFact) {
        self.count_order(o, o.total);
        self.revenue += o.total;
        self.discount += o.discount;
        if o.vat_known {
            for v in &o.vat {
                self.add_vat(v.rate, v.vat, v.base);
            }
        } else {
            self.vat_unknown += 1;
        }
        if o.lines_known {
            self.items_milli += o.lines.iter().map(|l| l.qty_milli).sum::<i64>();
        } else {
            self.items_unknown += 1;
        }
    }

    /// Adds one matching line of order `o` (`index` identifies the order within the run).
    fn add_line(&mut self, o: &OrderFact, index: u64, l: &LineFact) {
        if self.last_order != index {
            self.last_order = index;
            // Per-line mode: the order counts once, with the amount of its matching lines
            // added below.
            self.orders += 1;
            if o.refund {
                self.refunds += 1;
            } else {
                self.sales += 1;
            }
            if o.unpaid {
                self.unpaid += 1;
            }
        }
        self.revenue += l.total;
        if o.refund {
            self.refund_amount += l.total;
        } else {
            self.sales_revenue += l.total;
        }
        if o.unpaid {
            self.unpaid_amount += l.total;
        }
        self.items_milli += l.qty_milli;
        self.discount += l.discount;
        if l.vat_rate >= 0 {
            let vat = vat_of(l.total, l.vat_rate);
            self.add_vat(l.vat_rate, vat, Some(l.total - vat));
        } else {
            self.vat_unknown += 1;
        }
    }

    /// Adds another group's figures (for "others").
    pub fn merge(&mut self, other: &Acc) {
        self.orders += other.orders;
        self.revenue += other.revenue;
        for v in &other.vat {
            self.add_vat(v.rate, v.vat, v.base);
        }
        self.vat_unknown += other.vat_unknown;
        self.items_milli += other.items_milli;
        self.items_unknown += other.items_unknown;
        self.refunds += other.refunds;
        self.refund_amount += other.refund_amount;
        self.unpaid += other.unpaid;
        self.unpaid_amount += other.unpaid_amount;
        self.discount += other.discount;
        self.sales += other.sales;
        self.sales_revenue += other.sales_revenue;
    }

    /// Total VAT, when known for everything counted.
    pub fn vat_total(&self) -> Option<i64> {
        (self.vat_unknown == 0).then(|| self.vat.iter().map(|v| v.vat).sum())
    }

    /// The average basket in cents (sales only), rounded.
    pub fn average_basket(&self) -> Option<i64> {
        (self.sales > 0).then(|| {
            let s = i128::from(self.sales);
            let r = i128::from(self.sales_revenue);
            let q = (2 * r + s * r.signum()) / (2 * s);
            i64::try_from(q).unwrap_or(0)
        })
    }
}

/// A group key (a day number, a week's Monday, a month, an hour, an id…).
pub type Key = i64;

/// The result of an aggregation.
#[derive(Debug, Clone, Default)]
pub struct Aggregate {
    /// Everything that matched.
    pub total: Acc,
    /// Per group key.
    pub groups: HashMap<Key, Acc>,
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    // Howard Hinnant's algorithm: days since 1970-01-01.
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The day number of `YYYY-MM-DD`.
pub fn day_number(date: &str) -> i64 {
    let mut parts = date.split('-').map(|p| p.parse::<i64>().unwrap_or(0));
    let (y, m, d) = (
        parts.next().unwrap_or(1970),
        parts.next().unwrap_or(1),
        parts.next().unwrap_or(1),
    );
    days_from_civil(y, m, d)
}

/// The month key of `YYYY-MM-DD`: `year × 12 + month − 1`.
pub fn month_key(date: &str) -> i64 {
    let mut parts = date.split('-').map(|p| p.parse::<i64>().unwrap_or(0));
    let (y, m) = (parts.next().unwrap_or(1970), parts.next().unwrap_or(1));
    y * 12 + (m - 1)
}

/// The payment-mode group of an order: 0 unpaid, -1 paid by an unknown mode, else the mode.
pub fn payment_key(o: &OrderFact) -> Key {
    if o.unpaid {
        0
    } else if o.payment_mode == 0 {
        -1
    } else {
        i64::try_from(o.payment_mode).unwrap_or(-1)
    }
}

fn order_key(group: GroupBy, day: i64, month: i64, o: &OrderFact) -> Key {
    match group {
        GroupBy::None | GroupBy::Product | GroupBy::Department => 0,
        GroupBy::Day => day,
        GroupBy::Week => day - i64::from(o.weekday),
        GroupBy::Month => month,
        GroupBy::Weekday => i64::from(o.weekday),
        GroupBy::Hour => i64::from(o.hour),
        GroupBy::DeliveryMethod => i64::from(o.delivery),
        // 0: validated but unpaid; -1: paid, mode unknown; else the mode.
        GroupBy::PaymentMode => payment_key(o),
        GroupBy::Customer => i64::try_from(o.customer).unwrap_or(0),
        GroupBy::User => i64::try_from(o.user).unwrap_or(0),
        GroupBy::Cashbox => i64::try_from(o.cashbox).unwrap_or(0),
    }
}

/// Aggregates `days` (each a local day of orders) with `filters`, grouped by `group`.
pub fn aggregate(days: &[&DayFacts], filters: &Filters, group: GroupBy) -> Aggregate {
    let mut out = Aggregate::default();
    let per_line = group.per_line() || filters.per_line();
    let mut index: u64 = 0;
    for day in days {
        let dn = day_number(&day.date);
        let mn = month_key(&day.date);
        for o in &day.orders {
            index += 1;
            if !filters.order_matches(o) {
                continue;
            }
            if !per_line {
                let key = order_key(group, dn, mn, o);
                out.total.add_order(o);
                if group != GroupBy::None {
                    out.groups.entry(key).or_default().add_order(o);
                }
                continue;
            }
            if !o.lines_known {
                out.total.items_unknown += 1;
                continue;
            }
            for l in &o.lines {
                if !filters.line_matches(l) {
                    continue;
                }
                out.total.add_line(o, index, l);
                let key = match group {
                    GroupBy::Product => i64::try_from(l.product).unwrap_or(0),
                    GroupBy::Department => i64::try_from(l.department).unwrap_or(0),
                    GroupBy::None => continue,
                    other => order_key(other, dn, mn, o),
                };
                out.groups.entry(key).or_default().add_line(o, index, l);
            }
        }
    }
    for acc in out.groups.values_mut() {
        acc.vat.sort_unstable_by_key(|v| v.rate);
    }
    out.total.vat.sort_unstable_by_key(|v| v.rate);
    out
}

#[cfg(test)]
mod tests {
    use super::super::facts::VatPart;
    use super::*;

    fn order(id: u64, total: i64, weekday: u8, hour: u8, customer: u64, refund: bool) -> OrderFact {
        OrderFact {
            id,
            ts: 0,
            weekday,
            hour,
            total,
            vat: vec![VatPart {
                rate: 1000,
                vat: vat_of(total, 1000),
                base: Some(total - vat_of(total, 1000)),
            }],
            vat_known: true,
            discount: 0,
            delivery: 2,
            payment_mode: if customer == 9 { 0 } else { 2 },
            unpaid: customer == 9,
            customer,
            user: 1,
            cashbox: 1,
            refund,
            lines_known: true,
            lines: vec![
                LineFact {
                    product: 1,
                    department: 1,
                    qty_milli: if refund { -1000 } else { 2000 },
                    total: total / 2,
                    discount: 0,
                    vat_rate: 1000,
                },
                LineFact {
                    product: 2,
                    department: 3,
                    qty_milli: if refund { 0 } else { 1000 },
                    total: total - total / 2,
                    discount: 0,
                    vat_rate: 550,
                },
            ],
        }
    }

    #[test]
    fn figures_per_order_and_per_line() {
        let d1 = DayFacts {
            date: "2026-11-16".into(),
            orders: vec![
                order(1, 1000, 0, 8, 5, false),
                order(2, 500, 0, 12, 9, false),
            ],
        };
        let d2 = DayFacts {
            date: "2026-11-17".into(),
            orders: vec![order(3, -300, 1, 9, 5, true)],
        };
        let days = [&d1, &d2];
        let a = aggregate(&days, &Filters::default(), GroupBy::Customer);
        assert_eq!(a.total.orders, 3);
        assert_eq!(a.total.revenue, 1200);
        assert_eq!(a.total.refunds, 1);
        assert_eq!(a.total.refund_amount, -300);
        assert_eq!(a.total.unpaid, 1);
        assert_eq!(a.total.unpaid_amount, 500);
        assert_eq!(a.total.items_milli, 2000 + 1000 + 2000 + 1000 - 1000);
        assert_eq!(a.total.average_basket(), Some(750));
        assert_eq!(a.groups[&5].revenue, 700);
        assert_eq!(a.groups[&9].orders, 1);
        let p = aggregate(&days, &Filters::default(), GroupBy::Product);
        assert_eq!(p.groups[&1].revenue, 500 + 250 - 150);
        assert_eq!(p.groups[&1].orders, 3);
        assert_eq!(p.total.revenue, 1200);
        let f = Filters {
            weekdays: vec![1],
            ..Filters::default()
        };
        assert_eq!(aggregate(&days, &f, GroupBy::None).total.orders, 1);
        let f = Filters {
            product: Some(2),
            ..Filters::default()
        };
        let t = aggregate(&days, &f, GroupBy::None).total;
        assert_eq!(t.revenue, 500 + 250 - 150);
        let vat = vat_of(500, 550) + vat_of(250, 550) + vat_of(-150, 550);
        assert_eq!(
            t.vat,
            vec![VatAcc {
                rate: 550,
                vat,
                base: Some(600 - vat)
            }]
        );
        let w = aggregate(&days, &Filters::default(), GroupBy::Week);
        assert_eq!(w.groups.len(), 1, "Monday and Tuesday of one week");
    }

    #[test]
    fn filters_narrow_and_groups_split() {
        let mut late = order(4, 800, 4, 22, 7, false);
        late.ts = 2_000;
        late.delivery = 1;
        let mut early = order(5, 200, 4, 7, 7, false);
        early.ts = 1_000;
        let d = DayFacts {
            date: "2026-11-20".into(),
            orders: vec![late, early, order(6, 500, 4, 12, 9, false)],
        };
        let days = [&d];
        let total = |f: Filters| aggregate(&days, &f, GroupBy::None).total.revenue;
        let hours = Filters {
            hour_from: Some(8),
            hour_to: Some(21),
            ..Filters::default()
        };
        assert_eq!(total(hours), 500, "only the noon order is within 8h-21h");
        let delivery = Filters {
            delivery: vec![1],
            ..Filters::default()
        };
        assert_eq!(total(delivery), 800);
        let customer = Filters {
            customer: Some(7),
            ..Filters::default()
        };
        assert_eq!(total(customer), 1000);
        let instants = Filters {
            from_ts: Some(1_500),
            to_ts: Some(2_500),
            ..Filters::default()
        };
        assert_eq!(total(instants), 800, "from included, to excluded");
        let by_hour = aggregate(&days, &Filters::default(), GroupBy::Hour);
        assert_eq!(by_hour.groups.len(), 3);
        let by_mode = aggregate(&days, &Filters::default(), GroupBy::PaymentMode);
        assert_eq!(
            by_mode.groups.values().map(|a| a.revenue).sum::<i64>(),
            1500
        );
        assert_eq!(by_mode.total.unpaid_amount, 500, "customer 9 has not paid");
    }

    #[test]
    fn day_numbers() {
        assert_eq!(day_number("1970-01-01"), 0);
        assert_eq!(day_number("2026-11-16") - day_number("2026-11-09"), 7);
        assert_eq!(day_number("2024-03-01") - day_number("2024-02-28"), 2);
    }
}
