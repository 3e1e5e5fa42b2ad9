//! Who may call, per request. Three ways in (`--auth`):
//!
//! - **static**: callers bring their shop's credentials in `Authorization: Bearer
//!   SHOPID:APIKEY` (or `X-Kash-Shop-Id` and `X-Kash-Api-Key`). The key is verified against the
//!   POS before anything is served; the verdict is remembered briefly under a keyed hash of the
//!   credential (never the key itself). A wrong key for a real shop id gets another tenant key
//!   and so nothing cached for that shop (the core's tenant invariant).
//! - **single-shop**: the operator's shop; callers present one of the server's own tokens
//!   (`KASH_HTTP_TOKENS`), compared in constant time, each read-only or read-write.
//! - **oauth**: the OAuth authorization server (not in this version: refused at start).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use http::HeaderMap;
use kash_api::{Credentials, KashError, Pool};
use kash_mcp_core::config::Key;
use kash_mcp_core::{Caller, CredentialsHint, Rights, Shop};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::principal::Principal;

/// Why a request is not let in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// No credential, or one in the wrong form (401).
    #[error("{0}")]
    Missing(String),
    /// The credential is wrong (401).
    #[error("{0}")]
    Wrong(String),
    /// The POS could not be asked whether it is right (503; try again).
    #[error("{0}")]
    Unverified(String),
}

/// How callers authenticate.
#[derive(Debug)]
pub enum Auth {
    /// Callers bring their shop's credentials.
    Static(StaticAuth),
    /// One shop; callers present the server's tokens.
    SingleShop(SingleShop),
    /// Callers signed in through the server's own OAuth authorization server.
    OAuth(std::sync::Arc<crate::oauth::OAuth>),
}

impl Auth {
    /// The principal of a request with these headers.
    ///
    /// # Errors
    /// [`Refusal`], to answer 401 or 503.
    pub async fn principal(&self, headers: &HeaderMap) -> Result<Principal, Refusal> {
        match self {
            Self::Static(s) => s.principal(headers).await,
            Self::SingleShop(s) => s.principal(headers),
            Self::OAuth(o) => o.principal(headers).await,
        }
    }

    /// The `WWW-Authenticate` value of a 401: OAuth clients learn where to sign in.
    pub fn challenge(&self, wrong: bool) -> String {
        match self {
            Self::OAuth(o) => o.challenge(wrong.then_some("invalid_token")),
            _ => "Bearer realm=\"kash-mcp\"".to_owned(),
        }
    }
}

