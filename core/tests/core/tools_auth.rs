//! Connected-app (auth) tools end to end on a seeded world, through `Toolkit::call`.
use crate::support::{tool_err as fails, tool_ok as call};

use env0_core::tools::{App, Profile, Toolkit};

use serde_json::{json, Value};

fn kit() -> Toolkit {
    Toolkit::new(Profile::Native, &[App::Auth], None)
}

fn app<'a>(list: &'a Value, id: &str) -> Option<&'a Value> {
    list["apps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["client_id"] == id)
}

#[test]
fn list_and_details() {
    let mut w = crate::support::world();
    let k = kit();
    assert!(k.tools().iter().all(|t| t.name.starts_with("auth_")));
    let list = call(&k, &mut w, "auth_list_apps", json!({}));
    let pdf = app(&list, "pdf-converter-pro").unwrap();
    assert_eq!(pdf["name"], "PDF Converter Pro");
    assert_eq!(pdf["days_since_last_used"], 400);
    assert_eq!(pdf["scopes"], json!([{"scope": "drive", "access": "full"}]));
    assert_eq!(app(&list, "inboxboost-ai").unwrap()["verified"], false);
    // Details by display name, any case.
    let d = call(
        &k,
        &mut w,
        "auth_app_details",
        json!({"app": "inboxboost ai"}),
    );
    assert_eq!(d["client_id"], "inboxboost-ai");
    assert!(d["scopes"][0]["description"].is_string());
    assert!(d["active_tokens"].as_i64().unwrap() >= 1);
    // A unique part of a name is enough.
    let d = call(&k, &mut w, "auth_app_details", json!({"app": "HubFlow"}));
    assert_eq!(d["client_id"], "hubflow-crm");
}

#[test]
fn revoke_scope_then_app_and_audit() {
    let mut w = crate::support::world();
    let k = kit();
    let r = call(
        &k,
        &mut w,
        "auth_revoke_scope",
        json!({"app": "inboxboost-ai", "scope": "gmail"}),
    );
    let left: Vec<&str> = r["remaining_scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["scope"].as_str().unwrap())
        .collect();
    assert!(!left.contains(&"gmail") && left.contains(&"drive"), "{r}");
    let r = call(
        &k,
        &mut w,
        "auth_revoke_app",
        json!({"app": "PDF Converter Pro"}),
    );
    assert_eq!(r["revoked"], true);
    let list = call(&k, &mut w, "auth_list_apps", json!({}));
    assert!(app(&list, "pdf-converter-pro").is_none());
    assert!(app(&list, "hubflow-crm").is_some());
    let log = call(
        &k,
        &mut w,
        "auth_read_audit_log",
        json!({"event": "app_revoked"}),
    );
    assert_eq!(log["events"][0]["app"], "pdf-converter-pro");
    // A revoked app is no longer connected, but its log is still readable by client id.
    let log = call(
        &k,
        &mut w,
        "auth_read_audit_log",
        json!({"app": "inboxboost-ai", "limit": 5}),
    );
    assert_eq!(log["events"][0]["event"], "scope_revoked");
    assert_eq!(log["events"][0]["scope"], "gmail");
    assert!(log["count"].as_i64().unwrap() <= 5);
}

#[test]
fn apps_are_per_user() {
    let mut w = crate::support::world();
    let priya = Toolkit::new(Profile::Native, &[App::Auth], Some("user_priya".into()));
    let list = call(&priya, &mut w, "auth_list_apps", json!({}));
    assert_eq!(list["count"], 1);
    assert!(app(&list, "pdf-converter-pro").is_some());
    let hash = w.state_hash().unwrap();
    let e = fails(
        &priya,
        &mut w,
        "auth_revoke_app",
        json!({"app": "hubflow-crm"}),
    );
    assert!(e.contains("no connected app 'hubflow-crm'"), "{e}");
    assert_eq!(w.state_hash().unwrap(), hash);
}

#[test]
fn bad_arguments_are_readable_and_change_nothing() {
    let mut w = crate::support::world();
    let k = kit();
    let hash = w.state_hash().unwrap();
    let e = fails(&k, &mut w, "auth_revoke_app", json!({}));
    assert!(e.contains("missing required argument 'app'"), "{e}");
    let e = fails(&k, &mut w, "auth_revoke_app", json!({"app": "Nope App"}));
    assert!(
        e.contains("connected apps:") && e.contains("hubflow-crm"),
        "{e}"
    );
    let e = fails(
        &k,
        &mut w,
        "auth_revoke_scope",
        json!({"app": "hubflow-crm", "scope": "drive"}),
    );
    assert!(e.contains("does not hold the scope"), "{e}");
    let e = fails(
        &k,
        &mut w,
        "auth_revoke_scope",
        json!({"app": "hubflow-crm", "scope": "everything"}),
    );
    assert!(e.contains("400"), "{e}");
    let e = fails(&k, &mut w, "auth_read_audit_log", json!({"event": "hack"}));
    assert!(e.contains("must be one of"), "{e}");
    let e = fails(&k, &mut w, "auth_read_audit_log", json!({"limit": 1000}));
    assert!(e.contains("between 1 and 100"), "{e}");
    assert_eq!(w.state_hash().unwrap(), hash);
}
