//! `search.messages`: Slack's query language over the messages the caller can see.
//!
//! Supported: plain words (all must occur, case-insensitive), `"quoted phrases"`, `-word`
//! exclusions, `in:#channel` / `in:channel` / `in:<#C…>` / `in:@user` (the DM with that user),
//! `from:@user` / `from:<@U…>` / `from:me`, `has:link`, `has:reaction`, `has:pin`, `is:thread`,
//! and `before:` / `after:` / `on:` dates (`YYYY-MM-DD`, `today`, `yesterday`) and `during:`
//! (`YYYY-MM` or a date), all in the caller's time zone. Search is for user tokens only.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use serde_json::json;

use super::args::{caller, Args};
use super::model::{self, Caller, Channel, Member, Message};
use crate::rest::{ApiError, Ctx, Reply};

#[derive(Default, Debug)]
struct Query {
    words: Vec<String>,
    excluded: Vec<String>,
    channels: Vec<String>,
    from: Vec<String>,
    has_link: bool,
    has_reaction: bool,
    has_pin: bool,
    is_thread: bool,
    /// Inclusive local-date bounds.
    after: Option<NaiveDate>,
    before: Option<NaiveDate>,
    /// Set when a modifier named something that does not exist: nothing can match.
    impossible: bool,
}

fn tokens(q: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in q.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn find_member(members: &[Member], who: &str, me: &str) -> Option<String> {
    let who = who
        .trim_start_matches('@')
        .trim_start_matches("<@")
        .trim_end_matches('>');
    let who = who.split('|').next().unwrap_or(who);
    if who == "me" {
        return Some(me.to_string());
    }
    members
        .iter()
        .find(|m| {
            m.id.eq_ignore_ascii_case(who)
                || m.name.eq_ignore_ascii_case(who)
                || m.display_name.eq_ignore_ascii_case(who)
                || m.real_name.eq_ignore_ascii_case(who)
                || m.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(who))
        })
        .map(|m| m.id.clone())
}

fn parse_date(s: &str, today: NaiveDate) -> Option<NaiveDate> {
    match s {
        "today" => Some(today),
        "yesterday" => today.pred_opt(),
        _ => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(),
    }
}

