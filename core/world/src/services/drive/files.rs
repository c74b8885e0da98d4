//! `files.*` except list: get (and media download), create (metadata, media and multipart
//! uploads), update, copy, delete, emptyTrash, export and generateIds.

use serde_json::{json, Value};

use super::common::{
    self, file_reply, new_file_id, now, parent_ref, record_change, root_id, touch,
};
use super::meta::{merge_props, parse_meta, parse_upload, Media, Meta};
use super::model::{
    self, file_not_found, insert_file, is_native, require, Content, FileRow, Store, DOCUMENT,
    FOLDER, OWNER, READER, WRITER,
};
use super::render::{export_formats, file_json};
use super::revisions;
use crate::rest::{ApiError, Ctx, Reply};
use crate::services::docs;
use crate::store::clock::ids;
use crate::store::users::User;

/// The caller's "My Drive" folder (`files.get('root')`).
fn root_folder(user: &User) -> Value {
    json!({
        "kind": "drive#file", "id": root_id(&user.id), "name": "My Drive", "mimeType": FOLDER,
        "ownedByMe": true, "trashed": false, "starred": false, "shared": false, "spaces": ["drive"],
        "capabilities": {"canAddChildren": true, "canListChildren": true, "canEdit": true,
            "canShare": false, "canTrash": false, "canDelete": false, "canRename": false},
    })
}

/// GET /drive/v3/files/{fileId}
pub fn get(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let id = ctx.param("fileId").to_string();
    if parent_ref(ctx.user, &id).is_none() {
        return Ok(Reply::ok(file_reply(ctx, root_folder(ctx.user))?));
    }
    let store = common::store(ctx)?;
    let f = require(&store, &id, ctx.user, READER)?;
    if ctx.query.get("alt") == Some("media") {
        if is_native(&f.mime_type) {
            return Err(ApiError::new(
                403,
                "fileNotDownloadable",
                "Only files with binary content can be downloaded. Use Export with Docs Editors files.",
            ));
        }
        if f.copy_requires_writer_permission && store.access(&id, ctx.user).role < WRITER {
            return Err(ApiError::new(
                403,
                "cannotDownloadFile",
                "The user does not have permission to download this file.",
            ));
        }
        return Ok(Reply::media_bytes(
            f.mime_type.clone(),
            f.content
                .clone()
                .map(Content::into_bytes)
                .unwrap_or_default(),
        ));
    }
    if let Some(alt) = ctx.query.get("alt") {
        if alt != "json" {
            return Err(ApiError::invalid_parameter("alt", alt));
        }
    }
    let v = file_json(&store, f, ctx.user);
    Ok(Reply::ok(file_reply(ctx, v)?))
}

/// Checks that `parent` is a folder the user may add to; `None` is the user's root.
fn check_parent(store: &Store, parent: Option<&str>, user: &User) -> Result<(), ApiError> {
    let Some(p) = parent else { return Ok(()) };
    let folder = require(store, p, user, READER)?;
    if folder.mime_type != FOLDER {
        return Err(ApiError::bad_request(format!(
            "The parent {p} is not a folder."
        )));
    }
    if store.access(p, user).role < WRITER {
        return Err(model::insufficient(p));
    }
    Ok(())
}

fn single_parent(user: &User, parents: &[String]) -> Result<Option<String>, ApiError> {
    match parents {
        [] => Ok(None),
        [p] => Ok(parent_ref(user, p)),
        _ => Err(ApiError::new(
            403,
            "cannotAddParent",
            "A file can only have one parent folder; multiple parents are not allowed.",
        )),
    }
}

