//! Calendars, calendarList, ACL (enforced per acting user), settings and colors.

use crate::support::{as_user, err, ok, world, world_with};
use env0_world::Method;
use env0_world::Scale;
use env0_world::World;
use serde_json::{json, Value};

const LIST: &str = "/calendar/v3/users/me/calendarList";

fn enc(id: &str) -> String {
    id.replace('@', "%40").replace('#', "%23")
}

fn summaries(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["summary"].as_str().unwrap().to_string())
        .collect()
}

fn calendar_id(w: &mut World, summary: &str) -> String {
    let list = ok(w, Method::Get, &format!("{LIST}?showHidden=true"), None);
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["summary"] == summary)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn calendar_list_filters_and_entries() {
    let mut w = world();
    let list = ok(&mut w, Method::Get, LIST, None);
    let names = summaries(&list);
    assert_eq!(names[0], "alex@nexusai.com");
    assert_eq!(list["items"][0]["primary"], true);
    assert_eq!(list["items"][0]["accessRole"], "owner");
    for n in [
        "Team",
        "Product",
        "Leadership",
        "Recruiting",
        "Travel",
        "Family",
        "Holidays in United States",
    ] {
        assert!(names.contains(&n.to_string()), "{names:?}");
    }
    // Jordan's calendar is hidden in Alex's list.
    assert!(!names.contains(&"jordan@nexusai.com".to_string()));
    let hidden = summaries(&ok(
        &mut w,
        Method::Get,
        &format!("{LIST}?showHidden=true"),
        None,
    ));
    assert!(hidden.contains(&"jordan@nexusai.com".to_string()));
    let owners = summaries(&ok(
        &mut w,
        Method::Get,
        &format!("{LIST}?minAccessRole=owner"),
        None,
    ));
    assert!(!owners.contains(&"Holidays in United States".to_string()));
    assert!(owners.contains(&"Family".to_string()));
    let readers = summaries(&ok(
        &mut w,
        Method::Get,
        &format!("{LIST}?minAccessRole=reader"),
        None,
    ));
    assert!(readers.contains(&"Holidays in United States".to_string()));
    err(
        &mut w,
        Method::Get,
        &format!("{LIST}?minAccessRole=god"),
        None,
        400,
    );
    let page = ok(&mut w, Method::Get, &format!("{LIST}?maxResults=3"), None);
    assert_eq!(page["items"].as_array().unwrap().len(), 3);
    let rest = ok(
        &mut w,
        Method::Get,
        &format!(
            "{LIST}?maxResults=3&pageToken={}",
            page["nextPageToken"].as_str().unwrap()
        ),
        None,
    );
    assert!(!rest["items"].as_array().unwrap().is_empty());

    // get / patch / update / delete, and insert back.
    let family = calendar_id(&mut w, "Family");
    let path = format!("{LIST}/{}", enc(&family));
    let e = ok(&mut w, Method::Get, &path, None);
    assert_eq!(e["accessRole"], "owner");
    let e = ok(
        &mut w,
        Method::Patch,
        &path,
        Some(json!({"summaryOverride": "Home", "colorId": "7", "hidden": true})),
    );
    assert_eq!(e["summaryOverride"], "Home");
    assert_eq!(e["backgroundColor"], "#42d692");
    assert_eq!(e["hidden"], true);
    err(
        &mut w,
        Method::Patch,
        &path,
        Some(json!({"colorId": "99"})),
        400,
    );
    err(
        &mut w,
        Method::Patch,
        &path,
        Some(json!({"backgroundColor": "#ff0000"})),
        400,
    );
    let e = ok(
        &mut w,
        Method::Put,
        &path,
        Some(json!({"defaultReminders": [{"method": "popup", "minutes": 30}]})),
    );
    assert!(e.get("summaryOverride").is_none());
    assert_eq!(
        e["defaultReminders"],
        json!([{"method": "popup", "minutes": 30}])
    );
    assert_eq!(
        crate::support::call(&mut w, Method::Delete, &path, None).status,
        204
    );
    err(&mut w, Method::Get, &path, None, 404);
    let deleted = ok(
        &mut w,
        Method::Get,
        &format!("{LIST}?showDeleted=true&showHidden=true"),
        None,
    );
    assert!(deleted["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == json!(family) && c["deleted"] == true));
    let back = ok(&mut w, Method::Post, LIST, Some(json!({"id": family})));
    assert_eq!(back["id"], json!(family));
    ok(&mut w, Method::Get, &path, None);
    // Errors.
    err(
        &mut w,
        Method::Delete,
        &format!("{LIST}/primary"),
        None,
        400,
    );
    err(&mut w, Method::Post, LIST, Some(json!({})), 400);
    err(
        &mut w,
        Method::Post,
        LIST,
        Some(json!({"id": "ghost@nowhere.com"})),
        404,
    );
    err(
        &mut w,
        Method::Get,
        &format!("{LIST}/ghost%40nowhere.com"),
        None,
        404,
    );
    // A colleague's primary calendar grants free/busy to the domain: it can be added.
    let e = ok(
        &mut w,
        Method::Post,
        LIST,
        Some(json!({"id": "priya@nexusai.com"})),
    );
    assert_eq!(e["accessRole"], "freeBusyReader");
}

#[test]
fn calendars_crud_and_clear() {
    let mut w = world();
    let cal = ok(
        &mut w,
        Method::Post,
        "/calendar/v3/calendars",
        Some(json!({"summary": "Book club", "description": "monthly"})),
    );
    let id = cal["id"].as_str().unwrap().to_string();
    assert!(id.ends_with("@group.calendar.google.com"));
    assert_eq!(cal["timeZone"], "America/Los_Angeles");
    let path = format!("/calendar/v3/calendars/{}", enc(&id));
    // It is in the list as owner.
    let entry = ok(&mut w, Method::Get, &format!("{LIST}/{}", enc(&id)), None);
    assert_eq!(entry["accessRole"], "owner");
    let p = ok(
        &mut w,
        Method::Patch,
        &path,
        Some(json!({"location": "Library", "timeZone": "Europe/London"})),
    );
    assert_eq!(p["summary"], "Book club");
    assert_eq!(p["timeZone"], "Europe/London");
    let u = ok(
        &mut w,
        Method::Put,
        &path,
        Some(json!({"summary": "Book club 2"})),
    );
    assert!(u.get("description").is_none());
    err(
        &mut w,
        Method::Put,
        &path,
        Some(json!({"description": "no summary"})),
        400,
    );
    err(
        &mut w,
        Method::Patch,
        &path,
        Some(json!({"timeZone": "Nowhere"})),
        400,
    );
    err(
        &mut w,
        Method::Post,
        "/calendar/v3/calendars",
        Some(json!({"description": "x"})),
        400,
    );
    // Clear only works on a primary calendar.
    err(&mut w, Method::Post, &format!("{path}/clear"), None, 400);
    ok(
        &mut w,
        Method::Post,
        &format!("{path}/events"),
        Some(
            json!({"summary": "e", "start": {"date": "2026-03-20"}, "end": {"date": "2026-03-21"}}),
        ),
    );
    assert_eq!(
        crate::support::call(&mut w, Method::Delete, &path, None).status,
        204
    );
    err(&mut w, Method::Get, &path, None, 404);
    err(
        &mut w,
        Method::Get,
        &format!("{LIST}/{}", enc(&id)),
        None,
        404,
    );
    err(
        &mut w,
        Method::Delete,
        "/calendar/v3/calendars/primary",
        None,
        400,
    );
    // Clearing the primary calendar cancels its own events (not invitations from others).
    assert_eq!(
        crate::support::call(
            &mut w,
            Method::Post,
            "/calendar/v3/calendars/primary/clear",
            None
        )
        .status,
        204
    );
    let left = ok(
        &mut w,
        Method::Get,
        "/calendar/v3/calendars/primary/events?maxResults=2500",
        None,
    );
    let mine: Vec<&Value> = left["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["organizer"].get("self").is_some())
        .collect();
    assert!(mine.is_empty(), "{mine:?}");
    let holidays = ok(
        &mut w,
        Method::Get,
        "/calendar/v3/calendars/en.usa%23holiday%40group.v.calendar.google.com",
        None,
    );
    assert_eq!(holidays["summary"], "Holidays in United States");
}

#[test]
fn acl_rules_grant_and_revoke_access() {
    let mut w = world();
    let family = calendar_id(&mut w, "Family");
    let events = format!("/calendar/v3/calendars/{}/events", enc(&family));
    let acl = format!("/calendar/v3/calendars/{}/acl", enc(&family));
    // Priya cannot see Alex's Family calendar at all: 404, not 403.
    assert_eq!(
        as_user(&mut w, "priya@nexusai.com", Method::Get, &events, None).status,
        404
    );
    assert_eq!(
        as_user(&mut w, "priya@nexusai.com", Method::Get, &acl, None).status,
        404
    );

    let rule = ok(
        &mut w,
        Method::Post,
        &acl,
        Some(
            json!({"role": "freeBusyReader", "scope": {"type": "user", "value": "Priya@nexusai.com"}}),
        ),
    );
    assert_eq!(rule["id"], "user:priya@nexusai.com");
    // Free/busy only: times without titles.
    let r = as_user(
        &mut w,
        "priya@nexusai.com",
        Method::Get,
        &format!("{events}?maxResults=5"),
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.body["accessRole"], "freeBusyReader");
    assert!(r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e.get("summary").is_none() && e.get("start").is_some()));
    let write =
        json!({"summary": "x", "start": {"date": "2026-03-20"}, "end": {"date": "2026-03-21"}});
    let r = as_user(
        &mut w,
        "priya@nexusai.com",
        Method::Post,
        &events,
        Some(write.clone()),
    );
    assert_eq!(r.status, 403);
    assert_eq!(
        r.body["error"]["errors"][0]["reason"],
        "requiredAccessLevel"
    );

    // Writer: may add events; may not read the ACL.
    let path = format!("{acl}/user:priya%40nexusai.com");
    let rule = ok(
        &mut w,
        Method::Patch,
        &path,
        Some(json!({"role": "writer"})),
    );
    assert_eq!(rule["role"], "writer");
    let r = as_user(
        &mut w,
        "priya@nexusai.com",
        Method::Post,
        &events,
        Some(write),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["creator"]["email"], "priya@nexusai.com");
    assert_eq!(
        as_user(&mut w, "priya@nexusai.com", Method::Get, &acl, None).status,
        403
    );
    // She can now add it to her list.
    let r = as_user(
        &mut w,
        "priya@nexusai.com",
        Method::Post,
        LIST,
        Some(json!({"id": family})),
    );
    assert_eq!(r.body["accessRole"], "writer");

    let listed = ok(&mut w, Method::Get, &acl, None);
    assert!(listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == "user:priya@nexusai.com"));
    let got = ok(&mut w, Method::Get, &path, None);
    assert_eq!(
        got["scope"],
        json!({"type": "user", "value": "priya@nexusai.com"})
    );
    ok(
        &mut w,
        Method::Put,
        &path,
        Some(json!({"role": "reader", "scope": {"type": "user", "value": "priya@nexusai.com"}})),
    );
    err(
        &mut w,
        Method::Put,
        &path,
        Some(json!({"role": "reader", "scope": {"type": "user", "value": "other@nexusai.com"}})),
        400,
    );
    err(
        &mut w,
        Method::Put,
        &path,
        Some(json!({"scope": {"type": "user", "value": "priya@nexusai.com"}})),
        400,
    );
    assert_eq!(
        crate::support::call(&mut w, Method::Delete, &path, None).status,
        204
    );
    err(&mut w, Method::Get, &path, None, 404);
    err(&mut w, Method::Delete, &path, None, 404);
    assert_eq!(
        as_user(&mut w, "priya@nexusai.com", Method::Get, &events, None).status,
        404
    );
    // Her list entry no longer shows.
    let r = as_user(&mut w, "priya@nexusai.com", Method::Get, LIST, None);
    assert!(!r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == json!(family)));

    // Domain and default scopes; bad bodies.
    let r = ok(
        &mut w,
        Method::Post,
        &acl,
        Some(json!({"role": "reader", "scope": {"type": "domain", "value": "nexusai.com"}})),
    );
    assert_eq!(r["id"], "domain:nexusai.com");
    assert_eq!(
        as_user(&mut w, "hiro@nexusai.com", Method::Get, &events, None).status,
        200
    );
    assert_eq!(
        as_user(&mut w, "dana@horizonvc.com", Method::Get, &events, None).status,
        404
    );
    ok(
        &mut w,
        Method::Post,
        &acl,
        Some(json!({"role": "freeBusyReader", "scope": {"type": "default"}})),
    );
    assert_eq!(
        as_user(&mut w, "dana@horizonvc.com", Method::Get, &events, None).status,
        200
    );
    for bad in [
        json!({"role": "emperor", "scope": {"type": "user", "value": "a@b.com"}}),
        json!({"role": "reader", "scope": {"type": "planet", "value": "mars"}}),
        json!({"role": "reader", "scope": {"type": "user"}}),
        json!({"role": "reader"}),
        json!({"scope": {"type": "user", "value": "a@b.com"}}),
        json!({"role": "writer", "scope": {"type": "default"}}),
    ] {
        err(&mut w, Method::Post, &acl, Some(bad), 400);
    }
    // The owner of a primary calendar cannot demote or remove themselves.
    err(
        &mut w,
        Method::Patch,
        "/calendar/v3/calendars/primary/acl/user:alex%40nexusai.com",
        Some(json!({"role": "reader"})),
        400,
    );
    err(
        &mut w,
        Method::Delete,
        "/calendar/v3/calendars/primary/acl/user:alex%40nexusai.com",
        None,
        400,
    );
}

