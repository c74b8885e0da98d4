//! Drive's data model as handlers see it: file and permission rows, a [`Store`] holding the files
//! and sharing of the world with the user directory, and the access rules computed from them.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::rest::ApiError;
use crate::store::users::{self, User};

pub const FOLDER: &str = "application/vnd.google-apps.folder";
pub const DOCUMENT: &str = "application/vnd.google-apps.document";
pub const SPREADSHEET: &str = "application/vnd.google-apps.spreadsheet";
pub const PRESENTATION: &str = "application/vnd.google-apps.presentation";

/// Google-native types (Docs, Sheets, Slides, folders…) have no downloadable bytes.
pub fn is_native(mime: &str) -> bool {
    mime.starts_with("application/vnd.google-apps.")
}

/// A file's content: UTF-8 text (stored as TEXT: searchable by `fullText`, editable as a Doc)
/// or bytes that are not UTF-8 (stored as a BLOB and served as they came).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Content {
    Text(String),
    Binary(Vec<u8>),
}

impl Content {
    /// Text when the bytes are UTF-8, else binary.
    pub fn from_bytes(bytes: Vec<u8>) -> Content {
        match String::from_utf8(bytes) {
            Ok(text) => Content::Text(text),
            Err(e) => Content::Binary(e.into_bytes()),
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Content::Text(t) => t.as_bytes(),
            Content::Binary(b) => b,
        }
    }

    /// The text, or `None` for binary content.
    pub fn text(&self) -> Option<&str> {
        match self {
            Content::Text(t) => Some(t),
            Content::Binary(_) => None,
        }
    }

    /// Size in bytes.
    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }

    pub fn into_bytes(self) -> Vec<u8> {
        match self {
            Content::Text(t) => t.into_bytes(),
            Content::Binary(b) => b,
        }
    }
}

impl From<String> for Content {
    fn from(text: String) -> Content {
        Content::Text(text)
    }
}

impl rusqlite::ToSql for Content {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Content::Text(t) => ValueRef::Text(t.as_bytes()),
            Content::Binary(b) => ValueRef::Blob(b),
        }))
    }
}

