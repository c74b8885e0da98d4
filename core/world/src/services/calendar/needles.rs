//! Task needles for Calendar: the rows a task is about, inserted into a seeded world.
//!
//! Kinds and their `data`:
//! - `event`: any fields of Google's `Event` resource (`summary`, `start`/`end`, `attendees`,
//!   `recurrence`, `status`, `reminders`, …), validated as `events.insert` does, plus
//!   conveniences relative to the world's now: `days_from_now`, `start_hour`, `start_minute`,
//!   `duration_minutes` or `duration_hours`, `all_day` (with `days`), `time_zone`. `calendar`
//!   names the calendar (`primary`, a calendar id, or the summary of one in the acting user's
//!   list, e.g. `Team`); `organizer` (an internal email) puts the event on that person's primary
//!   calendar instead. Attendees may be plain emails.
//! - `calendar`: a secondary calendar (`summary`, `description`, `time_zone`, `owner` email).
//! - `acl`: a rule (`calendar`, `role`, `scope_type`, `scope_value`).

use chrono::{Duration, NaiveTime};
use rusqlite::{Connection, OptionalExtension};
use serde_json::{json, Map, Value};

use super::access::{insert_calendar, load_calendar, put_acl, CalendarRow, Role};
use super::body::{apply, valid_event_id, Mode};
use super::calendars::{new_entry, save_entry};
use super::model::EventRow;
use super::time::{format_in, local_to_utc, parse_tz, When};
use crate::needles::{err, Inserted, NeedleRef};
use crate::store::clock::{self, ids, rfc3339};
use crate::store::users::{self, User};

/// Inserts one needle of `kind` for the acting user.
pub fn insert(conn: &Connection, actor: &User, kind: &str, data: &Value) -> Inserted {
    match kind {
        "event" => insert_event(conn, actor, data),
        "calendar" => insert_secondary(conn, actor, data),
        "acl" => insert_rule(conn, actor, data),
        other => Err(format!(
            "unknown calendar needle kind '{other}' (event, calendar or acl)"
        )),
    }
}

/// Finds a calendar by `primary`, id, or summary in `user`'s list.
fn find_calendar(conn: &Connection, user: &User, name: &str) -> Result<CalendarRow, String> {
    let id = if name == "primary" {
        user.email.as_str()
    } else {
        name
    };
    if let Some(c) = load_calendar(conn, id).map_err(err)? {
        return Ok(c);
    }
    let by_summary: Option<String> = conn
        .query_row(
            "SELECT c.id FROM calendar_calendars c JOIN calendar_list l ON l.calendar_id = c.id \
             WHERE l.user_id = ?1 AND lower(c.summary) = lower(?2) LIMIT 1",
            [&user.id, name],
            |r| r.get(0),
        )
        .optional()
        .map_err(err)?;
    match by_summary {
        Some(id) => load_calendar(conn, &id)
            .map_err(err)?
            .ok_or_else(|| format!("calendar '{name}' vanished")),
        None => Err(format!("no calendar '{name}' for {}", user.email)),
    }
}

