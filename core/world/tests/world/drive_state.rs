//! What a verifier sees: the seeded Drive (a realistic tree with sensitive and overshared
//! files), and the state diff after Drive and Docs actions (one store: a Doc edit shows up as a
//! Docs body change plus a Drive version bump and revision).

use crate::support::{ok, world};
use env0_world::{Method, Request};
use serde_json::{json, Value};

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn id_of(w: &mut env0_world::World, user: &str, name: &str) -> String {
    let r = w.handle(
        &Request::get(format!(
            "/drive/v3/files?q={}",
            enc(&format!("name = '{name}'"))
        ))
        .as_user(user),
    );
    r.body["files"][0]["id"].as_str().unwrap().to_string()
}

#[test]
fn seeded_tree_is_realistic() {
    let mut w = world();
    let n = |w: &env0_world::World, sql: &str| -> i64 {
        w.conn().query_row(sql, [], |r| r.get(0)).unwrap()
    };
    assert_eq!(n(&w, "SELECT COUNT(*) FROM drive_files"), 60);
    assert!(n(&w, "SELECT COUNT(*) FROM drive_files WHERE mime_type = 'application/vnd.google-apps.folder'") >= 15);
    assert!(n(&w, "SELECT COUNT(*) FROM docs_documents") >= 20);
    assert_eq!(
        n(&w, "SELECT COUNT(*) FROM drive_files f WHERE mime_type = 'application/vnd.google-apps.document' AND NOT EXISTS (SELECT 1 FROM docs_documents d WHERE d.id = f.id)"),
        0,
        "every Doc has a body"
    );
    assert!(
        n(
            &w,
            "SELECT COUNT(*) FROM drive_permissions WHERE type = 'anyone'"
        ) >= 2
    );
    assert!(n(&w, "SELECT COUNT(*) FROM drive_files WHERE trashed = 1") >= 1);
    assert!(
        n(
            &w,
            "SELECT COUNT(*) FROM drive_user_files WHERE starred = 1 AND user_id = 'user_alex'"
        ) >= 3
    );
    assert!(n(&w, "SELECT COUNT(DISTINCT owner_id) FROM drive_files") >= 8);
    // Sensitive files exist, some overshared.
    let keys = id_of(&mut w, "liam@nexusai.com", "Production API Keys & Secrets");
    let f = ok(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{keys}?fields=shared,owners"),
        None,
    );
    assert_eq!(f["shared"], true);
    let bands = id_of(&mut w, "olivia@nexusai.com", "Salary Bands 2026");
    let perms = w
        .handle(
            &Request::get(format!("/drive/v3/files/{bands}/permissions"))
                .as_user("olivia@nexusai.com"),
        )
        .body;
    assert!(perms["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["type"] == "domain"));
    // The salary sheet is not in Alex's lists (link-only) but opens by id.
    let r = ok(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files?q={}", enc("name contains 'Salary'")),
        None,
    );
    assert_eq!(r["files"].as_array().unwrap().len(), 0);
    ok(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{bands}"),
        None,
    );
    // 'me' works in collections.
    let mine = ok(
        &mut w,
        Method::Get,
        &format!(
            "/drive/v3/files?pageSize=1000&fields=files(owners)&q={}",
            enc("'me' in owners")
        ),
        None,
    );
    assert!(mine["files"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["owners"][0]["me"] == true));
    // Deterministic: two seeds of the same world are identical.
    assert_eq!(
        world().state_hash().unwrap(),
        crate::support::world().state_hash().unwrap()
    );
}

#[test]
fn diff_after_a_share_and_a_doc_edit() {
    let mut w = world();
    let before = w.snapshot().unwrap();
    let okr = id_of(&mut w, "alex@nexusai.com", "Q2 2026 OKRs");
    ok(
        &mut w,
        Method::Post,
        &format!("/drive/v3/files/{okr}/permissions"),
        Some(json!({"type": "user", "role": "writer", "emailAddress": "dana@horizonvc.com"})),
    );
    ok(
        &mut w,
        Method::Post,
        &format!("/v1/documents/{okr}:batchUpdate"),
        Some(json!({"requests": [
            {"replaceAllText": {"containsText": {"text": "3 new enterprise contracts"}, "replaceText": "4 new enterprise contracts"}}
        ]})),
    );
    let diff = w.diff_since(&before).unwrap();
    let perms = &diff.collections["drive_permissions"];
    assert_eq!(perms.added.len(), 1);
    assert_eq!(perms.added[0]["email_address"], "dana@horizonvc.com");
    assert_eq!(perms.added[0]["role"], "writer");
    let docs = &diff.collections["docs_documents"];
    assert_eq!(docs.updated.len(), 1);
    let text = &docs.updated[0].changed["plain_text"].after;
    assert!(text
        .as_str()
        .unwrap()
        .contains("4 new enterprise contracts"));
    let files = &diff.collections["drive_files"];
    let changed: Vec<&String> = files.updated[0].changed.keys().collect();
    assert!(
        changed.contains(&&"version".to_string())
            && changed.contains(&&"modified_time".to_string())
            && changed.contains(&&"head_revision_id".to_string()),
        "{changed:?}"
    );
    assert_eq!(diff.collections["drive_revisions"].added.len(), 1);
    // Changes: the file appears once, with the new name projected through `fields`.
    let ch = ok(
        &mut w,
        Method::Get,
        "/drive/v3/changes?pageToken=1&fields=changes(fileId,file(name,version))",
        None,
    );
    let list = ch["changes"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        list[0]["file"],
        json!({"name": "Q2 2026 OKRs", "version": list[0]["file"]["version"].clone()})
    );
    assert!(list[0]["file"]["version"].is_string());
    let _: Value = ch;
}

#[test]
fn stars_are_per_user() {
    let mut w = world();
    let id = id_of(&mut w, "alex@nexusai.com", "Incident Response Runbook");
    let mine = ok(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{id}?fields=starred"),
        None,
    );
    assert_eq!(mine["starred"], true);
    let theirs = w.handle(
        &Request::get(format!("/drive/v3/files/{id}?fields=starred")).as_user("priya@nexusai.com"),
    );
    assert_eq!(theirs.body["starred"], false);
    let r = w.handle(
        &Request::new(
            Method::Patch,
            format!("/drive/v3/files/{id}?fields=starred,version"),
        )
        .with_body(json!({"starred": true}))
        .as_user("priya@nexusai.com"),
    );
    assert_eq!(r.body["starred"], true);
    ok(
        &mut w,
        Method::Patch,
        &format!("/drive/v3/files/{id}"),
        Some(json!({"starred": false})),
    );
    let theirs = w.handle(
        &Request::get(format!("/drive/v3/files/{id}?fields=starred,version"))
            .as_user("priya@nexusai.com"),
    );
    assert_eq!(
        theirs.body["starred"], true,
        "Alex unstarring does not unstar for Priya"
    );
    assert_eq!(
        theirs.body["version"], r.body["version"],
        "starring is not an edit"
    );
    let q = ok(
        &mut w,
        Method::Get,
        &format!(
            "/drive/v3/files?q={}",
            enc("starred = true and name contains 'Runbook'")
        ),
        None,
    );
    assert_eq!(q["files"].as_array().unwrap().len(), 0);
}
