//! Days of orders, from the POS or from the cache.
//!
//! A day is the shop's local calendar day; its orders are the validated orders whose value
//! date falls in it. Completed days (ended more than [`GRACE`] ago) are cached twice: decoded,
//! in a bounded in-process map (least recently used first out), and encoded (postcard) in the
//! day store (a [`Store`](crate::Store) of its own, see
//! [`KashMcp::with_stores`](crate::KashMcp::with_stores)) under
//! `analytics:v1:<shop>:<time zone>:<date>`, where a shared store can hold them for every
//! replica. The day in progress is always fetched. Missing days
//! are fetched in runs of at most [`CHUNK_DAYS`] days, [`CONCURRENCY`] calls at a time; lines
//! missing from the list are fetched order by order only when the question needs them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use jiff::ToSpan;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use kash_api::KashError;
use kash_api::ids::OrderId;
use kash_api::orders::{GetOrder, ListOrders, OrderKind};
use rmcp::model::ProgressNotificationParam;

use super::facts::{DayFacts, OrderFact, fact};
use crate::call::Call as Ctx;
use crate::error::{ToolError, ToolResult};
use crate::i18n::Lang;
use crate::shop::Shop;
use crate::tr;

/// Most days one `getOrders.php` call covers.
pub const CHUNK_DAYS: usize = 31;
/// `getOrders.php` calls in flight at once.
pub const CONCURRENCY: usize = 4;
/// `getOrder.php` calls in flight at once.
pub const DETAIL_CONCURRENCY: usize = 8;
/// Most orders whose lines are fetched one by one for a single answer.
pub const MAX_DETAIL_FETCHES: usize = 2_000;
/// How long after midnight a day still counts as in progress (late tickets).
pub const GRACE: Duration = Duration::from_secs(10 * 60);
/// Days younger than this (in days) are cached for [`Config::recent_day_ttl`](crate::Config).
const RECENT_DAYS: i64 = 7;

/// The decoded days in memory, bounded by their number of orders.
#[derive(Debug)]
pub struct DayCache {
    budget: usize,
    inner: Mutex<Slots>,
}

#[derive(Debug, Default)]
struct Slots {
    map: HashMap<String, Slot>,
    orders: usize,
    tick: u64,
}

#[derive(Debug)]
struct Slot {
    day: Arc<DayFacts>,
    expires: Instant,
    used: u64,
}

fn weight(day: &DayFacts) -> usize {
    day.orders.len() + 1
}

impl DayCache {
    /// A cache holding at most about `budget` orders (0 disables it).
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            inner: Mutex::new(Slots::default()),
        }
    }

    fn get(&self, key: &str) -> Option<Arc<DayFacts>> {
        let mut slots = self.inner.lock().ok()?;
        slots.tick += 1;
        let tick = slots.tick;
        let now = Instant::now();
        let (hit, expired) = match slots.map.get_mut(key) {
            Some(slot) if slot.expires > now => {
                slot.used = tick;
                (Some(slot.day.clone()), false)
            }
            Some(_) => (None, true),
            None => (None, false),
        };
        if expired && let Some(old) = slots.map.remove(key) {
            slots.orders = slots.orders.saturating_sub(weight(&old.day));
        }
        hit
    }

    fn put(&self, key: String, day: Arc<DayFacts>, ttl: Duration) {
        let w = weight(&day);
        if w > self.budget {
            return;
        }
        let Ok(mut slots) = self.inner.lock() else {
            return;
        };
        slots.tick += 1;
        let used = slots.tick;
        if let Some(old) = slots.map.remove(&key) {
            slots.orders = slots.orders.saturating_sub(weight(&old.day));
        }
        while slots.orders + w > self.budget {
            let Some(oldest) = slots
                .map
                .iter()
                .min_by_key(|(_, s)| s.used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some(old) = slots.map.remove(&oldest) {
                slots.orders = slots.orders.saturating_sub(weight(&old.day));
            }
        }
        slots.orders += w;
        slots.map.insert(
            key,
            Slot {
                day,
                expires: Instant::now() + ttl,
                used,
            },
        );
    }

    fn remove(&self, key: &str) {
        if let Ok(mut slots) = self.inner.lock()
            && let Some(old) = slots.map.remove(key)
        {
            slots.orders = slots.orders.saturating_sub(weight(&old.day));
        }
    }

    /// Orders held.
    #[cfg(test)]
    pub fn orders(&self) -> usize {
        self.inner.lock().map(|s| s.orders).unwrap_or(0)
    }
}

/// Where the days of an answer came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SourceStats {
    /// Days read from the cache.
    pub cached_days: usize,
    /// Days fetched from the POS.
    pub fetched_days: usize,
    /// `getOrders.php` calls.
    pub list_calls: usize,
    /// `getOrder.php` calls (lines missing from the list).
    pub detail_calls: usize,
}

