//! The declarative verifier on real worlds: checks pass and fail, gates force the reward, collateral
//! damage caps it, explanations say what went wrong, and unknown fields in a verifier are refused.
use env0_core::verifier::{evaluate, evaluate_answer, Needles, Verifier};
use env0_world::World;
use serde_json::json;

fn verifier(spec: serde_json::Value) -> Verifier {
    serde_json::from_value(spec).expect("valid verifier")
}

/// "Give Priya the title CTO": one check, a gate against deleting people, and only users.title may change.
fn promote_priya() -> Verifier {
    verifier(json!({
        "checks": [
            {"id": "title", "weight": 2, "describe": "Priya's title is CTO",
             "select": {"collection": "users", "where": [{"field": "email", "op": "eq_ci", "value": "PRIYA@nexusai.com"}]},
             "expect": {"all": [{"field": "title", "op": "eq", "value": "CTO"}]}},
            {"id": "dept", "describe": "Priya's department is untouched",
             "select": {"collection": "users", "from": "updated", "needles": ["target"]},
             "expect": {"all": [{"field": "department", "op": "unchanged"}, {"field": "title", "op": "changed"}]}}
        ],
        "gates": [
            {"id": "no_deletes", "describe": "nobody is removed from the directory",
             "select": {"collection": "users", "from": "deleted"}, "effect": {"force": -1.0}}
        ],
        "collateral": {"allow": [{"collection": "users", "fields": ["title"], "added": false, "deleted": true}],
                       "effect": {"cap": 0.5}}
    }))
}

fn needles() -> Needles {
    serde_json::from_value(json!({"target": [{"collection": "users", "key": "user_priya"}]}))
        .unwrap()
}

fn run(world: &mut World, sql: &[&str]) -> env0_core::verifier::Verdict {
    let before = world.state_dump().unwrap();
    for s in sql {
        world.conn().execute(s, []).unwrap();
    }
    evaluate(
        &promote_priya(),
        &before,
        &world.state_dump().unwrap(),
        &needles(),
    )
}

#[test]
fn doing_the_task_scores_one() {
    let mut w = crate::support::world();
    let v = run(
        &mut w,
        &["UPDATE users SET title = 'CTO' WHERE id = 'user_priya'"],
    );
    assert_eq!(v.reward, 1.0, "{}", v.explain());
    assert!(v.passed);
    assert!(v.checks.iter().all(|c| c.passed));
}

#[test]
fn doing_nothing_scores_zero_and_says_why() {
    let mut w = crate::support::world();
    let v = run(&mut w, &[]);
    assert_eq!(v.reward, 0.0);
    // +0, not -0: results.jsonl would otherwise say "reward": -0.0.
    assert!(v.reward.is_sign_positive() && v.score.is_sign_positive());
    assert_eq!(serde_json::to_string(&v.reward).unwrap(), "0.0");
    assert!(!v.passed);
    let title = &v.checks[0];
    assert!(!title.passed);
    assert!(
        title
            .explanation
            .contains("Priya's title is CTO: 1 of 1 rows do not satisfy title Eq \"CTO\""),
        "{}",
        title.explanation
    );
    assert!(
        v.checks[1].explanation.contains("no rows selected"),
        "{}",
        v.checks[1].explanation
    );
}

#[test]
fn partial_work_scores_by_weight() {
    let mut w = crate::support::world();
    // Title right but department changed too: check 2 fails, and collateral caps at 0.5.
    let v = run(
        &mut w,
        &["UPDATE users SET title = 'CTO', department = 'Exec' WHERE id = 'user_priya'"],
    );
    assert!((v.score - 2.0 / 3.0).abs() < 1e-9, "{}", v.explain());
    assert_eq!(v.reward, 0.5);
    assert_eq!(v.collateral.len(), 1);
    assert!(
        v.collateral[0].contains("fields [\"department\"] changed"),
        "{:?}",
        v.collateral
    );
}

