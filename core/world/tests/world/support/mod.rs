//! Shared helpers for the integration tests: fixture lookup, seeded worlds, request shorthands,
//! and a checker of JSON resources against Google discovery schemas.

pub mod discovery;
pub mod random_requests;

use env0_world::Snapshot;
use env0_world::{seeded_world, Scale};
use env0_world::{Method, Request, Response};
use env0_world::{World, WorldOptions};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The fixture cache (`$ENV0_FIXTURES`, default `~/.cache/env0/fixtures`). A missing file fails the
/// test with the command that fetches it: fixtures are never silently skipped.
pub fn fixture(relative: &str) -> PathBuf {
    env0_fixtures::require(relative).unwrap_or_else(|e| panic!("{e}"))
}

/// A seeded default world. Seeded once per test binary and loaded from that snapshot afterwards
/// (snapshots are lossless, so this is the same world, much faster).
pub fn world() -> World {
    static BASE: OnceLock<Snapshot> = OnceLock::new();
    let snap = BASE.get_or_init(|| {
        seeded_world(&WorldOptions::default(), Scale::DEFAULT)
            .unwrap()
            .snapshot()
            .unwrap()
    });
    World::from_snapshot(snap).unwrap()
}

pub fn world_with(scale: Scale) -> World {
    seeded_world(&WorldOptions::default(), scale).unwrap()
}

/// Sends a request and returns the response.
pub fn call(world: &mut World, method: Method, path: &str, body: Option<Value>) -> Response {
    let mut req = Request::new(method, path);
    if let Some(b) = body {
        req = req.with_body(b);
    }
    world.handle(&req)
}

/// Sends a request acting as `user` (id or email) and returns the response.
pub fn as_user(
    world: &mut World,
    user: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Response {
    let mut req = Request::new(method, path).as_user(user);
    if let Some(b) = body {
        req = req.with_body(b);
    }
    world.handle(&req)
}

/// Sends a request that must succeed (2xx) and returns its body.
pub fn ok(world: &mut World, method: Method, path: &str, body: Option<Value>) -> Value {
    let resp = call(world, method, path, body);
    assert!(
        resp.is_success(),
        "{method} {path} -> {}: {}",
        resp.status,
        resp.body
    );
    resp.body
}

/// Sends a request that must fail with `status`; returns the error body.
pub fn err(
    world: &mut World,
    method: Method,
    path: &str,
    body: Option<Value>,
    status: u16,
) -> Value {
    let resp = call(world, method, path, body);
    assert_eq!(resp.status, status, "{method} {path}: {}", resp.body);
    resp.body
}
