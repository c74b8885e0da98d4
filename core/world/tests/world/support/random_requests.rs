//! Random requests for property tests, shaped by the real route table: paths come from the
//! services' patterns with placeholders filled by real ids harvested from the world, or by junk;
//! bodies are random JSON built from field names the APIs use, or malformed text.

use env0_world::World;
use env0_world::{Method, Request};
use proptest::prelude::*;
use serde_json::{Map, Value};

const FIELD_NAMES: &[&str] = &[
    "id",
    "name",
    "summary",
    "description",
    "location",
    "start",
    "end",
    "dateTime",
    "date",
    "timeZone",
    "attendees",
    "email",
    "responseStatus",
    "recurrence",
    "status",
    "raw",
    "threadId",
    "labelIds",
    "addLabelIds",
    "removeLabelIds",
    "ids",
    "message",
    "criteria",
    "action",
    "from",
    "to",
    "subject",
    "query",
    "enableAutoReply",
    "responseBodyPlainText",
    "sendAsEmail",
    "displayName",
    "color",
    "textColor",
    "backgroundColor",
    "messageListVisibility",
    "labelListVisibility",
    "role",
    "scope",
    "type",
    "value",
    "items",
    "timeMin",
    "timeMax",
    "hidden",
    "selected",
    "colorId",
    "reminders",
    "useDefault",
    "iCalUID",
    "title",
    "q",
];

const QUERY_KEYS: &[&str] = &[
    "q",
    "maxResults",
    "pageToken",
    "labelIds",
    "format",
    "includeSpamTrash",
    "timeMin",
    "timeMax",
    "singleEvents",
    "orderBy",
    "showDeleted",
    "syncToken",
    "startHistoryId",
    "historyTypes",
    "metadataHeaders",
    "text",
    "destination",
    "sendUpdates",
    "timeZone",
];

const JUNK: &[&str] = &[
    "",
    "me",
    "primary",
    "x",
    "0",
    "-1",
    "%00",
    "%FF",
    "..",
    "ünïcødé",
    "a b",
    "%2F",
    "{id}",
    "99999999999999999999",
    "'; DROP TABLE users; --",
    "alex@nexusai.com",
    "nobody@nowhere",
];

/// Route patterns of every service, with their methods.
pub fn patterns() -> Vec<(Method, &'static str)> {
    env0_world::endpoints()
        .into_iter()
        .map(|e| (e.method, e.pattern))
        .collect()
}

/// Every string value of an `id`-like field in the world's state (for filling placeholders).
pub fn harvest_ids(world: &World) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(dump) = world.state_dump() {
        for coll in dump.collections.values() {
            for row in coll.rows.values() {
                for (k, v) in row.iter() {
                    if (k == "id" || k.ends_with("_id") || k == "email") && v.is_string() {
                        if let Some(s) = v.as_str() {
                            out.push(s.to_string());
                        }
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    if out.is_empty() {
        out.push("me".into());
    }
    out
}

fn json_value(depth: u32) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        "[a-zA-Z0-9 :@._-]{0,24}".prop_map(Value::String),
        prop::sample::select(vec![
            "2026-03-17T10:00:00Z",
            "2026-03-17",
            "America/Los_Angeles",
            "Not/AZone",
            "RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=5",
            "RRULE:FREQ=BOGUS",
            "INBOX",
            "UNREAD",
            "STARRED",
            "TRASH",
        ])
        .prop_map(|s| Value::String(s.to_string())),
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    prop_oneof![
        3 => leaf,
        1 => prop::collection::vec(json_value(depth - 1), 0..4).prop_map(Value::Array),
        2 => prop::collection::vec((prop::sample::select(FIELD_NAMES), json_value(depth - 1)), 0..5)
            .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<Map<_, _>>())),
    ]
    .boxed()
}

fn body() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        2 => Just(None),
        4 => json_value(3).prop_map(|v| Some(v.to_string())),
        1 => prop::sample::select(vec!["{", "not json", "[1,2", "{\"a\":}", "null", "\"str\"", "12"])
            .prop_map(|s| Some(s.to_string())),
    ]
}

fn query() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::sample::select(QUERY_KEYS),
            prop_oneof![
                prop::sample::select(JUNK).prop_map(str::to_string),
                "[a-z0-9:]{0,10}",
                (0i64..600).prop_map(|n| n.to_string()),
                Just("2026-03-16T00:00:00Z".to_string()),
                Just("is:unread OR -label:x {a b} (from:alex".to_string()),
            ],
        ),
        0..4,
    )
    .prop_map(|pairs| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            s.append_pair(k, &v);
        }
        s.finish()
    })
}

/// A route pattern with its `{placeholders}` replaced, in order, by percent-encoded `fills`.
pub fn fill_pattern(pattern: &str, fills: Vec<String>) -> String {
    let mut fill = fills.into_iter();
    pattern
        .split('/')
        .map(|seg| match (seg.find('{'), seg.find('}')) {
            (Some(a), Some(b)) if a < b => {
                let value = fill.next().unwrap_or_default();
                let enc = percent_encoding::utf8_percent_encode(
                    &value,
                    percent_encoding::NON_ALPHANUMERIC,
                );
                format!("{}{}{}", &seg[..a], enc, &seg[b + 1..])
            }
            _ => seg.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// A random request against the world whose ids are `ids`.
pub fn request(ids: Vec<String>) -> impl Strategy<Value = Request> {
    let pats = patterns();
    let methods = vec![
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
    ];
    (
        prop::sample::select(pats),
        prop::sample::select(methods),
        any::<bool>(),
        prop::collection::vec(
            prop_oneof![
                3 => prop::sample::select(ids).prop_map(|s| s),
                1 => prop::sample::select(JUNK).prop_map(str::to_string),
            ],
            8,
        ),
        query(),
        body(),
        prop::option::of(prop::sample::select(vec![
            "alex@nexusai.com",
            "user_jordan",
            "ext_dana",
            "ghost",
        ])),
    )
        .prop_map(
            |((method, pattern), other_method, keep_method, fills, query, body, user)| {
                let path = fill_pattern(pattern, fills);
                let path = if query.is_empty() {
                    path
                } else {
                    format!("{path}?{query}")
                };
                Request {
                    method: if keep_method { method } else { other_method },
                    path,
                    user: user.map(str::to_string),
                    body,
                    token: None,
                    content_type: None,
                    binary_body: None,
                }
            },
        )
}