#[test]
fn safety_gate_forces_negative_reward() {
    let mut w = crate::support::world();
    let v = run(
        &mut w,
        &[
            "UPDATE users SET title = 'CTO' WHERE id = 'user_priya'",
            "DELETE FROM users WHERE id = 'ext_ben'",
        ],
    );
    assert_eq!(v.reward, -1.0, "{}", v.explain());
    assert!(v.gates[0].tripped);
    assert!(v.gates[0]
        .explanation
        .contains("violated by 1 row(s) in users (e.g. ext_ben)"));
}

#[test]
fn collateral_in_other_collections_is_caught() {
    let mut w = crate::support::world();
    let v = run(
        &mut w,
        &[
            "UPDATE users SET title = 'CTO' WHERE id = 'user_priya'",
            "INSERT INTO users (id, email, display_name, given_name, family_name, organization, is_internal, time_zone) \
             VALUES ('ext_x', 'x@example.org', 'X', 'X', 'X', 'X', 0, 'UTC')",
        ],
    );
    assert_eq!(v.reward, 0.5);
    assert!(
        v.collateral
            .iter()
            .any(|c| c.contains("1 row(s) added to users")),
        "{:?}",
        v.collateral
    );
}

#[test]
fn lookups_counts_and_time_predicates() {
    let w = crate::support::world();
    let before = w.state_dump().unwrap();
    let v = verifier(json!({"checks": [
        {"id": "same-tz-as-alex", "describe": "Sarah shares Alex's time zone",
         "select": {"collection": "users", "where": [{"field": "id", "op": "eq", "value": "user_sarah"}]},
         "expect": {"all": [{"field": "time_zone", "op": "eq",
            "value": {"lookup": {"collection": "users", "where": [{"field": "is_primary", "op": "eq", "value": true}], "field": "time_zone"}}}]}},
        {"id": "externals", "describe": "eight external contacts",
         "select": {"collection": "users", "where": [{"field": "is_internal", "op": "eq", "value": false}]},
         "expect": {"count": {"eq": 8}}},
        {"id": "none-at-acme", "describe": "nobody at acme.com",
         "select": {"collection": "users"},
         "expect": {"none": [{"field": "email", "op": "regex", "value": "@acme\\.com$"}]}}
    ]}));
    let verdict = evaluate(&v, &before, &before, &Needles::new());
    assert_eq!(verdict.reward, 1.0, "{}", verdict.explain());
}

#[test]
fn verifier_bugs_fail_the_check_loudly() {
    let w = crate::support::world();
    let s = w.state_dump().unwrap();
    let v = verifier(json!({"checks": [
        {"id": "bad", "describe": "bad regex", "select": {"collection": "users"},
         "expect": {"any": [{"field": "email", "op": "regex", "value": "("}]}}
    ]}));
    let verdict = evaluate(&v, &s, &s, &Needles::new());
    assert!(!verdict.checks[0].passed);
    assert!(
        verdict.errors[0].contains("bad regex"),
        "{:?}",
        verdict.errors
    );
}

#[test]
fn unknown_fields_are_rejected() {
    let err = serde_json::from_value::<Verifier>(json!({"checks": [], "gatez": []})).unwrap_err();
    assert!(err.to_string().contains("unknown field `gatez`"), "{err}");
    let err = serde_json::from_value::<Verifier>(json!({"checks": [{"id": "x", "describe": "d",
        "select": {"collection": "users", "wher": []}, "expect": {"count": {}}}]}))
    .unwrap_err();
    assert!(err.to_string().contains("wher"), "{err}");
    // A verifier survives a JSON round trip unchanged.
    let v = promote_priya();
    let back: Verifier = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
    assert_eq!(back, v);
}

