//! Legacy sessions belong to the principal that opened them, are capped, and end when idle.

use std::sync::atomic::Ordering;
use std::time::Duration;

use kash_e2e::client::{Answer, TestClient};
use kash_e2e::session::{Era, connect_http, orders_in, sandbox};
use serde_json::json;

use crate::support::{
    header, http, initialize_as, message, open_session, open_session_with, post, post_with,
    static_server, token,
};

/// How many tools a `tools/list` answer names.
async fn tools_in(r: reqwest::Response) -> usize {
    message(r).await["result"]["tools"]
        .as_array()
        .map_or(0, Vec::len)
}

fn list_tools() -> serde_json::Value {
    json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
}

/// The capabilities of a client that cannot be asked questions (a light session) and of one
/// that can (rmcp's session, which can ask it).
fn both_kinds() -> [serde_json::Value; 2] {
    [json!({}), json!({"elicitation": {}})]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_serves_only_the_principal_that_opened_it() {
    let sb = sandbox().await;
    let other = sb.add_shop(2).await.unwrap();
    let server = static_server(&sb, &[]).await;
    for capabilities in both_kinds() {
        the_owner_alone_uses_a_session(&server.url, &sb, &other, &capabilities).await;
    }
    server.stop().await;
}

async fn the_owner_alone_uses_a_session(
    url: &str,
    sb: &kash_sandbox::Sandbox,
    other: &kash_sandbox::ShopCredentials,
    capabilities: &serde_json::Value,
) {
    let mine = token(sb.credentials());
    let theirs = token(other);
    let id = open_session_with(url, &mine, capabilities).await;

    // Another shop presenting the id: POST, GET and DELETE find no such session.
    let r = post(url, Some(&theirs), Some(&id), &list_tools()).await;
    assert_eq!(r.status(), 404);
    let get = http()
        .get(url)
        .bearer_auth(&theirs)
        .header("accept", "text/event-stream")
        .header("mcp-session-id", &id)
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 404);
    let del = http()
        .delete(url)
        .bearer_auth(&theirs)
        .header("mcp-session-id", &id)
        .send()
        .await
        .unwrap();
    assert!(del.status().is_success() || del.status() == 404);
    // Without credentials: 401 before anything else.
    let r = post(url, None, Some(&id), &list_tools()).await;
    assert_eq!(r.status(), 401);

    // The owner's session is untouched by all that.
    let r = post(url, Some(&mine), Some(&id), &list_tools()).await;
    assert_eq!(r.status(), 200);
    assert!(tools_in(r).await > 10);
    // Its owner can close it.
    let del = http()
        .delete(url)
        .bearer_auth(&mine)
        .header("mcp-session-id", &id)
        .send()
        .await
        .unwrap();
    assert!(del.status().is_success());
    let r = post(url, Some(&mine), Some(&id), &list_tools()).await;
    assert_eq!(r.status(), 404, "{capabilities}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_holds_only_what_its_client_can_use() {
    let sb = sandbox().await;
    let server = static_server(&sb, &[]).await;
    let mine = token(sb.credentials());
    let stream = |id: String| {
        http()
            .get(&server.url)
            .bearer_auth(&mine)
            .header("accept", "text/event-stream")
            .header("mcp-protocol-version", "2025-11-25")
            .header("mcp-session-id", id)
            .send()
    };
    // A client that cannot be asked questions: a light session, answered in plain JSON,
    // with no stream for the server to ask through.
    let light = open_session(&server.url, &mine).await;
    let r = post(&server.url, Some(&mine), Some(&light), &list_tools()).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    assert!(message(r).await["result"]["tools"].is_array());
    assert_eq!(stream(light.clone()).await.unwrap().status(), 405);
    // A client of 2025-03-26 sends no version header: the session's version is used.
    let r = http()
        .post(&server.url)
        .bearer_auth(&mine)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-session-id", &light)
        .body(
            json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call",
                   "params": {"name": "ping", "arguments": {}}})
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    let ping = message(r).await;
    assert_eq!(
        ping["result"]["structuredContent"]["protocolVersion"], "2025-11-25",
        "{ping}"
    );

    // A client that can be asked: rmcp's session, whose answers are streams (the server's
    // questions ride them), and still no standalone stream.
    let asked = open_session_with(&server.url, &mine, &json!({"elicitation": {}})).await;
    let r = post(&server.url, Some(&mine), Some(&asked), &list_tools()).await;
    assert_eq!(r.status(), 200);
    assert!(header(&r, "content-type").starts_with("text/event-stream"));
    assert!(tools_in(r).await > 10);
    let get = stream(asked).await.unwrap();
    assert_eq!(get.status(), 405);
    assert_eq!(header(&get, "allow"), "POST, DELETE");
    let metrics = crate::support::metrics(&server.root).await;
    assert!(metrics.contains("kash_http_sessions 2"), "{metrics}");
    assert!(metrics.contains("kash_http_session_workers 1"), "{metrics}");
    server.stop().await;
}

