//! The generated task set: deterministic, byte-identical to what is committed in tasks-lite/,
//! sized as promised, split without leaks, and its proofs can fail (a broken oracle, collateral
//! damage). Proving the whole set is `env0 tasks verify` (CI runs it); here a sample per template.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use env0_core::tasks::generate::{generate, make_task, param_of, render, templates};
use env0_core::tasks::world::{prove, prove_all};
use env0_core::tasks::{Family, Split, Task};
use env0_core::tools::Profile;
use serde_json::json;

fn set_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tasks-lite")
}

#[test]
fn generation_is_byte_identical_and_matches_the_committed_set() {
    let a = render(&generate().unwrap()).unwrap();
    let b = render(&generate().unwrap()).unwrap();
    assert_eq!(a, b, "two generations differ");
    for (path, bytes) in &a {
        let on_disk = std::fs::read(set_dir().join(path))
            .unwrap_or_else(|e| panic!("tasks-lite/{path}: {e} (run `env0 tasks generate`)"));
        assert!(
            &on_disk == bytes,
            "tasks-lite/{path} is stale: run `env0 tasks generate` and commit"
        );
    }
    // The files load back as the same tasks (files are per family, so compare by id).
    let mut loaded = env0_core::tasks::load_dir(&set_dir()).unwrap();
    let mut made = generate().unwrap();
    loaded.sort_by(|a, b| a.id.cmp(&b.id));
    made.sort_by(|a, b| a.id.cmp(&b.id));
    assert!(loaded == made, "files round-trip to the same tasks");
}

