//! World and snapshot files copied between devices: bytes checked as a snapshot, and when they
//! pass, opened as a world (copied and copy-on-write), asked a few requests and hashed. A damaged
//! world may give errors, never a panic.
#![no_main]

use env0_world::{Request, Snapshot, World};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(snap) = Snapshot::from_bytes(data.to_vec()) else {
        return;
    };
    for world in [
        World::from_snapshot(&snap),
        World::from_snapshot_shared(&snap),
    ] {
        let Ok(mut world) = world else {
            continue;
        };
        for path in [
            "/gmail/v1/users/me/messages?q=is:unread",
            "/calendar/v3/calendars/primary/events",
            "/drive/v3/files?q=trashed%3Dfalse",
            "/api/conversations.list",
        ] {
            let resp = world.handle(&Request::get(path));
            // A damaged world may answer 500 (a clear storage error); a handler must not panic.
            assert!(
                !resp.body.to_string().contains("handler panicked"),
                "{path}: {}",
                resp.body
            );
        }
        let _ = world.state_hash();
        let _ = world.action_log();
    }
});
