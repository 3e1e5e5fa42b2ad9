//! `PDF`: the `Std` report's sections on A4 pages, a small PDF 1.4 written by hand.
//!
//! Helvetica and Helvetica-Bold (two of the standard 14 fonts, so nothing is embedded) with
//! `WinAnsiEncoding`: text is encoded as Windows-1252 (`€` is `0x80`, `Œ` `0x8C`; what it
//! lacks becomes `?`), with bytes above 127 written as octal escapes so the file stays ASCII.
//! Numbers are right-aligned with Helvetica's glyph widths; a long article list continues on
//! further pages under a repeated heading, and every page has a footer "page n / N". Streams
//! are not compressed; the cross-reference table gives each object's byte offset.

use super::Day;
use super::html::{Section, sections};

const PAGE_WIDTH: i64 = 595;
const PAGE_HEIGHT: i64 = 842;
const LEFT: i64 = 50;
const RIGHT: i64 = 545;
const TOP: i64 = 790;
/// The lowest baseline of body text.
const BOTTOM: i64 = 60;
const FOOTER: i64 = 30;
/// Between the right edges of numeric columns.
const COLUMN: i64 = 90;
const ROW: i64 = 13;
const BODY_SIZE: i64 = 9;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Font {
    Regular,
    Bold,
}

impl Font {
    fn resource(self) -> &'static str {
        match self {
            Self::Regular => "/F1",
            Self::Bold => "/F2",
        }
    }
}

/// Helvetica's advance widths (thousandths of the font size) for ASCII 32–126, from its AFM.
const WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0..?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P.._
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // `..o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p..~
];

/// The width of `text` in thousandths of a point at `size` (other characters count as an
/// average letter; bold text is measured as regular, which is close enough to align).
fn width(text: &str, size: i64) -> i64 {
    text.chars()
        .map(|c| {
            u32::from(c)
                .checked_sub(32)
                .and_then(|i| WIDTHS.get(usize::try_from(i).ok()?))
                .map_or(556, |w| i64::from(*w))
        })
        .sum::<i64>()
        * size
}

/// Windows-1252, the byte `WinAnsiEncoding` draws for `c`.
fn win_ansi(c: char) -> u8 {
    if let Ok(b) = u8::try_from(u32::from(c))
        && (matches!(b, 0x20..=0x7e) || b >= 0xa0)
    {
        return b;
    }
    match c {
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8a,
        '‹' => 0x8b,
        'Œ' => 0x8c,
        'Ž' => 0x8e,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9a,
        '›' => 0x9b,
        'œ' => 0x9c,
        'ž' => 0x9e,
        'Ÿ' => 0x9f,
        '\t' | '\n' | '\r' | '\u{2009}' | '\u{202f}' => b' ',
        _ => b'?',
    }
}

