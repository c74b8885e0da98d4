//! The surface a model acts through. Every tool dispatches into the world's REST router (so the
//! action log sees it and access control applies) and returns a result trimmed to what a small
//! model needs: ids and key fields as compact JSON, long bodies cut with a marker.
//!
//! Two profiles:
//! - `native`: compact per-app function tools (`gmail_search`, `calendar_create_event`, …);
//! - `rest`: one generic `api_request` tool over the same router, limited to the task's apps.
//!
//! A task shows only the tools of the apps it declares. Bad arguments come back as an error
//! message in the tool result — never a panic, never a lost world.

mod args;
mod auth;
mod calendar;
mod docs;
mod drive;
mod gmail;
mod rest;
mod slack;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use env0_world::World;
use env0_world::{Method, Request};

pub use args::Args;

/// An app a task can use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum App {
    Gmail,
    Calendar,
    Drive,
    Docs,
    Slack,
    Auth,
}

impl App {
    pub const ALL: [App; 6] = [
        App::Gmail,
        App::Calendar,
        App::Drive,
        App::Docs,
        App::Slack,
        App::Auth,
    ];

    pub fn name(self) -> &'static str {
        match self {
            App::Gmail => "gmail",
            App::Calendar => "calendar",
            App::Drive => "drive",
            App::Docs => "docs",
            App::Slack => "slack",
            App::Auth => "auth",
        }
    }
}

impl std::str::FromStr for App {
    type Err = String;
    fn from_str(s: &str) -> Result<App, String> {
        App::ALL
            .into_iter()
            .find(|a| a.name() == s)
            .ok_or_else(|| format!("unknown app '{s}' (gmail, calendar, drive, docs, slack, auth)"))
    }
}

/// Which tool surface a run uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    #[default]
    Native,
    Rest,
}

/// Whether a tool only reads or may change the world.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    Read,
    Write,
}

type ToolFn = fn(&mut Session<'_>, &Args) -> Result<Value, ToolError>;

/// A tool as a model sees it, plus how to run it.
#[derive(Clone)]
pub struct Tool {
    pub name: &'static str,
    pub app: App,
    pub access: Access,
    pub description: String,
    /// JSON schema of the arguments (an object schema).
    pub parameters: Value,
    run: ToolFn,
}

impl std::fmt::Debug for Tool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tool")
            .field("name", &self.name)
            .field("app", &self.app)
            .finish()
    }
}

impl Tool {
    /// The OpenAI function-tool form: `{"type":"function","function":{name, description, parameters}}`.
    pub fn to_openai(&self) -> Value {
        json!({"type": "function", "function": {
            "name": self.name, "description": self.description, "parameters": self.parameters}})
    }
}

/// How a tool call ended, as the episode loop, its listener and the eval count it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ToolOutcome {
    Ok,
    /// No tool of that name is offered.
    UnknownTool,
    /// The arguments do not fit the tool's schema: not an object, an unknown or missing field, a
    /// wrong type.
    BadArguments,
    /// The world's API answered with an error status.
    ApiError {
        status: u16,
    },
    /// The tool refused a well-formed call (a value out of range, nothing matched, …).
    Failed,
}

impl ToolOutcome {
    /// A call that does not fit the tool interface at all: what the eval counts as invalid.
    pub fn is_invalid_call(self) -> bool {
        matches!(self, ToolOutcome::UnknownTool | ToolOutcome::BadArguments)
    }
}

/// A failed tool call, shown to the model as the tool result.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolError {
    pub message: String,
    /// Never `Ok`.
    pub outcome: ToolOutcome,
}

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl ToolError {
    /// The tool refused a well-formed call.
    pub fn new(msg: impl Into<String>) -> ToolError {
        ToolError {
            message: msg.into(),
            outcome: ToolOutcome::Failed,
        }
    }

    /// The arguments do not fit the tool's schema.
    pub fn bad_arguments(msg: impl Into<String>) -> ToolError {
        ToolError {
            message: msg.into(),
            outcome: ToolOutcome::BadArguments,
        }
    }

    /// The world's API answered `status`.
    pub fn api(msg: impl Into<String>, status: u16) -> ToolError {
        ToolError {
            message: msg.into(),
            outcome: ToolOutcome::ApiError { status },
        }
    }
}

