//! kash-api integration tests: every endpoint against wiremock, asserting what was sent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing)]
#![allow(missing_docs)]

mod briefs;
mod errors;
mod lists;
mod login;
mod orders;
mod props;
mod reports;
mod retry;
mod sales;
mod support;
mod writes;