impl rusqlite::types::FromSql for Content {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Content> {
        use rusqlite::types::{FromSqlError, ValueRef};
        match v {
            ValueRef::Text(t) => std::str::from_utf8(t)
                .map(|t| Content::Text(t.to_string()))
                .map_err(|e| FromSqlError::Other(Box::new(e))),
            ValueRef::Blob(b) => Ok(Content::Binary(b.to_vec())),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

/// Whether `a` and `b` are equal once both are lowercased (as `str::to_lowercase`), without
/// allocating.
fn same_lowercase(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// One row of `drive_files` as one user sees it: `starred` and `viewed_by_me_time` are that
/// user's (from `drive_user_files`); `content` is the Doc's plain text for Docs.
#[derive(Clone, Debug, PartialEq)]
pub struct FileRow {
    pub id: String,
    pub name: String,
    pub mime_type: String,
    pub parent_id: Option<String>,
    pub owner_id: String,
    pub last_modifying_user_id: Option<String>,
    pub description: Option<String>,
    pub starred: bool,
    pub trashed: bool,
    pub explicitly_trashed: bool,
    pub trashed_time: Option<String>,
    pub trashing_user_id: Option<String>,
    pub created_time: String,
    pub modified_time: String,
    pub viewed_by_me_time: Option<String>,
    pub version: i64,
    pub head_revision_id: Option<String>,
    pub content: Option<Content>,
    pub properties: Map<String, Value>,
    pub app_properties: Map<String, Value>,
    pub writers_can_share: bool,
    pub copy_requires_writer_permission: bool,
    pub original_filename: Option<String>,
}

impl FileRow {
    /// A file `owner_id` has just created at `now`: in no folder, without content or
    /// description, not starred or trashed, version 1, writers may share it.
    pub fn new(
        id: String,
        name: String,
        mime_type: String,
        owner_id: &str,
        now: String,
    ) -> FileRow {
        FileRow {
            id,
            name,
            mime_type,
            parent_id: None,
            owner_id: owner_id.to_string(),
            last_modifying_user_id: Some(owner_id.to_string()),
            description: None,
            starred: false,
            trashed: false,
            explicitly_trashed: false,
            trashed_time: None,
            trashing_user_id: None,
            created_time: now.clone(),
            modified_time: now.clone(),
            viewed_by_me_time: Some(now),
            version: 1,
            head_revision_id: None,
            content: None,
            properties: Map::new(),
            app_properties: Map::new(),
            writers_can_share: true,
            copy_requires_writer_permission: false,
            original_filename: None,
        }
    }
}

/// Joins a file with the per-user state of user `?1` (and, for the content, Docs' plain text).
const FILE_FROM: &str = "drive_files f LEFT JOIN docs_documents d ON d.id = f.id \
    LEFT JOIN drive_user_files u ON u.file_id = f.id AND u.user_id = ?1";
/// The same without Docs' text, for a load that reads no content.
const FILE_FROM_NO_CONTENT: &str =
    "drive_files f LEFT JOIN drive_user_files u ON u.file_id = f.id AND u.user_id = ?1";

/// The columns [`file_from_row`] reads, with `content` as the content column's expression.
macro_rules! file_columns {
    ($content:literal) => {
        concat!(
            "f.id, f.name, f.mime_type, f.parent_id, f.owner_id, ",
            "f.last_modifying_user_id, f.description, COALESCE(u.starred, 0), f.trashed, ",
            "f.explicitly_trashed, f.trashed_time, f.trashing_user_id, f.created_time, ",
            "f.modified_time, u.viewed_time, f.version, f.head_revision_id, ",
            $content,
            ", f.properties, f.app_properties, f.writers_can_share, ",
            "f.copy_requires_writer_permission, f.original_filename"
        )
    };
}
const FILE_COLUMNS: &str = file_columns!("COALESCE(d.plain_text, f.content)");
const FILE_COLUMNS_NO_CONTENT: &str = file_columns!("NULL");

fn json_map(text: String) -> Map<String, Value> {
    serde_json::from_str(&text).unwrap_or_default()
}

fn file_from_row(r: &Row<'_>) -> rusqlite::Result<FileRow> {
    Ok(FileRow {
        id: r.get(0)?,
        name: r.get(1)?,
        mime_type: r.get(2)?,
        parent_id: r.get(3)?,
        owner_id: r.get(4)?,
        last_modifying_user_id: r.get(5)?,
        description: r.get(6)?,
        starred: r.get(7)?,
        trashed: r.get(8)?,
        explicitly_trashed: r.get(9)?,
        trashed_time: r.get(10)?,
        trashing_user_id: r.get(11)?,
        created_time: r.get(12)?,
        modified_time: r.get(13)?,
        viewed_by_me_time: r.get(14)?,
        version: r.get(15)?,
        head_revision_id: r.get(16)?,
        content: r.get(17)?,
        properties: json_map(r.get(18)?),
        app_properties: json_map(r.get(19)?),
        writers_can_share: r.get(20)?,
        copy_requires_writer_permission: r.get(21)?,
        original_filename: r.get(22)?,
    })
}

/// Inserts a new file row (content for non-Docs only; a Doc's text lives in `docs_documents`).
pub fn insert_file(conn: &Connection, f: &FileRow) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO drive_files (id, name, mime_type, parent_id, owner_id, last_modifying_user_id, \
         description, trashed, explicitly_trashed, trashed_time, trashing_user_id, created_time, \
         modified_time, version, head_revision_id, content, properties, app_properties, \
         writers_can_share, copy_requires_writer_permission, original_filename) \
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21)",
        params![
            f.id,
            f.name,
            f.mime_type,
            f.parent_id,
            f.owner_id,
            f.last_modifying_user_id,
            f.description,
            f.trashed,
            f.explicitly_trashed,
            f.trashed_time,
            f.trashing_user_id,
            f.created_time,
            f.modified_time,
            f.version,
            f.head_revision_id,
            if f.mime_type == DOCUMENT { None } else { f.content.clone() },
            Value::Object(f.properties.clone()).to_string(),
            Value::Object(f.app_properties.clone()).to_string(),
            f.writers_can_share,
            f.copy_requires_writer_permission,
            f.original_filename,
        ],
    )?;
    if f.starred || f.viewed_by_me_time.is_some() {
        set_user_state(
            conn,
            &f.id,
            &f.owner_id,
            Some(f.starred),
            f.viewed_by_me_time.as_deref(),
        )?;
    }
    Ok(())
}

/// Sets a user's star (when `starred` is given) and last-viewed time (when given) on a file.
pub fn set_user_state(
    conn: &Connection,
    file_id: &str,
    user_id: &str,
    starred: Option<bool>,
    viewed: Option<&str>,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO drive_user_files (file_id, user_id, starred, viewed_time) \
         VALUES (?1, ?2, COALESCE(?3, 0), ?4) ON CONFLICT(file_id, user_id) DO UPDATE SET \
         starred = COALESCE(?3, starred), viewed_time = COALESCE(?4, viewed_time)",
        params![file_id, user_id, starred, viewed],
    )?;
    Ok(())
}

