//! Turning an `Event` request body into a stored row: field-by-field validation with Google's
//! messages, and PUT (replace) versus PATCH (merge) semantics.

use chrono_tz::Tz;
use rusqlite::Connection;
use serde_json::{json, Map, Value};

use super::model::EventRow;
use super::recurrence::Series;
use super::time::{parse_event_time, When};
use crate::rest::body::nullable_str;
use crate::rest::ApiError;
use crate::store::users;

/// How a body is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A new event: absent fields take defaults.
    Insert,
    /// PUT: absent fields are cleared.
    Update,
    /// PATCH: only the fields present change; `null` clears.
    Patch,
}

/// Fields kept verbatim (type-checked) in the `extra` column.
const EXTRA_FIELDS: &[(&str, &str)] = &[
    ("anyoneCanAddSelf", "boolean"),
    ("privateCopy", "boolean"),
    ("locked", "boolean"),
    ("endTimeUnspecified", "boolean"),
    ("attachments", "array"),
    ("source", "object"),
    ("gadget", "object"),
    ("outOfOfficeProperties", "object"),
    ("focusTimeProperties", "object"),
    ("workingLocationProperties", "object"),
    ("birthdayProperties", "object"),
];

const EVENT_TYPES: &[&str] = &[
    "default",
    "outOfOffice",
    "focusTime",
    "workingLocation",
    "birthday",
    "fromGmail",
];

fn field<'a>(body: &'a Map<String, Value>, mode: Mode, key: &str) -> Option<&'a Value> {
    match (body.get(key), mode) {
        (Some(v), _) => Some(v),
        (None, Mode::Update) => Some(&Value::Null),
        (None, _) => None,
    }
}

fn enum_value(v: &Value, name: &str, allowed: &[&str], default: &str) -> Result<String, ApiError> {
    match v {
        Value::Null => Ok(default.to_string()),
        Value::String(s) if allowed.contains(&s.as_str()) => Ok(s.clone()),
        other => Err(ApiError::bad_request(format!(
            "Invalid value for field '{name}': {other}. Allowed: {}.",
            allowed.join(", ")
        ))),
    }
}

fn bool_value(v: &Value, name: &str, default: bool) -> Result<bool, ApiError> {
    match v {
        Value::Null => Ok(default),
        Value::Bool(b) => Ok(*b),
        _ => Err(ApiError::bad_request(format!(
            "Invalid value for field '{name}'."
        ))),
    }
}

pub fn valid_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}

/// Validates and normalises an attendee list: emails required and valid, duplicates merged,
/// `responseStatus` defaulting to `needsAction`, display names filled in from the directory,
/// `organizer` marked.
pub fn parse_attendees(
    db: &Connection,
    v: &Value,
    organizer_email: &str,
) -> Result<Vec<Value>, ApiError> {
    let items = match v {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items,
        _ => return Err(ApiError::bad_request("Invalid attendees: expected a list.")),
    };
    let mut out: Vec<Value> = Vec::new();
    for item in items {
        let obj = item
            .as_object()
            .ok_or_else(|| ApiError::bad_request("Invalid attendee."))?;
        let email = obj
            .get("email")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .ok_or_else(|| ApiError::required("attendees.email"))?;
        if !valid_email(email) {
            return Err(ApiError::bad_request(format!(
                "Invalid attendee email: '{email}'."
            )));
        }
        let email = email.to_ascii_lowercase();
        let mut a = Map::new();
        a.insert("email".into(), json!(email));
        let name = match obj.get("displayName") {
            Some(Value::String(s)) => Some(s.clone()),
            _ => users::find(db, &email)?.map(|u| u.display_name),
        };
        if let Some(n) = name {
            a.insert("displayName".into(), json!(n));
        }
        if email.eq_ignore_ascii_case(organizer_email) {
            a.insert("organizer".into(), json!(true));
        }
        for key in ["optional", "resource"] {
            match obj.get(key) {
                None | Some(Value::Null) | Some(Value::Bool(false)) => {}
                Some(Value::Bool(true)) => {
                    a.insert(key.into(), json!(true));
                }
                Some(_) => return Err(ApiError::bad_request(format!("Invalid attendee {key}."))),
            }
        }
        let status = match obj.get("responseStatus") {
            None | Some(Value::Null) => "needsAction".to_string(),
            Some(s) => enum_value(
                s,
                "attendees.responseStatus",
                &["needsAction", "declined", "tentative", "accepted"],
                "needsAction",
            )?,
        };
        a.insert("responseStatus".into(), json!(status));
        if let Some(Value::String(c)) = obj.get("comment") {
            a.insert("comment".into(), json!(c));
        }
        match obj.get("additionalGuests") {
            None | Some(Value::Null) => {}
            Some(Value::Number(n)) if n.as_u64().is_some_and(|n| n > 0) => {
                a.insert("additionalGuests".into(), Value::Number(n.clone()));
            }
            Some(Value::Number(_)) => {}
            Some(_) => return Err(ApiError::bad_request("Invalid attendee additionalGuests.")),
        }
        let dup = out.iter().position(|x| x["email"] == a["email"]);
        match dup {
            Some(i) => out[i] = Value::Object(a),
            None => out.push(Value::Object(a)),
        }
    }
    Ok(out)
}