/// A keyed hash, as text: what identifies a credential in memory and logs.
pub(crate) fn keyed(secret: &[u8], parts: &[&[u8]]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    for p in parts {
        mac.update(p);
        mac.update(b"\0");
    }
    hex::encode(mac.finalize().into_bytes().get(..16).unwrap_or_default())
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// What static-mode callers are told when the POS refuses their credentials.
pub fn header_hint() -> CredentialsHint {
    CredentialsHint::new(
        "Check the shop id and API key your client sends (Authorization: Bearer SHOPID:APIKEY); find them in the POS back office under Setup > Webservices.",
        "Vérifiez l'identifiant de boutique et la clé d'API qu'envoie votre client (Authorization: Bearer SHOPID:APIKEY) ; ils sont dans le back-office de la caisse, Paramétrage > Webservices.",
    )
}

/// Static mode: each caller's own shop credentials, verified against the POS.
#[derive(Debug)]
pub struct StaticAuth {
    pool: Pool,
    base_url: String,
    template: Template,
    /// Verdicts by keyed hash of the credential: when, and the principal if the POS accepted
    /// it (kept, so that a known caller costs one hash and a lookup per request).
    verdicts: Mutex<HashMap<String, Verdict>>,
    /// The shop of requests without credentials (the demo shop only).
    anonymous: Option<Credentials>,
}

/// What the POS said of a credential, and when.
#[derive(Debug)]
struct Verdict {
    at: Instant,
    /// `None`: refused.
    accepted: Option<Principal>,
}

impl Verdict {
    fn fresh(&self) -> bool {
        let ttl = if self.accepted.is_some() {
            ACCEPTED_FOR
        } else {
            REFUSED_FOR
        };
        self.at.elapsed() < ttl
    }
}

/// What every principal of a server shares: its defaults and the key of its hashes.
#[derive(Debug, Clone)]
pub struct Template {
    /// The shops' time zone.
    pub time_zone: jiff::tz::TimeZone,
    /// The key of tenant keys and credential hashes.
    pub secret: Key,
    /// Marks the shops as the built-in demo shop.
    pub demo: bool,
}

impl Template {
    /// A shop of this template reached through `client`.
    pub(crate) fn shop(&self, client: kash_api::KashClient) -> Shop {
        let shop = Shop::new(client, self.time_zone.clone(), &self.secret);
        if self.demo { shop.demo() } else { shop }
    }
}

/// How long the POS's "yes" is trusted.
const ACCEPTED_FOR: Duration = Duration::from_secs(10 * 60);
/// How long its "no" is.
const REFUSED_FOR: Duration = Duration::from_secs(60);
/// Most verdicts remembered.
const MAX_VERDICTS: usize = 100_000;

impl StaticAuth {
    /// Callers' shops at `base_url`, reached through `pool`.
    pub fn new(pool: Pool, base_url: String, template: Template) -> Self {
        Self {
            pool,
            base_url,
            template,
            verdicts: Mutex::new(HashMap::new()),
            anonymous: None,
        }
    }

    /// Serves requests that bring no credentials as this shop: the embedded demo shop, whose
    /// data is made up, so that clients without a header setting (the conformance suite, a
    /// first try with the Inspector) can use it.
    #[must_use]
    pub fn open_to(mut self, demo: Credentials) -> Self {
        self.anonymous = Some(demo);
        self
    }

    fn credentials(&self, headers: &HeaderMap) -> Result<Credentials, Refusal> {
        let given = bearer(headers).is_some()
            || headers.contains_key("x-kash-shop-id")
            || headers.contains_key("x-kash-api-key");
        match &self.anonymous {
            Some(demo) if !given => Ok(demo.clone()),
            _ => Self::given(headers),
        }
    }

    fn given(headers: &HeaderMap) -> Result<Credentials, Refusal> {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        let (shop, key) = match (
            bearer(headers),
            header("x-kash-shop-id"),
            header("x-kash-api-key"),
        ) {
            (Some(token), _, _) => token.split_once(':').ok_or_else(|| {
                Refusal::Missing(
                    "the bearer token must be SHOPID:APIKEY (the shop id, a colon, the API key)"
                        .into(),
                )
            })?,
            (None, Some(shop), Some(key)) => (shop, key),
            _ => {
                return Err(Refusal::Missing(
                    "send Authorization: Bearer SHOPID:APIKEY (or X-Kash-Shop-Id and X-Kash-Api-Key)"
                        .into(),
                ));
            }
        };
        Ok(Credentials {
            shop_id: kash_api::ShopId::new(shop).map_err(|e| Refusal::Missing(e.to_string()))?,
            api_key: kash_api::ApiKey::new(key).map_err(|e| Refusal::Missing(e.to_string()))?,
        })
    }

    async fn principal(&self, headers: &HeaderMap) -> Result<Principal, Refusal> {
        let credentials = self.credentials(headers)?;
        let known_as = keyed(
            &self.template.secret,
            &[
                credentials.shop_id.as_str().as_bytes(),
                credentials.api_key.expose_secret().as_bytes(),
            ],
        );
        let accepted = match self.verdict(&known_as) {
            Some(accepted) => accepted,
            None => {
                let accepted = self.ask(credentials).await?;
                self.remember(known_as, accepted.clone());
                accepted
            }
        };
        accepted.ok_or_else(|| {
            Refusal::Wrong(
                "the POS refused this shop id and API key (Setup > Webservices in the back office)"
                    .into(),
            )
        })
    }

    /// Asks the POS about `credentials`: their principal if it accepts them.
    async fn ask(&self, credentials: Credentials) -> Result<Option<Principal>, Refusal> {
        let client = self
            .pool
            .client(credentials, &self.base_url)
            .map_err(|e| Refusal::Missing(e.to_string()))?;
        if !verify(&client).await? {
            return Ok(None);
        }
        let fingerprint = client
            .key_fingerprint(&self.template.secret)
            .unwrap_or_default();
        let id = keyed(
            &self.template.secret,
            &[
                client.base_url().as_bytes(),
                client.shop_id().as_str().as_bytes(),
                fingerprint.as_bytes(),
            ],
        );
        let shop = self.template.shop(client);
        Ok(Some(Principal {
            id: id.into(),
            caller: Caller::of(shop).with_credentials_hint(header_hint()),
        }))
    }

    /// The remembered verdict on a credential, if still fresh.
    fn verdict(&self, known_as: &str) -> Option<Option<Principal>> {
        let map = self.verdicts.lock().ok()?;
        let verdict = map.get(known_as).filter(|v| v.fresh())?;
        Some(verdict.accepted.clone())
    }

    fn remember(&self, known_as: String, accepted: Option<Principal>) {
        if let Ok(mut map) = self.verdicts.lock() {
            if map.len() >= MAX_VERDICTS {
                map.retain(|_, v| v.fresh());
                if map.len() >= MAX_VERDICTS {
                    map.clear();
                }
            }
            map.insert(
                known_as,
                Verdict {
                    at: Instant::now(),
                    accepted,
                },
            );
        }
    }
}

/// Asks the POS whether it accepts the client's credentials: a list it answers quickly.
async fn verify(client: &kash_api::KashClient) -> Result<bool, Refusal> {
    match client.list_cashboxes().await {
        Ok(_) => Ok(true),
        Err(e) if kash_mcp_core::error::is_refusal(&e) => Ok(false),
        Err(KashError::Api { status, .. }) if status == 401 || status == 403 => Ok(false),
        Err(e) => Err(Refusal::Unverified(format!(
            "the POS could not be reached to check the credentials ({}); try again",
            kash_mcp_core::error::upstream_message(kash_mcp_core::Lang::En, &e)
        ))),
    }
}

/// Single-shop mode: the operator's shop, the server's own tokens.
#[derive(Debug)]
pub struct SingleShop {
    shop: Shop,
    tokens: Vec<Token>,
    secret: Key,
}

/// One of the server's tokens.
#[derive(Clone)]
pub struct Token {
    value: Vec<u8>,
    read_only: bool,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("read_only", &self.read_only)
            .finish_non_exhaustive()
    }
}

