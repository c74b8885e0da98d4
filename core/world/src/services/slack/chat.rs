//! `chat.*`, `reactions.*` and `pins.*`: posting, editing and decorating messages.

use rusqlite::params;
use serde_json::{json, Value};

use super::args::{caller, ok, paginate, setup, Args};
use super::model::{self, Caller, Channel, Message};
use crate::rest::{ApiError, Ctx, Reply};
use crate::store::clock::ids;

const MAX_TEXT: usize = 40_000;

/// `channel` as an id, or (for posting, like Slack) a channel name with or without `#`.
fn posting_channel(ctx: &Ctx<'_>, who: &Caller, args: &Args) -> Result<Channel, ApiError> {
    let arg = args.need("channel", "channel_not_found")?;
    let id = match model::load_channel(ctx.db, &arg)? {
        Some(ch) => ch.id,
        None => match model::channel_by_name(ctx.db, arg.trim_start_matches('#'))? {
            Some(c) => c.id,
            // A user id posts to the DM with that user, opening it if needed (as Slack does).
            None => match model::load_member(ctx.db, &arg)? {
                Some(m) if !m.deleted && arg.starts_with('U') => {
                    super::conversations::find_or_open(ctx, who, vec![m.id])?.0
                }
                _ => return Err(ApiError::slack("channel_not_found")),
            },
        },
    };
    model::writable_channel(ctx.db, who, &id)
}

fn message_in(ctx: &Ctx<'_>, ch: &Channel, ts: &str) -> Result<Message, ApiError> {
    model::load_message(ctx.db, &ch.id, ts)?.ok_or_else(|| ApiError::slack("message_not_found"))
}

/// Blocks a message may hold (Slack's limit).
const MAX_BLOCKS: usize = 50;

fn text_arg(args: &Args) -> Result<String, ApiError> {
    let text = args.need("text", "no_text")?;
    if text.chars().count() > MAX_TEXT {
        return Err(ApiError::slack("msg_too_long"));
    }
    Ok(text)
}

/// `blocks`: a JSON array (in a JSON body, or as JSON text in a form) of at most 50 objects, each
/// with a string `type`. `[]` means no blocks.
fn blocks_arg(args: &Args) -> Result<Option<Vec<Value>>, ApiError> {
    match args.json("blocks") {
        Err(()) => Err(ApiError::slack("invalid_blocks_format")),
        Ok(None) => Ok(None),
        Ok(Some(Value::Array(blocks))) => {
            if blocks.len() > MAX_BLOCKS {
                return Err(ApiError::slack("invalid_blocks"));
            }
            let typed = |b: &Value| {
                b.get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| !t.is_empty())
            };
            if !blocks.iter().all(typed) {
                return Err(ApiError::slack("invalid_blocks"));
            }
            Ok(Some(blocks))
        }
        Ok(Some(_)) => Err(ApiError::slack("invalid_blocks_format")),
    }
}