fn parse_query(
    text: &str,
    ctx: &Ctx<'_>,
    who: &Caller,
    members: &[Member],
    channels: &[Channel],
    today: NaiveDate,
) -> Result<Query, ApiError> {
    let mut q = Query::default();
    for tok in tokens(text) {
        let lower = tok.to_lowercase();
        if let Some(phrase) = tok.strip_prefix('"') {
            let phrase = phrase.trim_end_matches('"').to_lowercase();
            if !phrase.is_empty() {
                q.words.push(phrase);
            }
        } else if let Some(target) = lower.strip_prefix("in:") {
            if let Some(user) = target.strip_prefix('@') {
                match find_member(members, user, &who.id) {
                    Some(uid) => {
                        let ims: Vec<String> = channels
                            .iter()
                            .filter(|c| c.is_im())
                            .filter(|c| {
                                model::is_member(ctx.db, &c.id, &uid).unwrap_or(false)
                                    && model::is_member(ctx.db, &c.id, &who.id).unwrap_or(false)
                            })
                            .map(|c| c.id.clone())
                            .collect();
                        if ims.is_empty() {
                            q.impossible = true;
                        }
                        q.channels.extend(ims);
                    }
                    None => q.impossible = true,
                }
            } else {
                let name = target
                    .trim_start_matches("<#")
                    .trim_start_matches('#')
                    .trim_end_matches('>');
                let name = name.split('|').next().unwrap_or(name);
                match channels
                    .iter()
                    .find(|c| c.id.eq_ignore_ascii_case(name) || c.name == name)
                {
                    Some(c) => q.channels.push(c.id.clone()),
                    None => q.impossible = true,
                }
            }
        } else if let Some(user) = lower.strip_prefix("from:") {
            match find_member(members, user, &who.id) {
                Some(uid) => q.from.push(uid),
                None => q.impossible = true,
            }
        } else if let Some(what) = lower.strip_prefix("has:") {
            match what.trim_matches(':') {
                "link" => q.has_link = true,
                "reaction" => q.has_reaction = true,
                "pin" => q.has_pin = true,
                _ => q.impossible = true,
            }
        } else if lower == "is:thread" {
            q.is_thread = true;
        } else if let Some(d) = lower.strip_prefix("before:") {
            let d = parse_date(d, today).ok_or_else(|| ApiError::slack("invalid_arguments"))?;
            let day = d.pred_opt().unwrap_or(d);
            q.before = Some(q.before.map_or(day, |b| b.min(day)));
        } else if let Some(d) = lower.strip_prefix("after:") {
            let d = parse_date(d, today).ok_or_else(|| ApiError::slack("invalid_arguments"))?;
            let day = d.succ_opt().unwrap_or(d);
            q.after = Some(q.after.map_or(day, |a| a.max(day)));
        } else if let Some(d) = lower.strip_prefix("on:") {
            let d = parse_date(d, today).ok_or_else(|| ApiError::slack("invalid_arguments"))?;
            q.after = Some(q.after.map_or(d, |a| a.max(d)));
            q.before = Some(q.before.map_or(d, |b| b.min(d)));
        } else if let Some(d) = lower.strip_prefix("during:") {
            let (start, end) = if let Some(day) = parse_date(d, today) {
                (day, day)
            } else {
                let first = NaiveDate::parse_from_str(&format!("{d}-01"), "%Y-%m-%d")
                    .map_err(|_| ApiError::slack("invalid_arguments"))?;
                let next = if first.month() == 12 {
                    NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
                };
                (first, next.and_then(|n| n.pred_opt()).unwrap_or(first))
            };
            q.after = Some(q.after.map_or(start, |a| a.max(start)));
            q.before = Some(q.before.map_or(end, |b| b.min(end)));
        } else if let Some(word) = lower.strip_prefix('-').filter(|w| !w.is_empty()) {
            q.excluded.push(word.to_string());
        } else {
            q.words.push(lower);
        }
    }
    Ok(q)
}

fn local_date(ts: &str, tz: chrono_tz::Tz) -> Option<NaiveDate> {
    let secs = ts.split('.').next()?.parse::<i64>().ok()?;
    let t: DateTime<Utc> = Utc.timestamp_opt(secs, 0).single()?;
    Some(t.with_timezone(&tz).date_naive())
}

fn matches(ctx: &Ctx<'_>, q: &Query, m: &Message, tz: chrono_tz::Tz) -> Result<bool, ApiError> {
    let text = m.text.to_lowercase();
    if !q.words.iter().all(|w| text.contains(w.as_str()))
        || q.excluded.iter().any(|w| text.contains(w.as_str()))
    {
        return Ok(false);
    }
    if !q.channels.is_empty() && !q.channels.contains(&m.channel_id) {
        return Ok(false);
    }
    if !q.from.is_empty() && !q.from.contains(&m.user_id) {
        return Ok(false);
    }
    if q.has_link && !(text.contains("http://") || text.contains("https://")) {
        return Ok(false);
    }
    if q.is_thread && m.thread_ts.is_none() {
        return Ok(false);
    }
    if q.after.is_some() || q.before.is_some() {
        let Some(day) = local_date(&m.ts, tz) else {
            return Ok(false);
        };
        if q.after.is_some_and(|a| day < a) || q.before.is_some_and(|b| day > b) {
            return Ok(false);
        }
    }
    if q.has_reaction
        && !ctx
            .db
            .prepare_cached("SELECT 1 FROM slack_reactions WHERE channel_id = ?1 AND ts = ?2")?
            .exists([&m.channel_id, &m.ts])?
    {
        return Ok(false);
    }
    if q.has_pin
        && !ctx
            .db
            .prepare_cached("SELECT 1 FROM slack_pins WHERE channel_id = ?1 AND ts = ?2")?
            .exists([&m.channel_id, &m.ts])?
    {
        return Ok(false);
    }
    Ok(true)
}

