//! Docs tools end to end on a seeded world, through `Toolkit::call`.
use crate::support::{tool_err as fails, tool_ok as call};

use env0_core::tools::{App, Profile, Toolkit};
use env0_world::World;
use env0_world::{Method, Request};
use serde_json::json;

fn kit() -> Toolkit {
    Toolkit::new(Profile::Native, &[App::Drive, App::Docs], None)
}

fn doc_id(k: &Toolkit, w: &mut World, name: &str) -> String {
    let r = call(
        k,
        w,
        "drive_search",
        json!({"name": name, "type": "document"}),
    );
    r["files"][0]["id"].as_str().unwrap().to_string()
}

fn text(k: &Toolkit, w: &mut World, id: &str) -> String {
    call(k, w, "docs_read", json!({"document_id": id}))["text"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The Doc's paragraphs as (named style, is bullet, text), straight from the API.
fn structure(w: &mut World, id: &str) -> Vec<(String, bool, String)> {
    let doc = w.handle(&Request::new(Method::Get, format!("/v1/documents/{id}")));
    doc.body["body"]["content"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["paragraph"].is_object())
        .map(|e| {
            let p = &e["paragraph"];
            let t: String = p["elements"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|x| x["textRun"]["content"].as_str())
                .collect();
            (
                p["paragraphStyle"]["namedStyleType"]
                    .as_str()
                    .unwrap_or("NORMAL_TEXT")
                    .to_string(),
                p["bullet"].is_object(),
                t.trim_end_matches('\n').to_string(),
            )
        })
        .collect()
}

#[test]
fn read_shows_structure() {
    let mut w = crate::support::world();
    let k = kit();
    let id = doc_id(&k, &mut w, "Weekly Product Sync");
    let r = call(&k, &mut w, "docs_read", json!({"document_id": id}));
    assert_eq!(r["title"], "Meeting Notes - Weekly Product Sync");
    let t = r["text"].as_str().unwrap();
    assert!(t.starts_with("= Weekly Product Sync\n"), "{t}");
    assert!(t.contains("\n# Action items\n- Alex: send"), "{t}");
}

#[test]
fn replace_text_counts_and_respects_case() {
    let mut w = crate::support::world();
    let k = kit();
    let id = doc_id(&k, &mut w, "Team Offsite Plan");
    let r = call(
        &k,
        &mut w,
        "docs_replace_text",
        json!({"document_id": id, "find": "sonoma", "replace_with": "Napa", "match_case": true}),
    );
    assert_eq!(r["occurrences_changed"], 0);
    assert!(r["note"].as_str().unwrap().contains("not found"));
    let r = call(
        &k,
        &mut w,
        "docs_replace_text",
        json!({"document_id": id, "find": "sonoma", "replace_with": "Napa"}),
    );
    assert_eq!(r["occurrences_changed"], 1);
    assert!(text(&k, &mut w, &id).contains("Location: Napa."));
    // An empty replacement deletes.
    call(
        &k,
        &mut w,
        "docs_replace_text",
        json!({"document_id": id, "find": " for 14 people", "replace_with": ""}),
    );
    assert!(
        text(&k, &mut w, &id).contains("Estimated $18,000.\n")
            || text(&k, &mut w, &id).ends_with("Estimated $18,000.")
    );
}

#[test]
fn insert_at_end_after_paragraph_and_into_a_section() {
    let mut w = crate::support::world();
    let k = kit();
    let id = doc_id(&k, &mut w, "Team Offsite Plan");
    // Into a section: after its last bullet, as a bullet.
    call(
        &k,
        &mut w,
        "docs_insert_text",
        json!({"document_id": id, "section": "Agenda", "text": "Day 3: Closing dinner", "bullets": true}),
    );
    // After a heading: a normal paragraph, not a heading.
    call(
        &k,
        &mut w,
        "docs_insert_text",
        json!({"document_id": id, "after": "Budget", "text": "Approved by Sarah."}),
    );
    // At the end.
    call(
        &k,
        &mut w,
        "docs_insert_text",
        json!({"document_id": id, "text": "Questions to Alex.\nThanks!"}),
    );
    let s = structure(&mut w, &id);
    let find = |t: &str| {
        s.iter()
            .position(|p| p.2 == t)
            .unwrap_or_else(|| panic!("{t} not in {s:?}"))
    };
    let closing = find("Day 3: Closing dinner");
    assert_eq!(closing, find("Day 3: Team activity") + 1);
    assert!(s[closing].1, "a bullet: {s:?}");
    assert_eq!(s[closing].0, "NORMAL_TEXT");
    let approved = find("Approved by Sarah.");
    assert_eq!(approved, find("Budget") + 1);
    assert_eq!(s[approved].0, "NORMAL_TEXT");
    assert!(!s[approved].1);
    assert_eq!(s[find("Budget")].0, "HEADING_1");
    let q = find("Questions to Alex.");
    assert_eq!(q, find("Estimated $18,000 for 14 people.") + 1);
    assert_eq!(find("Thanks!"), q + 1);
    assert!(!s[q].1);
    let t = text(&k, &mut w, &id);
    assert!(
        t.contains("- Day 3: Team activity\n- Day 3: Closing dinner\n# Budget\nApproved by Sarah.\nEstimated"),
        "{t}"
    );
}

#[test]
fn create_a_doc_with_text() {
    let mut w = crate::support::world();
    let k = kit();
    let r = call(
        &k,
        &mut w,
        "docs_create",
        json!({"title": "Launch Checklist", "text": "Owner: Alex\nStatus: draft"}),
    );
    let id = r["document_id"].as_str().unwrap().to_string();
    assert_eq!(r["title"], "Launch Checklist");
    assert_eq!(text(&k, &mut w, &id), "Owner: Alex\nStatus: draft");
    // It is a Drive file owned by the user.
    let f = call(&k, &mut w, "drive_get_file", json!({"file_id": id}));
    assert_eq!(f["owner"], "alex@nexusai.com");
    let e = call(&k, &mut w, "docs_create", json!({"title": "Empty"}));
    assert_eq!(text(&k, &mut w, e["document_id"].as_str().unwrap()), "");
    // Inserting into an empty Doc fills its only paragraph.
    call(
        &k,
        &mut w,
        "docs_insert_text",
        json!({"document_id": e["document_id"], "text": "First line"}),
    );
    assert_eq!(
        text(&k, &mut w, e["document_id"].as_str().unwrap()),
        "First line"
    );
}

#[test]
fn access_control_and_bad_arguments() {
    let mut w = crate::support::world();
    let k = kit();
    let offsite = doc_id(&k, &mut w, "Team Offsite Plan");
    let hash = w.state_hash().unwrap();
    // A colleague without access sees nothing; a reader cannot edit.
    let jordan = Toolkit::new(
        Profile::Native,
        &[App::Docs],
        Some("jordan@nexusai.com".into()),
    );
    let e = fails(
        &jordan,
        &mut w,
        "docs_read",
        json!({"document_id": offsite}),
    );
    assert!(e.contains("404"), "{e}");
    let minutes = doc_id(&k, &mut w, "Board Meeting Minutes");
    call(&k, &mut w, "docs_read", json!({"document_id": minutes}));
    let e = fails(
        &k,
        &mut w,
        "docs_replace_text",
        json!({"document_id": minutes, "find": "Board", "replace_with": "x"}),
    );
    assert!(e.contains("403"), "{e}");
    let e = fails(
        &k,
        &mut w,
        "docs_insert_text",
        json!({"document_id": offsite, "section": "Timeline", "text": "x"}),
    );
    assert!(
        e.contains("no heading contains 'Timeline'") && e.contains("Budget"),
        "{e}"
    );
    let e = fails(
        &k,
        &mut w,
        "docs_insert_text",
        json!({"document_id": offsite, "after": "zzz", "text": "x"}),
    );
    assert!(e.contains("no paragraph contains 'zzz'"), "{e}");
    let e = fails(
        &k,
        &mut w,
        "docs_insert_text",
        json!({"document_id": offsite, "after": "Budget", "section": "Agenda", "text": "x"}),
    );
    assert!(e.contains("not both"), "{e}");
    let e = fails(
        &k,
        &mut w,
        "docs_insert_text",
        json!({"document_id": offsite, "text": "\n\n"}),
    );
    assert!(e.contains("text"), "{e}");
    let e = fails(
        &k,
        &mut w,
        "docs_replace_text",
        json!({"document_id": offsite, "find": "x"}),
    );
    assert!(
        e.contains("missing required argument 'replace_with'"),
        "{e}"
    );
    let e = fails(&k, &mut w, "docs_read", json!({"document_id": "nope"}));
    assert!(e.contains("404"), "{e}");
    // A Drive file that is not a Doc.
    let sheet = call(
        &k,
        &mut w,
        "drive_search",
        json!({"name": "Product Roadmap 2026"}),
    )["files"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let e = fails(&k, &mut w, "docs_read", json!({"document_id": sheet}));
    assert!(e.contains("400"), "{e}");
    assert_eq!(w.state_hash().unwrap(), hash);
}
