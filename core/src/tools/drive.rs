//! Drive tools: find files, read them (metadata, sharing and text content), share and unshare,
//! move, trash and make folders. Sharing targets are an email address, `anyone` (anyone with
//! the link) or `domain` (everyone in the company).

use serde_json::{json, Value};

use super::{enc, truncate, Access, App, Args, Session, Tool, ToolError, MAX_TEXT};
use env0_world::Method;

const BASE: &str = "/drive/v3/files";
const FOLDER: &str = "application/vnd.google-apps.folder";

fn id_param(what: &str) -> Value {
    json!({"type": "string", "description": what})
}

pub fn tools() -> Vec<Tool> {
    let who = json!({"type": "string",
        "description": "an email address, 'anyone' (anyone with the link) or 'domain' (everyone in the company)"});
    vec![
        Tool {
            name: "drive_search",
            app: App::Drive,
            access: Access::Read,
            description:
                "Find files by name, text inside, type, owner or sharing. Filters combine \
                          with AND; trashed files are left out unless asked for."
                    .into(),
            parameters: json!({"type": "object", "properties": {
                "name": {"type": "string", "description": "part of the file name"},
                "full_text": {"type": "string", "description": "words in the name or content"},
                "type": {"type": "string", "enum": ["document", "spreadsheet", "presentation", "folder", "pdf", "image", "text"]},
                "owner": {"type": "string", "description": "owner's email address"},
                "shared_with_me": {"type": "boolean", "description": "only files others shared with the user"},
                "trashed": {"type": "boolean", "description": "true: search the trash instead"},
                "query": {"type": "string", "description": "raw Drive query, e.g. modifiedTime > '2026-03-01T00:00:00'"},
                "max_results": {"type": "integer", "description": "1-100, default 20"}}, "required": []}),
            run: search,
        },
        Tool {
            name: "drive_get_file",
            app: App::Drive,
            access: Access::Read,
            description: "Get a file: details, who has access, and its text content.".into(),
            parameters: json!({"type": "object", "properties": {
                "file_id": id_param("file id")}, "required": ["file_id"]}),
            run: get_file,
        },
        Tool {
            name: "drive_list_folder",
            app: App::Drive,
            access: Access::Read,
            description: "List the items in a folder (default: the user's My Drive root).".into(),
            parameters: json!({"type": "object", "properties": {
                "folder_id": id_param("folder id; default: root"),
                "max_results": {"type": "integer", "description": "1-100, default 50"}}, "required": []}),
            run: list_folder,
        },
        Tool {
            name: "drive_list_permissions",
            app: App::Drive,
            access: Access::Read,
            description: "List who has access to a file and with which role.".into(),
            parameters: json!({"type": "object", "properties": {
                "file_id": id_param("file id")}, "required": ["file_id"]}),
            run: list_permissions,
        },
        Tool {
            name: "drive_share",
            app: App::Drive,
            access: Access::Write,
            description: "Share a file with a person, the whole company or anyone with the link, \
                          or change their role."
                .into(),
            parameters: json!({"type": "object", "properties": {
                "file_id": id_param("file id"), "share_with": who.clone(),
                "role": {"type": "string", "enum": ["reader", "commenter", "writer"]},
                "notify": {"type": "boolean", "description": "email the person (default true)"}},
                "required": ["file_id", "share_with", "role"]}),
            run: share,
        },
        Tool {
            name: "drive_unshare",
            app: App::Drive,
            access: Access::Write,
            description: "Remove someone's access to a file, or turn off link/company sharing."
                .into(),
            parameters: json!({"type": "object", "properties": {
                "file_id": id_param("file id"), "share_with": who}, "required": ["file_id", "share_with"]}),
            run: unshare,
        },
        Tool {
            name: "drive_move",
            app: App::Drive,
            access: Access::Write,
            description: "Move a file into a folder ('root' for My Drive).".into(),
            parameters: json!({"type": "object", "properties": {
                "file_id": id_param("file id"), "folder_id": id_param("destination folder id or 'root'")},
                "required": ["file_id", "folder_id"]}),
            run: move_file,
        },
        Tool {
            name: "drive_trash",
            app: App::Drive,
            access: Access::Write,
            description: "Move a file to the trash (restore: false) or back out of it.".into(),
            parameters: json!({"type": "object", "properties": {
                "file_id": id_param("file id"),
                "restore": {"type": "boolean", "description": "true: take it out of the trash"}},
                "required": ["file_id"]}),
            run: trash,
        },
        Tool {
            name: "drive_create_folder",
            app: App::Drive,
            access: Access::Write,
            description: "Create a folder (inside another folder, default My Drive).".into(),
            parameters: json!({"type": "object", "properties": {
                "name": {"type": "string"}, "parent_id": id_param("parent folder id; default: root")},
                "required": ["name"]}),
            run: create_folder,
        },
    ]
}

