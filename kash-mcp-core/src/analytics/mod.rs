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
