//! The Document resource as Docs v1 returns it, computed from the body model: every structural
//! element and paragraph element carries its startIndex/endIndex (0 omitted, as in proto3 JSON).

use serde_json::{json, Map, Value};

use super::body::{u16len, Block, Document, Paragraph, Table, PAGE_BREAK};

fn pt(m: f64) -> Value {
    json!({"magnitude": m, "unit": "PT"})
}

fn with_indices(mut v: Value, start: u32, end: u32) -> Value {
    if start > 0 {
        v["startIndex"] = json!(start);
    }
    v["endIndex"] = json!(end);
    v
}

fn paragraph_json(p: &Paragraph, start: u32) -> Value {
    let mut elements = Vec::new();
    let mut at = start;
    for run in &p.runs {
        // A page break is its own element even if stored together with text.
        let mut pieces: Vec<(bool, String)> = Vec::new();
        let mut cur = String::new();
        for c in run.text.chars() {
            if c == PAGE_BREAK {
                if !cur.is_empty() {
                    pieces.push((false, std::mem::take(&mut cur)));
                }
                pieces.push((true, String::new()));
            } else {
                cur.push(c);
            }
        }
        if !cur.is_empty() {
            pieces.push((false, cur));
        }
        for (is_break, text) in pieces {
            let len = if is_break { 1 } else { u16len(&text) };
            let el = if is_break {
                json!({"pageBreak": {"textStyle": Value::Object(run.style.clone())}})
            } else {
                json!({"textRun": {"content": text, "textStyle": Value::Object(run.style.clone())}})
            };
            elements.push(with_indices(el, at, at + len));
            at += len;
        }
    }
    let mut style = p.style.clone();
    style.entry("direction").or_insert(json!("LEFT_TO_RIGHT"));
    let mut para = json!({"elements": elements, "paragraphStyle": Value::Object(style)});
    if let Some(b) = &p.bullet {
        let mut bj = json!({"listId": b.list_id, "textStyle": {}});
        if b.nesting_level > 0 {
            bj["nestingLevel"] = json!(b.nesting_level);
        }
        para["bullet"] = bj;
    }
    with_indices(json!({"paragraph": para}), start, at)
}

fn table_json(t: &Table, start: u32) -> Value {
    let mut at = start + 1;
    let cols = t.cells.first().map(Vec::len).unwrap_or(0);
    let mut rows = Vec::new();
    for row in &t.cells {
        let row_start = at;
        at += 1;
        let mut cells = Vec::new();
        for cell in row {
            let cell_start = at;
            at += 1;
            let mut content = Vec::new();
            for p in cell {
                content.push(paragraph_json(p, at));
                at += p.len();
            }
            cells.push(with_indices(
                json!({"content": content, "tableCellStyle": {"rowSpan": 1, "columnSpan": 1,
                    "backgroundColor": {}, "paddingLeft": pt(5.0), "paddingRight": pt(5.0),
                    "paddingTop": pt(5.0), "paddingBottom": pt(5.0), "contentAlignment": "TOP"}}),
                cell_start,
                at,
            ));
        }
        rows.push(with_indices(
            json!({"tableCells": cells, "tableRowStyle": {"minRowHeight": {"unit": "PT"}}}),
            row_start,
            at,
        ));
    }
    let columns: Vec<Value> = (0..cols)
        .map(|_| json!({"widthType": "EVENLY_DISTRIBUTED"}))
        .collect();
    with_indices(
        json!({"table": {"rows": t.cells.len(), "columns": cols, "tableRows": rows,
            "tableStyle": {"tableColumnProperties": columns}}}),
        start,
        at + 1,
    )
}

/// The structural elements of a segment starting at `base`.
pub fn segment_json(blocks: &[Block], base: u32) -> Vec<Value> {
    let mut out = Vec::new();
    if base == 1 {
        out.push(json!({"endIndex": 1, "sectionBreak": {"sectionStyle": {
            "columnSeparatorStyle": "NONE", "contentDirection": "LEFT_TO_RIGHT", "sectionType": "CONTINUOUS"}}}));
    }
    let mut at = base;
    for b in blocks {
        out.push(match b {
            Block::Paragraph(p) => paragraph_json(p, at),
            Block::Table(t) => table_json(t, at),
        });
        at += b.len();
    }
    out
}

