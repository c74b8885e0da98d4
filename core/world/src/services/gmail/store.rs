//! Reading and writing mailbox rows: messages, their labels and attachments, the per-mailbox
//! history counter and history records. Handlers go through here so that every mutation records
//! history the same way.

use std::collections::{BTreeSet, HashMap};

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::{json, Value};

use super::mime::{self, Attachment, Rendered};
use crate::rest::ApiError;

/// One stored message.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Message {
    pub id: String,
    pub user_id: String,
    pub thread_id: String,
    /// Sorted, deduplicated.
    pub label_ids: Vec<String>,
    pub from: String,
    pub to: String,
    pub cc: String,
    pub bcc: String,
    pub reply_to: String,
    pub subject: String,
    pub date_header: String,
    pub message_id_header: String,
    pub in_reply_to: String,
    pub refs: String,
    pub extra_headers: Vec<(String, String)>,
    pub body_text: String,
    pub body_html: String,
    pub snippet: String,
    /// Epoch milliseconds.
    pub internal_date: i64,
    pub history_id: i64,
    /// Names of the attachments (filled by the list loader; used by search).
    pub attachment_names: Vec<String>,
}

impl Message {
    pub fn has_label(&self, id: &str) -> bool {
        self.label_ids.iter().any(|l| l == id)
    }

    /// Headers in the order Gmail shows them.
    pub fn headers(&self) -> Vec<(String, String)> {
        let mut h = vec![("From".to_string(), self.from.clone())];
        for (name, value) in [
            ("To", &self.to),
            ("Cc", &self.cc),
            ("Bcc", &self.bcc),
            ("Reply-To", &self.reply_to),
        ] {
            if !value.is_empty() {
                h.push((name.into(), value.clone()));
            }
        }
        h.push(("Subject".into(), self.subject.clone()));
        h.push(("Date".into(), self.date_header.clone()));
        h.push(("Message-ID".into(), self.message_id_header.clone()));
        if !self.in_reply_to.is_empty() {
            h.push(("In-Reply-To".into(), self.in_reply_to.clone()));
        }
        if !self.refs.is_empty() {
            h.push(("References".into(), self.refs.clone()));
        }
        h.extend(self.extra_headers.iter().cloned());
        h
    }
}

/// Sorts and deduplicates label ids.
pub fn normalize_labels<I: IntoIterator<Item = String>>(labels: I) -> Vec<String> {
    labels
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

const COLUMNS: &str = "id, user_id, thread_id, label_ids, from_addr, to_addrs, cc_addrs, bcc_addrs, \
    reply_to, subject, date_header, message_id_header, in_reply_to, refs, extra_headers, body_text, \
    body_html, snippet, internal_date";

/// A message's history id is that of its latest history record (history is bookkeeping, so a
/// label change shows in the state diff as `label_ids` only).
const SELECT: &str = "SELECT m.id, m.user_id, m.thread_id, m.label_ids, m.from_addr, m.to_addrs, \
    m.cc_addrs, m.bcc_addrs, m.reply_to, m.subject, m.date_header, m.message_id_header, \
    m.in_reply_to, m.refs, m.extra_headers, m.body_text, m.body_html, m.snippet, m.internal_date, \
    COALESCE((SELECT MAX(h.id) FROM gmail_history h INDEXED BY gmail_history_message \
              WHERE h.user_id = m.user_id AND h.message_id = m.id), 0) \
    FROM gmail_messages m";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Message> {
    let labels: String = r.get(3)?;
    let extra: String = r.get(14)?;
    Ok(Message {
        id: r.get(0)?,
        user_id: r.get(1)?,
        thread_id: r.get(2)?,
        label_ids: serde_json::from_str(&labels).unwrap_or_default(),
        from: r.get(4)?,
        to: r.get(5)?,
        cc: r.get(6)?,
        bcc: r.get(7)?,
        reply_to: r.get(8)?,
        subject: r.get(9)?,
        date_header: r.get(10)?,
        message_id_header: r.get(11)?,
        in_reply_to: r.get(12)?,
        refs: r.get(13)?,
        extra_headers: serde_json::from_str(&extra).unwrap_or_default(),
        body_text: r.get(15)?,
        body_html: r.get(16)?,
        snippet: r.get(17)?,
        internal_date: r.get(18)?,
        history_id: r.get(19)?,
        attachment_names: Vec::new(),
    })
}

pub fn not_found() -> ApiError {
    ApiError::not_found("Requested entity was not found.")
}

/// Every message of a mailbox, newest first, with attachment names.
pub fn user_messages(conn: &Connection, user_id: &str) -> Result<Vec<Message>, ApiError> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE m.user_id = ?1 ORDER BY m.internal_date DESC, m.id DESC"
    ))?;
    let mut messages = stmt
        .query_map([user_id], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut names: HashMap<String, Vec<String>> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT a.message_id, a.filename FROM gmail_attachments a \
         JOIN gmail_messages m ON m.id = a.message_id WHERE m.user_id = ?1 ORDER BY a.position",
    )?;
    for row in stmt.query_map([user_id], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))? {
        let (mid, name) = row?;
        names.entry(mid).or_default().push(name);
    }
    for m in &mut messages {
        if let Some(n) = names.remove(&m.id) {
            m.attachment_names = n;
        }
    }
    Ok(messages)
}

