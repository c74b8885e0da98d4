//! gmail tables (applied by `world::schema::MIGRATIONS`).

pub const V1: &str = r#"
CREATE TABLE gmail_placeholder (id TEXT PRIMARY KEY);
"#;
