//! Gmail's `q` language over hand-built messages: each operator, OR / braces / negation /
//! grouping, quoted phrases, dates, and the spam/trash scope.

use std::collections::BTreeSet;

use crate::support::{ok, world_with};
use base64::engine::general_purpose::URL_SAFE;
use base64::Engine;
use env0_world::Method;
use env0_world::Scale;
use env0_world::World;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde_json::json;

struct Fixture {
    world: World,
    /// message id → short name
    names: Vec<(String, &'static str)>,
}

fn add(
    w: &mut World,
    name: &'static str,
    headers: &str,
    body: &str,
    labels: &[&str],
    attachment: Option<&str>,
) -> (String, &'static str) {
    let raw = match attachment {
        None => format!("{headers}\r\nContent-Type: text/plain\r\n\r\n{body}\r\n"),
        Some(file) => format!(
            "{headers}\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\n{body}\r\n--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"{file}\"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--XX--\r\n"
        ),
    };
    let r = ok(
        w,
        Method::Post,
        "/gmail/v1/users/me/messages/import?internalDateSource=dateHeader",
        Some(
            json!({"raw": URL_SAFE.encode(raw.replace("\n", "\r\n").replace("\r\r", "\r")), "labelIds": labels}),
        ),
    );
    (r["id"].as_str().unwrap().to_string(), name)
}

fn fixture() -> Fixture {
    let mut w = world_with(Scale::EMPTY);
    let atlas = ok(
        &mut w,
        Method::Post,
        "/gmail/v1/users/me/labels",
        Some(json!({"name": "Projects/Atlas"})),
    );
    let atlas = atlas["id"].as_str().unwrap().to_string();
    let atlas: &'static str = Box::leak(atlas.into_boxed_str());
    let names = vec![
        add(&mut w, "invoice",
            "From: Acme Billing <billing@acme.io>\nTo: alex@nexusai.com\nSubject: Invoice INV-2041 from Acme\nDate: Tue, 10 Mar 2026 10:00:00 -0700\nMessage-ID: <inv2041@acme.io>",
            "Please pay by Friday. Thanks!", &["INBOX", "UNREAD"], Some("invoice-2041.pdf")),
        add(&mut w, "lunch",
            "From: Priya Patel <priya@nexusai.com>\nTo: alex@nexusai.com\nCc: Jordan Rivera <jordan@nexusai.com>\nSubject: Team lunch Friday\nDate: Thu, 12 Mar 2026 09:30:00 -0700",
            "Tacos at noon? Let me know.", &["INBOX", "STARRED", "IMPORTANT", "CATEGORY_PERSONAL"], None),
        add(&mut w, "report",
            "From: Alex Chen <alex@nexusai.com>\nTo: sarah@nexusai.com\nBcc: emma@nexusai.com\nSubject: Quarterly report draft\nDate: Sun, 01 Feb 2026 18:00:00 -0800",
            "Attached the Q1 numbers.", &["SENT"], None),
        add(&mut w, "digest",
            "From: Tech Weekly <news@techweekly.com>\nTo: alex@nexusai.com\nSubject: Weekly digest\nDate: Mon, 01 Dec 2025 06:00:00 -0800\nList-Id: <weekly.techweekly.com>",
            "Top stories: quantum computing and robots.", &["CATEGORY_PROMOTIONS"], None),
        add(&mut w, "spam",
            "From: winner@spam.biz\nTo: alex@nexusai.com\nSubject: You won a prize\nDate: Sun, 15 Mar 2026 03:00:00 -0700",
            "Claim your prize now, lunch included.", &["SPAM", "UNREAD"], None),
        add(&mut w, "oldmenu",
            "From: Priya Patel <priya@nexusai.com>\nTo: alex@nexusai.com\nSubject: Old lunch menu\nDate: Mon, 01 Jun 2025 12:00:00 -0700",
            "The lunch menu is attached.", &["TRASH"], Some("menu.docx")),
        add(&mut w, "atlas",
            "From: Jordan Rivera <jordan@nexusai.com>\nTo: alex@nexusai.com\nSubject: Project Atlas kickoff\nDate: Sat, 14 Mar 2026 11:00:00 -0700",
            "Kickoff meeting notes for the Atlas project.", &["INBOX", atlas], None),
    ];
    Fixture { world: w, names }
}

impl Fixture {
    fn search(&mut self, q: &str) -> BTreeSet<&'static str> {
        self.search_with(q, "")
    }

