//! `comments.*` and `replies.*`: discussions on a file; a reply with action `resolve`/`reopen`
//! resolves or reopens its comment.

use rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};

use super::common::{self, masked, now};
use super::model::{require, Store, COMMENTER, READER, WRITER};
use crate::rest::{ApiError, Ctx, Reply};
use crate::store::clock::ids;
use crate::store::users::User;

struct CommentRow {
    id: String,
    author_id: String,
    content: String,
    quoted_text: Option<String>,
    anchor: Option<String>,
    created_time: String,
    modified_time: String,
    resolved: bool,
    deleted: bool,
}

struct ReplyRow {
    id: String,
    author_id: String,
    content: String,
    action: Option<String>,
    created_time: String,
    modified_time: String,
    deleted: bool,
}

fn author(store: &Store, id: &str, me: &User) -> Value {
    match store.user(id) {
        Some(u) => {
            json!({"kind": "drive#user", "displayName": u.display_name, "emailAddress": u.email, "me": u.id == me.id})
        }
        None => json!({"kind": "drive#user", "displayName": id, "me": false}),
    }
}

fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', "<br>")
}

fn reply_json(store: &Store, r: &ReplyRow, me: &User) -> Value {
    let mut v = json!({
        "kind": "drive#reply",
        "id": r.id,
        "createdTime": r.created_time,
        "modifiedTime": r.modified_time,
        "author": author(store, &r.author_id, me),
        "deleted": r.deleted,
    });
    if !r.deleted {
        v["content"] = json!(r.content);
        v["htmlContent"] = json!(html(&r.content));
    }
    if let Some(a) = &r.action {
        v["action"] = json!(a);
    }
    v
}

