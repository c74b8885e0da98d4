//! Events as stored (one row each) and as rendered for a given viewer and calendar.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::{json, Map, Value};

use super::access::{etag, Role};
use super::recurrence::Series;
use super::time::{instance_suffix, When};
use crate::rest::ApiError;
use crate::store::clock::rfc3339;

/// One event row. JSON columns are kept as values.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRow {
    pub id: String,
    pub calendar_id: String,
    pub ical_uid: String,
    pub status: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub location: Option<String>,
    pub color_id: Option<String>,
    pub start: When,
    pub end: When,
    pub recurrence: Option<Vec<String>>,
    pub recurring_event_id: Option<String>,
    pub original_start: Option<When>,
    pub organizer: Value,
    pub creator: Value,
    pub attendees: Vec<Value>,
    pub reminders: Value,
    pub transparency: String,
    pub visibility: String,
    pub event_type: String,
    pub guests_can_modify: bool,
    pub guests_can_invite: bool,
    pub guests_can_see: bool,
    pub extended_properties: Option<Value>,
    pub conference_data: Option<Value>,
    pub extra: Option<Value>,
    pub sequence: i64,
    pub created: String,
    pub updated: String,
}

const COLUMNS: &str = "id, calendar_id, ical_uid, status, summary, description, location, \
    color_id, start, \"end\", recurrence, recurring_event_id, original_start, organizer, creator, \
    attendees, reminders, transparency, visibility, event_type, guests_can_modify, \
    guests_can_invite, guests_can_see, extended_properties, conference_data, extra, sequence, \
    created, updated, start_at, end_at, all_day";

/// A text column without copying it; a column that is neither text nor NULL is the error
/// [`Row::get`] gives for a `String`.
fn str_col<'r>(r: &'r Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
    match r.get_ref(i)?.as_str_or_null() {
        Ok(text) => Ok(text),
        Err(_) => r.get::<_, Option<String>>(i).map(|_| None),
    }
}

/// A JSON column as a value; `None` when NULL or not JSON.
fn json_col(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<Value>> {
    Ok(str_col(r, i)?.and_then(|t| serde_json::from_str(t).ok()))
}

/// A stored `EventDateTime` column (see [`When::from_stored_text`]).
fn when_col(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<When>> {
    Ok(str_col(r, i)?.and_then(When::from_stored_text))
}

/// The recurrence column: a JSON array of strings, else `None`.
fn recurrence_col(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<Vec<String>>> {
    Ok(str_col(r, i)?.and_then(|t| serde_json::from_str(t).ok()))
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<EventRow> {
    let fallback = When::Date(chrono::NaiveDate::default());
    Ok(EventRow {
        id: r.get(0)?,
        calendar_id: r.get(1)?,
        ical_uid: r.get(2)?,
        status: r.get(3)?,
        summary: r.get(4)?,
        description: r.get(5)?,
        location: r.get(6)?,
        color_id: r.get(7)?,
        start: when_col(r, 8)?.unwrap_or_else(|| fallback.clone()),
        end: when_col(r, 9)?.unwrap_or(fallback),
        recurrence: recurrence_col(r, 10)?,
        recurring_event_id: r.get(11)?,
        original_start: when_col(r, 12)?,
        organizer: json_col(r, 13)?.unwrap_or_else(|| json!({})),
        creator: json_col(r, 14)?.unwrap_or_else(|| json!({})),
        attendees: match json_col(r, 15)? {
            Some(Value::Array(list)) => list,
            _ => Vec::new(),
        },
        reminders: json_col(r, 16)?.unwrap_or_else(|| json!({"useDefault": true})),
        transparency: r.get(17)?,
        visibility: r.get(18)?,
        event_type: r.get(19)?,
        guests_can_modify: r.get(20)?,
        guests_can_invite: r.get(21)?,
        guests_can_see: r.get(22)?,
        extended_properties: json_col(r, 23)?,
        conference_data: json_col(r, 24)?,
        extra: json_col(r, 25)?,
        sequence: r.get(26)?,
        created: r.get(27)?,
        updated: r.get(28)?,
    })
}

/// What a listing filters, expands and orders by; the rest of a row is read only for the rows
/// of the page it returns (see [`EventRow::select_light`]).
const LIGHT_COLUMNS: &str =
    "id, ical_uid, status, start, \"end\", recurrence, recurring_event_id, \
    original_start, event_type, extended_properties, updated";

/// Whether the attendees column (JSON text) lists `email` (any case), as
/// [`EventRow::attendee_emails`] of the parsed column would. A list of objects whose emails are
/// plain strings is read without building values; anything else is parsed in full.
fn lists_attendee(attendees: &str, email: &str) -> bool {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use std::fmt;

    /// Whether a list of attendee objects has `email`.
    struct Lists<'e>(&'e str);
    /// Whether one attendee object's `email` (its last, as for a parsed object) is `email`.
    struct Is<'e>(&'e str);

    impl<'de> Visitor<'de> for Lists<'_> {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of attendees")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
            let mut found = false;
            while let Some(is) = seq.next_element_seed(Is(self.0))? {
                found |= is;
            }
            Ok(found)
        }
    }
    impl<'de> serde::de::DeserializeSeed<'de> for Is<'_> {
        type Value = bool;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
            d.deserialize_map(self)
        }
    }
    impl<'de> Visitor<'de> for Is<'_> {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an attendee")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
            let mut is = false;
            while let Some(key) = map.next_key::<&'de str>()? {
                if key == "email" {
                    is = map
                        .next_value::<Option<&'de str>>()?
                        .is_some_and(|e| e.eq_ignore_ascii_case(self.0));
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(is)
        }
    }

    let mut de = serde_json::Deserializer::from_str(attendees);
    let typed = de
        .deserialize_seq(Lists(email))
        .and_then(|found| de.end().map(|()| found));
    if let Ok(found) = typed {
        return found;
    }
    let attendees = match serde_json::from_str(attendees) {
        Ok(Value::Array(list)) => list,
        _ => Vec::new(),
    };
    attendees
        .iter()
        .filter_map(|a| a.get("email").and_then(Value::as_str))
        .any(|e| e.eq_ignore_ascii_case(email))
}

