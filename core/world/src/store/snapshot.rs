//! Whole-world snapshots: the SQLite database image itself (sqlite3_serialize), so a snapshot is
//! lossless by construction and is also a valid SQLite file that `sqlite3` can open.

use std::io::Write;
use std::path::Path;

use rusqlite::{Connection, MAIN_DB};

use crate::error::{Error, Result};
use crate::store::schema;

const HEADER: &[u8; 16] = b"SQLite format 3\0";

/// An immutable image of a world's database.
#[derive(Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// Shared: a snapshot is immutable, so cloning one (a server keeps the image each of its
    /// worlds started from) costs a reference count, not a copy of the image.
    bytes: std::sync::Arc<[u8]>,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Snapshot({} bytes)", self.bytes.len())
    }
}

impl Snapshot {
    /// Captures `conn`'s main database.
    pub fn capture(conn: &mut Connection) -> Result<Snapshot> {
        let data = conn.serialize(MAIN_DB)?;
        let mut bytes = data.to_vec();
        // A file-backed world runs in WAL mode, which an in-memory image cannot use: mark the
        // image as rollback-journal (file format bytes 18 and 19 = 1) so it deserialises anywhere.
        if bytes.len() >= 20 {
            bytes[18] = 1;
            bytes[19] = 1;
        }
        Ok(Snapshot {
            bytes: bytes.into(),
        })
    }

    /// Checks and wraps a database image read from elsewhere (a file, the FFI).
    pub fn from_bytes(mut bytes: Vec<u8>) -> Result<Snapshot> {
        if bytes.len() < 100 || &bytes[..16] != HEADER {
            return Err(Error::InvalidSnapshot(
                "not a SQLite database image (bad header)".into(),
            ));
        }
        let page_size = match u16::from_be_bytes([bytes[16], bytes[17]]) {
            1 => 65_536,
            n => n as usize,
        };
        if page_size < 512 || !page_size.is_power_of_two() || !bytes.len().is_multiple_of(page_size)
        {
            return Err(Error::InvalidSnapshot(format!(
                "size {} is not a whole number of {page_size}-byte pages (truncated?)",
                bytes.len()
            )));
        }
        bytes[18] = 1;
        bytes[19] = 1;
        let snap = Snapshot {
            bytes: bytes.into(),
        };
        // Open it once to be sure SQLite accepts it and it is a world.
        let conn = snap.open()?;
        let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(Error::InvalidSnapshot(format!("integrity check: {check}")));
        }
        let version = schema::schema_version(&conn)?;
        if version == 0 || version > schema::SCHEMA_VERSION {
            return Err(Error::InvalidSnapshot(format!(
                "schema version {version} (this build reads 1..={})",
                schema::SCHEMA_VERSION
            )));
        }
        Ok(snap)
    }

    /// The raw database image.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The image itself, shared (what a copy-on-write world reads through to).
    pub(crate) fn shared_bytes(&self) -> std::sync::Arc<[u8]> {
        std::sync::Arc::clone(&self.bytes)
    }

    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Loads the image into a fresh in-memory connection.
    pub fn open(&self) -> Result<Connection> {
        let mut conn = Connection::open_in_memory()?;
        self.load_into(&mut conn)?;
        Ok(conn)
    }

    /// Replaces the main database of an in-memory `conn` with this image.
    pub(crate) fn load_into(&self, conn: &mut Connection) -> Result<()> {
        conn.flush_prepared_statement_cache();
        conn.deserialize_read_exact(MAIN_DB, &self.bytes[..], self.bytes.len(), false)
            .map_err(|e| Error::InvalidSnapshot(format!("SQLite refused the image: {e}")))?;
        Ok(())
    }

    /// Reads and checks a snapshot file.
    pub fn read_file(path: &Path) -> Result<Snapshot> {
        let bytes = std::fs::read(path)
            .map_err(|e| Error::io(format!("reading snapshot {}", path.display()), e))?;
        Snapshot::from_bytes(bytes).map_err(|e| match e {
            Error::InvalidSnapshot(m) => Error::InvalidSnapshot(format!("{}: {m}", path.display())),
            other => other,
        })
    }

    /// Writes the snapshot atomically: a temporary file in the same directory, fsync, rename.
    /// A crash leaves either the old file or the new one, never a torn one.
    pub fn write_file(&self, path: &Path) -> Result<()> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        let name = path
            .file_name()
            .ok_or_else(|| Error::Invalid(format!("not a file path: {}", path.display())))?;
        let tmp = dir.join(format!(
            ".{}.tmp-{}",
            name.to_string_lossy(),
            std::process::id()
        ));
        let ctx = |what: &str| format!("{what} {}", tmp.display());
        {
            let mut f = std::fs::File::create(&tmp).map_err(|e| Error::io(ctx("creating"), e))?;
            f.write_all(&self.bytes)
                .map_err(|e| Error::io(ctx("writing"), e))?;
            f.sync_all().map_err(|e| Error::io(ctx("syncing"), e))?;
        }
        std::fs::rename(&tmp, path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::io(format!("renaming into {}", path.display()), e)
        })?;
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        remove_stale_temporaries(&dir, &name.to_string_lossy());
        Ok(())
    }
}

/// Removes the temporary files that writers of `name` killed mid-write left in `dir`
/// (`.NAME.tmp-PID` of a process that no longer runs). Where the system cannot say whether a
/// process runs (no `/proc`), nothing is removed.
fn remove_stale_temporaries(dir: &Path, name: &str) {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(pid) = file
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        if !proc.join(pid).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