/// A PDF literal string of `text` in WinAnsi: `(`, `)` and `\` escaped, bytes outside
/// printable ASCII as octal.
fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('(');
    for b in text.chars().map(win_ansi) {
        match b {
            b'(' | b')' | b'\\' => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out.push(')');
    out
}

/// A text string for the document information: UTF-16BE with a byte order mark, in hex.
fn unicode_string(text: &str) -> String {
    let mut out = String::from("<FEFF");
    for unit in text.encode_utf16() {
        out.push_str(&format!("{unit:04X}"));
    }
    out.push('>');
    out
}

/// Thousandths of a point as a PDF number (`50`, `412.5`).
fn number(milli: i64) -> String {
    let sign = if milli < 0 { "-" } else { "" };
    let a = milli.unsigned_abs();
    if a.is_multiple_of(1000) {
        format!("{sign}{}", a / 1000)
    } else {
        let frac = format!("{:03}", a % 1000);
        format!("{sign}{}.{}", a / 1000, frac.trim_end_matches('0'))
    }
}

/// Draws `text` with its baseline at `y`; `right` aligns its end on `x` instead of its start.
fn text_op(x: i64, y: i64, right: bool, font: Font, size: i64, text: &str) -> String {
    let start = if right {
        x * 1000 - width(text, size)
    } else {
        x * 1000
    };
    format!(
        "BT {} {size} Tf {} {y} Td {} Tj ET\n",
        font.resource(),
        number(start),
        literal(text)
    )
}

/// Pages being filled from the top, as content stream text.
#[derive(Debug)]
struct Layout {
    pages: Vec<String>,
    y: i64,
}

impl Layout {
    fn new() -> Self {
        Self {
            pages: vec![String::new()],
            y: TOP,
        }
    }

    fn new_page(&mut self) {
        self.pages.push(String::new());
        self.y = TOP;
    }

    fn fits(&self, height: i64) -> bool {
        self.y - height >= BOTTOM
    }

    fn push(&mut self, op: &str) {
        if let Some(page) = self.pages.last_mut() {
            page.push_str(op);
        }
    }

    /// Text on the current line.
    fn text(&mut self, x: i64, right: bool, font: Font, size: i64, text: &str) {
        let op = text_op(x, self.y, right, font, size, text);
        self.push(&op);
    }

    fn rule(&mut self, y: i64) {
        self.push(&format!("0.5 w {LEFT} {y} m {RIGHT} {y} l S\n"));
    }
}

/// Where a section's columns go: the first starts at the left margin, the others end at
/// right-aligned stops.
fn stops(columns: usize) -> Vec<(i64, bool)> {
    let numeric = i64::try_from(columns.saturating_sub(1)).unwrap_or(0);
    std::iter::once((LEFT, false))
        .chain((0..numeric).map(|j| (RIGHT - (numeric - 1 - j) * COLUMN, true)))
        .collect()
}

/// At most `max` thousandths of a point wide at the body size, with "…" when cut.
fn fit(text: &str, max: i64) -> String {
    if width(text, BODY_SIZE) <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    for c in text.chars() {
        if width(&out, BODY_SIZE) + width(&format!("{c}…"), BODY_SIZE) > max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

fn heading(l: &mut Layout, title: &str, section: &Section, cols: &[(i64, bool)]) {
    l.y -= 10;
    l.text(LEFT, false, Font::Bold, 12, title);
    l.y -= 16;
    if !section.head.is_empty() {
        for ((x, right), h) in cols.iter().zip(&section.head) {
            l.text(*x, *right, Font::Bold, BODY_SIZE, h);
        }
        l.rule(l.y - 4);
        l.y -= ROW + 2;
    }
}

/// A one-row section (the totals) reads better as label/value lines.
fn transposed(s: Section) -> Section {
    match s.rows.as_slice() {
        [row] if s.head.len() > 3 => Section {
            title: s.title,
            head: Vec::new(),
            rows: s
                .head
                .iter()
                .zip(row)
                .map(|(h, v)| vec![(*h).to_owned(), v.clone()])
                .collect(),
        },
        _ => s,
    }
}

/// The pages' content streams: the title, the sections, a footer on each page.
fn lay_out(day: &Day<'_>, title: &str) -> Vec<String> {
    let mut l = Layout::new();
    l.text(LEFT, false, Font::Bold, 16, title);
    l.y -= 14;
    for section in sections(day).into_iter().map(transposed) {
        let columns = section
            .head
            .len()
            .max(section.rows.first().map_or(0, Vec::len));
        let cols = if section.head.is_empty() {
            vec![(LEFT, false), (LEFT + 250, true)]
        } else {
            stops(columns)
        };
        // The first column may run up to the first right-aligned column's heading.
        let first_width = cols
            .get(1)
            .map_or(RIGHT - LEFT, |(x, _)| x - LEFT - COLUMN + 10)
            * 1000;
        if !l.fits(10 + 16 + ROW + 2 + ROW) {
            l.new_page();
        }
        heading(&mut l, section.title, &section, &cols);
        for row in &section.rows {
            if !l.fits(ROW) {
                l.new_page();
                heading(
                    &mut l,
                    &format!("{} (suite)", section.title),
                    &section,
                    &cols,
                );
            }
            for (i, ((x, right), cell)) in cols.iter().zip(row).enumerate() {
                let text = if i == 0 {
                    fit(cell, first_width)
                } else {
                    cell.clone()
                };
                l.text(*x, *right, Font::Regular, BODY_SIZE, &text);
            }
            l.y -= ROW;
        }
    }
    let total = l.pages.len();
    for (i, page) in l.pages.iter_mut().enumerate() {
        let number = format!("page {} / {total}", i + 1);
        page.push_str(&text_op(LEFT, FOOTER, false, Font::Regular, 8, title));
        page.push_str(&text_op(RIGHT, FOOTER, true, Font::Regular, 8, &number));
    }
    l.pages
}

/// The file: header, objects, cross-reference table, trailer.
fn assemble(pages: &[String], title: &str) -> Vec<u8> {
    // 1 catalog, 2 page tree, 3–4 fonts, 5 information, then a page and its content each.
    let first_page = 6;
    let kids: Vec<String> = (0..pages.len())
        .map(|i| format!("{} 0 R", first_page + 2 * i))
        .collect();
    let mut objects: Vec<String> = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
            .to_owned(),
        format!(
            "<< /Title {} /Producer (kash-sandbox {}) >>",
            unicode_string(title),
            env!("CARGO_PKG_VERSION")
        ),
    ];
    for (i, content) in pages.iter().enumerate() {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] \
             /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
            first_page + 2 * i + 1
        ));
        objects.push(format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ));
    }
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.push_str(&format!("{} 0 obj\n{body}\nendobj\n", i + 1));
    }
    let xref = out.len();
    out.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for offset in offsets {
        out.push_str(&format!("{offset:010} 00000 n \n"));
    }
    out.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF",
        objects.len() + 1
    ));
    out.into_bytes()
}

