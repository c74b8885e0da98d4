//! Docs tools: read a Doc as light markup (`# ` headings, `- ` bullets, `| a | b |` tables),
//! replace text, insert text at the end / after a paragraph / at the end of a section (the
//! index is computed from the document, so a model never counts characters), and create Docs.

use serde_json::{json, Value};

use super::{enc, truncate, Access, App, Args, Session, Tool, ToolError};
use env0_world::Method;

const BASE: &str = "/v1/documents";
/// Docs are longer than mail bodies; a model reading one needs most of it.
const MAX_DOC_TEXT: usize = 6_000;

fn doc_param() -> Value {
    json!({"type": "string", "description": "document id (the Drive file id)"})
}

pub fn tools() -> Vec<Tool> {
    vec![
        Tool {
            name: "docs_read",
            app: App::Docs,
            access: Access::Read,
            description: "Read a Google Doc: title and text, with # headings, - bullets and | \
                          tables |."
                .into(),
            parameters: json!({"type": "object", "properties": {"document_id": doc_param()}, "required": ["document_id"]}),
            run: read,
        },
        Tool {
            name: "docs_replace_text",
            app: App::Docs,
            access: Access::Write,
            description: "Replace every occurrence of a text in a Doc. Returns how many were \
                          replaced."
                .into(),
            parameters: json!({"type": "object", "properties": {
                "document_id": doc_param(),
                "find": {"type": "string"}, "replace_with": {"type": "string", "description": "new text (empty: delete)"},
                "match_case": {"type": "boolean", "description": "default false"}},
                "required": ["document_id", "find", "replace_with"]}),
            run: replace_text,
        },
        Tool {
            name: "docs_insert_text",
            app: App::Docs,
            access: Access::Write,
            description: "Add paragraphs to a Doc: at the end, after the paragraph containing \
                          `after`, or at the end of the section under heading `section`."
                .into(),
            parameters: json!({"type": "object", "properties": {
                "document_id": doc_param(),
                "text": {"type": "string", "description": "text to add; new lines start new paragraphs"},
                "after": {"type": "string", "description": "text of the paragraph to insert after"},
                "section": {"type": "string", "description": "heading of the section to append to"},
                "bullets": {"type": "boolean", "description": "make the new paragraphs bullet points"}},
                "required": ["document_id", "text"]}),
            run: insert_text,
        },
        Tool {
            name: "docs_create",
            app: App::Docs,
            access: Access::Write,
            description: "Create a new Google Doc with a title and optional text.".into(),
            parameters: json!({"type": "object", "properties": {
                "title": {"type": "string"}, "text": {"type": "string", "description": "initial content"}},
                "required": ["title"]}),
            run: create,
        },
    ]
}

/// UTF-16 length, the unit of Docs indices.
fn u16len(s: &str) -> i64 {
    s.encode_utf16().count() as i64
}

/// One paragraph of the body: its range, text (without the final newline), style and bullet.
struct Para {
    start: i64,
    end: i64,
    text: String,
    style: String,
    bullet: Option<i64>,
}

fn para_text(p: &Value) -> String {
    let mut text: String = p["elements"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["textRun"]["content"].as_str())
        .collect();
    if text.ends_with('\n') {
        text.pop();
    }
    text
}

/// The body's top-level paragraphs, in order (tables are skipped: text never goes inside them).
fn paragraphs(doc: &Value) -> Vec<Para> {
    doc["body"]["content"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|el| el["paragraph"].is_object())
        .map(|el| {
            let p = &el["paragraph"];
            Para {
                start: el["startIndex"].as_i64().unwrap_or(1),
                end: el["endIndex"].as_i64().unwrap_or(1),
                text: para_text(p),
                style: p["paragraphStyle"]["namedStyleType"]
                    .as_str()
                    .unwrap_or("NORMAL_TEXT")
                    .to_string(),
                bullet: p["bullet"]
                    .is_object()
                    .then(|| p["bullet"]["nestingLevel"].as_i64().unwrap_or(0)),
            }
        })
        .collect()
}

