//! Every Calendar resource the router returns conforms to Google's discovery schema.

use crate::support::discovery::Discovery;
use crate::support::{ok, world};
use env0_world::Method;
use serde_json::{json, Value};

fn disco() -> Discovery {
    Discovery::load("calendar.v3.json")
}

fn enc(id: &str) -> String {
    id.replace('@', "%40").replace('#', "%23")
}

#[test]
fn lists_and_items_conform() {
    let d = disco();
    let mut w = world();
    let list = ok(
        &mut w,
        Method::Get,
        "/calendar/v3/users/me/calendarList?showHidden=true",
        None,
    );
    d.assert_conforms("CalendarList", &list);
    let items = list["items"].as_array().unwrap();
    assert!(items.len() >= 8, "{list}");
    for entry in items {
        d.assert_conforms("CalendarListEntry", entry);
        let id = entry["id"].as_str().unwrap();
        let one = ok(
            &mut w,
            Method::Get,
            &format!("/calendar/v3/users/me/calendarList/{}", enc(id)),
            None,
        );
        d.assert_conforms("CalendarListEntry", &one);
        let cal = ok(
            &mut w,
            Method::Get,
            &format!("/calendar/v3/calendars/{}", enc(id)),
            None,
        );
        d.assert_conforms("Calendar", &cal);
        for single in ["false", "true"] {
            let events = ok(
                &mut w,
                Method::Get,
                &format!("/calendar/v3/calendars/{}/events?singleEvents={single}&showDeleted=true&maxResults=2500", enc(id)),
                None,
            );
            d.assert_conforms("Events", &events);
        }
    }
    let acl = ok(
        &mut w,
        Method::Get,
        "/calendar/v3/calendars/primary/acl",
        None,
    );
    d.assert_conforms("Acl", &acl);
    for rule in acl["items"].as_array().unwrap() {
        d.assert_conforms("AclRule", rule);
    }
    let settings = ok(&mut w, Method::Get, "/calendar/v3/users/me/settings", None);
    d.assert_conforms("Settings", &settings);
    let one = ok(
        &mut w,
        Method::Get,
        "/calendar/v3/users/me/settings/timezone",
        None,
    );
    d.assert_conforms("Setting", &one);
    assert_eq!(one["value"], json!("America/Los_Angeles"));
    let colors = ok(&mut w, Method::Get, "/calendar/v3/colors", None);
    d.assert_conforms("Colors", &colors);
    let fb = ok(
        &mut w,
        Method::Post,
        "/calendar/v3/freeBusy",
        Some(
            json!({"timeMin": "2026-03-16T00:00:00Z", "timeMax": "2026-03-23T00:00:00Z", "items": [{"id": "primary"}, {"id": "nobody@nexusai.com"}]}),
        ),
    );
    d.assert_conforms("FreeBusyResponse", &fb);
}

#[test]
fn written_resources_conform() {
    let d = disco();
    let mut w = world();
    let e = ok(
        &mut w,
        Method::Post,
        "/calendar/v3/calendars/primary/events?conferenceDataVersion=1&sendUpdates=all",
        Some(json!({
            "summary": "Conformance", "description": "d", "location": "l", "colorId": "3",
            "start": {"dateTime": "2026-03-18T10:00:00", "timeZone": "America/Los_Angeles"},
            "end": {"dateTime": "2026-03-18T11:00:00", "timeZone": "America/Los_Angeles"},
            "attendees": [{"email": "priya@nexusai.com"}, {"email": "dana@horizonvc.com", "optional": true}],
            "reminders": {"useDefault": false, "overrides": [{"method": "popup", "minutes": 15}]},
            "extendedProperties": {"private": {"k": "v"}},
            "conferenceData": {"createRequest": {"requestId": "r1", "conferenceSolutionKey": {"type": "hangoutsMeet"}}},
            "transparency": "transparent", "visibility": "private", "guestsCanModify": true,
            "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=3"],
            "source": {"url": "https://example.com", "title": "x"}
        })),
    );
    d.assert_conforms("Event", &e);
    let id = e["id"].as_str().unwrap();
    let inst = ok(
        &mut w,
        Method::Get,
        &format!("/calendar/v3/calendars/primary/events/{id}/instances"),
        None,
    );
    d.assert_conforms("Events", &inst);
    for i in inst["items"].as_array().unwrap() {
        d.assert_conforms("Event", i);
    }
    let cal = ok(
        &mut w,
        Method::Post,
        "/calendar/v3/calendars",
        Some(json!({"summary": "Side project", "timeZone": "Europe/Berlin"})),
    );
    d.assert_conforms("Calendar", &cal);
    let rule = ok(
        &mut w,
        Method::Post,
        &format!(
            "/calendar/v3/calendars/{}/acl",
            enc(cal["id"].as_str().unwrap())
        ),
        Some(json!({"role": "reader", "scope": {"type": "user", "value": "priya@nexusai.com"}})),
    );
    d.assert_conforms("AclRule", &rule);
    let quick = ok(&mut w, Method::Post, "/calendar/v3/calendars/primary/events/quickAdd?text=Lunch%20with%20Priya%20tomorrow%2012pm-1pm", None);
    d.assert_conforms("Event", &quick);
    let list_entry = ok(
        &mut w,
        Method::Patch,
        "/calendar/v3/users/me/calendarList/primary?colorRgbFormat=true",
        Some(
            json!({"backgroundColor": "#123456", "foregroundColor": "#ffffff", "summaryOverride": "Me"}),
        ),
    );
    d.assert_conforms("CalendarListEntry", &list_entry);
    let _: Value = list_entry;
}

#[test]
fn restricted_and_derived_views_conform() {
    let d = disco();
    let mut w = world();
    // Free/busy view of a colleague's calendar, a reader's view, an attendee's view.
    for path in [
        "/calendar/v3/calendars/priya%40nexusai.com/events?singleEvents=true&maxResults=50",
        "/calendar/v3/calendars/jordan%40nexusai.com/events?maxAttendees=1",
        "/calendar/v3/calendars/primary/events?singleEvents=true&showDeleted=true&timeZone=Asia/Tokyo",
    ] {
        let list = ok(&mut w, Method::Get, path, None);
        d.assert_conforms("Events", &list);
        assert!(!list["items"].as_array().unwrap().is_empty(), "{path}");
    }
    let resp = w.handle(
        &env0_world::Request::get("/calendar/v3/calendars/primary/events?maxResults=5")
            .as_user("priya@nexusai.com"),
    );
    d.assert_conforms("Events", &resp.body);
    // Errors use Google's envelope.
    let e = crate::support::err(
        &mut w,
        Method::Get,
        "/calendar/v3/calendars/primary/events/nope",
        None,
        404,
    );
    assert_eq!(e["error"]["errors"][0]["reason"], "notFound");
    let e = crate::support::err(
        &mut w,
        Method::Get,
        "/calendar/v3/calendars/primary/events?syncToken=x",
        None,
        410,
    );
    assert_eq!(e["error"]["code"], 410);
}
