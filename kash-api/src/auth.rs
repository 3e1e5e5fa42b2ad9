//! `getAuthToken.php`: from a back-office login to the shop's webservice credentials.

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use tracing::Instrument;

use crate::client::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, http_client, normalize_base_url};
use crate::credentials::{ApiKey, Credentials, ShopId};
use crate::decode::{error_envelope, scrub_secret, shorten, text_message};
use crate::error::{KashError, Result};

const SCRIPT: &str = "getAuthToken.php";

pub(crate) async fn login(
    base_url: &str,
    login: &str,
    password: &SecretString,
) -> Result<Credentials> {
    if login.trim().is_empty() || password.expose_secret().is_empty() {
        return Err(KashError::invalid(
            "the login and the password are required",
        ));
    }
    let base = normalize_base_url(base_url, false)?;
    let http = http_client(
        DEFAULT_TIMEOUT,
        DEFAULT_CONNECT_TIMEOUT,
        concat!("kash-api/", env!("CARGO_PKG_VERSION")),
    )?;
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("login", login.trim())
        .append_pair("password", password.expose_secret())
        .finish();
    let span = tracing::debug_span!("kash_api.call", script = SCRIPT, attempt = 1);
    let (status, bytes) = async {
        let response = http
            .post(format!("{base}/workers/{SCRIPT}"))
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded; charset=UTF-8",
            )
            .body(body)
            .send()
            .await
            .map_err(|e| crate::client::transport_error(SCRIPT, e))?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| crate::client::transport_error(SCRIPT, e))?;
        tracing::debug!(status, "call done");
        Ok::<_, KashError>((status, bytes))
    }
    .instrument(span)
    .await?;
    let text = String::from_utf8_lossy(&bytes);
    let scrub = |s: &str| scrub_secret(s, password.expose_secret());
    let refused = |message: String| KashError::Api {
        endpoint: SCRIPT,
        status,
        explicit: true,
        message,
    };
    let Ok(value) = serde_json::from_str::<Value>(text.trim()) else {
        return Err(KashError::Api {
            endpoint: SCRIPT,
            status,
            explicit: false,
            message: format!("expected JSON, got: {}", text_message(&text, &scrub)),
        });
    };
    let field = |name: &str| {
        value
            .as_object()
            .and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
            .and_then(|(_, v)| match v {
                Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
    };
    match (field("SHOPID"), field("APIKEY")) {
        (Some(shop), Some(key)) if error_envelope(&value).is_none() => Ok(Credentials {
            shop_id: ShopId::new(shop)?,
            api_key: ApiKey::new(key)?,
        }),
        _ => {
            let detail = error_envelope(&value)
                .map(|m| format!(": {}", shorten(&scrub(&m), 200)))
                .unwrap_or_default();
            Err(refused(format!("wrong login or password{detail}")))
        }
    }
}
