//! Task needles for Docs: a Doc is a Drive file, so Docs needles are Drive's `doc` needles
//! (see `services::drive::needles`); kinds `document`/`doc` and `comment`.

use serde_json::Value;

pub use crate::services::drive::needles::RowRef;

/// Inserts one Docs needle of `kind` for the acting user `user` (email or id).
pub fn insert(
    conn: &rusqlite::Connection,
    user: &str,
    kind: &str,
    data: &Value,
) -> Result<Vec<RowRef>, String> {
    let kind = match kind {
        "document" | "doc" => "doc",
        "comment" => "comment",
        other => {
            return Err(format!(
                "unknown docs needle kind '{other}' (document or comment)"
            ))
        }
    };
    crate::services::drive::needles::insert(conn, user, kind, data)
}
