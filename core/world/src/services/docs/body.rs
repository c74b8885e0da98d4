//! The document body model and its edit primitives: pure functions over [`Document`], no I/O.
//!
//! Indices are Google's: UTF-16 code units, 1-based in the body (index 0 is the section break
//! that opens it), 0-based in headers and footers. Every paragraph ends with "\n"; a table takes
//! one index to open, one per row and one per cell, and one to close. Indices are never stored:
//! they are computed from the structure, so every edit leaves them contiguous by construction.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Page breaks are stored as this character inside a run (it takes one index, like Google's
/// pageBreak element); inserted text never contains it (control characters are stripped).
pub const PAGE_BREAK: char = '\u{000c}';

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub text: String,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub style: Map<String, Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bullet {
    pub list_id: String,
    #[serde(default)]
    pub nesting_level: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Paragraph {
    pub runs: Vec<Run>,
    /// `namedStyleType` and any other ParagraphStyle fields that were set.
    pub style: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bullet: Option<Bullet>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// rows × columns; every cell holds paragraphs.
    pub cells: Vec<Vec<Vec<Paragraph>>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Block {
    Paragraph(Paragraph),
    Table(Table),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NamedRange {
    pub id: String,
    pub name: String,
    /// `None` for the body, else a header or footer id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    pub start: u32,
    pub end: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub body: Vec<Block>,
    #[serde(default)]
    pub headers: BTreeMap<String, Vec<Block>>,
    #[serde(default)]
    pub footers: BTreeMap<String, Vec<Block>>,
    /// list id → bullet preset.
    #[serde(default)]
    pub lists: BTreeMap<String, String>,
    #[serde(default)]
    pub named_ranges: Vec<NamedRange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_header_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_footer_id: Option<String>,
}

/// UTF-16 length of a string.
pub fn u16len(s: &str) -> u32 {
    s.encode_utf16().count() as u32
}

/// Byte offset of UTF-16 offset `k` in `s`; `None` past the end or inside a surrogate pair.
pub fn byte_at(s: &str, k: u32) -> Option<usize> {
    let mut units = 0u32;
    for (b, c) in s.char_indices() {
        if units == k {
            return Some(b);
        }
        if units > k {
            return None;
        }
        units += c.len_utf16() as u32;
    }
    (units == k).then_some(s.len())
}

impl Paragraph {
    pub fn new(text: &str, named_style: &str) -> Paragraph {
        let mut style = Map::new();
        style.insert("namedStyleType".into(), Value::String(named_style.into()));
        let mut text = text.to_string();
        if !text.ends_with('\n') {
            text.push('\n');
        }
        Paragraph {
            runs: vec![Run {
                text,
                style: Map::new(),
            }],
            style,
            bullet: None,
        }
    }

    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }

    pub fn len(&self) -> u32 {
        self.runs.iter().map(|r| u16len(&r.text)).sum()
    }

    /// Splits runs so that a run boundary falls at UTF-16 offset `k`.
    fn split_at(&mut self, k: u32) -> Result<(), String> {
        let mut start = 0;
        for i in 0..self.runs.len() {
            let len = u16len(&self.runs[i].text);
            if k > start && k < start + len {
                let b = byte_at(&self.runs[i].text, k - start)
                    .ok_or_else(|| "The index falls inside a surrogate pair.".to_string())?;
                let tail = self.runs[i].text.split_off(b);
                let style = self.runs[i].style.clone();
                self.runs.insert(i + 1, Run { text: tail, style });
                return Ok(());
            }
            start += len;
        }
        Ok(())
    }

    /// Merges neighbouring runs with equal styles and drops empty ones; page breaks stay alone.
    fn normalize(&mut self) {
        let mut out: Vec<Run> = Vec::new();
        for r in self.runs.drain(..) {
            if r.text.is_empty() {
                continue;
            }
            let pb = r.text.contains(PAGE_BREAK);
            match out.last_mut() {
                Some(last) if last.style == r.style && !pb && !last.text.contains(PAGE_BREAK) => {
                    last.text.push_str(&r.text)
                }
                _ => out.push(r),
            }
        }
        self.runs = out;
    }

    /// Inserts `text` at offset `k` with the style of the text before it.
    fn insert(&mut self, k: u32, text: &str) -> Result<(), String> {
        self.split_at(k)?;
        let mut start = 0;
        let mut at = self.runs.len();
        for (i, r) in self.runs.iter().enumerate() {
            if start == k {
                at = i;
                break;
            }
            start += u16len(&r.text);
        }
        let style = if at > 0 {
            self.runs[at - 1].style.clone()
        } else {
            self.runs
                .first()
                .map(|r| r.style.clone())
                .unwrap_or_default()
        };
        let mut style = style;
        style.remove("link");
        self.runs.insert(
            at,
            Run {
                text: text.to_string(),
                style,
            },
        );
        self.normalize();
        Ok(())
    }

    /// Keeps `[0, a)` and `[b, len)`.
    fn cut(&mut self, a: u32, b: u32) -> Result<(), String> {
        self.split_at(a)?;
        self.split_at(b)?;
        let mut start = 0;
        self.runs.retain(|r| {
            let s = start;
            start += u16len(&r.text);
            !(s >= a && s < b)
        });
        self.normalize();
        Ok(())
    }

    /// Splits after every "\n": the pieces share the paragraph style and bullet.
    fn split_lines(self) -> Vec<Paragraph> {
        let mut out = Vec::new();
        let mut cur: Vec<Run> = Vec::new();
        for run in self.runs {
            let mut rest = run.text.as_str();
            while let Some(pos) = rest.find('\n') {
                cur.push(Run {
                    text: rest[..=pos].to_string(),
                    style: run.style.clone(),
                });
                let mut p = Paragraph {
                    runs: std::mem::take(&mut cur),
                    style: self.style.clone(),
                    bullet: self.bullet.clone(),
                };
                p.normalize();
                out.push(p);
                rest = &rest[pos + 1..];
            }
            if !rest.is_empty() {
                cur.push(Run {
                    text: rest.to_string(),
                    style: run.style.clone(),
                });
            }
        }
        if !cur.is_empty() {
            // Only possible for a paragraph that lost its newline; callers never keep one.
            let mut p = Paragraph {
                runs: cur,
                style: self.style,
                bullet: self.bullet,
            };
            p.normalize();
            out.push(p);
        }
        out
    }

    /// Calls `f` on every run overlapping `[a, b)` after splitting at the edges.
    fn for_runs(&mut self, a: u32, b: u32, f: &mut dyn FnMut(&mut Run)) -> Result<(), String> {
        self.split_at(a)?;
        self.split_at(b)?;
        let mut start = 0;
        for r in &mut self.runs {
            let len = u16len(&r.text);
            if start >= a && start + len <= b && len > 0 {
                f(r);
            }
            start += len;
        }
        self.normalize();
        Ok(())
    }
}

impl Table {
    pub fn new(rows: usize, cols: usize) -> Table {
        Table {
            cells: (0..rows)
                .map(|_| {
                    (0..cols)
                        .map(|_| vec![Paragraph::new("", "NORMAL_TEXT")])
                        .collect()
                })
                .collect(),
        }
    }

    pub fn len(&self) -> u32 {
        2 + self
            .cells
            .iter()
            .map(|row| {
                1 + row
                    .iter()
                    .map(|c| 1 + c.iter().map(Paragraph::len).sum::<u32>())
                    .sum::<u32>()
            })
            .sum::<u32>()
    }
}

impl Block {
    pub fn len(&self) -> u32 {
        match self {
            Block::Paragraph(p) => p.len(),
            Block::Table(t) => t.len(),
        }
    }
}

/// Plain text of a segment: every paragraph's text in order, table cells included.
pub fn segment_text(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Paragraph(p) => out.push_str(&p.text()),
            Block::Table(t) => {
                for row in &t.cells {
                    for cell in row {
                        for p in cell {
                            out.push_str(&p.text());
                        }
                    }
                }
            }
        }
    }
    out
}

