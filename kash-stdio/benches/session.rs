//! One user's session replayed against the sandbox through rmcp's client, with every figure of
//! the performance table: 15 cold starts (spawn → `initialize` answer), then one session of
//! 200 product lists, 50 month-long and 50 week-long order lists (each a different window, so
//! none is served from the page cache) and 200 order details. Each MCP call is paired with the
//! same request sent straight to the POS, interleaved, so that our own time shows as a
//! difference in one run. At the end: peak RSS (`VmHWM`) and CPU time (user + system, from
//! `/proc/<pid>/stat`) of the server process, and, when valgrind is installed, the instructions
//! `initialize` + `tools/list` take (callgrind).
//!
//!     cargo bench -p kash-stdio --bench session
//!     KASH_BENCH_BINARY=… KASH_BENCH_BASELINE=… cargo bench -p kash-stdio --bench session
//!
//! `KASH_BENCH_BINARY` replaces the binary measured (default: this build's `kash-stdio`);
//! `KASH_BENCH_BASELINE` adds a second binary, measured in the same run, turn about, with the
//! ratios printed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    missing_docs
)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use jiff::{ToSpan, Zoned};
use kash_sandbox::Sandbox;
use rmcp::ServiceExt;
use rmcp::model::{CallToolRequestParams, ClientConfig};
use rmcp::service::{RoleClient, RunningService};
use serde_json::{Value, json};
use tokio::process::{Child, Command};

mod support;
use kash_e2e::proc::cpu_time;
use support::{NOW, ms, percentile, sandbox, server_command, status_kib};

const COLD_STARTS: usize = 15;
const PRODUCT_LISTS: usize = 200;
const MONTH_LISTS: usize = 50;
const WEEK_LISTS: usize = 50;
const DETAILS: usize = 200;

type Client = RunningService<RoleClient, ClientConfig>;

/// Spawns the server and connects; returns the time from spawn to the `initialize` answer.
async fn connect(binary: &Path, sandbox: &Sandbox) -> (Client, Child, Duration) {
    let t = Instant::now();
    let mut child = Command::from(server_command(binary, &[], sandbox))
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let io = (child.stdout.take().unwrap(), child.stdin.take().unwrap());
    let client = ClientConfig::default().serve(io).await.unwrap();
    (client, child, t.elapsed())
}

async fn call(client: &Client, tool: &str, args: Value) -> (Duration, Value) {
    let params = CallToolRequestParams::new(tool.to_owned())
        .with_arguments(args.as_object().unwrap().clone());
    let t = Instant::now();
    let r = client.call_tool(params).await.unwrap();
    let elapsed = t.elapsed();
    assert_ne!(r.is_error, Some(true), "{tool}: {:?}", r.content);
    (elapsed, r.structured_content.unwrap_or(Value::Null))
}

/// The POS's own time for a request: the same script and parameters, the body read in full.
async fn pos(
    http: &reqwest::Client,
    sandbox: &Sandbox,
    script: &str,
    params: &[(&str, String)],
) -> Duration {
    let c = sandbox.credentials();
    let mut query: Vec<(&str, String)> = vec![
        ("idboutique", c.shop_id.clone()),
        ("key", c.api_key.clone()),
    ];
    query.extend(params.iter().cloned());
    let url = reqwest::Url::parse_with_params(
        &format!("{}/workers/{script}", sandbox.base_url()),
        &query,
    )
    .unwrap();
    let t = Instant::now();
    let body = http.get(url).send().await.unwrap().bytes().await.unwrap();
    assert!(!body.is_empty());
    t.elapsed()
}

/// What one binary's session measured.
#[derive(Default)]
struct Figures {
    starts: Vec<Duration>,
    products: Vec<Duration>,
    products_pos: Vec<Duration>,
    months: Vec<Duration>,
    months_pos: Vec<Duration>,
    weeks: Vec<Duration>,
    weeks_pos: Vec<Duration>,
    details: Vec<Duration>,
    details_pos: Vec<Duration>,
    hwm_kib: u64,
    cpu: Duration,
    instructions: Option<u64>,
}

fn iso(z: &Zoned) -> String {
    z.timestamp().to_string()
}

/// One step of the session for `binary`: `step` picks which, so that two binaries go turn
/// about.
struct Session {
    client: Client,
    child: Child,
    order_ids: Vec<u64>,
}

