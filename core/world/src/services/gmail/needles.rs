//! Task needles for Gmail: the rows a task is about, inserted after the filler. A needle names a
//! `kind` and gives its fields as JSON; every field but `subject`/`name` has a default.
//!
//! Kinds and their fields:
//! - `message`: `owner` (mailbox, default the primary user), `from` ("Name <addr>", or
//!   `sender_name` + `sender_email`), `to`, `cc`, `bcc` (string or list), `reply_to`, `subject`,
//!   `body`, `body_html`, `labels` (ids or names; names that do not exist become user labels;
//!   default `["INBOX", "UNREAD", "CATEGORY_PERSONAL"]`), `is_read`, `is_starred`,
//!   `is_important`, `days_ago` / `hours_ago` (numbers) or `received_at` (RFC 3339), default one
//!   hour ago, `attachments` (`[{filename, mime_type?, content}]`), `headers` (`[{name, value}]`),
//!   `message_id`.
//! - `thread`: `owner`, `subject`, `messages` (a list of `message` fields, oldest first; each
//!   reply gets `Re:`, In-Reply-To and References automatically).
//! - `draft`: the `message` fields (labels are DRAFT); adds a draft.
//! - `label`: `owner`, `name`, `color` (`{textColor, backgroundColor}`), visibilities.
//! - `filter`: `owner`, `criteria`, `action` (label names allowed in add/removeLabelIds).

use chrono::{DateTime, Duration, TimeZone, Utc};
use rusqlite::Connection;
use serde_json::{json, Map, Value};

use super::labels::{self, Label};
use super::mime::{self, Attachment};
use super::store::{self, Message};
use super::{delivery, mailbox, settings};
use crate::needles::{Inserted, NeedleRef};
use crate::store::clock::{self, ids};
use crate::store::users::{self, User};

type Fields = Map<String, Value>;

/// Inserts one needle of `kind`; returns the rows it created.
pub fn insert(conn: &Connection, kind: &str, data: &Value) -> Inserted {
    let fields = data
        .as_object()
        .ok_or_else(|| format!("gmail {kind} needle: data must be an object"))?;
    let owner = owner(conn, fields)?;
    mailbox::ensure(conn, &owner).map_err(|e| e.message)?;
    match kind {
        "message" => {
            let m = message(conn, &owner, fields, None, &[])?;
            Ok(vec![message_ref(&m)])
        }
        "thread" => thread(conn, &owner, fields),
        "draft" => draft(conn, &owner, fields),
        "label" => {
            let name = text(fields, "name").ok_or("gmail label needle: 'name' is required")?;
            let id = label_id(conn, &owner, &name, fields.get("color"))?;
            Ok(vec![NeedleRef {
                collection: "gmail_labels".into(),
                key: format!("{}|{id}", owner.id),
            }])
        }
        "filter" => filter(conn, &owner, fields),
        other => Err(format!(
            "unknown gmail needle kind '{other}' (message, thread, draft, label or filter)"
        )),
    }
}

fn message_ref(m: &Message) -> NeedleRef {
    NeedleRef {
        collection: "gmail_messages".into(),
        key: m.id.clone(),
    }
}

fn owner(conn: &Connection, f: &Fields) -> Result<User, String> {
    let found = match text(f, "owner") {
        Some(who) => users::find(conn, &who),
        None => users::primary(conn),
    };
    found
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "gmail needle: the mailbox's owner is not in the directory".to_string())
}

fn text(f: &Fields, key: &str) -> Option<String> {
    f.get(key).and_then(Value::as_str).map(str::to_string)
}

/// A string or a list of strings, joined as an address list.
fn addresses(f: &Fields, key: &str) -> String {
    match f.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    }
}

