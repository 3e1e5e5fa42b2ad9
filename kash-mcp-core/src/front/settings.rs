//! Settings from three sources, in this order of precedence: command-line flags, the process
//! environment (both read by clap), then a `.env` file. Every value is parsed the same way
//! whatever its source: a boolean accepts `1/0`, `true/false`, `yes/no` and `on/off` from a
//! flag, the environment or the file alike.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;

use crate::config::{Clock, Config, Toolset, named_zone, parse_toolsets};
use crate::i18n::Lang;

/// Parses a yes/no value: `1/0`, `true/false`, `yes/no`, `on/off`, in any case.
///
/// # Errors
/// Any other text, with the accepted forms.
pub fn parse_bool(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(format!(
            "`{}` is not a yes/no value: use true/false, 1/0, yes/no or on/off",
            s.trim()
        )),
    }
}

/// The flags both binaries take (flattened into each binary's own `clap` parser).
#[derive(Debug, Clone, Default, Args)]
pub struct CommonArgs {
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

    /// Allow a plain http:// API address that is not this machine (the key then travels in
    /// clear; only for a trusted private network).
    #[arg(long, env = "KASH_ALLOW_INSECURE_HTTP", value_name = "BOOL", num_args = 0..=1,
          require_equals = true, default_missing_value = "true", value_parser = parse_bool)]
    pub allow_insecure_http: Option<bool>,

    /// Language of tool descriptions and answers: en or fr (default en).
    #[arg(long, env = "MCP_LANG", value_name = "LANG")]
    pub lang: Option<String>,

    /// The shop's time zone, for "today" and "this week" (default Europe/Paris).
    #[arg(long, env = "KASH_TIMEZONE", value_name = "TZ")]
    pub timezone: Option<String>,

    /// Register no tool that records or changes anything.
    #[arg(long, env = "KASH_READ_ONLY", value_name = "BOOL", num_args = 0..=1,
          require_equals = true, default_missing_value = "true", value_parser = parse_bool)]
    pub read_only: Option<bool>,

    /// Only these tool groups, comma-separated: lists, orders, sales, catalog, analytics.
    #[arg(long, env = "KASH_TOOLSETS", value_name = "LIST")]
    pub toolsets: Option<String>,

    /// Ask the user to confirm each sale before it is recorded (elicitation).
    #[arg(long, env = "KASH_CONFIRM_SALES", value_name = "BOOL", num_args = 0..=1,
          require_equals = true, default_missing_value = "true", value_parser = parse_bool)]
    pub confirm_sales: Option<bool>,

    /// Serve the built-in demo shop (a simulated POS on loopback, afresh at every start): no
    /// account needed. Shop credentials found anywhere are ignored.
    #[arg(long, env = "KASH_SANDBOX", value_name = "BOOL", num_args = 0..=1,
          require_equals = true, default_missing_value = "true", value_parser = parse_bool)]
    pub sandbox: Option<bool>,

    /// Seconds to wait for the POS before giving up on a call (default 30).
    #[arg(long, env = "KASH_TIMEOUT", value_name = "SECONDS")]
    pub timeout: Option<String>,

    /// Seconds catalogue lists are cached (default 60).
    #[arg(long, env = "KASH_CACHE_TTL", value_name = "SECONDS")]
    pub cache_ttl: Option<String>,

    /// Megabytes of memory for the analytics cache of decoded days (default: an eighth of the
    /// memory the process may use, at most 256).
    #[arg(long, env = "KASH_ANALYTICS_MEMORY", value_name = "MB")]
    pub analytics_memory: Option<String>,

    /// Pretend it is this moment (ISO 8601), for reproducible demos with --sandbox.
    #[arg(long, hide = true)]
    pub now: Option<jiff::Timestamp>,
}

/// Where the shop comes from.
#[derive(Clone, PartialEq, Eq)]
pub enum ShopChoice {
    /// A real shop.
    Real {
        /// SHOPID.
        shop_id: String,
        /// APIKEY.
        api_key: String,
        /// The POS address, when not the default.
        api_base: Option<String>,
        /// Plain http:// to another machine allowed.
        allow_insecure_http: bool,
    },
    /// The embedded demo shop; `ignored` names the credentials found and not used.
    Sandbox {
        /// Settings that were found but do not apply to the demo shop.
        ignored: Vec<String>,
    },
    /// No shop given: the binary decides (stdio refuses to start).
    Missing {
        /// The names of the missing settings (`SHOPID`, `APIKEY`).
        missing: Vec<&'static str>,
    },
}

