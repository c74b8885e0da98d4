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

/// The parsers behind requests, reachable for the fuzz targets (`fuzz/`). Not an API: names and
/// signatures may change.
#[doc(hidden)]
pub mod fuzzing {
    /// Gmail's `q` grammar; `Err` is a readable message.
    pub fn gmail_query(q: &str) -> std::result::Result<(), String> {
        crate::services::gmail::search::parse(q).map(|_| ())
    }

    /// Drive's `q` grammar.
    pub fn drive_query(q: &str) -> std::result::Result<(), String> {
        crate::services::drive::query::parse(q)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// A raw RFC 822 message as Gmail's `raw` carries it.
    pub fn mime(raw: &[u8]) -> std::result::Result<(), String> {
        crate::services::gmail::mime::parse(raw).map(|_| ())
    }

    /// A multipart upload body.
    pub fn multipart(body: &[u8]) -> std::result::Result<(), String> {
        crate::rest::multipart::parse_multipart(body)
            .map(|_| ())
            .map_err(|e| e.message)
    }
}
pub use rest::{ApiError, Method, Request, Response};
pub use seed::Scale;
pub use services::{endpoints, prefixes as service_prefixes, seed_world, seeded_world, Endpoint};
pub use store::{clock, schema, state, users};
pub use store::{
    default_now, ActionLogEntry, Baseline, Diff, Snapshot, StateDump, Storage, World,
    WorldFileLock, WorldOptions,
};
