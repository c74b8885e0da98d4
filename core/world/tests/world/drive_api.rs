//! Drive v3 end to end: files and `q`, fields, ordering and paging, uploads, updates, copy,
//! trash, export, permissions and access control per acting user, revisions, comments,
//! changes, about — and conformance of every resource with Google's discovery document.

use crate::support::discovery::Discovery;
use crate::support::{as_user, call, err, ok, world};
use env0_world::World;
use env0_world::{Method, Request};
use serde_json::{json, Value};

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn list(w: &mut World, q: &str) -> Vec<Value> {
    let body = ok(
        w,
        Method::Get,
        &format!("/drive/v3/files?pageSize=1000&fields=*&q={}", enc(q)),
        None,
    );
    body["files"].as_array().unwrap().clone()
}

fn names(files: &[Value]) -> Vec<String> {
    files
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect()
}

fn find_id(w: &mut World, name: &str) -> String {
    // Seeded files are looked up as Sarah (CEO, sees most) or Alex or their owner.
    for user in [
        "alex@nexusai.com",
        "sarah@nexusai.com",
        "liam@nexusai.com",
        "olivia@nexusai.com",
        "marcus@nexusai.com",
        "diego@nexusai.com",
        "emma@nexusai.com",
        "jordan@nexusai.com",
        "noah@nexusai.com",
        "aisha@nexusai.com",
        "priya@nexusai.com",
    ] {
        let r = w.handle(
            &Request::get(format!(
                "/drive/v3/files?pageSize=1000&q={}",
                enc(&format!("name = '{name}'"))
            ))
            .as_user(user),
        );
        if let Some(f) = r.body["files"].as_array().and_then(|a| a.first()) {
            return f["id"].as_str().unwrap().to_string();
        }
    }
    panic!("no file named {name}");
}

#[test]
fn list_defaults_to_minimal_files_and_paginates() {
    let mut w = world();
    let body = ok(&mut w, Method::Get, "/drive/v3/files?pageSize=5", None);
    assert_eq!(body["kind"], "drive#fileList");
    let files = body["files"].as_array().unwrap();
    assert_eq!(files.len(), 5);
    for f in files {
        let keys: Vec<_> = f.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys.len(), 4, "{f}");
    }
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let path = match &token {
            Some(t) => format!("/drive/v3/files?pageSize=7&pageToken={t}"),
            None => "/drive/v3/files?pageSize=7".into(),
        };
        let b = ok(&mut w, Method::Get, &path, None);
        for f in b["files"].as_array().unwrap() {
            seen.push(f["id"].as_str().unwrap().to_string());
        }
        match b["nextPageToken"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    let all = ok(&mut w, Method::Get, "/drive/v3/files?pageSize=1000", None);
    assert_eq!(seen.len(), all["files"].as_array().unwrap().len());
    let uniq: std::collections::BTreeSet<_> = seen.iter().collect();
    assert_eq!(uniq.len(), seen.len());
    err(
        &mut w,
        Method::Get,
        "/drive/v3/files?pageToken=garbage",
        None,
        400,
    );
    err(&mut w, Method::Get, "/drive/v3/files?pageSize=0", None, 400);
}

#[test]
fn query_grammar_filters() {
    let mut w = world();
    let docs = list(
        &mut w,
        "mimeType = 'application/vnd.google-apps.document' and trashed = false",
    );
    assert!(docs
        .iter()
        .all(|f| f["mimeType"] == "application/vnd.google-apps.document" && f["trashed"] == false));
    assert!(names(&docs).contains(&"Q2 2026 OKRs".to_string()));
    let okr = list(&mut w, "name contains 'okrs'");
    assert_eq!(names(&okr), vec!["Q2 2026 OKRs"]);
    // fullText sees Doc bodies.
    let ft = list(&mut w, "fullText contains 'field technicians'");
    assert!(
        names(&ft).contains(&"PRD: Offline Mode".to_string())
            || names(&ft).contains(&"Meeting Notes - Weekly Product Sync".to_string()),
        "{:?}",
        names(&ft)
    );
    let starred = list(
        &mut w,
        "starred = true and not mimeType = 'application/vnd.google-apps.folder'",
    );
    assert!(names(&starred).contains(&"PRD: Offline Mode".to_string()));
    let trashed = list(&mut w, "trashed = true");
    assert!(names(&trashed).contains(&"Old Roadmap Draft".to_string()));
    let recent = list(&mut w, "modifiedTime > '2026-03-01T00:00:00' and (mimeType contains 'spreadsheet' or mimeType contains 'document')");
    assert!(!recent.is_empty());
    assert!(recent
        .iter()
        .all(|f| f["modifiedTime"].as_str().unwrap() > "2026-03-01"));
    let shared = list(&mut w, "sharedWithMe");
    assert!(names(&shared).contains(&"Design System Tokens".to_string()));
    assert!(shared.iter().all(|f| f["ownedByMe"] == false));
    let mine = list(&mut w, "ownedByMe = true");
    assert!(mine.iter().all(|f| f["ownedByMe"] == true));
    let product = find_id(&mut w, "Product");
    let children = list(&mut w, &format!("'{product}' in parents"));
    assert!(names(&children).contains(&"PRDs".to_string()));
    assert!(children.iter().all(|f| f["parents"][0] == product.as_str()));
    let root = list(&mut w, "'root' in parents and trashed = false");
    assert!(names(&root).contains(&"Team Offsite Plan".to_string()));
    let writers = list(&mut w, "'chris@pixelforge.design' in writers");
    assert_eq!(names(&writers), vec!["Team Offsite Plan"]);
    let owners = list(&mut w, "'diego@nexusai.com' in owners");
    assert!(names(&owners).contains(&"Design System Tokens".to_string()));
    let link = list(&mut w, "visibility = 'domainCanFind'");
    assert!(names(&link).contains(&"Q2 2026 OKRs".to_string()));
    // properties
    let id = find_id(&mut w, "ideas.txt");
    ok(
        &mut w,
        Method::Patch,
        &format!("/drive/v3/files/{id}"),
        Some(json!({"properties": {"project": "apollo"}})),
    );
    let props = list(
        &mut w,
        "properties has { key='project' and value='apollo' }",
    );
    assert_eq!(names(&props), vec!["ideas.txt"]);
}

