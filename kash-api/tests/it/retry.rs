//! Reads retry on connection failures, timeouts, 429 and 5xx; writes never do.

use std::time::Duration;

use kash_api::ids::ProductId;
use kash_api::products::ProductFields;
use kash_api::{Decimal, KashError, RetryPolicy};
use wiremock::{MockServer, ResponseTemplate};

use crate::fixture;
use crate::support::{MountOnce, on, slow, spawn_with};

fn fast(retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries: retries,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
    }
}

/// Mounts `answers` on `GET script`, served in turn, each expected exactly `times` times: all
/// but the last are used up after `times` calls, the last answers any later call.
async fn in_turn(server: &MockServer, script: &str, answers: Vec<(&str, ResponseTemplate, u64)>) {
    let last = answers.len();
    for (rank, (name, response, times)) in (1..).zip(answers) {
        let mut mock = on("GET", script).respond_with(response);
        if rank < last {
            mock = mock.up_to_n_times(times);
        }
        mock.named(format!("{script} {name}"))
            .expect(times)
            .with_priority(u8::try_from(rank).unwrap())
            .mount(server)
            .await;
    }
}

#[tokio::test]
async fn a_read_is_retried_after_5xx_then_succeeds() {
    let (server, client) = spawn_with(fast(2)).await;
    let bad_gateway = ResponseTemplate::new(502).set_body_string("Bad gateway");
    let ok = ResponseTemplate::new(200).set_body_string(fixture!("products.json"));
    let answers = vec![("502 twice", bad_gateway, 2), ("ok", ok, 1)];
    in_turn(&server, "getPlus.php", answers).await;
    assert_eq!(client.list_products().await.unwrap().len(), 4);
}

#[tokio::test]
async fn retries_are_bounded() {
    let (server, client) = spawn_with(fast(2)).await;
    let unavailable = ResponseTemplate::new(503);
    in_turn(
        &server,
        "getTables.php",
        vec![("always 503", unavailable, 3)],
    )
    .await;
    let err = client.list_tables().await.unwrap_err();
    assert!(matches!(err, KashError::Api { status: 503, .. }), "{err:?}");
}

#[tokio::test]
async fn a_429_is_retried_and_a_timeout_too() {
    let (server, client) = spawn_with(fast(2)).await;
    let too_many = ResponseTemplate::new(429).insert_header("retry-after", "0");
    let ok = ResponseTemplate::new(200).set_body_string(fixture!("users.json"));
    let answers = vec![("429", too_many, 1), ("slow", slow("[]"), 1), ("ok", ok, 1)];
    in_turn(&server, "getUsers.php", answers).await;
    assert_eq!(client.list_users().await.unwrap().len(), 3);
}

#[tokio::test]
async fn an_error_envelope_is_not_retried() {
    let (server, client) = spawn_with(fast(2)).await;
    on("GET", "getClients.php")
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture!("error_envelope.json")))
        .once(&server, "getClients.php envelope")
        .await;
    assert!(client.list_customers().await.is_err());
}

#[tokio::test]
async fn a_write_is_never_retried() {
    let (server, client) = spawn_with(fast(5)).await;
    on("POST", "editPlu.php")
        .respond_with(ResponseTemplate::new(503))
        .once(&server, "editPlu.php 503")
        .await;
    let err = client
        .update_product(ProductId(2), ProductFields::new().stock(Decimal::from(40)))
        .await
        .unwrap_err();
    assert!(err.may_have_been_applied());
}
