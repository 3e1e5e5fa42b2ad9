//! `frafec`: the day's sales journal as a French FEC (Fichier des Écritures Comptables):
//! tab-separated, the 18 standard columns, one balanced entry per validated order.
//!
//! Each entry debits what paid the order with its total (the payment mode's accounting
//! chapter, e.g. `530000` for cash, `511200` for cards; `411000` Clients for an unpaid order),
//! credits `707000` sales with the base of each VAT rate and the rate's VAT account (its
//! chapter, e.g. `445711`, else `445710` TVA collectée) with the VAT. Negative amounts (refunds)
//! change sides. Amounts use a decimal comma, dates are `YYYYMMDD`.

use jiff::Timestamp;

use super::Day;
use crate::model::{Cents, Order, ShopData};
use crate::wire::{internal_id, money, rate};

/// The 18 columns, in the order the administration requires.
pub const COLUMNS: [&str; 18] = [
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
];

const SALES_ACCOUNT: (&str, &str) = ("707000", "Ventes de marchandises");
const VAT_ACCOUNT: &str = "445710";
const CUSTOMERS_ACCOUNT: (&str, &str) = ("411000", "Clients");
const SUSPENSE_ACCOUNT: (&str, &str) = ("471000", "Compte d'attente");

/// One line of an entry; `amount` is positive on the debit side, negative on the credit side.
#[derive(Debug)]
struct Posting {
    account: String,
    label: String,
    aux: (String, String),
    text: String,
    amount: Cents,
}

/// A chapter from the back office (`530`, `5112`) as a six-digit account (`530000`, `511200`).
fn account(chapter: &str) -> Option<String> {
    let c = chapter.trim();
    (!c.is_empty() && c.chars().all(|ch| ch.is_ascii_digit())).then(|| format!("{c:0<6}"))
}

/// Text for a field: no tabs or line breaks.
fn field(s: &str) -> String {
    s.replace(['\t', '\r', '\n'], " ").trim().to_owned()
}

/// `1250` → `12,50` (always positive: the side says the sign).
fn amount(c: Cents) -> String {
    money(c.abs()).replace('.', ",")
}

fn ymd(ts: i64, day: &Day<'_>) -> String {
    Timestamp::from_second(ts)
        .map(|t| t.to_zoned(day.tz.clone()).strftime("%Y%m%d").to_string())
        .unwrap_or_default()
}

/// The account that received the payment, and the customer as an auxiliary account when the
/// order is on credit.
fn payment_account(shop: &ShopData, o: &Order) -> (String, String, (String, String)) {
    if o.payment == -1 {
        let aux = o.customer.and_then(|id| shop.customer(id)).map_or_else(
            || ("CDIVERS".to_owned(), "Clients divers".to_owned()),
            |c| (format!("C{:06}", c.id), c.display_name()),
        );
        return (
            CUSTOMERS_ACCOUNT.0.to_owned(),
            CUSTOMERS_ACCOUNT.1.to_owned(),
            aux,
        );
    }
    let mode = u32::try_from(o.payment)
        .ok()
        .and_then(|id| shop.payment_mode(id));
    match mode {
        Some(m) => {
            let fallback = if m.kind.starts_with("Cash") {
                "530000"
            } else {
                "511000"
            };
            let number = account(&m.accounting_chapter).unwrap_or_else(|| fallback.to_owned());
            (number, m.title.clone(), Default::default())
        }
        None => (
            SUSPENSE_ACCOUNT.0.to_owned(),
            SUSPENSE_ACCOUNT.1.to_owned(),
            Default::default(),
        ),
    }
}

/// The postings of one order: they add up to zero.
fn postings(shop: &ShopData, o: &Order, piece: &str) -> Vec<Posting> {
    let kind = if o.refund || o.total < 0 {
        "Remboursement"
    } else {
        "Vente"
    };
    let (account_no, label, aux) = payment_account(shop, o);
    let mut out = vec![Posting {
        account: account_no,
        label,
        aux,
        text: format!("{kind} {piece}"),
        amount: o.total,
    }];
    for v in o.vats() {
        let pct = rate(v.rate).replace('.', ",");
        if v.base != 0 {
            out.push(Posting {
                account: SALES_ACCOUNT.0.to_owned(),
                label: SALES_ACCOUNT.1.to_owned(),
                aux: Default::default(),
                text: format!("{kind} {piece} HT {pct} %"),
                amount: -v.base,
            });
        }
        if v.vat != 0 {
            let vat_account = shop
                .vat_rates
                .iter()
                .find(|r| r.rate == v.rate)
                .and_then(|r| account(&r.accounting_chapter))
                .unwrap_or_else(|| VAT_ACCOUNT.to_owned());
            out.push(Posting {
                account: vat_account,
                label: format!("TVA collectée {pct} %"),
                aux: Default::default(),
                text: format!("{kind} {piece} TVA {pct} %"),
                amount: -v.vat,
            });
        }
    }
    out
}

pub fn report(day: &Day<'_>) -> String {
    let mut out = COLUMNS.join("\t");
    out.push('\n');
    let date = day.date.strftime("%Y%m%d").to_string();
    for (n, o) in day.orders.iter().enumerate() {
        let piece = internal_id(o, day.tz);
        let number = format!("VE{date}-{:04}", n + 1);
        let piece_date = ymd(o.created, day);
        for p in postings(day.shop, o, &piece) {
            let (debit, credit) = if p.amount >= 0 {
                (amount(p.amount), amount(0))
            } else {
                (amount(0), amount(p.amount))
            };
            let fields = [
                "VE".to_owned(),
                "Ventes".to_owned(),
                number.clone(),
                date.clone(),
                p.account,
                field(&p.label),
                field(&p.aux.0),
                field(&p.aux.1),
                piece.clone(),
                piece_date.clone(),
                field(&p.text),
                debit,
                credit,
                String::new(),
                String::new(),
                date.clone(),
                String::new(),
                String::new(),
            ];
            out.push_str(&fields.join("\t"));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapters_become_six_digit_accounts() {
        assert_eq!(account("530").as_deref(), Some("530000"));
        assert_eq!(account("5112").as_deref(), Some("511200"));
        assert_eq!(account("445711").as_deref(), Some("445711"));
        assert_eq!(account(""), None);
        assert_eq!(account("53A"), None);
    }

    #[test]
    fn amounts_use_a_decimal_comma() {
        assert_eq!(amount(1250), "12,50");
        assert_eq!(amount(-5), "0,05");
        assert_eq!(field("a\tb\nc"), "a b c");
    }
}
