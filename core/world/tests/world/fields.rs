//! `fields=` partial responses on Gmail, Calendar and Docs (applied by the router; Drive has its
//! own, tested in drive_api): only the named members come back, nested masks narrow lists of
//! objects, a malformed mask is a 400 that changes nothing.

use crate::support::{call, ok};
use env0_world::Method;
use serde_json::{json, Value};

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    k.sort_unstable();
    k
}

#[test]
fn gmail_list_and_get_return_only_the_masked_fields() {
    let mut w = crate::support::world();
    let full = ok(
        &mut w,
        Method::Get,
        "/gmail/v1/users/me/messages?maxResults=3",
        None,
    );
    assert_eq!(
        keys(&full),
        ["messages", "nextPageToken", "resultSizeEstimate"]
    );
    let masked = ok(
        &mut w,
        Method::Get,
        "/gmail/v1/users/me/messages?maxResults=3&fields=messages(id),nextPageToken",
        None,
    );
    assert_eq!(keys(&masked), ["messages", "nextPageToken"]);
    assert_eq!(masked["nextPageToken"], full["nextPageToken"]);
    for (m, f) in masked["messages"]
        .as_array()
        .unwrap()
        .iter()
        .zip(full["messages"].as_array().unwrap())
    {
        assert_eq!(m, &json!({"id": f["id"]}));
    }
    let id = full["messages"][0]["id"].as_str().unwrap();
    let one = ok(
        &mut w,
        Method::Get,
        &format!("/gmail/v1/users/me/messages/{id}?fields=id,labelIds,payload/mimeType"),
        None,
    );
    assert_eq!(keys(&one), ["id", "labelIds", "payload"]);
    assert_eq!(keys(&one["payload"]), ["mimeType"]);
}

#[test]
fn calendar_list_masks_items() {
    let mut w = crate::support::world();
    let masked = ok(
        &mut w,
        Method::Get,
        "/calendar/v3/calendars/primary/events?maxResults=5&fields=kind,items(id,summary)",
        None,
    );
    assert_eq!(keys(&masked), ["items", "kind"]);
    let items = masked["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for item in items {
        assert!(
            keys(item).iter().all(|k| ["id", "summary"].contains(k)),
            "{item}"
        );
        assert!(item["id"].is_string());
    }
}

#[test]
fn a_malformed_mask_is_a_400_and_writes_nothing() {
    let mut w = crate::support::world();
    let before = w.state_hash().unwrap();
    let resp = call(
        &mut w,
        Method::Post,
        "/gmail/v1/users/me/labels?fields=id,(name",
        Some(json!({"name": "Never created"})),
    );
    assert_eq!(resp.status, 400, "{}", resp.body);
    assert_eq!(
        w.state_hash().unwrap(),
        before,
        "the refused write changed nothing"
    );
    let labels = ok(&mut w, Method::Get, "/gmail/v1/users/me/labels", None);
    assert!(!labels.to_string().contains("Never created"));
}
