//! Task needles for Drive and Docs: files, Docs with structure, overshares, permissions and
//! comments land in a seeded world where the APIs and the state dump see them.

use crate::support::{ok, world};
use env0_world::needles;
use env0_world::{Method, Request};
use serde_json::json;

#[test]
fn needles_create_what_tasks_need() {
    let mut w = world();
    let conn = w.conn();
    let rows = needles::insert(
        conn,
        "drive",
        "alex@nexusai.com",
        "file",
        &json!({"name": "Vendor Bank Details.txt", "content": "IBAN DE89 3704 0044 0532 0130 00",
                "folder": "Finance/Invoices", "owner": "emma@nexusai.com", "days_ago": 2,
                "shares": [{"type": "anyone", "role": "writer"}],
                "shared_with": [{"email": "alex@nexusai.com", "role": "reader"}]}),
    )
    .unwrap();
    assert_eq!(rows[0].collection, "drive_files");
    assert_eq!(
        rows.iter()
            .filter(|r| r.collection == "drive_permissions")
            .count(),
        2
    );
    let doc_rows = needles::insert(
        conn,
        "docs",
        "alex@nexusai.com",
        "document",
        &json!({"id": "1NeedleDocNeedleDocNeedleDocNeedleDoc00", "name": "Launch Plan",
                "content": "= Launch Plan\n# Goals\n- Ship it\n- Tell people\n| Owner | Date |\n| Alex | May 1 |\n",
                "starred": true}),
    )
    .unwrap();
    assert_eq!(
        doc_rows[1],
        needles::NeedleRef::new("docs_documents", "1NeedleDocNeedleDocNeedleDocNeedleDoc00")
    );
    needles::insert(conn, "drive", "alex@nexusai.com", "comment", &json!({"file": "Launch Plan", "author": "jordan@nexusai.com", "content": "Date?", "replies": [{"content": "May 1"}]})).unwrap();
    needles::insert(conn, "drive", "alex@nexusai.com", "permission", &json!({"file": "Launch Plan", "type": "user", "role": "writer", "email": "chris@pixelforge.design"})).unwrap();
    for (kind, data) in [
        ("file", json!({})),
        ("file", json!({"name": "x", "folder": "Nowhere"})),
        (
            "permission",
            json!({"file": "Launch Plan", "role": "owner", "email": "a@b.c"}),
        ),
        ("bogus", json!({})),
    ] {
        assert!(
            needles::insert(w.conn(), "drive", "alex@nexusai.com", kind, &data).is_err(),
            "{kind} {data}"
        );
    }
    // The APIs see the needles.
    let doc = ok(
        &mut w,
        Method::Get,
        "/v1/documents/1NeedleDocNeedleDocNeedleDocNeedleDoc00",
        None,
    );
    assert_eq!(
        doc["body"]["content"][1]["paragraph"]["paragraphStyle"]["namedStyleType"],
        "TITLE"
    );
    assert!(doc["body"]["content"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["table"].is_object()));
    let f = ok(&mut w, Method::Get, "/drive/v3/files/1NeedleDocNeedleDocNeedleDocNeedleDoc00?fields=starred,permissions(emailAddress,role)", None);
    assert_eq!(f["starred"], true);
    let q: String = form_urlencoded::byte_serialize(b"fullText contains 'IBAN'").collect();
    let r = ok(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files?q={q}&fields=files(name,owners(emailAddress))"),
        None,
    );
    assert_eq!(r["files"][0]["name"], "Vendor Bank Details.txt");
    let c = ok(
        &mut w,
        Method::Get,
        "/drive/v3/files/1NeedleDocNeedleDocNeedleDocNeedleDoc00/comments",
        None,
    );
    assert_eq!(c["comments"][0]["replies"][0]["content"], "May 1");
    let r = w.handle(
        &Request::get("/v1/documents/1NeedleDocNeedleDocNeedleDocNeedleDoc00")
            .as_user("chris@pixelforge.design"),
    );
    assert_eq!(r.status, 200);
}
