//! Gmail tools.

use base64::Engine;
use serde_json::{json, Value};

use super::{enc, truncate, Access, App, Args, Session, Tool, ToolError, MAX_TEXT};
use env0_world::Method;

const BASE: &str = "/gmail/v1/users/me";

pub fn tools() -> Vec<Tool> {
    vec![
        Tool {
            name: "gmail_search",
            app: App::Gmail,
            access: Access::Read,
            description: "Search the mailbox with Gmail query syntax (from:, to:, subject:, label:, is:unread, \
                          has:attachment, after:YYYY/MM/DD, OR, -exclude, \"exact phrase\"). Returns id, thread, \
                          sender, subject, date, labels and a snippet per message, newest first.".into(),
            parameters: json!({"type": "object", "properties": {
                "query": {"type": "string", "description": "Gmail search query; empty lists the inbox"},
                "max_results": {"type": "integer", "description": "1-50, default 10"}},
                "required": []}),
            run: search,
        },
        Tool {
            name: "gmail_read",
            app: App::Gmail,
            access: Access::Read,
            description: "Read one message: headers, labels, plain-text body and attachment names.".into(),
            parameters: json!({"type": "object", "properties": {
                "message_id": {"type": "string"}}, "required": ["message_id"]}),
            run: read,
        },
        Tool {
            name: "gmail_read_thread",
            app: App::Gmail,
            access: Access::Read,
            description: "Read every message of a thread, oldest first.".into(),
            parameters: json!({"type": "object", "properties": {
                "thread_id": {"type": "string"}}, "required": ["thread_id"]}),
            run: read_thread,
        },
        Tool {
            name: "gmail_send",
            app: App::Gmail,
            access: Access::Write,
            description: "Send an email. To reply, pass reply_to_message_id: the reply joins that thread.".into(),
            parameters: json!({"type": "object", "properties": {
                "to": {"type": "array", "items": {"type": "string"}, "description": "recipient addresses"},
                "subject": {"type": "string"},
                "body": {"type": "string", "description": "plain text"},
                "cc": {"type": "array", "items": {"type": "string"}},
                "bcc": {"type": "array", "items": {"type": "string"}},
                "reply_to_message_id": {"type": "string"}},
                "required": ["to", "subject", "body"]}),
            run: send,
        },
        Tool {
            name: "gmail_create_draft",
            app: App::Gmail,
            access: Access::Write,
            description: "Save an email as a draft without sending it.".into(),
            parameters: json!({"type": "object", "properties": {
                "to": {"type": "array", "items": {"type": "string"}},
                "subject": {"type": "string"},
                "body": {"type": "string"},
                "cc": {"type": "array", "items": {"type": "string"}},
                "reply_to_message_id": {"type": "string"}},
                "required": ["to", "subject", "body"]}),
            run: create_draft,
        },
        Tool {
            name: "gmail_modify_labels",
            app: App::Gmail,
            access: Access::Write,
            description: "Add or remove labels on messages, by label name. System labels: INBOX, UNREAD, \
                          STARRED, IMPORTANT, SPAM. Remove INBOX to archive; remove UNREAD to mark read.".into(),
            parameters: json!({"type": "object", "properties": {
                "message_ids": {"type": "array", "items": {"type": "string"}},
                "add": {"type": "array", "items": {"type": "string"}, "description": "label names to add"},
                "remove": {"type": "array", "items": {"type": "string"}, "description": "label names to remove"}},
                "required": ["message_ids"]}),
            run: modify_labels,
        },
        Tool {
            name: "gmail_trash",
            app: App::Gmail,
            access: Access::Write,
            description: "Move messages to the trash.".into(),
            parameters: json!({"type": "object", "properties": {
                "message_ids": {"type": "array", "items": {"type": "string"}}}, "required": ["message_ids"]}),
            run: trash,
        },
        Tool {
            name: "gmail_list_labels",
            app: App::Gmail,
            access: Access::Read,
            description: "List the mailbox's labels (system and user labels).".into(),
            parameters: json!({"type": "object", "properties": {}, "required": []}),
            run: list_labels,
        },
        Tool {
            name: "gmail_create_label",
            app: App::Gmail,
            access: Access::Write,
            description: "Create a user label.".into(),
            parameters: json!({"type": "object", "properties": {
                "name": {"type": "string"}}, "required": ["name"]}),
            run: create_label,
        },
    ]
}

