//! Every Gmail resource the router returns conforms to Google's discovery document.

use crate::support::discovery::Discovery;
use crate::support::{ok, world};
use base64::engine::general_purpose::URL_SAFE;
use base64::Engine;
use env0_world::Method;
use serde_json::{json, Value};

const M: &str = "/gmail/v1/users/me";

fn raw(text: &str) -> String {
    URL_SAFE.encode(text.replace('\n', "\r\n"))
}

#[test]
fn every_resource_conforms() {
    let d = Discovery::load("gmail.v1.json");
    let mut w = world();
    d.assert_conforms(
        "Profile",
        &ok(&mut w, Method::Get, &format!("{M}/profile"), None),
    );

    let list = ok(
        &mut w,
        Method::Get,
        &format!("{M}/messages?maxResults=5"),
        None,
    );
    d.assert_conforms("ListMessagesResponse", &list);
    let empty = ok(
        &mut w,
        Method::Get,
        &format!("{M}/messages?q=nothingmatchesthis"),
        None,
    );
    d.assert_conforms("ListMessagesResponse", &empty);

    // a message of every shape: plain, alternative, mixed
    let all = ok(
        &mut w,
        Method::Get,
        &format!("{M}/messages?maxResults=500&includeSpamTrash=true"),
        None,
    );
    let mut shapes = std::collections::BTreeSet::new();
    for m in all["messages"].as_array().unwrap() {
        let id = m["id"].as_str().unwrap();
        let full = ok(&mut w, Method::Get, &format!("{M}/messages/{id}"), None);
        d.assert_conforms("Message", &full);
        shapes.insert(full["payload"]["mimeType"].as_str().unwrap().to_string());
        if shapes.len() == 1 || full["payload"]["mimeType"] == "multipart/mixed" {
            for format in ["metadata", "minimal", "raw"] {
                let v = ok(
                    &mut w,
                    Method::Get,
                    &format!("{M}/messages/{id}?format={format}"),
                    None,
                );
                d.assert_conforms("Message", &v);
            }
        }
        if full["payload"]["mimeType"] == "multipart/mixed" {
            let att = full["payload"]["parts"][1]["body"]["attachmentId"]
                .as_str()
                .unwrap();
            let body = ok(
                &mut w,
                Method::Get,
                &format!("{M}/messages/{id}/attachments/{att}"),
                None,
            );
            d.assert_conforms("MessagePartBody", &body);
        }
    }
    assert!(
        shapes.contains("text/plain")
            && shapes.contains("multipart/alternative")
            && shapes.contains("multipart/mixed"),
        "{shapes:?}"
    );

    let sent = ok(
        &mut w,
        Method::Post,
        &format!("{M}/messages/send"),
        Some(json!({"raw": raw("To: priya@nexusai.com\nSubject: hi\n\nhello\n")})),
    );
    d.assert_conforms("Message", &sent);
    let modified = ok(
        &mut w,
        Method::Post,
        &format!("{M}/messages/{}/modify", sent["id"].as_str().unwrap()),
        Some(json!({"addLabelIds": ["STARRED"]})),
    );
    d.assert_conforms("Message", &modified);

    let threads = ok(
        &mut w,
        Method::Get,
        &format!("{M}/threads?maxResults=3"),
        None,
    );
    d.assert_conforms("ListThreadsResponse", &threads);
    let tid = threads["threads"][0]["id"].as_str().unwrap();
    for format in ["full", "metadata", "minimal"] {
        d.assert_conforms(
            "Thread",
            &ok(
                &mut w,
                Method::Get,
                &format!("{M}/threads/{tid}?format={format}"),
                None,
            ),
        );
    }
    d.assert_conforms(
        "Thread",
        &ok(
            &mut w,
            Method::Post,
            &format!("{M}/threads/{tid}/modify"),
            Some(json!({"addLabelIds": ["IMPORTANT"]})),
        ),
    );

    let labels = ok(&mut w, Method::Get, &format!("{M}/labels"), None);
    d.assert_conforms("ListLabelsResponse", &labels);
    let user_label = labels["labels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["type"] == "user")
        .unwrap();
    d.assert_conforms(
        "Label",
        &ok(
            &mut w,
            Method::Get,
            &format!("{M}/labels/{}", user_label["id"].as_str().unwrap()),
            None,
        ),
    );
    d.assert_conforms(
        "Label",
        &ok(&mut w, Method::Get, &format!("{M}/labels/INBOX"), None),
    );
    let created = ok(
        &mut w,
        Method::Post,
        &format!("{M}/labels"),
        Some(
            json!({"name": "Conformance", "color": {"textColor": "#000000", "backgroundColor": "#fad165"}}),
        ),
    );
    d.assert_conforms("Label", &created);

    let drafts = ok(&mut w, Method::Get, &format!("{M}/drafts"), None);
    d.assert_conforms("ListDraftsResponse", &drafts);
    let did = drafts["drafts"][0]["id"].as_str().unwrap();
    d.assert_conforms(
        "Draft",
        &ok(&mut w, Method::Get, &format!("{M}/drafts/{did}"), None),
    );
    let nd = ok(
        &mut w,
        Method::Post,
        &format!("{M}/drafts"),
        Some(json!({"message": {"raw": raw("To: a@b.com\nSubject: d\n\nx\n")}})),
    );
    d.assert_conforms("Draft", &nd);

    let start: u64 = ok(&mut w, Method::Get, &format!("{M}/profile"), None)["historyId"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let history = ok(
        &mut w,
        Method::Get,
        &format!("{M}/history?startHistoryId={}", start - 5),
        None,
    );
    assert!(history["history"].as_array().is_some());
    d.assert_conforms("ListHistoryResponse", &history);

    let filters = ok(&mut w, Method::Get, &format!("{M}/settings/filters"), None);
    d.assert_conforms("ListFiltersResponse", &filters);
    d.assert_conforms("Filter", &filters["filter"][0]);
    for (path, schema) in [
        ("vacation", "VacationSettings"),
        ("imap", "ImapSettings"),
        ("pop", "PopSettings"),
        ("language", "LanguageSettings"),
        ("autoForwarding", "AutoForwarding"),
        ("sendAs", "ListSendAsResponse"),
        ("sendAs/alex@nexusai.com", "SendAs"),
    ] {
        d.assert_conforms(
            schema,
            &ok(&mut w, Method::Get, &format!("{M}/settings/{path}"), None),
        );
    }
    let alias = ok(&mut w, Method::Get, &format!("{M}/settings/sendAs"), None)["sendAs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["isPrimary"] == false)
        .cloned()
        .unwrap();
    d.assert_conforms("SendAs", &alias);
    let vac = ok(
        &mut w,
        Method::Put,
        &format!("{M}/settings/vacation"),
        Some(
            json!({"enableAutoReply": true, "startTime": 1773000000000i64, "responseBodyHtml": "<p>away</p>"}),
        ),
    );
    d.assert_conforms("VacationSettings", &vac);
    let fwd = ok(
        &mut w,
        Method::Post,
        &format!("{M}/settings/forwardingAddresses"),
        Some(json!({"forwardingEmail": "jordan@nexusai.com"})),
    );
    d.assert_conforms("ForwardingAddress", &fwd);
    d.assert_conforms(
        "ListForwardingAddressesResponse",
        &ok(
            &mut w,
            Method::Get,
            &format!("{M}/settings/forwardingAddresses"),
            None,
        ),
    );
    d.assert_conforms(
        "WatchResponse",
        &ok(
            &mut w,
            Method::Post,
            &format!("{M}/watch"),
            Some(json!({"topicName": "projects/p/topics/t"})),
        ),
    );
    let error: Value = crate::support::err(
        &mut w,
        Method::Get,
        &format!("{M}/messages/nope"),
        None,
        404,
    );
    assert_eq!(error["error"]["code"], 404);
}
