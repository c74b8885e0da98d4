//! The local backend (feature `local`): mistralrs 0.8.1 on this machine's CPU (or Metal/CUDA by
//! mistralrs's own features), loading from local absolute paths only — never the hub.
//!
//! env0 owns the prompt: our [`ChatFormat`] renders the conversation and tools and tokenizes it,
//! the ids go to mistralrs as `RequestMessage::CompletionTokens` (its own chat templates and
//! tool parsing differ from training, see DESIGN.md), and our parser reads the completion.
//!
//! - GGUF (llama, qwen2, qwen3): `GgufModelBuilder`; a PEFT LoRA adapter for llama GGUF through
//!   `GgufLoraModelBuilder` with `preload_adapters: Some(vec![])` (0.8.1's default merge path
//!   panics or silently drops the adapter; see reference/mistralrs-0.8.1-notes.md §3). q/k
//!   adapters trained on HF weights must have their `lora_B` rows permuted to GGUF's RoPE layout.
//! - A HF safetensors directory: `TextModelBuilder`, optionally with in-situ quantization.
//! - Greedy decoding, or seeded sampling done by a logits processor with our own RNG (mistralrs
//!   0.8.1 seeds its sampler once per engine, so its own sampling is not reproducible per episode).
//! - The KV cache of earlier turns is reused through mistralrs's prefix cache: each turn's prompt
//!   extends the last one, so a step mostly prefills only the new tokens.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use mistralrs::core::RequestMessage;
use mistralrs::{
    Constraint, DType, GgufLoraModelBuilder, GgufModelBuilder, IsqType, ModelDType, NormalRequest,
    Request, Response, SamplingParams, StopTokens, Tensor, TextModelBuilder, TokenSource,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::model::{Model, ModelError, ModelReply, ModelRequest, Usage};
use crate::chat::{ChatFormat, Family, Gguf, Message, ParseMode};

/// How to load and run a local model.
#[derive(Clone, Debug, PartialEq)]
pub struct LocalConfig {
    /// A `.gguf` file or a HF model directory (config.json, tokenizer.json, *.safetensors).
    pub model: PathBuf,
    /// Overrides family detection (template and tool-call syntax).
    pub family: Option<Family>,
    /// A PEFT adapter directory (adapter_config.json + adapter_model.safetensors).
    pub lora: Option<PathBuf>,
    /// In-situ quantization for safetensors models (`q4k`, `q8_0`…).
    pub isq: Option<String>,
    /// Compute dtype for safetensors models: `auto` (mistralrs picks; F16 on many CPUs), `f32`,
    /// `bf16` or `f16`. `None` = auto.
    pub dtype: Option<String>,
    /// 0 = greedy.
    pub temperature: f64,
    pub top_p: f64,
    /// Qwen3-style thinking; `None` keeps the template's default.
    pub enable_thinking: Option<bool>,
    /// Context window to enforce (default: the model's own).
    pub context: Option<usize>,
    /// Concurrent sequences (one per eval worker).
    pub max_seqs: usize,
    /// Sequences kept in the prefix cache (0 turns KV reuse across turns off).
    pub prefix_cache: usize,
}

impl LocalConfig {
    pub fn new(model: impl Into<PathBuf>) -> LocalConfig {
        LocalConfig {
            model: model.into(),
            family: None,
            lora: None,
            isq: None,
            dtype: None,
            temperature: 0.0,
            top_p: 1.0,
            enable_thinking: Some(false),
            context: None,
            max_seqs: 1,
            prefix_cache: 16,
        }
    }
}

/// A loaded model, shared by the workers of an eval.
pub struct LocalEngine {
    runtime: tokio::runtime::Runtime,
    model: mistralrs::Model,
    format: ChatFormat,
    stop_ids: Vec<u32>,
    context: usize,
    name: String,
    next_id: AtomicUsize,
}

fn err(what: &str, e: impl std::fmt::Display) -> String {
    format!("{what}: {e}")
}

fn model_dtype(name: &str) -> Result<ModelDType, String> {
    Ok(match name.to_ascii_lowercase().as_str() {
        "auto" => ModelDType::Auto,
        "f32" => ModelDType::F32,
        "bf16" => ModelDType::BF16,
        "f16" => ModelDType::F16,
        other => return Err(format!("unknown dtype '{other}' (auto, f32, bf16, f16)")),
    })
}

fn isq_type(name: &str) -> Result<IsqType, String> {
    Ok(match name.to_ascii_lowercase().as_str() {
        "q4_0" => IsqType::Q4_0,
        "q4_1" => IsqType::Q4_1,
        "q5_0" => IsqType::Q5_0,
        "q5_1" => IsqType::Q5_1,
        "q8_0" => IsqType::Q8_0,
        "q2k" => IsqType::Q2K,
        "q3k" => IsqType::Q3K,
        "q4k" => IsqType::Q4K,
        "q5k" => IsqType::Q5K,
        "q6k" => IsqType::Q6K,
        other => return Err(format!("unknown ISQ type '{other}' (q4k, q8_0, …)")),
    })
}

impl LocalEngine {
    /// Loads the model. Paths must be absolute and local; nothing is fetched.
    pub fn load(config: &LocalConfig) -> Result<LocalEngine, String> {
        let path = absolute(&config.model)?;
        if !path.exists() {
            return Err(format!(
                "{}: no such model file or directory",
                path.display()
            ));
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| err("starting the tokio runtime", e))?;
        let is_gguf = path.is_file();
        let (format, model_context) = if is_gguf {
            let gguf = Gguf::open(&path).map_err(|e| err("reading the GGUF", e))?;
            let context = gguf.architecture().and_then(|arch| {
                gguf.get_u64(&format!("{arch}.context_length"))
                    .map(|n| n as usize)
            });
            (
                ChatFormat::from_gguf(&path, config.family).map_err(|e| err("chat format", e))?,
                context,
            )
        } else {
            let context = std::fs::read_to_string(path.join("config.json"))
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .and_then(|v| v.get("max_position_embeddings").and_then(|n| n.as_u64()))
                .map(|n| n as usize);
            (
                ChatFormat::from_hf_dir(&path, config.family).map_err(|e| err("chat format", e))?,
                context,
            )
        };
        let model = runtime.block_on(async {
            if is_gguf {
                let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
                let file = path
                    .file_name()
                    .and_then(|f| f.to_str())
                    .ok_or_else(|| format!("{}: bad file name", path.display()))?
                    .to_string();
                let builder = GgufModelBuilder::new(dir.display().to_string(), vec![file])
                    .with_force_cpu()
                    .with_token_source(TokenSource::None)
                    .with_max_num_seqs(config.max_seqs.max(1))
                    .with_prefix_cache_n((config.prefix_cache > 0).then_some(config.prefix_cache));
                match &config.lora {
                    None => builder
                        .build()
                        .await
                        .map_err(|e| err("loading the GGUF", e)),
                    Some(adapter) => {
                        let adapter = absolute(adapter)?;
                        let ordering = mistralrs::core::Ordering {
                            adapters: Some(vec!["adapter".into()]),
                            layers: None,
                            base_model_id: dir.display().to_string(),
                            // Some(vec![]): apply at run time; None merges and loses the adapter.
                            preload_adapters: Some(vec![]),
                        };
                        GgufLoraModelBuilder::from_gguf_model_builder(
                            builder,
                            adapter.display().to_string(),
                            ordering,
                        )
                        .build()
                        .await
                        .map_err(|e| err("loading the GGUF with its LoRA adapter", e))
                    }
                }
            } else {
                if config.lora.is_some() {
                    return Err("LoRA on safetensors models: merge the adapter first \
                                (mistralrs 0.8.1 resolves local adapters through the hub)"
                        .to_string());
                }
                let mut builder = TextModelBuilder::new(path.display().to_string())
                    .with_force_cpu()
                    .with_token_source(TokenSource::None)
                    .with_max_num_seqs(config.max_seqs.max(1))
                    .with_prefix_cache_n((config.prefix_cache > 0).then_some(config.prefix_cache));
                if let Some(q) = &config.isq {
                    builder = builder.with_isq(isq_type(q)?);
                }
                if let Some(d) = &config.dtype {
                    builder = builder.with_dtype(model_dtype(d)?);
                }
                builder
                    .build()
                    .await
                    .map_err(|e| err("loading the model", e))
            }
        })?;
        let context = config
            .context
            .or(model_context)
            .unwrap_or(4096)
            .min(model_context.unwrap_or(usize::MAX));
        let name = path
            .file_stem()
            .or_else(|| path.file_name())
            .and_then(|n| n.to_str())
            .unwrap_or("local")
            .to_string();
        let name = match &config.lora {
            Some(l) => format!(
                "{name}+{}",
                l.file_name().and_then(|n| n.to_str()).unwrap_or("lora")
            ),
            None => name,
        };
        let stop_ids = format.stop_token_ids();
        Ok(LocalEngine {
            runtime,
            model,
            format,
            stop_ids,
            context,
            name,
            next_id: AtomicUsize::new(0),
        })
    }

    pub fn format(&self) -> &ChatFormat {
        &self.format
    }

    pub fn context(&self) -> usize {
        self.context
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Sends one request to the engine and waits for its reply.
    fn submit(
        &self,
        messages: RequestMessage,
        sampling_params: SamplingParams,
        return_logprobs: bool,
        logits_processors: Option<Vec<Arc<dyn mistralrs::CustomLogitsProcessor>>>,
    ) -> Result<Response, String> {
        let (tx, mut rx) = tokio::sync::mpsc::channel(4);
        let request = Request::Normal(Box::new(NormalRequest {
            messages,
            sampling_params,
            response: tx,
            return_logprobs,
            is_streaming: false,
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            constraint: Constraint::None,
            suffix: None,
            tools: None,
            tool_choice: None,
            logits_processors,
            return_raw_logits: false,
            web_search_options: None,
            model_id: None,
            truncate_sequence: false,
        }));
        self.runtime.block_on(async {
            let sender = self
                .model
                .inner()
                .get_sender(None)
                .map_err(|e| e.to_string())?;
            sender
                .send(request)
                .await
                .map_err(|e| format!("the engine is gone: {e}"))?;
            rx.recv()
                .await
                .ok_or_else(|| "the engine dropped the request".to_string())
        })
    }

    /// Greedy continuation of raw prompt ids, as token ids: up to `max_tokens`, stopping early only
    /// at the model's own end-of-sequence token. For checking the runtime against the trainer's
    /// forward pass (the ids come back as each step's top-1 log-probability entry).
    pub fn greedy_ids(&self, prompt: Vec<u32>, max_tokens: usize) -> Result<Vec<u32>, String> {
        let mut params = SamplingParams::deterministic();
        params.max_len = Some(max_tokens);
        params.top_n_logprobs = 1;
        let response = self.submit(RequestMessage::CompletionTokens(prompt), params, true, None)?;
        match response {
            Response::CompletionDone(c) => {
                let choice = c
                    .choices
                    .into_iter()
                    .next()
                    .ok_or("the completion has no choice")?;
                let steps = choice
                    .logprobs
                    .and_then(|l| l.content)
                    .ok_or("the completion has no log-probabilities")?;
                steps
                    .iter()
                    .map(|s| {
                        s.top_logprobs
                            .first()
                            .map(|t| t.token)
                            .ok_or_else(|| "a step without a top log-probability".to_string())
                    })
                    .collect()
            }
            Response::ValidationError(e) | Response::InternalError(e) => Err(e.to_string()),
            Response::CompletionModelError(e, _) | Response::ModelError(e, _) => Err(e),
            _ => Err("unexpected response kind".into()),
        }
    }

    /// Generates from raw prompt ids. Returns (text, usage).
    fn generate(
        &self,
        ids: Vec<u32>,
        max_tokens: u32,
        sampler: Option<Arc<Mutex<SeededSampler>>>,
    ) -> Result<(String, Usage), ModelError> {
        let mut params = SamplingParams::deterministic();
        params.max_len = Some(max_tokens as usize);
        params.stop_toks = Some(StopTokens::Ids(self.stop_ids.clone()));
        let processors = sampler.map(|s| {
            let p: Arc<dyn mistralrs::CustomLogitsProcessor> = Arc::new(
                move |logits: &Tensor, _ctx: &[u32]| -> mistralrs::Result<Tensor> {
                    let v: Vec<f32> = logits.to_dtype(DType::F32)?.to_vec1()?;
                    let pick = s.lock().map(|mut s| s.pick(&v)).unwrap_or(0);
                    let mut out = vec![f32::NEG_INFINITY; v.len()];
                    if let Some(slot) = out.get_mut(pick) {
                        *slot = 0.0;
                    }
                    let n = out.len();
                    Tensor::from_vec(out, n, logits.device())?.to_dtype(logits.dtype())
                },
            );
            vec![p]
        });
        let backend = |e: String| ModelError::Backend(format!("{}: {e}", self.name));
        let response = self.submit(
            RequestMessage::CompletionTokens(ids),
            params,
            false,
            processors,
        );
        match response.map_err(backend)? {
            Response::CompletionDone(c) => {
                let text = c
                    .choices
                    .into_iter()
                    .next()
                    .map(|ch| ch.text)
                    .unwrap_or_default();
                let u = c.usage;
                Ok((
                    text,
                    Usage {
                        prompt_tokens: u.prompt_tokens as u64,
                        completion_tokens: u.completion_tokens as u64,
                        prompt_ms: f64::from(u.total_prompt_time_sec) * 1000.0,
                        completion_ms: f64::from(u.total_completion_time_sec) * 1000.0,
                    },
                ))
            }
            Response::ValidationError(e) => {
                let msg = e.to_string();
                if msg.to_ascii_lowercase().contains("length") {
                    Err(ModelError::ContextOverflow(msg))
                } else {
                    Err(backend(msg))
                }
            }
            Response::InternalError(e) => Err(backend(e.to_string())),
            Response::CompletionModelError(e, _) | Response::ModelError(e, _) => Err(backend(e)),
            _ => Err(backend("unexpected response kind".into())),
        }
    }
}

fn absolute(p: &Path) -> Result<PathBuf, String> {
    if p.is_absolute() {
        Ok(p.to_path_buf())
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .map_err(|e| err("resolving the model path", e))
    }
}

/// Temperature / top-p sampling from our own seeded RNG.
struct SeededSampler {
    rng: ChaCha8Rng,
    temperature: f64,
    top_p: f64,
}

impl SeededSampler {
    fn pick(&mut self, logits: &[f32]) -> usize {
        let t = self.temperature.max(1e-6);
        let max = logits
            .iter()
            .copied()
            .filter(|x| x.is_finite())
            .fold(f32::NEG_INFINITY, f32::max);
        let mut probs: Vec<(usize, f64)> = logits
            .iter()
            .enumerate()
            .filter(|(_, x)| x.is_finite())
            .map(|(i, &x)| (i, ((f64::from(x) - f64::from(max)) / t).exp()))
            .collect();
        probs.sort_by(|a, b| b.1.total_cmp(&a.1));
        let total: f64 = probs.iter().map(|p| p.1).sum();
        let mut kept = Vec::new();
        let mut mass = 0.0;
        for (i, p) in probs {
            kept.push((i, p));
            mass += p / total;
            if mass >= self.top_p {
                break;
            }
        }
        let kept_total: f64 = kept.iter().map(|p| p.1).sum();
        let mut u = self.rng.random::<f64>() * kept_total;
        for &(i, p) in &kept {
            if u < p {
                return i;
            }
            u -= p;
        }
        kept.last().map_or(0, |p| p.0)
    }
}

/// One worker's handle on a shared engine.
pub struct LocalModel {
    engine: Arc<LocalEngine>,
    temperature: f64,
    top_p: f64,
    enable_thinking: Option<bool>,
    seed: u64,
    turn: u64,
}

impl LocalModel {
    pub fn new(engine: Arc<LocalEngine>, config: &LocalConfig) -> LocalModel {
        LocalModel {
            engine,
            temperature: config.temperature,
            top_p: config.top_p,
            enable_thinking: config.enable_thinking,
            seed: 0,
            turn: 0,
        }
    }

    /// Seeds the sampling of the next episode.
    pub fn set_seed(&mut self, seed: u64) {
        self.seed = seed;
        self.turn = 0;
    }
}

impl Model for LocalModel {
    fn name(&self) -> String {
        self.engine.name.clone()
    }

    fn complete(&mut self, request: &ModelRequest<'_>) -> Result<ModelReply, ModelError> {
        let engine = &self.engine;
        let prompt = engine
            .format
            .prompt(request.messages, request.tools, self.enable_thinking)
            .map_err(|e| ModelError::Backend(format!("rendering the prompt: {e}")))?;
        let needed = prompt.ids.len() + request.max_tokens as usize;
        if needed > engine.context {
            return Err(ModelError::ContextOverflow(format!(
                "{} prompt tokens + {} to generate > context {}",
                prompt.ids.len(),
                request.max_tokens,
                engine.context
            )));
        }
        let sampler = (self.temperature > 0.0).then(|| {
            let seed = self.seed ^ self.turn.wrapping_mul(0x9e37_79b9_7f4a_7c15);
            Arc::new(Mutex::new(SeededSampler {
                rng: ChaCha8Rng::seed_from_u64(seed),
                temperature: self.temperature,
                top_p: self.top_p,
            }))
        });
        self.turn += 1;
        let (text, usage) = engine.generate(prompt.ids, request.max_tokens, sampler)?;
        let (message, parse_error, repairs) =
            match engine
                .format
                .parse(&text, request.tools, ParseMode::Tolerant)
            {
                Ok(parsed) => {
                    let repairs = parsed.repairs.iter().map(|r| format!("{r:?}")).collect();
                    (parsed.into_message(), None, repairs)
                }
                Err(e) => (
                    Message::assistant(text.clone()),
                    Some(e.to_string()),
                    Vec::new(),
                ),
            };
        Ok(ModelReply {
            message,
            raw: Some(text),
            usage,
            parse_error,
            repairs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_sampling_is_reproducible_and_respects_top_p() {
        let logits = [1.0f32, 3.0, 2.0, f32::NEG_INFINITY, 0.5];
        let draw = |seed| {
            let mut s = SeededSampler {
                rng: ChaCha8Rng::seed_from_u64(seed),
                temperature: 1.0,
                top_p: 1.0,
            };
            (0..32).map(|_| s.pick(&logits)).collect::<Vec<_>>()
        };
        assert_eq!(draw(7), draw(7));
        assert!(draw(7).iter().all(|&i| i != 3));
        let mut narrow = SeededSampler {
            rng: ChaCha8Rng::seed_from_u64(1),
            temperature: 1.0,
            top_p: 0.01,
        };
        assert!((0..16).all(|_| narrow.pick(&logits) == 1));
    }
}
