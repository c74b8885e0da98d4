//! World store: seeding, snapshots, state dump/hash/diff and the action log, through the public API.

use crate::support::discovery::Discovery;
use env0_world::Method;

#[test]
fn discovery_checker_flags_bad_resources() {
    // The checker itself must be able to fail.
    let gmail = Discovery::load("gmail.v1.json");
    gmail.assert_conforms(
        "Label",
        &serde_json::json!({"id": "Label_1", "name": "x", "type": "user"}),
    );
    assert!(!gmail
        .violations("Label", &serde_json::json!({"id": 5}))
        .is_empty());
    assert!(!gmail
        .violations("Label", &serde_json::json!({"bogus": "x"}))
        .is_empty());
    assert!(!gmail
        .violations("Label", &serde_json::json!({"type": "nope"}))
        .is_empty());
    assert!(!gmail
        .violations("Message", &serde_json::json!({"internalDate": 5}))
        .is_empty());
    assert!(!gmail
        .violations("Label", &serde_json::json!({"name": null}))
        .is_empty());
}

#[test]
fn unknown_paths_are_404_with_google_envelope() {
    let mut w = crate::support::world();
    let body = crate::support::err(&mut w, Method::Get, "/nope/v1/x", None, 404);
    assert_eq!(body["error"]["code"], 404);
    assert_eq!(body["error"]["status"], "NOT_FOUND");
    assert_eq!(body["error"]["errors"][0]["reason"], "notFound");
    assert_eq!(
        w.action_log().unwrap().len(),
        1,
        "failed requests are logged too"
    );
}
