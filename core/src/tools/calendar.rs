//! Calendar tools. Times are given as local times in the user's time zone ("2026-03-17T14:00"),
//! dates for all-day events ("2026-03-17"), or RFC 3339 with an offset.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde_json::{json, Value};

use super::{enc, truncate, Access, App, Args, Session, Tool, ToolError};
use env0_world::Method;

const BASE: &str = "/calendar/v3";

fn cal_param() -> Value {
    json!({"type": "string", "description": "calendar id; default: primary"})
}

pub fn tools() -> Vec<Tool> {
    let time = |d: &str| json!({"type": "string", "description": d});
    vec![
        Tool {
            name: "calendar_list_events",
            app: App::Calendar,
            access: Access::Read,
            description:
                "List events (recurring ones expanded) between two times, soonest first. Times are \
                          local (2026-03-17T09:00) or dates; default: the next 7 days."
                    .into(),
            parameters: json!({"type": "object", "properties": {
                "time_min": time("start of the window"), "time_max": time("end of the window"),
                "query": {"type": "string", "description": "free text matched against title, description, location, attendees"},
                "calendar_id": cal_param(),
                "max_results": {"type": "integer", "description": "1-100, default 25"}}, "required": []}),
            run: list_events,
        },
        Tool {
            name: "calendar_get_event",
            app: App::Calendar,
            access: Access::Read,
            description: "Get one event with its attendees and their responses.".into(),
            parameters: json!({"type": "object", "properties": {
                "event_id": {"type": "string"}, "calendar_id": cal_param()}, "required": ["event_id"]}),
            run: get_event,
        },
        Tool {
            name: "calendar_create_event",
            app: App::Calendar,
            access: Access::Write,
            description:
                "Create an event. start/end: local times (2026-03-17T14:00) or dates for all-day \
                          events (end date exclusive). Attendees get invited."
                    .into(),
            parameters: json!({"type": "object", "properties": {
                "summary": {"type": "string", "description": "title"},
                "start": time("start"), "end": time("end"),
                "time_zone": {"type": "string", "description": "IANA zone, default: the user's"},
                "attendees": {"type": "array", "items": {"type": "string"}, "description": "email addresses"},
                "location": {"type": "string"}, "description": {"type": "string"},
                "recurrence": {"type": "string", "description": "RRULE, e.g. RRULE:FREQ=WEEKLY;BYDAY=MO"},
                "calendar_id": cal_param()},
                "required": ["summary", "start", "end"]}),
            run: create_event,
        },
        Tool {
            name: "calendar_update_event",
            app: App::Calendar,
            access: Access::Write,
            description:
                "Change an event: only the fields given change. Attendees can be added or removed."
                    .into(),
            parameters: json!({"type": "object", "properties": {
                "event_id": {"type": "string"},
                "summary": {"type": "string"}, "start": time("new start"), "end": time("new end"),
                "time_zone": {"type": "string"},
                "location": {"type": "string"}, "description": {"type": "string"},
                "add_attendees": {"type": "array", "items": {"type": "string"}},
                "remove_attendees": {"type": "array", "items": {"type": "string"}},
                "calendar_id": cal_param()},
                "required": ["event_id"]}),
            run: update_event,
        },
        Tool {
            name: "calendar_delete_event",
            app: App::Calendar,
            access: Access::Write,
            description: "Delete (cancel) an event.".into(),
            parameters: json!({"type": "object", "properties": {
                "event_id": {"type": "string"}, "calendar_id": cal_param()}, "required": ["event_id"]}),
            run: delete_event,
        },
        Tool {
            name: "calendar_respond",
            app: App::Calendar,
            access: Access::Write,
            description: "Answer an invitation as the user: accepted, declined or tentative."
                .into(),
            parameters: json!({"type": "object", "properties": {
                "event_id": {"type": "string"},
                "response": {"type": "string", "enum": ["accepted", "declined", "tentative"]},
                "calendar_id": cal_param()}, "required": ["event_id", "response"]}),
            run: respond,
        },
        Tool {
            name: "calendar_free_busy",
            app: App::Calendar,
            access: Access::Read,
            description: "Busy intervals of people's calendars in a window.".into(),
            parameters: json!({"type": "object", "properties": {
                "emails": {"type": "array", "items": {"type": "string"}},
                "time_min": time("start"), "time_max": time("end")}, "required": ["emails", "time_min", "time_max"]}),
            run: free_busy,
        },
        Tool {
            name: "calendar_list_calendars",
            app: App::Calendar,
            access: Access::Read,
            description: "List the calendars the user can see.".into(),
            parameters: json!({"type": "object", "properties": {}, "required": []}),
            run: list_calendars,
        },
    ]
}

