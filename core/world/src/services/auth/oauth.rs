//! OAuth 2.0 / OIDC endpoints: discovery, authorize + consent decision (JSON instead of HTML
//! pages and 302s), token (authorization_code with PKCE, refresh_token, client_credentials with
//! subject delegation), revoke and userinfo.
//!
//! As Google's: a refresh token is long-lived and not rotated — a refresh answers a new access
//! token (no new refresh token) and the same refresh token keeps working until it, the app's
//! access or a scope of it is revoked. Token responses report scopes as Google's URLs.
//!
//! Token and authorize errors are RFC 6749 bodies `{"error","error_description"}` with status 400
//! (401 for `invalid_client`), returned as replies rather than through the Google envelope,
//! because that is what OAuth clients parse. The transaction still commits, so the audit events
//! of refused requests are kept.

use std::collections::BTreeMap;

use base64::Engine;
use chrono::Duration;
use rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::scopes;
use super::tokens::{self, json_list};
use crate::rest::{ApiError, Ctx, Reply};
use crate::store::clock::{self, ids};
use crate::store::users;

pub const ISSUER: &str = "https://accounts.env0.test";
const CODE_TTL_S: i64 = 600;

/// An RFC 6749 error reply.
pub fn oauth_error(status: u16, code: &str, description: impl Into<String>) -> Reply {
    Reply {
        status,
        body: json!({"error": code, "error_description": description.into()}),
        content_type: None,
        binary: None,
    }
}

type Params = BTreeMap<String, String>;

/// Query parameters merged with a form or JSON body (body wins).
fn params_of(ctx: &Ctx<'_>) -> Result<Params, Reply> {
    let mut out: Params = ctx.query.pairs().iter().cloned().collect();
    let text = ctx
        .text_body()
        .map_err(|_| oauth_error(400, "invalid_request", "the body is not UTF-8 text"))?;
    if let Some(body) = text {
        let body = body.trim_start();
        if body.starts_with('{') {
            let v: Value = serde_json::from_str(body)
                .map_err(|_| oauth_error(400, "invalid_request", "malformed JSON body"))?;
            if let Value::Object(m) = v {
                for (k, v) in m {
                    let s = match v {
                        Value::String(s) => s,
                        Value::Null => continue,
                        other => other.to_string(),
                    };
                    out.insert(k, s);
                }
            }
        } else {
            for (k, v) in form_urlencoded::parse(body.as_bytes()) {
                out.insert(k.into_owned(), v.into_owned());
            }
        }
    }
    out.retain(|_, v| !v.is_empty());
    Ok(out)
}

/// A registered client.
pub struct Client {
    pub client_id: String,
    pub name: String,
    pub publisher: String,
    pub verified: bool,
    pub client_type: String,
    pub secret_hash: Option<String>,
    pub redirect_uris: Vec<String>,
    pub allowed_scopes: Vec<String>,
    pub grant_types: Vec<String>,
    pub ttl: i64,
    pub delegation: bool,
}

pub fn load_client(db: &rusqlite::Connection, id: &str) -> Result<Option<Client>, ApiError> {
    let mut stmt = db.prepare_cached(
        "SELECT client_id, name, publisher, verified, client_type, secret_hash, redirect_uris, allowed_scopes, \
         grant_types, access_token_ttl, delegation FROM auth_clients WHERE client_id = ?1",
    )?;
    Ok(stmt
        .query_row([id], |r| {
            Ok(Client {
                client_id: r.get(0)?,
                name: r.get(1)?,
                publisher: r.get(2)?,
                verified: r.get(3)?,
                client_type: r.get(4)?,
                secret_hash: r.get(5)?,
                redirect_uris: json_list(&r.get::<_, String>(6)?),
                allowed_scopes: json_list(&r.get::<_, String>(7)?),
                grant_types: json_list(&r.get::<_, String>(8)?),
                ttl: r.get(9)?,
                delegation: r.get(10)?,
            })
        })
        .optional()?)
}

pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// `BASE64URL(SHA256(verifier))`, the S256 code challenge.
pub fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if !v.is_empty() {
            s.append_pair(k, v);
        }
    }
    let sep = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{sep}{}", s.finish())
}

pub fn discovery(_ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    Ok(Reply::ok(json!({
        "issuer": ISSUER,
        "authorization_endpoint": format!("{ISSUER}/o/oauth2/v2/auth"),
        "consent_decision_endpoint": format!("{ISSUER}/o/oauth2/v2/auth/callback"),
        "token_endpoint": format!("{ISSUER}/oauth2/token"),
        "revocation_endpoint": format!("{ISSUER}/oauth2/revoke"),
        "userinfo_endpoint": format!("{ISSUER}/oauth2/v3/userinfo"),
        "connected_apps_endpoint": format!("{ISSUER}/auth/v1/apps"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "none"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": scopes::SCOPES.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
        "claims_supported": ["sub", "email", "email_verified", "name", "given_name", "family_name", "hd"],
    })))
}

/// A validated authorization request.
struct AuthzRequest {
    client: Client,
    redirect_uri: String,
    scopes: Vec<String>,
    state: String,
    challenge: Option<String>,
    method: Option<String>,
}

fn validate_authz(ctx: &Ctx<'_>, p: &Params) -> Result<AuthzRequest, Reply> {
    let client_id = p
        .get("client_id")
        .ok_or_else(|| oauth_error(400, "invalid_request", "client_id is required"))?;
    let client = load_client(ctx.db, client_id)
        .map_err(|e| oauth_error(400, "server_error", e.message))?
        .ok_or_else(|| {
            oauth_error(
                401,
                "invalid_client",
                format!("The OAuth client '{client_id}' was not found."),
            )
        })?;
    let redirect_uri = p.get("redirect_uri").cloned().unwrap_or_default();
    if !client.redirect_uris.contains(&redirect_uri) {
        return Err(oauth_error(
            400,
            "redirect_uri_mismatch",
            format!("redirect_uri '{redirect_uri}' is not registered for this client"),
        ));
    }
    if p.get("response_type").map(String::as_str) != Some("code") {
        return Err(oauth_error(
            400,
            "unsupported_response_type",
            "response_type must be 'code'",
        ));
    }
    if !client.grant_types.iter().any(|g| g == "authorization_code") {
        return Err(oauth_error(
            400,
            "unauthorized_client",
            "this client may not use the authorization code flow",
        ));
    }
    let scopes = scopes::parse_list(p.get("scope").map(String::as_str).unwrap_or(""))
        .map_err(|bad| oauth_error(400, "invalid_scope", format!("unknown scope '{bad}'")))?;
    if scopes.is_empty() {
        return Err(oauth_error(400, "invalid_scope", "scope is required"));
    }
    if let Some(bad) = scopes.iter().find(|s| !client.allowed_scopes.contains(s)) {
        return Err(oauth_error(
            400,
            "invalid_scope",
            format!(
                "scope '{bad}' is not allowed for client '{}'",
                client.client_id
            ),
        ));
    }
    let challenge = p.get("code_challenge").cloned();
    let method = p.get("code_challenge_method").cloned();
    if challenge.is_some() && method.as_deref().unwrap_or("S256") != "S256" {
        return Err(oauth_error(
            400,
            "invalid_request",
            "code_challenge_method must be S256",
        ));
    }
    if client.client_type == "public" && challenge.is_none() {
        return Err(oauth_error(
            400,
            "invalid_request",
            "public clients must use PKCE (code_challenge with S256)",
        ));
    }
    Ok(AuthzRequest {
        client,
        redirect_uri,
        scopes,
        state: p.get("state").cloned().unwrap_or_default(),
        challenge,
        method: method.or(Some("S256".into())),
    })
}

fn issue_code(ctx: &Ctx<'_>, req: &AuthzRequest) -> Result<Value, ApiError> {
    let code = format!("4/{}", ids::token(ctx.db, 40)?);
    ctx.db.execute(
        "INSERT INTO auth_codes (code, client_id, user_id, redirect_uri, scopes, code_challenge, code_challenge_method, expires_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            code,
            req.client.client_id,
            ctx.user.id,
            req.redirect_uri,
            json!(req.scopes).to_string(),
            req.challenge,
            req.challenge.as_ref().and(req.method.clone()),
            clock::rfc3339(ctx.now + Duration::seconds(CODE_TTL_S)),
        ],
    )?;
    let redirect = with_query(
        &req.redirect_uri,
        &[
            ("code", &code),
            ("state", &req.state),
            ("scope", &req.scopes.join(" ")),
        ],
    );
    Ok(
        json!({"redirect_uri": redirect, "code": code, "state": req.state, "scope": req.scopes.join(" ")}),
    )
}

