//! The `itemsList[]` grammar, parsed from the spec (not from kash-api's encoder, so an encoder
//! bug shows up here as an error):
//!
//! - `<productId>`, `<productId>_<qty>`, `<productId>_<qty>_<title>_<price>`, then up to five
//!   variation ids: `<productId>_<qty>_<title>_<price>_<var1>_…_<var5>` (an empty title or
//!   price keeps the catalogue's);
//! - `-<departmentId>_<price>_<title>`;
//! - `Free_<price>_<title>`.

use crate::model::{Cents, Milli, UNIT};

/// One parsed line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemLine {
    Catalog {
        product: u32,
        quantity: Milli,
        title: Option<String>,
        price: Option<Cents>,
        variations: Vec<u32>,
    },
    Department {
        department: u32,
        price: Cents,
        title: String,
    },
    Free {
        price: Cents,
        title: String,
    },
}

/// Parses a decimal written with a dot (`14.50`, `2.2`, `3`) into cents, the way a
/// `DECIMAL(10,2)` column stores it: up to four decimals, rounded half away from zero. A
/// comma, an exponent, more decimals or anything else is refused.
pub fn parse_cents(text: &str) -> Option<Cents> {
    parse_fixed(text, 4).map(|v| crate::model::mul_div_round(v, 1, 100))
}

/// Parses a quantity (`2`, `0.5`, `1.250`) into thousandths.
pub fn parse_milli(text: &str) -> Option<Milli> {
    parse_fixed(text, 3)
}

fn parse_fixed(text: &str, scale: u32) -> Option<i64> {
    let t = text.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    if t.is_empty() {
        return None;
    }
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, f),
        None => (t, ""),
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) || (t.contains('.') && frac.is_empty()) {
        return None;
    }
    let scale_us = usize::try_from(scale).ok()?;
    let (kept, dropped) = frac.split_at(frac.len().min(scale_us));
    if dropped.bytes().any(|b| b != b'0') {
        return None;
    }
    let i: i64 = int.parse().ok()?;
    let mut f: i64 = if kept.is_empty() {
        0
    } else {
        kept.parse().ok()?
    };
    for _ in kept.len()..scale_us {
        f *= 10;
    }
    let v = i.checked_mul(10i64.pow(scale))?.checked_add(f)?;
    Some(if neg { -v } else { v })
}

fn id(field: &str, what: &str, n: usize) -> Result<u32, String> {
    field
        .parse::<u32>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| format!("Ligne {n} : {what} « {field} » invalide"))
}

fn price(field: &str, n: usize) -> Result<Cents, String> {
    match parse_cents(field) {
        Some(p) if p >= 0 => Ok(p),
        Some(_) => Err(format!("Ligne {n} : prix négatif « {field} »")),
        None => Err(format!(
            "Ligne {n} : prix « {field} » invalide (nombre décimal avec un point attendu)"
        )),
    }
}

