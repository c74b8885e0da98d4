//! Slack Web API: each method family end to end, the error envelope, pagination, tokens,
//! cross-user isolation, and conformance of every implemented method's response to the 200
//! schema of Slack's OpenAPI spec.

use crate::slack_support::*;
use env0_world::{Method, Request};
use serde_json::{json, Value};

#[test]
fn envelope_unknown_channel_and_bad_token() {
    let mut w = crate::support::world();
    serr(
        &mut w,
        "conversations.info",
        json!({"channel": "CNOPE000000"}),
        None,
        "channel_not_found",
    );
    serr(
        &mut w,
        "conversations.history",
        json!({}),
        None,
        "channel_not_found",
    );
    serr(
        &mut w,
        "auth.test",
        json!({}),
        Some("xoxp-not-a-token"),
        "invalid_auth",
    );
    // Writes are POST-only: a GET is refused in the Slack envelope.
    let resp = w.handle(&Request::get("/api/chat.postMessage?channel=C1&text=hi"));
    assert_eq!(resp.status, 200);
    assert_eq!(resp.body["ok"], false);
    // Form-urlencoded bodies work like JSON.
    let general = channel_id(&w, "general");
    let resp = w.handle(
        &Request::new(Method::Post, "/api/chat.postMessage")
            .with_raw_body(format!("channel={general}&text=form+body")),
    );
    assert_eq!(resp.body["ok"], true, "{}", resp.body);
    assert_eq!(resp.body["message"]["text"], "form body");
}

/// The Content-Type decides how a Slack body is read, as Slack does; only without one is the
/// body's shape looked at.
#[test]
fn content_type_decides_json_or_form() {
    let mut w = crate::support::world();
    let general = channel_id(&w, "general");
    let post = |w: &mut env0_world::World, body: String, ct: Option<&str>| {
        let mut req = Request::new(Method::Post, "/api/chat.postMessage").with_raw_body(body);
        if let Some(ct) = ct {
            req = req.with_content_type(ct);
        }
        w.handle(&req).body
    };
    let json_body = json!({"channel": general, "text": "as json"}).to_string();
    let form_body = format!("channel={general}&text=as+form");
    for ct in [
        None,
        Some("application/json"),
        Some("Application/JSON; charset=utf-8"),
    ] {
        let resp = post(&mut w, json_body.clone(), ct);
        assert_eq!(resp["message"]["text"], "as json", "{ct:?}: {resp}");
    }
    for ct in [None, Some("application/x-www-form-urlencoded")] {
        let resp = post(&mut w, form_body.clone(), ct);
        assert_eq!(resp["message"]["text"], "as form", "{ct:?}: {resp}");
    }
    // A form body declared as JSON is invalid JSON; a JSON body declared as a form has no
    // `channel` field.
    let resp = post(&mut w, form_body, Some("application/json"));
    assert_eq!(resp["error"], "invalid_json", "{resp}");
    let resp = post(&mut w, json_body, Some("application/x-www-form-urlencoded"));
    assert_eq!(resp["ok"], false, "{resp}");
    assert_ne!(resp["error"], "invalid_json", "{resp}");
}

#[test]
fn auth_test_and_token_types() {
    let mut w = crate::support::world();
    let alex = slack_user(&w, "user_alex");
    let body = sok(&mut w, "auth.test", json!({}), None);
    assert_eq!(body["user_id"], alex.as_str());
    conforms("auth.test", &body);
    let bot = bot_token(&w);
    let body = sok(&mut w, "auth.test", json!({}), Some(&bot));
    assert!(body["bot_id"].as_str().unwrap().starts_with('B'));
    conforms("auth.test", &body);
    let jordan = user_token(&w, "user_jordan");
    let body = sok(&mut w, "auth.test", json!({}), Some(&jordan));
    assert_eq!(body["user_id"], slack_user(&w, "user_jordan").as_str());
    let body = sok(&mut w, "team.info", json!({}), None);
    conforms("team.info", &body);
}

