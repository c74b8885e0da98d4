//! Task needles for Drive (and Docs): the files a task is about, inserted into a seeded world.
//!
//! Kinds and their `data`:
//! - `file`: `name` (required), `mimeType` (default `text/plain`), `content` (text; for Docs the
//!   seed markup: `= ` title, `# ` headings, `- ` bullets, `1. ` numbers, `| a | b |` tables),
//!   `folder` (a folder name or `A/B` path; default the owner's My Drive), `owner` (email,
//!   default the acting user), `days_ago` (last modified), `created_days_ago`, `starred` (by the
//!   acting user), `trashed`, `description`, `properties` (string map), `id` (a fixed id),
//!   `shared_with` (`[{email, role}]`), `shares` (`[{type, role, email?, domain?,
//!   discoverable?}]`, e.g. an overshare to `anyone`).
//! - `doc`: a `file` whose type is a Google Doc.
//! - `folder`: a `file` whose type is a folder.
//! - `permission`: `file` (name or id), `type`, `role`, `email` / `domain`, `discoverable`.
//! - `comment`: `file`, `author` (email, default the acting user), `content`, `resolved`,
//!   `replies` (`[{author?, content}]`).

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};

use super::model::{insert_perm, permission_id_for, PermRow, DOCUMENT, FOLDER, ROLES};
use super::seed::{add, NewFile};
use crate::needles::{self, err, Inserted, NeedleRef};
use crate::store::clock::{self, ids};
use crate::store::users::{self, User};

fn field<'a>(data: &'a Map<String, Value>, k: &str) -> Result<Option<&'a str>, String> {
    match data.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(format!("'{k}' must be a string, not {other}")),
    }
}

/// Inserts one needle of `kind` for the acting user.
pub fn insert(conn: &Connection, actor: &User, kind: &str, data: &Value) -> Inserted {
    let data = data.as_object().ok_or("needle data must be an object")?;
    match kind {
        "file" => insert_file(conn, actor, data, None),
        "doc" => insert_file(conn, actor, data, Some(DOCUMENT)),
        "folder" => insert_file(conn, actor, data, Some(FOLDER)),
        "permission" => {
            let file = find_file(conn, field(data, "file")?.ok_or("'file' is required")?)?;
            let row = perm_from(data, &file)?;
            let key = format!("{}|{}", row.file_id, row.id);
            insert_perm(conn, &row).map_err(err)?;
            Ok(vec![NeedleRef::new("drive_permissions", key)])
        }
        "comment" => insert_comment(conn, actor, data),
        other => Err(format!(
            "unknown drive needle kind '{other}' (file, doc, folder, permission or comment)"
        )),
    }
}

/// A file by id, or by exact name (the most recently modified one).
fn find_file(conn: &Connection, name_or_id: &str) -> Result<String, String> {
    conn.query_row(
        "SELECT id FROM drive_files WHERE id = ?1 OR name = ?1 ORDER BY (id = ?1) DESC, modified_time DESC LIMIT 1",
        [name_or_id],
        |r| r.get(0),
    )
    .optional()
    .map_err(err)?
    .ok_or_else(|| format!("no file named '{name_or_id}'"))
}

/// A folder by name or `A/B` path.
fn find_folder(conn: &Connection, path: &str) -> Result<String, String> {
    let mut parent: Option<String> = None;
    for part in path.split('/').map(str::trim).filter(|p| !p.is_empty()) {
        let id: Option<String> = conn
            .query_row(
                "SELECT id FROM drive_files WHERE mime_type = ?1 AND name = ?2 \
                 AND (?3 IS NULL OR parent_id = ?3) ORDER BY created_time LIMIT 1",
                params![FOLDER, part, parent],
                |r| r.get(0),
            )
            .optional()
            .map_err(err)?;
        parent = Some(id.ok_or_else(|| format!("no folder '{part}' in path '{path}'"))?);
    }
    parent.ok_or_else(|| format!("empty folder path '{path}'"))
}

fn perm_from(data: &Map<String, Value>, file_id: &str) -> Result<PermRow, String> {
    let kind = field(data, "type")?.unwrap_or("user");
    let role = field(data, "role")?.unwrap_or("reader");
    if !ROLES.contains(&role) || role == "owner" {
        return Err(format!("invalid role '{role}' for a shared permission"));
    }
    let discover = data
        .get("discoverable")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let (id, email, domain) = match kind {
        "user" | "group" => {
            let email = field(data, "email")?.ok_or("'email' is required for a user permission")?;
            (
                permission_id_for(kind, email),
                Some(email.to_lowercase()),
                None,
            )
        }
        "domain" => {
            let d = field(data, "domain")?.unwrap_or(users::DOMAIN);
            (permission_id_for("domain", d), None, Some(d.to_lowercase()))
        }
        "anyone" => (
            (if discover { "anyone" } else { "anyoneWithLink" }).to_string(),
            None,
            None,
        ),
        other => return Err(format!("invalid permission type '{other}'")),
    };
    Ok(PermRow {
        file_id: file_id.to_string(),
        id,
        kind: kind.to_string(),
        role: role.to_string(),
        email_address: email,
        display_name: domain.clone(),
        domain,
        allow_file_discovery: matches!(kind, "domain" | "anyone").then_some(discover),
        expiration_time: None,
        pending_owner: false,
    })
}

