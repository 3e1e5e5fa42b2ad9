//! `getAuthToken.php`.

use kash_api::{KashClient, KashError, SecretString};
use wiremock::{MockServer, ResponseTemplate};

use crate::fixture;
use crate::support::{
    Auth, MountOnce, assert_api, form_body, mount_post, nothing_may_be_sent, on, slow,
};

const PASSWORD: &str = "Tr0ub4dor&3-pass";

/// Logs in as the manager with [`PASSWORD`].
async fn login(server: &MockServer) -> kash_api::Result<kash_api::Credentials> {
    KashClient::login(
        &server.uri(),
        "gerant@cafe.fr",
        &SecretString::from(PASSWORD),
    )
    .await
}

/// The error of a login answered with `body`.
async fn refused_login(body: &str) -> KashError {
    let server = MockServer::start().await;
    mount_login(&server, body).await;
    login(&server).await.unwrap_err()
}

async fn mount_login(server: &MockServer, body: &str) {
    let form = form_body(
        Auth::None,
        &[("login", "gerant@cafe.fr"), ("password", PASSWORD)],
    );
    mount_post(server, "getAuthToken.php", form, body).await;
}

#[tokio::test]
async fn a_good_login_returns_credentials_that_work() {
    let server = MockServer::start().await;
    mount_login(&server, fixture!("login_ok.json")).await;
    let creds = login(&server).await.unwrap();
    assert_eq!(creds.shop_id.as_str(), "4242");
    let shown = format!("{creds:?}");
    assert!(!shown.contains("k3y-from-login-0001"), "{shown}");
    assert!(shown.contains("4242"));

    // The credentials build a client that sends them.
    on("GET", "getUsers.php")
        .and(wiremock::matchers::query_param("idboutique", "4242"))
        .and(wiremock::matchers::query_param(
            "key",
            "k3y-from-login-0001",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .once(&server, "getUsers.php with login credentials")
        .await;
    let client = KashClient::from_credentials(creds)
        .base_url(server.uri())
        .build()
        .unwrap();
    assert!(client.list_users().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_refused_login_says_so_without_the_password() {
    let err = refused_login(fixture!("login_refused.json")).await;
    assert_api(&err, true);
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("wrong login or password"), "{shown}");
    assert!(
        shown.contains("Identifiant ou mot de passe incorrect"),
        "{shown}"
    );
    assert!(!shown.contains(PASSWORD), "{shown}");
}

#[tokio::test]
async fn an_ok_without_both_credentials_is_a_refusal() {
    let err = refused_login(&format!(
        r#"{{"result":"OK","SHOPID":"4242","echo":"{PASSWORD}"}}"#
    ))
    .await;
    assert!(err.to_string().contains("wrong login or password"), "{err}");
    assert!(!format!("{err:?}").contains(PASSWORD));
}

#[tokio::test]
async fn empty_login_is_refused_before_sending() {
    let server = MockServer::start().await;
    nothing_may_be_sent(&server).await;
    let err = KashClient::login(&server.uri(), " ", &SecretString::from(PASSWORD))
        .await
        .unwrap_err();
    assert!(matches!(err, KashError::InvalidInput { .. }));
}

#[tokio::test]
async fn a_php_page_instead_of_json_is_reported() {
    let err = refused_login(fixture!("php_fatal.html")).await;
    assert_api(&err, false);
    assert!(err.to_string().contains("Fatal error"), "{err}");
}

/// The login goes through the one send path: the pool's timeout, and no password in the error.
#[tokio::test]
async fn a_login_that_times_out_takes_the_pools_timeout_and_shows_no_password() {
    let server = MockServer::start().await;
    on("POST", "getAuthToken.php")
        .respond_with(slow("{}"))
        .once(&server, "slow login")
        .await;
    let pool = kash_api::Pool::builder()
        .timeout(std::time::Duration::from_millis(300))
        .build()
        .unwrap();
    let err = pool
        .login(
            &server.uri(),
            "gerant@cafe.fr",
            &SecretString::from(PASSWORD),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            KashError::Transport {
                kind: kash_api::TransportKind::Timeout,
                ..
            }
        ),
        "{err:?}"
    );
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(PASSWORD), "{shown}");
}

/// One pool, many shops: each client sends its own credentials over the shared connections,
/// and the key fingerprints tell the keys apart without showing them.
#[tokio::test]
async fn clients_of_one_pool_keep_their_own_credentials() {
    let server = MockServer::start().await;
    for (shop, key) in [("11", "key-of-eleven"), ("22", "key-of-twenty-two")] {
        on("GET", "getUsers.php")
            .and(wiremock::matchers::query_param("idboutique", shop))
            .and(wiremock::matchers::query_param("key", key))
            .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
            .named(format!("getUsers.php for {shop}"))
            .expect(2)
            .mount(&server)
            .await;
    }
    let pool = kash_api::Pool::builder().build().unwrap();
    let creds = |shop: &str, key: &str| kash_api::Credentials {
        shop_id: kash_api::ShopId::new(shop).unwrap(),
        api_key: kash_api::ApiKey::new(key).unwrap(),
    };
    let a = pool
        .client(creds("11", "key-of-eleven"), &server.uri())
        .unwrap();
    let b = pool
        .client(creds("22", "key-of-twenty-two"), &server.uri())
        .unwrap();
    for _ in 0..2 {
        let (ra, rb) = tokio::join!(a.list_users(), b.list_users());
        ra.unwrap();
        rb.unwrap();
    }
    let (fa, fb) = (
        a.key_fingerprint(b"salt").unwrap(),
        b.key_fingerprint(b"salt").unwrap(),
    );
    assert_ne!(fa, fb);
    assert_eq!(fa, a.key_fingerprint(b"salt").unwrap(), "stable");
    assert_ne!(fa, a.key_fingerprint(b"other salt").unwrap(), "salted");
    assert!(!fa.contains("eleven") && fa.len() == 32, "{fa}");
}

/// A pool's per-shop limit: a shop with many calls at once waits its turn; another shop's
/// call does not wait behind it.
#[tokio::test]
async fn one_shop_busy_does_not_hold_up_another() {
    let server = MockServer::start().await;
    on("GET", "getUsers.php")
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string("[]")
                .set_delay(std::time::Duration::from_millis(300)),
        )
        .mount(&server)
        .await;
    let pool = kash_api::Pool::builder()
        .per_shop_concurrency(2)
        .build()
        .unwrap();
    let creds = |shop: &str| kash_api::Credentials {
        shop_id: kash_api::ShopId::new(shop).unwrap(),
        api_key: kash_api::ApiKey::new("key").unwrap(),
    };
    let start = std::time::Instant::now();
    // Six calls of shop 11, each through a client of its own: they share the shop's gate.
    let busy: Vec<_> = (0..6)
        .map(|_| {
            let c = pool.client(creds("11"), &server.uri()).unwrap();
            tokio::spawn(async move {
                c.list_users().await.unwrap();
                start.elapsed()
            })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let other = pool.client(creds("22"), &server.uri()).unwrap();
    other.list_users().await.unwrap();
    let other_done = start.elapsed();
    let mut last = std::time::Duration::ZERO;
    for t in busy {
        last = last.max(t.await.unwrap());
    }
    // Two at a time: three waves of 300 ms for shop 11; shop 22 went straight through.
    assert!(last >= std::time::Duration::from_millis(850), "{last:?}");
    assert!(other_done < last, "{other_done:?} vs {last:?}");
}
