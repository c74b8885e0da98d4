//! State dump, canonical hash and per-collection diff.
//!
//! A collection is a table (bookkeeping tables aside). The dump lists every row as a JSON object,
//! ordered by primary key; `BOOLEAN` columns become true/false and `JSON` columns their parsed
//! value. The hash is sha256 over the dump's canonical JSON (fields in column order — serde_json's
//! `preserve_order` is on in every build — no whitespace), so it is the same on every platform for
//! the same state. The diff matches rows by primary key.
//!
//! [`dump_since`] re-reads only the tables whose SQLite pages changed since a [`Baseline`]; that is
//! what makes proving 2,016 tasks cheap (`env0 tasks verify`).

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use base64::Engine;
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::store::schema;

/// Every collection's rows, ordered by primary key. Collections are shared (`Arc`), so a dump
/// taken with [`dump_since`] reuses the unchanged ones of its baseline without copying them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StateDump {
    pub collections: BTreeMap<String, Arc<Collection>>,
}

impl Serialize for StateDump {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.collections.iter().map(|(k, v)| (k, v.as_ref())))
    }
}

/// The rows of one collection, keyed by their primary key (joined with '|' when composite).
#[derive(Clone, Debug, Default)]
pub struct Collection {
    pub rows: BTreeMap<String, Map<String, Value>>,
    /// The canonical JSON of `rows`, kept once the hash needed it (collections shared between
    /// dumps are then serialised once). Only set through `&self` on a collection that is no longer
    /// changed: dumps hand collections out behind `Arc`.
    canonical: OnceLock<Vec<u8>>,
}

impl PartialEq for Collection {
    fn eq(&self, other: &Self) -> bool {
        self.rows == other.rows
    }
}

impl Collection {
    /// The canonical JSON of the rows (a list ordered by key), computed once.
    fn canonical(&self) -> &[u8] {
        self.canonical.get_or_init(|| {
            // A list of JSON objects always serialises.
            serde_json::to_vec(self).unwrap_or_default()
        })
    }
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
    let mut stmt = conn.prepare_cached(&format!(
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
        collections.insert(table, Arc::new(c));
    }
    Ok(StateDump { collections })
}

/// Whether this SQLite has the `dbstat` virtual table (the bundled one does; a system SQLite
/// may not).
pub fn dbstat_available(conn: &Connection) -> bool {
    conn.prepare_cached("SELECT name, pageno FROM dbstat('main') LIMIT 0")
        .is_ok()
}

/// The page map of `conn`, or `None` without `dbstat`.
fn page_map(conn: &Connection) -> Result<Option<PageMap>> {
    if !dbstat_available(conn) {
        return Ok(None);
    }
    PageMap::read(conn).map(Some)
}

/// Which state table owns each page of a database image, and each table's root page.
#[derive(Clone, Debug)]
struct PageMap {
    page_size: usize,
    /// State tables, sorted (as [`schema::state_tables`] lists them).
    tables: Vec<String>,
    /// Root page of each table in `tables`.
    roots: Vec<i64>,
    /// `owner[p]`: index into `tables` of the table (or one of its indexes) that owns page p + 1.
    owner: Vec<Option<u32>>,
}

impl PageMap {
    /// Reads page ownership from SQLite's `dbstat` table: every b-tree, index and overflow page
    /// of a state table is attributed to it; free pages and the schema's pages to none.
    fn read(conn: &Connection) -> Result<PageMap> {
        let tables = schema::state_tables(conn)?;
        let index: BTreeMap<&str, u32> = tables
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), i as u32))
            .collect();
        let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        let mut stmt = conn.prepare_cached(
            "SELECT name, tbl_name, type, rootpage FROM sqlite_schema WHERE type IN ('table', 'index')",
        )?;
        let mut table_of: BTreeMap<String, u32> = BTreeMap::new();
        let mut roots = vec![0; tables.len()];
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<i64>>(3)?,
            ))
        })?;
        for row in rows {
            let (name, table, kind, root) = row?;
            if let Some(&i) = index.get(table.as_str()) {
                if kind == "table" {
                    roots[i as usize] = root.unwrap_or(0);
                }
                table_of.insert(name, i);
            }
        }
        let mut owner: Vec<Option<u32>> = Vec::new();
        let mut stmt = conn.prepare_cached("SELECT name, pageno FROM dbstat('main')")?;
        let pages = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for page in pages {
            let (name, pageno) = page?;
            let (Some(&t), Ok(p)) = (table_of.get(&name), usize::try_from(pageno - 1)) else {
                continue;
            };
            if owner.len() <= p {
                owner.resize(p + 1, None);
            }
            owner[p] = Some(t);
        }
        Ok(PageMap {
            page_size: usize::try_from(page_size).unwrap_or(4096).max(512),
            tables,
            roots,
            owner,
        })
    }

    fn owner(&self, page: usize) -> Option<u32> {
        self.owner.get(page).copied().flatten()
    }
}

/// A full state dump together with the database image it was read from and that image's page
/// ownership: the reference a later [`dump_since`] compares against.
#[derive(Clone, Debug)]
pub struct Baseline {
    image: Arc<[u8]>,
    /// `None` where SQLite has no `dbstat` table (a system SQLite built without it).
    pages: Option<PageMap>,
    dump: StateDump,
}

