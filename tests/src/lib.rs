//! End-to-end test support: the ground truth the analytics are checked against, and an
//! in-process harness (sandbox, server, rmcp client).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss
)]

pub mod harness;
pub mod schema;
pub mod truth;
