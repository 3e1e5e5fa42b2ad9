//! Lenient decoding for the loose upstream JSON, in a few named places.
//!
//! The upstream is PHP: numbers may arrive as numbers or strings (`"1.20"`, `"12"`), booleans
//! as `"0"`/`"1"`, absent values as `""`, `null` or a missing key, and French decimals with a
//! comma. Model fields use [`Lenient`] through `serde_with`:
//!
//! ```
//! use kash_api::{de::Lenient, Decimal};
//! use serde_with::serde_as;
//!
//! #[serde_as]
//! #[derive(serde::Deserialize)]
//! struct Row {
//!     #[serde_as(as = "Lenient")]
//!     #[serde(default)]
//!     price: Option<Decimal>,
//! }
//!
//! let row: Row = serde_json::from_str(r#"{"price": "1,20"}"#).unwrap();
//! assert_eq!(row.price, Some(Decimal::new(120, 2)));
//! let row: Row = serde_json::from_str(r#"{"price": ""}"#).unwrap();
//! assert_eq!(row.price, None);
//! ```
//!
//! Serialization is the clean form: numbers as JSON numbers, booleans as booleans.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_with::{DeserializeAs, SerializeAs};

/// `serde_with` adapter: decodes a scalar from a number, a string or a boolean; `null` and
/// `""` become `None`.
#[derive(Debug)]
pub struct Lenient;

/// A value [`Lenient`] can decode.
pub trait Scalar: Sized {
    /// What the value is, for error messages ("a decimal number").
    const EXPECTING: &'static str;
    /// From text (already trimmed, non-empty). `None` if it does not parse.
    fn from_text(s: &str) -> Option<Self>;
    /// From an integer.
    fn from_i128(n: i128) -> Option<Self> {
        Self::from_text(&n.to_string())
    }
    /// From a float.
    fn from_f64(n: f64) -> Option<Self> {
        Self::from_text(&n.to_string())
    }
    /// From a boolean.
    fn from_bool(_b: bool) -> Option<Self> {
        None
    }
    /// Whether the decoded value means "nothing" (an id of 0).
    fn is_none_marker(&self) -> bool {
        false
    }
    /// Writes the clean form.
    fn serialize_clean<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;
}

impl Scalar for Decimal {
    const EXPECTING: &'static str = "a decimal number";
    fn from_text(s: &str) -> Option<Self> {
        parse_decimal(s)
    }
    fn from_i128(n: i128) -> Option<Self> {
        Decimal::from_i128_with_scale(n, 0).into()
    }
    fn serialize_clean<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_decimal(self, s)
    }
}

/// Writes a decimal as a JSON number. Going through `f64` is exact on the text level for
/// amounts (shortest round-trip formatting prints `3.6`, never `3.6000000000000001`).
pub(crate) fn serialize_decimal<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    match d.normalize().to_f64() {
        Some(f) if f.is_finite() => s.serialize_f64(f),
        _ => s.serialize_str(&d.normalize().to_string()),
    }
}

/// Parses a decimal as the upstream may write it: `1.20`, `1,20`, `1 234,50`, `1e2`.
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    // The usual form ("1.20", "-3", "10.00") parses as it is, without a copy.
    if s.bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+')
        && let Ok(d) = Decimal::from_str_exact(s)
    {
        return Some(d);
    }
    let cleaned: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '€'))
        .collect();
    let cleaned = if cleaned.contains(',') && !cleaned.contains('.') {
        cleaned.replace(',', ".")
    } else {
        cleaned.replace(',', "")
    };
    Decimal::from_str_exact(&cleaned)
        .or_else(|_| Decimal::from_scientific(&cleaned))
        .ok()
}

macro_rules! int_scalar {
    ($($t:ty),*) => {$(
        impl Scalar for $t {
            const EXPECTING: &'static str = "an integer";
            fn from_text(s: &str) -> Option<Self> {
                <$t>::from_str(s).ok().or_else(|| {
                    // "12.0" from a PHP float column.
                    parse_decimal(s)
                        .filter(|d| d.fract().is_zero())
                        .and_then(|d| d.to_i128())
                        .and_then(|n| <$t>::try_from(n).ok())
                })
            }
            fn from_i128(n: i128) -> Option<Self> {
                <$t>::try_from(n).ok()
            }
            fn from_f64(n: f64) -> Option<Self> {
                if n.fract() == 0.0 && n.is_finite() { Self::from_text(&format!("{n:.0}")) } else { None }
            }
            fn serialize_clean<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.serialize(s)
            }
        }
    )*};
}
int_scalar!(i64, u64, u32, i32);

