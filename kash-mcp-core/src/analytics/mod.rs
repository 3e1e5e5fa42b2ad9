//! Sales analytics computed in the server: orders reduced to facts ([`facts`]), an exact
//! aggregation core ([`engine`]), and the loader that fetches days of orders from the POS and
//! caches the completed ones per shop (in memory, and in the [`Store`](crate::Store) so that
//! a shared store can hold them for every replica).

pub mod engine;
pub mod facts;
pub(crate) mod loader;

pub use engine::{Acc, Aggregate, Filters, GroupBy, VatAcc, aggregate};
pub use facts::{DayFacts, LineFact, OrderFact, VatPart};