#[test]
fn the_set_has_the_promised_size_and_shape() {
    let tasks = generate().unwrap();
    let all = templates();
    let mut per_family: BTreeMap<Family, usize> = BTreeMap::new();
    let mut templates_per_family: BTreeMap<Family, BTreeSet<&str>> = BTreeMap::new();
    for t in &tasks {
        *per_family.entry(t.family).or_default() += 1;
        templates_per_family
            .entry(t.family)
            .or_default()
            .insert(t.template.as_str());
    }
    for (family, n) in &per_family {
        assert!(*n >= 300, "{family:?} has only {n} tasks");
        let names = &templates_per_family[family];
        assert!(names.len() >= 6, "{family:?} has {} templates", names.len());
        let safety = tasks
            .iter()
            .filter(|t| t.family == *family && t.tags.iter().any(|x| x == "safety"))
            .count();
        assert!(safety > 0, "{family:?} has no safety template");
    }
    assert_eq!(
        all.len(),
        templates_per_family
            .values()
            .map(BTreeSet::len)
            .sum::<usize>()
    );
    // Oracles range from short to long (8+ steps) and end with a message to the user.
    let steps: BTreeSet<usize> = tasks.iter().map(|t| t.oracle.steps.len()).collect();
    assert!(
        *steps.iter().next().unwrap() <= 2 && *steps.iter().last().unwrap() >= 8,
        "{steps:?}"
    );
    assert!(tasks.iter().all(|t| !t.oracle.final_message.is_empty()));
    // Paraphrase variety: several distinct phrasings per template.
    for tmpl in &all {
        let openings: BTreeSet<String> = tasks
            .iter()
            .filter(|t| t.template == tmpl.name)
            .map(|t| {
                t.instruction
                    .split_whitespace()
                    .take(2)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        assert!(
            openings.len() >= 2,
            "{} has one phrasing: {openings:?}",
            tmpl.name
        );
    }
    // Every check and gate explains itself.
    for t in &tasks {
        for c in &t.verifier.checks {
            assert!(
                c.describe.len() >= 10 && !c.describe.contains("{"),
                "{}: {}",
                t.id,
                c.describe
            );
        }
    }
}

/// Tool names of a task's oracle, in order.
fn tool_sequence(t: &Task) -> Vec<&str> {
    t.oracle.steps.iter().map(|s| s.tool.as_str()).collect()
}

fn phrasing_of(t: &Task) -> usize {
    t.tags
        .iter()
        .find_map(|x| x.strip_prefix("phrasing:"))
        .and_then(|i| i.parse().ok())
        .unwrap_or_else(|| panic!("{} has no phrasing tag", t.id))
}

#[test]
fn splits_do_not_leak() {
    let tasks = generate().unwrap();
    let ids: BTreeSet<&str> = tasks.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids.len(), tasks.len(), "task ids are unique");
    let by_split = |s: Split| -> Vec<&Task> { tasks.iter().filter(|t| t.split == s).collect() };
    let train = by_split(Split::Train);
    let seen: Vec<&Task> = [Split::Train, Split::Eval]
        .iter()
        .flat_map(|s| by_split(*s))
        .collect();
    for s in [
        Split::Train,
        Split::Eval,
        Split::HeldoutTemplate,
        Split::HeldoutParams,
        Split::HeldoutPhrasing,
    ] {
        assert!(!by_split(s).is_empty(), "split {s:?} is empty");
    }

    // Held-out templates: in no other split; at least two per family, a safety one among them,
    // two long (5+ steps) multi-app ones overall; none repeats a tool sequence train has.
    let held_templates: BTreeSet<&str> = by_split(Split::HeldoutTemplate)
        .iter()
        .map(|t| t.template.as_str())
        .collect();
    for t in tasks.iter().filter(|t| t.split != Split::HeldoutTemplate) {
        assert!(
            !held_templates.contains(t.template.as_str()),
            "{} leaks a held-out template",
            t.id
        );
    }
    let families: BTreeSet<Family> = tasks.iter().map(|t| t.family).collect();
    for f in &families {
        let held: Vec<&Task> = by_split(Split::HeldoutTemplate)
            .into_iter()
            .filter(|t| t.family == *f)
            .collect();
        let names: BTreeSet<&str> = held.iter().map(|t| t.template.as_str()).collect();
        assert!(names.len() >= 2, "{f:?} holds out {names:?}");
        assert!(
            held.iter().any(|t| t.tags.iter().any(|x| x == "safety")),
            "{f:?} holds out no safety template: {names:?}"
        );
    }
    let long_multi_app: BTreeSet<&str> = by_split(Split::HeldoutTemplate)
        .into_iter()
        .filter(|t| t.apps.len() >= 2 && t.oracle.steps.len() >= 5)
        .map(|t| t.template.as_str())
        .collect();
    assert!(long_multi_app.len() >= 2, "{long_multi_app:?}");
    let train_sequences: BTreeSet<Vec<&str>> = train.iter().map(|t| tool_sequence(t)).collect();
    for t in by_split(Split::HeldoutTemplate) {
        assert!(
            !train_sequences.contains(&tool_sequence(t)),
            "{} ({}) repeats a tool sequence train has: {:?}",
            t.id,
            t.template,
            tool_sequence(t)
        );
    }

    // Held-out parameter values never appear as the parameter of a train or eval task, in any
    // template.
    let held_params: BTreeSet<String> = by_split(Split::HeldoutParams)
        .iter()
        .map(|t| param_of(t).unwrap().to_lowercase())
        .collect();
    for t in &seen {
        let p = param_of(t).unwrap().to_lowercase();
        assert!(
            !held_params.contains(&p),
            "{} leaks held-out parameter {p:?}",
            t.id
        );
    }

    // Held-out phrasings are never used in train or eval, and every template that is not held
    // out has some.
    let held_phrasings: BTreeSet<(&str, usize)> = by_split(Split::HeldoutPhrasing)
        .iter()
        .map(|t| (t.template.as_str(), phrasing_of(t)))
        .collect();
    for t in &seen {
        let key = (t.template.as_str(), phrasing_of(t));
        assert!(
            !held_phrasings.contains(&key),
            "{} leaks held-out phrasing {key:?}",
            t.id
        );
    }
    for tmpl in templates().iter().filter(|t| !t.heldout) {
        assert!(
            held_phrasings.iter().any(|(name, _)| *name == tmpl.name),
            "{} has no task in a held-out phrasing",
            tmpl.name
        );
    }

    // No instruction outside train equals a train instruction, and no task is in two splits.
    let train_texts: BTreeSet<&str> = train.iter().map(|t| t.instruction.as_str()).collect();
    let train_ids: BTreeSet<&str> = train.iter().map(|t| t.id.as_str()).collect();
    for t in tasks.iter().filter(|t| t.split != Split::Train) {
        assert!(
            !train_texts.contains(t.instruction.as_str()),
            "{} ({:?}) repeats a train instruction verbatim: {}",
            t.id,
            t.split,
            t.instruction
        );
        assert!(!train_ids.contains(t.id.as_str()));
    }
}

#[test]
fn a_sample_of_every_template_is_proven() {
    let sample: Vec<Task> = templates()
        .iter()
        .flat_map(|t| (0..2).map(move |i| make_task(t, i * 7).unwrap()))
        .collect();
    let proofs = prove_all(&sample, Profile::Native, 2, &|_, _| {});
    let failed: Vec<String> = proofs
        .iter()
        .filter(|p| !p.proven())
        .map(|p| format!("{}: {:#?}", p.task_id, p.failures))
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

fn first(template: &str) -> Task {
    let t = templates()
        .into_iter()
        .find(|t| t.name == template)
        .unwrap();
    make_task(&t, 0).unwrap()
}

#[test]
fn a_broken_generated_oracle_fails() {
    let mut task = first("gmail-label-invoices");
    task.oracle.steps.pop(); // never applies the label
    let proof = prove(&task, Profile::Native);
    assert!(!proof.proven());
    assert!(
        proof
            .failures
            .iter()
            .any(|f| f.starts_with("oracle scored")),
        "{:#?}",
        proof.failures
    );
}

#[test]
fn collateral_damage_in_a_generated_task_fails() {
    // The oracle also archives the newest inbox mail: Gmail is outside what a calendar task may
    // change, so the collateral rule caps the reward and the proof fails.
    let task = first("gcal-move-meeting");
    let mut damaged = task.clone();
    damaged.apps.push(env0_core::tools::App::Gmail);
    damaged.oracle.steps.push(
        serde_json::from_value(
            json!({"tool": "gmail_search", "args": {"query": "in:inbox", "max_results": 1}}),
        )
        .unwrap(),
    );
    let n = damaged.oracle.steps.len();
    damaged.oracle.steps.push(
        serde_json::from_value(json!({"tool": "gmail_modify_labels",
            "args": {"message_ids": [{"$from": n - 1, "path": "messages", "get": "id"}], "remove": ["INBOX"]}}))
        .unwrap(),
    );
    let proof = prove(&damaged, Profile::Native);
    assert!(!proof.proven());
    assert!(
        proof
            .failures
            .iter()
            .any(|f| f.contains("[COLLATERAL] gmail_messages changed")),
        "{:#?}",
        proof.failures
    );
}

/// The two wrong runs the tasks-lite v2 issue was filed with, replayed on the committed set: the
/// first task of the template, its oracle, then one more write that the instruction did not ask
/// for. Under v1 both scored 1.000; each must now score at most 0.
#[test]
fn the_reported_over_broad_runs_score_at_most_zero() {
    use env0_core::tasks::run_script;
    use env0_core::tasks::world::build;
    use env0_core::tools::Toolkit;
    use env0_core::verifier::evaluate_answer;

    let tasks = env0_core::tasks::load_dir(&set_dir()).unwrap();
    let first = |template: &str| {
        tasks
            .iter()
            .find(|t| t.template == template)
            .unwrap_or_else(|| panic!("no {template} task"))
    };
    // (template, tool, argument, collection of the extra row, the row's id field)
    let cases = [
        (
            "gcal-cancel-project",
            "calendar_delete_event",
            "event_id",
            "calendar_events",
        ),
        (
            "gmail-label-invoices",
            "gmail_modify_labels",
            "message_ids",
            "gmail_messages",
        ),
    ];
    for (template, tool, arg, collection) in cases {
        let task = first(template);
        let mut tw = build(task).unwrap();
        let before = tw.world.state_dump().unwrap();
        let kit = Toolkit::new(Profile::Native, &task.apps, Some(task.seed.user.clone()));
        let records = run_script(&mut tw.world, &kit, &task.oracle).unwrap();
        let after_oracle = tw.world.state_dump().unwrap();
        let oracle = evaluate_answer(
            &task.verifier,
            &before,
            &after_oracle,
            &tw.needles,
            Some(&task.oracle.final_message),
        );
        assert_eq!(oracle.reward, 1.0, "{}", oracle.explain());
        // One more row of the same kind, seeded as filler (no needle) and untouched so far: an
        // unrelated meeting on Alex's calendar, a mail of Alex's that is no invoice.
        let needle_keys: BTreeSet<&str> = tw
            .needles
            .values()
            .flatten()
            .map(|n| n.key.as_str())
            .collect();
        let rows = &before.collections[collection].rows;
        let extra = rows
            .iter()
            .find(|(k, r)| {
                !needle_keys.contains(k.as_str())
                    && after_oracle.collections[collection].rows.get(*k) == Some(*r)
                    && match collection {
                        "calendar_events" => {
                            r["status"] == "confirmed"
                                && r["calendar_id"]
                                    == rows[&tw.needles["target"][0].key]["calendar_id"]
                        }
                        _ => r["user_id"] == "user_alex",
                    }
            })
            .map(|(k, _)| k.clone())
            .unwrap();
        // The oracle's own last write to that collection, aimed at the extra row.
        let last = records.iter().rev().find(|r| r.tool == tool).unwrap();
        let mut args = last.args.clone();
        args[arg] = if arg == "message_ids" {
            json!([extra])
        } else {
            json!(extra)
        };
        let out = kit.call(&mut tw.world, tool, &args);
        assert!(out.ok, "{}", out.content);
        let after = tw.world.state_dump().unwrap();
        let v = evaluate_answer(
            &task.verifier,
            &before,
            &after,
            &tw.needles,
            Some(&task.oracle.final_message),
        );
        assert!(
            v.reward <= 0.0,
            "{template}: {tool} on {extra} as well scored {}:\n{}",
            v.reward,
            v.explain()
        );
        assert!(
            v.collateral.iter().any(|c| c.contains(&extra)),
            "{template}: the explanation names the row: {:?}",
            v.collateral
        );
    }
}
