//! The `env0` binary as a user runs it: worlds, SFT data and evals.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on setup failures

#[allow(dead_code)]
#[path = "../../../core/tests/core/eval_support/mod.rs"]
mod eval_support;

mod concurrency;
mod data;
mod demo;
mod eval;
mod kill;
mod world;