impl Baseline {
    /// Reads the baseline of `conn`, whose current content is `image` (its serialised form).
    pub fn read(conn: &Connection, image: &[u8]) -> Result<Baseline> {
        let dump = dump(conn)?;
        Baseline::with_dump(conn, image, dump)
    }

    /// A baseline from a dump already taken of `conn` (whose content is `image`).
    pub fn with_dump(conn: &Connection, image: &[u8], dump: StateDump) -> Result<Baseline> {
        Ok(Baseline {
            image: Arc::from(image),
            pages: page_map(conn)?,
            dump,
        })
    }

    /// The state at the baseline.
    pub fn dump(&self) -> &StateDump {
        &self.dump
    }
}

/// The state of `conn` (whose content is `image`), re-reading only the tables whose pages differ
/// from `base`'s image and sharing the others with `base`'s dump.
///
/// Sound by construction: a table's rows live in its b-tree pages (and their overflow pages),
/// so if none of the pages it owns before or after differs, and its root page did not move, the
/// table reads back the same. A page that changed for another reason (a rebalance, a page moved
/// by vacuum) only makes a table be re-read. A different set of tables falls back to a full dump.
///
/// Without SQLite's `dbstat` table (iOS links the system SQLite, which may be built without it)
/// page ownership is unknown, and this is a full dump.
pub fn dump_since(conn: &Connection, image: &[u8], base: &Baseline) -> Result<StateDump> {
    let (Some(base_pages), Some(now)) = (&base.pages, page_map(conn)?) else {
        return dump(conn);
    };
    if now.tables != base_pages.tables || now.page_size != base_pages.page_size {
        return dump(conn);
    }
    let mut changed = vec![false; now.tables.len()];
    for (i, (a, b)) in now.roots.iter().zip(&base_pages.roots).enumerate() {
        changed[i] = a != b;
    }
    let size = now.page_size;
    let pages = image.len().max(base.image.len()).div_ceil(size);
    for p in 0..pages {
        let range = p * size..(p + 1) * size;
        if image.get(range.clone()) == base.image.get(range) {
            continue;
        }
        for owner in [now.owner(p), base_pages.owner(p)].into_iter().flatten() {
            changed[owner as usize] = true;
        }
    }
    let mut collections = BTreeMap::new();
    for (i, table) in now.tables.iter().enumerate() {
        let c = match base.dump.collections.get(table) {
            Some(c) if !changed[i] => Arc::clone(c),
            _ => Arc::new(dump_table(conn, table)?),
        };
        collections.insert(table.clone(), c);
    }
    Ok(StateDump { collections })
}

impl StateDump {
    /// sha256 (hex) of the canonical JSON of the dump: `{"collection":[row,…],…}`, compact, with
    /// collections in name order and rows in key order. Each collection's JSON is computed once
    /// and shared by every dump that shares the collection.
    pub fn hash(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"{");
        for (i, (name, c)) in self.collections.iter().enumerate() {
            if i > 0 {
                h.update(b",");
            }
            h.update(Value::String(name.clone()).to_string().as_bytes());
            h.update(b":");
            h.update(c.canonical());
        }
        h.update(b"}");
        hex::encode(h.finalize())
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
    let empty = Arc::new(Collection::default());
    let mut names: Vec<&String> = before.collections.keys().collect();
    names.extend(after.collections.keys());
    names.sort();
    names.dedup();
    let mut out = Diff::default();
    for name in names {
        let b = before.collections.get(name).unwrap_or(&empty);
        let a = after.collections.get(name).unwrap_or(&empty);
        if Arc::ptr_eq(a, b) {
            continue;
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{seeded_world, Request, Scale, WorldOptions};

    #[test]
    fn without_dbstat_the_incremental_dump_is_a_full_dump() {
        let mut world = seeded_world(&WorldOptions::default(), Scale::DEFAULT).unwrap();
        assert!(
            dbstat_available(world.conn()),
            "the bundled SQLite has dbstat"
        );
        let image = world.snapshot().unwrap();
        // A baseline as a SQLite without dbstat makes it: no page map.
        let base = Baseline {
            image: Arc::from(image.as_bytes()),
            pages: None,
            dump: dump(world.conn()).unwrap(),
        };
        let resp = world.handle(&Request::post(
            "/gmail/v1/users/me/labels",
            serde_json::json!({"name": "Fallback"}),
        ));
        assert_eq!(resp.status, 200, "{}", resp.body);
        let now = world.snapshot().unwrap();
        let incremental = dump_since(world.conn(), now.as_bytes(), &base).unwrap();
        let full = dump(world.conn()).unwrap();
        assert_eq!(incremental.hash(), full.hash());
        assert_ne!(incremental.hash(), base.dump.hash(), "the change is seen");
        // Nothing is shared with the baseline: every collection was read again.
        assert!(incremental
            .collections
            .iter()
            .all(|(name, c)| !Arc::ptr_eq(c, &base.dump.collections[name])));
    }
}
