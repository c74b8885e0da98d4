//! Random Slack calls — any method, arguments drawn from the world's real ids and from junk, any
//! token kind, any encoding — never break the API: the answer is always HTTP 200 with a boolean
//! `ok`, an error code when it failed, and a body conforming to the OpenAPI 200 schema when it
//! succeeded.

use env0_world::World;
use env0_world::{Method, Request};
use proptest::prelude::*;
use serde_json::{Map, Value};

const KEYS: &[&str] = &[
    "channel",
    "ts",
    "thread_ts",
    "text",
    "users",
    "user",
    "name",
    "types",
    "limit",
    "cursor",
    "oldest",
    "latest",
    "inclusive",
    "timestamp",
    "message_ts",
    "query",
    "count",
    "page",
    "email",
    "file",
    "topic",
    "purpose",
    "post_at",
    "is_private",
    "exclude_archived",
    "reply_broadcast",
    "scheduled_message_id",
    "return_im",
    "sort_dir",
];

const JUNK: &[&str] = &[
    "",
    "x",
    "0",
    "-1",
    "true",
    "C",
    "#general",
    "general",
    "1773500000.000100",
    "99999999999999999999",
    "public_channel,private_channel,im,mpim",
    "nonsense",
    "b2Zmc2V0OjI=",
    "bmV4dF90czox",
    "tada",
    "in:#incidents has:link",
    "from:@liam before:2026-03-10",
    "\"quoted phrase",
    "during:2026-03",
    "after:yesterday -the",
    "alex@nexusai.com",
    "ünïcødé",
    "'; DROP TABLE slack_messages; --",
];

fn methods() -> Vec<(Method, &'static str)> {
    env0_world::endpoints()
        .into_iter()
        .filter(|e| e.service == "slack")
        .map(|e| (e.method, e.pattern))
        .collect()
}

struct Harvest {
    messages: Vec<(String, String)>,
    channels: Vec<String>,
    users: Vec<String>,
    files: Vec<String>,
    emails: Vec<String>,
    scheduled: Vec<String>,
    tokens: Vec<String>,
}

fn column(w: &World, sql: &str) -> Vec<String> {
    let mut stmt = w.conn().prepare(sql).unwrap();
    let out: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|v| v.unwrap())
        .collect();
    assert!(!out.is_empty(), "{sql}");
    out
}

fn harvest(w: &World) -> Harvest {
    let mut stmt = w
        .conn()
        .prepare("SELECT channel_id, ts FROM slack_messages ORDER BY channel_id, ts")
        .unwrap();
    let messages = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|v| v.unwrap())
        .collect();
    Harvest {
        messages,
        channels: column(w, "SELECT id FROM slack_channels ORDER BY id"),
        users: column(w, "SELECT id FROM slack_users ORDER BY id"),
        files: column(w, "SELECT id FROM slack_files ORDER BY id"),
        emails: column(
            w,
            "SELECT email FROM slack_users WHERE email IS NOT NULL ORDER BY id",
        ),
        scheduled: column(w, "SELECT id FROM slack_scheduled ORDER BY id"),
        tokens: column(w, "SELECT token FROM slack_tokens ORDER BY token"),
    }
}

/// A value for `key`: usually a real id of the right kind, sometimes junk.
fn value_for(h: &Harvest, key: &str, msg: &(String, String), pick: usize, junk: bool) -> String {
    let from = |v: &Vec<String>| v[pick % v.len()].clone();
    if junk {
        return JUNK[pick % JUNK.len()].to_string();
    }
    match key {
        "channel" => from(&h.channels),
        "ts" | "thread_ts" | "timestamp" | "message_ts" | "oldest" | "latest" => msg.1.clone(),
        "user" | "users" => from(&h.users),
        "file" => from(&h.files),
        "email" => from(&h.emails),
        "scheduled_message_id" => from(&h.scheduled),
        "name" => ["tada", "new-channel", "eyes", "Bad Name"][pick % 4].to_string(),
        "post_at" => (1_773_676_800 + (pick as i64 % 5) * 3600 - 7200).to_string(),
        _ => JUNK[pick % JUNK.len()].to_string(),
    }
}

fn call_strategy(h: Harvest) -> impl Strategy<Value = Request> {
    let mut tokens: Vec<Option<String>> = h.tokens.iter().cloned().map(Some).collect();
    tokens.extend([None, None, None, None, Some("xoxp-bad".into())]);
    let h = std::sync::Arc::new(h);
    let messages = h.messages.clone();
    (
        prop::sample::select(methods()),
        prop::sample::select(messages),
        any::<bool>(),
        prop::collection::vec(
            (
                prop::sample::select(KEYS),
                any::<usize>(),
                prop::bool::weighted(0.2),
            ),
            0..5,
        ),
        prop::sample::select(tokens),
        0u8..3,
        prop::option::of(prop::sample::select(vec![
            "user_jordan",
            "user_priya",
            "ext_chris",
            "ext_dana",
        ])),
    )
        .prop_map(
            move |((method, pattern), msg, with_channel, extras, token, encoding, user)| {
                let mut obj = Map::new();
                if with_channel {
                    obj.insert("channel".into(), Value::String(msg.0.clone()));
                    obj.insert("ts".into(), Value::String(msg.1.clone()));
                    obj.insert("timestamp".into(), Value::String(msg.1.clone()));
                    obj.insert("message_ts".into(), Value::String(msg.1.clone()));
                    obj.insert(
                        "text".into(),
                        Value::String("status update from the property test".into()),
                    );
                    obj.insert("name".into(), Value::String("eyes".into()));
                    obj.insert("post_at".into(), Value::String("1773680000".into()));
                }
                for (key, pick, junk) in extras {
                    obj.insert(
                        key.to_string(),
                        Value::String(value_for(&h, key, &msg, pick, junk)),
                    );
                }
                let mut form = form_urlencoded::Serializer::new(String::new());
                for (k, v) in &obj {
                    form.append_pair(k, v.as_str().unwrap_or(""));
                }
                let form = form.finish();
                let mut req = match (method, encoding) {
                    (Method::Get, _) => Request::new(Method::Get, format!("{pattern}?{form}")),
                    (m, 0) => Request::new(m, pattern).with_body(Value::Object(obj)),
                    (m, 1) => Request::new(m, pattern).with_raw_body(form),
                    (m, _) => Request::new(m, format!("{pattern}?{form}")),
                };
                req.token = token;
                req.user = user.map(str::to_string);
                req
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_slack_calls_answer_in_the_envelope_and_conform(
        reqs in prop::collection::vec(call_strategy(harvest(&crate::support::world())), 1..8)
    ) {
        let mut world = crate::support::world();
        for req in &reqs {
            let resp = world.handle(req);
            prop_assert_eq!(resp.status, 200, "{} {}: {}", req.method, req.path, resp.body);
            let ok = resp.body["ok"].as_bool();
            prop_assert!(ok.is_some(), "no ok in {}", resp.body);
            if ok == Some(true) {
                let method = req.path.trim_start_matches("/api/").split('?').next().unwrap_or("");
                let errors = crate::slack_support::conform_errors(method, &resp.body);
                prop_assert!(errors.is_empty(), "{} {} does not conform: {:?}\n{}", req.method, req.path, errors, resp.body);
            } else {
                let code = resp.body["error"].as_str().unwrap_or("");
                prop_assert!(!code.is_empty() && !code.contains(' '), "bad error code in {}", resp.body);
                prop_assert!(code != "backendError", "internal error for {} {}: {:?}", req.method, req.path, req.body);
            }
        }
        prop_assert!(world.state_hash().is_ok());
    }
}
