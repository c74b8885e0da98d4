//! Changing events: insert, import, quickAdd, update (PUT), patch, delete and move, with the
//! organizer/attendee split described in the module docs.

use chrono::Duration;
use serde_json::{json, Value};

use super::access::{load_calendar, require, resolve_id, CalendarRow, Role};
use super::body::{apply, valid_email, valid_event_id, validate_times, Mode};
use super::events::{find, view, Found};
use super::model::{render, EventRow};
use super::quick_add;
use super::time::{local_to_utc, When};
use crate::rest::{ApiError, Ctx, Reply};
use crate::store::clock::{ids, rfc3339};
use crate::store::users;

fn writer_needed() -> ApiError {
    ApiError::new(
        403,
        "requiredAccessLevel",
        "You need to have writer access to this calendar.",
    )
}

/// Checks the notification parameters every write accepts (no mail is sent).
fn check_write_params(ctx: &Ctx<'_>) -> Result<(), ApiError> {
    if let Some(v) = ctx.query.get("sendUpdates").filter(|s| !s.is_empty()) {
        if !["all", "externalOnly", "none"].contains(&v) {
            return Err(ApiError::invalid_parameter("sendUpdates", v));
        }
    }
    ctx.query.bool("sendNotifications", false)?;
    ctx.query.int_in("conferenceDataVersion", 0, 0, 1)?;
    Ok(())
}

/// Who organizes events on `cal`: its owner for a primary calendar, the calendar itself
/// otherwise.
pub fn organizer_for(db: &rusqlite::Connection, cal: &CalendarRow) -> Result<Value, ApiError> {
    if cal.is_primary {
        if let Some(u) = users::find(db, &cal.id)? {
            return Ok(json!({"email": u.email, "displayName": u.display_name}));
        }
    }
    Ok(json!({"email": cal.id, "displayName": cal.summary}))
}

fn new_row(ctx: &Ctx<'_>, cal: &CalendarRow, id: String) -> Result<EventRow, ApiError> {
    let day = ctx.now.date_naive();
    Ok(EventRow::new(
        id,
        &cal.id,
        (When::Date(day), When::Date(day + Duration::days(1))),
        (
            organizer_for(ctx.db, cal)?,
            json!({"email": ctx.user.email, "displayName": ctx.user.display_name}),
        ),
        rfc3339(ctx.now),
    ))
}

/// The organizer joins the guest list (accepted) when an event has other guests.
fn add_organizer_attendee(row: &mut EventRow) {
    let Some(email) = row.organizer.get("email").and_then(Value::as_str) else {
        return;
    };
    if row.attendees.is_empty() || email.ends_with("calendar.google.com") {
        return;
    }
    if row.attendee_status(email).is_none() {
        let mut a = json!({"email": email.to_ascii_lowercase(), "organizer": true, "responseStatus": "accepted"});
        if let Some(n) = row.organizer.get("displayName") {
            a["displayName"] = n.clone();
        }
        row.attendees.insert(0, a);
    }
}

/// Conference data is kept only with `conferenceDataVersion=1`; a `createRequest` for Meet
/// produces a (fake) Meet link.
fn apply_conference(ctx: &Ctx<'_>, row: &mut EventRow, body: &Value) -> Result<(), ApiError> {
    if ctx.query.int_in("conferenceDataVersion", 0, 0, 1)? == 0 {
        return Ok(());
    }
    match body.get("conferenceData") {
        None => {}
        Some(Value::Null) => row.conference_data = None,
        Some(Value::Object(cd)) => {
            if let Some(req) = cd.get("createRequest") {
                let kind = req
                    .pointer("/conferenceSolutionKey/type")
                    .and_then(Value::as_str)
                    .unwrap_or("hangoutsMeet");
                if kind != "hangoutsMeet" {
                    return Err(ApiError::bad_request("Invalid conference type value."));
                }
                let code = ids::base32hex(ctx.db, 10)?;
                let code: String = code
                    .chars()
                    .map(|c| {
                        if c.is_ascii_digit() {
                            (b'a' + c as u8 - b'0') as char
                        } else {
                            c
                        }
                    })
                    .collect();
                let meet = format!("{}-{}-{}", &code[..3], &code[3..7], &code[7..10]);
                let mut request = req.clone();
                request["status"] = json!({"statusCode": "success"});
                row.conference_data = Some(json!({
                    "createRequest": request,
                    "entryPoints": [{"entryPointType": "video", "uri": format!("https://meet.google.com/{meet}"), "label": format!("meet.google.com/{meet}")}],
                    "conferenceSolution": {"key": {"type": "hangoutsMeet"}, "name": "Google Meet", "iconUri": "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png"},
                    "conferenceId": meet,
                }));
            } else {
                row.conference_data = Some(Value::Object(cd.clone()));
            }
        }
        Some(_) => return Err(ApiError::bad_request("Invalid conferenceData.")),
    }
    Ok(())
}