fn insert_event(conn: &Connection, actor: &User, data: &Value) -> Inserted {
    let obj = data
        .as_object()
        .ok_or("an event needle's data must be an object")?;
    let now = clock::now(conn).map_err(err)?;
    let (cal, owner) = match obj.get("organizer").and_then(Value::as_str) {
        Some(email) => {
            let u = users::find(conn, email)
                .map_err(err)?
                .ok_or_else(|| format!("unknown organizer '{email}'"))?;
            (find_calendar(conn, &u, "primary")?, u)
        }
        None => {
            let name = obj
                .get("calendar")
                .and_then(Value::as_str)
                .unwrap_or("primary");
            (find_calendar(conn, actor, name)?, actor.clone())
        }
    };
    let cal_tz = cal.tz();
    let mut body: Map<String, Value> = obj
        .iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "calendar"
                    | "organizer"
                    | "days_from_now"
                    | "start_hour"
                    | "start_minute"
                    | "duration_minutes"
                    | "duration_hours"
                    | "all_day"
                    | "days"
                    | "time_zone"
                    | "id"
                    | "iCalUID"
            )
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if let Some(Value::Array(list)) = body.get("attendees") {
        let list: Vec<Value> = list
            .iter()
            .map(|a| match a {
                Value::String(email) => json!({"email": email}),
                other => other.clone(),
            })
            .collect();
        body.insert("attendees".into(), Value::Array(list));
    }
    if !body.contains_key("start") {
        let tz = match obj.get("time_zone").and_then(Value::as_str) {
            Some(name) => parse_tz(name).ok_or_else(|| format!("unknown time zone '{name}'"))?,
            None => cal_tz,
        };
        let days = obj
            .get("days_from_now")
            .and_then(Value::as_i64)
            .unwrap_or(1);
        crate::needles::days_in_range(days as f64, "days_from_now")?;
        let day = now.with_timezone(&tz).date_naive() + Duration::days(days);
        if obj.get("all_day").and_then(Value::as_bool).unwrap_or(false) {
            let len = obj.get("days").and_then(Value::as_i64).unwrap_or(1).max(1);
            crate::needles::days_in_range(len as f64, "days")?;
            body.insert(
                "start".into(),
                json!({"date": day.format("%Y-%m-%d").to_string()}),
            );
            body.insert(
                "end".into(),
                json!({"date": (day + Duration::days(len)).format("%Y-%m-%d").to_string()}),
            );
        } else {
            let small = |key: &str, default: u64| {
                u32::try_from(obj.get(key).and_then(Value::as_u64).unwrap_or(default))
                    .unwrap_or(u32::MAX)
            };
            let time =
                NaiveTime::from_hms_opt(small("start_hour", 10), small("start_minute", 0), 0)
                    .ok_or("start_hour/start_minute out of range")?;
            let minutes = match (obj.get("duration_minutes"), obj.get("duration_hours")) {
                (Some(m), _) => m.as_f64().unwrap_or(60.0),
                (None, Some(h)) => h.as_f64().unwrap_or(1.0) * 60.0,
                (None, None) => 60.0,
            };
            crate::needles::days_in_range(minutes / 1440.0, "duration_minutes")?;
            let start = local_to_utc(tz, day.and_time(time));
            let end = start + Duration::minutes(minutes.round() as i64);
            body.insert(
                "start".into(),
                json!({"dateTime": format_in(start, tz), "timeZone": tz.name()}),
            );
            body.insert(
                "end".into(),
                json!({"dateTime": format_in(end, tz), "timeZone": tz.name()}),
            );
        }
    }
    let id = match obj.get("id").and_then(Value::as_str) {
        Some(id) if valid_event_id(id) => id.to_string(),
        Some(id) => {
            return Err(format!(
                "invalid event id '{id}' (5-1024 chars of a-v, 0-9)"
            ))
        }
        None => ids::base32hex(conn, 26).map_err(err)?,
    };
    if EventRow::load(conn, &id).map_err(err)?.is_some() {
        return Err(format!("event id '{id}' already exists"));
    }
    let organizer = if cal.is_primary {
        json!({"email": owner.email, "displayName": owner.display_name})
    } else {
        json!({"email": cal.id, "displayName": cal.summary})
    };
    let stamp = rfc3339(now - Duration::days(2));
    let mut row = EventRow::new(
        id,
        &cal.id,
        (When::Date(now.date_naive()), When::Date(now.date_naive())),
        (
            organizer.clone(),
            json!({"email": owner.email, "displayName": owner.display_name}),
        ),
        stamp,
    );
    if let Some(uid) = obj.get("iCalUID").and_then(Value::as_str) {
        row.ical_uid = uid.to_string();
    }
    apply(
        conn,
        &mut row,
        &Value::Object(body.clone()),
        Mode::Insert,
        cal_tz,
    )
    .map_err(|e| e.message)?;
    if let Some(cd) = body.get("conferenceData").filter(|v| v.is_object()) {
        row.conference_data = Some(cd.clone());
    }
    // The organizer is a guest too (accepted) when there are others, as events.insert does.
    if cal.is_primary && !row.attendees.is_empty() && row.attendee_status(&owner.email).is_none() {
        row.attendees.insert(
            0,
            json!({"email": owner.email, "displayName": owner.display_name, "organizer": true, "responseStatus": "accepted"}),
        );
    }
    row.save(conn, cal_tz).map_err(err)?;
    Ok(vec![NeedleRef::new("calendar_events", row.id)])
}

fn insert_secondary(conn: &Connection, actor: &User, data: &Value) -> Inserted {
    let summary = data
        .get("summary")
        .and_then(Value::as_str)
        .ok_or("a calendar needle needs a summary")?;
    let owner = match data.get("owner").and_then(Value::as_str) {
        Some(email) => users::find(conn, email)
            .map_err(err)?
            .ok_or_else(|| format!("unknown owner '{email}'"))?,
        None => actor.clone(),
    };
    let tz = data
        .get("time_zone")
        .and_then(Value::as_str)
        .unwrap_or(&owner.time_zone)
        .to_string();
    parse_tz(&tz).ok_or_else(|| format!("unknown time zone '{tz}'"))?;
    let now = rfc3339(clock::now(conn).map_err(err)?);
    let cal = CalendarRow {
        id: format!(
            "c_{}@group.calendar.google.com",
            ids::base32hex(conn, 26).map_err(err)?
        ),
        owner_id: Some(owner.id.clone()),
        summary: summary.to_string(),
        description: data
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string),
        location: None,
        time_zone: tz,
        is_primary: false,
        updated: now.clone(),
    };
    insert_calendar(conn, &cal).map_err(err)?;
    let rule =
        put_acl(conn, &cal.id, "user", Some(&owner.email), Role::Owner, &now).map_err(err)?;
    save_entry(conn, &new_entry(&owner.id, &cal.id, 10, &now)).map_err(err)?;
    Ok(vec![
        NeedleRef::new("calendar_calendars", cal.id.clone()),
        NeedleRef::new("calendar_acl", format!("{}|{rule}", cal.id)),
        NeedleRef::new("calendar_list", format!("{}|{}", owner.id, cal.id)),
    ])
}

