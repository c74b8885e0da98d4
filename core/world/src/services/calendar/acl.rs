//! `acl`: who may see or change a calendar. Only owners read or change the rules; a rule's id is
//! `<scope type>:<scope value>` (or `default`), as in Google's API.

use rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};

use super::access::{etag, put_acl, require, Role};
use super::body::valid_email;
use crate::rest::{ApiError, Ctx, Reply};
use crate::store::clock::rfc3339;

struct Rule {
    id: String,
    scope_type: String,
    scope_value: Option<String>,
    role: String,
    updated: String,
}

fn render(r: &Rule) -> Value {
    let mut scope = json!({"type": r.scope_type});
    if let Some(v) = &r.scope_value {
        scope["value"] = json!(v);
    }
    json!({
        "kind": "calendar#aclRule",
        "etag": etag(&[&r.id, &r.role, &r.updated]),
        "id": r.id,
        "scope": scope,
        "role": r.role,
    })
}

fn load(ctx: &Ctx<'_>, cal_id: &str, rule_id: &str) -> Result<Option<Rule>, ApiError> {
    Ok(ctx
        .db
        .prepare_cached(
            "SELECT rule_id, scope_type, scope_value, role, updated FROM calendar_acl \
             WHERE calendar_id = ?1 AND rule_id = ?2 COLLATE NOCASE",
        )?
        .query_row(params![cal_id, rule_id], |r| {
            Ok(Rule {
                id: r.get(0)?,
                scope_type: r.get(1)?,
                scope_value: r.get(2)?,
                role: r.get(3)?,
                updated: r.get(4)?,
            })
        })
        .optional()?)
}

/// `acl.list`.
pub fn list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (cal, _) = require(ctx, ctx.param("calendarId"), Role::Owner)?;
    let max = ctx.query.int_in("maxResults", 100, 1, 250)? as usize;
    ctx.query.bool("showDeleted", false)?;
    let offset = match ctx.query.get("pageToken").filter(|s| !s.is_empty()) {
        None => 0,
        Some(t) => t
            .strip_prefix("acl-")
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| ApiError::invalid_parameter("pageToken", t))?,
    };
    let rules: Vec<Rule> = {
        let mut stmt = ctx.db.prepare_cached(
            "SELECT rule_id, scope_type, scope_value, role, updated FROM calendar_acl \
             WHERE calendar_id = ?1 ORDER BY rule_id",
        )?;
        let rows = stmt.query_map([&cal.id], |r| {
            Ok(Rule {
                id: r.get(0)?,
                scope_type: r.get(1)?,
                scope_value: r.get(2)?,
                role: r.get(3)?,
                updated: r.get(4)?,
            })
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let total = rules.len();
    let items: Vec<Value> = rules.iter().skip(offset).take(max).map(render).collect();
    let stamp: Vec<&str> = rules.iter().map(|r| r.updated.as_str()).collect();
    let mut out = json!({
        "kind": "calendar#acl",
        "etag": etag(&[&cal.id, &stamp.join(",")]),
        "items": items,
    });
    if offset + max < total {
        out["nextPageToken"] = json!(format!("acl-{}", offset + max));
    } else {
        out["nextSyncToken"] = json!(format!("acl-sync-{}", ctx.now.timestamp()));
    }
    Ok(Reply::ok(out))
}

/// `acl.get`.
pub fn get(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (cal, _) = require(ctx, ctx.param("calendarId"), Role::Owner)?;
    let rule =
        load(ctx, &cal.id, ctx.param("ruleId"))?.ok_or_else(|| ApiError::not_found("Not Found"))?;
    Ok(Reply::ok(render(&rule)))
}

fn parse_role(v: Option<&Value>) -> Result<Role, ApiError> {
    let name = v
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::required("role"))?;
    Role::parse(name).ok_or_else(|| ApiError::bad_request(format!("Invalid role '{name}'.")))
}

/// `acl.insert` (an existing rule for the same scope is replaced).
pub fn insert(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (cal, _) = require(ctx, ctx.param("calendarId"), Role::Owner)?;
    ctx.query.bool("sendNotifications", true)?;
    let body = ctx.body_value()?;
    let role = parse_role(body.get("role"))?;
    let scope = body
        .get("scope")
        .ok_or_else(|| ApiError::required("scope"))?;
    let scope_type = scope
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::required("scope.type"))?;
    let value = scope.get("value").and_then(Value::as_str).map(str::trim);
    let value = match scope_type {
        "default" => None,
        "user" | "group" => {
            let v = value.ok_or_else(|| ApiError::required("scope.value"))?;
            if !valid_email(v) {
                return Err(ApiError::bad_request(format!("Invalid scope value '{v}'.")));
            }
            Some(v.to_ascii_lowercase())
        }
        "domain" => {
            let v = value
                .filter(|v| v.contains('.') && !v.contains('@'))
                .ok_or_else(|| ApiError::bad_request("Invalid scope value for a domain."))?;
            Some(v.to_ascii_lowercase())
        }
        other => {
            return Err(ApiError::bad_request(format!(
                "Invalid scope type '{other}'."
            )))
        }
    };
    if scope_type == "default" && role > Role::Reader {
        return Err(ApiError::bad_request(
            "The default scope can only be given none, freeBusyReader or reader.",
        ));
    }
    if value.as_deref().is_some_and(|v| owner_rule(&cal, v)) && role != Role::Owner {
        return Err(ApiError::new(
            400,
            "cannotChangeOwnAcl",
            "Cannot change your own access level.",
        ));
    }
    let now = rfc3339(ctx.now);
    let id = put_acl(ctx.db, &cal.id, scope_type, value.as_deref(), role, &now)?;
    let rule = load(ctx, &cal.id, &id)?.ok_or_else(|| ApiError::internal("rule vanished"))?;
    Ok(Reply::ok(render(&rule)))
}

