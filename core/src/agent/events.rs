//! What an episode reports while it runs, and how a caller stops it.
//!
//! [`run_episode_with`](super::run_episode_with) sends every step to an [`EpisodeListener`] — the
//! turn starting, text as the model produces it, each tool call (read or write) and its typed
//! outcome, the verdict with each check's explanation, the end — and checks a [`CancelToken`]
//! before each model call and between tool calls. A cancelled episode ends as
//! [`StopReason::Cancelled`](super::StopReason::Cancelled) with no verdict; the world keeps every
//! tool call that finished (each is one transaction) and none that did not start.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use super::StopReason;
use crate::tools::{Access, ToolOutcome};
use crate::verifier::Verdict;

/// One step of a running episode.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EpisodeEvent {
    /// The world is built and the model is about to see the task.
    Started {
        task_id: String,
        model: String,
        tools: usize,
    },
    /// Model turn `turn` (1-based) begins.
    TurnStarted { turn: u32 },
    /// Text the model produced, as it came (a backend that does not stream sends each turn's
    /// content once, when the turn ends).
    Text { turn: u32, text: String },
    /// The model asked for a tool.
    ToolCall {
        id: String,
        name: String,
        arguments: Value,
        /// Whether the tool only reads or may change the world (`None`: no such tool).
        access: Option<Access>,
    },
    /// What the tool call did.
    ToolResult {
        id: String,
        name: String,
        outcome: ToolOutcome,
        /// The text the model sees.
        content: String,
    },
    /// The model's reply could not be read as a tool call; it is asked again.
    InvalidReply { turn: u32, error: String },
    /// The verifier's verdict (absent when the episode was cancelled or could not be verified).
    Verdict(Verdict),
    /// The episode is over.
    Finished { stop: StopReason, reward: f64 },
}

/// Receives the events of an episode, on the thread that runs it.
pub trait EpisodeListener {
    fn on_event(&mut self, event: &EpisodeEvent);
}

impl<F: FnMut(&EpisodeEvent)> EpisodeListener for F {
    fn on_event(&mut self, event: &EpisodeEvent) {
        self(event)
    }
}

/// A listener that ignores everything (what `run_episode` uses).
pub struct NoListener;

impl EpisodeListener for NoListener {
    fn on_event(&mut self, _: &EpisodeEvent) {}
}

/// Stops an episode from another thread: clone it, hand one copy to the episode and call
/// [`CancelToken::cancel`] on the other.
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
