//! State dump, canonical hash and per-collection diff.
//!
//! A collection is a table (bookkeeping tables aside). The dump lists every row as a JSON object,
//! ordered by primary key; `BOOLEAN` columns become true/false and `JSON` columns their parsed
//! value. The hash is sha256 over the dump's canonical JSON (fields in column order — serde_json's
//! `preserve_order` is on in every build — no whitespace), so it is the same on every platform for
//! the same state. The diff matches rows by primary key.
//!
//! [`dump_since`] re-reads only the tables whose SQLite pages changed since a [`Baseline`]; that is
//! what makes proving the 2,448 tasks of tasks-lite and their exploit runs cheap
//! (`env0 tasks verify`).

use std::collections::{BTreeMap, HashMap};
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

/// One row: its fields by column name.
pub type Row = Map<String, Value>;

/// The rows of one collection, keyed by their primary key (joined with '|' when composite).
/// Rows are shared (`Arc`): a table re-read since a baseline reuses the rows whose stored values
/// are byte for byte those of the baseline's.
#[derive(Clone, Debug, Default)]
pub struct Collection {
    pub rows: BTreeMap<String, Arc<Row>>,
    /// Each row's stored values as SQLite returned them (an injective encoding, see
    /// [`encode_value`]), for the reuse above. Empty for collections not read from a database.
    raw: HashMap<String, Arc<[u8]>>,
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
        s.collect_seq(self.rows.values().map(|r| r.as_ref()))
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

/// Appends an injective encoding of one stored value to `out`: a type tag, then the value
/// (text and blobs length-prefixed), so two rows encode the same iff SQLite stores the same values.
fn encode_value(out: &mut Vec<u8>, value: ValueRef<'_>) {
    match value {
        ValueRef::Null => out.push(0),
        ValueRef::Integer(i) => {
            out.push(1);
            out.extend_from_slice(&i.to_le_bytes());
        }
        ValueRef::Real(f) => {
            out.push(2);
            out.extend_from_slice(&f.to_bits().to_le_bytes());
        }
        ValueRef::Text(t) | ValueRef::Blob(t) => {
            out.push(if matches!(value, ValueRef::Text(_)) {
                3
            } else {
                4
            });
            out.extend_from_slice(&(t.len() as u64).to_le_bytes());
            out.extend_from_slice(t);
        }
    }
}

/// Dumps one table.
pub fn dump_table(conn: &Connection, table: &str) -> Result<Collection> {
    dump_table_reusing(conn, table, None)
}

/// Dumps one table; rows stored exactly as in `previous` (same key, same values) are shared with
/// it instead of being converted again.
fn dump_table_reusing(
    conn: &Connection,
    table: &str,
    previous: Option<&Collection>,
) -> Result<Collection> {
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
    let mut encoded = Vec::new();
    while let Some(row) = rows.next()? {
        encoded.clear();
        for i in 0..shape.columns.len() {
            encode_value(&mut encoded, row.get_ref(i)?);
        }
        let key = if shape.key_columns.is_empty() {
            row.get::<_, i64>(shape.columns.len())?.to_string()
        } else {
            shape
                .key_columns
                .iter()
                .map(|&i| Ok(key_text(&to_json(row.get_ref(i)?, shape.columns[i].1))))
                .collect::<Result<Vec<_>>>()?
                .join("|")
        };
        let reused = previous.and_then(|p| {
            let raw = p.raw.get(&key).filter(|raw| raw[..] == encoded[..])?;
            Some((Arc::clone(p.rows.get(&key)?), Arc::clone(raw)))
        });
        let (fields, raw) = match reused {
            Some(pair) => pair,
            None => {
                let mut obj = Map::new();
                for (i, (name, kind)) in shape.columns.iter().enumerate() {
                    obj.insert(name.clone(), to_json(row.get_ref(i)?, *kind));
                }
                (Arc::new(obj), Arc::from(&encoded[..]))
            }
        };
        out.raw.insert(key.clone(), raw);
        out.rows.insert(key, fields);
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
pub fn dump_since(conn: &Connection, image: &[u8], base: &Baseline) -> Result<StateDump> {
    dump_changed(conn, changed_pages(image, base), base)
}

/// The pages of a database image that differ from a baseline's image (0-based page numbers).
/// `None` when the two cannot be compared page by page (no page map, another page size, not an
/// image).
pub struct PageChanges(Option<Vec<usize>>);

/// Compares `image` with `base`'s image, page by page. Only reads `image`, so it can run on a
/// borrowed, uncopied serialisation of a connection.
pub fn changed_pages(image: &[u8], base: &Baseline) -> PageChanges {
    let Some(base_pages) = &base.pages else {
        return PageChanges(None);
    };
    let size = match image.get(16..18) {
        Some(&[1, 0]) => 65_536,
        Some(&[hi, lo]) => usize::from(u16::from_be_bytes([hi, lo])),
        _ => 0,
    };
    if size != base_pages.page_size {
        return PageChanges(None);
    }
    let pages = image.len().max(base.image.len()).div_ceil(size);
    let changed = (0..pages)
        .filter(|p| {
            let range = p * size..(p + 1) * size;
            image.get(range.clone()) != base.image.get(range)
        })
        .collect();
    PageChanges(Some(changed))
}

/// The state of `conn`, given which pages differ from `base`'s image ([`changed_pages`]):
/// tables none of whose baseline pages changed are shared with `base`'s dump.
///
/// Sound by construction: a table reads back the same if no page reachable from its root in the
/// current image differs from the baseline image and its root did not move. Take a table whose
/// rows changed, and follow its b-tree (and overflow chains) from the root down to a page that
/// differs: the first differing page on that path hangs from a parent that is byte-identical in
/// the baseline, where the same parent (reached the same way from the same root) already pointed
/// to it, so the baseline image attributes that page to this very table. Hence marking the
/// baseline owners of the differing pages finds every changed table, without reading the current
/// image's page ownership (a full `dbstat` scan). A page that changed for another reason (a
/// rebalance, a freed page) only makes a table be re-read. A different set of tables falls back
/// to a full dump, as does a database without `dbstat` (iOS links the system SQLite, which may be
/// built without it).
pub fn dump_changed(conn: &Connection, changes: PageChanges, base: &Baseline) -> Result<StateDump> {
    let (Some(base_pages), Some(pages)) = (&base.pages, changes.0) else {
        return dump(conn);
    };
    if pages.is_empty() {
        // Byte for byte the baseline image (a shorter or longer image has differing pages).
        return Ok(base.dump.clone());
    }
    let (tables, roots) = table_roots(conn)?;
    if tables != base_pages.tables {
        return dump(conn);
    }
    let mut changed: Vec<bool> = roots
        .iter()
        .zip(&base_pages.roots)
        .map(|(a, b)| a != b)
        .collect();
    for p in pages {
        if let Some(owner) = base_pages.owner(p) {
            changed[owner as usize] = true;
        }
    }
    let mut collections = BTreeMap::new();
    for (i, table) in tables.iter().enumerate() {
        let c = match base.dump.collections.get(table) {
            Some(c) if !changed[i] => Arc::clone(c),
            previous => Arc::new(dump_table_reusing(conn, table, previous.map(Arc::as_ref))?),
        };
        collections.insert(table.clone(), c);
    }
    Ok(StateDump { collections })
}

/// The state tables (sorted, as [`schema::state_tables`] lists them) and their root pages.
fn table_roots(conn: &Connection) -> Result<(Vec<String>, Vec<i64>)> {
    let tables = schema::state_tables(conn)?;
    let mut stmt = conn.prepare_cached(
        "SELECT name, rootpage FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )?;
    let mut roots = vec![0; tables.len()];
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?))
    })?;
    for row in rows {
        let (name, root) = row?;
        if let Ok(i) = tables.binary_search(&name) {
            roots[i] = root.unwrap_or(0);
        }
    }
    Ok((tables, roots))
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
                None => cd.added.push(Row::clone(row)),
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
                        row: Row::clone(row),
                        changed,
                    });
                }
                Some(_) => {}
            }
        }
        for (key, row) in &b.rows {
            if !a.rows.contains_key(key) {
                cd.deleted.push(Row::clone(row));
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
