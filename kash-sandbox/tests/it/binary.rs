//! The `kash-sandbox` binary prints one JSON line when ready and serves the shop.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use kash_sandbox::ShopCredentials;

use crate::support::client_for;

#[tokio::test]
async fn the_binary_prints_its_address_and_credentials() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kash-sandbox"))
        .args(["--seed", "5", "--now", crate::support::NOW, "--days", "30"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    let base_url = v["base_url"].as_str().unwrap().to_owned();
    assert!(base_url.starts_with("http://127.0.0.1:"));
    let creds = ShopCredentials {
        shop_id: v["shop_id"].as_str().unwrap().into(),
        api_key: v["api_key"].as_str().unwrap().into(),
        login: v["login"].as_str().unwrap().into(),
        password: v["password"].as_str().unwrap().into(),
    };
    assert_eq!(creds.shop_id, "1005");
    let tables = client_for(&base_url, &creds).list_tables().await.unwrap();
    assert!(tables.len() >= 20);
    child.kill().unwrap();
    child.wait().unwrap();
}
