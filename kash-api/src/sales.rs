//! Recording a sale: `POST /workers/webapp.php`.
//!
//! A [`NewSale`] is built from typed lines and encoded exactly: one `itemsList[]` per line, in
//! order, with the legacy `_`-separated grammar; a new customer under the documented French
//! `client[...]` keys; decimals with a dot and no float noise. Anything that would corrupt the
//! line format is refused with [`KashError::InvalidInput`] before a byte is sent.
//!
//! A sale is never retried by the client. If the answer is lost (a timeout after the request
//! went out), [`KashError::may_have_been_applied`] says so, and the sale must be reported as
//! "may have been recorded", to be checked in the orders, not sent again.

use rust_decimal::Decimal;
use serde_json::Map;

use crate::error::{KashError, Result};
use crate::ids::{
    CashboxId, CustomerId, DepartmentId, OrderId, ProductId, TableId, UserId, VariationChoiceId,
};
use crate::money::format_decimal;
use crate::orders::DeliveryMethod;
pub use crate::orders::PaymentState;
use crate::request::{Endpoint, EndpointSpec, Params, RawResponse, Sealed, check_text};
use crate::wire::wire_record;

/// The most variations a catalogue line can carry.
pub const MAX_VARIATIONS: usize = 5;
/// The most decimals a price may have (more is float noise, e.g. `14.499999999`).
pub const MAX_PRICE_DECIMALS: u32 = 4;
/// The most decimals a quantity may have (weighed goods).
pub const MAX_QUANTITY_DECIMALS: u32 = 3;

/// A catalogue article on a sale.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogLine {
    /// The product.
    pub product: ProductId,
    /// How many (positive; may be fractional for weighed goods).
    pub quantity: Decimal,
    /// A title to print instead of the catalogue's.
    pub title: Option<String>,
    /// A unit price to charge instead of the catalogue's.
    pub price: Option<Decimal>,
    /// The chosen variation choices, at most five.
    pub variations: Vec<VariationChoiceId>,
}

impl CatalogLine {
    /// `quantity` × `product` at the catalogue's price and title.
    pub fn new(product: ProductId, quantity: impl Into<Decimal>) -> Self {
        Self {
            product,
            quantity: quantity.into(),
            title: None,
            price: None,
            variations: Vec::new(),
        }
    }

    /// Prints `title` instead of the catalogue's.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Charges `price` (per unit, VAT included) instead of the catalogue's.
    pub fn price(mut self, price: Decimal) -> Self {
        self.price = Some(price);
        self
    }

    /// Adds a chosen variation choice.
    pub fn variation(mut self, choice: VariationChoiceId) -> Self {
        self.variations.push(choice);
        self
    }
}

/// One line of a sale.
#[derive(Debug, Clone, PartialEq)]
pub enum SaleLine {
    /// A catalogue article: `<productId>_<qty>[_<title>_<price>[_<var>…]]`.
    Catalog(CatalogLine),
    /// An amount booked to a department (its VAT applies): `-<departmentId>_<price>_<title>`.
    Department {
        /// The department.
        department: DepartmentId,
        /// The amount, VAT included.
        price: Decimal,
        /// What is printed.
        title: String,
    },
    /// A free amount with no department (the shop's default VAT applies; prefer a department
    /// line where possible): `Free_<price>_<title>`.
    Free {
        /// The amount, VAT included.
        price: Decimal,
        /// What is printed.
        title: String,
    },
}

impl SaleLine {
    /// A catalogue line.
    pub fn catalog(product: ProductId, quantity: impl Into<Decimal>) -> CatalogLine {
        CatalogLine::new(product, quantity)
    }

    /// A department line.
    pub fn department(department: DepartmentId, price: Decimal, title: impl Into<String>) -> Self {
        Self::Department {
            department,
            price,
            title: title.into(),
        }
    }

    /// A free line.
    pub fn free(price: Decimal, title: impl Into<String>) -> Self {
        Self::Free {
            price,
            title: title.into(),
        }
    }

