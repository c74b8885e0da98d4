//! `documents.get`, `documents.create` and `documents.batchUpdate`. Access is Drive's: a Doc is
//! a Drive file, readable with any role and editable by writers; an edit bumps the file's
//! version, modified time and head revision (the Doc's `revisionId`).

use serde_json::{json, Value};

use super::body::Document;
use super::render::document_json;
use super::requests;
use super::store;
use crate::rest::{ApiError, Ctx, Reply};
use crate::services::drive::common as drive;
use crate::services::drive::model::{self, require, FileRow, Store, DOCUMENT, WRITER};
use crate::services::drive::revisions;
use crate::store::clock::{self, ids};

const MODES: &[&str] = &[
    "DEFAULT_FOR_CURRENT_ACCESS",
    "SUGGESTIONS_INLINE",
    "PREVIEW_SUGGESTIONS_ACCEPTED",
    "PREVIEW_WITHOUT_SUGGESTIONS",
];

fn doc_not_found(id: &str) -> ApiError {
    ApiError::new(
        404,
        "notFound",
        format!("Requested entity was not found. (document {id})"),
    )
}

/// The Drive file behind a Doc, checked for `min` access.
fn doc_file<'s>(
    store: &'s Store,
    ctx: &Ctx<'_>,
    id: &str,
    min: u8,
) -> Result<&'s FileRow, ApiError> {
    let f = require(store, id, ctx.user, min).map_err(|e| match e.status {
        404 => doc_not_found(id),
        _ => ApiError::new(403, "forbidden", "The caller does not have permission"),
    })?;
    if f.mime_type != DOCUMENT {
        return Err(ApiError::bad_request("This operation is not supported for this document. The document must be a Google Docs document."));
    }
    Ok(f)
}

fn render(ctx: &Ctx<'_>, store: &Store, f: &FileRow, doc: &Document) -> Result<Value, ApiError> {
    let requested = ctx
        .query
        .get("suggestionsViewMode")
        .unwrap_or("DEFAULT_FOR_CURRENT_ACCESS");
    if !MODES.contains(&requested) {
        return Err(ApiError::invalid_parameter(
            "suggestionsViewMode",
            requested,
        ));
    }
    let mode = if requested == "DEFAULT_FOR_CURRENT_ACCESS" {
        if store.access(&f.id, ctx.user).role >= model::COMMENTER {
            "SUGGESTIONS_INLINE"
        } else {
            "PREVIEW_WITHOUT_SUGGESTIONS"
        }
    } else {
        requested
    };
    let tabs = ctx.query.bool("includeTabsContent", false)?;
    let rev = f.head_revision_id.clone().unwrap_or_default();
    Ok(document_json(doc, &f.id, &f.name, &rev, mode, tabs))
}

/// GET /v1/documents/{documentId}
pub fn get(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let id = ctx.param("documentId").to_string();
    let store = drive::store(ctx)?;
    let f = doc_file(&store, ctx, &id, model::READER)?;
    let doc = store::load(ctx.db, &id)?.unwrap_or_default();
    Ok(Reply::ok(render(ctx, &store, f, &doc)?))
}

/// POST /v1/documents — a blank Doc titled as asked, in the caller's My Drive.
pub fn create(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let body = ctx.body_value()?;
    if !body.is_object() {
        return Err(ApiError::bad_request(
            "The request body must be a Document object.",
        ));
    }
    let title = match body.get("title") {
        None | Some(Value::Null) => "Untitled document".to_string(),
        Some(Value::String(s)) if s.trim().is_empty() => "Untitled document".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(ApiError::bad_request(
                "Invalid value for field 'title': expected a string",
            ))
        }
    };
    let id = drive::new_file_id(ctx)?;
    let now = clock::rfc3339(ctx.now);
    let f = FileRow::new(id.clone(), title, DOCUMENT.into(), &ctx.user.id, now);
    model::insert_file(ctx.db, &f)?;
    store::create_from_text(ctx.db, &id, "")?;
    revisions::snapshot(ctx, &id, ctx.user)?;
    drive::record_change(ctx, &id, false)?;
    let store = drive::store(ctx)?;
    let f = store.files.get(&id).ok_or_else(|| doc_not_found(&id))?;
    let doc = store::load(ctx.db, &id)?.unwrap_or_default();
    Ok(Reply::ok(render(ctx, &store, f, &doc)?))
}

fn known_revision(ctx: &Ctx<'_>, id: &str, rev: &str) -> Result<bool, ApiError> {
    let n: i64 = ctx.db.query_row(
        "SELECT COUNT(*) FROM drive_revisions WHERE file_id = ?1 AND id = ?2",
        rusqlite::params![id, rev],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

/// POST /v1/documents/{documentId}:batchUpdate
pub fn batch_update(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let id = ctx.param("documentId").to_string();
    let store = drive::store(ctx)?;
    let f = doc_file(&store, ctx, &id, WRITER)?.clone();
    let body = ctx.body_value()?;
    let requests = match body.get("requests") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(_) => {
            return Err(ApiError::bad_request(
                "Invalid JSON payload: 'requests' must be an array.",
            ))
        }
    };
    let current = f.head_revision_id.clone().unwrap_or_default();
    if let Some(wc) = body.get("writeControl").filter(|w| !w.is_null()) {
        let required = wc.get("requiredRevisionId").and_then(Value::as_str);
        let target = wc.get("targetRevisionId").and_then(Value::as_str);
        if required.is_some() && target.is_some() {
            return Err(ApiError::bad_request("Only one of writeControl.requiredRevisionId and writeControl.targetRevisionId may be set."));
        }
        if let Some(r) = required {
            if r != current {
                return Err(ApiError::new(
                    400,
                    "failedPrecondition",
                    format!("FAILED_PRECONDITION: The required revision ID '{r}' does not match the latest revision '{current}'. Fetch the document again and retry."),
                ));
            }
        }
        if let Some(t) = target {
            if !known_revision(ctx, &id, t)? {
                return Err(ApiError::bad_request(format!(
                    "The target revision ID '{t}' is not a revision of this document."
                )));
            }
        }
    }
    let mut doc = store::load(ctx.db, &id)?.unwrap_or_default();
    let before = doc.clone();
    let db = ctx.db;
    let mut new_id = || {
        ids::base32hex(db, 12)
            .map(|s| format!("kix.{s}"))
            .unwrap_or_else(|_| "kix.0".into())
    };
    let replies =
        requests::apply_all(&mut doc, &requests, &mut new_id).map_err(|(i, kind, msg)| {
            ApiError::bad_request(format!("Invalid requests[{i}].{kind}: {msg}"))
        })?;
    let revision = if doc != before {
        store::save(ctx.db, &id, &doc)?;
        drive::touch(ctx, &id, ctx.user)?;
        revisions::snapshot(ctx, &id, ctx.user)?
    } else {
        current
    };
    Ok(Reply::ok(json!({
        "documentId": id,
        "replies": replies,
        "writeControl": {"requiredRevisionId": revision},
    })))
}
