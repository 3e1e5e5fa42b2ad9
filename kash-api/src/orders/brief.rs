//! Order briefs: a list of orders read for what a listing needs (id, dates, total, customer,
//! payment), in one pass over the POS's answer and without building whole orders. Each
//! order's own JSON text stays in the answer, so the few orders a page shows are decoded in
//! full on demand ([`OrderBriefs::order`]).
//!
//! A month of a busy shop is megabytes of JSON and thousands of orders whose lines, payments
//! and VAT a listing never reads: decoding them all costs several times the parser's own
//! time and tens of megabytes.

use std::fmt;
use std::ops::Range;

use bytes::Bytes;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::{FIRST_NAME_KEYS, LAST_NAME_KEYS, ListOrders, Order, PaymentState, display_name};
use crate::de::ObjectList;
use crate::decode;
use crate::error::{KashError, Result};
use crate::ids::{CustomerId, OrderId};
use crate::request::{Endpoint, EndpointSpec, Params, RawResponse, Scrubber, Sealed};
use crate::time::PosTime;
use crate::wire::wire_record;

/// What a listing needs of one order. Decoded with the same field names as [`Order`]; a test
/// checks that both agree on every order of the demo shop.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(from = "BriefWire")]
#[non_exhaustive]
pub struct OrderBrief {
    /// Order id.
    pub id: OrderId,
    /// When the order was created.
    pub created_at: Option<PosTime>,
    /// The value (accounting) date.
    pub value_date: Option<PosTime>,
    /// Total including VAT (negative for a refund).
    pub total: Option<Decimal>,
    /// The customer id.
    pub customer_id: Option<CustomerId>,
    /// The customer's display name ([`Order::customer_name`]).
    pub customer_name: Option<String>,
    /// Payment state.
    pub payment_state: Option<PaymentState>,
    /// The sum of the payments recorded; `None` when there are none.
    pub paid_amount: Option<Decimal>,
}

impl OrderBrief {
    /// Whether the order is fully paid ([`Order::is_paid`]).
    pub fn is_paid(&self) -> bool {
        super::is_paid(self.payment_state, self.total, self.paid_amount)
    }
}

wire_record! {
    /// The wire names of [`Order`]'s fields that a brief reads; everything else is skipped.
    read struct BriefWire {
        #[serde(alias = "orderID", alias = "idCommande", alias = "order_id", alias = "ID")]
        id: OrderId,
        created_at: Option<PosTime> = ["date", "dateCreation"],
        value_date: Option<PosTime> = ["dateValeur"],
        total: Option<Decimal> = ["price", "totalTTC", "montant"],
        customer_id: Option<CustomerId> = ["clientID", "idClient"],
        #[serde(default, alias = "client")]
        customer: Option<CustomerName>,
        payment_state: Option<PaymentState> = ["payment", "etatPaiement"],
        payments: Vec<PaidAmount> as "ObjectList" = ["paiements"],
    }
}

impl From<BriefWire> for OrderBrief {
    fn from(w: BriefWire) -> Self {
        Self {
            id: w.id,
            created_at: w.created_at,
            value_date: w.value_date,
            total: w.total,
            customer_id: w.customer_id,
            customer_name: w.customer.and_then(|c| c.0),
            payment_state: w.payment_state,
            paid_amount: (!w.payments.is_empty())
                .then(|| w.payments.iter().filter_map(|p| p.amount).sum()),
        }
    }
}

wire_record! {
    /// The amount of a payment ([`super::Payment::amount`]).
    read struct PaidAmount {
        amount: Option<Decimal> = ["montant", "price"],
    }
}

/// The customer's display name, read from a name or a record ([`super::OrderCustomer`])
/// without building the record.
struct CustomerName(Option<String>);

impl<'de> Deserialize<'de> for CustomerName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(CustomerNameVisitor)
    }
}

struct CustomerNameVisitor;

