//! The signed-in user's connected apps (Google's "Third-party apps with account access"): list
//! apps with their scopes and last use, revoke one scope, revoke an app (ending its tokens), the
//! audit log, and the client registry.

use chrono::{DateTime, Utc};
use rusqlite::params;
use serde_json::{json, Value};

use super::oauth::load_client;
use super::scopes;
use super::tokens::{self, json_list};
use crate::rest::{ApiError, Ctx, Reply};
use crate::store::clock;

fn days_since(now: DateTime<Utc>, t: Option<&str>) -> Value {
    match t.and_then(|t| DateTime::parse_from_rfc3339(t).ok()) {
        Some(t) => json!((now - t.with_timezone(&Utc)).num_days()),
        None => Value::Null,
    }
}

fn app_json(
    ctx: &Ctx<'_>,
    client_id: &str,
    scopes_text: &str,
    granted_at: &str,
    last_used: Option<&str>,
) -> Result<Value, ApiError> {
    let client = load_client(ctx.db, client_id)?;
    let scopes = json_list(scopes_text);
    let live_tokens: i64 = ctx.db.query_row(
        "SELECT COUNT(*) FROM auth_tokens WHERE client_id = ?1 AND user_id = ?2 AND revoked = 0 \
         AND (expires_at IS NULL OR expires_at > ?3)",
        params![client_id, ctx.user.id, clock::rfc3339(ctx.now)],
        |r| r.get(0),
    )?;
    Ok(json!({
        "client_id": client_id,
        "name": client.as_ref().map(|c| c.name.clone()),
        "publisher": client.as_ref().map(|c| c.publisher.clone()),
        "verified": client.as_ref().map(|c| c.verified),
        "client_type": client.as_ref().map(|c| c.client_type.clone()),
        "scopes": scopes.iter().map(|s| json!({
            "scope": s, "description": scopes::describe(s), "access": scopes::access_level(s),
        })).collect::<Vec<_>>(),
        "granted_at": granted_at,
        "last_used": last_used,
        "days_since_last_used": days_since(ctx.now, last_used),
        "active_tokens": live_tokens,
    }))
}

type ConsentRow = (String, String, String, Option<String>);

fn consents(ctx: &Ctx<'_>, client: Option<&str>) -> Result<Vec<ConsentRow>, ApiError> {
    let mut stmt = ctx.db.prepare_cached(
        "SELECT client_id, scopes, granted_at, last_used FROM auth_consents \
         WHERE user_id = ?1 AND revoked_at IS NULL AND (?2 IS NULL OR client_id = ?2) ORDER BY client_id",
    )?;
    let rows = stmt.query_map(params![ctx.user.id, client], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let apps = consents(ctx, None)?
        .iter()
        .map(|(c, s, g, l)| app_json(ctx, c, s, g, l.as_deref()))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Reply::ok(json!({"apps": apps})))
}

fn one(ctx: &Ctx<'_>, client: &str) -> Result<ConsentRow, ApiError> {
    consents(ctx, Some(client))?
        .into_iter()
        .next()
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "No connected app '{client}' for {}",
                ctx.user.email
            ))
        })
}

pub fn get(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (c, s, g, l) = one(ctx, ctx.param("clientId"))?;
    Ok(Reply::ok(app_json(ctx, &c, &s, &g, l.as_deref())?))
}

pub fn revoke_app(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (client, scopes_text, _, _) = one(ctx, ctx.param("clientId"))?;
    ctx.db.execute(
        "UPDATE auth_consents SET revoked_at = ?3 WHERE user_id = ?1 AND client_id = ?2",
        params![ctx.user.id, client, clock::rfc3339(ctx.now)],
    )?;
    let n = tokens::revoke_grant(ctx.db, ctx.now, &client, &ctx.user.id)?;
    tokens::audit(
        ctx.db,
        ctx.now,
        Some(&ctx.user.id),
        Some(&client),
        "app_revoked",
        Some(&json_list(&scopes_text).join(" ")),
        json!({"tokens_revoked": n}),
    )?;
    Ok(Reply::ok(
        json!({"client_id": client, "revoked": true, "tokens_revoked": n}),
    ))
}

#[derive(serde::Deserialize)]
struct ScopeBody {
    scope: String,
}

