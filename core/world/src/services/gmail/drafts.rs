//! users.drafts.*: a draft is a message labelled DRAFT plus a stable draft id.

use rusqlite::{params, OptionalExtension};
use serde_json::{json, Map, Value};

use super::delivery;
use super::messages::{format_params, matching, paginate};
use super::store::{self, Message};
use super::user;
use crate::rest::body::opt_str;
use crate::rest::{ApiError, Ctx, Reply};
use crate::store::clock::ids;

fn message_of(draft_id: &str, ctx: &Ctx<'_>, u: &str) -> Result<Message, ApiError> {
    let message_id: String = ctx
        .db
        .query_row(
            "SELECT message_id FROM gmail_drafts WHERE id = ?1 AND user_id = ?2",
            params![draft_id, u],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(store::not_found)?;
    store::message(ctx.db, u, &message_id)
}

fn short(draft_id: &str, m: &Message) -> Value {
    json!({"id": draft_id, "message": store::short_json(m)})
}

/// Builds the draft's message from `{message: {raw, threadId}}`.
fn compose(ctx: &Ctx<'_>, body: &Map<String, Value>) -> Result<Message, ApiError> {
    let message = match body.get("message") {
        Some(Value::Object(m)) => m,
        None | Some(Value::Null) => return Err(ApiError::required("message")),
        Some(_) => {
            return Err(ApiError::bad_request(
                "Invalid value for message: expected an object",
            ))
        }
    };
    let raw = opt_str(message, "raw")?.ok_or_else(|| ApiError::required("message.raw"))?;
    let parsed = delivery::parse_raw(raw)?;
    let (mut m, atts) = delivery::from_parsed(ctx.db, ctx.user, &parsed, ctx.now)?;
    m.from = delivery::sender_from(ctx.db, ctx.user, &m.from)?;
    m.label_ids = vec!["DRAFT".into()];
    delivery::assign_thread(ctx.db, &mut m, opt_str(message, "threadId")?)?;
    store::add_message(ctx.db, &mut m, &atts)?;
    Ok(m)
}

pub fn create(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let body = ctx.body_object()?;
    let m = compose(ctx, &body)?;
    let id = format!("r{}", ids::numeric(ctx.db, 19)?);
    ctx.db.execute(
        "INSERT INTO gmail_drafts (id, user_id, message_id) VALUES (?1, ?2, ?3)",
        params![id, u, m.id],
    )?;
    Ok(Reply::ok(short(&id, &m)))
}

pub fn list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let mut stmt = ctx
        .db
        .prepare("SELECT message_id, id FROM gmail_drafts WHERE user_id = ?1")?;
    let by_message: std::collections::HashMap<String, String> = stmt
        .query_map([&u], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let drafts: Vec<Value> = matching(ctx, &u)?
        .into_iter()
        .filter_map(|m| {
            by_message
                .get(&m.id)
                .map(|d| json!({"id": d, "message": {"id": m.id, "threadId": m.thread_id}}))
        })
        .collect();
    let total = drafts.len();
    let (page, next) = paginate(ctx, drafts)?;
    let mut out = json!({ "resultSizeEstimate": total });
    if !page.is_empty() {
        out["drafts"] = Value::Array(page);
    }
    if let Some(t) = next {
        out["nextPageToken"] = json!(t);
    }
    Ok(Reply::ok(out))
}

pub fn get(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let (format, headers) = format_params(ctx)?;
    let id = ctx.param("id").to_string();
    let m = message_of(&id, ctx, &u)?;
    Ok(Reply::ok(json!({
        "id": id,
        "message": store::message_json(ctx.db, &m, format, &headers)?,
    })))
}

/// Replaces the draft's message (Gmail gives the new content a new message id).
fn replace(
    ctx: &Ctx<'_>,
    u: &str,
    draft_id: &str,
    body: &Map<String, Value>,
) -> Result<Message, ApiError> {
    let old = message_of(draft_id, ctx, u)?;
    let m = compose(ctx, body)?;
    store::delete_message(ctx.db, &old)?;
    ctx.db.execute(
        "INSERT OR REPLACE INTO gmail_drafts (id, user_id, message_id) VALUES (?1, ?2, ?3)",
        params![draft_id, u, m.id],
    )?;
    Ok(m)
}

pub fn update(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let body = ctx.body_object()?;
    let id = ctx.param("id").to_string();
    if let Some(body_id) = opt_str(&body, "id")? {
        if body_id != id {
            return Err(ApiError::bad_request(
                "The draft id in the body does not match the path",
            ));
        }
    }
    let m = replace(ctx, &u, &id, &body)?;
    Ok(Reply::ok(short(&id, &m)))
}

pub fn send(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let body = ctx.body_object()?;
    let id = opt_str(&body, "id")?
        .ok_or_else(|| ApiError::required("id"))?
        .to_string();
    let m = if body.get("message").is_some_and(|m| m.get("raw").is_some()) {
        replace(ctx, &u, &id, &body)?
    } else {
        message_of(&id, ctx, &u)?
    };
    let to = delivery::recipients(&m);
    if to.is_empty() {
        return Err(ApiError::bad_request("Recipient address required"));
    }
    let atts = store::attachments(ctx.db, &m.id)?;
    // the draft's message becomes the sent message: same content, new id, SENT label
    store::delete_message(ctx.db, &m)?;
    let mut outgoing = m.clone();
    outgoing.id = delivery::new_id(ctx.db)?;
    if outgoing.thread_id == m.id {
        // a thread of its own is named after its (new) first message
        outgoing.thread_id = outgoing.id.clone();
    }
    outgoing.label_ids.clear();
    outgoing.date_header.clear();
    let fresh: Vec<_> = atts
        .into_iter()
        .map(|a| super::mime::Attachment {
            id: String::new(),
            ..a
        })
        .collect();
    let sent = delivery::send(ctx.db, ctx.user, outgoing, fresh, ctx.now, 0)?;
    Ok(Reply::ok(store::short_json(&sent)))
}

pub fn delete(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let id = ctx.param("id").to_string();
    let m = message_of(&id, ctx, &u)?;
    store::delete_message(ctx.db, &m)?;
    ctx.db
        .execute("DELETE FROM gmail_drafts WHERE id = ?1", [&id])?;
    Ok(Reply::no_content())
}
