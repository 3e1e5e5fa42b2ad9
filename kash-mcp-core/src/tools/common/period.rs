//! The period of a request (a preset, or from/to in the shop's time zone) and the range an
//! answer covers.

use schemars::JsonSchema;
use serde::Serialize;

use crate::call::Call as Ctx;
use crate::error::{ToolError, ToolResult};
use crate::i18n::Lang;
use crate::period::{Period, Preset};
use crate::schema::Prop;
use crate::{t, tr};

/// `period`, or `from`/`to`.
pub(crate) fn period_props() -> Vec<(&'static str, Prop)> {
    vec![
        (
            "period",
            Prop::one_of(
                &Preset::ALL.map(Preset::name),
                t!(
                    "Shop's time zone; or from/to.",
                    "Fuseau de la boutique ; ou from/to."
                ),
            ),
        ),
        (
            "from",
            Prop::string(t!("Date or date-time.", "Date ou date-heure.")).max_length(40),
        ),
        (
            "to",
            Prop::string(t!("Included.", "Inclus.")).max_length(40),
        ),
    ]
}

/// The period of a request: a preset, or `from` and `to`; today when none is given.
pub(crate) fn resolve_period(
    ctx: &Ctx<'_>,
    period: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> ToolResult<Period> {
    let lang = ctx.lang;
    match (period, from, to) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(ToolError::Invalid(tr!(
            lang,
            "Give either `period` or `from`/`to`, not both.",
            "Donnez soit `period`, soit `from`/`to`, pas les deux."
        ))),
        (Some(p), None, None) => {
            let preset: Preset = p.parse().map_err(ToolError::Invalid)?;
            Period::preset(preset, ctx.now(), ctx.tz()).map_err(ToolError::Invalid)
        }
        (None, Some(f), Some(t)) => {
            Period::bounds(f, t, ctx.tz(), lang).map_err(ToolError::Invalid)
        }
        (None, Some(f), None) => {
            // From a moment until now.
            let today =
                Period::preset(Preset::Today, ctx.now(), ctx.tz()).map_err(ToolError::Invalid)?;
            let start = crate::period::parse_bound(f, ctx.tz(), false).ok_or_else(|| {
                ToolError::Invalid(tr!(
                    lang,
                    "`from` = \"{}\" is not an ISO 8601 date or date-time.",
                    "`from` = « {} » n'est pas une date ISO 8601.",
                    f
                ))
            })?;
            Ok(Period {
                from: start,
                to: today.to,
                preset: None,
            })
        }
        (None, None, Some(_)) => Err(ToolError::Invalid(tr!(
            lang,
            "`to` needs `from` too.",
            "`to` demande aussi `from`."
        ))),
        (None, None, None) => {
            Period::preset(Preset::Today, ctx.now(), ctx.tz()).map_err(ToolError::Invalid)
        }
    }
}

/// The range an answer covers.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RangeOut {
    /// First instant included, ISO 8601.
    pub from: String,
    /// First instant excluded, ISO 8601.
    pub to: String,
    /// Human label ("Mon 16 – Sun 22 Nov 2026").
    pub label: String,
    /// IANA time zone.
    pub time_zone: String,
}

impl RangeOut {
    pub fn new(p: &Period, lang: Lang) -> Self {
        Self {
            from: p.from.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            to: p.to.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            label: p.label(lang),
            time_zone: p.from.time_zone().iana_name().unwrap_or("UTC").to_owned(),
        }
    }
}
