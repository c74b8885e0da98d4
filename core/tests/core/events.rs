//! Episode events and cancellation: the oracle's episode reported step by step (reads and writes
//! marked), typed tool outcomes (and the invalid-call count taken from them), and a cancel that
//! stops an episode before its next tool call, with no verdict and no further write.

use env0_chat::{Message, ToolCall};
use env0_core::agent::{
    run_episode_with, run_instruction_with, CancelToken, EpisodeConfig, EpisodeEvent, Instruction,
    NoListener, OracleModel, ReplayModel, StopReason,
};
use env0_core::tasks::Task;
use env0_core::tools::{Access, ToolOutcome};
use serde_json::json;

fn move_meeting() -> Task {
    crate::eval_support::task(&crate::eval_support::move_meeting(42))
}

fn kind(e: &EpisodeEvent) -> &'static str {
    match e {
        EpisodeEvent::Started { .. } => "started",
        EpisodeEvent::TurnStarted { .. } => "turn",
        EpisodeEvent::Text { .. } => "text",
        EpisodeEvent::ToolCall { .. } => "call",
        EpisodeEvent::ToolResult { .. } => "result",
        EpisodeEvent::InvalidReply { .. } => "invalid",
        EpisodeEvent::Verdict(_) => "verdict",
        EpisodeEvent::Finished { .. } => "finished",
    }
}

#[test]
fn an_oracle_episode_reports_every_step_in_order() {
    let task = move_meeting();
    let mut events = Vec::new();
    let ep = run_episode_with(
        &task,
        &mut OracleModel::new(task.oracle.clone()),
        &EpisodeConfig::default(),
        &mut |e: &EpisodeEvent| events.push(e.clone()),
        &CancelToken::new(),
    );
    assert_eq!((ep.stop, ep.reward()), (StopReason::Final, 1.0));
    let kinds: Vec<&str> = events.iter().map(kind).collect();
    assert_eq!(
        kinds,
        [
            "started", "turn", "call", "result", "turn", "call", "result", "turn", "text",
            "verdict", "finished"
        ]
    );
    // The read is marked read, the write write, both succeeded.
    let calls: Vec<(String, Option<Access>)> = events
        .iter()
        .filter_map(|e| match e {
            EpisodeEvent::ToolCall { name, access, .. } => Some((name.clone(), *access)),
            _ => None,
        })
        .collect();
    assert_eq!(
        calls,
        [
            ("calendar_list_events".to_string(), Some(Access::Read)),
            ("calendar_update_event".to_string(), Some(Access::Write))
        ]
    );
    assert!(events.iter().all(|e| !matches!(
        e,
        EpisodeEvent::ToolResult { outcome, .. } if *outcome != ToolOutcome::Ok
    )));
    match &events[events.len() - 2] {
        EpisodeEvent::Verdict(v) => assert_eq!(v.reward, 1.0, "{}", v.explain()),
        other => panic!("expected the verdict, got {other:?}"),
    }
    assert_eq!(
        events.last(),
        Some(&EpisodeEvent::Finished {
            stop: StopReason::Final,
            reward: 1.0
        })
    );
    // Events serialise with a tag (what the FFI and the server will send).
    let first = serde_json::to_value(&events[0]).unwrap();
    assert_eq!(first["event"], "started");
}

#[test]
fn tool_outcomes_are_typed_and_only_interface_errors_count_as_invalid() {
    let task = move_meeting();
    let calls = vec![
        ToolCall::new("a", "calendar_teleport", json!({})),
        ToolCall::new("b", "calendar_get_event", json!({"id": "x"})),
        ToolCall::new(
            "c",
            "calendar_get_event",
            json!({"event_id": "nosuchevent"}),
        ),
        ToolCall::new("d", "calendar_list_calendars", json!({})),
    ];
    let mut model = ReplayModel::from_messages(&[
        Message::assistant_calls(None, calls),
        Message::assistant("Nothing to do."),
    ]);
    let mut outcomes = Vec::new();
    let ep = run_episode_with(
        &task,
        &mut model,
        &EpisodeConfig::default(),
        &mut |e: &EpisodeEvent| {
            if let EpisodeEvent::ToolResult { id, outcome, .. } = e {
                outcomes.push((id.clone(), *outcome));
            }
        },
        &CancelToken::new(),
    );
    assert_eq!(
        outcomes,
        [
            ("a".to_string(), ToolOutcome::UnknownTool),
            ("b".to_string(), ToolOutcome::BadArguments),
            ("c".to_string(), ToolOutcome::ApiError { status: 404 }),
            ("d".to_string(), ToolOutcome::Ok),
        ]
    );
    assert_eq!((ep.tool_calls, ep.invalid_tool_calls), (4, 2));
}