    /// The `itemsList[]` value, validated. `n` is the 1-based line number for messages.
    ///
    /// # Errors
    /// [`KashError::InvalidInput`] saying what to change.
    pub fn encode(&self, n: usize) -> Result<String> {
        match self {
            Self::Catalog(line) => {
                check_quantity(n, line.quantity)?;
                if line.variations.len() > MAX_VARIATIONS {
                    return Err(KashError::invalid(format!(
                        "line {n}: {} variations given, the POS takes at most {MAX_VARIATIONS} per line",
                        line.variations.len()
                    )));
                }
                if let Some(v) = line.variations.iter().find(|v| v.0 == 0) {
                    return Err(KashError::invalid(format!(
                        "line {n}: variation choice id {v} is not a valid id"
                    )));
                }
                if line.product.0 == 0 {
                    return Err(KashError::invalid(format!(
                        "line {n}: product id 0 is not a valid id"
                    )));
                }
                let title = line.title.as_deref().map(str::trim).unwrap_or("");
                check_title(n, title, false)?;
                if let Some(p) = line.price {
                    check_price(n, p)?;
                }
                let qty = format_decimal(line.quantity);
                let mut out = format!("{}_{}", line.product, qty);
                if !title.is_empty() || line.price.is_some() || !line.variations.is_empty() {
                    out.push('_');
                    out.push_str(title);
                    out.push('_');
                    if let Some(p) = line.price {
                        out.push_str(&format_decimal(p));
                    }
                    for v in &line.variations {
                        out.push('_');
                        out.push_str(&v.to_string());
                    }
                }
                Ok(out)
            }
            Self::Department {
                department,
                price,
                title,
            } => {
                if department.0 == 0 {
                    return Err(KashError::invalid(format!(
                        "line {n}: department id 0 is not a valid id"
                    )));
                }
                check_price(n, *price)?;
                let title = title.trim();
                check_title(n, title, true)?;
                Ok(format!(
                    "-{}_{}_{}",
                    department,
                    format_decimal(*price),
                    title
                ))
            }
            Self::Free { price, title } => {
                check_price(n, *price)?;
                let title = title.trim();
                check_title(n, title, true)?;
                Ok(format!("Free_{}_{}", format_decimal(*price), title))
            }
        }
    }
}

impl From<CatalogLine> for SaleLine {
    fn from(line: CatalogLine) -> Self {
        Self::Catalog(line)
    }
}

fn check_quantity(n: usize, q: Decimal) -> Result<()> {
    if q <= Decimal::ZERO {
        return Err(KashError::invalid(format!(
            "line {n}: the quantity must be more than 0, got {}; to refund, record a sale paid \
             with a refund payment mode",
            format_decimal(q)
        )));
    }
    if q.normalize().scale() > MAX_QUANTITY_DECIMALS {
        return Err(KashError::invalid(format!(
            "line {n}: the quantity {} has more than {MAX_QUANTITY_DECIMALS} decimals",
            q.normalize()
        )));
    }
    Ok(())
}

fn check_price(n: usize, p: Decimal) -> Result<()> {
    if p.is_sign_negative() && !p.is_zero() {
        return Err(KashError::invalid(format!(
            "line {n}: the price cannot be negative (got {}); use a discount or a refund \
             payment mode instead",
            format_decimal(p)
        )));
    }
    if p.normalize().scale() > MAX_PRICE_DECIMALS {
        return Err(KashError::invalid(format!(
            "line {n}: the price {} has more than {MAX_PRICE_DECIMALS} decimals; round it \
             (e.g. to cents)",
            p.normalize()
        )));
    }
    Ok(())
}

fn check_title(n: usize, title: &str, required: bool) -> Result<()> {
    if required && title.is_empty() {
        return Err(KashError::invalid(format!(
            "line {n}: a department or free line needs a title"
        )));
    }
    if title.contains('_') {
        return Err(KashError::invalid(format!(
            "line {n}: the title \"{title}\" contains '_', which the POS uses to separate \
             fields; replace it with a space or '-'"
        )));
    }
    check_text(&format!("line {n}: the title"), title)
}

