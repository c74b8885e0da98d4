//! Reading events: `events.list` (windows, search, recurrence expansion, ordering, paging, sync
//! tokens), `events.get` (including instance ids) and `events.instances`.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde_json::{json, Value};

use super::access::{etag, require, CalendarRow, Role};
use super::model::{instance_starts, render, render_owned, EventRow, View};
use super::recurrence::MAX_INSTANCES;
use super::time::{instance_suffix, parse_instance_suffix, parse_rfc3339_param, parse_tz, When};
use crate::rest::{ApiError, Ctx, Reply};
use crate::store::clock::rfc3339;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Whether `row` shows on calendar `cal`: its own events, and on a primary calendar the events
/// its owner is invited to.
pub fn visible_on(row: &EventRow, cal: &CalendarRow) -> bool {
    row.calendar_id.eq_ignore_ascii_case(&cal.id)
        || (cal.is_primary
            && row
                .attendee_emails()
                .iter()
                .any(|e| e.eq_ignore_ascii_case(&cal.id)))
}

/// Every stored row (masters, exceptions, single events) that shows on `cal`.
pub fn rows_on(ctx: &Ctx<'_>, cal: &CalendarRow) -> Result<Vec<EventRow>, ApiError> {
    rows_on_as(ctx, cal, false)
}

/// [`rows_on`], as full rows or as light ones ([`EventRow::select_light`], unordered).
fn rows_on_as(ctx: &Ctx<'_>, cal: &CalendarRow, light: bool) -> Result<Vec<EventRow>, ApiError> {
    if light {
        return Ok(EventRow::select_light(ctx.db, &cal.id, cal.is_primary)?);
    }
    let mut rows = EventRow::select(ctx.db, "calendar_id = ?1", &[&cal.id])?;
    if cal.is_primary {
        let pattern = format!("%\"email\":\"{}\"%", cal.id.to_ascii_lowercase());
        let invited = EventRow::select(
            ctx.db,
            "calendar_id <> ?1 AND attendees LIKE ?2",
            &[&cal.id, &pattern],
        )?;
        rows.extend(invited.into_iter().filter(|r| visible_on(r, cal)));
    }
    Ok(rows)
}

/// One listed event: a stored row (an index into the listing's rows), or the instance of the
/// series stored at `master` that starts (originally) at `start`, with its id.
enum Item {
    Stored(usize),
    Instance {
        master: usize,
        start: When,
        id: String,
    },
}

fn item_id<'a>(rows: &'a [EventRow], item: &'a Item) -> &'a str {
    match item {
        Item::Stored(i) => &rows[*i].id,
        Item::Instance { id, .. } => id,
    }
}

/// An instance was last updated with its series.
fn item_updated<'a>(rows: &'a [EventRow], item: &Item) -> &'a str {
    match item {
        Item::Stored(i) | Item::Instance { master: i, .. } => &rows[*i].updated,
    }
}

/// The page's rows in full, for items a light listing found on its (light) `rows`: stored rows
/// are read again by id, instances computed again from their series' full master. One
/// statement reads them all.
fn reload_full(
    ctx: &Ctx<'_>,
    rows: &[EventRow],
    page: &[&Item],
    tz: Tz,
) -> Result<Vec<EventRow>, ApiError> {
    let gone = |id: &str| ApiError::internal(format!("event {id} vanished while listing"));
    let mut ids: Vec<&str> = Vec::with_capacity(page.len());
    let mut master_ids: HashSet<&str> = HashSet::new();
    for item in page {
        match item {
            Item::Stored(i) => ids.push(&rows[*i].id),
            Item::Instance { master, .. } => {
                if master_ids.insert(&rows[*master].id) {
                    ids.push(&rows[*master].id);
                }
            }
        }
    }
    let mut full = EventRow::load_many(ctx.db, &ids)?;
    let mut out = Vec::with_capacity(page.len());
    for item in page {
        out.push(match item {
            Item::Stored(i) => {
                let id = rows[*i].id.as_str();
                let row = if master_ids.contains(id) {
                    full.get(id).cloned()
                } else {
                    full.remove(id)
                };
                row.ok_or_else(|| gone(id))?
            }
            Item::Instance { master, start, .. } => {
                let id = rows[*master].id.as_str();
                full.get(id).ok_or_else(|| gone(id))?.instance(start, tz)
            }
        });
    }
    Ok(out)
}

