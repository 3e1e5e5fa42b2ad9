//! What the server is configured to do. Binaries fill it from flags and the environment; the
//! library only takes values.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use jiff::tz::TimeZone;

use crate::i18n::Lang;

/// A group of tools that can be switched on or off (`--toolsets`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Toolset {
    /// The catalogue and shop lists (`data_list_*` but orders).
    Lists,
    /// Orders: `data_list_orders`, `order_detail`, `data_list_pending_orders`.
    Orders,
    /// Recording sales: `sale_create`.
    Sales,
    /// Products, departments and customers: create, update, delete.
    Catalog,
    /// Figures computed by the server: `sales_summary`, `report_sales`.
    Analytics,
}

impl Toolset {
    /// Every toolset.
    pub const ALL: [Self; 5] = [
        Self::Lists,
        Self::Orders,
        Self::Sales,
        Self::Catalog,
        Self::Analytics,
    ];

    /// The flag value.
    pub fn name(self) -> &'static str {
        match self {
            Self::Lists => "lists",
            Self::Orders => "orders",
            Self::Sales => "sales",
            Self::Catalog => "catalog",
            Self::Analytics => "analytics",
        }
    }
}

impl FromStr for Toolset {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        by_name(&Self::ALL, Self::name, &t)
            .map_err(|names| format!("unknown toolset `{s}`: use {names}"))
    }
}

/// The one of `all` whose `name` is `wanted`; otherwise the names, for the error.
pub(crate) fn by_name<T: Copy>(
    all: &[T],
    name: fn(T) -> &'static str,
    wanted: &str,
) -> Result<T, String> {
    all.iter()
        .copied()
        .find(|x| name(*x) == wanted)
        .ok_or_else(|| all.iter().map(|x| name(*x)).collect::<Vec<_>>().join(", "))
}

impl fmt::Display for Toolset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Parses `lists,orders` into toolsets.
///
/// # Errors
/// The first unknown name.
pub fn parse_toolsets(s: &str) -> Result<BTreeSet<Toolset>, String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(Toolset::from_str)
        .collect()
}

/// The server's configuration. Its keys never print.
#[derive(Debug, Clone)]
pub struct Config {
    /// Language of descriptions, messages and summaries, for callers without one of their own.
    pub lang: Lang,
    /// The time zone of requests without a shop (each [`crate::Shop`] carries its own).
    pub time_zone: TimeZone,
    /// Offer no tool that writes, to any caller.
    pub read_only: bool,
    /// The tool groups offered at most (a caller's rights narrow them further).
    pub toolsets: BTreeSet<Toolset>,
    /// Ask the user to confirm every sale (elicitation).
    pub confirm_sales: bool,
    /// How long catalogue lists are cached.
    pub catalog_ttl: Duration,
    /// How long a sale preview can be confirmed.
    pub preview_ttl: Duration,
    /// How long idempotency keys and receipts are remembered.
    pub idempotency_ttl: Duration,
    /// The longest CSV or HTML list returned at once, in characters.
    pub max_text_chars: usize,
    /// Key sealing MRTR request states (random per process unless set, e.g. shared by the
    /// replicas of the HTTP server).
    pub request_state_key: Key,
    /// Key of the credential fingerprints in tenant keys ([`crate::Shop::new`]): random per
    /// process unless set (replicas sharing a cache share it).
    pub tenant_secret: Key,
    /// The clock "today" and "this week" are computed from.
    pub clock: Clock,
    /// How long a completed day of orders stays cached for analytics (days older than a week).
    pub day_ttl: Duration,
    /// The same for the last seven days, where late payments and corrections still land.
    pub recent_day_ttl: Duration,
    /// Most orders kept decoded in memory for analytics (about [`ANALYTICS_BYTES_PER_ORDER`]
    /// each); the store keeps the encoded days too. See [`analytics_orders_for`].
    pub analytics_memory_orders: usize,
    /// How long after a sale was sent without an answer the POS is taken to be done with it:
    /// a doubtful sale not found among its orders after that is recorded (once).
    pub sale_settle: Duration,
    /// The shop is the built-in demo shop (simulated data): said in the instructions and by
    /// `ping`, so that nobody mistakes it for a real shop.
    pub demo: bool,
    /// Told of every tool call (metrics), when set.
    pub meter: Option<std::sync::Arc<dyn ToolMeter>>,
}

/// Told of every tool call: the tool, how it ended (`ok`, `tool_error` for an answer marked
/// as an error, or the kind of failure), and how long it took. Never the arguments.
pub trait ToolMeter: Send + Sync + std::fmt::Debug {
    /// One call of `tool` ended.
    fn tool_call(&self, tool: &str, outcome: &str, elapsed: Duration);
}

impl Config {
    /// The server's own limits: what even a caller with every right gets at most.
    pub fn ceiling(&self) -> crate::Rights {
        crate::Rights {
            read_only: self.read_only,
            toolsets: self.toolsets.clone(),
        }
    }
}

