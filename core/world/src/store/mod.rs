//! A world: one SQLite database holding the whole workspace, plus named in-memory snapshots.
//!
//! Worlds share nothing: two worlds in one process (or thread) never see each other's data,
//! clock or ids.

pub mod action_log;
pub mod clock;
pub mod lock;
pub mod schema;
pub mod snapshot;
pub mod state;
pub mod users;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::Connection;

pub use action_log::ActionLogEntry;
pub use lock::WorldFileLock;
pub use snapshot::Snapshot;
pub use state::{Baseline, Diff, StateDump};

use crate::error::{Error, Result};
use crate::rest::{self, Request, Response};

/// How a new world starts.
#[derive(Clone, Debug, PartialEq)]
pub struct WorldOptions {
    /// Seed of the id generator (and of the seeders).
    pub seed: u64,
    /// The world's frozen "now".
    pub now: DateTime<Utc>,
}

/// The default frozen time: Monday 16 March 2026, 09:00 in San Francisco.
pub fn default_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 16, 16, 0, 0)
        .single()
        .unwrap_or_default()
}

impl Default for WorldOptions {
    fn default() -> Self {
        WorldOptions {
            seed: 42,
            now: default_now(),
        }
    }
}

/// Where a world's database lives.
#[derive(Clone, Debug, PartialEq)]
pub enum Storage {
    Memory,
    /// A file in WAL mode.
    File(PathBuf),
}

pub struct World {
    conn: Connection,
    storage: Storage,
    snapshots: BTreeMap<String, Snapshot>,
}

