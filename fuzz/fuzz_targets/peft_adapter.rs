//! PEFT adapters (imported on a phone, loaded by the trainer): `adapter_config.json` and
//! `adapter_model.safetensors` from the input, split at the first NUL, written to a folder and
//! read by the FFI's import check and by the trainer's loader for a tiny Llama-shaped model.
#![no_main]

use env0_ffi::Env0Error;
use env0_trainer::{Family, ModelConfig};
use libfuzzer_sys::fuzz_target;

mod model_store;
use model_store::store;

fn tiny() -> ModelConfig {
    ModelConfig {
        family: Family::Llama,
        vocab_size: 32,
        hidden_size: 16,
        intermediate_size: 32,
        num_layers: 2,
        num_heads: 2,
        num_kv_heads: 1,
        head_dim: 8,
        rope_theta: 10000.0,
        rms_norm_eps: 1e-5,
        tie_word_embeddings: true,
        qkv_bias: false,
        qk_norm: false,
    }
}

fuzz_target!(|data: &[u8]| {
    let (config, weights) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let (root, store) = store();
    let dir = root.path().join("adapter");
    let _ = std::fs::create_dir_all(&dir);
    if std::fs::write(dir.join("adapter_config.json"), config).is_err()
        || std::fs::write(dir.join("adapter_model.safetensors"), weights).is_err()
    {
        return;
    }
    if let Err(Env0Error::Internal { detail }) = store.inspect_adapter(dir.display().to_string()) {
        panic!("inspect_adapter: internal error: {detail}");
    }
    let _ = env0_trainer::load_peft_adapter(&dir, &tiny());
});
