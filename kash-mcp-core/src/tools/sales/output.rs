//! A sale checked and priced ([`Resolved`]), what is sent to the POS, and the answer the caller
//! gets ([`SaleOutput`]).

use kash_api::Decimal;
use kash_api::ids::*;
use kash_api::orders::DeliveryMethod;
use kash_api::sales::{CatalogLine, NewCustomer, NewSale, PaymentState, SaleLine};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::args::ClientArg;
use crate::i18n::{self, Lang};
use crate::tr;
use crate::views::{Amount, Method, Num, Payment, delivery_method_label};

// ---------------------------------------------------------------------------------------
// Output

/// What a line sells: a catalogue article, an amount in a department, or free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum LineKind {
    Catalog,
    Dept,
    Free,
}

/// Where a sale stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum SaleStatus {
    /// Priced, nothing recorded.
    Preview,
    /// Recorded in the POS.
    Recorded,
    /// Sent, unconfirmed: may have been recorded.
    Uncertain,
}

/// A priced line.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PricedLine {
    pub kind: LineKind,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department_id: Option<u64>,
    pub quantity: Num,
    /// Unit price including VAT and variation supplements.
    pub unit_price: Amount,
    /// Line total including VAT.
    pub total: Amount,
    /// VAT rate in percent, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vat_rate: Option<Num>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variations: Vec<String>,
}

/// The result of `sale_create`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SaleOutput {
    pub status: SaleStatus,
    /// Whether this answer repeats an earlier one (same preview or idempotency key): nothing
    /// was sent this time.
    pub replay: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<u64>,
    /// The invoice number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// To record this preview: `sale_create` with `confirmPreviewId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview_expires_at: Option<String>,
    pub lines: Vec<PricedLine>,
    /// Total including VAT, as priced from the catalogue.
    pub total: Amount,
    /// The total the POS computed, when it gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pos_total: Option<Amount>,
    /// VAT per rate, when every line's rate is known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vat: Vec<VatOut>,
    pub payment_state: Payment,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_method: Option<Method>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<CustomerOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// The delivery or pickup time, `YYYY-MM-DDTHH:MM` (shop's local time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_at: Option<String>,
    /// The key to call again with when the outcome is uncertain (one the server made up).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// The human summary.
    pub message: String,
}

/// VAT of one rate.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub(crate) struct VatOut {
    /// In percent.
    pub rate: Num,
    pub amount: Amount,
}

/// The customer of a sale.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub(crate) struct CustomerOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    pub name: String,
    /// Whether it is created with this sale.
    pub new: bool,
}

// ---------------------------------------------------------------------------------------
// Resolution

/// Everything needed to send the sale and describe it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Resolved {
    /// `itemsList[]` values and descriptions.
    pub(super) lines: Vec<ResolvedLine>,
    pub(super) payment: i64,
    pub(super) payment_mode: Option<String>,
    pub(super) delivery_method: Option<i64>,
    pub(super) user: Option<u64>,
    pub(super) customer: Option<u64>,
    pub(super) customer_name: Option<String>,
    pub(super) new_customer: Option<ClientArg>,
    pub(super) table: Option<u64>,
    pub(super) table_name: Option<String>,
    pub(super) cashbox: Option<u64>,
    pub(super) covers: Option<u32>,
    pub(super) public_comment: Option<String>,
    pub(super) private_comment: Option<String>,
    pub(super) pager: Option<u32>,
    pub(super) value_date: Option<i64>,
    /// The delivery or pickup time, `2026-11-24 18:15` (shop's local time).
    #[serde(default)]
    pub(super) due: Option<String>,
    pub(super) total: Decimal,
    pub(super) vat: Vec<(Decimal, Decimal)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct ResolvedLine {
    pub(super) kind: String,
    pub(super) product: Option<u64>,
    pub(super) department: Option<u64>,
    pub(super) quantity: Decimal,
    pub(super) title_override: Option<String>,
    pub(super) price_override: Option<Decimal>,
    pub(super) title: String,
    pub(super) unit_price: Decimal,
    pub(super) total: Decimal,
    pub(super) vat_rate: Option<Decimal>,
    pub(super) variations: Vec<u64>,
    pub(super) variation_titles: Vec<String>,
}

impl ResolvedLine {
    /// A line of one `price` (a dept or free line), before its department and VAT.
    pub(super) fn amount(kind: &str, title: String, price: Decimal) -> Self {
        Self {
            kind: kind.to_owned(),
            product: None,
            department: None,
            quantity: Decimal::ONE,
            title_override: None,
            price_override: None,
            title,
            unit_price: price,
            total: price,
            vat_rate: None,
            variations: Vec::new(),
            variation_titles: Vec::new(),
        }
    }
}

