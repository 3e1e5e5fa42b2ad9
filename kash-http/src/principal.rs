//! Who is calling, per request: the [`Principal`] the auth layer puts in the request's
//! extensions, and the core's [`ShopProvider`] that reads it back inside rmcp.

use std::sync::Arc;

use http::request::Parts;
use kash_mcp_core::store::BoxFuture;
use kash_mcp_core::{Caller, Lang, ShopProvider};
use rmcp::RoleServer;
use rmcp::service::RequestContext;

/// The authenticated caller of one HTTP request.
#[derive(Debug, Clone)]
pub struct Principal {
    /// Who this is, for sessions and rate limits: a keyed hash of the credential, never the
    /// credential.
    pub id: Arc<str>,
    /// Their shop, rights and language.
    pub caller: Caller,
}

/// Reads each request's [`Principal`] (see `auth`): nothing is process-wide.
#[derive(Debug, Default)]
pub struct HttpCallers;

impl ShopProvider for HttpCallers {
    fn caller<'a>(&'a self, context: &'a RequestContext<RoleServer>) -> BoxFuture<'a, Caller> {
        let caller = context
            .extensions
            .get::<Parts>()
            .and_then(|p| p.extensions.get::<Principal>())
            .map(|p| p.caller.clone());
        Box::pin(async move {
            caller.unwrap_or_else(|| {
                Caller::without_shop("not signed in: send the Authorization header again")
            })
        })
    }
}

/// The first language of an `Accept-Language` header this server speaks.
pub fn accept_language(header: Option<&str>) -> Option<Lang> {
    let mut best: Option<(f32, Lang)> = None;
    for part in header?.split(',') {
        let mut pieces = part.trim().split(';');
        let tag = pieces
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let q = pieces
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let lang = match tag.split('-').next().unwrap_or_default() {
            "fr" => Lang::Fr,
            "en" => Lang::En,
            _ => continue,
        };
        if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
            best = Some((q, lang));
        }
    }
    best.map(|(_, l)| l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preferred_language_we_speak() {
        assert_eq!(
            accept_language(Some("fr-FR,fr;q=0.9,en;q=0.8")),
            Some(Lang::Fr)
        );
        assert_eq!(
            accept_language(Some("de-DE,en;q=0.5,fr;q=0.7")),
            Some(Lang::Fr)
        );
        assert_eq!(accept_language(Some("de")), None);
        assert_eq!(accept_language(Some("fr;q=0,en")), Some(Lang::En));
        assert_eq!(accept_language(None), None);
    }
}
