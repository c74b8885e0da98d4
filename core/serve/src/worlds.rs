//! The server's worlds: named, isolated, each behind its own lock.
//!
//! A world is created from a snapshot (an in-memory SQLite image) copy-on-write
//! (`World::from_snapshot_shared`): it shares the image and holds only the pages it writes, so
//! creating one costs opening a SQLite connection, not a copy of the image. Requests to different
//! worlds never wait on each other.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use env0_world::{Snapshot, World};
use serde_json::{json, Value};

/// One world and the snapshot it was created from (what `reset` and `diff` compare against);
/// named snapshots are the world's own ([`World::save_snapshot`]).
pub struct Slot {
    world: Mutex<World>,
    initial: Snapshot,
}

/// A lock that a panicking holder poisoned is still usable: the world's own transactions roll
/// back a request that failed half-way, so its state is consistent.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Slot {
    pub fn world(&self) -> MutexGuard<'_, World> {
        lock(&self.world)
    }
    /// The image the world was created from.
    pub fn initial(&self) -> &Snapshot {
        &self.initial
    }
}

/// What the admin API lists about a world.
#[derive(Clone, Debug, PartialEq)]
pub struct WorldInfo {
    pub name: String,
    pub snapshots: Vec<String>,
}

/// Why a world operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum WorldsError {
    #[error("no world named '{0}'")]
    NotFound(String),
    #[error("a world named '{0}' exists")]
    Exists(String),
    #[error("invalid world name '{0}': use 1-64 letters, digits, '-', '_' or '.'")]
    BadName(String),
    #[error("the server holds its maximum of {0} worlds; delete some first")]
    Full(usize),
    #[error(transparent)]
    World(#[from] env0_world::Error),
}

/// The named worlds of one server.
pub struct Worlds {
    base: Snapshot,
    max: usize,
    slots: RwLock<HashMap<String, Arc<Slot>>>,
}

/// The world a request addresses when it names none.
pub const DEFAULT_WORLD: &str = "default";

pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && name != "."
        && name != ".."
}

impl Worlds {
    /// Worlds starting from `base`, with a `default` world already created.
    pub fn new(base: Snapshot, max: usize) -> Result<Worlds, env0_world::Error> {
        let worlds = Worlds {
            base,
            max: max.max(1),
            slots: RwLock::new(HashMap::new()),
        };
        let slot = worlds.new_slot(&worlds.base)?;
        worlds
            .slots
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(DEFAULT_WORLD.to_string(), Arc::new(slot));
        Ok(worlds)
    }

    fn new_slot(&self, from: &Snapshot) -> Result<Slot, env0_world::Error> {
        Ok(Slot {
            // Copy-on-write: the world reads through to the image and keeps what it writes.
            world: Mutex::new(World::from_snapshot_shared(from)?),
            initial: from.clone(),
        })
    }

    /// The world named `name`.
    pub fn get(&self, name: &str) -> Result<Arc<Slot>, WorldsError> {
        self.slots
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(name)
            .cloned()
            .ok_or_else(|| WorldsError::NotFound(name.to_string()))
    }

    /// Creates world `name` from `source`'s current state, or from the server's base snapshot.
    pub fn create(&self, name: &str, source: Option<&str>) -> Result<(), WorldsError> {
        if !valid_name(name) {
            return Err(WorldsError::BadName(name.to_string()));
        }
        let from = match source {
            Some(src) => self.get(src)?.world().snapshot()?,
            None => self.base.clone(),
        };
        // Built outside the registry's lock: other requests go on meanwhile.
        let slot = Arc::new(self.new_slot(&from)?);
        let mut slots = self.slots.write().unwrap_or_else(|p| p.into_inner());
        if slots.contains_key(name) {
            return Err(WorldsError::Exists(name.to_string()));
        }
        if slots.len() >= self.max {
            return Err(WorldsError::Full(self.max));
        }
        slots.insert(name.to_string(), slot);
        Ok(())
    }

    /// Removes world `name` (requests in flight on it finish on the removed world).
    pub fn delete(&self, name: &str) -> Result<(), WorldsError> {
        self.slots
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(name)
            .map(|_| ())
            .ok_or_else(|| WorldsError::NotFound(name.to_string()))
    }

    /// Every world, by name.
    pub fn list(&self) -> Vec<WorldInfo> {
        let slots: Vec<(String, Arc<Slot>)> = self
            .slots
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|(k, v)| (k.clone(), Arc::clone(v)))
            .collect();
        let mut out: Vec<WorldInfo> = slots
            .into_iter()
            .map(|(name, slot)| WorldInfo {
                name,
                snapshots: slot.world().snapshot_names().map(str::to_string).collect(),
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }
}

impl WorldInfo {
    pub fn to_json(&self) -> Value {
        json!({"name": self.name, "snapshots": self.snapshots})
    }
}
