//! The episode loop: the oracle backend solves a task through the same loop a model uses, a replay
//! of its trajectory reproduces the reward exactly, and malformed calls or context overflows do
//! not crash an episode.

use env0_chat::{Message, ToolCall};
use env0_core::agent::{
    run_episode, EpisodeConfig, Model, ModelError, ModelReply, ModelRequest, OracleModel,
    ReplayModel, StopReason, Usage,
};
use env0_core::tasks::Task;
use serde_json::json;

/// "Move tomorrow's Vendor sync to 15:00." (the eval tests' task, world seed 42)
fn move_meeting() -> Task {
    let mut v = crate::eval_support::move_meeting(42);
    v["id"] = json!("gcal-move-vendor-sync-test");
    v["split"] = json!("train");
    Task::from_json(&v.to_string()).unwrap()
}

#[test]
fn oracle_solves_through_the_loop_and_replay_reproduces_it() {
    let task = move_meeting();
    let ep = run_episode(
        &task,
        &mut OracleModel::new(task.oracle.clone()),
        &EpisodeConfig::default(),
    );
    assert_eq!(ep.stop, StopReason::Final, "{:?}", ep.error);
    assert_eq!(
        ep.reward(),
        1.0,
        "{}",
        ep.verdict.as_ref().unwrap().explain()
    );
    assert_eq!((ep.turns, ep.tool_calls, ep.invalid_tool_calls), (3, 2, 0));
    assert!(
        matches!(&ep.messages[0], Message::System { content } if content.contains("Alex Chen") && content.contains("Monday 2026-03-16 09:00"))
    );
    assert!(ep
        .tools
        .iter()
        .all(|t| t.function.name.starts_with("calendar_")));

    let replay = run_episode(
        &task,
        &mut ReplayModel::from_messages(&ep.messages),
        &EpisodeConfig::default(),
    );
    assert_eq!(replay.reward(), ep.reward());
    assert_eq!(
        replay.messages, ep.messages,
        "a replay reproduces the whole trajectory"
    );

    // Doing nothing: a model that answers at once scores 0.
    let idle = run_episode(
        &task,
        &mut ReplayModel::from_messages(&[Message::assistant("Done!")]),
        &EpisodeConfig::default(),
    );
    assert_eq!((idle.stop, idle.reward()), (StopReason::Final, 0.0));
}

/// A model that first writes garbage, then calls a tool that does not exist, then gives up.
struct Clumsy(u32);

impl Model for Clumsy {
    fn name(&self) -> String {
        "clumsy".into()
    }
    fn complete(&mut self, _req: &ModelRequest<'_>) -> Result<ModelReply, ModelError> {
        self.0 += 1;
        let (message, parse_error) = match self.0 {
            1 => (
                Message::assistant("<tool_call>{\"name\": oops"),
                Some("unterminated JSON".to_string()),
            ),
            2 => (
                Message::assistant_calls(
                    None,
                    vec![ToolCall::new("c1", "calendar_teleport", json!({}))],
                ),
                None,
            ),
            3 => (
                Message::assistant_calls(
                    None,
                    vec![ToolCall::new(
                        "c2",
                        "calendar_get_event",
                        json!({"id": "x"}),
                    )],
                ),
                None,
            ),
            _ => (Message::assistant("I could not do it."), None),
        };
        Ok(ModelReply {
            message,
            raw: None,
            usage: Usage {
                completion_tokens: 5,
                ..Usage::default()
            },
            parse_error,
            repairs: vec![],
        })
    }
}

#[test]
fn malformed_calls_are_answered_and_the_episode_goes_on() {
    let task = move_meeting();
    let ep = run_episode(&task, &mut Clumsy(0), &EpisodeConfig::default());
    assert_eq!(ep.stop, StopReason::Final);
    assert_eq!(ep.turns, 4);
    assert_eq!(ep.invalid_tool_calls, 3, "{:#?}", ep.messages);
    assert_eq!(ep.usage.completion_tokens, 20);
    assert_eq!(ep.reward(), 0.0);
    let texts: Vec<String> = ep
        .messages
        .iter()
        .map(|m| serde_json::to_string(m).unwrap())
        .collect();
    assert!(texts.iter().any(|t| t.contains("could not be read")));
    assert!(texts
        .iter()
        .any(|t| t.contains("unknown tool 'calendar_teleport'")));
    assert!(texts.iter().any(|t| t.contains("unknown argument 'id'")));
}

/// Overflows until every tool output is dropped, after calling a tool twice.
struct Greedy(u32);

impl Model for Greedy {
    fn name(&self) -> String {
        "greedy".into()
    }
    fn complete(&mut self, req: &ModelRequest<'_>) -> Result<ModelReply, ModelError> {
        let live_outputs = req
            .messages
            .iter()
            .filter(|m| matches!(m, Message::Tool { content, .. } if !content.starts_with("[tool output dropped")))
            .count();
        if live_outputs > 0 {
            return Err(ModelError::ContextOverflow("too long".into()));
        }
        self.0 += 1;
        let message = if self.0 <= 2 {
            Message::assistant_calls(
                None,
                vec![ToolCall::new(
                    format!("c{}", self.0),
                    "calendar_list_calendars",
                    json!({}),
                )],
            )
        } else {
            Message::assistant("done")
        };
        Ok(ModelReply {
            message,
            raw: None,
            usage: Usage::default(),
            parse_error: None,
            repairs: vec![],
        })
    }
}

#[test]
fn context_overflow_drops_old_tool_outputs_with_a_marker() {
    let task = move_meeting();
    let ep = run_episode(&task, &mut Greedy(0), &EpisodeConfig::default());
    assert_eq!(ep.stop, StopReason::Final, "{:?}", ep.error);
    let dropped = ep
        .messages
        .iter()
        .filter(|m| matches!(m, Message::Tool { content, .. } if content.contains("dropped to fit the context")))
        .count();
    assert_eq!(dropped, 2);
    // With no retries allowed the episode ends cleanly at the context limit.
    let cfg = EpisodeConfig {
        max_context_retries: 0,
        ..EpisodeConfig::default()
    };
    let ep = run_episode(&task, &mut Greedy(0), &cfg);
    assert_eq!(ep.stop, StopReason::ContextLimit);
    assert!(ep.verdict.is_some(), "the world is still verified");
}

#[test]
fn backend_failures_are_infrastructure_errors() {
    struct Down;
    impl Model for Down {
        fn name(&self) -> String {
            "down".into()
        }
        fn complete(&mut self, _r: &ModelRequest<'_>) -> Result<ModelReply, ModelError> {
            Err(ModelError::Backend("connection refused".into()))
        }
    }
    let ep = run_episode(&move_meeting(), &mut Down, &EpisodeConfig::default());
    assert_eq!(ep.stop, StopReason::ModelError);
    assert!(ep.error.unwrap().contains("connection refused"));
}