/// The plain text of blocks (section, header and context texts, fields, in order): the message's
/// `text` when it is posted with blocks only, so that search and plain readers see it.
fn blocks_text(blocks: &[Value]) -> String {
    fn texts(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(o) => {
                if let (Some(Value::String(kind)), Some(Value::String(t))) =
                    (o.get("type"), o.get("text"))
                {
                    if kind == "plain_text" || kind == "mrkdwn" {
                        out.push(t.clone());
                        return;
                    }
                }
                for key in ["text", "fields", "elements"] {
                    if let Some(inner) = o.get(key) {
                        texts(inner, out);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| texts(i, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    blocks.iter().for_each(|b| texts(b, &mut out));
    out.join("\n")
}

/// The text and blocks a post or an update carries: `text`, or blocks with their text as the
/// fallback; neither is `no_text`.
fn content_args(args: &Args) -> Result<(String, Option<Vec<Value>>), ApiError> {
    let blocks = blocks_arg(args)?;
    let text = match (args.str("text"), &blocks) {
        (Some(t), _) => t,
        (None, Some(b)) if !b.is_empty() => blocks_text(b),
        (None, _) => return Err(ApiError::slack("no_text")),
    };
    if text.chars().count() > MAX_TEXT {
        return Err(ApiError::slack("msg_too_long"));
    }
    Ok((text, blocks))
}

fn blocks_json(blocks: &Option<Vec<Value>>) -> Option<String> {
    blocks
        .as_ref()
        .filter(|b| !b.is_empty())
        .map(|b| Value::Array(b.clone()).to_string())
}

/// The parent ts for a reply to `thread_ts` (a reply's own parent when given a reply).
fn thread_parent(ctx: &Ctx<'_>, ch: &Channel, thread_ts: &str) -> Result<String, ApiError> {
    let parent = model::load_message(ctx.db, &ch.id, thread_ts)?
        .ok_or_else(|| ApiError::slack("thread_not_found"))?;
    Ok(parent.thread_ts.unwrap_or(parent.ts))
}

pub fn post_message(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, &["chat:write"])?;
    let ch = posting_channel(ctx, &who, &args)?;
    let (text, blocks) = content_args(&args)?;
    let thread = match args.str("thread_ts") {
        Some(t) => Some(thread_parent(ctx, &ch, &t)?),
        None => None,
    };
    let broadcast = thread.is_some() && args.bool("reply_broadcast", false)?;
    let ts = model::new_ts(ctx.db, &ch.id, ctx.now)?;
    ctx.db.execute(
        "INSERT INTO slack_messages (channel_id, ts, user_id, text, subtype, thread_ts, reply_broadcast, blocks) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            ch.id,
            ts,
            who.id,
            text,
            if broadcast { Some("thread_broadcast") } else { None },
            thread,
            broadcast,
            blocks_json(&blocks)
        ],
    )?;
    if let Some(parent) = &thread {
        // The parent becomes a thread root.
        ctx.db.execute(
            "UPDATE slack_messages SET thread_ts = ts WHERE channel_id = ?1 AND ts = ?2",
            params![ch.id, parent],
        )?;
        model::refresh_thread(ctx.db, &ch.id, parent)?;
    }
    let team = model::team_id(ctx.db)?;
    let msg = message_in(ctx, &ch, &ts)?;
    ok(json!({"channel": ch.id, "ts": ts, "message": model::message_json(ctx.db, &team, &msg)?}))
}

pub fn update(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, &["chat:write"])?;
    let ch = model::visible_channel(ctx.db, &who, &args.need("channel", "channel_not_found")?)?;
    let ts = args.need("ts", "message_not_found")?;
    let msg = message_in(ctx, &ch, &ts)?;
    if ch.is_archived {
        return Err(ApiError::slack("is_archived"));
    }
    if msg.user_id != who.id || msg.subtype.as_deref() == Some("tombstone") {
        return Err(ApiError::slack("cant_update_message"));
    }
    let (text, blocks) = content_args(&args)?;
    let edited = model::ts_of(ctx.now, 0);
    ctx.db.execute(
        "UPDATE slack_messages SET text = ?3, edited_ts = ?4 WHERE channel_id = ?1 AND ts = ?2",
        params![ch.id, ts, text, edited],
    )?;
    // Blocks left out are kept; `[]` removes them.
    if blocks.is_some() {
        ctx.db.execute(
            "UPDATE slack_messages SET blocks = ?3 WHERE channel_id = ?1 AND ts = ?2",
            params![ch.id, ts, blocks_json(&blocks)],
        )?;
    }
    let mut message =
        json!({"text": text, "user": who.id, "edited": {"user": who.id, "ts": edited}});
    if let Some(b) = message_in(ctx, &ch, &ts)?.blocks {
        message["blocks"] = b;
    }
    ok(json!({"channel": ch.id, "ts": ts, "text": text, "message": message}))
}

pub fn delete(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, &["chat:write"])?;
    let ch = model::visible_channel(ctx.db, &who, &args.need("channel", "channel_not_found")?)?;
    let ts = args.need("ts", "message_not_found")?;
    let msg = message_in(ctx, &ch, &ts)?;
    if ch.is_archived {
        return Err(ApiError::slack("is_archived"));
    }
    let admin = !who.is_bot
        && model::load_member(ctx.db, &who.id)?.is_some_and(|m| m.is_admin || m.is_owner);
    if msg.user_id != who.id && !admin {
        return Err(ApiError::slack("cant_delete_message"));
    }
    ctx.db.execute(
        "DELETE FROM slack_reactions WHERE channel_id = ?1 AND ts = ?2",
        params![ch.id, ts],
    )?;
    ctx.db.execute(
        "DELETE FROM slack_pins WHERE channel_id = ?1 AND ts = ?2",
        params![ch.id, ts],
    )?;
    if !msg.is_reply() && msg.reply_count > 0 {
        // A thread root with replies stays as a tombstone, as in Slack.
        ctx.db.execute(
            "UPDATE slack_messages SET text = 'This message was deleted.', subtype = 'tombstone', \
             user_id = 'USLACKBOT', file_ids = '[]' WHERE channel_id = ?1 AND ts = ?2",
            params![ch.id, ts],
        )?;
    } else {
        ctx.db.execute(
            "DELETE FROM slack_messages WHERE channel_id = ?1 AND ts = ?2",
            params![ch.id, ts],
        )?;
        if let Some(parent) = msg.thread_ts.as_deref().filter(|_| msg.is_reply()) {
            model::refresh_thread(ctx.db, &ch.id, parent)?;
        }
    }
    ok(json!({"channel": ch.id, "ts": ts}))
}

pub fn get_permalink(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let args = Args::parse(ctx)?;
    let who = caller(ctx)?;
    let ch = model::visible_channel(ctx.db, &who, &args.need("channel", "channel_not_found")?)?;
    let ts = args.need("message_ts", "message_not_found")?;
    let msg = message_in(ctx, &ch, &ts)?;
    ok(
        json!({"channel": ch.id, "permalink": model::permalink(&ch.id, &msg.ts, msg.thread_ts.as_deref())}),
    )
}

fn workspace_bot_id(ctx: &Ctx<'_>, who: &Caller) -> Result<String, ApiError> {
    if let Some(b) = &who.bot_id {
        return Ok(b.clone());
    }
    Ok(ctx
        .db
        .query_row(
            "SELECT bot_id FROM slack_users WHERE is_bot = 1 AND bot_id IS NOT NULL ORDER BY id LIMIT 1",
            [],
            |r| r.get::<_, String>(0),
        )
        .unwrap_or_else(|_| "B0000000000".into()))
}

pub fn schedule_message(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, &["chat:write"])?;
    let ch = posting_channel(ctx, &who, &args)?;
    let text = text_arg(&args)?;
    let post_at = args
        .int("post_at")?
        .ok_or_else(|| ApiError::slack("invalid_time"))?;
    let now = ctx.now.timestamp();
    if post_at <= now {
        return Err(ApiError::slack("time_in_past"));
    }
    if post_at > now + 120 * 86_400 {
        return Err(ApiError::slack("time_too_far"));
    }
    let thread = match args.str("thread_ts") {
        Some(t) => Some(thread_parent(ctx, &ch, &t)?),
        None => None,
    };
    let id = format!("Q{}", ids::upper_alnum(ctx.db, 10)?);
    ctx.db.execute(
        "INSERT INTO slack_scheduled (id, channel_id, user_id, text, thread_ts, post_at, date_created) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, ch.id, who.id, text, thread, post_at, now],
    )?;
    let team = model::team_id(ctx.db)?;
    ok(json!({
        "channel": ch.id,
        "scheduled_message_id": id,
        "post_at": post_at,
        "message": {"type": "message", "text": text, "user": who.id, "bot_id": workspace_bot_id(ctx, &who)?, "team": team},
    }))
}

