//! env0-core: the embedded mock workspace ("world") and everything that runs on it.
//!
//! A [`World`] is one SQLite database holding every service's state (Gmail, Calendar, …), a frozen
//! clock, a seeded id generator and the action log. Requests go through [`World::handle`], which
//! routes Google/Slack-shaped REST calls to the services; snapshots, state dumps, hashes and diffs
//! make worlds cheap to reset and easy to verify.

pub mod agent;
pub mod chat;
pub mod error;
pub mod eval;
pub mod fixtures;
pub mod rest;
pub mod seed;
pub mod services;
pub mod tasks;
pub mod tools;
pub mod verifier;
pub mod world;

pub use error::{Error, Result};
pub use rest::{Method, Request, Response};
pub use world::{Snapshot, World, WorldOptions};
