//! Building a task's initial world and proving the task: oracle = 1, nothing = 0, trap < 0 or capped.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{run_script, Needle, Task};
use crate::tools::{Profile, Toolkit};
use crate::verifier::{evaluate, NeedleRef, Needles, Verdict};
use env0_world::{seeded_world, Scale};
use env0_world::{users, Baseline, Snapshot, World, WorldOptions};

/// A task's world, ready to run: the world, its initial snapshot and the needle manifest.
pub struct TaskWorld {
    pub world: World,
    pub initial: Snapshot,
    pub needles: Needles,
}

/// Inserts one needle through its app's needle module and returns the rows it created.
fn insert_needle(world: &mut World, user: &str, needle: &Needle) -> Result<Vec<NeedleRef>, String> {
    let conn = world.conn();
    let context = |e: String| {
        format!(
            "needle '{}' ({} {}): {e}",
            needle.role,
            needle.app.name(),
            needle.kind
        )
    };
    env0_world::needles::insert(
        conn,
        needle.app.name(),
        user,
        needle.kind.as_str(),
        &needle.data,
    )
    .map_err(context)
}

/// Seeded base worlds (filler, no needles) by `(seed, scale, now)`, shared between threads, so
/// proving many tasks on few bases restores a snapshot instead of seeding again.
#[derive(Default)]
pub struct BaseCache {
    bases: Mutex<HashMap<(u64, String, String), Arc<Base>>>,
}

/// A seeded base world: its image and its state baseline (so task dumps re-read only what the
/// needles and the runs changed).
struct Base {
    snapshot: Snapshot,
    baseline: Baseline,
}

impl BaseCache {
    pub fn new() -> BaseCache {
        BaseCache::default()
    }