/// A Drive query string literal.
fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn type_clause(t: &str) -> &'static str {
    match t {
        "document" => "mimeType = 'application/vnd.google-apps.document'",
        "spreadsheet" => "mimeType = 'application/vnd.google-apps.spreadsheet'",
        "presentation" => "mimeType = 'application/vnd.google-apps.presentation'",
        "folder" => "mimeType = 'application/vnd.google-apps.folder'",
        "pdf" => "mimeType = 'application/pdf'",
        "image" => "mimeType contains 'image/'",
        _ => "mimeType contains 'text/'",
    }
}

fn max_results(a: &Args, default: i64) -> Result<i64, ToolError> {
    let n = a.opt_i64("max_results").unwrap_or(default);
    if !(1..=100).contains(&n) {
        return Err(ToolError::new("max_results must be between 1 and 100"));
    }
    Ok(n)
}

/// "anyone:reader" / "domain:writer" for link or company sharing, from a permission list.
fn link_sharing(perms: &Value) -> Vec<String> {
    perms
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| matches!(p["type"].as_str(), Some("anyone" | "domain")))
        .map(|p| {
            format!(
                "{}:{}",
                p["type"].as_str().unwrap_or_default(),
                p["role"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

fn file_view(f: &Value) -> Value {
    let mut v = json!({
        "id": f["id"], "name": f["name"], "mimeType": f["mimeType"],
        "owner": f["owners"][0]["emailAddress"], "modified": f["modifiedTime"],
        "shared": f["shared"],
    });
    if let Some(link) = f["webViewLink"].as_str() {
        v["link"] = json!(link);
    }
    if f["permissions"].is_array() {
        let link = link_sharing(&f["permissions"]);
        if !link.is_empty() {
            v["link_sharing"] = json!(link);
        }
    }
    for flag in ["trashed", "starred"] {
        if f[flag] == true {
            v[flag] = json!(true);
        }
    }
    v
}

fn list_files(s: &mut Session<'_>, q: &str, max: i64) -> Result<Value, ToolError> {
    let body = s.get(&format!(
        "{BASE}?pageSize={max}&orderBy=folder,name&fields=*&q={}",
        enc(q)
    ))?;
    let files: Vec<Value> = body["files"]
        .as_array()
        .into_iter()
        .flatten()
        .map(file_view)
        .collect();
    let mut out = json!({"count": files.len(), "files": files});
    if body["nextPageToken"].is_string() {
        out["more"] = json!(true);
    }
    Ok(out)
}

fn search(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let mut parts = Vec::new();
    if let Some(n) = a.opt_str("name") {
        parts.push(format!("name contains {}", lit(n)));
    }
    if let Some(t) = a.opt_str("full_text") {
        parts.push(format!("fullText contains {}", lit(t)));
    }
    if let Some(t) = a.opt_str("type") {
        parts.push(type_clause(t).to_string());
    }
    if let Some(o) = a.opt_str("owner") {
        if !o.contains('@') {
            return Err(ToolError::new(format!(
                "owner '{o}' is not an email address"
            )));
        }
        parts.push(format!("{} in owners", lit(o)));
    }
    if a.opt_bool("shared_with_me") == Some(true) {
        parts.push("sharedWithMe".into());
    }
    if let Some(q) = a.opt_str("query") {
        parts.push(format!("({q})"));
    }
    let trashed = a.opt_bool("trashed").unwrap_or(false);
    let raw_mentions_trash = a.opt_str("query").is_some_and(|q| q.contains("trashed"));
    if !raw_mentions_trash {
        parts.push(format!("trashed = {trashed}"));
    }
    let max = max_results(a, 20)?;
    list_files(s, &parts.join(" and "), max)
}

fn list_folder(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let folder = a.opt_str("folder_id").unwrap_or("root");
    let max = max_results(a, 50)?;
    list_files(
        s,
        &format!("{} in parents and trashed = false", lit(folder)),
        max,
    )
}

fn perm_view(p: &Value) -> Value {
    let mut v = json!({"id": p["id"], "type": p["type"], "role": p["role"]});
    if let Some(e) = p["emailAddress"].as_str() {
        v["email"] = json!(e);
    }
    if let Some(d) = p["domain"].as_str() {
        v["domain"] = json!(d);
    }
    if let Some(from) = p["permissionDetails"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|d| d["inheritedFrom"].as_str())
    {
        v["inherited_from"] = json!(from);
    }
    v
}

fn permissions(s: &mut Session<'_>, id: &str) -> Result<Vec<Value>, ToolError> {
    let body = s.get(&format!("{BASE}/{}/permissions?fields=*", enc(id)))?;
    Ok(body["permissions"].as_array().cloned().unwrap_or_default())
}

fn list_permissions(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let id = a.str("file_id")?;
    let perms: Vec<Value> = permissions(s, id)?.iter().map(perm_view).collect();
    Ok(json!({"file_id": id, "permissions": perms}))
}

fn content(s: &mut Session<'_>, f: &Value) -> Option<String> {
    let id = enc(f["id"].as_str()?);
    let mime = f["mimeType"].as_str()?;
    let path = match mime {
        FOLDER => return None,
        "application/vnd.google-apps.document" | "application/vnd.google-apps.presentation" => {
            format!("{BASE}/{id}/export?mimeType=text%2Fplain")
        }
        "application/vnd.google-apps.spreadsheet" => {
            format!("{BASE}/{id}/export?mimeType=text%2Fcsv")
        }
        m if m.starts_with("application/vnd.google-apps.") => return None,
        _ => format!("{BASE}/{id}?alt=media"),
    };
    // A file the user may see but not download simply has no content shown.
    s.get(&path)
        .ok()
        .and_then(|b| b.as_str().map(|t| truncate(t, MAX_TEXT)))
}

fn get_file(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let id = a.str("file_id")?;
    let f = s.get(&format!("{BASE}/{}?fields=*", enc(id)))?;
    let mut v = file_view(&f);
    if let Some(d) = f["description"].as_str() {
        v["description"] = json!(truncate(d, 500));
    }
    v["parent"] = f["parents"][0].clone();
    v["role"] = json!(role_of(&f));
    if let Some(perms) = f["permissions"].as_array() {
        v["permissions"] = json!(perms.iter().map(perm_view).collect::<Vec<_>>());
    }
    if let Some(text) = content(s, &f) {
        v["content"] = json!(text);
    }
    Ok(v)
}

/// The acting user's role on a file, from its capabilities.
fn role_of(f: &Value) -> &'static str {
    let c = &f["capabilities"];
    if f["ownedByMe"] == true {
        "owner"
    } else if c["canEdit"] == true {
        "writer"
    } else if c["canComment"] == true {
        "commenter"
    } else {
        "reader"
    }
}

enum Target {
    Email(String),
    Anyone,
    Domain,
}

fn target(a: &Args) -> Result<Target, ToolError> {
    let w = a.str("share_with")?.trim();
    match w.to_lowercase().as_str() {
        "anyone" | "anyone with the link" | "link" | "public" => Ok(Target::Anyone),
        "domain" | "company" | "everyone" => Ok(Target::Domain),
        e if e.contains('@') => Ok(Target::Email(e.to_string())),
        _ => Err(ToolError::new(format!(
            "share_with '{w}' must be an email address, 'anyone' or 'domain'"
        ))),
    }
}

fn matches_target(p: &Value, t: &Target) -> bool {
    match t {
        Target::Email(e) => {
            p["type"] != "anyone"
                && p["type"] != "domain"
                && p["emailAddress"]
                    .as_str()
                    .is_some_and(|x| x.eq_ignore_ascii_case(e))
        }
        Target::Anyone => p["type"] == "anyone",
        Target::Domain => p["type"] == "domain",
    }
}

fn share(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let id = a.str("file_id")?;
    let t = target(a)?;
    let role = a.str("role")?;
    let existing = permissions(s, id)?
        .into_iter()
        .find(|p| matches_target(p, &t) && p["role"] != "owner");
    let perm = match existing {
        // Already shared: change the role in place.
        Some(p) => {
            let pid = p["id"].as_str().unwrap_or_default().to_string();
            s.call(
                Method::Patch,
                &format!("{BASE}/{}/permissions/{}", enc(id), enc(&pid)),
                Some(json!({"role": role})),
            )?
        }
        None => {
            let body = match &t {
                Target::Email(e) => json!({"type": "user", "role": role, "emailAddress": e}),
                Target::Anyone => json!({"type": "anyone", "role": role}),
                Target::Domain => {
                    let me = s.get("/drive/v3/about?fields=user")?;
                    let domain = me["user"]["emailAddress"]
                        .as_str()
                        .and_then(|e| e.split('@').nth(1))
                        .unwrap_or_default()
                        .to_string();
                    json!({"type": "domain", "role": role, "domain": domain})
                }
            };
            let notify = a.opt_bool("notify").unwrap_or(true);
            s.call(
                Method::Post,
                &format!(
                    "{BASE}/{}/permissions?sendNotificationEmail={notify}",
                    enc(id)
                ),
                Some(body),
            )?
        }
    };
    Ok(json!({"file_id": id, "permission": perm_view(&perm)}))
}

fn unshare(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let id = a.str("file_id")?;
    let t = target(a)?;
    let found: Vec<Value> = permissions(s, id)?
        .into_iter()
        .filter(|p| matches_target(p, &t))
        .collect();
    if found.is_empty() {
        return Err(ToolError::new(format!(
            "file {id} is not shared with '{}'",
            a.str("share_with")?
        )));
    }
    if found.iter().any(|p| p["role"] == "owner") {
        return Err(ToolError::new(
            "the owner's access cannot be removed; transfer ownership first",
        ));
    }
    let mut removed = Vec::new();
    for p in &found {
        let pid = p["id"].as_str().unwrap_or_default();
        s.call(
            Method::Delete,
            &format!("{BASE}/{}/permissions/{}", enc(id), enc(pid)),
            None,
        )?;
        removed.push(perm_view(p));
    }
    Ok(json!({"file_id": id, "removed": removed}))
}

fn move_file(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let id = a.str("file_id")?;
    let folder = a.str("folder_id")?;
    let f = s.get(&format!("{BASE}/{}?fields=parents", enc(id)))?;
    let old: Vec<&str> = f["parents"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if folder != "root" {
        let dest = s.get(&format!("{BASE}/{}?fields=mimeType", enc(folder)))?;
        if dest["mimeType"] != FOLDER {
            return Err(ToolError::new(format!("{folder} is not a folder")));
        }
    }
    let mut path = format!("{BASE}/{}?addParents={}", enc(id), enc(folder));
    if !old.is_empty() {
        path.push_str(&format!("&removeParents={}", enc(&old.join(","))));
    }
    path.push_str("&fields=id,name,parents");
    let moved = s.call(Method::Patch, &path, Some(json!({})))?;
    Ok(json!({"id": moved["id"], "name": moved["name"], "parent": moved["parents"][0]}))
}

fn trash(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let id = a.str("file_id")?;
    let restore = a.opt_bool("restore").unwrap_or(false);
    let f = s.call(
        Method::Patch,
        &format!("{BASE}/{}?fields=id,name,trashed", enc(id)),
        Some(json!({"trashed": !restore})),
    )?;
    Ok(json!({"id": f["id"], "name": f["name"], "trashed": f["trashed"]}))
}

fn create_folder(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let name = a.str("name")?;
    let mut body = json!({"name": name, "mimeType": FOLDER});
    if let Some(p) = a.opt_str("parent_id") {
        body["parents"] = json!([p]);
    }
    let f = s.call(
        Method::Post,
        &format!("{BASE}?fields=id,name,parents"),
        Some(body),
    )?;
    Ok(json!({"id": f["id"], "name": f["name"], "parent": f["parents"][0]}))
}