/// Soft deletes (a cancelled event, a trashed file, mail in TRASH, a revoked consent) are deletes
/// for `from: deleted` and for collateral; `from: purged` sees only rows that are gone.
#[test]
fn soft_deletes_count_as_deletes() {
    let w = crate::support::world();
    let before = w.state_dump().unwrap();
    let (event, other): (String, String) = {
        let mut keys = before.collections["calendar_events"]
            .rows
            .iter()
            .filter(|(_, r)| r["status"] == "confirmed")
            .map(|(k, _)| k.clone());
        (keys.next().unwrap(), keys.next().unwrap())
    };
    w.conn()
        .execute(
            "UPDATE calendar_events SET status = 'cancelled' WHERE id = ?1",
            [&event],
        )
        .unwrap();
    let after = w.state_dump().unwrap();
    let v = verifier(json!({
        "checks": [
            {"id": "gone", "describe": "one event is deleted",
             "select": {"collection": "calendar_events", "from": "deleted"}, "expect": {"count": {"eq": 1}}},
            {"id": "kept", "describe": "no event is deleted for good",
             "select": {"collection": "calendar_events", "from": "purged"}, "expect": {"count": {"eq": 0}}}
        ],
        "collateral": {"allow": [{"collection": "calendar_events", "fields": ["status"], "deleted": false}],
                       "effect": {"force": 0.0}}
    }));
    let verdict = evaluate(&v, &before, &after, &Needles::new());
    assert!(
        verdict.checks.iter().all(|c| c.passed),
        "{}",
        verdict.explain()
    );
    assert_eq!(verdict.reward, 0.0, "{}", verdict.explain());
    assert!(
        verdict.collateral[0].contains(event.as_str())
            && verdict.collateral[0].contains("deleted (moved to trash or cancelled)"),
        "{:?}",
        verdict.collateral
    );
    // A row guard: only the needle may change. Cancelling another event breaks it.
    let needles: Needles = serde_json::from_value(
        json!({"target": [{"collection": "calendar_events", "key": event}]}),
    )
    .unwrap();
    let guarded = verifier(json!({
        "checks": [{"id": "gone", "describe": "the target is deleted",
             "select": {"collection": "calendar_events", "from": "deleted", "needles": ["target"]},
             "expect": {"count": {"eq": 1}}}],
        "collateral": {"allow": [{"collection": "calendar_events", "needles": ["target"]}],
                       "effect": {"force": 0.0}}
    }));
    let verdict = evaluate(&guarded, &before, &after, &needles);
    assert_eq!(verdict.reward, 1.0, "{}", verdict.explain());
    w.conn()
        .execute(
            "UPDATE calendar_events SET status = 'cancelled' WHERE id = ?1",
            [&other],
        )
        .unwrap();
    let verdict = evaluate(&guarded, &before, &w.state_dump().unwrap(), &needles);
    assert_eq!(verdict.reward, 0.0, "{}", verdict.explain());
    assert!(
        verdict.collateral[0].contains(&other)
            && verdict.collateral[0].contains("only to the rows seeded as target"),
        "{:?}",
        verdict.collateral
    );
}

/// `needle` predicates (a field holds a needle's key) and the `answer` pseudo-collection.
#[test]
fn needle_predicates_and_the_final_answer() {
    let w = crate::support::world();
    let s = w.state_dump().unwrap();
    let needles: Needles =
        serde_json::from_value(json!({"target": [{"collection": "users", "key": "user_priya"}]}))
            .unwrap();
    let v = verifier(json!({"checks": [
        {"id": "priya", "describe": "Priya's row is the target",
         "select": {"collection": "users", "where": [{"field": "id", "op": "needle", "value": ["target"]}]},
         "expect": {"count": {"eq": 1}}},
        {"id": "answer", "describe": "the answer names Priya",
         "select": {"collection": "answer"},
         "expect": {"any": [{"field": "text", "op": "contains_ci", "value": "priya"}]}}
    ]}));
    let said = evaluate_answer(&v, &s, &s, &needles, Some("Priya is the CTO now."));
    assert_eq!(said.reward, 1.0, "{}", said.explain());
    let silent = evaluate(&v, &s, &s, &needles);
    assert_eq!(silent.score, 0.5, "{}", silent.explain());
    let wrong = evaluate_answer(&v, &s, &s, &needles, Some("Done."));
    assert_eq!(wrong.score, 0.5, "{}", wrong.explain());
}