pub fn scheduled_list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, &["chat:write"])?;
    let channel = match args.str("channel") {
        Some(c) => Some(model::visible_channel(ctx.db, &who, &c)?.id),
        None => None,
    };
    let oldest = args.int("oldest").unwrap_or(None);
    let latest = args.int("latest").unwrap_or(None);
    let mut stmt = ctx.db.prepare_cached(
        "SELECT id, channel_id, post_at, date_created, text FROM slack_scheduled \
         WHERE user_id = ?1 ORDER BY post_at, id",
    )?;
    let rows: Vec<(String, String, i64, i64, String)> = stmt
        .query_map([&who.id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let items: Vec<Value> = rows
        .into_iter()
        .filter(|r| channel.as_deref().is_none_or(|c| c == r.1))
        .filter(|r| oldest.is_none_or(|o| r.2 >= o) && latest.is_none_or(|l| r.2 <= l))
        .map(|(id, ch, post_at, created, text)| {
            json!({"id": id, "channel_id": ch, "post_at": post_at, "date_created": created, "text": text})
        })
        .collect();
    let (page, next) = paginate(items, &args, 100, 1000)?;
    ok(json!({"scheduled_messages": page, "response_metadata": {"next_cursor": next}}))
}

pub fn delete_scheduled(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, &["chat:write"])?;
    let ch = model::visible_channel(ctx.db, &who, &args.need("channel", "channel_not_found")?)?;
    let id = args.need("scheduled_message_id", "invalid_scheduled_message_id")?;
    let n = ctx.db.execute(
        "DELETE FROM slack_scheduled WHERE id = ?1 AND channel_id = ?2 AND user_id = ?3",
        params![id, ch.id, who.id],
    )?;
    if n == 0 {
        return Err(ApiError::slack("invalid_scheduled_message_id"));
    }
    ok(json!({}))
}

fn emoji_name(args: &Args) -> Result<String, ApiError> {
    let name = args.need("name", "invalid_name")?;
    let name = name.trim_matches(':').to_string();
    if name.is_empty()
        || name.len() > 100
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+-'".contains(c) || c == ':')
    {
        return Err(ApiError::slack("invalid_name"));
    }
    Ok(name)
}

fn reaction_target(
    ctx: &Ctx<'_>,
    who: &Caller,
    args: &Args,
) -> Result<(Channel, Message), ApiError> {
    let ch = model::readable_channel(ctx.db, who, &args.need("channel", "channel_not_found")?)?;
    let ts = args
        .str("timestamp")
        .or_else(|| args.str("ts"))
        .ok_or_else(|| ApiError::slack("message_not_found"))?;
    let msg = message_in(ctx, &ch, &ts)?;
    Ok((ch, msg))
}

