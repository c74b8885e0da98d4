//! `Agent`: runs tasks with a model on a Rust thread, reporting events to the app's listener,
//! with a `TaskHandle` to cancel and join.

use std::sync::Arc;

use env0_chat::Message;
use env0_core::agent::{
    run_episode_with, run_instruction_with, CancelToken, Episode, EpisodeConfig,
    EpisodeEvent as CoreEvent, EpisodeListener as CoreListener, Instruction, Model, OracleModel,
    ReplayModel,
};
use env0_core::eval::WorkerModels;
use env0_core::tasks::{Script, Task};
use env0_core::tools::{Access, ToolOutcome};

use crate::tasks::TaskLibrary;
use crate::workspace::Workspace;
use crate::{guard, wire_name, Env0Error, Slot};

/// One step of a running episode (see env0-core's `EpisodeEvent`).
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum EpisodeEvent {
    Started {
        task_id: String,
        model: String,
        tools: u32,
    },
    TurnStarted {
        turn: u32,
    },
    Text {
        turn: u32,
        text: String,
    },
    ToolCall {
        id: String,
        name: String,
        arguments_json: String,
        /// Whether the tool may change the world (`None`: no such tool).
        writes: Option<bool>,
    },
    ToolResult {
        id: String,
        name: String,
        /// `ok`, `unknown_tool`, `bad_arguments`, `api_error` or `failed`.
        outcome: String,
        /// The HTTP status of an `api_error`.
        status: Option<u16>,
        content: String,
    },
    InvalidReply {
        turn: u32,
        error: String,
    },
    Verdict {
        reward: f64,
        passed: bool,
        /// One line per check, gate and violation.
        explanation: String,
    },
    Finished {
        stop: String,
        reward: f64,
    },
}

/// Receives an episode's events, on the episode's thread (hop to the UI thread yourself).
#[uniffi::export(with_foreign)]
pub trait EpisodeListener: Send + Sync {
    fn on_event(&self, event: EpisodeEvent);
}

/// A finished episode in brief.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EpisodeSummary {
    pub task_id: String,
    /// `final`, `max_turns`, `max_tool_calls`, `context_limit`, `model_error`, `setup_error`,
    /// `cancelled`, or `internal_error` when the episode panicked (a listener that threw, a bug);
    /// then `error` says why.
    pub stop: String,
    pub reward: f64,
    pub passed: bool,
    pub turns: u32,
    pub tool_calls: u32,
    pub invalid_tool_calls: u32,
    pub error: Option<String>,
}

fn convert(event: &CoreEvent) -> EpisodeEvent {
    match event {
        CoreEvent::Started {
            task_id,
            model,
            tools,
        } => EpisodeEvent::Started {
            task_id: task_id.clone(),
            model: model.clone(),
            tools: u32::try_from(*tools).unwrap_or(u32::MAX),
        },
        CoreEvent::TurnStarted { turn } => EpisodeEvent::TurnStarted { turn: *turn },
        CoreEvent::Text { turn, text } => EpisodeEvent::Text {
            turn: *turn,
            text: text.clone(),
        },
        CoreEvent::ToolCall {
            id,
            name,
            arguments,
            access,
        } => EpisodeEvent::ToolCall {
            id: id.clone(),
            name: name.clone(),
            arguments_json: arguments.to_string(),
            writes: access.map(|a| a == Access::Write),
        },
        CoreEvent::ToolResult {
            id,
            name,
            outcome,
            content,
        } => EpisodeEvent::ToolResult {
            id: id.clone(),
            name: name.clone(),
            outcome: match outcome {
                ToolOutcome::Ok => "ok",
                ToolOutcome::UnknownTool => "unknown_tool",
                ToolOutcome::BadArguments => "bad_arguments",
                ToolOutcome::ApiError { .. } => "api_error",
                ToolOutcome::Failed => "failed",
            }
            .to_string(),
            status: match outcome {
                ToolOutcome::ApiError { status } => Some(*status),
                _ => None,
            },
            content: content.clone(),
        },
        CoreEvent::InvalidReply { turn, error } => EpisodeEvent::InvalidReply {
            turn: *turn,
            error: error.clone(),
        },
        CoreEvent::Verdict(v) => EpisodeEvent::Verdict {
            reward: v.reward,
            passed: v.passed,
            explanation: v.explain(),
        },
        CoreEvent::Finished { stop, reward } => EpisodeEvent::Finished {
            stop: wire_name(stop),
            reward: *reward,
        },
    }
}

