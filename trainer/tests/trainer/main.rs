//! env0-trainer end to end: numerics against PyTorch + PEFT fixtures (forward, backward,
//! dequantization), the real SmolLM2 GGUF, and the training loop.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on setup failures

mod backward;
mod packing;
mod quant;
mod reference;
mod smollm2;
mod train_loop;
