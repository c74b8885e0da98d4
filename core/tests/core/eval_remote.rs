//! The remote backend over real HTTP: a tiny OpenAI-compatible server on 127.0.0.1 (std::net,
//! one thread) answers with scripted responses — tool calls that solve a task, 429 and 503
//! before success, malformed JSON, unparseable arguments, exhausted retries, context overflow.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use env0_chat::Message;
use env0_core::agent::{
    run_episode, EpisodeConfig, Model, ModelError, ModelRequest, RemoteConfig, RemoteModel,
    StopReason,
};
use env0_core::eval::ResultRow;
use serde_json::{json, Value};

struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
}

fn ok(body: Value) -> Reply {
    Reply {
        status: 200,
        headers: vec![],
        body: body.to_string(),
    }
}

fn completion(message: Value) -> Value {
    json!({"id": "x", "object": "chat.completion", "model": "scripted",
           "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
           "usage": {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110}})
}

fn call(name: &str, arguments: &str) -> Value {
    completion(json!({"role": "assistant", "content": null, "tool_calls": [
        {"id": format!("call_{name}"), "type": "function", "function": {"name": name, "arguments": arguments}}]}))
}

fn say(text: &str) -> Value {
    completion(json!({"role": "assistant", "content": text}))
}

/// A recorded request: headers (lower-cased names) and JSON body.
#[derive(Clone, Debug)]
struct Seen {
    headers: Vec<(String, String)>,
    body: Value,
}

struct Server {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// Serves `handler(request number, body)` on a fresh port, one connection at a time.
fn serve(handler: impl Fn(usize, &Value) -> Reply + Send + 'static) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut headers = Vec::new();
            let mut length = 0usize;
            let mut line = String::new();
            reader.read_line(&mut line).unwrap(); // request line
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                    break;
                }
                if let Some((k, v)) = line.trim_end().split_once(':') {
                    let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_string());
                    if k == "content-length" {
                        length = v.parse().unwrap();
                    }
                    headers.push((k, v));
                }
            }
            let mut body = vec![0u8; length];
            reader.read_exact(&mut body).unwrap();
            let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let n = {
                let mut l = log.lock().unwrap();
                l.push(Seen {
                    headers,
                    body: body.clone(),
                });
                l.len() - 1
            };
            let reply = handler(n, &body);
            let mut head = format!(
                "HTTP/1.1 {} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
                reply.status,
                reply.body.len()
            );
            for (k, v) in &reply.headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(reply.body.as_bytes());
            let _ = stream.flush();
        }
    });
    Server { url, seen }
}

fn model(server: &Server) -> RemoteModel {
    let mut cfg = RemoteConfig::new(&server.url, "scripted-model");
    cfg.api_key = Some("sk-test".into());
    cfg.backoff = Duration::from_millis(5);
    cfg.max_retries = 3;
    cfg.timeout = Duration::from_secs(20);
    RemoteModel::new(cfg)
}

/// The id of the Vendor sync event in the last tool result of a request.
fn vendor_sync_id(body: &Value) -> String {
    let last_tool = body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|m| m["role"] == "tool")
        .unwrap();
    let result: Value = serde_json::from_str(last_tool["content"].as_str().unwrap()).unwrap();
    result["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["summary"] == "Vendor sync")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_remote_model_solves_a_task_over_http() {
    let server = serve(|n, body| {
        match n {
        0 => ok(call(
            "calendar_list_events",
            r#"{"time_min": "2026-03-17", "time_max": "2026-03-18", "query": "Vendor sync"}"#,
        )),
        1 => ok(call(
            "calendar_update_event",
            &json!({"event_id": vendor_sync_id(body), "start": "2026-03-17T15:00", "end": "2026-03-17T15:30"})
                .to_string(),
        )),
        _ => ok(say("Moved it to 3pm.")),
    }
    });
    let task = crate::eval_support::task(&crate::eval_support::move_meeting(7));
    let mut m = model(&server);
    m.set_seed(Some(42));
    let ep = run_episode(&task, &mut m, &EpisodeConfig::default());
    assert_eq!(ep.stop, StopReason::Final, "{:?}", ep.error);
    assert_eq!(
        ep.reward(),
        1.0,
        "{}",
        ep.verdict.as_ref().unwrap().explain()
    );
    assert_eq!(
        (ep.usage.prompt_tokens, ep.usage.completion_tokens),
        (300, 30)
    );
    assert!(ep.usage.completion_ms > 0.0);
    assert_eq!(m.stats().requests, 3);

    let seen = server.seen.lock().unwrap().clone();
    let first = &seen[0];
    assert_eq!(first.body["model"], "scripted-model");
    assert_eq!(first.body["seed"], 42);
    assert_eq!(first.body["messages"][0]["role"], "system");
    assert!(first.body["tools"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["function"]["name"]
            .as_str()
            .unwrap()
            .starts_with("calendar_")));
    assert!(first
        .headers
        .iter()
        .any(|(k, v)| k == "authorization" && v == "Bearer sk-test"));
    // The second request carries the call (arguments as a JSON string) and its result.
    let msgs = seen[1].body["messages"].as_array().unwrap();
    let asst = &msgs[2];
    assert!(asst["tool_calls"][0]["function"]["arguments"].is_string());
    assert_eq!(msgs[3]["role"], "tool");
    assert_eq!(msgs[3]["tool_call_id"], "call_calendar_list_events");
}