/// A customer created together with the sale, sent as `client[<French key>]`.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct NewCustomer {
    /// First name → `client[prenom]`.
    pub first_name: Option<String>,
    /// Last name → `client[nom]`.
    pub last_name: Option<String>,
    /// Email → `client[email]`.
    pub email: Option<String>,
    /// Phone → `client[telephone]`.
    pub phone: Option<String>,
    /// Second phone → `client[telephone2]`.
    pub phone2: Option<String>,
    /// Address line 1 → `client[adresseligne1]`.
    pub address: Option<String>,
    /// Address line 2 → `client[adresseligne2]`.
    pub address2: Option<String>,
    /// Delivery instructions → `client[commentaireadresse]`.
    pub address_comment: Option<String>,
    /// Postcode → `client[codepostal]`.
    pub zip: Option<String>,
    /// City → `client[ville]`.
    pub city: Option<String>,
    /// ISO country code (FR) → `client[pays]`.
    pub country: Option<String>,
    /// VAT number → `client[numtva]`.
    pub vat_number: Option<String>,
    /// Company registration → `client[rcs]`.
    pub company_registration: Option<String>,
    /// Loyalty barcode → `client[codeBarre]`.
    pub barcode: Option<String>,
    /// Latitude → `client[lat]`.
    pub lat: Option<f64>,
    /// Longitude → `client[lng]`.
    pub lng: Option<f64>,
}

impl NewCustomer {
    /// An empty customer; set at least a name.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the first name.
    pub fn first_name(mut self, v: impl Into<String>) -> Self {
        self.first_name = Some(v.into());
        self
    }
    /// Sets the last name.
    pub fn last_name(mut self, v: impl Into<String>) -> Self {
        self.last_name = Some(v.into());
        self
    }
    /// Sets the email.
    pub fn email(mut self, v: impl Into<String>) -> Self {
        self.email = Some(v.into());
        self
    }
    /// Sets the phone.
    pub fn phone(mut self, v: impl Into<String>) -> Self {
        self.phone = Some(v.into());
        self
    }
    /// Sets the first address line.
    pub fn address(mut self, v: impl Into<String>) -> Self {
        self.address = Some(v.into());
        self
    }
    /// Sets the postcode.
    pub fn zip(mut self, v: impl Into<String>) -> Self {
        self.zip = Some(v.into());
        self
    }
    /// Sets the city.
    pub fn city(mut self, v: impl Into<String>) -> Self {
        self.city = Some(v.into());
        self
    }
    /// Sets the ISO country code.
    pub fn country(mut self, v: impl Into<String>) -> Self {
        self.country = Some(v.into());
        self
    }

    fn encode(&self, out: &mut Params) -> Result<()> {
        let named = [&self.first_name, &self.last_name, &self.email, &self.phone]
            .iter()
            .any(|v| v.as_ref().is_some_and(|s| !s.trim().is_empty()));
        if !named {
            return Err(KashError::invalid(
                "the new customer needs at least a name, an email or a phone",
            ));
        }
        let texts: [(&str, &Option<String>); 14] = [
            ("nom", &self.last_name),
            ("prenom", &self.first_name),
            ("email", &self.email),
            ("telephone", &self.phone),
            ("telephone2", &self.phone2),
            ("adresseligne1", &self.address),
            ("adresseligne2", &self.address2),
            ("commentaireadresse", &self.address_comment),
            ("codepostal", &self.zip),
            ("ville", &self.city),
            ("pays", &self.country),
            ("numtva", &self.vat_number),
            ("rcs", &self.company_registration),
            ("codeBarre", &self.barcode),
        ];
        for (key, value) in texts {
            if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                check_text(&format!("the customer's {key}"), v)?;
                let v = if key == "pays" {
                    check_country(v)?;
                    v.to_ascii_uppercase()
                } else {
                    v.to_owned()
                };
                out.push(format!("client[{key}]"), v);
            }
        }
        for (key, value, range) in [("lat", self.lat, 90.0), ("lng", self.lng, 180.0)] {
            if let Some(v) = value {
                if !v.is_finite() || v.abs() > range {
                    return Err(KashError::invalid(format!(
                        "the customer's {key} must be a number between -{range} and {range}"
                    )));
                }
                out.push(format!("client[{key}]"), v.to_string());
            }
        }
        Ok(())
    }
}

/// Checks an ISO 3166-1 alpha-2 country code.
pub(crate) fn check_country(code: &str) -> Result<()> {
    let c = code.trim();
    if c.len() == 2 && c.chars().all(|ch| ch.is_ascii_alphabetic()) {
        Ok(())
    } else {
        Err(KashError::invalid(format!(
            "the country must be a two-letter ISO code such as FR, BE or CH, got \"{c}\""
        )))
    }
}

