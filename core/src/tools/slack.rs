//! Slack tools: channels, reading history and threads (oldest first, people named), posting,
//! search, finding people, reacting and pinning. Channels are given by name (`general`,
//! `#general`) or id; posting also accepts a person's email for a direct message. Reads use GET
//! and writes POST, so the action log tells them apart.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::{enc, truncate, Access, App, Args, Session, Tool, ToolError};
use env0_world::Method;

fn channel_param() -> Value {
    json!({"type": "string", "description": "channel name (e.g. general) or id"})
}

pub fn tools() -> Vec<Tool> {
    let limit = |d: i64| json!({"type": "integer", "description": format!("1-100, default {d}")});
    vec![
        Tool {
            name: "slack_list_channels",
            app: App::Slack,
            access: Access::Read,
            description: "List Slack channels the user can see, with topic and whether they are \
                          a member."
                .into(),
            parameters: json!({"type": "object", "properties": {
                "include_archived": {"type": "boolean", "description": "default false"}}, "required": []}),
            run: list_channels,
        },
        Tool {
            name: "slack_read_channel",
            app: App::Slack,
            access: Access::Read,
            description: "Read the most recent messages of a channel, oldest first.".into(),
            parameters: json!({"type": "object", "properties": {
                "channel": channel_param(), "limit": limit(20)}, "required": ["channel"]}),
            run: read_channel,
        },
        Tool {
            name: "slack_read_thread",
            app: App::Slack,
            access: Access::Read,
            description: "Read a thread: the parent message and its replies.".into(),
            parameters: json!({"type": "object", "properties": {
                "channel": channel_param(),
                "thread_ts": {"type": "string", "description": "ts of the parent message"}},
                "required": ["channel", "thread_ts"]}),
            run: read_thread,
        },
        Tool {
            name: "slack_post_message",
            app: App::Slack,
            access: Access::Write,
            description: "Post a message to a channel, to a person (by email) as a DM, or as a \
                          reply in a thread."
                .into(),
            parameters: json!({"type": "object", "properties": {
                "channel": {"type": "string", "description": "channel name or id, or a person's email for a DM"},
                "text": {"type": "string"},
                "thread_ts": {"type": "string", "description": "reply in this thread"}},
                "required": ["channel", "text"]}),
            run: post_message,
        },
        Tool {
            name: "slack_search",
            app: App::Slack,
            access: Access::Read,
            description: "Search messages. Supports in:#channel, from:@name, before:/after:/on: \
                          dates and quoted phrases."
                .into(),
            parameters: json!({"type": "object", "properties": {
                "query": {"type": "string"}, "limit": limit(20)}, "required": ["query"]}),
            run: search,
        },
        Tool {
            name: "slack_lookup_user",
            app: App::Slack,
            access: Access::Read,
            description: "Find Slack users by email or (part of) name.".into(),
            parameters: json!({"type": "object", "properties": {
                "query": {"type": "string", "description": "email address or name"}}, "required": ["query"]}),
            run: lookup_user,
        },
        Tool {
            name: "slack_add_reaction",
            app: App::Slack,
            access: Access::Write,
            description: "Add an emoji reaction (e.g. thumbsup) to a message.".into(),
            parameters: json!({"type": "object", "properties": {
                "channel": channel_param(),
                "ts": {"type": "string", "description": "ts of the message"},
                "emoji": {"type": "string", "description": "emoji name without colons"}},
                "required": ["channel", "ts", "emoji"]}),
            run: add_reaction,
        },
        Tool {
            name: "slack_pin_message",
            app: App::Slack,
            access: Access::Write,
            description: "Pin a message to its channel.".into(),
            parameters: json!({"type": "object", "properties": {
                "channel": channel_param(),
                "ts": {"type": "string", "description": "ts of the message"}},
                "required": ["channel", "ts"]}),
            run: pin_message,
        },
    ]
}

/// What a Slack error code means, for the model.
fn explain(code: &str) -> &'static str {
    match code {
        "channel_not_found" => "no such channel, or the user cannot see it",
        "not_in_channel" => "the user is not a member of this channel",
        "is_archived" => "the channel is archived",
        "thread_not_found" | "message_not_found" => "no message with that ts in this channel",
        "already_reacted" => "the user already added this reaction",
        "already_pinned" => "the message is already pinned",
        "no_item_specified" => "no message ts was given",
        "invalid_name" => "unknown emoji name",
        "no_text" => "the message text is empty",
        "msg_too_long" => "the message is too long",
        "users_not_found" | "user_not_found" => "no such user",
        "missing_scope" | "not_allowed_token_type" => "the token lacks the permission for this",
        _ => "the Slack API refused the request",
    }
}