/// Where a segment's indices start: 1 in the body (after the section break), 0 elsewhere.
pub fn base_of(segment: Option<&str>) -> u32 {
    if segment.is_some() {
        0
    } else {
        1
    }
}

pub fn segment_end(blocks: &[Block], base: u32) -> u32 {
    base + blocks.iter().map(Block::len).sum::<u32>()
}

/// Block spans `(index, start, end)` of a segment.
fn spans(blocks: &[Block], base: u32) -> Vec<(usize, u32, u32)> {
    let mut out = Vec::with_capacity(blocks.len());
    let mut at = base;
    for (i, b) in blocks.iter().enumerate() {
        let len = b.len();
        out.push((i, at, at + len));
        at += len;
    }
    out
}

/// The cell (row, col, content start, cell end) of table `t` at `start` that contains `[a, b)`.
fn cell_containing(t: &Table, start: u32, a: u32, b: u32) -> Option<(usize, usize, u32, u32)> {
    let mut at = start + 1;
    for (r, row) in t.cells.iter().enumerate() {
        at += 1;
        for (c, cell) in row.iter().enumerate() {
            let content = at + 1;
            let end = content + cell.iter().map(Paragraph::len).sum::<u32>();
            if a >= content && b <= end {
                return Some((r, c, content, end));
            }
            at = end;
        }
    }
    None
}