#[test]
fn conversations_list_types_archived_and_pagination() {
    let mut w = crate::support::world();
    let body = sok(&mut w, "conversations.list", json!({}), None);
    conforms("conversations.list", &body);
    let names: Vec<&str> = body["channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"general") && names.contains(&"q4-launch"));
    assert!(
        !names.contains(&"leadership"),
        "private channels need types=private_channel"
    );
    let body = sok(
        &mut w,
        "conversations.list",
        json!({"exclude_archived": "true"}),
        None,
    );
    assert!(body["channels"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["is_archived"] == false));
    let body = sok(
        &mut w,
        "conversations.list",
        json!({"types": "public_channel,private_channel,im,mpim"}),
        None,
    );
    conforms("conversations.list", &body);
    let all: Vec<String> = body["channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    // Paginate with limit 3 and collect the same set.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let body = sok(
            &mut w,
            "conversations.list",
            json!({"types": "public_channel,private_channel,im,mpim", "limit": "3", "cursor": cursor}),
            None,
        );
        for c in body["channels"].as_array().unwrap() {
            seen.push(c["id"].as_str().unwrap().to_string());
        }
        cursor = body["response_metadata"]["next_cursor"]
            .as_str()
            .unwrap()
            .to_string();
        if cursor.is_empty() {
            break;
        }
    }
    assert_eq!(seen, all);
    serr(
        &mut w,
        "conversations.list",
        json!({"cursor": "garbage!!"}),
        None,
        "invalid_cursor",
    );
    serr(
        &mut w,
        "conversations.list",
        json!({"types": "nonsense"}),
        None,
        "invalid_types",
    );
}