fn ensure_unique_id(ctx: &Ctx<'_>, id: &str) -> Result<(), ApiError> {
    if EventRow::load(ctx.db, id)?.is_some() {
        return Err(ApiError::new(
            409,
            "duplicate",
            "The requested identifier already exists.",
        ));
    }
    Ok(())
}

fn respond(
    ctx: &Ctx<'_>,
    cal: &CalendarRow,
    role: Role,
    row: &EventRow,
) -> Result<Reply, ApiError> {
    let v = view(ctx, cal, role)?;
    Ok(Reply::ok(render(row, &v)))
}

/// `events.insert`.
pub fn insert(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    check_write_params(ctx)?;
    let (cal, role) = require(ctx, ctx.param("calendarId"), Role::Writer)?;
    let body = ctx.body_value()?;
    let id = match body.get("id") {
        None | Some(Value::Null) => ids::base32hex(ctx.db, 26)?,
        Some(Value::String(s)) if valid_event_id(s) => s.clone(),
        Some(_) => return Err(ApiError::bad_request("Invalid resource id value.")),
    };
    ensure_unique_id(ctx, &id)?;
    let mut row = new_row(ctx, &cal, id)?;
    if let Some(Value::String(uid)) = body.get("iCalUID") {
        row.ical_uid = uid.clone();
    }
    apply(ctx.db, &mut row, &body, Mode::Insert, cal.tz())?;
    add_organizer_attendee(&mut row);
    apply_conference(ctx, &mut row, &body)?;
    row.save(ctx.db, cal.tz())?;
    respond(ctx, &cal, role, &row)
}

/// `events.import`: adds a copy of an existing event (by `iCalUID`); importing the same
/// `iCalUID` again updates that copy.
pub fn import(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    ctx.query.int_in("conferenceDataVersion", 0, 0, 1)?;
    let (cal, role) = require(ctx, ctx.param("calendarId"), Role::Writer)?;
    let body = ctx.body_value()?;
    let uid = match body.get("iCalUID") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        _ => return Err(ApiError::required("iCalUID")),
    };
    let existing = EventRow::select(
        ctx.db,
        "calendar_id = ?1 AND ical_uid = ?2 AND recurring_event_id IS NULL",
        &[&cal.id, &uid],
    )?;
    let (mut row, mode) = match existing.into_iter().next() {
        Some(mut r) => {
            r.updated = rfc3339(ctx.now);
            r.sequence += 1;
            (r, Mode::Update)
        }
        None => {
            let id = ids::base32hex(ctx.db, 26)?;
            let mut r = new_row(ctx, &cal, id)?;
            r.ical_uid = uid;
            (r, Mode::Insert)
        }
    };
    if let Some(org) = body.get("organizer").filter(|o| !o.is_null()) {
        let email = org.get("email").and_then(Value::as_str).unwrap_or("");
        if !valid_email(email) {
            return Err(ApiError::bad_request("Invalid organizer email."));
        }
        let mut o = json!({"email": email.to_ascii_lowercase()});
        if let Some(n) = org.get("displayName").and_then(Value::as_str) {
            o["displayName"] = json!(n);
        }
        row.organizer = o;
    }
    if let Some(seq) = body.get("sequence").and_then(Value::as_i64) {
        row.sequence = seq.max(0);
    }
    apply(ctx.db, &mut row, &body, mode, cal.tz())?;
    apply_conference(ctx, &mut row, &body)?;
    row.save(ctx.db, cal.tz())?;
    respond(ctx, &cal, role, &row)
}