pub fn report(day: &Day<'_>) -> Vec<u8> {
    let title = format!("{} — ventes du {}", day.shop.name, day.report.day);
    assemble(&lay_out(day, &title), &title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_win_ansi_and_escaped() {
        assert_eq!(literal("Café (1\\2)"), "(Caf\\351 \\(1\\\\2\\))");
        assert_eq!(literal("Œuf 3 €"), "(\\214uf 3 \\200)");
        assert_eq!(literal("日"), "(?)");
        assert_eq!(unicode_string("é"), "<FEFF00E9>");
    }

    #[test]
    fn numbers_and_widths() {
        assert_eq!(number(50_000), "50");
        assert_eq!(number(412_500), "412.5");
        assert_eq!(number(-1_250), "-1.25");
        // "12.50" at 10 pt: four digits and a point.
        assert_eq!(width("12.50", 10), (4 * 556 + 278) * 10);
        assert_eq!(WIDTHS.len(), usize::from(b'~' - b' ') + 1);
    }

    #[test]
    fn long_text_is_cut_to_fit() {
        let long = "Bouquet ".repeat(20);
        let cut = fit(&long, 100_000);
        assert!(cut.ends_with('…') && width(&cut, BODY_SIZE) <= 100_000);
        assert_eq!(fit("Café", 100_000), "Café");
    }

    #[test]
    fn offsets_in_the_cross_reference_point_at_objects() {
        let pdf = String::from_utf8(assemble(&["BT ET".to_owned(), String::new()], "T")).unwrap();
        let xref = pdf.rfind("startxref\n").unwrap();
        let at: usize = pdf[xref + 10..].lines().next().unwrap().parse().unwrap();
        assert!(pdf[at..].starts_with("xref\n0 10\n"));
        for (n, line) in pdf[at..].lines().skip(3).take(9).enumerate() {
            let offset: usize = line[..10].parse().unwrap();
            assert!(
                pdf[offset..].starts_with(&format!("{} 0 obj\n", n + 1)),
                "{line}"
            );
        }
        assert!(pdf.ends_with("%%EOF"));
    }
}
