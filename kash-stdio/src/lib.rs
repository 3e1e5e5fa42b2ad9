//! The `kash-stdio` binary's logic: reading flags, the environment and a `.env` file into a
//! server configuration. `main.rs` only wires it to stdio.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Parser;
use kash_mcp_core::{Config, Lang, Toolset, parse_toolsets};

/// MCP server for a Kash point of sale, over stdio (Claude Desktop and other local clients).
///
/// Credentials come from flags, then the environment, then a `.env` file. Find SHOPID and
/// APIKEY in the POS back office under Setup > Webservices.
#[derive(Debug, Clone, Parser)]
#[command(name = "kash-stdio", version, about, long_about = None)]
pub struct Args {
    /// The shop id (SHOPID).
    #[arg(long, env = "SHOPID", value_name = "ID")]
    pub shopid: Option<String>,

    /// The webservice API key (APIKEY). Prefer the environment or a .env file: command lines
    /// are visible to other users of the machine.
    #[arg(long, env = "APIKEY", value_name = "KEY", hide_env_values = true)]
    pub apikey: Option<String>,

    /// A .env file with SHOPID, APIKEY, API_BASE… (default: ./.env when present).
    #[arg(long = "env", value_name = "FILE")]
    pub env_file: Option<PathBuf>,

    /// The POS API address (default: the caisse.enregistreuse.fr API; kash.click also works).
    #[arg(long, env = "API_BASE", value_name = "URL")]
    pub api_base: Option<String>,

    /// Language of tool descriptions and answers: en or fr (default en).
    #[arg(long, env = "MCP_LANG", value_name = "LANG")]
    pub lang: Option<String>,

    /// The shop's time zone, for "today" and "this week" (default Europe/Paris).
    #[arg(long, env = "KASH_TIMEZONE", value_name = "TZ")]
    pub timezone: Option<String>,

    /// Register no tool that records or changes anything.
    #[arg(long, env = "KASH_READ_ONLY")]
    pub read_only: bool,

    /// Only these tool groups, comma-separated: lists, orders, sales, catalog, analytics.
    #[arg(long, env = "KASH_TOOLSETS", value_name = "LIST")]
    pub toolsets: Option<String>,

    /// Ask the user to confirm each sale before it is recorded (elicitation).
    #[arg(long, env = "KASH_CONFIRM_SALES")]
    pub confirm_sales: bool,

    /// Serve the built-in demo shop (a simulated POS on loopback): no account needed.
    #[arg(long)]
    pub sandbox: bool,

    /// Seconds to wait for the POS before giving up on a call (default 30).
    #[arg(long, env = "KASH_TIMEOUT", value_name = "SECONDS")]
    pub timeout: Option<u64>,

    /// Seconds catalogue lists are cached (default 60).
    #[arg(long, env = "KASH_CACHE_TTL", value_name = "SECONDS")]
    pub cache_ttl: Option<u64>,

    /// Pretend it is this moment (ISO 8601), for reproducible demos with --sandbox.
    #[arg(long, hide = true)]
    pub now: Option<jiff::Timestamp>,
}

/// What the binary should run.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The server configuration.
    pub config: Config,
    /// The shop to serve; `None` with `--sandbox`.
    pub credentials: Option<(String, String)>,
    /// The POS address, when not the default.
    pub api_base: Option<String>,
    /// Serve the sandbox.
    pub sandbox: bool,
    /// How long to wait for the POS.
    pub timeout: Duration,
    /// The sandbox's "now".
    pub now: Option<jiff::Timestamp>,
}

/// A setup error, with the exit code to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupError {
    /// The message for stderr.
    pub message: String,
    /// The exit code (2: usage or missing credentials).
    pub code: u8,
}

