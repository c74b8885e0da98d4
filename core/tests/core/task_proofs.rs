//! Proving tasks: a correct task passes (oracle 1, nothing 0, trap capped), and the proof fails
//! loudly for a broken oracle, a collateral-damage run and a verifier that a no-op satisfies.
use env0_core::tasks::exploits::ExploitKind;
use env0_core::tasks::world::prove;
use env0_core::tasks::Task;
use env0_core::tools::Profile;
use serde_json::{json, Value};

/// "Create a label called Receipts and put the newest message from the inbox under it." (the
/// eval tests' task, with a trap: it labels the wrong thing and trashes mail.) Gmail's trash is a
/// label, so a trashed message is an update that adds TRASH, which the task's gate forces to -1.
///
/// The newest message is seeded as the `target` needle, and the collateral rule lets only it
/// change: without that row guard, labelling a second message as well would still score 1 (see
/// `a_missing_row_guard_fails_the_proof`).
fn label_task() -> Value {
    let mut v = crate::eval_support::label_newest(42);
    v["id"] = json!("gmail-label-newest-test");
    v["split"] = json!("train");
    v["seed"]["needles"] = json!([{"role": "target", "app": "gmail", "kind": "message",
        "data": {"from": "Ana Ruiz <ana@shopmail.example>", "subject": "Your receipt #4471",
                 "body": "Thanks for your order.", "days_ago": 0.001}}]);
    v["verifier"]["collateral"] = json!({"allow": [
        {"collection": "gmail_labels", "added": true, "deleted": false},
        {"collection": "gmail_history", "added": true, "deleted": false},
        {"collection": "gmail_mailboxes", "fields": ["history_id"], "added": false, "deleted": false},
        {"collection": "gmail_messages", "fields": ["label_ids"], "added": false, "deleted": false,
         "needles": ["target"]}
    ], "effect": {"force": 0.0}});
    v["trap"] = json!({"describe": "labels the wrong thing and trashes mail", "max_reward": 0.0, "script": {"steps": [
        {"tool": "gmail_search", "args": {"query": "in:inbox", "max_results": 2}},
        {"tool": "gmail_trash", "args": {"message_ids": [{"$from": 0, "path": "messages", "get": "id"}]}}
    ], "final_message": "Done."}});
    v
}

fn task(v: Value) -> Task {
    Task::from_json(&v.to_string()).unwrap()
}

#[test]
fn a_correct_task_is_proven() {
    let proof = prove(&task(label_task()), Profile::Native);
    assert!(proof.proven(), "{:#?}", proof.failures);
    assert_eq!(proof.oracle, 1.0);
    assert_eq!(proof.nothing, 0.0);
    assert_eq!(proof.trap, Some(-1.0));
    assert_eq!(proof.initial_hash.len(), 64);
}

#[test]
fn exploit_runs_are_scored_and_rejected() {
    let proof = prove(&task(label_task()), Profile::Native);
    let kinds: Vec<ExploitKind> = proof.exploits.iter().map(|e| e.kind).collect();
    // One write (the label) targets a row: every family applies; the two seeded-row families
    // find no untouched needle (the only needle is the target), so no decoy run.
    assert_eq!(
        kinds,
        [
            ExploitKind::ClaimOnly,
            ExploitKind::DropLast,
            ExploitKind::ExtraRow
        ],
        "{:#?}",
        proof.exploits
    );
    for e in &proof.exploits {
        assert!(e.rejected(), "{e:?}");
    }
    let extra = &proof.exploits[2];
    assert_eq!(extra.reward, 0.0, "{extra:?}");
    assert!(extra
        .describe
        .starts_with("gmail_modify_labels on gmail_messages"));
}

