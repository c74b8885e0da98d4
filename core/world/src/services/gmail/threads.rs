//! users.threads.*: a thread is the set of a mailbox's messages sharing a `thread_id`.

use serde_json::{json, Value};

use super::messages::{self, format_params, label_changes, matching, paginate};
use super::store::{self, Message};
use super::user;
use crate::rest::{ApiError, Ctx, Reply};

/// Threads with at least one matching message, ordered by their newest matching message.
pub fn list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let mut seen = std::collections::HashSet::new();
    let thread_ids: Vec<String> = matching(ctx, &u)?
        .into_iter()
        .filter(|m| seen.insert(m.thread_id.clone()))
        .map(|m| m.thread_id)
        .collect();
    let total = thread_ids.len();
    let (page, next) = paginate(ctx, thread_ids)?;
    // snippet (of the newest message) and history id of each listed thread, in one pass
    let wanted: std::collections::HashSet<&String> = page.iter().collect();
    let mut summary: std::collections::HashMap<String, (String, i64)> = Default::default();
    for m in store::user_messages(ctx.db, &u)? {
        if !wanted.contains(&m.thread_id) {
            continue;
        }
        let entry = summary
            .entry(m.thread_id.clone())
            .or_insert_with(|| (m.snippet.clone(), 0));
        entry.1 = entry.1.max(m.history_id);
    }
    let threads: Vec<Value> = page
        .iter()
        .map(|id| {
            let (snippet, history) = summary.get(id).cloned().unwrap_or_default();
            json!({"id": id, "snippet": snippet, "historyId": history.to_string()})
        })
        .collect();
    let mut out = json!({ "resultSizeEstimate": total });
    if !threads.is_empty() {
        out["threads"] = Value::Array(threads);
    }
    if let Some(t) = next {
        out["nextPageToken"] = json!(t);
    }
    Ok(Reply::ok(out))
}

fn history_id(msgs: &[Message]) -> String {
    msgs.iter()
        .map(|m| m.history_id)
        .max()
        .unwrap_or_default()
        .to_string()
}

pub fn get(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let (format, headers) = format_params(ctx)?;
    if format == store::Format::Raw {
        return Err(ApiError::invalid_parameter("format", "raw"));
    }
    let msgs = store::thread_messages(ctx.db, &u, ctx.param("id"))?;
    thread_json(ctx, &msgs, format, &headers)
}

fn thread_json(
    ctx: &Ctx<'_>,
    msgs: &[Message],
    format: store::Format,
    headers: &[String],
) -> Result<Reply, ApiError> {
    let rendered = msgs
        .iter()
        .map(|m| store::message_json(ctx.db, m, format, headers))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Reply::ok(json!({
        "id": ctx.param("id"),
        "historyId": history_id(msgs),
        "messages": rendered,
    })))
}

fn short_thread(ctx: &Ctx<'_>, msgs: &[Message]) -> Result<Reply, ApiError> {
    thread_json(ctx, msgs, store::Format::Minimal, &[])
}

pub fn modify(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let body = ctx.body_object()?;
    let mut msgs = store::thread_messages(ctx.db, &u, ctx.param("id"))?;
    let (add, remove) = label_changes(ctx, &u, &body)?;
    for m in &mut msgs {
        store::change_labels(ctx.db, m, &add, &remove)?;
    }
    short_thread(ctx, &msgs)
}

pub fn trash(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let mut msgs = store::thread_messages(ctx.db, &u, ctx.param("id"))?;
    for m in &mut msgs {
        messages::trash_message(ctx, m)?;
    }
    short_thread(ctx, &msgs)
}

pub fn untrash(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let mut msgs = store::thread_messages(ctx.db, &u, ctx.param("id"))?;
    for m in &mut msgs {
        messages::untrash_message(ctx, m)?;
    }
    short_thread(ctx, &msgs)
}

pub fn delete(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    for m in store::thread_messages(ctx.db, &u, ctx.param("id"))? {
        store::delete_message(ctx.db, &m)?;
    }
    Ok(Reply::no_content())
}
