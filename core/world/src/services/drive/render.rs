//! JSON resources as Drive v3 returns them: File, User, Permission. Absent fields are omitted
//! (never null); int64 fields are strings.

use serde_json::{json, Map, Value};

use super::model::{
    can_share, is_native, permission_id_for, rank, Content, EffectivePerm, FileRow, Store,
    COMMENTER, DOCUMENT, FOLDER, OWNER, PRESENTATION, READER, SPREADSHEET, WRITER,
};
use crate::store::users::User;

/// A `drive#user` for a user id (unknown ids render as a bare name).
pub fn user_json(store: &Store, user_id: &str, me: &User) -> Value {
    match store.user(user_id) {
        Some(u) => json!({
            "kind": "drive#user",
            "displayName": u.display_name,
            "emailAddress": u.email,
            "me": u.id == me.id,
            "permissionId": permission_id_for("user", &u.email),
        }),
        None => json!({"kind": "drive#user", "displayName": user_id, "me": false}),
    }
}

pub fn web_view_link(f: &FileRow) -> String {
    match f.mime_type.as_str() {
        DOCUMENT => format!(
            "https://docs.google.com/document/d/{}/edit?usp=drivesdk",
            f.id
        ),
        SPREADSHEET => format!(
            "https://docs.google.com/spreadsheets/d/{}/edit?usp=drivesdk",
            f.id
        ),
        PRESENTATION => format!(
            "https://docs.google.com/presentation/d/{}/edit?usp=drivesdk",
            f.id
        ),
        FOLDER => format!("https://drive.google.com/drive/folders/{}", f.id),
        _ => format!("https://drive.google.com/file/d/{}/view?usp=drivesdk", f.id),
    }
}

/// Formats a native file can be exported to.
pub fn export_formats(mime: &str) -> &'static [&'static str] {
    match mime {
        DOCUMENT => &[
            "text/plain",
            "text/html",
            "application/pdf",
            "text/markdown",
            "application/rtf",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.oasis.opendocument.text",
            "application/epub+zip",
        ],
        SPREADSHEET => &[
            "text/csv",
            "application/pdf",
            "text/tab-separated-values",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ],
        PRESENTATION => &[
            "text/plain",
            "application/pdf",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ],
        "application/vnd.google-apps.drawing" => &["image/png", "image/svg+xml", "application/pdf"],
        _ => &[],
    }
}

fn capabilities(store: &Store, f: &FileRow, user: &User) -> Value {
    let role = store.access(&f.id, user).role;
    let folder = f.mime_type == FOLDER;
    let edit = role >= WRITER;
    let owner = role == OWNER;
    let share = can_share(store, f, user);
    let read = role >= READER;
    let copy = read && !folder && (!f.copy_requires_writer_permission || edit);
    json!({
        "canAddChildren": folder && edit,
        "canChangeCopyRequiresWriterPermission": owner,
        "canChangeViewersCanCopyContent": owner,
        "canComment": role >= COMMENTER,
        "canCopy": copy,
        "canDelete": owner,
        "canDownload": copy || edit,
        "canEdit": edit,
        "canListChildren": folder && read,
        "canModifyContent": edit,
        "canMoveItemWithinDrive": edit,
        "canReadRevisions": edit,
        "canRemoveChildren": folder && edit,
        "canRename": edit,
        "canShare": share,
        "canTrash": owner,
        "canUntrash": owner,
        "canAcceptOwnership": false,
        "canAddMyDriveParent": false,
        "canRemoveMyDriveParent": edit,
        "canReadDrive": false,
        "canDeleteChildren": false,
        "canTrashChildren": false,
        "canModifyLabels": false,
        "canReadLabels": false,
    })
}

/// A `drive#permission`.
pub fn permission_json(ep: &EffectivePerm, details: &[Value]) -> Value {
    let p = &ep.perm;
    let mut m = Map::new();
    m.insert("kind".into(), json!("drive#permission"));
    m.insert("id".into(), json!(p.id));
    m.insert("type".into(), json!(p.kind));
    m.insert("role".into(), json!(p.role));
    if let Some(e) = &p.email_address {
        m.insert("emailAddress".into(), json!(e));
    }
    if let Some(d) = &p.domain {
        m.insert("domain".into(), json!(d));
    }
    if let Some(n) = &p.display_name {
        m.insert("displayName".into(), json!(n));
    }
    if matches!(p.kind.as_str(), "domain" | "anyone") {
        m.insert(
            "allowFileDiscovery".into(),
            json!(p.allow_file_discovery.unwrap_or(false)),
        );
    }
    if let Some(t) = &p.expiration_time {
        m.insert("expirationTime".into(), json!(t));
    }
    if p.pending_owner {
        m.insert("pendingOwner".into(), json!(true));
    }
    m.insert("deleted".into(), json!(false));
    if !details.is_empty() {
        m.insert("permissionDetails".into(), Value::Array(details.to_vec()));
    }
    Value::Object(m)
}

