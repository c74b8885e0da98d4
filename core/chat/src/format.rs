//! `ChatFormat`: a model's family, chat template and tokenizer in one value — what the runtime
//! (prompt ids for mistralrs, completion parsing) and the trainer (training examples) hold.

use std::path::Path;

use super::error::{ChatError, Result};
use super::family::Family;
use super::gguf::Gguf;
use super::mask::{build_training_example, TrainOn, TrainingExample};
use super::parse::{parse_completion, ParseError, ParseMode, Parsed};
use super::template::{ChatTemplate, RenderOptions};
use super::tokenize::ChatTokenizer;
use super::types::{Message, Tool};

/// A rendered prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub text: String,
    pub ids: Vec<u32>,
}

#[derive(Debug)]
pub struct ChatFormat {
    pub family: Family,
    pub template: ChatTemplate,
    pub tokenizer: ChatTokenizer,
}

impl ChatFormat {
    pub fn new(family: Family, template: ChatTemplate, tokenizer: ChatTokenizer) -> Self {
        ChatFormat {
            family,
            template,
            tokenizer,
        }
    }

    /// From a GGUF model (or vocab-only) file: template, vocabulary and family from its metadata.
    /// `family` overrides detection.
    pub fn from_gguf(path: &Path, family: Option<Family>) -> Result<Self> {
        let gguf = Gguf::open(path)?;
        let family = family
            .or_else(|| Family::from_gguf(&gguf))
            .or_else(|| {
                path.file_name()
                    .and_then(|n| n.to_str())
                    .and_then(Family::from_model_name)
            })
            .ok_or_else(|| {
                ChatError::Config(format!("{}: unknown model family", path.display()))
            })?;
        let template = family.choose_template(ChatTemplate::from_gguf(&gguf).ok())?;
        let tokenizer = ChatTokenizer::from_gguf(&gguf)?;
        Ok(ChatFormat::new(family, template, tokenizer))
    }

    /// From a HF model directory (`tokenizer.json`, `tokenizer_config.json` and/or
    /// `chat_template.jinja`).
    pub fn from_hf_dir(dir: &Path, family: Option<Family>) -> Result<Self> {
        let tokenizer = ChatTokenizer::from_file(&dir.join("tokenizer.json"))?;
        let config = dir.join("tokenizer_config.json");
        let jinja = dir.join("chat_template.jinja");
        let shipped = if jinja.exists() {
            let (bos, eos) = match std::fs::read_to_string(&config) {
                Ok(text) => special_tokens(&text),
                Err(_) => (String::new(), String::new()),
            };
            Some(ChatTemplate::from_jinja_file(&jinja, &bos, &eos)?)
        } else if config.exists() {
            ChatTemplate::from_tokenizer_config(&config).ok()
        } else {
            None
        };
        let family = family
            .or_else(|| {
                shipped
                    .as_ref()
                    .and_then(|t| Family::from_template(t.source()))
            })
            .or_else(|| {
                dir.file_name()
                    .and_then(|n| n.to_str())
                    .and_then(Family::from_model_name)
            })
            .ok_or_else(|| ChatError::Config(format!("{}: unknown model family", dir.display())))?;
        let template = family.choose_template(shipped)?;
        Ok(ChatFormat::new(family, template, tokenizer))
    }

    /// The prompt for the next assistant turn (generation prompt added).
    pub fn prompt(
        &self,
        messages: &[Message],
        tools: &[Tool],
        enable_thinking: Option<bool>,
    ) -> Result<Prompt> {
        let opts = RenderOptions {
            add_generation_prompt: true,
            enable_thinking,
            ..Default::default()
        };
        let text = self.template.render(messages, tools, &opts)?;
        let ids = self.tokenizer.encode(&text)?.ids;
        Ok(Prompt { text, ids })
    }

    /// Text, ids and loss mask of a finished conversation for the trainer.
    pub fn training_example(
        &self,
        messages: &[Message],
        tools: &[Tool],
        enable_thinking: Option<bool>,
        train_on: TrainOn,
    ) -> Result<TrainingExample> {
        let opts = RenderOptions {
            enable_thinking,
            ..Default::default()
        };
        build_training_example(
            &self.template,
            &self.tokenizer,
            self.family,
            messages,
            tools,
            &opts,
            train_on,
        )
    }

    /// Token ids that end generation (the family's stop markers that are single tokens).
    pub fn stop_token_ids(&self) -> Vec<u32> {
        self.family
            .stop_markers()
            .iter()
            .filter_map(|m| self.tokenizer.token_to_id(m))
            .collect()
    }

    /// Parses a completion with the family's tool-call syntax.
    pub fn parse(
        &self,
        completion: &str,
        tools: &[Tool],
        mode: ParseMode,
    ) -> std::result::Result<Parsed, ParseError> {
        parse_completion(self.family.tool_syntax(), completion, tools, mode)
    }
}

fn special_tokens(config_json: &str) -> (String, String) {
    let cfg: serde_json::Value = serde_json::from_str(config_json).unwrap_or_default();
    let token = |key: &str| match cfg.get(key) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v
            .get("content")
            .and_then(|c| c.as_str())
            .unwrap_or("")
            .to_owned(),
        None => String::new(),
    };
    (token("bos_token"), token("eos_token"))
}

impl Parsed {
    /// The assistant message this completion amounts to.
    pub fn into_message(self) -> Message {
        Message::Assistant {
            content: Some(self.content),
            reasoning_content: self.reasoning,
            tool_calls: self.tool_calls,
        }
    }
}