/// Inserts text at `index` of a segment (blocks start at `base`).
pub fn insert_text(
    blocks: &mut Vec<Block>,
    base: u32,
    index: u32,
    text: &str,
) -> Result<(), String> {
    let end = segment_end(blocks, base);
    if index < base {
        return Err(format!(
            "Index {index} must be greater than or equal to {base}."
        ));
    }
    if index >= end {
        return Err(format!(
            "Index {index} must be less than the end index of the referenced segment, {end}."
        ));
    }
    for (i, s, e) in spans(blocks, base) {
        if index < s || index >= e {
            continue;
        }
        match &mut blocks[i] {
            Block::Paragraph(p) => {
                p.insert(index - s, text)?;
                let p = std::mem::replace(p, Paragraph::new("", "NORMAL_TEXT"));
                let pieces = p.split_lines();
                blocks.splice(i..=i, pieces.into_iter().map(Block::Paragraph));
                return Ok(());
            }
            Block::Table(t) => {
                let (r, c, content, _) =
                    cell_containing(t, s, index, index).ok_or_else(not_in_paragraph)?;
                let mut cell: Vec<Block> = t.cells[r][c].drain(..).map(Block::Paragraph).collect();
                let result = insert_text(&mut cell, content, index, text);
                t.cells[r][c] = cell
                    .into_iter()
                    .filter_map(|b| match b {
                        Block::Paragraph(p) => Some(p),
                        Block::Table(_) => None,
                    })
                    .collect();
                return result;
            }
        }
    }
    Err(not_in_paragraph())
}

fn not_in_paragraph() -> String {
    "The insertion index must be inside the bounds of an existing paragraph. You can still create new paragraphs by inserting newlines.".into()
}