impl Scalar for bool {
    const EXPECTING: &'static str = "a boolean (0/1, true/false)";
    fn from_text(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "oui" | "on" | "y" | "o" => Some(true),
            "0" | "false" | "no" | "non" | "off" | "n" => Some(false),
            _ => None,
        }
    }
    fn from_i128(n: i128) -> Option<Self> {
        match n {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
    fn from_bool(b: bool) -> Option<Self> {
        Some(b)
    }
    fn serialize_clean<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(*self)
    }
}

impl Scalar for String {
    const EXPECTING: &'static str = "a string";
    fn from_text(s: &str) -> Option<Self> {
        Some(s.to_owned())
    }
    fn from_i128(n: i128) -> Option<Self> {
        Some(n.to_string())
    }
    fn from_f64(n: f64) -> Option<Self> {
        Some(n.to_string())
    }
    fn from_bool(b: bool) -> Option<Self> {
        Some(if b { "1" } else { "0" }.to_owned())
    }
    fn serialize_clean<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self)
    }
}

struct ScalarVisitor<T>(PhantomData<T>);

impl<'de, T: Scalar> Visitor<'de> for ScalarVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, as a number or a string", T::EXPECTING)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        T::from_bool(v)
            .map(Some)
            .ok_or_else(|| E::invalid_type(de::Unexpected::Bool(v), &self))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::from_i128(v.into())
            .map(Some)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Signed(v), &self))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::from_i128(v.into())
            .map(Some)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        T::from_f64(v)
            .map(Some)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let t = v.trim();
        if t.is_empty() || t.eq_ignore_ascii_case("null") {
            return Ok(None);
        }
        T::from_text(t)
            .map(Some)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

impl<'de, T: Scalar> DeserializeAs<'de, Option<T>> for Lenient {
    fn deserialize_as<D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
        let v = d.deserialize_option(ScalarVisitor::<T>(PhantomData))?;
        Ok(v.filter(|x| !x.is_none_marker()))
    }
}

impl<T: Scalar> SerializeAs<Option<T>> for Lenient {
    fn serialize_as<S: Serializer>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(x) => x.serialize_clean(s),
            None => s.serialize_none(),
        }
    }
}

/// `serde_with` adapter for a required scalar (an id): like [`Lenient`] but absent is an error.
#[derive(Debug)]
pub struct LenientRequired;

impl<'de, T: Scalar> DeserializeAs<'de, T> for LenientRequired {
    fn deserialize_as<D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        d.deserialize_option(ScalarVisitor::<T>(PhantomData))?
            .ok_or_else(|| de::Error::custom(format!("missing value: expected {}", T::EXPECTING)))
    }
}

impl<T: Scalar> SerializeAs<T> for LenientRequired {
    fn serialize_as<S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
        v.serialize_clean(s)
    }
}

/// `serde_with` adapter for a list that may arrive as a JSON array, as a comma- or
/// semicolon-separated string (`"3,8"`), as an object keyed by position (`{"0":"3"}`, what PHP
/// writes for a sparse array), or as nothing.
#[derive(Debug)]
pub struct LenientList;

impl<'de, T: Scalar> DeserializeAs<'de, Vec<T>> for LenientList {
    fn deserialize_as<D: Deserializer<'de>>(d: D) -> Result<Vec<T>, D::Error> {
        let value = <serde_json::Value as serde::Deserialize>::deserialize(d)?;
        let items: Vec<serde_json::Value> = match value {
            serde_json::Value::Null => Vec::new(),
            serde_json::Value::Array(a) => a,
            serde_json::Value::Object(o) => o.into_iter().map(|(_, v)| v).collect(),
            serde_json::Value::String(s) => s
                .split([',', ';', '|'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| serde_json::Value::String(p.to_owned()))
                .collect(),
            other => vec![other],
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let parsed: Option<T> = Lenient::deserialize_as(item)
                .map_err(|e| de::Error::custom(format!("item {i}: {e}")))?;
            if let Some(p) = parsed {
                out.push(p);
            }
        }
        Ok(out)
    }
}

