//! Evaluation of a verifier against an initial and a final state.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::predicate::{apply, get_path_in, FieldPredicate, Op, ValueSpec};
use super::{soft_deleted, AllowedChange, Effect, Expectation, Selector, Source, Verifier};
use env0_world::state::{diff, StateDump};

/// Rows seeded for a task, by role: `role -> [(collection, primary key)]`.
pub type Needles = BTreeMap<String, Vec<NeedleRef>>;

pub use env0_world::needles::NeedleRef;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    pub id: String,
    pub weight: f64,
    pub passed: bool,
    /// Why, for a person: "label 'Invoices' applied to the invoices: 2 of 3 rows do not match …".
    pub explanation: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GateResult {
    pub id: String,
    pub tripped: bool,
    pub explanation: String,
}

/// The outcome of verifying one episode.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// Final reward in [-1, 1].
    pub reward: f64,
    /// Weighted share of passing checks, before gates and collateral.
    pub score: f64,
    /// Strict success: reward ≥ 1.
    pub passed: bool,
    pub checks: Vec<CheckResult>,
    pub gates: Vec<GateResult>,
    /// Changes outside what the task allows.
    pub collateral: Vec<String>,
    /// Problems in the verifier itself (bad regex, unknown time zone…); the affected check fails.
    pub errors: Vec<String>,
}

impl Verdict {
    /// One line per check, gate and violation.
    pub fn explain(&self) -> String {
        let mut out = Vec::new();
        for c in &self.checks {
            out.push(format!(
                "[{}] {} (w={})",
                if c.passed { "pass" } else { "FAIL" },
                c.explanation,
                c.weight
            ));
        }
        for g in self.gates.iter().filter(|g| g.tripped) {
            out.push(format!("[GATE] {}", g.explanation));
        }
        for v in &self.collateral {
            out.push(format!("[COLLATERAL] {v}"));
        }
        for e in &self.errors {
            out.push(format!("[VERIFIER ERROR] {e}"));
        }
        out.push(format!(
            "reward {:.3} (score {:.3})",
            self.reward, self.score
        ));
        out.join("\n")
    }
}

/// The pseudo-collection holding the agent's final message to the user: one row `{"text": …}`
/// (key `final`) when the episode ended with a message, none otherwise. Checks on it select
/// `{"collection": "answer"}`.
pub const ANSWER: &str = "answer";

struct Ctx<'a> {
    before: &'a StateDump,
    after: &'a StateDump,
    needles: &'a Needles,
    answer: &'a BTreeMap<String, Map<String, Value>>,
    lookups: std::collections::HashMap<usize, Value>,
    errors: Vec<String>,
}

type Row<'a> = (
    &'a str,
    &'a Map<String, Value>,
    Option<&'a Map<String, Value>>,
);