async fn open_session(binary: &Path, sandbox: &Sandbox) -> Session {
    let (client, child, _) = connect(binary, sandbox).await;
    // Order ids for the details: a month of orders, as listed.
    let (_, out) = call(
        &client,
        "data_list_orders",
        json!({"period": "last_month", "limit": 200, "fields": ["id"]}),
    )
    .await;
    let order_ids = out["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["id"].as_u64())
        .collect();
    Session {
        client,
        child,
        order_ids,
    }
}

async fn step(
    s: &Session,
    f: &mut Figures,
    http: &reqwest::Client,
    sandbox: &Sandbox,
    kind: usize,
    i: usize,
) {
    let end: Zoned = NOW
        .parse::<jiff::Timestamp>()
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::get("Europe/Paris").unwrap());
    match kind {
        0 => {
            let (d, _) = call(&s.client, "data_list_products", json!({})).await;
            f.products.push(d);
            f.products_pos
                .push(pos(http, sandbox, "getPlus.php", &[]).await);
        }
        1 | 2 => {
            // A different window each time: none comes from the page cache.
            let days = if kind == 1 { 30 } else { 7 };
            let to = end.checked_sub((i as i64 + 1).days()).unwrap();
            let from = to.checked_sub(days.days()).unwrap();
            let (d, out) = call(
                &s.client,
                "data_list_orders",
                json!({"from": iso(&from), "to": iso(&to)}),
            )
            .await;
            assert!(out["count"].as_u64().unwrap() > 0);
            let p = pos(
                http,
                sandbox,
                "getOrders.php",
                &[
                    ("validatedOrders", "true".into()),
                    ("from_date_ISO8601", iso(&from)),
                    ("to_date_ISO8601", iso(&to)),
                ],
            )
            .await;
            if kind == 1 {
                f.months.push(d);
                f.months_pos.push(p);
            } else {
                f.weeks.push(d);
                f.weeks_pos.push(p);
            }
        }
        _ => {
            let id = s.order_ids[i % s.order_ids.len()];
            let (d, _) = call(&s.client, "order_detail", json!({"orderId": id})).await;
            f.details.push(d);
            f.details_pos.push(
                pos(
                    http,
                    sandbox,
                    "getOrder.php",
                    &[("order_id", id.to_string())],
                )
                .await,
            );
        }
    }
}

