//! Seeds Drive: the fixed company tree of [`super::seed_content`] (folders with inherited
//! sharing, sensitive and overshared files, Alex's private files) plus filler up to
//! `scale.drive_files` items. Docs get their markup as content here; the Docs seeder turns it
//! into structured bodies.

use std::collections::HashMap;

use chrono::Duration;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rusqlite::{params, Connection};

use super::model::{insert_file, insert_perm, permission_id_for, set_user_state, FileRow, PermRow};
use super::seed_content::{Share, FILLER, ITEMS};
use crate::error::Result;
use crate::seed::Scale;
use crate::store::clock::{self, ids};
use crate::store::users;

pub(crate) fn share(conn: &Connection, file_id: &str, s: &Share) -> Result<()> {
    let perm = match *s {
        Share::User(email, role) => PermRow {
            file_id: file_id.into(),
            id: permission_id_for("user", email),
            kind: "user".into(),
            role: role.into(),
            email_address: Some(email.into()),
            domain: None,
            display_name: users::find(conn, email)?.map(|u| u.display_name),
            allow_file_discovery: None,
            expiration_time: None,
            pending_owner: false,
        },
        Share::Domain(role, discover) => PermRow {
            file_id: file_id.into(),
            id: permission_id_for("domain", users::DOMAIN),
            kind: "domain".into(),
            role: role.into(),
            email_address: None,
            domain: Some(users::DOMAIN.into()),
            display_name: Some("NexusAI".into()),
            allow_file_discovery: Some(discover),
            expiration_time: None,
            pending_owner: false,
        },
        Share::Anyone(role, discover) => PermRow {
            file_id: file_id.into(),
            id: if discover {
                "anyone".into()
            } else {
                "anyoneWithLink".into()
            },
            kind: "anyone".into(),
            role: role.into(),
            email_address: None,
            domain: None,
            display_name: None,
            allow_file_discovery: Some(discover),
            expiration_time: None,
            pending_owner: false,
        },
    };
    insert_perm(conn, &perm)?;
    Ok(())
}

/// A file to add to a seeded world (also used by task needles).
pub(crate) struct NewFile<'a> {
    /// A fixed id (task needles); `None` draws one.
    pub id: Option<String>,
    pub name: String,
    pub mime: &'a str,
    pub parent: Option<String>,
    pub owner: &'a str,
    pub created_days_ago: i64,
    pub modified_days_ago: i64,
    /// Who has starred it.
    pub starred_by: Option<&'a str>,
    pub trashed: bool,
    pub description: Option<&'a str>,
    pub content: String,
}

/// Adds a file with one revision (Docs keep their markup as content until converted).
pub(crate) fn add(conn: &Connection, f: NewFile<'_>) -> Result<String> {
    let now = clock::now(conn)?;
    let at = |days: i64, minutes: i64| {
        clock::rfc3339(now - Duration::days(days) - Duration::minutes(minutes))
    };
    let id = match f.id {
        Some(id) => id,
        None => format!("1{}", ids::token(conn, 32)?),
    };
    let created = at(f.created_days_ago, 37);
    let modified = at(f.modified_days_ago, 11);
    let folder = f.mime == super::model::FOLDER;
    let native = super::model::is_native(f.mime);
    let row = FileRow {
        id: id.clone(),
        name: f.name.clone(),
        mime_type: f.mime.into(),
        parent_id: f.parent,
        owner_id: f.owner.into(),
        last_modifying_user_id: Some(f.owner.into()),
        description: f.description.map(str::to_string),
        starred: false,
        trashed: f.trashed,
        explicitly_trashed: f.trashed,
        trashed_time: f
            .trashed
            .then(|| at(f.modified_days_ago.saturating_sub(1).max(0), 0)),
        trashing_user_id: f.trashed.then(|| f.owner.to_string()),
        created_time: created,
        modified_time: modified.clone(),
        viewed_by_me_time: (f.owner == "user_alex").then(|| modified.clone()),
        version: if folder {
            1
        } else {
            2 + (f.name.len() as i64 % 7)
        },
        head_revision_id: None,
        content: (!folder).then(|| f.content.clone().into()),
        properties: Default::default(),
        app_properties: Default::default(),
        writers_can_share: true,
        copy_requires_writer_permission: false,
        original_filename: (!native).then(|| f.name.clone()),
    };
    // insert_file leaves Docs content out; the Docs seeder needs the markup, so store it here.
    insert_file(conn, &row)?;
    if let Some(who) = f.starred_by {
        set_user_state(conn, &id, who, Some(true), None)?;
    }
    if f.mime == super::model::DOCUMENT {
        conn.execute(
            "UPDATE drive_files SET content = ?2 WHERE id = ?1",
            params![id, f.content],
        )?;
    }
    if !folder {
        let rev = if native {
            format!("ALm{}", ids::token(conn, 24)?)
        } else {
            ids::numeric(conn, 19)?
        };
        conn.execute(
            "INSERT INTO drive_revisions (file_id, id, mime_type, modified_time, last_modifying_user_id, size, content) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![id, rev, f.mime, modified, f.owner, f.content.len() as i64, f.content],
        )?;
        conn.execute(
            "UPDATE drive_files SET head_revision_id = ?2 WHERE id = ?1",
            params![id, rev],
        )?;
    }
    Ok(id)
}

pub fn seed(conn: &Connection, rng: &mut ChaCha8Rng, scale: Scale) -> Result<()> {
    if scale.drive_files == 0 {
        return Ok(());
    }
    let mut keys: HashMap<&str, String> = HashMap::new();
    let mut owners: HashMap<&str, &str> = HashMap::new();
    for item in ITEMS.iter().take(scale.drive_files) {
        let parent = item.parent.and_then(|p| keys.get(p).cloned());
        let modified = (item.days_ago - rng.random_range(0..=item.days_ago.min(3))).max(0);
        let id = add(
            conn,
            NewFile {
                id: None,
                name: item.name.into(),
                mime: item.mime,
                parent,
                owner: item.owner,
                created_days_ago: item.days_ago + rng.random_range(0..30),
                modified_days_ago: modified,
                // Fixed items are starred by Alex (the primary user).
                starred_by: item.starred.then_some("user_alex"),
                trashed: item.trashed,
                description: item.description,
                content: item.content.into(),
            },
        )?;
        for s in item.shares {
            share(conn, &id, s)?;
        }
        keys.insert(item.key, id);
        owners.insert(item.key, item.owner);
    }
    let mut n = 1;
    while ITEMS.len() + n - 1 < scale.drive_files {
        let (name, mime, folder, content) = FILLER[rng.random_range(0..FILLER.len())];
        let number = format!("{}", 100 + n);
        let parent_owner = owners.get(folder).copied().unwrap_or("user_alex");
        let owner = if rng.random_bool(0.7) {
            parent_owner
        } else {
            "user_alex"
        };
        // Alex may only add to folders he can write to; otherwise the file lands in his root.
        let parent = if owner == parent_owner
            || ["eng", "product", "prds", "eng_sprints", "personal"].contains(&folder)
        {
            keys.get(folder).cloned()
        } else {
            None
        };
        let age = rng.random_range(1..700);
        add(
            conn,
            NewFile {
                id: None,
                name: name.replace("{n}", &number),
                mime,
                parent,
                owner,
                created_days_ago: age + rng.random_range(0..20),
                modified_days_ago: age,
                starred_by: rng.random_bool(0.05).then_some(owner),
                trashed: rng.random_bool(0.04),
                description: None,
                content: content.replace("{n}", &number),
            },
        )?;
        n += 1;
    }
    Ok(())
}
