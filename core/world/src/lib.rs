//! env0-world: the embedded mock workspace. A [`World`] is one SQLite database holding every
//! service's state (Gmail, Calendar, Drive, Docs, Slack and the OAuth identity service), a frozen
//! clock, a seeded id generator and the action log. Requests go through [`World::handle`], which
//! routes Google/Slack-shaped REST calls to the services; snapshots, state dumps, hashes and diffs
//! make worlds cheap to reset and easy to verify. See README.md for what it owns.

mod error;
pub mod needles;
mod rest;
mod seed;
mod services;
mod store;

pub use error::{Error, Result};
pub use rest::{ApiError, Method, Request, Response};
pub use seed::Scale;
pub use services::{endpoints, prefixes as service_prefixes, seed_world, seeded_world, Endpoint};
pub use store::{clock, schema, state, users};
pub use store::{
    default_now, ActionLogEntry, Baseline, Diff, Snapshot, StateDump, Storage, World, WorldOptions,
};
