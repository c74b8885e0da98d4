//! Access and refresh tokens, authorization codes, consents, settings and the audit log: the
//! storage side of the identity service. Times are RFC 3339 strings of the world clock, so they
//! compare as text.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

use crate::rest::ApiError;
use crate::store::clock::{self, ids};
use crate::store::World;

/// A stored token.
#[derive(Clone, Debug)]
pub struct Token {
    pub token: String,
    pub kind: String,
    pub client_id: String,
    pub user_id: Option<String>,
    pub scopes: Vec<String>,
    pub expires_at: Option<String>,
    pub revoked: bool,
    #[allow(dead_code)] // the row mirrors its table; no handler reads this column yet
    pub actor: Option<String>,
}

impl Token {
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at
            .as_deref()
            .is_some_and(|e| e <= clock::rfc3339(now).as_str())
    }
}

pub fn json_list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

pub fn load(db: &Connection, token: &str) -> Result<Option<Token>, ApiError> {
    let mut stmt = db.prepare_cached(
        "SELECT token, kind, client_id, user_id, scopes, expires_at, revoked, actor FROM auth_tokens WHERE token = ?1",
    )?;
    Ok(stmt
        .query_row([token], |r| {
            Ok(Token {
                token: r.get(0)?,
                kind: r.get(1)?,
                client_id: r.get(2)?,
                user_id: r.get(3)?,
                scopes: json_list(&r.get::<_, String>(4)?),
                expires_at: r.get(5)?,
                revoked: r.get(6)?,
                actor: r.get(7)?,
            })
        })
        .optional()?)
}

/// Whether `token` is an access token that is neither revoked nor expired.
pub fn is_live_access_token(
    db: &Connection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    Ok(load(db, token)?.is_some_and(|t| t.kind == "access" && !t.revoked && !t.expired(now)))
}

/// Whether bearer-token enforcement is on in this world.
pub fn enforcement_on(db: &Connection) -> Result<bool, ApiError> {
    let v: Option<String> = db
        .query_row(
            "SELECT value FROM auth_settings WHERE key = 'enforce'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    Ok(v.as_deref() == Some("true"))
}

/// Turns enforcement on or off (tasks and tests; there is deliberately no endpoint for it).
pub fn set_enforcement(db: &Connection, on: bool) -> crate::error::Result<()> {
    db.execute(
        "INSERT INTO auth_settings (key, value) VALUES ('enforce', ?1) \
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [if on { "true" } else { "false" }],
    )?;
    Ok(())
}

impl World {
    /// Turns OAuth bearer-token and scope enforcement on or off (off in a new world). There is
    /// deliberately no endpoint for it: an agent cannot switch it.
    pub fn set_auth_enforcement(&mut self, on: bool) -> crate::error::Result<()> {
        set_enforcement(self.conn(), on)
    }
}

/// Appends an audit event.
pub fn audit(
    db: &Connection,
    now: DateTime<Utc>,
    user: Option<&str>,
    client: Option<&str>,
    event: &str,
    scope: Option<&str>,
    detail: Value,
) -> Result<(), ApiError> {
    db.execute(
        "INSERT INTO auth_audit (time, user_id, client_id, event, scope, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![clock::rfc3339(now), user, client, event, scope, detail.to_string()],
    )?;
    Ok(())
}

/// What the token endpoint answers.
pub struct Issued {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_in: i64,
    pub scopes: Vec<String>,
}

impl Issued {
    pub fn to_json(&self) -> Value {
        let mut body = json!({
            "access_token": self.access_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            // As Google reports them: URLs (what OAuth client libraries compare with what they
            // asked for).
            "scope": self
                .scopes
                .iter()
                .map(|s| super::scopes::google_url(s))
                .collect::<Vec<_>>()
                .join(" "),
        });
        if let (Some(o), Some(r)) = (body.as_object_mut(), &self.refresh_token) {
            o.insert("refresh_token".into(), json!(r));
        }
        body
    }
}

/// Issues an access token (and a refresh token when `with_refresh`).
#[allow(clippy::too_many_arguments)]
pub fn issue(
    db: &Connection,
    now: DateTime<Utc>,
    client: &str,
    user: Option<&str>,
    scopes: &[String],
    ttl: i64,
    with_refresh: bool,
    parent: Option<&str>,
    actor: Option<&str>,
) -> Result<Issued, ApiError> {
    let scopes_json = json!(scopes).to_string();
    let access = format!("ya29.{}", ids::token(db, 40)?);
    let expires = clock::rfc3339(now + Duration::seconds(ttl));
    db.execute(
        "INSERT INTO auth_tokens (token, kind, client_id, user_id, scopes, issued_at, expires_at, parent, actor) \
         VALUES (?1, 'access', ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![access, client, user, scopes_json, clock::rfc3339(now), expires, parent, actor],
    )?;
    let refresh = if with_refresh {
        let r = format!("1//{}", ids::token(db, 40)?);
        db.execute(
            "INSERT INTO auth_tokens (token, kind, client_id, user_id, scopes, issued_at, parent, actor) \
             VALUES (?1, 'refresh', ?2, ?3, ?4, ?5, ?6, ?7)",
            params![r, client, user, scopes_json, clock::rfc3339(now), parent, actor],
        )?;
        Some(r)
    } else {
        None
    };
    Ok(Issued {
        access_token: access,
        refresh_token: refresh,
        expires_in: ttl,
        scopes: scopes.to_vec(),
    })
}

/// Revokes every live token of a client for a user; returns how many.
pub fn revoke_grant(
    db: &Connection,
    now: DateTime<Utc>,
    client: &str,
    user: &str,
) -> Result<usize, ApiError> {
    Ok(db.execute(
        "UPDATE auth_tokens SET revoked = 1, revoked_at = ?3 WHERE client_id = ?1 AND user_id = ?2 AND revoked = 0",
        params![client, user, clock::rfc3339(now)],
    )?)
}

pub fn revoke_token(db: &Connection, now: DateTime<Utc>, token: &str) -> Result<(), ApiError> {
    db.execute(
        "UPDATE auth_tokens SET revoked = 1, revoked_at = ?2 WHERE token = ?1 AND revoked = 0",
        params![token, clock::rfc3339(now)],
    )?;
    Ok(())
}

/// A user's live consent for a client: its scopes.
pub fn consent_scopes(
    db: &Connection,
    user: &str,
    client: &str,
) -> Result<Option<Vec<String>>, ApiError> {
    let scopes: Option<String> = db
        .query_row(
            "SELECT scopes FROM auth_consents WHERE user_id = ?1 AND client_id = ?2 AND revoked_at IS NULL",
            [user, client],
            |r| r.get(0),
        )
        .optional()?;
    Ok(scopes.map(|s| json_list(&s)))
}

/// Records use of a grant (token and consent `last_used`).
pub fn touch(db: &Connection, now: DateTime<Utc>, token: &Token) -> Result<(), ApiError> {
    let t = clock::rfc3339(now);
    db.execute(
        "UPDATE auth_tokens SET last_used = ?2 WHERE token = ?1",
        params![token.token, t],
    )?;
    if let Some(user) = &token.user_id {
        db.execute(
            "UPDATE auth_consents SET last_used = ?3 WHERE user_id = ?1 AND client_id = ?2",
            params![user, token.client_id, t],
        )?;
    }
    Ok(())
}
