//! `report_sales`: the POS's own daily sales report (`getSales.php`) for a day or up to 31
//! days, one report per day: `Std` as readable text with the HTML attached, `CSV` as text, and
//! PDF, XLS, FEC and SAF-T as attached files.

use base64::Engine as _;
use futures_util::StreamExt;
use jiff::civil::Date;
use kash_api::reports::{GetSalesReport, Report, ReportFormat};
use rmcp::model::{CallToolResponse, CallToolResult, ContentBlock, JsonObject, ResourceContents};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use super::orders::{RangeOut, resolve_period};
use super::{Ctx, Effect, Spec, ToolId};
use crate::analytics::loader::Progress;
use crate::config::Toolset;
use crate::error::{ToolError, ToolResult};
use crate::i18n::{self, Lang};
use crate::period::{Period, Preset};
use crate::schema::{self, Prop};
use crate::{t, tr};

/// Most days (reports) in one answer.
pub(crate) const MAX_DAYS: usize = 31;
/// Reports fetched at once.
const CONCURRENCY: usize = 4;
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
            "The POS's own daily sales report (the cash register report: totals, VAT per rate, payments, delivery methods, articles), for one day or each day of a range of at most 31 days. Formats: Std (default: readable text, with the HTML report attached), CSV (text), PDF, XLS, frafec (French FEC accounting file) and saft (SAF-T XML), the last four attached as files. Give `date` (default yesterday), or `period` (today, yesterday, this_week, last_week, last_7_days, this_month, last_month, last_30_days) or `from`/`to`. For figures over longer periods, comparisons or rankings use sales_summary.",
            "Le rapport des ventes de la caisse elle-même (le rapport de caisse : totaux, TVA par taux, paiements, modes de vente, articles), pour un jour ou chaque jour d'une plage d'au plus 31 jours. Formats : Std (par défaut : texte lisible, avec le rapport HTML joint), CSV (texte), PDF, XLS, frafec (fichier des écritures comptables) et saft (XML SAF-T), ces quatre derniers joints comme fichiers. Donnez `date` (hier par défaut), ou `period` (today, yesterday, this_week, last_week, last_7_days, this_month, last_month, last_30_days) ou `from`/`to`. Pour des chiffres sur de plus longues périodes, des comparaisons ou des classements, utilisez sales_summary."
        ),
        input,
        output: schema::output::<ReportOutput>,
    }
}

fn input(lang: Lang) -> JsonObject {
    schema::input(
        lang,
        &[
            (
                "date",
                Prop::string(t!(
                    "One day, ISO 8601 (2026-11-23), or today / yesterday. Default: yesterday.",
                    "Un jour, ISO 8601 (2026-11-23), ou today / yesterday. Par défaut : hier."
                ))
                .format("date"),
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
                    t!(
                        "A range of days relative to today in the shop's time zone; one report per day.",
                        "Une plage de jours relative à aujourd'hui dans le fuseau de la boutique ; un rapport par jour."
                    ),
                ),
            ),
            (
                "from",
                Prop::string(t!(
                    "First day, ISO 8601 (with `to`).",
                    "Premier jour, ISO 8601 (avec `to`)."
                ))
                .format("date"),
            ),
            (
                "to",
                Prop::string(t!(
                    "Last day, included, ISO 8601; at most 31 days after `from`.",
                    "Dernier jour, inclus, ISO 8601 ; au plus 31 jours après `from`."
                ))
                .format("date"),
            ),
            (
                "format",
                Prop::one_of(
                    &["Std", "CSV", "PDF", "XLS", "frafec", "saft"],
                    t!(
                        "Std (readable, default), CSV, PDF, XLS, frafec (FEC) or saft (SAF-T).",
                        "Std (lisible, par défaut), CSV, PDF, XLS, frafec (FEC) ou saft (SAF-T)."
                    ),
                )
                .default("Std"),
            ),
        ],
        &[],
    )
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

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct DayOut {
    /// `YYYY-MM-DD`.
    date: String,
    /// ok or error.
    status: String,
    /// The attached resource, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mime_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bytes: Option<usize>,
    /// Whether the report is in the text of the answer.
    in_text: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct ReportOutput {
    format: String,
    range: RangeOut,
    days: Vec<DayOut>,
    /// Days whose report could not be produced.
    failed: usize,
}

fn extension(f: ReportFormat) -> &'static str {
    match f {
        ReportFormat::Std => "html",
        ReportFormat::Pdf => "pdf",
        ReportFormat::Xls => "xls",
        ReportFormat::Csv => "csv",
        ReportFormat::Frafec => "txt",
        ReportFormat::Saft => "xml",
    }
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
                None => resolve_period(ctx, None, Some(d), Some(d)),
            }
        }
        (None, None, None, None) => resolve_period(ctx, Some("yesterday"), None, None),
        (None, p, f, t) => resolve_period(ctx, p.as_deref(), f.as_deref(), t.as_deref()),
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

