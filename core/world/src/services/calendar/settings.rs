//! `settings` (per-user, read-only in the API) and `colors` (Google's fixed palettes).

use rusqlite::Connection;
use serde_json::{json, Map, Value};

use super::access::etag;
use crate::rest::{ApiError, Ctx, Reply};
use crate::store::users::User;

/// Calendar colours 1–24 (background; foreground is black).
pub const CALENDAR_COLORS: [&str; 24] = [
    "#ac725e", "#d06b64", "#f83a22", "#fa573c", "#ff7537", "#ffad46", "#42d692", "#16a765",
    "#7bd148", "#b3dc6c", "#fbe983", "#fad165", "#92e1c0", "#9fe1e7", "#9fc6e7", "#4986e7",
    "#9a9cff", "#b99aff", "#c2c2c2", "#cabdbf", "#cca6ac", "#f691b2", "#cd74e6", "#a47ae2",
];

/// Event colours 1–11 (background; foreground is #1d1d1d).
pub const EVENT_COLORS: [&str; 11] = [
    "#a4bdfc", "#7ae7bf", "#dbadff", "#ff887c", "#fbd75b", "#ffb878", "#46d6db", "#e1e1e1",
    "#5484ed", "#51b749", "#dc2127",
];

/// `(background, foreground)` of calendar colour `id`.
pub fn calendar_color(id: &str) -> Option<(&'static str, &'static str)> {
    let n: usize = id.parse().ok()?;
    CALENDAR_COLORS
        .get(n.checked_sub(1)?)
        .map(|bg| (*bg, "#000000"))
}

/// `colors.get`.
pub fn colors(_ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let palette = |colors: &[&str], fg: &str| -> Value {
        let mut m = Map::new();
        for (i, bg) in colors.iter().enumerate() {
            m.insert(
                (i + 1).to_string(),
                json!({"background": bg, "foreground": fg}),
            );
        }
        Value::Object(m)
    };
    Ok(Reply::ok(json!({
        "kind": "calendar#colors",
        "updated": "2012-02-14T00:00:00.000Z",
        "calendar": palette(&CALENDAR_COLORS, "#1d1d1d"),
        "event": palette(&EVENT_COLORS, "#1d1d1d"),
    })))
}

/// The settings every user starts with.
pub fn defaults(user: &User) -> Vec<(&'static str, String)> {
    vec![
        ("autoAddHangouts", "true".into()),
        ("dateFieldOrder", "MDY".into()),
        ("defaultEventLength", "60".into()),
        ("format24HourTime", "false".into()),
        ("hideInvitations", "false".into()),
        ("hideWeekends", "false".into()),
        ("locale", "en".into()),
        ("remindOnRespondedEventsOnly", "false".into()),
        ("showDeclinedEvents", "true".into()),
        ("timezone", user.time_zone.clone()),
        ("useKeyboardShortcuts", "true".into()),
        ("weekStart", "0".into()),
    ]
}

pub fn seed_for(db: &Connection, user: &User) -> rusqlite::Result<()> {
    let mut stmt = db.prepare_cached(
        "INSERT OR IGNORE INTO calendar_settings (user_id, id, value) VALUES (?1, ?2, ?3)",
    )?;
    for (id, value) in defaults(user) {
        stmt.execute(rusqlite::params![user.id, id, value])?;
    }
    Ok(())
}

fn render(id: &str, value: &str) -> Value {
    json!({"kind": "calendar#setting", "etag": etag(&[id, value]), "id": id, "value": value})
}

fn rows(db: &Connection, user_id: &str) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = db
        .prepare_cached("SELECT id, value FROM calendar_settings WHERE user_id = ?1 ORDER BY id")?;
    let rows = stmt.query_map([user_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// `settings.list` (paged with `maxResults`/`pageToken`).
pub fn list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let max = ctx.query.int_in("maxResults", 100, 1, 250)? as usize;
    let offset = match ctx.query.get("pageToken").filter(|s| !s.is_empty()) {
        None => 0,
        Some(t) => t
            .strip_prefix("settings-")
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| ApiError::invalid_parameter("pageToken", t))?,
    };
    let all = rows(ctx.db, &ctx.user.id)?;
    let items: Vec<Value> = all
        .iter()
        .skip(offset)
        .take(max)
        .map(|(id, v)| render(id, v))
        .collect();
    let joined: Vec<String> = all.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut out = json!({
        "kind": "calendar#settings",
        "etag": etag(&[&joined.join("&")]),
        "items": items,
    });
    if offset + max < all.len() {
        out["nextPageToken"] = json!(format!("settings-{}", offset + max));
    } else {
        out["nextSyncToken"] = json!(format!("settings-sync-{}", ctx.now.timestamp()));
    }
    Ok(Reply::ok(out))
}

/// `settings.get`.
pub fn get(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let id = ctx.param("setting");
    rows(ctx.db, &ctx.user.id)?
        .into_iter()
        .find(|(k, _)| k == id)
        .map(|(k, v)| Reply::ok(render(&k, &v)))
        .ok_or_else(|| ApiError::not_found("Not Found"))
}
