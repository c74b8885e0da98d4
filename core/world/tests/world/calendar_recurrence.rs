//! Recurring events through the API: every RRULE part Google uses (FREQ, INTERVAL, COUNT,
//! UNTIL, BYDAY with ordinals, BYMONTHDAY), EXDATE, DST changes, instance ids, instances,
//! exceptions (changed and cancelled instances) and freeBusy over series.

use crate::support::{err, ok, world};
use env0_world::Method;
use serde_json::{json, Value};

const EVENTS: &str = "/calendar/v3/calendars/primary/events";

fn series(w: &mut env0_world::World, start: &str, end: &str, tz: &str, rules: &[&str]) -> String {
    let e = ok(
        w,
        Method::Post,
        EVENTS,
        Some(json!({
            "summary": "Series under test",
            "start": {"dateTime": start, "timeZone": tz},
            "end": {"dateTime": end, "timeZone": tz},
            "recurrence": rules,
        })),
    );
    e["id"].as_str().unwrap().to_string()
}

fn instances(w: &mut env0_world::World, id: &str, query: &str) -> Vec<Value> {
    ok(
        w,
        Method::Get,
        &format!("{EVENTS}/{id}/instances?maxResults=2500&{query}"),
        None,
    )["items"]
        .as_array()
        .unwrap()
        .clone()
}

