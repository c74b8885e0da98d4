//! Building a task's initial world and proving the task: oracle = 1, nothing = 0, trap < 0 or capped.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{run_script, Needle, Task};
use crate::seed::{seeded_world, Scale};
use crate::tools::{App, Profile, Toolkit};
use crate::verifier::{evaluate, NeedleRef, Needles, Verdict};
use crate::world::{users, Snapshot, World, WorldOptions};

/// A task's world, ready to run: the world, its initial snapshot and the needle manifest.
pub struct TaskWorld {
    pub world: World,
    pub initial: Snapshot,
    pub needles: Needles,
}

fn as_refs(rows: Result<Vec<(String, String)>, String>) -> Result<Vec<NeedleRef>, String> {
    rows.map(|rows| {
        rows.into_iter()
            .map(|(collection, key)| NeedleRef { collection, key })
            .collect()
    })
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
    let (kind, data) = (needle.kind.as_str(), &needle.data);
    match needle.app {
        App::Gmail => crate::services::gmail::needles::insert(conn, kind, data),
        App::Calendar => as_refs(crate::services::calendar::needles::insert(
            conn, user, kind, data,
        )),
        App::Drive => as_refs(crate::services::drive::needles::insert(
            conn, user, kind, data,
        )),
        App::Docs => as_refs(crate::services::docs::needles::insert(
            conn, user, kind, data,
        )),
        other => Err(format!("{} needles are not supported yet", other.name())),
    }
    .map_err(context)
}

/// Builds the initial world of `task`: seeded filler, then the needles; the action log starts empty.
pub fn build(task: &Task) -> Result<TaskWorld, String> {
    let scale = Scale::by_name(&task.seed.scale)
        .ok_or_else(|| format!("unknown scale '{}'", task.seed.scale))?;
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339(&task.seed.now)
        .map_err(|e| format!("seed.now '{}': {e}", task.seed.now))?
        .with_timezone(&Utc);
    let options = WorldOptions {
        seed: task.seed.seed,
        now,
    };
    let mut world = seeded_world(&options, scale).map_err(|e| e.to_string())?;
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

fn verdict(tw: &TaskWorld, task: &Task) -> Result<Verdict, String> {
    let before = crate::world::state::dump(&tw.initial.open().map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    let after = tw.world.state_dump().map_err(|e| e.to_string())?;
    Ok(evaluate(&task.verifier, &before, &after, &tw.needles))
}

/// Proves a task: builds its world twice (same hash), runs the oracle (must score 1), nothing
/// (must score 0) and the trap (must score < 0 or at most its cap).
pub fn prove(task: &Task, profile: Profile) -> Proof {
    let mut proof = Proof {
        task_id: task.id.clone(),
        initial_hash: String::new(),
        oracle: f64::NAN,
        nothing: f64::NAN,
        trap: None,
        failures: Vec::new(),
    };
    let mut tw = match build(task) {
        Ok(tw) => tw,
        Err(e) => {
            proof.failures.push(format!("seed: {e}"));
            return proof;
        }
    };
    match (
        tw.world.state_hash(),
        build(task).and_then(|again| again.world.state_hash().map_err(|e| e.to_string())),
    ) {
        (Ok(a), Ok(b)) if a == b => proof.initial_hash = a,
        (Ok(a), Ok(b)) => proof
            .failures
            .push(format!("seed is not deterministic: {a} vs {b}")),
        (Err(e), _) => proof.failures.push(format!("hash: {e}")),
        (_, Err(e)) => proof.failures.push(format!("second build: {e}")),
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
            match verdict(tw, task) {
                Ok(v) => Some(v),
                Err(e) => {
                    proof.failures.push(format!("{label}: {e}"));
                    None
                }
            }
        };
    let oracle = run(&mut tw, Some(&task.oracle), "oracle");
    let nothing = run(&mut tw, None, "nothing");
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
