//! The POS's own daily sales report: `getSales.php`.

use std::fmt;

use bytes::Bytes;
use jiff::civil::Date;

use crate::error::Result;
use crate::request::{Endpoint, EndpointSpec, Params, RawResponse, Sealed};

/// The export formats of `getSales.php` (`formatExport`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportFormat {
    /// `Std`: the HTML report.
    Std,
    /// `PDF`.
    Pdf,
    /// `XLS`: a spreadsheet.
    Xls,
    /// `CSV`.
    Csv,
    /// `frafec`: the French FEC accounting export.
    Frafec,
    /// `saft`: the SAF-T accounting export.
    Saft,
}

impl ReportFormat {
    /// Every format.
    pub const ALL: [Self; 6] = [
        Self::Std,
        Self::Pdf,
        Self::Xls,
        Self::Csv,
        Self::Frafec,
        Self::Saft,
    ];

    /// The `formatExport` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Std => "Std",
            Self::Pdf => "PDF",
            Self::Xls => "XLS",
            Self::Csv => "CSV",
            Self::Frafec => "frafec",
            Self::Saft => "saft",
        }
    }

    /// From the `formatExport` value, case-insensitive.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// The MIME type to assume when the POS sends none.
    pub fn default_mime(self) -> &'static str {
        match self {
            Self::Std => "text/html",
            Self::Pdf => "application/pdf",
            Self::Xls => "application/vnd.ms-excel",
            Self::Csv => "text/csv",
            Self::Frafec => "text/plain",
            Self::Saft => "application/xml",
        }
    }

    /// Whether the report is text (Std, CSV, FEC) rather than binary.
    pub fn is_text(self) -> bool {
        matches!(self, Self::Std | Self::Csv | Self::Frafec)
    }
}

impl fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A report as the POS produced it.
#[derive(Clone, PartialEq, Eq)]
pub struct Report {
    /// The requested format.
    pub format: ReportFormat,
    /// The MIME type the POS declared, or the format's default.
    pub content_type: String,
    /// The bytes.
    pub bytes: Bytes,
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Report")
            .field("format", &self.format)
            .field("content_type", &self.content_type)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

impl Report {
    /// The report as text, when it is valid UTF-8.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.bytes).ok()
    }
}

/// Request: the sales report of one day (`getSales.php`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GetSalesReport {
    day: Option<Date>,
    format: ReportFormat,
}

impl GetSalesReport {
    /// The report of `day` in `format`.
    pub fn new(day: Date, format: ReportFormat) -> Self {
        Self {
            day: Some(day),
            format,
        }
    }

    /// Yesterday's report (the POS's default when no day is given).
    pub fn yesterday(format: ReportFormat) -> Self {
        Self { day: None, format }
    }
}

impl Sealed for GetSalesReport {}

impl Endpoint for GetSalesReport {
    type Output = Report;

    fn spec(&self) -> EndpointSpec {
        EndpointSpec::read("getSales.php")
    }

    fn params(&self) -> Result<Params> {
        let mut p = Params::new();
        if let Some(day) = self.day {
            p.push("d", day.day().to_string());
            p.push("m", day.month().to_string());
            p.push("y", day.year().to_string());
        }
        p.push("formatExport", self.format.as_str());
        Ok(p)
    }

    fn decode(&self, response: RawResponse) -> Result<Self::Output> {
        let (bytes, content_type) = response.bytes()?;
        Ok(Report {
            format: self.format,
            content_type: content_type.unwrap_or_else(|| self.format.default_mime().to_owned()),
            bytes,
        })
    }
}

impl crate::KashClient {
    /// `getSales.php` — the sales report of `day` in `format`, as bytes with their MIME type.
    ///
    /// # Errors
    /// Transport errors, and [`crate::KashError::Api`] when the POS answers with an error
    /// instead of a report.
    pub async fn sales_report(&self, day: Date, format: ReportFormat) -> Result<Report> {
        self.send(&GetSalesReport::new(day, format)).await
    }
}
