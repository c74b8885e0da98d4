//! env0-chat end to end: golden renders and token ids against the real templates and tokenizers,
//! loss masks, parser round trips and GGUF vocabularies.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on setup failures

mod support;

mod golden;
mod hostile;
mod mask;
mod roundtrip;
mod vocab;