/// A sale to record.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct NewSale {
    /// The lines, in order (at least one).
    pub lines: Vec<SaleLine>,
    /// Quote, validated unpaid, or paid with a payment mode.
    pub payment: PaymentState,
    /// How it leaves the shop.
    pub delivery_method: Option<DeliveryMethod>,
    /// The user recording it (the POS uses a "webservice" user otherwise).
    pub user: Option<UserId>,
    /// An existing customer.
    pub customer: Option<CustomerId>,
    /// A customer to create with the sale.
    pub new_customer: Option<NewCustomer>,
    /// The table.
    pub table: Option<TableId>,
    /// The cash register.
    pub cashbox: Option<CashboxId>,
    /// Covers (guests at the table).
    pub covers: Option<u32>,
    /// Comment printed for the customer.
    pub public_comment: Option<String>,
    /// Comment for the staff.
    pub private_comment: Option<String>,
    /// Pager (buzzer) number.
    pub pager: Option<u32>,
    /// Value date (accounting date); now if absent.
    pub value_date: Option<jiff::Timestamp>,
}

impl NewSale {
    /// A sale with `payment` and no lines yet.
    pub fn new(payment: PaymentState) -> Self {
        Self {
            lines: Vec::new(),
            payment,
            delivery_method: None,
            user: None,
            customer: None,
            new_customer: None,
            table: None,
            cashbox: None,
            covers: None,
            public_comment: None,
            private_comment: None,
            pager: None,
            value_date: None,
        }
    }

    /// Appends a line.
    pub fn line(mut self, line: impl Into<SaleLine>) -> Self {
        self.lines.push(line.into());
        self
    }

    /// Sets the delivery method.
    pub fn delivery_method(mut self, method: DeliveryMethod) -> Self {
        self.delivery_method = Some(method);
        self
    }

    /// Sets the user.
    pub fn user(mut self, user: UserId) -> Self {
        self.user = Some(user);
        self
    }

    /// Sets an existing customer.
    pub fn customer(mut self, customer: CustomerId) -> Self {
        self.customer = Some(customer);
        self
    }

    /// Creates a customer with the sale.
    pub fn new_customer(mut self, customer: NewCustomer) -> Self {
        self.new_customer = Some(customer);
        self
    }

    /// Sets the table.
    pub fn table(mut self, table: TableId) -> Self {
        self.table = Some(table);
        self
    }

    /// Sets the cash register.
    pub fn cashbox(mut self, cashbox: CashboxId) -> Self {
        self.cashbox = Some(cashbox);
        self
    }

    /// Sets the number of covers.
    pub fn covers(mut self, covers: u32) -> Self {
        self.covers = Some(covers);
        self
    }

    /// Sets the public comment.
    pub fn public_comment(mut self, comment: impl Into<String>) -> Self {
        self.public_comment = Some(comment.into());
        self
    }

    /// Sets the private comment.
    pub fn private_comment(mut self, comment: impl Into<String>) -> Self {
        self.private_comment = Some(comment.into());
        self
    }

    /// Sets the pager number.
    pub fn pager(mut self, pager: u32) -> Self {
        self.pager = Some(pager);
        self
    }

    /// Sets the value date.
    pub fn value_date(mut self, at: jiff::Timestamp) -> Self {
        self.value_date = Some(at);
        self
    }

