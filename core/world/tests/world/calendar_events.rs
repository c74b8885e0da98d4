//! Calendar events end to end: insert/get/patch/update/delete/move/import/quickAdd, list
//! parameters (windows, q, ordering, paging, sync tokens, iCalUID, timeZone), attendees and
//! errors.

use crate::support::{as_user, call, err, ok, world, world_with};
use env0_world::Scale;
use env0_world::{Method, Request};
use serde_json::{json, Value};

const EVENTS: &str = "/calendar/v3/calendars/primary/events";

fn meeting(summary: &str, day: u32, hour: u32) -> Value {
    json!({
        "summary": summary,
        "start": {"dateTime": format!("2026-03-{day:02}T{hour:02}:00:00-07:00"), "timeZone": "America/Los_Angeles"},
        "end": {"dateTime": format!("2026-03-{day:02}T{:02}:00:00-07:00", hour + 1), "timeZone": "America/Los_Angeles"},
    })
}

fn ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn insert_get_patch_update_delete_round_trip() {
    let mut w = world();
    let mut body = meeting("Planning", 18, 10);
    body["attendees"] = json!([{"email": "Priya@nexusai.com"}, {"email": "dana@horizonvc.com", "responseStatus": "tentative"}]);
    body["location"] = json!("Room Ada");
    let e = ok(&mut w, Method::Post, EVENTS, Some(body));
    let id = e["id"].as_str().unwrap().to_string();
    assert!(
        id.len() >= 5
            && id
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='v').contains(&c))
    );
    assert_eq!(e["status"], "confirmed");
    assert_eq!(e["start"]["dateTime"], "2026-03-18T10:00:00-07:00");
    assert_eq!(e["organizer"]["email"], "alex@nexusai.com");
    assert_eq!(e["organizer"]["self"], true);
    let att = e["attendees"].as_array().unwrap();
    assert_eq!(att[0]["email"], "alex@nexusai.com");
    assert_eq!(att[0]["organizer"], true);
    assert_eq!(att[1]["email"], "priya@nexusai.com");
    assert_eq!(att[1]["displayName"], "Priya Patel");
    assert_eq!(att[1]["responseStatus"], "needsAction");
    assert_eq!(att[2]["responseStatus"], "tentative");

    let got = ok(&mut w, Method::Get, &format!("{EVENTS}/{id}"), None);
    assert_eq!(got["summary"], "Planning");
    // Rendered in another zone on request.
    let tokyo = ok(
        &mut w,
        Method::Get,
        &format!("{EVENTS}/{id}?timeZone=Asia/Tokyo"),
        None,
    );
    assert_eq!(tokyo["start"]["dateTime"], "2026-03-19T02:00:00+09:00");

    let p = ok(
        &mut w,
        Method::Patch,
        &format!("{EVENTS}/{id}"),
        Some(json!({"summary": "Planning v2", "location": null})),
    );
    assert_eq!(p["summary"], "Planning v2");
    assert!(p.get("location").is_none());
    assert_eq!(p["attendees"].as_array().unwrap().len(), 3);
    assert_eq!(p["sequence"], 1);

    // PUT replaces: the attendees not sent are gone.
    let u = ok(
        &mut w,
        Method::Put,
        &format!("{EVENTS}/{id}"),
        Some(meeting("Replaced", 18, 11)),
    );
    assert_eq!(u["summary"], "Replaced");
    assert!(u.get("attendees").is_none());
    assert_eq!(u["start"]["dateTime"], "2026-03-18T11:00:00-07:00");

    let resp = call(&mut w, Method::Delete, &format!("{EVENTS}/{id}"), None);
    assert_eq!(resp.status, 204);
    let gone = ok(&mut w, Method::Get, &format!("{EVENTS}/{id}"), None);
    assert_eq!(gone["status"], "cancelled");
    err(&mut w, Method::Delete, &format!("{EVENTS}/{id}"), None, 410);
    let list = ok(&mut w, Method::Get, &format!("{EVENTS}?q=Replaced"), None);
    assert!(ids(&list).is_empty());
    let list = ok(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?q=Replaced&showDeleted=true"),
        None,
    );
    assert_eq!(ids(&list), vec![id.clone()]);

    // The diff shows one row with the status change.
    let row = w.state_dump().unwrap().collections["calendar_events"].rows[&id].clone();
    assert_eq!(row["status"], "cancelled");
    assert_eq!(row["start"]["dateTime"], "2026-03-18T11:00:00-07:00");
}