/// The page's rows, for items a listing found on full `rows`.
fn take_page(rows: Vec<EventRow>, page: &[&Item], tz: Tz) -> Vec<EventRow> {
    // Instances first, while their masters are all still there.
    let mut out: Vec<Option<EventRow>> = page
        .iter()
        .map(|item| match item {
            Item::Stored(_) => None,
            Item::Instance { master, start, .. } => Some(rows[*master].instance(start, tz)),
        })
        .collect();
    let mut rows: Vec<Option<EventRow>> = rows.into_iter().map(Some).collect();
    for (slot, item) in out.iter_mut().zip(page) {
        if let Item::Stored(i) = item {
            *slot = rows[*i].take();
        }
    }
    out.into_iter().flatten().collect()
}

/// The zone responses are rendered in: the `timeZone` parameter, else the calendar's.
pub fn display_tz(ctx: &Ctx<'_>, cal: &CalendarRow) -> Result<Tz, ApiError> {
    match ctx.query.get("timeZone").filter(|s| !s.is_empty()) {
        Some(name) => parse_tz(name).ok_or_else(|| ApiError::invalid_parameter("timeZone", name)),
        None => Ok(cal.tz()),
    }
}

fn max_attendees(ctx: &Ctx<'_>) -> Result<Option<usize>, ApiError> {
    match ctx.query.parse_opt::<i64>("maxAttendees")? {
        None => Ok(None),
        Some(n) if n >= 1 => Ok(Some(n as usize)),
        Some(n) => Err(ApiError::invalid_parameter("maxAttendees", &n.to_string())),
    }
}

pub fn view<'a>(ctx: &Ctx<'_>, cal: &'a CalendarRow, role: Role) -> Result<View<'a>, ApiError> {
    Ok(View {
        calendar_id: &cal.id,
        display_tz: display_tz(ctx, cal)?,
        role,
        max_attendees: max_attendees(ctx)?,
    })
}

fn page_offset(ctx: &Ctx<'_>) -> Result<usize, ApiError> {
    match ctx.query.get("pageToken").filter(|s| !s.is_empty()) {
        None => Ok(0),
        Some(tok) => B64
            .decode(tok)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| s.strip_prefix("p|").and_then(|n| n.parse().ok()))
            .ok_or_else(|| ApiError::invalid_parameter("pageToken", tok)),
    }
}

pub fn page_token(offset: usize) -> String {
    B64.encode(format!("p|{offset}"))
}

fn sync_token(calendar_id: &str, at: DateTime<Utc>) -> String {
    B64.encode(format!("s|{calendar_id}|{}", rfc3339(at)))
}

fn full_sync_required() -> ApiError {
    ApiError::new(
        410,
        "fullSyncRequired",
        "Sync token is no longer valid, a full sync is required.",
    )
}

/// The time after which changes are listed, from a sync token of this calendar.
fn read_sync_token(token: &str, calendar_id: &str) -> Result<String, ApiError> {
    let text = B64
        .decode(token)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(full_sync_required)?;
    let mut parts = text.splitn(3, '|');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("s"), Some(cal), Some(at))
            if cal == calendar_id && DateTime::parse_from_rfc3339(at).is_ok() =>
        {
            Ok(at.to_string())
        }
        _ => Err(full_sync_required()),
    }
}

fn overlaps(e: &EventRow, tz: Tz, min: Option<DateTime<Utc>>, max: Option<DateTime<Utc>>) -> bool {
    let (s, end) = (e.start_instant(tz), e.end_instant(tz));
    // A zero-length event at timeMin still counts.
    min.is_none_or(|m| end > m || (end == s && s >= m)) && max.is_none_or(|m| s < m)
}

/// Filters shared by list and instances.
struct Window {
    min: Option<DateTime<Utc>>,
    max: Option<DateTime<Utc>>,
    horizon: DateTime<Utc>,
}

