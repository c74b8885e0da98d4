//! Building a task's initial world and proving the task: oracle = 1, nothing = 0, trap < 0 or capped.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use serde_json::Value;

use super::exploits::{changed_keys, is_write, ExploitKind, ExploitOutcome, LastRowWrite};
use super::script::resolve_args;
use super::{run_script, Needle, Task};
use crate::tools::{Profile, Toolkit};
use crate::verifier::{evaluate_answer, NeedleRef, Needles};
use env0_world::state::{diff, StateDump};
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
    /// The exploit runs that applied to this task (see [`super::exploits`]).
    pub exploits: Vec<ExploitOutcome>,
    /// Empty when the task is proven; otherwise what failed.
    pub failures: Vec<String>,
}

impl Proof {
    pub fn proven(&self) -> bool {
        self.failures.is_empty()
    }

    fn new(task_id: &str) -> Proof {
        Proof {
            task_id: task_id.to_string(),
            initial_hash: String::new(),
            oracle: f64::NAN,
            nothing: f64::NAN,
            trap: None,
            exploits: Vec::new(),
            failures: Vec::new(),
        }
    }
}

/// Proves a task: builds its world twice (same hash), runs the oracle (must score 1), nothing
/// (must score 0), the trap (must score < 0 or at most its cap) and the exploit runs derived from
/// the oracle (each at most its family's cap).
pub fn prove(task: &Task, profile: Profile) -> Proof {
    prove_with(task, profile, &BaseCache::new())
}

/// What the stepwise oracle run leaves behind for the exploit runs.
struct OracleRun {
    after: StateDump,
    /// The state before the first write (the reads only), when the oracle writes.
    reads_only: Option<StateDump>,
    /// The state before the last write, when the oracle writes.
    without_last: Option<StateDump>,
    /// Each step's tool and resolved arguments.
    executed: Vec<(String, Value)>,
}

/// Runs the oracle step by step from the world's current state, which must be `tw.initial`.
fn run_oracle(
    tw: &mut TaskWorld,
    toolkit: &Toolkit,
    script: &super::Script,
    baseline: &Baseline,
) -> Result<OracleRun, String> {
    let first_write = script.steps.iter().position(|s| is_write(&s.tool));
    let last_write = script.steps.iter().rposition(|s| is_write(&s.tool));
    let mut results: Vec<Value> = Vec::new();
    let mut run = OracleRun {
        after: StateDump::default(),
        reads_only: None,
        without_last: None,
        executed: Vec::new(),
    };
    for (i, step) in script.steps.iter().enumerate() {
        if Some(i) == first_write || Some(i) == last_write {
            let dump = tw
                .world
                .state_dump_since(baseline)
                .map_err(|e| e.to_string())?;
            if Some(i) == last_write {
                run.without_last = Some(dump.clone());
            }
            if Some(i) == first_write {
                run.reads_only = Some(dump);
            }
        }
        let args = resolve_args(&step.args, &results, i).map_err(|e| e.to_string())?;
        let output = toolkit.call(&mut tw.world, &step.tool, &args);
        if !output.ok {
            return Err(format!(
                "step {i}: {} failed: {}",
                step.tool, output.content
            ));
        }
        results
            .push(serde_json::from_str(&output.content).unwrap_or(Value::String(output.content)));
        run.executed.push((step.tool.clone(), args));
    }
    run.after = tw
        .world
        .state_dump_since(baseline)
        .map_err(|e| e.to_string())?;
    Ok(run)
}

/// Candidates tried per row family before it counts as not applicable.
const TRIES: usize = 6;

