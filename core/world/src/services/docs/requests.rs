//! The batchUpdate request engine: each request is parsed from JSON and applied to a
//! [`Document`] by pure functions; a request the engine does not support is an error naming it,
//! never silently skipped. The caller applies a batch to a copy and keeps it only if all succeed.

use serde_json::{json, Map, Value};

use super::body::{
    self, base_of, delete_range, find_all, for_paragraphs, in_top_paragraph, insert_table,
    insert_text, segment_end, shift_ranges_delete, shift_ranges_insert, style_runs, Block, Bullet,
    Document, NamedRange, Paragraph, PAGE_BREAK,
};

/// Every request type in Google's discovery document that this engine does not implement.
pub const UNSUPPORTED: &[&str] = &[
    "acceptSuggestion",
    "addCommentReply",
    "addDocumentTab",
    "createDropdownDefinition",
    "createFootnote",
    "deleteComment",
    "deleteCommentReply",
    "deleteDropdownDefinition",
    "deletePositionedObject",
    "deleteSuggestion",
    "deleteTab",
    "insertComment",
    "insertDate",
    "insertDropdown",
    "insertInlineImage",
    "insertPerson",
    "insertRichLink",
    "insertSectionBreak",
    "mergeTableCells",
    "pinTableHeaderRows",
    "rejectSuggestion",
    "replaceImage",
    "unmergeTableCells",
    "updateCommentPost",
    "updateDocumentStyle",
    "updateDocumentTabProperties",
    "updateDropdownDefinitionProperties",
    "updateDropdownProperties",
    "updateNamedStyle",
    "updateSectionStyle",
    "updateTableCellStyle",
    "updateTableColumnProperties",
    "updateTableRowStyle",
];

pub const SUPPORTED: &[&str] = &[
    "insertText",
    "deleteContentRange",
    "replaceAllText",
    "updateTextStyle",
    "updateParagraphStyle",
    "createParagraphBullets",
    "deleteParagraphBullets",
    "insertTable",
    "insertPageBreak",
    "createNamedRange",
    "deleteNamedRange",
    "replaceNamedRangeContent",
    "createHeader",
    "createFooter",
    "deleteHeader",
    "deleteFooter",
    "insertTableRow",
    "insertTableColumn",
    "deleteTableRow",
    "deleteTableColumn",
];

const NAMED_STYLES: &[&str] = &[
    "NORMAL_TEXT",
    "TITLE",
    "SUBTITLE",
    "HEADING_1",
    "HEADING_2",
    "HEADING_3",
    "HEADING_4",
    "HEADING_5",
    "HEADING_6",
];

const PARAGRAPH_FIELDS: &[&str] = &[
    "alignment",
    "avoidWidowAndOrphan",
    "borderBetween",
    "borderBottom",
    "borderLeft",
    "borderRight",
    "borderTop",
    "direction",
    "indentEnd",
    "indentFirstLine",
    "indentStart",
    "keepLinesTogether",
    "keepWithNext",
    "lineSpacing",
    "namedStyleType",
    "pageBreakBefore",
    "shading",
    "spaceAbove",
    "spaceBelow",
    "spacingMode",
    "tabStops",
];

const TEXT_FIELDS: &[&str] = &[
    "backgroundColor",
    "baselineOffset",
    "bold",
    "fontSize",
    "foregroundColor",
    "italic",
    "link",
    "smallCaps",
    "strikethrough",
    "underline",
    "weightedFontFamily",
];

pub const BULLET_PRESETS: &[&str] = &[
    "BULLET_DISC_CIRCLE_SQUARE",
    "BULLET_DIAMONDX_ARROW3D_SQUARE",
    "BULLET_CHECKBOX",
    "BULLET_ARROW_DIAMOND_DISC",
    "BULLET_STAR_CIRCLE_SQUARE",
    "BULLET_ARROW3D_CIRCLE_SQUARE",
    "BULLET_LEFTTRIANGLE_DIAMOND_DISC",
    "BULLET_DIAMONDX_HOLLOWDIAMOND_SQUARE",
    "BULLET_DIAMOND_CIRCLE_SQUARE",
    "NUMBERED_DECIMAL_ALPHA_ROMAN",
    "NUMBERED_DECIMAL_ALPHA_ROMAN_PARENS",
    "NUMBERED_DECIMAL_NESTED",
    "NUMBERED_UPPERALPHA_ALPHA_ROMAN",
    "NUMBERED_UPPERROMAN_UPPERALPHA_DECIMAL",
    "NUMBERED_ZERODECIMAL_ALPHA_ROMAN",
];

