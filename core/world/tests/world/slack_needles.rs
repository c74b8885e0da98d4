//! Task needles for Slack: channels with members, messages relative to the clock, thread replies
//! and pins land in a seeded workspace where the Web API and the state dump see them, keyed as
//! the dump keys them; bad needles are readable errors.

use crate::slack_support::{channel_id, slack_user, sok};
use env0_world::needles::{self, NeedleRef};
use serde_json::json;

#[test]
fn needles_create_channels_messages_threads_and_pins() {
    let mut w = crate::support::world();
    let alex = slack_user(&w, "user_alex");
    let priya = slack_user(&w, "user_priya");
    let raj = slack_user(&w, "ext_raj");
    let now = env0_world::clock::now(w.conn()).unwrap().timestamp();
    let conn = w.conn();
    let rows = needles::insert(
        conn,
        "slack",
        "alex@nexusai.com",
        "channel",
        &json!({"name": "proj-phoenix", "is_private": true, "topic": "Beta in April",
                "purpose": "Phoenix project team", "members": ["priya@nexusai.com", "raj.mehta@acmecloud.io"]}),
    )
    .unwrap();
    let id = rows[0].key.clone();
    assert_eq!(rows[0].collection, "slack_channels");
    assert_eq!(
        rows[1..].to_vec(),
        [&alex, &priya, &raj]
            .iter()
            .map(|u| NeedleRef::new("slack_members", format!("{id}|{u}")))
            .collect::<Vec<_>>()
    );
    let parent = needles::insert(
        conn,
        "slack",
        "alex@nexusai.com",
        "message",
        &json!({"channel": "#proj-phoenix", "author": "priya@nexusai.com",
                "text": "Tentatively targeting 2 April for the beta.", "days_ago": 3}),
    )
    .unwrap();
    let reply = needles::insert(
        conn,
        "slack",
        "alex@nexusai.com",
        "message",
        &json!({"channel": "proj-phoenix", "author": "raj.mehta@acmecloud.io",
                "text": "Update: the beta is confirmed for 9 April.", "hours_ago": 20,
                "thread_of": "Tentatively targeting 2 April for the beta.", "pinned": true}),
    )
    .unwrap();
    let (pkey, rkey) = (parent[0].key.clone(), reply[0].key.clone());
    assert_eq!(parent[0].collection, "slack_messages");
    assert_eq!(
        reply[1],
        NeedleRef::new("slack_pins", rkey.clone()),
        "a pinned needle returns its pin"
    );
    let (_, pts) = pkey.split_once('|').unwrap();
    let (_, rts) = rkey.split_once('|').unwrap();
    let secs = |ts: &str| ts.split('.').next().unwrap().parse::<i64>().unwrap();
    assert_eq!(secs(pts), now - 3 * 86_400);
    assert_eq!(secs(rts), now - 20 * 3_600);

    // The state dump keys the rows the way the needles said, and the parent counts its reply.
    let dump = w.state_dump().unwrap();
    let msgs = &dump.collections["slack_messages"].rows;
    assert_eq!(msgs[&pkey]["reply_count"], 1);
    assert_eq!(msgs[&pkey]["thread_ts"], pts);
    assert_eq!(msgs[&pkey]["latest_reply"], rts);
    assert_eq!(msgs[&rkey]["thread_ts"], pts);
    assert_eq!(msgs[&rkey]["user_id"], raj.as_str());
    assert!(dump.collections["slack_pins"].rows.contains_key(&rkey));
    assert_eq!(
        dump.collections["slack_channels"].rows[&id]["kind"],
        "private"
    );

    // The Web API sees them.
    assert_eq!(channel_id(&w, "proj-phoenix"), id);
    let info = sok(&mut w, "conversations.info", json!({"channel": id}), None);
    assert_eq!(info["channel"]["topic"]["value"], "Beta in April");
    assert_eq!(info["channel"]["is_private"], true);
    let thread = sok(
        &mut w,
        "conversations.replies",
        json!({"channel": id, "ts": pts}),
        None,
    );
    let texts: Vec<&str> = thread["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "Tentatively targeting 2 April for the beta.",
            "Update: the beta is confirmed for 9 April."
        ]
    );
    let pins = sok(&mut w, "pins.list", json!({"channel": id}), None);
    assert_eq!(pins["items"][0]["message"]["ts"], rts);
    let found = sok(
        &mut w,
        "search.messages",
        json!({"query": "in:#proj-phoenix beta"}),
        None,
    );
    assert_eq!(found["messages"]["total"], 2);
    // A needle in a seeded channel.
    let lead = needles::insert(
        w.conn(),
        "slack",
        "alex@nexusai.com",
        "message",
        &json!({"channel": "leadership", "author": "emma@nexusai.com", "text": "Q3 numbers attached."}),
    )
    .unwrap();
    assert!(lead[0]
        .key
        .starts_with(&format!("{}|", channel_id(&w, "leadership"))));
}

