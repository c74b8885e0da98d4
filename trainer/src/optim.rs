//! AdamW with PyTorch's semantics (decoupled weight decay, bias correction as in
//! `torch.optim.AdamW`), gradient-norm clipping as `clip_grad_norm_`, and the warmup + cosine /
//! linear schedules of transformers.

use crate::lora::LoraWeights;

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AdamWConfig {
    pub lr: f32,
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    pub weight_decay: f32,
}

impl Default for AdamWConfig {
    fn default() -> Self {
        AdamWConfig {
            lr: 2e-4,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.01,
        }
    }
}

/// Optimizer state: first and second moments shaped like the adapter, and the step count.
#[derive(Debug, Clone, PartialEq)]
pub struct AdamW {
    pub config: AdamWConfig,
    pub m: LoraWeights,
    pub v: LoraWeights,
    pub step: u64,
}

impl AdamW {
    pub fn new(config: AdamWConfig, params: &LoraWeights) -> Self {
        AdamW {
            config,
            m: params.zeros_like(),
            v: params.zeros_like(),
            step: 0,
        }
    }

    /// One update with learning rate `lr` (the schedule's value for this step).
    pub fn step(&mut self, params: &mut LoraWeights, grads: &LoraWeights, lr: f32) {
        self.step += 1;
        let c = self.config;
        let t = self.step as i32;
        let bc1 = 1.0 - c.beta1.powi(t);
        let bc2_sqrt = (1.0 - c.beta2.powi(t)).sqrt();
        let step_size = lr / bc1;
        let decay = 1.0 - lr * c.weight_decay;
        for (((p, g), m), v) in params
            .tensors_mut()
            .zip(grads.tensors())
            .zip(self.m.tensors_mut())
            .zip(self.v.tensors_mut())
        {
            for i in 0..p.len() {
                p[i] *= decay;
                m[i] += (g[i] - m[i]) * (1.0 - c.beta1);
                v[i] = v[i] * c.beta2 + (1.0 - c.beta2) * g[i] * g[i];
                let denom = v[i].sqrt() / bc2_sqrt + c.eps;
                p[i] -= step_size * m[i] / denom;
            }
        }
    }
}

/// Scales gradients so their global L2 norm is at most `max_norm`; returns the norm before.
pub fn clip_grad_norm(grads: &mut LoraWeights, max_norm: f32) -> f32 {
    let total = grads
        .tensors()
        .flat_map(|t| t.iter())
        .map(|&g| (g as f64) * (g as f64))
        .sum::<f64>()
        .sqrt() as f32;
    if max_norm > 0.0 {
        let coef = max_norm / (total + 1e-6);
        if coef < 1.0 {
            for t in grads.tensors_mut() {
                t.iter_mut().for_each(|g| *g *= coef);
            }
        }
    }
    total
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Schedule {
    #[default]
    Cosine,
    Linear,
    Constant,
}

/// The learning-rate factor at `step` (0-based), as transformers' `get_*_schedule_with_warmup`.
pub fn lr_factor(schedule: Schedule, step: u64, warmup: u64, total: u64) -> f32 {
    if step < warmup {
        return step as f32 / warmup.max(1) as f32;
    }
    match schedule {
        Schedule::Constant => 1.0,
        Schedule::Linear => {
            ((total.saturating_sub(step)) as f64 / (total.saturating_sub(warmup)).max(1) as f64)
                as f32
        }
        Schedule::Cosine => {
            let progress = (step - warmup) as f64 / (total.saturating_sub(warmup)).max(1) as f64;
            (0.5 * (1.0 + (std::f64::consts::PI * progress).cos())).max(0.0) as f32
        }
    }
}