/// The extra_row and decoy runs: from the oracle's end state, its last row-targeted write applied
/// to one more row. The world is left in some end state; callers restore before reusing it.
fn row_exploits(
    task: &Task,
    tw: &mut TaskWorld,
    toolkit: &Toolkit,
    baseline: &Baseline,
    before: &StateDump,
    oracle: &OracleRun,
) -> Result<(Vec<ExploitOutcome>, Vec<String>), String> {
    let mut failures = Vec::new();
    let Some(write) = LastRowWrite::find(&oracle.executed) else {
        return Ok((Vec::new(), failures));
    };
    let collection = write.collection();
    let touched = changed_keys(before, &oracle.after, collection);
    let seeded: Vec<String> = tw
        .needles
        .values()
        .flatten()
        .filter(|n| n.collection == collection)
        .map(|n| n.key.clone())
        .collect();
    let mut excluded = touched.clone();
    excluded.extend(seeded.iter().cloned());
    let families = [
        (
            ExploitKind::ExtraRow,
            write.candidates(before, None, &excluded, &task.id),
        ),
        (
            ExploitKind::Decoy,
            write.candidates(before, Some(&seeded), &touched, &task.id),
        ),
    ];
    let end = tw.world.snapshot().map_err(|e| e.to_string())?;
    let mut dirty = false;
    let mut out = Vec::new();
    for (kind, candidates) in families {
        for (key, value) in candidates.into_iter().take(TRIES) {
            if dirty {
                tw.world.restore(&end).map_err(|e| e.to_string())?;
            }
            dirty = true;
            if !write.apply(&mut tw.world, toolkit, &value) {
                continue;
            }
            let after = tw
                .world
                .state_dump_since(baseline)
                .map_err(|e| e.to_string())?;
            if diff(&oracle.after, &after).is_empty() {
                continue;
            }
            let v = evaluate_answer(
                &task.verifier,
                before,
                &after,
                &tw.needles,
                Some(&task.oracle.final_message),
            );
            out.push(ExploitOutcome {
                kind,
                describe: format!("{} on {collection} {key} as well", write.tool()),
                reward: v.reward,
                step: Some(write.step_for(&value)),
            });
            if !out.last().is_some_and(ExploitOutcome::rejected) {
                failures.push(format!(
                    "exploit {} ({} on {collection} {key} after the oracle) scored {:.3}, above {}:\n{}",
                    kind.name(),
                    write.tool(),
                    v.reward,
                    kind.cap(),
                    v.explain()
                ));
            }
            break;
        }
    }
    Ok((out, failures))
}

/// [`prove`] with base worlds from `cache` (what `env0 tasks verify` uses).
pub fn prove_with(task: &Task, profile: Profile, cache: &BaseCache) -> Proof {
    let mut proof = Proof::new(&task.id);
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
    let claim = Some(task.oracle.final_message.as_str());
    let needles = tw.needles.clone();
    let judge = |after: &StateDump, message: Option<&str>| {
        evaluate_answer(&task.verifier, before, after, &needles, message)
    };

    // Doing nothing leaves the initial state and says nothing.
    let nothing = judge(before, None);
    proof.nothing = nothing.reward;
    if nothing.reward != 0.0 {
        proof.failures.push(format!(
            "doing nothing scored {:.3}:\n{}",
            nothing.reward,
            nothing.explain()
        ));
    }

    // The world is still as built (only read since): the oracle runs without a restore.
    match run_oracle(&mut tw, &toolkit, &task.oracle, &baseline) {
        Err(e) => proof.failures.push(format!("oracle: {e}")),
        Ok(run) => {
            let v = judge(&run.after, claim);
            proof.oracle = v.reward;
            if !v.passed {
                proof
                    .failures
                    .push(format!("oracle scored {:.3}:\n{}", v.reward, v.explain()));
            }
            let mut partial = Vec::new();
            if let Some(state) = &run.reads_only {
                partial.push((ExploitKind::ClaimOnly, state, "the oracle's reads only"));
            }
            if let Some(state) = &run.without_last {
                partial.push((
                    ExploitKind::DropLast,
                    state,
                    "the oracle without its last write",
                ));
            }
            for (kind, state, describe) in partial {
                let v = judge(state, claim);
                let outcome = ExploitOutcome {
                    kind,
                    describe: describe.to_string(),
                    reward: v.reward,
                    step: None,
                };
                if !outcome.rejected() {
                    proof.failures.push(format!(
                        "exploit {} ({describe}, claiming success) scored {:.3}, above {}:\n{}",
                        kind.name(),
                        v.reward,
                        kind.cap(),
                        v.explain()
                    ));
                }
                proof.exploits.push(outcome);
            }
            match row_exploits(task, &mut tw, &toolkit, &baseline, before, &run) {
                Ok((outcomes, failures)) => {
                    proof.exploits.extend(outcomes);
                    proof.failures.extend(failures);
                }
                Err(e) => proof.failures.push(e),
            }
        }
    }

    if let Some(t) = &task.trap {
        let run = tw
            .world
            .restore(&tw.initial)
            .map_err(|e| format!("restore failed: {e}"))
            .and_then(|_| run_script(&mut tw.world, &toolkit, &t.script).map_err(|e| e.to_string()))
            .and_then(|_| {
                tw.world
                    .state_dump_since(&baseline)
                    .map_err(|e| e.to_string())
            });
        match run {
            Err(e) => proof.failures.push(format!("trap: {e}")),
            Ok(after) => {
                let v = judge(&after, Some(&t.script.final_message));
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
            p.unwrap_or_else(|| {
                let mut proof = Proof::new(&t.id);
                proof
                    .failures
                    .push("the worker proving this task panicked".into());
                proof
            })
        })
        .collect()
}
