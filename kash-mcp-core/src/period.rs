//! Periods: presets (`this_week`, `last_month`…) and explicit bounds, resolved in the shop's
//! time zone, as half-open ranges `[from, to)` of instants.

use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, Zoned};

use crate::config::by_name;
use crate::i18n::{self, Lang};
use crate::tr;

/// A named period, relative to today in the shop's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Preset {
    /// Today so far.
    Today,
    /// Yesterday, whole.
    Yesterday,
    /// Monday of this week to today.
    ThisWeek,
    /// Last Monday to Sunday.
    LastWeek,
    /// The 1st of this month to today.
    ThisMonth,
    /// Last month, whole.
    LastMonth,
    /// 1 January to today.
    ThisYear,
    /// Last year, whole.
    LastYear,
    /// The last 7 days including today.
    Last7Days,
    /// The last 30 days including today.
    Last30Days,
    /// The last 12 months including today (same day last year excluded).
    Last12Months,
}

impl Preset {
    /// Every preset, in the order the schemas list them.
    pub const ALL: [Self; 11] = [
        Self::Today,
        Self::Yesterday,
        Self::ThisWeek,
        Self::LastWeek,
        Self::ThisMonth,
        Self::LastMonth,
        Self::ThisYear,
        Self::LastYear,
        Self::Last7Days,
        Self::Last30Days,
        Self::Last12Months,
    ];

    /// The wire name (`this_week`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Today => "today",
            Self::Yesterday => "yesterday",
            Self::ThisWeek => "this_week",
            Self::LastWeek => "last_week",
            Self::ThisMonth => "this_month",
            Self::LastMonth => "last_month",
            Self::ThisYear => "this_year",
            Self::LastYear => "last_year",
            Self::Last7Days => "last_7_days",
            Self::Last30Days => "last_30_days",
            Self::Last12Months => "last_12_months",
        }
    }
}

impl FromStr for Preset {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        by_name(&Self::ALL, Self::name, &t)
            .map_err(|names| format!("unknown period `{s}`: use one of {names}"))
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A range of instants `[from, to)` in the shop's time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// First instant included.
    pub from: Zoned,
    /// First instant excluded.
    pub to: Zoned,
    /// The preset it came from, if any.
    pub preset: Option<Preset>,
}

fn midnight(date: Date, tz: &TimeZone) -> Result<Zoned, String> {
    date.to_zoned(tz.clone()).map_err(|e| e.to_string())
}

fn add_days(date: Date, n: i64) -> Result<Date, String> {
    date.checked_add(n.days()).map_err(|e| e.to_string())
}

impl Period {
    /// Resolves a preset at `now` in `tz`.
    ///
    /// # Errors
    /// Only for dates outside jiff's range.
    pub fn preset(preset: Preset, now: Timestamp, tz: &TimeZone) -> Result<Self, String> {
        let today = now.to_zoned(tz.clone()).date();
        let tomorrow = add_days(today, 1)?;
        let monday = add_days(today, -i64::from(today.weekday().to_monday_zero_offset()))?;
        let first_of_month = today.first_of_month();
        let first_of_year = Date::new(today.year(), 1, 1).map_err(|e| e.to_string())?;
        let (from, to) = match preset {
            Preset::Today => (today, tomorrow),
            Preset::Yesterday => (add_days(today, -1)?, today),
            Preset::ThisWeek => (monday, tomorrow),
            Preset::LastWeek => (add_days(monday, -7)?, monday),
            Preset::ThisMonth => (first_of_month, tomorrow),
            Preset::LastMonth => (
                first_of_month
                    .checked_sub(1.month())
                    .map_err(|e| e.to_string())?,
                first_of_month,
            ),
            Preset::ThisYear => (first_of_year, tomorrow),
            Preset::LastYear => (
                Date::new(today.year() - 1, 1, 1).map_err(|e| e.to_string())?,
                first_of_year,
            ),
            Preset::Last7Days => (add_days(today, -6)?, tomorrow),
            Preset::Last30Days => (add_days(today, -29)?, tomorrow),
            Preset::Last12Months => (
                add_days(today.checked_sub(1.year()).map_err(|e| e.to_string())?, 1)?,
                tomorrow,
            ),
        };
        Ok(Self {
            from: midnight(from, tz)?,
            to: midnight(to, tz)?,
            preset: Some(preset),
        })
    }

