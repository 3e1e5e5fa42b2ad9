//! The sign-in, consent and error pages: HTML from an auto-escaping template engine
//! (minijinja), in English or French, with one small stylesheet of our own, no script and no
//! third-party asset. Every page is sent with a strict Content-Security-Policy.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kash_mcp_core::Lang;
use minijinja::{Environment, context};

const BASE: &str = r#"<!doctype html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · Kash</title>
<link rel="stylesheet" href="/oauth/style.css">
</head>
<body>
<main>
<p class="brand">Kash</p>
<h1>{{ title }}</h1>
{% block body %}{% endblock %}
</main>
</body>
</html>"#;

const SIGN_IN: &str = r#"{% extends "base.html" %}{% block body %}
{% if client %}<p>{{ t.intro }} <strong>{{ client }}</strong> ({{ host }}).</p>
{% else %}<p>{{ t.account_intro }}</p>{% endif %}
{% if error %}<p class="error" role="alert">{{ error }}</p>{% endif %}
<form method="post" action="{{ action }}">
{% if request %}<input type="hidden" name="request" value="{{ request }}">{% endif %}
<input type="hidden" name="csrf" value="{{ csrf }}">
<label for="login">{{ t.login }}</label>
<input id="login" name="login" type="text" autocomplete="username" required value="{{ login }}">
<label for="password">{{ t.password }}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">{{ t.submit }}</button>
</form>
<p class="note">{{ t.note }}</p>
{% endblock %}"#;

const CONSENT: &str = r#"{% extends "base.html" %}{% block body %}
<p>{{ t.signed_in }} <strong>{{ shop }}</strong>.</p>
<p><strong>{{ client }}</strong> ({{ host }}) {{ t.asks }}</p>
<ul>
<li>{{ t.read }}</li>
{% if write %}<li>{{ t.write }}</li>{% endif %}
</ul>
<form method="post" action="/authorize/consent">
<input type="hidden" name="pending" value="{{ pending }}">
<input type="hidden" name="csrf" value="{{ csrf }}">
{% if write %}<button type="submit" name="decision" value="all">{{ t.allow }}</button>
<button type="submit" name="decision" value="read" class="secondary">{{ t.allow_read }}</button>
{% else %}<button type="submit" name="decision" value="read">{{ t.allow }}</button>{% endif %}
<button type="submit" name="decision" value="deny" class="secondary">{{ t.deny }}</button>
</form>
<p class="note">{{ t.revoke }}</p>
{% endblock %}"#;

const ACCOUNT: &str = r#"{% extends "base.html" %}{% block body %}
<p>{{ t.signed_in }} <strong>{{ shop }}</strong>.</p>
{% if rows %}<ul class="clients">
{% for r in rows %}<li>
<strong>{{ r.client }}</strong> — {{ t.rights_all if r.write else t.rights_read }}<br>
<span class="note">{{ t.since }} {{ r.since }} · {{ t.last_used }} {{ r.last_used }}</span>
<form method="post" action="/account/revoke">
<input type="hidden" name="csrf" value="{{ csrf }}">
<input type="hidden" name="grant" value="{{ r.grant }}">
<button type="submit" class="secondary">{{ t.revoke_button }} {{ r.client }}</button>
</form>
</li>{% endfor %}
</ul>{% else %}<p>{{ t.none }}</p>{% endif %}
{% endblock %}"#;

const ERROR: &str = r#"{% extends "base.html" %}{% block body %}
<p class="error" role="alert">{{ message }}</p>
<p class="note">{{ t.back }}</p>
{% endblock %}"#;

