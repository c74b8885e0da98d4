//! `conversations.*`: listing, reading, membership and channel settings.

use rusqlite::params;
use serde_json::{json, Value};

use super::args::{decode_cursor, encode_cursor, ok, paginate, setup, Args};
use super::model::{self, Caller, Channel};
use crate::rest::{ApiError, Ctx, Reply};
use crate::store::clock::ids;

const READ_SCOPES: &[&str] = &["channels:read", "groups:read", "im:read", "mpim:read"];
const HISTORY_SCOPES: &[&str] = &[
    "channels:history",
    "groups:history",
    "im:history",
    "mpim:history",
];
const WRITE_SCOPES: &[&str] = &[
    "channels:write",
    "channels:manage",
    "groups:write",
    "im:write",
    "mpim:write",
];

fn channel_arg(args: &Args) -> Result<String, ApiError> {
    args.need("channel", "channel_not_found")
}

pub fn list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, READ_SCOPES)?;
    let types = match args.list("types") {
        t if t.is_empty() => vec!["public_channel".to_string()],
        t => t,
    };
    let mut kinds = Vec::new();
    for t in &types {
        kinds.push(match t.as_str() {
            "public_channel" => "public",
            "private_channel" => "private",
            "im" => "im",
            "mpim" => "mpim",
            _ => return Err(ApiError::slack("invalid_types")),
        });
    }
    let exclude_archived = args.bool("exclude_archived", false)?;
    let mut visible = Vec::new();
    for ch in model::all_channels(ctx.db)? {
        if !kinds.contains(&ch.kind.as_str()) || (exclude_archived && ch.is_archived) {
            continue;
        }
        if ch.is_public() || model::is_member(ctx.db, &ch.id, &who.id)? {
            visible.push(ch);
        }
    }
    let (page, next) = paginate(visible, &args, 100, 1000)?;
    let channels = page
        .iter()
        .map(|ch| model::conversation_json(ctx.db, &who, ch))
        .collect::<Result<Vec<_>, _>>()?;
    ok(json!({"channels": channels, "response_metadata": {"next_cursor": next}}))
}

pub fn info(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, READ_SCOPES)?;
    let ch = model::visible_channel(ctx.db, &who, &channel_arg(&args)?)?;
    ok(json!({"channel": model::conversation_json(ctx.db, &who, &ch)?}))
}

/// `oldest`/`latest` bounds (`inclusive` applies to both), as floats.
fn bounds(args: &Args) -> Result<(Option<f64>, Option<f64>, bool), ApiError> {
    let parse = |name: &str| -> Result<Option<f64>, ApiError> {
        match args.str(name) {
            None => Ok(None),
            Some(s) => model::ts_value(&s)
                .map(Some)
                .ok_or_else(|| ApiError::slack("invalid_ts_".to_string() + name)),
        }
    };
    Ok((
        parse("oldest")?,
        parse("latest")?,
        args.bool("inclusive", false)?,
    ))
}

fn in_bounds(ts: &str, oldest: Option<f64>, latest: Option<f64>, inclusive: bool) -> bool {
    let v = model::ts_value(ts).unwrap_or(0.0);
    let above = oldest.is_none_or(|o| if inclusive { v >= o } else { v > o });
    let below = latest.is_none_or(|l| if inclusive { v <= l } else { v < l });
    above && below
}