fn window(ctx: &Ctx<'_>) -> Result<Window, ApiError> {
    let parse = |name: &str| -> Result<Option<DateTime<Utc>>, ApiError> {
        match ctx.query.get(name).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(v) => parse_rfc3339_param(name, v).map(Some),
        }
    };
    let (min, max) = (parse("timeMin")?, parse("timeMax")?);
    if let (Some(a), Some(b)) = (min, max) {
        if b <= a {
            return Err(ApiError::new(
                400,
                "timeRangeEmpty",
                "The specified time range is empty.",
            ));
        }
    }
    let base = min.unwrap_or(ctx.now).max(ctx.now);
    Ok(Window {
        min,
        max,
        horizon: max.unwrap_or(base + Duration::days(730)),
    })
}

/// Expands `masters` into instances overlapping the window, replacing those that have an
/// exception row (`exceptions` by id).
fn expand<'a>(
    masters: impl IntoIterator<Item = &'a EventRow>,
    exception_ids: &BTreeSet<String>,
    tz: Tz,
    w: &Window,
) -> Vec<EventRow> {
    let mut out = Vec::new();
    for m in masters {
        for start in instance_starts(m, tz, w.min, w.horizon, MAX_INSTANCES) {
            let inst = m.instance(&start, tz);
            if !exception_ids.contains(&inst.id) {
                out.push(inst);
            }
        }
    }
    out
}

