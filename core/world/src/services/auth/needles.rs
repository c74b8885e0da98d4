//! Task needles for Auth: the connected apps and audit events a task is about, inserted into a
//! seeded world.
//!
//! Kinds and their `data`:
//! - `app`: a third-party OAuth client the acting user has connected: `client_id` and `name`
//!   (required), `publisher`, `verified` (default true), `client_type` (`confidential`, `public`
//!   or `service_account`; default confidential), `scopes` (the consent's scopes, e.g.
//!   `["gmail.readonly"]`), `granted_days_ago` (default 90), `last_used_days_ago` (default 3;
//!   null: never used), `tokens` (default true while used in the last 60 days: a live refresh
//!   token), `api_calls` (`[{scope, days_ago, path?}]` written to the audit log).
//! - `audit`: one audit-log event: `client_id`, `event` (e.g. `api_call`, `consent_granted`),
//!   `scope`, `days_ago` or `hours_ago`, `detail` (object).

use chrono::Duration;
use rusqlite::{params, Connection};
use serde_json::{json, Map, Value};

use crate::needles::{err, Inserted, NeedleRef};
use crate::rest::body::strings_in;
use crate::store::clock::{self, ids};
use crate::store::users::User;

/// Inserts one needle of `kind` for the acting user.
pub fn insert(conn: &Connection, actor: &User, kind: &str, data: &Value) -> Inserted {
    let data = data.as_object().ok_or("needle data must be an object")?;
    match kind {
        "app" => insert_app(conn, actor, data),
        "audit" => insert_audit(conn, actor, data),
        other => Err(format!("unknown auth needle kind '{other}' (app or audit)")),
    }
}

fn text<'a>(d: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    d.get(k).and_then(Value::as_str)
}

fn ago(conn: &Connection, days: f64) -> Result<String, String> {
    let days = crate::needles::days_in_range(days, "days_ago")?;
    let now = clock::now(conn).map_err(err)?;
    Ok(clock::rfc3339(
        now - Duration::milliseconds((days * 86_400_000.0).round() as i64),
    ))
}

fn insert_app(conn: &Connection, actor: &User, d: &Map<String, Value>) -> Inserted {
    let id = text(d, "client_id").ok_or("an app needle needs a client_id")?;
    let name = text(d, "name").ok_or("an app needle needs a name")?;
    let kind = text(d, "client_type").unwrap_or("confidential");
    if !matches!(kind, "confidential" | "public" | "service_account") {
        return Err(format!("invalid client_type '{kind}'"));
    }
    let scopes = strings_in(d.get("scopes"));
    let granted = d
        .get("granted_days_ago")
        .and_then(Value::as_f64)
        .unwrap_or(90.0);
    let last_used: Option<f64> = match d.get("last_used_days_ago") {
        Some(Value::Null) => None,
        Some(v) => Some(
            v.as_f64()
                .ok_or("last_used_days_ago must be a number or null")?,
        ),
        None => Some(3.0),
    };
    let created = ago(conn, granted + 30.0)?;
    conn.execute(
        "INSERT INTO auth_clients (client_id, name, publisher, verified, client_type, redirect_uris, \
         allowed_scopes, grant_types, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            id,
            name,
            text(d, "publisher").unwrap_or(""),
            d.get("verified").and_then(Value::as_bool).unwrap_or(true),
            kind,
            json!([format!("https://{id}.example.com/oauth/callback")]).to_string(),
            json!(scopes).to_string(),
            json!(["authorization_code", "refresh_token"]).to_string(),
            created
        ],
    )
    .map_err(|e| format!("app '{id}': {e}"))?;
    let granted_at = ago(conn, granted)?;
    let used_at = match last_used {
        Some(days) => Some(ago(conn, days)?),
        None => None,
    };
    conn.execute(
        "INSERT INTO auth_consents (user_id, client_id, scopes, granted_at, last_used) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![actor.id, id, json!(scopes).to_string(), granted_at, used_at],
    )
    .map_err(err)?;
    let mut refs = vec![
        NeedleRef::new("auth_clients", id.to_string()),
        NeedleRef::new("auth_consents", format!("{}|{id}", actor.id)),
    ];
    add_audit(
        conn,
        actor,
        id,
        "consent_granted",
        Some(&scopes.join(" ")),
        &granted_at,
        json!({}),
    )?;
    let tokens = d
        .get("tokens")
        .and_then(Value::as_bool)
        .unwrap_or(last_used.is_some_and(|u| u < 60.0));
    if tokens {
        let token = format!("1//{}", ids::token(conn, 40).map_err(err)?);
        conn.execute(
            "INSERT INTO auth_tokens (token, kind, client_id, user_id, scopes, issued_at, last_used) VALUES (?1, 'refresh', ?2, ?3, ?4, ?5, ?6)",
            params![token, id, actor.id, json!(scopes).to_string(), granted_at, used_at],
        )
        .map_err(err)?;
        refs.push(NeedleRef::new("auth_tokens", token));
    }
    for call in d
        .get("api_calls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let scope = call["scope"].as_str().unwrap_or("openid");
        let when = ago(conn, call["days_ago"].as_f64().unwrap_or(1.0))?;
        let path = call["path"]
            .as_str()
            .unwrap_or("/gmail/v1/users/me/messages");
        add_audit(
            conn,
            actor,
            id,
            "api_call",
            Some(scope),
            &when,
            json!({"method": "GET", "path": path}),
        )?;
    }
    Ok(refs)
}

