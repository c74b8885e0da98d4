//! Turning raw RFC 2822 text into stored messages, threading them, sending them and delivering
//! copies to the other users of the world (their filters, vacation responder and auto-forwarding
//! included).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::mime::{self, Attachment, Parsed};
use super::search::{self, Doc};
use super::store::{self, Message};
use super::{labels, mailbox, settings};
use crate::rest::body::strings_in;
use crate::rest::ApiError;
use crate::store::clock::ids;
use crate::store::users::{self, User};

/// Deepest chain of automatic mail (auto-replies, forwards) one send may trigger.
const MAX_AUTOMATION_DEPTH: usize = 3;

pub fn tz_of(user: &User) -> Tz {
    user.time_zone.parse().unwrap_or(chrono_tz::UTC)
}

/// Decodes and parses a `raw` field (400 when it is not base64url RFC 2822).
pub fn parse_raw(raw: &str) -> Result<Parsed, ApiError> {
    let bytes = mime::decode_base64(raw)
        .map_err(|_| ApiError::bad_request("Invalid value for raw: not base64url-encoded"))?;
    mime::parse(&bytes).map_err(|e| ApiError::bad_request(format!("Invalid raw message: {e}")))
}

/// A new message id (Gmail's 16 hex digits).
pub fn new_id(conn: &Connection) -> Result<String, ApiError> {
    Ok(ids::hex16(conn)?)
}

/// A fresh `Message-ID` header value.
pub fn new_message_id_header(conn: &Connection) -> Result<String, ApiError> {
    Ok(format!("<CA+{}@mail.gmail.com>", ids::token(conn, 32)?))
}

fn date_header(now: DateTime<Utc>, tz: Tz) -> String {
    now.with_timezone(&tz).to_rfc2822()
}

/// Builds a message owned by `owner` from parsed raw text (no labels, no thread yet).
pub fn from_parsed(
    conn: &Connection,
    owner: &User,
    parsed: &Parsed,
    now: DateTime<Utc>,
) -> Result<(Message, Vec<Attachment>), ApiError> {
    let h = |name: &str| parsed.header(name).unwrap_or("").to_string();
    const KNOWN: &[&str] = &[
        "from",
        "to",
        "cc",
        "bcc",
        "reply-to",
        "subject",
        "date",
        "message-id",
        "in-reply-to",
        "references",
    ];
    let extra: Vec<(String, String)> = parsed
        .headers
        .iter()
        .filter(|(k, _)| !KNOWN.contains(&k.to_ascii_lowercase().as_str()))
        .cloned()
        .collect();
    let message_id_header = match parsed.header("message-id") {
        Some(v) if !v.trim().is_empty() => v.trim().to_string(),
        _ => new_message_id_header(conn)?,
    };
    let date = match parsed.header("date") {
        Some(v) if !v.trim().is_empty() => v.trim().to_string(),
        _ => date_header(now, tz_of(owner)),
    };
    let id = new_id(conn)?;
    let m = Message {
        id: id.clone(),
        user_id: owner.id.clone(),
        thread_id: String::new(),
        label_ids: Vec::new(),
        from: h("from"),
        to: h("to"),
        cc: h("cc"),
        bcc: h("bcc"),
        reply_to: h("reply-to"),
        subject: h("subject"),
        date_header: date,
        message_id_header,
        in_reply_to: h("in-reply-to"),
        refs: h("references"),
        extra_headers: extra,
        snippet: mime::snippet(&parsed.text, &parsed.html),
        body_text: parsed.text.clone(),
        body_html: parsed.html.clone(),
        internal_date: now.timestamp_millis(),
        history_id: 0,
        attachment_names: parsed
            .attachments
            .iter()
            .map(|a| a.filename.clone())
            .collect(),
    };
    Ok((m, parsed.attachments.clone()))
}