pub fn history(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, HISTORY_SCOPES)?;
    let ch = model::readable_channel(ctx.db, &who, &channel_arg(&args)?)?;
    let (oldest, latest, inclusive) = bounds(&args)?;
    let limit = args.limit(100, 999)?;
    let before = match args.str("cursor") {
        Some(c) => Some(decode_cursor(&c, "next_ts")?),
        None => None,
    };
    let mut stmt = ctx.db.prepare_cached(&format!(
        "SELECT {} FROM slack_messages WHERE channel_id = ?1 \
         AND (thread_ts IS NULL OR thread_ts = ts OR reply_broadcast = 1) ORDER BY ts DESC",
        model::MESSAGE_COLUMNS
    ))?;
    let all: Vec<model::Message> = stmt
        .query_map([&ch.id], model::message_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    let mut selected: Vec<model::Message> = all
        .into_iter()
        .filter(|m| in_bounds(&m.ts, oldest, latest, inclusive))
        .filter(|m| before.as_deref().is_none_or(|b| m.ts.as_str() < b))
        .take(limit + 1)
        .collect();
    let has_more = selected.len() > limit;
    selected.truncate(limit);
    let next = match (has_more, selected.last()) {
        (true, Some(last)) => encode_cursor("next_ts", &last.ts),
        _ => String::new(),
    };
    let team = model::team_id(ctx.db)?;
    let messages = selected
        .iter()
        .map(|m| model::message_json(ctx.db, &team, m))
        .collect::<Result<Vec<_>, _>>()?;
    let pin_count: i64 = ctx.db.query_row(
        "SELECT COUNT(*) FROM slack_pins WHERE channel_id = ?1",
        [&ch.id],
        |r| r.get(0),
    )?;
    ok(json!({
        "messages": messages,
        "has_more": has_more,
        "pin_count": pin_count,
        "channel_actions_ts": null,
        "channel_actions_count": 0,
        "response_metadata": {"next_cursor": next},
    }))
}

pub fn replies(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, HISTORY_SCOPES)?;
    let ch = model::readable_channel(ctx.db, &who, &channel_arg(&args)?)?;
    let ts = args.need("ts", "thread_not_found")?;
    let msg = model::load_message(ctx.db, &ch.id, &ts)?
        .ok_or_else(|| ApiError::slack("thread_not_found"))?;
    let parent_ts = msg.thread_ts.clone().unwrap_or(msg.ts.clone());
    let parent = model::load_message(ctx.db, &ch.id, &parent_ts)?
        .ok_or_else(|| ApiError::slack("thread_not_found"))?;
    let (oldest, latest, inclusive) = bounds(&args)?;
    let mut thread = vec![parent];
    thread.extend(model::thread_replies(ctx.db, &ch.id, &parent_ts)?);
    let thread: Vec<_> = thread
        .into_iter()
        .filter(|m| m.ts == parent_ts || in_bounds(&m.ts, oldest, latest, inclusive))
        .collect();
    let (page, next) = paginate(thread, &args, 1000, 1000)?;
    let team = model::team_id(ctx.db)?;
    let mut messages = page
        .iter()
        .map(|m| model::message_json(ctx.db, &team, m))
        .collect::<Result<Vec<_>, _>>()?;
    // The parent says whether the caller follows the thread (wrote it or replied).
    let subscribed = page.iter().any(|m| m.user_id == who.id);
    if let Some(first) = messages.first_mut().and_then(Value::as_object_mut) {
        if first.get("ts").and_then(Value::as_str) == Some(parent_ts.as_str()) {
            first.insert("subscribed".into(), json!(subscribed));
            // A message without replies is still answered as a (one-message) thread.
            first.entry("thread_ts").or_insert(json!(parent_ts));
            first.entry("reply_count").or_insert(json!(0));
        }
    }
    ok(json!({
        "messages": messages,
        "has_more": !next.is_empty(),
        "response_metadata": {"next_cursor": next},
    }))
}

pub fn members(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, READ_SCOPES)?;
    let ch = model::visible_channel(ctx.db, &who, &channel_arg(&args)?)?;
    let (page, next) = paginate(model::members(ctx.db, &ch.id)?, &args, 100, 1000)?;
    ok(json!({"members": page, "response_metadata": {"next_cursor": next}}))
}

fn validate_name(name: &str) -> Result<String, ApiError> {
    let name = name.trim().trim_start_matches('#').to_string();
    if name.is_empty() {
        return Err(ApiError::slack("invalid_name_required"));
    }
    if name.chars().count() > 80 {
        return Err(ApiError::slack("invalid_name_maxlength"));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return Err(ApiError::slack("invalid_name_specials"));
    }
    Ok(name)
}

fn name_taken(ctx: &Ctx<'_>, name: &str) -> Result<bool, ApiError> {
    Ok(ctx
        .db
        .prepare_cached(
            "SELECT 1 FROM slack_channels WHERE name = ?1 AND kind IN ('public','private')",
        )?
        .exists([name])?)
}

