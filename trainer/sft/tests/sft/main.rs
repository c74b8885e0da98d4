//! env0-sft end to end, on real results rows made by the oracle through the eval runner: build,
//! validate, tokenize and audit.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on setup failures

#[allow(dead_code)]
mod support;

mod audit;
mod build;
mod tokenize;
mod validate;