    /// From explicit bounds: ISO 8601 dates (`2026-11-20`, whole days, `to` included) or
    /// date-times (`2026-11-20T18:00:00+01:00`; without an offset, the shop's local time; `to`
    /// included to the second).
    ///
    /// # Errors
    /// A message naming the unreadable bound, or a range that ends before it starts.
    pub fn bounds(from: &str, to: &str, tz: &TimeZone, lang: Lang) -> Result<Self, String> {
        let start = parse_bound(from, tz, false).ok_or_else(|| bad_bound(lang, "from", from))?;
        let end = parse_bound(to, tz, true).ok_or_else(|| bad_bound(lang, "to", to))?;
        if end <= start {
            return Err(tr!(
                lang,
                "The period ends ({}) before it starts ({}): swap `from` and `to`.",
                "La période se termine ({}) avant de commencer ({}) : inversez `from` et `to`.",
                to,
                from
            ));
        }
        Ok(Self {
            from: start,
            to: end,
            preset: None,
        })
    }

    /// The range as the POS's `getOrders.php` takes it: both ends included, to the second.
    pub fn api_range(&self) -> (Timestamp, Timestamp) {
        let last = self
            .to
            .timestamp()
            .checked_sub(1.second())
            .unwrap_or(self.to.timestamp());
        (self.from.timestamp(), last)
    }

    /// The calendar days the period touches, in order.
    pub fn days(&self) -> Vec<Date> {
        let first = self.from.date();
        let last = self.last_day();
        let mut out = Vec::new();
        let mut d = first;
        while d <= last {
            out.push(d);
            match d.tomorrow() {
                Ok(n) => d = n,
                Err(_) => break,
            }
        }
        out
    }

    /// The last day the period touches.
    pub fn last_day(&self) -> Date {
        let to = &self.to;
        if to.time() == Time::midnight() {
            to.date().yesterday().unwrap_or(to.date())
        } else {
            to.date()
        }
    }

    /// Whether both ends fall on midnight (a period of whole days).
    pub fn whole_days(&self) -> bool {
        self.from.time() == Time::midnight() && self.to.time() == Time::midnight()
    }

    /// "Mon 16 – Sun 22 Nov 2026", "Fri 20 Nov 2026", "Sat 28 Dec 2024 – Fri 3 Jan 2025".
    pub fn label(&self, lang: Lang) -> String {
        let first = self.from.date();
        let last = self.last_day();
        let mut out = if first == last {
            i18n::date(lang, first)
        } else if first.year() == last.year() && first.month() == last.month() {
            format!(
                "{} {} – {}",
                i18n::weekday(lang, first.weekday()),
                first.day(),
                i18n::date(lang, last)
            )
        } else if first.year() == last.year() {
            format!(
                "{} {} {} – {}",
                i18n::weekday(lang, first.weekday()),
                first.day(),
                i18n::month(lang, first.month()),
                i18n::date(lang, last)
            )
        } else {
            format!("{} – {}", i18n::date(lang, first), i18n::date(lang, last))
        };
        if !self.whole_days() {
            out.push_str(&format!(
                " ({} → {})",
                i18n::time(self.from.time()),
                i18n::time(self.to.time())
            ));
        }
        out
    }
}

fn bad_bound(lang: Lang, name: &str, value: &str) -> String {
    tr!(
        lang,
        "`{}` = \"{}\" is not an ISO 8601 date or date-time (e.g. 2026-11-20 or 2026-11-20T18:00:00+01:00).",
        "`{}` = « {} » n'est pas une date ISO 8601 (par exemple 2026-11-20 ou 2026-11-20T18:00:00+01:00).",
        name,
        value
    )
}