fn load_replies(ctx: &Ctx<'_>, comment_id: &str) -> Result<Vec<ReplyRow>, ApiError> {
    let mut stmt = ctx.db.prepare_cached(
        "SELECT id, author_id, content, action, created_time, modified_time, deleted FROM drive_replies \
         WHERE comment_id = ?1 ORDER BY created_time, id",
    )?;
    let rows = stmt
        .query_map([comment_id], |r| {
            Ok(ReplyRow {
                id: r.get(0)?,
                author_id: r.get(1)?,
                content: r.get(2)?,
                action: r.get(3)?,
                created_time: r.get(4)?,
                modified_time: r.get(5)?,
                deleted: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn comment_json(
    ctx: &Ctx<'_>,
    store: &Store,
    c: &CommentRow,
    include_deleted: bool,
) -> Result<Value, ApiError> {
    let replies: Vec<Value> = load_replies(ctx, &c.id)?
        .iter()
        .filter(|r| include_deleted || !r.deleted)
        .map(|r| reply_json(store, r, ctx.user))
        .collect();
    let mut v = json!({
        "kind": "drive#comment",
        "id": c.id,
        "createdTime": c.created_time,
        "modifiedTime": c.modified_time,
        "author": author(store, &c.author_id, ctx.user),
        "deleted": c.deleted,
        "resolved": c.resolved,
        "replies": replies,
    });
    if !c.deleted {
        v["content"] = json!(c.content);
        v["htmlContent"] = json!(html(&c.content));
    }
    if let Some(q) = &c.quoted_text {
        v["quotedFileContent"] = json!({"mimeType": "text/html", "value": q});
    }
    if let Some(a) = &c.anchor {
        v["anchor"] = json!(a);
    }
    Ok(v)
}

fn load_comments(ctx: &Ctx<'_>, file_id: &str) -> Result<Vec<CommentRow>, ApiError> {
    let mut stmt = ctx.db.prepare_cached(
        "SELECT id, author_id, content, quoted_text, anchor, created_time, modified_time, resolved, deleted \
         FROM drive_comments WHERE file_id = ?1 ORDER BY created_time, id",
    )?;
    let rows = stmt
        .query_map([file_id], |r| {
            Ok(CommentRow {
                id: r.get(0)?,
                author_id: r.get(1)?,
                content: r.get(2)?,
                quoted_text: r.get(3)?,
                anchor: r.get(4)?,
                created_time: r.get(5)?,
                modified_time: r.get(6)?,
                resolved: r.get(7)?,
                deleted: r.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn comment_not_found(id: &str) -> ApiError {
    ApiError::new(404, "notFound", format!("Comment not found: {id}."))
}

fn find_comment(ctx: &Ctx<'_>, file_id: &str, id: &str) -> Result<CommentRow, ApiError> {
    load_comments(ctx, file_id)?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| comment_not_found(id))
}

fn content_of(body: &Value, required: bool) -> Result<Option<String>, ApiError> {
    match body.get("content") {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.clone())),
        None | Some(Value::Null) if !required => Ok(None),
        Some(Value::String(_)) | None | Some(Value::Null) => Err(ApiError::required("content")),
        Some(_) => Err(ApiError::bad_request(
            "Invalid value for field 'content': expected a string",
        )),
    }
}

/// GET /drive/v3/files/{fileId}/comments
pub fn list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let id = ctx.param("fileId").to_string();
    let store = common::store(ctx)?;
    require(&store, &id, ctx.user, READER)?;
    let include_deleted = ctx.query.bool("includeDeleted", false)?;
    let page_size = ctx.query.int_in("pageSize", 20, 1, 100)? as usize;
    let offset = match ctx.query.get("pageToken") {
        None | Some("") => 0,
        Some(t) => t
            .parse()
            .map_err(|_| ApiError::invalid_parameter("pageToken", t))?,
    };
    let since = match ctx.query.get("startModifiedTime") {
        None | Some("") => None,
        Some(t) => Some(
            super::query::parse_time(t)
                .ok_or_else(|| ApiError::invalid_parameter("startModifiedTime", t))?,
        ),
    };
    let all: Vec<CommentRow> = load_comments(ctx, &id)?
        .into_iter()
        .filter(|c| include_deleted || !c.deleted)
        .filter(|c| {
            since.is_none_or(|s| super::query::parse_time(&c.modified_time).is_some_and(|m| m >= s))
        })
        .collect();
    let mut page = Vec::new();
    for c in all.iter().skip(offset).take(page_size) {
        page.push(comment_json(ctx, &store, c, include_deleted)?);
    }
    let mut out = json!({"kind": "drive#commentList", "comments": page});
    if offset + page_size < all.len() {
        out["nextPageToken"] = json!((offset + page_size).to_string());
    }
    Ok(Reply::ok(masked(ctx, out)?))
}

/// POST /drive/v3/files/{fileId}/comments
pub fn create(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let id = ctx.param("fileId").to_string();
    let store = common::store(ctx)?;
    require(&store, &id, ctx.user, COMMENTER)?;
    let body = ctx.body_value()?;
    let content = content_of(&body, true)?.unwrap_or_default();
    let quoted = body
        .get("quotedFileContent")
        .and_then(|q| q.get("value"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let anchor = body
        .get("anchor")
        .and_then(Value::as_str)
        .map(str::to_string);
    let cid = format!("AAAA{}", ids::token(ctx.db, 12)?);
    let now = now(ctx);
    ctx.db.execute(
        "INSERT INTO drive_comments (id, file_id, author_id, content, quoted_text, anchor, created_time, modified_time) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        params![cid, id, ctx.user.id, content, quoted, anchor, now],
    )?;
    let c = find_comment(ctx, &id, &cid)?;
    Ok(Reply::ok(masked(
        ctx,
        comment_json(ctx, &store, &c, false)?,
    )?))
}

/// GET /drive/v3/files/{fileId}/comments/{commentId}
pub fn get(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let id = ctx.param("fileId").to_string();
    let cid = ctx.param("commentId").to_string();
    let store = common::store(ctx)?;
    require(&store, &id, ctx.user, READER)?;
    let include_deleted = ctx.query.bool("includeDeleted", false)?;
    let c = find_comment(ctx, &id, &cid)?;
    if c.deleted && !include_deleted {
        return Err(comment_not_found(&cid));
    }
    Ok(Reply::ok(masked(
        ctx,
        comment_json(ctx, &store, &c, include_deleted)?,
    )?))
}

/// PATCH /drive/v3/files/{fileId}/comments/{commentId}
pub fn update(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let id = ctx.param("fileId").to_string();
    let cid = ctx.param("commentId").to_string();
    let store = common::store(ctx)?;
    require(&store, &id, ctx.user, COMMENTER)?;
    let c = find_comment(ctx, &id, &cid)?;
    if c.deleted {
        return Err(comment_not_found(&cid));
    }
    if c.author_id != ctx.user.id {
        return Err(ApiError::new(
            403,
            "insufficientFilePermissions",
            "Only the author can edit a comment.",
        ));
    }
    let content = content_of(&ctx.body_value()?, true)?.unwrap_or_default();
    ctx.db.execute(
        "UPDATE drive_comments SET content = ?2, modified_time = ?3 WHERE id = ?1",
        params![cid, content, now(ctx)],
    )?;
    let c = find_comment(ctx, &id, &cid)?;
    Ok(Reply::ok(masked(
        ctx,
        comment_json(ctx, &store, &c, false)?,
    )?))
}

/// DELETE /drive/v3/files/{fileId}/comments/{commentId}
pub fn delete(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let id = ctx.param("fileId").to_string();
    let cid = ctx.param("commentId").to_string();
    let store = common::store(ctx)?;
    require(&store, &id, ctx.user, COMMENTER)?;
    let c = find_comment(ctx, &id, &cid)?;
    if c.deleted {
        return Err(comment_not_found(&cid));
    }
    if c.author_id != ctx.user.id && store.access(&id, ctx.user).role < WRITER {
        return Err(ApiError::new(
            403,
            "insufficientFilePermissions",
            "Only the author or an editor can delete a comment.",
        ));
    }
    ctx.db.execute(
        "UPDATE drive_comments SET deleted = 1, modified_time = ?2 WHERE id = ?1",
        params![cid, now(ctx)],
    )?;
    Ok(Reply::no_content())
}

fn reply_not_found(id: &str) -> ApiError {
    ApiError::new(404, "notFound", format!("Reply not found: {id}."))
}

/// GET /drive/v3/files/{fileId}/comments/{commentId}/replies
pub fn list_replies(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let id = ctx.param("fileId").to_string();
    let cid = ctx.param("commentId").to_string();
    let store = common::store(ctx)?;
    require(&store, &id, ctx.user, READER)?;
    let c = find_comment(ctx, &id, &cid)?;
    let include_deleted = ctx.query.bool("includeDeleted", false)?;
    let page_size = ctx.query.int_in("pageSize", 20, 1, 100)? as usize;
    let offset = match ctx.query.get("pageToken") {
        None | Some("") => 0,
        Some(t) => t
            .parse()
            .map_err(|_| ApiError::invalid_parameter("pageToken", t))?,
    };
    let all: Vec<ReplyRow> = load_replies(ctx, &c.id)?
        .into_iter()
        .filter(|r| include_deleted || !r.deleted)
        .collect();
    let page: Vec<Value> = all
        .iter()
        .skip(offset)
        .take(page_size)
        .map(|r| reply_json(&store, r, ctx.user))
        .collect();
    let mut out = json!({"kind": "drive#replyList", "replies": page});
    if offset + page_size < all.len() {
        out["nextPageToken"] = json!((offset + page_size).to_string());
    }
    Ok(Reply::ok(masked(ctx, out)?))
}

/// POST /drive/v3/files/{fileId}/comments/{commentId}/replies
pub fn create_reply(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let id = ctx.param("fileId").to_string();
    let cid = ctx.param("commentId").to_string();
    let store = common::store(ctx)?;
    require(&store, &id, ctx.user, COMMENTER)?;
    let c = find_comment(ctx, &id, &cid)?;
    if c.deleted {
        return Err(comment_not_found(&cid));
    }
    let body = ctx.body_value()?;
    let action = match body.get("action") {
        None | Some(Value::Null) => None,
        Some(Value::String(a)) if a == "resolve" || a == "reopen" => Some(a.clone()),
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "Invalid reply action {other} (resolve or reopen)"
            )))
        }
    };
    let content = content_of(&body, action.is_none())?.unwrap_or_default();
    let rid = format!("AAAA{}", ids::token(ctx.db, 12)?);
    let now = now(ctx);
    ctx.db.execute(
        "INSERT INTO drive_replies (id, comment_id, author_id, content, action, created_time, modified_time) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![rid, cid, ctx.user.id, content, action, now],
    )?;
    if let Some(a) = &action {
        ctx.db.execute(
            "UPDATE drive_comments SET resolved = ?2, modified_time = ?3 WHERE id = ?1",
            params![cid, a == "resolve", now],
        )?;
    }
    let r = load_replies(ctx, &cid)?
        .into_iter()
        .find(|r| r.id == rid)
        .ok_or_else(|| reply_not_found(&rid))?;
    Ok(Reply::ok(masked(ctx, reply_json(&store, &r, ctx.user))?))
}

fn find_reply(ctx: &Ctx<'_>) -> Result<(Store, ReplyRow), ApiError> {
    let id = ctx.param("fileId").to_string();
    let cid = ctx.param("commentId").to_string();
    let rid = ctx.param("replyId").to_string();
    let store = common::store(ctx)?;
    require(&store, &id, ctx.user, READER)?;
    find_comment(ctx, &id, &cid)?;
    let r = load_replies(ctx, &cid)?
        .into_iter()
        .find(|r| r.id == rid)
        .ok_or_else(|| reply_not_found(&rid))?;
    Ok((store, r))
}

/// GET …/replies/{replyId}
pub fn get_reply(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (store, r) = find_reply(ctx)?;
    if r.deleted && !ctx.query.bool("includeDeleted", false)? {
        return Err(reply_not_found(&r.id));
    }
    Ok(Reply::ok(masked(ctx, reply_json(&store, &r, ctx.user))?))
}

/// PATCH …/replies/{replyId}
pub fn update_reply(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (store, r) = find_reply(ctx)?;
    if r.deleted {
        return Err(reply_not_found(&r.id));
    }
    if r.author_id != ctx.user.id {
        return Err(ApiError::new(
            403,
            "insufficientFilePermissions",
            "Only the author can edit a reply.",
        ));
    }
    let content = content_of(&ctx.body_value()?, true)?.unwrap_or_default();
    ctx.db.execute(
        "UPDATE drive_replies SET content = ?2, modified_time = ?3 WHERE id = ?1",
        params![r.id, content, now(ctx)],
    )?;
    let cid = ctx.param("commentId").to_string();
    let r = load_replies(ctx, &cid)?
        .into_iter()
        .find(|x| x.id == r.id)
        .ok_or_else(|| reply_not_found(&r.id))?;
    Ok(Reply::ok(masked(ctx, reply_json(&store, &r, ctx.user))?))
}

/// DELETE …/replies/{replyId}
pub fn delete_reply(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (store, r) = find_reply(ctx)?;
    if r.deleted {
        return Err(reply_not_found(&r.id));
    }
    let id = ctx.param("fileId").to_string();
    if r.author_id != ctx.user.id && store.access(&id, ctx.user).role < WRITER {
        return Err(ApiError::new(
            403,
            "insufficientFilePermissions",
            "Only the author or an editor can delete a reply.",
        ));
    }
    let done: Option<i64> = ctx
        .db
        .query_row("SELECT 1 FROM drive_replies WHERE id = ?1", [&r.id], |x| {
            x.get(0)
        })
        .optional()?;
    if done.is_some() {
        ctx.db.execute(
            "UPDATE drive_replies SET deleted = 1, modified_time = ?2 WHERE id = ?1",
            params![r.id, now(ctx)],
        )?;
    }
    Ok(Reply::no_content())
}