fn valid_client_id(id: &str) -> bool {
    (10..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Docs Editors files hold text: bytes that are not UTF-8 cannot become one.
fn not_text(mime: &str) -> ApiError {
    ApiError::new(
        400,
        "badContent",
        format!("The content of a {mime} file must be UTF-8 text."),
    )
}

/// Creates a file from metadata and optional content; returns it.
fn create_file(ctx: &Ctx<'_>, meta: Meta, media: Media) -> Result<FileRow, ApiError> {
    let store = common::store(ctx)?;
    let user = ctx.user;
    let parent = single_parent(user, meta.parents.as_deref().unwrap_or(&[]))?;
    check_parent(&store, parent.as_deref(), user)?;
    let id = match meta.id {
        Some(id) => {
            if !valid_client_id(&id) {
                return Err(ApiError::bad_request(format!(
                    "The provided file ID '{id}' is not usable."
                )));
            }
            if store.files.contains_key(&id) {
                return Err(ApiError::new(
                    409,
                    "fileIdInUse",
                    format!("A file already exists with the provided ID: {id}."),
                ));
            }
            id
        }
        None => new_file_id(ctx)?,
    };
    let (media_type, media_text) = match media {
        Some((t, body)) => (Some(t), body),
        None => (None, None),
    };
    let mime = meta
        .mime_type
        .or(media_type)
        .unwrap_or_else(|| "application/octet-stream".into());
    if mime == FOLDER && media_text.is_some() {
        return Err(ApiError::bad_request("A folder cannot have content."));
    }
    let content = media_text.or(meta.content_text);
    if is_native(&mime) && content.as_ref().is_some_and(|c| c.text().is_none()) {
        return Err(not_text(&mime));
    }
    let now = now(ctx);
    let name = meta.name.unwrap_or_else(|| "Untitled".into());
    let mut f = FileRow::new(id.clone(), name.clone(), mime.clone(), &user.id, now);
    f.parent_id = parent;
    f.description = meta.description.flatten();
    f.starred = meta.starred.unwrap_or(false);
    // Docs keep their text in docs_documents; folders have none.
    f.content = if mime == DOCUMENT || mime == FOLDER {
        None
    } else if is_native(&mime) {
        content.clone()
    } else {
        Some(
            content
                .clone()
                .unwrap_or_else(|| Content::Text(String::new())),
        )
    };
    f.properties = meta.properties.unwrap_or_default();
    f.app_properties = meta.app_properties.unwrap_or_default();
    f.writers_can_share = meta.writers_can_share.unwrap_or(true);
    f.copy_requires_writer_permission = meta.copy_requires_writer_permission.unwrap_or(false);
    f.original_filename = if is_native(&mime) {
        None
    } else {
        meta.original_filename.or(Some(name))
    };
    insert_file(ctx.db, &f)?;
    if mime == DOCUMENT {
        docs::store::create_from_text(
            ctx.db,
            &id,
            content.as_ref().and_then(Content::text).unwrap_or(""),
        )?;
    }
    if mime != FOLDER {
        revisions::snapshot(ctx, &id, user)?;
    }
    record_change(ctx, &id, false)?;
    model::load_file(ctx.db, &id, &user.id)?.ok_or_else(|| file_not_found(&id))
}

fn created_reply(ctx: &Ctx<'_>, f: &FileRow) -> Result<Reply, ApiError> {
    let store = common::store(ctx)?;
    let v = file_json(&store, f, ctx.user);
    Ok(Reply::ok(file_reply(ctx, v)?))
}

/// POST /drive/v3/files (metadata only)
pub fn create(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let meta = parse_meta(&ctx.body_value()?)?;
    let f = create_file(ctx, meta, None)?;
    created_reply(ctx, &f)
}

/// POST /upload/drive/v3/files
pub fn upload_create(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (meta_json, media) = parse_upload(ctx)?;
    let meta = parse_meta(&meta_json)?;
    // A plain media upload has no metadata: Google names it "Untitled" and types it by the
    // request's Content-Type (`application/octet-stream` without one; see `parse_upload`).
    let f = create_file(ctx, meta, media)?;
    created_reply(ctx, &f)
}

/// Applies `trashed` to a file and (implicitly) to everything below it.
fn set_trashed(ctx: &Ctx<'_>, store: &Store, id: &str, trashed: bool) -> Result<(), ApiError> {
    let now = now(ctx);
    if trashed {
        ctx.db.execute(
            "UPDATE drive_files SET trashed = 1, explicitly_trashed = 1, trashed_time = ?2, \
             trashing_user_id = ?3 WHERE id = ?1",
            rusqlite::params![id, now, ctx.user.id],
        )?;
    } else {
        ctx.db.execute(
            "UPDATE drive_files SET trashed = 0, explicitly_trashed = 0, trashed_time = NULL, \
             trashing_user_id = NULL WHERE id = ?1",
            [id],
        )?;
    }
    for child in descendants(store, id) {
        let explicit = store
            .files
            .get(&child)
            .is_some_and(|f| f.explicitly_trashed);
        if explicit {
            continue;
        }
        if trashed {
            ctx.db.execute(
                "UPDATE drive_files SET trashed = 1, trashed_time = ?2, trashing_user_id = ?3 WHERE id = ?1",
                rusqlite::params![child, now, ctx.user.id],
            )?;
        } else {
            ctx.db.execute(
                "UPDATE drive_files SET trashed = 0, trashed_time = NULL, trashing_user_id = NULL WHERE id = ?1",
                [&child],
            )?;
        }
        record_change(ctx, &child, false)?;
    }
    Ok(())
}

/// Every item below `id` (cycle-safe).
pub fn descendants(store: &Store, id: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut frontier = vec![id.to_string()];
    while let Some(cur) = frontier.pop() {
        for f in store.files.values() {
            if f.parent_id.as_deref() == Some(cur.as_str()) && f.id != id && !out.contains(&f.id) {
                out.push(f.id.clone());
                frontier.push(f.id.clone());
            }
        }
    }
    out
}

fn update_file(ctx: &Ctx<'_>, meta: Meta, media: Media) -> Result<Reply, ApiError> {
    let id = ctx.param("fileId").to_string();
    let store = common::store(ctx)?;
    let user = ctx.user;
    let f = require(&store, &id, user, READER)?.clone();
    let role = store.access(&id, user).role;
    let add = ctx.query.get_all("addParents");
    let remove = ctx.query.get_all("removeParents");
    let content_change = media.is_some() || meta.content_text.is_some();
    let meta_change = meta.name.is_some()
        || meta.description.is_some()
        || meta.properties.is_some()
        || meta.app_properties.is_some()
        || meta.writers_can_share.is_some()
        || meta.copy_requires_writer_permission.is_some()
        || meta.mime_type.as_ref().is_some_and(|m| *m != f.mime_type)
        || !add.is_empty()
        || !remove.is_empty();
    if (meta_change || content_change) && role < WRITER {
        return Err(model::insufficient(&id));
    }
    if meta.trashed.is_some_and(|t| t != f.trashed) && role < OWNER {
        return Err(ApiError::new(
            403,
            "insufficientFilePermissions",
            format!("The user does not have sufficient permissions for file {id}. Only the owner can trash or restore it."),
        ));
    }
    if meta.parents.is_some() {
        return Err(ApiError::new(
            403,
            "fieldNotWritable",
            "The resource body includes fields which are not directly writable. Use addParents and removeParents.",
        ));
    }
    if (meta.writers_can_share.is_some() || meta.copy_requires_writer_permission.is_some())
        && role < OWNER
    {
        return Err(model::insufficient(&id));
    }
    if let Some(m) = &meta.mime_type {
        if *m != f.mime_type && (is_native(m) || is_native(&f.mime_type)) {
            return Err(ApiError::bad_request(
                "The mimeType of a Google Docs Editors file or folder cannot be changed.",
            ));
        }
    }
    // Parents: one parent at most.
    if !add.is_empty() || !remove.is_empty() {
        let mut parents: Vec<Option<String>> = vec![f.parent_id.clone()];
        for r in &remove {
            let target = parent_ref(user, r);
            if !parents.contains(&target) {
                return Err(ApiError::bad_request(format!(
                    "The file is not in folder {r}."
                )));
            }
            parents.retain(|p| *p != target);
        }
        for a in &add {
            let target = parent_ref(user, a);
            check_parent(&store, target.as_deref(), user)?;
            if let Some(t) = &target {
                if *t == id || descendants(&store, &id).contains(t) {
                    return Err(ApiError::bad_request(
                        "A folder cannot be moved into itself or one of its subfolders.",
                    ));
                }
            }
            if !parents.contains(&target) {
                parents.push(target);
            }
        }
        let new_parent = match parents.as_slice() {
            [] => None,
            [p] => p.clone(),
            _ => {
                return Err(ApiError::new(
                    403,
                    "teamDrivesParentLimit",
                    "Increasing the number of parents is not allowed. Use removeParents to move the file.",
                ))
            }
        };
        ctx.db.execute(
            "UPDATE drive_files SET parent_id = ?2 WHERE id = ?1",
            rusqlite::params![id, new_parent],
        )?;
    }
    if let Some(name) = &meta.name {
        if name.trim().is_empty() {
            return Err(ApiError::bad_request("The file name cannot be empty."));
        }
        ctx.db.execute(
            "UPDATE drive_files SET name = ?2 WHERE id = ?1",
            rusqlite::params![id, name],
        )?;
    }
    if let Some(d) = &meta.description {
        ctx.db.execute(
            "UPDATE drive_files SET description = ?2 WHERE id = ?1",
            rusqlite::params![id, d],
        )?;
    }
    if let Some(m) = &meta.mime_type {
        ctx.db.execute(
            "UPDATE drive_files SET mime_type = ?2 WHERE id = ?1",
            rusqlite::params![id, m],
        )?;
    }
    if let Some(p) = &meta.properties {
        let mut props = f.properties.clone();
        merge_props(&mut props, p);
        ctx.db.execute(
            "UPDATE drive_files SET properties = ?2 WHERE id = ?1",
            rusqlite::params![id, Value::Object(props).to_string()],
        )?;
    }
    if let Some(p) = &meta.app_properties {
        let mut props = f.app_properties.clone();
        merge_props(&mut props, p);
        ctx.db.execute(
            "UPDATE drive_files SET app_properties = ?2 WHERE id = ?1",
            rusqlite::params![id, Value::Object(props).to_string()],
        )?;
    }
    if let Some(w) = meta.writers_can_share {
        ctx.db.execute(
            "UPDATE drive_files SET writers_can_share = ?2 WHERE id = ?1",
            rusqlite::params![id, w],
        )?;
    }
    if let Some(c) = meta.copy_requires_writer_permission {
        ctx.db.execute(
            "UPDATE drive_files SET copy_requires_writer_permission = ?2 WHERE id = ?1",
            rusqlite::params![id, c],
        )?;
    }
    if let Some(s) = meta.starred {
        model::set_user_state(ctx.db, &id, &user.id, Some(s), None)?;
    }
    if let Some(t) = meta.trashed {
        if t != f.trashed {
            set_trashed(ctx, &store, &id, t)?;
        }
    }
    let text = media.and_then(|(_, b)| b).or(meta.content_text);
    if let Some(content) = &text {
        if f.mime_type == FOLDER {
            return Err(ApiError::bad_request("A folder cannot have content."));
        }
        if f.mime_type == DOCUMENT {
            let text = content.text().ok_or_else(|| not_text(&f.mime_type))?;
            docs::store::create_from_text(ctx.db, &id, text)?;
        } else if is_native(&f.mime_type) && content.text().is_none() {
            return Err(not_text(&f.mime_type));
        } else {
            ctx.db.execute(
                "UPDATE drive_files SET content = ?2 WHERE id = ?1",
                rusqlite::params![id, content],
            )?;
        }
    }
    let starred_only = !meta_change && !content_change && meta.trashed.is_none();
    if starred_only {
        record_change(ctx, &id, false)?;
    } else {
        touch(ctx, &id, user)?;
    }
    if text.is_some() {
        revisions::snapshot(ctx, &id, user)?;
    }
    let store = common::store(ctx)?;
    let f = store.files.get(&id).ok_or_else(|| file_not_found(&id))?;
    let v = file_json(&store, f, user);
    Ok(Reply::ok(file_reply(ctx, v)?))
}

/// PATCH /drive/v3/files/{fileId}
pub fn update(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let meta = parse_meta(&ctx.body_value()?)?;
    update_file(ctx, meta, None)
}

/// PATCH /upload/drive/v3/files/{fileId}
pub fn upload_update(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (meta_json, media) = parse_upload(ctx)?;
    let meta = parse_meta(&meta_json)?;
    update_file(ctx, meta, media)
}

/// Removes a file and everything that hangs off it.
pub fn purge(ctx: &Ctx<'_>, id: &str) -> Result<(), ApiError> {
    for sql in [
        "DELETE FROM drive_replies WHERE comment_id IN (SELECT id FROM drive_comments WHERE file_id = ?1)",
        "DELETE FROM drive_comments WHERE file_id = ?1",
        "DELETE FROM drive_revisions WHERE file_id = ?1",
        "DELETE FROM drive_permissions WHERE file_id = ?1",
        "DELETE FROM drive_user_files WHERE file_id = ?1",
        "DELETE FROM docs_documents WHERE id = ?1",
        "DELETE FROM drive_files WHERE id = ?1",
    ] {
        ctx.db.execute(sql, [id])?;
    }
    record_change(ctx, id, true)
}

/// DELETE /drive/v3/files/{fileId}
pub fn delete(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let id = ctx.param("fileId").to_string();
    let store = common::store(ctx)?;
    require(&store, &id, ctx.user, OWNER)?;
    for child in descendants(&store, &id) {
        purge(ctx, &child)?;
    }
    purge(ctx, &id)?;
    Ok(Reply::no_content())
}

/// DELETE /drive/v3/files/trash
pub fn empty_trash(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let store = common::store(ctx)?;
    let mut doomed: Vec<String> = Vec::new();
    for f in store.files.values() {
        if f.trashed && f.owner_id == ctx.user.id && !doomed.contains(&f.id) {
            doomed.push(f.id.clone());
            for d in descendants(&store, &f.id) {
                if !doomed.contains(&d) {
                    doomed.push(d);
                }
            }
        }
    }
    for id in doomed {
        purge(ctx, &id)?;
    }
    Ok(Reply::no_content())
}

/// POST /drive/v3/files/{fileId}/copy
pub fn copy(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let id = ctx.param("fileId").to_string();
    let store = common::store(ctx)?;
    let src = require(&store, &id, ctx.user, READER)?.clone();
    if src.mime_type == FOLDER {
        return Err(ApiError::new(
            403,
            "cannotCopyFile",
            "Folders cannot be copied.",
        ));
    }
    if src.copy_requires_writer_permission && store.access(&id, ctx.user).role < WRITER {
        return Err(ApiError::new(
            403,
            "cannotCopyFile",
            "This file cannot be copied by the user.",
        ));
    }
    let mut meta = parse_meta(&ctx.body_value()?)?;
    if meta.name.is_none() {
        meta.name = Some(format!("Copy of {}", src.name));
    }
    if meta.parents.is_none() {
        let keep = src
            .parent_id
            .as_ref()
            .filter(|p| store.access(p, ctx.user).role >= WRITER)
            .cloned();
        meta.parents = Some(keep.into_iter().collect());
    }
    if meta.description.is_none() {
        meta.description = Some(src.description.clone());
    }
    meta.mime_type = Some(src.mime_type.clone());
    if meta.properties.is_none() && !src.properties.is_empty() {
        meta.properties = Some(src.properties.clone());
    }
    meta.content_text = src.content.clone();
    let f = create_file(ctx, meta, None)?;
    if src.mime_type == DOCUMENT {
        docs::store::copy(ctx.db, &id, &f.id)?;
    }
    created_reply(ctx, &f)
}

/// GET /drive/v3/files/{fileId}/export
pub fn export(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let id = ctx.param("fileId").to_string();
    let store = common::store(ctx)?;
    let f = require(&store, &id, ctx.user, READER)?;
    let target = ctx
        .query
        .get("mimeType")
        .filter(|m| !m.is_empty())
        .ok_or_else(|| ApiError::required("mimeType"))?;
    if !is_native(&f.mime_type) {
        return Err(ApiError::new(
            403,
            "fileNotExportable",
            "Export only supports Docs Editors files.",
        ));
    }
    if !export_formats(&f.mime_type).contains(&target) {
        return Err(ApiError::new(
            400,
            "badRequest",
            format!(
                "The requested conversion is not supported: {} to {target}.",
                f.mime_type
            ),
        ));
    }
    let text = f
        .content
        .as_ref()
        .and_then(Content::text)
        .unwrap_or_default()
        .to_string();
    let body = if f.mime_type == DOCUMENT && target == "text/html" {
        docs::store::export_html(ctx.db, &id, &f.name)?.unwrap_or_default()
    } else if target == "application/pdf" {
        format!("%PDF-1.4\n% {}\n{}", f.name, text)
    } else {
        text
    };
    Ok(Reply::media(target, body))
}

/// GET /drive/v3/files/generateIds
pub fn generate_ids(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let count = ctx.query.int_in("count", 10, 1, 1000)?;
    let space = ctx.query.get("space").unwrap_or("drive");
    if !["drive", "appDataFolder"].contains(&space) {
        return Err(ApiError::invalid_parameter("space", space));
    }
    let mut out = Vec::new();
    for _ in 0..count {
        out.push(format!("1{}", ids::token(ctx.db, 32)?));
    }
    Ok(Reply::ok(
        json!({"kind": "drive#generatedIds", "space": space, "ids": out}),
    ))
}