/// Deletes `[a, b)` of a segment, merging the paragraphs at its edges.
pub fn delete_range(blocks: &mut Vec<Block>, base: u32, a: u32, b: u32) -> Result<(), String> {
    let end = segment_end(blocks, base);
    if a >= b {
        return Err("The range should not be empty.".into());
    }
    if a < base {
        return Err(format!(
            "Index {a} must be greater than or equal to {base}."
        ));
    }
    if b > end {
        return Err(format!("Index {b} must be less than or equal to the end index of the referenced segment, {end}."));
    }
    if b == end {
        return Err(
            "The range cannot include the newline character at the end of the segment.".into(),
        );
    }
    let sp = spans(blocks, base);
    let first = sp
        .iter()
        .find(|(_, s, e)| a >= *s && a < *e)
        .copied()
        .ok_or("Invalid deletion range.")?;
    let last = sp
        .iter()
        .find(|(_, s, e)| b > *s && b - 1 < *e)
        .copied()
        .ok_or("Invalid deletion range.")?;
    // Entirely inside one table cell: edit the cell.
    if first.0 == last.0 {
        if let Block::Table(t) = &mut blocks[first.0] {
            if !(a == first.1 && b == first.2) {
                let (r, c, content, cell_end) = cell_containing(t, first.1, a, b)
                    .ok_or("Invalid deletion range: it cuts across the structure of a table.")?;
                if b == cell_end {
                    return Err("The range cannot include the newline character at the end of a table cell.".into());
                }
                let mut cell: Vec<Block> = t.cells[r][c].drain(..).map(Block::Paragraph).collect();
                let result = delete_range(&mut cell, content, a, b);
                t.cells[r][c] = cell
                    .into_iter()
                    .filter_map(|b| match b {
                        Block::Paragraph(p) => Some(p),
                        Block::Table(_) => None,
                    })
                    .collect();
                return result;
            }
        }
    }
    if matches!(blocks[first.0], Block::Table(_)) && a != first.1 {
        return Err("Invalid deletion range: it cuts across the structure of a table.".into());
    }
    if matches!(blocks[last.0], Block::Table(_)) && b != last.2 {
        return Err("Invalid deletion range: it cuts across the structure of a table.".into());
    }
    let prefix = match &blocks[first.0] {
        Block::Paragraph(p) if a > first.1 => {
            let mut p = p.clone();
            let len = p.len();
            p.cut(a - first.1, len)?;
            Some(p)
        }
        _ => None,
    };
    let suffix = match &blocks[last.0] {
        Block::Paragraph(p) if b < last.2 => {
            let mut p = p.clone();
            p.cut(0, b - last.1)?;
            Some(p)
        }
        _ => None,
    };
    let mut replacement: Vec<Block> = Vec::new();
    let mut absorb_next = false;
    match (prefix, suffix) {
        (Some(mut p), Some(s)) => {
            p.runs.extend(s.runs);
            p.normalize();
            replacement.push(Block::Paragraph(p));
        }
        (Some(p), None) => {
            replacement.push(Block::Paragraph(p));
            absorb_next = true;
        }
        (None, Some(s)) => replacement.push(Block::Paragraph(s)),
        (None, None) => {}
    }
    let mut remove_to = last.0;
    if absorb_next {
        match blocks.get(last.0 + 1) {
            Some(Block::Paragraph(next)) => {
                if let Some(Block::Paragraph(p)) = replacement.last_mut() {
                    p.runs.extend(next.runs.iter().cloned());
                    p.normalize();
                }
                remove_to = last.0 + 1;
            }
            _ => return Err("The range cannot delete the newline before a table.".into()),
        }
    }
    let candidate: Vec<Block> = blocks[..first.0]
        .iter()
        .cloned()
        .chain(replacement)
        .chain(blocks[remove_to + 1..].iter().cloned())
        .collect();
    check_tables_followed(&candidate)?;
    *blocks = candidate;
    Ok(())
}

/// A table must be followed by a paragraph.
fn check_tables_followed(blocks: &[Block]) -> Result<(), String> {
    for (i, b) in blocks.iter().enumerate() {
        if matches!(b, Block::Table(_)) && !matches!(blocks.get(i + 1), Some(Block::Paragraph(_))) {
            return Err("Invalid deletion range: a table must be followed by a paragraph.".into());
        }
    }
    if blocks.is_empty() {
        return Err("The range cannot delete the whole segment.".into());
    }
    Ok(())
}