#[test]
fn a_missing_row_guard_fails_the_proof() {
    // The same task without the row guard: labelling one more message pays in full, and the
    // extra_row exploit run says so.
    let mut v = label_task();
    let allow = v["verifier"]["collateral"]["allow"].as_array_mut().unwrap();
    allow[3].as_object_mut().unwrap().remove("needles");
    let proof = prove(&task(v), Profile::Native);
    assert!(!proof.proven());
    assert!(
        proof
            .failures
            .iter()
            .any(|f| f.starts_with("exploit extra_row (gmail_modify_labels")
                && f.contains("scored 1.000")),
        "{:#?}",
        proof.failures
    );
    // Without any collateral rule, the same.
    let mut v = label_task();
    v["verifier"].as_object_mut().unwrap().remove("collateral");
    let proof = prove(&task(v), Profile::Native);
    assert!(
        proof
            .failures
            .iter()
            .any(|f| f.starts_with("exploit extra_row")),
        "{:#?}",
        proof.failures
    );
}

#[test]
fn a_claim_without_the_work_is_caught() {
    // A verifier that only reads the final message: the oracle's own claim passes it without a
    // single write, so the claim_only run pays and the proof fails.
    let mut v = label_task();
    v["verifier"]["checks"] = json!([{"id": "said", "describe": "the answer says it is filed",
        "select": {"collection": "answer"}, "expect": {"any": [{"field": "text", "op": "contains_ci", "value": "filed"}]}}]);
    let proof = prove(&task(v), Profile::Native);
    assert!(
        proof
            .failures
            .iter()
            .any(|f| f.starts_with("exploit claim_only")),
        "{:#?}",
        proof.failures
    );
}

#[test]
fn a_broken_oracle_fails_the_proof() {
    let mut v = label_task();
    // The oracle forgets to file the message.
    v["oracle"]["steps"].as_array_mut().unwrap().pop();
    let proof = prove(&task(v), Profile::Native);
    assert!(!proof.proven());
    assert!(
        proof
            .failures
            .iter()
            .any(|f| f.starts_with("oracle scored 0.333")),
        "{:#?}",
        proof.failures
    );
    // An oracle whose expression finds nothing is a bug too.
    let mut v = label_task();
    v["oracle"]["steps"][2]["args"]["message_ids"][0]["path"] = json!("nothing_here");
    let proof = prove(&task(v), Profile::Native);
    assert!(
        proof.failures.iter().any(|f| f.contains("found nothing")),
        "{:#?}",
        proof.failures
    );
}

#[test]
fn collateral_damage_caps_the_oracle() {
    let mut v = label_task();
    v["verifier"]["collateral"] =
        json!({"allow": [{"collection": "gmail_labels"}], "effect": {"cap": 0.5}});
    // Only labels may change, but filing a message changes gmail_messages: the proof must fail.
    let proof = prove(&task(v), Profile::Native);
    assert!(!proof.proven());
    assert!(
        proof.failures.iter().any(|f| f.contains("COLLATERAL")),
        "{:#?}",
        proof.failures
    );
}

#[test]
fn a_verifier_that_nothing_satisfies_is_caught() {
    let mut v = label_task();
    v["verifier"]["checks"] = json!([{"id": "x", "describe": "users exist", "select": {"collection": "users"}, "expect": {"count": {"min": 1}}}]);
    let proof = prove(&task(v), Profile::Native);
    assert!(
        proof
            .failures
            .iter()
            .any(|f| f.starts_with("doing nothing scored 1.000")),
        "{:#?}",
        proof.failures
    );
}

#[test]
fn task_files_are_strict() {
    let mut v = label_task();
    v["instructions"] = json!("typo");
    assert!(Task::from_json(&v.to_string())
        .unwrap_err()
        .to_string()
        .contains("unknown field `instructions`"));
    let mut v = label_task();
    // Format 1 files (tasks-lite v1) had other deletion semantics: refused, not misread.
    v["format"] = json!(1);
    assert!(Task::from_json(&v.to_string())
        .unwrap_err()
        .to_string()
        .contains("has format 1, this build reads format 2"));
}