#[test]
fn a_cancelled_episode_stops_before_its_next_tool_call() {
    let task = move_meeting();
    let cancel = CancelToken::new();
    let remote = cancel.clone();
    let mut events = Vec::new();
    // Cancel as soon as the first tool result arrives: the oracle's write must never run.
    let ep = run_episode_with(
        &task,
        &mut OracleModel::new(task.oracle.clone()),
        &EpisodeConfig::default(),
        &mut |e: &EpisodeEvent| {
            if matches!(e, EpisodeEvent::ToolResult { .. }) {
                remote.cancel();
            }
            events.push(e.clone());
        },
        &cancel,
    );
    assert_eq!(ep.stop, StopReason::Cancelled);
    assert_eq!((ep.turns, ep.tool_calls), (1, 1));
    assert!(ep.verdict.is_none(), "a cancelled episode is not verified");
    assert!(!events.iter().any(|e| matches!(
        e,
        EpisodeEvent::ToolCall { name, .. } if name == "calendar_update_event"
    )));
    assert!(!events.iter().any(|e| matches!(e, EpisodeEvent::Verdict(_))));
    assert_eq!(
        events.last(),
        Some(&EpisodeEvent::Finished {
            stop: StopReason::Cancelled,
            reward: 0.0
        })
    );

    // Cancelled before it starts: no model call at all.
    let early = CancelToken::new();
    early.cancel();
    let ep = run_episode_with(
        &task,
        &mut OracleModel::new(task.oracle.clone()),
        &EpisodeConfig::default(),
        &mut NoListener,
        &early,
    );
    assert_eq!(
        (ep.stop, ep.turns, ep.tool_calls),
        (StopReason::Cancelled, 0, 0)
    );
}

fn create_label(id: &str, name: &str) -> Message {
    Message::assistant_calls(
        None,
        vec![ToolCall::new(
            id,
            "gmail_create_label",
            json!({ "name": name }),
        )],
    )
}

fn seeded_empty() -> env0_world::World {
    let options = env0_world::WorldOptions {
        seed: 3,
        ..env0_world::WorldOptions::default()
    };
    env0_world::seeded_world(&options, env0_world::Scale::EMPTY).unwrap()
}

fn label_names(world: &std::sync::Mutex<env0_world::World>) -> Vec<String> {
    let mut w = world.lock().unwrap();
    let resp = w.handle(&env0_world::Request::new(
        env0_world::Method::Get,
        "/gmail/v1/users/me/labels",
    ));
    resp.body["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_instruction_acts_on_the_callers_world_and_stops_on_cancel() {
    let world = std::sync::Mutex::new(seeded_empty());
    let replies = [
        create_label("a", "Zeta-One"),
        create_label("b", "Zeta-Two"),
        Message::assistant("Done."),
    ];
    let instruction = Instruction::new("Make two labels");
    let ep = run_instruction_with(
        &world,
        &instruction,
        &mut ReplayModel::from_messages(&replies),
        &EpisodeConfig::default(),
        &mut NoListener,
        &CancelToken::new(),
    );
    assert_eq!(
        (ep.stop, ep.tool_calls, ep.verdict.is_none()),
        (StopReason::Final, 2, true)
    );
    let names = label_names(&world);
    assert!(names.contains(&"Zeta-One".into()) && names.contains(&"Zeta-Two".into()));
    assert!(
        matches!(&ep.messages[0], Message::System { content } if content.contains("workspace of"))
    );

    // Cancel after the first result: the first write stays, the second never happens.
    let world = std::sync::Mutex::new(seeded_empty());
    let cancel = CancelToken::new();
    let mut on_event = |e: &EpisodeEvent| {
        if matches!(e, EpisodeEvent::ToolResult { .. }) {
            cancel.cancel();
        }
    };
    let ep = run_instruction_with(
        &world,
        &instruction,
        &mut ReplayModel::from_messages(&replies),
        &EpisodeConfig::default(),
        &mut on_event,
        &cancel,
    );
    assert_eq!((ep.stop, ep.tool_calls), (StopReason::Cancelled, 1));
    let names = label_names(&world);
    assert!(names.contains(&"Zeta-One".into()) && !names.contains(&"Zeta-Two".into()));
}
