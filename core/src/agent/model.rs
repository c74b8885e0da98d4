//! The model interface every backend implements (local mistralrs, remote OpenAI-compatible,
//! oracle, replay).

use serde::{Deserialize, Serialize};

use env0_chat::{Message, Tool};

/// One turn's input: the conversation so far and the tools on offer.
pub struct ModelRequest<'a> {
    pub messages: &'a [Message],
    pub tools: &'a [Tool],
    /// Most tokens the reply may have.
    pub max_tokens: u32,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    /// Time spent on the prompt (prefill) and on generating, in milliseconds.
    pub prompt_ms: f64,
    pub completion_ms: f64,
}

impl Usage {
    pub fn add(&mut self, other: &Usage) {
        self.prompt_tokens += other.prompt_tokens;
        self.completion_tokens += other.completion_tokens;
        self.prompt_ms += other.prompt_ms;
        self.completion_ms += other.completion_ms;
    }
}

/// A model's answer for one turn.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelReply {
    /// The assistant message (content, reasoning, parsed tool calls).
    pub message: Message,
    /// The raw completion text, when the backend produced text (local models).
    pub raw: Option<String>,
    pub usage: Usage,
    /// Set when the completion held a tool call that could not be parsed; the episode answers it
    /// with an error so the model can try again.
    pub parse_error: Option<String>,
    /// Repairs the tolerant parser made.
    pub repairs: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// The prompt does not fit the model's context; the episode drops old tool outputs and retries.
    #[error("context overflow: {0}")]
    ContextOverflow(String),
    /// The backend failed (server down, bad response…): an infrastructure error, counted apart.
    #[error("model backend error: {0}")]
    Backend(String),
}

/// A chat model with tools.
pub trait Model {
    /// A short name for reports (`oracle`, `smollm2-135m-q4_1`, `gpt-4o@https://…`).
    fn name(&self) -> String;
    fn complete(&mut self, request: &ModelRequest<'_>) -> Result<ModelReply, ModelError>;
}