/// Calls a Slack method; Slack answers errors with `ok: false` and HTTP 200.
fn slack(
    s: &mut Session<'_>,
    method: &str,
    read: bool,
    params: &[(&str, String)],
) -> Result<Value, ToolError> {
    let body = if read {
        let query: Vec<String> = params
            .iter()
            .map(|(k, v)| format!("{k}={}", enc(v)))
            .collect();
        s.get(&format!("/api/{method}?{}", query.join("&")))?
    } else {
        let obj: serde_json::Map<String, Value> = params
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        s.call(
            Method::Post,
            &format!("/api/{method}"),
            Some(Value::Object(obj)),
        )?
    };
    if body["ok"] == true {
        return Ok(body);
    }
    let code = body["error"].as_str().unwrap_or("unknown_error");
    Err(ToolError::new(format!("{code}: {}", explain(code))))
}

fn channels(s: &mut Session<'_>, archived: bool) -> Result<Vec<Value>, ToolError> {
    let body = slack(
        s,
        "conversations.list",
        true,
        &[
            ("types", "public_channel,private_channel".into()),
            ("exclude_archived", (!archived).to_string()),
            ("limit", "999".into()),
        ],
    )?;
    Ok(body["channels"].as_array().cloned().unwrap_or_default())
}

/// A channel id from a name (`general`, `#general`) or an id.
fn channel_id(s: &mut Session<'_>, given: &str) -> Result<String, ToolError> {
    let g = given.trim();
    let name = g.trim_start_matches('#').to_lowercase();
    let list = channels(s, true)?;
    if let Some(c) = list
        .iter()
        .find(|c| c["id"] == g || c["name"].as_str() == Some(name.as_str()))
    {
        return Ok(c["id"].as_str().unwrap_or_default().to_string());
    }
    // DMs and group DMs are addressed by id only.
    if g.starts_with(['C', 'D', 'G']) && g.len() > 8 {
        return Ok(g.to_string());
    }
    let names: Vec<&str> = list.iter().filter_map(|c| c["name"].as_str()).collect();
    Err(ToolError::new(format!(
        "no channel '{g}' visible to the user; channels: {}",
        names.join(", ")
    )))
}

fn list_channels(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let archived = a.opt_bool("include_archived").unwrap_or(false);
    let list: Vec<Value> = channels(s, archived)?
        .iter()
        .map(|c| {
            let mut v = json!({"id": c["id"], "name": c["name"], "private": c["is_private"],
                "member": c["is_member"]});
            if c["is_archived"] == true {
                v["archived"] = json!(true);
            }
            for key in ["topic", "purpose"] {
                if let Some(t) = c[key]["value"].as_str().filter(|t| !t.is_empty()) {
                    v[key] = json!(truncate(t, 120));
                }
            }
            v
        })
        .collect();
    Ok(json!({"count": list.len(), "channels": list}))
}

/// Slack user id → display name, for every user in the workspace.
fn people(s: &mut Session<'_>) -> Result<HashMap<String, String>, ToolError> {
    let body = slack(s, "users.list", true, &[("limit", "999".into())])?;
    Ok(body["members"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            let name = m["real_name"]
                .as_str()
                .filter(|n| !n.is_empty())
                .or(m["name"].as_str())
                .unwrap_or_default();
            (
                m["id"].as_str().unwrap_or_default().to_string(),
                name.to_string(),
            )
        })
        .collect())
}

fn message_view(m: &Value, names: &HashMap<String, String>, in_thread: bool) -> Value {
    let user = m["user"].as_str().unwrap_or_default();
    let mut v = json!({
        "ts": m["ts"],
        "user": names.get(user).cloned().unwrap_or_else(|| user.to_string()),
        "text": truncate(m["text"].as_str().unwrap_or_default(), 600),
    });
    if !in_thread {
        if let Some(n) = m["reply_count"].as_i64().filter(|n| *n > 0) {
            v["replies"] = json!(n);
            v["thread_ts"] = m["ts"].clone();
        }
    }
    let reactions: Vec<String> = m["reactions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            format!(
                "{}:{}",
                r["name"].as_str().unwrap_or_default(),
                r["count"].as_i64().unwrap_or(0)
            )
        })
        .collect();
    if !reactions.is_empty() {
        v["reactions"] = json!(reactions);
    }
    if m["pinned_to"].as_array().is_some_and(|c| !c.is_empty()) {
        v["pinned"] = json!(true);
    }
    v
}