/// A light row (see [`EventRow::select_light`]) from [`LIGHT_COLUMNS`].
fn light_from_row(r: &Row<'_>) -> rusqlite::Result<EventRow> {
    let fallback = When::Date(chrono::NaiveDate::default());
    Ok(EventRow {
        id: r.get(0)?,
        calendar_id: String::new(),
        ical_uid: r.get(1)?,
        status: r.get(2)?,
        summary: None,
        description: None,
        location: None,
        color_id: None,
        start: when_col(r, 3)?.unwrap_or_else(|| fallback.clone()),
        end: when_col(r, 4)?.unwrap_or(fallback),
        recurrence: recurrence_col(r, 5)?,
        recurring_event_id: r.get(6)?,
        original_start: when_col(r, 7)?,
        organizer: Value::Null,
        creator: Value::Null,
        attendees: Vec::new(),
        reminders: Value::Null,
        transparency: String::new(),
        visibility: String::new(),
        event_type: r.get(8)?,
        guests_can_modify: false,
        guests_can_invite: true,
        guests_can_see: true,
        extended_properties: json_col(r, 9)?,
        conference_data: None,
        extra: None,
        sequence: 0,
        created: String::new(),
        updated: r.get(10)?,
    })
}

fn opt_json(v: &Option<Value>) -> Option<String> {
    v.as_ref().map(Value::to_string)
}

impl EventRow {
    /// A confirmed, single (non-recurring) event with Google's defaults for every optional field:
    /// no summary or guests, default reminders, opaque, default visibility, guests may invite and
    /// see each other. `ical_uid` is `{id}@google.com`; `created` and `updated` are `stamp`.
    pub fn new(
        id: String,
        calendar_id: &str,
        (start, end): (When, When),
        (organizer, creator): (Value, Value),
        stamp: String,
    ) -> EventRow {
        EventRow {
            ical_uid: format!("{id}@google.com"),
            id,
            calendar_id: calendar_id.to_string(),
            status: "confirmed".into(),
            summary: None,
            description: None,
            location: None,
            color_id: None,
            start,
            end,
            recurrence: None,
            recurring_event_id: None,
            original_start: None,
            organizer,
            creator,
            attendees: Vec::new(),
            reminders: json!({"useDefault": true}),
            transparency: "opaque".into(),
            visibility: "default".into(),
            event_type: "default".into(),
            guests_can_modify: false,
            guests_can_invite: true,
            guests_can_see: true,
            extended_properties: None,
            conference_data: None,
            extra: None,
            sequence: 0,
            created: stamp.clone(),
            updated: stamp,
        }
    }