/// Source of fresh ids (`kix.…`) for lists, named ranges, headers and footers.
pub type IdSource<'a> = &'a mut dyn FnMut() -> String;

fn obj<'a>(v: &'a Value, what: &str) -> Result<&'a Map<String, Value>, String> {
    v.as_object()
        .ok_or_else(|| format!("{what} must be an object."))
}

fn get_str<'a>(m: &'a Map<String, Value>, k: &str) -> Result<Option<&'a str>, String> {
    match m.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("{k} must be a string.")),
    }
}

fn get_index(m: &Map<String, Value>, k: &str) -> Result<Option<u32>, String> {
    match m.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .filter(|n| *n <= u64::from(u32::MAX))
            .map(|n| Some(n as u32))
            .ok_or_else(|| format!("{k} must be a non-negative integer.")),
    }
}

fn segment_of<'d>(doc: &'d mut Document, seg: Option<&str>) -> Result<&'d mut Vec<Block>, String> {
    match seg {
        None | Some("") => Ok(&mut doc.body),
        Some(id) => {
            if doc.headers.contains_key(id) {
                return doc
                    .headers
                    .get_mut(id)
                    .ok_or_else(|| "missing header".to_string());
            }
            doc.footers
                .get_mut(id)
                .ok_or_else(|| format!("The segment ID {id} does not exist in the document."))
        }
    }
}

fn seg_id(m: &Map<String, Value>) -> Result<Option<String>, String> {
    if let Some(tab) = get_str(m, "tabId")? {
        if tab != "t.0" {
            return Err(format!("The tab ID {tab} does not exist in the document."));
        }
    }
    Ok(get_str(m, "segmentId")?
        .filter(|s| !s.is_empty())
        .map(str::to_string))
}

/// `location` or `endOfSegmentLocation` → (segment, index).
fn location(doc: &mut Document, r: &Map<String, Value>) -> Result<(Option<String>, u32), String> {
    match (r.get("location"), r.get("endOfSegmentLocation")) {
        (Some(l), None) => {
            let l = obj(l, "location")?;
            let seg = seg_id(l)?;
            let idx = get_index(l, "index")?.unwrap_or(0);
            segment_of(doc, seg.as_deref())?;
            Ok((seg, idx))
        }
        (None, Some(e)) => {
            let e = obj(e, "endOfSegmentLocation")?;
            let seg = seg_id(e)?;
            let base = base_of(seg.as_deref());
            let blocks = segment_of(doc, seg.as_deref())?;
            Ok((seg, segment_end(blocks, base) - 1))
        }
        (Some(_), Some(_)) => {
            Err("Only one of location and endOfSegmentLocation may be set.".into())
        }
        (None, None) => Err("One of location or endOfSegmentLocation must be set.".into()),
    }
}

fn range(m: &Map<String, Value>) -> Result<(Option<String>, u32, u32), String> {
    let r = obj(m.get("range").ok_or("range is required.")?, "range")?;
    let seg = seg_id(r)?;
    let a = get_index(r, "startIndex")?.ok_or("range.startIndex is required.")?;
    let b = get_index(r, "endIndex")?.ok_or("range.endIndex is required.")?;
    if a >= b {
        return Err(format!(
            "The range should not be empty (startIndex {a}, endIndex {b})."
        ));
    }
    Ok((seg, a, b))
}