impl std::fmt::Debug for ShopChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Real {
                shop_id,
                api_base,
                allow_insecure_http,
                ..
            } => f
                .debug_struct("Real")
                .field("shop_id", shop_id)
                .field("api_key", &"[REDACTED]")
                .field("api_base", api_base)
                .field("allow_insecure_http", allow_insecure_http)
                .finish(),
            Self::Sandbox { ignored } => {
                f.debug_struct("Sandbox").field("ignored", ignored).finish()
            }
            Self::Missing { missing } => {
                f.debug_struct("Missing").field("missing", missing).finish()
            }
        }
    }
}

/// Everything the common flags resolve to.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The server configuration.
    pub config: Config,
    /// The shop to serve.
    pub shop: ShopChoice,
    /// How long to wait for the POS.
    pub timeout: Duration,
    /// The sandbox's "now" (reproducible demos and tests).
    pub now: Option<jiff::Timestamp>,
}

/// A settings error: the message for stderr (the binary exits with code 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SettingsError(pub String);

/// Reads a `.env` file into a map (without touching the process environment).
fn read_env_file(path: &Path) -> Result<HashMap<String, String>, SettingsError> {
    let iter = dotenvy::from_path_iter(path)
        .map_err(|e| SettingsError(format!("cannot read {}: {e}", path.display())))?;
    let mut out = HashMap::new();
    for item in iter {
        let (k, v) = item.map_err(|e| SettingsError(format!("{}: {e}", path.display())))?;
        out.insert(k, v);
    }
    Ok(out)
}

/// The values of the `.env` file, behind the flags and the environment.
#[derive(Debug, Default)]
pub struct EnvFile {
    values: HashMap<String, String>,
    path: Option<PathBuf>,
}

impl EnvFile {
    /// `explicit`, or `./.env` in `cwd` when present, or nothing.
    ///
    /// # Errors
    /// An unreadable or malformed file.
    pub fn load(explicit: Option<&Path>, cwd: &Path) -> Result<Self, SettingsError> {
        let path = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => Some(cwd.join(".env")).filter(|p| p.is_file()),
        };
        let values = match &path {
            Some(p) => read_env_file(p)?,
            None => HashMap::new(),
        };
        Ok(Self { values, path })
    }

    /// A flag's value (flag or environment), else the file's, trimmed, empty as absent.
    pub fn pick(&self, flag: &Option<String>, key: &str) -> Option<String> {
        flag.clone()
            .or_else(|| self.values.get(key).cloned())
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// A yes/no setting.
    ///
    /// # Errors
    /// A file value that is not a yes/no value.
    pub fn flag(&self, flag: Option<bool>, key: &str) -> Result<bool, SettingsError> {
        if let Some(v) = flag {
            return Ok(v);
        }
        match self
            .values
            .get(key)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
        {
            None => Ok(false),
            Some(v) => parse_bool(v).map_err(|e| SettingsError(format!("{key}: {e}"))),
        }
    }

    /// A number of seconds.
    ///
    /// # Errors
    /// A value that is not a whole number.
    pub fn seconds(&self, flag: &Option<String>, key: &str) -> Result<Option<u64>, SettingsError> {
        match self.pick(flag, key) {
            None => Ok(None),
            Some(v) => v.parse::<u64>().map(Some).map_err(|_| {
                SettingsError(format!("{key}: `{v}` is not a whole number of seconds"))
            }),
        }
    }

    /// Whether the file was read, and from where.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
}

