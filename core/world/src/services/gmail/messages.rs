//! users.messages.*: list (with search), get in every format, send, insert, import, modify,
//! trash, delete, their batch forms, and attachments.

use serde_json::{json, Map, Value};

use super::delivery::{self, search_context};
use super::search::{self, Doc};
use super::store::{self, Format, Message};
use super::{labels, max_results, page_offset, page_token, user};
use crate::rest::body::{opt_str, str_list};
use crate::rest::{ApiError, Ctx, Reply};

/// The `labelIds` a list asks for, and whether spam and trash are in its scope (asked for by
/// `includeSpamTrash`, by a label, or by the query: `q_spam`, `q_trash`).
struct Scope {
    label_ids: Vec<String>,
    allow_spam: bool,
    allow_trash: bool,
}

fn scope(ctx: &Ctx<'_>, u: &str, q_spam: bool, q_trash: bool) -> Result<Scope, ApiError> {
    let label_ids: Vec<String> = ctx
        .query
        .get_all("labelIds")
        .into_iter()
        .map(str::to_string)
        .collect();
    labels::check_ids(ctx.db, u, &label_ids)?;
    let include_all = ctx.query.bool("includeSpamTrash", false)?;
    Ok(Scope {
        allow_spam: include_all || q_spam || label_ids.iter().any(|l| l == "SPAM"),
        allow_trash: include_all || q_trash || label_ids.iter().any(|l| l == "TRASH"),
        label_ids,
    })
}

/// The messages of the acting user that match the list parameters (`q`, `labelIds`,
/// `includeSpamTrash`), newest first.
pub fn matching(ctx: &Ctx<'_>, u: &str) -> Result<Vec<Message>, ApiError> {
    let q = ctx.query.get("q").unwrap_or("");
    let expr = search::parse(q).map_err(|e| {
        ApiError::new(
            400,
            "invalidParameter",
            format!("Invalid value for parameter 'q': {e}"),
        )
    })?;
    let (q_spam, q_trash) = search::scope(&expr);
    let Scope {
        label_ids,
        allow_spam,
        allow_trash,
    } = scope(ctx, u, q_spam, q_trash)?;
    let search_ctx = search_context(ctx.db, ctx.user, ctx.now)?;
    let trivial = expr == search::Expr::And(Vec::new());
    Ok(store::user_messages(ctx.db, u)?
        .into_iter()
        .filter(|m| {
            (allow_spam || !m.has_label("SPAM"))
                && (allow_trash || !m.has_label("TRASH"))
                && label_ids.iter().all(|l| m.has_label(l))
                && (trivial || search::matches(&expr, &Doc::new(m), &search_ctx))
        })
        .collect())
}

/// One page of `items`: the page, and the next page's token when there is more.
pub fn paginate<T>(ctx: &Ctx<'_>, items: Vec<T>) -> Result<(Vec<T>, Option<String>), ApiError> {
    let offset = page_offset(ctx)?;
    let max = max_results(ctx)?;
    let total = items.len();
    let page: Vec<T> = items.into_iter().skip(offset).take(max).collect();
    let next = (offset + max < total).then(|| page_token(offset + max));
    Ok((page, next))
}

/// `(id, threadId)` of the messages [`matching`] finds, in the same order. Without a `q` it reads
/// only ids and labels instead of whole messages: a plain list of a 3,000-message mailbox is the
/// most common request and should not convert every body.
fn matching_ids(ctx: &Ctx<'_>, u: &str) -> Result<Vec<(String, String)>, ApiError> {
    let q = ctx.query.get("q").unwrap_or("");
    if !q.trim().is_empty() {
        return Ok(matching(ctx, u)?
            .into_iter()
            .map(|m| (m.id, m.thread_id))
            .collect());
    }
    let Scope {
        label_ids,
        allow_spam,
        allow_trash,
    } = scope(ctx, u, false, false)?;
    let mut out = Vec::new();
    for row in store::user_message_labels(ctx.db, u)? {
        let (id, thread_id, labels) = row;
        let has = |l: &str| labels.iter().any(|x| x == l);
        if (allow_spam || !has("SPAM"))
            && (allow_trash || !has("TRASH"))
            && label_ids.iter().all(|l| has(l))
        {
            out.push((id, thread_id));
        }
    }
    Ok(out)
}

pub fn list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let found = matching_ids(ctx, &u)?;
    let total = found.len();
    let (page, next) = paginate(ctx, found)?;
    let mut out = json!({ "resultSizeEstimate": total });
    if !page.is_empty() {
        out["messages"] = page
            .iter()
            .map(|(id, thread_id)| json!({"id": id, "threadId": thread_id}))
            .collect();
    }
    if let Some(t) = next {
        out["nextPageToken"] = json!(t);
    }
    Ok(Reply::ok(out))
}

/// `format` and `metadataHeaders` of a get request.
pub fn format_params(ctx: &Ctx<'_>) -> Result<(Format, Vec<String>), ApiError> {
    let format = Format::parse(ctx.query.get("format"))?;
    let headers = ctx
        .query
        .get_all("metadataHeaders")
        .into_iter()
        .map(str::to_string)
        .collect();
    Ok((format, headers))
}

pub fn get(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let (format, headers) = format_params(ctx)?;
    let m = store::message(ctx.db, &u, ctx.param("id"))?;
    Ok(Reply::ok(store::message_json(
        ctx.db, &m, format, &headers,
    )?))
}

