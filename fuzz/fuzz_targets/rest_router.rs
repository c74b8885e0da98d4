//! The REST surface: any method, path, query, content type and body against a small seeded world,
//! put back to its snapshot before every input. A request may fail, but never with a 500: a 500
//! is a handler's panic (caught by the router) or an internal error, both bugs.
//!
//! Input: a method byte, a content-type byte, then `path?query` and the body separated by the
//! first NUL. Paths are steered towards real routes by the seed corpus.
#![no_main]

use std::sync::{Mutex, OnceLock};

use env0_world::{Method, Request, Scale, Snapshot, World, WorldOptions};
use libfuzzer_sys::fuzz_target;

fn fixture() -> &'static (Snapshot, Mutex<World>) {
    static F: OnceLock<(Snapshot, Mutex<World>)> = OnceLock::new();
    F.get_or_init(|| {
        let mut world =
            env0_world::seeded_world(&WorldOptions::default(), Scale::EMPTY).expect("world");
        let base = world.snapshot().expect("snapshot");
        (base, Mutex::new(world))
    })
}

const CONTENT_TYPES: [Option<&str>; 6] = [
    None,
    Some("application/json"),
    Some("application/x-www-form-urlencoded"),
    Some("multipart/related; boundary=b"),
    Some("message/rfc822"),
    Some("image/png"),
];

fuzz_target!(|data: &[u8]| {
    let [m, ct, rest @ ..] = data else {
        return;
    };
    let method = match m % 5 {
        0 => Method::Get,
        1 => Method::Post,
        2 => Method::Put,
        3 => Method::Patch,
        _ => Method::Delete,
    };
    let (target, body) = match rest.iter().position(|b| *b == 0) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let path = String::from_utf8_lossy(target).into_owned();
    if !path.starts_with('/') {
        return;
    }
    let mut req = Request::new(method, path);
    if let Some(body) = body {
        req = req.with_bytes(body.to_vec());
    }
    if let Some(ct) = CONTENT_TYPES[*ct as usize % CONTENT_TYPES.len()] {
        req = req.with_content_type(ct);
    }
    let (base, world) = fixture();
    let mut world = world.lock().unwrap_or_else(|p| p.into_inner());
    world.restore_shared(base).expect("restore");
    let resp = world.handle(&req);
    assert!(
        resp.status != 500,
        "{} {} -> 500: {}",
        req.method,
        req.path,
        resp.body
    );
});
