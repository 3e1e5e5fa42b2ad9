//! About 25 months of order history ending "now".
//!
//! 100–250 orders a day with weekday, hour and month seasonality, year-over-year growth and
//! slowly rising prices; a delivery-method mix whose takeaway share grows; regulars with
//! weekday habits (Atelier Martin's lunch trays every Tuesday, Paul Girard's breakfasts on
//! Tuesdays and Thursdays); about 1 % refunds, some unpaid invoices, weekly catering quotes;
//! and orders in progress for this evening, deliveries with their times.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use rand::Rng;
use rand::seq::IndexedRandom;

use crate::model::*;
use crate::people::*;
use crate::reference::*;

/// What the generator needs to know about time.
#[derive(Debug, Clone)]
pub struct Clock {
    pub now: Timestamp,
    pub tz: TimeZone,
    pub days: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Breakfast,
    Lunch,
    Afternoon,
    Evening,
    LunchTray,
    Flowers,
    Bread,
}

fn slot_of(hour: i8) -> Slot {
    match hour {
        ..=10 => Slot::Breakfast,
        11..=14 => Slot::Lunch,
        15..=16 => Slot::Afternoon,
        _ => Slot::Evening,
    }
}

#[derive(Debug, Clone, Copy)]
struct Regular {
    customer: u32,
    /// Bit 0 = Monday.
    weekdays: u8,
    hour: i8,
    per_mille: u32,
    slot: Slot,
    delivery: u8,
}

/// A product with its popularity weight.
type Weighted = Vec<(u32, u32)>;

struct Ctx<'a> {
    shop: &'a ShopData,
    by_dept: &'a BTreeMap<u32, Weighted>,
    /// Per-mille position in the timeline (0 = first day, 1000 = today).
    t: i64,
    eat_in: bool,
}

impl Ctx<'_> {
    fn pick<R: Rng>(&self, rng: &mut R, dept: u32) -> Option<u32> {
        let list = self.by_dept.get(&dept)?;
        list.choose_weighted(rng, |(_, w)| *w)
            .ok()
            .map(|(id, _)| *id)
    }

    /// Prices rose by about 6 % over the history.
    fn price_then(&self, price: Cents) -> Cents {
        let factor = 10_000 - 600 * (1000 - self.t) / 1000;
        let p = mul_div_round(price, factor, 10_000);
        (p + 5) / 10 * 10
    }

    fn line<R: Rng>(&self, rng: &mut R, product: u32, qty: i64) -> Option<Line> {
        let p = self.shop.product(product)?;
        let mut choices = Vec::new();
        let mut delta = 0;
        for var in &p.variations {
            let choice = match var {
                1 => Some(if rng.random_bool(0.3) { 12 } else { 11 }),
                2 => [(21, 75), (22, 12), (23, 8), (24, 5)]
                    .choose_weighted(rng, |c| c.1)
                    .ok()
                    .map(|c| c.0),
                3 => rng
                    .random_bool(0.2)
                    .then(|| [31, 32, 33].choose(rng).copied())
                    .flatten(),
                4 => [(41, 30), (42, 50), (43, 20)]
                    .choose_weighted(rng, |c| c.1)
                    .ok()
                    .map(|c| c.0),
                _ => None,
            };
            if let Some(c) = choice {
                delta += self.shop.choice(c).map_or(0, |(_, ch)| ch.delta);
                choices.push(c);
            }
        }
        let unit = self.price_then(p.price) + delta;
        let quantity = qty * UNIT;
        Some(Line {
            product: Some(p.id),
            department: Some(p.department),
            title: p.title.clone(),
            quantity,
            unit_price: unit,
            discount: 0,
            total: unit * qty,
            vat_rate: self.shop.product_vat(p, self.eat_in),
            variations: choices.into(),
        })
    }

    fn add<R: Rng>(&self, rng: &mut R, lines: &mut Vec<Line>, dept: u32, qty: i64) {
        if let Some(id) = self.pick(rng, dept)
            && let Some(l) = self.line(rng, id, qty)
        {
            lines.push(l);
        }
    }
}

