//! Orders: `getOrders.php` (a range), `getOrder.php` (one, in full) and `getPending.php`
//! (orders in progress).
//!
//! Validated orders (invoices, paid or not) are selected by **value date**; quotes by
//! **creation date**. The range is sent as ISO 8601 instants in UTC.

use std::fmt;

use jiff::Timestamp;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::de::{ObjectList, Scalar};
use crate::error::{KashError, Result};
use crate::ids::{
    CashboxId, CustomerId, DeliveryManId, DepartmentId, OrderId, PaymentModeId, ProductId, TableId,
    UserId, VariationChoiceId,
};
use crate::lists::list_endpoint;
use crate::request::{Endpoint, EndpointSpec, Params, RawResponse, Sealed};
use crate::time::PosTime;
use crate::wire::wire_record;

mod brief;

pub use brief::{ListOrderBriefs, OrderBrief, OrderBriefs};

/// How the order leaves the shop (the POS's `deliveryMethod` codes 0–6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum DeliveryMethod {
    /// 0 — takeaway ("à emporter").
    Takeaway,
    /// 1 — delivery to the customer.
    Delivery,
    /// 2 — eaten in ("sur place").
    EatIn,
    /// 3 — drive-through.
    DriveThrough,
    /// 4 — counter sale.
    CounterSale,
    /// 5 — relay / pick-up point.
    RelayPoint,
    /// 6 — shipping.
    Shipping,
    /// A code this SDK does not know.
    Unknown(i64),
}

impl DeliveryMethod {
    /// Every known method, in code order.
    pub const ALL: [Self; 7] = [
        Self::Takeaway,
        Self::Delivery,
        Self::EatIn,
        Self::DriveThrough,
        Self::CounterSale,
        Self::RelayPoint,
        Self::Shipping,
    ];

    /// The wire code.
    pub fn code(self) -> i64 {
        match self {
            Self::Takeaway => 0,
            Self::Delivery => 1,
            Self::EatIn => 2,
            Self::DriveThrough => 3,
            Self::CounterSale => 4,
            Self::RelayPoint => 5,
            Self::Shipping => 6,
            Self::Unknown(c) => c,
        }
    }

    /// From the wire code.
    pub fn from_code(code: i64) -> Self {
        match code {
            0 => Self::Takeaway,
            1 => Self::Delivery,
            2 => Self::EatIn,
            3 => Self::DriveThrough,
            4 => Self::CounterSale,
            5 => Self::RelayPoint,
            6 => Self::Shipping,
            c => Self::Unknown(c),
        }
    }

    /// A stable English name: `takeaway`, `delivery`, `eat_in`, `drive_through`,
    /// `counter_sale`, `relay_point`, `shipping`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Takeaway => "takeaway",
            Self::Delivery => "delivery",
            Self::EatIn => "eat_in",
            Self::DriveThrough => "drive_through",
            Self::CounterSale => "counter_sale",
            Self::RelayPoint => "relay_point",
            Self::Shipping => "shipping",
            Self::Unknown(_) => "unknown",
        }
    }

    /// From a name ([`DeliveryMethod::name`]) or a code given as text.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        if let Ok(code) = t.parse::<i64>() {
            return (0..=6).contains(&code).then(|| Self::from_code(code));
        }
        Self::ALL.into_iter().find(|m| m.name() == t)
    }

    fn is_known(self) -> bool {
        !matches!(self, Self::Unknown(_))
    }
}

impl fmt::Display for DeliveryMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unknown(c) => write!(f, "unknown ({c})"),
            other => f.write_str(other.name()),
        }
    }
}

impl Scalar for DeliveryMethod {
    const EXPECTING: &'static str = "a delivery method code 0-6";
    fn from_text(s: &str) -> Option<Self> {
        s.trim()
            .parse::<i64>()
            .ok()
            .map(Self::from_code)
            .or_else(|| Self::parse(s))
    }
    fn from_i128(n: i128) -> Option<Self> {
        i64::try_from(n).ok().map(Self::from_code)
    }
    fn serialize_clean<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        if self.is_known() {
            s.serialize_str(self.name())
        } else {
            s.serialize_i64(self.code())
        }
    }
}