/// Loads one file by id, as user `user_id` sees it.
pub fn load_file(conn: &Connection, id: &str, user_id: &str) -> rusqlite::Result<Option<FileRow>> {
    conn.query_row(
        &format!("SELECT {FILE_COLUMNS} FROM {FILE_FROM} WHERE f.id = ?2"),
        [user_id, id],
        file_from_row,
    )
    .optional()
}

/// Role names, weakest first.
pub const ROLES: &[&str] = &[
    "reader",
    "commenter",
    "writer",
    "fileOrganizer",
    "organizer",
    "owner",
];

/// Rank of a role (reader = 1 … owner = 6); unknown roles are 0.
pub fn rank(role: &str) -> u8 {
    ROLES
        .iter()
        .position(|r| *r == role)
        .map(|p| p as u8 + 1)
        .unwrap_or(0)
}

pub const READER: u8 = 1;
pub const COMMENTER: u8 = 2;
pub const WRITER: u8 = 3;
pub const OWNER: u8 = 6;

/// One row of `drive_permissions`.
#[derive(Clone, Debug, PartialEq)]
pub struct PermRow {
    pub file_id: String,
    pub id: String,
    pub kind: String,
    pub role: String,
    pub email_address: Option<String>,
    pub domain: Option<String>,
    pub display_name: Option<String>,
    pub allow_file_discovery: Option<bool>,
    pub expiration_time: Option<String>,
    pub pending_owner: bool,
}

fn perm_from_row(r: &Row<'_>) -> rusqlite::Result<PermRow> {
    Ok(PermRow {
        file_id: r.get(0)?,
        id: r.get(1)?,
        kind: r.get(2)?,
        role: r.get(3)?,
        email_address: r.get(4)?,
        domain: r.get(5)?,
        display_name: r.get(6)?,
        allow_file_discovery: r.get(7)?,
        expiration_time: r.get(8)?,
        pending_owner: r.get(9)?,
    })
}

pub const PERM_COLUMNS: &str = "file_id, id, type, role, email_address, domain, display_name, \
                                allow_file_discovery, expiration_time, pending_owner";

pub fn insert_perm(conn: &Connection, p: &PermRow) -> rusqlite::Result<()> {
    conn.execute(
        &format!(
            "INSERT OR REPLACE INTO drive_permissions ({PERM_COLUMNS}) \
             VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)"
        ),
        params![
            p.file_id,
            p.id,
            p.kind,
            p.role,
            p.email_address,
            p.domain,
            p.display_name,
            p.allow_file_discovery,
            p.expiration_time,
            p.pending_owner
        ],
    )?;
    Ok(())
}

/// Google gives each user one permission id, the same on every file; ours is a stable hash.
pub fn permission_id_for(kind: &str, who: &str) -> String {
    match kind {
        "anyone" => "anyoneWithLink".into(),
        _ => {
            let digest = Sha256::digest(format!("{kind}:{}", who.to_lowercase()).as_bytes());
            let mut n: u64 = 0;
            for b in &digest[..8] {
                n = n.wrapping_mul(256).wrapping_add(u64::from(*b));
            }
            format!("{:020}", n % 100_000_000_000_000_000_000u128 as u64)
        }
    }
}

/// How a user reaches a file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Access {
    /// Best role from any source (0 = no access).
    pub role: u8,
    /// Best role from sources that make the file show up in the user's lists and searches
    /// (ownership, a user permission, a discoverable domain/anyone permission).
    pub listed_role: u8,
    /// A user permission directly on this item (the "Shared with me" view).
    pub shared_directly: bool,
}

/// A permission as it applies to a file: its own or inherited from a folder above it.
#[derive(Clone, Debug)]
pub struct EffectivePerm {
    pub perm: PermRow,
    pub inherited_from: Option<String>,
}

/// The world's Drive: every file, every permission and the user directory.
pub struct Store {
    pub files: BTreeMap<String, FileRow>,
    perms: HashMap<String, Vec<PermRow>>,
    users_by_id: HashMap<String, User>,
    users_by_email: HashMap<String, User>,
    pub now: DateTime<Utc>,
}