fn insert_file(
    conn: &Connection,
    actor: &User,
    data: &Map<String, Value>,
    forced: Option<&str>,
) -> Inserted {
    let name = field(data, "name")?
        .ok_or("'name' is required")?
        .to_string();
    let mime = forced
        .or(field(data, "mimeType")?)
        .unwrap_or("text/plain")
        .to_string();
    let owner = match field(data, "owner")? {
        Some(e) => needles::user(conn, e)?,
        None => actor.clone(),
    };
    let parent = field(data, "folder")?
        .map(|p| find_folder(conn, p))
        .transpose()?;
    let days = data
        .get("days_ago")
        .and_then(Value::as_i64)
        .unwrap_or(1)
        .max(0);
    crate::needles::days_in_range(days as f64, "days_ago")?;
    let created = data
        .get("created_days_ago")
        .and_then(Value::as_i64)
        .unwrap_or(days + 7)
        .max(days);
    crate::needles::days_in_range(created as f64, "created_days_ago")?;
    let id = field(data, "id")?.map(str::to_string);
    if let Some(id) = &id {
        if find_file(conn, id).is_ok() {
            return Err(format!("a file with id '{id}' already exists"));
        }
    }
    let content = field(data, "content")?.unwrap_or("").to_string();
    let starred = data
        .get("starred")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let new_id = add(
        conn,
        NewFile {
            id,
            name,
            mime: &mime,
            parent,
            owner: &owner.id,
            created_days_ago: created,
            modified_days_ago: days,
            starred_by: starred.then_some(actor.id.as_str()),
            trashed: data
                .get("trashed")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            description: field(data, "description")?,
            content: content.clone(),
        },
    )
    .map_err(err)?;
    let mut rows = vec![NeedleRef::new("drive_files", new_id.clone())];
    if let Some(props) = data.get("properties").and_then(Value::as_object) {
        conn.execute(
            "UPDATE drive_files SET properties = ?2 WHERE id = ?1",
            params![new_id, Value::Object(props.clone()).to_string()],
        )
        .map_err(err)?;
    }
    if mime == DOCUMENT {
        let prefix = format!("n{}x", ids::hex(conn, 6).map_err(err)?);
        crate::services::docs::seed::convert(conn, &new_id, &content, &prefix).map_err(err)?;
        rows.push(NeedleRef::new("docs_documents", new_id.clone()));
    }
    let mut shares: Vec<Map<String, Value>> = Vec::new();
    for s in data
        .get("shared_with")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let mut m = s
            .as_object()
            .cloned()
            .ok_or("shared_with entries must be objects")?;
        m.entry("type").or_insert(Value::String("user".into()));
        shares.push(m);
    }
    for s in data
        .get("shares")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        shares.push(
            s.as_object()
                .cloned()
                .ok_or("shares entries must be objects")?,
        );
    }
    for s in shares {
        let p = perm_from(&s, &new_id)?;
        rows.push(NeedleRef::new(
            "drive_permissions",
            format!("{}|{}", p.file_id, p.id),
        ));
        insert_perm(conn, &p).map_err(err)?;
    }
    Ok(rows)
}

fn insert_comment(conn: &Connection, actor: &User, data: &Map<String, Value>) -> Inserted {
    let file = find_file(conn, field(data, "file")?.ok_or("'file' is required")?)?;
    let author = match field(data, "author")? {
        Some(e) => needles::user(conn, e)?,
        None => actor.clone(),
    };
    let content = field(data, "content")?.ok_or("'content' is required")?;
    let now = clock::rfc3339(clock::now(conn).map_err(err)? - chrono::Duration::hours(2));
    let cid = format!("AAAA{}", ids::token(conn, 12).map_err(err)?);
    let resolved = data
        .get("resolved")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    conn.execute(
        "INSERT INTO drive_comments (id, file_id, author_id, content, created_time, modified_time, resolved) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
        params![cid, file, author.id, content, now, resolved],
    )
    .map_err(err)?;
    let mut rows = vec![NeedleRef::new("drive_comments", cid.clone())];
    for r in data
        .get("replies")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let r = r.as_object().ok_or("replies must be objects")?;
        let who = match field(r, "author")? {
            Some(e) => needles::user(conn, e)?,
            None => actor.clone(),
        };
        let rid = format!("AAAA{}", ids::token(conn, 12).map_err(err)?);
        conn.execute(
            "INSERT INTO drive_replies (id, comment_id, author_id, content, created_time, modified_time) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![rid, cid, who.id, field(r, "content")?.unwrap_or(""), now],
        )
        .map_err(err)?;
        rows.push(NeedleRef::new("drive_replies", rid));
    }
    Ok(rows)
}
