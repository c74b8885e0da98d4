//! `files.list`: visibility per acting user, the `q` filter, ordering, paging and `fields`.

use std::cmp::Ordering;

use base64::Engine;
use serde_json::{json, Value};

use super::common;
use super::model::{Content, FileRow, Store, FOLDER, READER, WRITER};
use super::query::{self, FileFacts};
use super::render::file_json;
use crate::rest::{ApiError, Ctx, Reply};
use crate::store::users::User;

fn facts<'a>(store: &'a Store, f: &'a FileRow, user: &User) -> FileFacts<'a> {
    let acc = store.access(&f.id, user);
    let mut parents: Vec<&'a str> = f.parent_id.as_deref().into_iter().collect();
    if f.parent_id.is_none() && f.owner_id == user.id {
        parents.push("root");
    }
    FileFacts {
        me: user.email.to_lowercase(),
        name: &f.name,
        mime_type: &f.mime_type,
        description: f.description.as_deref().unwrap_or(""),
        content: f.content.as_ref().and_then(Content::text).unwrap_or(""),
        parents,
        owners: store
            .user(&f.owner_id)
            .map(|u| vec![u.email.to_lowercase()])
            .unwrap_or_default(),
        writers: store.holders(&f.id, WRITER),
        readers: store.holders(&f.id, READER),
        trashed: f.trashed,
        starred: f.starred,
        shared_with_me: acc.shared_directly && f.owner_id != user.id,
        owned_by_me: f.owner_id == user.id,
        modified_time: query::parse_time(&f.modified_time),
        created_time: query::parse_time(&f.created_time),
        viewed_by_me_time: f.viewed_by_me_time.as_deref().and_then(query::parse_time),
        trashed_time: f.trashed_time.as_deref().and_then(query::parse_time),
        visibility: store.visibility(&f.id),
        properties: &f.properties,
        app_properties: &f.app_properties,
    }
}

#[derive(Clone, Copy)]
enum SortKey {
    Name,
    Created,
    Modified,
    ModifiedByMe,
    Viewed,
    Folder,
    Starred,
    Quota,
    Recency,
    SharedWithMe,
}

fn parse_order(raw: &str) -> Result<Vec<(SortKey, bool)>, ApiError> {
    let mut out = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let mut words = part.split_whitespace();
        let key = words.next().unwrap_or_default();
        let desc = match words.next() {
            None => false,
            Some(w) if w.eq_ignore_ascii_case("desc") => true,
            Some(w) if w.eq_ignore_ascii_case("asc") => false,
            Some(_) => return Err(ApiError::invalid_parameter("orderBy", raw)),
        };
        if words.next().is_some() {
            return Err(ApiError::invalid_parameter("orderBy", raw));
        }
        let k = match key {
            "name" | "name_natural" => SortKey::Name,
            "createdTime" => SortKey::Created,
            "modifiedTime" => SortKey::Modified,
            "modifiedByMeTime" => SortKey::ModifiedByMe,
            "viewedByMeTime" => SortKey::Viewed,
            "folder" => SortKey::Folder,
            "starred" => SortKey::Starred,
            "quotaBytesUsed" => SortKey::Quota,
            "recency" => SortKey::Recency,
            "sharedWithMeTime" => SortKey::SharedWithMe,
            _ => {
                return Err(ApiError::new(
                    400,
                    "invalidParameter",
                    format!(
                        "Invalid value '{raw}' for parameter 'orderBy': unknown sort key '{key}'"
                    ),
                ))
            }
        };
        out.push((k, desc));
    }
    Ok(out)
}

fn cmp_key(k: SortKey, a: &FileRow, b: &FileRow, user: &User) -> Ordering {
    let by_me = |f: &FileRow| {
        (f.last_modifying_user_id.as_deref() == Some(user.id.as_str()))
            .then(|| f.modified_time.clone())
    };
    match k {
        SortKey::Name => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
        SortKey::Created => a.created_time.cmp(&b.created_time),
        SortKey::Modified | SortKey::Recency => a.modified_time.cmp(&b.modified_time),
        SortKey::ModifiedByMe => by_me(a).cmp(&by_me(b)),
        SortKey::Viewed => a.viewed_by_me_time.cmp(&b.viewed_by_me_time),
        // Folders first in ascending order.
        SortKey::Folder => (b.mime_type == FOLDER).cmp(&(a.mime_type == FOLDER)),
        SortKey::Starred => b.starred.cmp(&a.starred),
        SortKey::Quota => a
            .content
            .as_ref()
            .map(Content::len)
            .cmp(&b.content.as_ref().map(Content::len)),
        SortKey::SharedWithMe => a.created_time.cmp(&b.created_time),
    }
}

