//! PEFT adapter directories (read and write) and merged weights (base + alpha/r · B·A).

use std::path::Path;

use serde_json::{json, Value};

use crate::config::ModelConfig;
use crate::error::{io_err, Result, TrainerError};
use crate::lora::{LoraConfig, LoraWeights, Target};
use crate::model::Model;
use crate::weights::{read_safetensors, write_atomic, write_safetensors, Tensor, TensorMap};

pub const ADAPTER_CONFIG: &str = "adapter_config.json";
pub const ADAPTER_WEIGHTS: &str = "adapter_model.safetensors";

/// Writes `adapter_config.json` + `adapter_model.safetensors` (f32) in PEFT's layout.
pub fn save_peft_adapter(dir: &Path, lora: &LoraWeights, base_model: &str) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let c = &lora.config;
    let config = json!({
        "peft_type": "LORA",
        "task_type": "CAUSAL_LM",
        "r": c.rank,
        "lora_alpha": c.alpha,
        "lora_dropout": c.dropout,
        "target_modules": c.targets.iter().map(|t| t.module()).collect::<Vec<_>>(),
        "bias": "none",
        "fan_in_fan_out": false,
        "inference_mode": true,
        "use_rslora": false,
        "use_dora": false,
        "modules_to_save": null,
        "init_lora_weights": true,
        "base_model_name_or_path": base_model,
    });
    let text = serde_json::to_string_pretty(&config).map_err(|source| TrainerError::Json {
        path: dir.join(ADAPTER_CONFIG),
        source,
    })?;
    write_atomic(&dir.join(ADAPTER_CONFIG), text.as_bytes())?;
    let mut map = TensorMap::new();
    for (name, shape, data) in lora.named() {
        map.insert(name, Tensor::new(shape, data.clone()));
    }
    let mut meta = std::collections::HashMap::new();
    meta.insert("format".to_string(), "pt".to_string());
    write_safetensors(&dir.join(ADAPTER_WEIGHTS), &map, Some(meta))
}

/// Reads a PEFT LoRA adapter directory for a model of the given shape.
pub fn load_peft_adapter(dir: &Path, model: &ModelConfig) -> Result<LoraWeights> {
    let cpath = dir.join(ADAPTER_CONFIG);
    let text = std::fs::read_to_string(&cpath).map_err(io_err(&cpath))?;
    let v: Value = serde_json::from_str(&text).map_err(|source| TrainerError::Json {
        path: cpath.clone(),
        source,
    })?;
    let config = lora_config_from_peft(&v)
        .map_err(|e| TrainerError::Adapter(format!("{}: {e}", cpath.display())))?;
    let mut lora = LoraWeights::zeros(config, model);
    let mut map = read_safetensors(&dir.join(ADAPTER_WEIGHTS))?;
    lora.load_named(&mut map)?;
    Ok(lora)
}

fn lora_config_from_peft(v: &Value) -> Result<LoraConfig, String> {
    if v["peft_type"].as_str() != Some("LORA") {
        return Err("peft_type is not LORA".into());
    }
    for flag in ["use_dora", "use_rslora", "fan_in_fan_out"] {
        if v[flag].as_bool() == Some(true) {
            return Err(format!("{flag} is not supported"));
        }
    }
    let rank = v["r"].as_u64().filter(|&r| r > 0).ok_or("missing r")? as usize;
    let alpha = v["lora_alpha"].as_f64().ok_or("missing lora_alpha")? as f32;
    let targets = v["target_modules"]
        .as_array()
        .ok_or("target_modules must be a list")?
        .iter()
        .map(|t| {
            t.as_str()
                .and_then(Target::from_module)
                .ok_or_else(|| format!("unsupported target module {t}"))
        })
        .collect::<Result<std::collections::BTreeSet<_>, _>>()?;
    Ok(LoraConfig {
        rank,
        alpha,
        dropout: v["lora_dropout"].as_f64().unwrap_or(0.0) as f32,
        targets: targets.into_iter().collect(),
    })
}

/// Folds the adapter into the base weights: W += alpha/r · B·A.
pub fn merge_into(model: &mut Model, lora: &LoraWeights) {
    let s = lora.config.scale();
    let r = lora.config.rank;
    for (layer, pairs) in model.layers.iter_mut().zip(&lora.layers) {
        for t in Target::ALL {
            if let Some(p) = &pairs[t.index()] {
                let lin = &mut layer.linears[t.index()];
                for o in 0..p.fan_out {
                    let brow = &p.b[o * r..(o + 1) * r];
                    let wrow = &mut lin.weight[o * p.fan_in..(o + 1) * p.fan_in];
                    for (k, &bk) in brow.iter().enumerate() {
                        let arow = &p.a[k * p.fan_in..(k + 1) * p.fan_in];
                        for (w, &a) in wrow.iter_mut().zip(arow) {
                            *w += s * bk * a;
                        }
                    }
                }
            }
        }
    }
}

/// Writes an HF directory (config.json + model.safetensors, f32) for the model.
pub fn save_hf_model(dir: &Path, model: &Model) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let cfg = serde_json::to_string_pretty(&model.config.to_hf_json()).map_err(|source| {
        TrainerError::Json {
            path: dir.join("config.json"),
            source,
        }
    })?;
    write_atomic(&dir.join("config.json"), cfg.as_bytes())?;
    let mut meta = std::collections::HashMap::new();
    meta.insert("format".to_string(), "pt".to_string());
    write_safetensors(
        &dir.join("model.safetensors"),
        &model.to_tensors(),
        Some(meta),
    )
}

/// Files of a HF model directory that a merged model keeps from its base (tokenizer, chat
/// template, generation settings), so the runtime loads the merged directory as it is.
const BASE_SIDE_FILES: &[&str] = &[
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "chat_template.jinja",
    "generation_config.json",
];

/// Writes a merged model: `model.safetensors` (f32, the base's tensor names) and a config. When
/// `base` is a HF directory its `config.json` is kept (with `rope_theta` also written at the top
/// level when the base only has transformers 5's `rope_parameters`, which older loaders such as
/// mistralrs 0.8.1 do not read) and its tokenizer and generation files are copied; for a GGUF
/// base the config is rebuilt from the model's own settings.
pub fn save_merged(dir: &Path, model: &Model, base: &Path) -> Result<()> {
    save_hf_model(dir, model)?;
    if !base.is_dir() {
        return Ok(());
    }
    let config_path = base.join("config.json");
    let text = std::fs::read_to_string(&config_path).map_err(io_err(&config_path))?;
    let mut config: Value = serde_json::from_str(&text).map_err(|source| TrainerError::Json {
        path: config_path.clone(),
        source,
    })?;
    if let Some(obj) = config.as_object_mut() {
        if !obj.contains_key("rope_theta") {
            obj.insert("rope_theta".into(), json!(model.config.rope_theta));
        }
        obj.insert("torch_dtype".into(), json!("float32"));
    }
    let out = serde_json::to_string_pretty(&config).map_err(|source| TrainerError::Json {
        path: dir.join("config.json"),
        source,
    })?;
    write_atomic(&dir.join("config.json"), out.as_bytes())?;
    for name in BASE_SIDE_FILES {
        let from = base.join(name);
        if from.is_file() {
            let bytes = std::fs::read(&from).map_err(io_err(&from))?;
            write_atomic(&dir.join(name), &bytes)?;
        }
    }
    Ok(())
}