impl<'de> Visitor<'de> for CustomerNameVisitor {
    type Value = CustomerName;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a customer name or record")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Self::Value, E> {
        Ok(CustomerName(display_name(Some(s), None)))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> std::result::Result<Self::Value, E> {
        Ok(CustomerName(Some(n.to_string())))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> std::result::Result<Self::Value, E> {
        Ok(CustomerName(Some(n.to_string())))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> std::result::Result<Self::Value, E> {
        Ok(CustomerName(
            serde_json::Number::from_f64(n).map(|n| n.to_string()),
        ))
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        // The text of each name key, by the key's rank; a later duplicate replaces an earlier
        // one, as in the record.
        let mut first: [Option<String>; FIRST_NAME_KEYS.len()] = Default::default();
        let mut last: [Option<String>; LAST_NAME_KEYS.len()] = Default::default();
        while let Some(key) = map.next_key_seed(NameKey)? {
            let slot = match key {
                Some((true, rank)) => first.get_mut(rank),
                Some((false, rank)) => last.get_mut(rank),
                None => None,
            };
            match slot {
                Some(slot) => *slot = map.next_value::<TextOrNothing>()?.0,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(CustomerName(display_name(
            first_text(&first),
            first_text(&last),
        )))
    }
}

/// The text of the best-ranked name key present.
fn first_text(names: &[Option<String>]) -> Option<&str> {
    names.iter().flatten().next().map(String::as_str)
}

/// A record's key: `Some((is_first_name, rank))` for a name key, `None` for any other.
struct NameKey;

impl<'de> DeserializeSeed<'de> for NameKey {
    type Value = Option<(bool, usize)>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for NameKey {
    type Value = Option<(bool, usize)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> std::result::Result<Self::Value, E> {
        let rank = |keys: &[&str]| keys.iter().position(|k| *k == key);
        Ok(rank(&FIRST_NAME_KEYS)
            .map(|r| (true, r))
            .or_else(|| rank(&LAST_NAME_KEYS).map(|r| (false, r))))
    }
}

/// A string value, or nothing for a value of any other type (skipped).
struct TextOrNothing(Option<String>);

impl<'de> Deserialize<'de> for TextOrNothing {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(TextOrNothingVisitor)
    }
}

struct TextOrNothingVisitor;

impl<'de> Visitor<'de> for TextOrNothingVisitor {
    type Value = TextOrNothing;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Self::Value, E> {
        Ok(TextOrNothing(Some(s.to_owned())))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<Self::Value, E> {
        Ok(TextOrNothing(None))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<Self::Value, E> {
        Ok(TextOrNothing(None))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<Self::Value, E> {
        Ok(TextOrNothing(None))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Self::Value, E> {
        Ok(TextOrNothing(None))
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(TextOrNothing(None))
    }

    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(TextOrNothing(None))
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(TextOrNothing(None))
    }
}

/// The orders of a `getOrders.php` answer as briefs, with the answer kept to decode any of
/// them in full. Sent with [`ListOrders::briefs`].
#[derive(Debug, Clone)]
pub struct OrderBriefs {
    /// The JSON text every item's span points into.
    body: Bytes,
    items: Vec<(OrderBrief, Range<usize>)>,
    scrub: Scrubber,
}

impl OrderBriefs {
    /// The briefs, in the POS's order.
    pub fn briefs(&self) -> impl ExactSizeIterator<Item = &OrderBrief> {
        self.items.iter().map(|(brief, _)| brief)
    }

    /// The brief at `index`.
    pub fn brief(&self, index: usize) -> Option<&OrderBrief> {
        self.items.get(index).map(|(brief, _)| brief)
    }

    /// How many orders.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The bytes of JSON held (what keeping this answer costs).
    pub fn held_bytes(&self) -> usize {
        self.body.len()
    }

    /// The order at `index` (of [`OrderBriefs::briefs`]) in full.
    ///
    /// # Errors
    /// [`KashError::Decode`] naming the field if that order does not decode;
    /// [`KashError::InvalidInput`] for an index out of range.
    pub fn order(&self, index: usize) -> Result<Order> {
        let text = self
            .items
            .get(index)
            .and_then(|(_, span)| self.body.get(span.clone()))
            .ok_or_else(|| KashError::invalid(format!("no order at index {index}")))?;
        serde_json::from_slice(text).or_else(|_| {
            // Again through the tree, for an error that names the field.
            let scrub = |s: &str| (self.scrub.0)(s);
            let value: Value = serde_json::from_slice(text).map_err(|e| KashError::Decode {
                endpoint: LIST_SCRIPT,
                path: format!("[{index}]"),
                reason: e.to_string(),
                snippet: String::new(),
            })?;
            decode::from_value(LIST_SCRIPT, &value, &scrub).map_err(|e| decode::at_index(e, index))
        })
    }

    /// Reads a `getOrders.php` answer kept as JSON text (a plain array, as the POS sends it).
    ///
    /// # Errors
    /// [`KashError::Decode`] if it is no JSON array of orders.
    pub fn from_json(body: impl Into<Bytes>) -> Result<Self> {
        let scrub = Scrubber(std::sync::Arc::new(str::to_owned));
        Self::from_array(body.into(), scrub).ok_or_else(|| KashError::Decode {
            endpoint: LIST_SCRIPT,
            path: ".".to_owned(),
            reason: "expected a JSON array of orders".to_owned(),
            snippet: String::new(),
        })
    }

    /// A plain JSON array, read in one pass: each item's brief decoded where it stands, its
    /// span taken from where the parser stopped. `None` for any other shape, or an item that
    /// does not decode (the general path then names it).
    fn from_array(body: Bytes, scrub: Scrubber) -> Option<Self> {
        let text = decode::json_start(&body);
        let base = body.len() - text.len();
        // Checked as UTF-8 once, so that the parser need not check each string again.
        let text = std::str::from_utf8(text).ok()?;
        let at = |pos: usize| text.as_bytes().get(pos).copied();
        let skip_blank = |mut pos: usize| {
            while at(pos).is_some_and(|b| b.is_ascii_whitespace()) {
                pos += 1;
            }
            pos
        };
        if at(0) != Some(b'[') {
            return None;
        }
        let mut items = Vec::new();
        let mut pos = skip_blank(1);
        if at(pos) == Some(b']') {
            pos += 1;
        } else {
            loop {
                let rest = text.get(pos..)?;
                let mut stream = serde_json::Deserializer::from_str(rest).into_iter();
                let brief: OrderBrief = stream.next()?.ok()?;
                let end = pos + stream.byte_offset();
                items.push((brief, base + pos..base + end));
                pos = skip_blank(end);
                match at(pos) {
                    Some(b',') => pos = skip_blank(pos + 1),
                    Some(b']') => {
                        pos += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        // Nothing but blanks after the array.
        (skip_blank(pos) == text.len()).then_some(Self { body, items, scrub })
    }

    /// Any list shape the SDK reads (an object keyed by id, `{"data": […]}`), each item
    /// written back as compact JSON.
    fn from_any(response: &RawResponse) -> Result<Self> {
        let values: Vec<Value> = response.list()?;
        let scrub = |s: &str| (response.scrub.0)(s);
        let mut body = Vec::with_capacity(response.body.len());
        let mut items = Vec::with_capacity(values.len());
        for (i, value) in values.iter().enumerate() {
            let brief = decode::from_value(LIST_SCRIPT, value, &scrub)
                .map_err(|e| decode::at_index(e, i))?;
            let from = body.len();
            serde_json::to_writer(&mut body, value).map_err(|e| KashError::Decode {
                endpoint: LIST_SCRIPT,
                path: format!("[{i}]"),
                reason: e.to_string(),
                snippet: String::new(),
            })?;
            items.push((brief, from..body.len()));
        }
        Ok(Self {
            body: body.into(),
            items,
            scrub: response.scrub.clone(),
        })
    }
}

const LIST_SCRIPT: &str = "getOrders.php";

/// Request: the orders of a range as [`OrderBriefs`] (`getOrders.php`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListOrderBriefs(pub(super) ListOrders);

impl Sealed for ListOrderBriefs {}

impl Endpoint for ListOrderBriefs {
    type Output = OrderBriefs;

    fn spec(&self) -> EndpointSpec {
        self.0.spec()
    }

    fn params(&self) -> Result<Params> {
        self.0.params()
    }

    fn decode(&self, response: RawResponse) -> Result<Self::Output> {
        match OrderBriefs::from_array(response.body.clone(), response.scrub.clone()) {
            Some(briefs) => Ok(briefs),
            None => OrderBriefs::from_any(&response),
        }
    }
}
