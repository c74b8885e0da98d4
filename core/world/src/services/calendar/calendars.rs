//! `calendars` (the calendars themselves) and `calendarList` (each user's list of calendars
//! they see, with their own colour, visibility and reminder settings).

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value};

use super::access::{
    etag, insert_calendar, load_calendar, put_acl, require, resolve_id, role_for, save_calendar,
    CalendarRow, Role,
};
use super::body::parse_reminders;
use super::settings::calendar_color;
use super::time::parse_tz;
use crate::rest::{ApiError, Ctx, Reply};
use crate::store::clock::{ids, rfc3339};
use crate::store::users;

/// A user's entry for one calendar, as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct ListEntry {
    pub user_id: String,
    pub calendar_id: String,
    pub summary_override: Option<String>,
    pub color_id: String,
    pub background_color: String,
    pub foreground_color: String,
    pub hidden: bool,
    pub selected: bool,
    pub deleted: bool,
    pub default_reminders: Value,
    pub notifications: Option<Value>,
    pub updated: String,
}

const ENTRY_COLUMNS: &str = "user_id, calendar_id, summary_override, color_id, background_color, \
    foreground_color, hidden, selected, deleted, default_reminders, notifications, updated";

fn entry_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ListEntry> {
    let json_of = |s: Option<String>| s.and_then(|t| serde_json::from_str::<Value>(&t).ok());
    Ok(ListEntry {
        user_id: r.get(0)?,
        calendar_id: r.get(1)?,
        summary_override: r.get(2)?,
        color_id: r.get(3)?,
        background_color: r.get(4)?,
        foreground_color: r.get(5)?,
        hidden: r.get(6)?,
        selected: r.get(7)?,
        deleted: r.get(8)?,
        default_reminders: json_of(r.get(9)?).unwrap_or_else(|| json!([])),
        notifications: json_of(r.get(10)?),
        updated: r.get(11)?,
    })
}

pub fn load_entry(
    db: &Connection,
    user_id: &str,
    cal_id: &str,
) -> rusqlite::Result<Option<ListEntry>> {
    db.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS} FROM calendar_list WHERE user_id = ?1 AND calendar_id = ?2 COLLATE NOCASE"
    ))?
    .query_row([user_id, cal_id], entry_from_row)
    .optional()
}

pub fn save_entry(db: &Connection, e: &ListEntry) -> rusqlite::Result<()> {
    db.prepare_cached(&format!(
        "INSERT OR REPLACE INTO calendar_list ({ENTRY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
    ))?
    .execute(params![
        e.user_id,
        e.calendar_id,
        e.summary_override,
        e.color_id,
        e.background_color,
        e.foreground_color,
        e.hidden,
        e.selected,
        e.deleted,
        e.default_reminders.to_string(),
        e.notifications.as_ref().map(Value::to_string),
        e.updated
    ])?;
    Ok(())
}

/// A fresh list entry with colour `color_id` (1–24).
pub fn new_entry(user_id: &str, cal_id: &str, color_id: u32, updated: &str) -> ListEntry {
    let (bg, fg) = calendar_color(&color_id.to_string()).unwrap_or(("#9fc6e7", "#000000"));
    ListEntry {
        user_id: user_id.into(),
        calendar_id: cal_id.into(),
        summary_override: None,
        color_id: color_id.to_string(),
        background_color: bg.into(),
        foreground_color: fg.into(),
        hidden: false,
        selected: true,
        deleted: false,
        default_reminders: json!([]),
        notifications: None,
        updated: updated.into(),
    }
}

/// The acting user's default reminders on a calendar (from their list entry).
pub fn default_reminders(db: &Connection, user_id: &str, cal_id: &str) -> Result<Value, ApiError> {
    Ok(load_entry(db, user_id, cal_id)?
        .filter(|e| !e.deleted)
        .map(|e| e.default_reminders)
        .unwrap_or_else(|| json!([])))
}