/// Waits (up to 10 s) until `/metrics` says `line`.
async fn until_metrics_say(root: &str, line: &str) {
    for _ in 0..100 {
        if crate::support::metrics(root).await.contains(line) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("/metrics never said {line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_session_that_can_be_asked_rests_and_wakes_as_it_was() {
    let sb = sandbox().await;
    let other = sb.add_shop(4).await.unwrap();
    let server = static_server(&sb, &["--confirm-sales", "--session-rest-seconds", "1"]).await;
    let mine = token(sb.credentials());
    let theirs = token(&other);

    // Raw: the worker stops once the session is idle, and only its owner wakes it.
    let id = open_session_with(&server.url, &mine, &json!({"elicitation": {}})).await;
    until_metrics_say(&server.root, "kash_http_session_workers 0").await;
    let r = post(&server.url, Some(&theirs), Some(&id), &list_tools()).await;
    assert_eq!(r.status(), 404);
    let metrics = crate::support::metrics(&server.root).await;
    assert!(metrics.contains("kash_http_session_workers 0"), "{metrics}");
    assert!(metrics.contains("kash_http_sessions 1"), "{metrics}");
    let r = post(&server.url, Some(&mine), Some(&id), &list_tools()).await;
    assert_eq!(r.status(), 200);
    assert!(tools_in(r).await > 10);
    let metrics = crate::support::metrics(&server.root).await;
    assert!(metrics.contains("kash_http_session_workers 1"), "{metrics}");

    // Many requests at once wake a resting session once, and each is answered.
    until_metrics_say(&server.root, "kash_http_session_workers 0").await;
    let lists: Vec<_> = (100..116)
        .map(|n| json!({"jsonrpc": "2.0", "id": n, "method": "tools/list"}))
        .collect();
    let answers = futures_util::future::join_all(
        lists
            .iter()
            .map(|list| post(&server.url, Some(&mine), Some(&id), list)),
    )
    .await;
    for r in answers {
        assert_eq!(r.status(), 200);
        assert!(tools_in(r).await > 10);
    }
    let metrics = crate::support::metrics(&server.root).await;
    assert!(metrics.contains("kash_http_session_workers 1"), "{metrics}");

    // rmcp's client, which answers questions: a sale confirmed through a woken session is
    // asked once and recorded once.
    let yes = TestClient::answering(Some(Answer::Accept));
    let s = connect_http(&server.url, &mine, Era::Legacy, yes.clone()).await;
    until_metrics_say(&server.root, "kash_http_session_workers 0").await;
    let before = orders_in(&sb);
    let sale = json!({"items": [{"type": "catalog", "productId": 25, "quantity": 2}],
                      "payment": -1, "tableNumber": "12"});
    let (text, r) = s.ok("sale_create", sale).await;
    assert_eq!(r["status"], "recorded", "{text}");
    assert_eq!(yes.asked.load(Ordering::SeqCst), 1);
    assert_eq!(orders_in(&sb), before + 1);
    // And it rests again.
    until_metrics_say(&server.root, "kash_http_session_workers 0").await;
    drop(s);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_capped_per_caller_and_end_when_idle() {
    let sb = sandbox().await;
    let other = sb.add_shop(3).await.unwrap();
    let server = static_server(
        &sb,
        &[
            "--max-sessions-per-caller",
            "3",
            "--session-idle-seconds",
            "2",
            "--session-rest-seconds",
            "1",
        ],
    )
    .await;
    let mine = token(sb.credentials());
    // Both kinds count; the one whose client can be asked rests, then ends as the others.
    let mut ids = Vec::new();
    for capabilities in [json!({}), json!({}), json!({"elicitation": {}})] {
        ids.push(open_session_with(&server.url, &mine, &capabilities).await);
    }
    let r = initialize_as(&server.url, Some(&mine)).await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    // Another caller is not held back by this one's sessions.
    open_session(&server.url, &token(&other)).await;

    // Idle sessions end and free their place.
    tokio::time::sleep(Duration::from_secs(4)).await;
    for id in &ids {
        let r = post(&server.url, Some(&mine), Some(id), &list_tools()).await;
        assert_eq!(r.status(), 404, "expired");
    }
    // Gone from the server, not only refused: nothing is left open.
    let metrics = crate::support::metrics(&server.root).await;
    assert!(metrics.contains("kash_http_sessions 0"), "{metrics}");
    open_session(&server.url, &mine).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stateless_serves_older_clients_without_sessions() {
    let sb = sandbox().await;
    let server = static_server(&sb, &["--stateless"]).await;
    let mine = token(sb.credentials());
    let r = initialize_as(&server.url, Some(&mine)).await;
    assert_eq!(r.status(), 200);
    assert!(!r.headers().contains_key("mcp-session-id"), "no session");
    // Any request stands alone, as on a replica that has never seen the client.
    let r = post(&server.url, Some(&mine), None, &list_tools()).await;
    assert_eq!(r.status(), 200);
    assert!(tools_in(r).await > 10);
    let s = kash_e2e::session::connect_http(
        &server.url,
        &mine,
        kash_e2e::session::Era::Legacy,
        kash_e2e::client::TestClient::plain(),
    )
    .await;
    let (_, ping) = s.ok("ping", json!({})).await;
    assert_eq!(ping["shopId"], sb.credentials().shop_id.as_str());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_request_speaks_the_callers_language() {
    let sb = sandbox().await;
    let server = static_server(&sb, &["--stateless"]).await;
    let mine = token(sb.credentials());
    let describe = |lang: &'static str| {
        let url = server.url.clone();
        let mine = mine.clone();
        async move {
            let headers = [("accept-language", lang)];
            let r = post_with(&url, Some(&mine), &headers, &list_tools()).await;
            let tools = message(r).await["result"]["tools"].clone();
            tools
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["name"] == "ping")
                .unwrap()["description"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let (fr, en, other) = (
        describe("fr-FR,fr;q=0.9").await,
        describe("en-GB").await,
        describe("de-DE").await,
    );
    assert_ne!(fr, en, "French for a French browser");
    assert_eq!(other, en, "the server's language for one it does not speak");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_id_already_in_progress_is_refused_at_once() {
    let sb = sandbox().await;
    let server = static_server(&sb, &["--confirm-sales"]).await;
    let mine = token(sb.credentials());
    let id = open_session_with(&server.url, &mine, &json!({"elicitation": {}})).await;
    let sale = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {
        "name": "sale_create",
        "arguments": {"items": [{"type": "catalog", "productId": 25, "quantity": 1}], "payment": -1}}});
    // The sale waits for the user's answer, asked on its own stream: it stays in progress.
    let waiting = post(&server.url, Some(&mine), Some(&id), &sale).await;
    assert_eq!(waiting.status(), 200);
    assert!(header(&waiting, "content-type").starts_with("text/event-stream"));

    // Another request with its id is answered at once, with an error naming it.
    let again = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/list"});
    let r = tokio::time::timeout(
        Duration::from_secs(10),
        post(&server.url, Some(&mine), Some(&id), &again),
    )
    .await
    .expect("answered at once");
    assert_eq!(r.status(), 400);
    let refused = message(r).await;
    assert_eq!(refused["id"], 7);
    assert_eq!(refused["error"]["code"], -32600, "{refused}");
    // Another id is served meanwhile.
    let r = post(&server.url, Some(&mine), Some(&id), &list_tools()).await;
    assert_eq!(r.status(), 200);
    assert!(tools_in(r).await > 10);
    drop(waiting);
    server.stop().await;
}
