//! Agent tools end to end on a seeded world: each tool does what it says through the router, bad
//! arguments come back as readable errors and leave the world untouched.
use crate::support::{tool_err as fails, tool_ok as call};

use env0_core::tools::{Access, App, Profile, Toolkit};
use serde_json::json;

#[test]
fn toolkits_show_only_the_task_apps() {
    let kit = Toolkit::new(Profile::Native, &[App::Gmail], None);
    assert!(!kit.tools().is_empty());
    assert!(kit
        .tools()
        .iter()
        .all(|t| t.app == App::Gmail && t.name.starts_with("gmail_")));
    assert!(kit.tools().iter().any(|t| t.access == Access::Read));
    assert!(kit.tools().iter().any(|t| t.access == Access::Write));
    let both = Toolkit::new(Profile::Native, &[App::Gmail, App::Calendar], None);
    assert!(both.tools().iter().any(|t| t.app == App::Calendar));
    for t in both.tools() {
        let f = t.to_openai();
        assert_eq!(f["type"], "function");
        assert_eq!(f["function"]["parameters"]["type"], "object", "{}", t.name);
        assert!(!t.description.is_empty());
    }
    let rest = Toolkit::new(Profile::Rest, &[App::Gmail], None);
    assert_eq!(rest.tools().len(), 1);
}

#[test]
fn bad_arguments_are_readable_errors_and_change_nothing() {
    let mut w = crate::support::world();
    let kit = Toolkit::new(Profile::Native, &[App::Gmail, App::Calendar], None);
    let hash = w.state_hash().unwrap();
    let e = fails(&kit, &mut w, "gmail_snd", json!({}));
    assert!(
        e.contains("unknown tool 'gmail_snd'") && e.contains("gmail_send"),
        "{e}"
    );
    let e = fails(
        &kit,
        &mut w,
        "gmail_send",
        json!({"to": ["a@b.c"], "subject": "x"}),
    );
    assert!(e.contains("missing required argument 'body'"), "{e}");
    let e = fails(
        &kit,
        &mut w,
        "gmail_read",
        json!({"message_id": "x", "format": "raw"}),
    );
    assert!(e.contains("unknown argument 'format'"), "{e}");
    let e = fails(&kit, &mut w, "gmail_search", json!({"max_results": "lots"}));
    assert!(
        e.contains("must be a integer") || e.contains("must be an integer"),
        "{e}"
    );
    let e = fails(
        &kit,
        &mut w,
        "gmail_send",
        json!({"to": "bob", "subject": "x", "body": "y"}),
    );
    assert!(e.contains("not an email address"), "{e}");
    let e = fails(
        &kit,
        &mut w,
        "gmail_read",
        json!({"message_id": "does-not-exist"}),
    );
    assert!(e.contains("404"), "{e}");
    let e = fails(
        &kit,
        &mut w,
        "calendar_create_event",
        json!({"summary": "x", "start": "tomorrow", "end": "later"}),
    );
    assert!(e.contains("cannot read time 'tomorrow'"), "{e}");
    let e = fails(
        &kit,
        &mut w,
        "calendar_respond",
        json!({"event_id": "x", "response": "maybe"}),
    );
    assert!(e.contains("must be one of"), "{e}");
    let e = fails(
        &kit,
        &mut w,
        "gmail_modify_labels",
        json!({"message_ids": ["x"], "add": ["No Such Label"]}),
    );
    assert!(e.contains("label 'No Such Label' does not exist"), "{e}");
    // Arguments as a JSON string holding an object are accepted (a common small-model habit).
    let out = kit.call(&mut w, "gmail_search", &json!("{\"query\": \"is:unread\"}"));
    assert!(out.ok, "{}", out.content);
    assert_eq!(
        w.state_hash().unwrap(),
        hash,
        "failed calls must not change the world"
    );
}

#[test]
fn gmail_tools_search_read_label_send() {
    let mut w = crate::support::world();
    let kit = Toolkit::new(Profile::Native, &[App::Gmail], None);
    let found = call(
        &kit,
        &mut w,
        "gmail_search",
        json!({"query": "in:inbox", "max_results": 5}),
    );
    let msgs = found["messages"].as_array().unwrap();
    assert!(!msgs.is_empty() && msgs.len() <= 5);
    let id = msgs[0]["id"].as_str().unwrap().to_string();
    assert!(msgs[0]["subject"].is_string() && msgs[0]["from"].as_str().unwrap().contains('@'));

    let read = call(&kit, &mut w, "gmail_read", json!({"message_id": id}));
    assert_eq!(read["id"], id.as_str());
    assert!(
        read["body"].as_str().is_some_and(|b| !b.is_empty()),
        "{read}"
    );

    let label = call(
        &kit,
        &mut w,
        "gmail_create_label",
        json!({"name": "Follow Up"}),
    );
    assert!(label["id"].is_string());
    call(
        &kit,
        &mut w,
        "gmail_modify_labels",
        json!({"message_ids": [id], "add": ["follow up", "STARRED"], "remove": ["UNREAD"]}),
    );
    let read = call(&kit, &mut w, "gmail_read", json!({"message_id": id}));
    let labels = read["labels"].as_array().unwrap();
    assert!(
        labels.contains(&label["id"])
            && labels.contains(&json!("STARRED"))
            && !labels.contains(&json!("UNREAD"))
    );

    let sent = call(
        &kit,
        &mut w,
        "gmail_send",
        json!({"to": ["jordan@nexusai.com"], "subject": "Café ☕ plans",
        "body": "Line one\nLine two", "reply_to_message_id": id}),
    );
    let sent_id = sent["id"].as_str().unwrap();
    let back = call(&kit, &mut w, "gmail_read", json!({"message_id": sent_id}));
    assert_eq!(back["subject"], "Café ☕ plans");
    assert!(back["body"].as_str().unwrap().contains("Line two"));
    assert_eq!(
        back["thread_id"], read["thread_id"],
        "a reply joins the thread"
    );
    // Jordan received it.
    let jordan = Toolkit::new(
        Profile::Native,
        &[App::Gmail],
        Some("jordan@nexusai.com".into()),
    );
    let inbox = call(
        &jordan,
        &mut w,
        "gmail_search",
        json!({"query": "subject:plans from:alex@nexusai.com"}),
    );
    assert_eq!(inbox["messages"].as_array().unwrap().len(), 1, "{inbox}");

    call(&kit, &mut w, "gmail_trash", json!({"message_ids": [id]}));
    let trashed = call(&kit, &mut w, "gmail_read", json!({"message_id": id}));
    assert!(trashed["labels"]
        .as_array()
        .unwrap()
        .contains(&json!("TRASH")));
    let draft = call(
        &kit,
        &mut w,
        "gmail_create_draft",
        json!({"to": "priya@nexusai.com", "subject": "d", "body": "b"}),
    );
    assert!(draft["draft_id"].is_string());
}

