//! The end-to-end suites, one module per behaviour, in one test binary. See `kash_e2e` for the
//! session helper and the transports they run on.
#![allow(clippy::cast_possible_truncation)]
#![allow(clippy::cast_precision_loss, clippy::expect_used)]
#![allow(clippy::indexing_slicing, clippy::panic, clippy::unwrap_used)]

mod analytics;
mod confirmation;
mod every_tool;
mod fuzz;
mod protocol;
mod questions;
mod recording;
mod reports;
mod sales;
mod scenarios;
mod tenants;
mod tools;
