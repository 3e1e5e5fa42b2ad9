//! `report_sales`: the POS's own daily sales report (`getSales.php`) for a day or up to 31
//! days, one report per day: `Std` as readable text with the HTML attached, `CSV` as text, and
//! PDF, XLS, FEC and SAF-T as attached files.

use base64::Engine as _;
use jiff::civil::Date;
use kash_api::reports::{GetSalesReport, Report, ReportFormat};
use rmcp::model::{
    CallToolResponse, CallToolResult, ContentBlock, JsonObject, ReadResourceResult, Resource,
    ResourceContents,
};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use super::orders::{RangeOut, resolve_period};
use super::summary::{
    Figures, days_of, figures, figures_text, label_of, money, payment_modes, products, with_bounds,
};
use super::{Ctx, Effect, Spec, ToolId};
use crate::analytics::engine::{self, Acc, Filters, GroupBy, Key, day_number};
use crate::analytics::facts::DayFacts;
use crate::analytics::loader::{self, LoadOptions, Progress};
use crate::config::Toolset;
use crate::error::{ToolError, ToolResult};
use crate::i18n::{self, Lang};
use crate::normalize;
use crate::period::{Period, Preset};
use crate::schema::{self, Prop};
use crate::shop::Shop;
use crate::views::{Amount, Num, delivery_method_label};
use crate::{t, tr};
use kash_api::Decimal;
use kash_api::orders::DeliveryMethod;

/// Most days (reports) in one answer.
pub(crate) const MAX_DAYS: usize = 31;
/// Width of the text rendering of an HTML report.
const TEXT_WIDTH: usize = 100;

pub(crate) fn spec() -> Spec {
    Spec {
        id: ToolId::Report,
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
    }
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ReportArgs {
    #[serde(default, alias = "day")]
    date: Option<String>,
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default, alias = "formatExport")]
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

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct ReportOutput {
    format: String,
    range: RangeOut,
    /// `pos` (the POS's report of a day) or `orders` (a period computed from its orders).
    source: String,
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

/// Articles shown in a period report.
const TOP_ARTICLES: usize = 10;
/// The longest report text put in an answer; longer reports are cut at a line, said so, and
/// whole at their link.
const TEXT_BUDGET: usize = 12_000;

fn extension(f: ReportFormat) -> &'static str {
    match f {
        ReportFormat::Std => "html",
        ReportFormat::Pdf => "pdf",
        ReportFormat::Xls => "xls",
        ReportFormat::Csv => "csv",
        ReportFormat::Frafec => "fec.txt",
        ReportFormat::Saft => "saft.xml",
    }
}

/// `kash://reports/2026-11-23.pdf`: a day's POS report, read on demand.
pub(crate) fn report_uri(day: Date, format: ReportFormat) -> String {
    format!("kash://reports/{day}.{}", extension(format))
}

/// The day and format of a report URI.
pub(crate) fn parse_report_uri(uri: &str) -> Option<(Date, ReportFormat)> {
    let rest = uri.strip_prefix("kash://reports/")?;
    let (day, ext) = rest.split_at_checked(10)?;
    let day: Date = day.parse().ok()?;
    let ext = ext.strip_prefix('.')?;
    let format = ReportFormat::ALL
        .into_iter()
        .find(|f| extension(*f) == ext)?;
    Some((day, format))
}

/// The MIME type: the POS's, unless it is generic, else the format's.
fn mime_of(report: &Report) -> String {
    let declared = report
        .content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if declared.is_empty() || declared == "application/octet-stream" {
        report.format.default_mime().to_owned()
    } else {
        report.content_type.clone()
    }
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

/// The day a `date` argument names (a date, or a date-time's day in the shop's time zone),
/// within the years a POS can have reports for.
fn day_of(ctx: &Ctx<'_>, text: &str) -> ToolResult<Date> {
    let lang = ctx.lang;
    let t = text.trim();
    let day = t
        .get(..10)
        .filter(|_| t.len() == 10)
        .and_then(|d| d.parse::<Date>().ok())
        .or_else(|| crate::period::parse_bound(t, ctx.tz(), false).map(|z| z.date()))
        .ok_or_else(|| {
            ToolError::Invalid(tr!(
                lang,
                "`date` = \"{}\" is not a date: use YYYY-MM-DD, today or yesterday.",
                "`date` = « {} » n'est pas une date : utilisez AAAA-MM-JJ, today ou yesterday.",
                shorten(t, 40)
            ))
        })?;
    let today = ctx.now().to_zoned(ctx.tz().clone()).date();
    if day.year() < 2000 || day > today {
        return Err(ToolError::Invalid(tr!(
            lang,
            "`date` = {} is out of range: a report covers a day from 2000 to today ({}).",
            "`date` = {} est hors limites : un rapport couvre un jour de 2000 à aujourd'hui ({}).",
            day,
            today
        )));
    }
    Ok(day)
}

fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_owned(),
        Some((cut, _)) => format!("{}…", s.get(..cut).unwrap_or(s)),
    }
}