#[test]
fn insert_validation_errors() {
    let mut w = world();
    let bad = [
        json!({"summary": "no times"}),
        json!({"start": {"dateTime": "2026-03-18T10:00:00Z"}}),
        json!({"start": {"dateTime": "2026-03-18T10:00:00Z"}, "end": {"dateTime": "2026-03-18T09:00:00Z"}}),
        json!({"start": {"date": "2026-03-18"}, "end": {"dateTime": "2026-03-18T09:00:00Z"}}),
        json!({"start": {"date": "2026-03-18"}, "end": {"date": "2026-03-18"}}),
        json!({"start": {"dateTime": "2026-03-18T10:00:00"}, "end": {"dateTime": "2026-03-18T11:00:00"}}),
        json!({"start": {"dateTime": "2026-03-18T10:00:00Z", "timeZone": "Mars/Olympus"}, "end": {"dateTime": "2026-03-18T11:00:00Z"}}),
        json!({"start": {"dateTime": "tomorrow"}, "end": {"dateTime": "2026-03-18T11:00:00Z"}}),
        json!({"start": {"dateTime": "2026-03-18T10:00:00Z"}, "end": {"dateTime": "2026-03-18T11:00:00Z"}, "attendees": [{"email": "not-an-email"}]}),
        json!({"start": {"dateTime": "2026-03-18T10:00:00Z"}, "end": {"dateTime": "2026-03-18T11:00:00Z"}, "attendees": [{"displayName": "x"}]}),
        json!({"start": {"dateTime": "2026-03-18T10:00:00Z"}, "end": {"dateTime": "2026-03-18T11:00:00Z"}, "attendees": [{"email": "a@b.com", "responseStatus": "maybe"}]}),
        json!({"start": {"dateTime": "2026-03-18T10:00:00Z"}, "end": {"dateTime": "2026-03-18T11:00:00Z"}, "colorId": "42"}),
        json!({"start": {"dateTime": "2026-03-18T10:00:00Z"}, "end": {"dateTime": "2026-03-18T11:00:00Z"}, "visibility": "secret"}),
        json!({"start": {"dateTime": "2026-03-18T10:00:00Z"}, "end": {"dateTime": "2026-03-18T11:00:00Z"}, "reminders": {"useDefault": true, "overrides": [{"method": "popup", "minutes": 5}]}}),
        json!({"start": {"dateTime": "2026-03-18T10:00:00Z"}, "end": {"dateTime": "2026-03-18T11:00:00Z"}, "reminders": {"useDefault": false, "overrides": [{"method": "sms", "minutes": 5}]}}),
        json!({"start": {"dateTime": "2026-03-18T10:00:00Z", "timeZone": "UTC"}, "end": {"dateTime": "2026-03-18T11:00:00Z"}, "recurrence": ["RRULE:FREQ=SOMETIMES"]}),
        json!({"start": {"dateTime": "2026-03-18T10:00:00Z"}, "end": {"dateTime": "2026-03-18T11:00:00Z"}, "recurrence": ["RRULE:FREQ=DAILY"]}),
        json!({"id": "UPPER_case!", "start": {"dateTime": "2026-03-18T10:00:00Z"}, "end": {"dateTime": "2026-03-18T11:00:00Z"}}),
        json!([1, 2, 3]),
    ];
    for body in bad {
        let resp = call(&mut w, Method::Post, EVENTS, Some(body.clone()));
        assert_eq!(resp.status, 400, "{body} -> {}", resp.body);
        assert!(resp.body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    let resp = w.handle(&Request::new(Method::Post, EVENTS).with_raw_body("{not json"));
    assert_eq!(resp.status, 400);
    err(
        &mut w,
        Method::Post,
        &format!("{EVENTS}?sendUpdates=everyone"),
        Some(meeting("x", 18, 10)),
        400,
    );
    // A client-chosen id, then a duplicate.
    let mut body = meeting("Chosen id", 18, 10);
    body["id"] = json!("meeting0001");
    let e = ok(
        &mut w,
        Method::Post,
        &format!("{EVENTS}?sendUpdates=all"),
        Some(body.clone()),
    );
    assert_eq!(e["id"], "meeting0001");
    err(&mut w, Method::Post, EVENTS, Some(body), 409);
    // Nothing changed by the failures except the two inserts that succeeded.
    assert_eq!(
        w.action_log()
            .unwrap()
            .iter()
            .filter(|e| e.status == 200)
            .count(),
        1
    );
}

#[test]
fn unknown_ids_are_404() {
    let mut w = world();
    err(
        &mut w,
        Method::Get,
        &format!("{EVENTS}/doesnotexist"),
        None,
        404,
    );
    err(
        &mut w,
        Method::Patch,
        &format!("{EVENTS}/doesnotexist"),
        Some(json!({"summary": "x"})),
        404,
    );
    err(
        &mut w,
        Method::Put,
        &format!("{EVENTS}/doesnotexist"),
        Some(meeting("x", 18, 9)),
        404,
    );
    err(
        &mut w,
        Method::Delete,
        &format!("{EVENTS}/doesnotexist"),
        None,
        404,
    );
    err(
        &mut w,
        Method::Get,
        &format!("{EVENTS}/doesnotexist/instances"),
        None,
        404,
    );
    err(
        &mut w,
        Method::Get,
        &format!("{EVENTS}/doesnotexist_20260316T163000Z"),
        None,
        404,
    );
    err(
        &mut w,
        Method::Get,
        "/calendar/v3/calendars/nobody%40nowhere.com/events",
        None,
        404,
    );
    err(
        &mut w,
        Method::Post,
        "/calendar/v3/calendars/nobody%40nowhere.com/events",
        Some(meeting("x", 18, 9)),
        404,
    );
}

#[test]
fn list_windows_search_ordering_and_paging() {
    let mut w = world();
    let a = ok(
        &mut w,
        Method::Post,
        EVENTS,
        Some(meeting("Zebra sync", 19, 9)),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut with_guest = meeting("Quarterly numbers", 19, 14);
    with_guest["description"] = json!("bring the zebra deck");
    with_guest["attendees"] = json!([{"email": "dana@horizonvc.com"}]);
    let b = ok(&mut w, Method::Post, EVENTS, Some(with_guest))["id"]
        .as_str()
        .unwrap()
        .to_string();

    // q matches summary, description and attendees (every term).
    assert_eq!(
        ids(&ok(&mut w, Method::Get, &format!("{EVENTS}?q=zebra"), None)),
        vec![a.clone(), b.clone()]
    );
    assert_eq!(
        ids(&ok(
            &mut w,
            Method::Get,
            &format!("{EVENTS}?q=zebra%20deck"),
            None
        )),
        vec![b.clone()]
    );
    assert!(ids(&ok(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?q=Whitfield"),
        None
    ))
    .contains(&b));
    assert!(
        ids(&ok(
            &mut w,
            Method::Get,
            &format!("{EVENTS}?q=horizonvc.com%20quarterly"),
            None
        )) == vec![b.clone()]
    );
    assert!(!ids(&ok(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?q=Whitfield"),
        None
    ))
    .contains(&a));

    // Windows: an event overlapping the edge is included.
    let win = ok(
        &mut w,
        Method::Get,
        &format!(
            "{EVENTS}?timeMin=2026-03-19T09:30:00-07:00&timeMax=2026-03-19T14:00:00-07:00&q=zebra"
        ),
        None,
    );
    assert_eq!(ids(&win), vec![a.clone()]);
    err(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?timeMin=2026-03-19T10:00:00Z&timeMax=2026-03-19T09:00:00Z"),
        None,
        400,
    );
    err(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?timeMin=yesterday"),
        None,
        400,
    );
    err(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?orderBy=startTime"),
        None,
        400,
    );
    err(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?orderBy=size"),
        None,
        400,
    );
    err(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?maxResults=0"),
        None,
        400,
    );
    err(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?maxResults=2501"),
        None,
        400,
    );
    err(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?pageToken=garbage"),
        None,
        400,
    );
    err(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?timeZone=Nowhere/City"),
        None,
        400,
    );

    // orderBy=startTime with singleEvents, paged through; pages join up to the full list.
    let window = "timeMin=2026-03-01T00:00:00Z&timeMax=2026-04-15T00:00:00Z&singleEvents=true&orderBy=startTime";
    let full = ok(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?{window}&maxResults=2500"),
        None,
    );
    let all = ids(&full);
    assert!(all.len() > 40, "{}", all.len());
    let starts: Vec<String> = full["items"]
        .as_array()
        .unwrap()
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
        .collect();
    let mut parsed: Vec<chrono::DateTime<chrono::FixedOffset>> = Vec::new();
    for s in &starts {
        if s.len() == 10 {
            continue;
        }
        parsed.push(chrono::DateTime::parse_from_rfc3339(s).unwrap());
    }
    assert!(
        parsed.windows(2).all(|p| p[0] <= p[1]),
        "not in start order"
    );
    let mut paged = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut path = format!("{EVENTS}?{window}&maxResults=7");
        if let Some(t) = &token {
            path.push_str(&format!("&pageToken={t}"));
        }
        let page = ok(&mut w, Method::Get, &path, None);
        assert!(page["items"].as_array().unwrap().len() <= 7);
        paged.extend(ids(&page));
        match page.get("nextPageToken") {
            Some(t) => {
                assert!(page.get("nextSyncToken").is_none());
                token = Some(t.as_str().unwrap().to_string());
            }
            None => {
                assert!(page.get("nextSyncToken").is_some());
                break;
            }
        }
    }
    assert_eq!(paged, all);

    // orderBy=updated puts the new events last; iCalUID selects one.
    let by_updated = ids(&ok(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?orderBy=updated&maxResults=2500"),
        None,
    ));
    assert_eq!(&by_updated[by_updated.len() - 2..], &[a.clone(), b.clone()]);
    let uid = ok(&mut w, Method::Get, &format!("{EVENTS}/{a}"), None)["iCalUID"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        ids(&ok(
            &mut w,
            Method::Get,
            &format!("{EVENTS}?iCalUID={uid}"),
            None
        )),
        vec![a.clone()]
    );
    // updatedMin
    let recent = ids(&ok(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?updatedMin=2026-03-16T16:00:00Z"),
        None,
    ));
    assert_eq!(recent, vec![a, b]);
}

#[test]
fn sync_tokens_return_changes_including_deletions() {
    let mut w = world();
    let first = ok(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?maxResults=2500"),
        None,
    );
    let token = first["nextSyncToken"].as_str().unwrap().to_string();
    let none = ok(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?syncToken={token}"),
        None,
    );
    assert!(ids(&none).is_empty());
    let a = ok(&mut w, Method::Post, EVENTS, Some(meeting("New", 20, 9)))["id"]
        .as_str()
        .unwrap()
        .to_string();
    let victim = ids(&first)[0].clone();
    let resp = call(&mut w, Method::Delete, &format!("{EVENTS}/{victim}"), None);
    assert_eq!(resp.status, 204, "{}", resp.body);
    let changes = ok(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?syncToken={token}"),
        None,
    );
    let changed = ids(&changes);
    assert_eq!(changed.len(), 2, "{changed:?}");
    assert!(changed.contains(&a) && changed.contains(&victim));
    let cancelled = changes["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == json!(victim))
        .unwrap();
    assert_eq!(cancelled["status"], "cancelled");
    // The next token sees nothing new.
    let next = changes["nextSyncToken"].as_str().unwrap().to_string();
    assert!(ids(&ok(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?syncToken={next}"),
        None
    ))
    .is_empty());
    // Garbage or another calendar's token: full sync required.
    let gone = err(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?syncToken=bm9wZQ"),
        None,
        410,
    );
    assert_eq!(gone["error"]["errors"][0]["reason"], "fullSyncRequired");
    let holidays = "/calendar/v3/calendars/en.usa%23holiday%40group.v.calendar.google.com/events";
    let other = ok(&mut w, Method::Get, holidays, None)["nextSyncToken"]
        .as_str()
        .unwrap()
        .to_string();
    err(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?syncToken={other}"),
        None,
        410,
    );
    err(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?syncToken={token}&q=x"),
        None,
        400,
    );
}

#[test]
fn attendees_see_and_answer_invitations() {
    let mut w = world();
    let mut body = meeting("Design crit", 18, 15);
    body["attendees"] = json!([{"email": "priya@nexusai.com"}, {"email": "diego@nexusai.com"}]);
    let id = ok(&mut w, Method::Post, EVENTS, Some(body))["id"]
        .as_str()
        .unwrap()
        .to_string();
    // It shows on Priya's primary calendar with the same id.
    let theirs = as_user(
        &mut w,
        "priya@nexusai.com",
        Method::Get,
        &format!("{EVENTS}/{id}"),
        None,
    );
    assert_eq!(theirs.status, 200, "{}", theirs.body);
    assert_eq!(theirs.body["organizer"]["email"], "alex@nexusai.com");
    assert!(theirs.body["organizer"].get("self").is_none());
    let me = theirs.body["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["email"] == "priya@nexusai.com")
        .unwrap()
        .clone();
    assert_eq!(me["self"], true);
    let listed = as_user(
        &mut w,
        "priya@nexusai.com",
        Method::Get,
        &format!("{EVENTS}?q=Design%20crit"),
        None,
    );
    assert_eq!(ids(&listed.body), vec![id.clone()]);

    // Priya accepts by patching her own attendee entry.
    let mut attendees = theirs.body["attendees"].clone();
    for a in attendees.as_array_mut().unwrap() {
        if a["email"] == "priya@nexusai.com" {
            a["responseStatus"] = json!("accepted");
            a["comment"] = json!("See you there");
        }
    }
    let resp = as_user(
        &mut w,
        "priya@nexusai.com",
        Method::Patch,
        &format!("{EVENTS}/{id}"),
        Some(json!({"attendees": attendees})),
    );
    assert_eq!(resp.status, 200, "{}", resp.body);
    let org_view = ok(&mut w, Method::Get, &format!("{EVENTS}/{id}"), None);
    let priya = org_view["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["email"] == "priya@nexusai.com")
        .unwrap()
        .clone();
    assert_eq!(priya["responseStatus"], "accepted");
    assert_eq!(priya["comment"], "See you there");

    // She may not change the title or someone else's answer.
    let resp = as_user(
        &mut w,
        "priya@nexusai.com",
        Method::Patch,
        &format!("{EVENTS}/{id}"),
        Some(json!({"summary": "Mine now"})),
    );
    assert_eq!(resp.status, 403, "{}", resp.body);
    let mut forged = org_view["attendees"].clone();
    for a in forged.as_array_mut().unwrap() {
        if a["email"] == "diego@nexusai.com" {
            a["responseStatus"] = json!("declined");
        }
    }
    let resp = as_user(
        &mut w,
        "priya@nexusai.com",
        Method::Patch,
        &format!("{EVENTS}/{id}"),
        Some(json!({"attendees": forged})),
    );
    assert_eq!(resp.status, 403);
    // Someone not invited cannot see it.
    let resp = as_user(
        &mut w,
        "hiro@nexusai.com",
        Method::Get,
        &format!("{EVENTS}/{id}"),
        None,
    );
    assert_eq!(resp.status, 404);
    // Diego deletes it from his calendar: that declines.
    let resp = as_user(
        &mut w,
        "diego@nexusai.com",
        Method::Delete,
        &format!("{EVENTS}/{id}"),
        None,
    );
    assert_eq!(resp.status, 204);
    let org_view = ok(&mut w, Method::Get, &format!("{EVENTS}/{id}"), None);
    assert_eq!(org_view["status"], "confirmed");
    let diego = org_view["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["email"] == "diego@nexusai.com")
        .unwrap()
        .clone();
    assert_eq!(diego["responseStatus"], "declined");
}

#[test]
fn alex_answers_a_seeded_invitation() {
    let mut w = world();
    let list = ok(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?maxResults=2500"),
        None,
    );
    let invite = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["organizer"].get("self").is_none()
                && e["attendees"].as_array().is_some_and(|a| {
                    a.iter()
                        .any(|x| x["self"] == true && x["responseStatus"] == "needsAction")
                })
        })
        .expect("a pending invitation")
        .clone();
    let id = invite["id"].as_str().unwrap();
    let mut attendees = invite["attendees"].clone();
    for a in attendees.as_array_mut().unwrap() {
        if a["self"] == true {
            a["responseStatus"] = json!("accepted");
        }
    }
    let snap = w.snapshot().unwrap();
    ok(
        &mut w,
        Method::Patch,
        &format!("{EVENTS}/{id}"),
        Some(json!({"attendees": attendees})),
    );
    let diff = w.diff_since(&snap).unwrap();
    let upd = &diff.collections["calendar_events"].updated;
    assert_eq!(upd.len(), 1);
    assert!(upd[0].changed.contains_key("attendees"));
    assert!(!upd[0].changed.contains_key("summary"));
}

#[test]
fn move_import_and_quick_add() {
    let mut w = world();
    let list = ok(
        &mut w,
        Method::Get,
        "/calendar/v3/users/me/calendarList",
        None,
    );
    let team = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["summary"] == "Team")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .replace('@', "%40");
    let id = ok(
        &mut w,
        Method::Post,
        EVENTS,
        Some(meeting("Move me", 18, 16)),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let moved = ok(
        &mut w,
        Method::Post,
        &format!("{EVENTS}/{id}/move?destination={team}"),
        None,
    );
    assert_eq!(moved["id"], json!(id));
    assert_eq!(moved["organizer"]["displayName"], "Team");
    err(&mut w, Method::Get, &format!("{EVENTS}/{id}"), None, 404);
    ok(
        &mut w,
        Method::Get,
        &format!("/calendar/v3/calendars/{team}/events/{id}"),
        None,
    );
    err(
        &mut w,
        Method::Post,
        &format!("/calendar/v3/calendars/{team}/events/{id}/move"),
        None,
        400,
    );
    err(
        &mut w,
        Method::Post,
        &format!("/calendar/v3/calendars/{team}/events/{id}/move?destination=nobody%40x.com"),
        None,
        404,
    );

    // Import needs an iCalUID; importing it again updates the same copy.
    let mut body = meeting("Imported", 21, 9);
    err(
        &mut w,
        Method::Post,
        &format!("{EVENTS}/import"),
        Some(body.clone()),
        400,
    );
    body["iCalUID"] = json!("abc123@example.com");
    body["organizer"] = json!({"email": "dana@horizonvc.com", "displayName": "Dana Whitfield"});
    body["attendees"] = json!([{"email": "alex@nexusai.com", "responseStatus": "accepted"}]);
    let imp = ok(
        &mut w,
        Method::Post,
        &format!("{EVENTS}/import"),
        Some(body.clone()),
    );
    assert_eq!(imp["iCalUID"], "abc123@example.com");
    assert_eq!(imp["organizer"]["email"], "dana@horizonvc.com");
    body["summary"] = json!("Imported again");
    let again = ok(
        &mut w,
        Method::Post,
        &format!("{EVENTS}/import"),
        Some(body),
    );
    assert_eq!(again["id"], imp["id"]);
    assert_eq!(again["summary"], "Imported again");

    // quickAdd: "tomorrow 12pm-1pm" in the calendar's zone (now is Monday 16 March, 09:00 PDT).
    let q = ok(
        &mut w,
        Method::Post,
        &format!("{EVENTS}/quickAdd?text=Lunch%20with%20Priya%20tomorrow%2012pm-1pm"),
        None,
    );
    assert_eq!(q["summary"], "Lunch with Priya");
    assert_eq!(q["start"]["dateTime"], "2026-03-17T12:00:00-07:00");
    assert_eq!(q["end"]["dateTime"], "2026-03-17T13:00:00-07:00");
    let q = ok(
        &mut w,
        Method::Post,
        &format!("{EVENTS}/quickAdd?text=Standup%20Monday%20at%209am"),
        None,
    );
    assert_eq!(q["summary"], "Standup");
    assert_eq!(q["start"]["dateTime"], "2026-03-23T09:00:00-07:00");
    let q = ok(
        &mut w,
        Method::Post,
        &format!("{EVENTS}/quickAdd?text=Offsite%20March%2030"),
        None,
    );
    assert_eq!(q["start"]["date"], "2026-03-30");
    err(
        &mut w,
        Method::Post,
        &format!("{EVENTS}/quickAdd"),
        None,
        400,
    );
}

#[test]
fn events_keep_local_time_and_all_day_use_dates() {
    let mut w = world();
    let e = ok(
        &mut w,
        Method::Post,
        EVENTS,
        Some(
            json!({"summary": "Day off", "start": {"date": "2026-03-20"}, "end": {"date": "2026-03-21"}}),
        ),
    );
    assert_eq!(e["start"], json!({"date": "2026-03-20"}));
    // A naive time takes the given zone; rendered in the calendar's zone with the zone name.
    let e = ok(
        &mut w,
        Method::Post,
        EVENTS,
        Some(
            json!({"summary": "Berlin call", "start": {"dateTime": "2026-03-20T17:00:00", "timeZone": "Europe/Berlin"}, "end": {"dateTime": "2026-03-20T18:00:00", "timeZone": "Europe/Berlin"}}),
        ),
    );
    assert_eq!(e["start"]["dateTime"], "2026-03-20T09:00:00-07:00");
    assert_eq!(e["start"]["timeZone"], "Europe/Berlin");
    let day = ok(&mut w, Method::Get, &format!("{EVENTS}?timeMin=2026-03-20T00:00:00-07:00&timeMax=2026-03-21T00:00:00-07:00&q=Day%20off"), None);
    assert_eq!(ids(&day).len(), 1);
}

#[test]
fn large_world_lists_quickly_and_has_its_events() {
    let start = std::time::Instant::now();
    let mut w = world_with(Scale::LARGE);
    let seeded = start.elapsed();
    let list = ok(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?maxResults=2500"),
        None,
    );
    let n = list["items"].as_array().unwrap().len();
    assert!(n > 500, "{n}");
    let t = std::time::Instant::now();
    let single = ok(&mut w, Method::Get, &format!("{EVENTS}?singleEvents=true&orderBy=startTime&timeMin=2026-03-16T00:00:00Z&timeMax=2026-04-16T00:00:00Z"), None);
    assert!(!single["items"].as_array().unwrap().is_empty());
    // Generous bounds for unoptimised test builds on a shared machine.
    assert!(
        seeded.as_secs() < 20 && t.elapsed().as_secs() < 10,
        "{seeded:?} {:?}",
        t.elapsed()
    );
    let rows = w.state_dump().unwrap().collections["calendar_events"]
        .rows
        .len();
    assert!(rows >= 1_400, "{rows}");
}

#[test]
fn max_attendees_and_watch_channels() {
    let mut w = world();
    let mut body = meeting("Big meeting", 18, 9);
    body["attendees"] = json!([
        {"email": "priya@nexusai.com"}, {"email": "diego@nexusai.com"},
        {"email": "hiro@nexusai.com"}, {"email": "noah@nexusai.com"}
    ]);
    let id = ok(&mut w, Method::Post, EVENTS, Some(body))["id"]
        .as_str()
        .unwrap()
        .to_string();
    let e = ok(
        &mut w,
        Method::Get,
        &format!("{EVENTS}/{id}?maxAttendees=2"),
        None,
    );
    assert_eq!(e["attendees"].as_array().unwrap().len(), 2);
    assert_eq!(e["attendeesOmitted"], true);
    assert!(e["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["self"] == true));
    err(
        &mut w,
        Method::Get,
        &format!("{EVENTS}/{id}?maxAttendees=0"),
        None,
        400,
    );

    let d = crate::support::discovery::Discovery::load("calendar.v3.json");
    let channel =
        json!({"id": "chan-1", "type": "web_hook", "address": "https://example.com/hook"});
    for path in [
        format!("{EVENTS}/watch"),
        "/calendar/v3/calendars/primary/acl/watch".to_string(),
        "/calendar/v3/users/me/calendarList/watch".to_string(),
        "/calendar/v3/users/me/settings/watch".to_string(),
    ] {
        let c = ok(&mut w, Method::Post, &path, Some(channel.clone()));
        d.assert_conforms("Channel", &c);
        assert_eq!(c["id"], "chan-1");
    }
    err(
        &mut w,
        Method::Post,
        &format!("{EVENTS}/watch"),
        Some(json!({"type": "web_hook"})),
        400,
    );
    err(
        &mut w,
        Method::Post,
        &format!("{EVENTS}/watch"),
        Some(json!({"id": "x", "address": "http://insecure"})),
        400,
    );
    err(
        &mut w,
        Method::Post,
        "/calendar/v3/calendars/nobody%40x.com/events/watch",
        Some(channel),
        404,
    );
    let stop = call(
        &mut w,
        Method::Post,
        "/calendar/v3/channels/stop",
        Some(json!({"id": "chan-1", "resourceId": "r"})),
    );
    assert_eq!(stop.status, 204);
    err(
        &mut w,
        Method::Post,
        "/calendar/v3/channels/stop",
        Some(json!({})),
        400,
    );
}

#[test]
fn attendee_may_answer_with_only_their_own_entry() {
    let mut w = world();
    let mut body = meeting("RSVP test", 19, 11);
    body["attendees"] = json!([{"email": "priya@nexusai.com"}, {"email": "diego@nexusai.com"}]);
    let id = ok(&mut w, Method::Post, EVENTS, Some(body))["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = as_user(
        &mut w,
        "priya@nexusai.com",
        Method::Patch,
        &format!("{EVENTS}/{id}"),
        Some(json!({"attendees": [{"email": "priya@nexusai.com", "responseStatus": "declined"}]})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let e = ok(&mut w, Method::Get, &format!("{EVENTS}/{id}"), None);
    let att = e["attendees"].as_array().unwrap();
    assert_eq!(att.len(), 3);
    let priya = att
        .iter()
        .find(|a| a["email"] == "priya@nexusai.com")
        .unwrap();
    assert_eq!(priya["responseStatus"], "declined");
    // The organizer, by contrast, replaces the list.
    let e = ok(
        &mut w,
        Method::Patch,
        &format!("{EVENTS}/{id}"),
        Some(json!({"attendees": [{"email": "diego@nexusai.com"}]})),
    );
    let emails: Vec<&str> = e["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, vec!["alex@nexusai.com", "diego@nexusai.com"]);
    // An answer on one instance of a series becomes an exception on the organizer's series.
    let standup = ok(&mut w, Method::Get, &format!("{EVENTS}?q=Daily%20Standup&singleEvents=true&timeMin=2026-03-17T00:00:00Z&maxResults=1"), None);
    let inst = standup["items"][0]["id"].as_str().unwrap().to_string();
    ok(
        &mut w,
        Method::Patch,
        &format!("{EVENTS}/{inst}"),
        Some(json!({"attendees": [{"email": "alex@nexusai.com", "responseStatus": "declined"}]})),
    );
    let row = w.state_dump().unwrap().collections["calendar_events"].rows[&inst].clone();
    assert_eq!(row["calendar_id"], "jordan@nexusai.com");
    assert!(row["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["email"] == "alex@nexusai.com" && a["responseStatus"] == "declined"));
}

#[test]
fn event_types_and_extended_property_filters() {
    let mut w = world();
    let mut focus = meeting("Deep work", 19, 13);
    focus["eventType"] = json!("focusTime");
    focus["focusTimeProperties"] = json!({"autoDeclineMode": "declineNone"});
    focus["extendedProperties"] = json!({"private": {"project": "apollo"}});
    let id = ok(&mut w, Method::Post, EVENTS, Some(focus))["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        ids(&ok(
            &mut w,
            Method::Get,
            &format!("{EVENTS}?eventTypes=focusTime"),
            None
        )),
        vec![id.clone()]
    );
    assert_eq!(
        ids(&ok(
            &mut w,
            Method::Get,
            &format!("{EVENTS}?privateExtendedProperty=project%3Dapollo"),
            None
        )),
        vec![id.clone()]
    );
    assert!(ids(&ok(
        &mut w,
        Method::Get,
        &format!("{EVENTS}?privateExtendedProperty=project%3Dzeus"),
        None
    ))
    .is_empty());
    let e = ok(&mut w, Method::Get, &format!("{EVENTS}/{id}"), None);
    assert_eq!(e["focusTimeProperties"]["autoDeclineMode"], "declineNone");
    let mut bad = meeting("x", 19, 13);
    bad["eventType"] = json!("party");
    err(&mut w, Method::Post, EVENTS, Some(bad), 400);
}
