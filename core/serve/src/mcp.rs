//! The world's native tools over MCP (the official Rust SDK, `rmcp`): the same tools, schemas
//! and results a model sees in an env0 episode (`env0_core::tools`, profile `native`, every app).
//!
//! Over streamable HTTP the endpoint is `/mcp` on the server's port; a session acts on the world
//! named by its request's `X-Env0-World` header (default `default`) as the user named by
//! `X-Env0-User` (default the world's primary user). Over stdio (`env0 serve --mcp`) it acts on
//! the `default` world.

use std::sync::Arc;

use env0_core::tools::{App, Profile, Toolkit};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::Value;

use crate::http::{USER_HEADER, WORLD_HEADER};
use crate::worlds::{Worlds, DEFAULT_WORLD};

/// One MCP session's view of the server: which worlds it can reach.
#[derive(Clone)]
pub struct McpTools {
    shared: Arc<crate::Shared>,
    /// The acting user when the transport carries no headers (stdio).
    user: Option<String>,
}

impl McpTools {
    pub(crate) fn new(shared: Arc<crate::Shared>, user: Option<String>) -> McpTools {
        McpTools { shared, user }
    }

    fn worlds(&self) -> &Worlds {
        &self.shared.worlds
    }

    fn toolkit(user: Option<String>) -> Toolkit {
        Toolkit::new(Profile::Native, &App::ALL, user)
    }
}

/// A header of the HTTP request behind an MCP call (none over stdio).
fn header(ctx: &RequestContext<RoleServer>, name: &str) -> Option<String> {
    ctx.extensions
        .get::<axum::http::request::Parts>()
        .and_then(|p| p.headers.get(name))
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

impl ServerHandler for McpTools {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("env0", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "Tools of an env0 mock workspace (Gmail, Calendar, Drive, Docs, Slack, \
                 connected apps). Results are compact JSON; errors say what the API refused.",
            )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        let tools = Self::toolkit(None)
            .tools()
            .iter()
            .map(|t| {
                let schema = match &t.parameters {
                    Value::Object(m) => m.clone(),
                    _ => serde_json::Map::new(),
                };
                Tool::new(t.name, t.description.clone(), Arc::new(schema))
            })
            .collect();
        Ok(ListToolsResult::with_all_items(tools))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let world = header(&context, WORLD_HEADER).unwrap_or_else(|| DEFAULT_WORLD.to_string());
        let user = header(&context, USER_HEADER).or_else(|| self.user.clone());
        let slot = self
            .worlds()
            .get(&world)
            .map_err(|e| McpError::invalid_params(e.to_string(), None))?;
        let name = request.name.to_string();
        let arguments = Value::Object(request.arguments.unwrap_or_default());
        let output = tokio::task::spawn_blocking(move || {
            let kit = McpTools::toolkit(user);
            let mut world = slot.world();
            kit.call(&mut world, &name, &arguments)
        })
        .await
        .map_err(|e| McpError::internal_error(format!("the tool call failed: {e}"), None))?;
        let content = vec![ContentBlock::text(output.content)];
        let result = if output.ok {
            CallToolResult::success(content)
        } else {
            CallToolResult::error(content)
        };
        Ok(result.into())
    }
}