fn qty<R: Rng>(rng: &mut R, max: i64) -> i64 {
    let q = match rng.random_range(0..100) {
        0..78 => 1,
        78..94 => 2,
        _ => 3,
    };
    q.min(max.max(1))
}

fn basket<R: Rng>(ctx: &Ctx<'_>, rng: &mut R, slot: Slot, flowers_per_mille: u32) -> Vec<Line> {
    let mut lines = Vec::new();
    match slot {
        Slot::Breakfast => {
            let q = qty(rng, 2);
            ctx.add(rng, &mut lines, D_HOT, q);
            if rng.random_bool(0.6) {
                let q = rng.random_range(1..=3);
                ctx.add(rng, &mut lines, D_VIENNOISERIE, q);
            }
            if rng.random_bool(0.25) {
                let q = qty(rng, 2);
                ctx.add(rng, &mut lines, D_BREAD, q);
            }
            if rng.random_bool(0.15) {
                ctx.add(rng, &mut lines, D_COLD, 1);
            }
        }
        Slot::Lunch => {
            let main = if rng.random_bool(0.5) {
                D_SANDWICH
            } else {
                D_DISH
            };
            let q = qty(rng, 2);
            ctx.add(rng, &mut lines, main, q);
            if rng.random_bool(0.7) {
                let drink = if rng.random_bool(0.25) { D_HOT } else { D_COLD };
                ctx.add(rng, &mut lines, drink, 1);
            }
            if rng.random_bool(0.35) {
                ctx.add(rng, &mut lines, D_DESSERT, 1);
            }
            if ctx.eat_in && rng.random_bool(0.3) {
                ctx.add(rng, &mut lines, D_HOT, 1);
            }
            if ctx.eat_in && rng.random_bool(0.08) {
                ctx.add(rng, &mut lines, D_BAR, 1);
            }
        }
        Slot::Afternoon => {
            let sweet = if rng.random_bool(0.65) {
                D_PASTRY
            } else {
                D_VIENNOISERIE
            };
            let q = qty(rng, 2);
            ctx.add(rng, &mut lines, sweet, q);
            if rng.random_bool(0.6) {
                ctx.add(rng, &mut lines, D_HOT, 1);
            }
            if rng.random_bool(0.2) {
                ctx.add(rng, &mut lines, D_COLD, 1);
            }
        }
        Slot::Evening => {
            if rng.random_bool(0.6) {
                let q = qty(rng, 3);
                ctx.add(rng, &mut lines, D_BREAD, q);
            }
            if rng.random_bool(0.3) {
                let q = qty(rng, 4);
                ctx.add(rng, &mut lines, D_PASTRY, q);
            }
            if ctx.eat_in || rng.random_bool(0.1) {
                let q = qty(rng, 2);
                ctx.add(rng, &mut lines, D_BAR, q);
            }
            if rng.random_bool(0.05) {
                ctx.add(rng, &mut lines, D_GROCERY, 1);
            }
        }
        Slot::LunchTray => {
            let n = rng.random_range(6..=10);
            for _ in 0..n {
                let dept = [D_SANDWICH, D_DISH, D_DESSERT, D_COLD]
                    .choose(rng)
                    .copied()
                    .unwrap_or(D_SANDWICH);
                ctx.add(rng, &mut lines, dept, 1);
            }
        }
        Slot::Flowers => {
            ctx.add(rng, &mut lines, D_FLOWERS, 1);
            if rng.random_bool(0.4) {
                let q = qty(rng, 2);
                ctx.add(rng, &mut lines, D_PASTRY, q);
            }
        }
        Slot::Bread => {
            let q = qty(rng, 3);
            ctx.add(rng, &mut lines, D_BREAD, q);
            let q = rng.random_range(2..=6);
            ctx.add(rng, &mut lines, D_VIENNOISERIE, q);
        }
    }
    if slot != Slot::Flowers && rng.random_range(0..1000) < flowers_per_mille {
        let roses = [1, 1, 1, 3, 5, 10, 12].choose(rng).copied().unwrap_or(1);
        if let Some(id) = ctx.pick(rng, D_FLOWERS) {
            let q = if ctx.shop.product(id).is_some_and(|p| p.price < 1000) {
                roses
            } else {
                1
            };
            if let Some(l) = ctx.line(rng, id, q) {
                lines.push(l);
            }
        }
    }
    if lines.is_empty() {
        ctx.add(rng, &mut lines, D_HOT, 1);
    }
    lines
}