/// Which model an agent runs.
enum Backend {
    /// Each task's own reference solution.
    Oracle,
    /// A fixed list of assistant messages, replayed in order (tests, demos, recorded runs).
    Replay(Vec<Message>),
    /// A model of the `ModelStore`, run by the local backend (mistralrs).
    #[cfg(feature = "local")]
    Local {
        engine: Arc<env0_core::agent::local::LocalEngine>,
        config: env0_core::agent::local::LocalConfig,
    },
}

impl Backend {
    /// A fresh model for one episode (`oracle`: the task's reference solution, if any).
    fn model(&self, oracle: Option<&Script>) -> Box<dyn Model + Send> {
        match self {
            Backend::Oracle => Box::new(OracleModel::new(oracle.cloned().unwrap_or(Script {
                steps: Vec::new(),
                final_message: "I can only replay task solutions.".into(),
            }))),
            Backend::Replay(messages) => Box::new(ReplayModel::from_messages(messages)),
            #[cfg(feature = "local")]
            Backend::Local { engine, config } => Box::new(
                env0_core::agent::local::LocalModel::new(engine.clone(), config),
            ),
        }
    }
}

/// A model that acts on tasks.
#[derive(uniffi::Object)]
pub struct Agent {
    backend: Backend,
    /// What the agent runs, for run.json (a store id for a local model).
    #[cfg_attr(not(feature = "local"), allow(dead_code))]
    label: String,
}

/// A running episode.
#[derive(uniffi::Object)]
pub struct TaskHandle {
    cancel: CancelToken,
    done: Arc<Slot<EpisodeSummary>>,
}

#[uniffi::export]
impl Agent {
    /// The oracle: solves every task with its reference tool calls (proves the app's plumbing).
    #[uniffi::constructor]
    pub fn oracle() -> Arc<Agent> {
        Arc::new(Agent {
            backend: Backend::Oracle,
            label: "oracle".into(),
        })
    }

    /// Replays assistant messages (an OpenAI-shaped JSON array) in order.
    #[uniffi::constructor]
    pub fn replay(messages_json: String) -> Result<Arc<Agent>, Env0Error> {
        guard(|| {
            let messages: Vec<Message> = serde_json::from_str(&messages_json)
                .map_err(|e| Env0Error::invalid(format!("replay messages: {e}")))?;
            Ok(Arc::new(Agent {
                backend: Backend::Replay(messages),
                label: "replay".into(),
            }))
        })
    }

    /// Starts task `task_id` of `library` on a Rust thread and returns at once; events go to
    /// `listener`. The task runs on its own fresh world.
    pub fn run_task(
        &self,
        library: Arc<TaskLibrary>,
        task_id: String,
        listener: Arc<dyn EpisodeListener>,
    ) -> Result<Arc<TaskHandle>, Env0Error> {
        guard(|| {
            let task = library.find(&task_id)?.clone();
            let mut model = self.model_for(Some(&task.oracle));
            spawn_episode(task_id.clone(), listener, move |forward, cancel| {
                run_episode_with(
                    &task,
                    model.as_mut(),
                    &EpisodeConfig::default(),
                    forward,
                    cancel,
                )
            })
        })
    }

    /// The app's Assistant: starts `instruction` (free text) on `workspace` itself, as its primary
    /// user with every app's tools, and returns at once. Its writes stay in the workspace; a
    /// cancel stops it before its next model or tool call. The summary has no verdict (reward 0).
    /// The oracle has no script for a free instruction and answers at once.
    pub fn run_instruction(
        &self,
        workspace: Arc<Workspace>,
        instruction: String,
        listener: Arc<dyn EpisodeListener>,
    ) -> Result<Arc<TaskHandle>, Env0Error> {
        guard(|| {
            if instruction.trim().is_empty() {
                return Err(Env0Error::invalid("the instruction is empty"));
            }
            let mut model = self.model_for(None);
            let request = Instruction::new(instruction);
            spawn_episode("instruction".into(), listener, move |forward, cancel| {
                run_instruction_with(
                    workspace.world(),
                    &request,
                    model.as_mut(),
                    &EpisodeConfig::default(),
                    forward,
                    cancel,
                )
            })
        })
    }
}

impl Agent {
    /// Loads a GGUF model (and a PEFT adapter folder) with the local backend, reporting stages.
    #[cfg(feature = "local")]
    pub(crate) fn load_local(
        model: &std::path::Path,
        adapter: Option<&std::path::Path>,
        options: &crate::models::LocalOptions,
        label: String,
        listener: &dyn crate::models::LoadListener,
    ) -> Result<Arc<Agent>, Env0Error> {
        use env0_core::agent::local::{LocalConfig, LocalEngine};
        listener.on_stage("checking".into());
        let mut config = LocalConfig::new(model);
        config.lora = adapter.map(std::path::Path::to_path_buf);
        config.dtype = options.dtype.clone();
        config.temperature = options.temperature;
        config.enable_thinking = options.enable_thinking;
        config.context = options.context.map(|c| c as usize);
        listener.on_stage("loading".into());
        let engine = LocalEngine::load(&config).map_err(|detail| Env0Error::Storage { detail })?;
        listener.on_stage("ready".into());
        Ok(Arc::new(Agent {
            backend: Backend::Local {
                engine: Arc::new(engine),
                config,
            },
            label,
        }))
    }