/// `events.quickAdd`.
pub fn quick_add(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    check_write_params(ctx)?;
    let (cal, role) = require(ctx, ctx.param("calendarId"), Role::Writer)?;
    let text = ctx
        .query
        .get("text")
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| ApiError::required("text"))?
        .to_string();
    let tz = cal.tz();
    let today = ctx.now.with_timezone(&tz).date_naive();
    let parsed = quick_add::parse(&text, today);
    let id = ids::base32hex(ctx.db, 26)?;
    let mut row = new_row(ctx, &cal, id)?;
    row.summary = Some(parsed.summary);
    match parsed.times {
        Some((s, e)) => {
            let end_date = parsed.date + Duration::days(parsed.end_days);
            row.start = When::DateTime {
                at: local_to_utc(tz, parsed.date.and_time(s)),
                tz: Some(tz),
            };
            row.end = When::DateTime {
                at: local_to_utc(tz, end_date.and_time(e)),
                tz: Some(tz),
            };
        }
        None => {
            row.start = When::Date(parsed.date);
            row.end = When::Date(parsed.date + Duration::days(1));
        }
    }
    validate_times(&row, tz)?;
    row.save(ctx.db, tz)?;
    respond(ctx, &cal, role, &row)
}

/// Fields that, when changed, make attendees' copies out of date (`sequence` goes up).
fn significant_change(a: &EventRow, b: &EventRow) -> bool {
    a.start != b.start || a.end != b.end || a.recurrence != b.recurrence || a.location != b.location
}

/// What an attendee (without `guestsCanModify`) may change: their own response, comment and
/// number of extra guests. Anything else is a 403.
fn check_attendee_edit(before: &EventRow, after: &EventRow, me: &str) -> Result<(), ApiError> {
    let strip = |e: &EventRow| -> EventRow {
        let mut e = e.clone();
        for a in &mut e.attendees {
            if a.get("email")
                .and_then(Value::as_str)
                .is_some_and(|x| x.eq_ignore_ascii_case(me))
            {
                if let Some(o) = a.as_object_mut() {
                    o.remove("responseStatus");
                    o.remove("comment");
                    o.remove("additionalGuests");
                }
            }
        }
        e
    };
    if after.attendee_status(me).is_none() || strip(before) != strip(after) {
        return Err(ApiError::new(
            403,
            "forbiddenForNonOrganizer",
            "Only the organizer can change this event; an attendee may change only their own response.",
        ));
    }
    Ok(())
}

/// An attendee answering with only their own entry (`attendees: [{email: me, responseStatus}]`)
/// means "my answer", not "remove everyone else": their entry is merged into the full list.
fn merge_own_response(event: &EventRow, body: &mut Value, me: &str) {
    let Some(list) = body.get("attendees").and_then(Value::as_array) else {
        return;
    };
    let mine = |a: &Value| {
        a.get("email")
            .and_then(Value::as_str)
            .is_some_and(|e| e.trim().eq_ignore_ascii_case(me))
    };
    if list.len() != 1 || !mine(&list[0]) || event.attendee_status(me).is_none() {
        return;
    }
    let answer = list[0].clone();
    let merged: Vec<Value> = event
        .attendees
        .iter()
        .map(|a| {
            if !mine(a) {
                return a.clone();
            }
            let mut a = a.clone();
            for key in ["responseStatus", "comment", "additionalGuests"] {
                if let Some(v) = answer.get(key) {
                    a[key] = v.clone();
                }
            }
            a
        })
        .collect();
    body["attendees"] = Value::Array(merged);
}

/// PUT and PATCH.
fn modify(ctx: &mut Ctx<'_>, mode: Mode) -> Result<Reply, ApiError> {
    check_write_params(ctx)?;
    let (cal, role) = require(ctx, ctx.param("calendarId"), Role::FreeBusyReader)?;
    if role < Role::Writer {
        return Err(writer_needed());
    }
    let found = find(ctx, &cal, ctx.param("eventId"))?;
    let mut body = ctx.body_value()?;
    let before = found.event().clone();
    let is_organizer_copy = before.calendar_id.eq_ignore_ascii_case(&cal.id);
    if !is_organizer_copy && !before.guests_can_modify {
        merge_own_response(&before, &mut body, &cal.id);
    }
    let organizer_cal = load_calendar(ctx.db, &before.calendar_id)?.unwrap_or_else(|| cal.clone());
    let tz = organizer_cal.tz();
    let mut after = before.clone();
    apply(ctx.db, &mut after, &body, mode, tz)?;
    apply_conference(ctx, &mut after, &body)?;
    if !is_organizer_copy && !before.guests_can_modify {
        check_attendee_edit(&before, &after, &cal.id)?;
    }
    if is_organizer_copy {
        add_organizer_attendee(&mut after);
    }
    if let Found::Instance(_) = found {
        if after.is_recurring() {
            return Err(ApiError::bad_request(
                "An instance of a recurring event cannot have a recurrence.",
            ));
        }
    }
    if after != before {
        if significant_change(&before, &after) {
            after.sequence += 1;
        }
        after.updated = rfc3339(ctx.now);
        after.save(ctx.db, tz)?;
    }
    respond(ctx, &cal, role, &after)
}