fn add_member(ctx: &Ctx<'_>, channel: &str, user: &str) -> Result<(), ApiError> {
    ctx.db.execute(
        "INSERT OR IGNORE INTO slack_members (channel_id, user_id, joined) VALUES (?1, ?2, ?3)",
        params![channel, user, ctx.now.timestamp()],
    )?;
    Ok(())
}

/// A system message (`channel_join`, `channel_topic`…) in the channel.
fn system_message(
    ctx: &Ctx<'_>,
    channel: &str,
    user: &str,
    subtype: &str,
    text: &str,
) -> Result<(), ApiError> {
    let ts = model::new_ts(ctx.db, channel, ctx.now)?;
    ctx.db.execute(
        "INSERT INTO slack_messages (channel_id, ts, user_id, text, subtype) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![channel, ts, user, text, subtype],
    )?;
    Ok(())
}

fn reload(ctx: &Ctx<'_>, id: &str) -> Result<Channel, ApiError> {
    model::load_channel(ctx.db, id)?.ok_or_else(|| ApiError::slack("channel_not_found"))
}

fn no_ims(ch: &Channel) -> Result<(), ApiError> {
    if ch.kind == "im" || ch.kind == "mpim" {
        Err(ApiError::slack("method_not_supported_for_channel_type"))
    } else {
        Ok(())
    }
}

fn restricted(ctx: &Ctx<'_>, who: &Caller) -> Result<(), ApiError> {
    match model::load_member(ctx.db, &who.id)? {
        Some(m) if m.is_restricted => Err(ApiError::slack("restricted_action")),
        _ => Ok(()),
    }
}

pub fn create(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, WRITE_SCOPES)?;
    restricted(ctx, &who)?;
    let name = validate_name(&args.str("name").unwrap_or_default())?;
    if name_taken(ctx, &name)? {
        return Err(ApiError::slack("name_taken"));
    }
    let private = args.bool("is_private", false)?;
    let id = format!("C{}", ids::upper_alnum(ctx.db, 10)?);
    ctx.db.execute(
        "INSERT INTO slack_channels (id, name, kind, creator, created) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            id,
            name,
            if private { "private" } else { "public" },
            who.id,
            ctx.now.timestamp()
        ],
    )?;
    add_member(ctx, &id, &who.id)?;
    let ch = reload(ctx, &id)?;
    ok(json!({"channel": model::conversation_json(ctx.db, &who, &ch)?}))
}

pub fn join(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, &["channels:write", "channels:join", "channels:manage"])?;
    let ch = model::visible_channel(ctx.db, &who, &channel_arg(&args)?)?;
    if !ch.is_public() {
        return Err(ApiError::slack("method_not_supported_for_channel_type"));
    }
    if ch.is_archived {
        return Err(ApiError::slack("is_archived"));
    }
    let mut body = json!({});
    if model::is_member(ctx.db, &ch.id, &who.id)? {
        body = json!({"warning": "already_in_channel", "response_metadata": {"warnings": ["already_in_channel"]}});
    } else {
        add_member(ctx, &ch.id, &who.id)?;
        system_message(
            ctx,
            &ch.id,
            &who.id,
            "channel_join",
            &format!("<@{}> has joined the channel", who.id),
        )?;
    }
    if let Some(o) = body.as_object_mut() {
        o.insert(
            "channel".into(),
            model::conversation_json(ctx.db, &who, &ch)?,
        );
    }
    ok(body)
}

pub fn leave(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, WRITE_SCOPES)?;
    let ch = model::visible_channel(ctx.db, &who, &channel_arg(&args)?)?;
    if ch.is_im() {
        return Err(ApiError::slack("method_not_supported_for_channel_type"));
    }
    if ch.is_general {
        return Err(ApiError::slack("cant_leave_general"));
    }
    if ch.is_archived {
        return Err(ApiError::slack("is_archived"));
    }
    if !model::is_member(ctx.db, &ch.id, &who.id)? {
        return ok(json!({"not_in_channel": true}));
    }
    ctx.db.execute(
        "DELETE FROM slack_members WHERE channel_id = ?1 AND user_id = ?2",
        params![ch.id, who.id],
    )?;
    ok(json!({}))
}