impl Resolved {
    /// The sale as sent, with `mark` at the end of its private comment.
    pub(super) fn new_sale(&self, mark: Option<&str>) -> NewSale {
        let payment = match self.payment {
            -2 => PaymentState::Quote,
            -1 => PaymentState::Unpaid,
            id => PaymentState::Paid(PaymentModeId(u64::try_from(id).unwrap_or(0))),
        };
        let mut sale = NewSale::new(payment);
        for l in &self.lines {
            let line: SaleLine = match l.kind.as_str() {
                "catalog" => {
                    let mut c = CatalogLine::new(ProductId(l.product.unwrap_or(0)), l.quantity);
                    if let Some(t) = &l.title_override {
                        c = c.title(t.clone());
                    }
                    if let Some(p) = l.price_override {
                        c = c.price(p);
                    }
                    for v in &l.variations {
                        c = c.variation(VariationChoiceId(*v));
                    }
                    c.into()
                }
                "dept" => SaleLine::department(
                    DepartmentId(l.department.unwrap_or(0)),
                    l.unit_price,
                    l.title.clone(),
                ),
                _ => SaleLine::free(l.unit_price, l.title.clone()),
            };
            sale = sale.line(line);
        }
        if let Some(m) = self.delivery_method {
            sale = sale.delivery_method(DeliveryMethod::from_code(m));
        }
        if let Some(u) = self.user {
            sale = sale.user(UserId(u));
        }
        if let Some(c) = self.customer {
            sale = sale.customer(CustomerId(c));
        }
        if let Some(c) = &self.new_customer {
            let mut nc = NewCustomer::new();
            nc.first_name = c.firstname.clone();
            nc.last_name = c.lastname.clone();
            nc.email = c.email.clone();
            nc.phone = c.phone.clone();
            nc.phone2 = c.phone2.clone();
            nc.address = c.address.clone();
            nc.address2 = c.address2.clone();
            nc.address_comment = c.address_comment.clone();
            nc.zip = c.zip.clone();
            nc.city = c.city.clone();
            nc.country = c.country.clone();
            nc.vat_number = c.vat_number.clone();
            nc.company_registration = c.company_registration.clone();
            nc.barcode = c.barcode.clone();
            nc.lat = c.lat.and_then(|d| d.to_string().parse().ok());
            nc.lng = c.lng.and_then(|d| d.to_string().parse().ok());
            sale = sale.new_customer(nc);
        }
        if let Some(t) = self.table {
            sale = sale.table(TableId(t));
        }
        if let Some(c) = self.cashbox {
            sale = sale.cashbox(CashboxId(c));
        }
        if let Some(c) = self.covers {
            sale = sale.covers(c);
        }
        if let Some(c) = self.printed_comment() {
            sale = sale.public_comment(c);
        }
        let private = match (self.private_comment.as_deref(), mark) {
            (Some(c), Some(m)) => Some(format!("{c} {m}")),
            (Some(c), None) => Some(c.to_owned()),
            (None, Some(m)) => Some(m.to_owned()),
            (None, None) => None,
        };
        if let Some(c) = private {
            sale = sale.private_comment(c);
        }
        if let Some(p) = self.pager {
            sale = sale.pager(p);
        }
        if let Some(at) = self
            .value_date
            .and_then(|s| jiff::Timestamp::from_second(s).ok())
        {
            sale = sale.value_date(at);
        }
        sale
    }

    pub(super) fn customer_name(&self) -> Option<String> {
        self.customer_name.clone().or_else(|| {
            self.new_customer.as_ref().map(|c| {
                format!(
                    "{} {}",
                    c.firstname.clone().unwrap_or_default(),
                    c.lastname.clone().unwrap_or_default()
                )
                .trim()
                .to_owned()
            })
        })
    }

    /// "2 × Café 2.40, 1 × Croissant 1.20 — total 3.60 €, table 84, validated, unpaid".
    /// The public comment as sent: the delivery time's mark first, then the caller's comment.
    pub(super) fn printed_comment(&self) -> Option<String> {
        let mark = self.due.as_deref().map(crate::views::due_mark);
        match (mark, self.public_comment.as_deref()) {
            (Some(m), Some(c)) => Some(format!("{m} {c}")),
            (Some(m), None) => Some(m),
            (None, Some(c)) => Some(c.to_owned()),
            (None, None) => None,
        }
    }

