//! Paired comparison of two eval runs on the (task, trial) pairs both graded: an exact McNemar
//! test on strict passes and a paired bootstrap interval of the mean-reward difference (B − A).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::row::ResultRow;
use super::stats::{mcnemar_exact, paired_bootstrap, PairedDifference};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub model_a: String,
    pub model_b: String,
    /// Pairs graded in both runs.
    pub pairs: usize,
    /// Pairs only one run has, or that are an infra error in either (left out).
    pub unpaired_a: usize,
    pub unpaired_b: usize,
    pub excluded_infra: usize,
    pub pass_rate_a: f64,
    pub pass_rate_b: f64,
    /// Both pass / only A / only B / neither.
    pub both: u64,
    pub only_a: u64,
    pub only_b: u64,
    pub neither: u64,
    /// Exact two-sided McNemar p-value on (only_a, only_b).
    pub mcnemar_p: f64,
    /// Mean reward B − A with a 95 % paired bootstrap interval.
    pub reward: Option<PairedDifference>,
    /// Strict pass rate B − A with a 95 % paired bootstrap interval.
    pub pass: Option<PairedDifference>,
}

fn model_of(rows: &[ResultRow]) -> String {
    let mut models: Vec<&str> = rows.iter().map(|r| r.info.model.as_str()).collect();
    models.sort_unstable();
    models.dedup();
    models.join(", ")
}

/// Compares run A with run B; `seed` fixes the bootstrap.
pub fn compare(a: &[ResultRow], b: &[ResultRow], resamples: usize, seed: u64) -> Comparison {
    let index = |rows: &[ResultRow]| -> BTreeMap<(String, u32), ResultRow> {
        rows.iter()
            .map(|r| ((r.example_id.clone(), r.trial), r.clone()))
            .collect()
    };
    let (ia, ib) = (index(a), index(b));
    let mut pairs = Vec::new();
    let mut excluded_infra = 0;
    for (key, ra) in &ia {
        if let Some(rb) = ib.get(key) {
            if ra.is_infra_error() || rb.is_infra_error() {
                excluded_infra += 1;
            } else {
                pairs.push((ra, rb));
            }
        }
    }
    let shared = pairs.len() + excluded_infra;
    let (mut both, mut only_a, mut only_b, mut neither) = (0, 0, 0, 0);
    for (ra, rb) in &pairs {
        match (ra.passed, rb.passed) {
            (true, true) => both += 1,
            (true, false) => only_a += 1,
            (false, true) => only_b += 1,
            (false, false) => neither += 1,
        }
    }
    let n = pairs.len().max(1) as f64;
    let rewards: Vec<(f64, f64)> = pairs.iter().map(|(x, y)| (x.reward, y.reward)).collect();
    let passes: Vec<(f64, f64)> = pairs
        .iter()
        .map(|(x, y)| (f64::from(u8::from(x.passed)), f64::from(u8::from(y.passed))))
        .collect();
    Comparison {
        model_a: model_of(a),
        model_b: model_of(b),
        pairs: pairs.len(),
        unpaired_a: ia.len() - shared,
        unpaired_b: ib.len() - shared,
        excluded_infra,
        pass_rate_a: (both + only_a) as f64 / n,
        pass_rate_b: (both + only_b) as f64 / n,
        both,
        only_a,
        only_b,
        neither,
        mcnemar_p: mcnemar_exact(only_a, only_b),
        reward: paired_bootstrap(&rewards, resamples, 0.95, seed),
        pass: paired_bootstrap(&passes, resamples, 0.95, seed),
    }
}

impl Comparison {
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "# env0 eval compare\n");
        let _ = writeln!(md, "A: {}  \nB: {}\n", self.model_a, self.model_b);
        let _ = writeln!(
            md,
            "Paired (task, trial): {} (left out: {} only in A, {} only in B, {} with an infra error)\n",
            self.pairs, self.unpaired_a, self.unpaired_b, self.excluded_infra
        );
        let _ = writeln!(
            md,
            "| | B passes | B fails |\n|---|---|---|\n| **A passes** | {} | {} |\n| **A fails** | {} | {} |\n",
            self.both, self.only_a, self.only_b, self.neither
        );
        let _ = writeln!(
            md,
            "Strict pass rate: A {:.1} %, B {:.1} %; exact McNemar p = {:.4}",
            100.0 * self.pass_rate_a,
            100.0 * self.pass_rate_b,
            self.mcnemar_p
        );
        if let Some(d) = &self.pass {
            let _ = writeln!(
                md,
                "\nPass rate B − A: {:+.1} pp (95 % bootstrap CI {:+.1} to {:+.1})",
                100.0 * d.difference,
                100.0 * d.low,
                100.0 * d.high
            );
        }
        if let Some(d) = &self.reward {
            let _ = writeln!(
                md,
                "\nMean reward: A {:.3}, B {:.3}; B − A {:+.3} (95 % bootstrap CI {:+.3} to {:+.3})",
                d.mean_a, d.mean_b, d.difference, d.low, d.high
            );
        }
        md
    }
}
