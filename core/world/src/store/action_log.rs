//! The action log: every request the router saw, in order, stored in the world itself (so
//! snapshots carry it). Verifiers read it ("did the agent search?", "did it write anything?").

use rusqlite::{params, Connection};
use serde::Serialize;
use serde_json::Value;

use crate::error::Result;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ActionLogEntry {
    pub seq: i64,
    /// World time of the request (RFC 3339).
    pub at: String,
    pub user_id: Option<String>,
    pub method: String,
    /// Path including the query string, as sent.
    pub path: String,
    /// The request body: parsed JSON when it was JSON, else the raw text as a string, else
    /// (bytes that are not UTF-8) `{"base64": "..."}`.
    pub body: Option<Value>,
    pub status: u16,
}

pub(crate) fn append(
    conn: &Connection,
    at: &str,
    user_id: Option<&str>,
    method: &str,
    path: &str,
    body: Option<&[u8]>,
    status: u16,
) -> Result<()> {
    let body_json = body.map(|b| match std::str::from_utf8(b) {
        Ok(text) => match serde_json::from_str::<Value>(text) {
            Ok(v) => v.to_string(),
            Err(_) => Value::String(text.to_string()).to_string(),
        },
        Err(_) => {
            use base64::Engine;
            serde_json::json!({"base64": base64::engine::general_purpose::STANDARD.encode(b)})
                .to_string()
        }
    });
    conn.prepare_cached(
        "INSERT INTO action_log (at, user_id, method, path, body, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![at, user_id, method, path, body_json, status])?;
    Ok(())
}

/// All entries, oldest first.
pub fn entries(conn: &Connection) -> Result<Vec<ActionLogEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, at, user_id, method, path, CAST(body AS TEXT), status FROM action_log ORDER BY seq",
    )?;
    let rows = stmt.query_map([], |r| {
        // `body` is declared JSON, which has NUMERIC affinity (a body of `12` is stored as an
        // integer), so it is read back cast to text.
        let body: Option<String> = r.get(5)?;
        let body = body.and_then(|b| serde_json::from_str::<Value>(&b).ok());
        Ok(ActionLogEntry {
            seq: r.get(0)?,
            at: r.get(1)?,
            user_id: r.get(2)?,
            method: r.get(3)?,
            path: r.get(4)?,
            body,
            status: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Forgets every entry (a task starts with an empty log).
pub fn clear(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM action_log", [])?;
    Ok(())
}
