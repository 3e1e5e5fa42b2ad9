//! Turning the settings into a client: the real shop's, or the embedded demo shop's (started
//! here, on loopback).

use std::time::Duration;

use kash_api::KashClient;
use kash_sandbox::{Sandbox, SandboxConfig};

use super::settings::ShopChoice;
use crate::caller::{Caller, CredentialsHint};
use crate::config::Config;
use crate::shop::Shop;

/// The shop a binary serves, and the sandbox to stop at the end (if any).
#[derive(Debug)]
pub struct Launched {
    /// A client for the shop.
    pub client: KashClient,
    /// The embedded demo shop, when serving it.
    pub sandbox: Option<Sandbox>,
}

impl Launched {
    /// The one caller of a process serving this shop: the person who started it, with every
    /// right (the configuration narrows them), told to fix their settings when the POS refuses
    /// the key.
    pub fn caller(&self, config: &Config) -> Caller {
        let mut shop = Shop::new(
            self.client.clone(),
            config.time_zone.clone(),
            &config.tenant_secret,
        );
        if self.sandbox.is_some() {
            shop = shop.demo();
        }
        Caller::of(shop).with_credentials_hint(settings_hint())
    }
}

/// What to check when the POS refuses the credentials of a shop set up by flags, environment
/// or `.env`.
pub fn settings_hint() -> CredentialsHint {
    CredentialsHint::new(
        "Check SHOPID and APIKEY (flags, environment or .env file) against the POS back office, Setup > Webservices (the extended licence is required).",
        "Vérifiez SHOPID et APIKEY (options, environnement ou fichier .env) dans le back-office de la caisse, Paramétrage > Webservices (licence étendue requise).",
    )
}

/// Why the shop could not be set up (the binary prints it and exits).
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    /// A setting is wrong (exit code 2).
    #[error("{0}")]
    Config(String),
    /// The demo shop could not start (exit code 1).
    #[error("cannot start the demo shop: {0}")]
    Sandbox(std::io::Error),
}

/// Whom the process serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// One user (kash-stdio): a large answer is read into the pages of the previous one
    /// ([`kash_api::PoolBuilder::reuse_answer_buffer`]).
    One,
    /// Many at once (kash-http): each answer gets a buffer of its own.
    Many,
}

/// Starts the demo shop or builds the real shop's client. Says on stderr what it ignores or
/// allows that the user should know about (`program` names the binary).
///
/// # Errors
/// [`LaunchError`]; for [`ShopChoice::Missing`] a configuration error naming what is missing.
pub async fn launch(
    program: &str,
    choice: &ShopChoice,
    timeout: Duration,
    now: Option<jiff::Timestamp>,
    audience: Audience,
) -> Result<Launched, LaunchError> {
    match choice {
        ShopChoice::Sandbox { ignored } => {
            if !ignored.is_empty() {
                eprintln!(
                    "{program}: --sandbox serves the built-in demo shop; ignoring {} found in the flags, environment or .env file.",
                    ignored.join(", ")
                );
            }
            let sandbox = Sandbox::start(SandboxConfig {
                now,
                ..SandboxConfig::default()
            })
            .await
            .map_err(LaunchError::Sandbox)?;
            let c = sandbox.credentials();
            let client = KashClient::builder(&c.shop_id, &c.api_key)
                .base_url(sandbox.base_url())
                .timeout(timeout)
                .reuse_answer_buffer(audience == Audience::One)
                .build()
                .map_err(|e| LaunchError::Config(e.to_string()))?;
            tracing::info!(base_url = sandbox.base_url(), shop_id = %c.shop_id, "serving the demo shop");
            Ok(Launched {
                client,
                sandbox: Some(sandbox),
            })
        }
        ShopChoice::Real {
            shop_id,
            api_key,
            api_base,
            allow_insecure_http,
        } => {
            let mut b = KashClient::builder(shop_id, api_key)
                .timeout(timeout)
                .reuse_answer_buffer(audience == Audience::One)
                .allow_insecure_http(*allow_insecure_http);
            if let Some(base) = api_base {
                b = b.base_url(base);
            }
            let client = b
                .build()
                .map_err(|e| LaunchError::Config(format!("{program}: {e}")))?;
            if client.base_url().starts_with("http://")
                && url::Url::parse(client.base_url()).is_ok_and(|u| !kash_api::is_loopback(&u))
            {
                eprintln!(
                    "{program}: WARNING: the POS address {} is plain http://: the API key travels in clear on the network (--allow-insecure-http).",
                    client.base_url()
                );
            }
            Ok(Launched {
                client,
                sandbox: None,
            })
        }
        ShopChoice::Missing { missing } => Err(LaunchError::Config(format!(
            "{program}: missing {}.\n\
             Find SHOPID and APIKEY in your POS back office under Setup > Webservices \
             (the webservices need the extended licence), then pass them as --shopid and \
             --apikey, as SHOPID and APIKEY in the environment, or in a .env file.\n\
             To try the server without an account: {program} --sandbox",
            missing.join(" and ")
        ))),
    }
}
