//! kill -9 of real `env0` processes while they write: a world file, a snapshot, a training run.
//! After each kill the file on disk is the old version or the new one (it opens, its action log
//! holds one request more or none), and a killed training run resumes to the adapter an
//! uninterrupted run writes, bit for bit.
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn env0() -> Command {
    Command::new(env!("CARGO_BIN_EXE_env0"))
}

fn path_arg(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().expect("env0 runs");
    assert!(
        out.status.success(),
        "{:?}: {}",
        cmd,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The number of requests in a world file's action log; panics if the file does not open.
fn logged(world: &Path) -> usize {
    let out = ok(env0().args(["world", "log", "-w", path_arg(world)]));
    let v: serde_json::Value = serde_json::from_str(&out).expect("log JSON");
    v.as_array().expect("log array").len()
}

/// Kills `child` after `after` (SIGKILL); whether it was still running then.
fn kill_after(mut child: Child, after: Duration) -> bool {
    std::thread::sleep(after);
    let running = child.try_wait().expect("wait").is_none();
    let _ = child.kill();
    let _ = child.wait();
    running
}

/// Delays spread over one run's length, the same every time the test runs.
fn delays(n: usize, span: Duration) -> impl Iterator<Item = Duration> {
    (0..n).map(move |i| span.mul_f64(((i * 7919) % n) as f64 / n as f64))
}

/// How long one run of `make(i)` takes here (the longest of three), to aim the kills inside it.
fn run_time(mut make: impl FnMut(usize) -> Command) -> Duration {
    (0..3)
        .map(|i| {
            let t = Instant::now();
            ok(&mut make(i));
            t.elapsed()
        })
        .max()
        .unwrap_or_default()
}

#[test]
fn a_world_file_killed_mid_request_is_the_old_or_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("w.env0");
    ok(env0().args(["world", "seed", "--out", path_arg(&world)]));
    let call = |i: usize| {
        let mut c = env0();
        c.args(["world", "call", "POST", "/gmail/v1/users/me/labels"])
            .arg(format!("{{\"name\": \"Label {i}\"}}"))
            .args(["-w", path_arg(&world)])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    };
    let span = run_time(|i| call(1_000_000 + i));
    let mut before = logged(&world);
    let (mut killed, mut grew) = (0, 0);
    // Kills spread over one and a half runs: early ones leave the old file, late ones the new.
    for (i, delay) in delays(24, span.mul_f64(1.5)).enumerate() {
        let child = call(i).spawn().expect("spawn");
        if kill_after(child, delay) {
            killed += 1;
        }
        let now = logged(&world);
        assert!(
            now == before || now == before + 1,
            "after kill {i} ({delay:?} into a {span:?} run) the log went from {before} to {now}"
        );
        grew += usize::from(now == before + 1);
        before = now;
    }
    // Both outcomes were seen, and some processes died while still running.
    assert!(
        killed > 0 && grew > 0 && grew < 24,
        "killed {killed} running, the file changed {grew} times of 24: aim the kills"
    );
    // The world still serves requests and saves, and that write clears what the killed
    // writers left (their temporary files).
    ok(env0().args([
        "world",
        "call",
        "GET",
        "/gmail/v1/users/me/labels",
        "-w",
        path_arg(&world),
    ]));
    assert_eq!(temporaries(dir.path()), Vec::<String>::new());
}

/// The temporary files of interrupted writes in `dir`.
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect()
}

#[test]
fn a_snapshot_killed_mid_write_is_absent_old_or_whole() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("w.env0");
    let snap = dir.path().join("s.env0");
    ok(env0().args([
        "world",
        "seed",
        "--scale",
        "large",
        "--out",
        path_arg(&world),
    ]));
    let hash = ok(env0().args(["world", "hash", "-w", path_arg(&world)]));
    let snapshot = || {
        let mut c = env0();
        c.args([
            "world",
            "snapshot",
            "-w",
            path_arg(&world),
            "-o",
            path_arg(&snap),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        c
    };
    let span = run_time(|_| snapshot());
    std::fs::remove_file(&snap).unwrap();
    let mut killed = 0;
    for (i, delay) in delays(16, span).enumerate() {
        if kill_after(snapshot().spawn().expect("spawn"), delay) {
            killed += 1;
        }
        if snap.exists() {
            // Whole: it opens as a world and is the world it was taken of.
            let got = ok(env0().args(["world", "hash", "-w", path_arg(&snap)]));
            assert_eq!(got, hash, "snapshot after kill {i} ({delay:?})");
        }
    }
    assert!(killed > 0, "no kill landed inside a snapshot");
}

fn write_train_data(dir: &Path) -> PathBuf {
    let mut rows = String::new();
    for i in 0..24u32 {
        let n = 8 + (i % 5) as usize;
        let ids: Vec<u32> = (0..n as u32).map(|j| (i * 31 + j * 7) % 250 + 3).collect();
        let mask: Vec<u8> = (0..n).map(|j| u8::from(j >= 3)).collect();
        rows.push_str(&serde_json::json!({"input_ids": ids, "loss_mask": mask}).to_string());
        rows.push('\n');
    }
    let path = dir.join("train.jsonl");
    std::fs::write(&path, rows).unwrap();
    path
}

#[test]
fn a_training_run_killed_mid_way_resumes_to_the_same_adapter() {
    let dir = tempfile::tempdir().unwrap();
    let data = write_train_data(dir.path());
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("../trainer/tests/fixtures/qwen3/model");
    let train = |out: &Path| {
        let mut c = env0();
        c.args([
            "train",
            "--quiet",
            "--threads",
            "1",
            "--rank",
            "4",
            "--alpha",
            "8",
        ])
        .args(["--lr", "0.005", "--warmup-steps", "2", "--max-steps", "60"])
        .args(["--batch-size", "2", "--save-every", "3", "--seed", "7"])
        .arg("--model")
        .arg(&model)
        .arg("--train-data")
        .arg(&data)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        c
    };
    let whole = dir.path().join("whole");
    ok(&mut train(&whole));

    // Killed once a few checkpoints are written, then resumed by running the same command.
    let resumed = dir.path().join("resumed");
    let mut child = train(&resumed).spawn().expect("spawn");
    let metrics = resumed.join("metrics.jsonl");
    let started = Instant::now();
    loop {
        let steps = std::fs::read_to_string(&metrics)
            .map(|t| t.lines().count())
            .unwrap_or(0);
        if steps >= 10 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "no progress");
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before the kill"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        !resumed.join("adapter").exists(),
        "the run was killed before it finished"
    );
    let killed_at = std::fs::read_to_string(&metrics).unwrap().lines().count();
    let out = ok(train(&resumed).stdout(Stdio::piped()));
    // "N steps (now at 60)": it went on from a checkpoint, redoing at most the steps after it.
    let done: usize = out
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no step count in {out:?}"));
    assert!(
        done < 60 && done <= 60 - killed_at + 3,
        "the resumed run did {done} steps; the killed one had logged {killed_at}"
    );

    let bytes = |d: &Path| std::fs::read(d.join("adapter/adapter_model.safetensors")).unwrap();
    assert_eq!(
        bytes(&whole),
        bytes(&resumed),
        "the resumed adapter differs"
    );
    // One metrics row per step (no held-out data: no step-0 row): none repeated, none missing.
    let steps: Vec<u64> = std::fs::read_to_string(&metrics)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["step"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(steps, (1..=60).collect::<Vec<u64>>());
}
