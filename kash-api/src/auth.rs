//! `getAuthToken.php`: from a back-office login to the shop's webservice credentials. A request
//! like any other, sent through the one send path (timeouts, scrubbing, error mapping), by a
//! client without shop credentials ([`crate::Pool::login`]).

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use crate::credentials::{ApiKey, Credentials, ShopId};
use crate::decode::{error_envelope, shorten};
use crate::error::{KashError, Result};
use crate::request::{Endpoint, EndpointSpec, Params, RawResponse, Sealed};

const SCRIPT: &str = "getAuthToken.php";

/// Request: the shop's credentials for a back-office login and password.
#[derive(Clone)]
pub struct Login {
    login: String,
    password: SecretString,
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Login")
            .field("login", &self.login)
            .field("password", &"[REDACTED]")
            .finish()
    }
}

impl Login {
    /// The request.
    pub fn new(login: impl Into<String>, password: SecretString) -> Self {
        Self {
            login: login.into(),
            password,
        }
    }
}

impl Sealed for Login {}

impl Endpoint for Login {
    type Output = Credentials;

    fn spec(&self) -> EndpointSpec {
        EndpointSpec::anonymous_post(SCRIPT)
    }

    fn params(&self) -> Result<Params> {
        if self.login.trim().is_empty() || self.password.expose_secret().is_empty() {
            return Err(KashError::invalid(
                "the login and the password are required",
            ));
        }
        let mut p = Params::new();
        p.push("login", self.login.trim().to_owned());
        p.push("password", self.password.expose_secret().to_owned());
        Ok(p)
    }

    fn scrub_secret(&self) -> Option<&SecretString> {
        Some(&self.password)
    }

    fn decode(&self, response: RawResponse) -> Result<Self::Output> {
        let status = response.status;
        let refused = |message: String| KashError::Api {
            endpoint: SCRIPT,
            status,
            explicit: true,
            message,
        };
        let value: Value = match response.json_value() {
            Ok(v) => v,
            // An error envelope is a refused login; other unreadable answers stay as they are.
            Err(KashError::Api {
                explicit: true,
                message,
                ..
            }) => return Err(refused(format!("wrong login or password: {message}"))),
            Err(e) => return Err(e),
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
                    .map(|m| format!(": {}", shorten(&response.scrubbed(&m), 200)))
                    .unwrap_or_default();
                Err(refused(format!("wrong login or password{detail}")))
            }
        }
    }
}