/// Merges lines of the same product and choices into one line with the summed quantity.
fn merge(lines: Vec<Line>) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    for l in lines {
        match out.iter_mut().find(|o| {
            o.product == l.product && o.variations == l.variations && o.unit_price == l.unit_price
        }) {
            Some(o) => {
                o.quantity += l.quantity;
                o.total += l.total;
            }
            None => out.push(l),
        }
    }
    out
}

fn discount_lines(lines: &mut [Line], percent_centi: i64) {
    for l in lines {
        let gross = l.total + l.discount;
        let d = mul_div_round(gross, percent_centi, 10_000);
        l.discount = d;
        l.total = gross - d;
    }
}

struct Draft {
    order: Order,
}

/// The day's number of orders before the clamp to 100–250.
fn orders_on<R: Rng>(rng: &mut R, date: Date, t: i64, span_days: i64) -> u32 {
    if (date.month(), date.day()) == (12, 25) || (date.month(), date.day()) == (1, 1) {
        return 0;
    }
    let base: [i64; 7] = [120, 140, 135, 140, 165, 215, 150];
    let season: [i64; 12] = [90, 92, 100, 103, 106, 110, 100, 72, 105, 100, 98, 115];
    let weekday = usize::try_from(date.weekday().to_monday_zero_offset()).unwrap_or(0);
    let month = usize::try_from(date.month() - 1).unwrap_or(0);
    let years = t * span_days / 1000;
    let growth = 100 + 9 * years / 365;
    let noise = rng.random_range(92..=108);
    let n = base.get(weekday).copied().unwrap_or(140)
        * season.get(month).copied().unwrap_or(100)
        * growth
        * noise
        / 1_000_000;
    u32::try_from(n.clamp(100, 250)).unwrap_or(100)
}

const HOUR_WEIGHTS: [(i8, u32); 14] = [
    (7, 6),
    (8, 12),
    (9, 9),
    (10, 5),
    (11, 6),
    (12, 14),
    (13, 13),
    (14, 6),
    (15, 4),
    (16, 7),
    (17, 8),
    (18, 6),
    (19, 4),
    (20, 1),
];

fn delivery_method<R: Rng>(rng: &mut R, t: i64) -> u8 {
    // Takeaway grows from 22 % to 34 % of orders over the history.
    let weights = [
        (TAKEAWAY, 220 + 120 * t / 1000),
        (EAT_IN, 400 - 60 * t / 1000),
        (COUNTER, 200 - 40 * t / 1000),
        (DELIVERY, 140 - 20 * t / 1000),
        (RELAY, 20),
        (SHIPPING, 10),
    ];
    weights
        .choose_weighted(rng, |w| w.1)
        .map_or(COUNTER, |w| w.0)
}

fn user_for<R: Rng>(rng: &mut R, hour: i8) -> u32 {
    let pool: &[(u32, u32)] = match hour {
        ..=11 => &[(U_BARISTA, 50), (U_MANAGER, 20), (U_BAKER, 30)],
        12..=14 => &[(U_WAITER, 60), (U_MANAGER, 40)],
        _ => &[(U_WAITER, 40), (U_BAKER, 40), (U_MANAGER, 20)],
    };
    pool.choose_weighted(rng, |u| u.1)
        .map_or(U_MANAGER, |u| u.0)
}