/// Reads `KASH_HTTP_TOKENS`: tokens separated by commas, each `TOKEN` (read-write),
/// `TOKEN:rw` or `TOKEN:ro` (read-only).
///
/// # Errors
/// An empty list, a token shorter than 16 characters, or an unknown suffix.
pub fn parse_tokens(text: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    for item in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        let (value, read_only) = match item.rsplit_once(':') {
            Some((v, "ro")) => (v, true),
            Some((v, "rw")) => (v, false),
            Some((_, other)) if !other.is_empty() && other.len() <= 3 => {
                return Err(format!("a token ends with `:{other}`: use :ro or :rw"));
            }
            _ => (item, false),
        };
        if value.len() < 16 {
            return Err("every token needs 16 characters or more".into());
        }
        tokens.push(Token {
            value: value.as_bytes().to_vec(),
            read_only,
        });
    }
    if tokens.is_empty() {
        return Err("KASH_HTTP_TOKENS is empty: give one token or more".into());
    }
    Ok(tokens)
}

impl SingleShop {
    /// The operator's `shop`, open to holders of `tokens`.
    pub fn new(shop: Shop, tokens: Vec<Token>, secret: Key) -> Self {
        Self {
            shop,
            tokens,
            secret,
        }
    }

    fn principal(&self, headers: &HeaderMap) -> Result<Principal, Refusal> {
        let given = bearer(headers)
            .ok_or_else(|| Refusal::Missing("send Authorization: Bearer <token>".into()))?;
        // Every token is compared, in constant time, whatever matches.
        let mut found: Option<(usize, &Token)> = None;
        for (i, t) in self.tokens.iter().enumerate() {
            if bool::from(t.value.as_slice().ct_eq(given.as_bytes())) {
                found = Some((i, t));
            }
        }
        let (index, token) = found.ok_or_else(|| Refusal::Wrong("unknown token".into()))?;
        let rights = if token.read_only {
            Rights::read_only()
        } else {
            Rights::all()
        };
        Ok(Principal {
            id: keyed(&self.secret, &[b"token", index.to_string().as_bytes()]).into(),
            caller: Caller::of(self.shop.clone())
                .with_rights(rights)
                .with_credentials_hint(CredentialsHint::new(
                    "The server's own shop credentials were refused: tell the server's operator.",
                    "Les identifiants de boutique du serveur ont été refusés : prévenez son exploitant.",
                )),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_read_with_their_rights() {
        let t = parse_tokens("aaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbb:ro,cccccccccccccccc:rw").unwrap();
        assert_eq!(
            t.iter().map(|t| t.read_only).collect::<Vec<_>>(),
            [false, true, false]
        );
        assert!(parse_tokens("short").is_err());
        assert!(parse_tokens("aaaaaaaaaaaaaaaa:xx").is_err());
        assert!(parse_tokens(" , ").is_err());
    }

    #[test]
    fn credentials_come_from_the_bearer_or_the_two_headers() {
        let mut h = HeaderMap::new();
        h.insert("authorization", "Bearer 1042:sbx_key".parse().unwrap());
        let c = StaticAuth::given(&h).unwrap();
        assert_eq!(c.shop_id.as_str(), "1042");
        let mut h = HeaderMap::new();
        h.insert("x-kash-shop-id", "7".parse().unwrap());
        h.insert("x-kash-api-key", "k".parse().unwrap());
        assert_eq!(StaticAuth::given(&h).unwrap().shop_id.as_str(), "7");
        let mut h = HeaderMap::new();
        h.insert("authorization", "Bearer no-colon".parse().unwrap());
        assert!(matches!(StaticAuth::given(&h), Err(Refusal::Missing(_))));
        assert!(matches!(
            StaticAuth::given(&HeaderMap::new()),
            Err(Refusal::Missing(_))
        ));
    }

    #[test]
    fn keyed_hashes_depend_on_the_key_and_hide_the_credential() {
        let a = keyed(b"k1", &[b"shop", b"secret-key"]);
        assert_ne!(a, keyed(b"k2", &[b"shop", b"secret-key"]));
        assert_ne!(a, keyed(b"k1", &[b"shop", b"other-key"]));
        assert!(!a.contains("secret"));
        assert_eq!(a.len(), 32);
    }
}
