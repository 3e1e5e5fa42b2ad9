//! kash-http end to end: real HTTP on loopback, the sandbox as the POS, rmcp's client and
//! plain requests. Servers run in this process (`kash_http::start`), or as `kash-http`
//! processes where a restart or a replica is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing)]

mod auth;
mod isolation;
mod oauth;
mod registry;
mod replicas;
mod sessions;
mod stores;
mod support;
mod surface;