pub fn invite(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, WRITE_SCOPES)?;
    let ch = model::writable_channel(ctx.db, &who, &channel_arg(&args)?)?;
    no_ims(&ch)?;
    restricted(ctx, &who)?;
    let users = args.list("users");
    if users.is_empty() {
        return Err(ApiError::slack("no_user"));
    }
    for user in &users {
        if *user == who.id {
            return Err(ApiError::slack("cant_invite_self"));
        }
        match model::load_member(ctx.db, user)? {
            None => return Err(ApiError::slack("user_not_found")),
            Some(m) if m.deleted => return Err(ApiError::slack("user_is_deleted")),
            Some(_) => {}
        }
        if model::is_member(ctx.db, &ch.id, user)? {
            return Err(ApiError::slack("already_in_channel"));
        }
    }
    for user in &users {
        add_member(ctx, &ch.id, user)?;
    }
    ok(json!({"channel": model::conversation_json(ctx.db, &who, &ch)?}))
}

pub fn kick(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, WRITE_SCOPES)?;
    let ch = model::writable_channel(ctx.db, &who, &channel_arg(&args)?)?;
    no_ims(&ch)?;
    restricted(ctx, &who)?;
    let user = args.need("user", "user_not_found")?;
    if ch.is_general {
        return Err(ApiError::slack("cant_kick_from_general"));
    }
    if user == who.id {
        return Err(ApiError::slack("cant_kick_self"));
    }
    if model::load_member(ctx.db, &user)?.is_none() {
        return Err(ApiError::slack("user_not_found"));
    }
    if !model::is_member(ctx.db, &ch.id, &user)? {
        return Err(ApiError::slack("not_in_channel"));
    }
    ctx.db.execute(
        "DELETE FROM slack_members WHERE channel_id = ?1 AND user_id = ?2",
        params![ch.id, user],
    )?;
    ok(json!({}))
}

pub fn archive(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, WRITE_SCOPES)?;
    let ch = model::visible_channel(ctx.db, &who, &channel_arg(&args)?)?;
    no_ims(&ch)?;
    restricted(ctx, &who)?;
    if ch.is_general {
        return Err(ApiError::slack("cant_archive_general"));
    }
    if ch.is_archived {
        return Err(ApiError::slack("already_archived"));
    }
    if !model::is_member(ctx.db, &ch.id, &who.id)? {
        return Err(ApiError::slack("not_in_channel"));
    }
    ctx.db.execute(
        "UPDATE slack_channels SET is_archived = 1 WHERE id = ?1",
        [&ch.id],
    )?;
    ok(json!({}))
}

pub fn unarchive(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, WRITE_SCOPES)?;
    let ch = model::visible_channel(ctx.db, &who, &channel_arg(&args)?)?;
    no_ims(&ch)?;
    restricted(ctx, &who)?;
    if !ch.is_archived {
        return Err(ApiError::slack("not_archived"));
    }
    ctx.db.execute(
        "UPDATE slack_channels SET is_archived = 0 WHERE id = ?1",
        [&ch.id],
    )?;
    add_member(ctx, &ch.id, &who.id)?;
    ok(json!({}))
}

pub fn rename(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, WRITE_SCOPES)?;
    let ch = model::writable_channel(ctx.db, &who, &channel_arg(&args)?)?;
    no_ims(&ch)?;
    let admin = model::load_member(ctx.db, &who.id)?.is_some_and(|m| m.is_admin || m.is_owner);
    if ch.creator != who.id && !admin {
        return Err(ApiError::slack("not_authorized"));
    }
    let name = validate_name(&args.str("name").unwrap_or_default())?;
    if name != ch.name && name_taken(ctx, &name)? {
        return Err(ApiError::slack("name_taken"));
    }
    let mut previous = ch.previous_names.as_array().cloned().unwrap_or_default();
    if name != ch.name {
        previous.push(json!(ch.name));
    }
    ctx.db.execute(
        "UPDATE slack_channels SET name = ?2, previous_names = ?3 WHERE id = ?1",
        params![ch.id, name, Value::Array(previous).to_string()],
    )?;
    let ch = reload(ctx, &ch.id)?;
    ok(json!({"channel": model::conversation_json(ctx.db, &who, &ch)?}))
}

