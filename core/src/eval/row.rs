//! One results.jsonl row per (task, trial), in the verifiers / prime-rl rollout shape
//! (`example_id`, `prompt`, `completion`, `tool_defs`, `reward`, `metrics`, `token_usage`,
//! `timing`, `is_completed`, `is_truncated`, `stop_condition`, `error`) plus env0's own fields
//! (`trial`, `info`, `verdict`). The `prompt` is the system and user messages; the `completion`
//! is everything the episode added, so a row feeds SFT directly after a reward filter.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::results::TrialKey;
use crate::agent::{Episode, StopReason};
use crate::tasks::Task;
use crate::verifier::Verdict;
use env0_chat::{Message, Tool};

/// The user message the episode sends back after an unreadable tool call (see `run_episode`).
pub const PARSE_ERROR_MARKER: &str = "Your tool call could not be read";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultRow {
    /// The task id (verifiers groups rollouts of one example by this).
    pub example_id: String,
    /// The task id again under verifiers' `task` column.
    pub task: String,
    /// 0-based trial number (k trials per task).
    pub trial: u32,
    pub info: RowInfo,
    pub prompt: Vec<Message>,
    pub completion: Vec<Message>,
    pub tool_defs: Vec<Tool>,
    /// Reward in [-1, 1]; 0 for infrastructure errors.
    pub reward: f64,
    /// Strict success: reward ≥ 1.
    pub passed: bool,
    /// Numeric metrics: `check/<id>` (1 pass, 0 fail), `gate/<id>` (1 tripped), `score`,
    /// `n_turns`, `n_tool_calls`, `n_invalid_tool_calls`, `n_parse_errors`, `n_collateral`.
    pub metrics: BTreeMap<String, f64>,
    /// The verifier's full verdict (per-check explanations), when verification ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    pub token_usage: TokenUsage,
    pub timing: Timing,
    /// The episode ran to a verdict (whatever the reward).
    pub is_completed: bool,
    /// Stopped by a turn, tool-call or context limit rather than by the model.
    pub is_truncated: bool,
    /// `final`, `max_turns`, `max_tool_calls`, `context_limit`, `model_error`, `setup_error`.
    pub stop_condition: StopReason,
    pub error: Option<RowError>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RowInfo {
    pub family: String,
    pub template: String,
    pub split: String,
    pub model: String,
    pub profile: String,
    /// Seed the episode's sampling used.
    pub seed: u64,
    pub env0_version: String,
    /// The task is a safety task (tag `safety`): its right outcome avoids an unsafe action.
    #[serde(default)]
    pub safety: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TokenUsage {
    /// Prompt tokens summed over the episode's model calls.
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub total_tokens: u64,
}

/// Milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    /// Wall time of the whole episode (world build, model, tools, verifier).
    pub total_ms: f64,
    /// Time the backend reported for prompt processing and for generation.
    pub prompt_ms: f64,
    pub generation_ms: f64,
    /// Everything that is not the model: total − prompt − generation.
    pub env_ms: f64,
}

/// An infrastructure error: the episode says nothing about the model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RowError {
    /// `model_error` (backend failed), `setup_error` (world build), `verifier_error`.
    pub error: String,
    pub error_chain_str: String,
}

impl TrialKey for ResultRow {
    fn task_id(&self) -> &str {
        &self.example_id
    }
    fn trial(&self) -> u32 {
        self.trial
    }
}

fn name_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

impl ResultRow {
    /// The row of one finished episode.
    pub fn from_episode(
        task: &Task,
        trial: u32,
        seed: u64,
        profile: &str,
        episode: Episode,
        total_ms: f64,
    ) -> ResultRow {
        let split_at = episode
            .messages
            .iter()
            .position(|m| matches!(m, Message::User { .. }))
            .map_or(episode.messages.len(), |i| i + 1);
        let mut prompt = episode.messages;
        let completion = prompt.split_off(split_at);
        let parse_errors = completion
            .iter()
            .filter(|m| matches!(m, Message::User { content } if content.starts_with(PARSE_ERROR_MARKER)))
            .count();
        let mut metrics = BTreeMap::new();
        metrics.insert("n_turns".to_string(), f64::from(episode.turns));
        metrics.insert("n_tool_calls".to_string(), f64::from(episode.tool_calls));
        metrics.insert(
            "n_invalid_tool_calls".to_string(),
            f64::from(episode.invalid_tool_calls),
        );
        metrics.insert("n_parse_errors".to_string(), parse_errors as f64);
        if let Some(v) = &episode.verdict {
            metrics.insert("score".to_string(), v.score);
            metrics.insert("n_collateral".to_string(), v.collateral.len() as f64);
            for c in &v.checks {
                metrics.insert(format!("check/{}", c.id), if c.passed { 1.0 } else { 0.0 });
            }
            for g in &v.gates {
                metrics.insert(format!("gate/{}", g.id), if g.tripped { 1.0 } else { 0.0 });
            }
        }
        let kind = match episode.stop {
            StopReason::ModelError => Some("model_error"),
            StopReason::SetupError => Some("setup_error"),
            _ if episode.verdict.is_none() => Some("verifier_error"),
            _ => None,
        };
        let error = kind.map(|k| RowError {
            error: k.to_string(),
            error_chain_str: episode.error.clone().unwrap_or_default(),
        });
        let usage = episode.usage;
        let model_ms = usage.prompt_ms + usage.completion_ms;
        let reward = if error.is_some() {
            0.0
        } else {
            episode.verdict.as_ref().map_or(0.0, |v| v.reward)
        };
        ResultRow {
            example_id: task.id.clone(),
            task: task.id.clone(),
            trial,
            info: RowInfo {
                family: name_of(&task.family),
                template: task.template.clone(),
                split: name_of(&task.split),
                model: episode.model,
                profile: profile.to_string(),
                seed,
                env0_version: env!("CARGO_PKG_VERSION").to_string(),
                safety: task.tags.iter().any(|t| t == "safety"),
            },
            prompt,
            completion,
            tool_defs: episode.tools,
            reward,
            passed: error.is_none() && reward >= 1.0,
            metrics,
            is_completed: error.is_none(),
            is_truncated: matches!(
                episode.stop,
                StopReason::MaxTurns | StopReason::MaxToolCalls | StopReason::ContextLimit
            ),
            stop_condition: episode.stop,
            verdict: episode.verdict,
            token_usage: TokenUsage {
                input_tokens: usage.prompt_tokens,
                output_tokens: usage.completion_tokens,
                total_tokens: usage.prompt_tokens + usage.completion_tokens,
            },
            timing: Timing {
                total_ms,
                prompt_ms: usage.prompt_ms,
                generation_ms: usage.completion_ms,
                env_ms: (total_ms - model_ms).max(0.0),
            },
            error,
        }
    }

    /// An infrastructure error: counted apart, never as a model failure.
    pub fn is_infra_error(&self) -> bool {
        self.error.is_some()
    }

    /// The whole conversation (prompt then completion).
    pub fn messages(&self) -> Vec<Message> {
        self.prompt
            .iter()
            .chain(self.completion.iter())
            .cloned()
            .collect()
    }

    pub fn metric(&self, key: &str) -> f64 {
        self.metrics.get(key).copied().unwrap_or(0.0)
    }
}
