//! What tools return about orders: the SDK's order, normalized for a model (English names,
//! numbers as numbers, dates as ISO 8601 in the shop's time zone, codes as names).

use jiff::tz::TimeZone;
use kash_api::Decimal;
use kash_api::orders::{DeliveryMethod, Order, PaymentState};
use kash_api::time::PosTime;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize, Serializer};

use crate::i18n::{self, Lang};

/// An amount of money (euros, VAT included), written as a JSON number: money has this one
/// format in every tool's structured output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Amount(pub Decimal);

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use rust_decimal::prelude::ToPrimitive;
        let d = self.0.round_dp(4).normalize();
        match d.to_f64() {
            Some(f) if f.is_finite() => s.serialize_f64(f),
            _ => s.serialize_str(&d.to_string()),
        }
    }
}

/// `JsonSchema` for a type serialized by hand: its name, and its schema (written inline
/// wherever it is used).
macro_rules! inline_schema {
    ($ty:ty, $name:literal, $schema:tt) => {
        impl schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                $name.into()
            }
            fn inline_schema() -> bool {
                true
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!($schema)
            }
        }
    };
}
pub(crate) use inline_schema;

inline_schema!(Amount, "Amount", {"type": "number"});

impl From<Decimal> for Amount {
    fn from(d: Decimal) -> Self {
        Self(d)
    }
}

/// A figure (a count, a quantity, a rate): an integer when whole, else a decimal number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Num(pub Decimal);

/// A number as written by [`Amount`] or [`Num`] (an integer, a float, or text when out of
/// range), read back exactly: a float by its shortest decimal form.
fn decimal_from<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Int(i64),
        Float(f64),
        Text(String),
    }
    let text = match Written::deserialize(d)? {
        Written::Int(i) => return Ok(Decimal::from(i)),
        Written::Float(f) => f.to_string(),
        Written::Text(t) => t,
    };
    text.parse().map_err(serde::de::Error::custom)
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        decimal_from(d).map(Self)
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        decimal_from(d).map(Self)
    }
}

/// Where an order stands with payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Payment {
    /// A quote (`payment` -2).
    Quote,
    /// Validated, not paid (`payment` -1).
    Unpaid,
    /// Paid.
    Paid,
}

/// A delivery method by name: `takeaway`, `delivery`, `eat_in`, `drive_through`,
/// `counter_sale`, `relay_point`, `shipping`, or `unknown` for a code this server does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Method(pub DeliveryMethod);

impl Serialize for Method {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.name())
    }
}

impl<'de> Deserialize<'de> for Method {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Ok(Self(
            DeliveryMethod::parse(&name).unwrap_or(DeliveryMethod::Unknown(-1)),
        ))
    }
}

impl JsonSchema for Method {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "DeliveryMethod".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut names: Vec<&str> = DeliveryMethod::ALL.iter().map(|m| m.name()).collect();
        names.push("unknown");
        schemars::json_schema!({"type": "string", "enum": names})
    }
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use rust_decimal::prelude::ToPrimitive;
        let d = self.0.round_dp(4).normalize();
        if d.fract().is_zero()
            && let Some(i) = d.to_i64()
        {
            return s.serialize_i64(i);
        }
        match d.to_f64() {
            Some(f) if f.is_finite() => s.serialize_f64(f),
            _ => s.serialize_str(&d.to_string()),
        }
    }
}

inline_schema!(Num, "Num", {"type": "number"});

/// A customer reference.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CustomerRef {
    /// Customer id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// One line of an order.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LineView {
    /// What is printed.
    pub title: String,
    /// The catalogue product, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_id: Option<u64>,
    /// The department, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department_id: Option<u64>,
    /// Quantity (negative on refund lines).
    pub quantity: Amount,
    /// Unit price including VAT.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<Amount>,
    /// Total including VAT.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<Amount>,
    /// Discount amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount: Option<Amount>,
    /// VAT rate in percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vat_rate: Option<Amount>,
    /// Chosen variation choices.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variations: Vec<String>,
}

/// VAT of one rate.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VatView {
    /// Percent.
    pub rate: Amount,
    /// Excluding VAT.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<Amount>,
    /// VAT.
    pub amount: Amount,
}

