//! The decoder (Llama / Qwen2 / Qwen3) with LoRA: forward, loss, and a hand-written backward that
//! produces gradients for the LoRA pairs only (the base is frozen). Layers are recomputed in the
//! backward pass from their saved inputs (one layer's activations alive at a time).

use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::backend::{Backend, MatRef};
use crate::config::ModelConfig;
use crate::error::{Result, TrainerError};
use crate::lora::{LoraPair, LoraWeights, Target};
use crate::ops::{self, AttnShape, Rope};
use crate::weights::{read_safetensors, take, TensorMap};

/// A frozen linear layer: weight `[out, in]` (HF layout), optional bias.
#[derive(Debug, Clone)]
pub struct Linear {
    pub weight: Vec<f32>,
    pub bias: Option<Vec<f32>>,
    pub fan_in: usize,
    pub fan_out: usize,
}

#[derive(Debug, Clone)]
pub struct Layer {
    pub input_norm: Vec<f32>,
    pub post_norm: Vec<f32>,
    pub q_norm: Option<Vec<f32>>,
    pub k_norm: Option<Vec<f32>>,
    /// Indexed by [`Target::index`].
    pub linears: [Linear; 7],
}

#[derive(Debug, Clone)]
pub struct Model {
    pub config: ModelConfig,
    /// `[vocab, hidden]`.
    pub embed: Vec<f32>,
    pub layers: Vec<Layer>,
    pub norm: Vec<f32>,
    /// `[vocab, hidden]`; None when tied to the embeddings.
    pub lm_head: Option<Vec<f32>>,
    /// Recompute each layer's activations in the backward pass from its saved input (one
    /// layer's activations alive at a time; ~30 % more compute). Off: keep every layer's.
    pub recompute: bool,
}

/// How the masked token losses are averaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LossReduction {
    /// Mean over every counted token of the batch (transformers' default).
    #[default]
    TokenMean,
    /// Mean over sequences of each sequence's token mean.
    SampleMean,
}

/// `batch` sequences of `seq` tokens, row-major. `labels` as in transformers: aligned with the
/// input, shifted inside the loss, `-100` = no loss.
///
/// A row may hold several examples packed end to end: `starts[i]` is then the index, within its
/// row, of the first token of the example that token `i` belongs to. Each example attends only
/// to itself (block-diagonal causal attention), its positions start at 0, no token is trained
/// to predict the next example's first token, and sample-mean weighs examples, not rows: a
/// packed row trains exactly as its examples one by one. Empty `starts`: one example per row.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub ids: Vec<u32>,
    pub labels: Vec<i64>,
    pub batch: usize,
    pub seq: usize,
    pub starts: Vec<usize>,
}

impl Batch {
    pub fn rows(&self) -> usize {
        self.batch * self.seq
    }

    /// The RoPE position of every token: its index within its example. (With RoPE alone,
    /// attention inside an example does not change if its positions are shifted; the restart
    /// keeps the numerics as close as possible to the examples run one by one.)
    pub fn positions(&self) -> Vec<usize> {
        (0..self.rows())
            .map(|i| i % self.seq - self.start(i))
            .collect()
    }

    /// Index within its row of the first token of token `i`'s example.
    pub fn start(&self, i: usize) -> usize {
        self.starts.get(i).copied().unwrap_or(0)
    }

    fn validate(&self, vocab: usize) -> Result<()> {
        let n = self.rows();
        if self.ids.len() != n || self.labels.len() != n || n == 0 {
            return Err(TrainerError::Data(format!(
                "batch of {}x{} has {} ids and {} labels",
                self.batch,
                self.seq,
                self.ids.len(),
                self.labels.len()
            )));
        }
        if !self.starts.is_empty() {
            if self.starts.len() != n {
                return Err(TrainerError::Data(format!(
                    "batch of {n} tokens has {} example starts",
                    self.starts.len()
                )));
            }
            for (i, &st) in self.starts.iter().enumerate() {
                let at = i % self.seq;
                // A start lies at or before its token, and a token either continues the example
                // of the token before it or begins a new one where it stands.
                let ok = st <= at && (at == 0 || st == at || st == self.starts[i - 1]);
                if !ok {
                    return Err(TrainerError::Data(format!(
                        "example start {st} of token {at} in row {} is inconsistent",
                        i / self.seq
                    )));
                }
            }
        }
        if let Some(&bad) = self.ids.iter().find(|&&t| t as usize >= vocab) {
            return Err(TrainerError::Data(format!(
                "token id {bad} ≥ vocab {vocab}"
            )));
        }
        if let Some(&bad) = self
            .labels
            .iter()
            .find(|&&t| t != -100 && (t < 0 || t as usize >= vocab))
        {
            return Err(TrainerError::Data(format!("label {bad} out of range")));
        }
        Ok(())
    }

