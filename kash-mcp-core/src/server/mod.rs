//! The MCP handler: [`KashMcp`] holds what every request shares (the configuration, the shop
//! provider, the stores and caches, the tool table) and answers each request for its caller:
//! the tools, prompts and resources their rights allow, in their language.

mod tool_call;
mod views;

use std::sync::{Arc, OnceLock};

use rmcp::model::{
    CacheScope, CallToolRequestParams, CallToolResponse, GetPromptRequestParams, GetPromptResponse,
    Implementation, ListPromptsResult, ListResourceTemplatesResult, ListResourcesResult,
    ListToolsResult, PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse,
    RequestStateCodec, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};

pub(crate) use self::views::View;
use crate::analytics::loader::DayCache;
use crate::caller::{Caller, Rights};
use crate::config::Config;
use crate::i18n::Lang;
use crate::lists_cache::ListCache;
use crate::pages::PageCache;
use crate::shop::ShopProvider;
use crate::store::{MemoryStore, Store};
use crate::tools::{self, Spec};
use crate::validate::ArgsValidator;
use crate::{jsonrpc, prompts, resources, tr};

/// The server's name in `serverInfo`.
pub const SERVER_NAME: &str = "kash-mcp";

/// The MCP server for a Kash POS. Cheap to clone.
#[derive(Clone)]
pub struct KashMcp {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for KashMcp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KashMcp")
            .field("lang", &self.shared.config.lang)
            .field("tools", &self.shared.specs.len())
            .finish_non_exhaustive()
    }
}

/// What every request shares.
pub(crate) struct Shared {
    pub config: Config,
    pub shops: Arc<dyn ShopProvider>,
    /// Sale previews, idempotency records, confirmation nonces.
    pub store: Arc<dyn Store>,
    /// Encoded days of orders (analytics); never the records of sales.
    pub day_store: Arc<dyn Store>,
    pub lists: ListCache,
    pub pages: PageCache,
    pub days: DayCache,
    pub codec: RequestStateCodec,
    /// Every tool of the server.
    pub specs: Vec<Spec>,
    /// Each spec's argument validator, compiled at its first call.
    validators: Vec<OnceLock<Result<ArgsValidator, String>>>,
    views: views::Views,
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
        let specs = tools::all_specs();
        let validators = specs.iter().map(|_| OnceLock::new()).collect();
        let codec = RequestStateCodec::new_unchecked(config.request_state_key.to_vec());
        let instructions = instructions(&config);
        Self {
            shared: Arc::new(Shared {
                lists: ListCache::new(config.catalog_ttl),
                pages: PageCache::default(),
                days: DayCache::new(config.analytics_memory_orders),
                config,
                shops,
                store,
                day_store,
                codec,
                specs,
                validators,
                views: views::Views::default(),
                instructions,
            }),
        }
    }

    /// The tools a caller with every right sees, in the server's language, sorted by name
    /// (the server's own limits, `--read-only` and `--toolsets`, applied).
    pub fn tools(&self) -> Vec<Tool> {
        self.tools_for(&Rights::all())
    }

    /// The tools a caller with `rights` sees, in the server's language.
    pub fn tools_for(&self, rights: &Rights) -> Vec<Tool> {
        self.shared
            .view(rights, self.shared.config.lang)
            .tools
            .clone()
    }
}

impl Shared {
    /// The rights a caller has here: theirs, within the server's own limits.
    pub fn rights_of(&self, caller: &Caller) -> Rights {
        caller.rights.within(&self.config.ceiling())
    }

    /// The language of a caller's answers.
    pub fn lang_of(&self, caller: &Caller) -> Lang {
        caller.lang.unwrap_or(self.config.lang)
    }

    /// The tools callers with `rights` see in `lang`.
    pub fn view(&self, rights: &Rights, lang: Lang) -> Arc<View> {
        self.views
            .get(&self.specs, &rights.within(&self.config.ceiling()), lang)
    }

    /// The view of this caller.
    pub fn view_of(&self, caller: &Caller) -> Arc<View> {
        self.view(&caller.rights, self.lang_of(caller))
    }

