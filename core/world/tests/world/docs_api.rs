//! Docs v1 end to end: get/create/batchUpdate over the body model, Drive integration (a Doc is a
//! Drive file: search, permissions, revisions), write control, errors, and conformance.

use crate::support::discovery::Discovery;
use crate::support::{err, ok, world};
use env0_world::World;
use env0_world::{Method, Request};
use serde_json::{json, Value};

fn new_doc(w: &mut World, title: &str) -> String {
    let d = ok(
        w,
        Method::Post,
        "/v1/documents",
        Some(json!({"title": title})),
    );
    d["documentId"].as_str().unwrap().to_string()
}

fn batch(w: &mut World, id: &str, requests: Value) -> Value {
    ok(
        w,
        Method::Post,
        &format!("/v1/documents/{id}:batchUpdate"),
        Some(json!({"requests": requests})),
    )
}

fn batch_err(w: &mut World, id: &str, requests: Value) -> String {
    let e = err(
        w,
        Method::Post,
        &format!("/v1/documents/{id}:batchUpdate"),
        Some(json!({"requests": requests})),
        400,
    );
    e["error"]["message"].as_str().unwrap().to_string()
}

fn get(w: &mut World, id: &str) -> Value {
    ok(w, Method::Get, &format!("/v1/documents/{id}"), None)
}

/// All text of the body, from the JSON (textRuns only).
fn text_of(doc: &Value) -> String {
    fn walk(content: &Value, out: &mut String) {
        for el in content.as_array().into_iter().flatten() {
            if let Some(p) = el.get("paragraph") {
                for e in p["elements"].as_array().unwrap() {
                    if let Some(t) = e["textRun"]["content"].as_str() {
                        out.push_str(t);
                    }
                }
            }
            if let Some(t) = el.get("table") {
                for row in t["tableRows"].as_array().unwrap() {
                    for cell in row["tableCells"].as_array().unwrap() {
                        walk(&cell["content"], out);
                    }
                }
            }
        }
    }
    let mut out = String::new();
    walk(&doc["body"]["content"], &mut out);
    out
}

fn drive_id(w: &mut World, name: &str) -> String {
    let q: String =
        form_urlencoded::byte_serialize(format!("name = '{name}'").as_bytes()).collect();
    let b = ok(w, Method::Get, &format!("/drive/v3/files?q={q}"), None);
    b["files"][0]["id"].as_str().unwrap().to_string()
}

