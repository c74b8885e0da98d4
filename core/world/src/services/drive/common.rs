//! Helpers shared by the Drive handlers: loading the store, shaping replies with `fields`,
//! bumping a file's version and recording changes.

use serde_json::{json, Value};

use super::model::Store;
use crate::rest::fields::Mask;
use crate::rest::{ApiError, Ctx};
use crate::store::clock::{self, ids};
use crate::store::users::User;

pub fn store(ctx: &Ctx<'_>) -> Result<Store, ApiError> {
    Store::load(ctx.db, ctx.now, &ctx.user.id)
}

pub fn now(ctx: &Ctx<'_>) -> String {
    clock::rfc3339(ctx.now)
}

/// The request's `fields` mask, if any.
pub fn mask(ctx: &Ctx<'_>) -> Result<Option<Mask>, ApiError> {
    match ctx.query.get("fields") {
        None | Some("") => Ok(None),
        Some(f) => Mask::parse(f).map(Some),
    }
}

/// A single File answer: Drive v3 returns only kind, id, name and mimeType unless `fields` asks
/// for more.
pub fn file_reply(ctx: &Ctx<'_>, full: Value) -> Result<Value, ApiError> {
    Ok(match mask(ctx)? {
        Some(m) => {
            m.check(super::fields::FILE_FIELDS)?;
            m.apply(&full)
        }
        None => json!({
            "kind": full["kind"], "id": full["id"], "name": full["name"], "mimeType": full["mimeType"],
        }),
    })
}

/// Any other resource: the whole of it unless `fields` narrows it.
pub fn masked(ctx: &Ctx<'_>, full: Value) -> Result<Value, ApiError> {
    Ok(match mask(ctx)? {
        Some(m) => m.apply(&full),
        None => full,
    })
}

/// A fresh Drive-style id (33 characters of base64url, starting with '1').
pub fn new_file_id(ctx: &Ctx<'_>) -> Result<String, ApiError> {
    Ok(format!("1{}", ids::token(ctx.db, 32)?))
}

/// Records that file `id` changed (or was removed) for the Changes API.
pub fn record_change(ctx: &Ctx<'_>, id: &str, removed: bool) -> Result<(), ApiError> {
    ctx.db.execute(
        "INSERT INTO drive_changes (file_id, seq, time, removed) VALUES \
         (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM drive_changes), ?2, ?3) \
         ON CONFLICT(file_id) DO UPDATE SET seq = excluded.seq, time = excluded.time, \
         removed = excluded.removed",
        rusqlite::params![id, now(ctx), removed],
    )?;
    Ok(())
}

/// A metadata or content change by `user`: version + 1, modified time and user, a change entry.
pub fn touch(ctx: &Ctx<'_>, id: &str, user: &User) -> Result<(), ApiError> {
    ctx.db.execute(
        "UPDATE drive_files SET version = version + 1, modified_time = ?2, \
         last_modifying_user_id = ?3 WHERE id = ?1",
        rusqlite::params![id, now(ctx), user.id],
    )?;
    record_change(ctx, id, false)
}

/// The id of the acting user's "My Drive" root folder (stable per user).
pub fn root_id(user_id: &str) -> String {
    let p = super::model::permission_id_for("root", user_id);
    format!("0A{}Uk9PVA", &p[..12])
}

/// Resolves `root` or the caller's root id to `None` (top level); other ids pass through.
pub fn parent_ref(user: &User, id: &str) -> Option<String> {
    if id == "root" || id == root_id(&user.id) {
        None
    } else {
        Some(id.to_string())
    }
}