pub fn parse_reminders(v: &Value) -> Result<Value, ApiError> {
    let obj = match v {
        Value::Null => return Ok(json!({"useDefault": true})),
        Value::Object(o) => o,
        _ => return Err(ApiError::bad_request("Invalid reminders.")),
    };
    let overrides = match obj.get("overrides") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(_) => return Err(ApiError::bad_request("Invalid reminders.overrides.")),
    };
    let use_default = bool_value(
        obj.get("useDefault").unwrap_or(&Value::Null),
        "reminders.useDefault",
        overrides.is_empty(),
    )?;
    if use_default && !overrides.is_empty() {
        return Err(ApiError::new(
            400,
            "cannotUseDefaultRemindersAndSpecifyOverride",
            "Cannot specify both default reminders and overrides at the same time.",
        ));
    }
    if overrides.len() > 5 {
        return Err(ApiError::bad_request(
            "Too many reminder overrides (at most 5).",
        ));
    }
    let mut out = Vec::new();
    for o in overrides {
        let method = o.get("method").and_then(Value::as_str).unwrap_or("");
        if !["email", "popup"].contains(&method) {
            return Err(ApiError::bad_request(
                "Invalid reminder method (email or popup).",
            ));
        }
        let minutes = o.get("minutes").and_then(Value::as_i64).unwrap_or(-1);
        if !(0..=40_320).contains(&minutes) {
            return Err(ApiError::bad_request(
                "Invalid reminder minutes (between 0 and 40320).",
            ));
        }
        out.push(json!({"method": method, "minutes": minutes}));
    }
    let mut r = json!({"useDefault": use_default});
    if !out.is_empty() {
        r["overrides"] = Value::Array(out);
    }
    Ok(r)
}

fn parse_extended(v: &Value) -> Result<Option<Value>, ApiError> {
    let obj = match v {
        Value::Null => return Ok(None),
        Value::Object(o) => o,
        _ => return Err(ApiError::bad_request("Invalid extendedProperties.")),
    };
    let mut out = Map::new();
    for (scope, props) in obj {
        if scope != "private" && scope != "shared" {
            return Err(ApiError::bad_request(format!(
                "Invalid extendedProperties scope '{scope}' (private or shared)."
            )));
        }
        let props = props
            .as_object()
            .ok_or_else(|| ApiError::bad_request("Invalid extendedProperties."))?;
        if props.values().any(|p| !p.is_string()) {
            return Err(ApiError::bad_request(
                "extendedProperties values must be strings.",
            ));
        }
        out.insert(scope.clone(), Value::Object(props.clone()));
    }
    Ok(if out.is_empty() {
        None
    } else {
        Some(Value::Object(out))
    })
}