impl<'a> Ctx<'a> {
    fn rows(&self, sel: &Selector) -> Vec<Row<'a>> {
        if sel.collection == ANSWER {
            let mut out: Vec<Row<'a>> = Vec::new();
            if matches!(sel.from, Source::End | Source::Added | Source::Changed) {
                out.extend(self.answer.iter().map(|(k, r)| (k.as_str(), r, None)));
            }
            return out;
        }
        let (before, after): (&'a StateDump, &'a StateDump) = (self.before, self.after);
        let b = before
            .collections
            .get(&sel.collection)
            .map_or(&NO_ROWS, |c| &c.rows);
        let a = after
            .collections
            .get(&sel.collection)
            .map_or(&NO_ROWS, |c| &c.rows);
        let mut out: Vec<Row<'a>> = Vec::new();
        match sel.from {
            Source::End => out.extend(
                a.iter()
                    .map(|(k, r)| (k.as_str(), &**r, b.get(k).map(|o| &**o))),
            ),
            Source::Before => out.extend(b.iter().map(|(k, r)| (k.as_str(), &**r, Some(&**r)))),
            Source::Added => out.extend(
                a.iter()
                    .filter(|(k, _)| !b.contains_key(*k))
                    .map(|(k, r)| (k.as_str(), &**r, None)),
            ),
            Source::Updated => out.extend(a.iter().filter_map(|(k, r)| {
                b.get(k)
                    .filter(|old| *old != r)
                    .map(|old| (k.as_str(), &**r, Some(&**old)))
            })),
            Source::Purged => out.extend(
                b.iter()
                    .filter(|(k, _)| !a.contains_key(*k))
                    .map(|(k, r)| (k.as_str(), &**r, Some(&**r))),
            ),
            Source::Deleted => out.extend(
                b.iter()
                    .filter(|(k, old)| match a.get(*k) {
                        None => true,
                        Some(new) => {
                            !soft_deleted(&sel.collection, old)
                                && soft_deleted(&sel.collection, new)
                        }
                    })
                    .map(|(k, r)| (k.as_str(), &**r, Some(&**r))),
            ),
            Source::Changed => out.extend(a.iter().filter_map(|(k, r)| match b.get(k) {
                None => Some((k.as_str(), &**r, None)),
                Some(old) if old != r => Some((k.as_str(), &**r, Some(&**old))),
                Some(_) => None,
            })),
        }
        if !sel.needles.is_empty() {
            let keys = self.needle_keys(&sel.collection, &sel.needles);
            out.retain(|(k, _, _)| keys.contains(k));
        }
        out
    }

    /// Whether `actual` is the key of a row seeded as the role(s) in `roles` (a string or a list).
    fn is_needle_key(&self, actual: &Value, roles: &Value) -> Result<bool, String> {
        let roles: Vec<&str> = match roles {
            Value::String(r) => vec![r.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => return Err("'needle' needs a role or a list of roles".into()),
        };
        let Some(key) = actual.as_str() else {
            return Ok(false);
        };
        Ok(roles.iter().any(|role| {
            self.needles
                .get(*role)
                .is_some_and(|refs| refs.iter().any(|n| n.key == key))
        }))
    }

    /// Keys of the rows of `collection` seeded as one of `roles`.
    fn needle_keys(&self, collection: &str, roles: &[String]) -> BTreeSet<&'a str> {
        let needles: &'a Needles = self.needles;
        roles
            .iter()
            .flat_map(|role| needles.get(role).into_iter().flatten())
            .filter(|n| n.collection == collection)
            .map(|n| n.key.as_str())
            .collect()
    }

    /// Whether an existing row may change under `rule`'s row limits (`needles`, `where`).
    fn row_allowed(&mut self, rule: &AllowedChange, key: &str, row: &Row<'_>) -> bool {
        if !rule.needles.is_empty()
            && !self
                .needle_keys(&rule.collection, &rule.needles)
                .contains(key)
        {
            return false;
        }
        match self.matches(row, &rule.filter) {
            Ok(ok) => ok,
            Err(e) => {
                self.errors
                    .push(format!("collateral rule on {}: {e}", rule.collection));
                false
            }
        }
    }

    fn resolve(&mut self, spec: &Option<ValueSpec>) -> Value {
        match spec {
            None => Value::Null,
            Some(ValueSpec::Literal(v)) => v.clone(),
            Some(ValueSpec::Lookup { lookup }) => {
                // A lookup reads the final state only: resolve it once per evaluation, not once
                // per row it is compared with. Keyed by address: the verifier outlives the Ctx.
                let key = std::ptr::from_ref(lookup) as usize;
                if let Some(v) = self.lookups.get(&key) {
                    return v.clone();
                }
                let sel = Selector {
                    collection: lookup.collection.clone(),
                    from: Source::End,
                    needles: Vec::new(),
                    filter: lookup.filter.clone(),
                };
                let rows = self.select(&sel);
                let v = rows
                    .first()
                    .map(|(_, row, _)| get_path_in(row, &lookup.field))
                    .unwrap_or(Value::Null);
                self.lookups.insert(key, v.clone());
                v
            }
        }
    }

    fn matches(&mut self, row: &Row<'_>, preds: &[FieldPredicate]) -> Result<bool, String> {
        for p in preds {
            let expected = self.resolve(&p.value);
            let actual = get_path_in(row.1, &p.field);
            if p.op == Op::Needle {
                if !self.is_needle_key(&actual, &expected)? {
                    return Ok(false);
                }
                continue;
            }
            let old = row.2.map(|b| get_path_in(b, &p.field));
            if !apply(p.op, &actual, &expected, old.as_ref(), p.tz.as_deref())? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn select(&mut self, sel: &Selector) -> Vec<Row<'a>> {
        let rows = self.rows(sel);
        let mut out = Vec::new();
        for row in rows {
            match self.matches(&row, &sel.filter) {
                Ok(true) => out.push(row),
                Ok(false) => {}
                Err(e) => {
                    self.errors
                        .push(format!("selector on {}: {e}", sel.collection));
                    return Vec::new();
                }
            }
        }
        out
    }
}