fn header<'a>(msg: &'a Value, name: &str) -> &'a str {
    msg["payload"]["headers"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|h| {
            h["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
        .and_then(|h| h["value"].as_str())
        .unwrap_or("")
}

fn summary(msg: &Value) -> Value {
    json!({
        "id": msg["id"],
        "thread_id": msg["threadId"],
        "from": header(msg, "From"),
        "to": header(msg, "To"),
        "subject": header(msg, "Subject"),
        "date": header(msg, "Date"),
        "labels": msg["labelIds"],
        "snippet": msg["snippet"],
    })
}

fn search(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let max = a.opt_i64("max_results").unwrap_or(10).clamp(1, 50);
    let query = a.opt_str("query").unwrap_or("in:inbox");
    let list = s.get(&format!(
        "{BASE}/messages?maxResults={max}&q={}",
        enc(query)
    ))?;
    let mut out = Vec::new();
    for m in list["messages"].as_array().into_iter().flatten() {
        let id = m["id"].as_str().unwrap_or_default();
        let msg = s.get(&format!(
            "{BASE}/messages/{}?format=metadata&metadataHeaders=From&metadataHeaders=To&metadataHeaders=Subject&metadataHeaders=Date",
            enc(id)
        ))?;
        out.push(summary(&msg));
    }
    Ok(
        json!({"messages": out, "result_size_estimate": list["resultSizeEstimate"], "more": list.get("nextPageToken").is_some()}),
    )
}

fn decode_b64(data: &str) -> String {
    let cleaned: String = data.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cleaned.trim_end_matches('='))
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

/// First part of `mime` in a MIME tree, depth first.
fn find_part<'a>(part: &'a Value, mime: &str) -> Option<&'a Value> {
    if part["mimeType"].as_str() == Some(mime) && part["body"]["data"].is_string() {
        return Some(part);
    }
    part["parts"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|p| find_part(p, mime))
}

fn attachments(part: &Value, out: &mut Vec<Value>) {
    if let Some(name) = part["filename"].as_str().filter(|n| !n.is_empty()) {
        out.push(
            json!({"filename": name, "mime_type": part["mimeType"], "size": part["body"]["size"]}),
        );
    }
    for p in part["parts"].as_array().into_iter().flatten() {
        attachments(p, out);
    }
}

