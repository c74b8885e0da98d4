//! The `rest` profile: one generic request tool over the router, limited to the task's apps.

use serde_json::{json, Value};

use super::{Access, App, Args, Session, Tool, ToolError};
use env0_world::Method;

pub const NAME: &str = "api_request";

/// The world's path prefixes of `app` (the router's own table).
fn prefixes(app: App) -> &'static [&'static str] {
    env0_world::service_prefixes(app.name())
}

pub fn tool(apps: &[App]) -> Tool {
    let names: Vec<&str> = apps.iter().map(|a| a.name()).collect();
    let roots: Vec<&str> = apps
        .iter()
        .flat_map(|a| prefixes(*a).iter().copied())
        .collect();
    Tool {
        name: NAME,
        app: apps.first().copied().unwrap_or(App::Gmail),
        access: Access::Write,
        description: format!(
            "Call the workspace's REST API ({}) like Google's and Slack's HTTP APIs. Paths start with {}; \
             `me` is the user. Returns the JSON response.",
            names.join(", "),
            roots.join(" ")
        ),
        parameters: json!({"type": "object", "properties": {
            "method": {"type": "string", "enum": ["GET", "POST", "PUT", "PATCH", "DELETE"]},
            "path": {"type": "string", "description": "path with query string, e.g. /gmail/v1/users/me/messages?q=is:unread"},
            "body": {"type": "object", "description": "JSON body for POST/PUT/PATCH"}},
            "required": ["method", "path"]}),
        run: request,
    }
}

fn request(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let method: Method = a.str("method")?.parse().map_err(ToolError::new)?;
    let path = a.str("path")?;
    if !path.starts_with('/') {
        return Err(ToolError::new(
            "path must start with '/', e.g. /gmail/v1/users/me/profile",
        ));
    }
    let allowed = s
        .apps
        .iter()
        .any(|app| prefixes(*app).iter().any(|p| path.starts_with(p)));
    if !allowed {
        let roots: Vec<&str> = s
            .apps
            .iter()
            .flat_map(|a| prefixes(*a).iter().copied())
            .collect();
        return Err(ToolError::new(format!(
            "{path} is not part of this task's apps; paths must start with one of: {}",
            roots.join(" ")
        )));
    }
    let body = match a.has("body") {
        true if method == Method::Get => {
            return Err(ToolError::new(
                "a GET request takes no body; put parameters in the query string",
            ))
        }
        true => Some(a.value("body").clone()),
        false => None,
    };
    s.call(method, path, body)
}