fn detail(role: &str, inherited_from: Option<&str>) -> Value {
    let mut d =
        json!({"permissionType": "file", "role": role, "inherited": inherited_from.is_some()});
    if let Some(from) = inherited_from {
        d["inheritedFrom"] = json!(from);
    }
    d
}

/// The permissions of a file as `permissions.list` shows them: the owner first, then one entry
/// per grantee with its strongest role and, in `permissionDetails`, where each grant comes from.
pub fn permission_list(store: &Store, f: &FileRow) -> Vec<Value> {
    let mut out: Vec<(EffectivePerm, Vec<Value>)> = Vec::new();
    if let Some(owner) = store.user(&f.owner_id) {
        let ep = EffectivePerm {
            perm: super::model::PermRow {
                file_id: f.id.clone(),
                id: permission_id_for("user", &owner.email),
                kind: "user".into(),
                role: "owner".into(),
                email_address: Some(owner.email.clone()),
                domain: None,
                display_name: Some(owner.display_name.clone()),
                allow_file_discovery: None,
                expiration_time: None,
                pending_owner: false,
            },
            inherited_from: None,
        };
        out.push((ep, vec![detail("owner", None)]));
    }
    for ep in store.effective_perms(&f.id) {
        let d = detail(&ep.perm.role, ep.inherited_from.as_deref());
        match out.iter_mut().find(|(e, _)| e.perm.id == ep.perm.id) {
            Some((existing, details)) => {
                details.push(d);
                if rank(&ep.perm.role) > rank(&existing.perm.role) {
                    let keep = existing.inherited_from.is_none() && ep.inherited_from.is_some();
                    let role = ep.perm.role.clone();
                    existing.perm.role = role;
                    if !keep {
                        existing.inherited_from = ep.inherited_from.clone();
                    }
                }
            }
            None => out.push((ep, vec![d])),
        }
    }
    out.iter().map(|(ep, d)| permission_json(ep, d)).collect()
}

fn extension(name: &str) -> Option<(&str, &str)> {
    let (_, ext) = name.rsplit_once('.')?;
    let full = name.split_once('.').map(|x| x.1)?;
    (!ext.is_empty() && !ext.contains(' ')).then_some((ext, full))
}