pub fn messages(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let args = Args::parse(ctx)?;
    let who = caller(ctx)?;
    who.require_user_token()?;
    who.require(&["search:read"])?;
    let text = args.need("query", "no_query")?;
    let members = model::all_members(ctx.db)?;
    let me = members.iter().find(|m| m.id == who.id);
    let tz: chrono_tz::Tz = me.and_then(|m| m.tz.parse().ok()).unwrap_or(chrono_tz::UTC);
    let today = ctx.now.with_timezone(&tz).date_naive();
    let mut visible = Vec::new();
    for ch in model::all_channels(ctx.db)? {
        if ch.is_public() || model::is_member(ctx.db, &ch.id, &who.id)? {
            visible.push(ch);
        }
    }
    let q = parse_query(&text, ctx, &who, &members, &visible, today)?;
    let mut found: Vec<(Message, &Channel)> = Vec::new();
    if !q.impossible {
        let mut stmt = ctx.db.prepare_cached(&format!(
            "SELECT {} FROM slack_messages WHERE channel_id = ?1 \
             AND (subtype IS NULL OR subtype = 'thread_broadcast') ORDER BY ts DESC",
            model::MESSAGE_COLUMNS
        ))?;
        for ch in &visible {
            let msgs: Vec<Message> = stmt
                .query_map([&ch.id], model::message_from_row)?
                .collect::<rusqlite::Result<_>>()?;
            for m in msgs {
                if matches(ctx, &q, &m, tz)? {
                    found.push((m, ch));
                }
            }
        }
    }
    let ascending = args
        .str("sort_dir")
        .is_some_and(|d| d.eq_ignore_ascii_case("asc"));
    found.sort_by(|a, b| {
        b.0.ts
            .cmp(&a.0.ts)
            .then(a.0.channel_id.cmp(&b.0.channel_id))
    });
    if ascending {
        found.reverse();
    }
    let count = args
        .int("count")?
        .filter(|c| *c >= 1)
        .unwrap_or(20)
        .min(100) as usize;
    let total = found.len();
    let pages = total.div_ceil(count).max(1);
    let page = (args.int("page")?.filter(|p| *p >= 1).unwrap_or(1) as usize).min(pages);
    let team = model::team_id(ctx.db)?;
    let mut matches_json = Vec::new();
    for (m, ch) in found.iter().skip((page - 1) * count).take(count) {
        let username = members
            .iter()
            .find(|u| u.id == m.user_id)
            .map(|u| u.name.clone())
            .unwrap_or_default();
        matches_json.push(json!({
            "type": "message",
            "iid": format!("{}-{}", ch.id, m.ts),
            "ts": m.ts,
            "text": m.text,
            "user": m.user_id,
            "username": username,
            "team": team,
            "channel": {
                "id": ch.id, "name": ch.name, "is_channel": ch.kind == "public",
                "is_private": ch.kind != "public", "is_im": ch.is_im(), "is_mpim": ch.kind == "mpim",
            },
            "permalink": model::permalink(&ch.id, &m.ts, m.thread_ts.as_deref()),
        }));
    }
    let first = if total == 0 {
        0
    } else {
        (page - 1) * count + 1
    };
    let last = ((page - 1) * count + matches_json.len()).max(first);
    Ok(Reply::ok(json!({
        "ok": true,
        "query": text,
        "messages": {
            "total": total,
            "matches": matches_json,
            "paging": {"count": count, "total": total, "page": page, "pages": pages},
            "pagination": {"total_count": total, "page": page, "per_page": count,
                           "page_count": pages, "first": first, "last": last},
        },
    })))
}
