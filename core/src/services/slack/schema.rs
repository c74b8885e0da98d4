//! slack tables (applied by `world::schema::MIGRATIONS`, version 2).

pub const V1: &str = r#"
CREATE TABLE slack_placeholder (id TEXT PRIMARY KEY);
"#;