/// The payment state of an order (the `payment` value of a sale).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentState {
    /// `-2`: a quote — not paid, not validated, editable, no invoice.
    Quote,
    /// `-1`: validated (an invoice exists) but not paid.
    Unpaid,
    /// A payment mode id: paid with that mode (which may be a refund mode).
    Paid(PaymentModeId),
}

impl PaymentState {
    /// The wire code: `-2`, `-1` or the payment mode id.
    pub fn code(self) -> i64 {
        match self {
            Self::Quote => -2,
            Self::Unpaid => -1,
            Self::Paid(id) => i64::try_from(id.0).unwrap_or(i64::MAX),
        }
    }

    /// From the wire code. `None` for 0 and other values that are no state.
    pub fn from_code(code: i64) -> Option<Self> {
        match code {
            -2 => Some(Self::Quote),
            -1 => Some(Self::Unpaid),
            n if n > 0 => u64::try_from(n).ok().map(|n| Self::Paid(PaymentModeId(n))),
            _ => None,
        }
    }

    /// `quote`, `unpaid` or `paid`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Quote => "quote",
            Self::Unpaid => "unpaid",
            Self::Paid(_) => "paid",
        }
    }
}

impl Scalar for PaymentState {
    const EXPECTING: &'static str = "a payment code (-2, -1 or a payment mode id)";
    fn from_text(s: &str) -> Option<Self> {
        s.trim().parse::<i64>().ok().and_then(Self::from_code)
    }
    fn from_i128(n: i128) -> Option<Self> {
        i64::try_from(n).ok().and_then(Self::from_code)
    }
    fn serialize_clean<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_i64(self.code())
    }
}

/// The customer of an order: the list gives a name, the detail may give the whole record.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum OrderCustomer {
    /// A display name.
    Name(String),
    /// The customer record, as the POS sent it.
    Record(Map<String, Value>),
}

impl<'de> Deserialize<'de> for OrderCustomer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::Object(m) => Ok(Self::Record(m)),
            Value::String(s) => Ok(Self::Name(s)),
            Value::Number(n) => Ok(Self::Name(n.to_string())),
            _ => Err(serde::de::Error::custom(
                "expected a customer name or record",
            )),
        }
    }
}

impl OrderCustomer {
    /// The customer's display name.
    pub fn name(&self) -> Option<String> {
        match self {
            Self::Name(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            Self::Record(m) => {
                let get =
                    |keys: &[&str]| keys.iter().find_map(|k| m.get(*k).and_then(Value::as_str));
                display_name(get(&FIRST_NAME_KEYS), get(&LAST_NAME_KEYS))
            }
        }
    }
}

/// The keys of a customer record that hold the first name, the first present one wins.
const FIRST_NAME_KEYS: [&str; 4] = ["prenom", "firstname", "firstName", "name"];
/// The same for the last name.
const LAST_NAME_KEYS: [&str; 4] = ["nom", "lastname", "lastName", "surname"];

/// "First Last" from a record's two names, either possibly blank.
fn display_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
    let parts: Vec<&str> = [first, last]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

wire_record! {
    /// A chosen variation on an order line.
    pub struct OrderLineVariation {
        /// The choice id.
        id: Option<VariationChoiceId> = ["idChoix", "ID"],
        /// Its name ("Grand").
        title: Option<String> = ["titre", "nom"],
        /// Its price delta.
        price_delta: Option<Decimal> = ["deltaPrix", "deltaPrice"],
    }
}

wire_record! {
    /// One line of an order.
    pub struct OrderLine {
        /// The catalogue product (absent for department and free lines).
        product_id: Option<ProductId> = ["idPlu", "idplu", "idProduit"],
        /// The department.
        department_id: Option<DepartmentId> = ["idRayon", "deptID"],
        /// The title printed.
        title: Option<String> = ["titre", "libelle", "nom"],
        /// Quantity (negative on refund lines).
        quantity: Option<Decimal> = ["quantite", "qte", "qty"],
        /// Unit price including VAT, variations included.
        unit_price: Option<Decimal> = ["prixUnitaire", "prix", "price"],
        /// Line total including VAT, after the line discount.
        total: Option<Decimal> = ["montant", "totalTTC"],
        /// Line discount amount.
        discount: Option<Decimal> = ["remise"],
        /// VAT rate in percent.
        vat_rate: Option<Decimal> = ["tauxTva", "tva", "vatRate"],
        /// The chosen variations.
        variations: Vec<OrderLineVariation> as "ObjectList" = ["declinaisons"],
    }
}

impl OrderLine {
    /// The line's total: the given total, else quantity × unit price.
    pub fn amount(&self) -> Option<Decimal> {
        self.total.or_else(|| {
            self.quantity
                .zip(self.unit_price)
                .map(|(q, p)| q * p - self.discount.unwrap_or_default())
        })
    }
}

wire_record! {
    /// A payment recorded on an order.
    pub struct Payment {
        /// The payment mode.
        payment_mode_id: Option<PaymentModeId> = ["idModePaiement", "idPaiement", "paymentID"],
        /// Its name.
        title: Option<String> = ["mode", "titre", "libelle"],
        /// Amount (negative for a refund).
        amount: Option<Decimal> = ["montant", "price"],
        /// When it was taken.
        date: Option<PosTime> = [],
    }
}

/// VAT of one rate on an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VatAmount {
    /// Rate in percent.
    pub rate: Decimal,
    /// Amount excluding VAT, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<Decimal>,
    /// VAT amount.
    pub amount: Decimal,
}

