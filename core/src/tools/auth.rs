//! Connected-app tools (the identity service): review the third-party apps that hold access to
//! the user's account, revoke a scope or a whole app, read the security audit log. Apps are named
//! by client id or by their display name.

use serde_json::{json, Value};

use super::{enc, Access, App, Args, Session, Tool, ToolError};
use env0_world::Method;

const BASE: &str = "/auth/v1";

const EVENTS: &[&str] = &[
    "consent_granted",
    "consent_denied",
    "token_issued",
    "token_refreshed",
    "token_revoked",
    "scope_revoked",
    "app_revoked",
    "api_call",
    "api_call_denied",
    "code_replay",
    "pkce_failed",
    "refresh_token_reuse",
];

fn app_param() -> Value {
    json!({"type": "string", "description": "the app's client id or name"})
}

pub fn tools() -> Vec<Tool> {
    vec![
        Tool {
            name: "auth_list_apps",
            app: App::Auth,
            access: Access::Read,
            description: "List third-party apps connected to the user's account, with their \
                          scopes, access level and last use."
                .into(),
            parameters: json!({"type": "object", "properties": {}, "required": []}),
            run: list_apps,
        },
        Tool {
            name: "auth_app_details",
            app: App::Auth,
            access: Access::Read,
            description: "Details of one connected app: publisher, verification, what each scope \
                          allows, active tokens."
                .into(),
            parameters: json!({"type": "object", "properties": {"app": app_param()}, "required": ["app"]}),
            run: app_details,
        },
        Tool {
            name: "auth_revoke_app",
            app: App::Auth,
            access: Access::Write,
            description: "Remove an app's access to the account entirely (ends its tokens).".into(),
            parameters: json!({"type": "object", "properties": {"app": app_param()}, "required": ["app"]}),
            run: revoke_app,
        },
        Tool {
            name: "auth_revoke_scope",
            app: App::Auth,
            access: Access::Write,
            description: "Take one permission (scope) away from an app; it keeps the others."
                .into(),
            parameters: json!({"type": "object", "properties": {
                "app": app_param(),
                "scope": {"type": "string", "description": "scope as listed, e.g. gmail or drive.readonly"}},
                "required": ["app", "scope"]}),
            run: revoke_scope,
        },
        Tool {
            name: "auth_read_audit_log",
            app: App::Auth,
            access: Access::Read,
            description: "Security audit log of the account, newest first, optionally for one app \
                          or one kind of event."
                .into(),
            parameters: json!({"type": "object", "properties": {
                "app": app_param(),
                "event": {"type": "string", "enum": EVENTS},
                "limit": {"type": "integer", "description": "1-100, default 20"}}, "required": []}),
            run: audit_log,
        },
    ]
}

fn apps(s: &mut Session<'_>) -> Result<Vec<Value>, ToolError> {
    let body = s.get(&format!("{BASE}/apps"))?;
    Ok(body["apps"].as_array().cloned().unwrap_or_default())
}

/// The client id of the connected app named by `given` (an id, or a name, exact or unique part).
fn resolve(s: &mut Session<'_>, given: &str) -> Result<String, ToolError> {
    let list = apps(s)?;
    let g = given.trim().to_lowercase();
    let id = |a: &Value| a["client_id"].as_str().unwrap_or_default().to_string();
    let name = |a: &Value| a["name"].as_str().unwrap_or_default().to_lowercase();
    if let Some(a) = list
        .iter()
        .find(|a| id(a).to_lowercase() == g || name(a) == g)
    {
        return Ok(id(a));
    }
    let partial: Vec<&Value> = list.iter().filter(|a| name(a).contains(&g)).collect();
    match partial.as_slice() {
        [one] => Ok(id(one)),
        [] => {
            let known: Vec<String> = list
                .iter()
                .map(|a| format!("{} ({})", a["name"].as_str().unwrap_or_default(), id(a)))
                .collect();
            Err(ToolError::new(format!(
                "no connected app '{given}'; connected apps: {}",
                known.join(", ")
            )))
        }
        many => {
            let names: Vec<String> = many.iter().map(|a| id(a)).collect();
            Err(ToolError::new(format!(
                "'{given}' matches several apps ({}); use the client id",
                names.join(", ")
            )))
        }
    }
}

fn scopes_short(app: &Value) -> Vec<Value> {
    app["scopes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| json!({"scope": s["scope"], "access": s["access"]}))
        .collect()
}

fn list_apps(s: &mut Session<'_>, _a: &Args) -> Result<Value, ToolError> {
    let list: Vec<Value> = apps(s)?
        .iter()
        .map(|a| {
            json!({
                "client_id": a["client_id"], "name": a["name"], "verified": a["verified"],
                "scopes": scopes_short(a), "last_used": a["last_used"],
                "days_since_last_used": a["days_since_last_used"],
            })
        })
        .collect();
    Ok(json!({"count": list.len(), "apps": list}))
}

fn app_details(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let id = resolve(s, a.str("app")?)?;
    s.get(&format!("{BASE}/apps/{}", enc(&id)))
}

fn revoke_app(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let id = resolve(s, a.str("app")?)?;
    s.call(Method::Delete, &format!("{BASE}/apps/{}", enc(&id)), None)
}

fn revoke_scope(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let id = resolve(s, a.str("app")?)?;
    let scope = a.str("scope")?;
    let r = s.call(
        Method::Post,
        &format!("{BASE}/apps/{}/revokeScope", enc(&id)),
        Some(json!({"scope": scope})),
    )?;
    let mut out =
        json!({"client_id": id, "revoked_scope": scope, "remaining_scopes": scopes_short(&r)});
    if r["revoked"] == true {
        out["app_revoked"] = json!(true);
    }
    Ok(out)
}

fn audit_log(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let limit = a.opt_i64("limit").unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(ToolError::new("limit must be between 1 and 100"));
    }
    let mut path = format!("{BASE}/audit?limit={limit}");
    if let Some(app) = a.opt_str("app") {
        // Revoked apps are no longer connected: their client id is used as given.
        let id = resolve(s, app).unwrap_or_else(|_| app.trim().to_string());
        path.push_str(&format!("&clientId={}", enc(&id)));
    }
    if let Some(e) = a.opt_str("event") {
        path.push_str(&format!("&event={}", enc(e)));
    }
    let body = s.get(&path)?;
    let events: Vec<Value> = body["events"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let mut v = json!({"time": e["time"], "event": e["event"], "app": e["client_id"]});
            if !e["scope"].is_null() {
                v["scope"] = e["scope"].clone();
            }
            if e["detail"].as_object().is_some_and(|d| !d.is_empty()) {
                v["detail"] = e["detail"].clone();
            }
            v
        })
        .collect();
    Ok(json!({"count": events.len(), "events": events}))
}
