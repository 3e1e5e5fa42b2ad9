//! Several shops in one sandbox: each request reaches its own shop.

use kash_api::ids::ProductId;
use kash_api::products::ProductFields;
use kash_api::sales::{NewSale, PaymentState, SaleLine};
use kash_api::{Decimal, KashError};

use crate::support::{client, client_for, fetch_json, start};

#[tokio::test]
async fn each_shop_sees_only_its_own_writes() {
    let sandbox = start().await;
    let second = sandbox.add_shop(7).await.unwrap();
    assert_ne!(second.shop_id, sandbox.credentials().shop_id);
    assert_ne!(second.api_key, sandbox.credentials().api_key);
    let a = client(&sandbox);
    let b = client_for(sandbox.base_url(), &second);

    b.update_product(ProductId(2), ProductFields::new().stock(Decimal::from(999)))
        .await
        .unwrap();
    let stock = |c: kash_api::KashClient| async move {
        c.list_products()
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.id == ProductId(2))
            .unwrap()
            .stock
    };
    assert_eq!(stock(b.clone()).await, Some(Decimal::from(999)));
    assert_eq!(
        stock(a.clone()).await,
        None,
        "Café allongé's stock is not tracked in shop A"
    );

    let sale = NewSale::new(PaymentState::Unpaid).line(SaleLine::catalog(ProductId(1), 1));
    let id = b.create_sale(&sale).await.unwrap().order_id.unwrap();
    assert!(b.get_order(id).await.is_ok());
    assert!(matches!(a.get_order(id).await, Err(KashError::Api { .. })));

    // The log tells which shop each request named.
    let shops: Vec<String> = sandbox
        .requests()
        .iter()
        .filter_map(|r| r.shop_id.clone())
        .collect();
    assert!(shops.contains(&second.shop_id) && shops.contains(&sandbox.credentials().shop_id));

    // One shop's id with the other's key is refused.
    let mut mixed = second.clone();
    mixed.api_key = sandbox.credentials().api_key.clone();
    assert!(
        client_for(sandbox.base_url(), &mixed)
            .list_users()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn shops_can_be_added_over_http() {
    let sandbox = start().await;
    let request = reqwest::Client::new()
        .post(format!("{}/_sandbox/shops", sandbox.base_url()))
        .json(&serde_json::json!({"seed": 9}));
    let v: serde_json::Value = fetch_json(request).await;
    let creds: kash_sandbox::ShopCredentials = kash_sandbox::ShopCredentials {
        shop_id: v["shop_id"].as_str().unwrap().into(),
        api_key: v["api_key"].as_str().unwrap().into(),
        login: v["login"].as_str().unwrap().into(),
        password: v["password"].as_str().unwrap().into(),
    };
    assert_eq!(
        client_for(sandbox.base_url(), &creds)
            .list_cashboxes()
            .await
            .unwrap()
            .len(),
        3
    );
}
