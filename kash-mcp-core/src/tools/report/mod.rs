//! `report_sales`: sales reports for a day or up to 31 days. One day: the POS's own report
//! (`getSales.php`) as readable text ([`day`]). Several days: one compact report computed from
//! their orders ([`period`]). Every day's report, in every format (HTML, CSV, PDF, XLS, FEC,
//! SAF-T), is a link the client reads on demand ([`links`]).

use jiff::civil::Date;
use kash_api::reports::ReportFormat;
use rmcp::model::{CallToolResponse, JsonObject};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use self::day::{day_of, one_day};
use self::period::many_days;
use super::common::figures::Figures;
use super::common::period::{RangeOut, resolve_period};
use super::{Ctx, Effect, Spec};
use crate::config::Toolset;
use crate::error::{ToolError, ToolResult};
use crate::i18n::Lang;
use crate::period::{Period, Preset};
use crate::schema::{self, Prop};
use crate::views::{Amount, Num};
use crate::{normalize, t, tr};

mod day;
mod links;
mod period;

pub(crate) use self::links::read;

/// Most days (reports) in one answer.
pub(crate) const MAX_DAYS: usize = 31;

pub(crate) fn specs() -> Vec<Spec> {
    vec![Spec {
        handler: super::handler!(|ctx| call(ctx)),
        name: "report_sales",
        toolset: Some(Toolset::Analytics),
        effect: Effect::Read,
        title: t!("Sales report (POS)", "Rapport des ventes (caisse)"),
        description: t!(
            "The POS's cash register report of a day (default yesterday), or a compact report of up to 31 days with each day's as a link. PDF, XLS, FEC, SAF-T: file links.",
            "Le rapport de caisse d'un jour (hier par défaut), ou un rapport compact de 31 jours au plus avec celui de chaque jour en lien. PDF, XLS, FEC, SAF-T : liens de fichiers."
        ),
        input,
        output: schema::output::<ReportOutput>,
        normalize: normalize_report,
        args: crate::args::names::<ReportArgs>,
    }]
}

/// The formats, by their POS names.
const FORMATS: [&str; 6] = ["Std", "CSV", "PDF", "XLS", "frafec", "saft"];

fn input(lang: Lang) -> JsonObject {
    schema::input(
        lang,
        &[
            (
                "date",
                Prop::string(t!(
                    "One day (YYYY-MM-DD), today or yesterday.",
                    "Un jour (AAAA-MM-JJ), today ou yesterday."
                ))
                .max_length(40),
            ),
            (
                "period",
                Prop::one_of(
                    &[
                        "today",
                        "yesterday",
                        "this_week",
                        "last_week",
                        "last_7_days",
                        "this_month",
                        "last_month",
                        "last_30_days",
                    ],
                    t!("Or a range of days.", "Ou une plage de jours."),
                ),
            ),
            (
                "from",
                Prop::string(t!("Or from/to.", "Ou from/to.")).format("date"),
            ),
            (
                "to",
                Prop::string(t!("Included.", "Inclus.")).format("date"),
            ),
            (
                "format",
                Prop::one_of(
                    &FORMATS,
                    t!("Default Std (readable).", "Std (lisible) par défaut."),
                ),
            ),
        ],
        &[],
    )
}

/// `day`, `formatExport` and the formats' common names.
fn normalize_report(a: &mut JsonObject) {
    normalize::rename(a, "day", "date");
    normalize::rename(a, "formatExport", "format");
    normalize::map_value(a, "period", normalize::period);
    normalize::map_value(a, "format", |v| {
        let f: FormatArg = serde_json::from_value(v.clone()).ok()?;
        FORMATS
            .iter()
            .find(|n| ReportFormat::parse(n) == Some(f.0))
            .map(|n| serde_json::Value::from(*n))
    });
}

/// A format by its POS name or a common synonym.
#[derive(Debug, Clone, Copy)]
struct FormatArg(ReportFormat);

impl<'de> Deserialize<'de> for FormatArg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let f = match s.trim().to_ascii_lowercase().as_str() {
            "html" | "text" | "standard" => Some(ReportFormat::Std),
            "excel" | "xlsx" => Some(ReportFormat::Xls),
            "fec" => Some(ReportFormat::Frafec),
            "saf-t" => Some(ReportFormat::Saft),
            _ => ReportFormat::parse(&s),
        };
        f.map(FormatArg).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown format `{s}`: use Std, CSV, PDF, XLS, frafec or saft"
            ))
        })
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
struct ReportArgs {
    date: Option<String>,
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
    format: Option<FormatArg>,
}

