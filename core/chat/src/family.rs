//! Model families: which tool-call syntax a model speaks, where its assistant turns begin and end,
//! and how to recognise it from a chat template, a GGUF file or a model name.

use super::error::Result;
use super::gguf::Gguf;
use super::template::ChatTemplate;

/// A model family. Picks the parser, the turn markers for the loss mask and template defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// Qwen2.5 instruct: ChatML, hermes JSON tool calls.
    Qwen2_5,
    /// Qwen3: ChatML, hermes JSON tool calls, `<think>` reasoning.
    Qwen3,
    /// Qwen3.5 / Qwen3.6 / Qwen3-Coder: ChatML, XML tool calls, `<think>` reasoning.
    Qwen3_5,
    /// Gemma 4: `<|turn>` turns, `<|tool_call>call:NAME{…}<tool_call|>` calls.
    Gemma4,
    /// SmolLM2 instruct: ChatML; its own template has no tools, so env0's ChatML-hermes is used.
    SmolLM2,
    /// Any other ChatML model: hermes JSON tool calls.
    ChatML,
}

/// The tool-call syntax a family emits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ToolSyntax {
    /// `<tool_call>{"name": …, "arguments": …}</tool_call>`
    Hermes,
    /// `<tool_call><function=NAME><parameter=KEY>value</parameter></function></tool_call>`
    QwenXml,
    /// `<|tool_call>call:NAME{key:<|"|>value<|"|>}<tool_call|>`
    Gemma4,
}

/// Where assistant turns start and end in rendered text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TurnMarkers {
    /// Text before the assistant's first token (never trained on).
    pub header: &'static str,
    /// End-of-turn marker, trained on (the model must learn to stop).
    pub end: &'static str,
    /// Tool results written inside the assistant turn (Gemma 4): `(open, close)`. The opening
    /// marker is the model's stop signal and is trained; what follows up to `close` is not.
    pub inline_tool_result: Option<(&'static str, &'static str)>,
}

impl Family {
    pub const ALL: [Family; 6] = [
        Family::Qwen2_5,
        Family::Qwen3,
        Family::Qwen3_5,
        Family::Gemma4,
        Family::SmolLM2,
        Family::ChatML,
    ];

    /// The family called `name` (as [`Family::name`] spells it).
    pub fn by_name(name: &str) -> Option<Family> {
        Family::ALL.iter().copied().find(|f| f.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Family::Qwen2_5 => "qwen2.5",
            Family::Qwen3 => "qwen3",
            Family::Qwen3_5 => "qwen3.5",
            Family::Gemma4 => "gemma4",
            Family::SmolLM2 => "smollm2",
            Family::ChatML => "chatml",
        }
    }

    pub fn tool_syntax(self) -> ToolSyntax {
        match self {
            Family::Qwen3_5 => ToolSyntax::QwenXml,
            Family::Gemma4 => ToolSyntax::Gemma4,
            _ => ToolSyntax::Hermes,
        }
    }

    /// Whether the family writes `<think>…</think>` reasoning.
    pub fn thinks(self) -> bool {
        matches!(self, Family::Qwen3 | Family::Qwen3_5)
    }

    pub fn turn_markers(self) -> TurnMarkers {
        match self {
            Family::Gemma4 => TurnMarkers {
                header: "<|turn>model\n",
                end: "<turn|>",
                inline_tool_result: Some(("<|tool_response>", "<tool_response|>")),
            },
            _ => TurnMarkers {
                header: "<|im_start|>assistant\n",
                end: "<|im_end|>",
                inline_tool_result: None,
            },
        }
    }