/// The stylesheet (`/oauth/style.css`).
pub const STYLE: &str = "\
:root{color-scheme:light;--ink:#1d2330;--muted:#4f5b6d;--accent:#0b5cad;--line:#d5dbe3}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--ink);background:#f3f5f8}
main{max-width:26rem;margin:8vh auto;padding:2rem;background:#fff;border:1px solid var(--line);border-radius:12px}
.brand{margin:0 0 .5rem;font-weight:700;letter-spacing:.04em;color:var(--accent)}
h1{font-size:1.35rem;margin:0 0 1rem}
label{display:block;margin:1rem 0 .25rem;font-weight:600}
input[type=text],input[type=password]{width:100%;padding:.6rem .7rem;font:inherit;border:1px solid #8a94a3;border-radius:8px}
input:focus,button:focus{outline:3px solid #7fb0e6;outline-offset:1px}
button{display:block;width:100%;margin-top:1rem;padding:.7rem;font:inherit;font-weight:600;color:#fff;background:var(--accent);border:0;border-radius:8px;cursor:pointer}
button.secondary{color:var(--accent);background:#fff;border:1px solid var(--accent)}
.clients{list-style:none;padding:0}
.clients li{padding:.8rem 0;border-top:1px solid var(--line)}
.error{padding:.6rem .8rem;color:#8a1c1c;background:#fdecec;border-radius:8px}
.note{margin-top:1.5rem;font-size:.9rem;color:var(--muted)}
ul{padding-left:1.2rem}
";

/// The words of the pages.
fn words(lang: Lang) -> minijinja::Value {
    match lang {
        Lang::Fr => minijinja::Value::from_serialize(serde_json::json!({
            "sign_in": "Connexion à votre caisse",
            "intro": "Connectez-vous avec l'identifiant et le mot de passe du back-office de votre caisse pour autoriser",
            "login": "Identifiant",
            "password": "Mot de passe",
            "submit": "Se connecter",
            "note": "Votre mot de passe est vérifié par votre caisse et n'est jamais conservé.",
            "consent": "Autoriser l'accès",
            "signed_in": "Connecté à la boutique",
            "asks": "demande à :",
            "read": "consulter la boutique : ventes, commandes, catalogue, clients, rapports",
            "write": "enregistrer des ventes et modifier le catalogue et les clients",
            "allow": "Autoriser",
            "allow_read": "Autoriser en lecture seule",
            "deny": "Refuser",
            "revoke": "Vous pourrez retirer cet accès à tout moment.",
            "error": "Connexion impossible",
            "back": "Revenez à l'application qui vous a envoyé ici et recommencez.",
            "account": "Applications connectées",
            "account_intro": "Connectez-vous avec l'identifiant et le mot de passe du back-office de votre caisse pour voir les applications connectées à votre boutique.",
            "rights_all": "consulte la boutique, enregistre des ventes, modifie le catalogue",
            "rights_read": "consulte la boutique",
            "since": "connectée le",
            "last_used": "dernier usage le",
            "revoke_button": "Retirer l'accès de",
            "none": "Aucune application n'est connectée à cette boutique.",
        })),
        Lang::En => minijinja::Value::from_serialize(serde_json::json!({
            "sign_in": "Sign in to your point of sale",
            "intro": "Sign in with your POS back-office login and password to allow",
            "login": "Login",
            "password": "Password",
            "submit": "Sign in",
            "note": "Your password is checked by your POS and never kept.",
            "consent": "Allow access",
            "signed_in": "Signed in to shop",
            "asks": "asks to:",
            "read": "read the shop: sales, orders, catalogue, customers, reports",
            "write": "record sales and change the catalogue and customers",
            "allow": "Allow",
            "allow_read": "Allow read-only",
            "deny": "Deny",
            "revoke": "You can take this access back at any time.",
            "error": "Cannot sign in",
            "back": "Go back to the application that sent you here and try again.",
            "account": "Connected applications",
            "account_intro": "Sign in with your POS back-office login and password to see the applications connected to your shop.",
            "rights_all": "reads the shop, records sales, changes the catalogue",
            "rights_read": "reads the shop",
            "since": "connected",
            "last_used": "last used",
            "revoke_button": "Revoke",
            "none": "No application is connected to this shop.",
        })),
    }
}

fn env() -> Environment<'static> {
    let mut env = Environment::new();
    // Every template is HTML: everything interpolated is escaped.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    for (name, source) in [
        ("base.html", BASE),
        ("sign_in.html", SIGN_IN),
        ("consent.html", CONSENT),
        ("error.html", ERROR),
        ("account.html", ACCOUNT),
    ] {
        if let Err(e) = env.add_template(name, source) {
            tracing::error!(error = %e, "a page template does not compile");
        }
    }
    env
}

fn render(name: &str, ctx: minijinja::Value) -> String {
    thread_local! {
        static ENV: Environment<'static> = env();
    }
    ENV.with(|env| {
        env.get_template(name)
            .and_then(|t| t.render(ctx))
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "a page does not render");
                "<!doctype html><title>Kash</title><p>Error</p>".to_owned()
            })
    })
}

/// The headers of every page: no caching, no framing, no script, forms to ourselves (and,
/// after consent, to the client's redirect origin).
fn page(status: StatusCode, html: String, form_to: Option<&str>) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    let form_action = match form_to {
        Some(origin) => format!("'self' {origin}"),
        None => "'self'".to_owned(),
    };
    let csp = format!(
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action {form_action}; frame-ancestors 'none'; base-uri 'none'"
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    (status, headers, html).into_response()
}

/// What the sign-in page shows.
#[derive(Debug)]
pub struct SignIn<'a> {
    pub lang: Lang,
    pub client: &'a str,
    pub host: &'a str,
    pub request: &'a str,
    pub csrf: &'a str,
    pub login: &'a str,
    pub error: Option<&'a str>,
}