#[test]
fn calendar_tools_create_list_update_respond_delete() {
    let mut w = crate::support::world();
    let kit = Toolkit::new(Profile::Native, &[App::Calendar], None);
    let created = call(
        &kit,
        &mut w,
        "calendar_create_event",
        json!({"summary": "Roadmap sync",
        "start": "2026-03-18T14:00", "end": "2026-03-18T14:30", "attendees": ["priya@nexusai.com"], "location": "Room 4"}),
    );
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(
        created["start"], "2026-03-18T14:00 Wed",
        "shown in the user's zone: {created}"
    );

    let listed = call(
        &kit,
        &mut w,
        "calendar_list_events",
        json!({"time_min": "2026-03-18", "time_max": "2026-03-19", "query": "roadmap"}),
    );
    assert!(
        listed["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == id.as_str()),
        "{listed}"
    );

    let moved = call(
        &kit,
        &mut w,
        "calendar_update_event",
        json!({"event_id": id, "start": "2026-03-18T15:00",
        "end": "2026-03-18T15:30", "add_attendees": ["sarah@nexusai.com"], "remove_attendees": ["PRIYA@nexusai.com"]}),
    );
    assert_eq!(moved["start"], "2026-03-18T15:00 Wed");
    let emails: Vec<&str> = moved["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["email"].as_str())
        .collect();
    assert!(
        emails.contains(&"sarah@nexusai.com") && !emails.contains(&"priya@nexusai.com"),
        "{moved}"
    );

    // Sarah answers the invitation from her own calendar.
    let sarah = Toolkit::new(
        Profile::Native,
        &[App::Calendar],
        Some("sarah@nexusai.com".into()),
    );
    call(
        &sarah,
        &mut w,
        "calendar_respond",
        json!({"event_id": id, "response": "declined"}),
    );
    let seen = call(&kit, &mut w, "calendar_get_event", json!({"event_id": id}));
    let sarah_entry = seen["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["email"] == "sarah@nexusai.com")
        .cloned();
    assert_eq!(sarah_entry.unwrap()["response"], "declined", "{seen}");

    let fb = call(
        &kit,
        &mut w,
        "calendar_free_busy",
        json!({"emails": ["alex@nexusai.com"], "time_min": "2026-03-18T00:00", "time_max": "2026-03-19T00:00"}),
    );
    assert!(
        fb["busy"]["alex@nexusai.com"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b.as_str().unwrap().starts_with("2026-03-18T15:00")),
        "{fb}"
    );

    call(
        &kit,
        &mut w,
        "calendar_delete_event",
        json!({"event_id": id}),
    );
    let listed = call(
        &kit,
        &mut w,
        "calendar_list_events",
        json!({"time_min": "2026-03-18", "time_max": "2026-03-19", "query": "roadmap"}),
    );
    assert!(listed["events"].as_array().unwrap().is_empty(), "{listed}");
    let cals = call(&kit, &mut w, "calendar_list_calendars", json!({}));
    assert!(cals["calendars"].as_array().unwrap().len() >= 2);
}

#[test]
fn rest_tool_is_limited_to_the_task_apps() {
    let mut w = crate::support::world();
    let kit = Toolkit::new(Profile::Rest, &[App::Gmail], None);
    let profile = call(
        &kit,
        &mut w,
        "api_request",
        json!({"method": "GET", "path": "/gmail/v1/users/me/profile"}),
    );
    assert_eq!(profile["emailAddress"], "alex@nexusai.com");
    let e = fails(
        &kit,
        &mut w,
        "api_request",
        json!({"method": "GET", "path": "/calendar/v3/users/me/calendarList"}),
    );
    assert!(e.contains("not part of this task's apps"), "{e}");
    let e = fails(
        &kit,
        &mut w,
        "api_request",
        json!({"method": "GET", "path": "/gmail/v1/users/me/profile", "body": {"a": 1}}),
    );
    assert!(e.contains("takes no body"), "{e}");
    let label = call(
        &kit,
        &mut w,
        "api_request",
        json!({"method": "POST", "path": "/gmail/v1/users/me/labels", "body": {"name": "Via REST"}}),
    );
    assert_eq!(label["name"], "Via REST");
}