#[cfg(test)]
thread_local! {
    /// Set by the tests to make this thread's listings read full rows, so that the light path
    /// can be compared with it.
    static FULL_ROWS_ALWAYS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether listings must read full rows (only ever in the tests).
fn full_rows_forced() -> bool {
    #[cfg(test)]
    return FULL_ROWS_ALWAYS.with(std::cell::Cell::get);
    #[cfg(not(test))]
    false
}

/// `events.list`.
pub fn list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (cal, role) = require(ctx, ctx.param("calendarId"), Role::FreeBusyReader)?;
    let view = view(ctx, &cal, role)?;
    let q = ctx.query;
    let max_results = q.int_in("maxResults", 250, 1, 2500)? as usize;
    let single = q.bool("singleEvents", false)?;
    let mut show_deleted = q.bool("showDeleted", false)?;
    let order_by = q.get("orderBy").filter(|s| !s.is_empty());
    match order_by {
        None | Some("updated") => {}
        Some("startTime") if single => {}
        Some("startTime") => {
            return Err(ApiError::bad_request(
                "The requested ordering is not available for the particular query.",
            ))
        }
        Some(other) => return Err(ApiError::invalid_parameter("orderBy", other)),
    }
    let since = match q.get("syncToken").filter(|s| !s.is_empty()) {
        Some(tok) => {
            for p in [
                "timeMin",
                "timeMax",
                "q",
                "orderBy",
                "iCalUID",
                "updatedMin",
                "privateExtendedProperty",
                "sharedExtendedProperty",
            ] {
                if q.get(p).is_some() {
                    return Err(ApiError::bad_request(format!(
                        "The syncToken parameter cannot be combined with '{p}'."
                    )));
                }
            }
            show_deleted = true;
            Some(read_sync_token(tok, &cal.id)?)
        }
        None => None,
    };
    let updated_min = match q.get("updatedMin").filter(|s| !s.is_empty()) {
        Some(v) => {
            show_deleted = true;
            Some(rfc3339(parse_rfc3339_param("updatedMin", v)?))
        }
        None => None,
    };
    let w = window(ctx)?;
    let text = q.get("q").filter(|s| !s.trim().is_empty());
    let ical = q.get("iCalUID").filter(|s| !s.is_empty());
    let ext_filters: Vec<(&str, String, String)> = ["private", "shared"]
        .into_iter()
        .flat_map(|scope| {
            q.get_repeated(if scope == "private" {
                "privateExtendedProperty"
            } else {
                "sharedExtendedProperty"
            })
            .into_iter()
            .filter_map(move |p| {
                p.split_once('=')
                    .map(|(k, v)| (scope, k.to_string(), v.to_string()))
            })
        })
        .collect();
    let event_types: Vec<&str> = q.get_all("eventTypes");
    let tz = cal.tz();

    // Without `q` (which reads titles, descriptions and guests) the listing runs on light rows
    // and reads only its page in full: most of a row is what the page renders.
    let light = text.is_none() && !full_rows_forced();
    let rows = rows_on_as(ctx, &cal, light)?;
    let keep_row = |r: &EventRow| -> bool {
        since.as_deref().is_none_or(|t| r.updated.as_str() >= t)
            && updated_min
                .as_deref()
                .is_none_or(|t| r.updated.as_str() >= t)
            && ical.is_none_or(|u| r.ical_uid == u)
            && (event_types.is_empty() || event_types.contains(&r.event_type.as_str()))
            && text.is_none_or(|t| r.matches_text(t))
            && ext_filters.iter().all(|(scope, k, v)| {
                r.extended_properties
                    .as_ref()
                    .and_then(|x| x.get(*scope))
                    .and_then(|s| s.get(k))
                    .and_then(Value::as_str)
                    == Some(v.as_str())
            })
    };
    let in_window = |r: &EventRow| since.is_some() || overlaps(r, tz, w.min, w.max);
    let exception_ids: HashSet<&str> = rows
        .iter()
        .filter(|r| !r.is_recurring() && r.recurring_event_id.is_some())
        .map(|r| r.id.as_str())
        .collect();
    let live_masters: HashSet<&str> = rows
        .iter()
        .filter(|m| m.is_recurring() && m.status != "cancelled")
        .map(|m| m.id.as_str())
        .collect();
    // Stored rows that are not series first, then the series' instances or the series.
    let mut items: Vec<Item> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if r.is_recurring() {
            continue;
        }
        let cancelled = r.status == "cancelled";
        // Cancelled instances of a series are listed without showDeleted when not expanding.
        let cancelled_ok = show_deleted
            || (!single
                && r.recurring_event_id
                    .as_deref()
                    .is_some_and(|m| live_masters.contains(m)));
        if (!cancelled || cancelled_ok) && keep_row(r) && in_window(r) {
            items.push(Item::Stored(i));
        }
    }
    let masters = || {
        rows.iter()
            .enumerate()
            .filter(|(_, m)| m.is_recurring() && keep_row(m))
    };
    if single {
        let min = if since.is_some() { None } else { w.min };
        for (i, m) in masters().filter(|(_, m)| m.status != "cancelled") {
            for start in instance_starts(m, tz, min, w.horizon, MAX_INSTANCES) {
                let id = format!("{}_{}", m.id, instance_suffix(&start));
                if !exception_ids.contains(id.as_str()) {
                    items.push(Item::Instance {
                        master: i,
                        start,
                        id,
                    });
                }
            }
        }
        if show_deleted {
            items.extend(
                masters()
                    .filter(|(_, m)| m.status == "cancelled")
                    .map(|(i, _)| Item::Stored(i)),
            );
        }
    } else {
        for (i, m) in masters() {
            if m.status == "cancelled" && !show_deleted {
                continue;
            }
            let hit = since.is_some()
                || (w.min.is_none() && w.max.is_none())
                || !instance_starts(m, tz, w.min, w.max.unwrap_or(w.horizon), 1).is_empty();
            if hit {
                items.push(Item::Stored(i));
            }
        }
    }
    // The order is total (ids are unique among stored rows and among instances; ties would keep
    // the items' order), so the rows' order before this does not matter.
    let offset = page_offset(ctx)?;
    let page_items: Vec<&Item> = {
        let id = |item| item_id(&rows, item);
        let updated = |item| item_updated(&rows, item);
        let page = |order: Vec<usize>| -> Vec<&Item> {
            order
                .into_iter()
                .skip(offset)
                .take(max_results)
                .map(|i| &items[i])
                .collect()
        };
        match order_by {
            Some("updated") => {
                let mut keys: Vec<(&str, &str, usize)> = items
                    .iter()
                    .enumerate()
                    .map(|(n, item)| (updated(item), id(item), n))
                    .collect();
                keys.sort_unstable();
                page(keys.into_iter().map(|(_, _, n)| n).collect())
            }
            _ => {
                // Each start computed once, not once per comparison.
                let mut keys: Vec<(DateTime<Utc>, &str, usize)> = items
                    .iter()
                    .enumerate()
                    .map(|(n, item)| {
                        let start = match item {
                            Item::Stored(i) => rows[*i].start_instant(tz),
                            Item::Instance { start, .. } => start.instant(tz),
                        };
                        (start, id(item), n)
                    })
                    .collect();
                keys.sort_unstable();
                page(keys.into_iter().map(|(_, _, n)| n).collect())
            }
        }
    };
    let total = items.len();
    let updated = items
        .iter()
        .map(|item| item_updated(&rows, item))
        .max()
        .unwrap_or(cal.updated.as_str())
        .to_string();
    let page_rows = if light {
        reload_full(ctx, &rows, &page_items, tz)?
    } else {
        take_page(rows, &page_items, tz)
    };
    let page: Vec<Value> = page_rows
        .into_iter()
        .map(|e| render_owned(e, &view))
        .collect();
    let default_reminders = super::calendars::default_reminders(ctx.db, &ctx.user.id, &cal.id)?;
    let mut out = json!({
        "kind": "calendar#events",
        "etag": etag(&[&cal.id, &updated, &total.to_string()]),
        "summary": cal.summary,
        "updated": updated,
        "timeZone": view.display_tz.name(),
        "accessRole": role.as_str(),
        "defaultReminders": null,
        "items": null,
    });
    // Moved in: `json!` would copy them.
    out["defaultReminders"] = default_reminders;
    out["items"] = Value::Array(page);
    if let Some(d) = &cal.description {
        out["description"] = json!(d);
    }
    if offset + max_results < total {
        out["nextPageToken"] = json!(page_token(offset + max_results));
    } else {
        out["nextSyncToken"] = json!(sync_token(&cal.id, ctx.now));
    }
    Ok(Reply::ok(out))
}