fn flag(f: &Fields, key: &str) -> bool {
    f.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn received_at(conn: &Connection, f: &Fields) -> Result<i64, String> {
    let now = clock::now(conn).map_err(|e| e.to_string())?;
    if let Some(at) = text(f, "received_at") {
        return DateTime::parse_from_rfc3339(&at)
            .map(|d| d.timestamp_millis())
            .map_err(|e| format!("received_at '{at}': {e}"));
    }
    let minutes = if let Some(d) = f.get("days_ago").and_then(Value::as_f64) {
        crate::needles::days_in_range(d, "days_ago")? * 1440.0
    } else if let Some(h) = f.get("hours_ago").and_then(Value::as_f64) {
        crate::needles::days_in_range(h / 24.0, "hours_ago")? * 1440.0
    } else {
        60.0
    };
    let ms = (minutes * 60_000.0).round() as i64;
    Ok((now - Duration::milliseconds(ms)).timestamp_millis())
}

/// The id of label `name` in `owner`'s mailbox: a system id, an existing user label (by name,
/// case-insensitive), or a new user label.
fn label_id(
    conn: &Connection,
    owner: &User,
    name: &str,
    color: Option<&Value>,
) -> Result<String, String> {
    let all = labels::all(conn, &owner.id).map_err(|e| e.message)?;
    if let Some(l) = all
        .iter()
        .find(|l| l.id.eq_ignore_ascii_case(name) || l.name.eq_ignore_ascii_case(name))
    {
        return Ok(l.id.clone());
    }
    let label = Label {
        id: labels::new_label_id(conn).map_err(|e| e.message)?,
        name: name.to_string(),
        kind: "user".into(),
        message_list_visibility: Some("show".into()),
        label_list_visibility: Some("labelShow".into()),
        color: color.cloned(),
    };
    labels::insert_user_label(conn, &owner.id, &label).map_err(|e| e.message)?;
    Ok(label.id)
}

fn message(
    conn: &Connection,
    owner: &User,
    f: &Fields,
    thread: Option<&str>,
    earlier: &[Message],
) -> Result<Message, String> {
    let subject = text(f, "subject").unwrap_or_default();
    let from = match (text(f, "from"), text(f, "sender_email")) {
        (Some(from), _) => from,
        (None, Some(email)) => match text(f, "sender_name") {
            Some(name) => format!("{name} <{email}>"),
            None => email,
        },
        (None, None) => "Someone <someone@example.com>".into(),
    };
    let mut to = addresses(f, "to");
    if to.is_empty() {
        to = format!("{} <{}>", owner.display_name, owner.email);
    }
    let mut label_names: Vec<String> = match f.get("labels") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => vec!["INBOX".into(), "UNREAD".into(), "CATEGORY_PERSONAL".into()],
    };
    if flag(f, "is_read") {
        label_names.retain(|l| !l.eq_ignore_ascii_case("UNREAD"));
    }
    if flag(f, "is_starred") {
        label_names.push("STARRED".into());
    }
    if flag(f, "is_important") {
        label_names.push("IMPORTANT".into());
    }
    let mut label_ids = Vec::new();
    for name in &label_names {
        label_ids.push(label_id(conn, owner, name, None)?);
    }
    let time = received_at(conn, f)?;
    let text_body = text(f, "body").unwrap_or_default();
    let html_body = text(f, "body_html").unwrap_or_default();
    let id = ids::hex16(conn).map_err(|e| e.to_string())?;
    let (in_reply_to, refs) = match earlier.last() {
        Some(prev) => (
            prev.message_id_header.clone(),
            earlier
                .iter()
                .map(|m| m.message_id_header.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        None => (String::new(), String::new()),
    };
    let extra: Vec<(String, String)> = match f.get("headers") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|h| {
                Some((
                    h["name"].as_str()?.to_string(),
                    h["value"].as_str()?.to_string(),
                ))
            })
            .collect(),
        _ => Vec::new(),
    };
    let message_id_header = match text(f, "message_id") {
        Some(m) => m,
        None => delivery::new_message_id_header(conn).map_err(|e| e.message)?,
    };
    let date = Utc
        .timestamp_millis_opt(time)
        .single()
        .unwrap_or_default()
        .with_timezone(&delivery::tz_of(owner))
        .to_rfc2822();
    let mut m = Message {
        id: id.clone(),
        user_id: owner.id.clone(),
        thread_id: thread.map(str::to_string).unwrap_or(id),
        label_ids,
        from,
        to,
        cc: addresses(f, "cc"),
        bcc: addresses(f, "bcc"),
        reply_to: text(f, "reply_to").unwrap_or_default(),
        subject,
        date_header: date,
        message_id_header,
        in_reply_to,
        refs,
        extra_headers: extra,
        snippet: mime::snippet(&text_body, &html_body),
        body_text: text_body,
        body_html: html_body,
        internal_date: time,
        ..Message::default()
    };
    let atts: Vec<Attachment> = match f.get("attachments") {
        Some(Value::Array(items)) => items
            .iter()
            .map(|a| {
                let filename = a["filename"]
                    .as_str()
                    .unwrap_or("attachment.txt")
                    .to_string();
                Attachment {
                    id: String::new(),
                    mime_type: a["mime_type"]
                        .as_str()
                        .unwrap_or("application/octet-stream")
                        .to_string(),
                    data: a["content"].as_str().unwrap_or("").as_bytes().to_vec(),
                    filename,
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    store::add_message(conn, &mut m, &atts).map_err(|e| e.message)?;
    Ok(m)
}

fn thread(conn: &Connection, owner: &User, f: &Fields) -> Inserted {
    let items = f
        .get("messages")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
        .ok_or("gmail thread needle: 'messages' must be a non-empty list")?;
    let subject = text(f, "subject").unwrap_or_default();
    let mut stored: Vec<Message> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let mut fields = item
            .as_object()
            .cloned()
            .ok_or("gmail thread needle: each message must be an object")?;
        if !fields.contains_key("subject") {
            let s = if i == 0 {
                subject.clone()
            } else {
                format!("Re: {subject}")
            };
            fields.insert("subject".into(), json!(s));
        }
        let thread_id = stored.first().map(|m| m.thread_id.clone());
        let m = message(conn, owner, &fields, thread_id.as_deref(), &stored)?;
        stored.push(m);
    }
    Ok(stored.iter().map(message_ref).collect())
}

fn draft(conn: &Connection, owner: &User, f: &Fields) -> Inserted {
    let mut fields = f.clone();
    fields.insert("labels".into(), json!(["DRAFT"]));
    if !fields.contains_key("from") {
        fields.insert(
            "from".into(),
            json!(format!("{} <{}>", owner.display_name, owner.email)),
        );
    }
    if !fields.contains_key("to") {
        fields.insert("to".into(), json!(""));
    }
    let m = message(conn, owner, &fields, None, &[])?;
    let draft_id = format!("r{}", ids::numeric(conn, 19).map_err(|e| e.to_string())?);
    conn.execute(
        "INSERT INTO gmail_drafts (id, user_id, message_id) VALUES (?1, ?2, ?3)",
        rusqlite::params![draft_id, owner.id, m.id],
    )
    .map_err(|e| e.to_string())?;
    Ok(vec![
        message_ref(&m),
        NeedleRef {
            collection: "gmail_drafts".into(),
            key: draft_id,
        },
    ])
}

fn filter(conn: &Connection, owner: &User, f: &Fields) -> Inserted {
    let mut body = f.clone();
    body.remove("owner");
    if let Some(Value::Object(action)) = body.get_mut("action") {
        for key in ["addLabelIds", "removeLabelIds"] {
            if let Some(Value::Array(items)) = action.get_mut(key) {
                for item in items.iter_mut() {
                    if let Some(name) = item.as_str().map(str::to_string) {
                        *item = json!(label_id(conn, owner, &name, None)?);
                    }
                }
            }
        }
    }
    let created = settings::create_filter(conn, &owner.id, &body).map_err(|e| e.message)?;
    Ok(vec![NeedleRef {
        collection: "gmail_filters".into(),
        key: created.id,
    }])
}
