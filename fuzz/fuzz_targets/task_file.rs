//! Task files: one JSON line through the loader and, when it loads, the whole proof a task gets
//! (`env0 tasks verify`): its world seeded with its needles, the oracle, trap and exploit runs
//! through the toolkit, and its verifier judging each. A proof may fail; it must not panic.
//!
//! Seeds are folded onto a few values and only `empty`/`default` worlds are built, so that the
//! cache of seeded bases stays small.
#![no_main]

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use env0_core::tasks::world::{prove_with, BaseCache};
use env0_core::tasks::Task;
use env0_core::tools::Profile;
use libfuzzer_sys::fuzz_target;

struct Cache {
    keys: HashSet<(u64, String, String)>,
    cache: BaseCache,
}

fn cache() -> &'static Mutex<Cache> {
    static C: OnceLock<Mutex<Cache>> = OnceLock::new();
    C.get_or_init(|| {
        Mutex::new(Cache {
            keys: HashSet::new(),
            cache: BaseCache::default(),
        })
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut task) = Task::from_json(text) else {
        return;
    };
    if !matches!(task.seed.scale.as_str(), "empty" | "default") {
        return;
    }
    task.seed.seed %= 3;
    let mut c = cache().lock().unwrap_or_else(|p| p.into_inner());
    let key = (
        task.seed.seed,
        task.seed.scale.clone(),
        task.seed.now.clone(),
    );
    if c.keys.insert(key) && c.keys.len() > 12 {
        c.keys.clear();
        c.cache = BaseCache::default();
    }
    let proof = prove_with(&task, Profile::Native, &c.cache);
    for f in &proof.failures {
        assert!(!f.contains("panicked"), "a proof step panicked: {f}");
    }
});
