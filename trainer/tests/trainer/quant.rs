//! Dequantizers against the `gguf` Python package (random blocks written by
//! scripts/trainer_reference.py into tests/fixtures/quant_blocks.safetensors).

use std::path::Path;

use env0_trainer::read_safetensors;
use env0_trainer::{dequantize, quantize, GgmlType};

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

/// Seeded values with a spread of block scales, an all-zero block and outliers.
fn sample_values(blocks: usize) -> Vec<f32> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let mut out = Vec::with_capacity(blocks * 32);
    for b in 0..blocks {
        let scale = [0.01f32, 0.1, 1.0, 30.0][b % 4];
        for j in 0..32 {
            let x = match b % 7 {
                5 => 0.0,
                6 if j == 3 => 50.0 * scale, // one outlier in the block
                _ => rng.random_range(-1.0f32..1.0) * scale,
            };
            out.push(x);
        }
    }
    out
}

#[test]
fn quantizers_stay_within_one_step_and_are_stable() {
    let values = sample_values(56);
    for ty in [GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q4_1] {
        let bytes = quantize(ty, &values).expect("quantize");
        assert_eq!(bytes.len(), ty.bytes_for(values.len()).unwrap());
        let back = dequantize(ty, &bytes, values.len()).expect("dequantize");
        let mut worst = 0.0f32;
        for (block, (xs, ys)) in values.chunks(32).zip(back.chunks(32)).enumerate() {
            let amax = xs.iter().fold(0.0f32, |m, x| m.max(x.abs()));
            let (lo, hi) = xs
                .iter()
                .fold((f32::MAX, f32::MIN), |(l, h), &x| (l.min(x), h.max(x)));
            // One quantization step of the format for this block; Q4_0 can be a whole step off
            // at the far end of its asymmetric range ([-8, 7] steps), the others half a step.
            // The f16 scale adds its own rounding (relative 2^-11 per step).
            let bound = match ty {
                GgmlType::Q8_0 => (amax / 127.0) * (0.5 + 127.0 / 2048.0),
                GgmlType::Q4_0 => (amax / 8.0) * (1.0 + 8.0 / 2048.0),
                _ => ((hi - lo) / 15.0) * (0.5 + 15.0 / 2048.0) + lo.abs() / 2048.0,
            };
            for (x, y) in xs.iter().zip(ys) {
                let err = (x - y).abs();
                worst = worst.max(err / amax.max(1e-30));
                assert!(
                    err <= bound * 1.0001 + 1e-12,
                    "{ty:?} block {block}: {x} came back as {y} (bound {bound})"
                );
            }
        }
        // A dequantized block quantizes to the same bytes: nothing drifts on re-export.
        assert_eq!(
            quantize(ty, &back).expect("again"),
            bytes,
            "{ty:?} is not stable"
        );
        eprintln!("{ty:?}: worst error {worst:.4} of the block's largest magnitude");
    }
    // The float types round-trip within their own precision (half a unit in the last place,
    // relative; f16's subnormals below 2^-14 have a fixed step of 2^-24).
    for (ty, rel, abs) in [
        (GgmlType::F32, 0.0, 0.0),
        (GgmlType::F16, 1.0 / 2048.0, 2f32.powi(-25)),
        (GgmlType::BF16, 1.0 / 256.0, 0.0),
    ] {
        let back = dequantize(ty, &quantize(ty, &values).unwrap(), values.len()).unwrap();
        for (x, y) in values.iter().zip(&back) {
            assert!((x - y).abs() <= x.abs() * rel + abs, "{ty:?}: {x} → {y}");
        }
    }
}

#[test]
fn a_hand_computed_q8_0_and_q4_0_block() {
    // x = j - 16: amax 16. Q8_0: d = 16/127, q = round((j - 16) · 127/16).
    let xs: Vec<f32> = (0..32).map(|j| j as f32 - 16.0).collect();
    let q8 = quantize(GgmlType::Q8_0, &xs).unwrap();
    assert_eq!(&q8[..2], &half::f16::from_f32(16.0 / 127.0).to_le_bytes());
    assert_eq!(q8[2] as i8, -127);
    assert_eq!(q8[2 + 17] as i8, (127.0f32 / 16.0).round() as i8); // j = 17 → x = 1 → 8
    assert_eq!(q8[2 + 31] as i8, (15.0f32 * 127.0 / 16.0).round() as i8); // 119
                                                                          // Q4_0: the largest magnitude is -16, so d = 2; x / d + 8.5 truncated: j = 0 → 0, j = 31
                                                                          // (x = 15) → 15.5 → 15; packed low nibble j, high nibble j + 16.
    let q4 = quantize(GgmlType::Q4_0, &xs).unwrap();
    assert_eq!(&q4[..2], &half::f16::from_f32(2.0).to_le_bytes());
    assert_eq!(q4[2], 8 << 4); // low nibble: j = 0 → 0; high nibble: j = 16 (x = 0) → 8
    assert_eq!(q4[2 + 15] >> 4, 15); // j = 31 (x = 15) → 15.5 → 15
}

#[test]
fn bad_input_is_refused() {
    assert!(quantize(GgmlType::Q8_0, &[1.0; 31]).is_err());
    assert!(quantize(GgmlType::Q4K, &[1.0; 256])
        .unwrap_err()
        .contains("not supported"));
    let mut v = vec![0.5f32; 32];
    v[7] = f32::NAN;
    assert!(quantize(GgmlType::Q4_0, &v)
        .unwrap_err()
        .contains("element 7"));
    // An all-zero block is a zero scale and zero codes, and comes back as zeros.
    let zeros = quantize(GgmlType::Q8_0, &[0.0; 32]).unwrap();
    assert!(zeros.iter().all(|&b| b == 0));
}