fn user_tz(s: &mut Session<'_>) -> Result<chrono_tz::Tz, ToolError> {
    let setting = s.get(&format!("{BASE}/users/me/settings/timezone"))?;
    Ok(setting["value"]
        .as_str()
        .and_then(|z| z.parse().ok())
        .unwrap_or(chrono_tz::UTC))
}

fn zone(s: &mut Session<'_>, a: &Args) -> Result<chrono_tz::Tz, ToolError> {
    match a.opt_str("time_zone") {
        Some(z) => z.parse().map_err(|_| {
            ToolError::new(format!(
                "unknown time zone '{z}' (use an IANA name like America/New_York)"
            ))
        }),
        None => user_tz(s),
    }
}

enum When {
    Date(NaiveDate),
    At(DateTime<Utc>),
}

fn parse_when(text: &str, tz: chrono_tz::Tz) -> Result<When, ToolError> {
    let t = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(When::Date(d));
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(When::At(dt.with_timezone(&Utc)));
    }
    for fmt in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(t, fmt) {
            return tz
                .from_local_datetime(&naive)
                .earliest()
                .map(|x| When::At(x.with_timezone(&Utc)))
                .ok_or_else(|| {
                    ToolError::new(format!("{t} does not exist in {tz} (clock change)"))
                });
        }
    }
    Err(ToolError::new(format!(
        "cannot read time '{t}': use 2026-03-17T14:00 (local), 2026-03-17 (all day) or RFC 3339"
    )))
}

fn instant(text: &str, tz: chrono_tz::Tz) -> Result<DateTime<Utc>, ToolError> {
    Ok(match parse_when(text, tz)? {
        When::At(t) => t,
        When::Date(d) => tz
            .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
            .earliest()
            .map(|x| x.with_timezone(&Utc))
            .unwrap_or_else(|| d.and_time(chrono::NaiveTime::MIN).and_utc()),
    })
}

fn event_time(text: &str, tz: chrono_tz::Tz) -> Result<Value, ToolError> {
    Ok(match parse_when(text, tz)? {
        When::Date(d) => json!({"date": d.format("%Y-%m-%d").to_string()}),
        When::At(t) => {
            json!({"dateTime": t.with_timezone(&tz).to_rfc3339(), "timeZone": tz.name()})
        }
    })
}

fn show_time(v: &Value, tz: chrono_tz::Tz) -> String {
    if let Some(d) = v["date"].as_str() {
        return d.to_string();
    }
    v["dateTime"]
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&tz).format("%Y-%m-%dT%H:%M %a").to_string())
        .unwrap_or_default()
}

fn event_view(e: &Value, tz: chrono_tz::Tz) -> Value {
    let attendees: Vec<Value> = e["attendees"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| json!({"email": a["email"], "response": a["responseStatus"]}))
        .collect();
    let mut v = json!({
        "id": e["id"],
        "summary": e["summary"],
        "start": show_time(&e["start"], tz),
        "end": show_time(&e["end"], tz),
        "organizer": e["organizer"]["email"],
    });
    for (key, src) in [
        ("location", "location"),
        ("status", "status"),
        ("recurring_event_id", "recurringEventId"),
    ] {
        if let Some(x) = e[src].as_str() {
            v[key] = json!(x);
        }
    }
    if let Some(d) = e["description"].as_str() {
        v["description"] = json!(truncate(d, 500));
    }
    if !attendees.is_empty() {
        v["attendees"] = json!(attendees);
    }
    v
}