    pub fn load(db: &Connection, id: &str) -> rusqlite::Result<Option<EventRow>> {
        db.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM calendar_events WHERE id = ?1"
        ))?
        .query_row([id], from_row)
        .optional()
    }

    /// The rows organized on calendar `calendar_id` and, with `invitations`, those organized
    /// elsewhere that show on it as a primary calendar (as `events::visible_on` decides: its
    /// id among their attendees' emails, any case), unordered and in one pass over the table.
    ///
    /// Light rows: only what a listing filters, expands and orders by is read (ids, status,
    /// start and end, recurrence, event type, extended properties, `updated`); every other
    /// field, the calendar id included, is empty. A light row must never be rendered: the
    /// listing reloads its page's rows in full ([`EventRow::load_many`]).
    pub fn select_light(
        db: &Connection,
        calendar_id: &str,
        invitations: bool,
    ) -> rusqlite::Result<Vec<EventRow>> {
        if !invitations {
            let mut stmt = db.prepare_cached(&format!(
                "SELECT {LIGHT_COLUMNS} FROM calendar_events WHERE calendar_id = ?1"
            ))?;
            let rows = stmt.query_map([calendar_id], light_from_row)?;
            return rows.collect();
        }
        // The LIKE narrows invitations down to rows whose attendees' text has the email; the
        // attendees are then read to be sure. Own rows read no attendees.
        let mut stmt = db.prepare_cached(&format!(
            "SELECT {LIGHT_COLUMNS}, calendar_id = ?1, \
             CASE WHEN calendar_id = ?1 THEN NULL ELSE calendar_id END, \
             CASE WHEN calendar_id = ?1 THEN NULL ELSE attendees END \
             FROM calendar_events \
             WHERE calendar_id = ?1 OR (calendar_id <> ?1 AND attendees LIKE ?2)"
        ))?;
        let pattern = format!("%\"email\":\"{}\"%", calendar_id.to_ascii_lowercase());
        let mut rows = stmt.query(params![calendar_id, pattern])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let own: bool = r.get(11)?;
            let shows = own
                || str_col(r, 12)?.is_some_and(|c| c.eq_ignore_ascii_case(calendar_id))
                || str_col(r, 13)?.is_some_and(|a| lists_attendee(a, calendar_id));
            if shows {
                out.push(light_from_row(r)?);
            }
        }
        Ok(out)
    }

    /// The rows with these ids, by id (ids not stored are absent), in one statement.
    pub fn load_many(
        db: &Connection,
        ids: &[&str],
    ) -> rusqlite::Result<std::collections::HashMap<String, EventRow>> {
        let ids = Value::from(ids.to_vec()).to_string();
        let mut stmt = db.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM calendar_events WHERE id IN (SELECT value FROM json_each(?1))"
        ))?;
        let rows = stmt.query_map([ids], from_row)?;
        rows.map(|r| r.map(|e| (e.id.clone(), e))).collect()
    }

    /// Rows matching `where_sql` (a condition over `calendar_events`), with parameters.
    pub fn select(
        db: &Connection,
        where_sql: &str,
        args: &[&dyn rusqlite::ToSql],
    ) -> rusqlite::Result<Vec<EventRow>> {
        let mut stmt = db.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM calendar_events WHERE {where_sql} ORDER BY start_at, id"
        ))?;
        let rows = stmt.query_map(args, from_row)?;
        rows.collect()
    }

    /// Inserts or replaces the row. `cal_tz` places all-day events on the time line.
    pub fn save(&self, db: &Connection, cal_tz: Tz) -> rusqlite::Result<()> {
        let (start_at, end_at) = (self.start.instant(cal_tz), self.end.instant(cal_tz));
        db.prepare_cached(&format!(
            "INSERT OR REPLACE INTO calendar_events ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, \
             ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, \
             ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32)"
        ))?
        .execute(params![
            self.id,
            self.calendar_id,
            self.ical_uid,
            self.status,
            self.summary,
            self.description,
            self.location,
            self.color_id,
            self.start.to_stored(cal_tz).to_string(),
            self.end.to_stored(cal_tz).to_string(),
            self.recurrence.as_ref().map(|r| json!(r).to_string()),
            self.recurring_event_id,
            self.original_start
                .as_ref()
                .map(|w| w.to_stored(cal_tz).to_string()),
            self.organizer.to_string(),
            self.creator.to_string(),
            Value::Array(self.attendees.clone()).to_string(),
            self.reminders.to_string(),
            self.transparency,
            self.visibility,
            self.event_type,
            self.guests_can_modify,
            self.guests_can_invite,
            self.guests_can_see,
            opt_json(&self.extended_properties),
            opt_json(&self.conference_data),
            opt_json(&self.extra),
            self.sequence,
            self.created,
            self.updated,
            rfc3339(start_at),
            rfc3339(end_at),
            self.start.is_date(),
        ])?;
        Ok(())
    }

    pub fn is_recurring(&self) -> bool {
        self.recurrence.as_ref().is_some_and(|r| !r.is_empty())
    }

    pub fn series(&self, cal_tz: Tz) -> Result<Series, String> {
        Series::parse(
            self.recurrence.as_deref().unwrap_or(&[]),
            &self.start,
            cal_tz,
        )
    }

    /// The instance of this series that starts (originally) at `original`.
    pub fn instance(&self, original: &When, cal_tz: Tz) -> EventRow {
        let shift = original.instant(cal_tz) - self.start.instant(cal_tz);
        let end = match (&self.end, original) {
            (When::Date(e), When::Date(o)) => {
                let days = match &self.start {
                    When::Date(s) => (*e - *s).num_days(),
                    _ => 1,
                };
                When::Date(*o + chrono::Duration::days(days))
            }
            (When::DateTime { at, tz }, _) => When::DateTime {
                at: *at + shift,
                tz: *tz,
            },
            (d, _) => d.clone(),
        };
        let mut inst = self.clone();
        inst.id = format!("{}_{}", self.id, instance_suffix(original));
        inst.start = original.clone();
        inst.end = end;
        inst.recurrence = None;
        inst.recurring_event_id = Some(self.id.clone());
        inst.original_start = Some(original.clone());
        inst
    }

    pub fn attendee_emails(&self) -> Vec<String> {
        self.attendees
            .iter()
            .filter_map(|a| a.get("email").and_then(Value::as_str))
            .map(str::to_ascii_lowercase)
            .collect()
    }

    pub fn attendee_status(&self, email: &str) -> Option<&str> {
        self.attendees
            .iter()
            .find(|a| {
                a.get("email")
                    .and_then(Value::as_str)
                    .is_some_and(|e| e.eq_ignore_ascii_case(email))
            })
            .and_then(|a| a.get("responseStatus").and_then(Value::as_str))
    }

    pub fn start_instant(&self, cal_tz: Tz) -> DateTime<Utc> {
        self.start.instant(cal_tz)
    }

    pub fn end_instant(&self, cal_tz: Tz) -> DateTime<Utc> {
        self.end.instant(cal_tz)
    }

    /// Whether free text `q` matches (every term somewhere in summary, description, location,
    /// attendees' or organizer's names and emails).
    pub fn matches_text(&self, q: &str) -> bool {
        let mut hay = String::new();
        for s in [&self.summary, &self.description, &self.location]
            .into_iter()
            .flatten()
        {
            hay.push_str(s);
            hay.push('\n');
        }
        for person in self
            .attendees
            .iter()
            .chain(std::iter::once(&self.organizer))
        {
            for key in ["email", "displayName"] {
                if let Some(s) = person.get(key).and_then(Value::as_str) {
                    hay.push_str(s);
                    hay.push('\n');
                }
            }
        }
        let hay = hay.to_lowercase();
        q.split_whitespace()
            .all(|term| hay.contains(&term.trim_matches('"').to_lowercase()))
    }
}