fn check_range(doc: &mut Document, seg: Option<&str>, a: u32, b: u32) -> Result<(), String> {
    let base = base_of(seg);
    let end = segment_end(segment_of(doc, seg)?, base);
    if a < base {
        return Err(format!(
            "Index {a} must be greater than or equal to {base}."
        ));
    }
    if b > end {
        return Err(format!("Index {b} must be less than or equal to the end index of the referenced segment, {end}."));
    }
    Ok(())
}

/// Removes characters Google strips from inserted text.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(*c as u32, 0x0..=0x8 | 0xC..=0x1F | 0xE000..=0xF8FF))
        .collect()
}

fn do_insert(doc: &mut Document, seg: Option<&str>, index: u32, text: &str) -> Result<(), String> {
    if text.is_empty() {
        return Ok(());
    }
    let base = base_of(seg);
    insert_text(segment_of(doc, seg)?, base, index, text)?;
    shift_ranges_insert(&mut doc.named_ranges, seg, index, body::u16len(text));
    Ok(())
}

fn do_delete(doc: &mut Document, seg: Option<&str>, a: u32, b: u32) -> Result<(), String> {
    let base = base_of(seg);
    delete_range(segment_of(doc, seg)?, base, a, b)?;
    shift_ranges_delete(&mut doc.named_ranges, seg, a, b);
    Ok(())
}

fn mask_fields(fields: Option<&str>, all: &[&str]) -> Result<Vec<String>, String> {
    let f = fields
        .filter(|f| !f.trim().is_empty())
        .ok_or("fields is required (a field mask such as \"bold,italic\", or \"*\").")?;
    if f.trim() == "*" {
        return Ok(all.iter().map(|s| s.to_string()).collect());
    }
    let mut out = Vec::new();
    for name in f.split(',').map(str::trim) {
        if !all.contains(&name) {
            return Err(format!("Invalid field mask: unknown field '{name}'."));
        }
        out.push(name.to_string());
    }
    Ok(out)
}

fn named_ids(doc: &Document, id: Option<&str>, name: Option<&str>) -> Result<Vec<String>, String> {
    let hits: Vec<String> = match (id, name) {
        (Some(id), None) => doc
            .named_ranges
            .iter()
            .filter(|r| r.id == id)
            .map(|r| r.id.clone())
            .collect(),
        (None, Some(n)) => doc
            .named_ranges
            .iter()
            .filter(|r| r.name == n)
            .map(|r| r.id.clone())
            .collect(),
        _ => return Err("Exactly one of namedRangeId and name must be set.".into()),
    };
    if hits.is_empty() {
        return Err(match (id, name) {
            (Some(id), _) => format!("The named range with ID {id} does not exist."),
            (_, Some(n)) => format!("No named range with name '{n}' exists."),
            _ => "No such named range.".into(),
        });
    }
    Ok(hits)
}