/// Generates the history into `shop.orders` and `shop.quotes`, and the loyalty figures.
pub fn generate<R: Rng>(shop: &mut ShopData, rng: &mut R, clock: &Clock) {
    let today = clock.now.to_zoned(clock.tz.clone()).date();
    let span = i64::from(clock.days);
    let first = today
        .checked_sub(i64::from(clock.days).days())
        .unwrap_or(today);
    let mut by_dept: BTreeMap<u32, Weighted> = BTreeMap::new();
    for d in &shop.departments {
        let list: Weighted = crate::reference::products_in(shop, d.id)
            .into_iter()
            .enumerate()
            .map(|(i, id)| (id, 120 / (u32::try_from(i).unwrap_or(0) + 2) + 4))
            .collect();
        by_dept.insert(d.id, list);
    }
    let regulars = regulars(rng);
    let mut drafts: Vec<Draft> = Vec::with_capacity(usize::try_from(span * 180).unwrap_or(0));
    let mut quotes: Vec<Draft> = Vec::new();
    let marie_unpaid_day = today.checked_sub(2.days()).unwrap_or(today);
    let now_s = clock.now.as_second();

    let mut date = first;
    let mut index = 0i64;
    while date <= today {
        let t = if span == 0 { 1000 } else { index * 1000 / span };
        // Local wall-clock seconds → unix seconds, with the day's offset (DST changes at
        // night, outside opening hours).
        let noon = tz_instant(&clock.tz, date, 12, 0, 0);
        let offset = clock.tz.to_offset(noon).seconds();
        let at = |h: i8, m: i8, s: i8| -> i64 {
            date.to_datetime(Time::new(h, m, s, 0).unwrap_or(Time::midnight()))
                .to_zoned(TimeZone::UTC)
                .map_or(0, |z| z.timestamp().as_second())
                - i64::from(offset)
        };
        let weekday_bit = 1u8 << date.weekday().to_monday_zero_offset();
        let valentine = date.month() == 2 && date.day() == 14;
        let flowers = if valentine {
            400
        } else if weekday_bit & 0b0011_0000 != 0 {
            90
        } else {
            45
        };
        let n = orders_on(rng, date, t, span);
        let mut day: Vec<Draft> = Vec::with_capacity(n as usize + 8);
        if n > 0 {
            // Regulars first.
            for r in &regulars {
                if r.weekdays & weekday_bit == 0 || rng.random_range(0..1000) >= r.per_mille {
                    continue;
                }
                if r.customer == MARIE_DUPONT && date >= marie_unpaid_day {
                    continue;
                }
                let created = at(r.hour, rng.random_range(0..50), rng.random_range(0..60));
                let eat_in = r.delivery == EAT_IN;
                let ctx = Ctx {
                    shop,
                    by_dept: &by_dept,
                    t,
                    eat_in,
                };
                let mut lines = merge(basket(&ctx, rng, r.slot, flowers));
                if rng.random_bool(0.08) && r.customer != CLAIRE_DUPONT_MARTIN {
                    discount_lines(&mut lines, 1000);
                }
                let payment = regular_payment(rng, r);
                day.push(draft(
                    rng,
                    shop,
                    created,
                    Some(r.customer),
                    r.delivery,
                    lines,
                    payment,
                    r.hour,
                ));
            }
            // Then everyone else.
            let others = n.saturating_sub(u32::try_from(day.len()).unwrap_or(0));
            for _ in 0..others {
                let hour = HOUR_WEIGHTS
                    .choose_weighted(rng, |h| h.1)
                    .map_or(12, |h| h.0);
                let created = at(hour, rng.random_range(0..60), rng.random_range(0..60));
                if rng.random_range(0..1000) < 10 {
                    day.push(refund(rng, shop, &by_dept, t, created, hour));
                    continue;
                }
                let mut delivery = delivery_method(rng, t);
                if hour >= 20 && delivery == DELIVERY {
                    delivery = TAKEAWAY;
                }
                let eat_in = delivery == EAT_IN;
                let needs_customer = matches!(delivery, DELIVERY | RELAY | SHIPPING);
                let customer = if needs_customer || rng.random_bool(0.22) {
                    Some(rng.random_range(ROSE_LAMBERT + 1..=CUSTOMER_COUNT))
                } else {
                    None
                };
                let ctx = Ctx {
                    shop,
                    by_dept: &by_dept,
                    t,
                    eat_in,
                };
                let slot = if delivery == SHIPPING {
                    Slot::Flowers
                } else {
                    slot_of(hour)
                };
                let lines = merge(basket(&ctx, rng, slot, flowers));
                let total: Cents = lines.iter().map(|l| l.total).sum();
                let payment = casual_payment(rng, hour, weekday_bit, total, customer, delivery);
                day.push(draft(
                    rng, shop, created, customer, delivery, lines, payment, hour,
                ));
            }
            // A catering quote on some Mondays and Thursdays.
            if weekday_bit & 0b0000_1001 != 0 && rng.random_bool(0.5) {
                let created = at(rng.random_range(10..17), 15, 0);
                quotes.push(quote(rng, shop, &by_dept, t, created));
            }
        }
        if date == marie_unpaid_day {
            day.push(marie_unpaid(shop, at(10, 32, 7)));
        }
        day.retain(|d| d.order.created <= now_s);
        day.sort_by_key(|d| d.order.created);
        drafts.extend(day);
        date = match date.tomorrow() {
            Ok(d) => d,
            Err(_) => break,
        };
        index += 1;
    }
    drafts.extend(tonight(rng, shop, clock, today, now_s));

    // Ids and invoice numbers follow time (orders and quotes merged by creation date).
    drafts.sort_unstable_by_key(|d| d.order.created);
    quotes.sort_unstable_by_key(|d| d.order.created);
    let mut next_id = 10_001u32;
    let mut next_number = 1u32;
    let (mut i, mut j) = (0, 0);
    loop {
        let order_at = drafts.get(i).map(|d| d.order.created);
        let quote_at = quotes.get(j).map(|q| q.order.created);
        let take_quote = match (order_at, quote_at) {
            (None, None) => break,
            (Some(a), Some(b)) => b < a,
            (None, Some(_)) => true,
            (Some(_), None) => false,
        };
        if take_quote {
            if let Some(q) = quotes.get_mut(j) {
                q.order.id = next_id;
            }
            j += 1;
        } else {
            if let Some(d) = drafts.get_mut(i) {
                d.order.id = next_id;
                d.order.number = next_number;
                next_number += 1;
            }
            i += 1;
        }
        next_id += 1;
    }
    let mut orders: Vec<Order> = drafts.into_iter().map(|d| d.order).collect();
    orders.sort_unstable_by_key(|o| (o.value_date, o.id));
    shop.orders = orders;
    shop.quotes = quotes.into_iter().map(|d| d.order).collect();
    shop.next_ids.order = next_id;
    shop.next_ids.number = next_number;
    shop.next_ids.customer = CUSTOMER_COUNT + 1;

    // Loyalty: one point per euro spent, the balance is 10 cents per point above the last
    // hundred.
    let mut spent: BTreeMap<u32, Cents> = BTreeMap::new();
    for o in &shop.orders {
        if let Some(c) = o.customer {
            *spent.entry(c).or_default() += o.total;
        }
    }
    for c in &mut shop.customers {
        let points = spent.get(&c.id).copied().unwrap_or(0).max(0) / 100;
        c.loyalty_points = points;
        c.loyalty_balance = (points % 100) * 10;
    }
}