pub fn reactions_add(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, &["reactions:write"])?;
    let (ch, msg) = reaction_target(ctx, &who, &args)?;
    if ch.is_archived {
        return Err(ApiError::slack("is_archived"));
    }
    let name = emoji_name(&args)?;
    let n = ctx.db.execute(
        "INSERT OR IGNORE INTO slack_reactions (channel_id, ts, name, user_id, created) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![ch.id, msg.ts, name, who.id, ctx.now.timestamp()],
    )?;
    if n == 0 {
        return Err(ApiError::slack("already_reacted"));
    }
    ok(json!({}))
}

pub fn reactions_remove(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, &["reactions:write"])?;
    let (ch, msg) = reaction_target(ctx, &who, &args)?;
    let name = emoji_name(&args)?;
    let n = ctx.db.execute(
        "DELETE FROM slack_reactions WHERE channel_id = ?1 AND ts = ?2 AND name = ?3 AND user_id = ?4",
        params![ch.id, msg.ts, name, who.id],
    )?;
    if n == 0 {
        return Err(ApiError::slack("no_reaction"));
    }
    ok(json!({}))
}

pub fn reactions_get(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, &["reactions:read"])?;
    let (ch, msg) = reaction_target(ctx, &who, &args)?;
    let team = model::team_id(ctx.db)?;
    ok(
        json!({"type": "message", "channel": ch.id, "message": model::message_json(ctx.db, &team, &msg)?}),
    )
}

pub fn reactions_list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, &["reactions:read"])?;
    let user = args.str("user").unwrap_or(who.id.clone());
    let mut stmt = ctx.db.prepare_cached(
        "SELECT channel_id, ts FROM slack_reactions WHERE user_id = ?1 \
         GROUP BY channel_id, ts ORDER BY MAX(created) DESC, ts DESC",
    )?;
    let keys: Vec<(String, String)> = stmt
        .query_map([&user], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut visible = Vec::new();
    for (channel, ts) in keys {
        if model::visible_channel(ctx.db, &who, &channel).is_ok() {
            if let Some(m) = model::load_message(ctx.db, &channel, &ts)? {
                visible.push(m);
            }
        }
    }
    let (page, next) = paginate(visible, &args, 100, 1000)?;
    let team = model::team_id(ctx.db)?;
    let items = page
        .iter()
        .map(|m| {
            Ok(json!({"type": "message", "channel": m.channel_id, "message": model::message_json(ctx.db, &team, m)?}))
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    ok(json!({"items": items, "response_metadata": {"next_cursor": next}}))
}

pub fn pins_add(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, &["pins:write"])?;
    let ch = model::writable_channel(ctx.db, &who, &args.need("channel", "channel_not_found")?)?;
    let ts = args.need("timestamp", "no_item_specified")?;
    let msg = message_in(ctx, &ch, &ts)?;
    let n = ctx.db.execute(
        "INSERT OR IGNORE INTO slack_pins (channel_id, ts, pinned_by, created) VALUES (?1, ?2, ?3, ?4)",
        params![ch.id, msg.ts, who.id, ctx.now.timestamp()],
    )?;
    if n == 0 {
        return Err(ApiError::slack("already_pinned"));
    }
    ok(json!({}))
}

pub fn pins_remove(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, &["pins:write"])?;
    let ch = model::writable_channel(ctx.db, &who, &args.need("channel", "channel_not_found")?)?;
    let ts = args.need("timestamp", "no_item_specified")?;
    message_in(ctx, &ch, &ts)?;
    let n = ctx.db.execute(
        "DELETE FROM slack_pins WHERE channel_id = ?1 AND ts = ?2",
        params![ch.id, ts],
    )?;
    if n == 0 {
        return Err(ApiError::slack("no_pin"));
    }
    ok(json!({}))
}

pub fn pins_list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, &["pins:read"])?;
    let ch = model::readable_channel(ctx.db, &who, &args.need("channel", "channel_not_found")?)?;
    let mut stmt = ctx.db.prepare_cached(
        "SELECT ts, pinned_by, created FROM slack_pins WHERE channel_id = ?1 ORDER BY created DESC, ts DESC",
    )?;
    let pins: Vec<(String, String, i64)> = stmt
        .query_map([&ch.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let team = model::team_id(ctx.db)?;
    let mut items = Vec::new();
    for (ts, by, created) in pins {
        if let Some(m) = model::load_message(ctx.db, &ch.id, &ts)? {
            items.push(json!({
                "type": "message", "channel": ch.id, "created": created, "created_by": by,
                "message": model::message_json(ctx.db, &team, &m)?,
            }));
        }
    }
    ok(json!({"items": items}))
}