impl<T: Scalar> SerializeAs<Vec<T>> for LenientList {
    fn serialize_as<S: Serializer>(v: &Vec<T>, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(v.len()))?;
        for x in v {
            seq.serialize_element(&Clean(x))?;
        }
        seq.end()
    }
}

struct Clean<'a, T>(&'a T);
impl<T: Scalar> Serialize for Clean<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_clean(s)
    }
}

/// `serde_with` adapter for a list of objects that may arrive as an array, as an object keyed
/// by id (PHP's `json_encode` of an associative array), or as `null`/`""`/`false`.
#[derive(Debug)]
pub struct ObjectList;

impl<'de, T: Deserialize<'de>> DeserializeAs<'de, Vec<T>> for ObjectList {
    fn deserialize_as<D: Deserializer<'de>>(d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_any(ObjectListVisitor(PhantomData))
    }
}

/// Visits the list item by item, so that a failing item's path (`items[2].quantite`) is kept.
struct ObjectListVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectListVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of objects (an array, or an object keyed by id)")
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            out.push(item);
        }
        Ok(out)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some((_key, item)) = map.next_entry::<de::IgnoredAny, T>()? {
            out.push(item);
        }
        Ok(out)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        if v {
            Err(E::invalid_type(de::Unexpected::Bool(v), &self))
        } else {
            Ok(Vec::new())
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.trim().is_empty() {
            Ok(Vec::new())
        } else {
            Err(E::invalid_type(de::Unexpected::Str(v), &self))
        }
    }
}

impl<T: Serialize> SerializeAs<Vec<T>> for ObjectList {
    fn serialize_as<S: Serializer>(v: &Vec<T>, s: S) -> Result<S::Ok, S::Error> {
        v.serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_with::serde_as;

    #[serde_as]
    #[derive(Deserialize, Serialize, Debug, Default)]
    struct T {
        #[serde_as(as = "Lenient")]
        #[serde(default)]
        d: Option<Decimal>,
        #[serde_as(as = "Lenient")]
        #[serde(default)]
        b: Option<bool>,
        #[serde_as(as = "Lenient")]
        #[serde(default)]
        n: Option<i64>,
        #[serde_as(as = "Lenient")]
        #[serde(default)]
        s: Option<String>,
        #[serde_as(as = "LenientList")]
        #[serde(default)]
        l: Vec<u64>,
    }

    fn t(json: &str) -> T {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn numbers_as_strings_and_empties() {
        let v = t(r#"{"d":"1,20","b":"1","n":"42","s":7,"l":"3, 8"}"#);
        assert_eq!(v.d, Some(Decimal::new(120, 2)));
        assert_eq!(v.b, Some(true));
        assert_eq!(v.n, Some(42));
        assert_eq!(v.s.as_deref(), Some("7"));
        assert_eq!(v.l, vec![3, 8]);
        let v = t(r#"{"d":"","b":null,"n":"","s":"","l":null}"#);
        assert!(v.d.is_none() && v.b.is_none() && v.n.is_none() && v.s.is_none());
        assert!(v.l.is_empty());
        let v = t(r#"{}"#);
        assert!(v.d.is_none());
        let v = t(r#"{"d":2.2,"n":"12.0","l":{"0":"5","2":6}}"#);
        assert_eq!(v.d.unwrap().to_string(), "2.2");
        assert_eq!(v.n, Some(12));
        assert_eq!(v.l, vec![5, 6]);
    }

    #[test]
    fn rejects_garbage_with_type_not_value() {
        let err = serde_json::from_str::<T>(r#"{"d":"abc"}"#).unwrap_err();
        assert!(err.to_string().contains("decimal"), "{err}");
    }

    #[test]
    fn serializes_clean() {
        let v = t(r#"{"d":"3.60","b":"0","n":"5"}"#);
        let out = serde_json::to_string(&v).unwrap();
        assert_eq!(out, r#"{"d":3.6,"b":false,"n":5,"s":null,"l":[]}"#);
    }
}
