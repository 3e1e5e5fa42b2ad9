//! English and French: every title, description, message and summary exists in both.

use std::fmt;
use std::str::FromStr;

use kash_api::Decimal;

/// The language of tool descriptions, messages and summaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// English (default).
    #[default]
    En,
    /// French.
    Fr,
}

impl Lang {
    /// Picks the text of this language.
    pub fn pick<'a>(self, en: &'a str, fr: &'a str) -> &'a str {
        match self {
            Self::En => en,
            Self::Fr => fr,
        }
    }

    /// `en` or `fr`.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
        }
    }
}

impl FromStr for Lang {
    type Err = String;

    /// `en`, `fr`, and locale forms such as `fr_FR.UTF-8` or `en-GB`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        if lower.starts_with("fr") {
            Ok(Self::Fr)
        } else if lower.starts_with("en") {
            Ok(Self::En)
        } else {
            Err(format!("unknown language `{s}`: use en or fr"))
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A text in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    /// English.
    pub en: &'static str,
    /// French.
    pub fr: &'static str,
}

impl Text {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Fr => self.fr,
        }
    }
}

/// A [`Text`] literal: `t!("Product", "Article")`.
#[macro_export]
#[doc(hidden)]
macro_rules! t {
    ($en:expr, $fr:expr $(,)?) => {
        $crate::i18n::Text { en: $en, fr: $fr }
    };
}

/// A message formatted in the right language:
/// `tr!(lang, "{n} products", "{n} articles")`.
#[macro_export]
#[doc(hidden)]
macro_rules! tr {
    ($lang:expr, $en:literal, $fr:literal $(, $arg:expr)* $(,)?) => {
        match $lang {
            $crate::i18n::Lang::En => format!($en $(, $arg)*),
            $crate::i18n::Lang::Fr => format!($fr $(, $arg)*),
        }
    };
}

/// An amount for people: `3.60 €` in English, `3,60 €` in French, thousands separated.
pub fn money(lang: Lang, amount: Decimal) -> String {
    let rounded = amount.round_dp(2);
    let negative = rounded.is_sign_negative() && !rounded.is_zero();
    let abs = rounded.abs();
    let text = format!("{abs:.2}");
    let (int, frac) = text.split_once('.').unwrap_or((text.as_str(), "00"));
    let dot = lang.pick(".", ",");
    format!(
        "{}{}{dot}{frac} €",
        if negative { "-" } else { "" },
        group_thousands(lang, int)
    )
}

/// `1234567` → `1,234,567` (English) or `1 234 567` with narrow no-break spaces (French).
fn group_thousands(lang: Lang, digits: &str) -> String {
    let sep = lang.pick(",", "\u{202f}");
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push_str(sep);
        }
        grouped.push(c);
    }
    grouped
}

/// A whole number for people: `1,234` in English, `1 234` in French.
pub fn count(lang: Lang, n: i64) -> String {
    let grouped = group_thousands(lang, &n.unsigned_abs().to_string());
    if n < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// A countable noun in both languages, singular and plural.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Noun {
    /// English singular and plural.
    pub en: (&'static str, &'static str),
    /// French singular and plural.
    pub fr: (&'static str, &'static str),
}

/// A [`Noun`] literal: `noun!("order", "orders", "commande", "commandes")`.
#[macro_export]
#[doc(hidden)]
macro_rules! noun {
    ($en1:expr, $en2:expr, $fr1:expr, $fr2:expr $(,)?) => {
        $crate::i18n::Noun {
            en: ($en1, $en2),
            fr: ($fr1, $fr2),
        }
    };
}

/// The form of `noun` for `n` things: English singular for exactly one, French singular for
/// zero and one (« 0 commande », « 1 commande »).
pub fn noun_for(lang: Lang, n: i64, noun: Noun) -> &'static str {
    let (one, many) = match lang {
        Lang::En => noun.en,
        Lang::Fr => noun.fr,
    };
    let singular = match lang {
        Lang::En => n.abs() == 1,
        Lang::Fr => n.abs() < 2,
    };
    if singular { one } else { many }
}

/// The nouns counted in messages.
pub mod nouns {
    use super::Noun;