fn heading_level(style: &str) -> Option<usize> {
    match style {
        "TITLE" => Some(0),
        "SUBTITLE" => Some(1),
        s => s.strip_prefix("HEADING_").and_then(|n| n.parse().ok()),
    }
}

fn markup_paragraph(p: &Value) -> String {
    let text = para_text(p);
    let style = p["paragraphStyle"]["namedStyleType"]
        .as_str()
        .unwrap_or("NORMAL_TEXT");
    if p["bullet"].is_object() {
        let level = p["bullet"]["nestingLevel"].as_u64().unwrap_or(0) as usize;
        return format!("{}- {text}", "  ".repeat(level));
    }
    match style {
        "TITLE" => format!("= {text}"),
        "SUBTITLE" => text,
        s => match s
            .strip_prefix("HEADING_")
            .and_then(|n| n.parse::<usize>().ok())
        {
            Some(n) => format!("{} {text}", "#".repeat(n)),
            None => text,
        },
    }
}

fn markup(doc: &Value) -> String {
    let mut lines = Vec::new();
    for el in doc["body"]["content"].as_array().into_iter().flatten() {
        if el["paragraph"].is_object() {
            lines.push(markup_paragraph(&el["paragraph"]));
        } else if let Some(rows) = el["table"]["tableRows"].as_array() {
            for row in rows {
                let cells: Vec<String> = row["tableCells"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|c| {
                        c["content"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(|x| para_text(&x["paragraph"]))
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .collect();
                lines.push(format!("| {} |", cells.join(" | ")));
            }
        }
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

fn get_doc(s: &mut Session<'_>, id: &str) -> Result<Value, ToolError> {
    s.get(&format!("{BASE}/{}", enc(id)))
}

fn read(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let id = a.str("document_id")?;
    let doc = get_doc(s, id)?;
    Ok(json!({
        "document_id": doc["documentId"], "title": doc["title"],
        "text": truncate(&markup(&doc), MAX_DOC_TEXT),
    }))
}

fn batch(s: &mut Session<'_>, id: &str, requests: Vec<Value>) -> Result<Value, ToolError> {
    s.call(
        Method::Post,
        &format!("{BASE}/{}:batchUpdate", enc(id)),
        Some(json!({"requests": requests})),
    )
}

fn replace_text(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let id = a.str("document_id")?;
    let find = a.str("find")?;
    // An empty replacement is a deletion; the argument must still be given.
    let with = a.value("replace_with").as_str().unwrap_or_default();
    let match_case = a.opt_bool("match_case").unwrap_or(false);
    let r = batch(
        s,
        id,
        vec![json!({"replaceAllText": {
            "containsText": {"text": find, "matchCase": match_case}, "replaceText": with}})],
    )?;
    let n = r["replies"][0]["replaceAllText"]["occurrencesChanged"]
        .as_i64()
        .unwrap_or(0);
    let mut out = json!({"document_id": id, "occurrences_changed": n});
    if n == 0 {
        out["note"] = json!(format!("'{find}' was not found; nothing changed"));
    }
    Ok(out)
}

fn find_para<'p>(paras: &'p [Para], needle: &str) -> Option<(usize, &'p Para)> {
    let n = needle.trim().to_lowercase();
    paras
        .iter()
        .enumerate()
        .find(|(_, p)| p.text.to_lowercase().contains(&n))
}

/// The paragraph after which new text goes.
fn anchor<'p>(paras: &'p [Para], a: &Args) -> Result<&'p Para, ToolError> {
    if let Some(after) = a.opt_str("after") {
        return find_para(paras, after)
            .map(|(_, p)| p)
            .ok_or_else(|| ToolError::new(format!("no paragraph contains '{after}'")));
    }
    if let Some(section) = a.opt_str("section") {
        let headings: Vec<(usize, &Para)> = paras
            .iter()
            .enumerate()
            .filter(|(_, p)| heading_level(&p.style).is_some())
            .collect();
        let n = section.trim().trim_start_matches('#').trim().to_lowercase();
        let (i, h) = headings
            .iter()
            .find(|(_, p)| p.text.to_lowercase().contains(&n))
            .copied()
            .ok_or_else(|| {
                let names: Vec<&str> = headings.iter().map(|(_, p)| p.text.as_str()).collect();
                ToolError::new(format!(
                    "no heading contains '{section}'; headings: {}",
                    names.join(" | ")
                ))
            })?;
        let level = heading_level(&h.style).unwrap_or(0);
        // The section runs to the next heading of the same or a higher level.
        let end = paras[i + 1..]
            .iter()
            .position(|p| heading_level(&p.style).is_some_and(|l| l <= level))
            .map_or(paras.len(), |k| i + 1 + k);
        // Skip trailing empty paragraphs so the text joins the section's content.
        let mut last = end - 1;
        while last > i && paras[last].text.trim().is_empty() {
            last -= 1;
        }
        return Ok(&paras[last]);
    }
    let mut last = paras
        .len()
        .checked_sub(1)
        .ok_or_else(|| ToolError::new("the document has no paragraphs to insert after"))?;
    while last > 0 && paras[last].text.trim().is_empty() {
        last -= 1;
    }
    Ok(&paras[last])
}

fn insert_text(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let id = a.str("document_id")?;
    let text = a.str("text")?.replace("\r\n", "\n");
    let text = text.trim_end_matches('\n');
    if text.trim().is_empty() {
        return Err(ToolError::new("'text' must not be empty"));
    }
    if a.has("after") && a.has("section") {
        return Err(ToolError::new("give either 'after' or 'section', not both"));
    }
    let doc = get_doc(s, id)?;
    let paras = paragraphs(&doc);
    let p = anchor(&paras, a)?;
    // Into an empty paragraph the text goes as is; otherwise it starts a new paragraph
    // right after the anchor's text.
    let (index, inserted, first) = if p.text.is_empty() {
        (p.start, text.to_string(), p.start)
    } else {
        (p.end - 1, format!("\n{text}"), p.end)
    };
    let last = first + u16len(text);
    let mut requests = vec![
        json!({"insertText": {"location": {"index": index}, "text": inserted}}),
        json!({"updateParagraphStyle": {"range": {"startIndex": first, "endIndex": last.max(first + 1)},
            "paragraphStyle": {"namedStyleType": "NORMAL_TEXT"}, "fields": "namedStyleType"}}),
    ];
    let range = json!({"startIndex": first, "endIndex": last.max(first + 1)});
    if a.opt_bool("bullets") == Some(true) {
        requests.push(json!({"createParagraphBullets": {"range": range,
            "bulletPreset": "BULLET_DISC_CIRCLE_SQUARE"}}));
    } else if p.bullet.is_some() || p.text.is_empty() {
        requests.push(json!({"deleteParagraphBullets": {"range": range}}));
    }
    batch(s, id, requests)?;
    let after = if p.text.is_empty() {
        Value::Null
    } else {
        json!(truncate(&p.text, 80))
    };
    Ok(json!({"document_id": id, "inserted_at": index, "after_paragraph": after}))
}

fn create(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let title = a.str("title")?;
    let doc = s.call(Method::Post, BASE, Some(json!({"title": title})))?;
    let id = doc["documentId"].as_str().unwrap_or_default().to_string();
    if let Some(text) = a.opt_str("text") {
        let text = text.replace("\r\n", "\n");
        batch(
            s,
            &id,
            vec![json!({"insertText": {"location": {"index": 1}, "text": text}})],
        )?;
    }
    Ok(json!({"document_id": id, "title": doc["title"]}))
}
