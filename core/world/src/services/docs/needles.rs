//! Task needles for Docs: a Doc is a Drive file, so Docs needles are Drive's `doc` needles
//! (see `services::drive::needles`); kinds `document`/`doc` and `comment`.

use serde_json::Value;

use crate::needles::Inserted;

/// Inserts one Docs needle of `kind` for the acting user.
pub fn insert(
    conn: &rusqlite::Connection,
    actor: &crate::users::User,
    kind: &str,
    data: &Value,
) -> Inserted {
    let kind = match kind {
        "document" | "doc" => "doc",
        "comment" => "comment",
        other => {
            return Err(format!(
                "unknown docs needle kind '{other}' (document or comment)"
            ))
        }
    };
    crate::services::drive::needles::insert(conn, actor, kind, data)
}