/// Reads `VATs` as an array of `{taux|rate, base|ht, montant|amount}` or as an object keyed by
/// rate (`{"10.00": "0.33"}` or `{"10.00": {"base": …, "montant": …}}`).
fn deserialize_vats<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Vec<VatAmount>, D::Error> {
    use serde::de::Error;
    let dec = |v: Option<&Value>| -> Option<Decimal> {
        match v? {
            Value::Number(n) => crate::de::parse_decimal(&n.to_string()),
            Value::String(s) => crate::de::parse_decimal(s),
            _ => None,
        }
    };
    let pick = |o: &Map<String, Value>, keys: &[&str]| dec(keys.iter().find_map(|k| o.get(*k)));
    let from_obj = |rate: Option<Decimal>, o: &Map<String, Value>| -> Option<VatAmount> {
        Some(VatAmount {
            rate: rate.or_else(|| pick(o, &["taux", "rate", "tauxTva", "vatRate"]))?,
            base: pick(o, &["base", "ht", "baseHT", "totalHT"]),
            amount: pick(o, &["montant", "amount", "tva", "vat", "VAT"])?,
        })
    };
    let bad = || D::Error::custom("expected VAT amounts by rate");
    match Value::deserialize(d)? {
        Value::Null => Ok(Vec::new()),
        Value::String(s) if s.trim().is_empty() => Ok(Vec::new()),
        Value::Array(items) => items
            .iter()
            .map(|v| {
                v.as_object()
                    .and_then(|o| from_obj(None, o))
                    .ok_or_else(bad)
            })
            .collect(),
        Value::Object(map) => map
            .iter()
            .map(|(rate, v)| {
                let rate = crate::de::parse_decimal(rate.trim_end_matches('%'));
                match v {
                    Value::Object(o) => from_obj(rate, o),
                    other => rate.zip(dec(Some(other))).map(|(rate, amount)| VatAmount {
                        rate,
                        base: None,
                        amount,
                    }),
                }
                .ok_or_else(bad)
            })
            .collect(),
        _ => Err(bad()),
    }
}

