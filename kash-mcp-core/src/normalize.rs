//! Before validation: the old server's argument names and the documented synonyms become the
//! published names and values. Nothing here makes a valid value out of an invalid one: what
//! is not recognised is left as it is, for the validator to refuse with a clear message.

use rmcp::model::JsonObject;
use serde_json::Value;

use crate::period::Preset;

/// Moves `old` to `new` when only `old` is given (an old argument name).
pub(crate) fn rename(args: &mut JsonObject, old: &str, new: &str) {
    if !args.contains_key(new)
        && let Some(v) = args.remove(old)
    {
        args.insert(new.to_owned(), v);
    }
}

/// Renames each `(old, new)` of `renames` in turn, as [`rename`] does.
pub(crate) fn rename_all(args: &mut JsonObject, renames: &[(&str, &str)]) {
    for (old, new) in renames {
        rename(args, old, new);
    }
}

/// Replaces the value of `key` by `f(value)` when `f` recognises it.
pub(crate) fn map_value(args: &mut JsonObject, key: &str, f: impl Fn(&Value) -> Option<Value>) {
    if let Some(v) = args.get_mut(key)
        && let Some(new) = f(v)
    {
        *v = new;
    }
}

/// Applies `f` to the value of `key`, or to each value when it is a list.
pub(crate) fn map_one_or_many(
    args: &mut JsonObject,
    key: &str,
    f: impl Fn(&Value) -> Option<Value>,
) {
    match args.get_mut(key) {
        Some(Value::Array(items)) => {
            for v in items {
                if let Some(new) = f(v) {
                    *v = new;
                }
            }
        }
        Some(v) => {
            if let Some(new) = f(v) {
                *v = new;
            }
        }
        None => {}
    }
}

/// A single value where a list is published becomes a list of one.
pub(crate) fn one_to_list(args: &mut JsonObject, key: &str) {
    if let Some(v) = args.get_mut(key)
        && !v.is_array()
    {
        *v = Value::Array(vec![v.take()]);
    }
}

/// The text of a string or a number.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The delivery method names, in code order (0–6).
pub(crate) const DELIVERY_METHODS: [&str; 7] = [
    "takeaway",
    "delivery",
    "eat_in",
    "drive_through",
    "counter_sale",
    "relay_point",
    "shipping",
];

/// A delivery method by code (0–6, as a number or a string), English or French name.
pub(crate) fn delivery_method(v: &Value) -> Option<Value> {
    let t = crate::search::normalize(&text(v)?);
    let code = match t.as_str() {
        "0" | "takeaway" | "take away" | "a emporter" | "emporter" => 0,
        "1" | "delivery" | "livraison" => 1,
        "2" | "eat in" | "eat_in" | "eatin" | "dine in" | "sur place" => 2,
        "3" | "drive through" | "drive_through" | "drive" => 3,
        "4" | "counter sale" | "counter_sale" | "counter" | "comptoir" | "vente au comptoir" => 4,
        "5" | "relay point" | "relay_point" | "point relais" => 5,
        "6" | "shipping" | "expedition" => 6,
        _ => return None,
    };
    DELIVERY_METHODS.get(code).map(|n| Value::from(*n))
}

/// A period preset in any case, with spaces or dashes.
pub(crate) fn period(v: &Value) -> Option<Value> {
    let p: Preset = v.as_str()?.parse().ok()?;
    Some(Value::from(p.name()))
}

/// A value matching one of `allowed` up to case, spaces and dashes.
pub(crate) fn one_of(allowed: &'static [&'static str]) -> impl Fn(&Value) -> Option<Value> {
    move |v| {
        let t = v
            .as_str()?
            .trim()
            .to_ascii_lowercase()
            .replace([' ', '-'], "_");
        allowed
            .iter()
            .find(|a| a.to_ascii_lowercase() == t)
            .map(|a| Value::from(*a))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn old_names_and_synonyms_become_the_published_ones() {
        let mut a = json!({"filterDeliveryMethod": 2, "deliveryMethod": "x"})
            .as_object()
            .unwrap()
            .clone();
        rename(&mut a, "filterDeliveryMethod", "deliveryMethod");
        assert_eq!(
            a.len(),
            2,
            "the published name wins; the old one stays to be refused"
        );
        let mut b = json!({"filterDeliveryMethod": "2"})
            .as_object()
            .unwrap()
            .clone();
        rename(&mut b, "filterDeliveryMethod", "deliveryMethod");
        map_value(&mut b, "deliveryMethod", delivery_method);
        assert_eq!(b["deliveryMethod"], "eat_in");
        assert_eq!(delivery_method(&json!("Sur place")), Some(json!("eat_in")));
        assert_eq!(delivery_method(&json!(true)), None);
        assert_eq!(delivery_method(&json!(9)), None);
        assert_eq!(period(&json!("Last Week")), Some(json!("last_week")));
        assert_eq!(one_of(&["Std", "CSV"])(&json!("std")), Some(json!("Std")));
    }
}
