//! Two processes changing one world file: each `env0 world call -w` reads the file, changes it
//! and writes it back whole, holding the file's lock from the read to the write, so concurrent
//! writers queue instead of overwriting each other's changes.
use std::path::Path;
use std::process::Command;

fn env0() -> Command {
    Command::new(env!("CARGO_BIN_EXE_env0"))
}

fn path_arg(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

#[test]
fn concurrent_writers_to_one_world_file_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("w.env0");
    assert!(env0()
        .args(["world", "seed", "--out", path_arg(&world)])
        .output()
        .unwrap()
        .status
        .success());
    let per_writer = 8;
    std::thread::scope(|s| {
        for writer in 0..3 {
            let world = &world;
            s.spawn(move || {
                for i in 0..per_writer {
                    let out = env0()
                        .args(["world", "call", "POST", "/gmail/v1/users/me/labels"])
                        .arg(format!("{{\"name\": \"w{writer}-{i}\"}}"))
                        .args(["-w", path_arg(world)])
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            });
        }
    });
    let out = env0()
        .args([
            "world",
            "call",
            "GET",
            "/gmail/v1/users/me/labels",
            "--dry-run",
        ])
        .args(["-w", path_arg(&world)])
        .output()
        .unwrap();
    let labels: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = labels["labels"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["name"].as_str())
        .filter(|n| n.starts_with('w') && n.contains('-'))
        .collect();
    assert_eq!(names.len(), 3 * per_writer, "labels kept: {names:?}");
}