wire_record! {
    /// An order: a sale, an invoice, a quote or a refund.
    pub struct Order {
        /// Order id.
        #[serde(alias = "orderID", alias = "idCommande", alias = "order_id", alias = "ID")]
        id: OrderId,
        /// The number printed on the invoice.
        internal_id: Option<String> = ["orderInternalID", "numero", "numFacture"],
        /// When the order was created.
        created_at: Option<PosTime> = ["date", "dateCreation"],
        /// The value date (accounting date; what validated orders are selected by).
        value_date: Option<PosTime> = ["dateValeur"],
        /// Total including VAT (negative for a refund).
        total: Option<Decimal> = ["price", "totalTTC", "montant"],
        /// Total VAT.
        vat_total: Option<Decimal> = ["VAT", "totalTVA"],
        /// VAT per rate.
        #[serde(
            default,
            rename = "vatBreakdown",
            alias = "VATs",
            deserialize_with = "deserialize_vats"
        )]
        vat_breakdown: Vec<VatAmount>,
        /// Discount on the whole order.
        discount: Option<Decimal> = ["remise"],
        /// The customer id.
        customer_id: Option<CustomerId> = ["clientID", "idClient"],
        /// The customer, as a name or a record.
        #[serde(default, alias = "client")]
        customer: Option<OrderCustomer>,
        /// Payment state: quote, unpaid or paid with a mode.
        payment_state: Option<PaymentState> = ["payment", "etatPaiement"],
        /// Payments recorded.
        payments: Vec<Payment> as "ObjectList" = ["paiements"],
        /// How it leaves the shop.
        delivery_method: Option<DeliveryMethod> = ["modeLivraison"],
        /// Cash register.
        cashbox_id: Option<CashboxId> = ["cashBoxID", "idCaisse", "idcaisse"],
        /// User who recorded it.
        user_id: Option<UserId> = ["idUser", "idUtilisateur"],
        /// That user's name.
        user_name: Option<String> = ["user", "utilisateur"],
        /// Table.
        table_id: Option<TableId> = ["idTable", "idtable"],
        /// That table's name or number.
        table_name: Option<String> = ["table", "nomTable"],
        /// Covers (guests).
        covers: Option<u32> = ["numCouverts", "numcouverts", "couverts"],
        /// Whether this order is a refund.
        is_refund: Option<bool> = ["isRefund", "remboursement"],
        /// Public comment (printed).
        public_comment: Option<String> = ["publicComment", "commentairePublic"],
        /// Private comment (staff only).
        private_comment: Option<String> = ["privateComment", "commentairePrive"],
        /// Pager number.
        pager: Option<String> = ["pagerNum"],
        /// When it must be delivered or ready (pending orders).
        delivery_at: Option<PosTime> = ["dateLivraison", "heureLivraison"],
        /// The delivery person.
        delivery_man_id: Option<DeliveryManId> = ["idLivreur"],
        /// The delivery address, when the order carries one.
        delivery_address: Option<String> = ["adresseLivraison"],
        /// Progress of a pending order, as the POS words it.
        status: Option<String> = ["statut", "etat"],
        /// The lines; `None` when the answer did not include them (list answers may not).
        #[serde(default, alias = "items", alias = "lignes", deserialize_with = "deserialize_lines")]
        lines: Option<Vec<OrderLine>>,
    }
}

fn deserialize_lines<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Vec<OrderLine>>, D::Error> {
    use serde_with::DeserializeAs;
    // Present (even empty) means "the lines are known".
    ObjectList::deserialize_as(d).map(Some)
}

impl Order {
    /// Whether the order is fully paid: paid state, or payments covering the total.
    pub fn is_paid(&self) -> bool {
        let paid = (!self.payments.is_empty())
            .then(|| self.payments.iter().filter_map(|p| p.amount).sum());
        is_paid(self.payment_state, self.total, paid)
    }

    /// The customer's display name, if any.
    pub fn customer_name(&self) -> Option<String> {
        self.customer.as_ref().and_then(OrderCustomer::name)
    }
}

/// Paid state, or payments (`paid`: their sum, `None` when there are none) covering the total.
fn is_paid(state: Option<PaymentState>, total: Option<Decimal>, paid: Option<Decimal>) -> bool {
    match state {
        Some(PaymentState::Paid(_)) => true,
        Some(PaymentState::Quote) => false,
        Some(PaymentState::Unpaid) | None => {
            total.zip(paid).is_some_and(|(total, paid)| paid >= total)
        }
    }
}

/// Which orders a range selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderKind {
    /// Validated orders and invoices, by value date (`validatedOrders=true`).
    Validated,
    /// Quotes (unvalidated orders), by creation date (`validatedOrders=false`).
    Quotes,
}