/// What a tool call returns to the episode loop.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolOutput {
    pub ok: bool,
    pub outcome: ToolOutcome,
    /// The text the model sees (compact JSON on success, `error: …` on failure).
    pub content: String,
}

/// The tools of a run: a profile, the task's apps and the acting user.
pub struct Toolkit {
    tools: Vec<Tool>,
    apps: Vec<App>,
    user: Option<String>,
}

/// A world plus the acting user, for tool implementations.
pub struct Session<'w> {
    pub world: &'w mut World,
    pub user: Option<String>,
    /// The task's apps (the `rest` tool refuses paths of other apps).
    pub apps: Vec<App>,
}

/// Longest text field shown to a model before it is cut.
pub const MAX_TEXT: usize = 2_000;

/// Cuts `text` to `max` characters with a visible marker saying how much was left out.
pub fn truncate(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{cut}… [truncated {} more characters]", count - max)
}

impl<'w> Session<'w> {
    /// Sends a request as the acting user; a non-2xx answer becomes a `ToolError` carrying the
    /// API's own message (so the model can correct itself).
    pub fn call(
        &mut self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, ToolError> {
        let mut req = Request::new(method, path);
        req.user = self.user.clone();
        if let Some(b) = body {
            req = req.with_body(b);
        }
        let resp = self.world.handle(&req);
        if resp.is_success() {
            return Ok(resp.body);
        }
        let message = resp.body["error"]["message"]
            .as_str()
            .map(str::to_string)
            .or_else(|| resp.body["error"].as_str().map(str::to_string))
            .unwrap_or_else(|| resp.body.to_string());
        Err(ToolError::api(
            format!("{} ({})", message, resp.status),
            resp.status,
        ))
    }

    pub fn get(&mut self, path: &str) -> Result<Value, ToolError> {
        self.call(Method::Get, path, None)
    }
}

/// Percent-encodes a query value or path segment.
pub(crate) fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn all_tools() -> Vec<Tool> {
    let mut v = gmail::tools();
    v.extend(calendar::tools());
    v.extend(drive::tools());
    v.extend(docs::tools());
    v.extend(slack::tools());
    v.extend(auth::tools());
    v
}

impl Toolkit {
    /// The tools for `apps` under `profile`, acting as `user` (None: the world's primary user).
    pub fn new(profile: Profile, apps: &[App], user: Option<String>) -> Toolkit {
        let tools = match profile {
            Profile::Native => all_tools()
                .into_iter()
                .filter(|t| apps.contains(&t.app))
                .collect(),
            Profile::Rest => vec![rest::tool(apps)],
        };
        Toolkit {
            tools,
            apps: apps.to_vec(),
            user,
        }
    }

    pub fn tools(&self) -> &[Tool] {
        &self.tools
    }

    /// Whether tool `name` reads or writes (`None`: no such tool in this kit).
    pub fn access(&self, name: &str) -> Option<Access> {
        self.tools.iter().find(|t| t.name == name).map(|t| t.access)
    }

    pub fn apps(&self) -> &[App] {
        &self.apps
    }

    /// Runs tool `name` with JSON `arguments`. Unknown tools and bad arguments are errors in the
    /// output, not failures of the call.
    pub fn call(&self, world: &mut World, name: &str, arguments: &Value) -> ToolOutput {
        let Some(tool) = self.tools.iter().find(|t| t.name == name) else {
            let names: Vec<&str> = self.tools.iter().map(|t| t.name).collect();
            return ToolOutput {
                ok: false,
                outcome: ToolOutcome::UnknownTool,
                content: format!(
                    "error: unknown tool '{name}'. Available tools: {}",
                    names.join(", ")
                ),
            };
        };
        let args = match Args::new(arguments, &tool.parameters) {
            Ok(a) => a,
            Err(e) => {
                return ToolOutput {
                    ok: false,
                    outcome: e.outcome,
                    content: format!("error: {e}"),
                }
            }
        };
        let mut session = Session {
            world,
            user: self.user.clone(),
            apps: self.apps.clone(),
        };
        match (tool.run)(&mut session, &args) {
            Ok(v) => ToolOutput {
                ok: true,
                outcome: ToolOutcome::Ok,
                content: serde_json::to_string(&v).unwrap_or_else(|_| v.to_string()),
            },
            Err(e) => ToolOutput {
                ok: false,
                outcome: e.outcome,
                content: format!("error: {e}"),
            },
        }
    }
}
