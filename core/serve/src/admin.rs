//! The admin API: worlds, and per world the upstream env0 admin surface.
//!
//! Every admin request needs the server's admin token in the `X-Env0-Admin-Token` header (401
//! without it, 403 with a wrong one); no world issues that token, so an agent that holds only user
//! or bot tokens cannot reach these endpoints. Admin requests are not written to a world's action
//! log, as upstream.
//!
//! Worlds:
//!
//! | Method | Path | |
//! |---|---|---|
//! | GET | `/_admin/worlds` | `{"worlds": [{"name", "snapshots"}], "count"}` |
//! | POST | `/_admin/worlds` | body `{"name"?, "from"?}`: a new world from the server's base snapshot, or from world `from`'s current state; 201 `{"name", "micros"}` |
//! | DELETE | `/_admin/worlds/{name}` | 204 |
//!
//! Per world (the world named by `X-Env0-World` or a `/worlds/{name}` prefix, default `default`),
//! in the upstream shapes:
//!
//! | Method | Path | |
//! |---|---|---|
//! | POST | `/_admin/reset` | back to the state the world was created with (data, clock, action log) |
//! | GET | `/_admin/state` | the state dump (`{"collection": [row, …], …}`) |
//! | GET | `/_admin/state_hash` | `{"hash"}`: sha256 of the canonical dump |
//! | GET | `/_admin/diff` | the diff since the world was created |
//! | GET | `/_admin/action_log` | `{"entries": [...], "count"}` |
//! | POST | `/_admin/snapshot/{name}` | keep the current state under `name` (in memory) |
//! | POST | `/_admin/restore/{name}` | go back to snapshot `name` |
//! | GET | `/_admin/snapshots` | `{"snapshots": [name, …]}` |

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use serde_json::{json, Value};

use crate::http::{body_text, google_error, json_response, worlds_error};
use crate::worlds::Slot;
use crate::Shared;

/// Header carrying the admin token.
pub const ADMIN_HEADER: &str = "x-env0-admin-token";

/// Compares without stopping at the first differing byte (the token is a secret).
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub(crate) async fn handle(
    shared: Arc<Shared>,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    world: &str,
    body: Bytes,
) -> Response {
    match headers.get(ADMIN_HEADER) {
        None => {
            return google_error(
                401,
                "required",
                "The admin API needs the server's admin token in the X-Env0-Admin-Token header",
            )
        }
        Some(given) if !same_secret(given.as_bytes(), shared.options.admin_token.as_bytes()) => {
            return google_error(403, "forbidden", "Wrong admin token")
        }
        Some(_) => {}
    }
    let segments: Vec<&str> = path
        .trim_start_matches("/_admin")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["worlds"]) => {
            let list: Vec<Value> = shared.worlds.list().iter().map(|w| w.to_json()).collect();
            json_response(200, &json!({"count": list.len(), "worlds": list}))
        }
        ("POST", ["worlds"]) => create_world(shared, &body).await,
        ("DELETE", ["worlds", name]) => match shared.worlds.delete(name) {
            Ok(()) => json_response(200, &json!({"deleted": name})),
            Err(e) => worlds_error(&e),
        },
        (m, rest) => {
            let slot = match shared.worlds.get(world) {
                Ok(s) => s,
                Err(e) => return worlds_error(&e),
            };
            let op = match (m, rest) {
                ("POST", ["reset"]) => Op::Reset,
                ("GET", ["state"]) => Op::State,
                ("GET", ["state_hash"]) => Op::StateHash,
                ("GET", ["diff"]) => Op::Diff,
                ("GET", ["action_log"]) => Op::ActionLog,
                ("GET", ["snapshots"]) => Op::Snapshots,
                ("POST", ["snapshot", name]) => Op::Snapshot(name.to_string()),
                ("POST", ["restore", name]) => Op::Restore(name.to_string()),
                _ => {
                    return google_error(
                        404,
                        "notFound",
                        &format!("No admin endpoint {m} /_admin/{}", rest.join("/")),
                    )
                }
            };
            match tokio::task::spawn_blocking(move || op.run(&slot)).await {
                Ok(Ok(value)) => json_response(200, &value),
                Ok(Err((status, reason, message))) => google_error(status, reason, &message),
                Err(_) => google_error(500, "backendError", "the admin request failed"),
            }
        }
    }
}

