//! Orders reduced to what the figures need: integer cents, thousandths of units, VAT rates in
//! hundredths of a percent, and the local day, weekday and hour of the value date in the shop's
//! time zone, computed once.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use kash_api::Decimal;
use kash_api::orders::{Order, PaymentState};
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

/// One line of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineFact {
    /// Product id (0: none).
    pub product: u64,
    /// Department id (0: none).
    pub department: u64,
    /// Quantity in thousandths (negative on refund lines).
    pub qty_milli: i64,
    /// Total including VAT, net of the line's discount, cents.
    pub total: i64,
    /// The line's discount, cents.
    pub discount: i64,
    /// VAT rate in hundredths of a percent (-1: unknown).
    pub vat_rate: i32,
}

/// VAT of one rate on an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VatPart {
    /// Hundredths of a percent.
    pub rate: i32,
    /// Cents.
    pub vat: i64,
    /// The amount excluding VAT it applies to, cents, when known.
    pub base: Option<i64>,
}

/// One validated order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFact {
    /// Order id.
    pub id: u64,
    /// Value date, unix seconds.
    pub ts: i64,
    /// Local weekday, 0 = Monday.
    pub weekday: u8,
    /// Local hour, 0–23.
    pub hour: u8,
    /// Total including VAT, cents (negative for a refund).
    pub total: i64,
    /// VAT per rate; empty with `vat_known` false when the POS gave none.
    pub vat: Vec<VatPart>,
    /// Whether `vat` is complete.
    pub vat_known: bool,
    /// Discount, cents.
    pub discount: i64,
    /// Delivery method code (255: unknown).
    pub delivery: u8,
    /// Payment mode id: the paid state's, else the first payment's (0: none).
    pub payment_mode: u64,
    /// Validated but not (fully) paid.
    pub unpaid: bool,
    /// Customer id (0: none).
    pub customer: u64,
    /// User id (0: none).
    pub user: u64,
    /// Cash register id (0: none).
    pub cashbox: u64,
    /// A refund.
    pub refund: bool,
    /// Whether `lines` are known (the list may not carry them).
    pub lines_known: bool,
    /// The lines.
    pub lines: Vec<LineFact>,
}

/// The validated orders of one local day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayFacts {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// Its orders, by value date.
    pub orders: Vec<OrderFact>,
}

impl DayFacts {
    /// Whether every order's lines are known.
    pub fn lines_known(&self) -> bool {
        self.orders.iter().all(|o| o.lines_known)
    }
}

/// Cents, rounded half away from zero.
pub fn cents(d: Decimal) -> i64 {
    (d * Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        .to_i64()
        .unwrap_or(0)
}

fn milli(d: Decimal) -> i64 {
    (d * Decimal::from(1000))
        .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        .to_i64()
        .unwrap_or(0)
}

fn rate_centi(d: Decimal) -> i32 {
    (d * Decimal::ONE_HUNDRED).round().to_i32().unwrap_or(-1)
}

/// The VAT contained in `ttc` cents at `rate` hundredths of a percent, rounded to the cent.
pub fn vat_of(ttc: i64, rate: i32) -> i64 {
    let (n, d) = (
        i128::from(ttc) * i128::from(rate),
        10_000 + i128::from(rate),
    );
    if d == 0 {
        return 0;
    }
    let q = n / d;
    let r = n % d;
    let rounded = if r.abs() * 2 >= d { q + n.signum() } else { q };
    i64::try_from(rounded).unwrap_or(0)
}

/// The fact of an order, with its local day (for bucketing) in `tz`.
pub fn fact(order: &Order, tz: &TimeZone) -> Option<(Date, OrderFact)> {
    let when = order.value_date.or(order.created_at)?;
    let z = when.to_zoned(tz);
    let lines: Vec<LineFact> = order
        .lines
        .iter()
        .flatten()
        .map(|l| LineFact {
            product: l.product_id.map_or(0, |p| p.0),
            department: l.department_id.map_or(0, |d| d.0),
            qty_milli: milli(l.quantity.unwrap_or(Decimal::ONE)),
            total: l.amount().map_or(0, cents),
            discount: l.discount.map_or(0, cents),
            vat_rate: l.vat_rate.map_or(-1, rate_centi),
        })
        .collect();
    let total = order
        .total
        .map(cents)
        .unwrap_or_else(|| lines.iter().map(|l| l.total).sum());
    let (vat, vat_known) = if !order.vat_breakdown.is_empty() {
        (
            order
                .vat_breakdown
                .iter()
                .map(|v| VatPart {
                    rate: rate_centi(v.rate),
                    vat: cents(v.amount),
                    base: v.base.map(cents),
                })
                .collect(),
            true,
        )
    } else if order.lines.is_some() && lines.iter().all(|l| l.vat_rate >= 0) {
        // No breakdown: the POS's rule, per rate on the lines' sum.
        let mut by_rate: Vec<(i32, i64)> = Vec::new();
        for l in &lines {
            match by_rate.iter_mut().find(|(r, _)| *r == l.vat_rate) {
                Some((_, t)) => *t += l.total,
                None => by_rate.push((l.vat_rate, l.total)),
            }
        }
        (
            by_rate
                .into_iter()
                .map(|(rate, ttc)| {
                    let vat = vat_of(ttc, rate);
                    VatPart {
                        rate,
                        vat,
                        base: Some(ttc - vat),
                    }
                })
                .collect(),
            true,
        )
    } else {
        (Vec::new(), false)
    };
    let payment_mode = match order.payment_state {
        Some(PaymentState::Paid(id)) => id.0,
        _ => order
            .payments
            .iter()
            .find_map(|p| p.payment_mode_id)
            .map_or(0, |m| m.0),
    };
    let unpaid = !matches!(order.payment_state, Some(PaymentState::Quote)) && !order.is_paid();
    Some((
        z.date(),
        OrderFact {
            id: order.id.0,
            ts: z.timestamp().as_second(),
            weekday: u8::try_from(z.weekday().to_monday_zero_offset()).unwrap_or(0),
            hour: u8::try_from(z.hour()).unwrap_or(0),
            total,
            vat,
            vat_known,
            discount: order.discount.map(cents).unwrap_or_else(|| {
                order
                    .lines
                    .iter()
                    .flatten()
                    .filter_map(|l| l.discount)
                    .map(cents)
                    .sum()
            }),
            delivery: order
                .delivery_method
                .map_or(255, |m| u8::try_from(m.code()).unwrap_or(255)),
            payment_mode,
            unpaid,
            customer: order.customer_id.map_or(0, |c| c.0),
            user: order.user_id.map_or(0, |u| u.0),
            cashbox: order.cashbox_id.map_or(0, |c| c.0),
            refund: order.is_refund == Some(true) || total < 0,
            lines_known: order.lines.is_some(),
            lines,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vat_rounding() {
        assert_eq!(vat_of(360, 1000), 33);
        assert_eq!(vat_of(-350, 2000), -58);
        assert_eq!(vat_of(0, 550), 0);
        assert_eq!(cents("3.605".parse().unwrap()), 361);
        assert_eq!(cents("-3.605".parse().unwrap()), -361);
    }
}
