//! One call: what every handler works with (the shared state, the request, its caller and
//! language). Defined outside the tool layer, so that the analytics loader and the
//! confirmation flow use it without depending on the tools.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use rmcp::RoleServer;
use rmcp::model::{CallToolRequestParams, JsonObject};
use rmcp::service::RequestContext;

use crate::caller::Caller;
use crate::error::{ToolError, ToolResult};
use crate::i18n::Lang;
use crate::server::Shared;
use crate::shop::Shop;

/// A tool call in progress.
pub(crate) struct Call<'a> {
    /// Caches, stores, configuration: shared by every request.
    pub shared: &'a Shared,
    /// The MCP request (peer, progress token, protocol version, cancellation).
    pub rc: &'a RequestContext<RoleServer>,
    /// The tool's name and arguments (normalised and validated), and MRTR answers.
    pub params: &'a CallToolRequestParams,
    /// Who calls.
    pub caller: &'a Caller,
    /// The language of the answer.
    pub lang: Lang,
}

impl Call<'_> {
    /// The arguments.
    pub fn args(&self) -> Option<&JsonObject> {
        self.params.arguments.as_ref()
    }

    /// The caller's shop.
    pub fn shop(&self) -> ToolResult<Shop> {
        self.caller.shop.clone().map_err(|e| ToolError::NoShop(e.0))
    }

    /// Now, by the server's clock.
    pub fn now(&self) -> Timestamp {
        self.shared.config.clock.now()
    }

    /// The caller's shop's time zone (the server's default without a shop).
    pub fn tz(&self) -> &TimeZone {
        self.caller
            .shop
            .as_ref()
            .map_or(&self.shared.config.time_zone, |s| &s.time_zone)
    }
}