pub(crate) async fn call(ctx: &Ctx<'_>) -> ToolResult<CallToolResponse> {
    let lang = ctx.lang;
    let args: ReportArgs = crate::args::parse(lang, ctx.args())?;
    let format = args.format.map_or(ReportFormat::Std, |f| f.0);
    let period = days_asked(ctx, &args)?;
    let days: Vec<Date> = period.days();
    if days.len() > MAX_DAYS {
        return Err(ToolError::Invalid(tr!(
            lang,
            "That is {} days of reports; ask for at most {} at once (one report per day), or use sales_summary for totals over longer periods.",
            "Cela fait {} jours de rapports ; demandez-en au plus {} à la fois (un rapport par jour), ou utilisez sales_summary pour des totaux sur de plus longues périodes.",
            days.len(),
            MAX_DAYS
        )));
    }
    let shop = ctx.shop().await?;
    let mut progress = Progress::new(ctx, days.len());
    let fetched = futures_util::stream::iter(days.iter().copied().map(|day| {
        let client = shop.client.clone();
        async move { (day, client.send(&GetSalesReport::new(day, format)).await) }
    }))
    .buffered(CONCURRENCY);
    futures_util::pin_mut!(fetched);
    let mut results = Vec::with_capacity(days.len());
    while let Some((day, result)) = fetched.next().await {
        progress
            .advance(
                1,
                tr!(lang, "Report of {} received", "Rapport du {} reçu", day),
            )
            .await;
        results.push((day, result));
    }

    let budget = ctx.inner.config.max_text_chars;
    let mut used = 0usize;
    let mut text_parts: Vec<String> = Vec::new();
    let mut attachments: Vec<ContentBlock> = Vec::new();
    let mut out_days = Vec::new();
    let mut not_in_text: Vec<String> = Vec::new();
    let mut failed: Vec<String> = Vec::new();
    for (day, result) in results {
        let date = day.to_string();
        let report = match result {
            Ok(r) => r,
            Err(e) => {
                let msg = crate::error::upstream_message(lang, &e);
                failed.push(format!("{date}: {msg}"));
                out_days.push(DayOut {
                    date,
                    status: "error".into(),
                    uri: None,
                    mime_type: None,
                    bytes: None,
                    in_text: false,
                    error: Some(msg),
                });
                continue;
            }
        };
        let mime = mime_of(&report);
        let uri = format!("kash://reports/{date}.{}", extension(format));
        let header = format!("== {} ({date}) ==", i18n::date(lang, day));
        let mut in_text = false;
        let mut attached = true;
        match format {
            ReportFormat::Std | ReportFormat::Csv => {
                let body = match format {
                    ReportFormat::Std => readable(&report.bytes),
                    _ => String::from_utf8_lossy(&report.bytes).into_owned(),
                };
                let part = format!("{header}\n{}", body.trim_end());
                if used + part.len() <= budget {
                    used += part.len();
                    text_parts.push(part);
                    in_text = true;
                } else {
                    not_in_text.push(date.clone());
                }
                let html = format == ReportFormat::Std;
                // Std keeps its HTML; CSV is attached only when it did not fit in the text.
                attached = html || !in_text;
                if attached {
                    let text = String::from_utf8_lossy(&report.bytes).into_owned();
                    attachments.push(ContentBlock::resource(
                        ResourceContents::text(text, uri.clone()).with_mime_type(mime.clone()),
                    ));
                }
            }
            _ => {
                let blob = base64::engine::general_purpose::STANDARD.encode(&report.bytes);
                attachments.push(ContentBlock::resource(
                    ResourceContents::blob(blob, uri.clone()).with_mime_type(mime.clone()),
                ));
            }
        }
        out_days.push(DayOut {
            date,
            status: "ok".into(),
            uri: attached.then_some(uri),
            mime_type: Some(mime),
            bytes: Some(report.bytes.len()),
            in_text,
            error: None,
        });
    }

    let ok = out_days.iter().filter(|d| d.status == "ok").count();
    if ok == 0 {
        return Err(ToolError::Upstream(tr!(
            lang,
            "No report could be produced ({} {}): {}",
            "Aucun rapport n'a pu être produit ({} {}) : {}",
            format,
            period.label(lang),
            failed.join("; ")
        )));
    }
    let mut text = tr!(
        lang,
        "Sales report{} ({}) — {}, {}: {} of {} days",
        "Rapport{} des ventes ({}) — {}, {} : {} jours sur {}",
        if days.len() > 1 { "s" } else { "" },
        format,
        period.label(lang),
        ctx.tz().iana_name().unwrap_or("UTC"),
        ok,
        days.len()
    );
    if !format.is_text() || format == ReportFormat::Frafec {
        text.push_str(&tr!(
            lang,
            "; attached as {} files (kash://reports/<date>.{}).",
            " ; joints en fichiers {} (kash://reports/<date>.{}).",
            format,
            extension(format)
        ));
        for d in out_days.iter().filter(|d| d.status == "ok") {
            text.push_str(&format!(
                "\n- {} — {} ({} {})",
                d.date,
                d.mime_type.as_deref().unwrap_or(""),
                i18n::count(lang, i64::try_from(d.bytes.unwrap_or(0)).unwrap_or(0)),
                lang.pick("bytes", "octets")
            ));
        }
    } else {
        text.push('.');
        if format == ReportFormat::Std {
            text.push_str(lang.pick(
                " The HTML reports are attached.",
                " Les rapports HTML sont joints.",
            ));
        }
    }
    if !failed.is_empty() {
        text.push_str(&tr!(
            lang,
            "\nNOT produced: {}",
            "\nNON produit : {}",
            failed.join("; ")
        ));
    }
    if !not_in_text.is_empty() {
        text.push_str(&tr!(
            lang,
            "\nToo long to show every day in the text: {} are attached only.",
            "\nTrop long pour tout montrer dans le texte : {} sont seulement joints.",
            not_in_text.join(", ")
        ));
    }
    for part in text_parts {
        text.push_str("\n\n");
        text.push_str(&part);
    }
    let structured = ReportOutput {
        format: format.to_string(),
        range: RangeOut::new(&period, lang),
        days: out_days,
        failed: failed.len(),
    };
    let mut content = vec![ContentBlock::text(text)];
    content.extend(attachments);
    let mut result = CallToolResult::success(content);
    result.structured_content = serde_json::to_value(&structured).ok();
    Ok(result.into())
}