/// Reads a `.env` file into a map (without touching the process environment).
fn read_env_file(path: &Path) -> Result<HashMap<String, String>, String> {
    let iter = dotenvy::from_path_iter(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut out = HashMap::new();
    for item in iter {
        let (k, v) = item.map_err(|e| format!("{}: {e}", path.display()))?;
        out.insert(k, v);
    }
    Ok(out)
}

/// Resolves flags, environment (already folded into `args` by clap) and the `.env` file.
///
/// # Errors
/// A message and exit code 2 for missing credentials, a bad file, language, time zone or
/// toolset.
pub fn setup(args: &Args, cwd: &Path) -> Result<Setup, SetupError> {
    let usage = |message: String| SetupError { message, code: 2 };
    let file = match &args.env_file {
        Some(p) => read_env_file(p).map_err(usage)?,
        None => {
            let default = cwd.join(".env");
            if default.is_file() {
                read_env_file(&default).map_err(usage)?
            } else {
                HashMap::new()
            }
        }
    };
    let pick = |flag: &Option<String>, key: &str| {
        flag.clone()
            .or_else(|| file.get(key).cloned())
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let shop = pick(&args.shopid, "SHOPID");
    let key = pick(&args.apikey, "APIKEY");
    let api_base = pick(&args.api_base, "API_BASE");
    let lang: Lang = match pick(&args.lang, "MCP_LANG") {
        Some(l) => l.parse().map_err(usage)?,
        None => Lang::En,
    };
    let tz_name = pick(&args.timezone, "KASH_TIMEZONE").unwrap_or_else(|| "Europe/Paris".into());
    let time_zone = jiff::tz::TimeZone::get(&tz_name).map_err(|_| {
        usage(format!(
            "unknown time zone `{tz_name}`: use an IANA name such as Europe/Paris"
        ))
    })?;
    let toolsets = match pick(&args.toolsets, "KASH_TOOLSETS") {
        Some(t) => parse_toolsets(&t).map_err(usage)?,
        None => Toolset::ALL.into_iter().collect(),
    };
    let flag = |set: bool, key: &str| {
        set || file
            .get(key)
            .is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
    };
    let credentials = match (shop, key) {
        (Some(s), Some(k)) => Some((s, k)),
        _ if args.sandbox => None,
        (s, k) => {
            let missing: Vec<&str> = [("SHOPID", s.is_none()), ("APIKEY", k.is_none())]
                .into_iter()
                .filter(|(_, m)| *m)
                .map(|(n, _)| n)
                .collect();
            return Err(usage(format!(
                "kash-stdio: missing {}.\n\
                 Find SHOPID and APIKEY in your POS back office under Setup > Webservices \
                 (the webservices need the extended licence), then pass them as --shopid and \
                 --apikey, as SHOPID and APIKEY in the environment, or in a .env file.\n\
                 To try the server without an account: kash-stdio --sandbox",
                missing.join(" and ")
            )));
        }
    };
    let mut config = Config {
        lang,
        time_zone,
        read_only: flag(args.read_only, "KASH_READ_ONLY"),
        toolsets,
        confirm_sales: flag(args.confirm_sales, "KASH_CONFIRM_SALES"),
        ..Config::default()
    };
    if let Some(ttl) = args.cache_ttl.or_else(|| {
        file.get("KASH_CACHE_TTL")
            .and_then(|v| v.trim().parse().ok())
    }) {
        config.catalog_ttl = Duration::from_secs(ttl);
    }
    if let Some(now) = args.now {
        config.clock = kash_mcp_core::Clock::starting_at(now);
    }
    Ok(Setup {
        config,
        credentials,
        api_base,
        sandbox: args.sandbox,
        timeout: Duration::from_secs(args.timeout.unwrap_or(30).max(1)),
        now: args.now,
    })
}

/// The note printed on stderr when started from a terminal.
pub const TERMINAL_NOTE: &str = "kash-stdio speaks MCP (JSON-RPC) on stdin/stdout: it is meant to be started by an MCP client, not typed into.
To use it with Claude Desktop, add to claude_desktop_config.json:
  {\"mcpServers\": {\"kash\": {\"command\": \"/path/to/kash-stdio\", \"args\": [\"--sandbox\"]}}}
(replace --sandbox with \"--shopid\", \"<SHOPID>\" and an APIKEY in \"env\" for your shop).
To explore it: npx @modelcontextprotocol/inspector /path/to/kash-stdio --sandbox
Press Ctrl-D to quit.";
