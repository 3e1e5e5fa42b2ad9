//! `getAuthToken.php`.

use kash_api::{KashClient, KashError, SecretString};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::fixture;
use crate::support::{Auth, form_body};

const PASSWORD: &str = "Tr0ub4dor&3-pass";

async fn mount_login(server: &MockServer, body: &str) {
    Mock::given(method("POST"))
        .and(path("/workers/getAuthToken.php"))
        .and(form_body(
            Auth::None,
            &[("login", "gerant@cafe.fr"), ("password", PASSWORD)],
        ))
        .respond_with(ResponseTemplate::new(200).set_body_string(body))
        .named("getAuthToken.php")
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_good_login_returns_credentials_that_work() {
    let server = MockServer::start().await;
    mount_login(&server, fixture!("login_ok.json")).await;
    let creds = KashClient::login(
        &server.uri(),
        "gerant@cafe.fr",
        &SecretString::from(PASSWORD),
    )
    .await
    .unwrap();
    assert_eq!(creds.shop_id.as_str(), "4242");
    let shown = format!("{creds:?}");
    assert!(!shown.contains("k3y-from-login-0001"), "{shown}");
    assert!(shown.contains("4242"));

    // The credentials build a client that sends them.
    Mock::given(method("GET"))
        .and(path("/workers/getUsers.php"))
        .and(wiremock::matchers::query_param("idboutique", "4242"))
        .and(wiremock::matchers::query_param(
            "key",
            "k3y-from-login-0001",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .named("getUsers.php with login credentials")
        .expect(1)
        .mount(&server)
        .await;
    let client = KashClient::from_credentials(creds)
        .base_url(server.uri())
        .build()
        .unwrap();
    assert!(client.list_users().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_refused_login_says_so_without_the_password() {
    let server = MockServer::start().await;
    mount_login(&server, fixture!("login_refused.json")).await;
    let err = KashClient::login(
        &server.uri(),
        "gerant@cafe.fr",
        &SecretString::from(PASSWORD),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, KashError::Api { explicit: true, .. }),
        "{err:?}"
    );
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
    let server = MockServer::start().await;
    mount_login(
        &server,
        &format!(r#"{{"result":"OK","SHOPID":"4242","echo":"{PASSWORD}"}}"#),
    )
    .await;
    let err = KashClient::login(
        &server.uri(),
        "gerant@cafe.fr",
        &SecretString::from(PASSWORD),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("wrong login or password"), "{err}");
    assert!(!format!("{err:?}").contains(PASSWORD));
}

#[tokio::test]
async fn empty_login_is_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .named("nothing may be sent")
        .expect(0)
        .mount(&server)
        .await;
    let err = KashClient::login(&server.uri(), " ", &SecretString::from(PASSWORD))
        .await
        .unwrap_err();
    assert!(matches!(err, KashError::InvalidInput { .. }));
}

#[tokio::test]
async fn a_php_page_instead_of_json_is_reported() {
    let server = MockServer::start().await;
    mount_login(&server, fixture!("php_fatal.html")).await;
    let err = KashClient::login(
        &server.uri(),
        "gerant@cafe.fr",
        &SecretString::from(PASSWORD),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            KashError::Api {
                explicit: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("Fatal error"), "{err}");
}
