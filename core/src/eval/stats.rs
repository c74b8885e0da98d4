//! Statistics for eval reports: Wilson score intervals for pass rates, pass^k over repeated trials,
//! an exact McNemar test and a paired bootstrap interval for comparing two runs.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// z for a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// A proportion with its Wilson score interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Proportion {
    pub successes: u64,
    pub n: u64,
    pub rate: f64,
    pub low: f64,
    pub high: f64,
}

/// Wilson score interval for `successes` out of `n` at normal quantile `z`. With n = 0 the rate is
/// 0 and the interval is [0, 1] (nothing is known).
pub fn wilson(successes: u64, n: u64, z: f64) -> Proportion {
    if n == 0 {
        return Proportion {
            successes,
            n,
            rate: 0.0,
            low: 0.0,
            high: 1.0,
        };
    }
    let nf = n as f64;
    let p = successes as f64 / nf;
    let z2 = z * z;
    let denom = 1.0 + z2 / nf;
    let centre = (p + z2 / (2.0 * nf)) / denom;
    let half = z * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / denom;
    Proportion {
        successes,
        n,
        rate: p,
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    }
}

fn choose(n: u64, k: u64) -> f64 {
    if k > n {
        return 0.0;
    }
    let k = k.min(n - k);
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}

/// pass^k (tau-bench): the chance that k trials drawn without replacement from a task's n trials
/// all succeed, C(c, k) / C(n, k), averaged over tasks. Tasks with fewer than k trials are skipped;
/// `None` when no task has k trials.
pub fn pass_hat_k(per_task: &[(u64, u64)], k: u64) -> Option<f64> {
    let usable: Vec<f64> = per_task
        .iter()
        .filter(|(_, n)| *n >= k && k > 0)
        .map(|&(c, n)| choose(c, k) / choose(n, k))
        .collect();
    if usable.is_empty() {
        None
    } else {
        Some(usable.iter().sum::<f64>() / usable.len() as f64)
    }
}

/// Exact (binomial) two-sided McNemar test on paired outcomes: `b` pairs where only A passed, `c`
/// pairs where only B passed. Returns the p-value (1.0 when there are no discordant pairs).
pub fn mcnemar_exact(b: u64, c: u64) -> f64 {
    let n = b + c;
    if n == 0 {
        return 1.0;
    }
    let k = b.min(c);
    // P(X <= k) for X ~ Binomial(n, 1/2), in log space to stay finite for large n.
    let ln_half_n = -(n as f64) * std::f64::consts::LN_2;
    let mut ln_term = ln_half_n; // C(n, 0) / 2^n
    let mut tail = ln_term.exp();
    for i in 1..=k {
        ln_term += ((n - i + 1) as f64).ln() - (i as f64).ln();
        tail += ln_term.exp();
    }
    (2.0 * tail).min(1.0)
}

/// A paired difference of means (B − A) with a percentile bootstrap interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PairedDifference {
    pub n: usize,
    pub mean_a: f64,
    pub mean_b: f64,
    pub difference: f64,
    pub low: f64,
    pub high: f64,
}

