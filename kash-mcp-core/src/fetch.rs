//! Fetching orders over a period: in chunks of at most a month, a few at a time, without
//! duplicates.

use std::collections::HashSet;

use futures_util::{StreamExt, TryStreamExt};
use jiff::ToSpan;
use kash_api::KashError;
use kash_api::orders::{DeliveryMethod, ListOrders, Order, OrderKind};

use crate::period::Period;
use crate::shop::Shop;

/// Most days one `getOrders.php` call covers.
pub const CHUNK_DAYS: i64 = 31;
/// Calls in flight at once.
pub const CONCURRENCY: usize = 4;

/// The orders of `kind` in `period`, sorted by date.
///
/// # Errors
/// The first SDK error of any chunk.
pub async fn orders_in(
    shop: &Shop,
    kind: OrderKind,
    period: &Period,
    method: Option<DeliveryMethod>,
) -> Result<Vec<Order>, KashError> {
    let mut chunks = Vec::new();
    let mut start = period.from.clone();
    while start < period.to {
        let next = start
            .checked_add(CHUNK_DAYS.days())
            .unwrap_or_else(|_| period.to.clone());
        let end = if next < period.to {
            next
        } else {
            period.to.clone()
        };
        chunks.push(Period {
            from: start.clone(),
            to: end.clone(),
            preset: None,
        });
        start = end;
    }
    let fetched: Vec<Vec<Order>> = futures_util::stream::iter(chunks.into_iter().map(|chunk| {
        let client = shop.client.clone();
        async move {
            let (from, to) = chunk.api_range();
            let mut req = ListOrders::new(kind, from, to);
            if let Some(m) = method {
                req = req.delivery_method(m);
            }
            client.send(&req).await
        }
    }))
    .buffered(CONCURRENCY)
    .try_collect()
    .await?;
    let mut seen = HashSet::new();
    let mut all: Vec<Order> = fetched
        .into_iter()
        .flatten()
        .filter(|o| seen.insert(o.id))
        .collect();
    let tz = period.from.time_zone().clone();
    all.sort_by_key(|o| {
        (
            o.value_date
                .or(o.created_at)
                .map(|t| t.timestamp(&tz))
                .unwrap_or(jiff::Timestamp::UNIX_EPOCH),
            o.id,
        )
    });
    Ok(all)
}
