//! Turns every seeded Doc (a Drive file whose content is the small markup of
//! `drive::seed_content`) into a structured body: title, headings, bullet and numbered lists,
//! tables. The markup is then dropped from `drive_files`; the body's plain text lives in
//! `docs_documents` and becomes the text of the Doc's revision.

use rand_chacha::ChaCha8Rng;
use rusqlite::{params, Connection};
use serde_json::json;

use super::body::{Block, Bullet, Document, Paragraph, Table};
use super::store;
use crate::error::{Error, Result};
use crate::seed::Scale;

/// Parses the seed markup into a document; list ids are `kix.<prefix><n>`.
pub fn from_markup(text: &str, prefix: &str) -> Document {
    let mut doc = Document::default();
    let mut list: Option<(String, bool)> = None;
    let mut table: Option<Vec<Vec<Vec<Paragraph>>>> = None;
    let mut lists = 0;
    for raw in text.lines() {
        if raw.trim().is_empty() {
            continue;
        }
        if raw.starts_with('|') {
            let cells: Vec<Vec<Paragraph>> = raw
                .trim()
                .trim_matches('|')
                .split('|')
                .map(|c| vec![Paragraph::new(c.trim(), "NORMAL_TEXT")])
                .collect();
            table.get_or_insert_with(Vec::new).push(cells);
            continue;
        }
        if let Some(rows) = table.take() {
            let cols = rows.iter().map(Vec::len).max().unwrap_or(1);
            let cells = rows
                .into_iter()
                .map(|mut r| {
                    r.resize_with(cols, || vec![Paragraph::new("", "NORMAL_TEXT")]);
                    r
                })
                .collect();
            doc.body.push(Block::Table(Table { cells }));
        }
        let nested = raw.starts_with("  ");
        let line = raw.trim_start();
        let (style, body, bullet) = if let Some(t) = line.strip_prefix("= ") {
            ("TITLE", t, None)
        } else if let Some(t) = line.strip_prefix("### ") {
            ("HEADING_3", t, None)
        } else if let Some(t) = line.strip_prefix("## ") {
            ("HEADING_2", t, None)
        } else if let Some(t) = line.strip_prefix("# ") {
            ("HEADING_1", t, None)
        } else if let Some(t) = line.strip_prefix("- ") {
            ("NORMAL_TEXT", t, Some(false))
        } else if let Some((num, t)) = line
            .split_once(". ")
            .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        {
            let _ = num;
            ("NORMAL_TEXT", t, Some(true))
        } else {
            ("NORMAL_TEXT", line, None)
        };
        let mut p = Paragraph::new(body, style);
        match bullet {
            Some(numbered) => {
                let id = match &list {
                    Some((id, n)) if *n == numbered => id.clone(),
                    _ => {
                        lists += 1;
                        let id = format!("kix.{prefix}{lists}");
                        let preset = if numbered {
                            "NUMBERED_DECIMAL_ALPHA_ROMAN"
                        } else {
                            "BULLET_DISC_CIRCLE_SQUARE"
                        };
                        doc.lists.insert(id.clone(), preset.into());
                        list = Some((id.clone(), numbered));
                        id
                    }
                };
                p.bullet = Some(Bullet {
                    list_id: id,
                    nesting_level: u32::from(nested),
                });
            }
            None => list = None,
        }
        if style.starts_with("HEADING") {
            p.style.insert(
                "headingId".into(),
                json!(format!("h.{prefix}{}", doc.body.len())),
            );
        }
        doc.body.push(Block::Paragraph(p));
    }
    if let Some(rows) = table.take() {
        doc.body.push(Block::Table(Table { cells: rows }));
    }
    // A body must end with a paragraph (and never be empty).
    if !matches!(doc.body.last(), Some(Block::Paragraph(_))) {
        doc.body
            .push(Block::Paragraph(Paragraph::new("", "NORMAL_TEXT")));
    }
    doc
}

pub fn seed(conn: &Connection, _rng: &mut ChaCha8Rng, _scale: Scale) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT id, COALESCE(content, '') FROM drive_files WHERE mime_type = 'application/vnd.google-apps.document' ORDER BY id",
    )?;
    let docs = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (i, (id, markup)) in docs.iter().enumerate() {
        convert(conn, id, markup, &format!("s{i}x"))?;
    }
    Ok(())
}

/// Turns the markup content of Doc `id` into its body; the Drive row keeps no content and the
/// Doc's revisions hold its plain text.
pub fn convert(conn: &Connection, id: &str, markup: &str, prefix: &str) -> Result<()> {
    let doc = from_markup(markup, prefix);
    store::save(conn, id, &doc).map_err(|e| Error::Invalid(e.message))?;
    let text = store::plain_text(&doc);
    conn.execute("UPDATE drive_files SET content = NULL WHERE id = ?1", [id])?;
    conn.execute(
        "UPDATE drive_revisions SET content = ?2, size = ?3 WHERE file_id = ?1",
        params![id, text, text.len() as i64],
    )?;
    Ok(())
}
