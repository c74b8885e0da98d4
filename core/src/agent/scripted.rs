//! Scripted backends: the oracle (a task's oracle script, one tool call per turn, ids picked from
//! earlier tool results) and replay (a recorded trajectory's assistant turns, verbatim).

use serde_json::Value;

use super::model::{Model, ModelError, ModelReply, ModelRequest, Usage};
use crate::tasks::script::{resolve_args, Script};
use env0_chat::{Message, ToolCall};

/// Plays a task script as a model would: each turn calls the next step's tool, then sends the
/// final message.
pub struct OracleModel {
    script: Script,
    next: usize,
    name: String,
}

impl OracleModel {
    pub fn new(script: Script) -> OracleModel {
        OracleModel::named(script, "oracle")
    }

    /// A scripted model reporting under another name (`nothing`, `exploit:extra_row`).
    pub fn named(script: Script, name: &str) -> OracleModel {
        OracleModel {
            script,
            next: 0,
            name: name.to_string(),
        }
    }
}

/// The JSON results of the tool messages so far, in order (what a script's `$from` refers to).
fn tool_results(messages: &[Message]) -> Vec<Value> {
    messages
        .iter()
        .filter_map(|m| match m {
            Message::Tool { content, .. } => Some(
                serde_json::from_str(content).unwrap_or_else(|_| Value::String(content.clone())),
            ),
            _ => None,
        })
        .collect()
}

impl Model for OracleModel {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn complete(&mut self, request: &ModelRequest<'_>) -> Result<ModelReply, ModelError> {
        let message = match self.script.steps.get(self.next) {
            Some(step) => {
                let results = tool_results(request.messages);
                let args = resolve_args(&step.args, &results, self.next)
                    .map_err(|e| ModelError::Backend(format!("oracle script: {e}")))?;
                let call = ToolCall::new(format!("call_{}", self.next), step.tool.clone(), args);
                self.next += 1;
                Message::assistant_calls(None, vec![call])
            }
            None => Message::assistant(self.script.final_message.clone()),
        };
        Ok(ModelReply {
            message,
            raw: None,
            usage: Usage::default(),
            parse_error: None,
            repairs: Vec::new(),
        })
    }
}

/// Replays recorded assistant messages in order (tool results are recomputed by the world).
pub struct ReplayModel {
    turns: Vec<Message>,
    next: usize,
}

impl ReplayModel {
    /// The assistant messages of a recorded conversation.
    pub fn from_messages(messages: &[Message]) -> ReplayModel {
        ReplayModel {
            turns: messages
                .iter()
                .filter(|m| m.is_assistant())
                .cloned()
                .collect(),
            next: 0,
        }
    }
}

impl Model for ReplayModel {
    fn name(&self) -> String {
        "replay".into()
    }

    fn complete(&mut self, _request: &ModelRequest<'_>) -> Result<ModelReply, ModelError> {
        let message = self.turns.get(self.next).cloned().ok_or_else(|| {
            ModelError::Backend("replay: the recording has no more assistant turns".into())
        })?;
        self.next += 1;
        Ok(ModelReply {
            message,
            raw: None,
            usage: Usage::default(),
            parse_error: None,
            repairs: Vec::new(),
        })
    }
}