/// Applies `body` to `row` (which carries the current values, or defaults for an insert).
/// `organizer_email` marks the organizer among attendees.
pub fn apply(
    db: &Connection,
    row: &mut EventRow,
    body: &Value,
    mode: Mode,
    cal_tz: Tz,
) -> Result<(), ApiError> {
    let body = body
        .as_object()
        .ok_or_else(|| ApiError::bad_request("The request body must be a JSON object."))?;
    if let Some(v) = field(body, mode, "summary") {
        row.summary = nullable_str(v, "summary")?;
    }
    if let Some(v) = field(body, mode, "description") {
        row.description = nullable_str(v, "description")?;
    }
    if let Some(v) = field(body, mode, "location") {
        row.location = nullable_str(v, "location")?;
    }
    if let Some(v) = field(body, mode, "colorId") {
        row.color_id = nullable_str(v, "colorId")?;
        if let Some(c) = &row.color_id {
            if !c.parse::<u8>().is_ok_and(|n| (1..=11).contains(&n)) {
                return Err(ApiError::bad_request(format!(
                    "Invalid color id '{c}' (1 to 11)."
                )));
            }
        }
    }
    for which in ["start", "end"] {
        match (body.get(which), mode) {
            (Some(v), _) if !v.is_null() => {
                let w = parse_event_time(v, which)?;
                if which == "start" {
                    row.start = w;
                } else {
                    row.end = w;
                }
            }
            (_, Mode::Insert | Mode::Update) => {
                return Err(if which == "end" {
                    ApiError::required("end")
                } else {
                    ApiError::required("start")
                })
            }
            _ => {}
        }
    }
    if let Some(v) = field(body, mode, "status") {
        row.status = enum_value(
            v,
            "status",
            &["confirmed", "tentative", "cancelled"],
            "confirmed",
        )?;
    }
    if let Some(v) = field(body, mode, "recurrence") {
        row.recurrence = match v {
            Value::Null => None,
            Value::Array(items) => {
                let lines: Option<Vec<String>> = items
                    .iter()
                    .map(|i| i.as_str().map(str::to_string))
                    .collect();
                let lines = lines.ok_or_else(|| ApiError::bad_request("Invalid recurrence."))?;
                if lines.is_empty() {
                    None
                } else {
                    Some(lines)
                }
            }
            _ => return Err(ApiError::bad_request("Invalid recurrence.")),
        };
    }
    let organizer_email = row
        .organizer
        .get("email")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if let Some(v) = field(body, mode, "attendees") {
        row.attendees = parse_attendees(db, v, &organizer_email)?;
    }
    if let Some(v) = field(body, mode, "reminders") {
        row.reminders = parse_reminders(v)?;
    }
    if let Some(v) = field(body, mode, "transparency") {
        row.transparency = enum_value(v, "transparency", &["opaque", "transparent"], "opaque")?;
    }
    if let Some(v) = field(body, mode, "visibility") {
        row.visibility = enum_value(
            v,
            "visibility",
            &["default", "public", "private", "confidential"],
            "default",
        )?;
    }
    if mode == Mode::Insert {
        if let Some(v) = body.get("eventType") {
            row.event_type = enum_value(v, "eventType", EVENT_TYPES, "default")?;
        }
    }
    if let Some(v) = field(body, mode, "guestsCanModify") {
        row.guests_can_modify = bool_value(v, "guestsCanModify", false)?;
    }
    if let Some(v) = field(body, mode, "guestsCanInviteOthers") {
        row.guests_can_invite = bool_value(v, "guestsCanInviteOthers", true)?;
    }
    if let Some(v) = field(body, mode, "guestsCanSeeOtherGuests") {
        row.guests_can_see = bool_value(v, "guestsCanSeeOtherGuests", true)?;
    }
    if let Some(v) = field(body, mode, "extendedProperties") {
        row.extended_properties = parse_extended(v)?;
    }
    let mut extra = match (&row.extra, mode) {
        (Some(Value::Object(m)), Mode::Patch) => m.clone(),
        _ => Map::new(),
    };
    for (name, ty) in EXTRA_FIELDS {
        match body.get(*name) {
            None => {}
            Some(Value::Null) => {
                extra.remove(*name);
            }
            Some(v) => {
                let ok = match *ty {
                    "boolean" => v.is_boolean(),
                    "array" => v.is_array(),
                    _ => v.is_object(),
                };
                if !ok {
                    return Err(ApiError::bad_request(format!(
                        "Invalid value for field '{name}'."
                    )));
                }
                extra.insert(name.to_string(), v.clone());
            }
        }
    }
    row.extra = if extra.is_empty() {
        None
    } else {
        Some(Value::Object(extra))
    };
    validate_times(row, cal_tz)
}

/// The checks that span fields: both ends of one kind, a non-empty range, a zone for a timed
/// series, and a recurrence that parses.
pub fn validate_times(row: &EventRow, cal_tz: Tz) -> Result<(), ApiError> {
    if row.start.is_date() != row.end.is_date() {
        return Err(ApiError::bad_request(
            "Start and end times must either both be date or both be dateTime.",
        ));
    }
    let (s, e) = (row.start.instant(cal_tz), row.end.instant(cal_tz));
    if e < s || (row.start.is_date() && e == s) {
        return Err(ApiError::new(
            400,
            "timeRangeEmpty",
            "The specified time range is empty.",
        ));
    }
    if row.is_recurring() {
        if row.recurring_event_id.is_some() {
            return Err(ApiError::bad_request(
                "An instance of a recurring event cannot have a recurrence.",
            ));
        }
        if let When::DateTime { tz: None, .. } = row.start {
            return Err(ApiError::bad_request(
                "Missing time zone definition for start time.",
            ));
        }
        Series::parse(row.recurrence.as_deref().unwrap_or(&[]), &row.start, cal_tz)
            .map_err(|e| ApiError::new(400, "invalid", format!("Invalid recurrence rule. {e}")))?;
    }
    Ok(())
}

/// Whether `s` may be a client-chosen event id: 5–1024 characters of base32hex (a-v, 0-9).
pub fn valid_event_id(s: &str) -> bool {
    (5..=1024).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_digit() || ('a'..='v').contains(&c))
}