/// Instructions for `initialize` + `tools/list`, under callgrind (None without valgrind).
fn callgrind(binary: &Path, sandbox: &Sandbox) -> Option<u64> {
    let out_file = std::env::temp_dir().join(format!("kash-callgrind-{}", std::process::id()));
    let tool = format!("--callgrind-out-file={}", out_file.display());
    let binary = binary.to_str()?;
    let mut cmd = server_command(
        Path::new("valgrind"),
        &["--tool=callgrind", &tool, binary],
        sandbox,
    );
    let mut child = cmd.stderr(Stdio::piped()).spawn().ok()?;
    let mut stdin = child.stdin.take()?;
    let mut stdout = BufReader::new(child.stdout.take()?);
    let mut line = String::new();
    writeln!(stdin, r#"{{"jsonrpc":"2.0","id":1,"method":"initialize","params":{{"protocolVersion":"2025-11-25","capabilities":{{}},"clientInfo":{{"name":"bench","version":"1"}}}}}}"#).ok()?;
    stdout.read_line(&mut line).ok()?;
    writeln!(
        stdin,
        r#"{{"jsonrpc":"2.0","method":"notifications/initialized"}}"#
    )
    .ok()?;
    writeln!(stdin, r#"{{"jsonrpc":"2.0","id":2,"method":"tools/list"}}"#).ok()?;
    line.clear();
    stdout.read_line(&mut line).ok()?;
    assert!(line.contains("sale_create"), "{line}");
    drop(stdin);
    let out = child.wait_with_output().ok()?;
    let _ = std::fs::remove_file(&out_file);
    let stderr = String::from_utf8_lossy(&out.stderr);
    stderr
        .lines()
        .find_map(|l| l.split("Collected :").nth(1))
        .and_then(|n| n.trim().parse().ok())
}

#[tokio::main]
async fn main() {
    let current: PathBuf = std::env::var_os("KASH_BENCH_BINARY").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_kash-stdio")),
        PathBuf::from,
    );
    let mut binaries = vec![("current", current)];
    if let Some(b) = std::env::var_os("KASH_BENCH_BASELINE") {
        binaries.insert(0, ("baseline", PathBuf::from(b)));
    }
    let sandbox = sandbox().await;
    let http = reqwest::Client::new();
    let mut figures: Vec<Figures> = binaries.iter().map(|_| Figures::default()).collect();

    for _ in 0..COLD_STARTS {
        for (b, f) in binaries.iter().zip(figures.iter_mut()) {
            let (client, mut child, d) = connect(&b.1, &sandbox).await;
            f.starts.push(d);
            drop(client);
            let _ = child.wait().await;
        }
    }

    let mut sessions = Vec::new();
    for b in &binaries {
        sessions.push(open_session(&b.1, &sandbox).await);
    }
    let plan: Vec<(usize, usize)> = (0..PRODUCT_LISTS)
        .map(|i| (0, i))
        .chain((0..MONTH_LISTS).map(|i| (1, i)))
        .chain((0..WEEK_LISTS).map(|i| (2, i)))
        .chain((0..DETAILS).map(|i| (3, i)))
        .collect();
    for &(kind, i) in &plan {
        for (s, f) in sessions.iter().zip(figures.iter_mut()) {
            step(s, f, &http, &sandbox, kind, i).await;
        }
    }
    for (s, f) in sessions.iter().zip(figures.iter_mut()) {
        let pid = s.child.id().unwrap();
        f.hwm_kib = status_kib(pid, "VmHWM:");
        f.cpu = cpu_time(pid);
    }
    drop(sessions);
    for (b, f) in binaries.iter().zip(figures.iter_mut()) {
        f.instructions = callgrind(&b.1, &sandbox);
    }

    println!("kash-stdio session bench (sandbox --now {NOW}, one run, calls interleaved)");
    for (name, path) in &binaries {
        println!("  {name}: {}", path.display());
    }
    let header: Vec<&str> = binaries.iter().map(|b| b.0).collect();
    println!(
        "| figure | {} |{}",
        header.join(" | "),
        if binaries.len() == 2 {
            " current/baseline |"
        } else {
            ""
        }
    );
    let row = |name: &str, vals: Vec<f64>, unit: &str| {
        let cells: Vec<String> = vals.iter().map(|v| format!("{v:.2} {unit}")).collect();
        let ratio = if vals.len() == 2 && vals[0] > 0.0 {
            format!(" {:.2} |", vals[1] / vals[0])
        } else {
            String::new()
        };
        println!("| {name} | {} |{ratio}", cells.join(" | "));
    };
    let each = |g: &dyn Fn(&Figures) -> f64| figures.iter().map(g).collect::<Vec<f64>>();
    row(
        "spawn → initialize, p50",
        each(&|f| ms(percentile(&f.starts, 0.5))),
        "ms",
    );
    row(
        "spawn → initialize, p99",
        each(&|f| ms(percentile(&f.starts, 0.99))),
        "ms",
    );
    if figures.iter().all(|f| f.instructions.is_some()) {
        row(
            "initialize + tools/list, instructions (callgrind)",
            each(&|f| f.instructions.unwrap_or(0) as f64 / 1e6),
            "M",
        );
    }
    for (name, ours, theirs) in [
        ("data_list_products", 0, 1),
        ("data_list_orders, a month", 2, 3),
        ("data_list_orders, a week", 4, 5),
        ("order_detail", 6, 7),
    ] {
        let series = |f: &Figures, k: usize| -> Vec<Duration> {
            match k {
                0 => f.products.clone(),
                1 => f.products_pos.clone(),
                2 => f.months.clone(),
                3 => f.months_pos.clone(),
                4 => f.weeks.clone(),
                5 => f.weeks_pos.clone(),
                6 => f.details.clone(),
                _ => f.details_pos.clone(),
            }
        };
        row(
            &format!("{name}, p50"),
            each(&|f| ms(percentile(&series(f, ours), 0.5))),
            "ms",
        );
        row(
            &format!("{name}, p99"),
            each(&|f| ms(percentile(&series(f, ours), 0.99))),
            "ms",
        );
        row(
            &format!("{name}, the POS alone, p50"),
            each(&|f| ms(percentile(&series(f, theirs), 0.5))),
            "ms",
        );
        row(
            &format!("{name}, our own time (p50 − POS p50)"),
            each(&|f| {
                ms(percentile(&series(f, ours), 0.5)) - ms(percentile(&series(f, theirs), 0.5))
            }),
            "ms",
        );
    }
    row(
        "peak RSS (VmHWM) after the session",
        each(&|f| f.hwm_kib as f64 / 1024.0),
        "MB",
    );
    row(
        "CPU time (user + system) of the session",
        each(&|f| f.cpu.as_secs_f64()),
        "s",
    );
    sandbox.shutdown().await;
}
