//! Payment modes (cash, card, cheque, meal voucher… and their refund modes):
//! `getPaymentModes.php`, `addPaymentMethod.php`, `delPaymentMethod.php`.
//!
//! A paid sale names its payment mode by id ([`crate::sales::PaymentState::Paid`]).

use std::fmt;

use rust_decimal::Decimal;
use serde::Serializer;

use crate::de::{Lenient, Scalar};
use crate::error::{KashError, Result};
use crate::ids::{CashboxId, PaymentModeId};
use crate::lists::list_endpoint;
use crate::request::Params;
use crate::wire::wire_record;
use crate::writes::{WireValue, field_set, non_negative, record, require_text};

/// The kind of a payment mode.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PaymentKind {
    /// Cash.
    Cash,
    /// Bank card.
    CreditCard,
    /// Cheque.
    Check,
    /// Bank transfer.
    BankTransfer,
    /// Meal voucher (titre-restaurant).
    MealVoucher,
    /// Holiday voucher (chèque-vacances).
    HolidayVoucher,
    /// A kind this SDK does not know, as the POS wrote it.
    Unknown(String),
}

/// A payment mode's type: its kind, and whether it refunds (`Cash_Refund`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PaymentType {
    /// Cash, card…
    pub kind: PaymentKind,
    /// Whether money goes back to the customer.
    pub refund: bool,
}

impl PaymentType {
    /// A paying mode of `kind`.
    pub fn new(kind: PaymentKind) -> Self {
        Self {
            kind,
            refund: false,
        }
    }

    /// The refund mode of `kind`.
    pub fn refund(kind: PaymentKind) -> Self {
        Self { kind, refund: true }
    }

    /// Parses the wire form (`Credit_Card`, `Cash_Refund`, case-insensitive).
    pub fn parse(text: &str) -> Self {
        let t = text.trim();
        let lower = t.to_ascii_lowercase();
        let (base, refund) = match lower.strip_suffix("_refund") {
            Some(b) => (b, true),
            None => (lower.as_str(), false),
        };
        let kind = match base {
            "cash" | "especes" => PaymentKind::Cash,
            "credit_card" | "cb" | "card" => PaymentKind::CreditCard,
            "check" | "cheque" => PaymentKind::Check,
            "bank_transfer" | "virement" => PaymentKind::BankTransfer,
            "meal_voucher" | "ticket_restaurant" => PaymentKind::MealVoucher,
            "holiday_voucher" | "cheque_vacances" => PaymentKind::HolidayVoucher,
            _ => PaymentKind::Unknown(t.to_owned()),
        };
        if let PaymentKind::Unknown(_) = kind {
            return Self {
                kind,
                refund: false,
            };
        }
        Self { kind, refund }
    }
}

impl fmt::Display for PaymentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let base = match &self.kind {
            PaymentKind::Cash => "Cash",
            PaymentKind::CreditCard => "Credit_Card",
            PaymentKind::Check => "Check",
            PaymentKind::BankTransfer => "Bank_Transfer",
            PaymentKind::MealVoucher => "Meal_Voucher",
            PaymentKind::HolidayVoucher => "Holiday_Voucher",
            PaymentKind::Unknown(s) => return f.write_str(s),
        };
        f.write_str(base)?;
        if self.refund {
            f.write_str("_Refund")?;
        }
        Ok(())
    }
}

impl Scalar for PaymentType {
    const EXPECTING: &'static str = "a payment type such as Cash or Credit_Card_Refund";
    fn from_text(s: &str) -> Option<Self> {
        Some(Self::parse(s))
    }
    fn serialize_clean<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl WireValue for PaymentType {
    fn push(&self, wire: &'static str, _name: &'static str, out: &mut Params) -> Result<()> {
        if let PaymentKind::Unknown(s) = &self.kind {
            return Err(KashError::invalid(format!(
                "unknown payment type `{s}`: use Cash, Credit_Card, Check, Bank_Transfer, \
                 Meal_Voucher or Holiday_Voucher, optionally with _Refund"
            )));
        }
        out.push(format!("data[{wire}]"), self.to_string());
        Ok(())
    }
}

wire_record! {
    /// A payment mode, as listed by `getPaymentModes.php`.
    pub struct PaymentMode {
        /// Payment mode id; the `payment` value of a sale paid this way.
        #[serde(alias = "idModePaiement", alias = "idPaiement", alias = "ID")]
        id: PaymentModeId,
        /// Name ("Carte bancaire").
        title: Option<String> = ["titre", "libelle", "nom"],
        /// Kind and refund flag.
        #[serde_as(as = "Lenient")]
        #[serde(default, rename = "type", alias = "typePaiement")]
        kind: Option<PaymentType>,
        /// Accounting chapter.
        accounting_chapter: Option<String> = ["chapitreComptable"],
        /// Fixed amount (vouchers of a set value).
        fixed_amount: Option<Decimal> = ["montantFixe"],
        /// Minimum amount accepted.
        minimum_amount: Option<Decimal> = ["montantMin", "montantMinimum"],
        /// Maximum amount accepted.
        maximum_amount: Option<Decimal> = ["montantMax", "montantMaximum"],
        /// Restricted to one cash register (`None` = all).
        cashbox_id: Option<CashboxId> = ["idCaisse", "cashboxLock"],
    }
}

list_endpoint! {
    /// `getPaymentModes.php`: the payment modes.
    kind PaymentModes, item PaymentMode, script "getPaymentModes.php", what "payment modes";
    request ListPaymentModes, text ListPaymentModesText;
    fn list_payment_modes, list_payment_modes_text;
}

field_set! {
    /// The fields of a payment mode, for `addPaymentMethod.php`.
    pub struct PaymentModeFields {
        /// Name (required).
        title: String = "title",
        /// Kind (required), e.g. `PaymentType::new(PaymentKind::Cash)`.
        kind: PaymentType = "type",
        /// Accounting chapter.
        accounting_chapter: String = "accountingChapter",
        /// Fixed amount.
        fixed_amount: Decimal = "fixedAmount",
        /// Minimum amount.
        minimum_amount: Decimal = "minimumAmount",
        /// Maximum amount.
        maximum_amount: Decimal = "maximumAmount",
        /// Restrict to one cash register (0 = all).
        cashbox_lock: CashboxId = "cashboxLock",
    }
}

fn validate(fields: &PaymentModeFields, create: bool) -> Result<()> {
    if create {
        require_text("payment mode", "title", fields.title.as_ref())?;
        if fields.kind.is_none() {
            return Err(KashError::invalid(
                "a new payment mode needs a type (Cash, Credit_Card, Check, Bank_Transfer, \
                 Meal_Voucher, Holiday_Voucher, optionally with _Refund)",
            ));
        }
    }
    non_negative("fixed amount", fields.fixed_amount.as_ref())?;
    non_negative("minimum amount", fields.minimum_amount.as_ref())?;
    non_negative("maximum amount", fields.maximum_amount.as_ref())
}

record! {
    /// Payment modes as a writable record (create and delete; the POS has no edit).
    record PaymentModeRecord { what: "payment mode", id: PaymentModeId, fields: PaymentModeFields,
        validate: validate, add: "addPaymentMethod.php", delete: "delPaymentMethod.php" }
    aliases CreatePaymentMode, DeletePaymentMode;
    fn create_payment_mode, delete_payment_mode;
}