#[test]
fn rate_limits_and_server_errors_are_retried_honouring_retry_after() {
    let server = serve(|n, _| match n {
        0 => Reply {
            status: 429,
            headers: vec![("retry-after", "1".into())],
            body: r#"{"error":{"message":"rate limited"}}"#.into(),
        },
        1 => Reply {
            status: 503,
            headers: vec![],
            body: "upstream busy".into(),
        },
        _ => ok(say("hello")),
    });
    let mut m = model(&server);
    let started = Instant::now();
    let messages = [Message::user("hi")];
    let reply = m
        .complete(&ModelRequest {
            messages: &messages,
            tools: &[],
            max_tokens: 16,
        })
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After: 1 was honoured"
    );
    assert_eq!(reply.message, Message::assistant("hello"));
    assert_eq!((m.stats().requests, m.stats().retries), (3, 2));
    assert!(server.seen.lock().unwrap()[0].body.get("tools").is_none());
}

#[test]
fn malformed_json_is_a_clear_backend_error_and_an_infra_row() {
    let server = serve(|_, _| Reply {
        status: 200,
        headers: vec![],
        body: r#"{"choices": [{"message": "#.into(),
    });
    let mut m = model(&server);
    let messages = [Message::user("hi")];
    let err = m
        .complete(&ModelRequest {
            messages: &messages,
            tools: &[],
            max_tokens: 16,
        })
        .unwrap_err();
    match &err {
        ModelError::Backend(why) => assert!(why.contains("malformed chat completion"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(m.stats().retries, 0, "a malformed body is not retried");

    let task = crate::eval_support::task(&crate::eval_support::label_newest(3));
    let ep = run_episode(&task, &mut m, &EpisodeConfig::default());
    assert_eq!(ep.stop, StopReason::ModelError);
    let row = ResultRow::from_episode(&task, 0, 0, "native", ep, 1.0);
    assert!(row.is_infra_error());
    assert_eq!(row.error.unwrap().error, "model_error");
}

#[test]
fn unparseable_arguments_are_answered_and_the_episode_goes_on() {
    let server = serve(|n, _| match n {
        0 => ok(call("gmail_search", r#"{"query": "in:inbox", "#)),
        _ => ok(say("Sorry, I could not do it.")),
    });
    let task = crate::eval_support::task(&crate::eval_support::label_newest(5));
    let mut m = model(&server);
    let ep = run_episode(&task, &mut m, &EpisodeConfig::default());
    assert_eq!(ep.stop, StopReason::Final);
    assert_eq!((ep.turns, ep.tool_calls, ep.invalid_tool_calls), (2, 0, 1));
    let second = server.seen.lock().unwrap()[1].body.clone();
    let last = second["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["role"], "user");
    assert!(last["content"].as_str().unwrap().contains("not valid JSON"));
    // No assistant message with an unanswered tool call is sent back.
    assert!(second["messages"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m.get("tool_calls").is_none()));
}

#[test]
fn exhausted_retries_and_context_overflow() {
    let server = serve(|_, _| Reply {
        status: 500,
        headers: vec![],
        body: "boom".into(),
    });
    let mut m = model(&server);
    let messages = [Message::user("hi")];
    let req = ModelRequest {
        messages: &messages,
        tools: &[],
        max_tokens: 16,
    };
    match m.complete(&req).unwrap_err() {
        ModelError::Backend(why) => assert!(why.contains("after 4 attempts"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(server.seen.lock().unwrap().len(), 4);

    let server = serve(|_, _| {
        Reply {
        status: 400,
        headers: vec![],
        body: r#"{"error":{"message":"This model's maximum context length is 8192 tokens","code":"context_length_exceeded"}}"#.into(),
    }
    });
    let mut m = model(&server);
    assert!(matches!(
        m.complete(&req),
        Err(ModelError::ContextOverflow(_))
    ));
    let task = crate::eval_support::task(&crate::eval_support::label_newest(1));
    let ep = run_episode(&task, &mut m, &EpisodeConfig::default());
    assert_eq!(ep.stop, StopReason::ContextLimit);
    assert!(ep.verdict.is_some());

    // Nothing listening: connection errors are retried, then reported.
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/v1", l.local_addr().unwrap())
    };
    let mut cfg = RemoteConfig::new(closed, "m");
    cfg.max_retries = 1;
    cfg.backoff = Duration::from_millis(1);
    let err = RemoteModel::new(cfg).complete(&req).unwrap_err();
    assert!(
        matches!(err, ModelError::Backend(ref why) if why.contains("after 2 attempts")),
        "{err:?}"
    );
}
