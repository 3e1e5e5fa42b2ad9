//! `/account`: a shop's owner signs in with the POS account and sees the applications
//! connected to the shop (since when, last used), each with a button that revokes it.

use std::sync::Arc;

use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use kash_mcp_core::Lang;
use kash_mcp_core::store::StoreExt as _;
use serde::Deserialize;

use super::{
    Grant, OAuth, Peer, SignInForm, constant_eq, cookie, csrf_checked, csrf_cookie, lang_of, pages,
    random_token, set_cookie, text,
};

/// How long the account page stays signed in.
const SESSION_TTL: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// The signed-in account of a browser (`kash_account` cookie).
#[derive(Debug, serde::Serialize, Deserialize)]
struct AccountSession {
    shop_id: String,
}

/// `GET /account`: the sign-in form.
pub(super) async fn page(State(o): State<Arc<OAuth>>, headers: HeaderMap) -> Response {
    sign_in_form(&o, lang_of(&headers), "", None, csrf_cookie(&headers))
}

fn sign_in_form(
    o: &OAuth,
    lang: Lang,
    login: &str,
    error: Option<&str>,
    csrf: Option<String>,
) -> Response {
    let csrf = csrf.unwrap_or_else(|| random_token(""));
    let mut r = pages::account_sign_in(lang, &csrf, login, error);
    set_cookie(&mut r, "kash_csrf", &csrf, "/account", o.https);
    r
}

/// `POST /account`: signs in with the POS account, then lists the connected applications.
pub(super) async fn sign_in(
    State(o): State<Arc<OAuth>>,
    Peer(ip): Peer,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let lang = lang_of(&headers);
    let cookie = match csrf_checked(&headers, lang, &form.csrf) {
        Ok(c) => c,
        Err(refused) => return *refused,
    };
    let login = form.login.trim().to_owned();
    let credentials = match o.check_login(ip, &login, form.password).await {
        Ok(c) => c,
        Err(message) => return sign_in_form(&o, lang, &login, Some(message(lang)), cookie),
    };
    let session = random_token("");
    let shop_id = credentials.shop_id.as_str().to_owned();
    if o.store
        .set_json(
            &format!("oauth:account:{session}"),
            &AccountSession {
                shop_id: shop_id.clone(),
            },
            SESSION_TTL,
        )
        .await
        .is_err()
    {
        return pages::store_unavailable(lang);
    }
    let mut r = list(&o, lang, &shop_id, &form.csrf).await;
    set_cookie(&mut r, "kash_account", &session, "/account", o.https);
    r
}

async fn list(o: &OAuth, lang: Lang, shop_id: &str, csrf: &str) -> Response {
    let mut rows = Vec::new();
    for id in o.grants_of(shop_id).await {
        if let Ok(Some(g)) = o
            .store
            .get_json::<Grant>(&format!("oauth:grant:{id}"))
            .await
        {
            rows.push(pages::Connected {
                grant: id,
                client: g.client_name,
                since: day(g.created),
                last_used: day(g.last_used),
                write: g.scopes.iter().any(|s| s == super::SCOPE_WRITE),
            });
        }
    }
    pages::account(lang, shop_id, &rows, csrf)
}

fn day(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

#[derive(Debug, Deserialize)]
pub(super) struct RevokeForm {
    csrf: String,
    grant: String,
}

/// `POST /account/revoke`: ends one application's access to the signed-in shop.
pub(super) async fn revoke(
    State(o): State<Arc<OAuth>>,
    headers: HeaderMap,
    Form(form): Form<RevokeForm>,
) -> Response {
    let lang = lang_of(&headers);
    let csrf = csrf_cookie(&headers);
    let session: Option<AccountSession> = match cookie(&headers, "kash_account") {
        Some(s) if s.len() <= 64 => o
            .store
            .get_json(&format!("oauth:account:{s}"))
            .await
            .ok()
            .flatten(),
        _ => None,
    };
    let (Some(session), true) = (
        session,
        csrf.as_deref().is_some_and(|c| constant_eq(c, &form.csrf)),
    ) else {
        return pages::error(
            lang,
            StatusCode::FORBIDDEN,
            text(
                lang,
                "Sign in to your account again.",
                "Reconnectez-vous à votre compte.",
            ),
        );
    };
    let grant: Option<Grant> = o
        .store
        .get_json(&format!("oauth:grant:{}", form.grant))
        .await
        .ok()
        .flatten();
    // Only a grant of the signed-in shop.
    if grant.is_some_and(|g| g.shop_id == session.shop_id) {
        o.revoke_grant(&form.grant).await;
    }
    list(&o, lang, &session.shop_id, &form.csrf).await
}