impl SourceStats {
    /// Every call to the POS.
    pub fn upstream_calls(&self) -> usize {
        self.list_calls + self.detail_calls
    }
}

/// Progress notifications for one request, when the client asked for them.
pub(crate) struct Progress<'a> {
    ctx: &'a Ctx<'a>,
    done: f64,
    total: f64,
}

impl<'a> Progress<'a> {
    /// Progress over `total` steps.
    pub fn new(ctx: &'a Ctx<'a>, total: usize) -> Self {
        Self {
            ctx,
            done: 0.0,
            total: total as f64,
        }
    }

    /// Adds `steps` more steps to do.
    pub fn grow(&mut self, steps: usize) {
        self.total += steps as f64;
    }

    /// `steps` more done.
    pub async fn advance(&mut self, steps: usize, message: String) {
        self.done += steps as f64;
        let Some(token) = self.ctx.rc.meta.get_progress_token() else {
            return;
        };
        let param = ProgressNotificationParam::new(token, self.done)
            .with_total(self.total.max(self.done))
            .with_message(message);
        if let Err(e) = self.ctx.rc.peer.notify_progress(param).await {
            tracing::debug!(error = %e, "progress notification not sent");
        }
    }
}

/// The store key of a day.
fn key(shop: &Shop, tz: &TimeZone, date: Date) -> String {
    format!(
        "analytics:v1:{}:{}:{}",
        shop.tenant,
        tz.iana_name().unwrap_or("UTC"),
        date
    )
}

fn midnight(date: Date, tz: &TimeZone) -> Option<jiff::Zoned> {
    date.to_zoned(tz.clone()).ok()
}

/// Whether `date` ended more than [`GRACE`] before `now`.
fn complete(date: Date, tz: &TimeZone, now: jiff::Timestamp) -> bool {
    date.tomorrow()
        .ok()
        .and_then(|d| midnight(d, tz))
        .and_then(|end| end.timestamp().checked_add(GRACE).ok())
        .is_some_and(|t| t <= now)
}

/// How long a completed day stays cached: recent days change more (late payments,
/// corrections), so they expire sooner.
fn ttl_of(ctx: &Ctx<'_>, date: Date, today: Date) -> Duration {
    let age = today
        .since(date)
        .map(|s| i64::from(s.get_days()))
        .unwrap_or(0);
    if age <= RECENT_DAYS {
        ctx.shared.config.recent_day_ttl
    } else {
        ctx.shared.config.day_ttl
    }
}

/// Forgets the cached day of `date` for this shop (after recording a sale dated in the past).
pub(crate) async fn invalidate(ctx: &Ctx<'_>, shop: &Shop, date: Date) {
    let k = key(shop, ctx.tz(), date);
    ctx.shared.days.remove(&k);
    if let Err(e) = ctx.shared.day_store.delete(&k).await {
        tracing::warn!(error = %e, "cached day not invalidated");
    }
}

/// The days asked for, in order, and where they came from.
pub(crate) struct Loaded {
    pub days: Vec<Arc<DayFacts>>,
    pub stats: SourceStats,
}

/// What the loader should do.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LoadOptions {
    /// Lines are needed (product or department figures).
    pub lines: bool,
    /// Ignore cached days.
    pub refresh: bool,
}

fn upstream(lang: Lang) -> impl Fn(KashError) -> ToolError {
    move |e| ToolError::from_kash(lang, e)
}