#[test]
fn invalid_queries_are_400_naming_the_problem() {
    let mut w = world();
    for (q, needle) in [
        ("nmae = 'x'", "nmae"),
        ("name = 'x", "unterminated"),
        ("modifiedTime > 'last week'", "date-time"),
        ("(name = 'x'", "')'"),
    ] {
        let e = err(
            &mut w,
            Method::Get,
            &format!("/drive/v3/files?q={}", enc(q)),
            None,
            400,
        );
        let msg = e["error"]["message"].as_str().unwrap();
        assert!(msg.contains(needle), "{q}: {msg}");
    }
    err(
        &mut w,
        Method::Get,
        "/drive/v3/files?orderBy=size",
        None,
        400,
    );
    err(
        &mut w,
        Method::Get,
        "/drive/v3/files?fields=files(id",
        None,
        400,
    );
    let e = err(
        &mut w,
        Method::Get,
        "/drive/v3/files?fields=files(id,nmae)",
        None,
        400,
    );
    assert!(e["error"]["message"].as_str().unwrap().contains("nmae"));
    err(
        &mut w,
        Method::Get,
        "/drive/v3/files?fields=filez",
        None,
        400,
    );
}

#[test]
fn fields_projection_and_order() {
    let mut w = world();
    let b = ok(&mut w, Method::Get, "/drive/v3/files?pageSize=3&orderBy=name&fields=nextPageToken,files(id,name,owners(emailAddress))", None);
    let files = b["files"].as_array().unwrap();
    for f in files {
        let keys: Vec<_> = f.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, vec!["id", "name", "owners"]);
        assert_eq!(f["owners"][0].as_object().unwrap().len(), 1);
    }
    assert!(b.get("kind").is_none());
    assert!(b["nextPageToken"].is_string());
    let all = list(&mut w, "trashed = false");
    let by_name = ok(&mut w, Method::Get, "/drive/v3/files?pageSize=1000&orderBy=folder,name%20desc&fields=files(name,mimeType)&q=trashed%3Dfalse", None);
    let got = by_name["files"].as_array().unwrap();
    assert_eq!(got.len(), all.len());
    let folders = got
        .iter()
        .take_while(|f| f["mimeType"] == "application/vnd.google-apps.folder")
        .count();
    assert!(
        folders > 0
            && got[folders..]
                .iter()
                .all(|f| f["mimeType"] != "application/vnd.google-apps.folder")
    );
    let ns: Vec<String> = got[..folders]
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_lowercase())
        .collect();
    let mut sorted = ns.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(ns, sorted);
}

