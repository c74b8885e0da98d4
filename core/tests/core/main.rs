//! env0-core end to end: the tools on a seeded world, the verifier, task proofs and the
//! committed task set, the episode loop and the eval runner (local and over HTTP).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on setup failures

#[allow(dead_code)]
mod eval_support;
mod support;

mod agent_episode;
#[cfg(feature = "remote")]
mod eval_remote;
mod eval_runner;
mod events;
mod slack_tasks;
mod task_proofs;
#[cfg(feature = "generate")]
mod tasks_set;
mod tools;
mod tools_auth;
mod tools_docs;
mod tools_drive;
mod tools_slack;
mod verifier;