fn owner_email(db: &Connection, cal: &CalendarRow) -> Result<Option<String>, ApiError> {
    match &cal.owner_id {
        Some(id) if !cal.is_primary => Ok(users::find(db, id)?.map(|u| u.email)),
        _ => Ok(None),
    }
}

fn render_entry(
    db: &Connection,
    cal: &CalendarRow,
    e: &ListEntry,
    role: Role,
) -> Result<Value, ApiError> {
    let mut m = Map::new();
    m.insert("kind".into(), json!("calendar#calendarListEntry"));
    m.insert(
        "etag".into(),
        json!(etag(&[&cal.id, &cal.updated, &e.updated, role.as_str()])),
    );
    m.insert("id".into(), json!(cal.id));
    m.insert("summary".into(), json!(cal.summary));
    if let Some(d) = &cal.description {
        m.insert("description".into(), json!(d));
    }
    if let Some(l) = &cal.location {
        m.insert("location".into(), json!(l));
    }
    m.insert("timeZone".into(), json!(cal.time_zone));
    if let Some(s) = &e.summary_override {
        m.insert("summaryOverride".into(), json!(s));
    }
    m.insert("colorId".into(), json!(e.color_id));
    m.insert("backgroundColor".into(), json!(e.background_color));
    m.insert("foregroundColor".into(), json!(e.foreground_color));
    if e.hidden {
        m.insert("hidden".into(), json!(true));
    }
    if e.selected {
        m.insert("selected".into(), json!(true));
    }
    m.insert("accessRole".into(), json!(role.as_str()));
    m.insert("defaultReminders".into(), e.default_reminders.clone());
    if let Some(n) = &e.notifications {
        m.insert("notificationSettings".into(), n.clone());
    }
    if cal.is_primary && cal.owner_id.as_deref().is_some_and(|o| o == e.user_id) {
        m.insert("primary".into(), json!(true));
    }
    if e.deleted {
        m.insert("deleted".into(), json!(true));
    }
    if let Some(owner) = owner_email(db, cal)? {
        m.insert("dataOwner".into(), json!(owner));
    }
    m.insert(
        "conferenceProperties".into(),
        json!({"allowedConferenceSolutionTypes": ["hangoutsMeet"]}),
    );
    Ok(Value::Object(m))
}

/// `calendarList.list`.
pub fn list_entries(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let max = ctx.query.int_in("maxResults", 100, 1, 250)? as usize;
    let show_deleted = ctx.query.bool("showDeleted", false)?;
    let show_hidden = ctx.query.bool("showHidden", false)?;
    let min_role = match ctx.query.get("minAccessRole").filter(|s| !s.is_empty()) {
        None => Role::FreeBusyReader,
        Some(r) => Role::parse(r)
            .filter(|r| *r != Role::None)
            .ok_or_else(|| ApiError::invalid_parameter("minAccessRole", r))?,
    };
    let offset = match ctx.query.get("pageToken").filter(|s| !s.is_empty()) {
        None => 0,
        Some(t) => t
            .strip_prefix("cl-")
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| ApiError::invalid_parameter("pageToken", t))?,
    };
    let entries: Vec<ListEntry> = {
        let mut stmt = ctx.db.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM calendar_list WHERE user_id = ?1"
        ))?;
        let rows = stmt.query_map([&ctx.user.id], entry_from_row)?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut items: Vec<(bool, String, Value)> = Vec::new();
    for e in entries {
        if (e.deleted && !show_deleted) || (e.hidden && !show_hidden) {
            continue;
        }
        let Some(cal) = load_calendar(ctx.db, &e.calendar_id)? else {
            continue;
        };
        let role = role_for(ctx.db, &cal.id, ctx.user)?;
        if role < min_role {
            continue;
        }
        let primary_first = !(cal.is_primary && cal.id.eq_ignore_ascii_case(&ctx.user.email));
        items.push((
            primary_first,
            cal.summary.clone(),
            render_entry(ctx.db, &cal, &e, role)?,
        ));
    }
    items.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let total = items.len();
    let page: Vec<Value> = items
        .into_iter()
        .skip(offset)
        .take(max)
        .map(|(_, _, v)| v)
        .collect();
    let mut out = json!({
        "kind": "calendar#calendarList",
        "etag": etag(&[&ctx.user.id, &total.to_string(), &rfc3339(ctx.now)]),
        "items": page,
    });
    if offset + max < total {
        out["nextPageToken"] = json!(format!("cl-{}", offset + max));
    } else {
        out["nextSyncToken"] = json!(format!("cl-sync-{}", ctx.now.timestamp()));
    }
    Ok(Reply::ok(out))
}