    /// Whether a caller sees the tool `name`.
    pub fn offers(&self, caller: &Caller, name: &str) -> bool {
        self.view_of(caller).find(name).is_some()
    }
}

fn instructions(config: &Config) -> String {
    let tz = config.time_zone.iana_name().unwrap_or("UTC");
    let mut s = tr!(
        config.lang,
        "Tools for a Kash point of sale (café, bakery, restaurant, shop). Amounts are euros with VAT included; dates are ISO 8601; periods (today, this_week…) are resolved in the shop's time zone, {}. Sales: payment -2 is a quote, -1 validated but unpaid, a payment mode id means paid. Record a sale safely: find ids (data_list_products, data_list_tables…), call sale_create with dryRun, show the preview, then confirmPreviewId; never record twice, and if a sale MAY have been recorded, call again with the same key: the server checks. For revenue, best customers or trends use sales_summary: it computes exact figures. Read kash://guide for the codes and which tool answers which question.",
        "Outils pour une caisse Kash (café, boulangerie, restaurant, boutique). Montants en euros TTC ; dates ISO 8601 ; les périodes (today, this_week…) sont calculées dans le fuseau de la boutique, {}. Ventes : payment -2 est un devis, -1 validée non payée, un identifiant de mode de paiement signifie payée. Pour enregistrer une vente en sécurité : trouvez les identifiants (data_list_products, data_list_tables…), appelez sale_create avec dryRun, montrez l'aperçu, puis confirmPreviewId ; n'enregistrez jamais deux fois, et si une vente A PU être enregistrée, rappelez avec la même clé : le serveur vérifie. Pour le chiffre d'affaires, les meilleurs clients ou les tendances, utilisez sales_summary : il calcule des chiffres exacts. Lisez kash://guide pour les codes et quel outil répond à quelle question.",
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
                .with_description(self.shared.config.lang.pick(
                    "Run a Kash point of sale: sales, orders, catalogue, stock, customers.",
                    "Piloter une caisse Kash : ventes, commandes, catalogue, stock, clients.",
                )),
        )
        .with_instructions(self.shared.instructions.clone())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let caller = self.shared.shops.caller(&context).await;
        let view = self.shared.view_of(&caller);
        // The list depends on the caller's rights: never cached for anyone else.
        Ok(ListToolsResult::with_all_items(view.tools.clone())
            .with_cache_scope(CacheScope::Private))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        // Without a request: the tool as a caller with every right sees it (rmcp uses this to
        // check header-bound arguments; the call itself checks the caller's rights).
        let view = self.shared.view(&Rights::all(), self.shared.config.lang);
        view.tools.iter().find(|t| t.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        tool_call::run(&self.shared, request, &context).await
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
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let caller = self.shared.shops.caller(&context).await;
        Ok(
            ListResourcesResult::with_all_items(resources::list(self.shared.lang_of(&caller)))
                .with_cache_scope(CacheScope::Private),
        )
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let caller = self.shared.shops.caller(&context).await;
        resources::read(&self.shared, &caller, &request.uri)
            .await
            .map(Into::into)
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        let caller = self.shared.shops.caller(&context).await;
        let templates = if self.shared.offers(&caller, "report_sales") {
            vec![resources::report_template(self.shared.lang_of(&caller))]
        } else {
            Vec::new()
        };
        Ok(ListResourceTemplatesResult::with_all_items(templates)
            .with_cache_scope(CacheScope::Private))
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        let caller = self.shared.shops.caller(&context).await;
        let offered: Vec<_> = prompts::list(self.shared.lang_of(&caller))
            .into_iter()
            .filter(|p| prompts::offered(&self.shared, &caller, &p.name))
            .collect();
        Ok(ListPromptsResult::with_all_items(offered).with_cache_scope(CacheScope::Private))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        let caller = self.shared.shops.caller(&context).await;
        prompts::get(&self.shared, &caller, &request)
            .await
            .map(Into::into)
    }
}
