//! `changes.*`: every file mutation stamps `drive_changes` with the next change number; a page
//! token is the first change number a caller has not seen yet.

use serde_json::{json, Value};

use super::common::{self, file_reply, masked};
use super::render::file_json;
use crate::rest::{ApiError, Ctx, Reply};

fn next_seq(ctx: &Ctx<'_>) -> Result<i64, ApiError> {
    Ok(ctx.db.query_row(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM drive_changes",
        [],
        |r| r.get(0),
    )?)
}

/// GET /drive/v3/changes/startPageToken
pub fn start_page_token(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let seq = next_seq(ctx)?;
    let out = json!({"kind": "drive#startPageToken", "startPageToken": seq.to_string()});
    Ok(Reply::ok(masked(ctx, out)?))
}

/// GET /drive/v3/changes
pub fn list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let token = ctx
        .query
        .get("pageToken")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::required("pageToken"))?;
    let from: i64 = token
        .parse()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| ApiError::invalid_parameter("pageToken", token))?;
    let page_size = ctx.query.int_in("pageSize", 100, 1, 1000)? as usize;
    let include_removed = ctx.query.bool("includeRemoved", true)?;
    let store = common::store(ctx)?;
    let mut stmt = ctx.db.prepare_cached(
        "SELECT file_id, seq, time, removed FROM drive_changes WHERE seq >= ?1 ORDER BY seq",
    )?;
    let rows = stmt
        .query_map([from], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, bool>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let masked_output = common::mask(ctx)?.is_some();
    let mut changes: Vec<Value> = Vec::new();
    let mut next: Option<i64> = None;
    for (file_id, seq, time, removed) in rows {
        let visible = store
            .files
            .get(&file_id)
            .filter(|_| store.access(&file_id, ctx.user).role > 0);
        if !removed && visible.is_none() {
            continue;
        }
        if removed && !include_removed {
            continue;
        }
        if changes.len() == page_size {
            next = Some(seq);
            break;
        }
        let mut c = json!({"kind": "drive#change", "changeType": "file", "type": "file", "time": time, "removed": removed, "fileId": file_id});
        if let Some(f) = visible {
            let full = file_json(&store, f, ctx.user);
            // Without `fields` each file is the default File view; with it, the mask below
            // projects the full resource (`changes(file(id,name))`).
            c["file"] = if masked_output {
                full
            } else {
                file_reply(ctx, full)?
            };
        }
        changes.push(c);
    }
    let mut out = json!({"kind": "drive#changeList", "changes": changes});
    match next {
        Some(n) => out["nextPageToken"] = json!(n.to_string()),
        None => out["newStartPageToken"] = json!(next_seq(ctx)?.to_string()),
    }
    // `fields` applies to the list, not to each file (files inside use the default File view).
    let out = match common::mask(ctx)? {
        Some(m) => m.apply(&out),
        None => out,
    };
    Ok(Reply::ok(out))
}