fn entry_of(ctx: &Ctx<'_>) -> Result<(CalendarRow, ListEntry, Role), ApiError> {
    let id = resolve_id(ctx.user, ctx.param("calendarId"));
    let entry = load_entry(ctx.db, &ctx.user.id, &id)?
        .filter(|e| !e.deleted)
        .ok_or_else(|| ApiError::not_found("Not Found"))?;
    let cal = load_calendar(ctx.db, &entry.calendar_id)?
        .ok_or_else(|| ApiError::not_found("Not Found"))?;
    let role = role_for(ctx.db, &cal.id, ctx.user)?;
    if role == Role::None {
        return Err(ApiError::not_found("Not Found"));
    }
    Ok((cal, entry, role))
}

/// `calendarList.get`.
pub fn get_entry(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (cal, entry, role) = entry_of(ctx)?;
    Ok(Reply::ok(render_entry(ctx.db, &cal, &entry, role)?))
}

/// Applies a list-entry body (PUT clears what is absent, PATCH merges).
fn apply_entry(
    ctx: &Ctx<'_>,
    e: &mut ListEntry,
    body: &Value,
    replace: bool,
) -> Result<(), ApiError> {
    let body = body
        .as_object()
        .ok_or_else(|| ApiError::bad_request("The request body must be a JSON object."))?;
    let rgb = ctx.query.bool("colorRgbFormat", false)?;
    let get = |k: &str| match (body.get(k), replace) {
        (Some(v), _) => Some(v.clone()),
        (None, true) => Some(Value::Null),
        (None, false) => None,
    };
    if let Some(v) = get("summaryOverride") {
        e.summary_override = v.as_str().map(str::to_string);
    }
    if let Some(v) = get("hidden") {
        e.hidden = v.as_bool().unwrap_or(false);
        if e.hidden {
            e.selected = false;
        }
    }
    if let Some(v) = get("selected") {
        e.selected = v.as_bool().unwrap_or(!replace || !e.hidden);
    }
    if let Some(v) = get("colorId").filter(|v| !v.is_null()) {
        let id = v.as_str().unwrap_or_default();
        let (bg, fg) = calendar_color(id)
            .ok_or_else(|| ApiError::bad_request(format!("Invalid colorId '{id}' (1 to 24).")))?;
        e.color_id = id.to_string();
        e.background_color = bg.into();
        e.foreground_color = fg.into();
    }
    let bg = body.get("backgroundColor").and_then(Value::as_str);
    let fg = body.get("foregroundColor").and_then(Value::as_str);
    if bg.is_some() || fg.is_some() {
        if !rgb {
            return Err(ApiError::bad_request(
                "Setting backgroundColor or foregroundColor requires colorRgbFormat=true.",
            ));
        }
        let hex = |s: &str| {
            s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
        };
        for c in [bg, fg].into_iter().flatten() {
            if !hex(c) {
                return Err(ApiError::bad_request(format!(
                    "Invalid color '{c}' (expected #rrggbb)."
                )));
            }
        }
        if let Some(b) = bg {
            e.background_color = b.to_ascii_lowercase();
        }
        if let Some(f) = fg {
            e.foreground_color = f.to_ascii_lowercase();
        }
    }
    if let Some(v) = get("defaultReminders") {
        let overrides = if v.is_null() { json!([]) } else { v };
        e.default_reminders =
            parse_reminders(&json!({"useDefault": false, "overrides": overrides}))?
                .get("overrides")
                .cloned()
                .unwrap_or_else(|| json!([]));
    }
    if let Some(v) = get("notificationSettings") {
        e.notifications = if v.is_null() { None } else { Some(v) };
    }
    e.updated = rfc3339(ctx.now);
    Ok(())
}

