//! users.history.list: the mailbox's change records after `startHistoryId`.

use rusqlite::params;
use serde_json::{json, Value};

use super::messages::paginate;
use super::store;
use super::user;
use crate::rest::{ApiError, Ctx, Reply};

const KINDS: &[&str] = &[
    "messageAdded",
    "messageDeleted",
    "labelAdded",
    "labelRemoved",
];

pub fn list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let start: u64 = ctx
        .query
        .parse_opt("startHistoryId")?
        .ok_or_else(|| ApiError::required("startHistoryId"))?;
    let start = i64::try_from(start).unwrap_or(i64::MAX);
    let types: Vec<&str> = ctx.query.get_all("historyTypes");
    for t in &types {
        if !KINDS.contains(t) {
            return Err(ApiError::invalid_parameter("historyTypes", t));
        }
    }
    let label = ctx.query.get("labelId").filter(|l| !l.is_empty());
    let mut stmt = ctx.db.prepare(
        "SELECT id, kind, message_id, thread_id, label_ids FROM gmail_history \
         WHERE user_id = ?1 AND id > ?2 ORDER BY id",
    )?;
    let rows = stmt
        .query_map(params![u, start], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut records = Vec::new();
    for (id, kind, message_id, thread_id, labels_json) in rows {
        if !types.is_empty() && !types.contains(&kind.as_str()) {
            continue;
        }
        let record_labels: Vec<String> = serde_json::from_str(&labels_json).unwrap_or_default();
        let current = store::message(ctx.db, &u, &message_id).ok();
        let message_labels = current
            .as_ref()
            .map(|m| m.label_ids.clone())
            .unwrap_or_else(|| record_labels.clone());
        if let Some(l) = label {
            let involved = record_labels.iter().any(|x| x == l)
                || current.as_ref().is_some_and(|m| m.has_label(l));
            if !involved {
                continue;
            }
        }
        let short = json!({"id": message_id, "threadId": thread_id});
        let mut full = short.clone();
        if !message_labels.is_empty() {
            full["labelIds"] = json!(message_labels);
        }
        let mut rec = json!({"id": id.to_string(), "messages": [short]});
        match kind.as_str() {
            "messageAdded" => rec["messagesAdded"] = json!([{ "message": full }]),
            "messageDeleted" => rec["messagesDeleted"] = json!([{ "message": full }]),
            "labelAdded" => {
                rec["labelsAdded"] = json!([{ "message": full, "labelIds": record_labels }])
            }
            _ => rec["labelsRemoved"] = json!([{ "message": full, "labelIds": record_labels }]),
        }
        records.push(rec);
    }
    let (page, next) = paginate(ctx, records)?;
    let mut out = json!({ "historyId": store::current_history_id(ctx.db, &u)?.to_string() });
    if !page.is_empty() {
        out["history"] = Value::Array(page);
    }
    if let Some(t) = next {
        out["nextPageToken"] = json!(t);
    }
    Ok(Reply::ok(out))
}