fn tz_instant(tz: &TimeZone, date: Date, h: i8, m: i8, s: i8) -> Timestamp {
    let dt = DateTime::from_parts(date, Time::new(h, m, s, 0).unwrap_or(Time::midnight()));
    tz.to_ambiguous_timestamp(dt)
        .compatible()
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

fn regulars<R: Rng>(rng: &mut R) -> Vec<Regular> {
    const TUE: u8 = 1 << 1;
    const THU: u8 = 1 << 3;
    let mut out = vec![
        Regular {
            customer: CLAIRE_DUPONT_MARTIN,
            weekdays: TUE,
            hour: 11,
            per_mille: 950,
            slot: Slot::LunchTray,
            delivery: DELIVERY,
        },
        Regular {
            customer: PAUL_GIRARD,
            weekdays: TUE | THU,
            hour: 8,
            per_mille: 850,
            slot: Slot::Breakfast,
            delivery: EAT_IN,
        },
        Regular {
            customer: MARIE_DUPONT,
            weekdays: 1 | (1 << 2) | (1 << 4),
            hour: 9,
            per_mille: 600,
            slot: Slot::Breakfast,
            delivery: TAKEAWAY,
        },
        Regular {
            customer: SYLVIE_DUPOND,
            weekdays: 1 << 5,
            hour: 11,
            per_mille: 500,
            slot: Slot::Flowers,
            delivery: TAKEAWAY,
        },
        Regular {
            customer: JEAN_DUPOND,
            weekdays: 1 << 6,
            hour: 10,
            per_mille: 400,
            slot: Slot::Bread,
            delivery: COUNTER,
        },
        Regular {
            customer: ROSE_LAMBERT,
            weekdays: 1 << 2,
            hour: 16,
            per_mille: 500,
            slot: Slot::Afternoon,
            delivery: EAT_IN,
        },
    ];
    for customer in (ROSE_LAMBERT + 1)..(ROSE_LAMBERT + 41) {
        let first = rng.random_range(0..7u8);
        let mut weekdays = 1 << first;
        if rng.random_bool(0.5) {
            weekdays |= 1 << rng.random_range(0..7u8);
        }
        let hour = [8, 9, 12, 13, 16, 18].choose(rng).copied().unwrap_or(9);
        out.push(Regular {
            customer,
            weekdays,
            hour,
            per_mille: rng.random_range(300..=700),
            slot: slot_of(hour),
            delivery: [EAT_IN, TAKEAWAY, COUNTER]
                .choose(rng)
                .copied()
                .unwrap_or(EAT_IN),
        });
    }
    out
}

fn regular_payment<R: Rng>(rng: &mut R, r: &Regular) -> i64 {
    if r.customer == CLAIRE_DUPONT_MARTIN {
        return if rng.random_bool(0.25) {
            -1
        } else {
            i64::from(PM_TRANSFER)
        };
    }
    if r.customer != MARIE_DUPONT && rng.random_bool(0.02) {
        return -1;
    }
    if rng.random_bool(0.7) {
        i64::from(PM_CARD)
    } else {
        i64::from(PM_CASH)
    }
}

fn casual_payment<R: Rng>(
    rng: &mut R,
    hour: i8,
    weekday_bit: u8,
    total: Cents,
    customer: Option<u32>,
    delivery: u8,
) -> i64 {
    if customer.is_some() {
        let unpaid = if delivery == DELIVERY { 0.06 } else { 0.02 };
        if rng.random_bool(unpaid) {
            return -1;
        }
    }
    let lunch_weekday = (11..=14).contains(&hour) && weekday_bit & 0b0001_1111 != 0;
    if lunch_weekday && total <= 2500 && rng.random_bool(0.2) {
        return i64::from(PM_MEAL_VOUCHER);
    }
    let r = rng.random_range(0..1000);
    i64::from(match r {
        0..620 => PM_CARD,
        620..990 => PM_CASH,
        _ => PM_CHEQUE,
    })
}

#[allow(clippy::too_many_arguments)]
fn draft<R: Rng>(
    rng: &mut R,
    shop: &ShopData,
    created: i64,
    customer: Option<u32>,
    delivery: u8,
    lines: Vec<Line>,
    payment: i64,
    hour: i8,
) -> Draft {
    let (table, cashbox, covers) = if delivery == EAT_IN {
        let terrace = rng.random_bool(0.3);
        let candidates: Vec<&Table> = shop
            .tables
            .iter()
            .filter(|t| (t.room == "Terrasse") == terrace)
            .collect();
        let table = candidates.choose(rng).map(|t| t.id);
        let covers = match rng.random_range(0..100) {
            0..55 => 1,
            55..85 => 2,
            85..95 => 3,
            _ => 4,
        };
        (table, Some(if terrace { 3 } else { 2 }), Some(covers))
    } else {
        (None, Some(1), None)
    };
    let extra = (delivery == DELIVERY).then(|| {
        Box::new(OrderExtra {
            delivery_at: Some(created + 60 * rng.random_range(30..=50)),
            delivery_man: Some(if rng.random_bool(0.5) { 1 } else { 2 }),
            ..OrderExtra::default()
        })
    });
    let mut order = Order {
        id: 0,
        number: 0,
        created,
        value_date: created,
        customer,
        delivery_method: delivery,
        payment,
        cashbox,
        user: Some(user_for(rng, hour)),
        table,
        covers,
        refund: false,
        terminated: true,
        extra,
        lines,
        total: 0,
        discount: 0,
    };
    order.compute_totals();
    Draft { order }
}

fn refund<R: Rng>(
    rng: &mut R,
    shop: &ShopData,
    by_dept: &BTreeMap<u32, Weighted>,
    t: i64,
    created: i64,
    hour: i8,
) -> Draft {
    let ctx = Ctx {
        shop,
        by_dept,
        t,
        eat_in: false,
    };
    let dept = [D_PASTRY, D_SANDWICH, D_FLOWERS, D_VIENNOISERIE]
        .choose(rng)
        .copied()
        .unwrap_or(D_PASTRY);
    let mut lines = Vec::new();
    ctx.add(rng, &mut lines, dept, 1);
    for l in &mut lines {
        l.quantity = -l.quantity;
        l.total = -l.total;
    }
    let mode = if rng.random_bool(0.5) {
        PM_CASH_REFUND
    } else {
        PM_CARD_REFUND
    };
    let mut d = draft(
        rng,
        shop,
        created,
        None,
        COUNTER,
        lines,
        i64::from(mode),
        hour,
    );
    d.order.refund = true;
    d.order.extra_mut().private_comment = "Article défectueux / erreur de caisse".to_owned();
    d
}

fn quote<R: Rng>(
    rng: &mut R,
    shop: &ShopData,
    by_dept: &BTreeMap<u32, Weighted>,
    t: i64,
    created: i64,
) -> Draft {
    let ctx = Ctx {
        shop,
        by_dept,
        t,
        eat_in: false,
    };
    let companies: Vec<u32> = shop
        .customers
        .iter()
        .filter(|c| !c.company.is_empty())
        .map(|c| c.id)
        .collect();
    let customer = companies.choose(rng).copied();
    let mut lines = Vec::new();
    for _ in 0..rng.random_range(3..=6) {
        let dept = [D_SANDWICH, D_PASTRY, D_VIENNOISERIE, D_COLD, D_DISH]
            .choose(rng)
            .copied()
            .unwrap_or(D_SANDWICH);
        let q = rng.random_range(5..=25);
        ctx.add(rng, &mut lines, dept, q);
    }
    let mut d = draft(rng, shop, created, customer, DELIVERY, merge(lines), -2, 12);
    d.order.terminated = false;
    d.order.extra = Some(Box::new(OrderExtra {
        status: Some("Devis".to_owned()),
        public_comment: "Devis traiteur — plateaux pour réunion".to_owned(),
        ..OrderExtra::default()
    }));
    d
}

/// Marie Dupont's latest order: a delivery two days ago, not paid yet.
fn marie_unpaid(shop: &ShopData, created: i64) -> Draft {
    let mut lines = Vec::new();
    for (title, qty) in [
        ("Baguette tradition", 2),
        ("Croissant", 4),
        ("Confiture maison", 1),
        ("Bouquet du marché", 1),
    ] {
        if let Some(p) = shop.products.iter().find(|p| &*p.title == title) {
            lines.push(Line {
                product: Some(p.id),
                department: Some(p.department),
                title: p.title.clone(),
                quantity: qty * UNIT,
                unit_price: p.price,
                discount: 0,
                total: p.price * qty,
                vat_rate: shop.product_vat(p, false),
                variations: Box::default(),
            });
        }
    }
    let mut order = Order {
        id: 0,
        number: 0,
        created,
        value_date: created,
        customer: Some(MARIE_DUPONT),
        delivery_method: DELIVERY,
        payment: -1,
        cashbox: Some(1),
        user: Some(U_MANAGER),
        table: None,
        covers: None,
        refund: false,
        terminated: true,
        extra: Some(Box::new(OrderExtra {
            delivery_at: Some(created + 45 * 60),
            delivery_man: Some(1),
            public_comment: "Paiement à la livraison suivante".to_owned(),
            ..OrderExtra::default()
        })),
        lines,
        total: 0,
        discount: 0,
    };
    order.compute_totals();
    Draft { order }
}

/// Orders in progress for this evening: deliveries and pickups between 18:00 and 21:00.
fn tonight<R: Rng>(
    rng: &mut R,
    shop: &ShopData,
    clock: &Clock,
    today: Date,
    now_s: i64,
) -> Vec<Draft> {
    let by_dept: BTreeMap<u32, Weighted> = shop
        .departments
        .iter()
        .map(|d| {
            (
                d.id,
                crate::reference::products_in(shop, d.id)
                    .into_iter()
                    .map(|id| (id, 1))
                    .collect(),
            )
        })
        .collect();
    let ctx = Ctx {
        shop,
        by_dept: &by_dept,
        t: 1000,
        eat_in: false,
    };
    let statuses = ["À préparer", "En préparation", "Prête"];
    let mut out = Vec::new();
    let slots: [(u8, i8, i8); 10] = [
        (DELIVERY, 18, 0),
        (DELIVERY, 18, 30),
        (TAKEAWAY, 18, 45),
        (DELIVERY, 19, 0),
        (DELIVERY, 19, 15),
        (TAKEAWAY, 19, 30),
        (DELIVERY, 19, 45),
        (DELIVERY, 20, 15),
        (TAKEAWAY, 20, 30),
        (DELIVERY, 20, 45),
    ];
    for (i, (method, h, m)) in slots.into_iter().enumerate() {
        let created = now_s - 60 * rng.random_range(5..=180);
        let customer = rng.random_range(ROSE_LAMBERT + 1..=CUSTOMER_COUNT);
        let slot = if i % 3 == 0 {
            Slot::Flowers
        } else {
            Slot::Evening
        };
        let mut lines = merge(basket(&ctx, rng, slot, 0));
        if lines.iter().map(|l| l.total).sum::<Cents>() < 1500 {
            ctx.add(rng, &mut lines, D_DISH, 2);
        }
        let payment = if rng.random_bool(0.5) {
            i64::from(PM_CARD)
        } else {
            -1
        };
        let mut d = draft(
            rng,
            shop,
            created,
            Some(customer),
            method,
            lines,
            payment,
            17,
        );
        d.order.terminated = false;
        let extra = d.order.extra_mut();
        extra.delivery_at = Some(tz_instant(&clock.tz, today, h, m, 0).as_second());
        extra.delivery_man = (method == DELIVERY).then_some(if i % 2 == 0 { 1 } else { 2 });
        extra.status = statuses.get(i % 3).map(|s| (*s).to_owned());
        d.order.user = Some(U_MANAGER);
        out.push(d);
    }
    out
}

/// The line a sale or a history generator makes for a product (shared with the sale handler
/// so both price the same way).
pub fn price_line(
    shop: &ShopData,
    product: &Product,
    quantity: Milli,
    choices: &[u32],
    title: Option<Arc<str>>,
    unit_override: Option<Cents>,
    eat_in: bool,
) -> Line {
    let delta: Cents = choices
        .iter()
        .filter_map(|c| shop.choice(*c).map(|(_, ch)| ch.delta))
        .sum();
    let unit = unit_override.unwrap_or(product.price) + delta;
    Line {
        product: Some(product.id),
        department: Some(product.department),
        title: title.unwrap_or_else(|| product.title.clone()),
        quantity,
        unit_price: unit,
        discount: 0,
        total: mul_div_round(unit, quantity, UNIT),
        vat_rate: shop.product_vat(product, eat_in),
        variations: choices.into(),
    }
}
