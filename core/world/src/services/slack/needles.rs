//! Task needles for Slack: the channels and messages a task is about, inserted into the seeded
//! workspace after the filler. People are named by email (the directory's, mapped to their Slack
//! accounts); channels by name; times are relative to the world's clock.
//!
//! Kinds and their `data`:
//! - `channel`: `name` (required; lower case, no `#`, not taken), `is_private` (default false),
//!   `topic`, `purpose`, `members` (emails), `include_user` (whether the acting user is a member
//!   too; default true), `creator` (email, default the acting user), `days_ago` (created; default
//!   30), `archived` (default false). Creates the channel and its membership rows.
//! - `message`: `channel` (required; a channel name, with or without `#`), `text` (required),
//!   `author` (email, default the acting user; must be a member of the channel), `days_ago` /
//!   `hours_ago` (numbers; default one hour ago), `thread_of` (the exact text of an earlier
//!   message in the same channel — another needle — which this one replies to; the parent's
//!   `thread_ts`, `reply_count` and `latest_reply` are kept up to date), `pinned` (pinned by the
//!   author; default false).
//!
//! Returned rows, keyed as the state dump keys them: `slack_channels` (`id`), `slack_members`
//! (`channel_id|user_id`), `slack_messages` (`channel_id|ts`) and `slack_pins` (`channel_id|ts`).

use chrono::Duration;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::model;
use crate::needles::{err, Inserted, NeedleRef};
use crate::store::clock::{self, ids};
use crate::store::users::User;

type Fields = Map<String, Value>;

/// Inserts one needle of `kind` for the acting user.
pub fn insert(conn: &Connection, actor: &User, kind: &str, data: &Value) -> Inserted {
    let fields = data
        .as_object()
        .ok_or_else(|| format!("slack {kind} needle: data must be an object"))?;
    match kind {
        "channel" => channel(conn, actor, fields),
        "message" => message(conn, actor, fields),
        other => Err(format!(
            "unknown slack needle kind '{other}' (channel or message)"
        )),
    }
}

fn text(f: &Fields, key: &str) -> Result<Option<String>, String> {
    match f.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!("'{key}' must be a string, not {other}")),
    }
}

fn flag(f: &Fields, key: &str, default: bool) -> Result<bool, String> {
    match f.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(format!("'{key}' must be true or false, not {other}")),
    }
}

fn number(f: &Fields, key: &str) -> Result<Option<f64>, String> {
    match f.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_f64()
            .filter(|n| *n >= 0.0)
            .map(Some)
            .ok_or_else(|| format!("'{key}' must be a number ≥ 0, not {v}")),
    }
}

/// The Slack user id of the person with `email` (case-insensitive).
fn slack_user(conn: &Connection, email: &str) -> Result<String, String> {
    conn.query_row(
        "SELECT id FROM slack_users WHERE lower(email) = lower(?1) AND deleted = 0",
        [email.trim()],
        |r| r.get(0),
    )
    .optional()
    .map_err(err)?
    .ok_or_else(|| format!("no Slack user with email '{email}' in the workspace"))
}

fn channel(conn: &Connection, actor: &User, f: &Fields) -> Inserted {
    let name = text(f, "name")?.ok_or("slack channel needle: 'name' is required")?;
    let name = name.trim().trim_start_matches('#').to_string();
    if name.is_empty()
        || name.len() > 80
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return Err(format!(
            "slack channel needle: '{name}' is not a channel name (lower case letters, digits, - and _)"
        ));
    }
    if model::channel_by_name(conn, &name)
        .map_err(|e| e.message)?
        .is_some()
    {
        return Err(format!("slack channel needle: #{name} already exists"));
    }
    let kind = if flag(f, "is_private", false)? {
        "private"
    } else {
        "public"
    };
    let creator = match text(f, "creator")? {
        Some(email) => slack_user(conn, &email)?,
        None => slack_user(conn, &actor.email)?,
    };
    let mut members = Vec::new();
    if flag(f, "include_user", true)? {
        members.push(slack_user(conn, &actor.email)?);
    }
    match f.get("members") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for item in items {
                let email = item
                    .as_str()
                    .ok_or_else(|| format!("'members' must list emails, not {item}"))?;
                let id = slack_user(conn, email)?;
                if !members.contains(&id) {
                    members.push(id);
                }
            }
        }
        Some(other) => return Err(format!("'members' must be a list of emails, not {other}")),
    }
    if members.is_empty() {
        return Err(format!("slack channel needle: #{name} has no members"));
    }
    let now = clock::now(conn).map_err(err)?.timestamp();
    let days = number(f, "days_ago")?.unwrap_or(30.0);
    let days = crate::needles::days_in_range(days, "days_ago")?;
    let created = now - (days * 86_400.0).round() as i64;
    let id = loop {
        let id = format!("C{}", ids::upper_alnum(conn, 10).map_err(err)?);
        if model::load_channel(conn, &id)
            .map_err(|e| e.message)?
            .is_none()
        {
            break id;
        }
    };
    let topic = text(f, "topic")?.unwrap_or_default();
    let purpose = text(f, "purpose")?.unwrap_or_default();
    let set_by = |t: &str| {
        if t.is_empty() {
            (String::new(), 0)
        } else {
            (creator.clone(), created)
        }
    };
    let (topic_creator, topic_set) = set_by(&topic);
    let (purpose_creator, purpose_set) = set_by(&purpose);
    conn.execute(
        "INSERT INTO slack_channels (id, name, kind, creator, created, is_archived, topic, topic_creator, \
         topic_last_set, purpose, purpose_creator, purpose_last_set) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            id,
            name,
            kind,
            creator,
            created,
            flag(f, "archived", false)?,
            topic,
            topic_creator,
            topic_set,
            purpose,
            purpose_creator,
            purpose_set
        ],
    )
    .map_err(err)?;
    let mut rows = vec![NeedleRef::new("slack_channels", id.clone())];
    for (i, m) in members.iter().enumerate() {
        conn.execute(
            "INSERT INTO slack_members (channel_id, user_id, joined) VALUES (?1, ?2, ?3)",
            params![id, m, created + i as i64 * 60],
        )
        .map_err(err)?;
        rows.push(NeedleRef::new("slack_members", format!("{id}|{m}")));
    }
    Ok(rows)
}