fn add_audit(
    conn: &Connection,
    actor: &User,
    client: &str,
    event: &str,
    scope: Option<&str>,
    time: &str,
    detail: Value,
) -> Result<(), String> {
    conn.execute(
        "INSERT INTO auth_audit (time, user_id, client_id, event, scope, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![time, actor.id, client, event, scope, detail.to_string()],
    )
    .map_err(err)?;
    Ok(())
}

fn insert_audit(conn: &Connection, actor: &User, d: &Map<String, Value>) -> Inserted {
    let client = text(d, "client_id").ok_or("an audit needle needs a client_id")?;
    let event = text(d, "event").unwrap_or("api_call");
    let days = match (d.get("days_ago"), d.get("hours_ago")) {
        (Some(v), _) => v.as_f64().unwrap_or(1.0),
        (None, Some(h)) => h.as_f64().unwrap_or(1.0) / 24.0,
        (None, None) => 1.0,
    };
    let when = ago(conn, days)?;
    let detail = d.get("detail").cloned().unwrap_or(json!({}));
    add_audit(conn, actor, client, event, text(d, "scope"), &when, detail)?;
    let id: i64 = conn.last_insert_rowid();
    Ok(vec![NeedleRef::new("auth_audit", id.to_string())])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::WorldOptions;
    use crate::{seeded_world, Scale};

    #[test]
    fn app_needles_connect_an_app_with_its_history() {
        let w = seeded_world(&WorldOptions::default(), Scale::DEFAULT)
            .unwrap_or_else(|e| panic!("{e}"));
        let conn = w.conn();
        let refs = crate::needles::insert(
            conn,
            "auth",
            "alex@nexusai.com",
            "app",
            &json!({
            "client_id": "mailmerge-pro", "name": "MailMerge Pro", "scopes": ["gmail", "drive"],
            "last_used_days_ago": 200, "api_calls": [{"scope": "gmail", "days_ago": 200}]}),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            refs[1],
            NeedleRef::new("auth_consents", "user_alex|mailmerge-pro")
        );
        assert_eq!(refs.len(), 2, "no token for an app unused for 200 days");
        let calls: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM auth_audit WHERE client_id = 'mailmerge-pro'",
                [],
                |r| r.get(0),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(calls, 2);
        assert!(crate::needles::insert(
            conn,
            "auth",
            "alex@nexusai.com",
            "app",
            &json!({"name": "x"})
        )
        .is_err());
        assert!(
            crate::needles::insert(conn, "auth", "alex@nexusai.com", "party", &json!({})).is_err()
        );
    }
}
