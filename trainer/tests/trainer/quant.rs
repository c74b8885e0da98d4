//! Dequantizers against the `gguf` Python package (random blocks written by
//! scripts/trainer_reference.py into tests/fixtures/quant_blocks.safetensors).

use std::path::Path;

use env0_trainer::read_safetensors;
use env0_trainer::{dequantize, GgmlType};

#[test]
fn dequantizers_match_the_gguf_package() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/quant_blocks.safetensors");
    let t = read_safetensors(&path).expect("fixture");
    for (name, ty) in [
        ("q4_0", GgmlType::Q4_0),
        ("q4_1", GgmlType::Q4_1),
        ("q8_0", GgmlType::Q8_0),
        ("q4_k", GgmlType::Q4K),
        ("q6_k", GgmlType::Q6K),
    ] {
        let bytes: Vec<u8> = t[&format!("{name}.bytes")]
            .data
            .iter()
            .map(|&b| b as u8)
            .collect();
        let want = &t[&format!("{name}.values")].data;
        let got = dequantize(ty, &bytes, want.len()).expect(name);
        let err = got
            .iter()
            .zip(want)
            .fold(0.0f32, |m, (a, b)| m.max((a - b).abs()));
        let scale = want.iter().fold(0.0f32, |m, b| m.max(b.abs()));
        eprintln!(
            "{name}: {} values, max abs err {err:.2e} (scale {scale:.2e})",
            want.len()
        );
        assert!(err <= 1e-6 * scale.max(1.0), "{name}: max abs err {err}");
    }
}

#[test]
fn sizes_that_overflow_are_errors() {
    // Found by the gguf fuzz target: a tensor whose element count times its block size does not
    // fit a usize panicked ("attempt to multiply with overflow") instead of being refused.
    assert_eq!(GgmlType::F32.bytes_for(usize::MAX / 2), None);
    assert_eq!(GgmlType::F16.bytes_for(usize::MAX), None);
    assert_eq!(GgmlType::Q6K.bytes_for(256), Some(210));
    // And one whose dimensions hold a zero beside two huge ones: their product overflows in
    // one order of multiplying and is 0 in another.
    for name in ["gguf-size-overflow.crash", "gguf-zero-and-huge-dims.crash"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/fuzz")
            .join(name);
        let bytes = std::fs::read(&path).expect("fixture");
        if let Ok(file) = env0_trainer::GgufFile::parse(bytes) {
            let names: Vec<String> = file.header.tensors.iter().map(|t| t.name.clone()).collect();
            for n in names {
                let _ = file.tensor(&n);
            }
        }
    }
}
