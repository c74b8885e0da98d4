//! Drive and Docs under random input: requests built from their own routes, ids, query
//! parameters (q, fields, orderBy, paging, parents…) and bodies (File, Permission, Comment and
//! batchUpdate shapes, multipart junk) never produce a 500 or a malformed error, and the world
//! stays consistent.

use env0_world::{Method, Request};
use proptest::prelude::*;
use serde_json::{json, Value};

fn ids() -> Vec<String> {
    let w = crate::support::world();
    let mut stmt = w
        .conn()
        .prepare("SELECT id FROM drive_files ORDER BY id")
        .unwrap();
    let mut out: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut perms = w
        .conn()
        .prepare("SELECT DISTINCT id FROM drive_permissions")
        .unwrap();
    out.extend(
        perms
            .query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(Result::unwrap),
    );
    out.extend(
        [
            "root",
            "head",
            "anyoneWithLink",
            "",
            "x",
            "%00",
            "..",
            "trash",
        ]
        .map(String::from),
    );
    out
}

fn patterns() -> Vec<(Method, &'static str)> {
    env0_world::endpoints()
        .into_iter()
        .filter(|e| e.service == "drive" || e.service == "docs")
        .map(|e| (e.method, e.pattern))
        .collect()
}

fn q() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "name",
            "=",
            "!=",
            "'a'",
            "and",
            "or",
            "not",
            "(",
            ")",
            "{",
            "}",
            "in",
            "parents",
            "owners",
            "'alex@nexusai.com'",
            "contains",
            "properties",
            "has",
            "key",
            "value",
            "trashed",
            "true",
            "false",
            "<",
            ">=",
            "modifiedTime",
            "'2026-01-01T00:00:00'",
            "sharedWithMe",
            "fullText",
            "'Offline'",
            "mimeType",
            "'application/vnd.google-apps.folder'",
            "visibility",
            "'anyoneWithLink'",
            "'root'",
            "ownedByMe",
            "starred",
            "\\",
            "'",
            "me",
        ]),
        0..10,
    )
    .prop_map(|v| v.join(" "))
}

fn query() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "q",
        "fields",
        "orderBy",
        "pageSize",
        "pageToken",
        "addParents",
        "removeParents",
        "alt",
        "mimeType",
        "uploadType",
        "transferOwnership",
        "corpora",
        "spaces",
        "count",
        "includeDeleted",
        "suggestionsViewMode",
        "includeTabsContent",
        "removeExpiration",
    ]);
    let value = prop_oneof![
        q(),
        prop::sample::select(vec![
            "*",
            "files(id,name)",
            "files(id",
            "nextPageToken,files(owners(emailAddress))",
            "name desc",
            "folder,modifiedTime desc",
            "bogus",
            "0",
            "5",
            "1001",
            "media",
            "json",
            "text/plain",
            "text/html",
            "multipart",
            "resumable",
            "true",
            "false",
            "domain",
            "drive",
            "root",
            "b2Zmc2V0OjU",
            "PREVIEW_WITHOUT_SUGGESTIONS",
            "photos",
        ])
        .prop_map(str::to_string),
    ];
    prop::collection::vec((key, value), 0..4).prop_map(|pairs| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            s.append_pair(k, &v);
        }
        s.finish()
    })
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-3i64..80).prop_map(Value::from),
        prop::sample::select(vec![
            "x",
            "reader",
            "writer",
            "owner",
            "commenter",
            "organizer",
            "user",
            "anyone",
            "domain",
            "group",
            "noah@nexusai.com",
            "dana@horizonvc.com",
            "nexusai.com",
            "resolve",
            "reopen",
            "application/vnd.google-apps.document",
            "application/vnd.google-apps.folder",
            "text/plain",
            "2030-01-01T00:00:00Z",
            "2020-01-01T00:00:00Z",
            "",
            "root",
            "*",
            "bold",
            "HEADING_1",
            "kix.x",
            "DEFAULT",
        ])
        .prop_map(|s| Value::String(s.to_string())),
    ]
}

