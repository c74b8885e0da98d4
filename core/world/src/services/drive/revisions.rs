//! `revisions.*`: a revision is written when a file's content changes (uploads, Docs edits).

use rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};

use super::common::{self, masked};
use super::model::{is_native, require, Content, Store, OWNER, READER, WRITER};
use super::render::user_json;
use crate::rest::{ApiError, Ctx, Reply};
use crate::store::clock::ids;
use crate::store::users::User;

/// Stores the file's current content as a new head revision; returns its id.
pub fn snapshot(ctx: &Ctx<'_>, file_id: &str, user: &User) -> Result<String, ApiError> {
    let file = super::model::load_file(ctx.db, file_id, &user.id)?
        .ok_or_else(|| super::model::file_not_found(file_id))?;
    let id = if is_native(&file.mime_type) {
        format!("ALm{}", ids::token(ctx.db, 24)?)
    } else {
        ids::numeric(ctx.db, 19)?
    };
    let size = file.content.as_ref().map(|c| c.len() as i64);
    ctx.db.execute(
        "INSERT INTO drive_revisions (file_id, id, mime_type, modified_time, last_modifying_user_id, \
         size, content) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![file_id, id, file.mime_type, common::now(ctx), user.id, size, file.content],
    )?;
    ctx.db.execute(
        "UPDATE drive_files SET head_revision_id = ?2 WHERE id = ?1",
        params![file_id, id],
    )?;
    Ok(id)
}

struct Rev {
    id: String,
    mime_type: String,
    modified_time: String,
    user_id: String,
    keep_forever: bool,
    published: bool,
    size: Option<i64>,
    content: Option<Content>,
}

