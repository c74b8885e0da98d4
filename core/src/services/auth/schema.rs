//! auth tables (applied by `world::schema::MIGRATIONS`, version 2).

pub const V1: &str = r#"
CREATE TABLE auth_placeholder (id TEXT PRIMARY KEY);
"#;
