//! The local backend (feature `local`): mistralrs 0.8.1 on this machine's CPU (or Metal/CUDA by
//! mistralrs's own features), loading from local absolute paths only — never the hub.
//!
//! env0 owns the prompt: our [`ChatFormat`] renders the conversation and tools and tokenizes it,
//! the ids go to mistralrs as `RequestMessage::CompletionTokens` (its own chat templates and
//! tool parsing differ from training, see DESIGN.md), and our parser reads the completion.
//!
//! - GGUF (llama, qwen2, qwen3): mistralrs's GGUF loader, built as `GgufModelBuilder` /
//!   `GgufLoraModelBuilder` do but with our compute dtype (those builders hard-code `Auto`, which
//!   is F16 on many CPUs). A PEFT LoRA adapter for llama GGUF is loaded with
//!   `preload_adapters: Some(vec![])`, i.e. applied at run time (0.8.1's default merge path panics
//!   or silently drops the adapter; see reference/mistralrs-0.8.1-notes.md §3). llama.cpp's
//!   HF→GGUF converter permutes the rows of q_proj / k_proj for its RoPE layout, and mistralrs
//!   adds `B·A` to the GGUF weights as they are, so an adapter trained on HF weights that targets
//!   q_proj / k_proj is loaded from a copy with those `lora_B` rows permuted the same way
//!   ([`gguf_layout_adapter`]).
//! - A HF safetensors directory: `TextModelBuilder`, optionally with in-situ quantization.
//! - Greedy decoding, or seeded sampling done by a logits processor with our own RNG (mistralrs
//!   0.8.1 seeds its sampler once per engine, so its own sampling is not reproducible per episode).
//! - The KV cache of earlier turns is reused through mistralrs's prefix cache: each turn's prompt
//!   extends the last one, so a step mostly prefills only the new tokens.

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use mistralrs::core::RequestMessage;
use mistralrs::{
    Constraint, DType, IsqType, ModelDType, NormalRequest, Request, Response, SamplingParams,
    StopTokens, Tensor, TextModelBuilder, TokenSource,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::model::{Model, ModelError, ModelReply, ModelRequest, Usage};
use env0_chat::{permute_rope_rows, ChatFormat, Family, Gguf, Message, ParseMode};

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
    /// Compute dtype: `auto` (mistralrs picks; F16 on many CPUs), `f32`, `bf16` or `f16`. For a
    /// GGUF file it is the activation dtype (the weights keep their GGUF types). `None` = auto.
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
    /// The GGUF-layout copy of the adapter, removed when the engine is dropped.
    _adapter_copy: Option<tempfile::TempDir>,
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
        let dtype = match &config.dtype {
            Some(d) => model_dtype(d)?,
            None => ModelDType::Auto,
        };
        let mut adapter_copy = None;
        let (format, model_context, model) = if is_gguf {
            let gguf = Gguf::open(&path).map_err(|e| err("reading the GGUF", e))?;
            let context = gguf.architecture().and_then(|arch| {
                gguf.get_u64(&format!("{arch}.context_length"))
                    .map(|n| n as usize)
            });
            let format =
                ChatFormat::from_gguf(&path, config.family).map_err(|e| err("chat format", e))?;
            let adapter = match &config.lora {
                None => None,
                Some(adapter) => {
                    let adapter = absolute(adapter)?;
                    adapter_copy = gguf_layout_adapter(&adapter, &gguf)?;
                    Some(match &adapter_copy {
                        Some(copy) => copy.path().to_path_buf(),
                        None => adapter,
                    })
                }
            };
            let model = runtime.block_on(load_gguf(&path, adapter.as_deref(), &dtype, config))?;
            (format, context, model)
        } else {
            let context = std::fs::read_to_string(path.join("config.json"))
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .and_then(|v| v.get("max_position_embeddings").and_then(|n| n.as_u64()))
                .map(|n| n as usize);
            let format =
                ChatFormat::from_hf_dir(&path, config.family).map_err(|e| err("chat format", e))?;
            if config.lora.is_some() {
                return Err("LoRA on safetensors models: merge the adapter first \
                            (mistralrs 0.8.1 resolves local adapters through the hub)"
                    .to_string());
            }
            let mut builder = TextModelBuilder::new(path.display().to_string())
                .with_force_cpu()
                .with_token_source(TokenSource::None)
                .with_max_num_seqs(config.max_seqs.max(1))
                .with_prefix_cache_n((config.prefix_cache > 0).then_some(config.prefix_cache))
                .with_dtype(dtype);
            if let Some(q) = &config.isq {
                builder = builder.with_isq(isq_type(q)?);
            }
            let model = runtime
                .block_on(builder.build())
                .map_err(|e| err("loading the model", e))?;
            (format, context, model)
        };
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
            _adapter_copy: adapter_copy,
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

/// Loads a GGUF file (and a PEFT adapter for llama) as `GgufModelBuilder::build` /
/// `GgufLoraModelBuilder::build` do on the CPU, but with `dtype` for the activations.
async fn load_gguf(
    path: &Path,
    adapter: Option<&Path>,
    dtype: &ModelDType,
    config: &LocalConfig,
) -> Result<mistralrs::Model, String> {
    use mistralrs::core::{GGUFLoaderBuilder, GGUFSpecificConfig, MistralRsBuilder};
    use mistralrs::{AutoDeviceMapParams, DefaultSchedulerMethod, DeviceMapSetting};
    let dir = path
        .parent()
        .unwrap_or(Path::new("/"))
        .display()
        .to_string();
    let file = path
        .file_name()
        .and_then(|f| f.to_str())
        .ok_or_else(|| format!("{}: bad file name", path.display()))?
        .to_string();
    let mut builder = GGUFLoaderBuilder::new(
        None,
        None,
        dir.clone(),
        vec![file],
        GGUFSpecificConfig { topology: None },
        false,
        None,
    );
    if let Some(adapter) = adapter {
        // A local directory is read directly on this path (unlike `LoraModelBuilder`'s hub
        // lookup); the order name only has to be a substring of its file names. `base_model_id`
        // is also the tokenizer id: the GGUF's own directory keeps the GGUF tokenizer.
        let ordering = mistralrs::core::Ordering {
            adapters: Some(vec!["adapter".into()]),
            layers: None,
            base_model_id: dir,
            // Some(vec![]): apply at run time; None merges and loses the adapter.
            preload_adapters: Some(vec![]),
        };
        builder = builder.with_lora(adapter.display().to_string(), ordering);
    }
    let pipeline = builder
        .build()
        .load_model_from_hf(
            None,
            TokenSource::None,
            dtype,
            &mistralrs::Device::Cpu,
            true,
            DeviceMapSetting::Auto(AutoDeviceMapParams::default_text()),
            None,
            None,
        )
        .map_err(|e| match adapter {
            None => err("loading the GGUF", e),
            Some(_) => err("loading the GGUF with its LoRA adapter", e),
        })?;
    let seqs = NonZeroUsize::new(config.max_seqs.max(1)).unwrap_or(NonZeroUsize::MIN);
    let scheduler = mistralrs::SchedulerConfig::DefaultScheduler {
        method: DefaultSchedulerMethod::Fixed(seqs),
    };
    let runner = MistralRsBuilder::new(pipeline, scheduler, false, None)
        .with_no_prefix_cache(config.prefix_cache == 0)
        .with_prefix_cache_n(config.prefix_cache.max(1))
        .build()
        .await;
    Ok(mistralrs::Model::new(runner))
}

/// For a llama GGUF, an adapter that targets q_proj / k_proj needs its `lora_B` rows in the GGUF's
/// RoPE order: llama.cpp's converter stores each head's rows as interleaved pairs (GGUF row
/// `2i + j` = HF row `j·hd/2 + i`), and since `permute(B·A) = permute(B)·A` permuting `lora_B`
/// rows (q with `head_count`, k with `head_count_kv` heads) makes mistralrs add the right delta.
/// Returns a temp dir holding the permuted copy (adapter_config.json + adapter_model.safetensors),
/// or `None` when the adapter can be loaded as it is (another architecture, or no q/k targets).
pub fn gguf_layout_adapter(
    adapter: &Path,
    gguf: &Gguf,
) -> Result<Option<tempfile::TempDir>, String> {
    if gguf.architecture() != Some("llama") {
        return Ok(None);
    }
    let config_path = adapter.join("adapter_config.json");
    let config_text = std::fs::read_to_string(&config_path)
        .map_err(|e| err(&config_path.display().to_string(), e))?;
    let config: serde_json::Value = serde_json::from_str(&config_text)
        .map_err(|e| err(&config_path.display().to_string(), e))?;
    let targets_qk = match config.get("target_modules") {
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .any(|t| matches!(t.as_str(), Some("q_proj" | "k_proj"))),
        // PEFT's string form (a regex or "all-linear"): mistralrs 0.8.1 rejects it anyway.
        Some(serde_json::Value::String(t)) => {
            t.contains("q_proj") || t.contains("k_proj") || t == "all-linear"
        }
        _ => false,
    };
    if !targets_qk {
        return Ok(None);
    }
    let heads = |key: &str| {
        gguf.get_u64(key)
            .and_then(|n| usize::try_from(n).ok())
            .filter(|&n| n > 0)
    };
    let n_head =
        heads("llama.attention.head_count").ok_or("the GGUF has no llama.attention.head_count")?;
    let n_kv_head = heads("llama.attention.head_count_kv").unwrap_or(n_head);
    let weights_path = adapter.join("adapter_model.safetensors");
    let bytes =
        std::fs::read(&weights_path).map_err(|e| err(&weights_path.display().to_string(), e))?;
    let permuted = permute_adapter_weights(&bytes, n_head, n_kv_head)
        .map_err(|e| err(&weights_path.display().to_string(), e))?;
    let dir = tempfile::Builder::new()
        .prefix("env0-gguf-adapter-")
        .tempdir()
        .map_err(|e| err("creating a temp dir for the adapter", e))?;
    std::fs::write(dir.path().join("adapter_config.json"), config_text)
        .map_err(|e| err("writing the adapter copy", e))?;
    std::fs::write(dir.path().join("adapter_model.safetensors"), permuted)
        .map_err(|e| err("writing the adapter copy", e))?;
    Ok(Some(dir))
}

/// The adapter's safetensors with every q_proj / k_proj `lora_B` tensor's rows (dim 0) permuted
/// from HF to GGUF RoPE order; other tensors and the header metadata are kept as they are.
fn permute_adapter_weights(
    bytes: &[u8],
    n_head: usize,
    n_kv_head: usize,
) -> Result<Vec<u8>, String> {
    use safetensors::tensor::TensorView;
    use safetensors::SafeTensors;
    let (_, metadata) = SafeTensors::read_metadata(bytes).map_err(|e| e.to_string())?;
    let tensors = SafeTensors::deserialize(bytes).map_err(|e| e.to_string())?;
    let mut owned = Vec::new();
    let mut permuted = 0;
    for (name, view) in tensors.tensors() {
        let heads = if name.contains("q_proj.lora_B") {
            Some(n_head)
        } else if name.contains("k_proj.lora_B") {
            Some(n_kv_head)
        } else {
            None
        };
        let data = match heads {
            Some(heads) => {
                let rows = view.shape().first().copied().unwrap_or(0);
                permuted += 1;
                permute_rope_rows(view.data(), rows, heads).map_err(|e| format!("{name}: {e}"))?
            }
            None => view.data().to_vec(),
        };
        owned.push((name, view.dtype(), view.shape().to_vec(), data));
    }
    if permuted == 0 {
        return Err("the adapter targets q_proj/k_proj but has no q_proj/k_proj lora_B".into());
    }
    let views = owned
        .iter()
        .map(|(name, dtype, shape, data)| {
            TensorView::new(*dtype, shape.clone(), data)
                .map(|v| (name.clone(), v))
                .map_err(|e| format!("{name}: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    safetensors::serialize(views, metadata.metadata().clone()).map_err(|e| e.to_string())
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
    fn adapter_qk_lora_b_rows_are_permuted_to_gguf_rope_order() {
        use safetensors::tensor::TensorView;
        use safetensors::{Dtype, SafeTensors};
        use std::collections::HashMap;
        // 8 rows of one f32 each; q has 2 heads (head_dim 4), k 1 head (head_dim 8). The
        // converter's reshape(heads, 2, hd/2).swapaxes(1, 2) gives per head [0, 2, 1, 3].
        let rows: Vec<u8> = (0..8).flat_map(|x| (x as f32).to_le_bytes()).collect();
        let names = [
            "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight",
            "base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight",
            "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
            "base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight",
        ];
        let views = names.iter().map(|n| {
            (
                *n,
                TensorView::new(Dtype::F32, vec![8, 1], &rows).expect("view"),
            )
        });
        let meta = Some(HashMap::from([("format".to_string(), "pt".to_string())]));
        let bytes = safetensors::serialize(views, meta.clone()).expect("serialize");
        let out = permute_adapter_weights(&bytes, 2, 1).expect("permute");
        let st = SafeTensors::deserialize(&out).expect("read back");
        let floats = |name: &str| -> Vec<f32> {
            let t = st.tensor(name).expect("tensor");
            assert_eq!(t.shape(), &[8, 1]);
            t.data()
                .chunks(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect()
        };
        assert_eq!(floats(names[0]), [0., 2., 1., 3., 4., 6., 5., 7.]);
        assert_eq!(floats(names[1]), [0., 4., 1., 5., 2., 6., 3., 7.]);
        assert_eq!(floats(names[2]), [0., 1., 2., 3., 4., 5., 6., 7.]);
        assert_eq!(floats(names[3]), [0., 1., 2., 3., 4., 5., 6., 7.]);
        let (_, m) = SafeTensors::read_metadata(&out).expect("metadata");
        assert_eq!(m.metadata(), &meta);
        assert!(permute_adapter_weights(&bytes, 3, 1).is_err());
    }

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
