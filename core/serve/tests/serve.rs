//! env0 serve over real HTTP on loopback (ureq as the client): services, worlds, admin API,
//! and what bad requests get.

use std::net::SocketAddr;

use env0_serve::{start, Options, Running, Server};
use env0_world::{seeded_world, Scale, WorldOptions};
use serde_json::{json, Value};

const ADMIN: &str = "test-admin-token";

fn server(max_worlds: usize) -> Running {
    let base = seeded_world(&WorldOptions::default(), Scale::DEFAULT)
        .and_then(|mut w| w.snapshot())
        .expect("seeding the base world");
    let mut options = Options::new(ADMIN);
    options.max_body_bytes = 64 * 1024;
    options.max_worlds = max_worlds;
    let server = Server::new(base, options).expect("server");
    let addr: SocketAddr = "127.0.0.1:0".parse().expect("addr");
    start(server, &[addr]).expect("starting the server")
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// (status, parsed body or the raw text as a JSON string)
fn send(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> (u16, Value) {
    let mut req = ureq::http::Request::builder().method(method).uri(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req
        .body(body.map(<[u8]>::to_vec).unwrap_or_default())
        .expect("request");
    let mut resp = agent().run(req).expect("HTTP round trip");
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().expect("body");
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}

fn admin(method: &str, url: &str, body: Option<Value>) -> (u16, Value) {
    let body = body.map(|b| b.to_string());
    send(
        method,
        url,
        &[("X-Env0-Admin-Token", ADMIN)],
        body.as_deref().map(str::as_bytes),
    )
}

fn label_names(url: &str, world: &str) -> Vec<String> {
    let (status, body) = send(
        "GET",
        &format!("{url}/gmail/v1/users/me/labels"),
        &[("X-Env0-World", world)],
        None,
    );
    assert_eq!(status, 200, "{body}");
    body["labels"]
        .as_array()
        .expect("labels")
        .iter()
        .filter_map(|l| l["name"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn services_answer_on_one_port_and_worlds_are_isolated() {
    let s = server(100);
    let url = s.url();
    assert_eq!(
        send("GET", &format!("{url}/health"), &[], None),
        (200, json!({"status": "ok"}))
    );

    let (status, body) = send(
        "GET",
        &format!("{url}/gmail/v1/users/me/messages?maxResults=3"),
        &[],
        None,
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["messages"].as_array().map(Vec::len), Some(3));
    let (status, body) = send("POST", &format!("{url}/api/auth.test"), &[], None);
    assert_eq!((status, &body["ok"]), (200, &json!(true)), "{body}");
    let (status, body) = send(
        "GET",
        &format!("{url}/calendar/v3/calendars/primary/events?maxResults=2"),
        &[],
        None,
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["kind"], "calendar#events");

    let (status, created) = admin(
        "POST",
        &format!("{url}/_admin/worlds"),
        Some(json!({"name": "r1"})),
    );
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["name"], "r1");
    // A write through the path prefix lands in r1 only.
    let (status, body) = send(
        "POST",
        &format!("{url}/worlds/r1/gmail/v1/users/me/labels"),
        &[("Content-Type", "application/json")],
        Some(br#"{"name": "Only-in-r1"}"#),
    );
    assert_eq!(status, 200, "{body}");
    assert!(label_names(&url, "r1").contains(&"Only-in-r1".to_string()));
    assert!(!label_names(&url, "default").contains(&"Only-in-r1".to_string()));

    // A world copied from r1 has the label; one from the base does not.
    assert_eq!(
        admin(
            "POST",
            &format!("{url}/_admin/worlds"),
            Some(json!({"name": "r2", "from": "r1"}))
        )
        .0,
        201
    );
    assert!(label_names(&url, "r2").contains(&"Only-in-r1".to_string()));
    let (status, anon) = admin("POST", &format!("{url}/_admin/worlds"), None);
    assert_eq!(status, 201, "{anon}");
    let anon = anon["name"].as_str().expect("generated name").to_string();
    assert!(!label_names(&url, &anon).contains(&"Only-in-r1".to_string()));

    let (_, list) = admin("GET", &format!("{url}/_admin/worlds"), None);
    assert_eq!(list["count"], 4, "{list}");
    assert_eq!(
        admin("DELETE", &format!("{url}/_admin/worlds/r2"), None).0,
        200
    );
    let (status, body) = send(
        "GET",
        &format!("{url}/worlds/r2/gmail/v1/users/me/labels"),
        &[],
        None,
    );
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["error"]["status"], "NOT_FOUND");
    s.stop().expect("clean stop");
}

#[test]
fn admin_api_state_diff_log_snapshots_and_reset() {
    let s = server(100);
    let url = s.url();
    let w = |path: &str| format!("{url}/worlds/default/_admin/{path}");
    let (_, h0) = admin("GET", &w("state_hash"), None);
    let h0 = h0["hash"].as_str().expect("hash").to_string();
    assert_eq!(admin("GET", &w("diff"), None), (200, json!({})));

    assert_eq!(admin("POST", &w("snapshot/before"), None).0, 200);
    let (status, _) = send(
        "POST",
        &format!("{url}/gmail/v1/users/me/labels"),
        &[],
        Some(br#"{"name":"L1"}"#),
    );
    assert_eq!(status, 200);
    let (_, diff) = admin("GET", &w("diff"), None);
    assert_eq!(diff["gmail_labels"]["added"][0]["name"], "L1", "{diff}");
    let (_, log) = admin("GET", &w("action_log"), None);
    assert_eq!(log["count"], 1, "{log}");
    assert_eq!(log["entries"][0]["path"], "/gmail/v1/users/me/labels");
    assert_ne!(admin("GET", &w("state_hash"), None).1["hash"], json!(h0));

    assert_eq!(
        admin("GET", &w("snapshots"), None).1,
        json!({"snapshots": ["before"]})
    );
    assert_eq!(admin("POST", &w("restore/before"), None).0, 200);
    assert_eq!(admin("GET", &w("state_hash"), None).1["hash"], json!(h0));
    let (status, body) = admin("POST", &w("restore/nope"), None);
    assert_eq!(
        (status, &body["error"]["status"]),
        (404, &json!("NOT_FOUND"))
    );

    send(
        "POST",
        &format!("{url}/gmail/v1/users/me/labels"),
        &[],
        Some(br#"{"name":"L2"}"#),
    );
    assert_eq!(admin("POST", &w("reset"), None).0, 200);
    assert_eq!(admin("GET", &w("state_hash"), None).1["hash"], json!(h0));
    assert_eq!(admin("GET", &w("action_log"), None).1["count"], 0);
    // The full state is the world's dump.
    let (status, state) = admin("GET", &w("state"), None);
    assert_eq!(status, 200);
    assert!(state["gmail_messages"]
        .as_array()
        .is_some_and(|m| m.len() > 10));
    let (status, body) = admin("GET", &w("nothing-here"), None);
    assert_eq!(status, 404, "{body}");
    s.stop().expect("clean stop");
}

#[test]
fn an_agent_token_does_not_open_the_admin_api() {
    let s = server(100);
    let url = s.url();
    // The admin API needs the admin header: none, a wrong one, a user's bearer token all fail.
    let (status, body) = send("GET", &format!("{url}/_admin/state"), &[], None);
    assert_eq!(
        (status, &body["error"]["status"]),
        (401, &json!("UNAUTHENTICATED")),
        "{body}"
    );
    let (status, _) = send(
        "GET",
        &format!("{url}/_admin/worlds"),
        &[("X-Env0-Admin-Token", "guess")],
        None,
    );
    assert_eq!(status, 403);
    let (status, _) = send(
        "GET",
        &format!("{url}/_admin/worlds"),
        &[("Authorization", &format!("Bearer {ADMIN}"))],
        None,
    );
    assert_eq!(status, 401, "the admin token is not a bearer token");
    // The prefix form needs it too.
    let (status, _) = send(
        "POST",
        &format!("{url}/worlds/default/_admin/reset"),
        &[],
        None,
    );
    assert_eq!(status, 401);
    // A Slack user token from the world is no admin token.
    let (_, state) = admin("GET", &format!("{url}/_admin/state"), None);
    let token = state["slack_tokens"]
        .as_array()
        .and_then(|t| t.iter().find_map(|r| r["token"].as_str()))
        .expect("a seeded Slack token")
        .to_string();
    let (status, body) = send(
        "POST",
        &format!("{url}/api/auth.test"),
        &[("Authorization", &format!("Bearer {token}"))],
        None,
    );
    assert_eq!((status, &body["ok"]), (200, &json!(true)), "{body}");
    let (status, _) = send(
        "GET",
        &format!("{url}/_admin/state"),
        &[("X-Env0-Admin-Token", &token)],
        None,
    );
    assert_eq!(status, 403);
    s.stop().expect("clean stop");
}

#[test]
fn bad_requests_get_clear_errors_and_the_server_goes_on() {
    let s = server(3);
    let url = s.url();
    let labels = format!("{url}/gmail/v1/users/me/labels");
    // Over the body limit (64 KiB here).
    let big = vec![b'x'; 100 * 1024];
    let (status, body) = send("POST", &labels, &[], Some(&big));
    assert_eq!(status, 413, "{body}");
    // Not UTF-8.
    let (status, body) = send("POST", &labels, &[], Some(&[0xff, 0xfe, 0x00]));
    assert_eq!(
        (status, &body["error"]["errors"][0]["reason"]),
        (400, &json!("badContent")),
        "{body}"
    );
    // Malformed JSON: the service's own 400.
    let (status, body) = send("POST", &labels, &[], Some(b"{\"name\": "));
    assert_eq!(status, 400, "{body}");
    // A method no service has.
    let (status, body) = send("TRACE", &labels, &[], None);
    assert_eq!(status, 405, "{body}");
    // Admin: bad names, duplicates, a full server.
    let worlds = format!("{url}/_admin/worlds");
    assert_eq!(admin("POST", &worlds, Some(json!({"name": "../x"}))).0, 400);
    assert_eq!(admin("POST", &worlds, Some(json!({"name": 7}))).0, 400);
    assert_eq!(
        send(
            "POST",
            &worlds,
            &[("X-Env0-Admin-Token", ADMIN)],
            Some(b"[")
        )
        .0,
        400
    );
    assert_eq!(admin("POST", &worlds, Some(json!({"name": "a"}))).0, 201);
    assert_eq!(admin("POST", &worlds, Some(json!({"name": "a"}))).0, 409);
    assert_eq!(admin("POST", &worlds, Some(json!({"name": "b"}))).0, 201);
    assert_eq!(admin("POST", &worlds, Some(json!({"name": "c"}))).0, 429);
    assert_eq!(
        admin("POST", &worlds, Some(json!({"name": "c", "from": "zz"}))).0,
        404
    );
    // Still serving.
    assert_eq!(send("GET", &format!("{url}/health"), &[], None).0, 200);
    assert_eq!(
        label_names(&url, "a").len(),
        label_names(&url, "default").len()
    );
    s.stop().expect("clean stop");
}

#[test]
fn parallel_clients_on_their_own_worlds_see_only_their_writes() {
    let s = server(100);
    let url = s.url();
    std::thread::scope(|scope| {
        for i in 0..6 {
            let url = url.clone();
            scope.spawn(move || {
                let name = format!("p{i}");
                assert_eq!(
                    admin(
                        "POST",
                        &format!("{url}/_admin/worlds"),
                        Some(json!({"name": name}))
                    )
                    .0,
                    201
                );
                for j in 0..5 {
                    let body = format!(r#"{{"name": "w{i}-{j}"}}"#);
                    let (status, resp) = send(
                        "POST",
                        &format!("{url}/gmail/v1/users/me/labels"),
                        &[("X-Env0-World", &name)],
                        Some(body.as_bytes()),
                    );
                    assert_eq!(status, 200, "{resp}");
                }
            });
        }
    });
    for i in 0..6 {
        let mine: Vec<String> = label_names(&url, &format!("p{i}"))
            .into_iter()
            .filter(|n| n.starts_with('w'))
            .collect();
        let expected: Vec<String> = (0..5).map(|j| format!("w{i}-{j}")).collect();
        let mut mine_sorted = mine.clone();
        mine_sorted.sort();
        assert_eq!(mine_sorted, expected);
    }
    s.stop().expect("clean stop");
}

/// (status, a response header, body text)
fn send_raw(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    header: &str,
) -> (u16, Option<String>, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut req = ureq::http::Request::builder().method(method).uri(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut resp = agent
        .run(req.body(body.to_vec()).expect("request"))
        .expect("HTTP round trip");
    let value = resp
        .headers()
        .get(header)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    (resp.status().as_u16(), value, text)
}

#[test]
fn resumable_uploads_take_chunks_in_order_and_refuse_the_rest() {
    let running = server(8);
    let url = running.url();
    admin(
        "POST",
        &format!("{url}/_admin/worlds"),
        Some(json!({"name": "up"})),
    );
    let files = format!("{url}/worlds/up/upload/drive/v3/files");
    let open = |name: &str| -> String {
        let (status, location, text) = send_raw(
            "POST",
            &format!("{files}?uploadType=resumable&fields=id,name,size"),
            &[
                ("Content-Type", "application/json"),
                ("X-Upload-Content-Type", "text/plain"),
            ],
            json!({ "name": name }).to_string().as_bytes(),
            "location",
        );
        assert_eq!(status, 200, "{text}");
        let location = location.expect("a Location header");
        assert!(location.starts_with(&files), "{location}");
        location
    };

    // Two chunks in order, a status query between them, then the file.
    let at = open("notes.txt");
    let (status, range, _) = send_raw(
        "PUT",
        &at,
        &[("Content-Range", "bytes 0-5/11")],
        b"hello ",
        "range",
    );
    assert_eq!((status, range.as_deref()), (308, Some("bytes=0-5")));
    let (status, range, _) = send_raw("PUT", &at, &[("Content-Range", "bytes */11")], b"", "range");
    assert_eq!((status, range.as_deref()), (308, Some("bytes=0-5")));
    // A chunk that skips ahead, or whose length does not match its range, is refused.
    let (status, _, text) = send_raw(
        "PUT",
        &at,
        &[("Content-Range", "bytes 7-10/11")],
        b"orld",
        "range",
    );
    assert_eq!(status, 400, "{text}");
    let (status, _, text) = send_raw(
        "PUT",
        &at,
        &[("Content-Range", "bytes 6-10/11")],
        b"wor",
        "range",
    );
    assert_eq!(status, 400, "{text}");
    let (status, _, text) = send_raw(
        "PUT",
        &at,
        &[("Content-Range", "bytes 6-10/11")],
        b"world",
        "range",
    );
    assert_eq!(status, 200, "{text}");
    let file: Value = serde_json::from_str(&text).expect("file JSON");
    assert_eq!(
        (file["name"].as_str(), file["size"].as_str()),
        (Some("notes.txt"), Some("11"))
    );
    let (status, body) = send(
        "GET",
        &format!(
            "{url}/worlds/up/drive/v3/files/{}?alt=media",
            file["id"].as_str().unwrap()
        ),
        &[],
        None,
    );
    assert_eq!((status, body), (200, json!("hello world")));
    // The session is over.
    let (status, _, _) = send_raw("PUT", &at, &[], b"again", "range");
    assert_eq!(status, 404);

    // A session belongs to its world; a made-up id is unknown; bytes that are not UTF-8 are
    // content like any other.
    let at = open("other.txt");
    let elsewhere = at.replace("/worlds/up/", "/worlds/default/");
    assert_eq!(send_raw("PUT", &elsewhere, &[], b"x", "range").0, 404);
    let made_up = format!("{files}?uploadType=resumable&upload_id=000");
    assert_eq!(send_raw("PUT", &made_up, &[], b"x", "range").0, 404);
    let binary = [0xff, 0xfe, 0x00, b'\r', b'\n', 0x80];
    let (status, _, text) = send_raw("PUT", &at, &[], &binary, "range");
    assert_eq!(status, 200, "{text}");
    let file: Value = serde_json::from_str(&text).expect("file JSON");
    let media = ureq::get(format!(
        "{url}/worlds/up/drive/v3/files/{}?alt=media",
        file["id"].as_str().unwrap()
    ))
    .call()
    .expect("download")
    .body_mut()
    .read_to_vec()
    .expect("bytes");
    assert_eq!(media, binary);
    assert_eq!(
        send_raw("PUT", &at, &[], b"x", "range").0,
        404,
        "a finished upload ends its session"
    );
    // Larger than the body limit (64 KiB here), in chunks: 413.
    let at = open("big.txt");
    let chunk = vec![b'a'; 40 * 1024];
    let (status, _, _) = send_raw(
        "PUT",
        &at,
        &[("Content-Range", "bytes 0-40959/*")],
        &chunk,
        "range",
    );
    assert_eq!(status, 308);
    let (status, _, text) = send_raw(
        "PUT",
        &at,
        &[("Content-Range", "bytes 40960-81919/*")],
        &chunk,
        "range",
    );
    assert_eq!(status, 413, "{text}");
    // At most 64 sessions open at once: the 65th is refused.
    let statuses: Vec<u16> = (0..65)
        .map(|_| {
            send_raw(
                "POST",
                &format!("{files}?uploadType=resumable"),
                &[("Content-Type", "application/json")],
                b"{}",
                "location",
            )
            .0
        })
        .collect();
    assert!(statuses[..64].iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(statuses[64], 429);
    running.stop().expect("stop");
}

#[test]
fn batches_answer_each_part_and_refuse_malformed_bodies() {
    let running = server(8);
    let url = running.url();
    let ct = "multipart/mixed; boundary=XX";
    let body = "--XX\r\nContent-Type: application/http\r\nContent-ID: <p+1>\r\n\r\n\
        GET /gmail/v1/users/me/labels/INBOX HTTP/1.1\r\n\r\n\r\n\
        --XX\r\nContent-Type: application/http\r\nContent-ID: <p+2>\r\n\r\n\
        POST /batch/gmail/v1 HTTP/1.1\r\n\r\n\r\n\
        --XX\r\nContent-Type: application/http\r\nContent-ID: <p+3>\r\n\r\n\
        GET /gmail/v1/users/me/labels/NOPE HTTP/1.1\r\n\r\n\r\n--XX--\r\n";
    let (status, content_type, text) = send_raw(
        "POST",
        &format!("{url}/batch/gmail/v1"),
        &[("Content-Type", ct)],
        body.as_bytes(),
        "content-type",
    );
    assert_eq!(status, 200, "{text}");
    assert!(content_type.is_some_and(|c| c.starts_with("multipart/mixed; boundary=")));
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle} in {text}"))
    };
    // In order, each with its own status: the label, a refused nested batch, a 404.
    assert!(at("<response-p+1>") < at("HTTP/1.1 200 OK"));
    assert!(at("\"id\":\"INBOX\"") < at("<response-p+2>"));
    assert!(at("<response-p+2>") < at("HTTP/1.1 400 Bad Request"));
    assert!(at("<response-p+3>") < at("HTTP/1.1 404 Not Found"));
    // Not multipart, or no closing boundary: a 400 for the whole batch.
    for (ct, body) in [
        ("application/json", "{}"),
        (
            ct,
            "--XX\r\nContent-Type: application/http\r\n\r\nGET / HTTP/1.1\r\n\r\n",
        ),
    ] {
        let (status, _, text) = send_raw(
            "POST",
            &format!("{url}/batch/gmail/v1"),
            &[("Content-Type", ct)],
            body.as_bytes(),
            "content-type",
        );
        assert_eq!(status, 400, "{text}");
        assert!(text.contains("Malformed batch request"), "{text}");
    }
    running.stop().expect("stop");
}

#[test]
fn concurrent_writers_on_one_world_all_land() {
    // Eight clients write to the same world at once (labels, events, files, messages); every
    // write answers 200 and is there afterwards, and the log holds each request once.
    let s = server(4);
    let url = s.url();
    let (status, _) = admin(
        "POST",
        &format!("{url}/_admin/worlds"),
        Some(json!({"name": "shared"})),
    );
    assert_eq!(status, 201);
    let (_, log) = admin(
        "GET",
        &format!("{url}/worlds/shared/_admin/action_log"),
        None,
    );
    let before = log["count"].as_u64().expect("log count");
    let per_client = 12;
    std::thread::scope(|scope| {
        for c in 0..8 {
            let url = &url;
            scope.spawn(move || {
                for i in 0..per_client {
                    let (path, body) = match i % 3 {
                        0 => (
                            "gmail/v1/users/me/labels",
                            json!({"name": format!("zq-{c}-{i}")}),
                        ),
                        1 => (
                            "calendar/v3/calendars/primary/events",
                            json!({"summary": format!("c{c}-{i}"),
                                "start": {"dateTime": "2026-03-20T10:00:00Z"},
                                "end": {"dateTime": "2026-03-20T11:00:00Z"}}),
                        ),
                        _ => ("drive/v3/files", json!({"name": format!("zq-{c}-{i}")})),
                    };
                    let (status, resp) = send(
                        "POST",
                        &format!("{url}/worlds/shared/{path}"),
                        &[("Content-Type", "application/json")],
                        Some(body.to_string().as_bytes()),
                    );
                    assert_eq!(status, 200, "client {c}, write {i}: {resp}");
                }
            });
        }
    });
    let labels: Vec<String> = label_names(&url, "shared")
        .into_iter()
        .filter(|n| n.starts_with("zq-"))
        .collect();
    assert_eq!(labels.len(), 8 * 4, "labels: {labels:?}");
    let (_, files) = send(
        "GET",
        &format!("{url}/worlds/shared/drive/v3/files?pageSize=1000&q=name%20contains%20%27zq-%27"),
        &[],
        None,
    );
    let files = files["files"].as_array().expect("files").len();
    assert_eq!(files, 8 * 4);
    let (_, log) = admin(
        "GET",
        &format!("{url}/worlds/shared/_admin/action_log"),
        None,
    );
    // The writes, then the two reads above.
    assert_eq!(
        log["count"].as_u64(),
        Some(before + 8 * per_client as u64 + 2)
    );
}