    pub(super) fn describe(&self, lang: Lang, pos_total: Option<Decimal>) -> String {
        let num = |d: Decimal| {
            let s = format!("{:.2}", d.round_dp(2));
            if lang == Lang::Fr {
                s.replace('.', ",")
            } else {
                s
            }
        };
        let lines: Vec<String> = self
            .lines
            .iter()
            .map(|l| {
                let vars = if l.variation_titles.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", l.variation_titles.join(", "))
                };
                format!(
                    "{} × {}{} {}",
                    i18n::quantity(lang, l.quantity),
                    l.title,
                    vars,
                    num(l.total)
                )
            })
            .collect();
        let total = pos_total.unwrap_or(self.total);
        let mut out = format!("{} — total {}", lines.join(", "), i18n::money(lang, total));
        if let Some(t) = &self.table_name {
            out.push_str(&format!(", table {t}"));
        } else if let Some(m) = self.delivery_method {
            out.push_str(&format!(
                ", {}",
                delivery_method_label(lang, DeliveryMethod::from_code(m).name())
            ));
        }
        if let Some(c) = self.customer_name() {
            out.push_str(&tr!(lang, ", customer {}", ", client {}", c));
        }
        out.push_str(", ");
        out.push_str(&match self.payment {
            -2 => lang
                .pick("quote (not validated)", "devis (non validé)")
                .to_owned(),
            -1 => lang
                .pick("validated, unpaid", "validée, non payée")
                .to_owned(),
            _ => tr!(
                lang,
                "paid ({})",
                "payée ({})",
                self.payment_mode.clone().unwrap_or_default()
            ),
        });
        if let Some(d) = self.due.as_deref() {
            out.push_str(&tr!(lang, ", due {}", ", pour {}", d));
        }
        if let Some(p) = self.public_comment.as_deref() {
            out.push_str(&format!(" — « {p} »"));
        }
        out
    }

    pub(super) fn output(&self, status: SaleStatus, message: String) -> SaleOutput {
        SaleOutput {
            status,
            replay: false,
            order_id: None,
            number: None,
            preview_id: None,
            preview_expires_at: None,
            lines: self
                .lines
                .iter()
                .map(|l| PricedLine {
                    kind: match l.kind.as_str() {
                        "catalog" => LineKind::Catalog,
                        "dept" => LineKind::Dept,
                        _ => LineKind::Free,
                    },
                    title: l.title.clone(),
                    product_id: l.product,
                    department_id: l.department,
                    quantity: Num(l.quantity),
                    unit_price: Amount(l.unit_price.round_dp(2)),
                    total: Amount(l.total.round_dp(2)),
                    vat_rate: l.vat_rate.map(Num),
                    variations: l.variation_titles.clone(),
                })
                .collect(),
            total: Amount(self.total.round_dp(2)),
            pos_total: None,
            vat: self
                .vat
                .iter()
                .map(|(r, a)| VatOut {
                    rate: Num(*r),
                    amount: Amount(a.round_dp(2)),
                })
                .collect(),
            payment_state: match self.payment {
                -2 => Payment::Quote,
                -1 => Payment::Unpaid,
                _ => Payment::Paid,
            },
            payment_mode: self.payment_mode.clone(),
            delivery_method: self
                .delivery_method
                .map(|m| Method(DeliveryMethod::from_code(m))),
            customer: self.customer_name().map(|name| CustomerOut {
                id: self.customer,
                name,
                new: self.new_customer.is_some(),
            }),
            table: self.table_name.clone(),
            delivery_at: self.due.as_ref().map(|d| d.replacen(' ', "T", 1)),
            idempotency_key: None,
            message,
        }
    }
}

pub(super) fn recorded(
    lang: Lang,
    resolved: &Resolved,
    order_id: Option<u64>,
    number: Option<String>,
    pos_total: Option<Decimal>,
    customer_id: Option<u64>,
) -> SaleOutput {
    let shown_total = pos_total.filter(|t| *t != resolved.total);
    let id = order_id
        .map(|i| i.to_string())
        .unwrap_or_else(|| lang.pick("(no number given)", "(sans numéro)").to_owned());
    let mut message = tr!(
        lang,
        "Recorded order {}: {}",
        "Commande {} enregistrée : {}",
        id,
        resolved.describe(lang, pos_total)
    );
    if let Some(t) = shown_total {
        message.push_str(&tr!(
            lang,
            " (the POS computed {}, the catalogue prices gave {})",
            " (la caisse a calculé {}, les prix du catalogue donnaient {})",
            i18n::money(lang, t),
            i18n::money(lang, resolved.total)
        ));
    }
    let mut out = resolved.output(SaleStatus::Recorded, message);
    out.order_id = order_id;
    out.number = number;
    out.pos_total = pos_total.map(|t| Amount(t.round_dp(2)));
    if let (Some(c), Some(id)) = (out.customer.as_mut(), customer_id) {
        c.id = Some(id);
    }
    out
}