fn body() -> impl Strategy<Value = Option<String>> {
    let key = prop::sample::select(vec![
        "name",
        "mimeType",
        "parents",
        "trashed",
        "starred",
        "description",
        "properties",
        "appProperties",
        "id",
        "type",
        "role",
        "emailAddress",
        "domain",
        "allowFileDiscovery",
        "expirationTime",
        "content",
        "action",
        "title",
        "keepForever",
        "writersCanShare",
        "contentText",
        "quotedFileContent",
    ]);
    let obj = prop::collection::vec((key, prop_oneof![3 => leaf(), 1 => prop::collection::vec(leaf(), 0..3).prop_map(Value::Array)]), 0..5)
        .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()));
    let req = prop_oneof![
        (0u32..40, prop::sample::select(vec!["a", "\n", "b\nc"])).prop_map(|(i, t)| json!({"insertText": {"location": {"index": i}, "text": t}})),
        (0u32..40, 0u32..8).prop_map(|(a, l)| json!({"deleteContentRange": {"range": {"startIndex": a, "endIndex": a + l}}})),
        leaf().prop_map(|v| json!({"replaceAllText": {"containsText": {"text": v}, "replaceText": "r"}})),
        (0u32..40, 0u64..3).prop_map(|(i, n)| json!({"insertTable": {"location": {"index": i}, "rows": n, "columns": n}})),
        leaf().prop_map(|v| json!({"createHeader": {"type": v}})),
        leaf().prop_map(|v| json!({"updateTextStyle": {"range": {"startIndex": 1, "endIndex": 3}, "textStyle": {"bold": v}, "fields": "bold"}})),
        leaf().prop_map(|v| json!({"insertInlineImage": v})),
        leaf().prop_map(|v| json!({ "createNamedRange": {"name": v, "range": {"startIndex": 1, "endIndex": 2}} })),
        leaf(),
    ];
    prop_oneof![
        2 => Just(None),
        3 => obj.prop_map(|v| Some(v.to_string())),
        2 => (prop::collection::vec(req, 0..4), leaf()).prop_map(|(r, rev)| Some(json!({"requests": r, "writeControl": {"requiredRevisionId": rev}}).to_string())),
        1 => prop::sample::select(vec![
            "{", "[]", "null", "12", "--b\r\n\r\n{}\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--",
            "--b\r\n\r\n{bad\r\n--b--", "--", "no boundary",
        ]).prop_map(|s| Some(s.to_string())),
    ]
}

fn request(ids: Vec<String>) -> impl Strategy<Value = Request> {
    (
        prop::sample::select(patterns()),
        prop::collection::vec(prop::sample::select(ids), 4),
        query(),
        body(),
        prop::sample::select(vec![
            "alex@nexusai.com",
            "user_jordan",
            "dana@horizonvc.com",
            "olivia@nexusai.com",
            "ben.carter@outlook.com",
        ]),
    )
        .prop_map(|((method, pattern), fills, query, body, user)| {
            let path = crate::support::random_requests::fill_pattern(pattern, fills);
            let path = if query.is_empty() {
                path
            } else {
                format!("{path}?{query}")
            };
            Request {
                method,
                path,
                user: Some(user.to_string()),
                body,
                token: None,
                content_type: None,
                binary_body: None,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn drive_and_docs_never_fail_internally(reqs in prop::collection::vec(request(ids()), 1..15)) {
        let mut w = crate::support::world();
        for req in &reqs {
            let resp = w.handle(req);
            prop_assert!(resp.status != 500, "{} {} {:?} -> {}", req.method, req.path, req.body, resp.body);
            prop_assert!([200, 204, 400, 401, 403, 404, 405, 409].contains(&resp.status), "{} {} -> {} {}", req.method, req.path, resp.status, resp.body);
            if !resp.is_success() {
                prop_assert_eq!(&resp.body["error"]["code"], &json!(resp.status));
            }
        }
        // Every Doc still renders with valid indices and matching text.
        let ids: Vec<String> = {
            let mut stmt = w.conn().prepare("SELECT id FROM docs_documents").unwrap();
            stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
        };
        for id in ids {
            let doc = w.handle(&Request::get(format!("/v1/documents/{id}")).as_user("sarah@nexusai.com"));
            prop_assert!(doc.status == 200 || doc.status == 404 || doc.status == 400, "{}", doc.body);
        }
        prop_assert!(w.state_hash().is_ok());
    }
}