/// A `ts` at second `at` that no message of `channel` has yet; the micro part is derived from
/// `salt` (so needles look like Slack's and stay deterministic).
fn free_ts(conn: &Connection, channel: &str, at: i64, salt: &str) -> Result<String, String> {
    let d = Sha256::digest(salt.as_bytes());
    let mut micro = u32::from_le_bytes([d[0], d[1], d[2], d[3]]) % 900_000 + 100;
    for _ in 0..1000 {
        let ts = format!("{at:010}.{micro:06}");
        if model::load_message(conn, channel, &ts)
            .map_err(|e| e.message)?
            .is_none()
        {
            return Ok(ts);
        }
        micro = (micro + 1) % 1_000_000;
    }
    Err(format!("no free ts left at second {at} in {channel}"))
}

fn message(conn: &Connection, actor: &User, f: &Fields) -> Inserted {
    let given = text(f, "channel")?.ok_or("slack message needle: 'channel' is required")?;
    let name = given.trim().trim_start_matches('#');
    let ch = model::channel_by_name(conn, name)
        .map_err(|e| e.message)?
        .ok_or_else(|| format!("slack message needle: no channel #{name}"))?;
    let body = text(f, "text")?.ok_or("slack message needle: 'text' is required")?;
    if body.trim().is_empty() {
        return Err("slack message needle: 'text' is empty".into());
    }
    let author_email = text(f, "author")?.unwrap_or_else(|| actor.email.clone());
    let author = slack_user(conn, &author_email)?;
    if !model::is_member(conn, &ch.id, &author).map_err(|e| e.message)? {
        return Err(format!(
            "slack message needle: {author_email} is not a member of #{name}"
        ));
    }
    let now = clock::now(conn).map_err(err)?;
    let minutes = match (number(f, "days_ago")?, number(f, "hours_ago")?) {
        (Some(d), _) => crate::needles::days_in_range(d, "days_ago")? * 1440.0,
        (None, Some(h)) => crate::needles::days_in_range(h / 24.0, "hours_ago")? * 1440.0,
        (None, None) => 60.0,
    };
    let at = (now - Duration::seconds((minutes * 60.0).round() as i64)).timestamp();
    let parent = match text(f, "thread_of")? {
        None => None,
        Some(of) => Some(parent_of(conn, &ch, &of)?),
    };
    if let Some(p) = &parent {
        if model::ts_value(p).is_some_and(|t| t >= at as f64) {
            return Err(format!(
                "slack message needle: a reply must be newer than its parent in #{name}"
            ));
        }
    }
    let ts = free_ts(conn, &ch.id, at, &format!("{}|{body}", ch.id))?;
    conn.execute(
        "INSERT INTO slack_messages (channel_id, ts, user_id, text, thread_ts) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![ch.id, ts, author, body, parent],
    )
    .map_err(err)?;
    if let Some(p) = &parent {
        conn.execute(
            "UPDATE slack_messages SET thread_ts = ts WHERE channel_id = ?1 AND ts = ?2",
            params![ch.id, p],
        )
        .map_err(err)?;
        model::refresh_thread(conn, &ch.id, p).map_err(|e| e.message)?;
    }
    let key = format!("{}|{ts}", ch.id);
    let mut rows = vec![NeedleRef::new("slack_messages", key.clone())];
    if flag(f, "pinned", false)? {
        conn.execute(
            "INSERT INTO slack_pins (channel_id, ts, pinned_by, created) VALUES (?1, ?2, ?3, ?4)",
            params![ch.id, ts, author, at + 60],
        )
        .map_err(err)?;
        rows.push(NeedleRef::new("slack_pins", key));
    }
    Ok(rows)
}

/// The thread parent for a reply to the message of `channel` whose text is exactly `of`.
fn parent_of(conn: &Connection, ch: &model::Channel, of: &str) -> Result<String, String> {
    let mut stmt = conn
        .prepare("SELECT ts, thread_ts FROM slack_messages WHERE channel_id = ?1 AND text = ?2")
        .map_err(err)?;
    let found: Vec<(String, Option<String>)> = stmt
        .query_map(params![ch.id, of], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(err)?;
    match found.as_slice() {
        [] => Err(format!(
            "slack message needle: no message in #{} reads '{of}' (thread_of names an earlier message by its text)",
            ch.name
        )),
        [(ts, thread)] => Ok(thread.clone().unwrap_or_else(|| ts.clone())),
        _ => Err(format!(
            "slack message needle: {} messages in #{} read '{of}'; thread_of must name one",
            found.len(),
            ch.name
        )),
    }
}