#[test]
fn create_upload_update_copy_delete() {
    let mut w = world();
    let d = Discovery::load("drive.v3.json");
    let folder = ok(
        &mut w,
        Method::Post,
        "/drive/v3/files?fields=*",
        Some(json!({"name": "Q3 Planning", "mimeType": "application/vnd.google-apps.folder"})),
    );
    d.assert_conforms("File", &folder);
    let fid = folder["id"].as_str().unwrap().to_string();
    assert!(fid.len() >= 33);
    let media = w.handle(
        &Request::new(Method::Post, "/upload/drive/v3/files?uploadType=media")
            .with_raw_body("raw bytes"),
    );
    assert_eq!(media.status, 200, "{}", media.body);
    let body = format!("--b0undary\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{}\r\n--b0undary\r\nContent-Type: text/plain\r\n\r\nhello planning\nline two\r\n--b0undary--", json!({"name": "plan.txt", "parents": [fid]}));
    let up = w.handle(
        &Request::new(
            Method::Post,
            "/upload/drive/v3/files?uploadType=multipart&fields=*",
        )
        .with_raw_body(body),
    );
    assert_eq!(up.status, 200, "{}", up.body);
    d.assert_conforms("File", &up.body);
    let id = up.body["id"].as_str().unwrap().to_string();
    assert_eq!(up.body["size"], "23");
    assert_eq!(up.body["parents"][0], fid.as_str());
    let got = w.handle(&Request::get(format!("/drive/v3/files/{id}?alt=media")));
    assert_eq!(got.content_type, "text/plain");
    assert_eq!(got.body, "hello planning\nline two");
    assert_eq!(
        names(&list(&mut w, "fullText contains 'hello planning'")),
        vec!["plan.txt"]
    );
    // patch: rename, star, describe, move to root
    let p = ok(&mut w, Method::Patch, &format!("/drive/v3/files/{id}?removeParents={fid}&addParents=root&fields=name,starred,parents,version,description"), Some(json!({"name": "plan-v2.txt", "starred": true, "description": "moved"})));
    assert_eq!(p["name"], "plan-v2.txt");
    assert_eq!(p["starred"], true);
    assert_eq!(p["version"], "2");
    assert!(p["parents"][0].as_str().unwrap().starts_with("0A"));
    err(
        &mut w,
        Method::Patch,
        &format!("/drive/v3/files/{id}?addParents={fid}"),
        Some(json!({})),
        403,
    );
    // content update through upload creates a revision
    let u = w.handle(
        &Request::new(
            Method::Patch,
            format!("/upload/drive/v3/files/{id}?uploadType=media"),
        )
        .with_raw_body("new content"),
    );
    assert_eq!(u.status, 200, "{}", u.body);
    let revs = ok(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{id}/revisions"),
        None,
    );
    d.assert_conforms("RevisionList", &revs);
    assert_eq!(revs["revisions"].as_array().unwrap().len(), 2);
    // copy
    let c = ok(
        &mut w,
        Method::Post,
        &format!("/drive/v3/files/{id}/copy?fields=*"),
        Some(json!({})),
    );
    assert_eq!(c["name"], "Copy of plan-v2.txt");
    let cid = c["id"].as_str().unwrap().to_string();
    assert_eq!(
        call(
            &mut w,
            Method::Get,
            &format!("/drive/v3/files/{cid}?alt=media"),
            None
        )
        .body,
        "new content"
    );
    // trash, untrash, trash the folder, empty trash
    ok(
        &mut w,
        Method::Patch,
        &format!("/drive/v3/files/{id}"),
        Some(json!({"trashed": true})),
    );
    let t = ok(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{id}?fields=trashed,explicitlyTrashed,trashedTime"),
        None,
    );
    assert_eq!(t["trashed"], true);
    ok(
        &mut w,
        Method::Patch,
        &format!("/drive/v3/files/{id}"),
        Some(json!({"trashed": false})),
    );
    ok(
        &mut w,
        Method::Patch,
        &format!("/drive/v3/files/{cid}?addParents={fid}&removeParents=root"),
        Some(json!({})),
    );
    ok(
        &mut w,
        Method::Patch,
        &format!("/drive/v3/files/{fid}"),
        Some(json!({"trashed": true})),
    );
    let child = ok(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{cid}?fields=trashed,explicitlyTrashed"),
        None,
    );
    assert_eq!(child, json!({"trashed": true, "explicitlyTrashed": false}));
    let r = call(&mut w, Method::Delete, "/drive/v3/files/trash", None);
    assert_eq!(r.status, 204);
    err(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{cid}"),
        None,
        404,
    );
    err(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{fid}"),
        None,
        404,
    );
    let r = call(
        &mut w,
        Method::Delete,
        &format!("/drive/v3/files/{id}"),
        None,
    );
    assert_eq!(r.status, 204);
    err(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{id}"),
        None,
        404,
    );
    // generateIds then create with one
    let g = ok(
        &mut w,
        Method::Get,
        "/drive/v3/files/generateIds?count=3",
        None,
    );
    d.assert_conforms("GeneratedIds", &g);
    let gid = g["ids"][0].as_str().unwrap().to_string();
    let made = ok(
        &mut w,
        Method::Post,
        "/drive/v3/files",
        Some(json!({"id": gid, "name": "x"})),
    );
    assert_eq!(made["id"], gid.as_str());
    err(
        &mut w,
        Method::Post,
        "/drive/v3/files",
        Some(json!({"id": gid, "name": "y"})),
        409,
    );
}

