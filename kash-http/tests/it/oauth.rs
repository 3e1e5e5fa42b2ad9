//! `--auth oauth`: the authorization server, driven as ChatGPT and Claude drive it (register,
//! authorize, sign in, consent, exchange, refresh), then the MCP endpoint with its tokens;
//! and one test per attack.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use kash_e2e::client::TestClient;
use kash_e2e::session::{Era, connect_http};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::{Server, post_with, serve};

const REDIRECT: &str = "http://127.0.0.1:9/callback";
const VERIFIER: &str = "a-verifier-of-forty-three-characters-or-more-0123456789";

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The value of a hidden input of a page.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// The query parameters of a redirect.
fn params(location: &str) -> std::collections::HashMap<String, String> {
    url::Url::parse(location)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Where a test signs in: a server's root and MCP URL, and the demo shop's login.
struct Site {
    root: String,
    url: String,
    login: String,
    password: String,
}

impl Site {
    /// The server, signed in to with the demo login it printed.
    fn of(server: &Server) -> Self {
        let s = server.sign_in.as_ref().expect("the demo login is printed");
        let text = |k: &str| s[k].as_str().unwrap().to_owned();
        Self::for_account(&server.root, &server.url, &text("login"), &text("password"))
    }

    /// The server at `root` (its MCP endpoint `url`), signed in to with this POS account.
    fn for_account(root: &str, url: &str, login: &str, password: &str) -> Self {
        Self {
            root: root.to_owned(),
            url: url.to_owned(),
            login: login.to_owned(),
            password: password.to_owned(),
        }
    }
}

async fn oauth_server() -> (Server, Site) {
    let server = serve(&["--sandbox", "--auth", "oauth"]).await;
    let site = Site::of(&server);
    (server, site)
}

async fn register(server: &Site, redirect: &str) -> String {
    let r = no_redirects()
        .post(format!("{}/register", server.root))
        .json(&json!({"client_name": "Test client", "redirect_uris": [redirect]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let body: Value = r.json().await.unwrap();
    body["client_id"].as_str().unwrap().to_owned()
}

/// The `/authorize` URL with these parameters (the good ones unless replaced).
fn authorize_url(server: &Site, client_id: &str, changes: &[(&str, Option<&str>)]) -> String {
    let verifier_challenge = challenge(VERIFIER);
    let mut params: Vec<(&str, String)> = vec![
        ("response_type", "code".into()),
        ("client_id", client_id.into()),
        ("redirect_uri", REDIRECT.into()),
        ("code_challenge", verifier_challenge),
        ("code_challenge_method", "S256".into()),
        ("state", "st-123".into()),
        ("resource", server.url.clone()),
    ];
    for (k, v) in changes {
        params.retain(|(p, _)| p != k);
        if let Some(v) = v {
            params.push((k, (*v).to_owned()));
        }
    }
    let mut u = url::Url::parse(&format!("{}/authorize", server.root)).unwrap();
    u.query_pairs_mut()
        .extend_pairs(params.iter().map(|(k, v)| (*k, v.as_str())));
    u.to_string()
}

/// A browser's visit: the sign-in page, its cookie and form.
struct Visit {
    cookie: String,
    request: String,
    csrf: String,
}

async fn visit(url: &str) -> Visit {
    let r = no_redirects().get(url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    let cookie = first_cookie(&r);
    let html = r.text().await.unwrap();
    Visit {
        cookie,
        request: hidden(&html, "request"),
        csrf: hidden(&html, "csrf"),
    }
}

async fn sign_in(server: &Site, v: &Visit, login: &str, password: &str) -> reqwest::Response {
    no_redirects()
        .post(format!("{}/authorize", server.root))
        .header("cookie", &v.cookie)
        .form(&[
            ("request", v.request.as_str()),
            ("csrf", v.csrf.as_str()),
            ("login", login),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
}

/// Signs in and answers the consent page with `decision`: the redirect's parameters.
async fn consent(
    server: &Site,
    client_id: &str,
    decision: &str,
) -> std::collections::HashMap<String, String> {
    let v = visit(&authorize_url(server, client_id, &[])).await;
    let r = sign_in(server, &v, &server.login, &server.password).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Test client") && html.contains("127.0.0.1"),
        "{html}"
    );
    let r = no_redirects()
        .post(format!("{}/authorize/consent", server.root))
        .header("cookie", &v.cookie)
        .form(&[
            ("pending", hidden(&html, "pending").as_str()),
            ("csrf", hidden(&html, "csrf").as_str()),
            ("decision", decision),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(REDIRECT), "{location}");
    params(&location)
}

async fn exchange(server: &Site, form: &[(&str, &str)]) -> (u16, Value) {
    let r = no_redirects()
        .post(format!("{}/token", server.root))
        .form(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["cache-control"], "no-store");
    (r.status().as_u16(), r.json().await.unwrap())
}

/// A new client registered, consented to with `decision` and its code exchanged: its id and
/// the tokens.
async fn granted(server: &Site, decision: &str) -> (String, Value) {
    let client_id = register(server, REDIRECT).await;
    let back = consent(server, &client_id, decision).await;
    let (status, t) = tokens(server, &client_id, &back["code"]).await;
    assert_eq!(status, 200, "{t}");
    (client_id, t)
}

async fn tokens(server: &Site, client_id: &str, code: &str) -> (u16, Value) {
    exchange(
        server,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("client_id", client_id),
            ("code_verifier", VERIFIER),
            ("resource", &server.url),
        ],
    )
    .await
}

async fn list_tools(server: &Site, token: &str) -> reqwest::Response {
    let headers = [
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", "tools/list"),
    ];
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {
        "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                  "io.modelcontextprotocol/clientCapabilities": {}}}});
    post_with(&server.url, Some(token), &headers, &body).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_then_a_401_that_says_where_to_sign_in() {
    let (running, server) = oauth_server().await;
    let http = no_redirects();
    let prm: Value = http
        .get(format!(
            "{}/.well-known/oauth-protected-resource/mcp",
            server.root
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(prm["resource"], server.url.as_str());
    assert_eq!(prm["authorization_servers"][0], server.root.as_str());
    for path in ["oauth-authorization-server", "openid-configuration"] {
        let meta: Value = http
            .get(format!("{}/.well-known/{path}", server.root))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(meta["issuer"], server.root.as_str(), "{path}");
        assert_eq!(meta["code_challenge_methods_supported"], json!(["S256"]));
        assert_eq!(
            meta["grant_types_supported"],
            json!(["authorization_code", "refresh_token"])
        );
        assert_eq!(meta["authorization_response_iss_parameter_supported"], true);
    }
    let r = crate::support::initialize_as(&server.url, None).await;
    assert_eq!(r.status(), 401);
    let challenge = r.headers()["www-authenticate"].to_str().unwrap().to_owned();
    assert!(
        challenge.contains(&format!(
            "resource_metadata=\"{}/.well-known/oauth-protected-resource/mcp\"",
            server.root
        )),
        "{challenge}"
    );
    assert!(
        challenge.contains("scope=\"pos:read pos:write\""),
        "{challenge}"
    );
    let r = crate::support::initialize_as(&server.url, Some("kat_made_up")).await;
    assert_eq!(r.status(), 401);
    assert!(crate::support::header(&r, "www-authenticate").contains("error=\"invalid_token\""));
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_consent_tokens_tools_refresh_and_revocation() {
    let (running, server) = oauth_server().await;
    let client_id = register(&server, REDIRECT).await;
    let back = consent(&server, &client_id, "all").await;
    assert_eq!(back["state"], "st-123");
    assert_eq!(back["iss"], server.root);
    let (status, t) = tokens(&server, &client_id, &back["code"]).await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["token_type"], "Bearer");
    assert_eq!(t["scope"], "pos:read pos:write");
    let access = t["access_token"].as_str().unwrap().to_owned();
    let refresh = t["refresh_token"].as_str().unwrap().to_owned();

    for era in [Era::Legacy, Era::Modern] {
        let s = connect_http(&server.url, &access, era, TestClient::plain()).await;
        let (_, ping) = s.ok("ping", json!({})).await;
        assert_eq!(ping["demo"], true);
        assert!(s.tool_names().contains(&"sale_create".to_owned()));
        let (_, preview) = s
            .ok("sale_create", json!({"items": [{"type": "catalog", "productId": 1}], "payment": -1, "dryRun": true}))
            .await;
        assert_eq!(preview["status"], "preview");
    }

    // Refresh: a new pair; the old refresh token works once only, and reusing it revokes all.
    let refresh_form = |rt: &str| {
        vec![
            ("grant_type".to_owned(), "refresh_token".to_owned()),
            ("refresh_token".to_owned(), rt.to_owned()),
            ("client_id".to_owned(), client_id.clone()),
        ]
    };
    let as_refs = |f: &Vec<(String, String)>| {
        f.iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<Vec<_>>()
    };
    let f = refresh_form(&refresh);
    let (status, fresh) = exchange(
        &server,
        &as_refs(&f)
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(status, 200, "{fresh}");
    let new_access = fresh["access_token"].as_str().unwrap().to_owned();
    assert_ne!(new_access, access);
    assert_eq!(list_tools(&server, &new_access).await.status(), 200);
    let (status, reused) = exchange(
        &server,
        &as_refs(&f)
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(
        (status, reused["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    assert_eq!(
        list_tools(&server, &new_access).await.status(),
        401,
        "the grant is revoked"
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_grant_sees_no_write_tool_and_gets_403_step_up() {
    let (running, server) = oauth_server().await;
    let (_, t) = granted(&server, "read").await;
    assert_eq!(t["scope"], "pos:read");
    let access = t["access_token"].as_str().unwrap();
    let s = connect_http(&server.url, access, Era::Modern, TestClient::plain()).await;
    assert!(!s.tool_names().contains(&"sale_create".to_owned()));
    let headers = [
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", "tools/call"),
        ("mcp-name", "sale_create"),
    ];
    let body = json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {
        "name": "sale_create", "arguments": {"items": [{"type": "catalog", "productId": 1}], "payment": -1},
        "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                  "io.modelcontextprotocol/clientCapabilities": {}}}});
    let r = post_with(&server.url, Some(access), &headers, &body).await;
    assert_eq!(r.status(), 403);
    let c = r.headers()["www-authenticate"].to_str().unwrap().to_owned();
    assert!(
        c.contains("error=\"insufficient_scope\"") && c.contains("pos:write"),
        "{c}"
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attacks_are_refused() {
    let (running, server) = oauth_server().await;
    let client_id = register(&server, REDIRECT).await;
    let http = no_redirects();

    // A registration cannot choose or overwrite a client_id, nor register a foreign http URI.
    let r = http
        .post(format!("{}/register", server.root))
        .json(&json!({"client_id": client_id, "client_name": "evil", "redirect_uris": ["https://evil.example/cb"]}))
        .send()
        .await
        .unwrap();
    let other: Value = r.json().await.unwrap();
    assert_ne!(other["client_id"], client_id.as_str());
    for bad in [
        "http://evil.example/cb",
        "javascript:alert(1)",
        "https://x.example/cb#f",
    ] {
        let r = http
            .post(format!("{}/register", server.root))
            .json(&json!({"redirect_uris": [bad]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{bad}");
    }

    // XSS in every parameter: never reflected unescaped; no redirect to an unregistered URI.
    let xss = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>";
    for (name, value) in [
        ("client_id", Some(xss)),
        ("redirect_uri", Some(xss)),
        ("redirect_uri", Some("https://evil.example/cb")),
        ("state", Some(xss)),
        ("scope", Some(xss)),
        ("resource", Some(xss)),
        ("code_challenge", Some(xss)),
    ] {
        let r = http
            .get(authorize_url(&server, &client_id, &[(name, value)]))
            .send()
            .await
            .unwrap();
        if let Some(location) = r.headers().get("location") {
            let location = location.to_str().unwrap();
            assert!(
                location.starts_with(REDIRECT),
                "{name}: redirected to {location}"
            );
            assert!(!location.contains('<'), "{location}");
        }
        let html = r.text().await.unwrap();
        assert!(
            !html.contains("<script>alert") && !html.contains("<img src=x"),
            "{name}: {html}"
        );
    }
    // Errors before the redirect URI is trusted stay on our page.
    let r = http
        .get(authorize_url(&server, "kc_unknown", &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.headers().get("location").is_none());

    // PKCE plain, no challenge, a missing or foreign resource: refused back to the client.
    for (change, error) in [
        (("code_challenge_method", Some("plain")), "invalid_request"),
        (("code_challenge", None), "invalid_request"),
        (("resource", None), "invalid_target"),
        (
            ("resource", Some("https://other.example/mcp")),
            "invalid_target",
        ),
        (
            ("response_type", Some("token")),
            "unsupported_response_type",
        ),
    ] {
        let r = http
            .get(authorize_url(&server, &client_id, &[change]))
            .send()
            .await
            .unwrap();
        let p = params(r.headers()["location"].to_str().unwrap());
        assert_eq!(p["error"], error, "{change:?}");
        assert_eq!(p["state"], "st-123");
    }

    // CSRF: a sign-in without the page's cookie is refused.
    let v = visit(&authorize_url(&server, &client_id, &[])).await;
    let (login, password) = (server.login.clone(), server.password.clone());
    let r = http
        .post(format!("{}/authorize", server.root))
        .form(&[
            ("request", v.request.as_str()),
            ("csrf", v.csrf.as_str()),
            ("login", &login),
            ("password", &password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // A wrong verifier; a replayed code revokes what it issued.
    let back = consent(&server, &client_id, "all").await;
    let code = back["code"].clone();
    let (status, e) = exchange(
        &server,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("client_id", &client_id),
            (
                "code_verifier",
                "a-wrong-verifier-of-forty-three-characters-000",
            ),
        ],
    )
    .await;
    assert_eq!((status, e["error"].as_str()), (400, Some("invalid_grant")));
    let back = consent(&server, &client_id, "all").await;
    let (status, t) = tokens(&server, &client_id, &back["code"]).await;
    assert_eq!(status, 200);
    let access = t["access_token"].as_str().unwrap().to_owned();
    let (status, e) = tokens(&server, &client_id, &back["code"]).await;
    assert_eq!((status, e["error"].as_str()), (400, Some("invalid_grant")));
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    assert_eq!(
        list_tools(&server, &access).await.status(),
        401,
        "the replay revoked the grant"
    );

    // Brute force: the account is throttled, with the same message as a wrong password.
    let v = visit(&authorize_url(&server, &client_id, &[])).await;
    let mut last = String::new();
    for _ in 0..6 {
        last = sign_in(&server, &v, &login, "wrong-password")
            .await
            .text()
            .await
            .unwrap();
    }
    let r = sign_in(&server, &v, &login, &password).await;
    assert_eq!(r.status(), 401, "throttled even with the right password");
    assert!(last.contains("too many attempts"), "{last}");
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_ins_survive_a_restart() {
    let sb = kash_e2e::session::sandbox().await;
    let dir = std::env::temp_dir().join(format!("kash-oauth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = format!("file:{}", dir.join("records.redb").display());
    let port = crate::support::free_port().to_string();
    let addr = format!("127.0.0.1:{port}");
    let public = format!("http://127.0.0.1:{port}/");
    let c = sb.credentials();
    let flags = [
        "--auth",
        "oauth",
        "--api-base",
        sb.base_url(),
        "--addr",
        &addr,
        "--public-url",
        &public,
        "--store",
        &store,
        "--secret-key",
        crate::support::SECRET,
    ];
    let spawn = || crate::support::spawn_server(&flags);
    let first = spawn().await;
    let site = Site::for_account(&first.root, &first.url, &c.login, &c.password);
    let client_id = register(&site, REDIRECT).await;
    let back = consent(&site, &client_id, "all").await;
    let (_, t) = tokens(&site, &client_id, &back["code"]).await;
    let access = t["access_token"].as_str().unwrap().to_owned();
    let refresh = t["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(list_tools(&site, &access).await.status(), 200);
    let logs = first.logs();
    first.kill().await;

    // Killed and started again on the same file: the token, the refresh token and the client
    // registration all still work.
    let second = spawn().await;
    assert_eq!(list_tools(&site, &access).await.status(), 200);
    let (status, fresh) = exchange(
        &site,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", &client_id),
        ],
    )
    .await;
    assert_eq!(status, 200, "{fresh}");
    let again = consent(&site, &client_id, "read").await;
    assert!(again.contains_key("code"));
    // Nothing secret in the logs of all that (debug level).
    let logs = format!("{logs}{}", second.logs());
    for secret in [
        access.as_str(),
        refresh.as_str(),
        c.password.as_str(),
        c.api_key.as_str(),
        &back["code"],
    ] {
        assert!(!logs.contains(secret), "a secret is in the logs");
    }
    // The shop's key is sealed in the file, never in clear.
    second.kill().await;
    let bytes = std::fs::read(dir.join("records.redb")).unwrap();
    let needle = c.api_key.as_bytes();
    assert!(
        !bytes.windows(needle.len()).any(|w| w == needle),
        "the API key is in the store in clear"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_from_one_replica_works_on_another() {
    let Some(redis) = crate::support::Redis::start().await else {
        return;
    };
    let sb = kash_e2e::session::sandbox().await;
    let url = redis.url();
    let (port_a, port_b) = (crate::support::free_port(), crate::support::free_port());
    // Both are reached through one public address (the proxy's).
    let public = format!("http://127.0.0.1:{port_a}/");
    let c = sb.credentials();
    let replica = |port: u16| {
        let addr = format!("127.0.0.1:{port}");
        let (url, public, base) = (url.clone(), public.clone(), sb.base_url().to_owned());
        async move {
            crate::support::spawn_server(&[
                "--auth",
                "oauth",
                "--api-base",
                &base,
                "--addr",
                &addr,
                "--public-url",
                &public,
                "--store",
                &url,
                "--secret-key",
                crate::support::SECRET,
            ])
            .await
        }
    };
    let (a, b) = (replica(port_a).await, replica(port_b).await);
    let on_a = Site::for_account(&a.root, &a.url, &c.login, &c.password);
    let client_id = register(&on_a, REDIRECT).await;
    let back = consent(&on_a, &client_id, "all").await;
    // The code is exchanged on B, the token used on B and on A.
    let on_b = Site {
        root: b.root.clone(),
        url: on_a.url.clone(),
        ..on_a
    };
    let (status, t) = tokens(&on_b, &client_id, &back["code"]).await;
    assert_eq!(status, 200, "{t}");
    let access = t["access_token"].as_str().unwrap();
    let b_mcp = format!("{}/mcp", b.root);
    let headers = [
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", "tools/list"),
    ];
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {
        "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                  "io.modelcontextprotocol/clientCapabilities": {}}}});
    assert_eq!(
        post_with(&b_mcp, Some(access), &headers, &body)
            .await
            .status(),
        200
    );
    assert_eq!(
        post_with(&a.url, Some(access), &headers, &body)
            .await
            .status(),
        200
    );
    a.kill().await;
    b.kill().await;
}

/// The browser's part of a sign-in, over HTTP: the sign-in page, its form, the consent form;
/// the redirect's URL.
async fn browse(authorize: &str, login: &str, password: &str) -> String {
    let http = no_redirects();
    let page = http.get(authorize).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let cookie = first_cookie(&page);
    let html = page.text().await.unwrap();
    let action = authorize.split('?').next().unwrap();
    let signed = post_form(
        &http,
        action,
        Some(&cookie),
        &[
            ("request", hidden(&html, "request").as_str()),
            ("csrf", hidden(&html, "csrf").as_str()),
            ("login", login),
            ("password", password),
        ],
    )
    .await
    .text()
    .await
    .unwrap();
    let done = post_form(
        &http,
        &format!("{action}/consent"),
        Some(&cookie),
        &[
            ("pending", hidden(&signed, "pending").as_str()),
            ("csrf", hidden(&signed, "csrf").as_str()),
            ("decision", "all"),
        ],
    )
    .await;
    done.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rmcp_s_own_oauth_client_signs_in_and_calls_tools() {
    use rmcp::ServiceExt as _;
    use rmcp::transport::auth::{AuthClient, AuthorizationRequest, OAuthState};
    use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
    let (running, site) = oauth_server().await;
    let mut state = OAuthState::new(site.url.as_str(), None).await.unwrap();
    state
        .start_authorization(AuthorizationRequest::new(REDIRECT).with_client_name("rmcp test"))
        .await
        .unwrap();
    let url = state.get_authorization_url().await.unwrap();
    let back = browse(&url, &site.login, &site.password).await;
    state.handle_callback_url(&back).await.unwrap();
    let manager = state.into_authorization_manager().expect("authorized");
    let client = AuthClient::new(reqwest::Client::default(), manager);
    let transport = rmcp::transport::StreamableHttpClientTransport::with_client(
        client,
        StreamableHttpClientTransportConfig::with_uri(site.url.clone()),
    );
    let mcp = TestClient::plain().serve(transport).await.unwrap();
    let tools = mcp.list_all_tools().await.unwrap();
    assert!(tools.iter().any(|t| t.name == "sale_create"));
    let ping = mcp
        .call_tool(rmcp::model::CallToolRequestParams::new("ping"))
        .await
        .unwrap();
    assert_eq!(ping.structured_content.unwrap()["demo"], true);
    let _ = mcp.cancel().await;
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_page_lists_connected_applications_and_revokes_one() {
    let (running, server) = oauth_server().await;
    let (_, t) = granted(&server, "all").await;
    let access = t["access_token"].as_str().unwrap().to_owned();
    let http = no_redirects();
    let page = http
        .get(format!("{}/account", server.root))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let csrf_cookie = first_cookie(&page);
    let html = page.text().await.unwrap();
    let csrf = hidden(&html, "csrf");
    // Without the page's cookie: refused.
    let r = post_form(
        &http,
        &format!("{}/account", server.root),
        None,
        &[
            ("csrf", csrf.as_str()),
            ("login", &server.login),
            ("password", &server.password),
        ],
    )
    .await;
    assert_eq!(r.status(), 403);
    let r = post_form(
        &http,
        &format!("{}/account", server.root),
        Some(&csrf_cookie),
        &[
            ("csrf", csrf.as_str()),
            ("login", &server.login),
            ("password", &server.password),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let session_cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|c| c.starts_with("kash_account="))
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(html.contains("Test client"), "{html}");
    let grant = hidden(&html, "grant");
    let cookies = format!("{csrf_cookie}; {session_cookie}");
    // A revocation needs the signed-in session.
    let r = post_form(
        &http,
        &format!("{}/account/revoke", server.root),
        Some(&csrf_cookie),
        &[("csrf", csrf.as_str()), ("grant", grant.as_str())],
    )
    .await;
    assert_eq!(r.status(), 403);
    assert_eq!(list_tools(&server, &access).await.status(), 200);
    let r = post_form(
        &http,
        &format!("{}/account/revoke", server.root),
        Some(&cookies),
        &[("csrf", csrf.as_str()), ("grant", grant.as_str())],
    )
    .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(!html.contains("Test client"), "{html}");
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    assert_eq!(list_tools(&server, &access).await.status(), 401, "revoked");
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_refused_and_its_refresh_token_still_works() {
    let running = serve(&[
        "--sandbox",
        "--auth",
        "oauth",
        "--access-token-seconds",
        "1",
    ])
    .await;
    let server = Site::of(&running);
    let (client_id, t) = granted(&server, "all").await;
    assert_eq!(t["expires_in"], 1);
    let access = t["access_token"].as_str().unwrap();
    // Past its life and the server's short memory of resolved tokens.
    tokio::time::sleep(std::time::Duration::from_secs(7)).await;
    let r = list_tools(&server, access).await;
    assert_eq!(r.status(), 401);
    assert!(crate::support::header(&r, "www-authenticate").contains("invalid_token"));
    let refresh = t["refresh_token"].as_str().unwrap();
    let (status, fresh) = exchange(
        &server,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh),
            ("client_id", &client_id),
        ],
    )
    .await;
    assert_eq!(status, 200, "{fresh}");
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_for_another_server_is_refused() {
    let Some(redis) = crate::support::Redis::start().await else {
        return;
    };
    let sb = kash_e2e::session::sandbox().await;
    let url = redis.url();
    let c = sb.credentials();
    let server = |port: u16| {
        let addr = format!("127.0.0.1:{port}");
        let (url, base) = (url.clone(), sb.base_url().to_owned());
        async move {
            crate::support::spawn_server(&[
                "--auth",
                "oauth",
                "--api-base",
                &base,
                "--addr",
                &addr,
                "--public-url",
                &format!("http://127.0.0.1:{port}/"),
                "--store",
                &url,
                "--secret-key",
                crate::support::SECRET,
            ])
            .await
        }
    };
    // Two servers (two public URLs) on one store: a token is for the one that issued it.
    let (a, b) = (
        server(crate::support::free_port()).await,
        server(crate::support::free_port()).await,
    );
    let on_a = Site::for_account(&a.root, &a.url, &c.login, &c.password);
    let (_, t) = granted(&on_a, "all").await;
    let access = t["access_token"].as_str().unwrap();
    assert_eq!(list_tools(&on_a, access).await.status(), 200);
    let on_b = Site {
        root: b.root.clone(),
        url: b.url.clone(),
        ..on_a
    };
    assert_eq!(
        list_tools(&on_b, access).await.status(),
        401,
        "another audience"
    );
    a.kill().await;
    b.kill().await;
}

/// A client metadata document served on loopback (a test fixture): its URL.
async fn metadata_fixture() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/client.json", listener.local_addr().unwrap());
    let doc = json!({"client_id": url, "client_name": "Test client", "redirect_uris": [REDIRECT]});
    let app = axum::Router::new().route(
        "/client.json",
        axum::routing::get(move || {
            let doc = doc.clone();
            async move { axum::Json(doc) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_id_metadata_document_is_fetched_only_where_allowed() {
    let fixture = metadata_fixture().await;
    // The test switch lets the server read a loopback document.
    let running = serve(&["--sandbox", "--auth", "oauth", "--cimd-allow-loopback"]).await;
    let server = Site::of(&running);
    let back = consent(&server, &fixture, "all").await;
    let (status, t) = tokens(&server, &fixture, &back["code"]).await;
    assert_eq!(status, 200, "{t}");
    running.stop().await;
    // Without it, a loopback (or any non-https, non-public) document is refused on a page.
    let running = serve(&["--sandbox", "--auth", "oauth"]).await;
    let server = Site::of(&running);
    let http = no_redirects();
    for client_id in [
        fixture.as_str(),
        "https://127.0.0.1/client.json",
        "https://[::1]/client.json",
        "https://10.0.0.1/client.json",
        "https://169.254.169.254/latest/meta-data",
        "https://localhost/client.json",
    ] {
        let r = http
            .get(authorize_url(&server, client_id, &[]))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{client_id}");
        assert!(r.headers().get("location").is_none(), "{client_id}");
    }
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_registered_in_the_configuration_signs_in() {
    let file = std::env::temp_dir().join(format!("kash-oauth-clients-{}.json", std::process::id()));
    std::fs::write(
        &file,
        json!([{"client_id": "n8n-prod", "client_name": "Test client", "redirect_uris": [REDIRECT]}]).to_string(),
    )
    .unwrap();
    let path = file.display().to_string();
    let running = serve(&["--sandbox", "--auth", "oauth", "--oauth-clients", &path]).await;
    let server = Site::of(&running);
    let back = consent(&server, "n8n-prod", "read").await;
    let (status, t) = tokens(&server, "n8n-prod", &back["code"]).await;
    assert_eq!((status, t["scope"].as_str()), (200, Some("pos:read")));
    running.stop().await;
    // A file with a redirect URI that is not allowed stops the start.
    std::fs::write(&file, json!([{"client_id": "x", "client_name": "x", "redirect_uris": ["http://evil.example/cb"]}]).to_string()).unwrap();
    let args = <kash_http::settings::Args as clap::Parser>::try_parse_from([
        "kash-http",
        "--addr",
        "127.0.0.1:0",
        "--sandbox",
        "--auth",
        "oauth",
        "--oauth-clients",
        &path,
    ])
    .unwrap();
    let e = kash_http::start::start(args).await.unwrap_err();
    assert!(e.message.contains("redirect_uris"), "{e}");
    let _ = std::fs::remove_file(&file);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_open_redirect() {
    let (running, server) = oauth_server().await;
    let client_id = register(&server, REDIRECT).await;
    let http = no_redirects();
    // Near misses of the registered URI are not it: nothing is sent anywhere.
    for near in [
        "http://127.0.0.1:9/callback/",
        "http://127.0.0.1:9/callback?next=https://evil.example",
        "http://127.0.0.1:9/callback.evil.example",
        "http://127.0.0.1:9@evil.example/callback",
        "http://127.0.0.1:90/callback",
        "https://127.0.0.1:9/callback",
        "//evil.example/callback",
    ] {
        let r = http
            .get(authorize_url(
                &server,
                &client_id,
                &[("redirect_uri", Some(near))],
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{near}");
        assert!(r.headers().get("location").is_none(), "{near}");
    }
    // The consent's answer goes to the registered URI exactly, with our parameters only.
    let back = consent(&server, &client_id, "deny").await;
    assert_eq!(back["error"], "access_denied");
    assert_eq!(back["state"], "st-123");
    assert_eq!(back["iss"], server.root);
    assert_eq!(
        back.len(),
        4,
        "error, error_description, state, iss: {back:?}"
    );
    running.stop().await;
}

/// A form posted to `url`, with the `cookie` header when given.
async fn post_form(
    http: &reqwest::Client,
    url: &str,
    cookie: Option<&str>,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = http.post(url).form(form);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

/// The first cookie a page sets (`name=value`).
fn first_cookie(page: &reqwest::Response) -> String {
    let header = page.headers()["set-cookie"].to_str().unwrap();
    header.split(';').next().unwrap().to_owned()
}
