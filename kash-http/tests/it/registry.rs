//! The MCP registry entry: `server.json` at the repository root, and the release's copy
//! (`dist/server.json`, with the bundle and its checksum) when a release was packed, held to
//! the registry's rules (the 2025-12-11 schema, the official registry's requirements) and to
//! what the servers are: the server card's name and description, the Cargo version, the npm
//! package and the environment kash-stdio reads.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use serde_json::Value;
use sha2::{Digest, Sha256};

const SCHEMA: &str = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A version the registry takes: one exact version, not a range nor `latest`.
fn exact_version(v: &str) -> bool {
    !v.is_empty()
        && v != "latest"
        && !v.contains(['^', '~', '>', '<', '*', ' ', '|'])
        && !v.split('.').any(|part| part == "x" || part == "X")
}

/// The environment variables kash-stdio reads (its flags' `env` names).
fn stdio_env() -> BTreeSet<String> {
    stdio_command()
        .get_arguments()
        .filter_map(|a| a.get_env())
        .map(|e| e.to_string_lossy().into_owned())
        .collect()
}

fn stdio_command() -> clap::Command {
    #[derive(clap::Parser)]
    struct Stdio {
        #[command(flatten)]
        common: kash_mcp_core::front::CommonArgs,
    }
    Stdio::command()
}