/// Calls `f(paragraph, start)` for every paragraph (table cells included) overlapping `[a, b)`.
pub fn for_paragraphs(
    blocks: &mut [Block],
    base: u32,
    a: u32,
    b: u32,
    f: &mut dyn FnMut(&mut Paragraph, u32) -> Result<(), String>,
) -> Result<(), String> {
    let mut at = base;
    for block in blocks.iter_mut() {
        let len = block.len();
        let (s, e) = (at, at + len);
        at = e;
        if e <= a || s >= b.max(a + 1) {
            continue;
        }
        match block {
            Block::Paragraph(p) => f(p, s)?,
            Block::Table(t) => {
                let mut cur = s + 1;
                for row in &mut t.cells {
                    cur += 1;
                    for cell in row {
                        cur += 1;
                        for p in cell.iter_mut() {
                            let l = p.len();
                            if cur + l > a && cur < b.max(a + 1) {
                                f(p, cur)?;
                            }
                            cur += l;
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// Applies `f` to every run in `[a, b)`.
pub fn style_runs(
    blocks: &mut [Block],
    base: u32,
    a: u32,
    b: u32,
    f: &mut dyn FnMut(&mut Run),
) -> Result<(), String> {
    for_paragraphs(blocks, base, a, b, &mut |p, s| {
        let len = p.len();
        let lo = a.saturating_sub(s).min(len);
        let hi = (b.saturating_sub(s)).min(len);
        if lo < hi {
            p.for_runs(lo, hi, f)?;
        }
        Ok(())
    })
}

/// Occurrences of `needle` in every paragraph of a segment, as `(start, end, first)` indices in
/// order, where `first` is the UTF-16 length of the match's first character.
pub fn find_all(
    blocks: &[Block],
    base: u32,
    needle: &str,
    match_case: bool,
) -> Vec<(u32, u32, u32)> {
    let needle: Vec<char> = needle.chars().collect();
    let mut out = Vec::new();
    let mut visit = |p: &Paragraph, start: u32| {
        let text = p.text();
        let chars: Vec<char> = text.trim_end_matches('\n').chars().collect();
        let eq = |x: char, y: char| {
            if match_case {
                x == y
            } else {
                x == y || x.to_lowercase().eq(y.to_lowercase())
            }
        };
        let mut i = 0;
        while !needle.is_empty() && i + needle.len() <= chars.len() {
            if needle.iter().zip(&chars[i..]).all(|(n, c)| eq(*n, *c)) {
                let s = start + chars[..i].iter().map(|c| c.len_utf16() as u32).sum::<u32>();
                let l = chars[i..i + needle.len()]
                    .iter()
                    .map(|c| c.len_utf16() as u32)
                    .sum::<u32>();
                out.push((s, s + l, chars[i].len_utf16() as u32));
                i += needle.len();
            } else {
                i += 1;
            }
        }
    };
    let mut at = base;
    for b in blocks {
        match b {
            Block::Paragraph(p) => visit(p, at),
            Block::Table(t) => {
                let mut cur = at + 1;
                for row in &t.cells {
                    cur += 1;
                    for cell in row {
                        cur += 1;
                        for p in cell {
                            visit(p, cur);
                            cur += p.len();
                        }
                    }
                }
            }
        }
        at += b.len();
    }
    out
}

/// Inserts a table of empty cells at `index`, which must be inside a body paragraph: the
/// paragraph is split there (Google inserts a newline before the table).
pub fn insert_table(
    blocks: &mut Vec<Block>,
    base: u32,
    index: u32,
    rows: usize,
    cols: usize,
) -> Result<(), String> {
    insert_text(blocks, base, index, "\n")?;
    // The newline ended a paragraph at `index + 1`; the table goes before the next one.
    let mut at = base;
    for i in 0..blocks.len() {
        if at == index + 1 {
            if !matches!(blocks[i], Block::Paragraph(_)) {
                break;
            }
            blocks.insert(i, Block::Table(Table::new(rows, cols)));
            return Ok(());
        }
        at += blocks[i].len();
    }
    Err("Tables can only be inserted into a body paragraph, not inside a table.".into())
}

/// Whether `index` lies in a top-level paragraph of the segment (not in a table).
pub fn in_top_paragraph(blocks: &[Block], base: u32, index: u32) -> bool {
    spans(blocks, base)
        .into_iter()
        .any(|(i, s, e)| index >= s && index < e && matches!(blocks[i], Block::Paragraph(_)))
}

/// Moves named ranges after an insertion of `len` units at `index`.
pub fn shift_ranges_insert(ranges: &mut [NamedRange], segment: Option<&str>, index: u32, len: u32) {
    for r in ranges
        .iter_mut()
        .filter(|r| r.segment.as_deref() == segment)
    {
        if r.start > index {
            r.start += len;
        }
        if r.end > index {
            r.end += len;
        }
    }
}

/// Moves (or drops, when emptied) named ranges after a deletion of `[a, b)`.
pub fn shift_ranges_delete(ranges: &mut Vec<NamedRange>, segment: Option<&str>, a: u32, b: u32) {
    let len = b - a;
    let map = |p: u32| {
        if p >= b {
            p - len
        } else if p > a {
            a
        } else {
            p
        }
    };
    for r in ranges
        .iter_mut()
        .filter(|r| r.segment.as_deref() == segment)
    {
        r.start = map(r.start);
        r.end = map(r.end);
    }
    ranges.retain(|r| r.start < r.end);
}

/// Builds a segment from plain text, one NORMAL_TEXT paragraph per line.
pub fn from_text(text: &str) -> Vec<Block> {
    let clean: String = text
        .chars()
        .filter(|c| *c == '\n' || *c == '\t' || !c.is_control())
        .collect();
    let mut lines: Vec<&str> = clean.split('\n').collect();
    if lines.len() > 1 && lines.last() == Some(&"") {
        lines.pop();
    }
    lines
        .into_iter()
        .map(|l| Block::Paragraph(Paragraph::new(l, "NORMAL_TEXT")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &str) -> Vec<Block> {
        from_text(text)
    }

    #[test]
    fn insert_and_delete_reindex_across_paragraphs() {
        let mut b = body("Hello\nWorld\n");
        assert_eq!(segment_end(&b, 1), 13);
        insert_text(&mut b, 1, 6, " there\nNew").unwrap();
        assert_eq!(segment_text(&b), "Hello there\nNew\nWorld\n");
        assert_eq!(b.len(), 3);
        delete_range(&mut b, 1, 6, 17).unwrap();
        assert_eq!(segment_text(&b), "HelloWorld\n");
        assert_eq!(b.len(), 1);
        assert!(delete_range(&mut b, 1, 3, 12).is_err(), "final newline");
        assert!(insert_text(&mut b, 1, 12, "x").is_err());
        assert!(insert_text(&mut b, 1, 0, "x").is_err());
    }

    #[test]
    fn utf16_indices() {
        let mut b = body("a😀b\n");
        assert_eq!(segment_end(&b, 1), 6);
        assert!(
            insert_text(&mut b, 1, 3, "x").is_err(),
            "inside a surrogate pair"
        );
        insert_text(&mut b, 1, 4, "x").unwrap();
        assert_eq!(segment_text(&b), "a😀xb\n");
    }

    #[test]
    fn tables_index_like_google() {
        let mut b = body("");
        insert_table(&mut b, 1, 1, 1, 1).unwrap();
        // "\n" [1,2), table [2,7), "\n" [7,8)
        assert_eq!(b.len(), 3);
        assert_eq!(b[1].len(), 5);
        assert_eq!(segment_end(&b, 1), 8);
        insert_text(&mut b, 1, 5, "cell").unwrap();
        assert_eq!(segment_text(&b), "\ncell\n\n");
        assert!(delete_range(&mut b, 1, 3, 6).is_err(), "cuts the table");
        delete_range(&mut b, 1, 5, 7).unwrap();
        assert_eq!(segment_text(&b), "\nll\n\n");
        delete_range(&mut b, 1, 2, 9).unwrap();
        assert_eq!(segment_text(&b), "\n\n");
    }
}