/// A payment.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaymentView {
    /// The payment mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_mode_id: Option<u64>,
    /// Its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    /// When, ISO 8601.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// An order as tools return it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderView {
    /// Id.
    pub id: u64,
    /// The invoice number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Created, ISO 8601 with offset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Value (accounting) date, ISO 8601 with offset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_date: Option<String>,
    /// Total including VAT (negative for a refund).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<Amount>,
    /// Total VAT.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vat_total: Option<Amount>,
    /// Discount amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount: Option<Amount>,
    /// `quote`, `unpaid` (validated, not paid) or `paid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_state: Option<Payment>,
    /// The payment mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_mode_id: Option<u64>,
    /// Whether it is fully paid.
    pub paid: bool,
    /// `takeaway`, `delivery`, `eat_in`, `drive_through`, `counter_sale`, `relay_point`,
    /// `shipping`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_method: Option<Method>,
    /// The customer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<CustomerRef>,
    /// The table's number as the staff say it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// The table id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_id: Option<u64>,
    /// Guests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub covers: Option<u32>,
    /// Cash register.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cashbox_id: Option<u64>,
    /// Who recorded it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Whether it is a refund.
    pub is_refund: bool,
    /// When it must be delivered or ready.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_at: Option<String>,
    /// Delivery person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_man_id: Option<u64>,
    /// Delivery address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_address: Option<String>,
    /// Progress of an order in progress.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Comment printed for the customer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_comment: Option<String>,
    /// Comment for the staff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_comment: Option<String>,
    /// The lines, when asked for or known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<LineView>>,
    /// VAT per rate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vat: Vec<VatView>,
    /// Payments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payments: Vec<PaymentView>,
}

fn iso(t: &kash_api::time::PosTime, tz: &TimeZone) -> String {
    t.to_zoned(tz).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
}

impl OrderView {
    /// The view of `order`; `with_lines` keeps its lines.
    pub fn new(order: &Order, tz: &TimeZone, with_lines: bool) -> Self {
        let (payment_state, payment_mode_id) = match order.payment_state {
            Some(PaymentState::Quote) => (Some(Payment::Quote), None),
            Some(PaymentState::Unpaid) => (Some(Payment::Unpaid), None),
            Some(PaymentState::Paid(id)) => (Some(Payment::Paid), Some(id.0)),
            None => (None, None),
        };
        let customer = match (order.customer_id, order.customer_name()) {
            (None, None) => None,
            (id, name) => Some(CustomerRef {
                id: id.map(|c| c.0),
                name,
            }),
        };
        Self {
            id: order.id.0,
            number: non_empty(&order.internal_id),
            created_at: order.created_at.as_ref().map(|t| iso(t, tz)),
            value_date: order.value_date.as_ref().map(|t| iso(t, tz)),
            total: order.total.map(Amount),
            vat_total: order.vat_total.map(Amount),
            discount: order.discount.filter(|d| !d.is_zero()).map(Amount),
            payment_state,
            payment_mode_id,
            paid: order.is_paid(),
            delivery_method: order.delivery_method.map(Method),
            customer,
            table: non_empty(&order.table_name),
            table_id: order.table_id.map(|t| t.0),
            covers: order.covers,
            cashbox_id: order.cashbox_id.map(|c| c.0),
            user: non_empty(&order.user_name),
            is_refund: order.is_refund == Some(true),
            delivery_at: due_at(order).as_ref().map(|t| iso(t, tz)),
            delivery_man_id: order.delivery_man_id.map(|d| d.0),
            delivery_address: non_empty(&order.delivery_address),
            status: non_empty(&order.status),
            public_comment: non_empty(&order.public_comment),
            private_comment: non_empty(&order.private_comment),
            lines: if with_lines {
                order.lines.as_ref().map(|lines| {
                    lines
                        .iter()
                        .map(|l| LineView {
                            title: l.title.clone().unwrap_or_default(),
                            product_id: l.product_id.map(|p| p.0),
                            department_id: l.department_id.map(|d| d.0),
                            quantity: Amount(l.quantity.unwrap_or(Decimal::ONE)),
                            unit_price: l.unit_price.map(Amount),
                            total: l.amount().map(Amount),
                            discount: l.discount.filter(|d| !d.is_zero()).map(Amount),
                            vat_rate: l.vat_rate.map(Amount),
                            variations: l
                                .variations
                                .iter()
                                .filter_map(|v| v.title.clone())
                                .collect(),
                        })
                        .collect()
                })
            } else {
                None
            },
            vat: order
                .vat_breakdown
                .iter()
                .map(|v| VatView {
                    rate: Amount(v.rate),
                    base: v.base.map(Amount),
                    amount: Amount(v.amount),
                })
                .collect(),
            payments: order
                .payments
                .iter()
                .map(|p| PaymentView {
                    payment_mode_id: p.payment_mode_id.map(|m| m.0),
                    mode: non_empty(&p.title),
                    amount: p.amount.map(Amount),
                    date: p.date.as_ref().map(|t| iso(t, tz)),
                })
                .collect(),
        }
    }
}