/// Request: orders in a range (`getOrders.php`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListOrders {
    kind: OrderKind,
    from: Timestamp,
    to: Timestamp,
    delivery_method: Option<DeliveryMethod>,
}

impl ListOrders {
    /// Validated orders whose value date is in `[from, to]`.
    pub fn validated(from: Timestamp, to: Timestamp) -> Self {
        Self::new(OrderKind::Validated, from, to)
    }

    /// Quotes created in `[from, to]`.
    pub fn quotes(from: Timestamp, to: Timestamp) -> Self {
        Self::new(OrderKind::Quotes, from, to)
    }

    /// Orders of `kind` in `[from, to]`.
    pub fn new(kind: OrderKind, from: Timestamp, to: Timestamp) -> Self {
        Self {
            kind,
            from,
            to,
            delivery_method: None,
        }
    }

    /// Only orders with this delivery method (`filterDeliveryMethod`).
    pub fn delivery_method(mut self, method: DeliveryMethod) -> Self {
        self.delivery_method = Some(method);
        self
    }

    /// The same request, answered as [`OrderBriefs`]: what a listing needs of each order, the
    /// whole order decoded only on demand.
    pub fn briefs(self) -> ListOrderBriefs {
        ListOrderBriefs(self)
    }
}

/// Formats an instant as the POS expects: `2025-10-26T00:00:00Z`.
fn iso(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl Sealed for ListOrders {}

impl Endpoint for ListOrders {
    type Output = Vec<Order>;

    fn spec(&self) -> EndpointSpec {
        EndpointSpec::read("getOrders.php")
    }

    fn params(&self) -> Result<Params> {
        if self.from > self.to {
            return Err(KashError::invalid(format!(
                "the range starts ({}) after it ends ({}); swap from and to",
                iso(self.from),
                iso(self.to)
            )));
        }
        let mut p = Params::new();
        p.push(
            "validatedOrders",
            if self.kind == OrderKind::Validated {
                "true"
            } else {
                "false"
            },
        );
        p.push("from_date_ISO8601", iso(self.from));
        p.push("to_date_ISO8601", iso(self.to));
        if let Some(m) = self.delivery_method {
            if !m.is_known() {
                return Err(KashError::invalid(format!(
                    "unknown delivery method code {}; use 0-6",
                    m.code()
                )));
            }
            p.push("filterDeliveryMethod", m.code().to_string());
        }
        Ok(p)
    }

    fn decode(&self, response: RawResponse) -> Result<Self::Output> {
        response.list()
    }
}

/// Request: one order in full (`getOrder.php`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GetOrder {
    order_id: OrderId,
}

impl GetOrder {
    /// The request.
    pub fn new(order_id: OrderId) -> Self {
        Self { order_id }
    }
}

impl Sealed for GetOrder {}

impl Endpoint for GetOrder {
    type Output = Order;

    fn spec(&self) -> EndpointSpec {
        EndpointSpec::read("getOrder.php")
    }

    fn params(&self) -> Result<Params> {
        let mut p = Params::new();
        p.push("order_id", self.order_id.to_string());
        Ok(p)
    }

    fn decode(&self, response: RawResponse) -> Result<Self::Output> {
        if let Some(order) = order_from_bytes(&response.body) {
            return Ok(order);
        }
        let value = response.json_value()?;
        // The order itself, `[order]`, or `{"order": order}`.
        let inner = match value {
            Value::Array(mut a) if a.len() == 1 => a.remove(0),
            Value::Array(a) if a.is_empty() => {
                return Err(KashError::Api {
                    endpoint: "getOrder.php",
                    status: response.status,
                    explicit: true,
                    message: format!("order {} not found", self.order_id),
                });
            }
            Value::Object(mut o) => match o.remove("order").or_else(|| o.remove("commande")) {
                Some(inner @ Value::Object(_)) => inner,
                Some(other) => {
                    o.insert("order".to_owned(), other);
                    Value::Object(o)
                }
                None => Value::Object(o),
            },
            other => other,
        };
        response.decode_value(&inner)
    }
}