/// `calendarList.insert`: adds a calendar the user can see to their list.
pub fn insert_entry(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let body = ctx.body_value()?;
    let raw = body
        .get("id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::required("id"))?;
    let (cal, role) = require(ctx, raw, Role::FreeBusyReader)?;
    let count: i64 = ctx.db.query_row(
        "SELECT COUNT(*) FROM calendar_list WHERE user_id = ?1",
        [&ctx.user.id],
        |r| r.get(0),
    )?;
    let mut entry = match load_entry(ctx.db, &ctx.user.id, &cal.id)? {
        Some(mut e) => {
            e.deleted = false;
            e
        }
        None => new_entry(
            &ctx.user.id,
            &cal.id,
            (count as u32 % 24) + 1,
            &rfc3339(ctx.now),
        ),
    };
    apply_entry(ctx, &mut entry, &body, false)?;
    save_entry(ctx.db, &entry)?;
    Ok(Reply::ok(render_entry(ctx.db, &cal, &entry, role)?))
}

fn modify_entry(ctx: &mut Ctx<'_>, replace: bool) -> Result<Reply, ApiError> {
    let (cal, mut entry, role) = entry_of(ctx)?;
    let body = ctx.body_value()?;
    apply_entry(ctx, &mut entry, &body, replace)?;
    save_entry(ctx.db, &entry)?;
    Ok(Reply::ok(render_entry(ctx.db, &cal, &entry, role)?))
}

pub fn patch_entry(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    modify_entry(ctx, false)
}

pub fn update_entry(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    modify_entry(ctx, true)
}

/// `calendarList.delete`: removes a calendar from the user's list (the calendar stays).
pub fn delete_entry(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (cal, mut entry, _) = entry_of(ctx)?;
    if cal.is_primary && cal.id.eq_ignore_ascii_case(&ctx.user.email) {
        return Err(ApiError::bad_request(
            "The primary calendar cannot be removed from the list.",
        ));
    }
    entry.deleted = true;
    entry.updated = rfc3339(ctx.now);
    save_entry(ctx.db, &entry)?;
    Ok(Reply::no_content())
}

fn render_calendar(db: &Connection, cal: &CalendarRow) -> Result<Value, ApiError> {
    let mut m = Map::new();
    m.insert("kind".into(), json!("calendar#calendar"));
    m.insert("etag".into(), json!(etag(&[&cal.id, &cal.updated])));
    m.insert("id".into(), json!(cal.id));
    m.insert("summary".into(), json!(cal.summary));
    if let Some(d) = &cal.description {
        m.insert("description".into(), json!(d));
    }
    if let Some(l) = &cal.location {
        m.insert("location".into(), json!(l));
    }
    m.insert("timeZone".into(), json!(cal.time_zone));
    if let Some(owner) = owner_email(db, cal)? {
        m.insert("dataOwner".into(), json!(owner));
    }
    m.insert(
        "conferenceProperties".into(),
        json!({"allowedConferenceSolutionTypes": ["hangoutsMeet"]}),
    );
    Ok(Value::Object(m))
}

/// `calendars.get`.
pub fn get_calendar(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (cal, _) = require(ctx, ctx.param("calendarId"), Role::FreeBusyReader)?;
    Ok(Reply::ok(render_calendar(ctx.db, &cal)?))
}

fn apply_calendar(cal: &mut CalendarRow, body: &Value, replace: bool) -> Result<(), ApiError> {
    let body = body
        .as_object()
        .ok_or_else(|| ApiError::bad_request("The request body must be a JSON object."))?;
    match body.get("summary") {
        Some(Value::String(s)) if !s.trim().is_empty() => cal.summary = s.clone(),
        None if !replace => {}
        _ => return Err(ApiError::required("summary")),
    }
    for (key, slot) in [
        ("description", &mut cal.description),
        ("location", &mut cal.location),
    ] {
        match body.get(key) {
            Some(Value::String(s)) => *slot = Some(s.clone()),
            Some(Value::Null) => *slot = None,
            None if replace => *slot = None,
            None => {}
            Some(_) => {
                return Err(ApiError::bad_request(format!(
                    "Invalid value for field '{key}'."
                )))
            }
        }
    }
    match body.get("timeZone") {
        Some(Value::String(tz)) => {
            parse_tz(tz)
                .ok_or_else(|| ApiError::bad_request(format!("Invalid time zone '{tz}'.")))?;
            cal.time_zone = tz.clone();
        }
        None | Some(Value::Null) => {}
        Some(_) => return Err(ApiError::bad_request("Invalid time zone.")),
    }
    Ok(())
}

/// `calendars.insert`: a secondary calendar owned by the acting user, added to their list.
pub fn insert_calendar_handler(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let body = ctx.body_value()?;
    let now = rfc3339(ctx.now);
    let id = format!(
        "c_{}@group.calendar.google.com",
        ids::base32hex(ctx.db, 26)?
    );
    let mut cal = CalendarRow {
        id,
        owner_id: Some(ctx.user.id.clone()),
        summary: String::new(),
        description: None,
        location: None,
        time_zone: ctx.user.time_zone.clone(),
        is_primary: false,
        updated: now.clone(),
    };
    apply_calendar(&mut cal, &body, true)?;
    insert_calendar(ctx.db, &cal)?;
    put_acl(
        ctx.db,
        &cal.id,
        "user",
        Some(&ctx.user.email),
        Role::Owner,
        &now,
    )?;
    let count: i64 = ctx.db.query_row(
        "SELECT COUNT(*) FROM calendar_list WHERE user_id = ?1",
        [&ctx.user.id],
        |r| r.get(0),
    )?;
    save_entry(
        ctx.db,
        &new_entry(&ctx.user.id, &cal.id, (count as u32 % 24) + 1, &now),
    )?;
    Ok(Reply::ok(render_calendar(ctx.db, &cal)?))
}

fn modify_calendar(ctx: &mut Ctx<'_>, replace: bool) -> Result<Reply, ApiError> {
    let (mut cal, _) = require(ctx, ctx.param("calendarId"), Role::Owner)?;
    let body = ctx.body_value()?;
    apply_calendar(&mut cal, &body, replace)?;
    cal.updated = rfc3339(ctx.now);
    save_calendar(ctx.db, &cal)?;
    Ok(Reply::ok(render_calendar(ctx.db, &cal)?))
}

pub fn patch_calendar(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    modify_calendar(ctx, false)
}

pub fn update_calendar(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    modify_calendar(ctx, true)
}

/// `calendars.delete`: a secondary calendar with its events, rules and list entries.
pub fn delete_calendar(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (cal, _) = require(ctx, ctx.param("calendarId"), Role::Owner)?;
    if cal.is_primary {
        return Err(ApiError::new(
            400,
            "cannotDeletePrimaryCalendar",
            "The primary calendar cannot be deleted; use calendars.clear.",
        ));
    }
    for sql in [
        "DELETE FROM calendar_events WHERE calendar_id = ?1",
        "DELETE FROM calendar_acl WHERE calendar_id = ?1",
        "DELETE FROM calendar_list WHERE calendar_id = ?1",
        "DELETE FROM calendar_calendars WHERE id = ?1",
    ] {
        ctx.db.execute(sql, [&cal.id])?;
    }
    Ok(Reply::no_content())
}

/// `calendars.clear`: cancels every event organized on a primary calendar.
pub fn clear_calendar(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (cal, _) = require(ctx, ctx.param("calendarId"), Role::Owner)?;
    if !cal.is_primary {
        return Err(ApiError::bad_request(
            "Only a primary calendar can be cleared.",
        ));
    }
    super::model::cancel_all(ctx.db, &cal.id, ctx.now)?;
    Ok(Reply::no_content())
}