/// Every rule broken by `doc`, with where; `dist` is the folder of the packed release, whose
/// files a package may name.
fn problems(doc: &Value, dist: Option<&Path>) -> Vec<String> {
    let mut out = Vec::new();
    let mut need = |ok: bool, what: String| {
        if !ok {
            out.push(what);
        }
    };
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    need(doc["$schema"] == SCHEMA, format!("$schema is not {SCHEMA}"));

    let name = s(&doc["name"]);
    let (namespace, short) = name.split_once('/').unwrap_or_default();
    need(
        (3..=200).contains(&name.len())
            && name.matches('/').count() == 1
            && !namespace.is_empty()
            && namespace
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            && !short.is_empty()
            && short
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
        format!("name `{name}` is not reverse-DNS/one-slash"),
    );
    // A domain namespace is proven on that domain: the website is the reversed namespace.
    let website = url::Url::parse(&s(&doc["websiteUrl"])).ok();
    let domain: Vec<&str> = namespace.split('.').rev().collect();
    need(
        website.as_ref().and_then(|u| u.host_str()) == Some(domain.join(".").as_str()),
        format!(
            "websiteUrl is not on the namespace's domain {}",
            domain.join(".")
        ),
    );
    let description = s(&doc["description"]);
    need(
        (1..=100).contains(&description.chars().count()),
        format!(
            "description has {} characters (1 to 100)",
            description.chars().count()
        ),
    );
    let version = s(&doc["version"]);
    need(
        version == env!("CARGO_PKG_VERSION"),
        format!(
            "version {version} is not Cargo's {}",
            env!("CARGO_PKG_VERSION")
        ),
    );
    need(
        doc["repository"]["source"] == "github"
            && s(&doc["repository"]["url"]).starts_with("https://github.com/"),
        "repository is not {url: https://github.com/…, source: github}".into(),
    );

    let packages = doc["packages"].as_array().cloned().unwrap_or_default();
    need(!packages.is_empty(), "no package".into());
    let allowed_keys = [
        "registryType",
        "registryBaseUrl",
        "identifier",
        "version",
        "fileSha256",
        "runtimeHint",
        "transport",
        "runtimeArguments",
        "packageArguments",
        "environmentVariables",
    ];
    let env_read = stdio_env();
    for (i, p) in packages.iter().enumerate() {
        let at = format!("packages[{i}]");
        let kind = s(&p["registryType"]);
        for key in p
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or(Vec::<String>::new())
        {
            need(
                allowed_keys.contains(&key.as_str()),
                format!("{at}: unknown field {key}"),
            );
        }
        need(
            p["transport"]["type"] == "stdio",
            format!("{at}: transport is not stdio"),
        );
        let identifier = s(&p["identifier"]);
        match kind.as_str() {
            "npm" => {
                need(
                    p["registryBaseUrl"].is_null()
                        || p["registryBaseUrl"] == "https://registry.npmjs.org",
                    format!("{at}: npm packages come from https://registry.npmjs.org only"),
                );
                need(
                    exact_version(&s(&p["version"])) && p["version"] == doc["version"],
                    format!("{at}: version is not the server's exact version"),
                );
                // The package that is published: its name, version and `mcpName` (the
                // registry's proof of ownership) match.
                let npm = read_json(&repo().join("packaging/npm/main/package.json"));
                need(
                    npm["name"] == p["identifier"],
                    format!("{at}: not the npm package's name"),
                );
                need(
                    npm["mcpName"] == doc["name"],
                    format!("{at}: npm `mcpName` is not {name}"),
                );
            }
            "mcpb" => {
                need(
                    identifier.starts_with("https://github.com/")
                        && identifier.contains("/releases/download/")
                        && identifier.contains("mcp"),
                    format!("{at}: an MCPB is a GitHub release download whose URL says mcp"),
                );
                let sha = s(&p["fileSha256"]);
                need(
                    sha.len() == 64
                        && sha
                            .chars()
                            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)),
                    format!("{at}: fileSha256 is not 64 lowercase hex digits"),
                );
                let file = identifier.rsplit('/').next().unwrap_or_default();
                match dist.map(|d| d.join(file)) {
                    Some(path) if path.is_file() => {
                        let digest = Sha256::digest(std::fs::read(&path).unwrap());
                        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
                        need(
                            hex == sha,
                            format!("{at}: fileSha256 is not {}'s", path.display()),
                        );
                    }
                    _ => need(
                        false,
                        format!("{at}: the bundle {file} is not in the release"),
                    ),
                }
            }
            other => need(
                false,
                format!("{at}: registryType {other} is not one we publish"),
            ),
        }
        for (j, var) in p["environmentVariables"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let at = format!("{at}.environmentVariables[{j}]");
            let var_name = s(&var["name"]);
            need(
                env_read.contains(&var_name),
                format!("{at}: kash-stdio does not read {var_name}"),
            );
            need(
                var["format"].is_null()
                    || ["string", "number", "boolean", "filepath"]
                        .contains(&var["format"].as_str().unwrap_or("?")),
                format!("{at}: format is not string/number/boolean/filepath"),
            );
            if let (Some(choices), Some(default)) =
                (var["choices"].as_array(), var["default"].as_str())
            {
                need(
                    choices.iter().any(|c| c == default),
                    format!("{at}: the default is not one of the choices"),
                );
            }
            if var_name == "APIKEY" {
                need(
                    var["isSecret"] == true,
                    format!("{at}: the API key is not marked secret"),
                );
            }
        }
    }

    let remotes = doc["remotes"].as_array().cloned().unwrap_or_default();
    need(!remotes.is_empty(), "no remote entry".into());
    for (i, r) in remotes.iter().enumerate() {
        let url = url::Url::parse(&s(&r["url"])).ok();
        need(
            r["type"] == "streamable-http"
                && url
                    .as_ref()
                    .is_some_and(|u| u.scheme() == "https" && u.path() == "/mcp"),
            format!("remotes[{i}]: not a streamable-http https://…/mcp endpoint"),
        );
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_json_follows_the_registry_rules_and_matches_the_server() {
    let doc = read_json(&repo().join("server.json"));
    let broken = problems(&doc, None);
    assert!(broken.is_empty(), "server.json: {broken:#?}");

    // The server card kash-http publishes tells the same story (asked of the router itself:
    // the public address is not this machine).
    let public = doc["remotes"][0]["url"]
        .as_str()
        .unwrap()
        .trim_end_matches("/mcp");
    let (_started, app) = crate::support::demo_app(public).await;
    let (_, _, body) = crate::support::get(&app, "/mcp/server-card").await;
    let got: Value = serde_json::from_str(&body).unwrap();
    for field in ["name", "description", "version"] {
        assert_eq!(
            got[field], doc[field],
            "server card vs server.json: {field}"
        );
    }
    assert_eq!(got["remotes"][0]["url"], doc["remotes"][0]["url"]);
}

/// The rules catch what the registry refuses (so that the test above can fail).
#[test]
fn the_rules_refuse_what_the_registry_refuses() {
    let good = read_json(&repo().join("server.json"));
    let broken = |edit: &dyn Fn(&mut Value)| {
        let mut doc = good.clone();
        edit(&mut doc);
        problems(&doc, None)
    };
    assert!(!broken(&|d| d["name"] = "click.kash/pos/x".into()).is_empty());
    assert!(!broken(&|d| d["name"] = "pos".into()).is_empty());
    assert!(!broken(&|d| d["description"] = "x".repeat(101).into()).is_empty());
    assert!(!broken(&|d| d["packages"][0]["version"] = "latest".into()).is_empty());
    assert!(!broken(&|d| d["packages"][0]["version"] = "^0.1.0".into()).is_empty());
    assert!(
        !broken(&|d| d["packages"][0]["registryBaseUrl"] = "https://npm.example.com".into())
            .is_empty()
    );
    assert!(
        !broken(&|d| d["packages"][0]["environmentVariables"][0]["name"] = "SHOP".into())
            .is_empty()
    );
    assert!(!broken(&|d| d["remotes"][0]["url"] = "http://mcp.kash.click/mcp".into()).is_empty());
    assert!(!broken(&|d| d["packages"][0]["extra"] = true.into()).is_empty());
    assert!(exact_version("1.2.3-beta.1") && !exact_version("1.x") && !exact_version(">=1"));
}

/// The release's entry (written by scripts/pack-release.sh) adds the bundle with its checksum;
/// CI packs a release first and sets KASH_REQUIRE_RELEASE=1 so that a missing one fails.
#[test]
fn the_release_server_json_names_the_packed_bundle() {
    let dist = repo().join("dist");
    let path = dist.join("server.json");
    if !path.is_file() {
        assert!(
            std::env::var_os("KASH_REQUIRE_RELEASE").is_none(),
            "KASH_REQUIRE_RELEASE is set and there is no dist/server.json"
        );
        eprintln!("skipped: no packed release (scripts/pack-release.sh writes dist/server.json)");
        return;
    }
    let doc = read_json(&path);
    let broken = problems(&doc, Some(&dist));
    assert!(broken.is_empty(), "dist/server.json: {broken:#?}");
    let kinds: BTreeSet<&str> = doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["registryType"].as_str())
        .collect();
    assert_eq!(kinds, BTreeSet::from(["mcpb", "npm"]));
}