fn nesting_levels(preset: &str) -> Vec<Value> {
    let numbered = preset.starts_with("NUMBERED");
    let glyphs = ["●", "○", "■"];
    let types = ["DECIMAL", "ALPHA", "ROMAN"];
    (0..9)
        .map(|i| {
            let mut l = json!({
                "bulletAlignment": "START",
                "indentFirstLine": pt(18.0 + 36.0 * i as f64),
                "indentStart": pt(36.0 + 36.0 * i as f64),
                "textStyle": {"underline": false},
                "startNumber": 1,
            });
            if numbered {
                l["glyphType"] = json!(types[i % 3]);
                l["glyphFormat"] = json!(format!("%{i}."));
            } else {
                l["glyphSymbol"] = json!(glyphs[i % 3]);
                l["glyphFormat"] = json!(format!("%{i}"));
            }
            l
        })
        .collect()
}

fn named_styles() -> Value {
    let sizes = [
        ("NORMAL_TEXT", 11.0, false),
        ("TITLE", 26.0, false),
        ("SUBTITLE", 15.0, false),
        ("HEADING_1", 20.0, false),
        ("HEADING_2", 16.0, false),
        ("HEADING_3", 14.0, false),
        ("HEADING_4", 12.0, false),
        ("HEADING_5", 11.0, false),
        ("HEADING_6", 11.0, true),
    ];
    let styles: Vec<Value> = sizes
        .iter()
        .map(|(name, size, italic)| {
            json!({
                "namedStyleType": name,
                "textStyle": {"bold": false, "italic": italic, "underline": false, "strikethrough": false,
                    "smallCaps": false, "fontSize": pt(*size),
                    "weightedFontFamily": {"fontFamily": "Arial", "weight": 400}},
                "paragraphStyle": {"namedStyleType": name, "alignment": "START", "lineSpacing": 115,
                    "direction": "LEFT_TO_RIGHT", "spacingMode": "COLLAPSE_LISTS",
                    "spaceAbove": {"unit": "PT"}, "spaceBelow": {"unit": "PT"}},
            })
        })
        .collect();
    json!({"styles": styles})
}

/// The per-tab content (body, headers, footers, styles, lists, named ranges).
fn tab_content(doc: &Document) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        "body".into(),
        json!({"content": segment_json(&doc.body, 1)}),
    );
    if !doc.headers.is_empty() {
        let h: Map<String, Value> = doc
            .headers
            .iter()
            .map(|(id, b)| {
                (
                    id.clone(),
                    json!({"headerId": id, "content": segment_json(b, 0)}),
                )
            })
            .collect();
        m.insert("headers".into(), Value::Object(h));
    }
    if !doc.footers.is_empty() {
        let f: Map<String, Value> = doc
            .footers
            .iter()
            .map(|(id, b)| {
                (
                    id.clone(),
                    json!({"footerId": id, "content": segment_json(b, 0)}),
                )
            })
            .collect();
        m.insert("footers".into(), Value::Object(f));
    }
    let mut style = json!({
        "background": {"color": {}},
        "pageNumberStart": 1,
        "marginTop": pt(72.0), "marginBottom": pt(72.0), "marginRight": pt(72.0), "marginLeft": pt(72.0),
        "marginHeader": pt(36.0), "marginFooter": pt(36.0),
        "pageSize": {"height": pt(792.0), "width": pt(612.0)},
        "useCustomHeaderFooterMargins": true,
    });
    if let Some(h) = &doc.default_header_id {
        style["defaultHeaderId"] = json!(h);
    }
    if let Some(f) = &doc.default_footer_id {
        style["defaultFooterId"] = json!(f);
    }
    m.insert("documentStyle".into(), style);
    m.insert("namedStyles".into(), named_styles());
    if !doc.lists.is_empty() {
        let l: Map<String, Value> = doc
            .lists
            .iter()
            .map(|(id, preset)| {
                (
                    id.clone(),
                    json!({"listProperties": {"nestingLevels": nesting_levels(preset)}}),
                )
            })
            .collect();
        m.insert("lists".into(), Value::Object(l));
    }
    if !doc.named_ranges.is_empty() {
        let mut by_name: Map<String, Value> = Map::new();
        for r in &doc.named_ranges {
            let mut range = json!({"startIndex": r.start, "endIndex": r.end, "tabId": "t.0"});
            if let Some(s) = &r.segment {
                range["segmentId"] = json!(s);
            }
            let entry = by_name
                .entry(r.name.clone())
                .or_insert_with(|| json!({"name": r.name, "namedRanges": []}));
            if let Some(list) = entry["namedRanges"].as_array_mut() {
                list.push(json!({"namedRangeId": r.id, "name": r.name, "ranges": [range]}));
            }
        }
        m.insert("namedRanges".into(), Value::Object(by_name));
    }
    m
}

