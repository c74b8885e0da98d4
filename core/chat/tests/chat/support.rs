//! The fixture cache for the chat tests.

use std::path::PathBuf;

/// A fetched fixture (`$ENV0_FIXTURES`); a missing one fails the test with the command that
/// fetches it, never skips it.
pub fn fixture(relative: &str) -> PathBuf {
    env0_fixtures::require(relative).unwrap_or_else(|e| panic!("{e}"))
}