pub fn update(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    modify(ctx, Mode::Update)
}

pub fn patch(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    modify(ctx, Mode::Patch)
}

/// `events.delete`: the organizer's delete cancels the event (a series with all its
/// exceptions; an instance by a cancelled exception). An attendee's delete declines it.
pub fn delete(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    check_write_params(ctx)?;
    let (cal, role) = require(ctx, ctx.param("calendarId"), Role::FreeBusyReader)?;
    if role < Role::Writer {
        return Err(writer_needed());
    }
    let found = find(ctx, &cal, ctx.param("eventId"))?;
    let mut row = found.event().clone();
    if row.status == "cancelled" {
        return Err(ApiError::new(410, "deleted", "Resource has been deleted"));
    }
    let tz = load_calendar(ctx.db, &row.calendar_id)?
        .map(|c| c.tz())
        .unwrap_or(cal.tz());
    let now = rfc3339(ctx.now);
    if row.calendar_id.eq_ignore_ascii_case(&cal.id) {
        row.status = "cancelled".into();
        if row.is_recurring() {
            ctx.db.execute(
                "UPDATE calendar_events SET status = 'cancelled', updated = ?2 \
                 WHERE recurring_event_id = ?1 AND status <> 'cancelled'",
                rusqlite::params![row.id, now],
            )?;
        }
    } else {
        for a in &mut row.attendees {
            if a.get("email")
                .and_then(Value::as_str)
                .is_some_and(|x| x.eq_ignore_ascii_case(&cal.id))
            {
                a["responseStatus"] = json!("declined");
            }
        }
    }
    row.updated = now;
    row.save(ctx.db, tz)?;
    Ok(Reply::no_content())
}

/// `events.move`: changes the organizer calendar of a (non-instance) event.
pub fn move_event(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    check_write_params(ctx)?;
    let (src, _) = require(ctx, ctx.param("calendarId"), Role::Writer)?;
    let dest_raw = ctx
        .query
        .get("destination")
        .filter(|d| !d.is_empty())
        .ok_or_else(|| ApiError::required("destination"))?
        .to_string();
    let (dest, dest_role) = require(ctx, &resolve_id(ctx.user, &dest_raw), Role::Writer)?;
    let mut row = match find(ctx, &src, ctx.param("eventId"))? {
        Found::Stored(r) if r.recurring_event_id.is_none() => r,
        _ => {
            return Err(ApiError::new(
                400,
                "cannotChangeOrganizerOfInstance",
                "Cannot change the organizer of an instance.",
            ))
        }
    };
    if !row.calendar_id.eq_ignore_ascii_case(&src.id) {
        return Err(ApiError::new(
            400,
            "cannotChangeOrganizer",
            "Only the organizer's copy can be moved.",
        ));
    }
    if row.status == "cancelled" {
        return Err(ApiError::new(410, "deleted", "Resource has been deleted"));
    }
    if row.event_type != "default" {
        return Err(ApiError::bad_request("Only default events can be moved."));
    }
    let now = rfc3339(ctx.now);
    row.calendar_id = dest.id.clone();
    row.organizer = organizer_for(ctx.db, &dest)?;
    row.updated = now.clone();
    row.save(ctx.db, dest.tz())?;
    ctx.db.execute(
        "UPDATE calendar_events SET calendar_id = ?2, organizer = ?3, updated = ?4 WHERE recurring_event_id = ?1",
        rusqlite::params![row.id, dest.id, row.organizer.to_string(), now],
    )?;
    respond(ctx, &dest, dest_role, &row)
}