impl Store {
    /// Loads the world's Drive as user `user_id` sees it (stars, view times).
    pub fn load(conn: &Connection, now: DateTime<Utc>, user_id: &str) -> Result<Store, ApiError> {
        Store::load_as(conn, now, user_id, true)
    }

    /// [`Store::load`] without file content (every `content` is `None`): what a listing needs
    /// unless it searches or orders by content. [`Store::fill_content`] reads it for a page.
    pub fn load_without_content(
        conn: &Connection,
        now: DateTime<Utc>,
        user_id: &str,
    ) -> Result<Store, ApiError> {
        Store::load_as(conn, now, user_id, false)
    }

    /// Reads the content of files `ids` into a store loaded without it.
    pub fn fill_content(&mut self, conn: &Connection, ids: &[String]) -> Result<(), ApiError> {
        let mut stmt = conn.prepare_cached(
            "SELECT COALESCE(d.plain_text, f.content) FROM drive_files f \
             LEFT JOIN docs_documents d ON d.id = f.id WHERE f.id = ?1",
        )?;
        for id in ids {
            let content: Option<Content> = stmt.query_row([id], |r| r.get(0)).optional()?.flatten();
            if let Some(f) = self.files.get_mut(id) {
                f.content = content;
            }
        }
        Ok(())
    }