/// One message of the mailbox, or 404.
pub fn message(conn: &Connection, user_id: &str, id: &str) -> Result<Message, ApiError> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} WHERE m.id = ?1 AND m.user_id = ?2"))?;
    let mut m = stmt
        .query_row([id, user_id], from_row)
        .optional()?
        .ok_or_else(not_found)?;
    m.attachment_names = attachments(conn, &m.id)?
        .into_iter()
        .map(|a| a.filename)
        .collect();
    Ok(m)
}

/// The messages of one thread, oldest first (404 when the thread has none).
pub fn thread_messages(
    conn: &Connection,
    user_id: &str,
    thread_id: &str,
) -> Result<Vec<Message>, ApiError> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE m.user_id = ?1 AND m.thread_id = ?2 ORDER BY m.internal_date, m.id"
    ))?;
    let messages = stmt
        .query_map([user_id, thread_id], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if messages.is_empty() {
        return Err(not_found());
    }
    Ok(messages)
}

pub fn attachments(conn: &Connection, message_id: &str) -> Result<Vec<Attachment>, ApiError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, filename, mime_type, data FROM gmail_attachments WHERE message_id = ?1 \
         ORDER BY position",
    )?;
    let rows = stmt.query_map([message_id], |r| {
        Ok(Attachment {
            id: r.get(0)?,
            filename: r.get(1)?,
            mime_type: r.get(2)?,
            data: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Stores a new message and its attachments (ids are given to attachments that have none).
pub fn insert(conn: &Connection, m: &Message, atts: &[Attachment]) -> Result<(), ApiError> {
    conn.prepare_cached(&format!(
        "INSERT INTO gmail_messages ({COLUMNS}) VALUES \
         (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)"
    ))?
    .execute(params![
        m.id,
        m.user_id,
        m.thread_id,
        json_text(&m.label_ids),
        m.from,
        m.to,
        m.cc,
        m.bcc,
        m.reply_to,
        m.subject,
        m.date_header,
        m.message_id_header,
        m.in_reply_to,
        m.refs,
        serde_json::to_string(&m.extra_headers).unwrap_or_else(|_| "[]".into()),
        m.body_text,
        m.body_html,
        m.snippet,
        m.internal_date,
    ])?;
    for (i, a) in atts.iter().enumerate() {
        let id = if a.id.is_empty() {
            format!("ANGjdJ{}", crate::store::clock::ids::token(conn, 40)?)
        } else {
            a.id.clone()
        };
        conn.prepare_cached(
            "INSERT INTO gmail_attachments (id, message_id, position, filename, mime_type, data) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![id, m.id, i as i64, a.filename, a.mime_type, a.data])?;
    }
    Ok(())
}

pub fn json_text(labels: &[String]) -> String {
    serde_json::to_string(labels).unwrap_or_else(|_| "[]".into())
}

/// Moves the mailbox's history counter on and returns the new id.
pub fn next_history_id(conn: &Connection, user_id: &str) -> Result<i64, ApiError> {
    conn.prepare_cached(
        "INSERT INTO gmail_mailboxes (user_id, history_id) VALUES (?1, 100000) \
         ON CONFLICT(user_id) DO UPDATE SET history_id = history_id + 1",
    )?
    .execute([user_id])?;
    Ok(current_history_id(conn, user_id)?)
}

pub fn current_history_id(conn: &Connection, user_id: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT history_id FROM gmail_mailboxes WHERE user_id = ?1")?
        .query_row([user_id], |r| r.get(0))
        .optional()
        .map(|v| v.unwrap_or(100000))
}

/// Appends one history record; returns its id.
pub fn record(
    conn: &Connection,
    user_id: &str,
    kind: &str,
    message_id: &str,
    thread_id: &str,
    labels: &[String],
) -> Result<i64, ApiError> {
    let id = next_history_id(conn, user_id)?;
    conn.prepare_cached(
        "INSERT INTO gmail_history (user_id, id, kind, message_id, thread_id, label_ids) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        user_id,
        id,
        kind,
        message_id,
        thread_id,
        json_text(labels)
    ])?;
    Ok(id)
}

/// Adds a new message, recording `messageAdded`.
pub fn add_message(
    conn: &Connection,
    m: &mut Message,
    atts: &[Attachment],
) -> Result<(), ApiError> {
    m.label_ids = normalize_labels(m.label_ids.drain(..));
    m.history_id = record(
        conn,
        &m.user_id,
        "messageAdded",
        &m.id,
        &m.thread_id,
        &m.label_ids,
    )?;
    insert(conn, m, atts)
}

/// Changes a message's labels, recording `labelAdded`/`labelRemoved`. Returns the new labels.
pub fn change_labels(
    conn: &Connection,
    m: &mut Message,
    add: &[String],
    remove: &[String],
) -> Result<(), ApiError> {
    let before: BTreeSet<String> = m.label_ids.iter().cloned().collect();
    let mut after = before.clone();
    for r in remove {
        after.remove(r);
    }
    for a in add {
        after.insert(a.clone());
    }
    let added: Vec<String> = after.difference(&before).cloned().collect();
    let removed: Vec<String> = before.difference(&after).cloned().collect();
    if added.is_empty() && removed.is_empty() {
        return Ok(());
    }
    m.label_ids = after.into_iter().collect();
    if !added.is_empty() {
        m.history_id = record(conn, &m.user_id, "labelAdded", &m.id, &m.thread_id, &added)?;
    }
    if !removed.is_empty() {
        m.history_id = record(
            conn,
            &m.user_id,
            "labelRemoved",
            &m.id,
            &m.thread_id,
            &removed,
        )?;
    }
    conn.prepare_cached("UPDATE gmail_messages SET label_ids = ?1 WHERE id = ?2")?
        .execute(params![json_text(&m.label_ids), m.id])?;
    Ok(())
}

/// Deletes a message for good (and a draft that pointed at it), recording `messageDeleted`.
pub fn delete_message(conn: &Connection, m: &Message) -> Result<(), ApiError> {
    record(
        conn,
        &m.user_id,
        "messageDeleted",
        &m.id,
        &m.thread_id,
        &m.label_ids,
    )?;
    conn.prepare_cached("DELETE FROM gmail_drafts WHERE message_id = ?1")?
        .execute([&m.id])?;
    conn.prepare_cached("DELETE FROM gmail_attachments WHERE message_id = ?1")?
        .execute([&m.id])?;
    conn.prepare_cached("DELETE FROM gmail_messages WHERE id = ?1")?
        .execute([&m.id])?;
    Ok(())
}

/// Output formats of messages.get / threads.get.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Full,
    Metadata,
    Minimal,
    Raw,
}

impl Format {
    pub fn parse(value: Option<&str>) -> Result<Format, ApiError> {
        match value.unwrap_or("full").to_ascii_lowercase().as_str() {
            "" | "full" => Ok(Format::Full),
            "metadata" => Ok(Format::Metadata),
            "minimal" => Ok(Format::Minimal),
            "raw" => Ok(Format::Raw),
            other => Err(ApiError::invalid_parameter("format", other)),
        }
    }
}

/// `{id, threadId, labelIds}`: what mutations answer.
pub fn short_json(m: &Message) -> Value {
    let mut v = json!({"id": m.id, "threadId": m.thread_id});
    if !m.label_ids.is_empty() {
        v["labelIds"] = json!(m.label_ids);
    }
    v
}

/// A message resource in the given format.
pub fn message_json(
    conn: &Connection,
    m: &Message,
    format: Format,
    metadata_headers: &[String],
) -> Result<Value, ApiError> {
    let atts = attachments(conn, &m.id)?;
    let rendered = Rendered {
        id: &m.id,
        headers: m.headers(),
        text: &m.body_text,
        html: &m.body_html,
        attachments: &atts,
    };
    let raw = rendered.raw();
    let mut v = short_json(m);
    v["snippet"] = json!(m.snippet);
    v["sizeEstimate"] = json!(raw.len());
    v["historyId"] = json!(m.history_id.to_string());
    v["internalDate"] = json!(m.internal_date.to_string());
    match format {
        Format::Full => v["payload"] = rendered.payload(true, &[]),
        Format::Metadata => v["payload"] = rendered.payload(false, metadata_headers),
        Format::Minimal => {}
        Format::Raw => v["raw"] = json!(mime::encode_base64url(raw.as_bytes())),
    }
    Ok(v)
}