/// The server's clock: the system's, or one that started at a given moment (reproducible
/// demos and tests against a sandbox whose history ends at that moment).
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    start: Option<(jiff::Timestamp, std::time::Instant)>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self { start: None }
    }

    /// A clock reading `at` now and moving forward in real time.
    pub fn starting_at(at: jiff::Timestamp) -> Self {
        Self {
            start: Some((at, std::time::Instant::now())),
        }
    }

    /// The current time.
    pub fn now(&self) -> jiff::Timestamp {
        match self.start {
            None => jiff::Timestamp::now(),
            Some((at, since)) => {
                let elapsed = jiff::SignedDuration::try_from(since.elapsed()).unwrap_or_default();
                at.checked_add(elapsed).unwrap_or(at)
            }
        }
    }
}

/// What one order costs in the analytics day cache, as measured: a second year of the demo
/// shop (61,817 orders) cached added about 51 MB (`cargo bench -p kash-stdio --bench summary`).
pub const ANALYTICS_BYTES_PER_ORDER: u64 = 850;

/// The analytics cache's default size, in orders: an eighth of `memory` (what the process may
/// use, [`available_memory`]) and at most 256 MB, that is about 315,000 orders (five years of
/// the demo shop); 256 MB when the memory is not known.
pub fn analytics_orders_for(memory: Option<u64>) -> usize {
    const CEILING: u64 = 256 << 20;
    let budget = memory.map_or(CEILING, |m| (m / 8).min(CEILING));
    usize::try_from(budget / ANALYTICS_BYTES_PER_ORDER).unwrap_or(usize::MAX)
}

/// The memory this process may use: its control group's limit when one is set (containers),
/// else the machine's. `None` where it cannot be read (not Linux).
pub fn available_memory() -> Option<u64> {
    let read = |path: &str| std::fs::read_to_string(path).ok();
    let machine = read("/proc/meminfo").and_then(|text| {
        let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        kib.checked_mul(1024)
    });
    // cgroup v2 says `max` when unlimited; v1 gives a huge number, which `min` discards.
    let group = [
        "/sys/fs/cgroup/memory.max",
        "/sys/fs/cgroup/memory/memory.limit_in_bytes",
    ]
    .into_iter()
    .find_map(|p| read(p)?.trim().parse::<u64>().ok());
    match (machine, group) {
        (Some(m), Some(g)) => Some(m.min(g)),
        (m, g) => m.or(g),
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            lang: Lang::En,
            time_zone: named_zone("Europe/Paris").unwrap_or(TimeZone::UTC),
            read_only: false,
            toolsets: Toolset::ALL.into_iter().collect(),
            confirm_sales: false,
            catalog_ttl: Duration::from_secs(60),
            preview_ttl: Duration::from_secs(30 * 60),
            idempotency_ttl: Duration::from_secs(24 * 3600),
            max_text_chars: 14_000,
            request_state_key: Key::random(),
            tenant_secret: Key::random(),
            clock: Clock::system(),
            day_ttl: Duration::from_secs(7 * 24 * 3600),
            recent_day_ttl: Duration::from_secs(15 * 60),
            analytics_memory_orders: analytics_orders_for(None),
            sale_settle: Duration::from_secs(90),
            demo: false,
            meter: None,
        }
    }
}

/// Key bytes: they never print (`Debug` shows `Key(..)`).
#[derive(Clone, PartialEq, Eq)]
pub struct Key(Vec<u8>);

impl Key {
    /// These bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// 32 random bytes (from two v4 UUIDs, whose randomness comes from the OS).
    pub fn random() -> Self {
        let mut k = uuid::Uuid::new_v4().as_bytes().to_vec();
        k.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
        Self(k)
    }
}

impl std::ops::Deref for Key {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(..)")
    }
}

/// The IANA zone `name`: its file in the system's zoneinfo read directly (looking it up
/// through jiff's database first lists every zone on the machine, a tenth of a start-up), else
/// jiff's database (the copy built into the binary where the system has none).
///
/// # Errors
/// An unknown name.
pub fn named_zone(name: &str) -> Result<jiff::tz::TimeZone, jiff::Error> {
    let plain = !name.is_empty()
        && !name.starts_with('/')
        && !name
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/_-+".contains(c));
    if plain {
        let dirs = std::env::var_os("TZDIR")
            .map(std::path::PathBuf::from)
            .into_iter()
            .chain(["/usr/share/zoneinfo", "/usr/lib/zoneinfo", "/etc/zoneinfo"].map(Into::into));
        for dir in dirs {
            if let Ok(bytes) = std::fs::read(dir.join(name))
                && let Ok(tz) = jiff::tz::TimeZone::tzif(name, &bytes)
            {
                return Ok(tz);
            }
        }
    }
    jiff::tz::TimeZone::get(name)
}