#[test]
fn bad_slack_needles_are_readable_errors() {
    let w = crate::support::world();
    let conn = w.conn();
    needles::insert(
        conn,
        "slack",
        "alex@nexusai.com",
        "channel",
        &json!({"name": "atlas-core", "members": ["jordan@nexusai.com"]}),
    )
    .unwrap();
    needles::insert(
        conn,
        "slack",
        "alex@nexusai.com",
        "message",
        &json!({"channel": "atlas-core", "text": "Same words", "days_ago": 2}),
    )
    .unwrap();
    needles::insert(
        conn,
        "slack",
        "alex@nexusai.com",
        "message",
        &json!({"channel": "atlas-core", "text": "Same words", "days_ago": 1}),
    )
    .unwrap();
    let cases = [
        ("channel", json!({}), "'name' is required"),
        ("channel", json!({"name": "general"}), "already exists"),
        ("channel", json!({"name": "Bad Name"}), "not a channel name"),
        (
            "channel",
            json!({"name": "x-team", "members": ["nobody@nowhere.com"]}),
            "no Slack user with email 'nobody@nowhere.com'",
        ),
        (
            "channel",
            json!({"name": "x-team", "include_user": false}),
            "has no members",
        ),
        (
            "message",
            json!({"channel": "atlas-core"}),
            "'text' is required",
        ),
        (
            "message",
            json!({"channel": "nope", "text": "hi"}),
            "no channel #nope",
        ),
        (
            "message",
            json!({"channel": "atlas-core", "text": "hi", "author": "priya@nexusai.com"}),
            "not a member of #atlas-core",
        ),
        (
            "message",
            json!({"channel": "atlas-core", "text": "hi", "thread_of": "missing"}),
            "no message in #atlas-core reads 'missing'",
        ),
        (
            "message",
            json!({"channel": "atlas-core", "text": "hi", "thread_of": "Same words"}),
            "2 messages in #atlas-core",
        ),
        (
            "message",
            json!({"channel": "atlas-core", "text": "hi", "days_ago": "two"}),
            "'days_ago' must be a number",
        ),
        ("bogus", json!({}), "unknown slack needle kind 'bogus'"),
        ("message", json!("text"), "data must be an object"),
    ];
    for (kind, data, want) in cases {
        let e = needles::insert(conn, "slack", "alex@nexusai.com", kind, &data).unwrap_err();
        assert!(e.contains(want), "{kind} {data}: {e}");
    }
    // A reply older than its parent.
    needles::insert(
        conn,
        "slack",
        "alex@nexusai.com",
        "message",
        &json!({"channel": "atlas-core", "text": "Parent", "hours_ago": 2}),
    )
    .unwrap();
    let e = needles::insert(
        conn,
        "slack",
        "alex@nexusai.com",
        "message",
        &json!({"channel": "atlas-core", "text": "Too early", "hours_ago": 3, "thread_of": "Parent"}),
    )
    .unwrap_err();
    assert!(e.contains("newer than its parent"), "{e}");
}
