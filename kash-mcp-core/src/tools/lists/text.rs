//! The POS's own CSV and HTML exports, paged by rows within a character budget.

use kash_api::lists::TextFormat;
use rmcp::model::CallToolResponse;

use super::{Format, ListOutput};
use crate::error::ToolResult;
use crate::tools::Ctx;
use crate::tr;

/// Pages a CSV or HTML export by data rows (the header always kept), bounded in size.
pub(super) fn text_page(
    ctx: &Ctx<'_>,
    format: TextFormat,
    text: &str,
    limit: usize,
    offset: usize,
    max_chars: usize,
) -> ToolResult<CallToolResponse> {
    let lang = ctx.lang;
    let (header, rows, footer): (String, Vec<String>, String) = match format {
        TextFormat::Csv => {
            let mut lines = text.lines();
            let header = lines.next().unwrap_or("").to_owned();
            (
                header,
                lines.filter(|l| !l.is_empty()).map(str::to_owned).collect(),
                String::new(),
            )
        }
        TextFormat::Html => split_html_rows(text),
    };
    let total = rows.len();
    let mut body = String::new();
    let mut shown = 0;
    let mut cut_for_size = false;
    for row in rows.iter().skip(offset).take(limit) {
        if header.len() + body.len() + row.len() + footer.len() + 1 > max_chars && shown > 0 {
            cut_for_size = true;
            break;
        }
        body.push_str(row);
        if format == TextFormat::Csv {
            body.push('\n');
        }
        shown += 1;
    }
    let joined = match format {
        TextFormat::Csv => format!("{header}\n{body}"),
        TextFormat::Html => format!("{header}{body}{footer}"),
    };
    let next = (offset + shown < total).then_some(offset + shown);
    let notice = next.map(|n| {
        let why = if cut_for_size {
            tr!(
                lang,
                "the page was cut at {} characters",
                "la page a été coupée à {} caractères",
                max_chars
            )
        } else {
            tr!(lang, "limit={}", "limit={}", limit)
        };
        tr!(
            lang,
            "Showing rows {}–{} of {} ({}). The rest: call again with offset={}, or use format=json with `query` to search.",
            "Lignes {} à {} sur {} ({}). La suite : rappelez avec offset={}, ou utilisez format=json avec `query` pour chercher.",
            offset + 1,
            offset + shown,
            total,
            why,
            n
        )
    });
    let mut content = joined;
    if let Some(n) = &notice {
        content.push_str(&format!("\n[{n}]"));
    }
    let mut result =
        rmcp::model::CallToolResult::success(vec![rmcp::model::ContentBlock::text(content)]);
    result.structured_content = serde_json::to_value(ListOutput {
        format: if format == TextFormat::Csv {
            Format::Csv
        } else {
            Format::Html
        },
        items: None,
        total,
        offset,
        limit,
        next_offset: next,
        query: None,
        rows: Some(shown),
        truncated: Some(next.is_some()),
        notice,
    })
    .ok();
    Ok(result.into())
}

/// Splits an HTML table into (everything before the first data row, data rows, the rest).
pub(super) fn split_html_rows(html: &str) -> (String, Vec<String>, String) {
    let lower = html.to_ascii_lowercase();
    let starts: Vec<usize> = lower.match_indices("<tr").map(|(i, _)| i).collect();
    if starts.len() < 2 {
        return (html.to_owned(), Vec::new(), String::new());
    }
    let end_of_rows = lower.rfind("</tr>").map(|i| i + 5).unwrap_or(html.len());
    // The first row is the header.
    let first_data = starts.get(1).copied().unwrap_or(html.len());
    let header = html.get(..first_data).unwrap_or("").to_owned();
    let mut rows = Vec::new();
    for (i, start) in starts.iter().enumerate().skip(1) {
        let end = starts.get(i + 1).copied().unwrap_or(end_of_rows);
        rows.push(html.get(*start..end).unwrap_or("").to_owned());
    }
    let footer = html.get(end_of_rows..).unwrap_or("").to_owned();
    (header, rows, footer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_rows_are_split_with_header_and_footer() {
        let (h, rows, f) = split_html_rows(
            "<table><tr><th>a</th></tr><tr><td>1</td></tr><tr><td>2</td></tr></table>",
        );
        assert_eq!(h, "<table><tr><th>a</th></tr>");
        assert_eq!(rows, vec!["<tr><td>1</td></tr>", "<tr><td>2</td></tr>"]);
        assert_eq!(f, "</table>");
    }
}