/// Applies one request; returns its reply (`{}` for requests without one).
pub fn apply(
    doc: &mut Document,
    kind: &str,
    req: &Value,
    new_id: IdSource<'_>,
) -> Result<Value, String> {
    let r = obj(req, kind)?;
    if let Some(result) = super::tables::apply(doc, kind, r) {
        return result;
    }
    match kind {
        "insertText" => {
            let text = clean(get_str(r, "text")?.ok_or("text is required.")?);
            let (seg, index) = location(doc, r)?;
            do_insert(doc, seg.as_deref(), index, &text)?;
            Ok(json!({}))
        }
        "deleteContentRange" => {
            let (seg, a, b) = range(r)?;
            do_delete(doc, seg.as_deref(), a, b)?;
            Ok(json!({}))
        }
        "replaceAllText" => {
            let crit = obj(
                r.get("containsText").ok_or("containsText is required.")?,
                "containsText",
            )?;
            let needle = get_str(crit, "text")?.unwrap_or("");
            if needle.is_empty() {
                return Err("containsText.text must not be empty.".into());
            }
            if crit.get("searchByRegex").and_then(Value::as_bool) == Some(true) {
                return Err("searchByRegex is not supported.".into());
            }
            let match_case = crit
                .get("matchCase")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let replacement = clean(get_str(r, "replaceText")?.unwrap_or(""));
            let mut segments: Vec<Option<String>> = vec![None];
            segments.extend(
                doc.headers
                    .keys()
                    .chain(doc.footers.keys())
                    .map(|k| Some(k.clone())),
            );
            let mut count = 0;
            for seg in segments {
                let base = base_of(seg.as_deref());
                let hits = find_all(segment_of(doc, seg.as_deref())?, base, needle, match_case);
                count += hits.len();
                let l = body::u16len(&replacement);
                for (a, b, first) in hits.into_iter().rev() {
                    if l == 0 {
                        do_delete(doc, seg.as_deref(), a, b)?;
                        continue;
                    }
                    // Insert after the match's first character so that the replacement takes
                    // the matched text's style, then remove the match around it.
                    do_insert(doc, seg.as_deref(), a + first, &replacement)?;
                    if b > a + first {
                        do_delete(doc, seg.as_deref(), a + first + l, b + l)?;
                    }
                    do_delete(doc, seg.as_deref(), a, a + first)?;
                }
            }
            Ok(json!({"replaceAllText": {"occurrencesChanged": count}}))
        }
        "updateTextStyle" => {
            let (seg, a, b) = range(r)?;
            check_range(doc, seg.as_deref(), a, b)?;
            let style = obj(r.get("textStyle").unwrap_or(&json!({})), "textStyle")?.clone();
            let fields = mask_fields(get_str(r, "fields")?, TEXT_FIELDS)?;
            let base = base_of(seg.as_deref());
            style_runs(segment_of(doc, seg.as_deref())?, base, a, b, &mut |run| {
                for f in &fields {
                    match style.get(f) {
                        Some(v) if !v.is_null() => {
                            run.style.insert(f.clone(), v.clone());
                        }
                        _ => {
                            run.style.remove(f);
                        }
                    }
                }
            })?;
            Ok(json!({}))
        }
        "updateParagraphStyle" => {
            let (seg, a, b) = range(r)?;
            check_range(doc, seg.as_deref(), a, b)?;
            let style = obj(
                r.get("paragraphStyle").unwrap_or(&json!({})),
                "paragraphStyle",
            )?
            .clone();
            let fields = mask_fields(get_str(r, "fields")?, PARAGRAPH_FIELDS)?;
            if let Some(n) = style.get("namedStyleType") {
                if !n.as_str().is_some_and(|n| NAMED_STYLES.contains(&n)) {
                    return Err(format!("Invalid namedStyleType {n}."));
                }
            }
            let base = base_of(seg.as_deref());
            for_paragraphs(segment_of(doc, seg.as_deref())?, base, a, b, &mut |p, _| {
                for f in &fields {
                    match style.get(f) {
                        Some(v) if !v.is_null() => {
                            p.style.insert(f.clone(), v.clone());
                        }
                        _ if f == "namedStyleType" => {
                            p.style.insert(f.clone(), json!("NORMAL_TEXT"));
                        }
                        _ => {
                            p.style.remove(f);
                        }
                    }
                }
                Ok(())
            })?;
            Ok(json!({}))
        }
        "createParagraphBullets" => {
            let (seg, a, b) = range(r)?;
            check_range(doc, seg.as_deref(), a, b)?;
            let preset = get_str(r, "bulletPreset")?.unwrap_or("BULLET_DISC_CIRCLE_SQUARE");
            if !BULLET_PRESETS.contains(&preset) {
                return Err(format!("Invalid bulletPreset {preset}."));
            }
            let list_id = new_id();
            doc.lists.insert(list_id.clone(), preset.to_string());
            let base = base_of(seg.as_deref());
            // Leading tabs set the nesting level and are removed, as in Google Docs.
            let mut tabs_at: Vec<(u32, u32)> = Vec::new();
            for_paragraphs(
                segment_of(doc, seg.as_deref())?,
                base,
                a,
                b,
                &mut |p, start| {
                    let tabs = p.text().chars().take_while(|c| *c == '\t').count() as u32;
                    p.bullet = Some(Bullet {
                        list_id: list_id.clone(),
                        nesting_level: tabs.min(8),
                    });
                    if tabs > 0 {
                        tabs_at.push((start, tabs));
                    }
                    Ok(())
                },
            )?;
            for (start, tabs) in tabs_at.into_iter().rev() {
                do_delete(doc, seg.as_deref(), start, start + tabs)?;
            }
            Ok(json!({}))
        }
        "deleteParagraphBullets" => {
            let (seg, a, b) = range(r)?;
            check_range(doc, seg.as_deref(), a, b)?;
            let base = base_of(seg.as_deref());
            for_paragraphs(segment_of(doc, seg.as_deref())?, base, a, b, &mut |p, _| {
                p.bullet = None;
                Ok(())
            })?;
            Ok(json!({}))
        }
        "insertTable" => {
            let rows = r
                .get("rows")
                .and_then(Value::as_u64)
                .ok_or("rows must be a positive integer.")?;
            let cols = r
                .get("columns")
                .and_then(Value::as_u64)
                .ok_or("columns must be a positive integer.")?;
            if !(1..=1000).contains(&rows) || !(1..=20).contains(&cols) {
                return Err("A table must have 1 to 1000 rows and 1 to 20 columns.".into());
            }
            let (seg, index) = location(doc, r)?;
            if seg.is_some() {
                return Err("Tables can only be inserted into the body.".into());
            }
            if !in_top_paragraph(&doc.body, 1, index) {
                return Err(
                    "Tables can only be inserted into a body paragraph, not inside a table.".into(),
                );
            }
            let end = segment_end(&doc.body, 1);
            if index >= end {
                return Err(format!("Index {index} must be less than the end index of the referenced segment, {end}."));
            }
            let before = segment_end(&doc.body, 1);
            insert_table(&mut doc.body, 1, index, rows as usize, cols as usize)?;
            let grown = segment_end(&doc.body, 1) - before;
            shift_ranges_insert(&mut doc.named_ranges, None, index, grown);
            Ok(json!({}))
        }
        "insertPageBreak" => {
            let (seg, index) = location(doc, r)?;
            if seg.is_some() {
                return Err("Page breaks can only be inserted into the body.".into());
            }
            if !in_top_paragraph(&doc.body, 1, index) {
                return Err("Page breaks cannot be inserted inside a table.".into());
            }
            let text = format!("{PAGE_BREAK}\n");
            insert_text(&mut doc.body, 1, index, &text)?;
            shift_ranges_insert(&mut doc.named_ranges, None, index, 2);
            Ok(json!({}))
        }
        "createNamedRange" => {
            let name = get_str(r, "name")?.ok_or("name is required.")?;
            let len = body::u16len(name);
            if !(1..=256).contains(&len) {
                return Err("A named range name must be 1 to 256 characters long.".into());
            }
            let (seg, a, b) = range(r)?;
            check_range(doc, seg.as_deref(), a, b)?;
            let id = new_id();
            doc.named_ranges.push(NamedRange {
                id: id.clone(),
                name: name.to_string(),
                segment: seg,
                start: a,
                end: b,
            });
            Ok(json!({"createNamedRange": {"namedRangeId": id}}))
        }
        "deleteNamedRange" => {
            let ids = named_ids(doc, get_str(r, "namedRangeId")?, get_str(r, "name")?)?;
            doc.named_ranges.retain(|n| !ids.contains(&n.id));
            Ok(json!({}))
        }
        "replaceNamedRangeContent" => {
            let text = clean(get_str(r, "text")?.unwrap_or(""));
            let ids = named_ids(
                doc,
                get_str(r, "namedRangeId")?,
                get_str(r, "namedRangeName")?,
            )?;
            let mut targets: Vec<NamedRange> = doc
                .named_ranges
                .iter()
                .filter(|n| ids.contains(&n.id))
                .cloned()
                .collect();
            targets.sort_by_key(|t| std::cmp::Reverse(t.start));
            let l = body::u16len(&text);
            for t in targets {
                let seg = t.segment.as_deref();
                do_insert(doc, seg, t.start, &text)?;
                if t.end > t.start {
                    do_delete(doc, seg, t.start + l, t.end + l)?;
                }
                if let Some(n) = doc.named_ranges.iter_mut().find(|n| n.id == t.id) {
                    n.start = t.start;
                    n.end = t.start + l;
                } else if l > 0 {
                    doc.named_ranges.push(NamedRange {
                        end: t.start + l,
                        ..t
                    });
                }
            }
            doc.named_ranges.retain(|n| n.start < n.end);
            Ok(json!({}))
        }
        "createHeader" | "createFooter" => {
            let ty = get_str(r, "type")?.unwrap_or("DEFAULT");
            if ty != "DEFAULT" {
                return Err(format!(
                    "Invalid type {ty}: only DEFAULT headers and footers are supported."
                ));
            }
            let header = kind == "createHeader";
            let existing = if header {
                &doc.default_header_id
            } else {
                &doc.default_footer_id
            };
            if existing.is_some() {
                return Err(format!(
                    "A default {} already exists.",
                    if header { "header" } else { "footer" }
                ));
            }
            let id = new_id();
            let content = vec![Block::Paragraph(Paragraph::new("", "NORMAL_TEXT"))];
            if header {
                doc.headers.insert(id.clone(), content);
                doc.default_header_id = Some(id.clone());
                Ok(json!({"createHeader": {"headerId": id}}))
            } else {
                doc.footers.insert(id.clone(), content);
                doc.default_footer_id = Some(id.clone());
                Ok(json!({"createFooter": {"footerId": id}}))
            }
        }
        "deleteHeader" | "deleteFooter" => {
            let header = kind == "deleteHeader";
            let key = if header { "headerId" } else { "footerId" };
            let id = get_str(r, key)?
                .ok_or(format!("{key} is required."))?
                .to_string();
            let map = if header {
                &mut doc.headers
            } else {
                &mut doc.footers
            };
            if map.remove(&id).is_none() {
                return Err(format!(
                    "The {} with ID {id} does not exist.",
                    if header { "header" } else { "footer" }
                ));
            }
            if header && doc.default_header_id.as_deref() == Some(id.as_str()) {
                doc.default_header_id = None;
            }
            if !header && doc.default_footer_id.as_deref() == Some(id.as_str()) {
                doc.default_footer_id = None;
            }
            doc.named_ranges
                .retain(|n| n.segment.as_deref() != Some(id.as_str()));
            Ok(json!({}))
        }
        other if UNSUPPORTED.contains(&other) => Err(format!(
            "The request type '{other}' is not supported by this mock (supported: {}).",
            SUPPORTED.join(", ")
        )),
        other => Err(format!("Unknown request type '{other}'.")),
    }
}

