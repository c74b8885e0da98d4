//! env0-core: what runs on a world. The tools a model acts through, the declarative verifier, the
//! task format with its generators and proofs, the episode loop with its model backends, and the
//! eval runner with its statistics and results log. The world itself is `env0-world`; prompts,
//! tokenizers and tool-call parsing are `env0-chat`. See README.md.

pub mod agent;
mod error;
pub mod eval;
pub mod tasks;
pub mod tools;
pub mod verifier;

pub use error::{Error, Result};