/// Whether `email` is the owner of `cal`'s primary identity (whose own rule cannot change).
fn owner_rule(cal: &super::access::CalendarRow, email: &str) -> bool {
    cal.is_primary && cal.id.eq_ignore_ascii_case(email)
}

fn modify(ctx: &mut Ctx<'_>, replace: bool) -> Result<Reply, ApiError> {
    let (cal, _) = require(ctx, ctx.param("calendarId"), Role::Owner)?;
    let mut rule =
        load(ctx, &cal.id, ctx.param("ruleId"))?.ok_or_else(|| ApiError::not_found("Not Found"))?;
    let body = ctx.body_value()?;
    if let Some(scope) = body.get("scope").filter(|s| !s.is_null()) {
        let same_type = scope.get("type").and_then(Value::as_str) == Some(rule.scope_type.as_str());
        let same_value = match scope.get("value").and_then(Value::as_str) {
            None => true,
            Some(v) => rule
                .scope_value
                .as_deref()
                .is_some_and(|r| r.eq_ignore_ascii_case(v)),
        };
        if !same_type || !same_value {
            return Err(ApiError::bad_request(
                "The scope of a rule cannot be changed.",
            ));
        }
    }
    let role = match body.get("role") {
        None if !replace => Role::parse(&rule.role).unwrap_or(Role::None),
        v => parse_role(v)?,
    };
    if rule
        .scope_value
        .as_deref()
        .is_some_and(|v| owner_rule(&cal, v))
        && role != Role::Owner
    {
        return Err(ApiError::new(
            400,
            "cannotChangeOwnAcl",
            "Cannot change your own access level.",
        ));
    }
    if rule.scope_type == "default" && role > Role::Reader {
        return Err(ApiError::bad_request(
            "The default scope can only be given none, freeBusyReader or reader.",
        ));
    }
    rule.role = role.as_str().to_string();
    rule.updated = rfc3339(ctx.now);
    ctx.db.execute(
        "UPDATE calendar_acl SET role = ?3, updated = ?4 WHERE calendar_id = ?1 AND rule_id = ?2",
        params![cal.id, rule.id, rule.role, rule.updated],
    )?;
    Ok(Reply::ok(render(&rule)))
}

pub fn update(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    modify(ctx, true)
}

pub fn patch(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    modify(ctx, false)
}

/// `acl.delete`.
pub fn delete(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (cal, _) = require(ctx, ctx.param("calendarId"), Role::Owner)?;
    let rule =
        load(ctx, &cal.id, ctx.param("ruleId"))?.ok_or_else(|| ApiError::not_found("Not Found"))?;
    if rule
        .scope_value
        .as_deref()
        .is_some_and(|v| owner_rule(&cal, v))
    {
        return Err(ApiError::new(
            400,
            "cannotChangeOwnAcl",
            "Cannot remove the owner of a primary calendar.",
        ));
    }
    ctx.db.execute(
        "DELETE FROM calendar_acl WHERE calendar_id = ?1 AND rule_id = ?2",
        params![cal.id, rule.id],
    )?;
    Ok(Reply::no_content())
}
