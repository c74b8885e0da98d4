//! World hot paths: snapshot restore, Gmail search, Calendar expansion, state hash and diff.
//! Run: `cargo bench -p env0-benches --bench world` (medians are in target/criterion/*/new/estimates.json).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use env0_world::Request;
use env0_world::{seeded_world, Scale};
use env0_world::{World, WorldOptions};
use std::hint::black_box;

fn world(scale: Scale) -> World {
    match seeded_world(&WorldOptions::default(), scale) {
        Ok(w) => w,
        Err(e) => panic!("seeding a {} world failed: {e}", scale.name),
    }
}

fn get(world: &mut World, path: &str) {
    let resp = world.handle(&Request::get(path));
    assert!(resp.is_success(), "{path}: {} {}", resp.status, resp.body);
    black_box(resp);
}

fn restore(c: &mut Criterion) {
    let mut g = c.benchmark_group("restore");
    for scale in [Scale::DEFAULT, Scale::LARGE] {
        let mut w = world(scale);
        let snap = w.snapshot().expect("snapshot");
        eprintln!("{} world image: {} KiB", scale.name, snap.len() / 1024);
        g.bench_function(scale.name, |b| {
            b.iter(|| w.restore(black_box(&snap)).expect("restore"))
        });
    }
    g.finish();
}

fn gmail_search(c: &mut Criterion) {
    let mut w = world(Scale::LARGE);
    let mut g = c.benchmark_group("gmail_search_3000");
    for (name, q) in [
        ("unread_inbox", "is:unread in:inbox"),
        ("words", "invoice payment"),
        ("complex", "{from:github.com from:jira} -label:Receipts newer_than:30d OR subject:\"quarterly review\""),
    ] {
        let path = format!(
            "/gmail/v1/users/me/messages?maxResults=100&q={}",
            percent_encode(q)
        );
        g.bench_function(name, |b| b.iter(|| get(&mut w, &path)));
    }
    g.finish();
}

fn calendar_list(c: &mut Criterion) {
    let mut w = world(Scale::LARGE);
    let path = "/calendar/v3/calendars/primary/events?singleEvents=true&orderBy=startTime\
                &timeMin=2026-02-01T00:00:00Z&timeMax=2026-05-01T00:00:00Z&maxResults=2500";
    c.bench_function("calendar_events_single_1400", |b| {
        b.iter(|| get(&mut w, path))
    });
}

fn state(c: &mut Criterion) {
    let mut g = c.benchmark_group("state");
    for scale in [Scale::DEFAULT, Scale::LARGE] {
        let w = world(scale);
        g.bench_function(format!("hash_{}", scale.name), |b| {
            b.iter(|| black_box(w.state_hash().expect("hash")))
        });
    }
    let mut w = world(Scale::LARGE);
    let before = w.snapshot().expect("snapshot");
    w.conn()
        .execute("UPDATE users SET title = 'CTO' WHERE id = 'user_priya'", [])
        .expect("update");
    g.bench_function("diff_large", |b| {
        b.iter_batched(
            || (),
            |_| black_box(w.diff_since(&before).expect("diff")),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(3));
    targets = restore, gmail_search, calendar_list, state
}
criterion_main!(benches);
