use std::time::Duration;

use jiff::Timestamp;
use kash_api::{KashClient, KashClientBuilder, RetryPolicy};
use kash_sandbox::{Sandbox, SandboxConfig, ShopCredentials};
use serde::de::DeserializeOwned;

/// A fixed "now": Tuesday 24 November 2026, 17:30 in Paris.
pub const NOW: &str = "2026-11-24T16:30:00Z";

pub fn now() -> Timestamp {
    NOW.parse().unwrap()
}

pub async fn start() -> Sandbox {
    start_with(SandboxConfig {
        now: Some(now()),
        ..SandboxConfig::default()
    })
    .await
}

pub async fn start_with(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config).await.unwrap()
}

pub fn client(sandbox: &Sandbox) -> KashClient {
    client_for(sandbox.base_url(), sandbox.credentials())
}

pub fn client_for(base_url: &str, c: &ShopCredentials) -> KashClient {
    KashClient::builder(&c.shop_id, &c.api_key)
        .base_url(base_url)
        .timeout(Duration::from_secs(5))
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

/// A client of the sandbox's shop with kash-api's own defaults, for a test to adjust.
pub fn builder(sandbox: &Sandbox) -> KashClientBuilder {
    let c = sandbox.credentials();
    KashClient::builder(&c.shop_id, &c.api_key).base_url(sandbox.base_url())
}

/// A raw HTTP client for what kash-api would never send.
pub fn raw() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

pub async fn post_form(
    sandbox: &Sandbox,
    script: &str,
    pairs: &[(&str, &str)],
) -> serde_json::Value {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    let request = raw()
        .post(format!("{}/workers/{script}", sandbox.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    let text = request.send().await.unwrap().text().await.unwrap();
    serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
}

/// Sends `request` and decodes its JSON answer.
pub async fn fetch_json<T: DeserializeOwned>(request: reqwest::RequestBuilder) -> T {
    request.send().await.unwrap().json().await.unwrap()
}

/// A GET to a script with the shop's credentials and `params` in the query string.
pub async fn get_script(
    sandbox: &Sandbox,
    script: &str,
    params: &[(&str, &str)],
) -> reqwest::Response {
    let creds = sandbox.credentials();
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("idboutique", &creds.shop_id)
        .append_pair("key", &creds.api_key)
        .extend_pairs(params)
        .finish();
    raw()
        .get(format!("{}/workers/{script}?{query}", sandbox.base_url()))
        .send()
        .await
        .unwrap()
}
