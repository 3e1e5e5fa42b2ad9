//! kash-sandbox tests: kash-api against a running sandbox (contract and round trips), the
//! sandbox's refusals, faults and options, the report formats, determinism, several shops,
//! the binary, and the seed's facts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing)]
#![allow(missing_docs)]

mod binary;
mod contract;
mod determinism;
mod faults;
mod options;
mod refusals;
mod reports;
mod roundtrip;
mod seed_facts;
mod support;
mod tenants;
