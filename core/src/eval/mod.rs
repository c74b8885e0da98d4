//! Evaluation: statistics for honest reports (the runner and report writer build on these).

pub mod results;
pub mod stats;