    fn load_as(
        conn: &Connection,
        now: DateTime<Utc>,
        user_id: &str,
        content: bool,
    ) -> Result<Store, ApiError> {
        let sql = if content {
            format!("SELECT {FILE_COLUMNS} FROM {FILE_FROM}")
        } else {
            format!("SELECT {FILE_COLUMNS_NO_CONTENT} FROM {FILE_FROM_NO_CONTENT}")
        };
        let mut stmt = conn.prepare_cached(&sql)?;
        let files = stmt
            .query_map([user_id], file_from_row)?
            .map(|r| r.map(|f| (f.id.clone(), f)))
            .collect::<rusqlite::Result<BTreeMap<_, _>>>()?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {PERM_COLUMNS} FROM drive_permissions ORDER BY file_id, id"
        ))?;
        let mut perms: HashMap<String, Vec<PermRow>> = HashMap::new();
        for p in stmt.query_map([], perm_from_row)? {
            let p = p?;
            perms.entry(p.file_id.clone()).or_default().push(p);
        }
        let all = users::all(conn)?;
        Ok(Store {
            files,
            perms,
            users_by_email: all
                .iter()
                .map(|u| (u.email.to_lowercase(), u.clone()))
                .collect(),
            users_by_id: all.into_iter().map(|u| (u.id.clone(), u)).collect(),
            now,
        })
    }

    pub fn user(&self, id: &str) -> Option<&User> {
        self.users_by_id.get(id)
    }

    pub fn user_by_email(&self, email: &str) -> Option<&User> {
        self.users_by_email.get(&email.to_lowercase())
    }

    /// The item and the folders above it, nearest first (cycle-safe).
    pub fn chain(&self, id: &str) -> Vec<&FileRow> {
        let mut out: Vec<&FileRow> = Vec::new();
        let mut cur = self.files.get(id);
        while let Some(f) = cur {
            if out.iter().any(|x| x.id == f.id) || out.len() > 64 {
                break;
            }
            out.push(f);
            cur = f.parent_id.as_deref().and_then(|p| self.files.get(p));
        }
        out
    }

    pub fn direct_perms(&self, id: &str) -> &[PermRow] {
        self.perms.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    fn live(&self, p: &PermRow) -> bool {
        match p
            .expiration_time
            .as_deref()
            .and_then(super::query::parse_time)
        {
            Some(t) => t > self.now,
            None => true,
        }
    }

    /// Permissions that apply to `id`: its own and those of every folder above it.
    pub fn effective_perms(&self, id: &str) -> Vec<EffectivePerm> {
        let mut out = Vec::new();
        for (depth, item) in self.chain(id).into_iter().enumerate() {
            for p in self.direct_perms(&item.id) {
                if self.live(p) {
                    out.push(EffectivePerm {
                        perm: p.clone(),
                        inherited_from: (depth > 0).then(|| item.id.clone()),
                    });
                }
            }
        }
        out
    }

    /// How `user` reaches file `id`.
    pub fn access(&self, id: &str, user: &User) -> Access {
        let mut acc = Access::default();
        let email = user.email.as_str();
        let domain = email.rsplit('@').next().unwrap_or_default();
        let mut cur = self.files.get(id);
        let mut depth = 0;
        // The chain up to the root (as `chain`: at most 65 items, a cycle ends it).
        while let Some(item) = cur {
            if depth > 64 || (depth > 0 && item.id == id) {
                break;
            }
            if item.owner_id == user.id {
                // Owning the item gives everything; owning a folder above gives write access.
                let r = if depth == 0 { OWNER } else { WRITER };
                acc.role = acc.role.max(r);
                acc.listed_role = acc.listed_role.max(r);
            }
            for p in self.direct_perms(&item.id) {
                if !self.live(p) {
                    continue;
                }
                let r = rank(&p.role);
                let (applies, listed) = match p.kind.as_str() {
                    "user" | "group" => (
                        p.email_address
                            .as_deref()
                            .is_some_and(|e| same_lowercase(e, email)),
                        true,
                    ),
                    "domain" => (
                        p.domain
                            .as_deref()
                            .is_some_and(|d| same_lowercase(d, domain)),
                        p.allow_file_discovery.unwrap_or(false),
                    ),
                    "anyone" => (true, p.allow_file_discovery.unwrap_or(false)),
                    _ => (false, false),
                };
                if applies {
                    acc.role = acc.role.max(r);
                    if listed {
                        acc.listed_role = acc.listed_role.max(r);
                    }
                    if depth == 0 && matches!(p.kind.as_str(), "user" | "group") {
                        acc.shared_directly = true;
                    }
                }
            }
            cur = item.parent_id.as_deref().and_then(|p| self.files.get(p));
            depth += 1;
        }
        acc
    }

    /// Emails (lowercase) of everyone holding at least `min` on `id`, the owner included.
    pub fn holders(&self, id: &str, min: u8) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(f) = self.files.get(id) {
            if let Some(o) = self.user(&f.owner_id) {
                out.push(o.email.to_lowercase());
            }
        }
        for ep in self.effective_perms(id) {
            if rank(&ep.perm.role) >= min && matches!(ep.perm.kind.as_str(), "user" | "group") {
                if let Some(e) = &ep.perm.email_address {
                    out.push(e.to_lowercase());
                }
            }
        }
        out
    }

    /// `visibility` as the q language names it.
    pub fn visibility(&self, id: &str) -> &'static str {
        let mut best = "limited";
        for ep in self.effective_perms(id) {
            let p = &ep.perm;
            let discover = p.allow_file_discovery.unwrap_or(false);
            let v = match (p.kind.as_str(), discover) {
                ("anyone", true) => "anyoneCanFind",
                ("anyone", false) => "anyoneWithLink",
                ("domain", true) => "domainCanFind",
                ("domain", false) => "domainWithLink",
                _ => continue,
            };
            let order = |s: &str| match s {
                "anyoneCanFind" => 4,
                "anyoneWithLink" => 3,
                "domainCanFind" => 2,
                "domainWithLink" => 1,
                _ => 0,
            };
            if order(v) > order(best) {
                best = v;
            }
        }
        best
    }
}

/// Not-found as Drive words it (also used for files the caller may not see).
pub fn file_not_found(id: &str) -> ApiError {
    ApiError::new(404, "notFound", format!("File not found: {id}."))
}

pub fn insufficient(id: &str) -> ApiError {
    ApiError::new(
        403,
        "insufficientFilePermissions",
        format!("The user does not have sufficient permissions for file {id}."),
    )
}

/// The file if `user` may see it with at least role `min`: 404 when invisible, 403 when the
/// role is too weak.
pub fn require<'s>(
    store: &'s Store,
    id: &str,
    user: &User,
    min: u8,
) -> Result<&'s FileRow, ApiError> {
    let file = store.files.get(id).ok_or_else(|| file_not_found(id))?;
    let acc = store.access(id, user);
    if acc.role == 0 {
        return Err(file_not_found(id));
    }
    if acc.role < min {
        return Err(insufficient(id));
    }
    Ok(file)
}

/// Whether `user` may change the sharing of `file`.
pub fn can_share(store: &Store, file: &FileRow, user: &User) -> bool {
    let role = store.access(&file.id, user).role;
    role == OWNER || (role >= WRITER && file.writers_can_share)
}
