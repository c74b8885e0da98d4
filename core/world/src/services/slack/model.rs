//! Rows of the Slack tables and their Web API JSON shapes (conversation, message, user, file).

use chrono::{DateTime, Offset, TimeZone, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::{json, Map, Value};

use crate::rest::ApiError;

pub const WORKSPACE_URL: &str = "https://nexusai.slack.com/";

/// A conversation row.
#[derive(Clone, Debug)]
pub struct Channel {
    pub id: String,
    pub name: String,
    /// `public`, `private`, `im` or `mpim`.
    pub kind: String,
    pub creator: String,
    pub created: i64,
    pub is_archived: bool,
    pub is_general: bool,
    pub topic: (String, String, i64),
    pub purpose: (String, String, i64),
    pub previous_names: Value,
}

impl Channel {
    pub fn is_public(&self) -> bool {
        self.kind == "public"
    }
    pub fn is_im(&self) -> bool {
        self.kind == "im"
    }
}

const CHANNEL_COLUMNS: &str = "id, name, kind, creator, created, is_archived, is_general, topic, \
topic_creator, topic_last_set, purpose, purpose_creator, purpose_last_set, previous_names";

fn channel_from_row(r: &Row<'_>) -> rusqlite::Result<Channel> {
    let previous: String = r.get(13)?;
    Ok(Channel {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: r.get(2)?,
        creator: r.get(3)?,
        created: r.get(4)?,
        is_archived: r.get(5)?,
        is_general: r.get(6)?,
        topic: (r.get(7)?, r.get(8)?, r.get(9)?),
        purpose: (r.get(10)?, r.get(11)?, r.get(12)?),
        previous_names: serde_json::from_str(&previous).unwrap_or_else(|_| json!([])),
    })
}

pub fn load_channel(db: &Connection, id: &str) -> Result<Option<Channel>, ApiError> {
    let mut stmt = db.prepare_cached(&format!(
        "SELECT {CHANNEL_COLUMNS} FROM slack_channels WHERE id = ?1"
    ))?;
    Ok(stmt.query_row([id], channel_from_row).optional()?)
}

pub fn channel_by_name(db: &Connection, name: &str) -> Result<Option<Channel>, ApiError> {
    let mut stmt = db.prepare_cached(&format!(
        "SELECT {CHANNEL_COLUMNS} FROM slack_channels WHERE name = ?1 AND kind IN ('public', 'private')"
    ))?;
    Ok(stmt.query_row([name], channel_from_row).optional()?)
}

pub fn all_channels(db: &Connection) -> Result<Vec<Channel>, ApiError> {
    let mut stmt = db.prepare_cached(&format!(
        "SELECT {CHANNEL_COLUMNS} FROM slack_channels ORDER BY created, id"
    ))?;
    let rows = stmt.query_map([], channel_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn is_member(db: &Connection, channel: &str, user: &str) -> Result<bool, ApiError> {
    Ok(db
        .prepare_cached("SELECT 1 FROM slack_members WHERE channel_id = ?1 AND user_id = ?2")?
        .exists(params![channel, user])?)
}

pub fn members(db: &Connection, channel: &str) -> Result<Vec<String>, ApiError> {
    let mut stmt = db.prepare_cached(
        "SELECT user_id FROM slack_members WHERE channel_id = ?1 ORDER BY joined, user_id",
    )?;
    let rows = stmt.query_map([channel], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A conversation the caller may see: public channels, or ones the caller belongs to. Anything
/// else is `channel_not_found`, exactly like a channel that does not exist.
pub fn visible_channel(db: &Connection, caller: &Caller, id: &str) -> Result<Channel, ApiError> {
    let channel = load_channel(db, id)?.ok_or_else(|| ApiError::slack("channel_not_found"))?;
    if channel.is_public() || is_member(db, &channel.id, &caller.id)? {
        Ok(channel)
    } else {
        Err(ApiError::slack("channel_not_found"))
    }
}

/// A conversation the caller may read: a visible one; reading a public channel needs no
/// membership for user tokens, but bots must be members.
pub fn readable_channel(db: &Connection, caller: &Caller, id: &str) -> Result<Channel, ApiError> {
    let channel = visible_channel(db, caller, id)?;
    if caller.is_bot && !is_member(db, &channel.id, &caller.id)? {
        return Err(ApiError::slack("not_in_channel"));
    }
    Ok(channel)
}

/// A conversation the caller may write to: visible, a member, not archived.
pub fn writable_channel(db: &Connection, caller: &Caller, id: &str) -> Result<Channel, ApiError> {
    let channel = visible_channel(db, caller, id)?;
    if channel.is_archived {
        return Err(ApiError::slack("is_archived"));
    }
    if !is_member(db, &channel.id, &caller.id)? {
        return Err(ApiError::slack("not_in_channel"));
    }
    Ok(channel)
}

/// Conversation JSON as the caller sees it (`objs_conversation`).
pub fn conversation_json(
    db: &Connection,
    caller: &Caller,
    ch: &Channel,
) -> Result<Value, ApiError> {
    let members = members(db, &ch.id)?;
    let is_member = members.contains(&caller.id);
    if ch.is_im() {
        let other = members
            .iter()
            .find(|m| **m != caller.id)
            .or(members.first())
            .cloned()
            .unwrap_or_default();
        return Ok(json!({
            "id": ch.id, "created": ch.created, "is_im": true, "is_org_shared": false,
            "user": other, "priority": 0, "is_archived": ch.is_archived, "is_open": true,
            "is_shared": false, "is_ext_shared": false, "is_user_deleted": false,
        }));
    }
    let private = ch.kind != "public";
    Ok(json!({
        "id": ch.id,
        "name": ch.name,
        "is_channel": ch.kind == "public",
        "is_group": ch.kind == "private",
        "is_im": false,
        "is_mpim": ch.kind == "mpim",
        "is_private": private,
        "created": ch.created,
        "creator": ch.creator,
        "is_archived": ch.is_archived,
        "is_general": ch.is_general,
        "unlinked": 0,
        "name_normalized": ch.name,
        "is_shared": false,
        "is_org_shared": false,
        "is_ext_shared": false,
        "is_pending_ext_shared": false,
        "pending_shared": [],
        "is_member": is_member,
        "topic": {"value": ch.topic.0, "creator": ch.topic.1, "last_set": ch.topic.2},
        "purpose": {"value": ch.purpose.0, "creator": ch.purpose.1, "last_set": ch.purpose.2},
        "previous_names": ch.previous_names,
        "num_members": members.len(),
    }))
}

/// A message row.
#[derive(Clone, Debug)]
pub struct Message {
    pub channel_id: String,
    pub ts: String,
    pub user_id: String,
    pub text: String,
    pub subtype: Option<String>,
    pub thread_ts: Option<String>,
    pub reply_count: i64,
    pub latest_reply: Option<String>,
    #[allow(dead_code)] // the row mirrors its table; no handler reads this column yet
    pub reply_broadcast: bool,
    pub edited_ts: Option<String>,
    pub file_ids: Vec<String>,
    /// Block Kit blocks, as posted.
    pub blocks: Option<Value>,
}

impl Message {
    /// A reply in a thread (not the thread's parent).
    pub fn is_reply(&self) -> bool {
        self.thread_ts.as_deref().is_some_and(|t| t != self.ts)
    }
}

pub const MESSAGE_COLUMNS: &str =
    "channel_id, ts, user_id, text, subtype, thread_ts, reply_count, \
latest_reply, reply_broadcast, edited_ts, file_ids, blocks";

pub fn message_from_row(r: &Row<'_>) -> rusqlite::Result<Message> {
    let files: String = r.get(10)?;
    Ok(Message {
        channel_id: r.get(0)?,
        ts: r.get(1)?,
        user_id: r.get(2)?,
        text: r.get(3)?,
        subtype: r.get(4)?,
        thread_ts: r.get(5)?,
        reply_count: r.get(6)?,
        latest_reply: r.get(7)?,
        reply_broadcast: r.get(8)?,
        edited_ts: r.get(9)?,
        file_ids: serde_json::from_str(&files).unwrap_or_default(),
        blocks: r
            .get::<_, Option<String>>(11)?
            .and_then(|b| serde_json::from_str(&b).ok()),
    })
}

pub fn load_message(db: &Connection, channel: &str, ts: &str) -> Result<Option<Message>, ApiError> {
    let mut stmt = db.prepare_cached(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM slack_messages WHERE channel_id = ?1 AND ts = ?2"
    ))?;
    Ok(stmt.query_row([channel, ts], message_from_row).optional()?)
}

pub fn thread_replies(db: &Connection, channel: &str, ts: &str) -> Result<Vec<Message>, ApiError> {
    let mut stmt = db.prepare_cached(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM slack_messages \
         WHERE channel_id = ?1 AND thread_ts = ?2 AND ts != ?2 ORDER BY ts"
    ))?;
    let rows = stmt.query_map([channel, ts], message_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Recomputes a thread parent's `reply_count` and `latest_reply` after a reply came or went.
pub fn refresh_thread(db: &Connection, channel: &str, parent_ts: &str) -> Result<(), ApiError> {
    db.execute(
        "UPDATE slack_messages SET \
           reply_count = (SELECT COUNT(*) FROM slack_messages r WHERE r.channel_id = ?1 AND r.thread_ts = ?2 AND r.ts != ?2), \
           latest_reply = (SELECT MAX(ts) FROM slack_messages r WHERE r.channel_id = ?1 AND r.thread_ts = ?2 AND r.ts != ?2) \
         WHERE channel_id = ?1 AND ts = ?2",
        params![channel, parent_ts],
    )?;
    Ok(())
}

/// Slack's `ts` for `t`: `seconds.micro6`.
pub fn ts_of(t: DateTime<Utc>, micro: u32) -> String {
    format!("{:010}.{:06}", t.timestamp(), micro % 1_000_000)
}

/// A fresh `ts` for a new message in `channel`: the world clock's second, with the micro part
/// counting up so that several messages in one second stay unique.
pub fn new_ts(db: &Connection, channel: &str, now: DateTime<Utc>) -> Result<String, ApiError> {
    let second = format!("{:010}.", now.timestamp());
    let latest: Option<String> = db.query_row(
        "SELECT MAX(ts) FROM slack_messages WHERE channel_id = ?1 AND ts >= ?2",
        params![channel, second],
        |r| r.get(0),
    )?;
    let micro = match latest.filter(|l| l.starts_with(&second)) {
        Some(l) => l[second.len()..].parse::<u32>().unwrap_or(0) + 1,
        None => 100,
    };
    if let Some(l) = db
        .query_row(
            "SELECT MAX(ts) FROM slack_messages WHERE channel_id = ?1",
            [channel],
            |r| r.get::<_, Option<String>>(0),
        )?
        .filter(|l| l.as_str() > second.as_str())
    {
        // The channel already has a later message (seeded in the future): go one past it.
        let (secs, mic) = l.split_once('.').unwrap_or((&l, "0"));
        return Ok(after(secs.parse().unwrap_or(0), mic.parse().unwrap_or(0)));
    }
    Ok(after(now.timestamp(), micro.saturating_sub(1)))
}

/// The ts right after `secs.micro` (carrying into the next second).
fn after(secs: i64, micro: u32) -> String {
    if micro >= 999_999 {
        format!("{:010}.000000", secs + 1)
    } else {
        format!("{secs:010}.{:06}", micro + 1)
    }
}

/// Whether `ts` looks like a Slack timestamp.
pub fn is_ts(ts: &str) -> bool {
    match ts.split_once('.') {
        Some((a, b)) => {
            !a.is_empty()
                && a.len() <= 12
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.len() <= 6
                && b.bytes().all(|c| c.is_ascii_digit())
        }
        None => !ts.is_empty() && ts.len() <= 12 && ts.bytes().all(|c| c.is_ascii_digit()),
    }
}

/// `ts` as a float for range comparisons (`oldest`, `latest`).
pub fn ts_value(ts: &str) -> Option<f64> {
    if is_ts(ts) {
        ts.parse().ok()
    } else {
        None
    }
}

pub fn permalink(channel: &str, ts: &str, thread_ts: Option<&str>) -> String {
    let base = format!("{WORKSPACE_URL}archives/{channel}/p{}", ts.replace('.', ""));
    match thread_ts.filter(|t| *t != ts) {
        Some(parent) => format!("{base}?thread_ts={parent}&cid={channel}"),
        None => base,
    }
}

pub fn team_id(db: &Connection) -> Result<String, ApiError> {
    db.query_row("SELECT id FROM slack_team LIMIT 1", [], |r| r.get(0))
        .optional()?
        .ok_or_else(|| ApiError::slack("invalid_auth"))
}

/// Posts the scheduled messages whose time has come (the world clock moved past `post_at`).
/// Called whenever a Slack request arrives, so a later read sees them in the channel.
pub fn deliver_due(db: &Connection, now: DateTime<Utc>) -> Result<(), ApiError> {
    let mut stmt = db.prepare_cached(
        "SELECT id, channel_id, user_id, text, thread_ts, post_at FROM slack_scheduled \
         WHERE post_at <= ?1 ORDER BY post_at, id",
    )?;
    type Due = (String, String, String, String, Option<String>, i64);
    let due: Vec<Due> = stmt
        .query_map([now.timestamp()], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (id, channel, user, text, thread, post_at) in due {
        let at = Utc.timestamp_opt(post_at, 0).single().unwrap_or(now);
        let ts = new_ts(db, &channel, at)?;
        db.execute(
            "INSERT INTO slack_messages (channel_id, ts, user_id, text, thread_ts) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![channel, ts, user, text, thread],
        )?;
        if let Some(parent) = &thread {
            db.execute(
                "UPDATE slack_messages SET thread_ts = ts WHERE channel_id = ?1 AND ts = ?2",
                params![channel, parent],
            )?;
            refresh_thread(db, &channel, parent)?;
        }
        db.execute("DELETE FROM slack_scheduled WHERE id = ?1", [&id])?;
    }
    Ok(())
}

/// Message JSON (`objs_message`) with reactions, pins, files and thread fields.
pub fn message_json(db: &Connection, team: &str, m: &Message) -> Result<Value, ApiError> {
    let mut o = Map::new();
    o.insert("type".into(), json!("message"));
    o.insert("user".into(), json!(m.user_id));
    o.insert("text".into(), json!(m.text));
    if let Some(blocks) = &m.blocks {
        o.insert("blocks".into(), blocks.clone());
    }
    o.insert("ts".into(), json!(m.ts));
    o.insert("team".into(), json!(team));
    if let Some(bot_id) = db
        .prepare_cached("SELECT bot_id FROM slack_users WHERE id = ?1 AND is_bot = 1")?
        .query_row([&m.user_id], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten()
    {
        o.insert("bot_id".into(), json!(bot_id));
    }
    if let Some(sub) = &m.subtype {
        o.insert("subtype".into(), json!(sub));
    }
    if let Some(thread_ts) = &m.thread_ts {
        o.insert("thread_ts".into(), json!(thread_ts));
        if m.is_reply() {
            let parent_user: Option<String> = db
                .prepare_cached(
                    "SELECT user_id FROM slack_messages WHERE channel_id = ?1 AND ts = ?2",
                )?
                .query_row([&m.channel_id, thread_ts], |r| r.get(0))
                .optional()?;
            if let Some(p) = parent_user {
                o.insert("parent_user_id".into(), json!(p));
            }
        } else {
            let mut stmt = db.prepare_cached(
                "SELECT user_id FROM slack_messages WHERE channel_id = ?1 AND thread_ts = ?2 \
                 AND ts != ?2 GROUP BY user_id ORDER BY MIN(ts)",
            )?;
            let users: Vec<String> = stmt
                .query_map([&m.channel_id, &m.ts], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            o.insert("reply_count".into(), json!(m.reply_count));
            o.insert("reply_users_count".into(), json!(users.len()));
            o.insert("reply_users".into(), json!(users));
            if let Some(l) = &m.latest_reply {
                o.insert("latest_reply".into(), json!(l));
            }
        }
    }
    if let Some(edited) = &m.edited_ts {
        o.insert("edited".into(), json!({"user": m.user_id, "ts": edited}));
    }
    let reactions = reactions_json(db, &m.channel_id, &m.ts)?;
    if !reactions.is_empty() {
        o.insert("reactions".into(), Value::Array(reactions));
    }
    let pinned = db
        .prepare_cached("SELECT 1 FROM slack_pins WHERE channel_id = ?1 AND ts = ?2")?
        .exists([&m.channel_id, &m.ts])?;
    if pinned {
        o.insert("pinned_to".into(), json!([m.channel_id]));
    }
    if !m.file_ids.is_empty() {
        let mut files = Vec::new();
        for id in &m.file_ids {
            if let Some(f) = load_file(db, id)? {
                files.push(file_json(db, &f)?);
            }
        }
        o.insert("files".into(), Value::Array(files));
    }
    Ok(Value::Object(o))
}

/// `[{name, users, count}]` for one message, in order of first use.
pub fn reactions_json(db: &Connection, channel: &str, ts: &str) -> Result<Vec<Value>, ApiError> {
    let mut stmt = db.prepare_cached(
        "SELECT name, user_id FROM slack_reactions WHERE channel_id = ?1 AND ts = ?2 \
         ORDER BY created, name, user_id",
    )?;
    let rows: Vec<(String, String)> = stmt
        .query_map([channel, ts], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for (name, user) in rows {
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some((_, users)) => users.push(user),
            None => out.push((name, vec![user])),
        }
    }
    Ok(out
        .into_iter()
        .map(|(name, users)| json!({"name": name, "count": users.len(), "users": users}))
        .collect())
}

/// A file row.
#[derive(Clone, Debug)]
pub struct File {
    pub id: String,
    pub name: String,
    pub title: String,
    pub mimetype: String,
    pub filetype: String,
    pub size: i64,
    pub user_id: String,
    pub created: i64,
    pub channel_id: String,
    #[allow(dead_code)] // the row mirrors its table; no handler reads this column yet
    pub ts: String,
}

pub const FILE_COLUMNS: &str =
    "id, name, title, mimetype, filetype, size, user_id, created, channel_id, ts";

pub fn file_from_row(r: &Row<'_>) -> rusqlite::Result<File> {
    Ok(File {
        id: r.get(0)?,
        name: r.get(1)?,
        title: r.get(2)?,
        mimetype: r.get(3)?,
        filetype: r.get(4)?,
        size: r.get(5)?,
        user_id: r.get(6)?,
        created: r.get(7)?,
        channel_id: r.get(8)?,
        ts: r.get(9)?,
    })
}

pub fn load_file(db: &Connection, id: &str) -> Result<Option<File>, ApiError> {
    let mut stmt = db.prepare_cached(&format!(
        "SELECT {FILE_COLUMNS} FROM slack_files WHERE id = ?1"
    ))?;
    Ok(stmt.query_row([id], file_from_row).optional()?)
}

/// File JSON (`objs_file`).
pub fn file_json(db: &Connection, f: &File) -> Result<Value, ApiError> {
    let kind: Option<String> = db
        .prepare_cached("SELECT kind FROM slack_channels WHERE id = ?1")?
        .query_row([&f.channel_id], |r| r.get(0))
        .optional()?;
    let is_im = kind.as_deref() == Some("im");
    let url = format!("https://files.slack.com/files-pri/{}/{}", f.id, f.name);
    Ok(json!({
        "id": f.id,
        "created": f.created,
        "timestamp": f.created,
        "name": f.name,
        "title": f.title,
        "mimetype": f.mimetype,
        "filetype": f.filetype,
        "pretty_type": f.filetype.to_uppercase(),
        "user": f.user_id,
        "editable": false,
        "size": f.size,
        "mode": "hosted",
        "is_external": false,
        "external_type": "",
        "is_public": kind.as_deref() == Some("public"),
        "public_url_shared": false,
        "display_as_bot": false,
        "url_private": url,
        "url_private_download": format!("{url}?download=1"),
        "permalink": format!("{WORKSPACE_URL}files/{}/{}/{}", f.user_id, f.id, f.name),
        "channels": if is_im { json!([]) } else { json!([f.channel_id]) },
        "ims": if is_im { json!([f.channel_id]) } else { json!([]) },
        "comments_count": 0,
    }))
}

/// A Slack member row.
#[derive(Clone, Debug)]
pub struct Member {
    pub id: String,
    #[allow(dead_code)] // the row mirrors its table; no handler reads this column yet
    pub directory_id: Option<String>,
    pub name: String,
    pub real_name: String,
    pub display_name: String,
    pub email: Option<String>,
    pub title: String,
    pub tz: String,
    pub color: String,
    pub is_bot: bool,
    pub bot_id: Option<String>,
    pub is_admin: bool,
    pub is_owner: bool,
    pub is_restricted: bool,
    pub deleted: bool,
    pub status_text: String,
    pub status_emoji: String,
    pub updated: i64,
}

pub const MEMBER_COLUMNS: &str = "id, directory_id, name, real_name, display_name, email, title, \
tz, color, is_bot, bot_id, is_admin, is_owner, is_restricted, deleted, status_text, status_emoji, updated";

pub fn member_from_row(r: &Row<'_>) -> rusqlite::Result<Member> {
    Ok(Member {
        id: r.get(0)?,
        directory_id: r.get(1)?,
        name: r.get(2)?,
        real_name: r.get(3)?,
        display_name: r.get(4)?,
        email: r.get(5)?,
        title: r.get(6)?,
        tz: r.get(7)?,
        color: r.get(8)?,
        is_bot: r.get(9)?,
        bot_id: r.get(10)?,
        is_admin: r.get(11)?,
        is_owner: r.get(12)?,
        is_restricted: r.get(13)?,
        deleted: r.get(14)?,
        status_text: r.get(15)?,
        status_emoji: r.get(16)?,
        updated: r.get(17)?,
    })
}

pub fn load_member(db: &Connection, id: &str) -> Result<Option<Member>, ApiError> {
    let mut stmt = db.prepare_cached(&format!(
        "SELECT {MEMBER_COLUMNS} FROM slack_users WHERE id = ?1"
    ))?;
    Ok(stmt.query_row([id], member_from_row).optional()?)
}

pub fn all_members(db: &Connection) -> Result<Vec<Member>, ApiError> {
    let mut stmt = db.prepare_cached(&format!(
        "SELECT {MEMBER_COLUMNS} FROM slack_users ORDER BY id"
    ))?;
    let rows = stmt.query_map([], member_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn split_name(real: &str) -> (String, String) {
    match real.split_once(' ') {
        Some((a, b)) => (a.to_string(), b.to_string()),
        None => (real.to_string(), String::new()),
    }
}

/// Profile JSON (`objs_user_profile`); the email only with `users:read.email`.
pub fn profile_json(m: &Member, team: &str, with_email: bool) -> Value {
    let (first, last) = split_name(&m.real_name);
    let hash = format!(
        "{:x}",
        m.id.bytes().fold(7u64, |h, b| h * 31 + b as u64) & 0xfff_ffff_ffff
    );
    let image = |size: u32| {
        format!(
            "https://avatars.slack-edge.com/{}/{}_{size}.png",
            m.id, &hash
        )
    };
    let mut p = json!({
        "real_name": m.real_name,
        "real_name_normalized": m.real_name,
        "display_name": m.display_name,
        "display_name_normalized": m.display_name,
        "first_name": first,
        "last_name": last,
        "title": m.title,
        "phone": "",
        "skype": "",
        "fields": {},
        "status_text": m.status_text,
        "status_emoji": m.status_emoji,
        "status_expiration": 0,
        "avatar_hash": hash,
        "image_24": image(24),
        "image_48": image(48),
        "image_72": image(72),
        "image_192": image(192),
        "team": team,
    });
    if let Some(obj) = p.as_object_mut() {
        if with_email {
            if let Some(email) = &m.email {
                obj.insert("email".into(), json!(email));
            }
        }
        if let Some(bot_id) = &m.bot_id {
            obj.insert("bot_id".into(), json!(bot_id));
            obj.insert("always_active".into(), json!(true));
        }
    }
    p
}

/// User JSON (`objs_user`).
pub fn user_json(m: &Member, team: &str, with_email: bool, now: DateTime<Utc>) -> Value {
    let tz: chrono_tz::Tz = m.tz.parse().unwrap_or(chrono_tz::UTC);
    let offset = tz
        .offset_from_utc_datetime(&now.naive_utc())
        .fix()
        .local_minus_utc();
    json!({
        "id": m.id,
        "team_id": team,
        "name": m.name,
        "deleted": m.deleted,
        "color": m.color,
        "real_name": m.real_name,
        "tz": m.tz,
        "tz_offset": offset,
        "profile": profile_json(m, team, with_email),
        "is_admin": m.is_admin,
        "is_owner": m.is_owner,
        "is_primary_owner": m.is_owner,
        "is_restricted": m.is_restricted,
        "is_ultra_restricted": false,
        "is_bot": m.is_bot,
        "is_app_user": false,
        "updated": m.updated,
    })
}

/// Who is calling, and with which kind of token.
#[derive(Clone, Debug)]
pub struct Caller {
    /// Slack user id (the bot's user id for a bot token).
    pub id: String,
    pub bot_id: Option<String>,
    pub is_bot: bool,
    pub(super) scopes: Vec<String>,
}

impl Caller {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// Passes when the token holds any of `scopes`; `missing_scope` otherwise.
    pub fn require(&self, scopes: &[&str]) -> Result<(), ApiError> {
        if scopes.is_empty() || scopes.iter().any(|s| self.has_scope(s)) {
            Ok(())
        } else {
            Err(ApiError::slack("missing_scope"))
        }
    }

    /// Search is for user tokens only.
    pub fn require_user_token(&self) -> Result<(), ApiError> {
        if self.is_bot {
            Err(ApiError::slack("not_allowed_token_type"))
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ts_after_carries_into_the_next_second() {
        assert_eq!(after(1_773_676_800, 99), "1773676800.000100");
        assert_eq!(after(1_773_676_800, 999_999), "1773676801.000000");
    }

    #[test]
    fn ts_shapes_and_permalinks() {
        let t = Utc
            .timestamp_opt(1_773_676_800, 0)
            .single()
            .unwrap_or_default();
        assert_eq!(ts_of(t, 42), "1773676800.000042");
        assert!(is_ts("1773676800.000042") && is_ts("1773676800"));
        assert!(!is_ts("17736.x") && !is_ts("") && !is_ts("."));
        assert_eq!(
            permalink("C1", "1773676800.000042", Some("1773676700.000001")),
            "https://nexusai.slack.com/archives/C1/p1773676800000042?thread_ts=1773676700.000001&cid=C1"
        );
    }
}