    /// Orders.
    pub const ORDER: Noun = crate::noun!("order", "orders", "commande", "commandes");
    /// Validated orders.
    pub const VALIDATED_ORDER: Noun = crate::noun!(
        "validated order",
        "validated orders",
        "commande validée",
        "commandes validées"
    );
    /// Orders in progress.
    pub const PENDING_ORDER: Noun = crate::noun!(
        "order in progress",
        "orders in progress",
        "commande en cours",
        "commandes en cours"
    );
    /// Refunds.
    pub const REFUND: Noun = crate::noun!("refund", "refunds", "remboursement", "remboursements");
    /// Unpaid orders.
    pub const UNPAID: Noun = crate::noun!("unpaid", "unpaid", "impayée", "impayées");
    /// Items sold.
    pub const ITEM: Noun = crate::noun!("item", "items", "article", "articles");
    /// Days.
    pub const DAY: Noun = crate::noun!("day", "days", "jour", "jours");
    /// Calls to the POS.
    pub const CALL: Noun = crate::noun!("call", "calls", "appel", "appels");
    /// Groups of a summary.
    pub const GROUP: Noun = crate::noun!("group", "groups", "groupe", "groupes");
    /// Rows of a table.
    pub const ROW: Noun = crate::noun!("row", "rows", "ligne", "lignes");
    /// Bytes.
    pub const BYTE: Noun = crate::noun!("byte", "bytes", "octet", "octets");
    /// Minutes.
    pub const MINUTE: Noun = crate::noun!("minute", "minutes", "minute", "minutes");
    /// Seats at a table.
    pub const SEAT: Noun = crate::noun!("seat", "seats", "couvert", "couverts");
}

/// `n` and the right form of `noun`: `1 order`, `2 orders`, `1 234 commandes`.
pub fn counted(lang: Lang, n: impl TryInto<i64>, noun: Noun) -> String {
    let n: i64 = n.try_into().unwrap_or(i64::MAX);
    format!("{} {}", count(lang, n), noun_for(lang, n, noun))
}

/// A quantity for people: `2`, `0.5` (`0,5` in French).
pub fn quantity(lang: Lang, q: Decimal) -> String {
    let s = q.normalize().to_string();
    match lang {
        Lang::En => s,
        Lang::Fr => s.replace('.', ","),
    }
}

/// A percentage: `5.5 %` / `5,5 %`.
pub fn percent(lang: Lang, p: Decimal) -> String {
    format!("{} %", quantity(lang, p.round_dp(2)))
}

const DAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const DAYS_FR: [&str; 7] = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."];
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTHS_FR: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];

/// The weekday's short name.
pub fn weekday(lang: Lang, d: jiff::civil::Weekday) -> &'static str {
    let i = usize::try_from(d.to_monday_zero_offset()).unwrap_or(0);
    match lang {
        Lang::En => DAYS_EN.get(i).copied().unwrap_or(""),
        Lang::Fr => DAYS_FR.get(i).copied().unwrap_or(""),
    }
}

const DAYS_LONG_EN: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const DAYS_LONG_FR: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];

/// The weekday's full name (0 = Monday).
pub fn weekday_long(lang: Lang, monday_zero: u8) -> &'static str {
    let i = usize::from(monday_zero);
    match lang {
        Lang::En => DAYS_LONG_EN.get(i).copied().unwrap_or(""),
        Lang::Fr => DAYS_LONG_FR.get(i).copied().unwrap_or(""),
    }
}

/// The month's short name (1–12).
pub fn month(lang: Lang, m: i8) -> &'static str {
    let i = usize::try_from(m - 1).unwrap_or(0);
    match lang {
        Lang::En => MONTHS_EN.get(i).copied().unwrap_or(""),
        Lang::Fr => MONTHS_FR.get(i).copied().unwrap_or(""),
    }
}

/// `Mon 16 Nov 2026` / `lun. 16 nov. 2026`.
pub fn date(lang: Lang, d: jiff::civil::Date) -> String {
    format!(
        "{} {} {} {}",
        weekday(lang, d.weekday()),
        d.day(),
        month(lang, d.month()),
        d.year()
    )
}

/// `18:15`.
pub fn time(t: jiff::civil::Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(money(Lang::En, d("3.6")), "3.60 €");
        assert_eq!(money(Lang::Fr, d("3.6")), "3,60 €");
        assert_eq!(money(Lang::En, d("12345.678")), "12,345.68 €");
        assert_eq!(money(Lang::Fr, d("-1234.5")), "-1\u{202f}234,50 €");
        assert_eq!(quantity(Lang::Fr, d("0.500")), "0,5");
        assert_eq!(count(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(count(Lang::Fr, -1234), "-1\u{202f}234");
        assert_eq!(weekday_long(Lang::Fr, 1), "mardi");
        assert_eq!(
            date(Lang::Fr, jiff::civil::date(2026, 11, 16)),
            "lun. 16 nov. 2026"
        );
        assert_eq!("fr_FR.UTF-8".parse::<Lang>().unwrap(), Lang::Fr);
    }

    #[test]
    fn plurals() {
        let refund = crate::noun!("refund", "refunds", "remboursement", "remboursements");
        assert_eq!(counted(Lang::En, 1, refund), "1 refund");
        assert_eq!(counted(Lang::En, 0, refund), "0 refunds");
        assert_eq!(counted(Lang::En, 2, refund), "2 refunds");
        assert_eq!(counted(Lang::Fr, 1, refund), "1 remboursement");
        assert_eq!(counted(Lang::Fr, 0, refund), "0 remboursement");
        assert_eq!(
            counted(Lang::Fr, 1500, refund),
            "1\u{202f}500 remboursements"
        );
    }
}
