//! One world from several threads through the FFI object, and one world file opened by two
//! objects at once (as two processes would): every request answers, and no write is lost.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use env0_ffi::Workspace;

fn label_names(ws: &Workspace) -> Vec<String> {
    let r = ws
        .call("GET".into(), "/gmail/v1/users/me/labels".into(), None, None)
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.body_json);
    let v: serde_json::Value = serde_json::from_str(&r.body_json).unwrap();
    v["labels"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["name"].as_str())
        .filter(|n| n.starts_with("t-"))
        .map(str::to_string)
        .collect()
}

/// `threads` threads each create `per_thread` labels (and list them in between) through the
/// workspace `pick(thread)` gives them.
fn hammer(pick: &(dyn Fn(usize) -> Arc<Workspace> + Sync), threads: usize, per_thread: usize) {
    std::thread::scope(|s| {
        for t in 0..threads {
            s.spawn(move || {
                let ws = pick(t);
                for i in 0..per_thread {
                    let body = format!("{{\"name\": \"t-{t}-{i}\"}}");
                    let r = ws
                        .call(
                            "POST".into(),
                            "/gmail/v1/users/me/labels".into(),
                            Some(body),
                            None,
                        )
                        .unwrap();
                    assert_eq!(r.status, 200, "thread {t}, label {i}: {}", r.body_json);
                    let _ = label_names(&ws);
                }
            });
        }
    });
}

#[test]
fn one_workspace_from_many_threads() {
    let ws = Workspace::in_memory(1, "empty".into()).unwrap();
    let before = ws.action_log().unwrap().len();
    hammer(&|_| Arc::clone(&ws), 4, 25);
    assert_eq!(label_names(&ws).len(), 100);
    // Every request logged once: 100 creates, 100 lists, and the final list.
    assert_eq!(ws.action_log().unwrap().len(), before + 201);
}

#[test]
fn one_world_file_opened_twice_shares_its_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.env0").display().to_string();
    let first = Workspace::create(path.clone(), 1, "empty".into()).unwrap();
    let second = Workspace::open(path.clone()).unwrap();
    let both = [Arc::clone(&first), Arc::clone(&second)];
    hammer(&|t| Arc::clone(&both[t % 2]), 4, 15);
    assert_eq!(label_names(&first).len(), 60);
    assert_eq!(label_names(&second).len(), 60);
    // A third opening (another process, later) sees them all.
    drop((first, second, both));
    assert_eq!(label_names(&Workspace::open(path).unwrap()).len(), 60);
}