#[test]
fn colleagues_calendars_follow_their_rules() {
    let mut w = world();
    // Alex may read Jordan's calendar (seeded reader rule) but not write it.
    let jordan = "/calendar/v3/calendars/jordan%40nexusai.com/events";
    let r = ok(&mut w, Method::Get, &format!("{jordan}?maxResults=5"), None);
    assert_eq!(r["accessRole"], "reader");
    assert!(r["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e.get("summary").is_some()));
    err(
        &mut w,
        Method::Post,
        jordan,
        Some(
            json!({"summary": "x", "start": {"date": "2026-03-20"}, "end": {"date": "2026-03-21"}}),
        ),
        403,
    );
    // Priya's calendar: free/busy only through the domain rule.
    let r = ok(
        &mut w,
        Method::Get,
        "/calendar/v3/calendars/priya%40nexusai.com/events",
        None,
    );
    assert_eq!(r["accessRole"], "freeBusyReader");
    err(
        &mut w,
        Method::Get,
        "/calendar/v3/calendars/priya%40nexusai.com/acl",
        None,
        403,
    );
    // The holidays calendar is readable by anyone, writable by no one.
    let h = "/calendar/v3/calendars/en.usa%23holiday%40group.v.calendar.google.com/events";
    let r = as_user(&mut w, "dana@horizonvc.com", Method::Get, h, None);
    assert_eq!(r.status, 200);
    err(
        &mut w,
        Method::Post,
        h,
        Some(
            json!({"summary": "x", "start": {"date": "2026-03-20"}, "end": {"date": "2026-03-21"}}),
        ),
        403,
    );
    // An external user has no primary calendar.
    assert_eq!(
        as_user(
            &mut w,
            "dana@horizonvc.com",
            Method::Get,
            "/calendar/v3/calendars/primary/events",
            None
        )
        .status,
        404
    );
}

#[test]
fn settings_and_colors() {
    let mut w = world_with(Scale::EMPTY);
    let s = ok(&mut w, Method::Get, "/calendar/v3/users/me/settings", None);
    let ids: Vec<&str> = s["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    for id in [
        "timezone",
        "weekStart",
        "format24HourTime",
        "locale",
        "dateFieldOrder",
        "defaultEventLength",
    ] {
        assert!(ids.contains(&id), "{ids:?}");
    }
    assert_eq!(
        ok(
            &mut w,
            Method::Get,
            "/calendar/v3/users/me/settings/weekStart",
            None
        )["value"],
        "0"
    );
    let r = as_user(
        &mut w,
        "hiro@nexusai.com",
        Method::Get,
        "/calendar/v3/users/me/settings/timezone",
        None,
    );
    assert_eq!(r.body["value"], "Asia/Tokyo");
    err(
        &mut w,
        Method::Get,
        "/calendar/v3/users/me/settings/nope",
        None,
        404,
    );
    let page = ok(
        &mut w,
        Method::Get,
        "/calendar/v3/users/me/settings?maxResults=5",
        None,
    );
    assert_eq!(page["items"].as_array().unwrap().len(), 5);
    assert!(page["nextPageToken"].is_string());
    let colors = ok(&mut w, Method::Get, "/calendar/v3/colors", None);
    assert_eq!(colors["event"].as_object().unwrap().len(), 11);
    assert_eq!(colors["calendar"].as_object().unwrap().len(), 24);
    assert_eq!(colors["event"]["11"]["background"], "#dc2127");
    // The empty world still has primary calendars and no events.
    let list = ok(&mut w, Method::Get, LIST, None);
    assert_eq!(summaries(&list), vec!["alex@nexusai.com"]);
    let events = ok(
        &mut w,
        Method::Get,
        "/calendar/v3/calendars/primary/events",
        None,
    );
    assert!(events["items"].as_array().unwrap().is_empty());
}

#[test]
fn seeding_is_deterministic_and_failures_change_nothing() {
    let a = world();
    let b = world();
    assert_eq!(a.state_hash().unwrap(), b.state_hash().unwrap());
    let mut w = world();
    let before = w.state_hash().unwrap();
    err(
        &mut w,
        Method::Post,
        "/calendar/v3/calendars/primary/events",
        Some(json!({"summary": "x"})),
        400,
    );
    err(
        &mut w,
        Method::Post,
        "/calendar/v3/calendars/primary/acl",
        Some(json!({"role": "x"})),
        400,
    );
    assert_eq!(w.state_hash().unwrap(), before);
}