/// An event found by id on a calendar: a stored row, or an instance computed from its series.
pub enum Found {
    Stored(EventRow),
    Instance(EventRow),
}

impl Found {
    pub fn event(&self) -> &EventRow {
        match self {
            Found::Stored(e) => e,
            Found::Instance(instance) => instance,
        }
    }
}

/// Looks up `event_id` as seen on `cal`; a 404 when it does not show there.
pub fn find(ctx: &Ctx<'_>, cal: &CalendarRow, event_id: &str) -> Result<Found, ApiError> {
    let not_found = || ApiError::not_found("Not Found");
    if let Some(row) = EventRow::load(ctx.db, event_id)? {
        return if visible_on(&row, cal) {
            Ok(Found::Stored(row))
        } else {
            Err(not_found())
        };
    }
    let (master_id, suffix) = event_id.rsplit_once('_').ok_or_else(not_found)?;
    let original = parse_instance_suffix(suffix).ok_or_else(not_found)?;
    let master = EventRow::load(ctx.db, master_id)?.ok_or_else(not_found)?;
    if !visible_on(&master, cal) || !master.is_recurring() || master.status == "cancelled" {
        return Err(not_found());
    }
    let tz = cal.tz();
    let at = original.instant(tz);
    let starts = instance_starts(
        &master,
        tz,
        Some(at - Duration::seconds(1)),
        at + Duration::seconds(1),
        10,
    );
    let matching = starts.into_iter().find(|s| match (s, &original) {
        (When::Date(a), When::Date(b)) => a == b,
        (When::DateTime { at: a, .. }, When::DateTime { at: b, .. }) => a == b,
        _ => false,
    });
    match matching {
        Some(start) => {
            let instance = master.instance(&start, tz);
            Ok(Found::Instance(instance))
        }
        None => Err(not_found()),
    }
}

/// `events.get`.
pub fn get(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (cal, role) = require(ctx, ctx.param("calendarId"), Role::FreeBusyReader)?;
    let found = find(ctx, &cal, ctx.param("eventId"))?;
    let view = view(ctx, &cal, role)?;
    Ok(Reply::ok(render(found.event(), &view)))
}

