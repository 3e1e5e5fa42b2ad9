//! The API key never reaches error text, Debug output or logs.

use std::time::Duration;

use kash_api::{ApiKey, KashClient, KashError};
use wiremock::ResponseTemplate;

use crate::support::{KEY, MountOnce, SHOP, assert_no_key, capture_logs, on, slow, spawn};

#[tokio::test]
async fn no_key_in_errors_or_logs_on_timeout_decode_and_error_pages() {
    let logs = capture_logs();

    let (server, client) = spawn().await;
    on("GET", "getTables.php")
        .respond_with(slow("[]"))
        .once(&server, "slow")
        .await;
    // The upstream echoes the key in a malformed answer, an error envelope and a 500 page.
    on("GET", "getPlus.php")
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(format!(r#"[{{"id":"x{KEY}","prix":"{KEY}"}}]"#)),
        )
        .once(&server, "malformed")
        .await;
    on("GET", "getUsers.php")
        .respond_with(ResponseTemplate::new(200).set_body_string(format!(
            r#"{{"result":"ERROR","message":"invalid key {KEY} for shop {SHOP}"}}"#
        )))
        .once(&server, "envelope")
        .await;
    on("GET", "getClients.php")
        .respond_with(ResponseTemplate::new(500).set_body_string(format!(
            "<html><body><h1>Error</h1><p>GET /workers/getClients.php?idboutique={SHOP}&key={KEY}</p></body></html>"
        )))
        .once(&server, "500 echo")
        .await;

    let errors: Vec<KashError> = vec![
        client.list_tables().await.unwrap_err(),
        client.list_products().await.unwrap_err(),
        client.list_users().await.unwrap_err(),
        client.list_customers().await.unwrap_err(),
    ];
    assert!(matches!(errors[0], KashError::Transport { .. }));
    assert!(matches!(errors[1], KashError::Decode { .. }));
    assert!(matches!(errors[2], KashError::Api { explicit: true, .. }));
    assert!(matches!(errors[3], KashError::Api { status: 500, .. }));
    for err in &errors {
        assert_no_key(err);
    }
    // The envelope's message is kept, with the key blanked.
    assert!(
        errors[2].to_string().contains("invalid key [REDACTED]"),
        "{}",
        errors[2]
    );

    let text = logs.text();
    assert!(
        text.contains("getPlus.php"),
        "the calls were logged: {text}"
    );
    assert!(text.contains("latency_ms"), "{text}");
    assert!(text.contains("status=200"), "{text}");
    assert!(!text.contains(KEY), "the key reached the logs:\n{text}");
    assert!(
        !text.contains("idboutique"),
        "a URL or query reached the logs:\n{text}"
    );
}

#[test]
fn debug_output_never_shows_the_key() {
    let key = ApiKey::new(KEY).unwrap();
    assert_eq!(format!("{key:?}"), "ApiKey([REDACTED])");
    let builder = KashClient::builder(SHOP, KEY);
    assert!(!format!("{builder:?}").contains(KEY));
    let client = builder.build().unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains(KEY), "{shown}");
    assert!(shown.contains(SHOP));
}

#[test]
fn configuration_errors_are_clear() {
    let cases = [
        (KashClient::builder("", KEY).build(), "Setup > Webservices"),
        (KashClient::builder(SHOP, "  ").build(), "API key is empty"),
        (
            KashClient::builder(SHOP, KEY).base_url("ftp://x").build(),
            "https://",
        ),
        (
            KashClient::builder(SHOP, KEY)
                .base_url("https://u:p@kash.click")
                .build(),
            "user name or password",
        ),
        (
            KashClient::builder(SHOP, KEY)
                .base_url("https://kash.click/?key=1")
                .build(),
            "query",
        ),
        (
            KashClient::builder(SHOP, KEY).base_url("not a url").build(),
            "not a valid URL",
        ),
        (
            KashClient::builder(SHOP, KEY)
                .timeout(Duration::ZERO)
                .build(),
            "longer than zero",
        ),
    ];
    for (result, needle) in cases {
        let err = result.unwrap_err();
        assert!(matches!(err, KashError::Config { .. }), "{err:?}");
        assert!(err.to_string().contains(needle), "`{needle}` not in {err}");
        assert_no_key(&err);
    }
}

#[test]
fn plain_http_is_refused_except_to_loopback_or_when_allowed() {
    // The key travels in every request: never in clear to another machine by default.
    let err = KashClient::builder(SHOP, KEY)
        .base_url("http://192.0.2.2:18080")
        .build()
        .unwrap_err();
    assert!(matches!(err, KashError::Config { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("in clear") && text.contains("--allow-insecure-http"),
        "{text}"
    );
    assert_no_key(&err);
    for local in [
        "http://127.0.0.1:8080",
        "http://127.9.9.9",
        "http://localhost:1",
        "http://[::1]:9",
    ] {
        assert!(
            KashClient::builder(SHOP, KEY)
                .base_url(local)
                .build()
                .is_ok(),
            "{local}"
        );
    }
    let allowed = KashClient::builder(SHOP, KEY)
        .base_url("http://192.0.2.2:18080")
        .allow_insecure_http(true)
        .build();
    assert!(allowed.is_ok());
}

#[test]
fn the_base_url_keeps_its_path_and_loses_its_slash() {
    let client = KashClient::builder(SHOP, KEY)
        .base_url("https://pos.example.com/kash/")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://pos.example.com/kash");
    assert_eq!(
        KashClient::builder(SHOP, KEY).build().unwrap().base_url(),
        "https://caisse.enregistreuse.fr"
    );
}
