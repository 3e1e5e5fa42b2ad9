//! `sales_summary`'s input schema, and the documented synonyms mapped to it.

use rmcp::model::JsonObject;
use serde_json::Value;

use super::MAX_TOP;
use super::args::{GroupArg, SortBy, WeekdayArg, group_name};
use crate::i18n::Lang;
use crate::schema::{self, Prop};
use crate::tools::common::delivery::DELIVERY_METHODS;
use crate::tools::common::period::period_props;
use crate::{normalize, t};

pub(super) const GROUPS: [&str; 13] = [
    "none",
    "day",
    "week",
    "month",
    "weekday",
    "hour",
    "delivery_method",
    "payment_mode",
    "customer",
    "product",
    "department",
    "user",
    "cashbox",
];
pub(super) const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

pub(super) fn input(lang: Lang) -> JsonObject {
    let mut props = period_props();
    props.push((
        "comparison",
        Prop::one_of(
            &[
                "none",
                "previous_period",
                "same_period_last_year",
                "previous_week",
            ],
            t!(
                "A running period is compared up to the same moment.",
                "Une période en cours est comparée au même moment."
            ),
        ),
    ));
    props.push((
        "groupBy",
        Prop::one_of(
            &GROUPS,
            t!(
                "product and department add up lines.",
                "product et department additionnent les lignes."
            ),
        ),
    ));
    props.push((
        "top",
        Prop::integer(t!(
            "First N, the rest as others.",
            "N premiers, le reste en autres."
        ))
        .min(1)
        .max(MAX_TOP as u64),
    ));
    props.push((
        "sortBy",
        Prop::one_of(
            &["revenue", "orders", "items", "average_basket", "key"],
            t!("key: chronological.", "key : chronologique."),
        ),
    ));
    props.push((
        "deliveryMethod",
        Prop::many(&DELIVERY_METHODS, t!("Only these.", "Seulement ceux-là.")),
    ));
    props.push((
        "weekday",
        Prop::many(&WEEKDAYS, t!("Only these.", "Seulement ceux-là.")),
    ));
    props.push((
        "hourFrom",
        Prop::integer(t!("Local hour.", "Heure locale."))
            .min(0)
            .max(23),
    ));
    props.push((
        "hourTo",
        Prop::integer(t!("Excluded.", "Exclue.")).min(1).max(24),
    ));
    for (name, desc) in [
        ("customer", t!("Id or name.", "Identifiant ou nom.")),
        ("product", t!("Id or name.", "Identifiant ou nom.")),
        ("department", t!("Id or name.", "Identifiant ou nom.")),
        (
            "paymentMode",
            t!("Id, name or unpaid.", "Identifiant, nom ou unpaid."),
        ),
    ] {
        props.push((name, Prop::id_or_name(desc)));
    }
    props.push((
        "refresh",
        Prop::boolean(t!(
            "Refetch cached days (after corrections).",
            "Relire les jours en cache (après corrections)."
        )),
    ));
    schema::input(lang, &props, &[])
}

/// The old names and the ids' names of the filters, and the published ones.
const RENAMES: [(&str, &str); 6] = [
    ("customerId", "customer"),
    ("clientId", "customer"),
    ("productId", "product"),
    ("departmentId", "department"),
    ("paymentModeId", "paymentMode"),
    ("payment", "paymentMode"),
];

/// Old names and the documented synonyms (French weekdays, camelCase groups, codes).
pub(super) fn normalize_summary(a: &mut JsonObject) {
    normalize::rename(a, "weekdays", "weekday");
    normalize::rename_all(a, &RENAMES);
    normalize::map_value(a, "period", normalize::period);
    normalize::one_to_list(a, "deliveryMethod");
    normalize::one_to_list(a, "weekday");
    normalize::map_one_or_many(a, "deliveryMethod", normalize::delivery_method);
    normalize::map_one_or_many(a, "weekday", |v| {
        let d: WeekdayArg = serde_json::from_value(v.clone()).ok()?;
        WEEKDAYS.get(usize::from(d.0)).map(|n| Value::from(*n))
    });
    normalize::map_value(a, "groupBy", |v| {
        let g: GroupArg = serde_json::from_value(v.clone()).ok()?;
        Some(Value::from(group_name(g.0)))
    });
    normalize::map_value(a, "sortBy", |v| {
        let s: SortBy = serde_json::from_value(v.clone()).ok()?;
        Some(Value::from(s.name()))
    });
}