/// `eat in` / `sur place`…
pub fn delivery_method_label(lang: Lang, name: &str) -> &'static str {
    match name {
        "takeaway" => lang.pick("takeaway", "à emporter"),
        "delivery" => lang.pick("delivery", "livraison"),
        "eat_in" => lang.pick("eat in", "sur place"),
        "drive_through" => lang.pick("drive-through", "drive"),
        "counter_sale" => lang.pick("counter", "comptoir"),
        "relay_point" => lang.pick("relay point", "point relais"),
        "shipping" => lang.pick("shipping", "expédition"),
        _ => lang.pick("unknown method", "mode inconnu"),
    }
}

/// A one-line summary of an order.
pub fn order_line(lang: Lang, o: &OrderView) -> String {
    // Our own ISO strings: "2026-11-24T07:12:15+01:00", local time first.
    let when = o
        .value_date
        .as_deref()
        .or(o.created_at.as_deref())
        .and_then(|t| {
            Some(format!(
                "{}/{} {}",
                t.get(8..10)?,
                t.get(5..7)?,
                t.get(11..16)?
            ))
        })
        .unwrap_or_default();
    let mut parts = vec![format!(
        "#{} {} — {}",
        o.id,
        when,
        o.total
            .map(|t| i18n::money(lang, t.0))
            .unwrap_or_else(|| "?".into())
    )];
    if let Some(m) = &o.delivery_method {
        let mut s = delivery_method_label(lang, m.0.name()).to_owned();
        if let Some(t) = &o.table {
            s.push_str(&format!(", table {t}"));
        }
        parts.push(s);
    }
    if let Some(c) = &o.customer {
        parts.push(customer_label(c));
    }
    parts.push(payment_label(lang, o));
    if o.is_refund {
        parts.push(lang.pick("refund", "remboursement").to_owned());
    }
    parts.join(" — ")
}

/// `2026-11-24 18:15`: a delivery time as `sale_create` writes it.
pub fn due_text(at: &jiff::civil::DateTime) -> String {
    format!("{} {:02}:{:02}", at.date(), at.hour(), at.minute())
}

/// The one fixed form of a delivery or pickup time in a public comment, at its start:
/// `[2026-11-24 18:15]`. The POS's sale call has no delivery time; this mark carries it, and
/// [`due_at`] reads it back.
pub fn due_mark(due: &str) -> String {
    format!("[{due}]")
}

/// When an order is due: the POS's own delivery time, else the mark `sale_create` wrote at
/// the start of its public comment.
pub fn due_at(order: &Order) -> Option<PosTime> {
    order.delivery_at.or_else(|| {
        let c = order.public_comment.as_deref()?.trim_start();
        let inner = c.strip_prefix('[')?.get(..16)?;
        if c.get(17..18) != Some("]") {
            return None;
        }
        let (d, t) = inner.split_once(' ')?;
        let date: jiff::civil::Date = d.parse().ok()?;
        let (h, m) = t.split_once(':')?;
        let time = jiff::civil::Time::new(h.parse().ok()?, m.parse().ok()?, 0, 0).ok()?;
        Some(PosTime::Local(date.to_datetime(time)))
    })
}

/// A customer as a list shows it: the name and the id, which tell apart two customers of the
/// same name.
pub fn customer_label(c: &CustomerRef) -> String {
    match (&c.name, c.id) {
        (Some(n), Some(id)) => format!("{n} (#{id})"),
        (Some(n), None) => n.clone(),
        (None, Some(id)) => format!("#{id}"),
        (None, None) => String::new(),
    }
}

/// `paid`, `validated, unpaid`, `quote`.
pub fn payment_label(lang: Lang, o: &OrderView) -> String {
    match o.payment_state {
        Some(Payment::Quote) => lang.pick("quote", "devis").to_owned(),
        Some(Payment::Unpaid) if !o.paid => lang
            .pick("validated, unpaid", "validée, non payée")
            .to_owned(),
        _ if o.paid => lang.pick("paid", "payée").to_owned(),
        _ => lang.pick("unpaid", "non payée").to_owned(),
    }
}