/// `events.instances`.
pub fn instances(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (cal, role) = require(ctx, ctx.param("calendarId"), Role::FreeBusyReader)?;
    let master = match find(ctx, &cal, ctx.param("eventId"))? {
        Found::Stored(e) => e,
        Found::Instance(_) => return Err(ApiError::not_found("Not Found")),
    };
    let view = view(ctx, &cal, role)?;
    let tz = cal.tz();
    let max_results = ctx.query.int_in("maxResults", 250, 1, 2500)? as usize;
    let show_deleted = ctx.query.bool("showDeleted", false)?;
    let w = window(ctx)?;
    let original = match ctx.query.get("originalStart").filter(|s| !s.is_empty()) {
        Some(v) => Some(parse_rfc3339_param("originalStart", v)?),
        None => None,
    };
    let mut items: Vec<EventRow> = Vec::new();
    if master.is_recurring() {
        let exceptions: BTreeMap<String, EventRow> =
            EventRow::select(ctx.db, "recurring_event_id = ?1", &[&master.id])?
                .into_iter()
                .map(|e| (e.id.clone(), e))
                .collect();
        let ids: BTreeSet<String> = exceptions.keys().cloned().collect();
        if master.status != "cancelled" {
            items.extend(expand(std::slice::from_ref(&master), &ids, tz, &w));
        }
        items.extend(exceptions.into_values().filter(|e| {
            (show_deleted || e.status != "cancelled") && overlaps(e, tz, w.min, w.max)
        }));
    } else if overlaps(&master, tz, w.min, w.max) && (show_deleted || master.status != "cancelled")
    {
        items.push(master.clone());
    }
    if let Some(o) = original {
        items.retain(|e| {
            e.original_start
                .as_ref()
                .is_some_and(|s| s.instant(tz) == o)
        });
    }
    items.sort_by(|a, b| (a.start_instant(tz), &a.id).cmp(&(b.start_instant(tz), &b.id)));
    let offset = page_offset(ctx)?;
    let total = items.len();
    let page: Vec<Value> = items
        .iter()
        .skip(offset)
        .take(max_results)
        .map(|e| render(e, &view))
        .collect();
    let default_reminders = super::calendars::default_reminders(ctx.db, &ctx.user.id, &cal.id)?;
    let mut out = json!({
        "kind": "calendar#events",
        "etag": etag(&[&master.id, &master.updated, &total.to_string()]),
        "summary": cal.summary,
        "updated": master.updated,
        "timeZone": view.display_tz.name(),
        "accessRole": role.as_str(),
        "defaultReminders": null,
        "items": null,
    });
    // Moved in: `json!` would copy them.
    out["defaultReminders"] = default_reminders;
    out["items"] = Value::Array(page);
    if offset + max_results < total {
        out["nextPageToken"] = json!(page_token(offset + max_results));
    }
    Ok(Reply::ok(out))
}

#[cfg(test)]
mod light_listing_tests {
    use super::FULL_ROWS_ALWAYS;
    use crate::{seeded_world, Method, Request, Scale, World, WorldOptions};
    use serde_json::json;

