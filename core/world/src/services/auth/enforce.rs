//! Bearer-token enforcement for every service, off unless the world turns it on
//! (`auth_settings.enforce = 'true'`, see [`super::tokens::set_enforcement`]).
//!
//! The router calls [`enforce`] once a route is found and before it resolves the acting user.
//! The identity service's own endpoints are never checked, and Slack requests that carry a Slack
//! token (`xoxp-`/`xoxb-`) are left to Slack's own token handling. Everything else needs a live
//! access token holding one of the scopes the request needs ([`super::scopes::required`]); the
//! token's user then acts (a `user` named in the request is ignored). Each decision is audited.

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::json;

use super::scopes;
use super::tokens;
use crate::rest::{ApiError, Method};
use crate::store::clock;

fn refuse(service: &str, status: u16, slack_code: &str, reason: &str, message: String) -> ApiError {
    if service == "slack" {
        ApiError::slack(slack_code)
    } else {
        ApiError::new(status, reason, message)
    }
}

/// Checks a request's bearer token; `Ok(Some(user id))` names the user it acts as.
pub fn enforce(
    conn: &Connection,
    service: &str,
    method: Method,
    path: &str,
    token: Option<&str>,
) -> Result<Option<String>, ApiError> {
    if service == "auth" || !tokens::enforcement_on(conn)? {
        return Ok(None);
    }
    let Some(needed) = scopes::required(service, method, path) else {
        return Ok(None);
    };
    let token = token.filter(|t| !t.is_empty());
    if service == "slack" && token.is_some_and(|t| t.starts_with("xox")) {
        return Ok(None);
    }
    let now: DateTime<Utc> = clock::now(conn)?;
    let Some(value) = token else {
        return Err(refuse(
            service,
            401,
            "not_authed",
            "unauthorized",
            "Request is missing required authentication credential.".into(),
        ));
    };
    let Some(t) = tokens::load(conn, value)?.filter(|t| t.kind == "access") else {
        return Err(refuse(
            service,
            401,
            "invalid_auth",
            "unauthorized",
            "Request had invalid authentication credentials.".into(),
        ));
    };
    let detail = json!({"method": method.as_str(), "path": path});
    if t.revoked {
        tokens::audit(
            conn,
            now,
            t.user_id.as_deref(),
            Some(&t.client_id),
            "api_call_denied",
            None,
            json!({"method": method.as_str(), "path": path, "reason": "token_revoked"}),
        )?;
        return Err(refuse(
            service,
            401,
            "token_revoked",
            "unauthorized",
            "The access token was revoked.".into(),
        ));
    }
    if t.expired(now) {
        tokens::audit(
            conn,
            now,
            t.user_id.as_deref(),
            Some(&t.client_id),
            "api_call_denied",
            None,
            json!({"method": method.as_str(), "path": path, "reason": "token_expired"}),
        )?;
        return Err(refuse(
            service,
            401,
            "token_expired",
            "unauthorized",
            "The access token expired; refresh it.".into(),
        ));
    }
    let used = if needed.is_empty() {
        t.scopes.first().cloned()
    } else {
        needed
            .iter()
            .find(|s| t.scopes.iter().any(|x| x == *s))
            .map(|s| s.to_string())
    };
    if used.is_none() && !needed.is_empty() {
        tokens::audit(
            conn,
            now,
            t.user_id.as_deref(),
            Some(&t.client_id),
            "api_call_denied",
            Some(&needed.join(" ")),
            json!({"method": method.as_str(), "path": path, "reason": "insufficient_scope"}),
        )?;
        return Err(refuse(
            service,
            403,
            "missing_scope",
            "insufficientPermissions",
            format!(
                "Request had insufficient authentication scopes: needs one of {}",
                needed.join(", ")
            ),
        ));
    }
    let Some(user) = t.user_id.clone() else {
        return Err(refuse(
            service,
            403,
            "invalid_auth",
            "forbidden",
            "This token has no subject; use client_credentials with subject=<user>.".into(),
        ));
    };
    tokens::touch(conn, now, &t)?;
    tokens::audit(
        conn,
        now,
        Some(&user),
        Some(&t.client_id),
        "api_call",
        used.as_deref(),
        detail,
    )?;
    Ok(Some(user))
}
