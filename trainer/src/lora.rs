//! LoRA parameters: one (A, B) pair per targeted linear per layer, PEFT-shaped
//! (A `[r, in]`, B `[out, r]`, ΔW = alpha / r · B·A).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::config::ModelConfig;
use crate::error::{Result, TrainerError};

/// The seven linears of a decoder layer, in a fixed order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    Q,
    K,
    V,
    O,
    Gate,
    Up,
    Down,
}

impl Target {
    pub const ALL: [Target; 7] = [
        Target::Q,
        Target::K,
        Target::V,
        Target::O,
        Target::Gate,
        Target::Up,
        Target::Down,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    /// The PEFT / HF module name (`q_proj`, …).
    pub fn module(self) -> &'static str {
        match self {
            Target::Q => "q_proj",
            Target::K => "k_proj",
            Target::V => "v_proj",
            Target::O => "o_proj",
            Target::Gate => "gate_proj",
            Target::Up => "up_proj",
            Target::Down => "down_proj",
        }
    }

    /// The path inside a layer (`self_attn.q_proj`, `mlp.gate_proj`).
    pub fn path(self) -> &'static str {
        match self {
            Target::Q => "self_attn.q_proj",
            Target::K => "self_attn.k_proj",
            Target::V => "self_attn.v_proj",
            Target::O => "self_attn.o_proj",
            Target::Gate => "mlp.gate_proj",
            Target::Up => "mlp.up_proj",
            Target::Down => "mlp.down_proj",
        }
    }

    pub fn from_module(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.module() == name)
    }

    /// (in_features, out_features).
    pub fn dims(self, c: &ModelConfig) -> (usize, usize) {
        let (d, f) = (c.hidden_size, c.intermediate_size);
        match self {
            Target::Q => (d, c.q_dim()),
            Target::K | Target::V => (d, c.kv_dim()),
            Target::O => (c.q_dim(), d),
            Target::Gate | Target::Up => (d, f),
            Target::Down => (f, d),
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LoraConfig {
    pub rank: usize,
    pub alpha: f32,
    pub dropout: f32,
    pub targets: Vec<Target>,
}

impl LoraConfig {
    pub fn scale(&self) -> f32 {
        self.alpha / self.rank as f32
    }
}

impl serde::Serialize for Target {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.module())
    }
}

impl<'de> serde::Deserialize<'de> for Target {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Target::from_module(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown target {s}")))
    }
}

/// One adapted linear: A `[rank, in]`, B `[out, rank]`.
#[derive(Debug, Clone, PartialEq)]
pub struct LoraPair {
    pub a: Vec<f32>,
    pub b: Vec<f32>,
    pub fan_in: usize,
    pub fan_out: usize,
}

/// All LoRA pairs of a model (also used for their gradients and optimizer moments).
#[derive(Debug, Clone, PartialEq)]
pub struct LoraWeights {
    pub config: LoraConfig,
    /// `layers[l][target.index()]`.
    pub layers: Vec<[Option<LoraPair>; 7]>,
}

impl LoraWeights {
    /// PEFT's default init: A Kaiming-uniform (bound 1/√in), B zero.
    pub fn init(config: LoraConfig, model: &ModelConfig, seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut w = Self::zeros(config, model);
        for layer in &mut w.layers {
            for pair in layer.iter_mut().flatten() {
                let bound = 1.0 / (pair.fan_in as f32).sqrt();
                for x in &mut pair.a {
                    *x = rng.random_range(-bound..bound);
                }
            }
        }
        w
    }

    pub fn zeros(config: LoraConfig, model: &ModelConfig) -> Self {
        let r = config.rank;
        let layers = (0..model.num_layers)
            .map(|_| {
                std::array::from_fn(|i| {
                    let t = Target::ALL[i];
                    config.targets.contains(&t).then(|| {
                        let (fan_in, fan_out) = t.dims(model);
                        LoraPair {
                            a: vec![0.0; r * fan_in],
                            b: vec![0.0; fan_out * r],
                            fan_in,
                            fan_out,
                        }
                    })
                })
            })
            .collect();
        LoraWeights { config, layers }
    }

    pub fn zeros_like(&self) -> Self {
        let mut z = self.clone();
        z.fill(0.0);
        z
    }

    pub fn fill(&mut self, v: f32) {
        for t in self.tensors_mut() {
            t.fill(v);
        }
    }

    pub fn pair(&self, layer: usize, t: Target) -> Option<&LoraPair> {
        self.layers.get(layer)?[t.index()].as_ref()
    }

    /// Every tensor in a fixed order (layer, target, A then B).
    pub fn tensors(&self) -> impl Iterator<Item = &Vec<f32>> {
        self.layers
            .iter()
            .flat_map(|l| l.iter().flatten())
            .flat_map(|p| [&p.a, &p.b])
    }

    pub fn tensors_mut(&mut self) -> impl Iterator<Item = &mut Vec<f32>> {
        self.layers
            .iter_mut()
            .flat_map(|l| l.iter_mut().flatten())
            .flat_map(|p| [&mut p.a, &mut p.b])
    }

    /// `(peft_name, shape, data)` for every tensor, PEFT names
    /// (`base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight`).
    pub fn named(&self) -> Vec<(String, Vec<usize>, &Vec<f32>)> {
        let r = self.config.rank;
        let mut out = Vec::new();
        for (l, layer) in self.layers.iter().enumerate() {
            for t in Target::ALL {
                if let Some(p) = &layer[t.index()] {
                    let base = format!("base_model.model.model.layers.{l}.{}", t.path());
                    out.push((format!("{base}.lora_A.weight"), vec![r, p.fan_in], &p.a));
                    out.push((format!("{base}.lora_B.weight"), vec![p.fan_out, r], &p.b));
                }
            }
        }
        out
    }

    pub fn num_params(&self) -> usize {
        self.tensors().map(Vec::len).sum()
    }

    /// Fills the pairs from PEFT-named tensors; every pair must be present with PEFT shapes.
    pub fn load_named(&mut self, map: &mut crate::weights::TensorMap) -> Result<()> {
        let r = self.config.rank;
        for (l, layer) in self.layers.iter_mut().enumerate() {
            for t in Target::ALL {
                if let Some(p) = &mut layer[t.index()] {
                    let base = format!("base_model.model.model.layers.{l}.{}", t.path());
                    p.a =
                        crate::weights::take(map, &format!("{base}.lora_A.weight"), &[r, p.fan_in])
                            .map_err(|e| TrainerError::Adapter(e.to_string()))?;
                    p.b = crate::weights::take(
                        map,
                        &format!("{base}.lora_B.weight"),
                        &[p.fan_out, r],
                    )
                    .map_err(|e| TrainerError::Adapter(e.to_string()))?;
                }
            }
        }
        Ok(())
    }
}
