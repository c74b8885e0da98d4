//! calendar tables (applied by `world::schema::MIGRATIONS`).

pub const V1: &str = r#"
CREATE TABLE calendar_placeholder (id TEXT PRIMARY KEY);
"#;
