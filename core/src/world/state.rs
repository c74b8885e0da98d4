//! State dump, canonical hash and per-collection diff.
//!
//! A collection is a table (bookkeeping tables aside). The dump lists every row as a JSON object,
//! ordered by primary key; `BOOLEAN` columns become true/false and `JSON` columns their parsed
//! value. The hash is sha256 over the dump's canonical JSON (keys sorted, no whitespace), so it is
//! the same on every platform for the same state. The diff matches rows by primary key.

use std::collections::BTreeMap;

use base64::Engine;
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::world::schema;

/// Every collection's rows, ordered by primary key.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct StateDump {
    pub collections: BTreeMap<String, Collection>,
}

/// The rows of one collection, keyed by their primary key (joined with '|' when composite).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Collection {
    pub rows: BTreeMap<String, Map<String, Value>>,
}

impl Serialize for Collection {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.rows.values())
    }
}

struct TableShape {
    columns: Vec<(String, ColumnKind)>,
    key_columns: Vec<usize>,
}

#[derive(Clone, Copy, PartialEq)]
enum ColumnKind {
    Plain,
    Boolean,
    Json,
}

fn table_shape(conn: &Connection, table: &str) -> Result<TableShape> {
    let mut stmt =
        conn.prepare_cached("SELECT name, type, pk FROM pragma_table_info(?1) ORDER BY cid")?;
    let mut columns = Vec::new();
    let mut keys: Vec<(i64, usize)> = Vec::new();
    let rows = stmt.query_map([table], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    for (i, row) in rows.enumerate() {
        let (name, decl, pk) = row?;
        let kind = match decl.to_ascii_uppercase().as_str() {
            "BOOLEAN" => ColumnKind::Boolean,
            "JSON" => ColumnKind::Json,
            _ => ColumnKind::Plain,
        };
        if pk > 0 {
            keys.push((pk, i));
        }
        columns.push((name, kind));
    }
    keys.sort();
    Ok(TableShape {
        columns,
        key_columns: keys.into_iter().map(|(_, i)| i).collect(),
    })
}

fn to_json(value: ValueRef<'_>, kind: ColumnKind) -> Value {
    match (value, kind) {
        (ValueRef::Null, _) => Value::Null,
        (ValueRef::Integer(i), ColumnKind::Boolean) => Value::Bool(i != 0),
        (ValueRef::Integer(i), _) => Value::from(i),
        (ValueRef::Real(f), _) => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        (ValueRef::Text(t), ColumnKind::Json) => {
            let text = String::from_utf8_lossy(t);
            serde_json::from_str(&text).unwrap_or(Value::String(text.into_owned()))
        }
        (ValueRef::Text(t), _) => Value::String(String::from_utf8_lossy(t).into_owned()),
        (ValueRef::Blob(b), _) => {
            Value::String(base64::engine::general_purpose::STANDARD.encode(b))
        }
    }
}

fn key_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Dumps one table.
pub fn dump_table(conn: &Connection, table: &str) -> Result<Collection> {
    let shape = table_shape(conn, table)?;
    let order = if shape.key_columns.is_empty() {
        "rowid".to_string()
    } else {
        shape
            .key_columns
            .iter()
            .map(|&i| format!("\"{}\"", shape.columns[i].0))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT *, rowid FROM \"{table}\" ORDER BY {order}"
    ))?;
    let mut rows = stmt.query([])?;
    let mut out = Collection::default();
    while let Some(row) = rows.next()? {
        let mut obj = Map::new();
        for (i, (name, kind)) in shape.columns.iter().enumerate() {
            obj.insert(name.clone(), to_json(row.get_ref(i)?, *kind));
        }
        let key = if shape.key_columns.is_empty() {
            row.get::<_, i64>(shape.columns.len())?.to_string()
        } else {
            shape
                .key_columns
                .iter()
                .map(|&i| key_text(&obj[&shape.columns[i].0]))
                .collect::<Vec<_>>()
                .join("|")
        };
        out.rows.insert(key, obj);
    }
    Ok(out)
}

/// Dumps every state table.
pub fn dump(conn: &Connection) -> Result<StateDump> {
    let mut collections = BTreeMap::new();
    for table in schema::state_tables(conn)? {
        let c = dump_table(conn, &table)?;
        collections.insert(table, c);
    }
    Ok(StateDump { collections })
}

struct HashWriter(Sha256);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl StateDump {
    /// sha256 (hex) of the canonical JSON of the dump.
    pub fn hash(&self) -> String {
        let mut w = HashWriter(Sha256::new());
        // Serialising maps of strings and JSON values cannot fail.
        if let Err(e) = serde_json::to_writer(&mut w, self) {
            unreachable!("state dump is always serialisable: {e}");
        }
        hex::encode(w.0.finalize())
    }

    /// Row counts per collection (for summaries).
    pub fn counts(&self) -> BTreeMap<String, usize> {
        self.collections
            .iter()
            .map(|(k, v)| (k.clone(), v.rows.len()))
            .collect()
    }

    /// The dump as one JSON value: `{collection: [row, …]}`.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// A changed field of an updated row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldChange {
    pub before: Value,
    pub after: Value,
}

/// An updated row: its key, the row as it is now, and what changed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RowUpdate {
    pub key: String,
    pub row: Map<String, Value>,
    pub changed: BTreeMap<String, FieldChange>,
}

/// What happened to one collection between two states.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CollectionDiff {
    pub added: Vec<Map<String, Value>>,
    pub updated: Vec<RowUpdate>,
    pub deleted: Vec<Map<String, Value>>,
}

impl CollectionDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.updated.is_empty() && self.deleted.is_empty()
    }
}

/// Per-collection differences; collections without changes are left out.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Diff {
    pub collections: BTreeMap<String, CollectionDiff>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.collections.is_empty()
    }
}

/// Differences from `before` to `after`.
pub fn diff(before: &StateDump, after: &StateDump) -> Diff {
    let empty = Collection::default();
    let mut names: Vec<&String> = before.collections.keys().collect();
    names.extend(after.collections.keys());
    names.sort();
    names.dedup();
    let mut out = Diff::default();
    for name in names {
        let b = before.collections.get(name).unwrap_or(&empty);
        let a = after.collections.get(name).unwrap_or(&empty);
        let mut cd = CollectionDiff::default();
        for (key, row) in &a.rows {
            match b.rows.get(key) {
                None => cd.added.push(row.clone()),
                Some(old) if old != row => {
                    let mut changed = BTreeMap::new();
                    let mut fields: Vec<&String> = old.keys().chain(row.keys()).collect();
                    fields.sort();
                    fields.dedup();
                    for f in fields {
                        let (x, y) = (
                            old.get(f).unwrap_or(&Value::Null),
                            row.get(f).unwrap_or(&Value::Null),
                        );
                        if x != y {
                            changed.insert(
                                f.clone(),
                                FieldChange {
                                    before: x.clone(),
                                    after: y.clone(),
                                },
                            );
                        }
                    }
                    cd.updated.push(RowUpdate {
                        key: key.clone(),
                        row: row.clone(),
                        changed,
                    });
                }
                Some(_) => {}
            }
        }
        for (key, row) in &b.rows {
            if !a.rows.contains_key(key) {
                cd.deleted.push(row.clone());
            }
        }
        if !cd.is_empty() {
            out.collections.insert(name.clone(), cd);
        }
    }
    out
}
