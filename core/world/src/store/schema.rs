//! The world's schema: version, SQL and migrations, all listed here.
//!
//! Each service keeps its table definitions next to its code (`services/<name>/schema.rs`), but the
//! order in which they are applied, and the version they belong to, is decided only in
//! [`MIGRATIONS`]. A database records its version in `PRAGMA user_version`. Every released version
//! is also frozen as SQL (`schema/vN.sql`); the tests compare the migrations with those copies, so
//! an edit to a released migration fails the build's tests.

use rusqlite::Connection;

use crate::error::{Error, Result};

/// Version of the newest schema this build knows.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Tables every world has, whatever services it runs.
///
/// Conventions used by the state dump: a column declared `BOOLEAN` is dumped as true/false, a
/// column declared `JSON` holds JSON text and is dumped as the parsed value. Every table has a
/// primary key (the diff matches rows by it).
pub const CORE_V1: &str = r#"
CREATE TABLE world_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE users (
    id           TEXT PRIMARY KEY,
    email        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL,
    given_name   TEXT NOT NULL,
    family_name  TEXT NOT NULL,
    title        TEXT NOT NULL DEFAULT '',
    department   TEXT NOT NULL DEFAULT '',
    organization TEXT NOT NULL,
    is_internal  BOOLEAN NOT NULL,
    is_primary   BOOLEAN NOT NULL DEFAULT 0,
    time_zone    TEXT NOT NULL
);
CREATE TABLE action_log (
    seq     INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    user_id TEXT,
    method  TEXT NOT NULL,
    path    TEXT NOT NULL,
    body    JSON,
    status  INTEGER NOT NULL
);
"#;

/// One step of the schema's history. `sql` runs in order inside one transaction.
pub struct Migration {
    pub version: u32,
    pub description: &'static str,
    pub sql: &'static [&'static str],
}

/// The whole history of the schema, oldest first. Append; never edit a released step.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "core tables, Gmail and Calendar",
        sql: &[
            CORE_V1,
            crate::services::gmail::schema::V1,
            crate::services::calendar::schema::V1,
        ],
    },
    Migration {
        version: 2,
        description: "Drive, Docs, Slack and the OAuth identity service",
        sql: &[
            crate::services::drive::schema::V1,
            crate::services::docs::schema::V1,
            crate::services::slack::schema::V1,
            crate::services::auth::schema::V1,
        ],
    },
    Migration {
        version: 3,
        description: "covering index for Gmail mailbox listings; Slack message blocks",
        sql: &[
            crate::services::gmail::schema::V3_LIST_INDEX,
            crate::services::slack::schema::V3_BLOCKS,
        ],
    },
];

/// Tables that hold bookkeeping rather than workspace state: kept in snapshots, left out of the
/// state dump, hash and diff.
pub const BOOKKEEPING_TABLES: &[&str] = &[
    "world_meta",
    "action_log",
    // Gmail's history counter and change records: every mutation appends to them
    "gmail_mailboxes",
    "gmail_history",
    // Drive's change feed: every file mutation appends to it
    "drive_changes",
];

/// Reads `PRAGMA user_version`.
pub fn schema_version(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("PRAGMA user_version", [], |row| row.get::<_, u32>(0))?)
}

/// Brings `conn` up to [`SCHEMA_VERSION`], one transaction per step. Refuses a database written
/// by a newer build.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    migrate_to(conn, SCHEMA_VERSION)
}

/// Like [`migrate`] but stops at `target` (used by the migration tests).
pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<()> {
    let current = schema_version(conn)?;
    if current > SCHEMA_VERSION {
        return Err(Error::Schema(format!(
            "database has schema version {current}, newer than this build's {SCHEMA_VERSION}"
        )));
    }
    for step in MIGRATIONS
        .iter()
        .filter(|m| m.version > current && m.version <= target)
    {
        let tx = conn.transaction()?;
        for sql in step.sql {
            tx.execute_batch(sql).map_err(|e| {
                Error::Schema(format!(
                    "migration {} ({}) failed: {e}",
                    step.version, step.description
                ))
            })?;
        }
        tx.pragma_update(None, "user_version", step.version)?;
        tx.commit()?;
    }
    Ok(())
}

/// The schema as SQLite reports it (type, name, normalised SQL), sorted: two databases with equal
/// listings have the same tables, columns and indexes.
pub fn schema_listing(conn: &Connection) -> Result<Vec<(String, String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT type, name, COALESCE(sql, '') FROM sqlite_schema \
         WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
    )?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (kind, name, sql): (String, String, String) = row?;
        out.push((
            kind,
            name,
            sql.split_whitespace().collect::<Vec<_>>().join(" "),
        ));
    }
    Ok(out)
}

