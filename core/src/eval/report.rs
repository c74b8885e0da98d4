//! Reports over results.jsonl rows: strict pass rate (reward ≥ 1) with n and a Wilson 95 %
//! interval, mean reward with a 95 % interval, pass^k, per family and per template, the
//! verifier's failure reasons ranked, tool-call validity, throughput — and infrastructure errors
//! counted apart (they are neither passes nor failures and are left out of every rate).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::row::ResultRow;
use super::stats::{pass_hat_k, wilson, Proportion, Z95};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Models seen in the rows.
    pub models: Vec<String>,
    pub rows: usize,
    pub tasks: usize,
    /// Most trials any task has.
    pub max_trials: u64,
    pub overall: GroupStats,
    pub by_family: BTreeMap<String, GroupStats>,
    pub by_template: BTreeMap<String, GroupStats>,
    /// Safety tasks (tag `safety`) and the rest, apart: success and unsafe-action rates side by side.
    #[serde(default)]
    pub by_safety: BTreeMap<String, GroupStats>,
    /// pass^k for k = 1..=max_trials (over tasks with at least k graded trials).
    pub pass_hat_k: BTreeMap<u64, f64>,
    pub failure_reasons: Vec<FailureReason>,
    /// Why episodes ended, over all rows.
    pub stop_conditions: BTreeMap<String, usize>,
    pub tool_calls: ToolCallStats,
    pub throughput: Throughput,
    pub infra_errors: InfraErrors,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupStats {
    /// Graded rows (infra errors excluded).
    pub n: u64,
    pub infra_errors: u64,
    /// Strict pass rate (reward ≥ 1) with its Wilson 95 % interval.
    pub pass: Proportion,
    pub mean_reward: f64,
    /// Normal-approximation 95 % interval of the mean reward.
    pub reward_low: f64,
    pub reward_high: f64,
    /// Rows with a negative reward (a safety gate or collateral damage).
    pub negative: u64,
    /// Unsafe-action rate: graded rows in which any safety gate tripped (the episode did
    /// something the task forbids), with its Wilson 95 % interval.
    #[serde(default = "no_rows")]
    pub unsafe_actions: Proportion,
}

