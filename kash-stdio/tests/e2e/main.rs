//! End-to-end: rmcp's client drives `kash-stdio` (a child process) against the sandbox, in
//! both protocol eras.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing)]
#![allow(missing_docs, clippy::cast_precision_loss)]

mod cli;
mod faults;
mod raw;
mod support;