    /// The form fields of this sale (without credentials), validated.
    ///
    /// # Errors
    /// [`KashError::InvalidInput`] saying what to change.
    pub fn encode(&self) -> Result<Params> {
        if self.lines.is_empty() {
            return Err(KashError::invalid(
                "a sale needs at least one line (a catalogue article, a department amount or \
                 a free amount)",
            ));
        }
        if self.customer.is_some() && self.new_customer.is_some() {
            return Err(KashError::invalid(
                "give either an existing customer id or a new customer, not both",
            ));
        }
        let mut p = Params::new();
        p.push("payment", self.payment.code().to_string());
        if let PaymentState::Paid(id) = self.payment
            && id.0 == 0
        {
            return Err(KashError::invalid(
                "payment mode id 0 is not valid; use -1 (unpaid) or -2 (quote)",
            ));
        }
        if let Some(m) = self.delivery_method {
            if matches!(m, DeliveryMethod::Unknown(_)) {
                return Err(KashError::invalid(format!(
                    "unknown delivery method code {}; use 0-6",
                    m.code()
                )));
            }
            p.push("deliveryMethod", m.code().to_string());
        }
        let ids: [(&str, Option<u64>); 4] = [
            ("idUser", self.user.map(|v| v.0)),
            ("idClient", self.customer.map(|v| v.0)),
            ("idtable", self.table.map(|v| v.0)),
            ("idcaisse", self.cashbox.map(|v| v.0)),
        ];
        for (key, id) in ids {
            if let Some(id) = id {
                if id == 0 {
                    return Err(KashError::invalid(format!("{key} 0 is not a valid id")));
                }
                p.push(key, id.to_string());
            }
        }
        if let Some(c) = self.covers {
            p.push("numcouverts", c.to_string());
        }
        for (key, value) in [
            ("publicComment", &self.public_comment),
            ("privateComment", &self.private_comment),
        ] {
            if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                // Comments may span lines; only other control characters are refused.
                if v.chars()
                    .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
                {
                    return Err(KashError::invalid(format!(
                        "{key} contains control characters"
                    )));
                }
                p.push(key, v.to_owned());
            }
        }
        if let Some(pager) = self.pager {
            p.push("pagerNum", pager.to_string());
        }
        if let Some(at) = self.value_date {
            p.push("dateValeur", at.as_second().to_string());
        }
        if let Some(c) = &self.new_customer {
            c.encode(&mut p)?;
        }
        for (i, line) in self.lines.iter().enumerate() {
            p.push("itemsList[]", line.encode(i + 1)?);
        }
        Ok(p)
    }
}

wire_record! {
    /// What the POS answered to a recorded sale. The shape is undocumented: the known fields are
    /// read leniently and everything else is kept in [`SaleReceipt::extra`].
    pub struct SaleReceipt {
        /// The new order's id.
        order_id: Option<OrderId> = ["orderID", "order_id", "idCommande", "id"],
        /// The number printed on the invoice.
        internal_id: Option<String> = ["orderInternalID", "numero"],
        /// Total including VAT, as the POS computed it.
        total: Option<Decimal> = ["price", "totalTTC"],
        /// Total VAT.
        vat_total: Option<Decimal> = ["VAT"],
        /// The customer id (new or existing).
        customer_id: Option<CustomerId> = ["clientID", "idClient"],
    }
}

/// Request: record a sale (`webapp.php`).
#[derive(Debug, Clone, PartialEq)]
pub struct CreateSale {
    sale: NewSale,
}

impl CreateSale {
    /// The request.
    pub fn new(sale: NewSale) -> Self {
        Self { sale }
    }
}

impl Sealed for CreateSale {}

impl Endpoint for CreateSale {
    type Output = SaleReceipt;

    fn spec(&self) -> EndpointSpec {
        EndpointSpec::post("webapp.php")
    }

    fn params(&self) -> Result<Params> {
        self.sale.encode()
    }

    fn decode(&self, response: RawResponse) -> Result<Self::Output> {
        let value = response.json_value()?;
        // A bare id, or an object.
        if let Some(n) = value.as_u64() {
            return Ok(SaleReceipt {
                order_id: Some(OrderId(n)),
                internal_id: None,
                total: None,
                vat_total: None,
                customer_id: None,
                extra: Map::new(),
            });
        }
        let mut receipt: SaleReceipt = response.decode_value(&value)?;
        receipt.extra.remove("result");
        Ok(receipt)
    }
}

impl crate::KashClient {
    /// `webapp.php` — records a sale. Sent once, never retried.
    ///
    /// # Errors
    /// [`KashError::InvalidInput`] before sending (no lines, `_` in a title, more than five
    /// variations, a non-positive quantity, a negative price…). After sending, check
    /// [`KashError::may_have_been_applied`]: when true the sale may exist and must not be
    /// sent again blindly.
    pub async fn create_sale(&self, sale: &NewSale) -> Result<SaleReceipt> {
        self.send(&CreateSale::new(sale.clone())).await
    }
}
