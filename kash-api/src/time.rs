//! Dates as the POS writes them.
//!
//! Order dates may arrive as local wall-clock text (`2026-11-20 12:34:56`, the shop's time
//! zone, with no offset), as ISO 8601 with an offset, or as a unix timestamp (the documented
//! form of `dateValeur`). [`PosTime`] keeps what was sent; the caller, who knows the shop's time
//! zone, resolves it with [`PosTime::to_zoned`].

use std::fmt;

use jiff::civil;
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use serde::Serializer;

use crate::de::Scalar;

/// A point in time as the POS reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PosTime {
    /// Wall-clock time in the shop's time zone.
    Local(civil::DateTime),
    /// An absolute instant (an ISO 8601 text with offset, or a unix timestamp).
    Instant(Timestamp),
}

impl PosTime {
    /// Resolves the time in the shop's time zone. A wall-clock time that falls in a DST gap or
    /// fold resolves the way clocks do (jiff's "compatible" disambiguation).
    pub fn to_zoned(&self, tz: &TimeZone) -> Zoned {
        match self {
            Self::Local(dt) => tz
                .to_ambiguous_zoned(*dt)
                .compatible()
                .unwrap_or_else(|_| dt.to_zoned(TimeZone::UTC).unwrap_or_default()),
            Self::Instant(ts) => ts.to_zoned(tz.clone()),
        }
    }

    /// The instant, resolving a wall-clock time in `tz`.
    pub fn timestamp(&self, tz: &TimeZone) -> Timestamp {
        match self {
            Self::Local(_) => self.to_zoned(tz).timestamp(),
            Self::Instant(ts) => *ts,
        }
    }

    /// Parses the forms the POS uses. `None` for MySQL's zero date and for unreadable text.
    pub fn parse(text: &str) -> Option<Self> {
        let s = text.trim();
        if s.is_empty() || s.starts_with("0000-00-00") {
            return None;
        }
        if s.bytes().all(|b| b.is_ascii_digit()) {
            let n: i64 = s.parse().ok()?;
            return Self::from_unix(n);
        }
        if let Some(dt) = Self::civil_fast(s) {
            return Some(Self::Local(dt));
        }
        if let Ok(ts) = s.parse::<Timestamp>() {
            return Some(Self::Instant(ts));
        }
        if let Ok(dt) = s.parse::<civil::DateTime>() {
            return Some(Self::Local(dt));
        }
        if let Ok(d) = s.parse::<civil::Date>() {
            return Some(Self::Local(d.to_datetime(civil::Time::midnight())));
        }
        // French back-office style: 20/11/2026 12:34[:56]
        for fmt in ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"] {
            if let Ok(dt) = civil::DateTime::strptime(fmt, s) {
                return Some(Self::Local(dt));
            }
            if let Ok(d) = civil::Date::strptime(fmt, s) {
                return Some(Self::Local(d.to_datetime(civil::Time::midnight())));
            }
        }
        None
    }

    /// The POS's usual `2026-11-20 12:34:56` (or with a `T`), read without a parser; `None`
    /// for anything else, which the general path then reads.
    fn civil_fast(s: &str) -> Option<civil::DateTime> {
        let b = s.as_bytes();
        let shape = b.len() == 19
            && b.get(4) == Some(&b'-')
            && b.get(7) == Some(&b'-')
            && matches!(b.get(10), Some(b' ' | b'T'))
            && b.get(13) == Some(&b':')
            && b.get(16) == Some(&b':');
        if !shape {
            return None;
        }
        let num = |from: usize, to: usize| -> Option<i16> {
            let digits = b.get(from..to)?;
            digits.iter().try_fold(0i16, |n, d| {
                d.is_ascii_digit().then(|| n * 10 + i16::from(d - b'0'))
            })
        };
        let small = |from: usize| num(from, from + 2).and_then(|n| i8::try_from(n).ok());
        civil::DateTime::new(
            num(0, 4)?,
            small(5)?,
            small(8)?,
            small(11)?,
            small(14)?,
            small(17)?,
            0,
        )
        .ok()
    }

    fn from_unix(n: i64) -> Option<Self> {
        if n <= 0 {
            return None;
        }
        // Milliseconds when the value is too large to be seconds (year > 5138).
        let ts = if n > 99_999_999_999 {
            Timestamp::from_millisecond(n).ok()?
        } else {
            Timestamp::from_second(n).ok()?
        };
        Some(Self::Instant(ts))
    }
}

impl fmt::Display for PosTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Local(dt) => write!(f, "{dt}"),
            Self::Instant(ts) => write!(f, "{ts}"),
        }
    }
}

impl Scalar for PosTime {
    const EXPECTING: &'static str = "a date (Y-m-d H:i:s, ISO 8601 or a unix timestamp)";
    fn from_text(s: &str) -> Option<Self> {
        Self::parse(s)
    }
    fn from_i128(n: i128) -> Option<Self> {
        i64::try_from(n).ok().and_then(Self::from_unix)
    }
    fn from_f64(n: f64) -> Option<Self> {
        if n.is_finite() && n.fract() == 0.0 {
            Self::from_i128(n as i128)
        } else {
            None
        }
    }
    fn serialize_clean<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        let paris = TimeZone::get("Europe/Paris").unwrap();
        let a = PosTime::parse("2026-11-20 12:34:56").unwrap();
        let b = PosTime::parse("2026-11-20T11:34:56Z").unwrap();
        let c = PosTime::parse("1795174496").unwrap();
        let d = PosTime::parse("20/11/2026 12:34:56").unwrap();
        assert_eq!(a.timestamp(&paris), b.timestamp(&paris));
        assert_eq!(a.timestamp(&paris), d.timestamp(&paris));
        assert_eq!(c.timestamp(&paris), b.timestamp(&paris));
        assert!(PosTime::parse("0000-00-00 00:00:00").is_none());
        assert!(PosTime::parse("soon").is_none());
    }

    /// The usual form read without the parser gives what the parser gives, and leaves every
    /// other text to it.
    #[test]
    fn the_fast_form_agrees_with_the_parser() {
        for s in [
            "2026-11-20 12:34:56",
            "2026-11-20T12:34:56",
            "2024-02-29 23:59:59",
            "2026-02-29 10:00:00",
            "2026-11-20 24:00:00",
            "2026-11-20 12:34:60",
            "2026-13-01 00:00:00",
            "2026-1a-20 12:34:56",
            "2026/11/20 12:34:56",
            "2026-11-20 12:34:56Z",
            "0001-01-01 00:00:00",
        ] {
            let general = s.parse::<civil::DateTime>().ok();
            let fast = PosTime::civil_fast(s);
            assert!(fast.is_none() || fast == general, "{s}");
            if general.is_some() && !s.ends_with('Z') {
                assert_eq!(PosTime::parse(s), general.map(PosTime::Local), "{s}");
            }
        }
        assert_eq!(
            PosTime::civil_fast("2026-11-20 12:34:56"),
            Some(civil::date(2026, 11, 20).at(12, 34, 56, 0))
        );
    }
}