/// The sign-in page.
pub fn sign_in(p: &SignIn<'_>) -> Response {
    let t = words(p.lang);
    let title = t.get_attr("sign_in").unwrap_or_default();
    let status = if p.error.is_some() {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    let html = render(
        "sign_in.html",
        context! {
            lang => p.lang.code(), title, t, client => p.client, host => p.host,
            request => p.request, csrf => p.csrf, login => p.login, error => p.error,
            action => "/authorize",
        },
    );
    page(status, html, None)
}

/// The account page's sign-in.
pub fn account_sign_in(lang: Lang, csrf: &str, login: &str, error: Option<&str>) -> Response {
    let t = words(lang);
    let title = t.get_attr("account").unwrap_or_default();
    let status = if error.is_some() {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    let html = render(
        "sign_in.html",
        context! {
            lang => lang.code(), title, t, csrf, login, error, action => "/account",
        },
    );
    page(status, html, None)
}

/// An application connected to a shop, on the account page.
#[derive(Debug, serde::Serialize)]
pub struct Connected {
    pub grant: String,
    pub client: String,
    pub since: String,
    pub last_used: String,
    pub write: bool,
}

/// The account page: the applications connected to the shop.
pub fn account(lang: Lang, shop: &str, rows: &[Connected], csrf: &str) -> Response {
    let t = words(lang);
    let title = t.get_attr("account").unwrap_or_default();
    let html = render(
        "account.html",
        context! { lang => lang.code(), title, t, shop, rows, csrf },
    );
    page(StatusCode::OK, html, None)
}

/// What the consent page shows.
#[derive(Debug)]
pub struct Consent<'a> {
    pub lang: Lang,
    pub shop: &'a str,
    pub client: &'a str,
    pub host: &'a str,
    pub write: bool,
    pub pending: &'a str,
    pub csrf: &'a str,
    /// The client's redirect origin (the form's answer redirects there).
    pub redirect_origin: &'a str,
}

/// The consent page.
pub fn consent(p: &Consent<'_>) -> Response {
    let t = words(p.lang);
    let title = t.get_attr("consent").unwrap_or_default();
    let html = render(
        "consent.html",
        context! {
            lang => p.lang.code(), title, t, shop => p.shop, client => p.client, host => p.host,
            write => p.write, pending => p.pending, csrf => p.csrf,
        },
    );
    page(StatusCode::OK, html, Some(p.redirect_origin))
}

/// An error shown on a page (never redirected: the redirect URI is not trusted yet).
pub fn error(lang: Lang, status: StatusCode, message: &str) -> Response {
    let t = words(lang);
    let title = t.get_attr("error").unwrap_or_default();
    let html = render(
        "error.html",
        context! { lang => lang.code(), title, t, message },
    );
    page(status, html, None)
}

/// The sign-in could not be stored (the record store is unreachable): try again.
pub fn store_unavailable(lang: Lang) -> Response {
    error(
        lang,
        StatusCode::SERVICE_UNAVAILABLE,
        lang.pick(
            "The server cannot store the sign-in right now: try again.",
            "Le serveur ne peut pas enregistrer la connexion pour le moment : réessayez.",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_page_shows_is_escaped() {
        let evil = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>";
        let html = render(
            "sign_in.html",
            context! {
                lang => "en", title => "t", t => words(Lang::En), client => evil, host => evil,
                request => evil, csrf => evil, login => evil, error => evil,
            },
        );
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(!html.contains("<img src=x"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }
}
