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

/// One page of a list without `q`, and how many messages match: filtered, counted and paged by
/// SQLite from the mailbox's list index (`gmail_messages_list`, see the schema), so that only the
/// page's ids are read out. A plain list is the most common request; without `labelIds` it is
/// one range of the index.
///
/// A label is matched as `"ID"` inside the stored JSON list. Label ids hold no quote or backslash
/// (system names and generated `Label_N`; a list may only name labels that exist), so no quote in
/// a list is escaped and a quoted run is always a whole element.
fn plain_page(
    ctx: &Ctx<'_>,
    u: &str,
    offset: usize,
    max: usize,
) -> Result<(Vec<(String, String)>, usize), ApiError> {
    let Scope {
        label_ids,
        allow_spam,
        allow_trash,
    } = scope(ctx, u, false, false)?;
    // These two must read exactly as the index's expressions for SQLite to use it.
    let mut filter = String::from("user_id = ?1");
    if !allow_spam {
        filter.push_str(r#" AND (instr(label_ids, '"SPAM"') > 0) = 0"#);
    }
    if !allow_trash {
        filter.push_str(r#" AND (instr(label_ids, '"TRASH"') > 0) = 0"#);
    }
    use rusqlite::types::Value as Sql;
    let mut args: Vec<Sql> = vec![Sql::Text(u.to_string())];
    for l in &label_ids {
        args.push(Sql::Text(format!("\"{l}\"")));
        filter.push_str(&format!(" AND instr(label_ids, ?{}) > 0", args.len()));
    }
    let total: i64 = ctx
        .db
        .prepare_cached(&format!(
            "SELECT count(*) FROM gmail_messages WHERE {filter}"
        ))?
        .query_row(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
    // Page bounds are parameters too: one cached statement serves every page.
    args.push(Sql::Integer(max as i64));
    args.push(Sql::Integer(offset as i64));
    let (limit, skip) = (args.len() - 1, args.len());
    let mut stmt = ctx.db.prepare_cached(&format!(
        "SELECT id, thread_id FROM gmail_messages WHERE {filter} \
         ORDER BY internal_date DESC, id DESC LIMIT ?{limit} OFFSET ?{skip}"
    ))?;
    let page = stmt
        .query_map(rusqlite::params_from_iter(args.iter()), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<rusqlite::Result<Vec<(String, String)>>>()?;
    Ok((page, total as usize))
}

pub fn list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let q = ctx.query.get("q").unwrap_or("");
    let (offset, max) = (page_offset(ctx)?, max_results(ctx)?);
    let plain = if q.trim().is_empty() {
        Some(plain_page(ctx, &u, offset, max)?)
    } else {
        None
    };
    let (page, total, next) = if let Some((page, total)) = plain {
        let next = (offset + max < total).then(|| page_token(offset + max));
        (page, total, next)
    } else {
        let found: Vec<(String, String)> = matching(ctx, &u)?
            .into_iter()
            .map(|m| (m.id, m.thread_id))
            .collect();
        let total = found.len();
        let (page, next) = paginate(ctx, found)?;
        (page, total, next)
    };
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