#[test]
fn private_channels_and_dms_are_invisible_to_non_members() {
    let mut w = crate::support::world();
    let hiring = channel_id(&w, "hiring");
    let leadership = channel_id(&w, "leadership");
    let jp = dm_between(&w, "user_jordan", "user_priya");
    // Alex is not in #hiring nor the Jordan–Priya DM.
    for ch in [&hiring, &jp] {
        serr(
            &mut w,
            "conversations.info",
            json!({"channel": ch}),
            None,
            "channel_not_found",
        );
        serr(
            &mut w,
            "conversations.history",
            json!({"channel": ch}),
            None,
            "channel_not_found",
        );
        serr(
            &mut w,
            "chat.postMessage",
            json!({"channel": ch, "text": "hi"}),
            None,
            "channel_not_found",
        );
    }
    let body = sok(
        &mut w,
        "conversations.list",
        json!({"types": "private_channel,im,mpim", "limit": "1000"}),
        None,
    );
    let ids: Vec<&str> = body["channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&leadership.as_str()));
    assert!(!ids.contains(&hiring.as_str()) && !ids.contains(&jp.as_str()));
    // Search does not leak them either.
    let body = sok(&mut w, "search.messages", json!({"query": "offer"}), None);
    assert!(body["messages"]["matches"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["channel"]["id"] != hiring.as_str()));
    let body = sok(
        &mut w,
        "search.messages",
        json!({"query": "platform team"}),
        None,
    );
    assert_eq!(body["messages"]["total"], 0);
    // Jordan, a member, sees both.
    let jordan = user_token(&w, "user_jordan");
    sok(
        &mut w,
        "conversations.history",
        json!({"channel": hiring}),
        Some(&jordan),
    );
    let body = sok(
        &mut w,
        "search.messages",
        json!({"query": "platform team"}),
        Some(&jordan),
    );
    assert_eq!(body["messages"]["total"], 1);
    // The request's user selects the caller when there is no token.
    let body = slack_as(
        &mut w,
        "conversations.history",
        json!({"channel": hiring}),
        None,
        Some("user_olivia"),
    );
    assert_eq!(body["ok"], true);
}

#[test]
fn history_ranges_cursor_and_replies() {
    let mut w = crate::support::world();
    let incidents = channel_id(&w, "incidents");
    let body = sok(
        &mut w,
        "conversations.history",
        json!({"channel": incidents}),
        None,
    );
    conforms("conversations.history", &body);
    let msgs = body["messages"].as_array().unwrap().clone();
    assert!(
        msgs.windows(2)
            .all(|p| p[0]["ts"].as_str() > p[1]["ts"].as_str()),
        "newest first"
    );
    assert!(
        msgs.iter().all(|m| m.get("parent_user_id").is_none()),
        "replies stay in threads"
    );
    let root = msgs
        .iter()
        .find(|m| m["text"].as_str().unwrap().starts_with("INC-482"))
        .unwrap();
    assert_eq!(root["reply_count"], 11);
    assert!(root["reply_users"].as_array().unwrap().len() >= 4);
    assert!(root["latest_reply"].as_str().is_some());
    // Replies: parent first, then every reply in order.
    let body = sok(
        &mut w,
        "conversations.replies",
        json!({"channel": incidents, "ts": root["ts"]}),
        None,
    );
    conforms("conversations.replies", &body);
    let thread = body["messages"].as_array().unwrap();
    assert_eq!(thread.len(), 12);
    assert_eq!(thread[0]["ts"], root["ts"]);
    assert!(thread[1..].iter().all(|m| m["thread_ts"] == root["ts"]));
    // Page through history two at a time.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let body = sok(
            &mut w,
            "conversations.history",
            json!({"channel": incidents, "limit": "2", "cursor": cursor}),
            None,
        );
        seen.extend(
            body["messages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["ts"].as_str().unwrap().to_string()),
        );
        cursor = body["response_metadata"]["next_cursor"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(body["has_more"], !cursor.is_empty());
        if cursor.is_empty() {
            break;
        }
    }
    assert_eq!(
        seen,
        msgs.iter()
            .map(|m| m["ts"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    );
    // oldest/latest/inclusive.
    let ts = root["ts"].as_str().unwrap();
    let body = sok(
        &mut w,
        "conversations.history",
        json!({"channel": incidents, "oldest": ts, "latest": ts, "inclusive": "true"}),
        None,
    );
    assert_eq!(body["messages"].as_array().unwrap().len(), 1);
    let body = sok(
        &mut w,
        "conversations.history",
        json!({"channel": incidents, "oldest": ts, "latest": ts}),
        None,
    );
    assert_eq!(body["messages"].as_array().unwrap().len(), 0);
    serr(
        &mut w,
        "conversations.replies",
        json!({"channel": incidents, "ts": "1234567890.000001"}),
        None,
        "thread_not_found",
    );
}

#[test]
fn posting_threads_broadcast_update_delete() {
    let mut w = crate::support::world();
    let eng = channel_id(&w, "engineering");
    let body = sok(
        &mut w,
        "chat.postMessage",
        json!({"channel": eng, "text": "Deploying 2.14 now"}),
        None,
    );
    conforms("chat.postMessage", &body);
    let parent = body["ts"].as_str().unwrap().to_string();
    // Channel names are accepted for posting, like Slack.
    let body = sok(
        &mut w,
        "chat.postMessage",
        json!({"channel": "#engineering", "text": "second", "thread_ts": parent}),
        None,
    );
    let r1 = body["ts"].as_str().unwrap().to_string();
    assert_ne!(r1, parent);
    let jordan = user_token(&w, "user_jordan");
    let body = sok(
        &mut w,
        "chat.postMessage",
        json!({"channel": eng, "text": "ack", "thread_ts": parent, "reply_broadcast": true}),
        Some(&jordan),
    );
    assert_eq!(body["message"]["subtype"], "thread_broadcast");
    let r2 = body["ts"].as_str().unwrap().to_string();
    let hist = sok(
        &mut w,
        "conversations.history",
        json!({"channel": eng, "limit": "3"}),
        None,
    );
    let top: Vec<&Value> = hist["messages"].as_array().unwrap().iter().collect();
    assert_eq!(
        top[0]["ts"],
        r2.as_str(),
        "broadcast replies show in the channel"
    );
    let p = top.iter().find(|m| m["ts"] == parent.as_str()).unwrap();
    assert_eq!(p["reply_count"], 2);
    assert_eq!(p["latest_reply"], r2.as_str());
    assert_eq!(p["reply_users_count"], 2);
    // Update: only the author.
    let body = sok(
        &mut w,
        "chat.update",
        json!({"channel": eng, "ts": parent, "text": "Deploying 2.14 (edited)"}),
        None,
    );
    conforms("chat.update", &body);
    serr(
        &mut w,
        "chat.update",
        json!({"channel": eng, "ts": parent, "text": "hijack"}),
        Some(&jordan),
        "cant_update_message",
    );
    serr(
        &mut w,
        "chat.update",
        json!({"channel": eng, "ts": "1111111111.000001", "text": "x"}),
        None,
        "message_not_found",
    );
    // Delete a reply: the parent's count drops.
    let body = sok(
        &mut w,
        "chat.delete",
        json!({"channel": eng, "ts": r1}),
        None,
    );
    conforms("chat.delete", &body);
    let body = sok(
        &mut w,
        "conversations.replies",
        json!({"channel": eng, "ts": parent}),
        None,
    );
    assert_eq!(body["messages"][0]["reply_count"], 1);
    serr(
        &mut w,
        "chat.delete",
        json!({"channel": eng, "ts": r2}),
        None,
        "cant_delete_message",
    );
    serr(
        &mut w,
        "chat.postMessage",
        json!({"channel": eng}),
        None,
        "no_text",
    );
    let body = sok(
        &mut w,
        "chat.getPermalink",
        json!({"channel": eng, "message_ts": parent}),
        None,
    );
    conforms("chat.getPermalink", &body);
    assert!(body["permalink"]
        .as_str()
        .unwrap()
        .contains(&parent.replace('.', "")));
    // Two posts in the same second get distinct ts.
    let a = sok(
        &mut w,
        "chat.postMessage",
        json!({"channel": eng, "text": "a"}),
        None,
    );
    let b = sok(
        &mut w,
        "chat.postMessage",
        json!({"channel": eng, "text": "b"}),
        None,
    );
    assert_ne!(a["ts"], b["ts"]);
}

#[test]
fn archived_channels_membership_and_settings() {
    let mut w = crate::support::world();
    let q4 = channel_id(&w, "q4-launch");
    serr(
        &mut w,
        "chat.postMessage",
        json!({"channel": q4, "text": "hi"}),
        None,
        "is_archived",
    );
    let body = sok(
        &mut w,
        "conversations.unarchive",
        json!({"channel": q4}),
        None,
    );
    conforms("conversations.unarchive", &body);
    sok(
        &mut w,
        "chat.postMessage",
        json!({"channel": q4, "text": "back"}),
        None,
    );
    let body = sok(
        &mut w,
        "conversations.archive",
        json!({"channel": q4}),
        None,
    );
    conforms("conversations.archive", &body);
    serr(
        &mut w,
        "conversations.archive",
        json!({"channel": q4}),
        None,
        "already_archived",
    );
    let general = channel_id(&w, "general");
    serr(
        &mut w,
        "conversations.archive",
        json!({"channel": general}),
        None,
        "cant_archive_general",
    );
    serr(
        &mut w,
        "conversations.leave",
        json!({"channel": general}),
        None,
        "cant_leave_general",
    );

    let body = sok(
        &mut w,
        "conversations.create",
        json!({"name": "launch-2-14", "is_private": true}),
        None,
    );
    conforms("conversations.create", &body);
    let ch = body["channel"]["id"].as_str().unwrap().to_string();
    assert_eq!(body["channel"]["is_private"], true);
    serr(
        &mut w,
        "conversations.create",
        json!({"name": "launch-2-14"}),
        None,
        "name_taken",
    );
    serr(
        &mut w,
        "conversations.create",
        json!({"name": "Bad Name!"}),
        None,
        "invalid_name_specials",
    );
    let jordan = slack_user(&w, "user_jordan");
    let body = sok(
        &mut w,
        "conversations.invite",
        json!({"channel": ch, "users": jordan}),
        None,
    );
    conforms("conversations.invite", &body);
    serr(
        &mut w,
        "conversations.invite",
        json!({"channel": ch, "users": jordan}),
        None,
        "already_in_channel",
    );
    let body = sok(
        &mut w,
        "conversations.members",
        json!({"channel": ch}),
        None,
    );
    conforms("conversations.members", &body);
    assert_eq!(body["members"].as_array().unwrap().len(), 2);
    let body = sok(
        &mut w,
        "conversations.kick",
        json!({"channel": ch, "user": jordan}),
        None,
    );
    conforms("conversations.kick", &body);
    let body = sok(
        &mut w,
        "conversations.rename",
        json!({"channel": ch, "name": "launch-2-15"}),
        None,
    );
    conforms("conversations.rename", &body);
    assert_eq!(body["channel"]["previous_names"], json!(["launch-2-14"]));
    let body = sok(
        &mut w,
        "conversations.setTopic",
        json!({"channel": ch, "topic": "Ship it"}),
        None,
    );
    conforms("conversations.setTopic", &body);
    assert_eq!(body["channel"]["topic"]["value"], "Ship it");
    let body = sok(
        &mut w,
        "conversations.setPurpose",
        json!({"channel": ch, "purpose": "Launch room"}),
        None,
    );
    conforms("conversations.setPurpose", &body);
    let body = sok(&mut w, "conversations.leave", json!({"channel": ch}), None);
    conforms("conversations.leave", &body);
    // After leaving a private channel it is gone for Alex.
    serr(
        &mut w,
        "conversations.info",
        json!({"channel": ch}),
        None,
        "channel_not_found",
    );

    // Join a public channel; a bot must join before reading.
    let sales = channel_id(&w, "sales");
    let bot = bot_token(&w);
    serr(
        &mut w,
        "conversations.history",
        json!({"channel": sales}),
        Some(&bot),
        "not_in_channel",
    );
    let body = sok(
        &mut w,
        "conversations.join",
        json!({"channel": sales}),
        Some(&bot),
    );
    conforms("conversations.join", &body);
    sok(
        &mut w,
        "conversations.history",
        json!({"channel": sales}),
        Some(&bot),
    );
    let body = sok(
        &mut w,
        "conversations.info",
        json!({"channel": sales}),
        None,
    );
    conforms("conversations.info", &body);
}

#[test]
fn dms_open_and_isolation_of_new_dm() {
    let mut w = crate::support::world();
    let emma = slack_user(&w, "user_emma");
    // Posting to a user id opens (or reuses) the DM, like Slack.
    let hiro = slack_user(&w, "user_hiro");
    let posted = sok(
        &mut w,
        "chat.postMessage",
        json!({"channel": hiro, "text": "Quick question"}),
        None,
    );
    let opened = sok(&mut w, "conversations.open", json!({"users": hiro}), None);
    assert_eq!(posted["channel"], opened["channel"]["id"]);
    assert_eq!(opened["already_open"], true);
    let body = sok(&mut w, "conversations.open", json!({"users": emma}), None);
    conforms("conversations.open", &body);
    let dm = body["channel"]["id"].as_str().unwrap().to_string();
    assert!(dm.starts_with('D'));
    let again = sok(&mut w, "conversations.open", json!({"users": emma}), None);
    assert_eq!(again["channel"]["id"], dm.as_str());
    assert_eq!(again["already_open"], true);
    sok(
        &mut w,
        "chat.postMessage",
        json!({"channel": dm, "text": "Budget question for you"}),
        None,
    );
    let body = sok(&mut w, "conversations.info", json!({"channel": dm}), None);
    conforms("conversations.info", &body);
    // A third person cannot read it.
    let noah = user_token(&w, "user_noah");
    serr(
        &mut w,
        "conversations.history",
        json!({"channel": dm}),
        Some(&noah),
        "channel_not_found",
    );
    let emma_token = user_token(&w, "user_emma");
    let body = sok(
        &mut w,
        "conversations.history",
        json!({"channel": dm}),
        Some(&emma_token),
    );
    assert_eq!(body["messages"][0]["text"], "Budget question for you");
}

#[test]
fn users_methods() {
    let mut w = crate::support::world();
    let body = sok(&mut w, "users.list", json!({}), None);
    conforms("users.list", &body);
    let members = body["members"].as_array().unwrap();
    assert!(members.iter().any(|m| m["is_bot"] == true));
    assert!(members.iter().any(|m| m["is_restricted"] == true), "guests");
    let body = sok(&mut w, "users.list", json!({"limit": "5"}), None);
    assert_eq!(body["members"].as_array().unwrap().len(), 5);
    assert!(!body["response_metadata"]["next_cursor"]
        .as_str()
        .unwrap()
        .is_empty());
    let priya = slack_user(&w, "user_priya");
    let body = sok(&mut w, "users.info", json!({"user": priya}), None);
    conforms("users.info", &body);
    assert_eq!(body["user"]["profile"]["email"], "priya@nexusai.com");
    let body = sok(
        &mut w,
        "users.lookupByEmail",
        json!({"email": "PRIYA@nexusai.com"}),
        None,
    );
    conforms("users.lookupByEmail", &body);
    assert_eq!(body["user"]["id"], priya.as_str());
    serr(
        &mut w,
        "users.lookupByEmail",
        json!({"email": "nobody@nexusai.com"}),
        None,
        "users_not_found",
    );
    serr(
        &mut w,
        "users.info",
        json!({"user": "UNOPE"}),
        None,
        "user_not_found",
    );
    let body = sok(&mut w, "users.profile.get", json!({}), None);
    conforms("users.profile.get", &body);
    assert_eq!(body["profile"]["real_name"], "Alex Chen");
}

#[test]
fn reactions_and_pins() {
    let mut w = crate::support::world();
    let random = channel_id(&w, "random");
    let ts = sok(
        &mut w,
        "chat.postMessage",
        json!({"channel": random, "text": "cake in the kitchen"}),
        None,
    )["ts"]
        .clone();
    let body = sok(
        &mut w,
        "reactions.add",
        json!({"channel": random, "timestamp": ts, "name": ":tada:"}),
        None,
    );
    conforms("reactions.add", &body);
    serr(
        &mut w,
        "reactions.add",
        json!({"channel": random, "timestamp": ts, "name": "tada"}),
        None,
        "already_reacted",
    );
    let body = sok(
        &mut w,
        "reactions.get",
        json!({"channel": random, "timestamp": ts}),
        None,
    );
    conforms("reactions.get", &body);
    assert_eq!(body["message"]["reactions"][0]["name"], "tada");
    assert_eq!(body["message"]["reactions"][0]["count"], 1);
    let body = sok(&mut w, "reactions.list", json!({}), None);
    conforms("reactions.list", &body);
    assert_eq!(body["items"][0]["message"]["ts"], ts);
    let body = sok(
        &mut w,
        "reactions.remove",
        json!({"channel": random, "timestamp": ts, "name": "tada"}),
        None,
    );
    conforms("reactions.remove", &body);
    serr(
        &mut w,
        "reactions.remove",
        json!({"channel": random, "timestamp": ts, "name": "tada"}),
        None,
        "no_reaction",
    );

    let body = sok(
        &mut w,
        "pins.add",
        json!({"channel": random, "timestamp": ts}),
        None,
    );
    conforms("pins.add", &body);
    serr(
        &mut w,
        "pins.add",
        json!({"channel": random, "timestamp": ts}),
        None,
        "already_pinned",
    );
    let body = sok(&mut w, "pins.list", json!({"channel": random}), None);
    conforms("pins.list", &body);
    assert_eq!(body["items"][0]["message"]["ts"], ts);
    assert_eq!(body["items"][0]["message"]["pinned_to"], json!([random]));
    let body = sok(
        &mut w,
        "pins.remove",
        json!({"channel": random, "timestamp": ts}),
        None,
    );
    conforms("pins.remove", &body);
    serr(
        &mut w,
        "pins.remove",
        json!({"channel": random, "timestamp": ts}),
        None,
        "no_pin",
    );
    let general = channel_id(&w, "general");
    let body = sok(&mut w, "pins.list", json!({"channel": general}), None);
    assert!(!body["items"].as_array().unwrap().is_empty(), "seeded pins");
}

#[test]
fn search_modifiers_and_token_types() {
    let mut w = crate::support::world();
    let bot = bot_token(&w);
    serr(
        &mut w,
        "search.messages",
        json!({"query": "release"}),
        Some(&bot),
        "not_allowed_token_type",
    );
    let body = sok(
        &mut w,
        "search.messages",
        json!({"query": "in:#incidents has:link"}),
        None,
    );
    conforms("search.messages", &body);
    let matches = body["messages"]["matches"].as_array().unwrap();
    assert!(!matches.is_empty());
    assert!(matches.iter().all(
        |m| m["channel"]["name"] == "incidents" && m["text"].as_str().unwrap().contains("http")
    ));
    let liam = slack_user(&w, "user_liam");
    let body = sok(
        &mut w,
        "search.messages",
        json!({"query": "from:@liam \"expired TLS cert\""}),
        None,
    );
    let matches = body["messages"]["matches"].as_array().unwrap();
    assert_eq!(matches.len(), 1, "{body}");
    assert_eq!(matches[0]["user"], liam.as_str());
    let body = sok(
        &mut w,
        "search.messages",
        json!({"query": format!("from:<@{liam}> INC-482")}),
        None,
    );
    assert!(body["messages"]["total"].as_u64().unwrap() >= 1);
    // Dates in the caller's zone: the all-hands reminder was posted 6 days before "now".
    let body = sok(
        &mut w,
        "search.messages",
        json!({"query": "all-hands"}),
        None,
    );
    assert!(body["messages"]["total"].as_u64().unwrap() >= 1, "{body}");
    let body = sok(
        &mut w,
        "search.messages",
        json!({"query": "all-hands after:2026-03-01 before:2026-03-16"}),
        None,
    );
    assert!(body["messages"]["total"].as_u64().unwrap() >= 1, "{body}");
    let body = sok(
        &mut w,
        "search.messages",
        json!({"query": "all-hands before:2026-03-01"}),
        None,
    );
    assert_eq!(body["messages"]["total"], 0);
    let body = sok(
        &mut w,
        "search.messages",
        json!({"query": "in:#nonexistent anything"}),
        None,
    );
    assert_eq!(body["messages"]["total"], 0);
    let body = sok(
        &mut w,
        "search.messages",
        json!({"query": "the", "count": "2", "page": "2"}),
        None,
    );
    assert_eq!(body["messages"]["paging"]["page"], 2);
    assert!(body["messages"]["matches"].as_array().unwrap().len() <= 2);
    serr(&mut w, "search.messages", json!({}), None, "no_query");
}

#[test]
fn files_and_scheduled_messages_and_scopes() {
    let mut w = crate::support::world();
    let body = sok(&mut w, "files.list", json!({}), None);
    conforms("files.list", &body);
    let files = body["files"].as_array().unwrap();
    assert!(files
        .iter()
        .any(|f| f["name"] == "smart-scheduling-prd.pdf"));
    let id = files[0]["id"].as_str().unwrap().to_string();
    let body = sok(&mut w, "files.info", json!({"file": id}), None);
    conforms("files.info", &body);
    let body = sok(&mut w, "files.list", json!({"types": "pdfs"}), None);
    assert!(body["files"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["filetype"] == "pdf"));
    // Files in #leadership are invisible to non-members (Priya).
    let priya = user_token(&w, "user_priya");
    let body = sok(&mut w, "files.list", json!({}), Some(&priya));
    assert!(body["files"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["name"] != "q3-hiring-budget.xlsx"));
    let noah = user_token(&w, "user_noah");

    let product = channel_id(&w, "product");
    let now = w.now().unwrap().timestamp();
    let body = sok(
        &mut w,
        "chat.scheduleMessage",
        json!({"channel": product, "text": "Standup notes", "post_at": now + 3600}),
        None,
    );
    conforms("chat.scheduleMessage", &body);
    serr(
        &mut w,
        "chat.scheduleMessage",
        json!({"channel": product, "text": "late", "post_at": now - 10}),
        None,
        "time_in_past",
    );
    let body = sok(&mut w, "chat.scheduledMessages.list", json!({}), None);
    conforms("chat.scheduledMessages.list", &body);
    assert_eq!(body["scheduled_messages"].as_array().unwrap().len(), 2);
    // When the clock passes post_at, the message is in the channel and no longer scheduled.
    w.set_now(w.now().unwrap() + chrono::Duration::hours(2))
        .unwrap();
    let body = sok(
        &mut w,
        "conversations.history",
        json!({"channel": product, "limit": "1"}),
        None,
    );
    assert_eq!(body["messages"][0]["text"], "Standup notes");
    assert_eq!(
        body["messages"][0]["ts"].as_str().unwrap()[..10],
        (now + 3600).to_string()
    );
    let body = sok(&mut w, "chat.scheduledMessages.list", json!({}), None);
    assert_eq!(body["scheduled_messages"].as_array().unwrap().len(), 1);

    // Noah's token is read-only.
    serr(
        &mut w,
        "chat.postMessage",
        json!({"channel": product, "text": "hi"}),
        Some(&noah),
        "missing_scope",
    );
}

#[test]
fn seeding_scales() {
    let w = crate::support::world();
    let n: i64 = w
        .conn()
        .query_row("SELECT COUNT(*) FROM slack_messages", [], |r| r.get(0))
        .unwrap();
    assert!((120..=125).contains(&n), "{n}");
    let threads: i64 = w
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM slack_messages WHERE reply_count > 0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(threads >= 8);
    let mut e = crate::support::world_with(env0_world::Scale::EMPTY);
    let n: i64 = e
        .conn()
        .query_row("SELECT COUNT(*) FROM slack_messages", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
    serr(&mut e, "auth.test", json!({}), None, "invalid_auth");
}

#[test]
fn large_scale_seeds_thousands_of_messages() {
    let mut w = crate::support::world_with(env0_world::Scale::LARGE);
    let n: i64 = w
        .conn()
        .query_row("SELECT COUNT(*) FROM slack_messages", [], |r| r.get(0))
        .unwrap();
    assert!((3_000..=3_005).contains(&n), "{n}");
    let apps: i64 = w
        .conn()
        .query_row("SELECT COUNT(*) FROM auth_clients", [], |r| r.get(0))
        .unwrap();
    assert_eq!(apps, 40);
    let general = channel_id(&w, "general");
    let body = sok(
        &mut w,
        "conversations.history",
        json!({"channel": general, "limit": "100"}),
        None,
    );
    assert_eq!(body["messages"].as_array().unwrap().len(), 100);
    assert_eq!(body["has_more"], true);
    let body = sok(
        &mut w,
        "search.messages",
        json!({"query": "in:#engineering review"}),
        None,
    );
    assert!(body["messages"]["total"].as_u64().unwrap() > 5);
}

#[test]
fn opening_a_group_dm_by_id_conforms_and_public_channels_are_refused() {
    let mut w = crate::support::world();
    let dump = w.state_dump().unwrap();
    let mpim = dump.collections["slack_channels"]
        .rows
        .values()
        .find(|r| r["kind"] == "mpim" && r["id"].as_str().is_some())
        .expect("the seed has a group DM");
    let id = mpim["id"].as_str().unwrap().to_string();
    let members: Vec<String> = dump.collections["slack_members"]
        .rows
        .values()
        .filter(|m| m["channel_id"] == id.as_str())
        .filter_map(|m| m["user_id"].as_str().map(str::to_string))
        .collect();
    let member_user = dump.collections["slack_users"]
        .rows
        .values()
        .find(|u| members.iter().any(|m| u["id"] == m.as_str()) && u["directory_id"].is_string())
        .and_then(|u| u["directory_id"].as_str())
        .unwrap()
        .to_string();
    let body = crate::slack_support::slack_as(
        &mut w,
        "conversations.open",
        serde_json::json!({"channel": id}),
        None,
        Some(&member_user),
    );
    assert_eq!(body["ok"], true, "{body}");
    crate::slack_support::conforms("conversations.open", &body);
    let general = dump.collections["slack_channels"]
        .rows
        .values()
        .find(|r| r["name"] == "general")
        .and_then(|r| r["id"].as_str())
        .unwrap()
        .to_string();
    let body = crate::slack_support::slack_as(
        &mut w,
        "conversations.open",
        serde_json::json!({"channel": general}),
        None,
        Some(&member_user),
    );
    assert_eq!(
        body["error"], "method_not_supported_for_channel_type",
        "{body}"
    );
}

/// Block Kit: blocks are kept as posted and come back in history; a post with blocks only gets
/// their text as its `text`; updates keep blocks they leave out and drop them on `[]`; malformed
/// blocks are Slack's errors and write nothing.
#[test]
fn messages_carry_blocks() {
    let mut w = crate::support::world();
    let general = channel_id(&w, "general");
    let blocks = json!([
        {"type": "header", "text": {"type": "plain_text", "text": "Q3 close"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Revenue* is final"},
         "fields": [{"type": "mrkdwn", "text": "EMEA 12"}, {"type": "mrkdwn", "text": "AMER 40"}]},
        {"type": "divider"},
    ]);
    let posted = sok(
        &mut w,
        "chat.postMessage",
        json!({"channel": general, "blocks": blocks}),
        None,
    );
    assert_eq!(posted["message"]["blocks"], blocks);
    assert_eq!(
        posted["message"]["text"],
        "Q3 close\n*Revenue* is final\nEMEA 12\nAMER 40"
    );
    conforms("chat.postMessage", &posted);
    let ts = posted["ts"].as_str().unwrap().to_string();
    let history = sok(
        &mut w,
        "conversations.history",
        json!({"channel": general, "limit": 1}),
        None,
    );
    assert_eq!(history["messages"][0]["blocks"], blocks);
    conforms("conversations.history", &history);
    // As JSON text in a form body, with a text of its own.
    let resp = w.handle(
        &Request::new(Method::Post, "/api/chat.postMessage")
            .with_raw_body(format!(
                "channel={general}&text=fallback&blocks={}",
                percent_encoding::utf8_percent_encode(
                    &json!([{"type": "divider"}]).to_string(),
                    percent_encoding::NON_ALPHANUMERIC
                )
            ))
            .with_content_type("application/x-www-form-urlencoded"),
    );
    assert_eq!(resp.body["ok"], true, "{}", resp.body);
    assert_eq!(
        (
            resp.body["message"]["text"].as_str(),
            &resp.body["message"]["blocks"]
        ),
        (Some("fallback"), &json!([{"type": "divider"}]))
    );
    // Updating the text keeps the blocks; `[]` removes them.
    let kept = sok(
        &mut w,
        "chat.update",
        json!({"channel": general, "ts": ts, "text": "edited"}),
        None,
    );
    assert_eq!(kept["message"]["blocks"], blocks);
    let dropped = sok(
        &mut w,
        "chat.update",
        json!({"channel": general, "ts": ts, "text": "plain now", "blocks": []}),
        None,
    );
    assert!(dropped["message"].get("blocks").is_none(), "{dropped}");
    // Malformed blocks, or nothing to say at all.
    let before = w.state_hash().unwrap();
    for (args, code) in [
        (
            json!({"channel": general, "blocks": "not json"}),
            "invalid_blocks_format",
        ),
        (
            json!({"channel": general, "blocks": {"type": "divider"}}),
            "invalid_blocks_format",
        ),
        (
            json!({"channel": general, "blocks": [{"text": "no type"}]}),
            "invalid_blocks",
        ),
        (
            json!({"channel": general, "blocks": vec![json!({"type": "divider"}); 51]}),
            "invalid_blocks",
        ),
        (json!({"channel": general, "blocks": []}), "no_text"),
    ] {
        serr(&mut w, "chat.postMessage", args, None, code);
    }
    assert_eq!(
        w.state_hash().unwrap(),
        before,
        "refused posts write nothing"
    );
}