/// Loads `dates` (sorted, distinct) for `shop`.
pub(crate) async fn load(
    ctx: &Ctx<'_>,
    shop: &Shop,
    dates: &[Date],
    options: LoadOptions,
    progress: &mut Progress<'_>,
) -> ToolResult<Loaded> {
    let lang = ctx.lang;
    let tz = ctx.tz().clone();
    let now = ctx.now();
    let today = now.to_zoned(tz.clone()).date();
    let mut stats = SourceStats::default();
    let mut found: HashMap<Date, DayFacts> = HashMap::new();
    let mut cached: HashMap<Date, Arc<DayFacts>> = HashMap::new();
    let mut missing: Vec<Date> = Vec::new();
    for &date in dates {
        let done = complete(date, &tz, now);
        if !done || options.refresh {
            missing.push(date);
            continue;
        }
        let k = key(shop, &tz, date);
        if let Some(day) = ctx.shared.days.get(&k) {
            cached.insert(date, day);
            continue;
        }
        match ctx.shared.day_store.get(&k).await {
            Ok(Some(bytes)) => match postcard::from_bytes::<DayFacts>(&bytes) {
                Ok(day) if day.date == date.to_string() => {
                    let day = Arc::new(day);
                    ctx.shared
                        .days
                        .put(k, day.clone(), ttl_of(ctx, date, today));
                    cached.insert(date, day);
                }
                Ok(_) | Err(_) => {
                    tracing::warn!(%date, "cached day unreadable; fetching it again");
                    missing.push(date);
                }
            },
            Ok(None) => missing.push(date),
            Err(e) => {
                tracing::warn!(error = %e, "day cache unavailable; fetching");
                missing.push(date);
            }
        }
    }
    stats.cached_days = cached.len();
    stats.fetched_days = missing.len();

    // Fetch the missing days in runs of consecutive days, at most CHUNK_DAYS each.
    let mut chunks: Vec<Vec<Date>> = Vec::new();
    for &date in &missing {
        match chunks.last_mut() {
            Some(run)
                if run.len() < CHUNK_DAYS
                    && run.last().and_then(|d| d.tomorrow().ok()) == Some(date) =>
            {
                run.push(date);
            }
            _ => chunks.push(vec![date]),
        }
    }
    progress.grow(chunks.len());
    let fetches = futures_util::stream::iter(chunks.into_iter().map(|run| {
        let client = shop.client.clone();
        let tz = tz.clone();
        async move {
            let first = *run.first().ok_or(None)?;
            let last = *run.last().ok_or(None)?;
            let from = midnight(first, &tz).ok_or(None)?;
            let to = last
                .tomorrow()
                .ok()
                .and_then(|d| midnight(d, &tz))
                .ok_or(None)?;
            let end = to
                .timestamp()
                .checked_sub(1.second())
                .unwrap_or(to.timestamp());
            let orders = client
                .send(&ListOrders::new(
                    OrderKind::Validated,
                    from.timestamp(),
                    end,
                ))
                .await
                .map_err(Some)?;
            Ok::<_, Option<KashError>>((run, orders))
        }
    }))
    .buffer_unordered(CONCURRENCY);
    futures_util::pin_mut!(fetches);
    while let Some(result) = fetches.next().await {
        let (run, orders) = match result {
            Ok(x) => x,
            Err(Some(e)) => return Err(upstream(lang)(e)),
            Err(None) => {
                return Err(ToolError::Invalid(tr!(
                    lang,
                    "That period is outside the dates the server can handle.",
                    "Cette période sort des dates que le serveur sait traiter."
                )));
            }
        };
        stats.list_calls += 1;
        let mut by_day: HashMap<Date, Vec<OrderFact>> =
            run.iter().map(|d| (*d, Vec::new())).collect();
        let mut seen = std::collections::HashSet::new();
        for order in &orders {
            if !seen.insert(order.id) {
                continue;
            }
            if let Some((date, f)) = fact(order, &tz) {
                match by_day.get_mut(&date) {
                    Some(v) => v.push(f),
                    None => {
                        tracing::debug!(order = order.id.0, %date, "order outside the range asked")
                    }
                }
            }
        }
        let (first, last) = (
            run.first().copied().unwrap_or(today),
            run.last().copied().unwrap_or(today),
        );
        for (date, mut orders) in by_day {
            orders.sort_by_key(|o| (o.ts, o.id));
            found.insert(
                date,
                DayFacts {
                    date: date.to_string(),
                    orders,
                },
            );
        }
        progress
            .advance(
                1,
                tr!(
                    lang,
                    "Orders of {} – {} loaded",
                    "Commandes du {} au {} chargées",
                    first,
                    last
                ),
            )
            .await;
    }

    // Lines, when needed and missing from the list.
    if options.lines {
        let mut need: Vec<(Date, u64)> = Vec::new();
        let days = found
            .iter()
            .chain(cached.iter().map(|(date, day)| (date, day.as_ref())));
        for (date, day) in days {
            need.extend(
                day.orders
                    .iter()
                    .filter(|o| !o.lines_known)
                    .map(|o| (*date, o.id)),
            );
        }
        if need.len() > MAX_DETAIL_FETCHES {
            return Err(ToolError::Invalid(tr!(
                lang,
                "Product and department figures need the lines of {} orders that the POS's order list does not include; at most {} can be fetched one by one for an answer. Shorten the period, or ask without product or department.",
                "Les chiffres par article ou rayon demandent les lignes de {} commandes que la liste de la caisse ne donne pas ; au plus {} peuvent être lues une à une pour une réponse. Raccourcissez la période, ou demandez sans article ni rayon.",
                need.len(),
                MAX_DETAIL_FETCHES
            )));
        }
        if !need.is_empty() {
            // Cached days being completed become owned copies.
            let dates_to_own: std::collections::HashSet<Date> =
                need.iter().map(|(d, _)| *d).collect();
            for date in dates_to_own {
                if let Some(day) = cached.remove(&date) {
                    found.insert(date, (*day).clone());
                }
            }
            let total = need.len();
            progress.grow(total);
            let details = futures_util::stream::iter(need.into_iter().map(|(date, id)| {
                let client = shop.client.clone();
                async move {
                    client
                        .send(&GetOrder::new(OrderId(id)))
                        .await
                        .map(|o| (date, o))
                }
            }))
            .buffer_unordered(DETAIL_CONCURRENCY);
            futures_util::pin_mut!(details);
            let mut n = 0usize;
            while let Some(result) = details.next().await {
                let (date, order) = result.map_err(upstream(lang))?;
                stats.detail_calls += 1;
                n += 1;
                if let (Some((_, f)), Some(day)) = (fact(&order, &tz), found.get_mut(&date))
                    && let Some(slot) = day.orders.iter_mut().find(|o| o.id == f.id)
                {
                    // Keep the list's day and time; take the lines and what they tell.
                    let (ts, weekday, hour) = (slot.ts, slot.weekday, slot.hour);
                    *slot = OrderFact {
                        ts,
                        weekday,
                        hour,
                        ..f
                    };
                }
                if n.is_multiple_of(50) || n == total {
                    let step = if n.is_multiple_of(50) { 50 } else { n % 50 };
                    progress
                        .advance(
                            step,
                            tr!(
                                lang,
                                "Lines of {} loaded",
                                "Lignes de {} chargées",
                                crate::i18n::counted(lang, n, crate::i18n::nouns::ORDER)
                            ),
                        )
                        .await;
                }
            }
        }
    }

    // Cache what is complete, then answer in order.
    let mut out = Vec::with_capacity(dates.len());
    for &date in dates {
        if let Some(day) = cached.remove(&date) {
            out.push(day);
            continue;
        }
        let day = Arc::new(found.remove(&date).unwrap_or_else(|| DayFacts {
            date: date.to_string(),
            orders: Vec::new(),
        }));
        if complete(date, &tz, now) {
            let k = key(shop, &tz, date);
            let ttl = ttl_of(ctx, date, today);
            match postcard::to_allocvec(&*day) {
                Ok(bytes) => {
                    if let Err(e) = ctx.shared.day_store.set(&k, bytes, ttl).await {
                        tracing::warn!(error = %e, "day not cached in the store");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "day not encodable"),
            }
            ctx.shared.days.put(k, day.clone(), ttl);
        }
        out.push(day);
    }
    Ok(Loaded { days: out, stats })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(date: &str, n: usize) -> Arc<DayFacts> {
        Arc::new(DayFacts {
            date: date.into(),
            orders: (0..n)
                .map(|i| OrderFact {
                    id: i as u64,
                    ts: 0,
                    weekday: 0,
                    hour: 0,
                    total: 100,
                    vat: Vec::new(),
                    vat_known: false,
                    discount: 0,
                    delivery: 0,
                    payment_mode: 1,
                    unpaid: false,
                    customer: 0,
                    user: 0,
                    cashbox: 0,
                    refund: false,
                    lines_known: false,
                    lines: Vec::new(),
                })
                .collect(),
        })
    }

    #[test]
    fn memory_cache_is_bounded_and_least_recently_used_goes_first() {
        let c = DayCache::new(30);
        let ttl = Duration::from_secs(60);
        c.put("a".into(), day("2026-01-01", 9), ttl);
        c.put("b".into(), day("2026-01-02", 9), ttl);
        c.put("c".into(), day("2026-01-03", 9), ttl);
        assert_eq!(c.orders(), 30);
        assert!(c.get("a").is_some(), "touch a: b is now the oldest");
        c.put("d".into(), day("2026-01-04", 9), ttl);
        assert!(c.get("b").is_none());
        assert!(c.get("a").is_some() && c.get("c").is_some() && c.get("d").is_some());
        assert_eq!(c.orders(), 30);
        c.put("huge".into(), day("2026-01-05", 40), ttl);
        assert!(
            c.get("huge").is_none(),
            "a day above the budget is not kept"
        );
        c.remove("a");
        assert_eq!(c.orders(), 20);
        c.put("e".into(), day("2026-01-06", 1), Duration::ZERO);
        assert!(c.get("e").is_none(), "expired");
        assert_eq!(c.orders(), 20);
    }

    #[test]
    fn a_day_is_complete_ten_minutes_after_midnight() {
        let tz = TimeZone::get("Europe/Paris").unwrap();
        let d = jiff::civil::date(2026, 11, 23);
        let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
        assert!(!complete(d, &tz, at("2026-11-23T23:05:00Z")));
        assert!(complete(d, &tz, at("2026-11-23T23:10:00Z")));
        assert!(!complete(
            jiff::civil::date(2026, 11, 24),
            &tz,
            at("2026-11-24T16:00:00Z")
        ));
    }
}