fn no_rows() -> Proportion {
    wilson(0, 0, Z95)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FailureReason {
    /// `check`, `gate`, `collateral`, `verifier` or `stop`.
    pub kind: String,
    pub id: String,
    /// Failed rows this reason appears in.
    pub count: u64,
    /// Share of the graded rows that failed.
    pub share_of_failures: f64,
    pub templates: Vec<String>,
    /// One verifier explanation, for a person.
    pub example: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ToolCallStats {
    /// Calls dispatched plus unreadable calls.
    pub attempted: u64,
    /// Readable calls naming a known tool with acceptable arguments.
    pub valid: u64,
    pub parse_errors: u64,
    /// Readable calls the toolkit refused (unknown tool, bad arguments).
    pub rejected: u64,
    pub validity_rate: f64,
    /// Graded episodes that made at least one tool call.
    pub episodes_with_calls: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Throughput {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub prompt_ms: f64,
    pub generation_ms: f64,
    /// Prompt tokens per second of prompt time (0 when the backend reports no split).
    pub prompt_tokens_per_s: f64,
    /// Output tokens per second of generation time.
    pub output_tokens_per_s: f64,
    pub mean_episode_ms: f64,
    /// Share of episode wall time spent outside the model (world, tools, verifier).
    pub env_share: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InfraErrors {
    pub count: u64,
    pub by_kind: BTreeMap<String, u64>,
    /// Up to five (task, trial, message).
    pub examples: Vec<(String, u32, String)>,
}

fn group(rows: &[&ResultRow]) -> GroupStats {
    let graded: Vec<&&ResultRow> = rows.iter().filter(|r| !r.is_infra_error()).collect();
    let n = graded.len() as u64;
    let passed = graded.iter().filter(|r| r.passed).count() as u64;
    let rewards: Vec<f64> = graded.iter().map(|r| r.reward).collect();
    let mean = if n == 0 {
        0.0
    } else {
        rewards.iter().sum::<f64>() / n as f64
    };
    let half = if n > 1 {
        let var = rewards.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        Z95 * (var / n as f64).sqrt()
    } else {
        0.0
    };
    let unsafe_rows = graded
        .iter()
        .filter(|r| {
            r.verdict
                .as_ref()
                .is_some_and(|v| v.gates.iter().any(|g| g.tripped))
        })
        .count() as u64;
    GroupStats {
        unsafe_actions: wilson(unsafe_rows, n, Z95),
        n,
        infra_errors: rows.len() as u64 - n,
        pass: wilson(passed, n, Z95),
        mean_reward: mean,
        reward_low: (mean - half).max(-1.0),
        reward_high: (mean + half).min(1.0),
        negative: rewards.iter().filter(|r| **r < 0.0).count() as u64,
    }
}

fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or_default();
    if line.chars().count() > 160 {
        format!("{}…", line.chars().take(160).collect::<String>())
    } else {
        line.to_string()
    }
}

impl Report {
    pub fn from_rows(rows: &[ResultRow]) -> Report {
        let all: Vec<&ResultRow> = rows.iter().collect();
        let mut by_family: BTreeMap<String, Vec<&ResultRow>> = BTreeMap::new();
        let mut by_template: BTreeMap<String, Vec<&ResultRow>> = BTreeMap::new();
        let mut by_safety: BTreeMap<String, Vec<&ResultRow>> = BTreeMap::new();
        let mut per_task: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
        let mut stop_conditions = BTreeMap::new();
        let mut models = BTreeSet::new();
        let mut infra = InfraErrors::default();
        let mut tools = ToolCallStats::default();
        let mut tp = Throughput::default();
        let mut total_ms = 0.0;
        let mut env_ms = 0.0;
        for r in rows {
            models.insert(r.info.model.clone());
            by_family.entry(r.info.family.clone()).or_default().push(r);
            by_safety
                .entry(
                    if r.info.safety {
                        "safety tasks"
                    } else {
                        "other tasks"
                    }
                    .to_string(),
                )
                .or_default()
                .push(r);
            by_template
                .entry(r.info.template.clone())
                .or_default()
                .push(r);
            let stop = serde_json::to_value(r.stop_condition)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            *stop_conditions.entry(stop).or_insert(0) += 1;
            tp.input_tokens += r.token_usage.input_tokens;
            tp.output_tokens += r.token_usage.output_tokens;
            tp.prompt_ms += r.timing.prompt_ms;
            tp.generation_ms += r.timing.generation_ms;
            total_ms += r.timing.total_ms;
            env_ms += r.timing.env_ms;
            if let Some(e) = &r.error {
                infra.count += 1;
                *infra.by_kind.entry(e.error.clone()).or_insert(0) += 1;
                if infra.examples.len() < 5 {
                    infra.examples.push((
                        r.example_id.clone(),
                        r.trial,
                        first_line(&e.error_chain_str),
                    ));
                }
                continue;
            }
            let entry = per_task.entry(&r.example_id).or_insert((0, 0));
            entry.0 += u64::from(r.passed);
            entry.1 += 1;
            let calls = r.metric("n_tool_calls") as u64;
            let parse = r.metric("n_parse_errors") as u64;
            let invalid = r.metric("n_invalid_tool_calls") as u64;
            let rejected = invalid.saturating_sub(parse);
            tools.attempted += calls + parse;
            tools.parse_errors += parse;
            tools.rejected += rejected;
            tools.valid += calls.saturating_sub(rejected);
            tools.episodes_with_calls += u64::from(calls + parse > 0);
        }
        tools.validity_rate = if tools.attempted == 0 {
            0.0
        } else {
            tools.valid as f64 / tools.attempted as f64
        };
        if tp.prompt_ms > 0.0 {
            tp.prompt_tokens_per_s = tp.input_tokens as f64 / (tp.prompt_ms / 1000.0);
        }
        if tp.generation_ms > 0.0 {
            tp.output_tokens_per_s = tp.output_tokens as f64 / (tp.generation_ms / 1000.0);
        }
        if !rows.is_empty() {
            tp.mean_episode_ms = total_ms / rows.len() as f64;
        }
        if total_ms > 0.0 {
            tp.env_share = env_ms / total_ms;
        }
        let max_trials = per_task.values().map(|(_, n)| *n).max().unwrap_or(0);
        let counts: Vec<(u64, u64)> = per_task.values().copied().collect();
        let pass_hat = (1..=max_trials)
            .filter_map(|k| pass_hat_k(&counts, k).map(|p| (k, p)))
            .collect();
        let tasks: BTreeSet<&str> = rows.iter().map(|r| r.example_id.as_str()).collect();
        Report {
            models: models.into_iter().collect(),
            rows: rows.len(),
            tasks: tasks.len(),
            max_trials,
            overall: group(&all),
            by_family: by_family
                .iter()
                .map(|(k, v)| (k.clone(), group(v)))
                .collect(),
            by_template: by_template
                .iter()
                .map(|(k, v)| (k.clone(), group(v)))
                .collect(),
            by_safety: by_safety
                .iter()
                .map(|(k, v)| (k.clone(), group(v)))
                .collect(),
            pass_hat_k: pass_hat,
            failure_reasons: failure_reasons(rows),
            stop_conditions,
            tool_calls: tools,
            throughput: tp,
            infra_errors: infra,
        }
    }

    /// The report as markdown.
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        let o = &self.overall;
        let _ = writeln!(md, "# env0 eval report\n");
        let _ = writeln!(
            md,
            "Model: {} · {} rows over {} tasks (up to {} trials each)\n",
            self.models.join(", "),
            self.rows,
            self.tasks,
            self.max_trials
        );
        let _ = writeln!(
            md,
            "**Strict pass rate (reward ≥ 1): {:.1} % ({}/{}, Wilson 95 % CI {:.1}–{:.1} %)**  ",
            100.0 * o.pass.rate,
            o.pass.successes,
            o.pass.n,
            100.0 * o.pass.low,
            100.0 * o.pass.high
        );
        let _ = writeln!(
            md,
            "Mean reward: {:.3} (95 % CI {:.3}–{:.3}, n = {}); negative rewards: {}  ",
            o.mean_reward, o.reward_low, o.reward_high, o.n, o.negative
        );
        let _ = writeln!(
            md,
            "Infrastructure errors (excluded from every rate): {}\n",
            self.infra_errors.count
        );
        if !self.pass_hat_k.is_empty() {
            let _ = writeln!(md, "## pass^k\n\n| k | pass^k |\n|---|---|");
            for (k, p) in &self.pass_hat_k {
                let _ = writeln!(md, "| {k} | {:.3} |", p);
            }
            md.push('\n');
        }
        for (title, groups) in [
            ("Safety tasks apart", &self.by_safety),
            ("By family", &self.by_family),
            ("By template", &self.by_template),
        ] {
            let _ = writeln!(
                md,
                "## {title}\n\n| group | n | pass | pass rate (95 % CI) | unsafe-action rate (95 % CI) | mean reward (95 % CI) | negative | infra errors |\n|---|---|---|---|---|---|---|---|"
            );
            for (name, g) in groups {
                let u = &g.unsafe_actions;
                let _ = writeln!(
                    md,
                    "| {name} | {} | {} | {:.1} % ({:.1}–{:.1}) | {:.1} % ({:.1}–{:.1}) | {:.3} ({:.3}–{:.3}) | {} | {} |",
                    g.n,
                    g.pass.successes,
                    100.0 * g.pass.rate,
                    100.0 * g.pass.low,
                    100.0 * g.pass.high,
                    100.0 * u.rate,
                    100.0 * u.low,
                    100.0 * u.high,
                    g.mean_reward,
                    g.reward_low,
                    g.reward_high,
                    g.negative,
                    g.infra_errors
                );
            }
            md.push('\n');
        }
        let _ = writeln!(md, "## Failure reasons (failed graded rows)\n");
        if self.failure_reasons.is_empty() {
            let _ = writeln!(md, "None.\n");
        } else {
            let _ = writeln!(
                md,
                "| rank | kind | id | rows | share of failures | templates | example |\n|---|---|---|---|---|---|---|"
            );
            for (i, f) in self.failure_reasons.iter().take(25).enumerate() {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {:.1} % | {} | {} |",
                    i + 1,
                    f.kind,
                    f.id,
                    f.count,
                    100.0 * f.share_of_failures,
                    f.templates.join(", "),
                    f.example.replace('|', "\\|")
                );
            }
            md.push('\n');
        }
        let t = &self.tool_calls;
        let _ = writeln!(
            md,
            "## Tool calls\n\nValidity: {:.1} % ({} valid of {} attempted; {} unreadable, {} rejected by the toolkit); episodes with a call: {}\n",
            100.0 * t.validity_rate,
            t.valid,
            t.attempted,
            t.parse_errors,
            t.rejected,
            t.episodes_with_calls
        );
        let _ = writeln!(md, "## Stop conditions\n\n| stop | rows |\n|---|---|");
        for (s, n) in &self.stop_conditions {
            let _ = writeln!(md, "| {s} | {n} |");
        }
        let p = &self.throughput;
        let _ = writeln!(
            md,
            "\n## Throughput\n\nTokens: {} in, {} out. Prompt: {:.1} tok/s; generation: {:.1} tok/s. Mean episode: {:.0} ms, {:.1} % of it outside the model.\n",
            p.input_tokens,
            p.output_tokens,
            p.prompt_tokens_per_s,
            p.output_tokens_per_s,
            p.mean_episode_ms,
            100.0 * p.env_share
        );
        if self.infra_errors.count > 0 {
            let _ = writeln!(md, "## Infrastructure errors\n");
            for (kind, n) in &self.infra_errors.by_kind {
                let _ = writeln!(md, "- {kind}: {n}");
            }
            for (task, trial, msg) in &self.infra_errors.examples {
                let _ = writeln!(md, "- e.g. {task} trial {trial}: {msg}");
            }
            md.push('\n');
        }
        md
    }
}

/// Why graded rows failed, most frequent first.
fn failure_reasons(rows: &[ResultRow]) -> Vec<FailureReason> {
    struct Acc {
        count: u64,
        templates: BTreeSet<String>,
        example: String,
    }
    let mut acc: BTreeMap<(String, String), Acc> = BTreeMap::new();
    let mut failed = 0u64;
    for r in rows.iter().filter(|r| !r.is_infra_error() && !r.passed) {
        failed += 1;
        let mut reasons: Vec<(String, String, String)> = Vec::new();
        if let Some(v) = &r.verdict {
            for c in v.checks.iter().filter(|c| !c.passed) {
                reasons.push(("check".into(), c.id.clone(), c.explanation.clone()));
            }
            for g in v.gates.iter().filter(|g| g.tripped) {
                reasons.push(("gate".into(), g.id.clone(), g.explanation.clone()));
            }
            if let Some(c) = v.collateral.first() {
                reasons.push(("collateral".into(), "collateral damage".into(), c.clone()));
            }
            if let Some(e) = v.errors.first() {
                reasons.push(("verifier".into(), "verifier error".into(), e.clone()));
            }
        }
        if r.is_truncated {
            let stop = serde_json::to_value(r.stop_condition)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            reasons.push(("stop".into(), stop, "the episode hit a limit".into()));
        }
        for (kind, id, example) in reasons {
            let a = acc.entry((kind, id)).or_insert(Acc {
                count: 0,
                templates: BTreeSet::new(),
                example: first_line(&example),
            });
            a.count += 1;
            a.templates.insert(r.info.template.clone());
        }
    }
    let mut out: Vec<FailureReason> = acc
        .into_iter()
        .map(|((kind, id), a)| FailureReason {
            kind,
            id,
            count: a.count,
            share_of_failures: if failed == 0 {
                0.0
            } else {
                a.count as f64 / failed as f64
            },
            templates: a.templates.into_iter().take(5).collect(),
            example: a.example,
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.id.cmp(&b.id)));
    out
}

/// Writes `dir/report.md` and `dir/report.json` for `rows` and returns the report.
pub fn write_report(dir: &std::path::Path, rows: &[ResultRow]) -> crate::Result<Report> {
    let report = Report::from_rows(rows);
    let write = |name: &str, text: String| {
        let path = dir.join(name);
        std::fs::write(&path, text)
            .map_err(|e| crate::Error::Invalid(format!("writing {}: {e}", path.display())))
    };
    write("report.md", report.to_markdown())?;
    write("report.json", serde_json::to_string_pretty(&report)?)?;
    Ok(report)
}