pub fn revoke_scope(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let body: ScopeBody = ctx.body_json()?;
    let (client, scopes_text, granted_at, last_used) = one(ctx, ctx.param("clientId"))?;
    let scope = scopes::normalize(&body.scope)
        .ok_or_else(|| ApiError::invalid_parameter("scope", &body.scope))?;
    let mut granted = json_list(&scopes_text);
    if !granted.iter().any(|s| s == scope) {
        return Err(ApiError::not_found(format!(
            "'{client}' does not hold the scope '{scope}'"
        )));
    }
    granted.retain(|s| s != scope);
    let t = clock::rfc3339(ctx.now);
    if granted.is_empty() {
        ctx.db.execute(
            "UPDATE auth_consents SET scopes = '[]', revoked_at = ?3 WHERE user_id = ?1 AND client_id = ?2",
            params![ctx.user.id, client, t],
        )?;
        tokens::revoke_grant(ctx.db, ctx.now, &client, &ctx.user.id)?;
    } else {
        ctx.db.execute(
            "UPDATE auth_consents SET scopes = ?3 WHERE user_id = ?1 AND client_id = ?2",
            params![ctx.user.id, client, json!(granted).to_string()],
        )?;
        // Live tokens lose the scope at once.
        let mut stmt = ctx.db.prepare_cached(
            "SELECT token, scopes FROM auth_tokens WHERE client_id = ?1 AND user_id = ?2 AND revoked = 0",
        )?;
        let live: Vec<(String, String)> = stmt
            .query_map(params![client, ctx.user.id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (token, s) in live {
            let kept: Vec<String> = json_list(&s).into_iter().filter(|x| x != scope).collect();
            ctx.db.execute(
                "UPDATE auth_tokens SET scopes = ?2 WHERE token = ?1",
                params![token, json!(kept).to_string()],
            )?;
        }
    }
    tokens::audit(
        ctx.db,
        ctx.now,
        Some(&ctx.user.id),
        Some(&client),
        "scope_revoked",
        Some(scope),
        json!({}),
    )?;
    if granted.is_empty() {
        return Ok(Reply::ok(
            json!({"client_id": client, "revoked": true, "scopes": []}),
        ));
    }
    Ok(Reply::ok(app_json(
        ctx,
        &client,
        &json!(granted).to_string(),
        &granted_at,
        last_used.as_deref(),
    )?))
}

pub fn audit_log(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let limit = ctx.query.int_in("limit", 100, 1, 1000)?;
    let client = ctx.query.get("clientId").or(ctx.query.get("client_id"));
    let event = ctx.query.get("event");
    let mut stmt = ctx.db.prepare_cached(
        "SELECT id, time, client_id, event, scope, detail FROM auth_audit WHERE user_id = ?1 \
         AND (?2 IS NULL OR client_id = ?2) AND (?3 IS NULL OR event = ?3) ORDER BY id DESC LIMIT ?4",
    )?;
    let events = stmt
        .query_map(params![ctx.user.id, client, event, limit], |r| {
            let detail: String = r.get(5)?;
            Ok(json!({
                "id": r.get::<_, i64>(0)?, "time": r.get::<_, String>(1)?, "client_id": r.get::<_, Option<String>>(2)?,
                "event": r.get::<_, String>(3)?, "scope": r.get::<_, Option<String>>(4)?,
                "detail": serde_json::from_str::<Value>(&detail).unwrap_or(Value::Null),
            }))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Reply::ok(json!({"events": events})))
}

pub fn clients(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let mut stmt = ctx.db.prepare_cached(
        "SELECT client_id, name, publisher, verified, client_type, redirect_uris, allowed_scopes, grant_types, \
         access_token_ttl, delegation FROM auth_clients ORDER BY client_id",
    )?;
    let clients = stmt
        .query_map([], |r| {
            Ok(json!({
                "client_id": r.get::<_, String>(0)?, "name": r.get::<_, String>(1)?, "publisher": r.get::<_, String>(2)?,
                "verified": r.get::<_, bool>(3)?, "client_type": r.get::<_, String>(4)?,
                "redirect_uris": json_list(&r.get::<_, String>(5)?), "allowed_scopes": json_list(&r.get::<_, String>(6)?),
                "grant_types": json_list(&r.get::<_, String>(7)?), "access_token_ttl": r.get::<_, i64>(8)?,
                "delegation": r.get::<_, bool>(9)?,
            }))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Reply::ok(json!({"clients": clients})))
}