/// How a viewer sees an event: on which calendar, in which zone, with which role.
pub struct View<'a> {
    pub calendar_id: &'a str,
    pub display_tz: Tz,
    pub role: Role,
    pub max_attendees: Option<usize>,
}

fn with_self(mut person: Value, calendar_id: &str) -> Value {
    if let Some(obj) = person.as_object_mut() {
        let is_self = obj
            .get("email")
            .and_then(Value::as_str)
            .is_some_and(|e| e.eq_ignore_ascii_case(calendar_id));
        obj.remove("self");
        if is_self {
            obj.insert("self".into(), Value::Bool(true));
        }
    }
    person
}

fn html_link(id: &str, calendar_id: &str) -> String {
    use base64::Engine;
    let eid =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{id} {calendar_id}"));
    format!("https://www.google.com/calendar/event?eid={eid}")
}

/// The `Event` resource as Google returns it. Free/busy readers (and readers of a private
/// event) see only the time and status.
pub fn render(e: &EventRow, view: &View<'_>) -> Value {
    render_owned(e.clone(), view)
}

/// [`render`], moving the row's values into the resource.
pub fn render_owned(e: EventRow, view: &View<'_>) -> Value {
    let mut m = Map::with_capacity(32);
    let put = |m: &mut Map<String, Value>, k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    put(&mut m, "kind", json!("calendar#event"));
    put(
        &mut m,
        "etag",
        Value::String(etag(&[
            &e.id,
            &e.updated,
            &e.status,
            &e.sequence.to_string(),
        ])),
    );
    let display_tz = view.display_tz;
    let limited = view.role < Role::Reader
        || (view.role < Role::Writer
            && matches!(e.visibility.as_str(), "private" | "confidential"));
    if limited {
        put(&mut m, "id", Value::String(e.id));
        put(&mut m, "status", Value::String(e.status));
        put(&mut m, "start", e.start.to_json(display_tz));
        put(&mut m, "end", e.end.to_json(display_tz));
        put(&mut m, "transparency", Value::String(e.transparency));
        put(&mut m, "visibility", Value::String(e.visibility));
        if let Some(r) = e.recurring_event_id {
            put(&mut m, "recurringEventId", Value::String(r));
        }
        if let Some(o) = &e.original_start {
            put(&mut m, "originalStartTime", o.to_json(display_tz));
        }
        return Value::Object(m);
    }
    let link = html_link(&e.id, view.calendar_id);
    put(&mut m, "id", Value::String(e.id));
    put(&mut m, "status", Value::String(e.status));
    put(&mut m, "htmlLink", Value::String(link));
    put(&mut m, "created", Value::String(e.created));
    put(&mut m, "updated", Value::String(e.updated));
    for (k, v) in [
        ("summary", e.summary),
        ("description", e.description),
        ("location", e.location),
        ("colorId", e.color_id),
    ] {
        if let Some(v) = v {
            put(&mut m, k, Value::String(v));
        }
    }
    put(&mut m, "creator", with_self(e.creator, view.calendar_id));
    put(
        &mut m,
        "organizer",
        with_self(e.organizer, view.calendar_id),
    );
    put(&mut m, "start", e.start.to_json(display_tz));
    put(&mut m, "end", e.end.to_json(display_tz));
    if let Some(r) = e.recurrence {
        put(&mut m, "recurrence", json!(r));
    }
    if let Some(r) = e.recurring_event_id {
        put(&mut m, "recurringEventId", Value::String(r));
    }
    if let Some(o) = &e.original_start {
        put(&mut m, "originalStartTime", o.to_json(display_tz));
    }
    if e.transparency != "opaque" {
        put(&mut m, "transparency", Value::String(e.transparency));
    }
    if e.visibility != "default" {
        put(&mut m, "visibility", Value::String(e.visibility));
    }
    put(&mut m, "iCalUID", Value::String(e.ical_uid));
    put(&mut m, "sequence", json!(e.sequence));
    if !e.attendees.is_empty() {
        let organizer_view =
            e.calendar_id.eq_ignore_ascii_case(view.calendar_id) && view.role >= Role::Writer;
        let visible: Vec<Value> = e
            .attendees
            .into_iter()
            .map(|a| with_self(a, view.calendar_id))
            .filter(|a| e.guests_can_see || organizer_view || a.get("self").is_some())
            .collect();
        match view.max_attendees {
            Some(n) if visible.len() > n => {
                let mut keep: Vec<Value> = visible
                    .iter()
                    .filter(|a| a.get("self").is_some())
                    .cloned()
                    .collect();
                for a in &visible {
                    if keep.len() >= n.max(keep.len()) {
                        break;
                    }
                    if a.get("self").is_none() {
                        keep.push(a.clone());
                    }
                }
                put(&mut m, "attendees", Value::Array(keep));
                put(&mut m, "attendeesOmitted", json!(true));
            }
            _ => put(&mut m, "attendees", Value::Array(visible)),
        }
    }
    if let Some(c) = e.conference_data {
        let hangout = c
            .get("entryPoints")
            .and_then(Value::as_array)
            .and_then(|eps| {
                eps.iter()
                    .find(|ep| ep.get("entryPointType").and_then(Value::as_str) == Some("video"))
            })
            .and_then(|ep| ep.get("uri"))
            .cloned();
        put(&mut m, "conferenceData", c);
        if let Some(uri) = hangout {
            put(&mut m, "hangoutLink", uri);
        }
    }
    if e.guests_can_modify {
        put(&mut m, "guestsCanModify", json!(true));
    }
    if !e.guests_can_invite {
        put(&mut m, "guestsCanInviteOthers", json!(false));
    }
    if !e.guests_can_see {
        put(&mut m, "guestsCanSeeOtherGuests", json!(false));
    }
    put(&mut m, "reminders", e.reminders);
    if let Some(x) = e.extended_properties {
        put(&mut m, "extendedProperties", x);
    }
    if let Some(Value::Object(extra)) = e.extra {
        for (k, v) in extra {
            m.insert(k, v);
        }
    }
    put(&mut m, "eventType", Value::String(e.event_type));
    Value::Object(m)
}

