//! The Kash point of sale as MCP tools, resources and prompts, for any transport.
//!
//! [`KashMcp`] is an rmcp [`ServerHandler`]: give it a [`Config`], a [`ShopProvider`] (who the
//! caller is and which shop they work for, per request) and a [`Store`] (previews and
//! idempotency records), then serve it over stdio or Streamable HTTP. Cached days of orders for
//! the analytics live in a store of their own ([`KashMcp::with_stores`]; in memory by default),
//! so that they can never push a sale's record out.
//!
//! ```no_run
//! use std::sync::Arc;
//! use kash_mcp_core::{Config, KashMcp, MemoryStore, StaticShop};
//! use rmcp::ServiceExt;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = kash_api::KashClient::builder("12345", "my-api-key").build()?;
//! let server = KashMcp::new(
//!     Config::default(),
//!     Arc::new(StaticShop::new(client)),
//!     Arc::new(MemoryStore::default()),
//! );
//! let running = server.serve(rmcp::transport::stdio()).await?;
//! running.waiting().await?;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod analytics;
mod args;
mod catalog;
pub mod config;
mod confirm;
pub mod error;
mod fetch;
#[cfg(feature = "front")]
pub mod front;
pub mod i18n;
pub mod jsonrpc;
mod normalize;
mod pages;
pub mod period;
mod prompts;
mod resources;
pub mod schema;
pub mod search;
pub mod shop;
pub mod store;
mod tools;
mod validate;
pub mod views;

use std::sync::Arc;
use std::time::Instant;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, GetPromptRequestParams, GetPromptResponse,
    Implementation, ListPromptsResult, ListResourceTemplatesResult, ListResourcesResult,
    ListToolsResult, PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse,
    RequestStateCodec, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};

pub use catalog::CatalogCache;
pub use config::{Clock, Config, Toolset, parse_toolsets};
pub use i18n::Lang;
pub use shop::{NoShop, Shop, ShopProvider, StaticShop};
pub use store::{MemoryStore, Store, StoreError};

/// The server's name in `serverInfo`.
pub const SERVER_NAME: &str = "kash-mcp";

/// The MCP server for a Kash POS. Cheap to clone.
#[derive(Clone)]
pub struct KashMcp {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for KashMcp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KashMcp")
            .field("lang", &self.inner.config.lang)
            .field("tools", &self.inner.tools.len())
            .finish_non_exhaustive()
    }
}

/// Shared state of the server.
pub(crate) struct Inner {
    pub config: Config,
    pub shops: Arc<dyn ShopProvider>,
    pub store: Arc<dyn Store>,
    /// Encoded days of orders (analytics); never the records of sales.
    pub day_store: Arc<dyn Store>,
    pub catalog: CatalogCache,
    /// Recent order queries, for paging.
    pub pages: pages::PageCache,
    pub days: analytics::loader::DayCache,
    pub codec: RequestStateCodec,
    specs: Vec<tools::Spec>,
    /// Each spec's argument validator, compiled at its first call.
    validators: Vec<std::sync::OnceLock<Result<validate::ArgsValidator, String>>>,
    tools: Vec<Tool>,
    instructions: String,
}

impl KashMcp {
    /// A server with this configuration, shop provider and store, caching days of orders in
    /// memory (at most 128 MiB).
    pub fn new(config: Config, shops: Arc<dyn ShopProvider>, store: Arc<dyn Store>) -> Self {
        Self::with_stores(
            config,
            shops,
            store,
            Arc::new(MemoryStore::with_limits(100_000, 128 << 20)),
        )
    }

    /// A server whose cached days of orders go to `day_store` (a shared store lets every
    /// replica use the days one of them fetched).
    pub fn with_stores(
        config: Config,
        shops: Arc<dyn ShopProvider>,
        store: Arc<dyn Store>,
        day_store: Arc<dyn Store>,
    ) -> Self {
        let lang = config.lang;
        let mut specs: Vec<tools::Spec> = tools::all_specs()
            .into_iter()
            .filter(|s| s.toolset.is_none_or(|t| config.toolsets.contains(&t)))
            .filter(|s| !(config.read_only && s.writes()))
            .collect();
        specs.sort_by_key(|s| s.name);
        let tools = specs.iter().map(|s| s.tool(lang)).collect();
        let validators = specs.iter().map(|_| std::sync::OnceLock::new()).collect();
        let codec = RequestStateCodec::new_unchecked(config.request_state_key.clone());
        let instructions = instructions(&config);
        Self {
            inner: Arc::new(Inner {
                catalog: CatalogCache::new(config.catalog_ttl),
                pages: pages::PageCache::default(),
                days: analytics::loader::DayCache::new(config.analytics_memory_orders),
                config,
                shops,
                store,
                day_store,
                codec,
                specs,
                validators,
                tools,
                instructions,
            }),
        }
    }