impl std::fmt::Debug for World {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("World")
            .field("storage", &self.storage)
            .field("snapshots", &self.snapshots.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// How long a world opened in place waits for another connection (another process, another
/// object) to finish its write before a request fails with "database is locked".
pub const SHARED_FILE_BUSY: std::time::Duration = std::time::Duration::from_secs(5);

fn configure(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // State dumps read every table (~40) with a prepared statement each; the default cache of
    // 16 would prepare them anew on every dump.
    conn.set_prepared_statement_cache_capacity(128);
    Ok(())
}

impl World {
    /// An empty in-memory world (schema, clock and seed; no users, no data).
    pub fn new(options: &WorldOptions) -> Result<World> {
        let mut conn = Connection::open_in_memory()?;
        configure(&conn)?;
        schema::migrate(&mut conn)?;
        clock::init(&conn, options.seed, options.now)?;
        Ok(World {
            conn,
            storage: Storage::Memory,
            snapshots: BTreeMap::new(),
        })
    }

    /// A new empty world stored in a file (WAL mode). Fails if the file exists.
    pub fn create_file(path: &Path, options: &WorldOptions) -> Result<World> {
        if path.exists() {
            return Err(Error::Invalid(format!("{} already exists", path.display())));
        }
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(SHARED_FILE_BUSY)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        configure(&conn)?;
        schema::migrate(&mut conn)?;
        clock::init(&conn, options.seed, options.now)?;
        Ok(World {
            conn,
            storage: Storage::File(path.to_path_buf()),
            snapshots: BTreeMap::new(),
        })
    }

    /// Opens a file-backed world in place (WAL mode), upgrading its schema if it is older.
    pub fn open_file(path: &Path) -> Result<World> {
        if !path.exists() {
            return Err(Error::Invalid(format!("no world at {}", path.display())));
        }
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(SHARED_FILE_BUSY)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        configure(&conn)?;
        schema::migrate(&mut conn)?;
        clock::now(&conn)?;
        Ok(World {
            conn,
            storage: Storage::File(path.to_path_buf()),
            snapshots: BTreeMap::new(),
        })
    }

    /// An in-memory world loaded from a snapshot.
    pub fn from_snapshot(snapshot: &Snapshot) -> Result<World> {
        let mut conn = Connection::open_in_memory()?;
        snapshot.load_into(&mut conn)?;
        World::in_memory(conn)
    }

    /// An in-memory world on an open connection to a snapshot's image.
    fn in_memory(mut conn: Connection) -> Result<World> {
        configure(&conn)?;
        schema::migrate(&mut conn)?;
        Ok(World {
            conn,
            storage: Storage::Memory,
            snapshots: BTreeMap::new(),
        })
    }

    /// An in-memory world that shares `snapshot`'s image and keeps only what it writes (see the
    /// `env0-cow` crate): made without copying the image, in a fraction of
    /// [`World::from_snapshot`]'s time and memory, and answering exactly as such a world does.
    pub fn from_snapshot_shared(snapshot: &Snapshot) -> Result<World> {
        env0_cow::register().map_err(Error::Invalid)?;
        let name = env0_cow::stage(snapshot.shared_bytes());
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
            | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX
            | rusqlite::OpenFlags::SQLITE_OPEN_EXRESCODE;
        let conn = match Connection::open_with_flags_and_vfs(&name, flags, env0_cow::VFS_NAME) {
            Ok(c) => c,
            Err(e) => {
                env0_cow::unstage(&name);
                return Err(Error::InvalidSnapshot(format!(
                    "SQLite refused the image: {e}"
                )));
            }
        };
        // The rollback journal and temporary tables stay in memory: the VFS opens no other file.
        conn.pragma_update(None, "journal_mode", "MEMORY")?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        World::in_memory(conn)
    }

    /// An in-memory world loaded from a snapshot file (see [`World::save_to_file`]).
    pub fn load_file(path: &Path) -> Result<World> {
        World::from_snapshot(&Snapshot::read_file(path)?)
    }

    /// Writes the whole world to `path` atomically; [`World::load_file`] reads it back.
    pub fn save_to_file(&mut self, path: &Path) -> Result<()> {
        self.snapshot()?.write_file(path)
    }

    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// Read access to the database (tests, seeders, verifiers).
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Write access to the database, for seeders.
    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Serves one REST request. See [`rest::dispatch`].
    pub fn handle(&mut self, request: &Request) -> Response {
        rest::dispatch(&mut self.conn, request)
    }

    pub fn now(&self) -> Result<DateTime<Utc>> {
        clock::now(&self.conn)
    }

    pub fn set_now(&mut self, now: DateTime<Utc>) -> Result<()> {
        clock::set_now(&self.conn, now)
    }

    pub fn seed(&self) -> Result<u64> {
        clock::seed(&self.conn)
    }

    /// The whole world as it is now.
    pub fn snapshot(&mut self) -> Result<Snapshot> {
        Snapshot::capture(&mut self.conn)
    }

    /// Puts the world back exactly as it was in `snapshot` (data, clock, ids, action log).
    pub fn restore(&mut self, snapshot: &Snapshot) -> Result<()> {
        match &self.storage {
            Storage::Memory => snapshot.load_into(&mut self.conn)?,
            Storage::File(_) => {
                let source = snapshot.open()?;
                let backup = rusqlite::backup::Backup::new(&source, &mut self.conn)?;
                backup.run_to_completion(1024, std::time::Duration::ZERO, None)?;
            }
        }
        configure(&self.conn)?;
        schema::migrate(&mut self.conn)?;
        Ok(())
    }

    /// Like [`World::restore`], but an in-memory world comes back copy-on-write over `snapshot`'s
    /// image (as [`World::from_snapshot_shared`] makes it) instead of copying it; its named
    /// snapshots stay. A file world restores as [`World::restore`] does.
    pub fn restore_shared(&mut self, snapshot: &Snapshot) -> Result<()> {
        match self.storage {
            Storage::Memory => {
                self.conn = World::from_snapshot_shared(snapshot)?.conn;
                Ok(())
            }
            Storage::File(_) => self.restore(snapshot),
        }
    }

    /// Keeps a snapshot under `name` (replacing any earlier one of that name).
    pub fn save_snapshot(&mut self, name: &str) -> Result<()> {
        let snap = self.snapshot()?;
        self.snapshots.insert(name.to_string(), snap);
        Ok(())
    }

    /// Restores the snapshot kept under `name`.
    pub fn restore_snapshot(&mut self, name: &str) -> Result<()> {
        let snap = self
            .snapshots
            .get(name)
            .cloned()
            .ok_or_else(|| Error::UnknownSnapshot(name.to_string()))?;
        self.restore(&snap)
    }

    pub fn named_snapshot(&self, name: &str) -> Option<&Snapshot> {
        self.snapshots.get(name)
    }

    pub fn snapshot_names(&self) -> impl Iterator<Item = &str> {
        self.snapshots.keys().map(String::as_str)
    }

    /// Every collection's rows (bookkeeping tables aside).
    pub fn state_dump(&self) -> Result<StateDump> {
        state::dump(&self.conn)
    }

    /// A baseline of the current state (a full dump plus the image it came from) that
    /// [`World::state_dump_since`] compares against.
    pub fn baseline(&mut self) -> Result<Baseline> {
        let image = self.snapshot()?;
        Baseline::read(&self.conn, image.as_bytes())
    }

    /// A baseline of the current state, whose image `current` the caller already took (a
    /// snapshot of this world as it is now), its dump read incrementally from `base`.
    pub fn baseline_from(&self, current: &Snapshot, base: &Baseline) -> Result<Baseline> {
        let dump = state::dump_since(&self.conn, current.as_bytes(), base)?;
        Baseline::with_dump(&self.conn, current.as_bytes(), dump)
    }

    /// The same as [`World::state_dump`], but tables whose database pages are unchanged since
    /// `base` are taken from `base`'s dump instead of being read again (see [`state::dump_since`]).
    pub fn state_dump_since(&mut self, base: &Baseline) -> Result<StateDump> {
        // An in-memory world serialises without a copy: compare its pages in place.
        let changes = {
            let image = self.conn.serialize(rusqlite::MAIN_DB)?;
            state::changed_pages(&image, base)
        };
        state::dump_changed(&self.conn, changes, base)
    }

    /// sha256 of the canonical state dump.
    pub fn state_hash(&self) -> Result<String> {
        Ok(self.state_dump()?.hash())
    }

    /// What changed since `snapshot`.
    pub fn diff_since(&self, snapshot: &Snapshot) -> Result<Diff> {
        let before = state::dump(&snapshot.open()?)?;
        Ok(state::diff(&before, &self.state_dump()?))
    }

    /// What changed since the snapshot kept under `name`.
    pub fn diff_since_named(&self, name: &str) -> Result<Diff> {
        let snap = self
            .snapshots
            .get(name)
            .ok_or_else(|| Error::UnknownSnapshot(name.to_string()))?;
        self.diff_since(snap)
    }

    pub fn action_log(&self) -> Result<Vec<ActionLogEntry>> {
        action_log::entries(&self.conn)
    }

    pub fn clear_action_log(&mut self) -> Result<()> {
        action_log::clear(&self.conn)
    }

    pub fn users(&self) -> Result<Vec<users::User>> {
        users::all(&self.conn)
    }
}