/// A `getOrder.php` answer that is the order itself or `[order]` (the usual shapes), decoded
/// straight from the bytes, without the JSON tree; `None` for any other shape or any failure,
/// which [`GetOrder`]'s general path then reads (and names the failing field).
fn order_from_bytes(body: &[u8]) -> Option<Order> {
    /// The keys under which the order may come wrapped, as the general path reads them
    /// (every other key is skipped; usually neither is there).
    #[derive(Deserialize)]
    struct Wrapper {
        order: Option<Value>,
        commande: Option<Value>,
    }
    let body = crate::decode::json_start(body);
    match body.first()? {
        b'[' => {
            let mut orders: Vec<Order> = serde_json::from_slice(body).ok()?;
            (orders.len() == 1).then(|| orders.pop()).flatten()
        }
        b'{' => {
            let wrapper: Wrapper = serde_json::from_slice(body).ok()?;
            if wrapper
                .order
                .or(wrapper.commande)
                .is_some_and(|w| w.is_object())
            {
                return None;
            }
            serde_json::from_slice(body).ok()
        }
        _ => None,
    }
}

list_endpoint! {
    /// `getPending.php`: orders in progress (to prepare, deliver or collect).
    kind PendingOrders, item Order, script "getPending.php", what "pending orders";
    request ListPendingOrders, text ListPendingOrdersText;
    fn list_pending_orders, list_pending_orders_text;
}

impl crate::KashClient {
    /// `getOrders.php` — orders of `kind` in `[from, to]` (validated by value date, quotes by
    /// creation date).
    ///
    /// # Errors
    /// [`KashError::InvalidInput`] if `from` is after `to`; transport, API and decode errors.
    pub async fn list_orders(
        &self,
        kind: OrderKind,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Order>> {
        self.send(&ListOrders::new(kind, from, to)).await
    }

    /// `getOrder.php` — one order with its lines, customer, payments and VAT.
    ///
    /// # Errors
    /// Transport, API (including "not found") and decode errors.
    pub async fn get_order(&self, order_id: OrderId) -> Result<Order> {
        self.send(&GetOrder::new(order_id)).await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const ORDER: &str = include_str!("../../tests/fixtures/order.json");
    const ORDERS: &str = include_str!("../../tests/fixtures/orders.json");

    /// The order through the JSON tree, as the general path reads it.
    fn through_the_tree(text: &str) -> Order {
        let value: Value = serde_json::from_str(text).unwrap();
        crate::decode::from_value("getOrder.php", &value, &|s: &str| s.to_owned()).unwrap()
    }

    /// Read straight from the bytes, every order of the fixtures is the order the tree gives,
    /// alone or in a one-item array.
    #[test]
    fn an_order_read_from_the_bytes_is_the_order_the_tree_gives() {
        let list: Vec<Value> = serde_json::from_str(ORDERS).unwrap();
        let texts: Vec<String> = std::iter::once(ORDER.to_owned())
            .chain(list.iter().map(Value::to_string))
            .collect();
        assert!(texts.len() > 2);
        for text in &texts {
            let tree = through_the_tree(text);
            assert_eq!(order_from_bytes(text.as_bytes()), Some(tree.clone()));
            let in_array = format!("\u{feff} [{text}]");
            assert_eq!(order_from_bytes(in_array.as_bytes()), Some(tree));
        }
    }

    /// Wrapped orders, arrays of any other length and anything that does not decode are left
    /// to the general path; a non-object `order` field is an ordinary field.
    #[test]
    fn other_shapes_are_left_to_the_general_path() {
        for wrapped in [
            format!(r#"{{"result":"OK","order":{ORDER}}}"#),
            format!(r#"{{"commande":{ORDER}}}"#),
            format!("[{ORDER},{ORDER}]"),
            "[]".to_owned(),
            r#"{"id": "not a number"}"#.to_owned(),
            "<html>".to_owned(),
        ] {
            assert_eq!(order_from_bytes(wrapped.as_bytes()), None, "{wrapped}");
        }
        let with_field = ORDER.replacen('{', r#"{"order": "A-12","#, 1);
        assert_eq!(
            order_from_bytes(with_field.as_bytes()),
            Some(through_the_tree(&with_field))
        );
    }
}
