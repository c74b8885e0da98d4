//! The declarative verifier: pure data that says what a finished task's world must look like, and
//! the evaluator that turns a world's before/after state into a reward in [-1, 1] with a readable
//! explanation per check.
//!
//! A verifier has
//! - **checks**, weighted: each selects rows (from the end state, the initial state, or the diff:
//!   added / updated / deleted) and states what must hold of them;
//! - **gates**, for safety: when their selection matches, they force the reward (e.g. to -1) or cap it;
//! - a **collateral** rule: only the listed collections (and fields) may change; anything else
//!   caps or forces the reward.
//!
//! The reward is the weighted share of passing checks, then gates and collateral apply. Everything
//! works on the generic state dump (`world::state`), so it runs wherever a world runs — on device too.

mod eval;
pub mod predicate;

pub use eval::{
    evaluate, evaluate_answer, CheckResult, GateResult, NeedleRef, Needles, Verdict, ANSWER,
};
pub use predicate::{FieldPredicate, Op, ValueSpec};

use serde::{Deserialize, Serialize};

/// A task's verifier.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verifier {
    pub checks: Vec<Check>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gates: Vec<Gate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collateral: Option<Collateral>,
}

/// One weighted check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub id: String,
    #[serde(default = "one")]
    pub weight: f64,
    /// What the check wants, for people: "label 'Invoices' applied to the invoices".
    pub describe: String,
    pub select: Selector,
    pub expect: Expectation,
}

fn one() -> f64 {
    1.0
}

/// Which rows a check or gate looks at.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selector {
    pub collection: String,
    #[serde(default)]
    pub from: Source,
    /// Only rows seeded as these needle roles (from the task's needle manifest).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needles: Vec<String>,
    /// Only rows matching every predicate.
    #[serde(default, rename = "where", skip_serializing_if = "Vec::is_empty")]
    pub filter: Vec<FieldPredicate>,
}

/// Where rows come from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Rows of the final state.
    #[default]
    End,
    /// Rows of the initial state.
    Before,
    /// Rows present at the end but not at the start.
    Added,
    /// Rows present in both whose fields changed (predicates see the final row).
    Updated,
    /// Rows present at the start but not at the end, or soft-deleted since (see
    /// [`soft_deleted`]); predicates see the initial row.
    Deleted,
    /// Rows present at the start and gone at the end (deleted for good, not soft-deleted);
    /// predicates see the initial row.
    Purged,
    /// Added or updated.
    Changed,
}

/// What must hold of the selected rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Expectation {
    /// The number of selected rows.
    Count {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        eq: Option<usize>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<usize>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<usize>,
    },
    /// At least one row is selected and every selected row satisfies all predicates.
    All(Vec<FieldPredicate>),
    /// At least one selected row satisfies all predicates.
    Any(Vec<FieldPredicate>),
    /// No selected row satisfies all predicates (an empty selection passes).
    None(Vec<FieldPredicate>),
}

/// A safety gate: if its selection is non-empty (after `where`), the effect applies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    pub id: String,
    /// What the gate guards against, for people: "no mail sent outside nexusai.com".
    pub describe: String,
    pub select: Selector,
    pub effect: Effect,
    /// The gate applies only when some check failed: a final message that claims the work is
    /// done (selected from `answer`) is penalised unless the work was done.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unless_done: bool,
}

/// What a tripped gate or a collateral violation does to the reward.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Effect {
    /// The reward becomes this value (usually -1).
    Force(f64),
    /// The reward is at most this value.
    Cap(f64),
}

/// Only these changes are allowed; any other change to the state is collateral damage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Collateral {
    pub allow: Vec<AllowedChange>,
    pub effect: Effect,
}

/// A collection that may change; `fields` limits updates to those fields (empty: any field),
/// `added`/`deleted` say whether rows may appear or disappear (a soft delete — see
/// [`soft_deleted`] — counts as a delete), and `needles` / `where` limit which existing rows may
/// be updated or deleted: a row must be seeded as one of these roles (when `needles` is given)
/// and match every predicate (when `where` is given; predicates see the final row, or the
/// initial one for a deleted row). Without either, any row of the collection may change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowedChange {
    pub collection: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    #[serde(default = "yes")]
    pub added: bool,
    #[serde(default = "yes")]
    pub deleted: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needles: Vec<String>,
    #[serde(default, rename = "where", skip_serializing_if = "Vec::is_empty")]
    pub filter: Vec<FieldPredicate>,
}

impl AllowedChange {
    /// Whether the rule limits which existing rows may change.
    pub fn guards_rows(&self) -> bool {
        !self.needles.is_empty() || !self.filter.is_empty()
    }
}

/// Whether `row` of `collection` is in its app's "deleted but kept" state: a cancelled calendar
/// event, a trashed Drive file, a Gmail message in TRASH, a revoked OAuth consent. Wherever the
/// verifier speaks of deletion (`from: deleted`, collateral `deleted: false`), a row entering
/// this state counts as deleted.
pub fn soft_deleted(collection: &str, row: &serde_json::Map<String, serde_json::Value>) -> bool {
    use serde_json::Value;
    match collection {
        "calendar_events" => row.get("status").and_then(Value::as_str) == Some("cancelled"),
        "drive_files" => row.get("trashed").and_then(Value::as_bool) == Some(true),
        "gmail_messages" => row
            .get("label_ids")
            .and_then(Value::as_array)
            .is_some_and(|ids| ids.iter().any(|l| l.as_str() == Some("TRASH"))),
        "auth_consents" => row.get("revoked_at").is_some_and(|v| !v.is_null()),
        _ => false,
    }
}

fn yes() -> bool {
    true
}
