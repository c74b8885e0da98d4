//! `Workspace`: one world, as the app's Mail, Calendar, Drive, Docs and Slack screens use it.

use std::path::Path;
use std::sync::{Arc, Mutex};

use env0_world::{seed_world, Method, Request, Scale, Snapshot, World, WorldOptions};

use crate::{guard, Env0Error};

/// A REST response: the status and the JSON body as text.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ApiResponse {
    pub status: u16,
    pub body_json: String,
}

/// What changed in one collection since a snapshot.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CollectionChanges {
    pub collection: String,
    pub added: u32,
    pub updated: u32,
    pub deleted: u32,
    /// The full change set (`{added, updated: [{key, row, changed}], deleted}`) as JSON.
    pub detail_json: String,
}

/// One request of the action log.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ActionRecord {
    pub seq: i64,
    pub at: String,
    pub user_id: Option<String>,
    pub method: String,
    pub path: String,
    pub status: u16,
}

/// A world: one SQLite database (a file on the device, or in memory) with every service.
#[derive(uniffi::Object)]
pub struct Workspace {
    world: Mutex<World>,
}

fn scale(name: &str) -> Result<Scale, Env0Error> {
    Scale::by_name(name).ok_or_else(|| {
        Env0Error::invalid(format!("unknown scale '{name}' (empty, default, large)"))
    })
}

fn options(seed: u64) -> WorldOptions {
    WorldOptions {
        seed,
        ..WorldOptions::default()
    }
}

impl Workspace {
    /// The world, for an episode that acts on it (see `Agent::run_instruction`).
    pub(crate) fn world(&self) -> &Mutex<World> {
        &self.world
    }
}

fn wrap(world: World) -> Arc<Workspace> {
    Arc::new(Workspace {
        world: Mutex::new(world),
    })
}

#[uniffi::export]
impl Workspace {
    /// Opens an existing world file: `NotFound` when there is none, `Storage` when the file is
    /// not a world.
    #[uniffi::constructor]
    pub fn open(path: String) -> Result<Arc<Workspace>, Env0Error> {
        guard(|| {
            if !Path::new(&path).is_file() {
                return Err(Env0Error::not_found(format!("no world file at {path}")));
            }
            Ok(wrap(World::open_file(Path::new(&path))?))
        })
    }

    /// Creates a world file at `path` (which must not exist) seeded at `scale`.
    #[uniffi::constructor]
    pub fn create(
        path: String,
        seed: u64,
        scale_name: String,
    ) -> Result<Arc<Workspace>, Env0Error> {
        guard(|| {
            let scale = scale(&scale_name)?;
            if Path::new(&path).exists() {
                return Err(Env0Error::invalid(format!("{path} already exists")));
            }
            let mut world = World::create_file(Path::new(&path), &options(seed))?;
            seed_world(&mut world, scale)?;
            Ok(wrap(world))
        })
    }

    /// A seeded world held in memory (gone when the object is).
    #[uniffi::constructor]
    pub fn in_memory(seed: u64, scale_name: String) -> Result<Arc<Workspace>, Env0Error> {
        guard(|| {
            Ok(wrap(env0_world::seeded_world(
                &options(seed),
                scale(&scale_name)?,
            )?))
        })
    }

    /// Sends a REST request (`GET /gmail/v1/users/me/messages?q=is:unread`, …) as `user` (email
    /// or id; the primary user when absent). API errors are responses, not `Env0Error`s.
    pub fn call(
        &self,
        method: String,
        path: String,
        body_json: Option<String>,
        user: Option<String>,
    ) -> Result<ApiResponse, Env0Error> {
        guard(|| {
            let method: Method = method.parse().map_err(Env0Error::invalid)?;
            let mut request = Request::new(method, path);
            if let Some(body) = body_json {
                request = request.with_raw_body(body);
            }
            if let Some(user) = user {
                request = request.as_user(user);
            }
            let response = self.world.lock()?.handle(&request);
            Ok(ApiResponse {
                status: response.status,
                body_json: response.body.to_string(),
            })
        })
    }

    /// Saves the current state under `name` (in memory, for this object's lifetime).
    pub fn save_snapshot(&self, name: String) -> Result<(), Env0Error> {
        guard(|| Ok(self.world.lock()?.save_snapshot(&name)?))
    }

    /// Puts the world back to snapshot `name`, exactly.
    pub fn restore_snapshot(&self, name: String) -> Result<(), Env0Error> {
        guard(|| Ok(self.world.lock()?.restore_snapshot(&name)?))
    }

    /// Writes the current state to a snapshot file at `path`, atomically (a reader finds the
    /// old file or the new one, never half of one): a reset point that outlives this object and
    /// the app, e.g. saved when the world is created.
    pub fn save_snapshot_file(&self, path: String) -> Result<(), Env0Error> {
        guard(|| Ok(self.world.lock()?.save_to_file(Path::new(&path))?))
    }

    /// Puts the world back exactly to the state in the snapshot file at `path` (a world file
    /// is rewritten in place): `NotFound` when there is no such file, `Storage` when it is not
    /// a snapshot; the world is unchanged then.
    pub fn restore_snapshot_file(&self, path: String) -> Result<(), Env0Error> {
        guard(|| {
            let file = Path::new(&path);
            if !file.is_file() {
                return Err(Env0Error::not_found(format!("no snapshot file at {path}")));
            }
            let snapshot = Snapshot::read_file(file)?;
            Ok(self.world.lock()?.restore(&snapshot)?)
        })
    }

    pub fn snapshot_names(&self) -> Result<Vec<String>, Env0Error> {
        guard(|| {
            Ok(self
                .world
                .lock()?
                .snapshot_names()
                .map(str::to_string)
                .collect())
        })
    }

    /// sha256 of the canonical state dump: equal on every platform for the same state.
    pub fn state_hash(&self) -> Result<String, Env0Error> {
        guard(|| Ok(self.world.lock()?.state_hash()?))
    }

    /// The world's frozen "now" (RFC 3339).
    pub fn now(&self) -> Result<String, Env0Error> {
        guard(|| Ok(env0_world::clock::rfc3339(self.world.lock()?.now()?)))
    }

    /// What changed since snapshot `name`, per collection (collections without changes left out).
    pub fn diff_since(&self, name: String) -> Result<Vec<CollectionChanges>, Env0Error> {
        guard(|| {
            let diff = self.world.lock()?.diff_since_named(&name)?;
            diff.collections
                .into_iter()
                .map(|(collection, changes)| {
                    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
                    Ok(CollectionChanges {
                        collection,
                        added: count(changes.added.len()),
                        updated: count(changes.updated.len()),
                        deleted: count(changes.deleted.len()),
                        detail_json: serde_json::to_string(&changes).map_err(|e| {
                            Env0Error::Internal {
                                detail: e.to_string(),
                            }
                        })?,
                    })
                })
                .collect()
        })
    }

    /// Every request the world has served, oldest first.
    pub fn action_log(&self) -> Result<Vec<ActionRecord>, Env0Error> {
        guard(|| {
            Ok(self
                .world
                .lock()?
                .action_log()?
                .into_iter()
                .map(|e| ActionRecord {
                    seq: e.seq,
                    at: e.at,
                    user_id: e.user_id,
                    method: e.method,
                    path: e.path,
                    status: e.status,
                })
                .collect())
        })
    }
}
