//! Property tests of the Docs body engine: random sequences of edits (valid or not) keep the
//! body's invariants — contiguous indices, every paragraph ends with "\n", the rendered text
//! equals the stored plain text — and a failed request leaves the document untouched.

use super::body::Document;
use super::{render, requests, store};
use crate::{seeded_world, Method, Request, Scale, WorldOptions};
use proptest::prelude::*;
use serde_json::{json, Value};

fn check_segment(content: &Value, base: u64) -> Result<u64, TestCaseError> {
    let mut at = base;
    for el in content.as_array().unwrap() {
        if el.get("sectionBreak").is_some() {
            prop_assert_eq!(el["endIndex"].as_u64(), Some(1));
            at = 1;
            continue;
        }
        prop_assert_eq!(el["startIndex"].as_u64().unwrap_or(0), at, "element {}", el);
        if let Some(p) = el.get("paragraph") {
            let mut cur = at;
            let mut text = String::new();
            for e in p["elements"].as_array().unwrap() {
                prop_assert_eq!(e["startIndex"].as_u64().unwrap_or(0), cur);
                let end = e["endIndex"].as_u64().unwrap();
                prop_assert!(end > cur);
                if let Some(t) = e["textRun"]["content"].as_str() {
                    prop_assert_eq!(t.encode_utf16().count() as u64, end - cur);
                    prop_assert!(!t.is_empty());
                    text.push_str(t);
                }
                cur = end;
            }
            prop_assert!(
                text.ends_with('\n'),
                "paragraph must end with a newline: {:?}",
                text
            );
            prop_assert!(!text[..text.len() - 1].contains('\n'));
            prop_assert_eq!(el["endIndex"].as_u64(), Some(cur));
        } else if let Some(t) = el.get("table") {
            let mut cur = at + 1;
            for row in t["tableRows"].as_array().unwrap() {
                prop_assert_eq!(row["startIndex"].as_u64(), Some(cur));
                cur += 1;
                for cell in row["tableCells"].as_array().unwrap() {
                    prop_assert_eq!(cell["startIndex"].as_u64(), Some(cur));
                    cur = check_segment(&cell["content"], cur + 1)?;
                    prop_assert_eq!(cell["endIndex"].as_u64(), Some(cur));
                }
                prop_assert_eq!(row["endIndex"].as_u64(), Some(cur));
            }
            prop_assert_eq!(el["endIndex"].as_u64(), Some(cur + 1));
        }
        at = el["endIndex"].as_u64().unwrap();
    }
    Ok(at)
}

fn text_of(content: &Value, out: &mut String) {
    for el in content.as_array().unwrap() {
        if let Some(p) = el.get("paragraph") {
            for e in p["elements"].as_array().unwrap() {
                if let Some(t) = e["textRun"]["content"].as_str() {
                    out.push_str(t);
                } else if e.get("pageBreak").is_some() {
                    out.push('\u{000c}');
                }
            }
        }
        if let Some(t) = el.get("table") {
            for row in t["tableRows"].as_array().unwrap() {
                for cell in row["tableCells"].as_array().unwrap() {
                    text_of(&cell["content"], out);
                }
            }
        }
    }
}

fn request() -> impl Strategy<Value = Value> {
    let text = prop::sample::select(vec![
        "a",
        "hello",
        "\n",
        "x\ny",
        "ünï",
        "😀",
        "tab\there",
        "A\n\nB",
        "\r\u{1}z",
    ]);
    prop_oneof![
        4 => (0u32..60, text.clone()).prop_map(|(i, t)| json!({"insertText": {"location": {"index": i}, "text": t}})),
        1 => text.prop_map(|t| json!({"insertText": {"endOfSegmentLocation": {}, "text": t}})),
        3 => (0u32..60, 0u32..12).prop_map(|(a, l)| json!({"deleteContentRange": {"range": {"startIndex": a, "endIndex": a + l}}})),
        1 => (prop::sample::select(vec!["a", "hello", "l", "😀"]), any::<bool>(), prop::sample::select(vec!["", "Z", "zz\n"]))
            .prop_map(|(t, m, r)| json!({"replaceAllText": {"containsText": {"text": t, "matchCase": m}, "replaceText": r}})),
        1 => (0u32..60, 1u64..3, 1u64..3).prop_map(|(i, r, c)| json!({"insertTable": {"location": {"index": i}, "rows": r, "columns": c}})),
        1 => (0u32..60, 0u32..10).prop_map(|(a, l)| json!({"updateTextStyle": {"range": {"startIndex": a, "endIndex": a + l}, "textStyle": {"bold": true}, "fields": "bold"}})),
        1 => (0u32..60, 0u32..10).prop_map(|(a, l)| json!({"createParagraphBullets": {"range": {"startIndex": a, "endIndex": a + l}}})),
        1 => (0u32..60, 0u32..10).prop_map(|(a, l)| json!({"createNamedRange": {"name": "r", "range": {"startIndex": a, "endIndex": a + l}}})),
        1 => (0u32..60).prop_map(|i| json!({"insertPageBreak": {"location": {"index": i}}})),
        1 => Just(json!({"replaceNamedRangeContent": {"namedRangeName": "r", "text": "NR"}})),
        1 => (0u64..40, 0u64..3, 0u64..3, any::<bool>(), prop::sample::select(vec!["insertTableRow", "insertTableColumn", "deleteTableRow", "deleteTableColumn"]))
            .prop_map(|(i, r, c, b, k)| json!({k: {"tableCellLocation": {"tableStartLocation": {"index": i}, "rowIndex": r, "columnIndex": c}, "insertBelow": b, "insertRight": b}})),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_edits_keep_the_body_valid(reqs in prop::collection::vec(request(), 1..25)) {
        let mut doc = Document { body: super::body::from_text("Hello world\nSecond"), ..Document::default() };
        let mut n = 0;
        let mut ids = || { n += 1; format!("kix.t{n}") };
        for req in &reqs {
            let before = doc.clone();
            let result = requests::apply_all(&mut doc, std::slice::from_ref(req), &mut ids);
            if result.is_err() {
                prop_assert_eq!(&doc, &before, "a failed request must not change the document");
            }
            let json = render::document_json(&doc, "d", "t", "r", "SUGGESTIONS_INLINE", false);
            check_segment(&json["body"]["content"], 0)?;
            let mut text = String::new();
            text_of(&json["body"]["content"], &mut text);
            prop_assert_eq!(text, store::plain_text(&doc));
            for r in &doc.named_ranges {
                prop_assert!(r.start < r.end);
            }
        }
    }

    #[test]
    fn batches_through_the_world_keep_the_plain_text_column(reqs in prop::collection::vec(request(), 1..8)) {
        let mut w = seeded_world(&WorldOptions::default(), Scale::EMPTY).unwrap();
        let created = w.handle(&Request::post("/v1/documents", json!({"title": "P"})));
        let id = created.body["documentId"].as_str().unwrap().to_string();
        for req in &reqs {
            let r = w.handle(&Request::post(format!("/v1/documents/{id}:batchUpdate"), json!({"requests": [req]})));
            prop_assert!(r.status == 200 || r.status == 400, "{} {}", r.status, r.body);
        }
        let doc = w.handle(&Request::new(Method::Get, format!("/v1/documents/{id}")));
        let mut text = String::new();
        text_of(&doc.body["body"]["content"], &mut text);
        let plain: String = w.conn().query_row("SELECT plain_text FROM docs_documents WHERE id = ?1", [&id], |r| r.get(0)).unwrap();
        prop_assert_eq!(text, plain);
    }
}
