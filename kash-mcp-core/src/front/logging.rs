//! Logs: to stderr only (stdout may carry the protocol), plain text or JSON lines, never
//! personal data unless asked for by name.

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line (for log collectors).
    Json,
}

/// The variable that lets debug logs carry whole messages (tool arguments and results, which
/// hold customers' names, emails and phones). For local debugging only.
pub const PAYLOADS_VAR: &str = "KASH_LOG_PAYLOADS";

/// Installs the global subscriber: `RUST_LOG` if set, else `default_filter`. Debug logs carry
/// ids, sizes and timings. rmcp logs every message at debug level; those lines are kept out
/// (its target held at `info`) unless [`PAYLOADS_VAR`] is set to a yes value.
pub fn init_tracing(default_filter: &str, format: LogFormat) {
    let payloads = std::env::var(PAYLOADS_VAR)
        .ok()
        .is_some_and(|v| super::parse_bool(&v) == Ok(true));
    let mut spec = std::env::var("RUST_LOG")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| default_filter.to_owned());
    if !payloads {
        // rmcp at most at info (its debug lines are whole messages), and no louder than the
        // rest: `RUST_LOG=error` keeps its per-session info lines out too.
        let global = spec
            .split(',')
            .map(str::trim)
            .find(|d| !d.contains('='))
            .unwrap_or("error");
        let rmcp = match global {
            "trace" | "debug" | "info" => "info",
            other => other,
        };
        spec = format!("{spec},rmcp={rmcp}");
    }
    let filter = tracing_subscriber::EnvFilter::try_new(&spec)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter));
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(filter);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}