fn strip_html(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn body_text(msg: &Value) -> String {
    let payload = &msg["payload"];
    if let Some(p) = find_part(payload, "text/plain") {
        return decode_b64(p["body"]["data"].as_str().unwrap_or_default());
    }
    if let Some(p) = find_part(payload, "text/html") {
        return strip_html(&decode_b64(p["body"]["data"].as_str().unwrap_or_default()));
    }
    String::new()
}

fn full_view(msg: &Value) -> Value {
    let mut files = Vec::new();
    attachments(&msg["payload"], &mut files);
    json!({
        "id": msg["id"],
        "thread_id": msg["threadId"],
        "from": header(msg, "From"),
        "to": header(msg, "To"),
        "cc": header(msg, "Cc"),
        "subject": header(msg, "Subject"),
        "date": header(msg, "Date"),
        "labels": msg["labelIds"],
        "body": truncate(&body_text(msg), MAX_TEXT),
        "attachments": files,
    })
}

fn read(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let id = a.str("message_id")?;
    let msg = s.get(&format!("{BASE}/messages/{}?format=full", enc(id)))?;
    Ok(full_view(&msg))
}

fn read_thread(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let id = a.str("thread_id")?;
    let thread = s.get(&format!("{BASE}/threads/{}?format=full", enc(id)))?;
    let msgs: Vec<Value> = thread["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(full_view)
        .collect();
    Ok(json!({"thread_id": id, "messages": msgs}))
}

/// RFC 2047 encoded-word for a header value that is not plain ASCII.
fn header_value(v: &str) -> String {
    let v = v.replace(['\r', '\n'], " ");
    if v.is_ascii() {
        v
    } else {
        format!(
            "=?UTF-8?B?{}?=",
            base64::engine::general_purpose::STANDARD.encode(v.as_bytes())
        )
    }
}

struct Outgoing {
    raw: String,
    thread_id: Option<String>,
}

fn compose(s: &mut Session<'_>, a: &Args, with_bcc: bool) -> Result<Outgoing, ToolError> {
    let to = a.str_list("to");
    if to.is_empty() {
        return Err(ToolError::new("'to' needs at least one address"));
    }
    for addr in to
        .iter()
        .chain(a.str_list("cc").iter())
        .chain(a.str_list("bcc").iter())
    {
        if !addr.contains('@') {
            return Err(ToolError::new(format!("'{addr}' is not an email address")));
        }
    }
    let me = s.get(&format!("{BASE}/profile"))?;
    let from = me["emailAddress"].as_str().unwrap_or_default().to_string();
    let mut subject = a.str("subject")?.to_string();
    let mut headers = vec![format!("From: {from}"), format!("To: {}", to.join(", "))];
    let cc = a.str_list("cc");
    if !cc.is_empty() {
        headers.push(format!("Cc: {}", cc.join(", ")));
    }
    let bcc = a.str_list("bcc");
    if with_bcc && !bcc.is_empty() {
        headers.push(format!("Bcc: {}", bcc.join(", ")));
    }
    let mut thread_id = None;
    if let Some(reply_id) = a.opt_str("reply_to_message_id") {
        let orig = s.get(&format!(
            "{BASE}/messages/{}?format=metadata&metadataHeaders=Message-ID&metadataHeaders=References&metadataHeaders=Subject",
            enc(reply_id)
        ))?;
        let message_id = header(&orig, "Message-ID").to_string();
        if !message_id.is_empty() {
            let refs = header(&orig, "References");
            headers.push(format!("In-Reply-To: {message_id}"));
            headers.push(format!(
                "References: {}",
                format!("{refs} {message_id}").trim()
            ));
        }
        let orig_subject = header(&orig, "Subject");
        if subject.is_empty() || subject.eq_ignore_ascii_case(orig_subject) {
            subject = if orig_subject.to_lowercase().starts_with("re:") {
                orig_subject.to_string()
            } else {
                format!("Re: {orig_subject}")
            };
        }
        thread_id = orig["threadId"].as_str().map(str::to_string);
    }
    headers.push(format!("Subject: {}", header_value(&subject)));
    headers.push("MIME-Version: 1.0".into());
    headers.push("Content-Type: text/plain; charset=\"UTF-8\"".into());
    headers.push("Content-Transfer-Encoding: 8bit".into());
    let body = a.str("body")?.replace("\r\n", "\n").replace('\n', "\r\n");
    let message = format!("{}\r\n\r\n{body}", headers.join("\r\n"));
    Ok(Outgoing {
        raw: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(message.as_bytes()),
        thread_id,
    })
}

fn send(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let out = compose(s, a, true)?;
    let mut body = json!({"raw": out.raw});
    if let Some(t) = out.thread_id {
        body["threadId"] = json!(t);
    }
    let sent = s.call(Method::Post, &format!("{BASE}/messages/send"), Some(body))?;
    Ok(json!({"sent": true, "id": sent["id"], "thread_id": sent["threadId"]}))
}

fn create_draft(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let out = compose(s, a, false)?;
    let mut message = json!({"raw": out.raw});
    if let Some(t) = out.thread_id {
        message["threadId"] = json!(t);
    }
    let draft = s.call(
        Method::Post,
        &format!("{BASE}/drafts"),
        Some(json!({"message": message})),
    )?;
    Ok(json!({"draft_id": draft["id"], "message_id": draft["message"]["id"]}))
}

/// Label name (or id) → id, case-insensitive.
fn label_ids(s: &mut Session<'_>, names: &[String]) -> Result<Vec<String>, ToolError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let labels = s.get(&format!("{BASE}/labels"))?;
    let all: Vec<(String, String)> = labels["labels"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| {
            Some((
                l["id"].as_str()?.to_string(),
                l["name"].as_str()?.to_string(),
            ))
        })
        .collect();
    names
        .iter()
        .map(|n| {
            all.iter()
                .find(|(id, name)| name.eq_ignore_ascii_case(n) || id.eq_ignore_ascii_case(n))
                .map(|(id, _)| id.clone())
                .ok_or_else(|| {
                    ToolError::new(format!(
                        "label '{n}' does not exist (create it with gmail_create_label, or see gmail_list_labels)"
                    ))
                })
        })
        .collect()
}

fn modify_labels(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let ids = a.str_list("message_ids");
    if ids.is_empty() {
        return Err(ToolError::new("'message_ids' needs at least one id"));
    }
    let add = label_ids(s, &a.str_list("add"))?;
    let remove = label_ids(s, &a.str_list("remove"))?;
    if add.is_empty() && remove.is_empty() {
        return Err(ToolError::new(
            "nothing to do: give 'add' and/or 'remove' label names",
        ));
    }
    for id in &ids {
        s.call(
            Method::Post,
            &format!("{BASE}/messages/{}/modify", enc(id)),
            Some(json!({"addLabelIds": add, "removeLabelIds": remove})),
        )?;
    }
    Ok(json!({"modified": ids.len()}))
}

fn trash(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let ids = a.str_list("message_ids");
    if ids.is_empty() {
        return Err(ToolError::new("'message_ids' needs at least one id"));
    }
    for id in &ids {
        s.call(
            Method::Post,
            &format!("{BASE}/messages/{}/trash", enc(id)),
            None,
        )?;
    }
    Ok(json!({"trashed": ids.len()}))
}

fn list_labels(s: &mut Session<'_>, _a: &Args) -> Result<Value, ToolError> {
    let labels = s.get(&format!("{BASE}/labels"))?;
    let out: Vec<Value> = labels["labels"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| json!({"id": l["id"], "name": l["name"], "type": l["type"]}))
        .collect();
    Ok(json!({"labels": out}))
}

fn create_label(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let name = a.str("name")?;
    let label = s.call(
        Method::Post,
        &format!("{BASE}/labels"),
        Some(json!({"name": name})),
    )?;
    Ok(json!({"id": label["id"], "name": label["name"]}))
}
