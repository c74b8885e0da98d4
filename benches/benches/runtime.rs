//! Per-step runtime overhead of an agent episode: everything but the model forward — render and
//! tokenize the prompt (SmolLM2's chat format from the fixture GGUF, as the local backend does),
//! parse a completion with a tool call, dispatch the call into the world, and verify the end
//! state. Compare the medians with a model step of the default model (see the crate README).
//! Fixtures: scripts/fetch-fixtures.sh chat.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use env0_chat::{ChatFormat, Message, ParseMode};
use env0_core::agent::{run_episode, EpisodeConfig, OracleModel};
use env0_core::tasks::world::build;
use env0_core::tasks::Task;
use env0_core::tools::{Profile, Toolkit};
use env0_core::verifier::evaluate;
use serde_json::json;

fn fixture(relative: &str) -> PathBuf {
    env0_fixtures::require(relative).unwrap_or_else(|e| panic!("{e}"))
}

/// "Move tomorrow's Vendor sync to 15:00." (as in core/tests/core/agent_episode.rs)
fn task() -> Task {
    let v = json!({
        "format": 2, "id": "gcal-move-vendor-sync-bench", "family": "gcal", "template": "bench-move",
        "split": "eval", "instruction": "Push tomorrow's Vendor sync to 3pm, same length.",
        "apps": ["calendar"],
        "seed": {"seed": 42, "scale": "default", "now": "2026-03-16T16:00:00Z", "user": "alex@nexusai.com",
                 "needles": [{"role": "target", "app": "calendar", "kind": "event",
                              "data": {"summary": "Vendor sync", "days_from_now": 1, "start_hour": 11,
                                       "duration_minutes": 30, "time_zone": "America/Los_Angeles"}}]},
        "verifier": {"checks": [
            {"id": "moved", "describe": "Vendor sync starts at 15:00 on 17 March",
             "select": {"collection": "calendar_events", "needles": ["target"]},
             "expect": {"all": [{"field": "start_at", "op": "time_eq", "value": "2026-03-17T15:00", "tz": "America/Los_Angeles"},
                                {"field": "end_at", "op": "time_eq", "value": "2026-03-17T15:30", "tz": "America/Los_Angeles"}]}}
        ]},
        "oracle": {"steps": [
            {"tool": "calendar_list_events", "args": {"time_min": "2026-03-17", "time_max": "2026-03-18", "query": "Vendor sync"}},
            {"tool": "calendar_update_event", "args": {
                "event_id": {"$from": 0, "path": "events", "where": [{"field": "summary", "op": "eq", "value": "Vendor sync"}], "get": "id"},
                "start": "2026-03-17T15:00", "end": "2026-03-17T15:30"}}
        ], "final_message": "Moved Vendor sync to 3:00-3:30pm tomorrow."}
    });
    Task::from_json(&v.to_string()).unwrap()
}

fn bench_runtime(c: &mut Criterion) {
    let format = ChatFormat::from_gguf(
        &fixture("chat/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"),
        None,
    )
    .unwrap();
    let task = task();
    let config = EpisodeConfig::default();
    // A real mid-episode conversation: the oracle's, up to its last tool result.
    let episode = run_episode(&task, &mut OracleModel::new(task.oracle.clone()), &config);
    assert_eq!(episode.reward(), 1.0);
    let last_tool = episode
        .messages
        .iter()
        .rposition(|m| matches!(m, Message::Tool { .. }))
        .unwrap();
    let history = &episode.messages[..=last_tool];
    let tools = &episode.tools;
    let prompt = format.prompt(history, tools, Some(false)).unwrap();
    eprintln!(
        "runtime bench: prompt of {} tokens with {} tools",
        prompt.ids.len(),
        tools.len()
    );
    let completion = "<tool_call>\n{\"name\": \"calendar_list_events\", \"arguments\": {\"time_min\": \"2026-03-17\", \"time_max\": \"2026-03-18\", \"query\": \"Vendor sync\"}}\n</tool_call>";
    let mut tw = build(&task).unwrap();
    let toolkit = Toolkit::new(Profile::Native, &task.apps, Some(task.seed.user.clone()));
    let before = env0_world::state::dump(&tw.initial.open().unwrap()).unwrap();

    c.bench_function("runtime/render_tokenize", |b| {
        b.iter(|| {
            format
                .prompt(black_box(history), tools, Some(false))
                .unwrap()
        })
    });
    c.bench_function("runtime/parse", |b| {
        b.iter(|| {
            format
                .parse(black_box(completion), tools, ParseMode::Tolerant)
                .unwrap()
        })
    });
    let parsed = format
        .parse(completion, tools, ParseMode::Tolerant)
        .unwrap();
    let call = parsed.tool_calls[0].clone();
    c.bench_function("runtime/dispatch_list_events", |b| {
        b.iter(|| {
            toolkit.call(
                &mut tw.world,
                &call.function.name,
                black_box(&call.function.arguments),
            )
        })
    });
    c.bench_function("runtime/verify", |b| {
        b.iter(|| {
            let after = tw.world.state_dump().unwrap();
            evaluate(&task.verifier, &before, &after, &tw.needles)
        })
    });
    c.bench_function("runtime/step", |b| {
        b.iter(|| {
            let p = format
                .prompt(black_box(history), tools, Some(false))
                .unwrap();
            let parsed = format
                .parse(completion, tools, ParseMode::Tolerant)
                .unwrap();
            let call = &parsed.tool_calls[0];
            let out = toolkit.call(&mut tw.world, &call.function.name, &call.function.arguments);
            (p.ids.len(), out.ok)
        })
    });
    c.bench_function("runtime/episode_oracle_with_world_build", |b| {
        b.iter(|| run_episode(&task, &mut OracleModel::new(task.oracle.clone()), &config).reward())
    });
}

criterion_group!(benches, bench_runtime);
criterion_main!(benches);