    fn search_with(&mut self, q: &str, extra: &str) -> BTreeSet<&'static str> {
        let path = format!(
            "/gmail/v1/users/me/messages?maxResults=500&q={}{extra}",
            utf8_percent_encode(q, NON_ALPHANUMERIC)
        );
        let r = ok(&mut self.world, Method::Get, &path, None);
        r["messages"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|m| {
                        let id = m["id"].as_str().unwrap();
                        self.names.iter().find(|(i, _)| i == id).unwrap().1
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn set(names: &[&'static str]) -> BTreeSet<&'static str> {
    names.iter().copied().collect()
}

macro_rules! check {
    ($f:expr, $q:expr, [$($n:expr),*]) => {
        assert_eq!($f.search($q), set(&[$($n),*]), "query {:?}", $q);
    };
}

#[test]
fn address_operators() {
    let mut f = fixture();
    check!(f, "", ["invoice", "lunch", "report", "digest", "atlas"]);
    check!(f, "from:priya", ["lunch"]);
    check!(f, "from:priya@nexusai.com", ["lunch"]);
    check!(f, "from:\"Priya Patel\"", ["lunch"]);
    check!(f, "from:acme.io", ["invoice"]);
    check!(f, "from:me", ["report"]);
    check!(f, "to:sarah", ["report"]);
    check!(f, "to:jordan", ["lunch"]);
    check!(f, "cc:jordan", ["lunch"]);
    check!(f, "cc:priya", []);
    check!(f, "bcc:emma", ["report"]);
    check!(f, "to:me", ["invoice", "lunch", "digest", "atlas"]);
    check!(f, "FROM:PRIYA", ["lunch"]);
    check!(f, "rfc822msgid:<inv2041@acme.io>", ["invoice"]);
    check!(f, "list:techweekly.com", ["digest"]);
}

#[test]
fn text_subject_and_phrases() {
    let mut f = fixture();
    check!(f, "subject:lunch", ["lunch"]);
    check!(f, "subject:(team lunch)", ["lunch"]);
    check!(f, "subject:\"lunch friday\"", ["lunch"]);
    check!(f, "subject:\"friday lunch\"", []);
    check!(f, "lunch", ["lunch"]);
    check!(f, "tacos", ["lunch"]);
    check!(f, "Tacos", ["lunch"]);
    check!(f, "taco", []);
    check!(f, "\"pay by friday\"", ["invoice"]);
    check!(f, "\"friday pay\"", []);
    check!(f, "INV-2041", ["invoice"]);
    check!(f, "inv 2041", ["invoice"]);
    check!(f, "quantum robots", ["digest"]);
    check!(f, "lunch AND tacos", ["lunch"]);
    check!(f, "unknownop:value", []);
    check!(f, "tacos @", ["lunch"]);
    check!(f, "subject:\"\" tacos", ["lunch"]);
}

#[test]
fn labels_state_and_categories() {
    let mut f = fixture();
    check!(f, "is:unread", ["invoice"]);
    check!(f, "is:read", ["lunch", "report", "digest", "atlas"]);
    check!(f, "is:starred", ["lunch"]);
    check!(f, "is:important", ["lunch"]);
    check!(f, "is:snoozed", []);
    check!(f, "in:inbox", ["invoice", "lunch", "atlas"]);
    check!(f, "in:sent", ["report"]);
    check!(f, "label:inbox", ["invoice", "lunch", "atlas"]);
    check!(f, "label:projects-atlas", ["atlas"]);
    check!(f, "label:Projects/Atlas", ["atlas"]);
    check!(f, "label:\"projects atlas\"", ["atlas"]);
    check!(f, "label:PROJECTS_ATLAS", ["atlas"]);
    check!(f, "label:nosuchlabel", []);
    check!(f, "category:promotions", ["digest"]);
    check!(f, "category:primary", ["lunch"]);
    check!(f, "category:social", []);
    check!(f, "has:userlabels", ["atlas"]);
    check!(
        f,
        "has:nouserlabels",
        ["invoice", "lunch", "report", "digest"]
    );
    check!(f, "has:attachment", ["invoice"]);
    check!(f, "filename:pdf", ["invoice"]);
    check!(f, "filename:invoice-2041.pdf", ["invoice"]);
    check!(f, "filename:docx", []);
}

#[test]
fn spam_and_trash_scope() {
    let mut f = fixture();
    check!(f, "prize", []);
    check!(f, "in:spam", ["spam"]);
    check!(f, "in:trash", ["oldmenu"]);
    check!(f, "lunch in:trash", ["oldmenu"]);
    check!(f, "from:priya in:anywhere", ["lunch", "oldmenu"]);
    check!(f, "has:attachment in:anywhere", ["invoice", "oldmenu"]);
    check!(
        f,
        "in:anywhere",
        ["invoice", "lunch", "report", "digest", "spam", "oldmenu", "atlas"]
    );
    assert_eq!(
        f.search_with("prize", "&includeSpamTrash=true"),
        set(&["spam"])
    );
    assert_eq!(f.search_with("lunch", "&labelIds=TRASH"), set(&["oldmenu"]));
    assert_eq!(
        f.search_with("from:priya", "&labelIds=INBOX"),
        set(&["lunch"])
    );
    assert_eq!(
        f.search_with("", "&labelIds=INBOX,UNREAD"),
        set(&["invoice"])
    );
}

#[test]
fn dates_absolute_relative_and_epoch() {
    let mut f = fixture();
    // now is 2026-03-16 09:00 in Los Angeles; dates are read in the user's zone
    check!(f, "after:2026/03/11", ["lunch", "atlas"]);
    check!(f, "after:2026-03-11", ["lunch", "atlas"]);
    check!(f, "after:03/11/2026", ["lunch", "atlas"]);
    check!(f, "before:2026/01/01", ["digest"]);
    check!(
        f,
        "after:2026/03/01 before:2026/03/13",
        ["invoice", "lunch"]
    );
    check!(f, "after:2026/03/12 before:2026/03/13", ["lunch"]);
    // 2026-03-13T00:00:00Z
    check!(f, "after:1773360000", ["atlas"]);
    check!(f, "older_than:1y", []);
    check!(f, "older_than:2m", ["digest"]);
    check!(f, "newer_than:7d", ["invoice", "lunch", "atlas"]);
    check!(f, "newer_than:3d", ["atlas"]);
    check!(f, "newer_than:1w", ["invoice", "lunch", "atlas"]);
    check!(f, "after:2026/13/45", []);
    check!(f, "older_than:xyz", []);
}

#[test]
fn boolean_structure() {
    let mut f = fixture();
    check!(f, "from:priya OR from:jordan", ["lunch", "atlas"]);
    check!(f, "from:priya | from:jordan", ["lunch", "atlas"]);
    check!(f, "{from:priya from:jordan}", ["lunch", "atlas"]);
    check!(f, "from:{priya jordan}", ["lunch", "atlas"]);
    check!(f, "-from:priya", ["invoice", "report", "digest", "atlas"]);
    check!(f, "-{lunch atlas}", ["invoice", "report", "digest"]);
    check!(f, "-(lunch OR atlas)", ["invoice", "report", "digest"]);
    check!(f, "(from:priya OR from:jordan) is:starred", ["lunch"]);
    check!(f, "(from:priya OR from:jordan) -is:starred", ["atlas"]);
    // OR binds tighter than the implicit AND, as in Gmail
    check!(f, "atlas OR lunch tacos", ["lunch"]);
    check!(f, "tacos atlas OR lunch", ["lunch"]);
    check!(f, "-is:unread -is:starred in:inbox", ["atlas"]);
    // lenient with broken input
    check!(f, "(lunch", ["lunch"]);
    check!(f, "lunch)", ["lunch"]);
    check!(f, "\"pay by", ["invoice"]);
    check!(f, "OR", ["invoice", "lunch", "report", "digest", "atlas"]);
}

#[test]
fn threads_use_the_same_language_and_bad_queries_are_400() {
    let mut f = fixture();
    let r = ok(
        &mut f.world,
        Method::Get,
        "/gmail/v1/users/me/threads?q=from%3Apriya%20OR%20from%3Ajordan",
        None,
    );
    assert_eq!(r["resultSizeEstimate"], 2);
    let deep = "(".repeat(200);
    let resp = crate::support::call(
        &mut f.world,
        Method::Get,
        &format!(
            "/gmail/v1/users/me/messages?q={}",
            utf8_percent_encode(&deep, NON_ALPHANUMERIC)
        ),
        None,
    );
    assert_eq!(resp.status, 400);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, failure_persistence: None, ..Default::default() })]

    /// Whatever `q` holds, messages.list and threads.list answer 200 (or 400 for absurd nesting).
    #[test]
    fn any_query_gets_an_answer(parts in proptest::collection::vec(
        proptest::prelude::prop_oneof![
            proptest::prelude::Just("("), proptest::prelude::Just(")"), proptest::prelude::Just("{"),
            proptest::prelude::Just("}"), proptest::prelude::Just("-"), proptest::prelude::Just(" OR "),
            proptest::prelude::Just("|"), proptest::prelude::Just("\""), proptest::prelude::Just("from:"),
            proptest::prelude::Just("label:"), proptest::prelude::Just("after:"), proptest::prelude::Just("newer_than:"),
            proptest::prelude::Just("lunch"), proptest::prelude::Just(" "), proptest::prelude::Just("9d"),
            proptest::prelude::Just("2026/03/01"), proptest::prelude::Just("in:anywhere"), proptest::prelude::Just("é✓"),
        ],
        0..30,
    )) {
        let q: String = parts.concat();
        let mut f = fixture();
        for list in ["messages", "threads"] {
            let path = format!(
                "/gmail/v1/users/me/{list}?q={}",
                utf8_percent_encode(&q, NON_ALPHANUMERIC)
            );
            let resp = crate::support::call(&mut f.world, Method::Get, &path, None);
            proptest::prop_assert!(resp.status == 200 || resp.status == 400, "{} for {q:?}: {}", resp.status, resp.body);
        }
    }
}

/// A list without `q` is filtered, counted and paged by SQLite from the list index; it must page
/// exactly as the full search path does (forced here with a `q` that excludes nothing), under
/// every label filter and scope.
#[test]
fn list_without_q_equals_the_search_path() {
    let mut w = crate::support::world();
    // Put some mail in spam and trash so the scopes differ.
    let first = ok(
        &mut w,
        Method::Get,
        "/gmail/v1/users/me/messages?maxResults=4",
        None,
    );
    let ids: Vec<String> = first["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["id"].as_str().expect("id").to_string())
        .collect();
    ok(
        &mut w,
        Method::Post,
        &format!("/gmail/v1/users/me/messages/{}/trash", ids[0]),
        None,
    );
    ok(
        &mut w,
        Method::Post,
        &format!("/gmail/v1/users/me/messages/{}/modify", ids[1]),
        Some(json!({"addLabelIds": ["SPAM"]})),
    );
    // One message both in spam and in trash, and starred ones.
    ok(
        &mut w,
        Method::Post,
        &format!("/gmail/v1/users/me/messages/{}/modify", ids[2]),
        Some(json!({"addLabelIds": ["SPAM", "TRASH", "STARRED"]})),
    );
    ok(
        &mut w,
        Method::Post,
        &format!("/gmail/v1/users/me/messages/{}/modify", ids[3]),
        Some(json!({"addLabelIds": ["STARRED"]})),
    );
    let pages = |w: &mut World, query: &str| -> Vec<serde_json::Value> {
        let mut out = Vec::new();
        let mut token = String::new();
        loop {
            let path = format!("/gmail/v1/users/me/messages?maxResults=7{query}{token}");
            let page = ok(w, Method::Get, &path, None);
            let next = page["nextPageToken"].as_str().map(str::to_string);
            out.push(page);
            match next {
                Some(t) => token = format!("&pageToken={t}"),
                None => return out,
            }
        }
    };
    for filter in [
        "",
        "&labelIds=INBOX",
        "&labelIds=UNREAD&labelIds=INBOX",
        "&labelIds=SPAM",
        "&labelIds=TRASH",
        "&labelIds=SPAM&labelIds=TRASH",
        "&includeSpamTrash=true",
        "&includeSpamTrash=true&labelIds=UNREAD",
        "&labelIds=STARRED",
    ] {
        let fast = pages(&mut w, filter);
        let slow = pages(&mut w, &format!("{filter}&q=-zzqqxnotinanymail"));
        assert_eq!(fast, slow, "filter {filter:?}");
        assert!(
            fast[0]["resultSizeEstimate"]
                .as_u64()
                .is_some_and(|n| n > 0),
            "{filter}"
        );
    }
}
