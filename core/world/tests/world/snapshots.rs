//! Snapshots are lossless: restoring gives back the identical state, hash, clock and action log,
//! in memory and through files.

use crate::support::random_requests;
use env0_world::Request;
use env0_world::WorldOptions;
use env0_world::{seeded_world, Scale};
use env0_world::{Snapshot, World};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn restore_after_random_mutations_is_exact(reqs in prop::collection::vec(
        random_requests::request(random_requests::harvest_ids(&crate::support::world())), 1..25)) {
        let mut world = crate::support::world();
        let hash0 = world.state_hash().unwrap();
        let dump0 = world.state_dump().unwrap();
        let now0 = world.now().unwrap();
        let log0 = world.action_log().unwrap();
        world.save_snapshot("start").unwrap();
        for req in &reqs {
            world.handle(req);
        }
        // Mutate directly too, so the test does not depend on which random requests succeeded.
        world.conn().execute("UPDATE users SET title = title || ' (changed)' WHERE id = 'user_priya'", []).unwrap();
        prop_assert_ne!(world.state_hash().unwrap(), hash0.clone());
        world.restore_snapshot("start").unwrap();
        prop_assert_eq!(world.state_hash().unwrap(), hash0);
        prop_assert_eq!(world.state_dump().unwrap(), dump0);
        prop_assert_eq!(world.now().unwrap(), now0);
        prop_assert_eq!(world.action_log().unwrap(), log0);
        prop_assert!(world.diff_since_named("start").unwrap().is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    /// The incremental dump (re-read only tables whose pages changed) equals a full dump after
    /// random API requests plus direct writes that grow rows past a page (overflow pages), delete
    /// whole tables and shrink the database, and its hash is the full dump's hash.
    #[test]
    fn incremental_dump_equals_full_dump(
        reqs in prop::collection::vec(
            random_requests::request(random_requests::harvest_ids(&crate::support::world())), 0..20),
        big in 0usize..3,
        wipe in prop::bool::ANY,
    ) {
        let mut world = crate::support::world();
        let base = world.baseline().unwrap();
        prop_assert_eq!(base.dump(), &world.state_dump().unwrap());
        for req in &reqs {
            world.handle(req);
        }
        if big > 0 {
            let body = "x".repeat(big * 9000);
            world.conn().execute("UPDATE users SET title = ?1 WHERE id = 'user_priya'", [&body]).unwrap();
        }
        if wipe {
            world.conn().execute("DELETE FROM slack_messages", []).unwrap();
            world.conn().execute("VACUUM", []).unwrap();
        }
        let full = world.state_dump().unwrap();
        let since = world.state_dump_since(&base).unwrap();
        prop_assert_eq!(&since, &full);
        prop_assert_eq!(since.hash(), full.hash());
        // The incremental dump shares the tables that did not change with the baseline.
        let shared = since.collections.iter()
            .filter(|(k, c)| std::sync::Arc::ptr_eq(c, &base.dump().collections[*k]))
            .count();
        if reqs.is_empty() && big == 0 && !wipe {
            prop_assert_eq!(shared, since.collections.len());
        }
    }
}

#[test]
fn hash_is_sha256_of_the_canonical_dump() {
    use sha2::{Digest, Sha256};
    let world = crate::support::world();
    let dump = world.state_dump().unwrap();
    let bytes = serde_json::to_vec(&dump).unwrap();
    assert_eq!(dump.hash(), hex::encode(Sha256::digest(&bytes)));
    // Twice (the second time from the per-collection cache) gives the same.
    assert_eq!(dump.hash(), hex::encode(Sha256::digest(&bytes)));
}

#[test]
fn seeding_is_deterministic_and_seed_dependent() {
    let fresh = |seed: u64| {
        seeded_world(
            &WorldOptions {
                seed,
                ..WorldOptions::default()
            },
            Scale::DEFAULT,
        )
        .unwrap()
        .state_hash()
        .unwrap()
    };
    let a = fresh(42);
    assert_eq!(a, fresh(42), "same seed, same world");
    assert_ne!(a, fresh(7), "another seed gives other filler");
    // The cached test world is the same world.
    assert_eq!(crate::support::world().state_hash().unwrap(), a);
}

#[test]
fn diff_reports_added_updated_deleted_with_fields() {
    let mut world = crate::support::world();
    let before = world.snapshot().unwrap();
    let conn = world.conn();
    conn.execute(
        "UPDATE users SET title = 'CTO', department = 'Exec' WHERE id = 'user_priya'",
        [],
    )
    .unwrap();
    conn.execute("DELETE FROM users WHERE id = 'ext_ben'", [])
        .unwrap();
    conn.execute(
        "INSERT INTO users (id, email, display_name, given_name, family_name, organization, is_internal, time_zone) \
         VALUES ('ext_zoe', 'zoe@example.org', 'Zoe Park', 'Zoe', 'Park', 'Example', 0, 'UTC')",
        [],
    )
    .unwrap();
    let diff = world.diff_since(&before).unwrap();
    let users = &diff.collections["users"];
    assert_eq!(users.added.len(), 1);
    assert_eq!(users.added[0]["id"], "ext_zoe");
    assert_eq!(
        users.added[0]["is_internal"], false,
        "BOOLEAN columns dump as booleans"
    );
    assert_eq!(users.deleted.len(), 1);
    assert_eq!(users.deleted[0]["id"], "ext_ben");
    assert_eq!(users.updated.len(), 1);
    let upd = &users.updated[0];
    assert_eq!(upd.key, "user_priya");
    assert_eq!(
        upd.changed.keys().collect::<Vec<_>>(),
        vec!["department", "title"]
    );
    assert_eq!(upd.changed["title"].before, "Staff Engineer");
    assert_eq!(upd.changed["title"].after, "CTO");
    assert_eq!(
        diff.collections.len(),
        1,
        "untouched collections are left out"
    );
}

#[test]
fn file_snapshots_round_trip_and_reject_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("world.env0");
    let mut world = crate::support::world();
    world.handle(&Request::get("/gmail/v1/users/me/profile"));
    world.save_to_file(&path).unwrap();
    let loaded = World::load_file(&path).unwrap();
    assert_eq!(loaded.state_hash().unwrap(), world.state_hash().unwrap());
    assert_eq!(loaded.action_log().unwrap(), world.action_log().unwrap());
    assert_eq!(loaded.now().unwrap(), world.now().unwrap());

    // Corrupt files are refused with a clear error, never a panic.
    let bytes = std::fs::read(&path).unwrap();
    for (name, bad) in [
        ("empty", Vec::new()),
        ("text", b"hello world".to_vec()),
        ("truncated", bytes[..bytes.len() / 2 + 3].to_vec()),
        ("header-only", bytes[..100].to_vec()),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, &bad).unwrap();
        let err = World::load_file(&p).unwrap_err().to_string();
        assert!(err.contains("invalid snapshot"), "{name}: {err}");
    }
    // A page of zeros in the middle: SQLite must notice, or the world must still be readable.
    let mut damaged = bytes.clone();
    let page = 4096.min(damaged.len() / 4);
    for b in &mut damaged[page..2 * page] {
        *b = 0;
    }
    let p = dir.path().join("damaged");
    std::fs::write(&p, &damaged).unwrap();
    if let Ok(w) = World::load_file(&p) {
        let _ = w.state_hash();
    }
    assert!(Snapshot::read_file(&dir.path().join("missing")).is_err());
}