fn rows(ctx: &Ctx<'_>, file_id: &str) -> Result<Vec<Rev>, ApiError> {
    let mut stmt = ctx.db.prepare_cached(
        "SELECT id, mime_type, modified_time, last_modifying_user_id, keep_forever, published, size, \
         content FROM drive_revisions WHERE file_id = ?1 ORDER BY modified_time, rowid",
    )?;
    let out = stmt
        .query_map([file_id], |r| {
            Ok(Rev {
                id: r.get(0)?,
                mime_type: r.get(1)?,
                modified_time: r.get(2)?,
                user_id: r.get(3)?,
                keep_forever: r.get(4)?,
                published: r.get(5)?,
                size: r.get(6)?,
                content: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(out)
}

fn rev_json(store: &Store, r: &Rev, user: &User) -> Value {
    let mut v = json!({
        "kind": "drive#revision",
        "id": r.id,
        "mimeType": r.mime_type,
        "modifiedTime": r.modified_time,
        "lastModifyingUser": user_json(store, &r.user_id, user),
        "published": r.published,
    });
    if !is_native(&r.mime_type) {
        v["keepForever"] = json!(r.keep_forever);
        v["size"] = json!(r.size.unwrap_or(0).to_string());
        v["md5Checksum"] = json!(super::render::md5_like(
            r.content
                .as_ref()
                .map(Content::as_bytes)
                .unwrap_or_default()
        ));
    }
    v
}

fn not_found(id: &str) -> ApiError {
    ApiError::new(404, "notFound", format!("Revision not found: {id}."))
}

/// GET /drive/v3/files/{fileId}/revisions
pub fn list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let id = ctx.param("fileId").to_string();
    let store = common::store(ctx)?;
    require(&store, &id, ctx.user, WRITER)?;
    let page_size = ctx.query.int_in("pageSize", 200, 1, 1000)? as usize;
    let offset = match ctx.query.get("pageToken") {
        None | Some("") => 0,
        Some(t) => t
            .parse()
            .map_err(|_| ApiError::invalid_parameter("pageToken", t))?,
    };
    let all = rows(ctx, &id)?;
    let page: Vec<Value> = all
        .iter()
        .skip(offset)
        .take(page_size)
        .map(|r| rev_json(&store, r, ctx.user))
        .collect();
    let mut out = json!({"kind": "drive#revisionList", "revisions": page});
    if offset + page_size < all.len() {
        out["nextPageToken"] = json!((offset + page_size).to_string());
    }
    Ok(Reply::ok(masked(ctx, out)?))
}

/// GET /drive/v3/files/{fileId}/revisions/{revisionId}
pub fn get(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let id = ctx.param("fileId").to_string();
    let rid = ctx.param("revisionId").to_string();
    let store = common::store(ctx)?;
    let f = require(&store, &id, ctx.user, WRITER)?;
    let all = rows(ctx, &id)?;
    let rev = if rid == "head" {
        all.last()
    } else {
        all.iter().find(|r| r.id == rid)
    };
    let rev = rev.ok_or_else(|| not_found(&rid))?;
    if ctx.query.get("alt") == Some("media") {
        if is_native(&f.mime_type) {
            return Err(ApiError::new(
                403,
                "fileNotDownloadable",
                "Revisions of Docs Editors files cannot be downloaded; use files.export.",
            ));
        }
        return Ok(Reply::media_bytes(
            rev.mime_type.clone(),
            rev.content
                .clone()
                .map(Content::into_bytes)
                .unwrap_or_default(),
        ));
    }
    Ok(Reply::ok(masked(ctx, rev_json(&store, rev, ctx.user))?))
}

/// PATCH /drive/v3/files/{fileId}/revisions/{revisionId}
pub fn update(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let id = ctx.param("fileId").to_string();
    let rid = ctx.param("revisionId").to_string();
    let store = common::store(ctx)?;
    require(&store, &id, ctx.user, WRITER)?;
    let body = ctx.body_value()?;
    let exists: Option<String> = ctx
        .db
        .query_row(
            "SELECT id FROM drive_revisions WHERE file_id = ?1 AND id = ?2",
            params![id, rid],
            |r| r.get(0),
        )
        .optional()?;
    exists.ok_or_else(|| not_found(&rid))?;
    for key in ["keepForever", "published"] {
        match body.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::Bool(b)) => {
                let col = if key == "keepForever" {
                    "keep_forever"
                } else {
                    "published"
                };
                ctx.db.execute(
                    &format!(
                        "UPDATE drive_revisions SET {col} = ?3 WHERE file_id = ?1 AND id = ?2"
                    ),
                    params![id, rid, b],
                )?;
            }
            Some(_) => {
                return Err(ApiError::bad_request(format!(
                    "Invalid value for field '{key}': expected true or false"
                )))
            }
        }
    }
    let all = rows(ctx, &id)?;
    let rev = all
        .iter()
        .find(|r| r.id == rid)
        .ok_or_else(|| not_found(&rid))?;
    Ok(Reply::ok(masked(ctx, rev_json(&store, rev, ctx.user))?))
}

/// DELETE /drive/v3/files/{fileId}/revisions/{revisionId}
pub fn delete(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let id = ctx.param("fileId").to_string();
    let rid = ctx.param("revisionId").to_string();
    let store = common::store(ctx)?;
    let f = require(&store, &id, ctx.user, WRITER)?;
    let all = rows(ctx, &id)?;
    if !all.iter().any(|r| r.id == rid) {
        return Err(not_found(&rid));
    }
    if is_native(&f.mime_type) {
        return Err(ApiError::new(
            403,
            "revisionDeletionNotSupported",
            "Revisions of Docs Editors files cannot be deleted.",
        ));
    }
    if all.last().is_some_and(|r| r.id == rid) {
        return Err(ApiError::bad_request(
            "The head revision of a file cannot be deleted.",
        ));
    }
    let _ = (READER, OWNER);
    ctx.db.execute(
        "DELETE FROM drive_revisions WHERE file_id = ?1 AND id = ?2",
        params![id, rid],
    )?;
    Ok(Reply::no_content())
}
