//! GGUF files (models imported on a phone, fixtures, exports): the header reader, the tokenizer
//! built from its vocabulary, the trainer's weight reader (model config, a few tensors
//! dequantized) and the FFI's import check. Errors are fine; panics, hangs and allocations far
//! beyond the input's size are not.
#![no_main]

use env0_chat::{ChatTokenizer, Gguf};
use env0_ffi::Env0Error;
use libfuzzer_sys::fuzz_target;
use std::io::Write;

mod model_store;
use model_store::store;

fuzz_target!(|data: &[u8]| {
    if let Ok(g) = Gguf::from_bytes(data) {
        let _ = g.architecture();
        let _ = g.data_end();
        if let Ok(tokens) = g.string_array("tokenizer.ggml.tokens") {
            for id in 0..tokens.len().min(8) as u64 {
                let _ = g.token_text(id);
            }
        }
        if let Ok(tok) = ChatTokenizer::from_gguf(&g) {
            let _ = tok.encode("Hello <tool_call>{\"name\": \"x\"}</tool_call>");
        }
    }
    if let Ok(file) = env0_trainer::GgufFile::parse(data.to_vec()) {
        let _ = file.model_config();
        let names: Vec<String> = file
            .header
            .tensors
            .iter()
            .take(4)
            .map(|t| t.name.clone())
            .collect();
        for name in names {
            let _ = file.tensor(&name);
        }
    }
    let (dir, store) = store();
    let path = dir.path().join("input.gguf");
    let written = std::fs::File::create(&path).and_then(|mut f| f.write_all(data));
    if written.is_ok() {
        if let Err(Env0Error::Internal { detail }) = store.inspect_model(path.display().to_string())
        {
            panic!("inspect_model: internal error: {detail}");
        }
    }
});