pub fn authorize(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let p = match params_of(ctx) {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let req = match validate_authz(ctx, &p) {
        Ok(r) => r,
        Err(reply) => return Ok(reply),
    };
    let granted =
        tokens::consent_scopes(ctx.db, &ctx.user.id, &req.client.client_id)?.unwrap_or_default();
    if req.scopes.iter().all(|s| granted.contains(s)) {
        let mut body = issue_code(ctx, &req)?;
        if let Some(o) = body.as_object_mut() {
            o.insert("consent".into(), json!("existing"));
        }
        return Ok(Reply::ok(body));
    }
    Ok(Reply::ok(json!({
        "consent_required": true,
        "user": ctx.user.email,
        "client": {
            "client_id": req.client.client_id, "name": req.client.name,
            "publisher": req.client.publisher, "verified": req.client.verified,
        },
        "scopes": req.scopes.iter().map(|s| json!({
            "scope": s, "description": scopes::describe(s), "access": scopes::access_level(s),
            "already_granted": granted.contains(s),
        })).collect::<Vec<_>>(),
        "decision_endpoint": "/o/oauth2/v2/auth/callback",
        "decision_params": {
            "client_id": req.client.client_id, "redirect_uri": req.redirect_uri, "response_type": "code",
            "scope": req.scopes.join(" "), "state": req.state,
            "code_challenge": req.challenge, "code_challenge_method": req.challenge.as_ref().and(req.method.clone()),
            "decision": "allow | deny",
        },
    })))
}

pub fn consent_decision(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let p = match params_of(ctx) {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let req = match validate_authz(ctx, &p) {
        Ok(r) => r,
        Err(reply) => return Ok(reply),
    };
    let client_id = req.client.client_id.clone();
    match p.get("decision").map(|d| d.to_ascii_lowercase()).as_deref() {
        Some("allow") | Some("approve") | Some("accept") => {}
        Some("deny") | Some("cancel") | Some("reject") => {
            tokens::audit(
                ctx.db,
                ctx.now,
                Some(&ctx.user.id),
                Some(&client_id),
                "consent_denied",
                Some(&req.scopes.join(" ")),
                json!({}),
            )?;
            let redirect = with_query(
                &req.redirect_uri,
                &[("error", "access_denied"), ("state", &req.state)],
            );
            return Ok(Reply::ok(
                json!({"redirect_uri": redirect, "error": "access_denied", "state": req.state}),
            ));
        }
        _ => {
            return Ok(oauth_error(
                400,
                "invalid_request",
                "decision must be 'allow' or 'deny'",
            ))
        }
    }
    let mut granted = tokens::consent_scopes(ctx.db, &ctx.user.id, &client_id)?.unwrap_or_default();
    for s in &req.scopes {
        if !granted.contains(s) {
            granted.push(s.clone());
        }
    }
    let now = clock::rfc3339(ctx.now);
    ctx.db.execute(
        "INSERT INTO auth_consents (user_id, client_id, scopes, granted_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT(user_id, client_id) DO UPDATE SET scopes = excluded.scopes, granted_at = excluded.granted_at, revoked_at = NULL",
        params![ctx.user.id, client_id, json!(granted).to_string(), now],
    )?;
    tokens::audit(
        ctx.db,
        ctx.now,
        Some(&ctx.user.id),
        Some(&client_id),
        "consent_granted",
        Some(&req.scopes.join(" ")),
        json!({}),
    )?;
    Ok(Reply::ok(issue_code(ctx, &req)?))
}

/// Authenticates the client of a token request.
fn client_auth(ctx: &Ctx<'_>, p: &Params) -> Result<Client, Reply> {
    let id = p
        .get("client_id")
        .ok_or_else(|| oauth_error(401, "invalid_client", "client_id is required"))?;
    let client = load_client(ctx.db, id)
        .map_err(|e| oauth_error(400, "server_error", e.message))?
        .ok_or_else(|| oauth_error(401, "invalid_client", "The OAuth client was not found."))?;
    if client.client_type != "public" {
        let ok = match (p.get("client_secret"), &client.secret_hash) {
            (Some(secret), Some(hash)) => hash_secret(secret) == *hash,
            _ => false,
        };
        if !ok {
            return Err(oauth_error(
                401,
                "invalid_client",
                "client authentication failed",
            ));
        }
    }
    Ok(client)
}

pub fn token(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let p = match params_of(ctx) {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let Some(grant) = p.get("grant_type").cloned() else {
        return Ok(oauth_error(
            400,
            "invalid_request",
            "grant_type is required",
        ));
    };
    let client = match client_auth(ctx, &p) {
        Ok(c) => c,
        Err(r) => return Ok(r),
    };
    if !client.grant_types.contains(&grant) {
        return Ok(oauth_error(
            400,
            "unauthorized_client",
            format!("client may not use grant_type '{grant}'"),
        ));
    }
    match grant.as_str() {
        "authorization_code" => code_grant(ctx, &p, &client),
        "refresh_token" => refresh_grant(ctx, &p, &client),
        "client_credentials" => client_credentials(ctx, &p, &client),
        other => Ok(oauth_error(
            400,
            "unsupported_grant_type",
            format!("unsupported grant_type '{other}'"),
        )),
    }
}

fn code_grant(ctx: &Ctx<'_>, p: &Params, client: &Client) -> Result<Reply, ApiError> {
    let Some(code) = p.get("code") else {
        return Ok(oauth_error(400, "invalid_request", "code is required"));
    };
    type CodeRow = (String, String, String, String, Option<String>, String, bool);
    let row: Option<CodeRow> = ctx
        .db
        .query_row(
            "SELECT client_id, user_id, redirect_uri, scopes, code_challenge, expires_at, used FROM auth_codes WHERE code = ?1",
            [code],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )
        .optional()?;
    let Some((code_client, user, redirect, scopes_json, challenge, expires, used)) = row else {
        return Ok(oauth_error(
            400,
            "invalid_grant",
            "authorization code is invalid",
        ));
    };
    if code_client != client.client_id {
        return Ok(oauth_error(
            400,
            "invalid_grant",
            "authorization code was issued to another client",
        ));
    }
    if used {
        // Replay of a used code: revoke what it produced (RFC 6749 §4.1.2).
        tokens::revoke_grant(ctx.db, ctx.now, &client.client_id, &user)?;
        tokens::audit(
            ctx.db,
            ctx.now,
            Some(&user),
            Some(&client.client_id),
            "code_replay",
            None,
            json!({}),
        )?;
        return Ok(oauth_error(
            400,
            "invalid_grant",
            "authorization code was already used",
        ));
    }
    if expires <= clock::rfc3339(ctx.now) {
        return Ok(oauth_error(
            400,
            "invalid_grant",
            "authorization code expired",
        ));
    }
    if p.get("redirect_uri") != Some(&redirect) {
        return Ok(oauth_error(
            400,
            "invalid_grant",
            "redirect_uri does not match the authorization request",
        ));
    }
    if let Some(challenge) = challenge {
        let Some(verifier) = p.get("code_verifier") else {
            return Ok(oauth_error(
                400,
                "invalid_grant",
                "code_verifier is required",
            ));
        };
        if !(43..=128).contains(&verifier.len()) || s256(verifier) != challenge {
            tokens::audit(
                ctx.db,
                ctx.now,
                Some(&user),
                Some(&client.client_id),
                "pkce_failed",
                None,
                json!({}),
            )?;
            return Ok(oauth_error(
                400,
                "invalid_grant",
                "PKCE verification failed: code_verifier does not match code_challenge",
            ));
        }
    }
    ctx.db
        .execute("UPDATE auth_codes SET used = 1 WHERE code = ?1", [code])?;
    let scopes = json_list(&scopes_json);
    let refresh = client.grant_types.iter().any(|g| g == "refresh_token");
    let issued = tokens::issue(
        ctx.db,
        ctx.now,
        &client.client_id,
        Some(&user),
        &scopes,
        client.ttl,
        refresh,
        None,
        None,
    )?;
    ctx.db.execute(
        "UPDATE auth_consents SET last_used = ?3 WHERE user_id = ?1 AND client_id = ?2",
        params![user, client.client_id, clock::rfc3339(ctx.now)],
    )?;
    tokens::audit(
        ctx.db,
        ctx.now,
        Some(&user),
        Some(&client.client_id),
        "token_issued",
        Some(&scopes.join(" ")),
        json!({"grant_type": "authorization_code"}),
    )?;
    Ok(Reply::ok(issued.to_json()))
}

fn refresh_grant(ctx: &Ctx<'_>, p: &Params, client: &Client) -> Result<Reply, ApiError> {
    let Some(value) = p.get("refresh_token") else {
        return Ok(oauth_error(
            400,
            "invalid_request",
            "refresh_token is required",
        ));
    };
    let Some(old) = tokens::load(ctx.db, value)?
        .filter(|t| t.kind == "refresh" && t.client_id == client.client_id)
    else {
        return Ok(oauth_error(
            400,
            "invalid_grant",
            "refresh token is invalid",
        ));
    };
    let user = old.user_id.clone().unwrap_or_default();
    if old.revoked {
        return Ok(oauth_error(
            400,
            "invalid_grant",
            "Token has been expired or revoked.",
        ));
    }
    let Some(granted) = tokens::consent_scopes(ctx.db, &user, &client.client_id)? else {
        return Ok(oauth_error(
            400,
            "invalid_grant",
            "the user revoked access for this app",
        ));
    };
    let mut scopes: Vec<String> = old
        .scopes
        .iter()
        .filter(|s| granted.contains(s))
        .cloned()
        .collect();
    if let Some(asked) = p.get("scope") {
        match scopes::parse_list(asked) {
            Ok(asked) if asked.iter().all(|s| scopes.contains(s)) => scopes = asked,
            _ => {
                return Ok(oauth_error(
                    400,
                    "invalid_scope",
                    "requested scope exceeds the original grant",
                ))
            }
        }
    }
    // Not rotated: only a new access token, derived from the refresh token.
    let issued = tokens::issue(
        ctx.db,
        ctx.now,
        &client.client_id,
        Some(&user),
        &scopes,
        client.ttl,
        false,
        Some(&old.token),
        None,
    )?;
    tokens::audit(
        ctx.db,
        ctx.now,
        Some(&user),
        Some(&client.client_id),
        "token_refreshed",
        Some(&scopes.join(" ")),
        json!({"grant_type": "refresh_token"}),
    )?;
    Ok(Reply::ok(issued.to_json()))
}

fn client_credentials(ctx: &Ctx<'_>, p: &Params, client: &Client) -> Result<Reply, ApiError> {
    let scopes = match p.get("scope") {
        None => client.allowed_scopes.clone(),
        Some(s) => match scopes::parse_list(s) {
            Ok(v) => v,
            Err(bad) => {
                return Ok(oauth_error(
                    400,
                    "invalid_scope",
                    format!("unknown scope '{bad}'"),
                ))
            }
        },
    };
    if let Some(bad) = scopes.iter().find(|s| !client.allowed_scopes.contains(s)) {
        return Ok(oauth_error(
            400,
            "invalid_scope",
            format!("scope '{bad}' is not allowed for this client"),
        ));
    }
    let subject = match p.get("subject") {
        None => None,
        Some(s) => {
            if !client.delegation {
                return Ok(oauth_error(
                    400,
                    "unauthorized_client",
                    "client is not authorized for domain-wide delegation",
                ));
            }
            match users::find(ctx.db, s)? {
                Some(u) if u.is_internal => Some(u.id),
                Some(_) => {
                    return Ok(oauth_error(
                        400,
                        "invalid_grant",
                        "subject is outside the organisation's domain",
                    ))
                }
                None => {
                    return Ok(oauth_error(
                        400,
                        "invalid_grant",
                        "subject is not a user of this domain",
                    ))
                }
            }
        }
    };
    let issued = tokens::issue(
        ctx.db,
        ctx.now,
        &client.client_id,
        subject.as_deref(),
        &scopes,
        client.ttl,
        false,
        None,
        Some(&client.client_id),
    )?;
    tokens::audit(
        ctx.db,
        ctx.now,
        subject.as_deref(),
        Some(&client.client_id),
        "token_issued",
        Some(&scopes.join(" ")),
        json!({"grant_type": "client_credentials", "subject": subject}),
    )?;
    Ok(Reply::ok(issued.to_json()))
}

pub fn revoke(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let p = match params_of(ctx) {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let Some(value) = p.get("token") else {
        return Ok(oauth_error(400, "invalid_request", "token is required"));
    };
    // RFC 7009: an unknown token is not an error.
    if let Some(t) = tokens::load(ctx.db, value)? {
        let n = match (&t.kind[..], &t.user_id) {
            // Revoking a refresh token ends the whole grant, like Google.
            ("refresh", Some(user)) => tokens::revoke_grant(ctx.db, ctx.now, &t.client_id, user)?,
            _ => {
                tokens::revoke_token(ctx.db, ctx.now, &t.token)?;
                1
            }
        };
        tokens::audit(
            ctx.db,
            ctx.now,
            t.user_id.as_deref(),
            Some(&t.client_id),
            "token_revoked",
            None,
            json!({"kind": t.kind, "tokens_revoked": n}),
        )?;
    }
    Ok(Reply::ok(json!({})))
}

pub fn userinfo(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let token = ctx
        .token
        .ok_or_else(|| ApiError::unauthenticated("Request is missing a bearer token"))?;
    let t = tokens::load(ctx.db, token)?
        .filter(|t| t.kind == "access" && !t.revoked && !t.expired(ctx.now))
        .ok_or_else(|| ApiError::unauthenticated("Invalid or expired access token"))?;
    if !t
        .scopes
        .iter()
        .any(|s| matches!(s.as_str(), "openid" | "email" | "profile"))
    {
        return Err(ApiError::new(
            403,
            "insufficientPermissions",
            "userinfo needs the openid, email or profile scope",
        ));
    }
    let user = match &t.user_id {
        Some(u) => users::find(ctx.db, u)?,
        None => None,
    }
    .ok_or_else(|| {
        ApiError::forbidden("This token has no user (service account without subject)")
    })?;
    let mut body = json!({"sub": user.id});
    if let Some(o) = body.as_object_mut() {
        if t.scopes.iter().any(|s| s == "email" || s == "openid") {
            o.insert("email".into(), json!(user.email));
            o.insert("email_verified".into(), json!(true));
        }
        if t.scopes.iter().any(|s| s == "profile" || s == "openid") {
            o.insert("name".into(), json!(user.display_name));
            o.insert("given_name".into(), json!(user.given_name));
            o.insert("family_name".into(), json!(user.family_name));
        }
        if user.is_internal {
            o.insert("hd".into(), json!(users::DOMAIN));
        }
    }
    tokens::touch(ctx.db, ctx.now, &t)?;
    Ok(Reply::ok(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_rfc7636_appendix_b() {
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn redirects_keep_existing_queries() {
        assert_eq!(
            with_query(
                "https://a.example/cb?x=1",
                &[("code", "4/a b"), ("state", "")]
            ),
            "https://a.example/cb?x=1&code=4%2Fa+b"
        );
    }
}