#[test]
fn native_files_need_export() {
    let mut w = world();
    let id = find_id(&mut w, "Q2 2026 OKRs");
    let e = err(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{id}?alt=media"),
        None,
        403,
    );
    assert_eq!(e["error"]["errors"][0]["reason"], "fileNotDownloadable");
    let txt = call(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{id}/export?mimeType=text/plain"),
        None,
    );
    assert_eq!(txt.status, 200);
    assert!(txt.body.as_str().unwrap().starts_with("Q2 2026 OKRs\n"));
    let html = call(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{id}/export?mimeType=text/html"),
        None,
    );
    assert!(html.body.as_str().unwrap().contains("<h1>Objective 1"));
    assert_eq!(
        call(
            &mut w,
            Method::Get,
            &format!("/drive/v3/files/{id}/export?mimeType=application/pdf"),
            None
        )
        .content_type,
        "application/pdf"
    );
    err(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{id}/export?mimeType=image/png"),
        None,
        400,
    );
    err(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{id}/export"),
        None,
        400,
    );
}

#[test]
fn access_control_per_user() {
    let mut w = world();
    let private = find_id(&mut w, "Tax Documents 2025.pdf");
    // A colleague cannot see Alex's private file, neither by id nor in search.
    let r = as_user(
        &mut w,
        "jordan@nexusai.com",
        Method::Get,
        &format!("/drive/v3/files/{private}"),
        None,
    );
    assert_eq!(r.status, 404);
    let r = as_user(
        &mut w,
        "jordan@nexusai.com",
        Method::Get,
        &format!("/drive/v3/files?q={}", enc("name contains 'Tax'")),
        None,
    );
    assert_eq!(r.body["files"].as_array().unwrap().len(), 0);
    let r = as_user(
        &mut w,
        "jordan@nexusai.com",
        Method::Patch,
        &format!("/drive/v3/files/{private}"),
        Some(json!({"name": "x"})),
    );
    assert_eq!(r.status, 404);
    // A reader can read but not edit.
    let budget = find_id(&mut w, "FY2026 Budget");
    ok(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{budget}"),
        None,
    );
    let e = err(
        &mut w,
        Method::Patch,
        &format!("/drive/v3/files/{budget}"),
        Some(json!({"name": "mine"})),
        403,
    );
    assert_eq!(
        e["error"]["errors"][0]["reason"],
        "insufficientFilePermissions"
    );
    err(
        &mut w,
        Method::Delete,
        &format!("/drive/v3/files/{budget}"),
        None,
        403,
    );
    err(
        &mut w,
        Method::Post,
        &format!("/drive/v3/files/{budget}/permissions"),
        Some(json!({"type": "anyone", "role": "reader"})),
        403,
    );
    // Anyone-with-link: reachable by id for an external user, but not listed.
    let keys = find_id(&mut w, "Production API Keys & Secrets");
    let r = as_user(
        &mut w,
        "tom.becker@gmail.com",
        Method::Get,
        &format!("/drive/v3/files/{keys}"),
        None,
    );
    assert_eq!(r.status, 200);
    let r = as_user(
        &mut w,
        "tom.becker@gmail.com",
        Method::Get,
        "/drive/v3/files?pageSize=1000",
        None,
    );
    assert!(!r.body["files"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["id"] == keys.as_str()));
    let r = as_user(
        &mut w,
        "tom.becker@gmail.com",
        Method::Get,
        &format!("/drive/v3/files/{keys}/export?mimeType=text/plain"),
        None,
    );
    assert!(r.body.as_str().unwrap().contains("sk_live"));
    // Inherited folder permission: Priya can write in Engineering (shared on the folder).
    let runbook = find_id(&mut w, "Incident Response Runbook");
    let r = as_user(
        &mut w,
        "priya@nexusai.com",
        Method::Patch,
        &format!("/drive/v3/files/{runbook}?fields=name"),
        Some(json!({"name": "Incident Runbook"})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let perms = as_user(
        &mut w,
        "priya@nexusai.com",
        Method::Get,
        &format!("/drive/v3/files/{runbook}/permissions"),
        None,
    )
    .body;
    let priya = perms["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["emailAddress"] == "priya@nexusai.com")
        .unwrap()
        .clone();
    assert_eq!(priya["permissionDetails"][0]["inherited"], true);
    assert!(priya["permissionDetails"][0]["inheritedFrom"].is_string());
    let pid = priya["id"].as_str().unwrap().to_string();
    let r = as_user(
        &mut w,
        "liam@nexusai.com",
        Method::Delete,
        &format!("/drive/v3/files/{runbook}/permissions/{pid}"),
        None,
    );
    assert_eq!(
        r.status, 403,
        "inherited permissions are removed on the folder: {}",
        r.body
    );
    // Externals see only what is shared with them.
    let r = as_user(
        &mut w,
        "dana@horizonvc.com",
        Method::Get,
        "/drive/v3/files?pageSize=1000&fields=files(name)",
        None,
    );
    assert_eq!(
        names(r.body["files"].as_array().unwrap()),
        vec!["Q1 2026 Board Deck"]
    );
}

#[test]
fn sharing_and_ownership_transfer() {
    let mut w = world();
    let d = Discovery::load("drive.v3.json");
    let id = find_id(&mut w, "ideas.txt");
    let r = as_user(
        &mut w,
        "noah@nexusai.com",
        Method::Get,
        &format!("/drive/v3/files/{id}"),
        None,
    );
    assert_eq!(r.status, 404);
    let p = ok(
        &mut w,
        Method::Post,
        &format!("/drive/v3/files/{id}/permissions?sendNotificationEmail=false"),
        Some(json!({"type": "user", "role": "commenter", "emailAddress": "noah@nexusai.com"})),
    );
    d.assert_conforms("Permission", &p);
    let pid = p["id"].as_str().unwrap().to_string();
    assert_eq!(
        as_user(
            &mut w,
            "noah@nexusai.com",
            Method::Get,
            &format!("/drive/v3/files/{id}"),
            None
        )
        .status,
        200
    );
    assert_eq!(
        as_user(
            &mut w,
            "noah@nexusai.com",
            Method::Patch,
            &format!("/drive/v3/files/{id}"),
            Some(json!({"name": "n"}))
        )
        .status,
        403
    );
    let c = as_user(
        &mut w,
        "noah@nexusai.com",
        Method::Post,
        &format!("/drive/v3/files/{id}/comments"),
        Some(json!({"content": "nice"})),
    );
    assert_eq!(c.status, 200);
    let up = ok(
        &mut w,
        Method::Patch,
        &format!("/drive/v3/files/{id}/permissions/{pid}"),
        Some(json!({"role": "writer"})),
    );
    assert_eq!(up["role"], "writer");
    assert_eq!(
        as_user(
            &mut w,
            "noah@nexusai.com",
            Method::Patch,
            &format!("/drive/v3/files/{id}"),
            Some(json!({"name": "ideas2.txt"}))
        )
        .status,
        200
    );
    let pl = ok(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{id}/permissions"),
        None,
    );
    d.assert_conforms("PermissionList", &pl);
    assert_eq!(pl["permissions"][0]["role"], "owner");
    let got = ok(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{id}/permissions/{pid}"),
        None,
    );
    d.assert_conforms("Permission", &got);
    // anyone with link, domain
    let a = ok(
        &mut w,
        Method::Post,
        &format!("/drive/v3/files/{id}/permissions"),
        Some(json!({"type": "anyone", "role": "reader"})),
    );
    assert_eq!(a["id"], "anyoneWithLink");
    assert_eq!(
        as_user(
            &mut w,
            "ben.carter@outlook.com",
            Method::Get,
            &format!("/drive/v3/files/{id}"),
            None
        )
        .status,
        200
    );
    assert_eq!(
        call(
            &mut w,
            Method::Delete,
            &format!("/drive/v3/files/{id}/permissions/anyoneWithLink"),
            None
        )
        .status,
        204
    );
    assert_eq!(
        as_user(
            &mut w,
            "ben.carter@outlook.com",
            Method::Get,
            &format!("/drive/v3/files/{id}"),
            None
        )
        .status,
        404
    );
    err(
        &mut w,
        Method::Post,
        &format!("/drive/v3/files/{id}/permissions"),
        Some(json!({"type": "user", "role": "boss", "emailAddress": "x@y.z"})),
        400,
    );
    err(
        &mut w,
        Method::Post,
        &format!("/drive/v3/files/{id}/permissions"),
        Some(json!({"type": "user", "role": "reader"})),
        400,
    );
    // ownership transfer needs the flag, stays inside the organisation
    err(
        &mut w,
        Method::Post,
        &format!("/drive/v3/files/{id}/permissions"),
        Some(json!({"type": "user", "role": "owner", "emailAddress": "noah@nexusai.com"})),
        403,
    );
    err(
        &mut w,
        Method::Post,
        &format!("/drive/v3/files/{id}/permissions?transferOwnership=true"),
        Some(json!({"type": "user", "role": "owner", "emailAddress": "ben.carter@outlook.com"})),
        403,
    );
    let t = ok(
        &mut w,
        Method::Post,
        &format!("/drive/v3/files/{id}/permissions?transferOwnership=true"),
        Some(json!({"type": "user", "role": "owner", "emailAddress": "noah@nexusai.com"})),
    );
    assert_eq!(t["role"], "owner");
    let f = ok(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{id}?fields=owners,ownedByMe,capabilities"),
        None,
    );
    assert_eq!(f["owners"][0]["emailAddress"], "noah@nexusai.com");
    assert_eq!(f["ownedByMe"], false);
    assert_eq!(
        f["capabilities"]["canEdit"], true,
        "the old owner keeps write access"
    );
    assert_eq!(f["capabilities"]["canDelete"], false);
    assert_eq!(
        call(
            &mut w,
            Method::Delete,
            &format!("/drive/v3/files/{id}"),
            None
        )
        .status,
        403
    );
    let noah_owned = as_user(
        &mut w,
        "noah@nexusai.com",
        Method::Get,
        &format!(
            "/drive/v3/files?q={}",
            enc("ownedByMe = true and name = 'ideas2.txt'")
        ),
        None,
    );
    assert_eq!(noah_owned.body["files"].as_array().unwrap().len(), 1);
}

#[test]
fn comments_replies_and_resolution() {
    let mut w = world();
    let d = Discovery::load("drive.v3.json");
    let id = find_id(&mut w, "PRD: Offline Mode");
    let c = ok(
        &mut w,
        Method::Post,
        &format!("/drive/v3/files/{id}/comments"),
        Some(
            json!({"content": "Is 400 MB too big?", "quotedFileContent": {"value": "under 400 MB"}}),
        ),
    );
    d.assert_conforms("Comment", &c);
    let cid = c["id"].as_str().unwrap().to_string();
    let r = as_user(
        &mut w,
        "jordan@nexusai.com",
        Method::Post,
        &format!("/drive/v3/files/{id}/comments/{cid}/replies"),
        Some(json!({"content": "Agreed, aim for 300", "action": "resolve"})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    d.assert_conforms("Reply", &r.body);
    let rid = r.body["id"].as_str().unwrap().to_string();
    let got = ok(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{id}/comments/{cid}"),
        None,
    );
    assert_eq!(got["resolved"], true);
    assert_eq!(got["replies"].as_array().unwrap().len(), 1);
    let l = ok(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{id}/comments"),
        None,
    );
    d.assert_conforms("CommentList", &l);
    let rl = ok(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{id}/comments/{cid}/replies"),
        None,
    );
    d.assert_conforms("ReplyList", &rl);
    d.assert_conforms(
        "Reply",
        &ok(
            &mut w,
            Method::Get,
            &format!("/drive/v3/files/{id}/comments/{cid}/replies/{rid}"),
            None,
        ),
    );
    // Only the author edits a reply; Alex (owner) may delete it.
    err(
        &mut w,
        Method::Patch,
        &format!("/drive/v3/files/{id}/comments/{cid}/replies/{rid}"),
        Some(json!({"content": "x"})),
        403,
    );
    let u = ok(
        &mut w,
        Method::Patch,
        &format!("/drive/v3/files/{id}/comments/{cid}"),
        Some(json!({"content": "Is 400 MB too big for phones?"})),
    );
    assert_eq!(u["content"], "Is 400 MB too big for phones?");
    assert_eq!(
        call(
            &mut w,
            Method::Delete,
            &format!("/drive/v3/files/{id}/comments/{cid}/replies/{rid}"),
            None
        )
        .status,
        204
    );
    assert_eq!(
        call(
            &mut w,
            Method::Delete,
            &format!("/drive/v3/files/{id}/comments/{cid}"),
            None
        )
        .status,
        204
    );
    err(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{id}/comments/{cid}"),
        None,
        404,
    );
    err(
        &mut w,
        Method::Post,
        &format!("/drive/v3/files/{id}/comments"),
        Some(json!({})),
        400,
    );
    // A reader cannot comment.
    let budget = find_id(&mut w, "FY2026 Budget");
    err(
        &mut w,
        Method::Post,
        &format!("/drive/v3/files/{budget}/comments"),
        Some(json!({"content": "hi"})),
        403,
    );
}

#[test]
fn revisions_changes_and_about() {
    let mut w = world();
    let d = Discovery::load("drive.v3.json");
    let about = ok(&mut w, Method::Get, "/drive/v3/about?fields=*", None);
    d.assert_conforms("About", &about);
    assert_eq!(about["user"]["emailAddress"], "alex@nexusai.com");
    let start = ok(
        &mut w,
        Method::Get,
        "/drive/v3/changes/startPageToken",
        None,
    );
    d.assert_conforms("StartPageToken", &start);
    let token = start["startPageToken"].as_str().unwrap().to_string();
    let id = find_id(&mut w, "ideas.txt");
    ok(
        &mut w,
        Method::Patch,
        &format!("/drive/v3/files/{id}"),
        Some(json!({"name": "ideas-renamed.txt"})),
    );
    let made = ok(
        &mut w,
        Method::Post,
        "/drive/v3/files",
        Some(json!({"name": "new.txt"})),
    );
    let new_id = made["id"].as_str().unwrap().to_string();
    assert_eq!(
        call(
            &mut w,
            Method::Delete,
            &format!("/drive/v3/files/{new_id}"),
            None
        )
        .status,
        204
    );
    let ch = ok(
        &mut w,
        Method::Get,
        &format!("/drive/v3/changes?pageToken={token}"),
        None,
    );
    d.assert_conforms("ChangeList", &ch);
    let changes = ch["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0]["fileId"], id.as_str());
    assert_eq!(changes[1]["removed"], true);
    let next = ch["newStartPageToken"].as_str().unwrap();
    let empty = ok(
        &mut w,
        Method::Get,
        &format!("/drive/v3/changes?pageToken={next}"),
        None,
    );
    assert_eq!(empty["changes"].as_array().unwrap().len(), 0);
    err(&mut w, Method::Get, "/drive/v3/changes", None, 400);
    // revisions
    let revs = ok(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{id}/revisions"),
        None,
    );
    let rid = revs["revisions"][0]["id"].as_str().unwrap().to_string();
    let r = ok(
        &mut w,
        Method::Patch,
        &format!("/drive/v3/files/{id}/revisions/{rid}"),
        Some(json!({"keepForever": true})),
    );
    d.assert_conforms("Revision", &r);
    assert_eq!(r["keepForever"], true);
    err(
        &mut w,
        Method::Delete,
        &format!("/drive/v3/files/{id}/revisions/{rid}"),
        None,
        400,
    );
    err(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{id}/revisions/nope"),
        None,
        404,
    );
}

#[test]
fn every_seeded_file_conforms_for_every_user() {
    let mut w = world();
    let d = Discovery::load("drive.v3.json");
    for user in [
        "alex@nexusai.com",
        "sarah@nexusai.com",
        "dana@horizonvc.com",
    ] {
        let r = as_user(
            &mut w,
            user,
            Method::Get,
            "/drive/v3/files?pageSize=1000&fields=*",
            None,
        );
        assert_eq!(r.status, 200);
        d.assert_conforms("FileList", &r.body);
        for f in r.body["files"].as_array().unwrap() {
            let id = f["id"].as_str().unwrap();
            let p = as_user(
                &mut w,
                user,
                Method::Get,
                &format!("/drive/v3/files/{id}/permissions"),
                None,
            );
            d.assert_conforms("PermissionList", &p.body);
        }
    }
}

#[test]
fn large_world_has_the_requested_number_of_files() {
    let w = crate::support::world_with(env0_world::Scale::LARGE);
    let n: i64 = w
        .conn()
        .query_row("SELECT COUNT(*) FROM drive_files", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 550);
    let w = crate::support::world();
    let n: i64 = w
        .conn()
        .query_row("SELECT COUNT(*) FROM drive_files", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 60);
}

/// Bytes no UTF-8 decoder accepts: every byte value, a PNG signature, lone continuation bytes,
/// CR/LF runs and a line that looks like a multipart delimiter but is not one.
fn binary_bytes() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.extend(0..=255u8);
    b.extend_from_slice(b"\r\n\r\n\n x--b0undary\r\n\xc3\x28\xa0\xa1\xff\xfe\r\n");
    b
}

fn upload(w: &mut World, method: Method, path: &str, content_type: &str, body: Vec<u8>) -> Value {
    let resp = w.handle(
        &Request::new(method, path)
            .with_content_type(content_type)
            .with_bytes(body),
    );
    assert_eq!(resp.status, 200, "{} {path}: {}", resp.status, resp.body);
    resp.body
}

fn download(w: &mut World, path: &str) -> (String, Vec<u8>) {
    let resp = w.handle(&Request::get(path));
    assert_eq!(resp.status, 200, "{path}: {}", resp.body);
    (resp.content_type.clone(), resp.body_bytes())
}

#[test]
fn binary_content_round_trips_through_upload_download_revisions_copy_and_snapshots() {
    use base64::Engine;
    let mut w = world();
    let png = binary_bytes();
    assert!(std::str::from_utf8(&png).is_err());

    // Multipart: JSON metadata, then the bytes.
    let mut body = b"--b0undary\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{\"name\": \"chart.png\"}\r\n--b0undary\r\nContent-Type: image/png\r\n\r\n".to_vec();
    body.extend_from_slice(&png);
    body.extend_from_slice(b"\r\n--b0undary--\r\n");
    let created = upload(
        &mut w,
        Method::Post,
        "/upload/drive/v3/files?uploadType=multipart&fields=*",
        "multipart/related; boundary=b0undary",
        body.clone(),
    );
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["mimeType"], "image/png");
    assert_eq!(created["size"], png.len().to_string());
    assert_eq!(
        created["md5Checksum"],
        hex::encode(&<sha2::Sha256 as sha2::Digest>::digest(&png)[..16])
    );
    let (ct, got) = download(&mut w, &format!("/drive/v3/files/{id}?alt=media"));
    assert_eq!((ct.as_str(), &got), ("image/png", &png));

    // Simple media upload: the Content-Type is the file's type.
    let pdf = [b"%PDF-1.7\n\xe2\xe3\xcf\xd3\n".to_vec(), png.clone()].concat();
    let simple = upload(
        &mut w,
        Method::Post,
        "/upload/drive/v3/files?uploadType=media",
        "application/pdf",
        pdf.clone(),
    );
    assert_eq!(simple["mimeType"], "application/pdf");
    let sid = simple["id"].as_str().unwrap().to_string();
    assert_eq!(
        download(&mut w, &format!("/drive/v3/files/{sid}?alt=media")).1,
        pdf
    );

    // New content: a new revision; the old one still downloads as it was.
    let v2: Vec<u8> = png.iter().rev().copied().collect();
    upload(
        &mut w,
        Method::Patch,
        &format!("/upload/drive/v3/files/{id}?uploadType=media"),
        "image/png",
        v2.clone(),
    );
    assert_eq!(
        download(&mut w, &format!("/drive/v3/files/{id}?alt=media")).1,
        v2
    );
    let revs = ok(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{id}/revisions"),
        None,
    );
    let first = revs["revisions"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(revs["revisions"][0]["size"], png.len().to_string());
    assert_eq!(
        download(
            &mut w,
            &format!("/drive/v3/files/{id}/revisions/{first}?alt=media")
        )
        .1,
        png
    );

    // A copy carries the bytes; a snapshot and a world made from it keep them.
    let copy = ok(
        &mut w,
        Method::Post,
        &format!("/drive/v3/files/{id}/copy"),
        Some(json!({})),
    );
    let cid = copy["id"].as_str().unwrap().to_string();
    assert_eq!(
        download(&mut w, &format!("/drive/v3/files/{cid}?alt=media")).1,
        v2
    );
    let snap = w.snapshot().unwrap();
    for mut other in [
        World::from_snapshot(&snap).unwrap(),
        World::from_snapshot_shared(&snap).unwrap(),
    ] {
        assert_eq!(
            download(&mut other, &format!("/drive/v3/files/{sid}?alt=media")).1,
            pdf
        );
    }

    // Searching text does not look into bytes (the probe is in the binary content only).
    assert!(names(&list(&mut w, "fullText contains 'b0undary'")).is_empty());
    // The state dump shows binary content as base64; the action log keeps the upload's bytes.
    let dump = w.state_dump().unwrap().to_json();
    let rows = dump["drive_files"].as_array().unwrap();
    let row = rows.iter().find(|r| r["id"] == sid.as_str()).unwrap();
    assert_eq!(
        row["content"],
        base64::engine::general_purpose::STANDARD.encode(&pdf)
    );
    let log = w.action_log().unwrap();
    let entry = log
        .iter()
        .find(|e| {
            e.path
                .starts_with("/upload/drive/v3/files?uploadType=multipart")
        })
        .unwrap();
    let logged = entry.body.as_ref().unwrap()["base64"].as_str().unwrap();
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(logged)
            .unwrap(),
        body
    );
}

#[test]
fn bytes_that_are_not_text_are_refused_where_text_is_needed() {
    let mut w = world();
    let png = binary_bytes();
    // A Doc holds text.
    let doc = ok(
        &mut w,
        Method::Post,
        "/drive/v3/files",
        Some(json!({"name": "Notes", "mimeType": "application/vnd.google-apps.document"})),
    );
    let id = doc["id"].as_str().unwrap();
    let resp = w.handle(
        &Request::new(
            Method::Patch,
            format!("/upload/drive/v3/files/{id}?uploadType=media"),
        )
        .with_bytes(png.clone()),
    );
    assert_eq!(resp.status, 400, "{}", resp.body);
    assert!(resp.body.to_string().contains("UTF-8"), "{}", resp.body);
    // A JSON method given bytes says so, and nothing is created.
    let files = |w: &World| {
        w.state_dump().unwrap().to_json()["drive_files"]
            .as_array()
            .unwrap()
            .len()
    };
    let before = files(&w);
    let resp = w.handle(&Request::new(Method::Post, "/drive/v3/files").with_bytes(png.clone()));
    assert_eq!(resp.status, 400, "{}", resp.body);
    assert!(resp.body.to_string().contains("UTF-8"), "{}", resp.body);
    let resp =
        w.handle(&Request::new(Method::Post, "/api/chat.postMessage").with_bytes(png.clone()));
    assert_ne!(resp.status, 500, "{}", resp.body);
    assert_eq!(resp.body["ok"], false, "{}", resp.body);
    assert_eq!(files(&w), before);
}