    fn call(
        w: &mut World,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> serde_json::Value {
        let mut req = Request::new(method, path);
        req.body = body.map(|b| b.to_string());
        let resp = w.handle(&req);
        assert!(resp.is_success(), "{path}: {} {}", resp.status, resp.body);
        resp.body
    }

    /// Light listings (no `q`) read their page in full afterwards; every listing must answer
    /// exactly what reading every row in full answers, over series, their instances, changed and
    /// cancelled instances, invitations, windows, orderings, deletions and pages.
    #[test]
    fn light_listings_answer_as_full_ones() {
        let mut w = seeded_world(&WorldOptions::default(), Scale::DEFAULT).unwrap();
        let series = call(
            &mut w,
            Method::Post,
            "/calendar/v3/calendars/primary/events",
            Some(json!({
                "summary": "Standup", "description": "daily",
                "start": {"dateTime": "2026-03-02T09:00:00", "timeZone": "America/Los_Angeles"},
                "end": {"dateTime": "2026-03-02T09:15:00", "timeZone": "America/Los_Angeles"},
                "recurrence": ["RRULE:FREQ=DAILY;COUNT=10"],
                "attendees": [{"email": "priya@nexusai.com"}],
            })),
        );
        let id = series["id"].as_str().unwrap().to_string();
        let inst = call(
            &mut w,
            Method::Get,
            &format!("/calendar/v3/calendars/primary/events/{id}/instances"),
            None,
        );
        let items = inst["items"].as_array().unwrap();
        let (first, second) = (
            items[1]["id"].as_str().unwrap(),
            items[2]["id"].as_str().unwrap(),
        );
        call(
            &mut w,
            Method::Patch,
            &format!("/calendar/v3/calendars/primary/events/{first}"),
            Some(json!({"summary": "Standup (moved)", "location": "Room 4"})),
        );
        call(
            &mut w,
            Method::Delete,
            &format!("/calendar/v3/calendars/primary/events/{second}"),
            None,
        );
        let cals = call(
            &mut w,
            Method::Get,
            "/calendar/v3/users/me/calendarList",
            None,
        );
        let mut calendars: Vec<String> = cals["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect();
        calendars.truncate(3);
        calendars.push("primary".into());
        // Invitations the attendee pattern finds that do not show (the email nested deeper) and
        // that do (the email in another case, on a calendar named in another case).
        let me = call(&mut w, Method::Get, "/calendar/v3/calendars/primary", None)["id"]
            .as_str()
            .unwrap()
            .to_string();
        let elsewhere: Vec<String> = {
            let mut stmt = w
                .conn()
                .prepare(
                    "SELECT id FROM calendar_events WHERE calendar_id <> ?1 ORDER BY id LIMIT 3",
                )
                .unwrap();
            let ids = stmt.query_map([&me], |r| r.get(0)).unwrap();
            ids.collect::<Result<_, _>>().unwrap()
        };
        assert_eq!(elsewhere.len(), 3);
        let upper = me.to_ascii_uppercase();
        for (id, attendees, calendar) in [
            (
                &elsewhere[0],
                json!([{"email": "priya@nexusai.com", "additionalGuests": [{"email": me}]}]),
                None,
            ),
            (&elsewhere[1], json!([{"email": upper}]), None),
            (
                &elsewhere[2],
                json!([{"email": "priya@nexusai.com", "additionalGuests": [{"email": me}]}]),
                Some(&upper),
            ),
        ] {
            w.conn()
                .execute(
                    "UPDATE calendar_events SET attendees = ?2, \
                     calendar_id = coalesce(?3, calendar_id) WHERE id = ?1",
                    rusqlite::params![id, attendees.to_string(), calendar],
                )
                .unwrap();
        }
        let listed = call(
            &mut w,
            Method::Get,
            "/calendar/v3/calendars/primary/events?maxResults=2500&showDeleted=true",
            None,
        );
        let shows = |id: &str| {
            listed["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["id"] == json!(id))
        };
        assert!(!shows(&elsewhere[0]) && shows(&elsewhere[1]) && shows(&elsewhere[2]));
        let queries = [
            "",
            "?maxResults=7",
            "?singleEvents=true&orderBy=startTime",
            "?singleEvents=true&orderBy=startTime&timeMin=2026-03-01T00:00:00Z&timeMax=2026-03-20T00:00:00Z",
            "?singleEvents=true&showDeleted=true&maxResults=40",
            "?showDeleted=true&orderBy=updated",
            "?timeMin=2026-03-03T00:00:00Z&timeMax=2026-03-05T00:00:00Z",
            "?singleEvents=true&timeZone=Europe/Berlin&maxResults=25",
        ];
        let mut compared = 0;
        for cal in &calendars {
            let cal =
                percent_encoding::utf8_percent_encode(cal, percent_encoding::NON_ALPHANUMERIC);
            for q in queries {
                let mut token = String::new();
                loop {
                    let sep = if q.is_empty() { "?" } else { "&" };
                    let path = format!(
                        "/calendar/v3/calendars/{cal}/events{q}{}",
                        if token.is_empty() {
                            String::new()
                        } else {
                            format!("{sep}pageToken={token}")
                        }
                    );
                    let light = call(&mut w, Method::Get, &path, None);
                    FULL_ROWS_ALWAYS.with(|f| f.set(true));
                    let full = call(&mut w, Method::Get, &path, None);
                    FULL_ROWS_ALWAYS.with(|f| f.set(false));
                    assert_eq!(light, full, "{path}");
                    compared += light["items"].as_array().map_or(0, Vec::len);
                    match light["nextPageToken"].as_str() {
                        Some(t) => token = t.to_string(),
                        None => break,
                    }
                }
            }
        }
        assert!(compared > 500, "only {compared} events compared");
    }
}
