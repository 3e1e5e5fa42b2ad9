//! One day: the POS's own report as readable text, within the answer's budget, with its links.

use jiff::civil::Date;
use kash_api::reports::{GetSalesReport, ReportFormat};
use rmcp::model::{CallToolResponse, CallToolResult, ContentBlock};

use super::links::{link, mime_of, report_uri};
use super::{DayOut, ReportOutput, Source};
use crate::error::{ToolError, ToolResult};
use crate::i18n::{self};
use crate::period::Period;
use crate::shop::Shop;
use crate::tools::Ctx;
use crate::tools::common::period::RangeOut;
use crate::tr;

/// Width of the text rendering of an HTML report.
pub(super) const TEXT_WIDTH: usize = 100;

/// The longest report text put in an answer; longer reports are cut at a line, said so, and
/// whole at their link.
pub(super) const TEXT_BUDGET: usize = 12_000;

/// The day a `date` argument names (a date, or a date-time's day in the shop's time zone),
/// within the years a POS can have reports for.
pub(super) fn day_of(ctx: &Ctx<'_>, text: &str) -> ToolResult<Date> {
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

pub(super) fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_owned(),
        Some((cut, _)) => format!("{}…", s.get(..cut).unwrap_or(s)),
    }
}

/// The readable text of an HTML report: headings, and tables as aligned columns.
pub(super) fn readable(html: &[u8]) -> String {
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
pub(super) fn fit_text(text: &str, budget: usize) -> (String, bool) {
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

/// One day: the POS's own report, its text in the answer (Std, CSV) and the file as a link.
pub(super) async fn one_day(
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
            let message = tr!(
                lang,
                "No report for {}: {}",
                "Aucun rapport pour le {} : {}",
                i18n::date(lang, day),
                crate::error::upstream_message(lang, &e)
            );
            ToolError::upstream_with(message, e)
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
        source: Source::Pos,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_at_a_line_and_says_so() {
        let text = "a\n".repeat(10);
        assert_eq!(fit_text(&text, 100), (text.clone(), false));
        let (cut, was) = fit_text(&text, 7);
        assert!(was && cut == "a\na\na\n", "{cut:?}");
    }
}