/// One day's POS report, as a link.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct DayOut {
    /// `YYYY-MM-DD`.
    date: String,
    /// The POS's report of the day (`resources/read`).
    uri: String,
    mime_type: String,
    /// Size, when fetched.
    #[serde(skip_serializing_if = "Option::is_none")]
    bytes: Option<usize>,
    /// The day's revenue and orders (a period report).
    #[serde(skip_serializing_if = "Option::is_none")]
    revenue: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    orders: Option<u64>,
}

/// A share of a period's figures (payment mode, delivery method, article).
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct PartOut {
    label: String,
    revenue: Amount,
    orders: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<Num>,
}

/// Where a report's figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Source {
    /// The POS's own report of a day.
    Pos,
    /// Computed from the period's orders.
    Orders,
}

/// The formats, as the schema of `format`.
fn format_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": "string", "enum": FORMATS})
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct ReportOutput {
    #[schemars(schema_with = "format_schema")]
    format: String,
    range: RangeOut,
    source: Source,
    /// Whether the report's whole text is in the answer (a day's Std or CSV report).
    in_text: bool,
    days: Vec<DayOut>,
    /// A period report: its figures.
    #[serde(skip_serializing_if = "Option::is_none")]
    total: Option<Figures>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    payments: Vec<PartOut>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    delivery_methods: Vec<PartOut>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    top_articles: Vec<PartOut>,
}

fn days_asked(ctx: &Ctx<'_>, args: &ReportArgs) -> ToolResult<Period> {
    let lang = ctx.lang;
    match (&args.date, &args.period, &args.from, &args.to) {
        (Some(_), Some(_), _, _) | (Some(_), _, Some(_), _) | (Some(_), _, _, Some(_)) => {
            Err(ToolError::Invalid(tr!(
                lang,
                "Give `date`, or `period`, or `from`/`to` — one of them.",
                "Donnez `date`, ou `period`, ou `from`/`to` — un seul."
            )))
        }
        (Some(d), None, None, None) => {
            let preset = match d.trim().to_ascii_lowercase().as_str() {
                "today" | "aujourd'hui" => Some(Preset::Today),
                "yesterday" | "hier" => Some(Preset::Yesterday),
                _ => None,
            };
            match preset {
                Some(p) => resolve_period(ctx, Some(p.name()), None, None),
                None => {
                    // A date-time names its day: the report is of the whole day.
                    let day = day_of(ctx, d)?;
                    let d = day.to_string();
                    resolve_period(ctx, None, Some(&d), Some(&d))
                }
            }
        }
        (None, None, None, None) => resolve_period(ctx, Some("yesterday"), None, None),
        (None, p, f, t) => resolve_period(ctx, p.as_deref(), f.as_deref(), t.as_deref()),
    }
}

pub(crate) async fn call(ctx: &Ctx<'_>) -> ToolResult<CallToolResponse> {
    let lang = ctx.lang;
    let args: ReportArgs = crate::args::parse(lang, ctx.args())?;
    let format = args.format.map_or(ReportFormat::Std, |f| f.0);
    let period = days_asked(ctx, &args)?;
    let days: Vec<Date> = period.days();
    if days.len() > MAX_DAYS {
        return Err(ToolError::Invalid(tr!(
            lang,
            "That is {} days; a report covers at most {} (use sales_summary for longer periods).",
            "Cela fait {} jours ; un rapport en couvre au plus {} (sales_summary pour de plus longues périodes).",
            days.len(),
            MAX_DAYS
        )));
    }
    let today = ctx.now().to_zoned(ctx.tz().clone()).date();
    if let (Some(first), Some(last)) = (days.first(), days.last())
        && (first.year() < 2000 || *last > today)
    {
        return Err(ToolError::Invalid(tr!(
            lang,
            "Reports cover days from 2000 to today ({}).",
            "Les rapports couvrent des jours de 2000 à aujourd'hui ({}).",
            today
        )));
    }
    let shop = ctx.shop()?;
    match days.as_slice() {
        [day] => one_day(ctx, &shop, &period, *day, format).await,
        _ => many_days(ctx, &shop, &period, &days, format).await,
    }
}
