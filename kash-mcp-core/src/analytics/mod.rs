//! Sales analytics computed in the server: orders reduced to facts ([`facts`]), an exact
//! aggregation core ([`engine`]), and the loader that fetches days of orders from the POS and
//! caches the completed ones per shop (in memory, and in the [`Store`](crate::Store) so that
//! a shared store can hold them for every replica).

pub mod engine;
pub mod facts;
pub(crate) mod loader;

pub use engine::{Acc, Aggregate, Filters, GroupBy, VatAcc, aggregate};
pub use facts::{DayFacts, LineFact, OrderFact, VatPart};

use crate::period::Period;

/// The loaded days that fall in `period`.
pub(crate) fn days_of(
    loaded: &[std::sync::Arc<DayFacts>],
    period: &Period,
) -> Vec<std::sync::Arc<DayFacts>> {
    let days: std::collections::HashSet<String> =
        period.days().iter().map(|d| d.to_string()).collect();
    loaded
        .iter()
        .filter(|d| days.contains(&d.date))
        .cloned()
        .collect()
}

/// `filters`, bounded to the instants of `period` (a period may start or end within a day).
pub(crate) fn with_bounds(filters: &Filters, period: &Period) -> Filters {
    Filters {
        from_ts: Some(period.from.timestamp().as_second()),
        to_ts: Some(period.to.timestamp().as_second()),
        ..filters.clone()
    }
}

#[cfg(test)]
mod tests {
    use jiff::tz::TimeZone;

    use super::*;
    use crate::period::Preset;

    fn day(date: &str) -> std::sync::Arc<DayFacts> {
        std::sync::Arc::new(DayFacts {
            date: date.to_owned(),
            orders: Vec::new(),
        })
    }

    #[test]
    fn the_days_of_a_period_and_its_instants() {
        let now: jiff::Timestamp = "2026-11-24T16:30:00Z".parse().unwrap();
        let tz = TimeZone::get("Europe/Paris").unwrap();
        let week = Period::preset(Preset::LastWeek, now, &tz).unwrap();
        let loaded: Vec<_> = ["2026-11-15", "2026-11-16", "2026-11-22", "2026-11-23"]
            .into_iter()
            .map(day)
            .collect();
        let kept: Vec<String> = days_of(&loaded, &week)
            .iter()
            .map(|d| d.date.clone())
            .collect();
        assert_eq!(kept, ["2026-11-16", "2026-11-22"]);
        let bounded = with_bounds(&Filters::default(), &week);
        assert_eq!(bounded.from_ts, Some(week.from.timestamp().as_second()));
        assert_eq!(bounded.to_ts, Some(week.to.timestamp().as_second()));
    }
}