async fn create_world(shared: Arc<Shared>, body: &Bytes) -> Response {
    let spec = match body_text(body) {
        Ok(None) => Value::Object(Default::default()),
        Ok(Some(text)) => match serde_json::from_str::<Value>(&text) {
            Ok(v @ Value::Object(_)) => v,
            Ok(_) => return google_error(400, "invalid", "The body must be a JSON object"),
            Err(e) => return google_error(400, "parseError", &format!("Invalid JSON: {e}")),
        },
        Err(resp) => return *resp,
    };
    let text_field = |key: &str| -> Result<Option<String>, Box<Response>> {
        match spec.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Box::new(google_error(
                400,
                "invalid",
                &format!("'{key}' must be a string"),
            ))),
        }
    };
    let name = match text_field("name") {
        Ok(Some(n)) => n,
        Ok(None) => format!("w-{}", &crate::random_admin_token()[..12]),
        Err(resp) => return *resp,
    };
    let from = match text_field("from") {
        Ok(f) => f,
        Err(resp) => return *resp,
    };
    let created = tokio::task::spawn_blocking(move || {
        let start = Instant::now();
        let result = shared.worlds.create(&name, from.as_deref());
        (name, result, start.elapsed())
    })
    .await;
    match created {
        Ok((name, Ok(()), took)) => json_response(
            201,
            &json!({"name": name, "micros": u64::try_from(took.as_micros()).unwrap_or(u64::MAX)}),
        ),
        Ok((_, Err(e), _)) => worlds_error(&e),
        Err(_) => google_error(500, "backendError", "creating the world failed"),
    }
}

enum Op {
    Reset,
    State,
    StateHash,
    Diff,
    ActionLog,
    Snapshots,
    Snapshot(String),
    Restore(String),
}

type OpError = (u16, &'static str, String);

fn internal(e: env0_world::Error) -> OpError {
    (500, "backendError", e.to_string())
}

fn to_value<T: serde::Serialize>(v: &T) -> Result<Value, OpError> {
    serde_json::to_value(v).map_err(|e| (500, "backendError", e.to_string()))
}

impl Op {
    fn run(self, slot: &Slot) -> Result<Value, OpError> {
        let mut world = slot.world();
        match self {
            Op::Reset => {
                world.restore_shared(slot.initial()).map_err(internal)?;
                Ok(json!({"status": "ok"}))
            }
            Op::State => to_value(&world.state_dump().map_err(internal)?),
            Op::StateHash => Ok(json!({"hash": world.state_hash().map_err(internal)?})),
            Op::Diff => to_value(&world.diff_since(slot.initial()).map_err(internal)?),
            Op::ActionLog => {
                let entries = world.action_log().map_err(internal)?;
                Ok(json!({"count": entries.len(), "entries": to_value(&entries)?}))
            }
            Op::Snapshots => {
                let names: Vec<&str> = world.snapshot_names().collect();
                Ok(json!({"snapshots": names}))
            }
            Op::Snapshot(name) => {
                if !crate::worlds::valid_name(&name) {
                    return Err((400, "invalid", format!("invalid snapshot name '{name}'")));
                }
                world.save_snapshot(&name).map_err(internal)?;
                Ok(json!({"status": "ok", "name": name}))
            }
            Op::Restore(name) => {
                let Some(snap) = world.named_snapshot(&name).cloned() else {
                    return Err((404, "notFound", format!("no snapshot named '{name}'")));
                };
                world.restore_shared(&snap).map_err(internal)?;
                Ok(json!({"status": "ok", "name": name}))
            }
        }
    }
}