    /// Targets per row (the next token's label) and their loss weights.
    fn targets(&self, reduction: LossReduction) -> (Vec<Option<u32>>, Vec<f32>, usize) {
        let n = self.rows();
        let mut targets = vec![None; n];
        for b in 0..self.batch {
            for t in 0..self.seq - 1 {
                let next = b * self.seq + t + 1;
                if self.start(next) == t + 1 {
                    continue; // the next token begins another example
                }
                let l = self.labels[next];
                if l >= 0 {
                    targets[b * self.seq + t] = Some(l as u32);
                }
            }
        }
        let count = targets.iter().flatten().count();
        let mut weights = vec![0.0f32; n];
        match reduction {
            LossReduction::TokenMean => {
                let w = 1.0 / count.max(1) as f32;
                for (wi, t) in weights.iter_mut().zip(&targets) {
                    if t.is_some() {
                        *wi = w;
                    }
                }
            }
            LossReduction::SampleMean => {
                // Trained tokens per example; an example is keyed by its row and start.
                let key = |i: usize| (i / self.seq) * self.seq + self.start(i);
                let mut per = vec![0usize; n];
                for (i, t) in targets.iter().enumerate() {
                    if t.is_some() {
                        per[key(i)] += 1;
                    }
                }
                let samples = per.iter().filter(|&&c| c > 0).count().max(1);
                for (i, t) in targets.iter().enumerate() {
                    if t.is_some() {
                        weights[i] = 1.0 / (per[key(i)] * samples) as f32;
                    }
                }
            }
        }
        (targets, weights, count)
    }
}

/// LoRA dropout for one step: masks are drawn from (seed, layer, target), so the backward pass
/// recomputes exactly the forward's masks.
#[derive(Debug, Clone, Copy)]
pub struct Dropout {
    pub p: f32,
    pub seed: u64,
}

impl Dropout {
    fn mask(&self, layer: usize, t: Target, len: usize) -> Option<Vec<f32>> {
        if self.p <= 0.0 {
            return None;
        }
        let mut rng = ChaCha8Rng::seed_from_u64(
            self.seed ^ ((layer as u64) << 40) ^ ((t.index() as u64 + 1) << 56),
        );
        let keep = 1.0 / (1.0 - self.p);
        Some(
            (0..len)
                .map(|_| {
                    if rng.random::<f32>() < self.p {
                        0.0
                    } else {
                        keep
                    }
                })
                .collect(),
        )
    }
}

/// What one forward + backward produced.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LossOutput {
    pub loss: f32,
    pub tokens: usize,
}

/// LoRA state passed through a layer: weights, optional gradients, dropout.
struct LoraCtx<'a> {
    weights: Option<&'a LoraWeights>,
    dropout: Option<Dropout>,
}

impl LoraCtx<'_> {
    fn pair(&self, layer: usize, t: Target) -> Option<&LoraPair> {
        self.weights.and_then(|w| w.pair(layer, t))
    }
    fn scale(&self) -> f32 {
        self.weights.map_or(0.0, |w| w.config.scale())
    }
}

/// Activations of one layer kept for its backward pass.
struct LayerActs {
    h1: Vec<f32>,
    inv1: Vec<f32>,
    q_pre: Vec<f32>,
    q_inv: Vec<f32>,
    k_pre: Vec<f32>,
    k_inv: Vec<f32>,
    q: Vec<f32>,
    k: Vec<f32>,
    v: Vec<f32>,
    probs: Vec<Vec<f32>>,
    attn: Vec<f32>,
    x2: Vec<f32>,
    h2: Vec<f32>,
    inv2: Vec<f32>,
    g: Vec<f32>,
    u: Vec<f32>,
    m: Vec<f32>,
}