#[test]
fn file_backed_world_restores_through_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.db");
    let mut world = World::create_file(&path, &WorldOptions::default()).unwrap();
    env0_world::seed_world(&mut world, Scale::DEFAULT).unwrap();
    let snap = world.snapshot().unwrap();
    let hash = world.state_hash().unwrap();
    world
        .conn()
        .execute("DELETE FROM users WHERE id = 'ext_ben'", [])
        .unwrap();
    assert_ne!(world.state_hash().unwrap(), hash);
    world.restore(&snap).unwrap();
    assert_eq!(world.state_hash().unwrap(), hash);
    drop(world);
    // Reopen from disk: the restore was durable.
    let reopened = World::open_file(&path).unwrap();
    assert_eq!(reopened.state_hash().unwrap(), hash);
    // A snapshot of a WAL world loads into memory too.
    let mem = World::from_snapshot(&snap).unwrap();
    assert_eq!(mem.state_hash().unwrap(), hash);
}

#[test]
fn two_worlds_never_interfere() {
    let mut a = crate::support::world();
    let b = crate::support::world();
    let hb = b.state_hash().unwrap();
    a.conn()
        .execute("DELETE FROM users WHERE id = 'ext_ben'", [])
        .unwrap();
    a.set_now(chrono::Utc::now()).unwrap();
    assert_eq!(b.state_hash().unwrap(), hb);
    assert_ne!(a.now().unwrap(), b.now().unwrap());
}