    /// Without the local backend: `Unsupported`.
    #[cfg(not(feature = "local"))]
    pub(crate) fn load_local(
        model: &std::path::Path,
        _adapter: Option<&std::path::Path>,
        _options: &crate::models::LocalOptions,
        _label: String,
        _listener: &dyn crate::models::LoadListener,
    ) -> Result<Arc<Agent>, Env0Error> {
        Err(Env0Error::Unsupported {
            detail: format!(
                "{}: this env0 library was built without the local model backend \
                 (build env0-ffi with --features local)",
                model.display()
            ),
        })
    }

    /// A fresh model for one episode (`oracle`: the task's oracle calls).
    fn model_for(&self, oracle: Option<&Script>) -> Box<dyn Model + Send> {
        self.backend.model(oracle)
    }

    /// The model name results and run.json record (`oracle`, `replay`, or the local model's
    /// store id).
    pub(crate) fn kind(&self) -> String {
        match &self.backend {
            Backend::Oracle => "oracle".into(),
            Backend::Replay(_) => "replay".into(),
            #[cfg(feature = "local")]
            Backend::Local { .. } => format!("local:{}", self.label),
        }
    }

    /// A per-worker model source for the eval runner.
    pub(crate) fn worker(self: &Arc<Self>) -> Box<dyn WorkerModels> {
        Box::new(AgentWorker {
            agent: self.clone(),
            current: None,
        })
    }
}

/// The eval runner's view of an [`Agent`]: a fresh model per episode.
struct AgentWorker {
    agent: Arc<Agent>,
    current: Option<Box<dyn Model + Send>>,
}

impl WorkerModels for AgentWorker {
    fn model(&mut self, task: &Task, _trial: u32, _seed: u64) -> Result<&mut dyn Model, String> {
        let model = self.agent.backend.model(Some(&task.oracle));
        Ok(self.current.insert(model).as_mut())
    }
}

type Forward<'a> = dyn CoreListener + 'a;

/// Runs `episode` (named `name` in an error summary) on a pooled worker thread (see
/// `workers`), forwarding its events to `listener`;
/// a panic (a listener that threw, a bug) becomes an `internal_error` summary.
fn spawn_episode(
    name: String,
    listener: Arc<dyn EpisodeListener>,
    episode: impl FnOnce(&mut Forward<'_>, &CancelToken) -> Episode + Send + 'static,
) -> Result<Arc<TaskHandle>, Env0Error> {
    let cancel = CancelToken::new();
    let done = Slot::new();
    let handle = Arc::new(TaskHandle {
        cancel: cancel.clone(),
        done: done.clone(),
    });
    let task_id = name;
    crate::workers::EPISODES.run(move || {
        let summary = guard(|| {
            let mut forward = |e: &CoreEvent| listener.on_event(convert(e));
            let ep = episode(&mut forward, &cancel);
            Ok(EpisodeSummary {
                task_id: ep.task_id.clone(),
                stop: wire_name(&ep.stop),
                reward: ep.reward(),
                passed: ep.verdict.as_ref().is_some_and(|v| v.passed),
                turns: ep.turns,
                tool_calls: ep.tool_calls,
                invalid_tool_calls: ep.invalid_tool_calls,
                error: ep.error.clone(),
            })
        })
        .unwrap_or_else(|e| EpisodeSummary {
            task_id,
            stop: "internal_error".into(),
            reward: 0.0,
            passed: false,
            turns: 0,
            tool_calls: 0,
            invalid_tool_calls: 0,
            error: Some(e.to_string()),
        });
        // The listener is the caller's object (a Python or Kotlin callback): release it
        // before `join` can return, so no foreign reference outlives the episode, e.g. into
        // an interpreter that is shutting down.
        drop(listener);
        done.put(summary);
    })?;
    Ok(handle)
}

#[uniffi::export]
impl TaskHandle {
    /// Asks the episode to stop; it ends as `cancelled` before its next model or tool call.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    pub fn is_finished(&self) -> bool {
        self.done.is_set()
    }

    /// Blocks until the episode ends (call it off the UI thread) and returns its summary.
    pub fn join(&self) -> Result<EpisodeSummary, Env0Error> {
        guard(|| self.done.wait())
    }
}
