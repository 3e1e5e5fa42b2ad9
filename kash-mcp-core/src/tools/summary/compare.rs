//! The period a summary is compared with, and how it is shifted.

use jiff::{Span, ToSpan, Zoned};

use super::args::Comparison;
use crate::error::{ToolError, ToolResult};
use crate::i18n::{self, Lang};
use crate::period::{Period, Preset};
use crate::tr;

// ---------------------------------------------------------------------------------------------
// Periods

/// The compared period, how it was found, and the shift applied.
pub(super) struct Compared {
    pub(super) period: Period,
    pub(super) description: String,
}

pub(super) fn shift(period: &Period, kind: Comparison) -> Option<(Span, bool)> {
    let days = i64::try_from(period.days().len()).unwrap_or(0);
    let calendar = |p: Preset| match p {
        Preset::Today | Preset::Yesterday => 1.day(),
        Preset::ThisWeek | Preset::LastWeek | Preset::Last7Days => 7.days(),
        Preset::ThisMonth | Preset::LastMonth => 1.month(),
        Preset::ThisYear | Preset::LastYear | Preset::Last12Months => 1.year(),
        Preset::Last30Days => 30.days(),
    };
    match kind {
        Comparison::None => None,
        Comparison::PreviousWeek => Some((7.days(), false)),
        Comparison::PreviousPeriod => Some((
            match period.preset {
                Some(p) => calendar(p),
                None if period.whole_days() => days.days(),
                None => {
                    let secs =
                        period.to.timestamp().as_second() - period.from.timestamp().as_second();
                    Span::new().try_seconds(secs).ok()?
                }
            },
            false,
        )),
        Comparison::SamePeriodLastYear => {
            let weekly = match period.preset {
                Some(p) => matches!(
                    p,
                    Preset::Today
                        | Preset::Yesterday
                        | Preset::ThisWeek
                        | Preset::LastWeek
                        | Preset::Last7Days
                ),
                None => days <= 14,
            };
            Some(if weekly {
                (364.days(), true)
            } else {
                (1.year(), false)
            })
        }
    }
}

pub(super) fn compared(
    lang: Lang,
    period: &Period,
    kind: Comparison,
    now: &Zoned,
) -> ToolResult<Option<Compared>> {
    let Some((span, weekly)) = shift(period, kind) else {
        return Ok(None);
    };
    let bad = || {
        ToolError::Invalid(tr!(
            lang,
            "The compared period falls outside the dates the server can handle.",
            "La période de comparaison sort des dates que le serveur sait traiter."
        ))
    };
    let from = period.from.checked_sub(span).map_err(|_| bad())?;
    let mut to = period.to.checked_sub(span).map_err(|_| bad())?;
    let mut ongoing = false;
    if period.to > *now {
        // Still in progress: compare up to the same moment.
        let cut = now.checked_sub(span).map_err(|_| bad())?;
        if cut < to {
            to = cut;
            ongoing = true;
        }
    }
    if to <= from {
        to = from.clone();
    }
    let mut description = match kind {
        Comparison::PreviousPeriod => lang
            .pick("previous period", "période précédente")
            .to_owned(),
        Comparison::PreviousWeek => lang
            .pick("one week earlier", "une semaine plus tôt")
            .to_owned(),
        Comparison::SamePeriodLastYear if weekly => lang
            .pick(
                "same period last year (52 weeks earlier, same weekdays)",
                "même période l'an dernier (52 semaines plus tôt, mêmes jours de la semaine)",
            )
            .to_owned(),
        Comparison::SamePeriodLastYear | Comparison::None => lang
            .pick("same period last year", "même période l'an dernier")
            .to_owned(),
    };
    if ongoing {
        description.push_str(&tr!(
            lang,
            ", up to the same time ({})",
            ", jusqu'à la même heure ({})",
            i18n::time(now.time())
        ));
    }
    Ok(Some(Compared {
        period: Period {
            from,
            to,
            preset: None,
        },
        description,
    }))
}

#[cfg(test)]
mod tests {
    use jiff::tz::TimeZone;

    use super::*;

    fn period(p: Preset) -> Period {
        let now: jiff::Timestamp = "2026-11-24T16:30:00Z".parse().unwrap();
        Period::preset(p, now, &TimeZone::get("Europe/Paris").unwrap()).unwrap()
    }

    /// A shift as ISO 8601 text ("P364D"), and whether it keeps the weekdays.
    fn shown(kind: Comparison, p: Preset) -> Option<(String, bool)> {
        shift(&period(p), kind).map(|(span, weekly)| (span.to_string(), weekly))
    }

    #[test]
    fn periods_are_compared_with_the_same_weekdays_or_the_same_calendar_span() {
        let same = Comparison::SamePeriodLastYear;
        let keep = |s: &str, w| Some((s.to_owned(), w));
        assert_eq!(
            shown(same, Preset::LastWeek),
            keep("P364D", true),
            "52 weeks back"
        );
        assert_eq!(shown(same, Preset::LastMonth), keep("P1Y", false));
        assert_eq!(
            shown(Comparison::PreviousPeriod, Preset::LastMonth),
            keep("P1M", false)
        );
        assert_eq!(
            shown(Comparison::PreviousPeriod, Preset::Last30Days),
            keep("P30D", false)
        );
        assert_eq!(
            shown(Comparison::PreviousWeek, Preset::Today),
            keep("P7D", false)
        );
        assert_eq!(shown(Comparison::None, Preset::Today), None);
    }
}
