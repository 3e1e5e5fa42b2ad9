//! Fetching orders over a period: in chunks of at most a month, a few at a time, without
//! duplicates.

use std::collections::HashSet;

use futures_util::{StreamExt, TryStreamExt};
use jiff::ToSpan;
use kash_api::KashError;
use kash_api::ids::OrderId;
use kash_api::orders::{DeliveryMethod, ListOrders, Order, OrderBrief, OrderBriefs, OrderKind};

use crate::period::Period;
use crate::shop::Shop;

/// Most days one `getOrders.php` call covers.
pub const CHUNK_DAYS: i64 = 31;
/// Calls in flight at once.
pub const CONCURRENCY: usize = 4;

/// The orders of a period as briefs, sorted by date, each decodable in full on demand.
#[derive(Debug)]
pub struct OrderSet {
    /// One answer per chunk of the period.
    chunks: Vec<OrderBriefs>,
    /// (chunk, index in it) of each distinct order, by date then id.
    sorted: Vec<(usize, usize)>,
}

impl OrderSet {
    /// The briefs, by date, each with its place for [`OrderSet::order`].
    pub fn briefs(&self) -> impl Iterator<Item = (OrderAt, &OrderBrief)> {
        self.sorted.iter().filter_map(|&(chunk, index)| {
            let brief = self.chunks.get(chunk)?.brief(index)?;
            Some((OrderAt(chunk, index), brief))
        })
    }

    /// The order at `at` in full.
    ///
    /// # Errors
    /// The SDK's decoding error for that order.
    pub fn order(&self, at: OrderAt) -> Result<Order, KashError> {
        match self.chunks.get(at.0) {
            Some(chunk) => chunk.order(at.1),
            None => Err(KashError::InvalidInput {
                message: "no such order in this list".to_owned(),
            }),
        }
    }

    /// The bytes of the POS's answers held.
    pub fn held_bytes(&self) -> usize {
        self.chunks.iter().map(OrderBriefs::held_bytes).sum()
    }
}

/// `period` cut in pieces of at most [`CHUNK_DAYS`] days.
fn chunks(period: &Period) -> impl Iterator<Item = Period> + use<> {
    let (to, mut start) = (period.to.clone(), Some(period.from.clone()));
    std::iter::from_fn(move || {
        let from = start.take().filter(|s| *s < to)?;
        let end = match from.checked_add(CHUNK_DAYS.days()) {
            Ok(next) if next < to => next,
            _ => to.clone(),
        };
        start = Some(end.clone());
        Some(Period {
            from,
            to: end,
            preset: None,
        })
    })
}

/// Where an order of an [`OrderSet`] is.
#[derive(Debug, Clone, Copy)]
pub struct OrderAt(usize, usize);

/// The orders of `kind` in `period`, sorted by date.
///
/// # Errors
/// The first SDK error of any chunk.
pub async fn orders_in(
    shop: &Shop,
    kind: OrderKind,
    period: &Period,
    method: Option<DeliveryMethod>,
) -> Result<OrderSet, KashError> {
    let chunks: Vec<OrderBriefs> = futures_util::stream::iter(chunks(period).map(|chunk| {
        let client = shop.client.clone();
        async move {
            let (from, to) = chunk.api_range();
            let mut req = ListOrders::new(kind, from, to);
            if let Some(m) = method {
                req = req.delivery_method(m);
            }
            client.send(&req.briefs()).await
        }
    }))
    .buffered(CONCURRENCY)
    .try_collect()
    .await?;
    let tz = period.from.time_zone().clone();
    let mut seen = HashSet::new();
    let mut keyed: Vec<((jiff::Timestamp, OrderId), (usize, usize))> = chunks
        .iter()
        .enumerate()
        .flat_map(|(c, briefs)| briefs.briefs().enumerate().map(move |(i, b)| (c, i, b)))
        .filter(|(_, _, b)| seen.insert(b.id))
        .map(|(c, i, b)| {
            let when = b
                .value_date
                .or(b.created_at)
                .map(|t| t.timestamp(&tz))
                .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
            ((when, b.id), (c, i))
        })
        .collect();
    keyed.sort_unstable_by_key(|(key, _)| *key);
    Ok(OrderSet {
        chunks,
        sorted: keyed.into_iter().map(|(_, at)| at).collect(),
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use kash_api::KashClient;
    use kash_sandbox::{Sandbox, SandboxConfig};

    use super::*;

    /// The briefs of a list agree with the whole orders on every order of the demo shop, in
    /// the same order (by date, then id, without duplicates across chunks), and each decodes
    /// in full to the very order the whole list gives.
    #[tokio::test]
    async fn briefs_agree_with_whole_orders_over_the_demo_shop() {
        let sandbox = Sandbox::start(SandboxConfig::at("2026-11-24T16:30:00Z".parse().unwrap()))
            .await
            .unwrap();
        let c = sandbox.credentials();
        let client = KashClient::builder(&c.shop_id, &c.api_key)
            .base_url(sandbox.base_url())
            .build()
            .unwrap();
        let tz = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
        let shop = Shop {
            client: client.clone(),
            tenant: Arc::from("t"),
            time_zone: tz.clone(),
            demo: true,
        };
        // 45 days: two chunks.
        let from = jiff::civil::date(2026, 10, 1).to_zoned(tz.clone()).unwrap();
        let period = Period {
            to: from.checked_add(45.days()).unwrap(),
            from,
            preset: None,
        };
        for kind in [OrderKind::Validated, OrderKind::Quotes] {
            let set = orders_in(&shop, kind, &period, None).await.unwrap();
            let mut whole = Vec::new();
            for chunk in chunks(&period) {
                let (from, to) = chunk.api_range();
                whole.extend(client.send(&ListOrders::new(kind, from, to)).await.unwrap());
            }
            let mut seen = HashSet::new();
            whole.retain(|o| seen.insert(o.id));
            whole.sort_by_key(|o| {
                let when = o.value_date.or(o.created_at).map(|t| t.timestamp(&tz));
                (when.unwrap_or(jiff::Timestamp::UNIX_EPOCH), o.id)
            });
            let briefs: Vec<_> = set.briefs().collect();
            assert_eq!(briefs.len(), whole.len(), "{kind:?}");
            if kind == OrderKind::Validated {
                assert!(whole.len() > 5_000, "{} orders", whole.len());
            }
            for ((at, brief), order) in briefs.into_iter().zip(&whole) {
                assert_eq!(brief.id, order.id);
                assert_eq!(brief.created_at, order.created_at);
                assert_eq!(brief.value_date, order.value_date);
                assert_eq!(brief.total, order.total);
                assert_eq!(brief.customer_id, order.customer_id);
                assert_eq!(
                    brief.customer_name,
                    order.customer_name(),
                    "order {}",
                    order.id
                );
                assert_eq!(brief.payment_state, order.payment_state);
                assert_eq!(brief.is_paid(), order.is_paid(), "order {}", order.id);
                assert_eq!(&set.order(at).unwrap(), order);
            }
        }
        sandbox.shutdown().await;
    }
}
