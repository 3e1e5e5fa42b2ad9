//! Money and quantities: [`Decimal`] everywhere, never `f64`.
//!
//! Amounts are euros (or the shop's currency) including VAT, as the POS shows them. On the wire
//! they are written with a dot and no float noise: `2.2` stays `2.2`, `0.1 + 0.2` is `0.3`.

pub use rust_decimal::Decimal;

use crate::error::{KashError, Result};

/// Writes a decimal the way the POS reads it: dot separator, no exponent, no trailing zeros,
/// no negative zero.
pub fn format_decimal(d: Decimal) -> String {
    if d.is_zero() {
        return "0".to_owned();
    }
    d.normalize().to_string()
}

/// Converts a float (a JSON number from a client) to a decimal without float noise: the
/// shortest decimal that reads back as the same float, so `2.2` gives `2.2`.
///
/// # Errors
/// [`KashError::InvalidInput`] for NaN and infinities, naming `what`.
pub fn decimal_from_f64(value: f64, what: &str) -> Result<Decimal> {
    if !value.is_finite() {
        return Err(KashError::invalid(format!(
            "{what} must be a finite number, got {value}"
        )));
    }
    crate::de::parse_decimal(&value.to_string())
        .ok_or_else(|| KashError::invalid(format!("{what} is out of range: {value}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn formats_without_noise() {
        assert_eq!(format_decimal(Decimal::from_str("2.20").unwrap()), "2.2");
        assert_eq!(format_decimal(Decimal::from_str("-0.00").unwrap()), "0");
        let sum = Decimal::from_str("0.1").unwrap() + Decimal::from_str("0.2").unwrap();
        assert_eq!(format_decimal(sum), "0.3");
        assert_eq!(format_decimal(decimal_from_f64(2.2, "x").unwrap()), "2.2");
        assert_eq!(format_decimal(Decimal::from(1_000_000)), "1000000");
        assert!(decimal_from_f64(f64::NAN, "price").is_err());
        assert!(decimal_from_f64(f64::INFINITY, "price").is_err());
    }
}
