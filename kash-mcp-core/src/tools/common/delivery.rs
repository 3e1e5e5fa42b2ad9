//! Delivery methods: their names in every schema, and an argument given by name or code.

use kash_api::orders::DeliveryMethod;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::schema::Prop;
use crate::{normalize, t};

/// The delivery methods by name, in code order (0–6).
pub(crate) const DELIVERY_METHODS: [&str; 7] = normalize::DELIVERY_METHODS;

pub(crate) fn delivery_prop() -> Prop {
    Prop::one_of(
        &DELIVERY_METHODS,
        t!("How the order leaves the shop.", "Mode de vente."),
    )
}

/// A delivery method given by name or code.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MethodArg(pub DeliveryMethod);

impl<'de> Deserialize<'de> for MethodArg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        let text = match &v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => String::new(),
        };
        let french = match crate::search::normalize(&text).as_str() {
            "a emporter" | "emporter" => Some(DeliveryMethod::Takeaway),
            "livraison" => Some(DeliveryMethod::Delivery),
            "sur place" => Some(DeliveryMethod::EatIn),
            "comptoir" | "vente au comptoir" => Some(DeliveryMethod::CounterSale),
            "point relais" => Some(DeliveryMethod::RelayPoint),
            "expedition" => Some(DeliveryMethod::Shipping),
            "drive" => Some(DeliveryMethod::DriveThrough),
            "eat in" | "dine in" => Some(DeliveryMethod::EatIn),
            "counter" => Some(DeliveryMethod::CounterSale),
            _ => None,
        };
        french
            .or_else(|| DeliveryMethod::parse(&text))
            .map(MethodArg)
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "unknown delivery method `{text}`: use takeaway, delivery, eat_in, drive_through, counter_sale, relay_point, shipping or a code 0-6"
                ))
            })
    }
}
