//! docs tables (applied by `world::schema::MIGRATIONS`, version 2).

pub const V1: &str = r#"
CREATE TABLE docs_placeholder (id TEXT PRIMARY KEY);
"#;