/// The readable text of an HTML report: headings, and tables as aligned columns.
fn readable(html: &[u8]) -> String {
    match html2text::config::plain()
        .no_table_borders()
        .string_from_read(html, TEXT_WIDTH)
    {
        Ok(text) => text
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n"),
        Err(_) => String::from_utf8_lossy(html).into_owned(),
    }
}

/// `text` cut at a line so that it fits `budget` characters; whether it was cut.
fn fit_text(text: &str, budget: usize) -> (String, bool) {
    if text.chars().count() <= budget {
        return (text.to_owned(), false);
    }
    let mut out = String::new();
    for line in text.lines() {
        if out.chars().count() + line.chars().count() + 1 > budget {
            break;
        }
        out.push_str(line);
        out.push('\n');
    }
    (out, true)
}

/// A link to a day's POS report.
fn link(
    lang: Lang,
    day: Date,
    format: ReportFormat,
    mime: &str,
    size: Option<usize>,
) -> ContentBlock {
    let mut r = Resource::new(
        report_uri(day, format),
        format!("report-{day}.{}", extension(format)),
    )
    .with_title(tr!(
        lang,
        "Sales report of {} ({})",
        "Rapport des ventes du {} ({})",
        i18n::date(lang, day),
        format
    ))
    .with_mime_type(mime);
    if let Some(n) = size {
        r = r.with_size(u64::try_from(n).unwrap_or(u64::MAX));
    }
    ContentBlock::resource_link(r)
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
    let shop = ctx.shop().await?;
    match days.as_slice() {
        [day] => one_day(ctx, &shop, &period, *day, format).await,
        _ => many_days(ctx, &shop, &period, &days, format).await,
    }
}

/// One day: the POS's own report, its text in the answer (Std, CSV) and the file as a link.
async fn one_day(
    ctx: &Ctx<'_>,
    shop: &Shop,
    period: &Period,
    day: Date,
    format: ReportFormat,
) -> ToolResult<CallToolResponse> {
    let lang = ctx.lang;
    let report = shop
        .client
        .send(&GetSalesReport::new(day, format))
        .await
        .map_err(|e| {
            ToolError::Upstream(tr!(
                lang,
                "No report for {}: {}",
                "Aucun rapport pour le {} : {}",
                i18n::date(lang, day),
                crate::error::upstream_message(lang, &e)
            ))
        })?;
    let mime = mime_of(&report);
    let uri = report_uri(day, format);
    let size = report.bytes.len();
    let mut text = tr!(
        lang,
        "Sales report of the POS — {} ({}), {}",
        "Rapport des ventes de la caisse — {} ({}), {}",
        i18n::date(lang, day),
        format,
        ctx.tz().iana_name().unwrap_or("UTC")
    );
    let in_text = matches!(format, ReportFormat::Std | ReportFormat::Csv);
    if in_text {
        let body = match format {
            ReportFormat::Std => readable(&report.bytes),
            _ => String::from_utf8_lossy(&report.bytes).into_owned(),
        };
        let (shown, cut) = fit_text(body.trim_end(), TEXT_BUDGET);
        text.push('\n');
        text.push_str(shown.trim_end());
        if cut {
            text.push_str(&tr!(
                lang,
                "\n[The report is longer than shown ({} characters): the whole report is at {}.]",
                "\n[Le rapport est plus long que ce qui est montré ({} caractères) : il est en entier à {}.]",
                i18n::count(lang, i64::try_from(body.chars().count()).unwrap_or(0)),
                uri
            ));
        }
    } else {
        text.push_str(&tr!(
            lang,
            ": a {} file of {}, at {} (the client fetches it with resources/read).",
            " : un fichier {} de {}, à {} (le client le lit avec resources/read).",
            format,
            i18n::counted(lang, size, i18n::nouns::BYTE),
            uri
        ));
    }
    let structured = ReportOutput {
        format: format.to_string(),
        range: RangeOut::new(period, lang),
        source: "pos".into(),
        in_text,
        days: vec![DayOut {
            date: day.to_string(),
            uri,
            mime_type: mime.clone(),
            bytes: Some(size),
            revenue: None,
            orders: None,
        }],
        total: None,
        payments: Vec::new(),
        delivery_methods: Vec::new(),
        top_articles: Vec::new(),
    };
    let content = vec![
        ContentBlock::text(text),
        link(lang, day, format, &mime, Some(size)),
    ];
    let mut result = CallToolResult::success(content);
    result.structured_content = serde_json::to_value(&structured).ok();
    Ok(result.into())
}

