//! `sales_summary`'s arguments as given (validated against the schema first).

use serde::{Deserialize, Deserializer};
use serde_json::Value;
use serde_with::serde_as;

use super::inputs::GROUPS;
use crate::analytics::engine::GroupBy;
use crate::search;
use crate::tools::common::delivery::MethodArg;

// ---------------------------------------------------------------------------------------------
// Arguments

/// One value or a list of them.
#[derive(Debug, Clone)]
pub(super) struct Many<T>(pub(super) Vec<T>);

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Many<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        let items = match v {
            Value::Array(a) => a,
            other => vec![other],
        };
        items
            .into_iter()
            .map(|i| serde_json::from_value(i).map_err(serde::de::Error::custom))
            .collect::<Result<Vec<T>, _>>()
            .map(Many)
    }
}

/// A weekday by name (English or French, singular or plural, short or long) or ISO number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct WeekdayArg(pub(super) u8);

impl<'de> Deserialize<'de> for WeekdayArg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        let text = match &v {
            Value::String(s) => search::normalize(s),
            Value::Number(n) => n.to_string(),
            _ => String::new(),
        };
        let t = text.trim_end_matches('s');
        let found = match t {
            "1" | "mon" | "monday" | "lun" | "lundi" => Some(0),
            "2" | "tue" | "tuesday" | "mar" | "mardi" => Some(1),
            "3" | "wed" | "wednesday" | "mer" | "mercredi" => Some(2),
            "4" | "thu" | "thursday" | "jeu" | "jeudi" => Some(3),
            "5" | "fri" | "friday" | "ven" | "vendredi" => Some(4),
            "6" | "sat" | "saturday" | "sam" | "samedi" => Some(5),
            "7" | "sun" | "sunday" | "dim" | "dimanche" => Some(6),
            _ => None,
        };
        found.map(WeekdayArg).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown weekday `{text}`: use monday … sunday (or lundi … dimanche, or 1–7 from Monday)"
            ))
        })
    }
}

/// An entity by id or by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Ref {
    Id(u64),
    Name(String),
}

impl<'de> Deserialize<'de> for Ref {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::Number(n) => n
                .as_u64()
                .filter(|n| *n > 0)
                .map(Ref::Id)
                .ok_or_else(|| serde::de::Error::custom("an id is a positive integer")),
            Value::String(s) => {
                let s = s.trim();
                if s.is_empty() {
                    return Err(serde::de::Error::custom("an empty name"));
                }
                Ok(match s.parse::<u64>() {
                    Ok(n) if n > 0 => Ref::Id(n),
                    _ => Ref::Name(s.to_owned()),
                })
            }
            _ => Err(serde::de::Error::custom("expected an id or a name")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Comparison {
    None,
    PreviousPeriod,
    SamePeriodLastYear,
    PreviousWeek,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum SortBy {
    Revenue,
    Orders,
    Items,
    #[serde(alias = "averageBasket", alias = "basket")]
    AverageBasket,
    #[serde(alias = "time", alias = "chronological")]
    Key,
}

impl SortBy {
    pub(super) fn name(self) -> &'static str {
        match self {
            Self::Revenue => "revenue",
            Self::Orders => "orders",
            Self::Items => "items",
            Self::AverageBasket => "average_basket",
            Self::Key => "key",
        }
    }
}

/// A `groupBy` value, tolerant of camelCase and a few synonyms.
#[derive(Debug, Clone, Copy)]
pub(super) struct GroupArg(pub(super) GroupBy);

impl<'de> Deserialize<'de> for GroupArg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let mut snake = String::new();
        for c in s.trim().chars() {
            if c.is_ascii_uppercase() {
                snake.push('_');
                snake.push(c.to_ascii_lowercase());
            } else if c == ' ' || c == '-' {
                snake.push('_');
            } else {
                snake.push(c);
            }
        }
        let g = match snake.as_str() {
            "none" | "" | "total" => GroupBy::None,
            "day" | "date" => GroupBy::Day,
            "week" => GroupBy::Week,
            "month" => GroupBy::Month,
            "weekday" | "day_of_week" => GroupBy::Weekday,
            "hour" => GroupBy::Hour,
            "delivery_method" | "method" => GroupBy::DeliveryMethod,
            "payment_mode" | "payment" => GroupBy::PaymentMode,
            "customer" | "client" => GroupBy::Customer,
            "product" | "article" => GroupBy::Product,
            "department" | "rayon" => GroupBy::Department,
            "user" | "cashier" => GroupBy::User,
            "cashbox" | "cash_register" | "register" => GroupBy::Cashbox,
            _ => {
                return Err(serde::de::Error::custom(format!(
                    "unknown groupBy `{s}`: use {}",
                    GROUPS.join(", ")
                )));
            }
        };
        Ok(GroupArg(g))
    }
}

pub(super) fn group_name(g: GroupBy) -> &'static str {
    match g {
        GroupBy::None => "none",
        GroupBy::Day => "day",
        GroupBy::Week => "week",
        GroupBy::Month => "month",
        GroupBy::Weekday => "weekday",
        GroupBy::Hour => "hour",
        GroupBy::DeliveryMethod => "delivery_method",
        GroupBy::PaymentMode => "payment_mode",
        GroupBy::Customer => "customer",
        GroupBy::Product => "product",
        GroupBy::Department => "department",
        GroupBy::User => "user",
        GroupBy::Cashbox => "cashbox",
    }
}

#[serde_as]
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct SummaryArgs {
    pub(super) period: Option<String>,
    pub(super) from: Option<String>,
    pub(super) to: Option<String>,
    pub(super) comparison: Option<Comparison>,
    pub(super) group_by: Option<GroupArg>,
    #[serde_as(as = "kash_api::de::Lenient")]
    pub(super) top: Option<u64>,
    pub(super) sort_by: Option<SortBy>,
    pub(super) delivery_method: Option<Many<MethodArg>>,
    pub(super) weekday: Option<Many<WeekdayArg>>,
    #[serde_as(as = "kash_api::de::Lenient")]
    pub(super) hour_from: Option<u64>,
    #[serde_as(as = "kash_api::de::Lenient")]
    pub(super) hour_to: Option<u64>,
    pub(super) customer: Option<Ref>,
    pub(super) product: Option<Ref>,
    pub(super) department: Option<Ref>,
    pub(super) payment_mode: Option<Ref>,
    #[serde_as(as = "kash_api::de::Lenient")]
    pub(super) refresh: Option<bool>,
}
