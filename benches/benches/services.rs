//! Drive, Docs and Slack hot paths on the large world.
//! Run: `cargo bench -p env0-benches --bench services`.

use criterion::{criterion_group, criterion_main, Criterion};
use env0_world::{seeded_world, Scale};
use env0_world::{Method, Request};
use env0_world::{World, WorldOptions};
use serde_json::{json, Value};
use std::hint::black_box;

fn world(scale: Scale) -> World {
    match seeded_world(&WorldOptions::default(), scale) {
        Ok(w) => w,
        Err(e) => panic!("seeding a {} world failed: {e}", scale.name),
    }
}

fn send(world: &mut World, method: Method, path: &str, body: Option<Value>) -> Value {
    let mut req = Request::new(method, path);
    if let Some(b) = body {
        req = req.with_body(b);
    }
    let resp = world.handle(&req);
    assert!(resp.is_success(), "{path}: {} {}", resp.status, resp.body);
    resp.body
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn drive_query(c: &mut Criterion) {
    let mut w = world(Scale::LARGE);
    let all = send(
        &mut w,
        Method::Get,
        "/drive/v3/files?pageSize=1000&fields=files(id)",
        None,
    );
    eprintln!(
        "drive: {} files visible to the primary user",
        all["files"].as_array().map_or(0, Vec::len)
    );
    let mut g = c.benchmark_group("drive_q_550");
    for (name, q) in [
        ("name_contains", "name contains 'report' and trashed = false"),
        ("fulltext", "fullText contains 'roadmap'"),
        ("complex", "(mimeType = 'application/vnd.google-apps.document' or name contains 'plan') and not trashed and modifiedTime > '2025-06-01T00:00:00'"),
    ] {
        let path = format!("/drive/v3/files?pageSize=100&q={}&fields=files(id,name,mimeType,owners(emailAddress))", enc(q));
        g.bench_function(name, |b| b.iter(|| black_box(send(&mut w, Method::Get, &path, None))));
    }
    g.finish();
}

fn docs_replace_all(c: &mut Criterion) {
    let mut w = world(Scale::DEFAULT);
    let doc = send(
        &mut w,
        Method::Post,
        "/v1/documents",
        Some(json!({"title": "Long notes"})),
    );
    let id = doc["documentId"].as_str().unwrap_or_default().to_string();
    let paragraph =
        "The Atlas launch review covers scope, risks, owners and the Atlas timeline for Q3.\n";
    let text: String = paragraph.repeat(1_000);
    send(
        &mut w,
        Method::Post,
        &format!("/v1/documents/{id}:batchUpdate"),
        Some(json!({"requests": [{"insertText": {"endOfSegmentLocation": {}, "text": text}}]})),
    );
    eprintln!(
        "docs: {} characters, 2,000 occurrences of 'Atlas'",
        text.len()
    );
    // Alternate Atlas -> Helios and back, so every iteration replaces all 2,000 occurrences.
    let path = format!("/v1/documents/{id}:batchUpdate");
    let bodies = ["Atlas", "Helios"].map(|from| {
        let to = if from == "Atlas" { "Helios" } else { "Atlas" };
        json!({"requests": [{"replaceAllText": {"containsText": {"text": from, "matchCase": true}, "replaceText": to}}]})
    });
    let mut turn = 0usize;
    c.bench_function("docs_replace_all_text_1000_paragraphs", |b| {
        b.iter(|| {
            let reply = send(&mut w, Method::Post, &path, Some(bodies[turn % 2].clone()));
            turn += 1;
            assert_eq!(
                reply["replies"][0]["replaceAllText"]["occurrencesChanged"],
                2000
            );
            black_box(reply)
        })
    });
}

fn slack_history(c: &mut Criterion) {
    let mut w = world(Scale::LARGE);
    let list = send(
        &mut w,
        Method::Get,
        "/api/conversations.list?limit=50",
        None,
    );
    let general = list["channels"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["name"] == "general"))
        .and_then(|c| c["id"].as_str())
        .unwrap_or_default()
        .to_string();
    let mut pages = 0;
    let mut messages = 0;
    c.bench_function("slack_history_page_through_general", |b| {
        b.iter(|| {
            let mut cursor = String::new();
            pages = 0;
            messages = 0;
            loop {
                let path = format!(
                    "/api/conversations.history?channel={general}&limit=20&cursor={}",
                    enc(&cursor)
                );
                let page = send(&mut w, Method::Get, &path, None);
                pages += 1;
                messages += page["messages"].as_array().map_or(0, Vec::len);
                cursor = page["response_metadata"]["next_cursor"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                if cursor.is_empty() {
                    break;
                }
            }
        })
    });
    eprintln!("slack: #general has {messages} top-level messages in {pages} pages of 20");
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(3));
    targets = drive_query, docs_replace_all, slack_history
}
criterion_main!(benches);
