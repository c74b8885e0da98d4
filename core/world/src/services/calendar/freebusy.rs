//! `freeBusy.query`: busy intervals per calendar, recurrence-aware, clipped to the window and
//! merged. Cancelled and transparent events do not count, nor invitations the owner declined; a
//! calendar the caller cannot see gets a `notFound` error entry instead.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

use super::access::{load_calendar, resolve_id, role_for, CalendarRow, Role};
use super::events::rows_on;
use super::model::{instance_starts, EventRow};
use super::recurrence::MAX_INSTANCES;
use super::time::{format_in, parse_rfc3339_param, parse_tz};
use crate::rest::{ApiError, Ctx, Reply};

fn body_time(body: &Value, name: &str) -> Result<DateTime<Utc>, ApiError> {
    let v = body
        .get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::required(name))?;
    parse_rfc3339_param(name, v)
}

/// A busy interval.
type Span = (DateTime<Utc>, DateTime<Utc>);

/// The busy intervals of `cal` within `[min, max)`, merged.
pub fn busy(
    ctx: &Ctx<'_>,
    cal: &CalendarRow,
    min: DateTime<Utc>,
    max: DateTime<Utc>,
) -> Result<Vec<Span>, ApiError> {
    let tz = cal.tz();
    let counts = |e: &EventRow| {
        e.status != "cancelled"
            && e.transparency != "transparent"
            && (e.calendar_id.eq_ignore_ascii_case(&cal.id)
                || e.attendee_status(&cal.id) != Some("declined"))
    };
    let rows = rows_on(ctx, cal)?;
    let exception_ids: BTreeSet<String> = rows
        .iter()
        .filter(|r| r.recurring_event_id.is_some())
        .map(|r| r.id.clone())
        .collect();
    let mut spans = Vec::new();
    for r in &rows {
        if r.is_recurring() {
            if r.status == "cancelled" {
                continue;
            }
            for start in instance_starts(r, tz, Some(min), max, MAX_INSTANCES) {
                let inst = r.instance(&start, tz);
                if !exception_ids.contains(&inst.id) && counts(&inst) {
                    spans.push((inst.start_instant(tz), inst.end_instant(tz)));
                }
            }
        } else if counts(r) {
            spans.push((r.start_instant(tz), r.end_instant(tz)));
        }
    }
    let mut clipped: Vec<Span> = spans
        .into_iter()
        .filter(|(s, e)| *e > min && *s < max)
        .map(|(s, e)| (s.max(min), e.min(max)))
        .filter(|(s, e)| e > s)
        .collect();
    clipped.sort();
    let mut merged: Vec<Span> = Vec::new();
    for (s, e) in clipped {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    Ok(merged)
}

/// `freeBusy.query`.
pub fn query(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let body = ctx.body_value()?;
    let min = body_time(&body, "timeMin")?;
    let max = body_time(&body, "timeMax")?;
    if max <= min {
        return Err(ApiError::new(
            400,
            "timeRangeEmpty",
            "The specified time range is empty.",
        ));
    }
    let tz = match body.get("timeZone").and_then(Value::as_str) {
        Some(name) => parse_tz(name)
            .ok_or_else(|| ApiError::bad_request(format!("Invalid time zone '{name}'.")))?,
        None => chrono_tz::UTC,
    };
    let items = match body.get("items") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(_) => return Err(ApiError::bad_request("Invalid items.")),
    };
    if items.len() > 50 {
        return Err(ApiError::new(
            400,
            "tooManyCalendarsRequested",
            "Too many calendars requested (at most 50).",
        ));
    }
    let mut calendars = Map::new();
    for item in &items {
        let raw = item
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::required("items.id"))?;
        let id = resolve_id(ctx.user, raw);
        let cal = load_calendar(ctx.db, &id)?;
        let role = match &cal {
            Some(c) => role_for(ctx.db, &c.id, ctx.user)?,
            None => Role::None,
        };
        let entry = match cal {
            Some(c) if role >= Role::FreeBusyReader => {
                let spans = busy(ctx, &c, min, max)?;
                let busy: Vec<Value> = spans
                    .iter()
                    .map(|(s, e)| json!({"start": format_in(*s, tz), "end": format_in(*e, tz)}))
                    .collect();
                json!({"busy": busy})
            }
            _ => json!({"busy": [], "errors": [{"domain": "global", "reason": "notFound"}]}),
        };
        calendars.insert(raw.to_string(), entry);
    }
    Ok(Reply::ok(json!({
        "kind": "calendar#freeBusy",
        "timeMin": format_in(min, tz),
        "timeMax": format_in(max, tz),
        "calendars": calendars,
    })))
}