/// Several days: a compact report of the period computed from its orders (the same rules as
/// sales_summary), and each day's POS report as a link, read only when wanted.
async fn many_days(
    ctx: &Ctx<'_>,
    shop: &Shop,
    period: &Period,
    days: &[Date],
    format: ReportFormat,
) -> ToolResult<CallToolResponse> {
    let lang = ctx.lang;
    let mut progress = Progress::new(ctx, 0);
    let loaded = loader::load(
        ctx,
        shop,
        days,
        LoadOptions {
            lines: true,
            refresh: false,
        },
        &mut progress,
    )
    .await?;
    let in_period = days_of(&loaded.days, period);
    let refs: Vec<&DayFacts> = in_period.iter().map(|d| d.as_ref()).collect();
    let filters = with_bounds(&Filters::default(), period);
    let by_day = engine::aggregate(&refs, &filters, GroupBy::Day);
    let by_mode = engine::aggregate(&refs, &filters, GroupBy::PaymentMode);
    let by_method = engine::aggregate(&refs, &filters, GroupBy::DeliveryMethod);
    let by_product = engine::aggregate(&refs, &filters, GroupBy::Product);
    let total = &by_day.total;
    let modes = payment_modes(ctx, shop).await;
    let products = products(ctx, shop).await;

    let part = |label: String, acc: &Acc| PartOut {
        label,
        revenue: money(acc.revenue),
        orders: acc.orders,
        items: (acc.items_unknown == 0 && acc.items_milli != 0)
            .then(|| Num(Decimal::new(acc.items_milli, 3).normalize())),
    };
    let mut payments: Vec<PartOut> = sorted(&by_mode.groups)
        .into_iter()
        .map(|(k, acc)| {
            let label = match k {
                0 => lang.pick("Unpaid", "Non payé").to_owned(),
                -1 => lang.pick("Mode unknown", "Mode inconnu").to_owned(),
                k => u64::try_from(k)
                    .ok()
                    .and_then(|id| label_of(modes.as_deref(), id))
                    .unwrap_or_else(|| format!("#{k}")),
            };
            part(label, acc)
        })
        .collect();
    payments.truncate(20);
    let delivery_methods: Vec<PartOut> = sorted(&by_method.groups)
        .into_iter()
        .map(|(k, acc)| {
            let name = if k == 255 {
                "unknown"
            } else {
                DeliveryMethod::from_code(k).name()
            };
            part(delivery_method_label(lang, name).to_owned(), acc)
        })
        .collect();
    let top_articles: Vec<PartOut> = sorted(&by_product.groups)
        .into_iter()
        .filter(|(k, _)| *k != 0)
        .take(TOP_ARTICLES)
        .map(|(k, acc)| {
            let label = u64::try_from(k)
                .ok()
                .and_then(|id| label_of(products.as_deref(), id))
                .unwrap_or_else(|| format!("#{k}"));
            part(label, acc)
        })
        .collect();

    let mime = format.default_mime();
    let day_outs: Vec<DayOut> = days
        .iter()
        .map(|d| {
            let acc = by_day.groups.get(&day_number(&d.to_string()));
            DayOut {
                date: d.to_string(),
                uri: report_uri(*d, format),
                mime_type: mime.to_owned(),
                bytes: None,
                revenue: Some(money(acc.map_or(0, |a| a.revenue))),
                orders: Some(acc.map_or(0, |a| a.orders)),
            }
        })
        .collect();

    // The text: the period's figures, its shares, a line a day, the links.
    let mut text = tr!(
        lang,
        "Sales report — {}, {}, {} (computed from the POS's orders, the rules of sales_summary)",
        "Rapport des ventes — {}, {}, {} (calculé à partir des commandes de la caisse, règles de sales_summary)",
        period.label(lang),
        ctx.tz().iana_name().unwrap_or("UTC"),
        i18n::counted(lang, total.orders, i18n::nouns::VALIDATED_ORDER)
    );
    text.push('\n');
    text.push_str(&figures_text(lang, total));
    let shares = |title: &str, parts: &[PartOut]| {
        let items: Vec<String> = parts
            .iter()
            .map(|p| {
                format!(
                    "{} {} ({})",
                    p.label,
                    i18n::money(lang, p.revenue.0),
                    p.orders
                )
            })
            .collect();
        format!("\n{title}: {}", items.join(" · "))
    };
    text.push_str(&shares(lang.pick("Payments", "Paiements"), &payments));
    text.push_str(&shares(
        lang.pick("Delivery methods", "Modes de vente"),
        &delivery_methods,
    ));
    let top: Vec<String> = top_articles
        .iter()
        .map(|p| {
            format!(
                "{} ×{} {}",
                p.label,
                p.items
                    .as_ref()
                    .map_or_else(|| "?".to_owned(), |q| i18n::quantity(lang, q.0)),
                i18n::money(lang, p.revenue.0)
            )
        })
        .collect();
    text.push_str(&tr!(
        lang,
        "\nTop articles: {}",
        "\nMeilleurs articles : {}",
        top.join(" · ")
    ));
    text.push_str(lang.pick("\nBy day:", "\nPar jour :"));
    for d in &day_outs {
        let day: Date = d.date.parse().unwrap_or_default();
        text.push_str(&format!(
            "\n{} — {} ({})",
            i18n::date(lang, day),
            d.revenue
                .as_ref()
                .map_or_else(String::new, |r| i18n::money(lang, r.0)),
            i18n::counted(lang, d.orders.unwrap_or(0), i18n::nouns::ORDER)
        ));
    }
    text.push_str(&tr!(
        lang,
        "\nEach day's own POS report ({}) is linked below (kash://reports/<date>.{}); a client reads one with resources/read when it is wanted.",
        "\nLe rapport de caisse de chaque jour ({}) est en lien ci-dessous (kash://reports/<date>.{}) ; un client en lit un avec resources/read quand il le faut.",
        format,
        extension(format)
    ));
    let mut content = vec![ContentBlock::text(text)];
    content.extend(days.iter().map(|d| link(lang, *d, format, mime, None)));
    let structured = ReportOutput {
        format: format.to_string(),
        range: RangeOut::new(period, lang),
        source: "orders".into(),
        in_text: false,
        days: day_outs,
        total: Some(figures(total)),
        payments,
        delivery_methods,
        top_articles,
    };
    let mut result = CallToolResult::success(content);
    result.structured_content = serde_json::to_value(&structured).ok();
    Ok(result.into())
}