pub fn send(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let _ = user(ctx)?;
    let body = ctx.body_object()?;
    let raw = opt_str(&body, "raw")?.ok_or_else(|| ApiError::required("raw"))?;
    let parsed = delivery::parse_raw(raw)?;
    let (mut m, atts) = delivery::from_parsed(ctx.db, ctx.user, &parsed, ctx.now)?;
    delivery::assign_thread(ctx.db, &mut m, opt_str(&body, "threadId")?)?;
    let sent = delivery::send(ctx.db, ctx.user, m, atts, ctx.now, 0)?;
    Ok(Reply::ok(store::short_json(&sent)))
}

fn insert_like(ctx: &Ctx<'_>, import: bool) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let body = ctx.body_object()?;
    let raw = opt_str(&body, "raw")?.ok_or_else(|| ApiError::required("raw"))?;
    let label_ids = str_list(&body, "labelIds")?;
    labels::check_ids(ctx.db, &u, &label_ids)?;
    let parsed = delivery::parse_raw(raw)?;
    let (mut m, atts) = delivery::from_parsed(ctx.db, ctx.user, &parsed, ctx.now)?;
    let source = ctx.query.get("internalDateSource").unwrap_or(if import {
        "dateHeader"
    } else {
        "receivedTime"
    });
    match source {
        "receivedTime" => {}
        "dateHeader" => {
            if let Some(ms) = delivery::date_header_ms(&m.date_header) {
                m.internal_date = ms;
            }
        }
        other => return Err(ApiError::invalid_parameter("internalDateSource", other)),
    }
    m.label_ids = label_ids;
    delivery::assign_thread(ctx.db, &mut m, opt_str(&body, "threadId")?)?;
    store::add_message(ctx.db, &mut m, &atts)?;
    Ok(Reply::ok(store::short_json(&m)))
}

pub fn insert(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    insert_like(ctx, false)
}

pub fn import(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    insert_like(ctx, true)
}

/// Reads `addLabelIds`/`removeLabelIds`, checking that the labels exist and may be changed.
pub fn label_changes(
    ctx: &Ctx<'_>,
    u: &str,
    body: &Map<String, Value>,
) -> Result<(Vec<String>, Vec<String>), ApiError> {
    let add = str_list(body, "addLabelIds")?;
    let remove = str_list(body, "removeLabelIds")?;
    for id in add.iter().chain(&remove) {
        if id == "DRAFT" || id == "SENT" {
            return Err(ApiError::bad_request(format!(
                "Invalid label: {id} cannot be added or removed"
            )));
        }
    }
    labels::check_ids(ctx.db, u, &add)?;
    labels::check_ids(ctx.db, u, &remove)?;
    Ok((add, remove))
}

pub fn modify(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let body = ctx.body_object()?;
    let mut m = store::message(ctx.db, &u, ctx.param("id"))?;
    let (add, remove) = label_changes(ctx, &u, &body)?;
    store::change_labels(ctx.db, &mut m, &add, &remove)?;
    Ok(Reply::ok(store::short_json(&m)))
}

/// Moves a message to the trash (Gmail drops INBOX and SPAM; untrash does not bring INBOX back).
pub fn trash_message(ctx: &Ctx<'_>, m: &mut Message) -> Result<(), ApiError> {
    store::change_labels(
        ctx.db,
        m,
        &["TRASH".into()],
        &["INBOX".into(), "SPAM".into()],
    )
}

pub fn untrash_message(ctx: &Ctx<'_>, m: &mut Message) -> Result<(), ApiError> {
    store::change_labels(ctx.db, m, &[], &["TRASH".into()])
}

pub fn trash(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let mut m = store::message(ctx.db, &u, ctx.param("id"))?;
    trash_message(ctx, &mut m)?;
    Ok(Reply::ok(store::short_json(&m)))
}

pub fn untrash(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let mut m = store::message(ctx.db, &u, ctx.param("id"))?;
    untrash_message(ctx, &mut m)?;
    Ok(Reply::ok(store::short_json(&m)))
}

pub fn delete(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let m = store::message(ctx.db, &u, ctx.param("id"))?;
    store::delete_message(ctx.db, &m)?;
    Ok(Reply::no_content())
}

fn batch_ids(body: &Map<String, Value>) -> Result<Vec<String>, ApiError> {
    let ids = str_list(body, "ids")?;
    if ids.is_empty() {
        return Err(ApiError::required("ids"));
    }
    if ids.len() > 1000 {
        return Err(ApiError::bad_request(
            "Too many ids: at most 1000 per request",
        ));
    }
    Ok(ids)
}

pub fn batch_modify(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let body = ctx.body_object()?;
    let ids = batch_ids(&body)?;
    let (add, remove) = label_changes(ctx, &u, &body)?;
    for id in ids {
        let mut m = store::message(ctx.db, &u, &id)?;
        store::change_labels(ctx.db, &mut m, &add, &remove)?;
    }
    Ok(Reply::no_content())
}

pub fn batch_delete(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let body = ctx.body_object()?;
    for id in batch_ids(&body)? {
        let m = store::message(ctx.db, &u, &id)?;
        store::delete_message(ctx.db, &m)?;
    }
    Ok(Reply::no_content())
}

pub fn attachment(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let m = store::message(ctx.db, &u, ctx.param("messageId"))?;
    let a = store::attachments(ctx.db, &m.id)?
        .into_iter()
        .find(|a| a.id == ctx.param("id"))
        .ok_or_else(store::not_found)?;
    Ok(Reply::ok(json!({
        "attachmentId": a.id,
        "size": a.data.len(),
        "data": super::mime::encode_base64url(&a.data),
    })))
}
