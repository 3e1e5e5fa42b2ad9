//! The plumbing both binaries share (feature `front`): flags, environment and `.env` handling
//! ([`CommonArgs`]), logs to stderr ([`init_tracing`]), starting the embedded demo shop or the
//! real shop's client ([`launch`]), and the shutdown signal ([`ShutdownSignal`], registered
//! before anything else so that SIGTERM always ends the process cleanly). `kash-stdio` and
//! `kash-http` are a few dozen lines of wiring around it.

mod launch;
mod logging;
mod settings;
mod stdio;

pub use kash_sandbox::ShutdownSignal;
pub use launch::{Audience, LaunchError, Launched, launch, settings_hint};
pub use logging::{LogFormat, PAYLOADS_VAR, init_tracing};
pub use settings::{CommonArgs, EnvFile, Settings, SettingsError, ShopChoice, parse_bool};
pub use stdio::LineTransport;