impl Model {
    /// Loads `config.json` + `model.safetensors` (or every `*.safetensors`) from an HF directory.
    pub fn from_hf_dir(dir: &Path) -> Result<Self> {
        let config = ModelConfig::from_hf_file(&dir.join("config.json"))?;
        let mut map = TensorMap::new();
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map_err(crate::error::io_err(dir))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "safetensors"))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(TrainerError::Weights(format!(
                "no *.safetensors in {}",
                dir.display()
            )));
        }
        for f in files {
            map.extend(read_safetensors(&f)?);
        }
        Self::from_tensors(config, map)
    }

    /// Builds the model from HF-named tensors.
    pub fn from_tensors(config: ModelConfig, mut map: TensorMap) -> Result<Self> {
        config.validate().map_err(TrainerError::Config)?;
        let c = &config;
        let (d, v) = (c.hidden_size, c.vocab_size);
        let embed = take(&mut map, "model.embed_tokens.weight", &[v, d])?;
        let norm = take(&mut map, "model.norm.weight", &[d])?;
        let lm_head = if map.contains_key("lm_head.weight") && !c.tie_word_embeddings {
            Some(take(&mut map, "lm_head.weight", &[v, d])?)
        } else if c.tie_word_embeddings {
            None
        } else {
            return Err(TrainerError::Weights(
                "missing lm_head.weight (untied model)".into(),
            ));
        };
        let mut layers = Vec::with_capacity(c.num_layers);
        for l in 0..c.num_layers {
            let p = format!("model.layers.{l}");
            let mut linear = |t: Target| -> Result<Linear> {
                let (fan_in, fan_out) = t.dims(c);
                let weight = take(
                    &mut map,
                    &format!("{p}.{}.weight", t.path()),
                    &[fan_out, fan_in],
                )?;
                let bias = if c.qkv_bias && matches!(t, Target::Q | Target::K | Target::V) {
                    Some(take(
                        &mut map,
                        &format!("{p}.{}.bias", t.path()),
                        &[fan_out],
                    )?)
                } else {
                    None
                };
                Ok(Linear {
                    weight,
                    bias,
                    fan_in,
                    fan_out,
                })
            };
            let linears = [
                linear(Target::Q)?,
                linear(Target::K)?,
                linear(Target::V)?,
                linear(Target::O)?,
                linear(Target::Gate)?,
                linear(Target::Up)?,
                linear(Target::Down)?,
            ];
            let (q_norm, k_norm) = if c.qk_norm {
                (
                    Some(take(
                        &mut map,
                        &format!("{p}.self_attn.q_norm.weight"),
                        &[c.head_dim],
                    )?),
                    Some(take(
                        &mut map,
                        &format!("{p}.self_attn.k_norm.weight"),
                        &[c.head_dim],
                    )?),
                )
            } else {
                (None, None)
            };
            layers.push(Layer {
                input_norm: take(&mut map, &format!("{p}.input_layernorm.weight"), &[d])?,
                post_norm: take(
                    &mut map,
                    &format!("{p}.post_attention_layernorm.weight"),
                    &[d],
                )?,
                q_norm,
                k_norm,
                linears,
            });
        }
        Ok(Model {
            config,
            embed,
            layers,
            norm,
            lm_head,
            recompute: true,
        })
    }

    /// The HF-named tensors of this model (inverse of [`Model::from_tensors`]).
    pub fn to_tensors(&self) -> TensorMap {
        use crate::weights::Tensor;
        let c = &self.config;
        let (d, v) = (c.hidden_size, c.vocab_size);
        let mut m = TensorMap::new();
        m.insert(
            "model.embed_tokens.weight".into(),
            Tensor::new(vec![v, d], self.embed.clone()),
        );
        m.insert(
            "model.norm.weight".into(),
            Tensor::new(vec![d], self.norm.clone()),
        );
        if let Some(h) = &self.lm_head {
            m.insert("lm_head.weight".into(), Tensor::new(vec![v, d], h.clone()));
        }
        for (l, layer) in self.layers.iter().enumerate() {
            let p = format!("model.layers.{l}");
            for t in Target::ALL {
                let lin = &layer.linears[t.index()];
                m.insert(
                    format!("{p}.{}.weight", t.path()),
                    Tensor::new(vec![lin.fan_out, lin.fan_in], lin.weight.clone()),
                );
                if let Some(b) = &lin.bias {
                    m.insert(
                        format!("{p}.{}.bias", t.path()),
                        Tensor::new(vec![lin.fan_out], b.clone()),
                    );
                }
            }
            m.insert(
                format!("{p}.input_layernorm.weight"),
                Tensor::new(vec![d], layer.input_norm.clone()),
            );
            m.insert(
                format!("{p}.post_attention_layernorm.weight"),
                Tensor::new(vec![d], layer.post_norm.clone()),
            );
            if let (Some(qn), Some(kn)) = (&layer.q_norm, &layer.k_norm) {
                m.insert(
                    format!("{p}.self_attn.q_norm.weight"),
                    Tensor::new(vec![c.head_dim], qn.clone()),
                );
                m.insert(
                    format!("{p}.self_attn.k_norm.weight"),
                    Tensor::new(vec![c.head_dim], kn.clone()),
                );
            }
        }
        m
    }

    pub fn lm_head(&self) -> &[f32] {
        self.lm_head.as_deref().unwrap_or(&self.embed)
    }

    fn embed_rows(&self, ids: &[u32]) -> Vec<f32> {
        let d = self.config.hidden_size;
        let mut x = Vec::with_capacity(ids.len() * d);
        for &t in ids {
            x.extend_from_slice(&self.embed[t as usize * d..(t as usize + 1) * d]);
        }
        x
    }

    fn rope(&self, seq: usize) -> Rope {
        Rope::new(self.config.head_dim, self.config.rope_theta, seq)
    }

    /// Logits `[batch·seq, vocab]` (with the adapter when given).
    pub fn forward(
        &self,
        be: &dyn Backend,
        lora: Option<&LoraWeights>,
        batch: &Batch,
    ) -> Result<Vec<f32>> {
        batch.validate(self.config.vocab_size)?;
        let ctx = LoraCtx {
            weights: lora,
            dropout: None,
        };
        let rope = self.rope(batch.seq);
        let positions = positions(batch);
        let mut x = self.embed_rows(&batch.ids);
        for l in 0..self.layers.len() {
            x = self
                .layer_forward(be, l, &x, batch, &rope, &positions, &ctx, false)
                .0;
        }
        Ok(self.head(be, &x, batch.rows()).1)
    }

    /// Masked cross-entropy of the batch (no gradients).
    pub fn loss(
        &self,
        be: &dyn Backend,
        lora: Option<&LoraWeights>,
        batch: &Batch,
        reduction: LossReduction,
    ) -> Result<LossOutput> {
        let mut logits = self.forward(be, lora, batch)?;
        let (targets, weights, tokens) = batch.targets(reduction);
        let loss = ops::cross_entropy(
            &mut logits,
            self.config.vocab_size,
            &targets,
            &weights,
            false,
        );
        Ok(LossOutput {
            loss: loss as f32,
            tokens,
        })
    }

    /// Forward + backward: returns the loss and adds `grad_scale ·` d loss / d LoRA into `grads`.
    #[allow(clippy::too_many_arguments)]
    pub fn loss_and_grad(
        &self,
        be: &dyn Backend,
        lora: &LoraWeights,
        batch: &Batch,
        reduction: LossReduction,
        dropout: Option<Dropout>,
        grad_scale: f32,
        grads: &mut LoraWeights,
    ) -> Result<LossOutput> {
        batch.validate(self.config.vocab_size)?;
        let c = &self.config;
        let n = batch.rows();
        let ctx = LoraCtx {
            weights: Some(lora),
            dropout,
        };
        let rope = self.rope(batch.seq);
        let positions = positions(batch);
        // Forward, keeping only each layer's input.
        let mut inputs = Vec::with_capacity(self.layers.len() + 1);
        let mut kept = Vec::new();
        inputs.push(self.embed_rows(&batch.ids));
        for l in 0..self.layers.len() {
            let (next, acts) = self.layer_forward(
                be,
                l,
                &inputs[l],
                batch,
                &rope,
                &positions,
                &ctx,
                !self.recompute,
            );
            inputs.push(next);
            kept.push(acts);
        }
        let last = inputs.pop().unwrap_or_default();
        let (inv_f, mut logits, hn) = self.head_full(be, &last, n);
        let (targets, weights, tokens) = batch.targets(reduction);
        let loss = ops::cross_entropy(&mut logits, c.vocab_size, &targets, &weights, true);
        if grad_scale != 1.0 {
            logits.iter_mut().for_each(|x| *x *= grad_scale);
        }
        drop(hn);
        // d hidden = d logits · W_lm.
        let mut dh = vec![0.0f32; n * c.hidden_size];
        be.matmul(
            &mut dh,
            MatRef::new(&logits, n, c.vocab_size),
            MatRef::new(self.lm_head(), c.vocab_size, c.hidden_size),
            false,
        );
        drop(logits);
        let mut dx = vec![0.0f32; n * c.hidden_size];
        ops::rmsnorm_backward(&last, &self.norm, &inv_f, c.hidden_size, &dh, &mut dx);
        for l in (0..self.layers.len()).rev() {
            let x = &inputs[l];
            let acts = match kept.pop().flatten() {
                Some(a) => Some(a),
                None => {
                    self.layer_forward(be, l, x, batch, &rope, &positions, &ctx, true)
                        .1
                }
            };
            let Some(acts) = acts else {
                return Err(TrainerError::Data("internal: activations not kept".into()));
            };
            dx = self.layer_backward(be, l, x, &acts, dx, batch, &rope, &positions, &ctx, grads);
        }
        Ok(LossOutput {
            loss: loss as f32,
            tokens,
        })
    }

    fn head(&self, be: &dyn Backend, x: &[f32], n: usize) -> (Vec<f32>, Vec<f32>) {
        let (inv, logits, _) = self.head_full(be, x, n);
        (inv, logits)
    }

    fn head_full(&self, be: &dyn Backend, x: &[f32], n: usize) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
        let c = &self.config;
        let mut h = vec![0.0f32; x.len()];
        let inv = ops::rmsnorm(x, &self.norm, c.hidden_size, c.rms_norm_eps, &mut h);
        let mut logits = vec![0.0f32; n * c.vocab_size];
        be.matmul(
            &mut logits,
            MatRef::new(&h, n, c.hidden_size),
            MatRef::new(self.lm_head(), c.vocab_size, c.hidden_size).t(),
            false,
        );
        (inv, logits, h)
    }

    fn linear_forward(
        &self,
        be: &dyn Backend,
        l: usize,
        t: Target,
        x: &[f32],
        n: usize,
        ctx: &LoraCtx,
    ) -> Vec<f32> {
        let lin = &self.layers[l].linears[t.index()];
        let mut y = vec![0.0f32; n * lin.fan_out];
        be.matmul(
            &mut y,
            MatRef::new(x, n, lin.fan_in),
            MatRef::new(&lin.weight, lin.fan_out, lin.fan_in).t(),
            false,
        );
        if let Some(b) = &lin.bias {
            for row in y.chunks_mut(lin.fan_out) {
                row.iter_mut().zip(b).for_each(|(y, b)| *y += b);
            }
        }
        if let Some(p) = ctx.pair(l, t) {
            let r = p.a.len() / p.fan_in;
            let mask = ctx.dropout.and_then(|d| d.mask(l, t, x.len()));
            let xd: Vec<f32>;
            let xin = match &mask {
                Some(m) => {
                    xd = x.iter().zip(m).map(|(a, b)| a * b).collect();
                    &xd[..]
                }
                None => x,
            };
            let mut xa = vec![0.0f32; n * r];
            be.matmul(
                &mut xa,
                MatRef::new(xin, n, p.fan_in),
                MatRef::new(&p.a, r, p.fan_in).t(),
                false,
            );
            be.matmul_scaled(
                &mut y,
                MatRef::new(&xa, n, r),
                MatRef::new(&p.b, p.fan_out, r).t(),
                ctx.scale(),
                true,
            );
        }
        y
    }

    /// Adds d loss / d x into `dx` and the LoRA gradients into `grads`.
    #[allow(clippy::too_many_arguments)]
    fn linear_backward(
        &self,
        be: &dyn Backend,
        l: usize,
        t: Target,
        x: &[f32],
        dy: &[f32],
        n: usize,
        ctx: &LoraCtx,
        grads: &mut LoraWeights,
        dx: &mut [f32],
    ) {
        let lin = &self.layers[l].linears[t.index()];
        be.matmul(
            dx,
            MatRef::new(dy, n, lin.fan_out),
            MatRef::new(&lin.weight, lin.fan_out, lin.fan_in),
            true,
        );
        let (Some(p), Some(g)) = (ctx.pair(l, t), grads.layers[l][t.index()].as_mut()) else {
            return;
        };
        let s = ctx.scale();
        let r = p.a.len() / p.fan_in;
        let mask = ctx.dropout.and_then(|d| d.mask(l, t, x.len()));
        let xd: Vec<f32>;
        let xin = match &mask {
            Some(m) => {
                xd = x.iter().zip(m).map(|(a, b)| a * b).collect();
                &xd[..]
            }
            None => x,
        };
        let xm = MatRef::new(xin, n, p.fan_in);
        let dym = MatRef::new(dy, n, p.fan_out);
        let mut xa = vec![0.0f32; n * r];
        be.matmul(&mut xa, xm, MatRef::new(&p.a, r, p.fan_in).t(), false);
        // dB += s · dyᵀ·xa ; u = dy·B ; dA += s · uᵀ·x ; dx += s · u·A (masked).
        be.matmul_scaled(&mut g.b, dym.t(), MatRef::new(&xa, n, r), s, true);
        let mut u = vec![0.0f32; n * r];
        be.matmul(&mut u, dym, MatRef::new(&p.b, p.fan_out, r), false);
        let um = MatRef::new(&u, n, r);
        be.matmul_scaled(&mut g.a, um.t(), xm, s, true);
        match &mask {
            None => be.matmul_scaled(dx, um, MatRef::new(&p.a, r, p.fan_in), s, true),
            Some(m) => {
                let mut dxd = vec![0.0f32; n * p.fan_in];
                be.matmul_scaled(&mut dxd, um, MatRef::new(&p.a, r, p.fan_in), s, false);
                for ((d, v), mk) in dx.iter_mut().zip(&dxd).zip(m) {
                    *d += v * mk;
                }
            }
        }
    }

    fn attn_shape(&self, batch: &Batch) -> AttnShape {
        AttnShape {
            batch: batch.batch,
            seq: batch.seq,
            heads: self.config.num_heads,
            kv_heads: self.config.num_kv_heads,
            head_dim: self.config.head_dim,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn layer_forward(
        &self,
        be: &dyn Backend,
        l: usize,
        x: &[f32],
        batch: &Batch,
        rope: &Rope,
        positions: &[usize],
        ctx: &LoraCtx,
        keep: bool,
    ) -> (Vec<f32>, Option<LayerActs>) {
        let c = &self.config;
        let layer = &self.layers[l];
        let (n, d, hd) = (batch.rows(), c.hidden_size, c.head_dim);
        let mut h1 = vec![0.0f32; x.len()];
        let inv1 = ops::rmsnorm(x, &layer.input_norm, d, c.rms_norm_eps, &mut h1);
        let mut q = self.linear_forward(be, l, Target::Q, &h1, n, ctx);
        let mut k = self.linear_forward(be, l, Target::K, &h1, n, ctx);
        let v = self.linear_forward(be, l, Target::V, &h1, n, ctx);
        let (mut q_pre, mut q_inv, mut k_pre, mut k_inv) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        if let (Some(qn), Some(kn)) = (&layer.q_norm, &layer.k_norm) {
            q_pre = q;
            k_pre = k;
            q = vec![0.0; q_pre.len()];
            k = vec![0.0; k_pre.len()];
            q_inv = ops::rmsnorm(&q_pre, qn, hd, c.rms_norm_eps, &mut q);
            k_inv = ops::rmsnorm(&k_pre, kn, hd, c.rms_norm_eps, &mut k);
        }
        rope.apply(&mut q, c.num_heads, positions, false);
        rope.apply(&mut k, c.num_kv_heads, positions, false);
        let (attn, probs) = ops::attention(be, self.attn_shape(batch), &batch.starts, &q, &k, &v);
        let a = self.linear_forward(be, l, Target::O, &attn, n, ctx);
        let x2: Vec<f32> = x.iter().zip(&a).map(|(x, a)| x + a).collect();
        let mut h2 = vec![0.0f32; x.len()];
        let inv2 = ops::rmsnorm(&x2, &layer.post_norm, d, c.rms_norm_eps, &mut h2);
        let g = self.linear_forward(be, l, Target::Gate, &h2, n, ctx);
        let u = self.linear_forward(be, l, Target::Up, &h2, n, ctx);
        let m = ops::swiglu(&g, &u);
        let down = self.linear_forward(be, l, Target::Down, &m, n, ctx);
        let out: Vec<f32> = x2.iter().zip(&down).map(|(x, y)| x + y).collect();
        let acts = keep.then_some(LayerActs {
            h1,
            inv1,
            q_pre,
            q_inv,
            k_pre,
            k_inv,
            q,
            k,
            v,
            probs,
            attn,
            x2,
            h2,
            inv2,
            g,
            u,
            m,
        });
        (out, acts)
    }

    #[allow(clippy::too_many_arguments)]
    fn layer_backward(
        &self,
        be: &dyn Backend,
        l: usize,
        x: &[f32],
        a: &LayerActs,
        dy: Vec<f32>,
        batch: &Batch,
        rope: &Rope,
        positions: &[usize],
        ctx: &LoraCtx,
        grads: &mut LoraWeights,
    ) -> Vec<f32> {
        let c = &self.config;
        let layer = &self.layers[l];
        let (n, d, hd, f) = (batch.rows(), c.hidden_size, c.head_dim, c.intermediate_size);
        let mut dm = vec![0.0f32; n * f];
        self.linear_backward(be, l, Target::Down, &a.m, &dy, n, ctx, grads, &mut dm);
        let (dg, du) = ops::swiglu_backward(&a.g, &a.u, &dm);
        drop(dm);
        let mut dh2 = vec![0.0f32; n * d];
        self.linear_backward(be, l, Target::Gate, &a.h2, &dg, n, ctx, grads, &mut dh2);
        self.linear_backward(be, l, Target::Up, &a.h2, &du, n, ctx, grads, &mut dh2);
        let mut dx2 = dy;
        ops::rmsnorm_backward(&a.x2, &layer.post_norm, &a.inv2, d, &dh2, &mut dx2);
        let mut dattn = vec![0.0f32; n * c.q_dim()];
        self.linear_backward(be, l, Target::O, &a.attn, &dx2, n, ctx, grads, &mut dattn);
        let (mut dq, mut dk, dv) = ops::attention_backward(
            be,
            self.attn_shape(batch),
            &batch.starts,
            &a.q,
            &a.k,
            &a.v,
            &a.probs,
            &dattn,
        );
        rope.apply(&mut dq, c.num_heads, positions, true);
        rope.apply(&mut dk, c.num_kv_heads, positions, true);
        if let (Some(qn), Some(kn)) = (&layer.q_norm, &layer.k_norm) {
            let mut dq_pre = vec![0.0f32; dq.len()];
            ops::rmsnorm_backward(&a.q_pre, qn, &a.q_inv, hd, &dq, &mut dq_pre);
            let mut dk_pre = vec![0.0f32; dk.len()];
            ops::rmsnorm_backward(&a.k_pre, kn, &a.k_inv, hd, &dk, &mut dk_pre);
            dq = dq_pre;
            dk = dk_pre;
        }
        let mut dh1 = vec![0.0f32; n * d];
        self.linear_backward(be, l, Target::Q, &a.h1, &dq, n, ctx, grads, &mut dh1);
        self.linear_backward(be, l, Target::K, &a.h1, &dk, n, ctx, grads, &mut dh1);
        self.linear_backward(be, l, Target::V, &a.h1, &dv, n, ctx, grads, &mut dh1);
        ops::rmsnorm_backward(x, &layer.input_norm, &a.inv1, d, &dh1, &mut dx2);
        dx2
    }
}

fn positions(batch: &Batch) -> Vec<usize> {
    batch.positions()
}