/// The full `drive#file` resource as `user` sees it.
pub fn file_json(store: &Store, f: &FileRow, user: &User) -> Value {
    let acc = store.access(&f.id, user);
    let native = is_native(&f.mime_type);
    let mut m = Map::new();
    m.insert("kind".into(), json!("drive#file"));
    m.insert("id".into(), json!(f.id));
    m.insert("name".into(), json!(f.name));
    m.insert("mimeType".into(), json!(f.mime_type));
    if let Some(d) = &f.description {
        m.insert("description".into(), json!(d));
    }
    m.insert("starred".into(), json!(f.starred));
    m.insert("trashed".into(), json!(f.trashed));
    m.insert("explicitlyTrashed".into(), json!(f.explicitly_trashed));
    if f.trashed {
        if let Some(t) = &f.trashed_time {
            m.insert("trashedTime".into(), json!(t));
        }
        if let Some(u) = &f.trashing_user_id {
            m.insert("trashingUser".into(), user_json(store, u, user));
        }
    }
    match &f.parent_id {
        Some(p) => {
            m.insert("parents".into(), json!([p]));
        }
        None if f.owner_id == user.id => {
            m.insert("parents".into(), json!([super::common::root_id(&user.id)]));
        }
        None => {}
    }
    if !f.properties.is_empty() {
        m.insert("properties".into(), Value::Object(f.properties.clone()));
    }
    if !f.app_properties.is_empty() {
        m.insert(
            "appProperties".into(),
            Value::Object(f.app_properties.clone()),
        );
    }
    m.insert("spaces".into(), json!(["drive"]));
    m.insert("version".into(), json!(f.version.to_string()));
    m.insert("webViewLink".into(), json!(web_view_link(f)));
    m.insert(
        "iconLink".into(),
        json!(format!(
            "https://drive-thirdparty.googleusercontent.com/16/type/{}",
            f.mime_type
        )),
    );
    m.insert("hasThumbnail".into(), json!(false));
    m.insert("thumbnailVersion".into(), json!("0"));
    m.insert("viewedByMe".into(), json!(f.viewed_by_me_time.is_some()));
    if let Some(t) = &f.viewed_by_me_time {
        m.insert("viewedByMeTime".into(), json!(t));
    }
    m.insert("createdTime".into(), json!(f.created_time));
    m.insert("modifiedTime".into(), json!(f.modified_time));
    let modified_by_me = f.last_modifying_user_id.as_deref() == Some(user.id.as_str());
    m.insert("modifiedByMe".into(), json!(modified_by_me));
    if modified_by_me {
        m.insert("modifiedByMeTime".into(), json!(f.modified_time));
    }
    if let Some(owner) = store.user(&f.owner_id) {
        m.insert("owners".into(), json!([user_json(store, &owner.id, user)]));
    }
    if let Some(u) = &f.last_modifying_user_id {
        m.insert("lastModifyingUser".into(), user_json(store, u, user));
    }
    let shared = !store.effective_perms(&f.id).is_empty();
    m.insert("shared".into(), json!(shared));
    m.insert("ownedByMe".into(), json!(f.owner_id == user.id));
    m.insert("writersCanShare".into(), json!(f.writers_can_share));
    m.insert(
        "copyRequiresWriterPermission".into(),
        json!(f.copy_requires_writer_permission),
    );
    m.insert(
        "viewersCanCopyContent".into(),
        json!(!f.copy_requires_writer_permission),
    );
    m.insert("capabilities".into(), capabilities(store, f, user));
    if can_share(store, f, user) {
        let perms = permission_list(store, f);
        m.insert(
            "permissionIds".into(),
            Value::Array(perms.iter().map(|p| p["id"].clone()).collect()),
        );
        m.insert("permissions".into(), Value::Array(perms));
    }
    m.insert("isAppAuthorized".into(), json!(false));
    m.insert("hasAugmentedPermissions".into(), json!(false));
    m.insert("inheritedPermissionsDisabled".into(), json!(false));
    if native {
        let formats = export_formats(&f.mime_type);
        if !formats.is_empty() {
            let links: Map<String, Value> = formats
                .iter()
                .map(|fmt| {
                    (
                        fmt.to_string(),
                        json!(format!(
                            "https://docs.google.com/feeds/download/export?id={}&exportFormat={}",
                            f.id, fmt
                        )),
                    )
                })
                .collect();
            m.insert("exportLinks".into(), Value::Object(links));
        }
        m.insert("quotaBytesUsed".into(), json!("0"));
    } else {
        let size = f.content.as_ref().map(Content::len).unwrap_or(0);
        m.insert("size".into(), json!(size.to_string()));
        m.insert("quotaBytesUsed".into(), json!(size.to_string()));
        let digest = md5_like(
            f.content
                .as_ref()
                .map(Content::as_bytes)
                .unwrap_or_default(),
        );
        m.insert("md5Checksum".into(), json!(digest));
        if let Some(r) = &f.head_revision_id {
            m.insert("headRevisionId".into(), json!(r));
        }
        m.insert(
            "originalFilename".into(),
            json!(f
                .original_filename
                .clone()
                .unwrap_or_else(|| f.name.clone())),
        );
        if let Some((ext, full)) = extension(&f.name) {
            m.insert("fileExtension".into(), json!(ext));
            m.insert("fullFileExtension".into(), json!(full));
        }
        m.insert(
            "webContentLink".into(),
            json!(format!(
                "https://drive.google.com/uc?id={}&export=download",
                f.id
            )),
        );
    }
    if acc.shared_directly && f.owner_id != user.id {
        m.insert("sharedWithMeTime".into(), json!(f.created_time));
    }
    Value::Object(m)
}

/// A 32-hex content checksum (sha256-derived; stands in for MD5, which we do not link).
pub fn md5_like(content: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(content)[..16])
}