fn calendar_id(a: &Args) -> String {
    enc(a.opt_str("calendar_id").unwrap_or("primary"))
}

fn list_events(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let tz = zone(s, a)?;
    let now = s.world.now().map_err(|e| ToolError::new(e.to_string()))?;
    let min = match a.opt_str("time_min") {
        Some(t) => instant(t, tz)?,
        None => now,
    };
    let max = match a.opt_str("time_max") {
        Some(t) => instant(t, tz)?,
        None => min + Duration::days(7),
    };
    if max <= min {
        return Err(ToolError::new("time_max must be after time_min"));
    }
    let limit = a.opt_i64("max_results").unwrap_or(25).clamp(1, 100);
    let mut path = format!(
        "{BASE}/calendars/{}/events?singleEvents=true&orderBy=startTime&maxResults={limit}&timeMin={}&timeMax={}",
        calendar_id(a),
        enc(&env0_world::clock::rfc3339(min)),
        enc(&env0_world::clock::rfc3339(max)),
    );
    if let Some(q) = a.opt_str("query") {
        path.push_str(&format!("&q={}", enc(q)));
    }
    let list = s.get(&path)?;
    let events: Vec<Value> = list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| event_view(e, tz))
        .collect();
    Ok(
        json!({"time_zone": tz.name(), "events": events, "more": list.get("nextPageToken").is_some()}),
    )
}

fn get_event(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let tz = user_tz(s)?;
    let e = s.get(&format!(
        "{BASE}/calendars/{}/events/{}",
        calendar_id(a),
        enc(a.str("event_id")?)
    ))?;
    Ok(event_view(&e, tz))
}

fn attendee_list(emails: &[String]) -> Result<Vec<Value>, ToolError> {
    emails
        .iter()
        .map(|e| {
            if e.contains('@') {
                Ok(json!({"email": e}))
            } else {
                Err(ToolError::new(format!(
                    "attendee '{e}' is not an email address"
                )))
            }
        })
        .collect()
}

fn create_event(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let tz = zone(s, a)?;
    let mut body = json!({
        "summary": a.str("summary")?,
        "start": event_time(a.str("start")?, tz)?,
        "end": event_time(a.str("end")?, tz)?,
    });
    let attendees = attendee_list(&a.str_list("attendees"))?;
    if !attendees.is_empty() {
        body["attendees"] = json!(attendees);
    }
    for key in ["location", "description"] {
        if let Some(v) = a.opt_str(key) {
            body[key] = json!(v);
        }
    }
    if let Some(r) = a.opt_str("recurrence") {
        let rule = if r.starts_with("RRULE:") {
            r.to_string()
        } else {
            format!("RRULE:{r}")
        };
        body["recurrence"] = json!([rule]);
    }
    let e = s.call(
        Method::Post,
        &format!("{BASE}/calendars/{}/events?sendUpdates=all", calendar_id(a)),
        Some(body),
    )?;
    Ok(event_view(&e, tz))
}