/// Groups by revenue, highest first.
fn sorted(groups: &std::collections::HashMap<Key, Acc>) -> Vec<(Key, &Acc)> {
    let mut v: Vec<(Key, &Acc)> = groups.iter().map(|(k, a)| (*k, a)).collect();
    v.sort_by(|a, b| b.1.revenue.cmp(&a.1.revenue).then(a.0.cmp(&b.0)));
    v
}

/// `resources/read` of a report link: the day's POS report, fetched with the caller's own
/// credentials (so a link only ever shows the caller's shop).
pub(crate) async fn read(
    shop: &Shop,
    lang: Lang,
    uri: &str,
    today: Date,
) -> Result<ReadResourceResult, rmcp::ErrorData> {
    let (day, format) = parse_report_uri(uri).ok_or_else(|| {
        rmcp::ErrorData::resource_not_found(
            format!("unknown report `{uri}`: use kash://reports/YYYY-MM-DD.<html|csv|pdf|xls|fec.txt|saft.xml>"),
            None,
        )
    })?;
    if day.year() < 2000 || day > today {
        return Err(rmcp::ErrorData::resource_not_found(
            format!("no report for {day}: reports cover 2000 to today"),
            None,
        ));
    }
    let report = shop
        .client
        .send(&GetSalesReport::new(day, format))
        .await
        .map_err(|e| {
            rmcp::ErrorData::internal_error(crate::error::upstream_message(lang, &e), None)
        })?;
    let mime = mime_of(&report);
    let contents = if format.is_text() || format == ReportFormat::Saft {
        ResourceContents::text(String::from_utf8_lossy(&report.bytes).into_owned(), uri)
            .with_mime_type(mime)
    } else {
        let blob = base64::engine::general_purpose::STANDARD.encode(&report.bytes);
        ResourceContents::blob(blob, uri).with_mime_type(mime)
    };
    Ok(ReadResourceResult::new(vec![contents]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_uris_round_trip() {
        let day: Date = "2026-11-23".parse().unwrap();
        for f in ReportFormat::ALL {
            assert_eq!(parse_report_uri(&report_uri(day, f)), Some((day, f)));
        }
        assert_eq!(parse_report_uri("kash://reports/2026-11-23.docx"), None);
        assert_eq!(parse_report_uri("kash://reports/../etc"), None);
    }

    #[test]
    fn long_text_is_cut_at_a_line_and_says_so() {
        let text = "a\n".repeat(10);
        assert_eq!(fit_text(&text, 100), (text.clone(), false));
        let (cut, was) = fit_text(&text, 7);
        assert!(was && cut == "a\na\na\n", "{cut:?}");
    }
}