/// The epoch milliseconds of a `Date` header, if it parses.
pub fn date_header_ms(value: &str) -> Option<i64> {
    DateTime::parse_from_rfc2822(value.trim())
        .ok()
        .map(|d| d.timestamp_millis())
}

/// The thread of `owner`'s mailbox that a message replying to `in_reply_to`/`refs` belongs to.
pub fn thread_by_references(
    conn: &Connection,
    owner: &str,
    in_reply_to: &str,
    refs: &str,
) -> Result<Option<String>, ApiError> {
    let mut wanted: Vec<&str> = in_reply_to.split_whitespace().collect();
    wanted.extend(refs.split_whitespace().rev());
    for id in wanted {
        let found = conn
            .prepare_cached(
                "SELECT thread_id FROM gmail_messages WHERE user_id = ?1 AND message_id_header = ?2 \
                 ORDER BY internal_date LIMIT 1",
            )?
            .query_row(params![owner, id], |r| r.get::<_, String>(0))
            .optional()?;
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

/// Picks the thread of a new message: an explicit `threadId` (which must exist: 404), else the
/// thread its `In-Reply-To`/`References` point at, else a new thread named after the message.
pub fn assign_thread(
    conn: &Connection,
    m: &mut Message,
    thread_id: Option<&str>,
) -> Result<(), ApiError> {
    if let Some(t) = thread_id.filter(|t| !t.is_empty()) {
        store::thread_messages(conn, &m.user_id, t)?;
        m.thread_id = t.to_string();
        return Ok(());
    }
    m.thread_id = thread_by_references(conn, &m.user_id, &m.in_reply_to, &m.refs)?
        .unwrap_or_else(|| m.id.clone());
    Ok(())
}

/// Every address a message is sent to (To, Cc and Bcc), lowercased, without duplicates.
pub fn recipients(m: &Message) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for field in [&m.to, &m.cc, &m.bcc] {
        for a in mime::split_addresses(field) {
            let e = mime::email_of(&a);
            if e.contains('@') && !out.contains(&e) {
                out.push(e);
            }
        }
    }
    out
}

/// The `From` a user sends with: their address if it is one of their send-as addresses,
/// otherwise the default send-as address.
pub fn sender_from(conn: &Connection, user: &User, requested: &str) -> Result<String, ApiError> {
    let send_as = settings::send_as_all(conn, &user.id)?;
    let wanted = mime::email_of(requested);
    let chosen = send_as
        .iter()
        .find(|s| {
            s.email.eq_ignore_ascii_case(&wanted)
                && (s.verification_status == "accepted" || s.is_primary)
        })
        .or_else(|| send_as.iter().find(|s| s.is_default))
        .or_else(|| send_as.first());
    Ok(match chosen {
        Some(s) if !s.display_name.is_empty() => format!("{} <{}>", s.display_name, s.email),
        Some(s) => s.email.clone(),
        None => format!("{} <{}>", user.display_name, user.email),
    })
}

/// Sends a composed message from `sender`: stores the SENT copy and delivers to every
/// recipient that has a mailbox in the world. Returns the sender's copy.
pub fn send(
    conn: &Connection,
    sender: &User,
    mut m: Message,
    atts: Vec<Attachment>,
    now: DateTime<Utc>,
    depth: usize,
) -> Result<Message, ApiError> {
    let to = recipients(&m);
    if to.is_empty() {
        return Err(ApiError::bad_request("Recipient address required"));
    }
    m.from = sender_from(conn, sender, &m.from)?;
    m.internal_date = now.timestamp_millis();
    if m.date_header.is_empty() {
        m.date_header = date_header(now, tz_of(sender));
    }
    m.label_ids.retain(|l| l != "DRAFT");
    m.label_ids.push("SENT".into());
    if to.iter().any(|e| e.eq_ignore_ascii_case(&sender.email)) {
        m.label_ids.push("INBOX".into());
    }
    store::add_message(conn, &mut m, &atts)?;
    deliver_all(conn, sender, &m, &atts, &to, now, depth)?;
    Ok(m)
}

/// Delivers copies of an already stored sent message to the world users among `to`.
pub fn deliver_all(
    conn: &Connection,
    sender: &User,
    m: &Message,
    atts: &[Attachment],
    to: &[String],
    now: DateTime<Utc>,
    depth: usize,
) -> Result<(), ApiError> {
    for email in to {
        if email.eq_ignore_ascii_case(&sender.email) {
            continue;
        }
        if let Some(recipient) = users::find(conn, email)? {
            deliver(conn, &recipient, m, atts, now, depth)?;
        }
    }
    Ok(())
}

/// Puts a copy of `original` into `recipient`'s inbox.
pub fn deliver(
    conn: &Connection,
    recipient: &User,
    original: &Message,
    atts: &[Attachment],
    now: DateTime<Utc>,
    depth: usize,
) -> Result<(), ApiError> {
    mailbox::ensure(conn, recipient)?;
    let mut copy = original.clone();
    copy.id = new_id(conn)?;
    copy.user_id = recipient.id.clone();
    copy.bcc = String::new();
    copy.internal_date = now.timestamp_millis();
    copy.label_ids = vec!["INBOX".into(), "UNREAD".into(), "CATEGORY_PERSONAL".into()];
    copy.thread_id = thread_by_references(conn, &recipient.id, &copy.in_reply_to, &copy.refs)?
        .unwrap_or_else(|| copy.id.clone());
    let forwards = apply_filters(conn, recipient, &mut copy, now)?;
    let fresh: Vec<Attachment> = atts
        .iter()
        .map(|a| Attachment {
            id: String::new(),
            ..a.clone()
        })
        .collect();
    store::add_message(conn, &mut copy, &fresh)?;
    if depth >= MAX_AUTOMATION_DEPTH {
        return Ok(());
    }
    let auto = settings::get_setting(conn, &recipient.id, "autoForwarding")?;
    let mut forward_to = forwards;
    if auto.get("enabled").and_then(Value::as_bool) == Some(true) {
        if let Some(addr) = auto.get("emailAddress").and_then(Value::as_str) {
            forward_to.push(addr.to_ascii_lowercase());
            match auto.get("disposition").and_then(Value::as_str) {
                Some("archive") => store::change_labels(conn, &mut copy, &[], &["INBOX".into()])?,
                Some("trash") => {
                    store::change_labels(conn, &mut copy, &["TRASH".into()], &["INBOX".into()])?
                }
                Some("markRead") => store::change_labels(conn, &mut copy, &[], &["UNREAD".into()])?,
                _ => {}
            }
        }
    }
    for addr in forward_to {
        if let Some(target) = users::find(conn, &addr)? {
            if target.id != recipient.id {
                deliver(conn, &target, original, atts, now, depth + 1)?;
            }
        }
    }
    if !copy.has_label("SPAM") {
        vacation_reply(conn, recipient, &copy, now, depth)?;
    }
    Ok(())
}

/// The search context of a mailbox (its labels, zone and address) at `now`.
pub fn search_context(
    conn: &Connection,
    user: &User,
    now: DateTime<Utc>,
) -> Result<search::Context, ApiError> {
    let mut map = std::collections::HashMap::new();
    for l in labels::all(conn, &user.id)? {
        map.insert(search::normalize_label(&l.id), l.id.clone());
        map.insert(search::normalize_label(&l.name), l.id);
    }
    Ok(search::Context {
        now,
        tz: tz_of(user),
        user_email: user.email.clone(),
        labels: map,
    })
}

/// Applies the recipient's filters to an incoming message (before it is stored); returns the
/// addresses the filters forward it to.
pub fn apply_filters(
    conn: &Connection,
    recipient: &User,
    m: &mut Message,
    now: DateTime<Utc>,
) -> Result<Vec<String>, ApiError> {
    let filters = settings::filters_all(conn, &recipient.id)?;
    if filters.is_empty() {
        return Ok(Vec::new());
    }
    let ctx = search_context(conn, recipient, now)?;
    let mut forwards = Vec::new();
    for f in filters {
        let Some(expr) = settings::criteria_expr(&f.criteria) else {
            continue;
        };
        if !search::matches(&expr, &Doc::new(m), &ctx) {
            continue;
        }
        let remove = strings_in(f.action.get("removeLabelIds"));
        m.label_ids.retain(|l| !remove.contains(l));
        for add in strings_in(f.action.get("addLabelIds")) {
            if !m.label_ids.contains(&add) {
                m.label_ids.push(add);
            }
        }
        if let Some(addr) = f.action.get("forward").and_then(Value::as_str) {
            forwards.push(addr.to_ascii_lowercase());
        }
    }
    m.label_ids = store::normalize_labels(m.label_ids.drain(..));
    Ok(forwards)
}

fn vacation_reply(
    conn: &Connection,
    recipient: &User,
    received: &Message,
    now: DateTime<Utc>,
    depth: usize,
) -> Result<(), ApiError> {
    let v = settings::get_setting(conn, &recipient.id, "vacation")?;
    if v.get("enableAutoReply").and_then(Value::as_bool) != Some(true) {
        return Ok(());
    }
    let now_ms = now.timestamp_millis();
    let bound = |key: &str| {
        v.get(key)
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<i64>().ok())
    };
    if bound("startTime").is_some_and(|s| now_ms < s)
        || bound("endTime").is_some_and(|e| now_ms >= e)
    {
        return Ok(());
    }
    if received
        .extra_headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("Auto-Submitted"))
    {
        return Ok(());
    }
    let sender_email = mime::email_of(&received.from);
    let Some(sender) = users::find(conn, &sender_email)? else {
        return Ok(());
    };
    if sender.id == recipient.id {
        return Ok(());
    }
    // restrictToContacts needs no check here: only users of the world's directory (everyone's
    // contacts) can send mail that gets delivered, so every sender is a contact.
    let domain = |e: &str| e.rsplit('@').next().unwrap_or("").to_ascii_lowercase();
    if v.get("restrictToDomain").and_then(Value::as_bool) == Some(true)
        && domain(&sender.email) != domain(&recipient.email)
    {
        return Ok(());
    }
    // one auto-reply per correspondent
    let already: bool = conn
        .prepare_cached(
            "SELECT 1 FROM gmail_messages WHERE user_id = ?1 AND to_addrs = ?2 \
             AND extra_headers LIKE '%Auto-Submitted%' LIMIT 1",
        )?
        .query_row(params![recipient.id, sender.email], |_| Ok(()))
        .optional()?
        .is_some();
    if already {
        return Ok(());
    }
    let text = |key: &str| v.get(key).and_then(Value::as_str).unwrap_or("").to_string();
    let subject = match text("responseSubject") {
        s if s.is_empty() => format!("Re: {}", received.subject),
        s => s,
    };
    let body_text = text("responseBodyPlainText");
    let body_html = text("responseBodyHtml");
    let mut reply = Message {
        id: new_id(conn)?,
        user_id: recipient.id.clone(),
        from: String::new(),
        to: sender.email.clone(),
        subject,
        message_id_header: new_message_id_header(conn)?,
        in_reply_to: received.message_id_header.clone(),
        refs: format!("{} {}", received.refs, received.message_id_header)
            .trim()
            .to_string(),
        extra_headers: vec![("Auto-Submitted".into(), "auto-replied".into())],
        snippet: mime::snippet(&body_text, &body_html),
        body_text,
        body_html,
        ..Message::default()
    };
    reply.thread_id = received.thread_id.clone();
    send(conn, recipient, reply, Vec::new(), now, depth + 1)?;
    Ok(())
}