/// The full Document resource.
pub fn document_json(
    doc: &Document,
    id: &str,
    title: &str,
    revision_id: &str,
    mode: &str,
    tabs: bool,
) -> Value {
    let mut out = Map::new();
    out.insert("documentId".into(), json!(id));
    out.insert("title".into(), json!(title));
    out.insert("revisionId".into(), json!(revision_id));
    out.insert("suggestionsViewMode".into(), json!(mode));
    let content = tab_content(doc);
    if tabs {
        out.insert(
            "tabs".into(),
            json!([{"tabProperties": {"tabId": "t.0", "title": "Tab 1", "index": 0},
                    "documentTab": Value::Object(content)}]),
        );
    } else {
        out.extend(content);
    }
    Value::Object(out)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn paragraph_html(p: &Paragraph) -> String {
    let mut inner = String::new();
    for r in &p.runs {
        let text = escape(r.text.trim_end_matches('\n'))
            .replace(PAGE_BREAK, "<hr style=\"page-break-before:always\">");
        if text.is_empty() {
            continue;
        }
        let mut t = text;
        if r.style.get("bold") == Some(&json!(true)) {
            t = format!("<b>{t}</b>");
        }
        if r.style.get("italic") == Some(&json!(true)) {
            t = format!("<i>{t}</i>");
        }
        if r.style.get("underline") == Some(&json!(true)) {
            t = format!("<u>{t}</u>");
        }
        if let Some(url) = r
            .style
            .get("link")
            .and_then(|l| l.get("url"))
            .and_then(Value::as_str)
        {
            t = format!("<a href=\"{}\">{t}</a>", escape(url));
        }
        inner.push_str(&t);
    }
    let tag = match p
        .style
        .get("namedStyleType")
        .and_then(Value::as_str)
        .unwrap_or("NORMAL_TEXT")
    {
        "TITLE" => "h1 class=\"title\"",
        "SUBTITLE" => "p class=\"subtitle\"",
        "HEADING_1" => "h1",
        "HEADING_2" => "h2",
        "HEADING_3" => "h3",
        "HEADING_4" => "h4",
        "HEADING_5" => "h5",
        "HEADING_6" => "h6",
        _ => "p",
    };
    let close = tag.split(' ').next().unwrap_or("p");
    if p.bullet.is_some() {
        format!("<li>{inner}</li>")
    } else {
        format!("<{tag}>{inner}</{close}>")
    }
}

/// An HTML rendering of the body (the text/html export).
pub fn html(doc: &Document, title: &str) -> String {
    let mut out = format!(
        "<html><head><meta charset=\"utf-8\"><title>{}</title></head><body>",
        escape(title)
    );
    let mut in_list = false;
    for b in &doc.body {
        match b {
            Block::Paragraph(p) => {
                if p.bullet.is_some() != in_list {
                    out.push_str(if in_list { "</ul>" } else { "<ul>" });
                    in_list = !in_list;
                }
                out.push_str(&paragraph_html(p));
            }
            Block::Table(t) => {
                if in_list {
                    out.push_str("</ul>");
                    in_list = false;
                }
                out.push_str("<table>");
                for row in &t.cells {
                    out.push_str("<tr>");
                    for cell in row {
                        out.push_str("<td>");
                        for p in cell {
                            out.push_str(&paragraph_html(p));
                        }
                        out.push_str("</td>");
                    }
                    out.push_str("</tr>");
                }
                out.push_str("</table>");
            }
        }
    }
    if in_list {
        out.push_str("</ul>");
    }
    out.push_str("</body></html>");
    out
}
