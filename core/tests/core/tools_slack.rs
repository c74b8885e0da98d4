//! Slack tools end to end on a seeded world, through `Toolkit::call`.
use crate::support::{tool_err as fails, tool_ok as call};

use env0_core::tools::{App, Profile, Toolkit};

use serde_json::{json, Value};

fn kit() -> Toolkit {
    Toolkit::new(Profile::Native, &[App::Slack], None)
}

fn names(list: &Value) -> Vec<String> {
    list["channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn channels_visible_to_the_user_only() {
    let mut w = crate::support::world();
    let k = kit();
    assert!(k.tools().iter().all(|t| t.name.starts_with("slack_")));
    let list = call(&k, &mut w, "slack_list_channels", json!({}));
    let n = names(&list);
    assert!(n.contains(&"general".into()) && n.contains(&"leadership".into()));
    assert!(
        !n.contains(&"hiring".into()),
        "private channel leaked: {n:?}"
    );
    assert!(
        !n.contains(&"q4-launch".into()),
        "archived by default: {n:?}"
    );
    let lead = list["channels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "leadership")
        .unwrap();
    assert_eq!(lead["private"], true);
    assert_eq!(lead["member"], true);
    let all = call(
        &k,
        &mut w,
        "slack_list_channels",
        json!({"include_archived": true}),
    );
    assert!(names(&all).contains(&"q4-launch".into()));
    // The private channel cannot be read by name either; its members can.
    let e = fails(
        &k,
        &mut w,
        "slack_read_channel",
        json!({"channel": "hiring"}),
    );
    assert!(e.contains("no channel 'hiring'"), "{e}");
    let jordan = Toolkit::new(Profile::Native, &[App::Slack], Some("user_jordan".into()));
    call(
        &jordan,
        &mut w,
        "slack_read_channel",
        json!({"channel": "#hiring"}),
    );
    // Search does not leak it.
    let r = call(
        &k,
        &mut w,
        "slack_search",
        json!({"query": "platform team"}),
    );
    assert_eq!(r["total"], 0);
    let r = call(
        &jordan,
        &mut w,
        "slack_search",
        json!({"query": "platform team"}),
    );
    assert_eq!(r["total"], 1);
}

#[test]
fn read_channel_oldest_first_with_names_and_threads() {
    let mut w = crate::support::world();
    let k = kit();
    let r = call(
        &k,
        &mut w,
        "slack_read_channel",
        json!({"channel": "#general", "limit": 50}),
    );
    let msgs = r["messages"].as_array().unwrap();
    assert!(!msgs.is_empty());
    let ts: Vec<f64> = msgs
        .iter()
        .map(|m| m["ts"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(ts.windows(2).all(|p| p[0] <= p[1]), "oldest first");
    // People are named, not U-ids.
    assert!(msgs
        .iter()
        .all(|m| !m["user"].as_str().unwrap().starts_with('U')));
    // A thread can be opened from the channel view.
    let mut threaded = None;
    for ch in ["general", "engineering", "incidents", "sales", "product"] {
        let Some(id) = call(&k, &mut w, "slack_list_channels", json!({}))["channels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == ch)
            .map(|c| c["id"].as_str().unwrap().to_string())
        else {
            continue;
        };
        let r = call(
            &k,
            &mut w,
            "slack_read_channel",
            json!({"channel": id, "limit": 100}),
        );
        if let Some(m) = r["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["replies"].is_number())
        {
            threaded = Some((
                id,
                m["thread_ts"].as_str().unwrap().to_string(),
                m["replies"].as_i64().unwrap(),
            ));
            break;
        }
    }
    let (channel, ts, replies) = threaded.expect("some seeded thread");
    let t = call(
        &k,
        &mut w,
        "slack_read_thread",
        json!({"channel": channel, "thread_ts": ts}),
    );
    assert_eq!(t["messages"][0]["ts"], ts.as_str());
    assert_eq!(t["messages"].as_array().unwrap().len() as i64, replies + 1);
}

#[test]
fn post_reply_dm_react_pin_and_lookup() {
    let mut w = crate::support::world();
    let k = kit();
    let p = call(
        &k,
        &mut w,
        "slack_post_message",
        json!({"channel": "general", "text": "Offsite dates are April 22-24."}),
    );
    let ts = p["ts"].as_str().unwrap().to_string();
    let r = call(
        &k,
        &mut w,
        "slack_read_channel",
        json!({"channel": "general", "limit": 1}),
    );
    assert_eq!(r["messages"][0]["text"], "Offsite dates are April 22-24.");
    assert_eq!(r["messages"][0]["user"], "Alex Chen");
    let reply = call(
        &k,
        &mut w,
        "slack_post_message",
        json!({"channel": "general", "text": "Sonoma, details soon.", "thread_ts": ts}),
    );
    assert_eq!(reply["thread_ts"], ts.as_str());
    let t = call(
        &k,
        &mut w,
        "slack_read_thread",
        json!({"channel": "general", "thread_ts": ts}),
    );
    assert_eq!(t["messages"][1]["text"], "Sonoma, details soon.");
    call(
        &k,
        &mut w,
        "slack_add_reaction",
        json!({"channel": "general", "ts": ts, "emoji": ":tada:"}),
    );
    let r = call(
        &k,
        &mut w,
        "slack_read_channel",
        json!({"channel": "general", "limit": 1}),
    );
    assert_eq!(r["messages"][0]["reactions"], json!(["tada:1"]));
    let e = fails(
        &k,
        &mut w,
        "slack_add_reaction",
        json!({"channel": "general", "ts": ts, "emoji": "tada"}),
    );
    assert!(e.contains("already_reacted"), "{e}");
    // Pinning: the channel view marks the message, and a second pin is a readable error.
    let pin = call(
        &k,
        &mut w,
        "slack_pin_message",
        json!({"channel": "#general", "ts": ts}),
    );
    assert_eq!(pin["pinned"], true);
    let r = call(
        &k,
        &mut w,
        "slack_read_channel",
        json!({"channel": "general", "limit": 1}),
    );
    assert_eq!(r["messages"][0]["pinned"], true);
    let e = fails(
        &k,
        &mut w,
        "slack_pin_message",
        json!({"channel": "general", "ts": ts}),
    );
    assert!(e.contains("already_pinned"), "{e}");
    // A DM by email.
    let u = call(&k, &mut w, "slack_lookup_user", json!({"query": "priya"}));
    let email = u["users"][0]["email"].as_str().unwrap().to_string();
    assert!(email.starts_with("priya@"));
    let again = call(&k, &mut w, "slack_lookup_user", json!({"query": email}));
    assert_eq!(again["users"].as_array().unwrap().len(), 1);
    let dm = call(
        &k,
        &mut w,
        "slack_post_message",
        json!({"channel": email, "text": "Can you review the PRD?"}),
    );
    assert!(dm["channel"].as_str().unwrap().starts_with('D'), "{dm}");
    let found = call(
        &k,
        &mut w,
        "slack_search",
        json!({"query": "review the PRD"}),
    );
    assert_eq!(found["matches"][0]["text"], "Can you review the PRD?");
    // Searching with modifiers.
    let r = call(
        &k,
        &mut w,
        "slack_search",
        json!({"query": "in:#general Offsite", "limit": 5}),
    );
    assert!(r["matches"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["channel"] == "general"));
}

#[test]
fn bad_arguments_are_readable_and_change_nothing() {
    let mut w = crate::support::world();
    let k = kit();
    let hash = w.state_hash().unwrap();
    let e = fails(
        &k,
        &mut w,
        "slack_post_message",
        json!({"channel": "general"}),
    );
    assert!(e.contains("missing required argument 'text'"), "{e}");
    let e = fails(
        &k,
        &mut w,
        "slack_post_message",
        json!({"channel": "no-such-channel", "text": "hi"}),
    );
    assert!(
        e.contains("no channel 'no-such-channel'") && e.contains("general"),
        "{e}"
    );
    let e = fails(
        &k,
        &mut w,
        "slack_post_message",
        json!({"channel": "q4-launch", "text": "hi"}),
    );
    assert!(e.contains("archived"), "{e}");
    let e = fails(
        &k,
        &mut w,
        "slack_post_message",
        json!({"channel": "nobody@nowhere.com", "text": "hi"}),
    );
    assert!(
        e.contains("users_not_found") || e.contains("user_not_found"),
        "{e}"
    );
    let e = fails(
        &k,
        &mut w,
        "slack_read_thread",
        json!({"channel": "general", "thread_ts": "123.456"}),
    );
    assert!(e.contains("thread_not_found"), "{e}");
    let e = fails(
        &k,
        &mut w,
        "slack_add_reaction",
        json!({"channel": "general", "ts": "1.000", "emoji": "tada"}),
    );
    assert!(e.contains("not_found"), "{e}");
    let e = fails(
        &k,
        &mut w,
        "slack_pin_message",
        json!({"channel": "general", "ts": "1.000"}),
    );
    assert!(e.contains("not_found"), "{e}");
    let e = fails(
        &k,
        &mut w,
        "slack_pin_message",
        json!({"channel": "general"}),
    );
    assert!(e.contains("missing required argument 'ts'"), "{e}");
    let e = fails(
        &k,
        &mut w,
        "slack_read_channel",
        json!({"channel": "general", "limit": 0}),
    );
    assert!(e.contains("between 1 and 100"), "{e}");
    let e = fails(&k, &mut w, "slack_lookup_user", json!({"query": "zzzz"}));
    assert!(e.contains("no Slack user"), "{e}");
    assert_eq!(w.state_hash().unwrap(), hash);
}
