//! Drive tools end to end on a seeded world, through `Toolkit::call` as a model uses them.
use crate::support::{tool_err as fails, tool_ok as call};

use env0_core::tools::{App, Profile, Toolkit};
use env0_world::World;
use serde_json::{json, Value};

fn alex() -> Toolkit {
    Toolkit::new(Profile::Native, &[App::Drive], None)
}

fn as_user(email: &str) -> Toolkit {
    Toolkit::new(Profile::Native, &[App::Drive], Some(email.into()))
}

fn find(kit: &Toolkit, w: &mut World, name: &str) -> String {
    let r = call(kit, w, "drive_search", json!({"name": name}));
    r["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {r}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn drive_toolkit_is_small_and_described() {
    let kit = alex();
    let names: Vec<&str> = kit.tools().iter().map(|t| t.name).collect();
    assert!(
        names.len() >= 5 && names.len() <= 9,
        "{names:?} should be a handful"
    );
    assert!(names.iter().all(|n| n.starts_with("drive_")));
    for t in kit.tools() {
        assert!(t.description.len() < 200, "{}", t.name);
        assert_eq!(t.to_openai()["function"]["parameters"]["type"], "object");
    }
}

#[test]
fn search_filters_and_raw_query() {
    let mut w = crate::support::world();
    let kit = alex();
    let r = call(&kit, &mut w, "drive_search", json!({"name": "okrs"}));
    let f = &r["files"][0];
    assert_eq!(f["name"], "Q2 2026 OKRs");
    assert_eq!(f["owner"], "alex@nexusai.com");
    assert!(f["id"].is_string() && f["modified"].is_string());
    assert!(
        f["link"]
            .as_str()
            .is_some_and(|l| l.starts_with("https://") && l.contains(f["id"].as_str().unwrap())),
        "{f}"
    );
    assert!(f["link_sharing"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l.as_str().unwrap().starts_with("domain:")));
    let docs = call(
        &kit,
        &mut w,
        "drive_search",
        json!({"type": "document", "max_results": 50}),
    );
    assert!(docs["files"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["mimeType"] == "application/vnd.google-apps.document"));
    let shared = call(
        &kit,
        &mut w,
        "drive_search",
        json!({"shared_with_me": true, "owner": "diego@nexusai.com"}),
    );
    assert!(shared["files"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["name"] == "Design System Tokens"));
    let text = call(
        &kit,
        &mut w,
        "drive_search",
        json!({"full_text": "offline-first"}),
    );
    assert!(text["files"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["name"] == "ideas.txt"));
    // Trashed files only when asked for.
    let plain = call(&kit, &mut w, "drive_search", json!({"name": "Old Roadmap"}));
    assert_eq!(plain["count"], 0);
    let bin = call(
        &kit,
        &mut w,
        "drive_search",
        json!({"name": "Old Roadmap", "trashed": true}),
    );
    assert_eq!(bin["files"][0]["trashed"], true);
    let raw = call(
        &kit,
        &mut w,
        "drive_search",
        json!({"query": "name = 'ideas.txt'"}),
    );
    assert_eq!(raw["count"], 1);
    // A name with a quote is escaped, not a broken query.
    let q = call(&kit, &mut w, "drive_search", json!({"name": "Alex's"}));
    assert_eq!(q["count"], 0);
}

#[test]
fn get_file_shows_sharing_and_content() {
    let mut w = crate::support::world();
    let kit = alex();
    let id = find(&kit, &mut w, "ideas.txt");
    let f = call(&kit, &mut w, "drive_get_file", json!({"file_id": id}));
    assert_eq!(f["role"], "owner");
    assert!(f["content"]
        .as_str()
        .unwrap()
        .contains("offline-first sync"));
    assert_eq!(f["permissions"][0]["role"], "owner");
    let okrs = find(&kit, &mut w, "Q2 2026 OKRs");
    let d = call(&kit, &mut w, "drive_get_file", json!({"file_id": okrs}));
    assert!(d["content"].as_str().unwrap().starts_with("Q2 2026 OKRs"));
    let sheet = find(&kit, &mut w, "Product Roadmap 2026");
    let s = call(&kit, &mut w, "drive_get_file", json!({"file_id": sheet}));
    assert!(s["content"].is_string());
    // Inherited permissions say where they come from.
    let prd = find(&kit, &mut w, "PRD: Offline Mode");
    let p = call(
        &kit,
        &mut w,
        "drive_list_permissions",
        json!({"file_id": prd}),
    );
    assert!(p["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["email"] == "noah@nexusai.com" && p["inherited_from"].is_string()));
}

#[test]
fn access_control_is_visible_through_the_tools() {
    let mut w = crate::support::world();
    let kit = alex();
    let tax = find(&kit, &mut w, "Tax Documents 2025.pdf");
    let jordan = as_user("jordan@nexusai.com");
    let e = fails(&jordan, &mut w, "drive_get_file", json!({"file_id": tax}));
    assert!(e.contains("404"), "{e}");
    let r = call(&jordan, &mut w, "drive_search", json!({"name": "Tax"}));
    assert_eq!(r["count"], 0);
    let hash = w.state_hash().unwrap();
    let e = fails(
        &jordan,
        &mut w,
        "drive_share",
        json!({"file_id": tax, "share_with": "jordan@nexusai.com", "role": "writer"}),
    );
    assert!(e.contains("404"), "{e}");
    // Alex is a reader of the Board folder: can read, cannot trash or share.
    let deck = find(&kit, &mut w, "Q1 2026 Board Deck");
    let d = call(&kit, &mut w, "drive_get_file", json!({"file_id": deck}));
    assert_eq!(d["role"], "reader");
    let e = fails(&kit, &mut w, "drive_trash", json!({"file_id": deck}));
    assert!(e.contains("403"), "{e}");
    assert_eq!(w.state_hash().unwrap(), hash);
}

#[test]
fn share_unshare_and_link_sharing() {
    let mut w = crate::support::world();
    let kit = alex();
    let noah = as_user("noah@nexusai.com");
    let id = find(&kit, &mut w, "ideas.txt");
    fails(&noah, &mut w, "drive_get_file", json!({"file_id": id}));
    let s = call(
        &kit,
        &mut w,
        "drive_share",
        json!({"file_id": id, "share_with": "noah@nexusai.com", "role": "commenter", "notify": false}),
    );
    assert_eq!(s["permission"]["role"], "commenter");
    assert_eq!(
        call(&noah, &mut w, "drive_get_file", json!({"file_id": id}))["role"],
        "commenter"
    );
    // Sharing again changes the role instead of adding a second permission.
    call(
        &kit,
        &mut w,
        "drive_share",
        json!({"file_id": id, "share_with": "noah@nexusai.com", "role": "writer"}),
    );
    let p = call(
        &kit,
        &mut w,
        "drive_list_permissions",
        json!({"file_id": id}),
    );
    let noahs: Vec<&Value> = p["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["email"] == "noah@nexusai.com")
        .collect();
    assert_eq!(noahs.len(), 1);
    assert_eq!(noahs[0]["role"], "writer");
    let u = call(
        &kit,
        &mut w,
        "drive_unshare",
        json!({"file_id": id, "share_with": "noah@nexusai.com"}),
    );
    assert_eq!(u["removed"][0]["email"], "noah@nexusai.com");
    fails(&noah, &mut w, "drive_get_file", json!({"file_id": id}));
    // Link sharing on and off.
    call(
        &kit,
        &mut w,
        "drive_share",
        json!({"file_id": id, "share_with": "anyone", "role": "reader"}),
    );
    let outsider = as_user("ben.carter@outlook.com");
    call(&outsider, &mut w, "drive_get_file", json!({"file_id": id}));
    let f = call(&kit, &mut w, "drive_get_file", json!({"file_id": id}));
    assert_eq!(f["link_sharing"], json!(["anyone:reader"]));
    call(
        &kit,
        &mut w,
        "drive_unshare",
        json!({"file_id": id, "share_with": "anyone"}),
    );
    fails(&outsider, &mut w, "drive_get_file", json!({"file_id": id}));
    // Company-wide sharing.
    let d = call(
        &kit,
        &mut w,
        "drive_share",
        json!({"file_id": id, "share_with": "domain", "role": "reader"}),
    );
    assert_eq!(d["permission"]["domain"], "nexusai.com");
    call(&noah, &mut w, "drive_get_file", json!({"file_id": id}));
}

#[test]
fn folders_move_and_trash() {
    let mut w = crate::support::world();
    let kit = alex();
    let folder = call(
        &kit,
        &mut w,
        "drive_create_folder",
        json!({"name": "Archive 2026"}),
    );
    let fid = folder["id"].as_str().unwrap().to_string();
    let id = find(&kit, &mut w, "ideas.txt");
    let m = call(
        &kit,
        &mut w,
        "drive_move",
        json!({"file_id": id, "folder_id": fid}),
    );
    assert_eq!(m["parent"], fid.as_str());
    let l = call(&kit, &mut w, "drive_list_folder", json!({"folder_id": fid}));
    assert_eq!(l["files"][0]["name"], "ideas.txt");
    let root = call(&kit, &mut w, "drive_list_folder", json!({}));
    assert!(root["files"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["name"] != "ideas.txt"));
    let t = call(&kit, &mut w, "drive_trash", json!({"file_id": id}));
    assert_eq!(t["trashed"], true);
    assert_eq!(
        call(&kit, &mut w, "drive_list_folder", json!({"folder_id": fid}))["count"],
        0
    );
    let r = call(
        &kit,
        &mut w,
        "drive_trash",
        json!({"file_id": id, "restore": true}),
    );
    assert_eq!(r["trashed"], false);
    let sub = call(
        &kit,
        &mut w,
        "drive_create_folder",
        json!({"name": "Q1", "parent_id": fid}),
    );
    assert_eq!(sub["parent"], fid.as_str());
}

#[test]
fn bad_arguments_are_readable_and_change_nothing() {
    let mut w = crate::support::world();
    let kit = alex();
    let id = find(&kit, &mut w, "ideas.txt");
    let hash = w.state_hash().unwrap();
    let e = fails(&kit, &mut w, "drive_get_file", json!({}));
    assert!(e.contains("missing required argument 'file_id'"), "{e}");
    let e = fails(&kit, &mut w, "drive_get_file", json!({"file_id": "nope"}));
    assert!(e.contains("404"), "{e}");
    let e = fails(
        &kit,
        &mut w,
        "drive_share",
        json!({"file_id": id, "share_with": "noah", "role": "reader"}),
    );
    assert!(e.contains("must be an email address"), "{e}");
    let e = fails(
        &kit,
        &mut w,
        "drive_share",
        json!({"file_id": id, "share_with": "noah@nexusai.com", "role": "owner"}),
    );
    assert!(e.contains("must be one of"), "{e}");
    let e = fails(
        &kit,
        &mut w,
        "drive_unshare",
        json!({"file_id": id, "share_with": "noah@nexusai.com"}),
    );
    assert!(e.contains("not shared with"), "{e}");
    let e = fails(
        &kit,
        &mut w,
        "drive_unshare",
        json!({"file_id": id, "share_with": "alex@nexusai.com"}),
    );
    assert!(e.contains("owner"), "{e}");
    let e = fails(&kit, &mut w, "drive_search", json!({"query": "nmae = 'x'"}));
    assert!(e.contains("nmae") && e.contains("400"), "{e}");
    let e = fails(&kit, &mut w, "drive_search", json!({"max_results": 0}));
    assert!(e.contains("between 1 and 100"), "{e}");
    let e = fails(&kit, &mut w, "drive_search", json!({"type": "movie"}));
    assert!(e.contains("must be one of"), "{e}");
    let other = find(&kit, &mut w, "Q2 2026 OKRs");
    let e = fails(
        &kit,
        &mut w,
        "drive_move",
        json!({"file_id": id, "folder_id": other}),
    );
    assert!(e.contains("not a folder"), "{e}");
    let e = fails(&kit, &mut w, "drive_create_folder", json!({"name": ""}));
    assert!(e.contains("missing required argument 'name'"), "{e}");
    assert_eq!(w.state_hash().unwrap(), hash, "failed calls change nothing");
}
