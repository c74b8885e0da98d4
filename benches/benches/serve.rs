//! Load bench of `env0 serve` on loopback: requests/s and latency percentiles at 4 keep-alive
//! connections for the three list endpoints upstream env0 was measured on, on the large world,
//! and world creation from a snapshot (and deletion) through the admin API.
//!
//! Not criterion (throughput under concurrency is the quantity here): a fixed-time run per
//! endpoint after a warm-up. Client and server share the machine's cores, as a load generator on
//! the same host would. Run: `cargo bench -p env0-benches --bench serve` (ENV0_LOAD_SECS sets the
//! seconds per endpoint, default 10).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use env0_serve::{start, Options, Server};
use env0_world::{seeded_world, Scale, WorldOptions};

const CONNECTIONS: usize = 4;
const ADMIN: &str = "bench-admin";

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

struct Run {
    requests: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// `CONNECTIONS` threads, each on its own keep-alive connection, each sending the requests
/// `next(thread)` yields (`Some(i)` for the thread's next request `i`, `None` when it is done)
/// as `one(agent, thread, i)`; every answer must be 2xx.
fn spread(
    next: &(dyn Fn(usize, usize) -> Option<usize> + Sync),
    one: &(dyn Fn(&ureq::Agent, usize, usize) -> u16 + Sync),
) -> Run {
    let start = Instant::now();
    let per_thread: Vec<Vec<Duration>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..CONNECTIONS)
            .map(|t| {
                s.spawn(move || {
                    let a = agent();
                    let mut lat = Vec::new();
                    while let Some(i) = next(t, lat.len()) {
                        let t0 = Instant::now();
                        let status = one(&a, t, i);
                        lat.push(t0.elapsed());
                        assert!((200..300).contains(&status), "status {status}");
                    }
                    lat
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("load thread"))
            .collect()
    });
    let elapsed = start.elapsed();
    let mut latencies: Vec<Duration> = per_thread.into_iter().flatten().collect();
    latencies.sort();
    Run {
        requests: latencies.len(),
        elapsed,
        latencies,
    }
}

/// Requests `one(agent, thread, i)` on every connection for `secs`.
fn load(secs: f64, one: &(dyn Fn(&ureq::Agent, usize, usize) -> u16 + Sync)) -> Run {
    let until = Instant::now() + Duration::from_secs_f64(secs);
    spread(&|_, done| (Instant::now() < until).then_some(done), one)
}

/// Worlds created (or deleted) per round of the world rows.
const BATCH: usize = 200;

/// `one(agent, i)` for i in 0..BATCH, spread over the connections.
fn batch(one: &(dyn Fn(&ureq::Agent, usize) -> u16 + Sync)) -> Run {
    spread(
        &|t, done| Some(t + done * CONNECTIONS).filter(|i| *i < BATCH),
        &|a, _, i| one(a, i),
    )
}

/// Runs taken one after another, as one.
fn merge(runs: Vec<Run>) -> Run {
    let elapsed = runs.iter().map(|r| r.elapsed).sum();
    let mut latencies: Vec<Duration> = runs.into_iter().flat_map(|r| r.latencies).collect();
    latencies.sort();
    Run {
        requests: latencies.len(),
        elapsed,
        latencies,
    }
}

fn get(a: &ureq::Agent, url: &str) -> u16 {
    let mut resp = a.get(url).call().expect("GET");
    // Read the whole body, as a client would.
    let _ = resp.body_mut().read_to_vec().expect("body");
    resp.status().as_u16()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// One Markdown table row: name, requests, req/s, p50 and p99 in ms.
fn row(name: &str, run: &Run) {
    println!(
        "| {name} | {} | {:.0} | {:.2} | {:.2} |",
        run.requests,
        run.requests as f64 / run.elapsed.as_secs_f64(),
        ms(percentile(&run.latencies, 0.50)),
        ms(percentile(&run.latencies, 0.99)),
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing: run briefly then.
    let benching = std::env::args().any(|a| a == "--bench");
    let secs: f64 = std::env::var("ENV0_LOAD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if benching { 10.0 } else { 0.2 });
    let t0 = Instant::now();
    let base = seeded_world(&WorldOptions::default(), Scale::LARGE)
        .and_then(|mut w| w.snapshot())
        .expect("seeding the large world");
    eprintln!(
        "large world seeded in {:.1} s, snapshot {:.1} MB",
        t0.elapsed().as_secs_f64(),
        base.len() as f64 / 1e6
    );
    // The same requests in process, one at a time: what the world itself costs.
    {
        let copied = env0_world::World::from_snapshot(&base).expect("world");
        let shared = env0_world::World::from_snapshot_shared(&base).expect("world");
        for (kind, mut w) in [("copied image", copied), ("shared image", shared)] {
            for path in [
                "/gmail/v1/users/me/messages",
                "/calendar/v3/calendars/primary/events",
                "/drive/v3/files",
            ] {
                let req = env0_world::Request::get(path);
                assert!(w.handle(&req).is_success()); // warm-up
                let n = 20;
                let t = Instant::now();
                for _ in 0..n {
                    assert!(w.handle(&req).is_success());
                }
                eprintln!(
                    "in process ({kind}): {path}: {:.2} ms per request",
                    ms(t.elapsed()) / n as f64
                );
            }
        }
        let t = Instant::now();
        let n = 50;
        for _ in 0..n {
            std::hint::black_box(env0_world::World::from_snapshot(&base).expect("world"));
        }
        eprintln!(
            "in process: world from snapshot (copied image): {:.3} ms",
            ms(t.elapsed()) / n as f64
        );
        let t = Instant::now();
        for _ in 0..n {
            std::hint::black_box(env0_world::World::from_snapshot_shared(&base).expect("world"));
        }
        eprintln!(
            "in process: world from snapshot (shared image): {:.3} ms",
            ms(t.elapsed()) / n as f64
        );
    }
    let mut options = Options::new(ADMIN);
    options.max_worlds = 1_000_000;
    let server = Server::new(base, options).expect("server");
    let addr: SocketAddr = "127.0.0.1:0".parse().expect("addr");
    let running = start(server, &[addr]).expect("start");
    let url = running.url();

    println!(
        "| endpoint (large world, {CONNECTIONS} connections) | requests | req/s | p50 ms | p99 ms |"
    );
    println!("|---|---|---|---|---|");
    let endpoints = [
        ("gmail messages.list", "/gmail/v1/users/me/messages"),
        (
            "calendar events.list",
            "/calendar/v3/calendars/primary/events",
        ),
        ("drive files.list", "/drive/v3/files"),
    ];
    for (name, path) in endpoints {
        let full = format!("{url}{path}");
        load(secs.min(1.0), &|a, _, _| get(a, &full)); // warm-up
        row(name, &load(secs, &|a, _, _| get(a, &full)));
    }

    // World creation and deletion through the admin API, in rounds: CONNECTIONS threads create
    // BATCH worlds between them (timed), then delete them (timed), so memory stays bounded
    // (BATCH images at most) and each row times one operation.
    let worlds = format!("{url}/_admin/worlds");
    let (mut create_runs, mut delete_runs) = (Vec::new(), Vec::new());
    let until = Instant::now() + Duration::from_secs_f64(secs);
    let mut round = 0;
    while Instant::now() < until || round == 0 {
        create_runs.push(batch(&|a, i| {
            let body = format!(r#"{{"name": "b{round}-{i}"}}"#);
            let mut resp = a
                .post(&worlds)
                .header("X-Env0-Admin-Token", ADMIN)
                .send(body.as_bytes())
                .expect("POST");
            let _ = resp.body_mut().read_to_vec();
            resp.status().as_u16()
        }));
        delete_runs.push(batch(&|a, i| {
            let mut resp = a
                .delete(format!("{worlds}/b{round}-{i}"))
                .header("X-Env0-Admin-Token", ADMIN)
                .call()
                .expect("DELETE");
            let _ = resp.body_mut().read_to_vec();
            resp.status().as_u16()
        }));
        round += 1;
    }
    row("world create (large world)", &merge(create_runs));
    row("world delete", &merge(delete_runs));
    running.stop().expect("stop");
}