fn insert_rule(conn: &Connection, actor: &User, data: &Value) -> Inserted {
    let name = data
        .get("calendar")
        .and_then(Value::as_str)
        .unwrap_or("primary");
    let cal = find_calendar(conn, actor, name)?;
    let role = data
        .get("role")
        .and_then(Value::as_str)
        .and_then(Role::parse)
        .ok_or("an acl needle needs a role (none, freeBusyReader, reader, writer, owner)")?;
    let scope_type = data
        .get("scope_type")
        .and_then(Value::as_str)
        .unwrap_or("user");
    if !matches!(scope_type, "user" | "group" | "domain" | "default") {
        return Err(format!("invalid scope_type '{scope_type}'"));
    }
    let value = data
        .get("scope_value")
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase);
    if scope_type != "default" && value.is_none() {
        return Err("an acl needle needs a scope_value".into());
    }
    let now = rfc3339(clock::now(conn).map_err(err)?);
    let rule = put_acl(conn, &cal.id, scope_type, value.as_deref(), role, &now).map_err(err)?;
    Ok(vec![NeedleRef::new(
        "calendar_acl",
        format!("{}|{rule}", cal.id),
    )])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::WorldOptions;
    use crate::{seeded_world, Scale};

    #[test]
    fn event_needles_use_relative_times_and_named_calendars() {
        let w = seeded_world(&WorldOptions::default(), Scale::DEFAULT).unwrap();
        let conn = w.conn();
        let refs = crate::needles::insert(
            conn,
            "calendar",
            "alex@nexusai.com",
            "event",
            &json!({"summary": "Board prep", "calendar": "Leadership", "days_from_now": 2, "start_hour": 15,
                    "duration_minutes": 45, "attendees": ["sarah@nexusai.com"]}),
        )
        .unwrap();
        let row = EventRow::load(conn, &refs[0].key).unwrap().unwrap();
        assert_eq!(row.summary.as_deref(), Some("Board prep"));
        assert_eq!(
            row.start.to_json(chrono_tz::America::Los_Angeles)["dateTime"],
            "2026-03-18T15:00:00-07:00"
        );
        assert_eq!(
            row.end.to_json(chrono_tz::America::Los_Angeles)["dateTime"],
            "2026-03-18T15:45:00-07:00"
        );
        assert_ne!(row.calendar_id, "alex@nexusai.com");
        let refs = crate::needles::insert(
            conn,
            "calendar",
            "alex@nexusai.com",
            "event",
            &json!({"summary": "Invite from Priya", "organizer": "priya@nexusai.com", "attendees": [{"email": "alex@nexusai.com", "responseStatus": "needsAction"}]}),
        )
        .unwrap();
        let row = EventRow::load(conn, &refs[0].key).unwrap().unwrap();
        assert_eq!(row.calendar_id, "priya@nexusai.com");
        assert_eq!(row.attendee_status("alex@nexusai.com"), Some("needsAction"));
        assert_eq!(row.attendee_status("priya@nexusai.com"), Some("accepted"));
        // Bad needles are readable errors.
        assert!(crate::needles::insert(
            conn,
            "calendar",
            "alex@nexusai.com",
            "event",
            &json!({"calendar": "Nope"})
        )
        .unwrap_err()
        .contains("no calendar"));
        assert!(
            crate::needles::insert(conn, "calendar", "alex@nexusai.com", "party", &json!({}))
                .is_err()
        );
        assert!(crate::needles::insert(
            conn,
            "calendar",
            "alex@nexusai.com",
            "event",
            &json!({"start_hour": 30})
        )
        .is_err());
        let cal = crate::needles::insert(
            conn,
            "calendar",
            "alex@nexusai.com",
            "calendar",
            &json!({"summary": "Book club"}),
        )
        .unwrap();
        assert_eq!(cal[0].collection, "calendar_calendars");
        let rule = crate::needles::insert(
            conn,
            "calendar",
            "alex@nexusai.com",
            "acl",
            &json!({"calendar": "Book club", "role": "reader", "scope_value": "priya@nexusai.com"}),
        )
        .unwrap();
        assert!(rule[0].key.ends_with("|user:priya@nexusai.com"));
    }
}