fn update_event(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let tz = zone(s, a)?;
    let path = format!(
        "{BASE}/calendars/{}/events/{}",
        calendar_id(a),
        enc(a.str("event_id")?)
    );
    let mut patch = json!({});
    for key in ["summary", "location", "description"] {
        if let Some(v) = a.opt_str(key) {
            patch[key] = json!(v);
        }
    }
    for key in ["start", "end"] {
        if let Some(v) = a.opt_str(key) {
            patch[key] = event_time(v, tz)?;
        }
    }
    let add = a.str_list("add_attendees");
    let remove: Vec<String> = a
        .str_list("remove_attendees")
        .iter()
        .map(|e| e.to_lowercase())
        .collect();
    if !add.is_empty() || !remove.is_empty() {
        let current = s.get(&path)?;
        let mut list: Vec<Value> = current["attendees"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|x| {
                !x["email"]
                    .as_str()
                    .is_some_and(|e| remove.contains(&e.to_lowercase()))
            })
            .collect();
        for extra in attendee_list(&add)? {
            let exists = list.iter().any(|x| {
                x["email"].as_str().map(str::to_lowercase)
                    == extra["email"].as_str().map(str::to_lowercase)
            });
            if !exists {
                list.push(extra);
            }
        }
        patch["attendees"] = json!(list);
    }
    if patch.as_object().is_some_and(|m| m.is_empty()) {
        return Err(ToolError::new(
            "nothing to change: give at least one field to update",
        ));
    }
    let e = s.call(
        Method::Patch,
        &format!("{path}?sendUpdates=all"),
        Some(patch),
    )?;
    Ok(event_view(&e, tz))
}

fn delete_event(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let id = a.str("event_id")?;
    s.call(
        Method::Delete,
        &format!(
            "{BASE}/calendars/{}/events/{}?sendUpdates=all",
            calendar_id(a),
            enc(id)
        ),
        None,
    )?;
    Ok(json!({"deleted": id}))
}

fn respond(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let response = a.str("response")?;
    let path = format!(
        "{BASE}/calendars/{}/events/{}",
        calendar_id(a),
        enc(a.str("event_id")?)
    );
    let event = s.get(&path)?;
    let me = s.get(&format!("{BASE}/users/me/calendarList/primary"))?;
    let my_email = me["id"].as_str().unwrap_or_default().to_lowercase();
    let mut attendees = event["attendees"].as_array().cloned().unwrap_or_default();
    let mine = attendees.iter_mut().find(|x| {
        x["self"] == json!(true)
            || x["email"]
                .as_str()
                .is_some_and(|e| e.to_lowercase() == my_email)
    });
    match mine {
        Some(entry) => entry["responseStatus"] = json!(response),
        None => return Err(ToolError::new("you are not an attendee of this event")),
    }
    s.call(Method::Patch, &path, Some(json!({"attendees": attendees})))?;
    Ok(json!({"event_id": event["id"], "response": response}))
}

fn free_busy(s: &mut Session<'_>, a: &Args) -> Result<Value, ToolError> {
    let tz = user_tz(s)?;
    let items: Vec<Value> = a
        .str_list("emails")
        .iter()
        .map(|e| json!({"id": e}))
        .collect();
    if items.is_empty() {
        return Err(ToolError::new("'emails' needs at least one address"));
    }
    let body = json!({
        "timeMin": env0_world::clock::rfc3339(instant(a.str("time_min")?, tz)?),
        "timeMax": env0_world::clock::rfc3339(instant(a.str("time_max")?, tz)?),
        "timeZone": tz.name(),
        "items": items,
    });
    let fb = s.call(Method::Post, &format!("{BASE}/freeBusy"), Some(body))?;
    let mut out = serde_json::Map::new();
    for (cal, info) in fb["calendars"].as_object().into_iter().flatten() {
        let busy: Vec<String> = info["busy"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|b| {
                format!(
                    "{} - {}",
                    show_time(&json!({"dateTime": b["start"]}), tz),
                    show_time(&json!({"dateTime": b["end"]}), tz)
                )
            })
            .collect();
        let value = if info["errors"].is_array() {
            json!("unavailable")
        } else {
            json!(busy)
        };
        out.insert(cal.clone(), value);
    }
    Ok(json!({"time_zone": tz.name(), "busy": out}))
}

fn list_calendars(s: &mut Session<'_>, _a: &Args) -> Result<Value, ToolError> {
    let list = s.get(&format!("{BASE}/users/me/calendarList"))?;
    let out: Vec<Value> = list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| json!({"id": c["id"], "summary": c["summary"], "access_role": c["accessRole"], "primary": c["primary"]}))
        .collect();
    Ok(json!({"calendars": out}))
}