    /// Strings that end a completion (generation stops after any of them). Gemma 4 yields to a
    /// tool by writing `<|tool_response>`.
    pub fn stop_markers(self) -> &'static [&'static str] {
        match self {
            Family::Gemma4 => &["<turn|>", "<|tool_response>", "<eos>"],
            _ => &["<|im_end|>", "<|endoftext|>"],
        }
    }

    /// Recognises a family from the text of its chat template.
    pub fn from_template(source: &str) -> Option<Family> {
        if source == super::template::CHATML_HERMES {
            Some(Family::ChatML)
        } else if source.contains("<|turn>") && source.contains("<|tool_call>") {
            Some(Family::Gemma4)
        } else if source.contains("<function=") && source.contains("<parameter=") {
            Some(Family::Qwen3_5)
        } else if source.contains("<|im_start|>") {
            if source.contains("SmolLM") {
                Some(Family::SmolLM2)
            } else if source.contains("<tool_call>") && source.contains("<think>") {
                Some(Family::Qwen3)
            } else if source.contains("<tool_call>") && source.contains("Qwen") {
                Some(Family::Qwen2_5)
            } else {
                Some(Family::ChatML)
            }
        } else {
            None
        }
    }

    /// Recognises a family from a model name or path (`Qwen3-4B-Q4_K_M.gguf`, `gemma-4-e4b-it`).
    pub fn from_model_name(name: &str) -> Option<Family> {
        let n = name.to_ascii_lowercase().replace(['_', ' '], "-");
        if n.contains("gemma-4") || n.contains("gemma4") {
            Some(Family::Gemma4)
        } else if [
            "qwen3.5",
            "qwen3-5",
            "qwen35",
            "qwen3.6",
            "qwen3-6",
            "qwen36",
            "qwen3-coder",
        ]
        .iter()
        .any(|k| n.contains(k))
        {
            Some(Family::Qwen3_5)
        } else if n.contains("qwen3") {
            Some(Family::Qwen3)
        } else if n.contains("qwen2.5") || n.contains("qwen2-5") || n.contains("qwen2") {
            Some(Family::Qwen2_5)
        } else if n.contains("smollm") {
            Some(Family::SmolLM2)
        } else {
            None
        }
    }

    /// Recognises a family from GGUF metadata: architecture, then template, then model name.
    pub fn from_gguf(gguf: &Gguf) -> Option<Family> {
        let by_arch = match gguf.architecture() {
            Some("gemma4") => Some(Family::Gemma4),
            Some("qwen35") | Some("qwen35moe") | Some("qwen3next") => Some(Family::Qwen3_5),
            Some("qwen3") | Some("qwen3moe") => Some(Family::Qwen3),
            Some("qwen2") => Some(Family::Qwen2_5),
            _ => None,
        };
        by_arch
            .or_else(|| {
                gguf.get_str("general.basename")
                    .and_then(Family::from_model_name)
            })
            .or_else(|| {
                gguf.get_str("general.name")
                    .and_then(Family::from_model_name)
            })
            .or_else(|| {
                gguf.get_str("tokenizer.chat_template")
                    .and_then(Family::from_template)
            })
    }

    /// The template to render with: the model's own, unless it cannot show tools (SmolLM2's
    /// shipped template drops tools and tool calls), then env0's ChatML-hermes.
    pub fn choose_template(self, shipped: Option<ChatTemplate>) -> Result<ChatTemplate> {
        match shipped {
            Some(t) if t.source().contains("tool") => Ok(t),
            _ if matches!(self, Family::Gemma4 | Family::Qwen3_5) => {
                Err(super::error::ChatError::Config(format!(
                    "{} needs its own chat template (no built-in)",
                    self.name()
                )))
            }
            _ => ChatTemplate::chatml_hermes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_from_names() {
        assert_eq!(
            Family::from_model_name("Qwen3-4B-Instruct-2507-Q4_K_M.gguf"),
            Some(Family::Qwen3)
        );
        assert_eq!(
            Family::from_model_name("Qwen/Qwen3.5-4B"),
            Some(Family::Qwen3_5)
        );
        assert_eq!(
            Family::from_model_name("google/gemma-4-E4B-it"),
            Some(Family::Gemma4)
        );
        assert_eq!(
            Family::from_model_name("SmolLM2-135M-Instruct.Q4_1.gguf"),
            Some(Family::SmolLM2)
        );
        assert_eq!(
            Family::from_model_name("Qwen2.5-0.5B-Instruct"),
            Some(Family::Qwen2_5)
        );
        assert_eq!(Family::from_model_name("llama-3"), None);
    }

    #[test]
    fn detects_from_templates() {
        assert_eq!(
            Family::from_template(super::super::CHATML_HERMES),
            Some(Family::ChatML)
        );
        assert_eq!(
            Family::from_template("<|im_start|>{{x}}"),
            Some(Family::ChatML)
        );
        assert_eq!(
            Family::from_template("<|turn>model <|tool_call>"),
            Some(Family::Gemma4)
        );
        assert_eq!(Family::from_template("{{ x }}"), None);
    }
}