impl CommonArgs {
    /// Resolves the flags, the environment (already folded in by clap) and the `.env` file.
    ///
    /// # Errors
    /// A bad file, language, time zone, toolset, number or yes/no value.
    pub fn resolve(&self, cwd: &Path) -> Result<(Settings, EnvFile), SettingsError> {
        let file = EnvFile::load(self.env_file.as_deref(), cwd)?;
        let shop = file.pick(&self.shopid, "SHOPID");
        let key = file.pick(&self.apikey, "APIKEY");
        let api_base = file.pick(&self.api_base, "API_BASE");
        let lang: Lang = match file.pick(&self.lang, "MCP_LANG") {
            Some(l) => l.parse().map_err(SettingsError)?,
            None => Lang::En,
        };
        let tz_name = file
            .pick(&self.timezone, "KASH_TIMEZONE")
            .unwrap_or_else(|| "Europe/Paris".into());
        let time_zone = named_zone(&tz_name).map_err(|_| {
            SettingsError(format!(
                "unknown time zone `{tz_name}`: use an IANA name such as Europe/Paris"
            ))
        })?;
        let toolsets = match file.pick(&self.toolsets, "KASH_TOOLSETS") {
            Some(t) => parse_toolsets(&t).map_err(SettingsError)?,
            None => Toolset::ALL.into_iter().collect(),
        };
        let allow_insecure_http =
            file.flag(self.allow_insecure_http, "KASH_ALLOW_INSECURE_HTTP")?;
        let sandbox = file.flag(self.sandbox, "KASH_SANDBOX")?;
        let choice = if sandbox {
            let ignored = [
                ("SHOPID", shop.is_some()),
                ("APIKEY", key.is_some()),
                ("API_BASE", api_base.is_some()),
            ]
            .into_iter()
            .filter(|(_, found)| *found)
            .map(|(n, _)| n.to_owned())
            .collect();
            ShopChoice::Sandbox { ignored }
        } else {
            match (shop, key) {
                (Some(shop_id), Some(api_key)) => ShopChoice::Real {
                    shop_id,
                    api_key,
                    api_base,
                    allow_insecure_http,
                },
                (s, k) => ShopChoice::Missing {
                    missing: [("SHOPID", s.is_none()), ("APIKEY", k.is_none())]
                        .into_iter()
                        .filter(|(_, m)| *m)
                        .map(|(n, _)| n)
                        .collect(),
                },
            }
        };
        let mut config = Config {
            lang,
            time_zone,
            read_only: file.flag(self.read_only, "KASH_READ_ONLY")?,
            toolsets,
            confirm_sales: file.flag(self.confirm_sales, "KASH_CONFIRM_SALES")?,
            demo: sandbox,
            ..Config::default()
        };
        if let Some(ttl) = file.seconds(&self.cache_ttl, "KASH_CACHE_TTL")? {
            config.catalog_ttl = Duration::from_secs(ttl);
        }
        config.analytics_memory_orders = match file
            .pick(&self.analytics_memory, "KASH_ANALYTICS_MEMORY")
        {
            Some(v) => {
                let mb = v.trim().parse::<u64>().map_err(|_| {
                    SettingsError(format!(
                        "KASH_ANALYTICS_MEMORY: `{v}` is not a whole number of megabytes"
                    ))
                })?;
                let orders = mb.saturating_mul(1 << 20) / crate::config::ANALYTICS_BYTES_PER_ORDER;
                usize::try_from(orders).unwrap_or(usize::MAX)
            }
            None => crate::config::analytics_orders_for(crate::config::available_memory()),
        };
        if let Some(now) = self.now {
            config.clock = Clock::starting_at(now);
        }
        let timeout = file
            .seconds(&self.timeout, "KASH_TIMEOUT")?
            .unwrap_or(30)
            .max(1);
        Ok((
            Settings {
                config,
                shop: choice,
                timeout: Duration::from_secs(timeout),
                now: self.now,
            },
            file,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_no_values_are_read_the_same_way_everywhere() {
        for v in ["1", "true", "TRUE", "yes", "On", " on "] {
            assert_eq!(parse_bool(v), Ok(true), "{v}");
        }
        for v in ["0", "false", "No", "off"] {
            assert_eq!(parse_bool(v), Ok(false), "{v}");
        }
        let err = parse_bool("maybe").unwrap_err();
        assert!(err.contains("true/false, 1/0, yes/no or on/off"), "{err}");
    }

    #[test]
    fn sandbox_ignores_the_credentials_it_finds() {
        let dir = std::env::temp_dir().join(format!("kash-front-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(".env"), "APIKEY=k\nKASH_READ_ONLY=yes\n").unwrap();
        let args = CommonArgs {
            shopid: Some("12".into()),
            sandbox: Some(true),
            ..CommonArgs::default()
        };
        let (s, _) = args.resolve(&dir).unwrap();
        assert_eq!(
            s.shop,
            ShopChoice::Sandbox {
                ignored: vec!["SHOPID".into(), "APIKEY".into()]
            }
        );
        assert!(s.config.demo && s.config.read_only);
    }

    /// `--sandbox` alone, `--sandbox=false` (the bundle's "demo shop" switch) and the file.
    #[test]
    fn the_demo_shop_switch_reads_every_form() {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            common: CommonArgs,
        }
        let dir = std::env::temp_dir().join(format!("kash-front-switch-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let choose = |argv: &[&str]| {
            let cli = Cli::try_parse_from(argv).unwrap();
            cli.common.resolve(&dir).unwrap().0.shop
        };
        let demo = ShopChoice::Sandbox { ignored: vec![] };
        assert_eq!(choose(&["x", "--sandbox"]), demo);
        assert_eq!(choose(&["x", "--sandbox=true"]), demo);
        // Demo switched off and the shop fields left empty: the shop is missing, said so.
        assert_eq!(
            choose(&["x", "--sandbox=false", "--shopid=", "--apikey="]),
            ShopChoice::Missing {
                missing: vec!["SHOPID", "APIKEY"]
            }
        );
        std::fs::write(dir.join(".env"), "KASH_SANDBOX=yes\n").unwrap();
        assert_eq!(choose(&["x"]), demo);
        assert!(Cli::try_parse_from(["x", "--sandbox=maybe"]).is_err());
    }

    /// The analytics cache is sized to the machine unless a size is given, in megabytes.
    #[test]
    fn the_analytics_cache_is_sized_to_the_machine_or_as_told() {
        use crate::config::{ANALYTICS_BYTES_PER_ORDER, analytics_orders_for, available_memory};
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            common: CommonArgs,
        }
        let dir = std::env::temp_dir().join(format!("kash-front-memory-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let orders = |argv: &[&str]| {
            let cli = Cli::try_parse_from(argv).unwrap();
            cli.common
                .resolve(&dir)
                .map(|(s, _)| s.config.analytics_memory_orders)
        };
        let in_64_mb = usize::try_from((64 << 20) / ANALYTICS_BYTES_PER_ORDER).unwrap();
        assert_eq!(
            orders(&["x", "--sandbox", "--analytics-memory", "64"]).unwrap(),
            in_64_mb
        );
        assert_eq!(
            orders(&["x", "--sandbox", "--analytics-memory=0"]).unwrap(),
            0
        );
        let err = orders(&["x", "--sandbox", "--analytics-memory", "lots"]).unwrap_err();
        assert!(err.0.contains("megabytes"), "{}", err.0);
        // By default: an eighth of the memory, at most 256 MB.
        let memory = available_memory().expect("Linux says how much memory there is");
        assert!(memory > 64 << 20, "{memory}");
        assert_eq!(
            orders(&["x", "--sandbox"]).unwrap(),
            analytics_orders_for(Some(memory))
        );
        assert_eq!(
            analytics_orders_for(Some(8 << 30)),
            analytics_orders_for(None)
        );
        assert_eq!(analytics_orders_for(Some(512 << 20)), in_64_mb);
        let in_256_mb = usize::try_from((256 << 20) / ANALYTICS_BYTES_PER_ORDER).unwrap();
        assert_eq!(analytics_orders_for(None), in_256_mb);
    }

    /// A machine without a time zone database (a `FROM scratch` container, a minimal image)
    /// still knows the shop's zone: the database is built into the binary (jiff's
    /// `tzdb-bundle-always`), used when the system has none.
    #[test]
    fn the_time_zone_database_is_built_in() {
        let bundled = jiff::tz::TimeZoneDatabase::bundled();
        for name in [
            "Europe/Paris",
            "America/Martinique",
            "Indian/Reunion",
            "UTC",
        ] {
            assert!(bundled.get(name).is_ok(), "{name}");
        }
    }

    /// A zone read from its file is the zone jiff's database gives; odd names go to jiff.
    #[test]
    fn named_zones_match_the_database() {
        for name in ["Europe/Paris", "America/Martinique", "UTC"] {
            let direct = named_zone(name).unwrap();
            let db = jiff::tz::TimeZone::get(name).unwrap();
            assert_eq!(direct.iana_name(), Some(name));
            let at = jiff::Timestamp::from_second(1_790_000_000).unwrap();
            assert_eq!(direct.to_offset(at), db.to_offset(at), "{name}");
        }
        assert!(named_zone("Europe/Nowhere").is_err());
        assert!(named_zone("../../etc/passwd").is_err());
        assert!(named_zone("").is_err());
    }
}
