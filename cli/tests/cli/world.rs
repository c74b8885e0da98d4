//! `env0 world …` end to end, through the real binary: a world file written by one process is read
//! back identically by another.
use std::path::Path;
use std::process::{Command, Output};

fn env0(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_env0"))
        .args(args)
        .output()
        .expect("the env0 binary runs")
}

fn stdout_json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "env0 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

fn path_arg(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

#[test]
fn world_file_survives_a_process_restart() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("w.env0");
    let snap = dir.path().join("s.env0");
    let seeded = stdout_json(&env0(&["world", "seed", "--out", path_arg(&world)]));
    let hash = seeded["state_hash"].as_str().unwrap().to_string();
    assert_eq!(hash.len(), 64);

    // A new process reads the same state.
    let out = env0(&["world", "hash", "-w", path_arg(&world)]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), hash);
    let info = stdout_json(&env0(&["world", "info", "-w", path_arg(&world)]));
    assert_eq!(info["state_hash"], hash.as_str());
    assert_eq!(info["users"][0], "Alex Chen <alex@nexusai.com> (primary)");

    // Snapshot, change the world file behind its back by restoring another seed, diff, restore.
    assert!(env0(&[
        "world",
        "snapshot",
        "-w",
        path_arg(&world),
        "-o",
        path_arg(&snap)
    ])
    .status
    .success());
    let other = dir.path().join("other.env0");
    assert!(
        env0(&["world", "seed", "--seed", "7", "--out", path_arg(&other)])
            .status
            .success()
    );
    assert!(env0(&[
        "world",
        "restore",
        "-w",
        path_arg(&world),
        "--from",
        path_arg(&other)
    ])
    .status
    .success());
    let diff = stdout_json(&env0(&[
        "world",
        "diff",
        "-w",
        path_arg(&world),
        "--since",
        path_arg(&snap),
    ]));
    assert!(diff.is_object());
    assert!(env0(&[
        "world",
        "restore",
        "-w",
        path_arg(&world),
        "--from",
        path_arg(&snap)
    ])
    .status
    .success());
    let out = env0(&["world", "hash", "-w", path_arg(&world)]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), hash);
    let diff = stdout_json(&env0(&[
        "world",
        "diff",
        "-w",
        path_arg(&world),
        "--since",
        path_arg(&snap),
    ]));
    assert_eq!(diff, serde_json::json!({}));
}

#[test]
fn bad_arguments_get_clear_errors() {
    let out = env0(&["world", "call", "FETCH", "/gmail/v1/users/me/profile"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown HTTP method"));

    let out = env0(&["world", "info", "-w", "/nonexistent/world.env0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/world.env0"));

    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.env0");
    std::fs::write(&junk, "not a world").unwrap();
    let out = env0(&["world", "info", "-w", path_arg(&junk)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid snapshot"));

    let out = env0(&["world", "seed", "--scale", "huge", "--out", path_arg(&junk)]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown scale"));

    let out = env0(&["world", "call", "GET", "/nope/v1/x"]);
    assert_eq!(out.status.code(), Some(2), "non-2xx responses exit with 2");
    let body: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body["error"]["code"], 404);
}

/// Every request `world call -w` serves lands in the file's action log: reads and refused
/// requests too; `--dry-run` leaves the file as it was.
#[test]
fn world_call_logs_every_request_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("w.env0");
    stdout_json(&env0(&[
        "world",
        "seed",
        "--scale",
        "empty",
        "--out",
        path_arg(&world),
    ]));
    let w = path_arg(&world);
    assert!(
        env0(&["world", "call", "GET", "/gmail/v1/users/me/labels", "-w", w])
            .status
            .success()
    );
    let refused = env0(&[
        "world",
        "call",
        "GET",
        "/gmail/v1/users/me/messages/nope",
        "-w",
        w,
    ]);
    assert_eq!(refused.status.code(), Some(2));
    let before = std::fs::read(&world).unwrap();
    let dry = env0(&[
        "world",
        "call",
        "GET",
        "/gmail/v1/users/me/profile",
        "-w",
        w,
        "--dry-run",
    ]);
    assert!(dry.status.success());
    assert_eq!(
        std::fs::read(&world).unwrap(),
        before,
        "--dry-run writes nothing"
    );
    let log = stdout_json(&env0(&["world", "log", "-w", w]));
    let entries: Vec<(String, u64)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().to_string(),
                e["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            ("/gmail/v1/users/me/labels".to_string(), 200),
            ("/gmail/v1/users/me/messages/nope".to_string(), 404),
        ]
    );
}

#[test]
fn world_call_uploads_and_downloads_bytes_that_are_not_text() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("w.env0");
    assert!(env0(&["world", "seed", "--out", path_arg(&world)])
        .status
        .success());
    let png: Vec<u8> = b"\x89PNG\r\n\x1a\n"
        .iter()
        .copied()
        .chain((0..=255u8).rev())
        .collect();
    let file = dir.path().join("chart.png");
    std::fs::write(&file, &png).unwrap();
    let at_file = format!("@{}", path_arg(&file));
    let made = stdout_json(&env0(&[
        "world",
        "call",
        "POST",
        "/upload/drive/v3/files?uploadType=media&fields=id,mimeType,size",
        &at_file,
        "--content-type",
        "image/png",
        "-w",
        path_arg(&world),
    ]));
    assert_eq!(made["mimeType"], "image/png");
    assert_eq!(made["size"], png.len().to_string());
    let id = made["id"].as_str().unwrap();
    let out = env0(&[
        "world",
        "call",
        "GET",
        &format!("/drive/v3/files/{id}?alt=media"),
        "-w",
        path_arg(&world),
    ]);
    assert!(out.status.success());
    assert_eq!(out.stdout, png);
}