/// How many occurrences of one series are generated at most while looking for a window.
const SCAN_LIMIT: usize = 100_000;

/// The start of `e` or, for a series, of each instance overlapping `[from, to)` — the original
/// start times only (exceptions are applied by the caller).
pub fn instance_starts(
    e: &EventRow,
    cal_tz: Tz,
    from: Option<DateTime<Utc>>,
    to: DateTime<Utc>,
    max: usize,
) -> Vec<When> {
    let Ok(series) = e.series(cal_tz) else {
        return Vec::new();
    };
    let duration = e.end_instant(cal_tz) - e.start_instant(cal_tz);
    series
        .starts(cal_tz, to, SCAN_LIMIT)
        .into_iter()
        .filter(|w| from.is_none_or(|f| w.instant(cal_tz) + duration > f))
        .take(max)
        .collect()
}

/// Used by `calendars.clear`: cancels every event organized on `calendar_id`.
pub fn cancel_all(db: &Connection, calendar_id: &str, now: DateTime<Utc>) -> Result<(), ApiError> {
    db.execute(
        "UPDATE calendar_events SET status = 'cancelled', updated = ?2 \
         WHERE calendar_id = ?1 AND status <> 'cancelled'",
        rusqlite::params![calendar_id, rfc3339(now)],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The typed read of an attendees column finds an email exactly when the parsed column's
    /// [`EventRow::attendee_emails`] do, on every shape.
    #[test]
    fn attendee_lookup_reads_as_values_do() {
        let texts = [
            r#"[{"email":"alex@nexusai.com","displayName":"Alex","responseStatus":"accepted"}]"#,
            r#"[{"email":"ALEX@NexusAI.com"}]"#,
            r#"[{"displayName":"x"},{"email":"priya@nexusai.com"},{"email":"alex@nexusai.com"}]"#,
            r#"[{"email":"priya@nexusai.com","additionalGuests":[{"email":"alex@nexusai.com"}]}]"#,
            r#"[{"email":null},{"email":"alex@nexusai.com"}]"#,
            r#"[{"email":5},{"email":"alex@nexusai.com"}]"#,
            r#"[{"email":"alex@nexusai.com","email":"priya@nexusai.com"}]"#,
            r#"[{"email":"priya@nexusai.com","email":"alex@nexusai.com"}]"#,
            r#"[{"email":"alex@nexusai.com","email":7}]"#,
            r#"[{"email":"alex\u0040nexusai.com"}]"#,
            r#"[{"em\u0061il":"alex@nexusai.com"}]"#,
            r#"[["alex@nexusai.com"]]"#,
            r#"[null, "alex@nexusai.com", {"email":"alex@nexusai.com"}]"#,
            r#"{"email":"alex@nexusai.com"}"#,
            r#"[{"email":"alex@nexusai.com"}] trailing"#,
            r#"[{"email":"alex@nexusai.com"}"#,
            r#"[]"#,
            "",
        ];
        for text in texts {
            let parsed = EventRow {
                attendees: match serde_json::from_str(text) {
                    Ok(Value::Array(list)) => list,
                    _ => Vec::new(),
                },
                ..EventRow::new(
                    "e".into(),
                    "c",
                    (
                        When::Date(chrono::NaiveDate::default()),
                        When::Date(chrono::NaiveDate::default()),
                    ),
                    (Value::Null, Value::Null),
                    String::new(),
                )
            };
            let by_value = parsed
                .attendee_emails()
                .iter()
                .any(|e| e.eq_ignore_ascii_case("alex@nexusai.com"));
            assert_eq!(lists_attendee(text, "alex@nexusai.com"), by_value, "{text}");
        }
    }
}
