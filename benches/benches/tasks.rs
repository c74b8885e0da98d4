//! Proving tasks-lite: one task per template (the per-task cost), and the whole set on two
//! workers (what `env0 tasks verify` does in CI; the goal is < 30 s on 2 cores).

use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use env0_core::tasks::load_dir;
use env0_core::tasks::world::prove_all;
use env0_core::tasks::Task;
use env0_core::tools::Profile;

fn tasks() -> Vec<Task> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tasks-lite");
    load_dir(&dir).unwrap_or_else(|e| panic!("loading tasks-lite: {e}"))
}

fn prove(c: &mut Criterion) {
    let all = tasks();
    let mut seen = std::collections::BTreeSet::new();
    let one_per_template: Vec<Task> = all
        .iter()
        .filter(|t| seen.insert(t.template.clone()))
        .cloned()
        .collect();
    let mut g = c.benchmark_group("tasks");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.bench_function("prove_one_per_template_1_worker", |b| {
        b.iter(|| {
            let proofs = prove_all(&one_per_template, Profile::Native, 1, &|_, _| {});
            assert!(proofs.iter().all(|p| p.proven()));
        })
    });
    g.measurement_time(Duration::from_secs(60));
    g.bench_function("verify_whole_set_2_workers", |b| {
        b.iter(|| {
            let proofs = prove_all(&all, Profile::Native, 2, &|_, _| {});
            assert!(proofs.iter().all(|p| p.proven()));
        })
    });
    g.finish();
}

criterion_group!(benches, prove);
criterion_main!(benches);
