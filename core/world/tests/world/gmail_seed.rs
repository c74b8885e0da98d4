//! The Gmail seeder: deterministic, sized by the scale, varied enough that search discriminates.

use std::collections::{BTreeMap, BTreeSet};

use crate::support::{ok, world_with};
use env0_world::Scale;
use env0_world::{Method, Request};
use serde_json::Value;

const M: &str = "/gmail/v1/users/me";

#[test]
fn default_world_is_deterministic_and_sized() {
    let a = world_with(Scale::DEFAULT);
    let b = world_with(Scale::DEFAULT);
    assert_eq!(a.state_hash().unwrap(), b.state_hash().unwrap());
    let mut a = a;
    let p = ok(&mut a, Method::Get, &format!("{M}/profile"), None);
    assert_eq!(p["messagesTotal"], 60);
}

#[test]
fn empty_world_still_has_mailboxes() {
    let mut w = world_with(Scale::EMPTY);
    for user in w.users().unwrap() {
        let r = w.handle(&Request::get("/gmail/v1/users/me/labels").as_user(user.email.clone()));
        assert_eq!(
            r.body["labels"].as_array().unwrap().len(),
            14,
            "{}",
            user.email
        );
        let r = w.handle(
            &Request::get("/gmail/v1/users/me/settings/sendAs").as_user(user.email.clone()),
        );
        assert_eq!(r.body["sendAs"][0]["sendAsEmail"], user.email.as_str());
    }
    let p = ok(&mut w, Method::Get, &format!("{M}/profile"), None);
    assert_eq!(p["messagesTotal"], 0);
    // nothing was written by these reads
    let before = w.state_hash().unwrap();
    ok(&mut w, Method::Get, &format!("{M}/labels"), None);
    assert_eq!(before, w.state_hash().unwrap());
}

fn count(w: &mut env0_world::World, q: &str) -> u64 {
    let path = format!("{M}/messages?maxResults=1&q={}", q.replace(' ', "%20"));
    ok(w, Method::Get, &path, None)["resultSizeEstimate"]
        .as_u64()
        .unwrap()
}

#[test]
fn large_world_is_varied() {
    let start = std::time::Instant::now();
    let mut w = world_with(Scale::LARGE);
    eprintln!("seeded LARGE in {:?} (debug build)", start.elapsed());
    let p = ok(&mut w, Method::Get, &format!("{M}/profile"), None);
    assert_eq!(p["messagesTotal"], 3000);
    let total = count(&mut w, "in:anywhere");
    assert_eq!(total, 3000);
    for (q, lo, hi) in [
        ("is:unread", 100, 1500),
        ("in:inbox", 800, 2800),
        ("in:sent", 100, 900),
        ("in:spam", 50, 300),
        ("has:attachment", 100, 1200),
        ("category:promotions", 100, 900),
        ("category:updates", 500, 2000),
        ("category:social", 20, 400),
        ("category:forums", 10, 300),
        ("is:starred", 30, 600),
        ("label:purchases", 20, 400),
        ("from:github", 50, 800),
        ("subject:roadmap", 10, 400),
        ("newer_than:30d", 300, 2000),
        ("older_than:6m", 50, 1200),
        ("invoice", 10, 500),
        ("\"launch checklist\"", 10, 400),
    ] {
        let n = count(&mut w, q);
        eprintln!("{q}: {n} ({:?})", start.elapsed());
        assert!((lo..=hi).contains(&n), "{q}: {n} not in {lo}..={hi}");
    }
    // many distinct subjects; multi-message threads exist
    let list = ok(
        &mut w,
        Method::Get,
        &format!("{M}/threads?maxResults=500"),
        None,
    );
    let snippets: BTreeSet<&str> = list["threads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["snippet"].as_str().unwrap())
        .collect();
    assert!(snippets.len() > 300, "{}", snippets.len());
    let threads = p["threadsTotal"].as_u64().unwrap();
    assert!(threads < 2700, "{threads} threads for 3000 messages");
    // colleagues have the other side of the conversations
    let r = w.handle(&Request::get("/gmail/v1/users/me/profile").as_user("jordan@nexusai.com"));
    assert!(r.body["messagesTotal"].as_u64().unwrap() > 50);
    // user labels have colours
    let labels = ok(&mut w, Method::Get, &format!("{M}/labels"), None);
    let colours: BTreeMap<&str, &Value> = labels["labels"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["type"] == "user")
        .map(|l| (l["name"].as_str().unwrap(), &l["color"]))
        .collect();
    assert!(colours.len() >= 10, "{colours:?}");
    assert!(colours.values().all(|c| c["backgroundColor"].is_string()));
}