#[test]
fn create_and_get_conform() {
    let mut w = world();
    let d = Discovery::load("docs.v1.json");
    let created = ok(
        &mut w,
        Method::Post,
        "/v1/documents",
        Some(json!({"title": "Launch Checklist"})),
    );
    d.assert_conforms("Document", &created);
    assert_eq!(created["title"], "Launch Checklist");
    let content = created["body"]["content"].as_array().unwrap();
    assert_eq!(content[0]["endIndex"], 1);
    assert!(content[0]["sectionBreak"].is_object());
    assert_eq!(content[1]["startIndex"], 1);
    assert_eq!(content[1]["endIndex"], 2);
    // The Doc is a Drive file owned by the caller.
    let id = created["documentId"].as_str().unwrap();
    let f = ok(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{id}?fields=mimeType,name,ownedByMe"),
        None,
    );
    assert_eq!(
        f,
        json!({"mimeType": "application/vnd.google-apps.document", "name": "Launch Checklist", "ownedByMe": true})
    );
    // Every seeded Doc conforms, with and without tabs.
    let q: String =
        form_urlencoded::byte_serialize(b"mimeType = 'application/vnd.google-apps.document'")
            .collect();
    let list = ok(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files?pageSize=1000&q={q}"),
        None,
    );
    let ids: Vec<String> = list["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    assert!(ids.len() > 10);
    for id in ids {
        let doc = get(&mut w, &id);
        d.assert_conforms("Document", &doc);
        let tabs = ok(&mut w, Method::Get, &format!("/v1/documents/{id}?includeTabsContent=true&suggestionsViewMode=PREVIEW_WITHOUT_SUGGESTIONS"), None);
        d.assert_conforms("Document", &tabs);
        assert!(tabs.get("body").is_none());
        assert_eq!(tabs["suggestionsViewMode"], "PREVIEW_WITHOUT_SUGGESTIONS");
        let plain: String = w
            .conn()
            .query_row(
                "SELECT plain_text FROM docs_documents WHERE id = ?1",
                [&id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(text_of(&doc), plain);
    }
    err(&mut w, Method::Get, "/v1/documents/nope", None, 404);
    err(
        &mut w,
        Method::Get,
        &format!("/v1/documents/{id}?suggestionsViewMode=BOGUS"),
        None,
        400,
    );
}

#[test]
fn seeded_docs_have_structure() {
    let mut w = world();
    let id = drive_id(&mut w, "PRD: Offline Mode");
    let doc = get(&mut w, &id);
    let content = doc["body"]["content"].as_array().unwrap();
    let styles: Vec<&str> = content
        .iter()
        .filter_map(|e| e["paragraph"]["paragraphStyle"]["namedStyleType"].as_str())
        .collect();
    assert_eq!(styles[0], "TITLE");
    assert!(styles.contains(&"HEADING_1"));
    assert!(content
        .iter()
        .any(|e| e["paragraph"]["bullet"]["listId"].is_string()));
    assert!(content.iter().any(|e| e["table"].is_object()));
    assert!(doc["lists"].as_object().unwrap().len() >= 2);
    // indices are contiguous
    let mut at = 1;
    for e in &content[1..] {
        assert_eq!(e["startIndex"], at, "{e}");
        at = e["endIndex"].as_u64().unwrap();
    }
}

#[test]
fn edits_reindex_and_reach_drive() {
    let mut w = world();
    let d = Discovery::load("docs.v1.json");
    let id = new_doc(&mut w, "Notes");
    let before = get(&mut w, &id)["revisionId"].as_str().unwrap().to_string();
    let r = batch(
        &mut w,
        &id,
        json!([
            {"insertText": {"location": {"index": 1}, "text": "Hello world\nSecond line"}},
            {"insertText": {"endOfSegmentLocation": {}, "text": "\nThird"}},
            {"updateParagraphStyle": {"range": {"startIndex": 1, "endIndex": 12}, "paragraphStyle": {"namedStyleType": "HEADING_1"}, "fields": "namedStyleType"}},
            {"updateTextStyle": {"range": {"startIndex": 1, "endIndex": 6}, "textStyle": {"bold": true}, "fields": "bold"}},
        ]),
    );
    d.assert_conforms("BatchUpdateDocumentResponse", &r);
    assert_eq!(r["replies"].as_array().unwrap().len(), 4);
    let rev = r["writeControl"]["requiredRevisionId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(rev, before);
    let doc = get(&mut w, &id);
    assert_eq!(doc["revisionId"], rev.as_str());
    assert_eq!(text_of(&doc), "Hello world\nSecond line\nThird\n");
    let c = doc["body"]["content"].as_array().unwrap();
    assert_eq!(
        c[1]["paragraph"]["paragraphStyle"]["namedStyleType"],
        "HEADING_1"
    );
    assert_eq!(
        c[1]["paragraph"]["elements"][0]["textRun"]["content"],
        "Hello"
    );
    assert_eq!(
        c[1]["paragraph"]["elements"][0]["textRun"]["textStyle"]["bold"],
        true
    );
    assert_eq!(c[1]["paragraph"]["elements"][1]["startIndex"], 6);
    assert_eq!(c[2]["startIndex"], 13);
    assert_eq!(c[3]["startIndex"], 25);
    assert_eq!(c[3]["endIndex"], 31);
    // delete across a paragraph boundary merges them
    batch(
        &mut w,
        &id,
        json!([{"deleteContentRange": {"range": {"startIndex": 6, "endIndex": 20}}}]),
    );
    assert_eq!(text_of(&get(&mut w, &id)), "Helloline\nThird\n");
    // Drive sees the new text, version and a new revision
    let q: String = form_urlencoded::byte_serialize(b"fullText contains 'Helloline'").collect();
    let found = ok(&mut w, Method::Get, &format!("/drive/v3/files?q={q}"), None);
    assert_eq!(found["files"][0]["id"], id.as_str());
    let f = ok(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{id}?fields=version,modifiedTime"),
        None,
    );
    assert_eq!(f["version"], "3");
    let revs = ok(
        &mut w,
        Method::Get,
        &format!("/drive/v3/files/{id}/revisions"),
        None,
    );
    assert_eq!(revs["revisions"].as_array().unwrap().len(), 3);
    let txt = w.handle(&Request::get(format!(
        "/drive/v3/files/{id}/export?mimeType=text/plain"
    )));
    assert_eq!(txt.body, "Helloline\nThird\n");
}

#[test]
fn replace_all_text_match_case() {
    let mut w = world();
    let id = new_doc(&mut w, "R");
    batch(
        &mut w,
        &id,
        json!([{"insertText": {"location": {"index": 1}, "text": "Apple apple APPLE\npineapple"}}]),
    );
    let r = batch(
        &mut w,
        &id,
        json!([{"replaceAllText": {"containsText": {"text": "apple", "matchCase": true}, "replaceText": "pear"}}]),
    );
    assert_eq!(r["replies"][0]["replaceAllText"]["occurrencesChanged"], 2);
    assert_eq!(text_of(&get(&mut w, &id)), "Apple pear APPLE\npinepear\n");
    let r = batch(
        &mut w,
        &id,
        json!([{"replaceAllText": {"containsText": {"text": "APPLE"}, "replaceText": "fig"}}]),
    );
    assert_eq!(r["replies"][0]["replaceAllText"]["occurrencesChanged"], 2);
    assert_eq!(text_of(&get(&mut w, &id)), "fig pear fig\npinepear\n");
    let r = batch(
        &mut w,
        &id,
        json!([{"replaceAllText": {"containsText": {"text": "zzz"}, "replaceText": "y"}}]),
    );
    assert_eq!(r["replies"][0]["replaceAllText"]["occurrencesChanged"], 0);
    assert!(batch_err(
        &mut w,
        &id,
        json!([{"replaceAllText": {"containsText": {"text": ""}, "replaceText": "y"}}])
    )
    .contains("must not be empty"));
}

#[test]
fn bullets_tables_page_breaks_headers() {
    let mut w = world();
    let id = new_doc(&mut w, "Structure");
    batch(
        &mut w,
        &id,
        json!([{"insertText": {"location": {"index": 1}, "text": "one\ntwo\nthree"}}]),
    );
    batch(
        &mut w,
        &id,
        json!([{"createParagraphBullets": {"range": {"startIndex": 1, "endIndex": 9}, "bulletPreset": "NUMBERED_DECIMAL_ALPHA_ROMAN"}}]),
    );
    let doc = get(&mut w, &id);
    let c = doc["body"]["content"].as_array().unwrap();
    let list_id = c[1]["paragraph"]["bullet"]["listId"].as_str().unwrap();
    assert_eq!(c[2]["paragraph"]["bullet"]["listId"], list_id);
    assert!(c[3]["paragraph"].get("bullet").is_none());
    assert_eq!(
        doc["lists"][list_id]["listProperties"]["nestingLevels"][0]["glyphType"],
        "DECIMAL"
    );
    batch(
        &mut w,
        &id,
        json!([{"deleteParagraphBullets": {"range": {"startIndex": 1, "endIndex": 2}}}]),
    );
    assert!(get(&mut w, &id)["body"]["content"][1]["paragraph"]
        .get("bullet")
        .is_none());
    // table at the end: "one\ntwo\nthree\n" is [1,15)
    batch(
        &mut w,
        &id,
        json!([{"insertTable": {"rows": 2, "columns": 2, "endOfSegmentLocation": {}}}]),
    );
    let doc = get(&mut w, &id);
    let c = doc["body"]["content"].as_array().unwrap();
    let t = c.iter().find(|e| e["table"].is_object()).unwrap();
    let start = t["startIndex"].as_u64().unwrap();
    assert_eq!(t["table"]["rows"], 2);
    assert_eq!(t["table"]["tableRows"][0]["startIndex"], start + 1);
    assert_eq!(
        t["table"]["tableRows"][0]["tableCells"][0]["startIndex"],
        start + 2
    );
    let cell_text_at = t["table"]["tableRows"][0]["tableCells"][0]["content"][0]["startIndex"]
        .as_u64()
        .unwrap();
    assert_eq!(cell_text_at, start + 3);
    assert_eq!(t["endIndex"].as_u64().unwrap(), start + 2 + 2 * (1 + 2 * 2));
    batch(
        &mut w,
        &id,
        json!([{"insertText": {"location": {"index": cell_text_at}, "text": "Name"}}]),
    );
    let doc = get(&mut w, &id);
    assert!(text_of(&doc).contains("Name\n"));
    Discovery::load("docs.v1.json").assert_conforms("Document", &doc);
    assert!(batch_err(
        &mut w,
        &id,
        json!([{"deleteContentRange": {"range": {"startIndex": start, "endIndex": start + 4}}}])
    )
    .contains("table"));
    // page break and header/footer
    batch(
        &mut w,
        &id,
        json!([{"insertPageBreak": {"location": {"index": 1}}}]),
    );
    let doc = get(&mut w, &id);
    assert!(doc["body"]["content"][1]["paragraph"]["elements"][0]["pageBreak"].is_object());
    let r = batch(
        &mut w,
        &id,
        json!([{"createHeader": {"type": "DEFAULT"}}, {"createFooter": {"type": "DEFAULT"}}]),
    );
    let header = r["replies"][0]["createHeader"]["headerId"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(r["replies"][1]["createFooter"]["footerId"].is_string());
    batch(
        &mut w,
        &id,
        json!([{"insertText": {"location": {"segmentId": header, "index": 0}, "text": "Confidential"}}]),
    );
    let doc = get(&mut w, &id);
    assert_eq!(
        doc["headers"][&header]["content"][0]["paragraph"]["elements"][0]["textRun"]["content"],
        "Confidential\n"
    );
    assert_eq!(doc["documentStyle"]["defaultHeaderId"], header.as_str());
    assert!(
        batch_err(&mut w, &id, json!([{"createHeader": {"type": "DEFAULT"}}]))
            .contains("already exists")
    );
}

#[test]
fn bullets_take_nesting_from_leading_tabs() {
    let mut w = world();
    let id = new_doc(&mut w, "Nested");
    batch(
        &mut w,
        &id,
        json!([{"insertText": {"location": {"index": 1}, "text": "top\n\tchild\n\t\tgrandchild"}}]),
    );
    batch(
        &mut w,
        &id,
        json!([{"createParagraphBullets": {"range": {"startIndex": 1, "endIndex": 22}, "bulletPreset": "BULLET_DISC_CIRCLE_SQUARE"}}]),
    );
    let doc = get(&mut w, &id);
    assert_eq!(text_of(&doc), "top\nchild\ngrandchild\n");
    let c = doc["body"]["content"].as_array().unwrap();
    assert!(c[1]["paragraph"]["bullet"].get("nestingLevel").is_none());
    assert_eq!(c[2]["paragraph"]["bullet"]["nestingLevel"], 1);
    assert_eq!(c[3]["paragraph"]["bullet"]["nestingLevel"], 2);
    assert_eq!(c[3]["startIndex"], 11);
}

#[test]
fn table_rows_and_columns() {
    let mut w = world();
    let d = Discovery::load("docs.v1.json");
    let id = new_doc(&mut w, "T");
    batch(
        &mut w,
        &id,
        json!([{"insertText": {"location": {"index": 1}, "text": "Intro"}}]),
    );
    batch(
        &mut w,
        &id,
        json!([{"insertTable": {"rows": 1, "columns": 2, "endOfSegmentLocation": {}}}]),
    );
    let table_at = |doc: &Value| {
        doc["body"]["content"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["table"].is_object())
            .unwrap()
            .clone()
    };
    let t = table_at(&get(&mut w, &id));
    let start = t["startIndex"].as_u64().unwrap();
    let cell = |r: u64, c: u64| json!({"tableStartLocation": {"index": start}, "rowIndex": r, "columnIndex": c});
    batch(
        &mut w,
        &id,
        json!([
            {"insertTableRow": {"tableCellLocation": cell(0, 0), "insertBelow": true}},
            {"insertTableColumn": {"tableCellLocation": cell(0, 1), "insertRight": true}},
        ]),
    );
    let doc = get(&mut w, &id);
    d.assert_conforms("Document", &doc);
    let t = table_at(&doc);
    assert_eq!(t["table"]["rows"], 2);
    assert_eq!(t["table"]["columns"], 3);
    assert_eq!(t["endIndex"].as_u64().unwrap(), start + 2 + 2 * (1 + 3 * 2));
    batch(
        &mut w,
        &id,
        json!([
            {"deleteTableRow": {"tableCellLocation": cell(1, 0)}},
            {"deleteTableColumn": {"tableCellLocation": cell(0, 0)}},
        ]),
    );
    let t = table_at(&get(&mut w, &id));
    assert_eq!(
        (t["table"]["rows"].clone(), t["table"]["columns"].clone()),
        (json!(1), json!(2))
    );
    assert!(batch_err(
        &mut w,
        &id,
        json!([{"deleteTableRow": {"tableCellLocation": cell(0, 0)}}])
    )
    .contains("only row"));
    assert!(batch_err(
        &mut w,
        &id,
        json!([{"insertTableRow": {"tableCellLocation": {"tableStartLocation": {"index": 1}}}}])
    )
    .contains("No table"));
}

#[test]
fn named_ranges() {
    let mut w = world();
    let id = new_doc(&mut w, "Template");
    batch(
        &mut w,
        &id,
        json!([{"insertText": {"location": {"index": 1}, "text": "Dear NAME, welcome."}}]),
    );
    let r = batch(
        &mut w,
        &id,
        json!([{"createNamedRange": {"name": "recipient", "range": {"startIndex": 6, "endIndex": 10}}}]),
    );
    let rid = r["replies"][0]["createNamedRange"]["namedRangeId"]
        .as_str()
        .unwrap()
        .to_string();
    batch(
        &mut w,
        &id,
        json!([{"insertText": {"location": {"index": 1}, "text": ">> "}}]),
    );
    let doc = get(&mut w, &id);
    let range = &doc["namedRanges"]["recipient"]["namedRanges"][0]["ranges"][0];
    assert_eq!(range["startIndex"], 9);
    assert_eq!(range["endIndex"], 13);
    batch(
        &mut w,
        &id,
        json!([{"replaceNamedRangeContent": {"namedRangeName": "recipient", "text": "Dr. Priya Patel"}}]),
    );
    let doc = get(&mut w, &id);
    assert_eq!(text_of(&doc), ">> Dear Dr. Priya Patel, welcome.\n");
    assert_eq!(
        doc["namedRanges"]["recipient"]["namedRanges"][0]["ranges"][0]["endIndex"],
        24
    );
    batch(
        &mut w,
        &id,
        json!([{"deleteNamedRange": {"namedRangeId": rid}}]),
    );
    assert!(get(&mut w, &id).get("namedRanges").is_none());
    assert!(batch_err(
        &mut w,
        &id,
        json!([{"deleteNamedRange": {"name": "recipient"}}])
    )
    .contains("recipient"));
}

#[test]
fn errors_are_400_and_atomic() {
    let mut w = world();
    let id = new_doc(&mut w, "E");
    batch(
        &mut w,
        &id,
        json!([{"insertText": {"location": {"index": 1}, "text": "abc"}}]),
    );
    let rev = get(&mut w, &id)["revisionId"].as_str().unwrap().to_string();
    let m = batch_err(
        &mut w,
        &id,
        json!([{"insertText": {"location": {"index": 1}, "text": "x"}}, {"insertInlineImage": {"uri": "https://x"}}]),
    );
    assert!(
        m.contains("requests[1].insertInlineImage") && m.contains("not supported"),
        "{m}"
    );
    assert!(batch_err(&mut w, &id, json!([{"frobnicate": {}}])).contains("frobnicate"));
    assert_eq!(
        text_of(&get(&mut w, &id)),
        "abc\n",
        "a failed batch changes nothing"
    );
    assert_eq!(get(&mut w, &id)["revisionId"], rev.as_str());
    let m = batch_err(
        &mut w,
        &id,
        json!([{"insertText": {"location": {"index": 10}, "text": "x"}}]),
    );
    assert!(
        m.contains("must be less than the end index of the referenced segment, 5"),
        "{m}"
    );
    let m = batch_err(
        &mut w,
        &id,
        json!([{"deleteContentRange": {"range": {"startIndex": 1, "endIndex": 5}}}]),
    );
    assert!(
        m.contains("newline character at the end of the segment"),
        "{m}"
    );
    let m = batch_err(
        &mut w,
        &id,
        json!([{"deleteContentRange": {"range": {"startIndex": 3, "endIndex": 3}}}]),
    );
    assert!(m.contains("should not be empty"), "{m}");
    assert!(batch_err(&mut w, &id, json!([{"updateTextStyle": {"range": {"startIndex": 1, "endIndex": 2}, "textStyle": {"bold": true}}}])).contains("fields"));
    // write control
    let e = err(
        &mut w,
        Method::Post,
        &format!("/v1/documents/{id}:batchUpdate"),
        Some(
            json!({"requests": [{"insertText": {"location": {"index": 1}, "text": "x"}}], "writeControl": {"requiredRevisionId": "stale"}}),
        ),
        400,
    );
    assert_eq!(e["error"]["errors"][0]["reason"], "failedPrecondition");
    let r = ok(
        &mut w,
        Method::Post,
        &format!("/v1/documents/{id}:batchUpdate"),
        Some(
            json!({"requests": [{"insertText": {"location": {"index": 1}, "text": "x"}}], "writeControl": {"requiredRevisionId": rev}}),
        ),
    );
    let new_rev = r["writeControl"]["requiredRevisionId"]
        .as_str()
        .unwrap()
        .to_string();
    ok(
        &mut w,
        Method::Post,
        &format!("/v1/documents/{id}:batchUpdate"),
        Some(json!({"requests": [], "writeControl": {"targetRevisionId": rev}})),
    );
    let r = ok(
        &mut w,
        Method::Post,
        &format!("/v1/documents/{id}:batchUpdate"),
        Some(json!({"requests": []})),
    );
    assert_eq!(
        r["writeControl"]["requiredRevisionId"],
        new_rev.as_str(),
        "no change, no new revision"
    );
    err(
        &mut w,
        Method::Post,
        &format!("/v1/documents/{id}:batchUpdate"),
        Some(json!({"requests": {}})),
        400,
    );
}

#[test]
fn drive_permissions_govern_docs() {
    let mut w = world();
    // Alex reads Diego's Design System Tokens as a commenter: may read, may not edit.
    let id = drive_id(&mut w, "Design System Tokens");
    get(&mut w, &id);
    let e = err(
        &mut w,
        Method::Post,
        &format!("/v1/documents/{id}:batchUpdate"),
        Some(json!({"requests": [{"insertText": {"location": {"index": 1}, "text": "x"}}]})),
        403,
    );
    assert_eq!(e["error"]["code"], 403);
    // A colleague cannot see Alex's private review; an external can read an anyone-with-link Doc.
    let review = drive_id(&mut w, "Alex - Performance Self Review 2025");
    let r =
        w.handle(&Request::get(format!("/v1/documents/{review}")).as_user("jordan@nexusai.com"));
    assert_eq!(r.status, 404);
    let keys = w
        .handle(
            &Request::get("/drive/v3/files?q=name%20contains%20%27API%20Keys%27")
                .as_user("liam@nexusai.com"),
        )
        .body["files"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r =
        w.handle(&Request::get(format!("/v1/documents/{keys}")).as_user("ben.carter@outlook.com"));
    assert_eq!(r.status, 200);
    let r = w.handle(
        &Request::post(
            format!("/v1/documents/{keys}:batchUpdate"),
            json!({"requests": []}),
        )
        .as_user("ben.carter@outlook.com"),
    );
    assert_eq!(r.status, 403);
    // Non-Doc files are not Docs.
    let pdf = drive_id(&mut w, "Tax Documents 2025.pdf");
    err(
        &mut w,
        Method::Get,
        &format!("/v1/documents/{pdf}"),
        None,
        400,
    );
}

#[test]
fn uploads_convert_to_docs_and_copies_keep_structure() {
    let mut w = world();
    let body = format!(
        "--xx\r\nContent-Type: application/json\r\n\r\n{}\r\n--xx\r\nContent-Type: text/plain\r\n\r\nFirst line\nSecond line\r\n--xx--",
        json!({"name": "Imported", "mimeType": "application/vnd.google-apps.document"})
    );
    let up = w.handle(
        &Request::new(Method::Post, "/upload/drive/v3/files?uploadType=multipart")
            .with_raw_body(body),
    );
    assert_eq!(up.status, 200, "{}", up.body);
    let id = up.body["id"].as_str().unwrap().to_string();
    let doc = get(&mut w, &id);
    assert_eq!(text_of(&doc), "First line\nSecond line\n");
    assert_eq!(doc["title"], "Imported");
    let prd = drive_id(&mut w, "PRD: Offline Mode");
    let copy = ok(
        &mut w,
        Method::Post,
        &format!("/drive/v3/files/{prd}/copy"),
        Some(json!({"name": "PRD copy"})),
    );
    let cid = copy["id"].as_str().unwrap().to_string();
    let (a, b) = (get(&mut w, &prd), get(&mut w, &cid));
    assert_eq!(a["body"], b["body"]);
    assert_eq!(b["title"], "PRD copy");
    // Editing the copy leaves the original alone.
    batch(
        &mut w,
        &cid,
        json!([{"insertText": {"location": {"index": 1}, "text": "DRAFT "}}]),
    );
    assert_ne!(get(&mut w, &cid)["body"], get(&mut w, &prd)["body"]);
}