fn starts(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|e| {
            let s = &e["start"];
            s.get("dateTime")
                .or(s.get("date"))
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn weekly_meeting_stays_at_nine_local_across_dst() {
    let mut w = world();
    let id = series(
        &mut w,
        "2026-03-02T09:00:00",
        "2026-03-02T09:30:00",
        "America/Los_Angeles",
        &["RRULE:FREQ=WEEKLY;BYDAY=MO"],
    );
    let items = instances(
        &mut w,
        &id,
        "timeMin=2026-02-25T00:00:00Z&timeMax=2026-11-20T00:00:00Z",
    );
    let s = starts(&items);
    assert_eq!(s[0], "2026-03-02T09:00:00-08:00");
    assert_eq!(s[1], "2026-03-09T09:00:00-07:00");
    assert!(s.contains(&"2026-10-26T09:00:00-07:00".to_string()));
    assert!(s.contains(&"2026-11-02T09:00:00-08:00".to_string()));
    assert!(s.iter().all(|t| t[11..19] == *"09:00:00"));
    // Instance ids carry the UTC start; each instance can be fetched by id.
    assert_eq!(items[1]["id"], json!(format!("{id}_20260309T160000Z")));
    assert_eq!(items[1]["recurringEventId"], json!(id));
    assert_eq!(
        items[1]["originalStartTime"]["dateTime"],
        "2026-03-09T09:00:00-07:00"
    );
    let one = ok(
        &mut w,
        Method::Get,
        &format!("{EVENTS}/{id}_20261102T170000Z"),
        None,
    );
    assert_eq!(one["start"]["dateTime"], "2026-11-02T09:00:00-08:00");
    // Not an instance of the series.
    err(
        &mut w,
        Method::Get,
        &format!("{EVENTS}/{id}_20261103T170000Z"),
        None,
        404,
    );
}

#[test]
fn daily_interval_count_and_exdate() {
    let mut w = world();
    let id = series(
        &mut w,
        "2026-03-16T08:00:00",
        "2026-03-16T08:15:00",
        "America/Los_Angeles",
        &[
            "RRULE:FREQ=DAILY;INTERVAL=2;COUNT=5",
            "EXDATE;TZID=America/Los_Angeles:20260320T080000",
        ],
    );
    let s = starts(&instances(&mut w, &id, ""));
    assert_eq!(
        s,
        vec![
            "2026-03-16T08:00:00-07:00",
            "2026-03-18T08:00:00-07:00",
            "2026-03-22T08:00:00-07:00",
            "2026-03-24T08:00:00-07:00"
        ]
    );
}

#[test]
fn until_and_byday_lists() {
    let mut w = world();
    let id = series(
        &mut w,
        "2026-03-16T10:00:00",
        "2026-03-16T10:30:00",
        "America/Los_Angeles",
        &["RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL=20260325"],
    );
    let s = starts(&instances(&mut w, &id, ""));
    let days: Vec<&str> = s.iter().map(|t| &t[..10]).collect();
    assert_eq!(
        days,
        vec![
            "2026-03-16",
            "2026-03-18",
            "2026-03-20",
            "2026-03-23",
            "2026-03-25"
        ]
    );
    let id = series(
        &mut w,
        "2026-03-16T10:00:00Z",
        "2026-03-16T10:30:00Z",
        "UTC",
        &["RRULE:FREQ=DAILY;UNTIL=20260318T100000Z"],
    );
    assert_eq!(instances(&mut w, &id, "").len(), 3);
}

#[test]
fn monthly_ordinals_and_month_days() {
    let mut w = world();
    let id = series(
        &mut w,
        "2026-03-01T11:00:00",
        "2026-03-01T12:00:00",
        "America/Los_Angeles",
        &["RRULE:FREQ=MONTHLY;BYDAY=2TU;COUNT=3"],
    );
    let days: Vec<String> = starts(&instances(&mut w, &id, ""))
        .iter()
        .map(|t| t[..10].to_string())
        .collect();
    assert_eq!(days, vec!["2026-03-10", "2026-04-14", "2026-05-12"]);
    let id = series(
        &mut w,
        "2026-03-01T15:00:00",
        "2026-03-01T16:00:00",
        "America/Los_Angeles",
        &["RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=3"],
    );
    let days: Vec<String> = starts(&instances(&mut w, &id, ""))
        .iter()
        .map(|t| t[..10].to_string())
        .collect();
    assert_eq!(days, vec!["2026-03-27", "2026-04-24", "2026-05-29"]);
    let id = series(
        &mut w,
        "2026-03-01T09:00:00",
        "2026-03-01T09:30:00",
        "Europe/Berlin",
        &["RRULE:FREQ=MONTHLY;BYMONTHDAY=31;COUNT=3"],
    );
    let days: Vec<String> = starts(&instances(&mut w, &id, "timeZone=Europe/Berlin"))
        .iter()
        .map(|t| t[..10].to_string())
        .collect();
    // Months without a 31st are skipped, as RFC 5545 says.
    assert_eq!(days, vec!["2026-03-31", "2026-05-31", "2026-07-31"]);
}

#[test]
fn yearly_all_day_birthdays() {
    let mut w = world();
    let e = ok(
        &mut w,
        Method::Post,
        EVENTS,
        Some(json!({
            "summary": "Birthday",
            "start": {"date": "2026-02-28"},
            "end": {"date": "2026-03-01"},
            "recurrence": ["RRULE:FREQ=YEARLY;COUNT=3"],
        })),
    );
    let id = e["id"].as_str().unwrap();
    let items = instances(&mut w, id, "");
    assert_eq!(
        starts(&items),
        vec!["2026-02-28", "2027-02-28", "2028-02-28"]
    );
    assert_eq!(items[1]["id"], json!(format!("{id}_20270228")));
    assert_eq!(items[1]["end"]["date"], "2027-03-01");
}

#[test]
fn single_events_expand_and_exceptions_apply() {
    let mut w = world();
    let id = series(
        &mut w,
        "2026-03-16T13:00:00",
        "2026-03-16T14:00:00",
        "America/Los_Angeles",
        &["RRULE:FREQ=DAILY;COUNT=5"],
    );
    let q = "q=Series&timeMin=2026-03-16T00:00:00Z&timeMax=2026-04-01T00:00:00Z";
    // Not expanded: one master.
    let list = ok(&mut w, Method::Get, &format!("{EVENTS}?{q}"), None);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert!(list["items"][0]["recurrence"].is_array());

    // Move the second instance, cancel the third.
    let second = format!("{id}_20260317T200000Z");
    let moved = ok(
        &mut w,
        Method::Patch,
        &format!("{EVENTS}/{second}"),
        Some(
            json!({"start": {"dateTime": "2026-03-17T15:00:00-07:00"}, "end": {"dateTime": "2026-03-17T16:00:00-07:00"}}),
        ),
    );
    assert_eq!(moved["id"], json!(second));
    assert_eq!(
        moved["originalStartTime"]["dateTime"],
        "2026-03-17T13:00:00-07:00"
    );
    let third = format!("{id}_20260318T200000Z");
    let resp = crate::support::call(&mut w, Method::Delete, &format!("{EVENTS}/{third}"), None);
    assert_eq!(resp.status, 204);

    let list = ok(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?{q}&singleEvents=true&orderBy=startTime"),
        None,
    );
    let s = starts(list["items"].as_array().unwrap());
    assert_eq!(
        s,
        vec![
            "2026-03-16T13:00:00-07:00",
            "2026-03-17T15:00:00-07:00",
            "2026-03-19T13:00:00-07:00",
            "2026-03-20T13:00:00-07:00"
        ]
    );
    // The cancelled instance shows with showDeleted, and (as in Google) in the unexpanded list.
    let list = ok(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?{q}&singleEvents=true&showDeleted=true"),
        None,
    );
    assert_eq!(list["items"].as_array().unwrap().len(), 5);
    let list = ok(&mut w, Method::Get, &format!("{EVENTS}?{q}"), None);
    let statuses: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.len(), 3, "{statuses:?}");
    assert!(statuses.contains(&"cancelled"));
    let inst = instances(&mut w, &id, "");
    assert_eq!(inst.len(), 4);
    let inst = instances(&mut w, &id, "showDeleted=true");
    assert_eq!(inst.len(), 5);
    let only = instances(&mut w, &id, "originalStart=2026-03-17T13:00:00-07:00");
    assert_eq!(only.len(), 1);
    assert_eq!(only[0]["start"]["dateTime"], "2026-03-17T15:00:00-07:00");

    // Deleting the series cancels everything.
    assert_eq!(
        crate::support::call(&mut w, Method::Delete, &format!("{EVENTS}/{id}"), None).status,
        204
    );
    let list = ok(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?{q}&singleEvents=true"),
        None,
    );
    assert!(list["items"].as_array().unwrap().is_empty());
}

#[test]
fn recurrence_errors() {
    let mut w = world();
    for rules in [
        json!(["RRULE:FREQ=FORTNIGHTLY"]),
        json!(["RRULE:FREQ=WEEKLY;BYDAY=XX"]),
        json!(["RRULE:FREQ=WEEKLY;UNTIL=notadate"]),
        json!(["EXRULE:FREQ=DAILY"]),
        json!(["RRULE:FREQ=DAILY;UNTIL=20200101"]),
        json!([42]),
        json!("RRULE:FREQ=DAILY"),
    ] {
        let body = json!({
            "summary": "bad",
            "start": {"dateTime": "2026-03-16T09:00:00", "timeZone": "America/Los_Angeles"},
            "end": {"dateTime": "2026-03-16T10:00:00", "timeZone": "America/Los_Angeles"},
            "recurrence": rules,
        });
        err(&mut w, Method::Post, EVENTS, Some(body), 400);
    }
    // An instance cannot itself recur.
    let id = series(
        &mut w,
        "2026-03-16T09:00:00",
        "2026-03-16T10:00:00",
        "America/Los_Angeles",
        &["RRULE:FREQ=DAILY;COUNT=3"],
    );
    err(
        &mut w,
        Method::Patch,
        &format!("{EVENTS}/{id}_20260317T160000Z"),
        Some(json!({"recurrence": ["RRULE:FREQ=DAILY"]})),
        400,
    );
}

#[test]
fn seeded_series_expand_on_the_primary_calendar() {
    let mut w = world();
    let list = ok(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?singleEvents=true&orderBy=startTime&timeMin=2026-03-16T00:00:00-07:00&timeMax=2026-03-21T00:00:00-07:00&q=Standup"),
        None,
    );
    let s = starts(list["items"].as_array().unwrap());
    // Mon–Fri, minus the seeded cancelled Wednesday of next week (not in this window).
    assert_eq!(s.len(), 5, "{s:?}");
    assert!(s.iter().all(|t| t.ends_with("09:30:00-07:00")));
}

#[test]
fn free_busy_is_recurrence_aware_clipped_and_merged() {
    let mut w = world();
    // An empty calendar to make the answer exact.
    let cal = ok(
        &mut w,
        Method::Post,
        "/calendar/v3/calendars",
        Some(json!({"summary": "FB", "timeZone": "America/Los_Angeles"})),
    );
    let cid = cal["id"].as_str().unwrap().replace('@', "%40");
    let path = format!("/calendar/v3/calendars/{cid}/events");
    ok(
        &mut w,
        Method::Post,
        &path,
        Some(json!({
        "summary": "daily", "start": {"dateTime": "2026-03-16T09:00:00", "timeZone": "America/Los_Angeles"},
        "end": {"dateTime": "2026-03-16T10:00:00", "timeZone": "America/Los_Angeles"},
        "recurrence": ["RRULE:FREQ=DAILY;COUNT=3"]})),
    );
    ok(
        &mut w,
        Method::Post,
        &path,
        Some(json!({
        "summary": "overlap", "start": {"dateTime": "2026-03-17T09:30:00-07:00"}, "end": {"dateTime": "2026-03-17T11:00:00-07:00"}})),
    );
    ok(
        &mut w,
        Method::Post,
        &path,
        Some(json!({
        "summary": "free", "transparency": "transparent", "start": {"dateTime": "2026-03-17T12:00:00-07:00"}, "end": {"dateTime": "2026-03-17T13:00:00-07:00"}})),
    );
    let fb = ok(
        &mut w,
        Method::Post,
        "/calendar/v3/freeBusy",
        Some(json!({
        "timeMin": "2026-03-16T09:30:00-07:00", "timeMax": "2026-03-18T09:30:00-07:00",
        "items": [{"id": cal["id"]}, {"id": "ghost@nexusai.com"}]})),
    );
    let busy = fb["calendars"][cal["id"].as_str().unwrap()]["busy"].clone();
    assert_eq!(
        busy,
        json!([
            {"start": "2026-03-16T16:30:00Z", "end": "2026-03-16T17:00:00Z"},
            {"start": "2026-03-17T16:00:00Z", "end": "2026-03-17T18:00:00Z"},
            {"start": "2026-03-18T16:00:00Z", "end": "2026-03-18T16:30:00Z"}
        ])
    );
    assert_eq!(
        fb["calendars"]["ghost@nexusai.com"]["errors"][0]["reason"],
        "notFound"
    );
    // Rendered in a requested zone.
    let fb = ok(
        &mut w,
        Method::Post,
        "/calendar/v3/freeBusy",
        Some(json!({
        "timeMin": "2026-03-16T00:00:00Z", "timeMax": "2026-03-17T00:00:00Z", "timeZone": "America/Los_Angeles",
        "items": [{"id": cal["id"]}]})),
    );
    assert_eq!(
        fb["calendars"][cal["id"].as_str().unwrap()]["busy"][0]["start"],
        "2026-03-16T09:00:00-07:00"
    );
    err(
        &mut w,
        Method::Post,
        "/calendar/v3/freeBusy",
        Some(
            json!({"timeMin": "2026-03-17T00:00:00Z", "timeMax": "2026-03-16T00:00:00Z", "items": []}),
        ),
        400,
    );
    err(
        &mut w,
        Method::Post,
        "/calendar/v3/freeBusy",
        Some(json!({"timeMax": "2026-03-16T00:00:00Z", "items": []})),
        400,
    );
    let many: Vec<Value> = (0..51)
        .map(|i| json!({"id": format!("u{i}@x.com")}))
        .collect();
    err(
        &mut w,
        Method::Post,
        "/calendar/v3/freeBusy",
        Some(
            json!({"timeMin": "2026-03-16T00:00:00Z", "timeMax": "2026-03-17T00:00:00Z", "items": many}),
        ),
        400,
    );
}