fn base_snapshot() -> &'static Snapshot {
    static BASE: std::sync::OnceLock<Snapshot> = std::sync::OnceLock::new();
    BASE.get_or_init(|| crate::support::world().snapshot().unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, failure_persistence: None, ..ProptestConfig::default() })]

    /// A copy-on-write world (`from_snapshot_shared`) answers every request as a world with its
    /// own copy of the image does, ends in the same image byte for byte, and never writes the
    /// shared image.
    #[test]
    fn shared_worlds_answer_as_copied_ones(reqs in prop::collection::vec(
        random_requests::request(random_requests::harvest_ids(&crate::support::world())), 1..30)) {
        let base = base_snapshot();
        let before = base.as_bytes().to_vec();
        let mut copied = World::from_snapshot(base).unwrap();
        let mut shared = World::from_snapshot_shared(base).unwrap();
        // A second shared world beside it, written too: the two must not see each other.
        let other = World::from_snapshot_shared(base).unwrap();
        other.conn().execute("UPDATE users SET title = 'other' WHERE id = 'user_priya'", []).unwrap();
        for req in &reqs {
            let (a, b) = (copied.handle(req), shared.handle(req));
            prop_assert_eq!(a.status, b.status, "{:?}", req);
            prop_assert_eq!(a.body, b.body, "{:?}", req);
            // Drop SQLite's page cache, so that what follows is read back through the VFS.
            shared.conn().execute_batch("PRAGMA shrink_memory").unwrap();
        }
        prop_assert_eq!(copied.state_hash().unwrap(), shared.state_hash().unwrap());
        prop_assert!(copied.snapshot().unwrap().as_bytes() == shared.snapshot().unwrap().as_bytes(), "images differ");
        prop_assert!(base.as_bytes() == &before[..], "the shared image was written");
        // Restoring the base brings the shared world back, as it does a copied one, whether
        // by copying the image or by sharing it again.
        let fresh = World::from_snapshot(base).unwrap().state_hash().unwrap();
        copied.restore_shared(base).unwrap();
        prop_assert_eq!(copied.state_hash().unwrap(), fresh.clone());
        shared.restore(base).unwrap();
        prop_assert_eq!(shared.state_hash().unwrap(), fresh);
        prop_assert_ne!(other.state_hash().unwrap(), shared.state_hash().unwrap());
    }
}

#[test]
fn shared_worlds_of_the_large_world_are_independent() {
    let base = seeded_world(&WorldOptions::default(), Scale::LARGE)
        .unwrap()
        .snapshot()
        .unwrap();
    let mut worlds: Vec<World> = (0..50)
        .map(|_| World::from_snapshot_shared(&base).unwrap())
        .collect();
    for (i, w) in worlds.iter_mut().enumerate() {
        let req = Request::post(
            "/gmail/v1/users/me/labels",
            serde_json::json!({"name": format!("L{i}")}),
        );
        assert!(w.handle(&req).is_success());
    }
    for (i, w) in worlds.iter().enumerate() {
        let names: Vec<String> = w
            .conn()
            .prepare("SELECT name FROM gmail_labels WHERE name LIKE 'L%'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(names, vec![format!("L{i}")]);
    }
}