fn set_text(ctx: &mut Ctx<'_>, field: &str) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, WRITE_SCOPES)?;
    let ch = model::writable_channel(ctx.db, &who, &channel_arg(&args)?)?;
    let value = args.str(field).unwrap_or_default();
    if value.chars().count() > 250 {
        return Err(ApiError::slack("too_long"));
    }
    let (column, subtype, verb) = if field == "topic" {
        ("topic", "channel_topic", "set the channel topic")
    } else {
        ("purpose", "channel_purpose", "set the channel description")
    };
    ctx.db.execute(
        &format!("UPDATE slack_channels SET {column} = ?2, {column}_creator = ?3, {column}_last_set = ?4 WHERE id = ?1"),
        params![ch.id, value, who.id, ctx.now.timestamp()],
    )?;
    system_message(ctx, &ch.id, &who.id, subtype, &format!("{verb}: {value}"))?;
    let ch = reload(ctx, &ch.id)?;
    ok(json!({"channel": model::conversation_json(ctx.db, &who, &ch)?}))
}

pub fn set_topic(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    set_text(ctx, "topic")
}

pub fn set_purpose(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    set_text(ctx, "purpose")
}

/// Opens (or finds) the DM with one user, or the group DM with several.
pub fn open(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, &["im:write", "mpim:write", "channels:manage"])?;
    let return_im = args.bool("return_im", false)?;
    if let Some(id) = args.str("channel") {
        let ch = model::visible_channel(ctx.db, &who, &id)?;
        if !(ch.kind == "im" || ch.kind == "mpim") {
            return Err(ApiError::slack("method_not_supported_for_channel_type"));
        }
        return ok(json!({"channel": {"id": ch.id}, "already_open": true, "no_op": true}));
    }
    let users = args.list("users");
    if users.is_empty() {
        return Err(ApiError::slack("users_list_not_supplied"));
    }
    if users.len() > 8 {
        return Err(ApiError::slack("too_many_users"));
    }
    for u in &users {
        match model::load_member(ctx.db, u)? {
            None => return Err(ApiError::slack("user_not_found")),
            Some(m) if m.deleted => return Err(ApiError::slack("user_disabled")),
            Some(_) => {}
        }
    }
    let (id, already) = find_or_open(ctx, &who, users)?;
    let channel = if return_im {
        model::conversation_json(ctx.db, &who, &reload(ctx, &id)?)?
    } else {
        json!({"id": id})
    };
    if already {
        ok(json!({"channel": channel, "already_open": true, "no_op": true}))
    } else {
        ok(json!({"channel": channel}))
    }
}

/// The DM (one other user) or group DM (several) between the caller and `users`, created when
/// it does not exist yet; the flag says whether it already existed.
pub(super) fn find_or_open(
    ctx: &Ctx<'_>,
    who: &Caller,
    mut users: Vec<String>,
) -> Result<(String, bool), ApiError> {
    users.push(who.id.clone());
    users.sort();
    users.dedup();
    let kind = if users.len() <= 2 { "im" } else { "mpim" };
    // An existing conversation with exactly these members?
    let mut stmt = ctx.db.prepare_cached(
        "SELECT c.id FROM slack_channels c WHERE c.kind = ?1 AND \
         (SELECT group_concat(user_id, ',') FROM (SELECT user_id FROM slack_members m \
          WHERE m.channel_id = c.id ORDER BY user_id)) = ?2",
    )?;
    let existing: Option<String> = stmt
        .query_map(params![kind, users.join(",")], |r| r.get(0))?
        .next()
        .transpose()?;
    Ok(match existing {
        Some(id) => (id, true),
        None => {
            let id = if kind == "im" {
                format!("D{}", ids::upper_alnum(ctx.db, 10)?)
            } else {
                format!("C{}", ids::upper_alnum(ctx.db, 10)?)
            };
            let mut names = Vec::new();
            for u in &users {
                names.push(
                    model::load_member(ctx.db, u)?
                        .map(|m| m.name)
                        .unwrap_or_default(),
                );
            }
            let name = if kind == "im" {
                users.join("-")
            } else {
                format!("mpdm-{}-1", names.join("--"))
            };
            ctx.db.execute(
                "INSERT INTO slack_channels (id, name, kind, creator, created) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, name, kind, who.id, ctx.now.timestamp()],
            )?;
            for u in &users {
                add_member(ctx, &id, u)?;
            }
            (id, false)
        }
    })
}