/// Parses one bound; `end` makes a date include its whole day and a date-time its second.
pub fn parse_bound(text: &str, tz: &TimeZone, end: bool) -> Option<Zoned> {
    let t = text.trim();
    // A date alone (jiff would also read it as a date-time at midnight).
    if t.len() == 10
        && let Ok(d) = t.parse::<Date>()
    {
        let day = if end { d.tomorrow().ok()? } else { d };
        return day.to_zoned(tz.clone()).ok();
    }
    // A date-time: an end includes its second.
    let bound = |z: Zoned| {
        if end {
            z.checked_add(1.second()).ok()
        } else {
            Some(z)
        }
    };
    if let Ok(ts) = t.parse::<Timestamp>() {
        return bound(ts.to_zoned(tz.clone()));
    }
    if let Ok(z) = t.parse::<Zoned>() {
        return bound(z.with_time_zone(tz.clone()));
    }
    if let Ok(dt) = t.parse::<DateTime>() {
        return bound(tz.to_ambiguous_zoned(dt).compatible().ok()?);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paris() -> TimeZone {
        TimeZone::get("Europe/Paris").unwrap()
    }

    fn now() -> Timestamp {
        // Tuesday 24 November 2026, 17:30 in Paris.
        "2026-11-24T16:30:00Z".parse().unwrap()
    }

    #[test]
    fn presets_resolve_in_the_shop_zone() {
        let p = Period::preset(Preset::ThisWeek, now(), &paris()).unwrap();
        assert_eq!(
            p.from.to_string(),
            "2026-11-23T00:00:00+01:00[Europe/Paris]"
        );
        assert_eq!(p.to.to_string(), "2026-11-25T00:00:00+01:00[Europe/Paris]");
        let p = Period::preset(Preset::LastWeek, now(), &paris()).unwrap();
        assert_eq!(p.label(Lang::En), "Mon 16 – Sun 22 Nov 2026");
        assert_eq!(p.label(Lang::Fr), "lun. 16 – dim. 22 nov. 2026");
        let p = Period::preset(Preset::LastMonth, now(), &paris()).unwrap();
        assert_eq!(p.days().len(), 31);
        let p = Period::preset(Preset::LastYear, now(), &paris()).unwrap();
        assert_eq!(p.days().len(), 365);
        let (a, b) = Period::preset(Preset::Yesterday, now(), &paris())
            .unwrap()
            .api_range();
        assert_eq!(a.to_string(), "2026-11-22T23:00:00Z");
        assert_eq!(b.to_string(), "2026-11-23T22:59:59Z");
    }

    #[test]
    fn explicit_bounds() {
        let p = Period::bounds("2026-11-20", "2026-11-20", &paris(), Lang::En).unwrap();
        assert_eq!(p.days(), vec![jiff::civil::date(2026, 11, 20)]);
        let p = Period::bounds(
            "2026-11-20T18:00:00+01:00",
            "2026-11-20T21:00:00",
            &paris(),
            Lang::En,
        )
        .unwrap();
        assert_eq!(p.from.timestamp().to_string(), "2026-11-20T17:00:00Z");
        assert_eq!(p.to.timestamp().to_string(), "2026-11-20T20:00:01Z");
        assert!(Period::bounds("2026-11-21", "2026-11-20", &paris(), Lang::En).is_err());
        assert!(Period::bounds("hier", "2026-11-20", &paris(), Lang::En).is_err());
        // Across the October DST change the day still starts at local midnight.
        let p = Period::bounds("2026-10-25", "2026-10-25", &paris(), Lang::En).unwrap();
        assert_eq!(
            p.to.timestamp().as_second() - p.from.timestamp().as_second(),
            25 * 3600
        );
    }
}
