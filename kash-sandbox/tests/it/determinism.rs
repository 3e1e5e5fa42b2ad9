//! The same seed and "now" give the same shop and history.

use kash_sandbox::SandboxConfig;

use crate::support::{now, start_with};

#[tokio::test]
async fn same_seed_same_data_other_seed_other_data() {
    let config = |seed| SandboxConfig {
        seed,
        now: Some(now()),
        ..SandboxConfig::default()
    };
    let a = start_with(config(42)).await;
    let b = start_with(config(42)).await;
    let c = start_with(config(43)).await;
    let hash = |s: &kash_sandbox::Sandbox| s.data_hash(&s.credentials().shop_id).unwrap();
    assert_eq!(hash(&a), hash(&b));
    assert_eq!(a.credentials(), b.credentials());
    assert_ne!(hash(&a), hash(&c));
    assert_ne!(a.credentials().api_key, c.credentials().api_key);
    // Over HTTP too.
    let url = format!(
        "{}/_sandbox/shops/{}/hash",
        a.base_url(),
        a.credentials().shop_id
    );
    let v: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    assert_eq!(v["hash"], format!("{:016x}", hash(&a)));
}

#[test]
fn the_library_builder_is_deterministic() {
    let a = kash_sandbox::build_demo_shop(7, now(), 60);
    let b = kash_sandbox::build_demo_shop(7, now(), 60);
    assert_eq!(a, b);
    assert!(a.orders.len() > 60 * 90);
}