    /// The tools this server offers, sorted by name.
    pub fn tools(&self) -> &[Tool] {
        &self.inner.tools
    }

    /// Whether the prompt `name` is offered: the tools it uses are.
    fn prompt_offered(&self, name: &str) -> bool {
        prompts::needs(name).iter().all(|t| self.offers(t))
    }

    /// Whether the tool `name` is offered.
    fn offers(&self, name: &str) -> bool {
        self.inner.specs.iter().any(|s| s.name == name)
    }
}

/// A prompt argument, trimmed.
fn prompt_arg(request: &GetPromptRequestParams, name: &str) -> Option<String> {
    request
        .arguments
        .as_ref()
        .and_then(|a| a.get(name))
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn instructions(config: &Config) -> String {
    let tz = config.time_zone.iana_name().unwrap_or("UTC");
    let mut s = tr!(
        config.lang,
        "Tools for a Kash point of sale (café, bakery, restaurant, shop). Amounts are euros with VAT included; dates are ISO 8601; periods (today, this_week…) are resolved in the shop's time zone, {}. Sales: payment -2 is a quote, -1 validated but unpaid, a payment mode id means paid. Record a sale safely: find ids (data_list_products, data_list_tables…), call sale_create with dryRun, show the preview, then confirmPreviewId; never record twice, and if a sale MAY have been recorded, check data_list_orders. For revenue, best customers or trends use sales_summary: it computes exact figures. Read kash://guide for the codes and which tool answers which question.",
        "Outils pour une caisse Kash (café, boulangerie, restaurant, boutique). Montants en euros TTC ; dates ISO 8601 ; les périodes (today, this_week…) sont calculées dans le fuseau de la boutique, {}. Ventes : payment -2 est un devis, -1 validée non payée, un identifiant de mode de paiement signifie payée. Pour enregistrer une vente en sécurité : trouvez les identifiants (data_list_products, data_list_tables…), appelez sale_create avec dryRun, montrez l'aperçu, puis confirmPreviewId ; n'enregistrez jamais deux fois, et si une vente A PU être enregistrée, vérifiez data_list_orders. Pour le chiffre d'affaires, les meilleurs clients ou les tendances, utilisez sales_summary : il calcule des chiffres exacts. Lisez kash://guide pour les codes et quel outil répond à quelle question.",
        tz
    );
    if config.demo {
        s.insert_str(
            0,
            config.lang.pick(
                "DEMO SHOP: this is the built-in demo shop (simulated data, afresh at every start); nothing here is a real sale or a real customer. ",
                "BOUTIQUE DE DÉMONSTRATION : c'est la boutique de démonstration intégrée (données simulées, remises à zéro à chaque démarrage) ; rien ici n'est une vraie vente ni un vrai client. ",
            ),
        );
    }
    if config.read_only {
        s.push(' ');
        s.push_str(config.lang.pick(
            "This server is read-only: it records and changes nothing.",
            "Ce serveur est en lecture seule : il n'enregistre et ne modifie rien.",
        ));
    }
    s
}

impl ServerHandler for KashMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_prompts()
                .build(),
        )
        .with_server_info(
            Implementation::new(SERVER_NAME, env!("CARGO_PKG_VERSION"))
                .with_title("Kash POS")
                .with_description(self.inner.config.lang.pick(
                    "Run a Kash point of sale: sales, orders, catalogue, stock, customers.",
                    "Piloter une caisse Kash : ventes, commandes, catalogue, stock, clients.",
                )),
        )
        .with_instructions(self.inner.instructions.clone())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.inner.tools.clone()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.inner.tools.iter().find(|t| t.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = tools::canonical_name(&request.name);
        let Some(index) = self.inner.specs.iter().position(|s| s.name == name) else {
            return Err(ErrorData::invalid_params(
                format!("unknown tool `{}`", request.name),
                None,
            ));
        };
        let (Some(spec), Some(validator)) = (
            self.inner.specs.get(index),
            self.inner.validators.get(index),
        ) else {
            return Err(ErrorData::internal_error("tool table out of step", None));
        };
        let lang = self.inner.config.lang;
        // Held to the published schema before anything runs.
        let mut args = request.arguments.clone().unwrap_or_default();
        (spec.normalize)(&mut args);
        let validator = validator
            .get_or_init(|| validate::ArgsValidator::new(&(spec.input)(lang)))
            .as_ref()
            .map_err(|e| {
                tracing::error!(tool = spec.name, error = %e, "input schema does not compile");
                ErrorData::internal_error("the tool's input schema does not compile", None)
            })?;
        if let Err(e) = validator.check(lang, &mut args) {
            tracing::info!(tool = spec.name, is_error = true, "invalid arguments");
            return Ok(e.into_result().into());
        }
        let mut request = request;
        request.arguments = Some(args);
        let ctx = tools::Ctx {
            inner: &self.inner,
            rc: &context,
            params: &request,
            lang,
        };
        let started = Instant::now();
        let outcome = tools::dispatch(spec.id, &ctx).await;
        let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        match outcome {
            Ok(mut response) => {
                if let CallToolResponse::Complete(r) = &mut response
                    && let Some(v) = r.structured_content.as_mut()
                {
                    schema::strip_nulls(v);
                }
                let is_error =
                    matches!(&response, CallToolResponse::Complete(r) if r.is_error == Some(true));
                tracing::info!(tool = spec.name, elapsed_ms, is_error, "tool call");
                Ok(response)
            }
            Err(e) => {
                tracing::info!(tool = spec.name, elapsed_ms, is_error = true, "tool call");
                Ok(e.into_result().into())
            }
        }
    }

    /// A known method whose params rmcp could not read reaches here as a custom request:
    /// answer `-32602` (invalid params), not `-32601` (method not found).
    async fn on_custom_request(
        &self,
        request: rmcp::model::CustomRequest,
        _context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::CustomResult, ErrorData> {
        match jsonrpc::screen_custom(&request.method, request.params.as_ref()) {
            Some(message) => Err(ErrorData::invalid_params(message, None)),
            None => Err(ErrorData::new(
                rmcp::model::ErrorCode::METHOD_NOT_FOUND,
                request.method,
                None,
            )),
        }
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Ok(ListResourcesResult::with_all_items(resources::list(
            self.inner.config.lang,
        )))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let lang = self.inner.config.lang;
        match request.uri.as_str() {
            resources::GUIDE => Ok(resources::text(
                resources::GUIDE,
                "text/markdown",
                resources::guide(lang).to_owned(),
            )
            .into()),
            resources::SHOP => {
                let shop = self
                    .inner
                    .shops
                    .shop(&context)
                    .await
                    .map_err(|e| ErrorData::invalid_request(e.0, None))?;
                let text = resources::shop_overview(&self.inner, &shop, lang).await?;
                Ok(resources::text(resources::SHOP, "application/json", text).into())
            }
            uri if uri.starts_with("kash://reports/") && self.offers("report_sales") => {
                let shop = self
                    .inner
                    .shops
                    .shop(&context)
                    .await
                    .map_err(|e| ErrorData::invalid_request(e.0, None))?;
                let today = self
                    .inner
                    .config
                    .clock
                    .now()
                    .to_zoned(self.inner.config.time_zone.clone())
                    .date();
                tools::report::read(&shop, lang, uri, today)
                    .await
                    .map(Into::into)
            }
            other => Err(ErrorData::resource_not_found(
                format!(
                    "unknown resource `{other}`; resources: kash://guide, kash://shop, kash://reports/<date>.<ext>"
                ),
                None,
            )),
        }
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        let templates = if self.offers("report_sales") {
            vec![resources::report_template(self.inner.config.lang)]
        } else {
            Vec::new()
        };
        Ok(ListResourceTemplatesResult::with_all_items(templates))
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        let offered: Vec<_> = prompts::list(self.inner.config.lang)
            .into_iter()
            .filter(|p| self.prompt_offered(&p.name))
            .collect();
        Ok(ListPromptsResult::with_all_items(offered))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        let lang = self.inner.config.lang;
        if !self.prompt_offered(&request.name) {
            return Err(ErrorData::invalid_params(
                format!(
                    "unknown prompt `{}`: this server does not offer it",
                    request.name
                ),
                None,
            ));
        }
        match request.name.as_str() {
            "record_sale" => {
                let order = request
                    .arguments
                    .as_ref()
                    .and_then(|a| a.get("order"))
                    .and_then(|v| v.as_str())
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .ok_or_else(|| {
                        ErrorData::invalid_params(
                            lang.pick(
                                "the `order` argument is required",
                                "l'argument `order` est obligatoire",
                            ),
                            None,
                        )
                    })?;
                Ok(prompts::record_sale(lang, order).into())
            }
            "daily_report" => prompts::daily_report(lang, prompt_arg(&request, "date").as_deref())
                .map(Into::into)
                .map_err(|e| ErrorData::invalid_params(e, None)),
            "weekly_report" => {
                prompts::weekly_report(lang, prompt_arg(&request, "week").as_deref())
                    .map(Into::into)
                    .map_err(|e| ErrorData::invalid_params(e, None))
            }
            "end_of_day" => {
                let overview = match self.inner.shops.shop(&context).await {
                    Ok(shop) => resources::shop_overview(&self.inner, &shop, lang)
                        .await
                        .ok(),
                    Err(_) => None,
                };
                Ok(prompts::end_of_day(lang, overview).into())
            }
            other => Err(ErrorData::invalid_params(
                format!(
                    "unknown prompt `{other}`; prompts: record_sale, daily_report, weekly_report, end_of_day"
                ),
                None,
            )),
        }
    }
}
