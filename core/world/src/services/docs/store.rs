//! Persistence of Docs bodies in `docs_documents` (JSON model + plain text), and the hooks
//! Drive calls when it creates, converts, copies or exports a Doc.

use rusqlite::{params, Connection, OptionalExtension};

use super::body::{self, Document};
use crate::rest::ApiError;

pub fn load(conn: &Connection, id: &str) -> Result<Option<Document>, ApiError> {
    let text: Option<String> = conn
        .query_row(
            "SELECT document FROM docs_documents WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    match text {
        None => Ok(None),
        Some(t) => serde_json::from_str(&t)
            .map(Some)
            .map_err(|e| ApiError::internal(format!("stored document {id} is unreadable: {e}"))),
    }
}

/// The plain text Drive searches and exports: the body's text.
pub fn plain_text(doc: &Document) -> String {
    body::segment_text(&doc.body)
}

pub fn save(conn: &Connection, id: &str, doc: &Document) -> Result<(), ApiError> {
    let json = serde_json::to_string(doc).map_err(|e| ApiError::internal(e.to_string()))?;
    conn.execute(
        "INSERT INTO docs_documents (id, document, plain_text) VALUES (?1, ?2, ?3) \
         ON CONFLICT(id) DO UPDATE SET document = excluded.document, plain_text = excluded.plain_text",
        params![id, json, plain_text(doc)],
    )?;
    Ok(())
}

/// Creates (or replaces) the body of Doc `id` from plain text, one paragraph per line.
pub fn create_from_text(conn: &Connection, id: &str, text: &str) -> Result<(), ApiError> {
    let doc = Document {
        body: body::from_text(text),
        ..Document::default()
    };
    save(conn, id, &doc)
}

pub fn copy(conn: &Connection, from: &str, to: &str) -> Result<(), ApiError> {
    if let Some(doc) = load(conn, from)? {
        save(conn, to, &doc)?;
    }
    Ok(())
}

pub fn export_html(conn: &Connection, id: &str, title: &str) -> Result<Option<String>, ApiError> {
    Ok(load(conn, id)?.map(|d| super::render::html(&d, title)))
}