/// Paired bootstrap of mean(B) − mean(A) over `pairs` (resampled together), `resamples` times
/// with a fixed seed, percentile interval at `level` (e.g. 0.95). `None` for no pairs.
pub fn paired_bootstrap(
    pairs: &[(f64, f64)],
    resamples: usize,
    level: f64,
    seed: u64,
) -> Option<PairedDifference> {
    let n = pairs.len();
    if n == 0 {
        return None;
    }
    let mean = |f: &dyn Fn(&(f64, f64)) -> f64| pairs.iter().map(f).sum::<f64>() / n as f64;
    let (mean_a, mean_b) = (mean(&|p| p.0), mean(&|p| p.1));
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut diffs: Vec<f64> = (0..resamples.max(1))
        .map(|_| {
            let mut total = 0.0;
            for _ in 0..n {
                let (a, b) = pairs[rng.random_range(0..n)];
                total += b - a;
            }
            total / n as f64
        })
        .collect();
    diffs.sort_by(f64::total_cmp);
    let alpha = (1.0 - level.clamp(0.0, 1.0)) / 2.0;
    let at = |q: f64| {
        let idx = ((diffs.len() - 1) as f64 * q).round() as usize;
        diffs[idx.min(diffs.len() - 1)]
    };
    Some(PairedDifference {
        n,
        mean_a,
        mean_b,
        difference: mean_b - mean_a,
        low: at(alpha),
        high: at(1.0 - alpha),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() < tol
    }

    #[test]
    fn wilson_matches_known_values() {
        // 8 of 10 at 95 %: [0.4902, 0.9433] (standard textbook value).
        let p = wilson(8, 10, Z95);
        assert!(
            close(p.low, 0.4902, 1e-4) && close(p.high, 0.9433, 1e-4),
            "{p:?}"
        );
        // 0 of 20: upper bound 0.1611.
        let p = wilson(0, 20, Z95);
        assert_eq!(p.low, 0.0);
        assert!(close(p.high, 0.1611, 1e-4), "{p:?}");
        let p = wilson(0, 0, Z95);
        assert_eq!((p.low, p.high), (0.0, 1.0));
    }

    #[test]
    fn pass_hat_k_is_the_unbiased_estimator() {
        // One task, 4 trials, 2 passes: pass^1 = 0.5, pass^2 = C(2,2)/C(4,2) = 1/6.
        assert!(close(pass_hat_k(&[(2, 4)], 1).unwrap(), 0.5, 1e-12));
        assert!(close(pass_hat_k(&[(2, 4)], 2).unwrap(), 1.0 / 6.0, 1e-12));
        assert_eq!(pass_hat_k(&[(2, 4)], 3).unwrap(), 0.0);
        assert!(close(pass_hat_k(&[(4, 4), (0, 4)], 2).unwrap(), 0.5, 1e-12));
        assert_eq!(pass_hat_k(&[(1, 1)], 2), None);
    }

    #[test]
    fn mcnemar_exact_matches_binomial_tail() {
        assert_eq!(mcnemar_exact(0, 0), 1.0);
        // b=1, c=9: 2 * P(X<=1), X~Bin(10, .5) = 2 * 11/1024.
        assert!(close(mcnemar_exact(1, 9), 22.0 / 1024.0, 1e-12));
        assert!(close(mcnemar_exact(9, 1), 22.0 / 1024.0, 1e-12));
        assert_eq!(mcnemar_exact(5, 5), 1.0);
        // Large n stays finite and tiny.
        let p = mcnemar_exact(10, 2000);
        assert!(p.is_finite() && (0.0..1e-100).contains(&p), "{p}");
        // Moderate n against a direct sum: b=20, c=40 -> 2 * P(X <= 20), X ~ Bin(60, .5).
        let direct: f64 = (0..=20u64).map(|i| choose(60, i)).sum::<f64>() / 2f64.powi(60);
        assert!(close(mcnemar_exact(20, 40), 2.0 * direct, 1e-12));
    }

    #[test]
    fn bootstrap_is_seeded_and_brackets_the_difference() {
        let pairs: Vec<(f64, f64)> = (0..50)
            .map(|i| {
                (
                    if i % 2 == 0 { 1.0 } else { 0.0 },
                    if i % 5 == 0 { 0.0 } else { 1.0 },
                )
            })
            .collect();
        let a = paired_bootstrap(&pairs, 2000, 0.95, 7).unwrap();
        let b = paired_bootstrap(&pairs, 2000, 0.95, 7).unwrap();
        assert_eq!(a, b);
        assert!(close(a.difference, 0.8 - 0.5, 1e-12));
        assert!(a.low < a.difference && a.difference < a.high, "{a:?}");
        assert!(a.low > 0.0, "a clear improvement excludes zero: {a:?}");
        assert!(paired_bootstrap(&[], 10, 0.95, 1).is_none());
    }
}
