//! `users.*`, `auth.test`, `team.info` and `files.*`.

use rusqlite::OptionalExtension;
use serde_json::{json, Value};

use super::args::{caller, ok, paginate, setup};
use super::model::{self, Caller};
use crate::rest::{ApiError, Ctx, Reply};

pub fn users_list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, &["users:read"])?;
    let team = model::team_id(ctx.db)?;
    let with_email = who.has_scope("users:read.email");
    let (page, next) = paginate(model::all_members(ctx.db)?, &args, 1000, 1000)?;
    let members: Vec<Value> = page
        .iter()
        .map(|m| model::user_json(m, &team, with_email, ctx.now))
        .collect();
    ok(
        json!({"members": members, "cache_ts": ctx.now.timestamp(), "response_metadata": {"next_cursor": next}}),
    )
}

pub fn users_info(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, &["users:read"])?;
    let id = args.need("user", "user_not_found")?;
    let m = model::load_member(ctx.db, &id)?.ok_or_else(|| ApiError::slack("user_not_found"))?;
    let team = model::team_id(ctx.db)?;
    ok(json!({"user": model::user_json(&m, &team, who.has_scope("users:read.email"), ctx.now)}))
}

pub fn lookup_by_email(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, _who) = setup(ctx, &["users:read.email"])?;
    let email = args.need("email", "users_not_found")?;
    let id: Option<String> = ctx
        .db
        .query_row(
            "SELECT id FROM slack_users WHERE email = ?1 COLLATE NOCASE",
            [&email],
            |r| r.get(0),
        )
        .optional()?;
    let m = match id {
        Some(id) => model::load_member(ctx.db, &id)?,
        None => None,
    }
    .ok_or_else(|| ApiError::slack("users_not_found"))?;
    let team = model::team_id(ctx.db)?;
    ok(json!({"user": model::user_json(&m, &team, true, ctx.now)}))
}

pub fn profile_get(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, &["users.profile:read", "users:read"])?;
    let id = args.str("user").unwrap_or(who.id.clone());
    let m = model::load_member(ctx.db, &id)?.ok_or_else(|| ApiError::slack("user_not_found"))?;
    let team = model::team_id(ctx.db)?;
    ok(json!({"profile": model::profile_json(&m, &team, who.has_scope("users:read.email"))}))
}

pub fn auth_test(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let who = caller(ctx)?;
    let (team_id, team_name): (String, String) = ctx
        .db
        .query_row("SELECT id, name FROM slack_team LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
        .ok_or_else(|| ApiError::slack("invalid_auth"))?;
    let m = model::load_member(ctx.db, &who.id)?.ok_or_else(|| ApiError::slack("invalid_auth"))?;
    let mut body = json!({
        "url": model::WORKSPACE_URL, "team": team_name, "user": m.name, "team_id": team_id,
        "user_id": who.id, "is_enterprise_install": false,
    });
    if let (Some(o), Some(bot)) = (body.as_object_mut(), &who.bot_id) {
        o.insert("bot_id".into(), json!(bot));
    }
    ok(body)
}

pub fn team_info(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (_args, _who) = setup(ctx, &["team:read"])?;
    let (id, name, domain, email_domain): (String, String, String, String) = ctx
        .db
        .query_row(
            "SELECT id, name, domain, email_domain FROM slack_team LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?
        .ok_or_else(|| ApiError::slack("invalid_auth"))?;
    let icon = |n: u32| format!("https://avatars.slack-edge.com/{id}/icon_{n}.png");
    ok(json!({"team": {
        "id": id, "name": name, "domain": domain, "email_domain": email_domain,
        "icon": {"image_34": icon(34), "image_44": icon(44), "image_68": icon(68), "image_88": icon(88),
                 "image_102": icon(102), "image_132": icon(132), "image_230": icon(230), "image_default": false},
    }}))
}

/// Files in conversations the caller can see.
fn visible_files(ctx: &Ctx<'_>, who: &Caller) -> Result<Vec<model::File>, ApiError> {
    let mut stmt = ctx.db.prepare_cached(&format!(
        "SELECT {} FROM slack_files ORDER BY created DESC, id",
        model::FILE_COLUMNS
    ))?;
    let files: Vec<model::File> = stmt
        .query_map([], model::file_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for f in files {
        if model::visible_channel(ctx.db, who, &f.channel_id).is_ok() {
            out.push(f);
        }
    }
    Ok(out)
}

pub fn files_list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, &["files:read"])?;
    let channel = args.str("channel");
    let user = args.str("user");
    let types = args.list("types");
    let from = args.int("ts_from")?;
    let to = args.int("ts_to")?;
    let files: Vec<model::File> = visible_files(ctx, &who)?
        .into_iter()
        .filter(|f| channel.as_deref().is_none_or(|c| c == f.channel_id))
        .filter(|f| user.as_deref().is_none_or(|u| u == f.user_id))
        .filter(|f| from.is_none_or(|t| f.created >= t) && to.is_none_or(|t| f.created <= t))
        .filter(|f| {
            types.is_empty()
                || types.iter().any(|t| match t.as_str() {
                    "all" => true,
                    "images" => f.mimetype.starts_with("image/"),
                    "pdfs" => f.filetype == "pdf",
                    "spaces" | "snippets" | "gdocs" | "zips" => {
                        f.filetype == t.trim_end_matches('s')
                    }
                    _ => false,
                })
        })
        .collect();
    let count = args
        .int("count")?
        .filter(|c| *c >= 1)
        .unwrap_or(100)
        .min(1000) as usize;
    let page = args.int("page")?.filter(|p| *p >= 1).unwrap_or(1) as usize;
    let total = files.len();
    let pages = total.div_ceil(count).max(1);
    let items = files
        .iter()
        .skip((page - 1).saturating_mul(count))
        .take(count)
        .map(|f| model::file_json(ctx.db, f))
        .collect::<Result<Vec<_>, _>>()?;
    ok(
        json!({"files": items, "paging": {"count": count, "total": total, "page": page, "pages": pages}}),
    )
}

pub fn files_info(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (args, who) = setup(ctx, &["files:read"])?;
    let id = args.need("file", "file_not_found")?;
    let f = model::load_file(ctx.db, &id)?.ok_or_else(|| ApiError::slack("file_not_found"))?;
    if model::visible_channel(ctx.db, &who, &f.channel_id).is_err() {
        return Err(ApiError::slack("file_not_found"));
    }
    ok(
        json!({"file": model::file_json(ctx.db, &f)?, "comments": [], "response_metadata": {"next_cursor": ""}}),
    )
}