    /// Number of distinct base worlds seeded so far.
    pub fn len(&self) -> usize {
        self.bases.lock().map(|m| m.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The base world of `task`: seeded once (twice the first time, to check that seeding is
    /// deterministic), then restored from its snapshot.
    fn base(&self, task: &Task) -> Result<(World, Arc<Base>), String> {
        let key = (
            task.seed.seed,
            task.seed.scale.clone(),
            task.seed.now.clone(),
        );
        let cached = self
            .bases
            .lock()
            .map_err(|_| "base cache poisoned".to_string())?
            .get(&key)
            .cloned();
        if let Some(base) = cached {
            let world = World::from_snapshot(&base.snapshot).map_err(|e| e.to_string())?;
            return Ok((world, base));
        }
        let mut world = seed_base(task)?;
        let again = seed_base(task)?;
        let (a, b) = (
            world.state_hash().map_err(|e| e.to_string())?,
            again.state_hash().map_err(|e| e.to_string())?,
        );
        if a != b {
            return Err(format!(
                "seeding is not deterministic for seed {}: {a} vs {b}",
                task.seed.seed
            ));
        }
        let base = Arc::new(Base {
            snapshot: world.snapshot().map_err(|e| e.to_string())?,
            baseline: world.baseline().map_err(|e| e.to_string())?,
        });
        if let Ok(mut map) = self.bases.lock() {
            map.insert(key, Arc::clone(&base));
        }
        Ok((world, base))
    }
}

fn seed_base(task: &Task) -> Result<World, String> {
    let scale = Scale::by_name(&task.seed.scale)
        .ok_or_else(|| format!("unknown scale '{}'", task.seed.scale))?;
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339(&task.seed.now)
        .map_err(|e| format!("seed.now '{}': {e}", task.seed.now))?
        .with_timezone(&Utc);
    let options = WorldOptions {
        seed: task.seed.seed,
        now,
    };
    seeded_world(&options, scale).map_err(|e| e.to_string())
}

/// Adds the task's needles to a base world and takes the initial snapshot.
fn finish(mut world: World, task: &Task) -> Result<TaskWorld, String> {
    if users::find(world.conn(), &task.seed.user)
        .map_err(|e| e.to_string())?
        .is_none()
    {
        return Err(format!(
            "seed.user '{}' is not in the directory",
            task.seed.user
        ));
    }
    let mut needles = Needles::new();
    for needle in &task.seed.needles {
        let refs = insert_needle(&mut world, &task.seed.user, needle)?;
        needles.entry(needle.role.clone()).or_default().extend(refs);
    }
    world.clear_action_log().map_err(|e| e.to_string())?;
    let initial = world.snapshot().map_err(|e| e.to_string())?;
    Ok(TaskWorld {
        world,
        initial,
        needles,
    })
}

/// Builds the initial world of `task`: seeded filler, then the needles; the action log starts empty.
pub fn build(task: &Task) -> crate::Result<TaskWorld> {
    seed_base(task)
        .and_then(|world| finish(world, task))
        .map_err(|detail| task_error(task, detail))
}

/// [`build`], with the seeded filler taken from `cache`.
pub fn build_cached(task: &Task, cache: &BaseCache) -> crate::Result<TaskWorld> {
    cache
        .base(task)
        .and_then(|(world, _)| finish(world, task))
        .map_err(|detail| task_error(task, detail))
}

fn task_error(task: &Task, detail: String) -> crate::Error {
    crate::Error::Task {
        task: task.id.clone(),
        detail,
    }
}

/// [`build_cached`], plus the baseline of the initial state, read incrementally from the base's.
fn build_with_baseline(task: &Task, cache: &BaseCache) -> Result<(TaskWorld, Baseline), String> {
    let (world, base) = cache.base(task)?;
    let tw = finish(world, task)?;
    // `finish` just took the initial snapshot: the baseline reuses that image.
    let baseline = tw
        .world
        .baseline_from(&tw.initial, &base.baseline)
        .map_err(|e| e.to_string())?;
    Ok((tw, baseline))
}

/// How one task fared in `env0 tasks verify`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Proof {
    pub task_id: String,
    /// sha256 of the initial state (determinism check: equal across builds).
    pub initial_hash: String,
    pub oracle: f64,
    pub nothing: f64,
    pub trap: Option<f64>,
    /// Empty when the task is proven; otherwise what failed.
    pub failures: Vec<String>,
}

impl Proof {
    pub fn proven(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Proves a task: builds its world twice (same hash), runs the oracle (must score 1), nothing
/// (must score 0) and the trap (must score < 0 or at most its cap).
pub fn prove(task: &Task, profile: Profile) -> Proof {
    prove_with(task, profile, &BaseCache::new())
}

/// [`prove`] with base worlds from `cache` (what `env0 tasks verify` uses).
pub fn prove_with(task: &Task, profile: Profile, cache: &BaseCache) -> Proof {
    let mut proof = Proof {
        task_id: task.id.clone(),
        initial_hash: String::new(),
        oracle: f64::NAN,
        nothing: f64::NAN,
        trap: None,
        failures: Vec::new(),
    };
    let (mut tw, baseline) = match build_with_baseline(task, cache) {
        Ok(built) => built,
        Err(e) => {
            proof.failures.push(format!("seed: {e}"));
            return proof;
        }
    };
    let before = baseline.dump();
    // Determinism: a second build must give the same image (cheap) or, failing that, the same
    // state hash.
    let initial_hash = before.hash();
    match build_cached(task, cache) {
        Ok(again) if again.initial == tw.initial => proof.initial_hash = initial_hash,
        Ok(again) => match again.world.state_hash() {
            Ok(b) if b == initial_hash => proof.initial_hash = b,
            Ok(b) => proof
                .failures
                .push(format!("seed is not deterministic: {initial_hash} vs {b}")),
            Err(e) => proof.failures.push(format!("second build: {e}")),
        },
        Err(e) => proof.failures.push(format!("second build: {e}")),
    }
    let toolkit = Toolkit::new(profile, &task.apps, Some(task.seed.user.clone()));
    let mut run =
        |tw: &mut TaskWorld, script: Option<&super::Script>, label: &str| -> Option<Verdict> {
            if let Err(e) = tw.world.restore(&tw.initial) {
                proof.failures.push(format!("{label}: restore failed: {e}"));
                return None;
            }
            if let Some(s) = script {
                if let Err(e) = run_script(&mut tw.world, &toolkit, s) {
                    proof.failures.push(format!("{label}: {e}"));
                    return None;
                }
            }
            match tw.world.state_dump_since(&baseline) {
                Ok(after) => Some(evaluate(&task.verifier, before, &after, &tw.needles)),
                Err(e) => {
                    proof.failures.push(format!("{label}: {e}"));
                    None
                }
            }
        };
    let oracle = run(&mut tw, Some(&task.oracle), "oracle");
    // Doing nothing leaves the initial state: no restore or dump needed.
    let nothing = Some(evaluate(&task.verifier, before, before, &tw.needles));
    let trap = task
        .trap
        .as_ref()
        .map(|t| (t, run(&mut tw, Some(&t.script), "trap")));
    if let Some(v) = oracle {
        proof.oracle = v.reward;
        if !v.passed {
            proof
                .failures
                .push(format!("oracle scored {:.3}:\n{}", v.reward, v.explain()));
        }
    }
    if let Some(v) = nothing {
        proof.nothing = v.reward;
        if v.reward != 0.0 {
            proof.failures.push(format!(
                "doing nothing scored {:.3}:\n{}",
                v.reward,
                v.explain()
            ));
        }
    }
    if let Some((t, Some(v))) = trap {
        proof.trap = Some(v.reward);
        if !(v.reward < 0.0 || v.reward <= t.max_reward) {
            proof.failures.push(format!(
                "trap ({}) scored {:.3}, above its cap {}:\n{}",
                t.describe,
                v.reward,
                t.max_reward,
                v.explain()
            ));
        }
    }
    proof
}

/// Proves every task on `jobs` worker threads sharing one [`BaseCache`]; `progress(done, total)`
/// is called after each task. Proofs come back in the order of `tasks`.
pub fn prove_all(
    tasks: &[Task],
    profile: Profile,
    jobs: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Vec<Proof> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let cache = BaseCache::new();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let mut results: Vec<Option<Proof>> = vec![None; tasks.len()];
    let slots: Vec<Mutex<Option<Proof>>> = tasks.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(task) = tasks.get(i) else { break };
                let proof = prove_with(task, profile, &cache);
                if let Ok(mut slot) = slots[i].lock() {
                    *slot = Some(proof);
                }
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, tasks.len());
            });
        }
    });
    for (i, slot) in slots.into_iter().enumerate() {
        results[i] = slot.into_inner().ok().flatten();
    }
    results
        .into_iter()
        .zip(tasks)
        .map(|(p, t)| {
            p.unwrap_or_else(|| Proof {
                task_id: t.id.clone(),
                initial_hash: String::new(),
                oracle: f64::NAN,
                nothing: f64::NAN,
                trap: None,
                failures: vec!["the worker proving this task panicked".into()],
            })
        })
        .collect()
}