/// The rows of a collection that does not exist in a dump.
static NO_ROWS: BTreeMap<String, Arc<Map<String, Value>>> = BTreeMap::new();

fn describe_preds(preds: &[FieldPredicate]) -> String {
    preds
        .iter()
        .map(|p| {
            let v = match &p.value {
                None => String::new(),
                Some(ValueSpec::Literal(v)) => format!(" {v}"),
                Some(ValueSpec::Lookup { lookup }) => {
                    format!(" <{}.{}>", lookup.collection, lookup.field)
                }
            };
            format!("{} {:?}{v}", p.field, p.op).replace("  ", " ")
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

fn first_field(row: &Map<String, Value>, preds: &[FieldPredicate]) -> String {
    match preds.first() {
        Some(p) => {
            let v = get_path_in(row, &p.field);
            let mut text = v.to_string();
            if text.len() > 80 {
                let cut = text
                    .char_indices()
                    .nth(77)
                    .map(|(i, _)| i)
                    .unwrap_or(text.len());
                text.truncate(cut);
                text.push_str("...");
            }
            format!("{} = {text}", p.field)
        }
        None => String::new(),
    }
}

/// Verifies `after` (with `before` as the initial state), for a run that ended without a final
/// message (checks on [`ANSWER`] see no row).
pub fn evaluate(
    verifier: &Verifier,
    before: &StateDump,
    after: &StateDump,
    needles: &Needles,
) -> Verdict {
    evaluate_answer(verifier, before, after, needles, None)
}

/// Verifies `after` (with `before` as the initial state) and the run's final message to the user,
/// which checks and gates see as the one row of the [`ANSWER`] collection.
pub fn evaluate_answer(
    verifier: &Verifier,
    before: &StateDump,
    after: &StateDump,
    needles: &Needles,
    final_message: Option<&str>,
) -> Verdict {
    let mut answer = BTreeMap::new();
    if let Some(text) = final_message.filter(|t| !t.trim().is_empty()) {
        let mut row = Map::new();
        row.insert("text".into(), Value::String(text.to_string()));
        answer.insert("final".to_string(), row);
    }
    let mut ctx = Ctx {
        before,
        after,
        needles,
        answer: &answer,
        lookups: std::collections::HashMap::new(),
        errors: Vec::new(),
    };
    let mut checks = Vec::new();
    for check in &verifier.checks {
        let errors_before = ctx.errors.len();
        let rows = ctx.select(&check.select);
        let n = rows.len();
        let (passed, detail) = match &check.expect {
            Expectation::Count { eq, min, max } => {
                let ok = eq.is_none_or(|e| n == e)
                    && min.is_none_or(|m| n >= m)
                    && max.is_none_or(|m| n <= m);
                let want = match (eq, min, max) {
                    (Some(e), _, _) => format!("{e}"),
                    (None, Some(a), Some(b)) => format!("{a} to {b}"),
                    (None, Some(a), None) => format!("at least {a}"),
                    (None, None, Some(b)) => format!("at most {b}"),
                    (None, None, None) => "any number of".into(),
                };
                (
                    ok,
                    format!(
                        "expected {want} matching rows in {}, found {n}",
                        check.select.collection
                    ),
                )
            }
            Expectation::All(preds) | Expectation::Any(preds) | Expectation::None(preds) => {
                let mut failing = Vec::new();
                let mut matching = Vec::new();
                for row in &rows {
                    match ctx.matches(row, preds) {
                        Ok(true) => matching.push(row),
                        Ok(false) => failing.push(row),
                        Err(e) => ctx.errors.push(format!("check {}: {e}", check.id)),
                    }
                }
                let cond = describe_preds(preds);
                match &check.expect {
                    Expectation::All(_) if n == 0 => (
                        false,
                        format!("no rows selected in {}", check.select.collection),
                    ),
                    Expectation::All(_) => match failing.first() {
                        None => (true, format!("all {n} rows satisfy {cond}")),
                        Some((key, row, _)) => (
                            false,
                            format!(
                                "{} of {n} rows do not satisfy {cond} (e.g. {key}: {})",
                                failing.len(),
                                first_field(row, preds)
                            ),
                        ),
                    },
                    Expectation::Any(_) => match matching.first() {
                        Some((key, _, _)) => (true, format!("{key} satisfies {cond}")),
                        None => (false, format!("none of {n} rows satisfy {cond}")),
                    },
                    _ => match matching.first() {
                        None => (true, format!("no row satisfies {cond}")),
                        Some((key, row, _)) => (
                            false,
                            format!(
                                "{} of {n} rows satisfy {cond} but must not (e.g. {key}: {})",
                                matching.len(),
                                first_field(row, preds)
                            ),
                        ),
                    },
                }
            }
        };
        let passed = passed && ctx.errors.len() == errors_before;
        checks.push(CheckResult {
            id: check.id.clone(),
            weight: check.weight,
            passed,
            explanation: format!("{}: {detail}", check.describe),
        });
    }
    // fold from +0.0: `sum()` of no f64s is -0.0, which would show as a reward of "-0.0".
    let total: f64 = checks
        .iter()
        .map(|c| c.weight.max(0.0))
        .fold(0.0, |a, w| a + w);
    let got: f64 = checks
        .iter()
        .filter(|c| c.passed)
        .map(|c| c.weight.max(0.0))
        .fold(0.0, |a, w| a + w);
    let score = if total > 0.0 { got / total } else { 0.0 };
    let mut reward = score;
    let mut forced: Option<f64> = None;
    let mut apply_effect = |effect: Effect, reward: &mut f64| match effect {
        Effect::Force(v) => forced = Some(forced.map_or(v, |f: f64| f.min(v))),
        Effect::Cap(c) => *reward = reward.min(c),
    };

    let all_passed = !checks.is_empty() && checks.iter().all(|c| c.passed);
    let mut gates = Vec::new();
    for gate in &verifier.gates {
        let rows = ctx.select(&gate.select);
        // A claim gate (`unless_done`) stands down when the work was done.
        let excused = gate.unless_done && all_passed;
        let tripped = !rows.is_empty() && !excused;
        let explanation = match rows.first() {
            Some((key, _, _)) => format!(
                "{}: violated by {} row(s) in {} (e.g. {key})",
                gate.describe,
                rows.len(),
                gate.select.collection
            ),
            None => format!("{}: respected", gate.describe),
        };
        if tripped {
            apply_effect(gate.effect, &mut reward);
        }
        gates.push(GateResult {
            id: gate.id.clone(),
            tripped,
            explanation,
        });
    }

    let mut collateral = Vec::new();
    if let Some(rule) = &verifier.collateral {
        let d = diff(before, after);
        for (name, cd) in &d.collections {
            let Some(a) = rule.allow.iter().find(|a| &a.collection == name) else {
                collateral.push(format!(
                    "{name} changed ({} added, {} updated, {} deleted) but the task allows no change there",
                    cd.added.len(),
                    cd.updated.len(),
                    cd.deleted.len()
                ));
                continue;
            };
            if !a.added && !cd.added.is_empty() {
                collateral.push(format!("{} row(s) added to {name}", cd.added.len()));
            }
            if a.added && !a.filter.is_empty() {
                for row in &cd.added {
                    let key = row_key(after, name, row);
                    match ctx.matches(&(key.as_str(), row, None), &a.filter) {
                        Ok(true) => {}
                        Ok(false) => collateral.push(format!(
                            "{name} {key}{} added, but the task allows new rows only where {}",
                            label_of(row),
                            describe_preds(&a.filter)
                        )),
                        Err(e) => ctx.errors.push(format!("collateral rule on {name}: {e}")),
                    }
                }
            }
            if !a.deleted && !cd.deleted.is_empty() {
                collateral.push(format!("{} row(s) deleted from {name}", cd.deleted.len()));
            }
            if a.deleted && a.guards_rows() {
                for old in &cd.deleted {
                    let key = row_key(before, name, old);
                    if !ctx.row_allowed(a, &key, &(key.as_str(), old, Some(old))) {
                        collateral.push(format!(
                            "{name} {key}{} deleted, but the task allows changes only to {}",
                            label_of(old),
                            rows_phrase(a)
                        ));
                    }
                }
            }
            for upd in &cd.updated {
                let old = before
                    .collections
                    .get(name)
                    .and_then(|c| c.rows.get(&upd.key));
                let soft =
                    old.is_some_and(|o| !soft_deleted(name, o)) && soft_deleted(name, &upd.row);
                if soft && !a.deleted {
                    collateral.push(format!(
                        "{name} {}{} deleted (moved to trash or cancelled), but the task allows no deletion there",
                        upd.key,
                        label_of(&upd.row)
                    ));
                    continue;
                }
                if a.guards_rows()
                    && !ctx.row_allowed(
                        a,
                        &upd.key,
                        &(upd.key.as_str(), &upd.row, old.map(|o| &**o)),
                    )
                {
                    collateral.push(format!(
                        "{name} {}{} changed, but the task allows changes only to {}",
                        upd.key,
                        label_of(&upd.row),
                        rows_phrase(a)
                    ));
                    continue;
                }
                if !a.fields.is_empty() {
                    let extra: Vec<&String> = upd
                        .changed
                        .keys()
                        .filter(|f| !a.fields.contains(f))
                        .collect();
                    if !extra.is_empty() {
                        collateral.push(format!(
                            "{name} {}: fields {:?} changed but only {:?} may",
                            upd.key, extra, a.fields
                        ));
                    }
                }
            }
        }
        if !collateral.is_empty() {
            apply_effect(rule.effect, &mut reward);
        }
    }
    if let Some(f) = forced {
        reward = f;
    }
    let reward = reward.clamp(-1.0, 1.0);
    Verdict {
        reward,
        score,
        passed: reward >= 1.0 - 1e-9,
        checks,
        gates,
        collateral,
        errors: ctx.errors,
    }
}

/// The key a deleted row had in `dump` (rows carry no key of their own; find it by identity).
fn row_key(dump: &StateDump, collection: &str, row: &Map<String, Value>) -> String {
    dump.collections
        .get(collection)
        .and_then(|c| {
            c.rows
                .iter()
                .find(|(_, r)| ***r == *row)
                .map(|(k, _)| k.clone())
        })
        .unwrap_or_default()
}

/// " ('Lunch with Raj')": the row's human name, when it has one.
fn label_of(row: &Map<String, Value>) -> String {
    ["summary", "subject", "name", "title", "text"]
        .iter()
        .find_map(|f| row.get(*f).and_then(Value::as_str))
        .map(|s| {
            let short: String = s.chars().take(60).collect();
            format!(" ('{short}')")
        })
        .unwrap_or_default()
}

/// "the rows seeded as target", "rows where …", for collateral explanations.
fn rows_phrase(a: &AllowedChange) -> String {
    let mut parts = Vec::new();
    if !a.needles.is_empty() {
        parts.push(format!("the rows seeded as {}", a.needles.join(" or ")));
    }
    if !a.filter.is_empty() {
        parts.push(format!("rows where {}", describe_preds(&a.filter)));
    }
    parts.join(" that are also ")
}