/// Applies a batch to a copy of `doc`; on the first error returns `Err((index, kind, message))`
/// and leaves `doc` untouched.
pub fn apply_all(
    doc: &mut Document,
    requests: &[Value],
    new_id: IdSource<'_>,
) -> Result<Vec<Value>, (usize, String, String)> {
    let mut work = doc.clone();
    let mut replies = Vec::with_capacity(requests.len());
    for (i, req) in requests.iter().enumerate() {
        let m = req.as_object().ok_or((
            i,
            "request".to_string(),
            "Each request must be an object.".to_string(),
        ))?;
        let mut keys = m.iter().filter(|(_, v)| !v.is_null());
        let (kind, inner) = match (keys.next(), keys.next()) {
            (Some((k, v)), None) => (k.clone(), v.clone()),
            (None, _) => {
                return Err((
                    i,
                    "request".into(),
                    "The request is empty: it must set exactly one request type.".into(),
                ))
            }
            (Some(_), Some(_)) => {
                return Err((
                    i,
                    "request".into(),
                    "A request must set exactly one request type.".into(),
                ))
            }
        };
        match apply(&mut work, &kind, &inner, new_id) {
            Ok(reply) => replies.push(reply),
            Err(msg) => return Err((i, kind, msg)),
        }
    }
    *doc = work;
    Ok(replies)
}
