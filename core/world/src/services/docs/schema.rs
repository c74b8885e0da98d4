//! Docs tables (applied by `world::schema::MIGRATIONS`, version 2).
//!
//! A Doc is a Drive file: its title, owner, sharing, times and revisions live in `drive_files`
//! and friends under the same id. This table holds only the body model (`document`, the engine's
//! JSON) and its plain text (`plain_text`, what Drive's fullText search and text export read and
//! what a verifier can compare without parsing the body).

pub const V1: &str = r#"
CREATE TABLE docs_documents (
    id         TEXT PRIMARY KEY,
    document   JSON NOT NULL,
    plain_text TEXT NOT NULL
);
"#;