fn decode_token(token: &str) -> Result<usize, ApiError> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("offset:").and_then(|n| n.parse().ok()))
        .ok_or_else(|| ApiError::invalid_parameter("pageToken", token))
}

pub fn encode_token(offset: usize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("offset:{offset}"))
}

/// GET /drive/v3/files
pub fn list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let q = ctx.query.get("q").unwrap_or("");
    let expr = query::parse(q)
        .map_err(|e| ApiError::new(400, "invalid", format!("Invalid Value: q: {e}")))?;
    let page_size = ctx.query.int_in("pageSize", 100, 1, 1000)? as usize;
    let offset = match ctx.query.get("pageToken") {
        None | Some("") => 0,
        Some(t) => decode_token(t)?,
    };
    let order = parse_order(ctx.query.get("orderBy").unwrap_or("modifiedTime desc"))?;
    let corpora = ctx.query.get("corpora").unwrap_or("user");
    let discoverable_domain = match corpora {
        "user" | "allDrives" => false,
        "domain" => true,
        "drive" => {
            let id = ctx.query.get("driveId").unwrap_or("");
            return Err(ApiError::not_found(format!("Shared drive not found: {id}")));
        }
        other => return Err(ApiError::invalid_parameter("corpora", other)),
    };
    for space in ctx.query.get_all("spaces") {
        if !["drive", "appDataFolder", "photos"].contains(&space) {
            return Err(ApiError::invalid_parameter("spaces", space));
        }
    }
    let drive_space =
        ctx.query.get("spaces").is_none() || ctx.query.get_all("spaces").contains(&"drive");
    // Content is read for every file only when the query or the order needs it; otherwise only
    // for the page, and only if the page renders more than the four default fields.
    let all_content = expr.as_ref().is_some_and(query::Expr::reads_content)
        || order.iter().any(|(k, _)| matches!(k, SortKey::Quota));
    let mut store = if all_content {
        common::store(ctx)?
    } else {
        Store::load_without_content(ctx.db, ctx.now, &ctx.user.id)?
    };
    let user = ctx.user;
    let mut hits: Vec<&FileRow> = Vec::new();
    if drive_space {
        for f in store.files.values() {
            let acc = store.access(&f.id, user);
            let visible = acc.listed_role > 0
                || (discoverable_domain
                    && acc.role > 0
                    && store.visibility(&f.id) == "domainCanFind");
            if !visible {
                continue;
            }
            if let Some(e) = &expr {
                if !query::matches(e, &facts(&store, f, user)) {
                    continue;
                }
            }
            hits.push(f);
        }
    }
    hits.sort_by(|a, b| {
        for (k, desc) in &order {
            let o = cmp_key(*k, a, b, user);
            let o = if *desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        a.id.cmp(&b.id)
    });
    let mask = common::mask(ctx)?;
    if let Some(m) = &mask {
        m.check(&["kind", "nextPageToken", "incompleteSearch", "files"])?;
        if let Some(Some(files)) = m.child("files") {
            files.check(super::fields::FILE_FIELDS)?;
        }
    }
    let total = hits.len();
    let page_ids: Vec<String> = hits
        .iter()
        .skip(offset)
        .take(page_size)
        .map(|f| f.id.clone())
        .collect();
    let plain = mask.is_none();
    if !all_content && !plain {
        store.fill_content(ctx.db, &page_ids)?;
    }
    let page: Vec<&FileRow> = page_ids
        .iter()
        .filter_map(|id| store.files.get(id))
        .collect();
    let in_page = || page.iter();
    let files: Vec<Value> = match mask.as_ref().map(|m| m.child("files")) {
        // Without `fields`, Drive answers four fields per file: no need to render the rest.
        None => in_page()
            .map(|f| json!({"kind": "drive#file", "id": f.id, "name": f.name, "mimeType": f.mime_type}))
            .collect(),
        Some(None) | Some(Some(None)) => in_page().map(|f| file_json(&store, f, user)).collect(),
        Some(Some(Some(m))) => in_page()
            .map(|f| m.apply(&file_json(&store, f, user)))
            .collect(),
    };
    let mut out = json!({"kind": "drive#fileList", "incompleteSearch": false, "files": files});
    if offset + page_size < total {
        out["nextPageToken"] = json!(encode_token(offset + page_size));
    }
    let out = match mask {
        Some(m) if !m.all => {
            let mut top = m.clone();
            top.children.insert("files".into(), None);
            let mut v = top.apply(&out);
            if m.child("files").is_none() {
                if let Some(o) = v.as_object_mut() {
                    o.remove("files");
                }
            }
            v
        }
        _ => out,
    };
    Ok(Reply::ok(out))
}