/// Parses one `itemsList[]` value; `n` is the 1-based line number for messages.
pub fn parse(line: &str, n: usize) -> Result<ItemLine, String> {
    if line.is_empty() {
        return Err(format!("Ligne {n} vide"));
    }
    if let Some(rest) = line.strip_prefix("Free_") {
        let fields: Vec<&str> = rest.split('_').collect();
        return match fields.as_slice() {
            [p, title] if !title.trim().is_empty() => Ok(ItemLine::Free {
                price: price(p, n)?,
                title: (*title).to_owned(),
            }),
            [_, _] => Err(format!("Ligne {n} : libellé manquant")),
            _ => Err(format!(
                "Ligne {n} mal formée : « Free_<prix>_<libellé> » attendu"
            )),
        };
    }
    if let Some(rest) = line.strip_prefix('-') {
        let fields: Vec<&str> = rest.split('_').collect();
        return match fields.as_slice() {
            [dept, p, title] if !title.trim().is_empty() => Ok(ItemLine::Department {
                department: id(dept, "rayon", n)?,
                price: price(p, n)?,
                title: (*title).to_owned(),
            }),
            [_, _, _] => Err(format!("Ligne {n} : libellé manquant")),
            _ => Err(format!(
                "Ligne {n} mal formée : « -<rayon>_<prix>_<libellé> » attendu"
            )),
        };
    }
    let fields: Vec<&str> = line.split('_').collect();
    let product = id(fields.first().copied().unwrap_or(""), "article", n)?;
    let quantity = match fields.get(1) {
        None => UNIT,
        Some(q) => match parse_milli(q) {
            Some(v) if v > 0 => v,
            _ => return Err(format!("Ligne {n} : quantité « {q} » invalide")),
        },
    };
    match fields.len() {
        1 | 2 => Ok(ItemLine::Catalog {
            product,
            quantity,
            title: None,
            price: None,
            variations: Vec::new(),
        }),
        3 => Err(format!(
            "Ligne {n} mal formée : « <article>_<qté>_<libellé>_<prix> » attendu"
        )),
        len if len <= 9 => {
            let title = fields.get(2).copied().unwrap_or("");
            let p = fields.get(3).copied().unwrap_or("");
            let variations = fields
                .get(4..)
                .unwrap_or(&[])
                .iter()
                .map(|v| id(v, "déclinaison", n))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ItemLine::Catalog {
                product,
                quantity,
                title: (!title.is_empty()).then(|| title.to_owned()),
                price: if p.is_empty() {
                    None
                } else {
                    Some(price(p, n)?)
                },
                variations,
            })
        }
        _ => Err(format!("Ligne {n} : au plus 5 déclinaisons par article")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar() {
        assert_eq!(
            parse("12", 1),
            Ok(ItemLine::Catalog {
                product: 12,
                quantity: 1000,
                title: None,
                price: None,
                variations: vec![]
            })
        );
        assert_eq!(
            parse("12_2_Pizza 4 fromages_14.50_3_8", 1),
            Ok(ItemLine::Catalog {
                product: 12,
                quantity: 2000,
                title: Some("Pizza 4 fromages".into()),
                price: Some(1450),
                variations: vec![3, 8]
            })
        );
        assert_eq!(
            parse("7_1___12", 1),
            Ok(ItemLine::Catalog {
                product: 7,
                quantity: 1000,
                title: None,
                price: None,
                variations: vec![12]
            })
        );
        assert_eq!(
            parse("-5_9.99_Vente libre", 1),
            Ok(ItemLine::Department {
                department: 5,
                price: 999,
                title: "Vente libre".into()
            })
        );
        assert_eq!(
            parse("Free_2.2_Chantilly", 1),
            Ok(ItemLine::Free {
                price: 220,
                title: "Chantilly".into()
            })
        );
        assert!(parse("12_2_x", 1).is_err());
        assert!(parse("12_0", 1).is_err());
        assert!(parse("12_1_a_1,50", 1).is_err());
        assert!(parse("12_1_a_1.5_1_2_3_4_5_6", 1).is_err());
        assert!(parse("Free_1_a_b", 1).is_err());
        assert!(parse("-5_1", 1).is_err());
        assert!(parse("abc", 1).is_err());
        assert!(parse("1_1__14.499999999", 1).is_err());
    }

    #[test]
    fn fixed_point() {
        assert_eq!(parse_cents("14.5"), Some(1450));
        assert_eq!(parse_cents("14.500"), Some(1450));
        assert_eq!(parse_cents("1.255"), Some(126));
        assert_eq!(parse_cents("1.23456"), None);
        assert_eq!(parse_cents("0.3"), Some(30));
        assert_eq!(parse_cents("1e2"), None);
        assert_eq!(parse_cents(".5"), None);
        assert_eq!(parse_milli("0.5"), Some(500));
        assert_eq!(parse_milli("-2"), Some(-2000));
    }
}