/// Names of the tables that make up the workspace state (everything but bookkeeping), sorted.
pub fn state_tables(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    let names = stmt.query_map([], |row| row.get::<_, String>(0))?;
    let mut out = Vec::new();
    for name in names {
        let name = name?;
        if !BOOKKEEPING_TABLES.contains(&name.as_str()) {
            out.push(name);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stepwise_upgrade_matches_a_fresh_database() {
        // Build a database at every older version, upgrade it, and compare with a fresh one.
        let mut fresh = Connection::open_in_memory().unwrap();
        migrate(&mut fresh).unwrap();
        let expected = schema_listing(&fresh).unwrap();
        assert_eq!(schema_version(&fresh).unwrap(), SCHEMA_VERSION);
        for start in 0..SCHEMA_VERSION {
            let mut old = Connection::open_in_memory().unwrap();
            migrate_to(&mut old, start).unwrap();
            assert_eq!(schema_version(&old).unwrap(), start);
            migrate(&mut old).unwrap();
            assert_eq!(
                schema_listing(&old).unwrap(),
                expected,
                "upgrade from v{start}"
            );
        }
    }

    #[test]
    fn migrating_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let before = schema_listing(&conn).unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(schema_listing(&conn).unwrap(), before);
    }

    #[test]
    fn newer_database_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        let err = migrate(&mut conn).unwrap_err();
        assert!(err.to_string().contains("newer than this build"), "{err}");
    }

    #[test]
    fn every_state_table_has_a_primary_key() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        for table in state_tables(&conn).unwrap() {
            let pk_columns: i64 = conn
                .query_row(
                    &format!("SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE pk > 0"),
                    [],
                    |row| row.get(0),
                )
                .unwrap();
            assert!(pk_columns > 0, "table {table} has no primary key");
        }
    }

    #[test]
    fn versions_are_consecutive() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1);
        }
    }

    /// Every released schema version as SQLite stored it (`sqlite_schema.sql`, creation order),
    /// frozen when it was released. A released migration must never change; these copies are what
    /// catches an edit to one (the live constants cannot: they would change along with it).
    const FROZEN: &[(u32, &str)] = &[
        (1, include_str!("schema/v1.sql")),
        (2, include_str!("schema/v2.sql")),
        (3, include_str!("schema/v3.sql")),
    ];

    fn frozen_database(sql: &str, version: u32) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(sql).unwrap();
        conn.pragma_update(None, "user_version", version).unwrap();
        conn
    }

    /// The statements of a database's schema in creation order, `;`-terminated: the text of a
    /// frozen `schema/vN.sql`.
    fn schema_sql(conn: &Connection) -> String {
        let mut stmt = conn
            .prepare(
                "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL \
                 AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
            )
            .unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
        rows.map(|r| format!("{};\n", r.unwrap())).collect()
    }

    #[test]
    fn released_migrations_match_their_frozen_schema() {
        for &(version, sql) in FROZEN {
            let mut live = Connection::open_in_memory().unwrap();
            migrate_to(&mut live, version).unwrap();
            assert_eq!(
                schema_listing(&live).unwrap(),
                schema_listing(&frozen_database(sql, version)).unwrap(),
                "migrations up to v{version} no longer build the schema released as v{version}: \
                 a released migration was edited (append a new one instead)"
            );
        }
        // A new migration must be frozen when it is released.
        assert_eq!(
            FROZEN.last().map(|f| f.0),
            Some(SCHEMA_VERSION),
            "schema v{SCHEMA_VERSION} has no frozen copy: save this as src/store/schema/v{SCHEMA_VERSION}.sql \
             and list it in FROZEN:\n{}",
            {
                let mut conn = Connection::open_in_memory().unwrap();
                migrate(&mut conn).unwrap();
                schema_sql(&conn)
            }
        );
    }

    #[test]
    fn frozen_old_databases_upgrade_to_the_fresh_schema() {
        let mut fresh = Connection::open_in_memory().unwrap();
        migrate(&mut fresh).unwrap();
        let expected = schema_listing(&fresh).unwrap();
        for &(version, sql) in FROZEN {
            let mut old = frozen_database(sql, version);
            migrate(&mut old).unwrap();
            assert_eq!(schema_version(&old).unwrap(), SCHEMA_VERSION);
            assert_eq!(
                schema_listing(&old).unwrap(),
                expected,
                "upgrade from frozen v{version}"
            );
        }
    }

    #[test]
    fn an_edited_release_differs_from_its_frozen_copy() {
        // The comparison the frozen copies rely on sees a one-column edit to a released table.
        let (version, sql) = FROZEN[0];
        let edited = sql.replacen(
            "display_name TEXT NOT NULL,",
            "display_name TEXT NOT NULL, nickname TEXT,",
            1,
        );
        assert_ne!(edited, sql, "the edit must apply");
        assert_ne!(
            schema_listing(&frozen_database(&edited, version)).unwrap(),
            schema_listing(&frozen_database(sql, version)).unwrap()
        );
    }
}