fn limit(a: &Args, default: i64) -> Result<i64, ToolError> {
    let n = a.opt_i64("limit").unwrap_or(default);
    if !(1..=100).contains(&n) {
        return Err(ToolError::new("limit must be between 1 and 100"));
    }
    Ok(n)
}

fn read_channel(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let given = a.str("channel")?;
    let n = limit(a, 20)?;
    let id = channel_id(s, given)?;
    let body = slack(
        s,
        "conversations.history",
        true,
        &[("channel", id.clone()), ("limit", n.to_string())],
    )?;
    let names = people(s)?;
    // The API gives newest first; people read oldest first.
    let mut msgs: Vec<Value> = body["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| message_view(m, &names, false))
        .collect();
    msgs.reverse();
    let mut out = json!({"channel": id, "messages": msgs});
    if body["has_more"] == true {
        out["older_messages"] = json!(true);
    }
    Ok(out)
}

fn read_thread(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let id = channel_id(s, a.str("channel")?)?;
    let ts = a.str("thread_ts")?;
    let body = slack(
        s,
        "conversations.replies",
        true,
        &[
            ("channel", id.clone()),
            ("ts", ts.to_string()),
            ("limit", "100".into()),
        ],
    )?;
    let names = people(s)?;
    let msgs: Vec<Value> = body["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| message_view(m, &names, true))
        .collect();
    Ok(json!({"channel": id, "thread_ts": ts, "messages": msgs}))
}

fn post_message(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let given = a.str("channel")?;
    let text = a.str("text")?;
    let target = if given.contains('@') {
        let u = slack(s, "users.lookupByEmail", true, &[("email", given.into())])?;
        u["user"]["id"].as_str().unwrap_or_default().to_string()
    } else {
        channel_id(s, given)?
    };
    let mut params = vec![("channel", target), ("text", text.to_string())];
    if let Some(ts) = a.opt_str("thread_ts") {
        params.push(("thread_ts", ts.to_string()));
    }
    let r = slack(s, "chat.postMessage", false, &params)?;
    let mut out = json!({"channel": r["channel"], "ts": r["ts"], "posted": true});
    if let Some(t) = r["message"]["thread_ts"].as_str() {
        out["thread_ts"] = json!(t);
    }
    Ok(out)
}

fn search(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let q = a.str("query")?;
    let n = limit(a, 20)?;
    let body = slack(
        s,
        "search.messages",
        true,
        &[("query", q.to_string()), ("count", n.to_string())],
    )?;
    let names = people(s)?;
    let matches: Vec<Value> = body["messages"]["matches"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            let mut v = message_view(m, &names, true);
            v["channel"] = m["channel"]["name"].clone();
            v["channel_id"] = m["channel"]["id"].clone();
            v
        })
        .collect();
    Ok(json!({"total": body["messages"]["total"], "matches": matches}))
}

fn user_view(m: &Value) -> Value {
    json!({
        "id": m["id"], "name": m["real_name"], "handle": m["name"],
        "email": m["profile"]["email"], "title": m["profile"]["title"],
    })
}

fn lookup_user(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let q = a
        .str("query")?
        .trim()
        .trim_start_matches('@')
        .to_lowercase();
    let body = slack(s, "users.list", true, &[("limit", "999".into())])?;
    let found: Vec<Value> = body["members"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["deleted"] != true)
        .filter(|m| {
            let field = |v: &Value| v.as_str().unwrap_or_default().to_lowercase();
            if q.contains('@') {
                field(&m["profile"]["email"]) == q
            } else {
                [&m["real_name"], &m["name"], &m["profile"]["display_name"]]
                    .iter()
                    .any(|v| field(v).contains(&q))
            }
        })
        .map(user_view)
        .collect();
    if found.is_empty() {
        return Err(ToolError::new(format!("no Slack user matches '{q}'")));
    }
    Ok(json!({"users": found}))
}

fn add_reaction(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let id = channel_id(s, a.str("channel")?)?;
    let ts = a.str("ts")?;
    let emoji = a.str("emoji")?.trim().trim_matches(':').to_string();
    slack(
        s,
        "reactions.add",
        false,
        &[
            ("channel", id.clone()),
            ("timestamp", ts.to_string()),
            ("name", emoji.clone()),
        ],
    )?;
    Ok(json!({"channel": id, "ts": ts, "reaction": emoji, "added": true}))
}

fn pin_message(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let id = channel_id(s, a.str("channel")?)?;
    let ts = a.str("ts")?;
    slack(
        s,
        "pins.add",
        false,
        &[("channel", id.clone()), ("timestamp", ts.to_string())],
    )?;
    Ok(json!({"channel": id, "ts": ts, "pinned": true}))
}
