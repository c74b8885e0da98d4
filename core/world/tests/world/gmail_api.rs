//! Gmail endpoints end to end: happy paths and errors of every family.

use crate::support::{call, err, ok, world, world_with};
use base64::engine::general_purpose::URL_SAFE;
use base64::Engine;
use env0_world::Scale;
use env0_world::{Method, Request};
use serde_json::{json, Value};

const M: &str = "/gmail/v1/users/me";

fn raw(text: &str) -> String {
    URL_SAFE.encode(text.replace('\n', "\r\n"))
}

fn labels_of(v: &Value) -> Vec<String> {
    v["labelIds"]
        .as_array()
        .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

fn get_json(w: &mut env0_world::World, path: &str) -> Value {
    ok(w, Method::Get, path, None)
}

#[test]
fn profile_counts_and_user_param() {
    let mut w = world();
    let p = get_json(&mut w, &format!("{M}/profile"));
    assert_eq!(p["emailAddress"], "alex@nexusai.com");
    assert!(p["messagesTotal"].as_i64().unwrap() >= 60);
    assert!(p["threadsTotal"].as_i64().unwrap() > 10);
    assert!(p["historyId"].is_string());
    ok(
        &mut w,
        Method::Get,
        "/gmail/v1/users/alex@nexusai.com/profile",
        None,
    );
    ok(
        &mut w,
        Method::Get,
        "/gmail/v1/users/user_alex/profile",
        None,
    );
    let e = err(
        &mut w,
        Method::Get,
        "/gmail/v1/users/priya@nexusai.com/profile",
        None,
        403,
    );
    assert_eq!(e["error"]["status"], "PERMISSION_DENIED");
    // another user acts on their own mailbox
    let r = w.handle(&Request::get("/gmail/v1/users/me/profile").as_user("priya@nexusai.com"));
    assert_eq!(r.status, 200);
    assert_eq!(r.body["emailAddress"], "priya@nexusai.com");
}

#[test]
fn list_paginates_newest_first() {
    let mut w = world();
    let all = get_json(
        &mut w,
        &format!("{M}/messages?maxResults=500&includeSpamTrash=true"),
    );
    let total = all["resultSizeEstimate"].as_u64().unwrap() as usize;
    assert_eq!(all["messages"].as_array().unwrap().len(), total);
    assert!(all.get("nextPageToken").is_none());
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let path = match &token {
            Some(t) => format!("{M}/messages?maxResults=7&includeSpamTrash=true&pageToken={t}"),
            None => format!("{M}/messages?maxResults=7&includeSpamTrash=true"),
        };
        let page = get_json(&mut w, &path);
        for m in page["messages"].as_array().unwrap() {
            seen.push(m["id"].as_str().unwrap().to_string());
        }
        match page.get("nextPageToken") {
            Some(t) => token = Some(t.as_str().unwrap().to_string()),
            None => break,
        }
    }
    let ids: Vec<String> = all["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(seen, ids);
    // newest first
    let dates: Vec<i64> = ids
        .iter()
        .take(10)
        .map(|id| {
            get_json(&mut w, &format!("{M}/messages/{id}?format=minimal"))["internalDate"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert!(dates.windows(2).all(|d| d[0] >= d[1]));
    // spam and trash excluded by default
    let default = get_json(&mut w, &format!("{M}/messages?maxResults=500"));
    assert!(default["resultSizeEstimate"].as_u64().unwrap() < total as u64);
    err(
        &mut w,
        Method::Get,
        &format!("{M}/messages?pageToken=bogus"),
        None,
        400,
    );
    err(
        &mut w,
        Method::Get,
        &format!("{M}/messages?maxResults=0"),
        None,
        400,
    );
    err(
        &mut w,
        Method::Get,
        &format!("{M}/messages?maxResults=501"),
        None,
        400,
    );
    err(
        &mut w,
        Method::Get,
        &format!("{M}/messages?labelIds=NoSuchLabel"),
        None,
        400,
    );
    err(
        &mut w,
        Method::Get,
        &format!("{M}/messages?includeSpamTrash=maybe"),
        None,
        400,
    );
    let spam = get_json(&mut w, &format!("{M}/messages?labelIds=SPAM"));
    assert!(spam["resultSizeEstimate"].as_u64().unwrap() >= 1);
    let empty = get_json(&mut w, &format!("{M}/messages?q=zzzznotthere"));
    assert_eq!(empty["resultSizeEstimate"], 0);
    assert!(empty.get("messages").is_none());
}

#[test]
fn get_formats_and_attachments() {
    let mut w = world();
    let list = get_json(&mut w, &format!("{M}/messages?q=has:attachment"));
    let id = list["messages"][0]["id"].as_str().unwrap().to_string();
    let full = get_json(&mut w, &format!("{M}/messages/{id}"));
    assert_eq!(full["payload"]["mimeType"], "multipart/mixed");
    assert_eq!(full["payload"]["partId"], "");
    let parts = full["payload"]["parts"].as_array().unwrap();
    let att = parts.iter().find(|p| p["filename"] != "").unwrap();
    let att_id = att["body"]["attachmentId"].as_str().unwrap();
    let body = get_json(&mut w, &format!("{M}/messages/{id}/attachments/{att_id}"));
    assert_eq!(body["size"], att["body"]["size"]);
    assert!(URL_SAFE.decode(body["data"].as_str().unwrap()).is_ok());
    err(
        &mut w,
        Method::Get,
        &format!("{M}/messages/{id}/attachments/nope"),
        None,
        404,
    );
    err(
        &mut w,
        Method::Get,
        &format!("{M}/messages/0000/attachments/{att_id}"),
        None,
        404,
    );

    let meta = get_json(
        &mut w,
        &format!("{M}/messages/{id}?format=metadata&metadataHeaders=Subject&metadataHeaders=From"),
    );
    let names: Vec<&str> = meta["payload"]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["From", "Subject"]);
    assert!(meta["payload"].get("parts").is_none());
    let minimal = get_json(&mut w, &format!("{M}/messages/{id}?format=minimal"));
    assert!(minimal.get("payload").is_none());
    assert!(minimal["sizeEstimate"].as_i64().unwrap() > 0);
    let raw_msg = get_json(&mut w, &format!("{M}/messages/{id}?format=raw"));
    assert!(raw_msg.get("payload").is_none());
    let text =
        String::from_utf8(URL_SAFE.decode(raw_msg["raw"].as_str().unwrap()).unwrap()).unwrap();
    assert!(text.contains("Content-Type: multipart/mixed"));
    assert!(
        text.contains(&format!("Subject: {}", header(&full, "Subject")))
            || !header(&full, "Subject").is_ascii()
    );
    err(
        &mut w,
        Method::Get,
        &format!("{M}/messages/{id}?format=weird"),
        None,
        400,
    );
    err(
        &mut w,
        Method::Get,
        &format!("{M}/messages/ffffffffffffffff"),
        None,
        404,
    );
}

fn header(msg: &Value, name: &str) -> String {
    msg["payload"]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"].as_str().unwrap().eq_ignore_ascii_case(name))
        .map(|h| h["value"].as_str().unwrap().to_string())
        .unwrap_or_default()
}

#[test]
fn send_delivers_threads_and_keeps_bcc_private() {
    let mut w = world_with(Scale::EMPTY);
    let sent = ok(
        &mut w,
        Method::Post,
        &format!("{M}/messages/send"),
        Some(
            json!({"raw": raw("To: Priya Patel <priya@nexusai.com>\nCc: jordan@nexusai.com\nBcc: sarah@nexusai.com, outsider@example.org\nSubject: Launch plan\n\nLet's ship on Friday.\n")}),
        ),
    );
    assert_eq!(labels_of(&sent), vec!["SENT"]);
    let mine = get_json(
        &mut w,
        &format!("{M}/messages/{}", sent["id"].as_str().unwrap()),
    );
    assert_eq!(header(&mine, "From"), "Alex Chen <alex@nexusai.com>");
    assert!(header(&mine, "Bcc").contains("sarah@nexusai.com"));
    assert!(header(&mine, "Message-ID").starts_with('<'));
    for who in [
        "priya@nexusai.com",
        "jordan@nexusai.com",
        "sarah@nexusai.com",
    ] {
        let r =
            w.handle(&Request::get("/gmail/v1/users/me/messages?q=subject:launch").as_user(who));
        assert_eq!(r.body["resultSizeEstimate"], 1, "{who}");
        let id = r.body["messages"][0]["id"].as_str().unwrap().to_string();
        let m = w.handle(&Request::get(format!("/gmail/v1/users/me/messages/{id}")).as_user(who));
        assert!(labels_of(&m.body).contains(&"INBOX".to_string()));
        assert!(labels_of(&m.body).contains(&"UNREAD".to_string()));
        assert_eq!(header(&m.body, "Bcc"), "", "bcc must not reach {who}");
    }
    // Priya replies; the reply joins Alex's thread by In-Reply-To
    let msg_id = header(&mine, "Message-ID");
    let reply = format!("To: alex@nexusai.com\nSubject: Re: Launch plan\nIn-Reply-To: {msg_id}\nReferences: {msg_id}\n\nFriday works.\n");
    let r = w.handle(
        &Request::post(
            "/gmail/v1/users/me/messages/send",
            json!({"raw": raw(&reply)}),
        )
        .as_user("priya@nexusai.com"),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let thread = get_json(
        &mut w,
        &format!("{M}/threads/{}", sent["threadId"].as_str().unwrap()),
    );
    assert_eq!(thread["messages"].as_array().unwrap().len(), 2);
    // explicit threadId
    let again = ok(
        &mut w,
        Method::Post,
        &format!("{M}/messages/send"),
        Some(
            json!({"raw": raw("To: priya@nexusai.com\nSubject: Re: Launch plan\n\nOne more thing.\n"), "threadId": sent["threadId"]}),
        ),
    );
    assert_eq!(again["threadId"], sent["threadId"]);
    // errors
    err(
        &mut w,
        Method::Post,
        &format!("{M}/messages/send"),
        Some(json!({})),
        400,
    );
    err(
        &mut w,
        Method::Post,
        &format!("{M}/messages/send"),
        Some(json!({"raw": "%%%"})),
        400,
    );
    err(
        &mut w,
        Method::Post,
        &format!("{M}/messages/send"),
        Some(json!({"raw": raw("Subject: nobody\n\nhi\n")})),
        400,
    );
    err(
        &mut w,
        Method::Post,
        &format!("{M}/messages/send"),
        Some(json!({"raw": raw("To: a@b.com\n\nhi\n"), "threadId": "nope"})),
        404,
    );
    let r = w.handle(
        &Request::new(Method::Post, format!("{M}/messages/send")).with_raw_body("{not json"),
    );
    assert_eq!(r.status, 400);
}

#[test]
fn insert_import_modify_trash_delete() {
    let mut w = world_with(Scale::EMPTY);
    let ins = ok(
        &mut w,
        Method::Post,
        &format!("{M}/messages"),
        Some(
            json!({"raw": raw("From: x@example.com\nTo: alex@nexusai.com\nSubject: inserted\nDate: Mon, 02 Mar 2026 10:00:00 +0000\n\nbody\n"), "labelIds": ["INBOX", "UNREAD"]}),
        ),
    );
    let id = ins["id"].as_str().unwrap().to_string();
    assert_eq!(labels_of(&ins), vec!["INBOX", "UNREAD"]);
    let imp = ok(
        &mut w,
        Method::Post,
        &format!("{M}/messages/import"),
        Some(
            json!({"raw": raw("From: y@example.com\nSubject: imported\nDate: Mon, 02 Mar 2026 10:00:00 +0000\n\nold\n"), "labelIds": ["INBOX"]}),
        ),
    );
    let got = get_json(
        &mut w,
        &format!(
            "{M}/messages/{}?format=minimal",
            imp["id"].as_str().unwrap()
        ),
    );
    assert_eq!(got["internalDate"], "1772445600000");
    err(
        &mut w,
        Method::Post,
        &format!("{M}/messages"),
        Some(json!({"raw": raw("Subject: a\n\nb\n"), "labelIds": ["Nope"]})),
        400,
    );
    err(
        &mut w,
        Method::Post,
        &format!("{M}/messages"),
        Some(json!({"labelIds": ["INBOX"]})),
        400,
    );

    let m = ok(
        &mut w,
        Method::Post,
        &format!("{M}/messages/{id}/modify"),
        Some(json!({"addLabelIds": ["STARRED"], "removeLabelIds": ["UNREAD"]})),
    );
    assert_eq!(labels_of(&m), vec!["INBOX", "STARRED"]);
    err(
        &mut w,
        Method::Post,
        &format!("{M}/messages/{id}/modify"),
        Some(json!({"addLabelIds": ["Label_404"]})),
        400,
    );
    err(
        &mut w,
        Method::Post,
        &format!("{M}/messages/{id}/modify"),
        Some(json!({"addLabelIds": "STARRED"})),
        400,
    );
    err(
        &mut w,
        Method::Post,
        &format!("{M}/messages/{id}/modify"),
        Some(json!({"addLabelIds": ["DRAFT"]})),
        400,
    );
    err(
        &mut w,
        Method::Post,
        &format!("{M}/messages/deadbeef/modify"),
        Some(json!({})),
        404,
    );

    let t = ok(
        &mut w,
        Method::Post,
        &format!("{M}/messages/{id}/trash"),
        None,
    );
    assert_eq!(labels_of(&t), vec!["STARRED", "TRASH"]);
    let u = ok(
        &mut w,
        Method::Post,
        &format!("{M}/messages/{id}/untrash"),
        None,
    );
    assert_eq!(labels_of(&u), vec!["STARRED"]);
    let both = vec![id.clone(), imp["id"].as_str().unwrap().to_string()];
    let r = call(
        &mut w,
        Method::Post,
        &format!("{M}/messages/batchModify"),
        Some(json!({"ids": both, "addLabelIds": ["IMPORTANT"]})),
    );
    assert_eq!(r.status, 204);
    let got = get_json(&mut w, &format!("{M}/messages/{id}?format=minimal"));
    assert!(labels_of(&got).contains(&"IMPORTANT".to_string()));
    err(
        &mut w,
        Method::Post,
        &format!("{M}/messages/batchModify"),
        Some(json!({"ids": []})),
        400,
    );
    err(
        &mut w,
        Method::Post,
        &format!("{M}/messages/batchModify"),
        Some(json!({"ids": ["nope"], "addLabelIds": ["STARRED"]})),
        404,
    );
    assert_eq!(
        call(&mut w, Method::Delete, &format!("{M}/messages/{id}"), None).status,
        204
    );
    err(
        &mut w,
        Method::Get,
        &format!("{M}/messages/{id}"),
        None,
        404,
    );
    err(
        &mut w,
        Method::Delete,
        &format!("{M}/messages/{id}"),
        None,
        404,
    );
    let r = call(
        &mut w,
        Method::Post,
        &format!("{M}/messages/batchDelete"),
        Some(json!({"ids": [imp["id"]]})),
    );
    assert_eq!(r.status, 204);
    assert_eq!(
        get_json(&mut w, &format!("{M}/profile"))["messagesTotal"],
        0
    );
}

#[test]
fn threads_list_get_modify_trash_delete() {
    let mut w = world();
    let list = get_json(&mut w, &format!("{M}/threads?maxResults=5"));
    assert_eq!(list["threads"].as_array().unwrap().len(), 5);
    assert!(list["nextPageToken"].is_string());
    // find a multi-message thread
    let all = get_json(&mut w, &format!("{M}/threads?maxResults=500"));
    let tid = all["threads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .find(|id| {
            get_json(&mut w, &format!("{M}/threads/{id}?format=minimal"))["messages"]
                .as_array()
                .unwrap()
                .len()
                > 1
        })
        .expect("a multi-message thread");
    let t = get_json(
        &mut w,
        &format!("{M}/threads/{tid}?format=metadata&metadataHeaders=Subject"),
    );
    let msgs = t["messages"].as_array().unwrap();
    assert!(msgs.iter().all(|m| m["threadId"] == tid.as_str()));
    let modified = ok(
        &mut w,
        Method::Post,
        &format!("{M}/threads/{tid}/modify"),
        Some(json!({"addLabelIds": ["STARRED"]})),
    );
    assert!(modified["messages"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| labels_of(m).contains(&"STARRED".to_string())));
    let trashed = ok(
        &mut w,
        Method::Post,
        &format!("{M}/threads/{tid}/trash"),
        None,
    );
    assert!(trashed["messages"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| labels_of(m).contains(&"TRASH".to_string())));
    let in_trash = get_json(&mut w, &format!("{M}/threads?q=in:trash&maxResults=500"));
    assert!(in_trash["threads"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == tid.as_str()));
    ok(
        &mut w,
        Method::Post,
        &format!("{M}/threads/{tid}/untrash"),
        None,
    );
    assert_eq!(
        call(&mut w, Method::Delete, &format!("{M}/threads/{tid}"), None).status,
        204
    );
    err(
        &mut w,
        Method::Get,
        &format!("{M}/threads/{tid}"),
        None,
        404,
    );
    err(
        &mut w,
        Method::Post,
        &format!("{M}/threads/{tid}/modify"),
        Some(json!({})),
        404,
    );
    err(
        &mut w,
        Method::Get,
        "/gmail/v1/users/sarah@nexusai.com/threads",
        None,
        403,
    );
    let other = all["threads"][0]["id"].as_str().unwrap();
    err(
        &mut w,
        Method::Get,
        &format!("{M}/threads/{other}?format=raw"),
        None,
        400,
    );
}

#[test]
fn labels_crud_counts_and_rules() {
    let mut w = world();
    let list = get_json(&mut w, &format!("{M}/labels"));
    let labels = list["labels"].as_array().unwrap();
    let system: Vec<&Value> = labels.iter().filter(|l| l["type"] == "system").collect();
    assert_eq!(system.len(), 14);
    let spam = labels.iter().find(|l| l["id"] == "SPAM").unwrap();
    assert_eq!(spam["labelListVisibility"], "labelHide");
    let inbox = labels.iter().find(|l| l["id"] == "INBOX").unwrap();
    assert!(inbox.get("labelListVisibility").is_none());
    assert!(labels.iter().all(|l| l.get("messagesTotal").is_none()));
    let inbox = get_json(&mut w, &format!("{M}/labels/INBOX"));
    assert!(inbox["messagesTotal"].as_i64().unwrap() > 0);
    assert!(inbox["threadsUnread"].as_i64().unwrap() <= inbox["threadsTotal"].as_i64().unwrap());

    let created = ok(
        &mut w,
        Method::Post,
        &format!("{M}/labels"),
        Some(
            json!({"name": "Vendors/2026", "color": {"textColor": "#ffffff", "backgroundColor": "#16a766"}, "labelListVisibility": "labelShowIfUnread"}),
        ),
    );
    let id = created["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("Label_"));
    assert_eq!(created["type"], "user");
    err(
        &mut w,
        Method::Post,
        &format!("{M}/labels"),
        Some(json!({"name": "vendors/2026"})),
        409,
    );
    err(
        &mut w,
        Method::Post,
        &format!("{M}/labels"),
        Some(json!({"name": "INBOX"})),
        400,
    );
    err(
        &mut w,
        Method::Post,
        &format!("{M}/labels"),
        Some(json!({"name": ""})),
        400,
    );
    err(
        &mut w,
        Method::Post,
        &format!("{M}/labels"),
        Some(json!({})),
        400,
    );
    err(
        &mut w,
        Method::Post,
        &format!("{M}/labels"),
        Some(json!({"name": "x", "color": {"textColor": "#123456", "backgroundColor": "#16a766"}})),
        400,
    );
    err(
        &mut w,
        Method::Post,
        &format!("{M}/labels"),
        Some(json!({"name": "x", "messageListVisibility": "maybe"})),
        400,
    );

    let patched = ok(
        &mut w,
        Method::Patch,
        &format!("{M}/labels/{id}"),
        Some(json!({"name": "Vendors/2027"})),
    );
    assert_eq!(patched["name"], "Vendors/2027");
    assert_eq!(patched["labelListVisibility"], "labelShowIfUnread");
    assert_eq!(patched["messagesTotal"], 0);
    let updated = ok(
        &mut w,
        Method::Put,
        &format!("{M}/labels/{id}"),
        Some(json!({"name": "Vendors"})),
    );
    assert_eq!(updated["labelListVisibility"], "labelShow");
    assert!(updated.get("color").is_none());
    err(
        &mut w,
        Method::Put,
        &format!("{M}/labels/{id}"),
        Some(json!({})),
        400,
    );
    err(
        &mut w,
        Method::Patch,
        &format!("{M}/labels/INBOX"),
        Some(json!({"name": "Box"})),
        400,
    );
    err(
        &mut w,
        Method::Delete,
        &format!("{M}/labels/INBOX"),
        None,
        400,
    );
    err(
        &mut w,
        Method::Get,
        &format!("{M}/labels/Label_404"),
        None,
        404,
    );

    // label a message, count it, then delete the label: the message loses it
    let first = get_json(&mut w, &format!("{M}/messages?maxResults=1"));
    let mid = first["messages"][0]["id"].as_str().unwrap().to_string();
    ok(
        &mut w,
        Method::Post,
        &format!("{M}/messages/{mid}/modify"),
        Some(json!({"addLabelIds": [id]})),
    );
    assert_eq!(
        get_json(&mut w, &format!("{M}/labels/{id}"))["messagesTotal"],
        1
    );
    assert_eq!(
        get_json(&mut w, &format!("{M}/messages?q=label:vendors"))["resultSizeEstimate"],
        1
    );
    assert_eq!(
        call(&mut w, Method::Delete, &format!("{M}/labels/{id}"), None).status,
        204
    );
    let m = get_json(&mut w, &format!("{M}/messages/{mid}?format=minimal"));
    assert!(!labels_of(&m).contains(&id));
    err(
        &mut w,
        Method::Delete,
        &format!("{M}/labels/{id}"),
        None,
        404,
    );
}

#[test]
fn drafts_lifecycle() {
    let mut w = world();
    let seeded = get_json(&mut w, &format!("{M}/drafts"));
    assert_eq!(seeded["drafts"].as_array().unwrap().len(), 2);
    let d = ok(
        &mut w,
        Method::Post,
        &format!("{M}/drafts"),
        Some(
            json!({"message": {"raw": raw("To: marcus@nexusai.com\nSubject: Q2 numbers\n\nDraft body\n")}}),
        ),
    );
    let did = d["id"].as_str().unwrap().to_string();
    assert_eq!(labels_of(&d["message"]), vec!["DRAFT"]);
    let got = get_json(&mut w, &format!("{M}/drafts/{did}"));
    assert_eq!(header(&got["message"], "Subject"), "Q2 numbers");
    let upd = ok(
        &mut w,
        Method::Put,
        &format!("{M}/drafts/{did}"),
        Some(
            json!({"message": {"raw": raw("To: marcus@nexusai.com\nSubject: Q2 numbers (v2)\n\nBetter body\n")}}),
        ),
    );
    assert_eq!(upd["id"], did.as_str());
    let listed = get_json(&mut w, &format!("{M}/drafts?q=subject:v2"));
    assert_eq!(listed["drafts"][0]["id"], did.as_str());
    let sent = ok(
        &mut w,
        Method::Post,
        &format!("{M}/drafts/send"),
        Some(json!({"id": did})),
    );
    assert_eq!(labels_of(&sent), vec!["SENT"]);
    err(&mut w, Method::Get, &format!("{M}/drafts/{did}"), None, 404);
    let r = w.handle(
        &Request::get("/gmail/v1/users/me/messages?q=subject:v2").as_user("marcus@nexusai.com"),
    );
    assert_eq!(r.body["resultSizeEstimate"], 1);
    // errors
    err(
        &mut w,
        Method::Post,
        &format!("{M}/drafts"),
        Some(json!({})),
        400,
    );
    err(
        &mut w,
        Method::Post,
        &format!("{M}/drafts"),
        Some(json!({"message": {}})),
        400,
    );
    err(
        &mut w,
        Method::Post,
        &format!("{M}/drafts/send"),
        Some(json!({"id": "r123"})),
        404,
    );
    err(
        &mut w,
        Method::Post,
        &format!("{M}/drafts/send"),
        Some(json!({})),
        400,
    );
    let no_to = ok(
        &mut w,
        Method::Post,
        &format!("{M}/drafts"),
        Some(json!({"message": {"raw": raw("Subject: nobody\n\nx\n")}})),
    );
    err(
        &mut w,
        Method::Post,
        &format!("{M}/drafts/send"),
        Some(json!({"id": no_to["id"]})),
        400,
    );
    let gone = no_to["id"].as_str().unwrap();
    assert_eq!(
        call(&mut w, Method::Delete, &format!("{M}/drafts/{gone}"), None).status,
        204
    );
    err(
        &mut w,
        Method::Delete,
        &format!("{M}/drafts/{gone}"),
        None,
        404,
    );
    err(
        &mut w,
        Method::Put,
        &format!("{M}/drafts/{gone}"),
        Some(json!({"message": {"raw": raw("Subject: x\n\ny\n")}})),
        404,
    );
}

#[test]
fn history_records_every_mutation() {
    let mut w = world_with(Scale::EMPTY);
    let start = get_json(&mut w, &format!("{M}/profile"))["historyId"]
        .as_str()
        .unwrap()
        .to_string();
    let ins = ok(
        &mut w,
        Method::Post,
        &format!("{M}/messages"),
        Some(json!({"raw": raw("Subject: h\n\nx\n"), "labelIds": ["INBOX"]})),
    );
    let id = ins["id"].as_str().unwrap().to_string();
    ok(
        &mut w,
        Method::Post,
        &format!("{M}/messages/{id}/modify"),
        Some(json!({"addLabelIds": ["STARRED"], "removeLabelIds": ["INBOX"]})),
    );
    call(&mut w, Method::Delete, &format!("{M}/messages/{id}"), None);
    let h = get_json(&mut w, &format!("{M}/history?startHistoryId={start}"));
    let records = h["history"].as_array().unwrap();
    assert_eq!(records.len(), 4);
    assert!(records[0]["messagesAdded"].is_array());
    assert_eq!(records[1]["labelsAdded"][0]["labelIds"], json!(["STARRED"]));
    assert_eq!(records[2]["labelsRemoved"][0]["labelIds"], json!(["INBOX"]));
    assert!(records[3]["messagesDeleted"].is_array());
    assert_eq!(h["historyId"], records[3]["id"]);
    let only = get_json(
        &mut w,
        &format!("{M}/history?startHistoryId={start}&historyTypes=labelAdded"),
    );
    assert_eq!(only["history"].as_array().unwrap().len(), 1);
    let by_label = get_json(
        &mut w,
        &format!("{M}/history?startHistoryId={start}&labelId=INBOX"),
    );
    // the add (with INBOX) and the INBOX removal
    assert_eq!(by_label["history"].as_array().unwrap().len(), 2);
    let paged = get_json(
        &mut w,
        &format!("{M}/history?startHistoryId={start}&maxResults=3"),
    );
    assert!(paged["nextPageToken"].is_string());
    let latest = h["historyId"].as_str().unwrap();
    let none = get_json(&mut w, &format!("{M}/history?startHistoryId={latest}"));
    assert!(none.get("history").is_none());
    err(&mut w, Method::Get, &format!("{M}/history"), None, 400);
    err(
        &mut w,
        Method::Get,
        &format!("{M}/history?startHistoryId=abc"),
        None,
        400,
    );
    err(
        &mut w,
        Method::Get,
        &format!("{M}/history?startHistoryId=1&historyTypes=bogus"),
        None,
        400,
    );
}

#[test]
fn filters_apply_to_incoming_mail() {
    let mut w = world_with(Scale::EMPTY);
    let label = ok(
        &mut w,
        Method::Post,
        "/gmail/v1/users/me/labels",
        Some(json!({"name": "From Priya"})),
    );
    let f = ok(
        &mut w,
        Method::Post,
        &format!("{M}/settings/filters"),
        Some(
            json!({"criteria": {"from": "priya@nexusai.com", "subject": "report"}, "action": {"addLabelIds": [label["id"]], "removeLabelIds": ["INBOX"]}}),
        ),
    );
    let fid = f["id"].as_str().unwrap().to_string();
    assert_eq!(
        get_json(&mut w, &format!("{M}/settings/filters/{fid}"))["criteria"]["from"],
        "priya@nexusai.com"
    );
    assert_eq!(
        get_json(&mut w, &format!("{M}/settings/filters"))["filter"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let r = w.handle(
        &Request::post(
            "/gmail/v1/users/me/messages/send",
            json!({"raw": raw("To: alex@nexusai.com\nSubject: Weekly report\n\nnumbers\n")}),
        )
        .as_user("priya@nexusai.com"),
    );
    assert_eq!(r.status, 200);
    let got = get_json(&mut w, &format!("{M}/messages?q=subject:report"));
    let mid = got["messages"][0]["id"].as_str().unwrap();
    let m = get_json(&mut w, &format!("{M}/messages/{mid}?format=minimal"));
    let l = labels_of(&m);
    assert!(l.contains(&label["id"].as_str().unwrap().to_string()));
    assert!(!l.contains(&"INBOX".to_string()));
    // errors
    err(
        &mut w,
        Method::Post,
        &format!("{M}/settings/filters"),
        Some(json!({"criteria": {}, "action": {"addLabelIds": ["STARRED"]}})),
        400,
    );
    err(
        &mut w,
        Method::Post,
        &format!("{M}/settings/filters"),
        Some(json!({"criteria": {"from": "a"}, "action": {}})),
        400,
    );
    err(
        &mut w,
        Method::Post,
        &format!("{M}/settings/filters"),
        Some(json!({"criteria": {"from": "a"}, "action": {"addLabelIds": ["Nope"]}})),
        400,
    );
    err(
        &mut w,
        Method::Post,
        &format!("{M}/settings/filters"),
        Some(json!({"criteria": {"from": "a"}, "action": {"forward": "x@example.com"}})),
        400,
    );
    assert_eq!(
        call(
            &mut w,
            Method::Delete,
            &format!("{M}/settings/filters/{fid}"),
            None
        )
        .status,
        204
    );
    err(
        &mut w,
        Method::Delete,
        &format!("{M}/settings/filters/{fid}"),
        None,
        404,
    );
    err(
        &mut w,
        Method::Get,
        &format!("{M}/settings/filters/{fid}"),
        None,
        404,
    );
}

#[test]
fn vacation_responder_replies_once() {
    let mut w = world_with(Scale::EMPTY);
    let v = ok(
        &mut w,
        Method::Put,
        &format!("{M}/settings/vacation"),
        Some(
            json!({"enableAutoReply": true, "responseSubject": "Out of office", "responseBodyPlainText": "Back on Monday.", "restrictToDomain": true}),
        ),
    );
    assert_eq!(v["enableAutoReply"], true);
    assert_eq!(
        get_json(&mut w, &format!("{M}/settings/vacation"))["responseSubject"],
        "Out of office"
    );
    for _ in 0..2 {
        let r = w.handle(
            &Request::post(
                "/gmail/v1/users/me/messages/send",
                json!({"raw": raw("To: alex@nexusai.com\nSubject: ping\n\nare you there?\n")}),
            )
            .as_user("jordan@nexusai.com"),
        );
        assert_eq!(r.status, 200);
    }
    let r = w.handle(
        &Request::get("/gmail/v1/users/me/messages?q=subject:%22out%20of%20office%22")
            .as_user("jordan@nexusai.com"),
    );
    assert_eq!(r.body["resultSizeEstimate"], 1, "{}", r.body);
    // an outsider gets no reply (restrictToDomain)
    let r = w.handle(
        &Request::post(
            "/gmail/v1/users/me/messages/send",
            json!({"raw": raw("To: alex@nexusai.com\nSubject: hello\n\nhi\n")}),
        )
        .as_user("dana@horizonvc.com"),
    );
    assert_eq!(r.status, 200);
    let r = w.handle(
        &Request::get("/gmail/v1/users/me/messages?q=subject:office").as_user("dana@horizonvc.com"),
    );
    assert_eq!(r.body["resultSizeEstimate"], 0);
    err(
        &mut w,
        Method::Put,
        &format!("{M}/settings/vacation"),
        Some(json!({"enableAutoReply": "yes"})),
        400,
    );
    err(
        &mut w,
        Method::Put,
        &format!("{M}/settings/vacation"),
        Some(json!({"startTime": "20", "endTime": "10"})),
        400,
    );
    err(
        &mut w,
        Method::Put,
        &format!("{M}/settings/vacation"),
        Some(json!({"bogus": 1})),
        400,
    );
}

#[test]
fn send_as_crud() {
    let mut w = world();
    let list = get_json(&mut w, &format!("{M}/settings/sendAs"));
    let all = list["sendAs"].as_array().unwrap();
    assert!(all
        .iter()
        .any(|s| s["isPrimary"] == true && s["sendAsEmail"] == "alex@nexusai.com"));
    let c = ok(
        &mut w,
        Method::Post,
        &format!("{M}/settings/sendAs"),
        Some(json!({"sendAsEmail": "support@nexusai.com", "displayName": "NexusAI Support"})),
    );
    assert_eq!(c["verificationStatus"], "accepted");
    let ext = ok(
        &mut w,
        Method::Post,
        &format!("{M}/settings/sendAs"),
        Some(json!({"sendAsEmail": "alex@personal.example"})),
    );
    assert_eq!(ext["verificationStatus"], "pending");
    err(
        &mut w,
        Method::Post,
        &format!("{M}/settings/sendAs"),
        Some(json!({"sendAsEmail": "support@nexusai.com"})),
        409,
    );
    err(
        &mut w,
        Method::Post,
        &format!("{M}/settings/sendAs"),
        Some(json!({"sendAsEmail": "not-an-email"})),
        400,
    );
    err(
        &mut w,
        Method::Post,
        &format!("{M}/settings/sendAs"),
        Some(json!({})),
        400,
    );
    let p = ok(
        &mut w,
        Method::Patch,
        &format!("{M}/settings/sendAs/support@nexusai.com"),
        Some(json!({"signature": "-- Support", "isDefault": true})),
    );
    assert_eq!(p["signature"], "-- Support");
    assert_eq!(p["displayName"], "NexusAI Support");
    assert_eq!(p["isDefault"], true);
    let primary = get_json(&mut w, &format!("{M}/settings/sendAs/alex@nexusai.com"));
    assert_eq!(primary["isDefault"], false);
    // mail now goes out from the default alias
    let sent = ok(
        &mut w,
        Method::Post,
        &format!("{M}/messages/send"),
        Some(json!({"raw": raw("To: priya@nexusai.com\nSubject: from support\n\nhi\n")})),
    );
    let m = get_json(
        &mut w,
        &format!("{M}/messages/{}", sent["id"].as_str().unwrap()),
    );
    assert_eq!(header(&m, "From"), "NexusAI Support <support@nexusai.com>");
    let u = ok(
        &mut w,
        Method::Put,
        &format!("{M}/settings/sendAs/support@nexusai.com"),
        Some(json!({"displayName": "Support"})),
    );
    assert_eq!(u["signature"], "");
    err(
        &mut w,
        Method::Patch,
        &format!("{M}/settings/sendAs/alex@personal.example"),
        Some(json!({"isDefault": true})),
        400,
    );
    err(
        &mut w,
        Method::Delete,
        &format!("{M}/settings/sendAs/alex@nexusai.com"),
        None,
        400,
    );
    assert_eq!(
        call(
            &mut w,
            Method::Delete,
            &format!("{M}/settings/sendAs/support@nexusai.com"),
            None
        )
        .status,
        204
    );
    assert_eq!(
        get_json(&mut w, &format!("{M}/settings/sendAs/alex@nexusai.com"))["isDefault"],
        true
    );
    err(
        &mut w,
        Method::Get,
        &format!("{M}/settings/sendAs/support@nexusai.com"),
        None,
        404,
    );
    assert_eq!(
        call(
            &mut w,
            Method::Post,
            &format!("{M}/settings/sendAs/alex@personal.example/verify"),
            None
        )
        .status,
        204
    );
}

#[test]
fn other_settings_and_forwarding() {
    let mut w = world_with(Scale::EMPTY);
    assert_eq!(
        get_json(&mut w, &format!("{M}/settings/imap"))["enabled"],
        true
    );
    let imap = ok(
        &mut w,
        Method::Put,
        &format!("{M}/settings/imap"),
        Some(json!({"enabled": false, "maxFolderSize": 1000})),
    );
    assert_eq!(imap["maxFolderSize"], 1000);
    err(
        &mut w,
        Method::Put,
        &format!("{M}/settings/imap"),
        Some(json!({"maxFolderSize": 7})),
        400,
    );
    let pop = ok(
        &mut w,
        Method::Put,
        &format!("{M}/settings/pop"),
        Some(json!({"accessWindow": "allMail", "disposition": "archive"})),
    );
    assert_eq!(pop["accessWindow"], "allMail");
    err(
        &mut w,
        Method::Put,
        &format!("{M}/settings/pop"),
        Some(json!({"accessWindow": "sometimes"})),
        400,
    );
    assert_eq!(
        get_json(&mut w, &format!("{M}/settings/language"))["displayLanguage"],
        "en"
    );
    ok(
        &mut w,
        Method::Put,
        &format!("{M}/settings/language"),
        Some(json!({"displayLanguage": "de"})),
    );
    assert_eq!(
        get_json(&mut w, &format!("{M}/settings/language"))["displayLanguage"],
        "de"
    );
    err(
        &mut w,
        Method::Put,
        &format!("{M}/settings/language"),
        Some(json!({"displayLanguage": ""})),
        400,
    );

    err(
        &mut w,
        Method::Put,
        &format!("{M}/settings/autoForwarding"),
        Some(json!({"enabled": true, "emailAddress": "jordan@nexusai.com"})),
        400,
    );
    let fwd = ok(
        &mut w,
        Method::Post,
        &format!("{M}/settings/forwardingAddresses"),
        Some(json!({"forwardingEmail": "jordan@nexusai.com"})),
    );
    assert_eq!(fwd["verificationStatus"], "accepted");
    let outside = ok(
        &mut w,
        Method::Post,
        &format!("{M}/settings/forwardingAddresses"),
        Some(json!({"forwardingEmail": "me@elsewhere.example"})),
    );
    assert_eq!(outside["verificationStatus"], "pending");
    err(
        &mut w,
        Method::Post,
        &format!("{M}/settings/forwardingAddresses"),
        Some(json!({"forwardingEmail": "jordan@nexusai.com"})),
        409,
    );
    assert_eq!(
        get_json(&mut w, &format!("{M}/settings/forwardingAddresses"))["forwardingAddresses"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        get_json(
            &mut w,
            &format!("{M}/settings/forwardingAddresses/jordan@nexusai.com")
        )["verificationStatus"],
        "accepted"
    );
    ok(
        &mut w,
        Method::Put,
        &format!("{M}/settings/autoForwarding"),
        Some(
            json!({"enabled": true, "emailAddress": "jordan@nexusai.com", "disposition": "archive"}),
        ),
    );
    // mail to Alex is forwarded to Jordan and archived in Alex's mailbox
    let r = w.handle(
        &Request::post(
            "/gmail/v1/users/me/messages/send",
            json!({"raw": raw("To: alex@nexusai.com\nSubject: forward me\n\nx\n")}),
        )
        .as_user("priya@nexusai.com"),
    );
    assert_eq!(r.status, 200);
    let r = w.handle(
        &Request::get("/gmail/v1/users/me/messages?q=subject:(forward me)")
            .as_user("jordan@nexusai.com"),
    );
    assert_eq!(r.body["resultSizeEstimate"], 1);
    assert_eq!(
        get_json(
            &mut w,
            &format!("{M}/messages?q=in:inbox%20subject:forward")
        )["resultSizeEstimate"],
        0
    );
    assert_eq!(
        call(
            &mut w,
            Method::Delete,
            &format!("{M}/settings/forwardingAddresses/me@elsewhere.example"),
            None
        )
        .status,
        204
    );
    err(
        &mut w,
        Method::Get,
        &format!("{M}/settings/forwardingAddresses/me@elsewhere.example"),
        None,
        404,
    );
    // watch/stop
    err(
        &mut w,
        Method::Post,
        &format!("{M}/watch"),
        Some(json!({})),
        400,
    );
    ok(
        &mut w,
        Method::Post,
        &format!("{M}/watch"),
        Some(json!({"topicName": "projects/x/topics/y"})),
    );
    assert_eq!(
        call(&mut w, Method::Post, &format!("{M}/stop"), None).status,
        204
    );
}

#[test]
fn state_diff_shows_label_changes() {
    let mut w = world();
    w.save_snapshot("start").unwrap();
    let first = get_json(&mut w, &format!("{M}/messages?maxResults=1&q=is:unread"));
    let id = first["messages"][0]["id"].as_str().unwrap().to_string();
    ok(
        &mut w,
        Method::Post,
        &format!("{M}/messages/{id}/modify"),
        Some(json!({"removeLabelIds": ["UNREAD"]})),
    );
    let diff = w.diff_since_named("start").unwrap();
    // one row of one collection, one field: exactly what a verifier wants to read
    assert_eq!(
        diff.collections.keys().collect::<Vec<_>>(),
        vec!["gmail_messages"]
    );
    let change = &diff.collections["gmail_messages"];
    assert_eq!(change.updated.len(), 1);
    let fields: Vec<&String> = change.updated[0].changed.keys().collect();
    assert_eq!(fields, vec!["label_ids"]);
    let before = &change.updated[0].changed["label_ids"].before;
    assert!(before.as_array().unwrap().contains(&json!("UNREAD")));
    assert_eq!(change.updated[0].key, id);
    // and a restore puts everything back, history included
    w.restore_snapshot("start").unwrap();
    assert!(w.diff_since_named("start").unwrap().is_empty());
    let m = get_json(&mut w, &format!("{M}/messages/{id}?format=minimal"));
    assert!(labels_of(&m).contains(&"UNREAD".to_string()));
}

#[test]
fn every_family_refuses_another_users_mailbox() {
    let mut w = world();
    for path in [
        "profile",
        "messages",
        "messages/0123456789abcdef",
        "threads",
        "labels",
        "labels/INBOX",
        "drafts",
        "history?startHistoryId=1",
        "settings/filters",
        "settings/vacation",
        "settings/sendAs",
        "settings/imap",
        "settings/pop",
        "settings/language",
        "settings/autoForwarding",
        "settings/forwardingAddresses",
    ] {
        for user in ["priya@nexusai.com", "user_priya", "someone@else.com"] {
            let e = err(
                &mut w,
                Method::Get,
                &format!("/gmail/v1/users/{user}/{path}"),
                None,
                403,
            );
            assert_eq!(e["error"]["errors"][0]["reason"], "forbidden");
        }
    }
    let e = err(
        &mut w,
        Method::Post,
        "/gmail/v1/users/priya@nexusai.com/messages/send",
        Some(json!({"raw": raw("To: a@b.com\n\nx\n")})),
        403,
    );
    assert_eq!(e["error"]["code"], 403);
    // a failed request changes nothing
    let before = w.state_hash().unwrap();
    err(
        &mut w,
        Method::Post,
        &format!("{M}/messages/batchModify"),
        Some(json!({"ids": ["nope"], "addLabelIds": ["STARRED"]})),
        404,
    );
    assert_eq!(w.state_hash().unwrap(), before);
    err(&mut w, Method::Get, &format!("{M}/nonsense"), None, 404);
    err(&mut w, Method::Put, &format!("{M}/messages"), None, 405);
}

#[test]
fn attachments_travel_with_sent_mail() {
    let mut w = world_with(Scale::EMPTY);
    let pdf = URL_SAFE.encode(b"%PDF-1.4 quarterly numbers");
    let text = format!(
        "To: priya@nexusai.com\nSubject: Q1 report\nContent-Type: multipart/mixed; boundary=B1\n\n--B1\nContent-Type: multipart/alternative; boundary=B2\n\n--B2\nContent-Type: text/plain; charset=UTF-8\n\nSee attached.\n--B2\nContent-Type: text/html; charset=UTF-8\n\n<p>See <b>attached</b>.</p>\n--B2--\n--B1\nContent-Type: application/pdf; name=\"q1.pdf\"\nContent-Disposition: attachment; filename=\"q1.pdf\"\nContent-Transfer-Encoding: base64\n\n{}\n--B1--\n",
        pdf.replace('-', "+").replace('_', "/")
    );
    let sent = ok(
        &mut w,
        Method::Post,
        &format!("{M}/messages/send"),
        Some(json!({"raw": raw(&text)})),
    );
    let mine = get_json(
        &mut w,
        &format!("{M}/messages/{}", sent["id"].as_str().unwrap()),
    );
    assert_eq!(mine["payload"]["mimeType"], "multipart/mixed");
    assert_eq!(
        mine["payload"]["parts"][0]["mimeType"],
        "multipart/alternative"
    );
    assert_eq!(mine["payload"]["parts"][0]["parts"][1]["partId"], "0.1");
    assert_eq!(mine["payload"]["parts"][1]["filename"], "q1.pdf");
    // Priya received it with its own attachment id
    let r = w.handle(
        &Request::get("/gmail/v1/users/me/messages?q=filename:q1.pdf").as_user("priya@nexusai.com"),
    );
    let id = r.body["messages"][0]["id"].as_str().unwrap().to_string();
    let m = w.handle(
        &Request::get(format!("/gmail/v1/users/me/messages/{id}")).as_user("priya@nexusai.com"),
    );
    let att = m.body["payload"]["parts"][1]["body"]["attachmentId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(
        att,
        mine["payload"]["parts"][1]["body"]["attachmentId"]
            .as_str()
            .unwrap()
    );
    let a = w.handle(
        &Request::get(format!(
            "/gmail/v1/users/me/messages/{id}/attachments/{att}"
        ))
        .as_user("priya@nexusai.com"),
    );
    assert_eq!(
        URL_SAFE.decode(a.body["data"].as_str().unwrap()).unwrap(),
        b"%PDF-1.4 quarterly numbers"
    );
    // raw round trip
    let raw_msg = get_json(
        &mut w,
        &format!("{M}/messages/{}?format=raw", sent["id"].as_str().unwrap()),
    );
    let back =
        String::from_utf8(URL_SAFE.decode(raw_msg["raw"].as_str().unwrap()).unwrap()).unwrap();
    assert!(back.contains("filename=\"q1.pdf\""));
    assert!(back.contains("See attached."));
}

/// A raw upload request (`body` as it is, with its content type).
fn upload(
    w: &mut env0_world::World,
    method: Method,
    path: &str,
    content_type: &str,
    body: &str,
) -> env0_world::Response {
    let mut req = Request::new(method, path);
    req.body = Some(body.to_string());
    req.content_type = Some(content_type.to_string());
    w.handle(&req)
}

#[test]
fn media_uploads_send_insert_and_draft_the_message_itself() {
    let mut w = world();
    let message = "To: priya@nexusai.com\r\nSubject: As media\r\n\r\nThe message is the body.\r\n";
    let sent = upload(
        &mut w,
        Method::Post,
        "/upload/gmail/v1/users/me/messages/send?uploadType=media",
        "message/rfc822",
        message,
    );
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert!(labels_of(&sent.body).contains(&"SENT".to_string()));
    let got = get_json(
        &mut w,
        &format!(
            "/gmail/v1/users/me/messages/{}?format=metadata",
            sent.body["id"].as_str().unwrap()
        ),
    );
    assert_eq!(header(&got, "Subject"), "As media");

    // Metadata first, then the message: insert with labels, a draft in the same thread.
    let multipart = |meta: &str| {
        format!("--B\r\nContent-Type: application/json\r\n\r\n{meta}\r\n--B\r\nContent-Type: message/rfc822\r\n\r\n{message}\r\n--B--\r\n")
    };
    let inserted = upload(
        &mut w,
        Method::Post,
        "/upload/gmail/v1/users/me/messages?uploadType=multipart",
        "multipart/related; boundary=B",
        &multipart(r#"{"labelIds": ["INBOX", "STARRED"]}"#),
    );
    assert_eq!(inserted.status, 200, "{}", inserted.body);
    assert!(labels_of(&inserted.body).contains(&"STARRED".to_string()));
    let thread = sent.body["threadId"].as_str().unwrap();
    let draft = upload(
        &mut w,
        Method::Post,
        "/upload/gmail/v1/users/me/drafts?uploadType=multipart",
        "multipart/related; boundary=B",
        &multipart(&json!({"message": {"threadId": thread}}).to_string()),
    );
    assert_eq!(draft.status, 200, "{}", draft.body);
    assert_eq!(draft.body["message"]["threadId"], json!(thread));
    let id = draft.body["id"].as_str().unwrap().to_string();
    let replaced = upload(
        &mut w,
        Method::Put,
        &format!("/upload/gmail/v1/users/me/drafts/{id}?uploadType=media"),
        "message/rfc822",
        &message.replace("As media", "Edited"),
    );
    assert_eq!(replaced.status, 200, "{}", replaced.body);

    // What an upload must not be: another media type, nothing, a multipart without the
    // message, a resumable session (the server's), an unknown upload type.
    for (path, content_type, body) in [
        (
            "/upload/gmail/v1/users/me/messages/send?uploadType=media",
            "text/plain",
            message.to_string(),
        ),
        (
            "/upload/gmail/v1/users/me/messages/send?uploadType=media",
            "message/rfc822",
            " ".to_string(),
        ),
        (
            "/upload/gmail/v1/users/me/messages/send?uploadType=multipart",
            "multipart/related; boundary=B",
            "--B\r\nContent-Type: application/json\r\n\r\n{}\r\n--B--\r\n".to_string(),
        ),
        (
            "/upload/gmail/v1/users/me/messages/send?uploadType=resumable",
            "application/json",
            "{}".to_string(),
        ),
        (
            "/upload/gmail/v1/users/me/messages/send?uploadType=chunked",
            "message/rfc822",
            message.to_string(),
        ),
    ] {
        let before = w.state_hash().unwrap();
        let r = upload(&mut w, Method::Post, path, content_type, &body);
        assert_eq!(r.status, 400, "{path} {content_type}: {}", r.body);
        assert_eq!(
            w.state_hash().unwrap(),
            before,
            "a refused upload changes nothing"
        );
    }
}
