//! Gmail task needles: every kind lands in the mailbox and its refs name real rows.

use crate::support::{ok, world};
use env0_world::needles;
use env0_world::{Method, Request};
use serde_json::json;

const M: &str = "/gmail/v1/users/me";

#[test]
fn needles_of_every_kind() {
    let mut w = world();
    let msg = needles::insert(
        w.conn(),
        "gmail",
        "alex@nexusai.com",
        "message",
        &json!({"sender_name": "Acme Billing", "sender_email": "billing@acme.io",
                "subject": "Invoice INV-7781 overdue", "body": "Please pay $4,210 by Friday.",
                "labels": ["INBOX", "UNREAD", "Invoices"], "is_starred": true, "days_ago": 2,
                "attachments": [{"filename": "INV-7781.pdf", "mime_type": "application/pdf", "content": "%PDF-1.4"}]}),
    )
    .unwrap();
    assert_eq!(msg.len(), 1);
    assert_eq!(msg[0].collection, "gmail_messages");
    let found = ok(
        &mut w,
        Method::Get,
        &format!("{M}/messages?q=label:invoices%20has:attachment"),
        None,
    );
    assert_eq!(found["messages"][0]["id"], msg[0].key.as_str());
    let m = ok(
        &mut w,
        Method::Get,
        &format!("{M}/messages/{}", msg[0].key),
        None,
    );
    let labels: Vec<&str> = m["labelIds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(labels.contains(&"STARRED") && labels.contains(&"UNREAD"));
    assert_eq!(m["payload"]["mimeType"], "multipart/mixed");

    let thread = needles::insert(
        w.conn(),
        "gmail",
        "alex@nexusai.com",
        "thread",
        &json!({"subject": "Vendor shortlist", "messages": [
            {"from": "Priya Patel <priya@nexusai.com>", "body": "Here is the shortlist.", "days_ago": 3, "is_read": true},
            {"from": "Alex Chen <alex@nexusai.com>", "to": "priya@nexusai.com", "body": "Thanks!", "labels": ["SENT"], "days_ago": 2},
            {"from": "Priya Patel <priya@nexusai.com>", "body": "Decision by Friday?", "days_ago": 1}
        ]}),
    )
    .unwrap();
    assert_eq!(thread.len(), 3);
    let first = ok(
        &mut w,
        Method::Get,
        &format!("{M}/messages/{}?format=minimal", thread[0].key),
        None,
    );
    let t = ok(
        &mut w,
        Method::Get,
        &format!(
            "{M}/threads/{}?format=metadata",
            first["threadId"].as_str().unwrap()
        ),
        None,
    );
    let msgs = t["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 3);
    let subject_of = |m: &serde_json::Value, name: &str| {
        m["payload"]["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["name"] == name)
            .map(|h| h["value"].as_str().unwrap().to_string())
            .unwrap_or_default()
    };
    assert_eq!(subject_of(&msgs[2], "Subject"), "Re: Vendor shortlist");
    assert_eq!(
        subject_of(&msgs[2], "In-Reply-To"),
        subject_of(&msgs[1], "Message-ID")
    );

    let draft = needles::insert(
        w.conn(),
        "gmail",
        "alex@nexusai.com",
        "draft",
        &json!({"to": "marcus@nexusai.com", "subject": "Half-written", "body": "..."}),
    )
    .unwrap();
    assert_eq!(draft[1].collection, "gmail_drafts");
    ok(
        &mut w,
        Method::Get,
        &format!("{M}/drafts/{}", draft[1].key),
        None,
    );

    let label = needles::insert(
        w.conn(),
        "gmail",
        "alex@nexusai.com",
        "label",
        &json!({"name": "Board", "color": {"textColor": "#ffffff", "backgroundColor": "#4a86e8"}}),
    )
    .unwrap();
    assert!(label[0].key.starts_with("user_alex|Label_"));
    let filter = needles::insert(
        w.conn(),
        "gmail",
        "alex@nexusai.com",
        "filter",
        &json!({"criteria": {"from": "billing@acme.io"}, "action": {"addLabelIds": ["Invoices"]}}),
    )
    .unwrap();
    let f = ok(
        &mut w,
        Method::Get,
        &format!("{M}/settings/filters/{}", filter[0].key),
        None,
    );
    assert!(f["action"]["addLabelIds"][0]
        .as_str()
        .unwrap()
        .starts_with("Label_"));

    // another user's mailbox
    let other = needles::insert(
        w.conn(),
        "gmail",
        "alex@nexusai.com",
        "message",
        &json!({"owner": "jordan@nexusai.com", "subject": "For Jordan only"}),
    )
    .unwrap();
    let r = w.handle(
        &Request::get(format!("{M}/messages/{}", other[0].key)).as_user("jordan@nexusai.com"),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        crate::support::call(
            &mut w,
            Method::Get,
            &format!("{M}/messages/{}", other[0].key),
            None
        )
        .status,
        404
    );

    // every ref names a row of the state dump
    let dump = w.state_dump().unwrap();
    for r in msg
        .iter()
        .chain(&thread)
        .chain(&draft)
        .chain(&label)
        .chain(&filter)
        .chain(&other)
    {
        assert!(
            dump.collections[&r.collection].rows.contains_key(&r.key),
            "{r:?}"
        );
    }
    // errors are readable
    assert!(
        needles::insert(w.conn(), "gmail", "alex@nexusai.com", "parcel", &json!({}))
            .unwrap_err()
            .contains("unknown gmail needle kind")
    );
    assert!(needles::insert(
        w.conn(),
        "gmail",
        "alex@nexusai.com",
        "thread",
        &json!({"messages": []})
    )
    .is_err());
    assert!(needles::insert(
        w.conn(),
        "gmail",
        "alex@nexusai.com",
        "message",
        &json!({"owner": "nobody@nowhere"})
    )
    .is_err());
    assert!(needles::insert(
        w.conn(),
        "gmail",
        "alex@nexusai.com",
        "message",
        &json!([1])
    )
    .is_err());
}
