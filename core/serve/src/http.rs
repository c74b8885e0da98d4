//! From HTTP to the world's router and back.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use env0_world::{ApiError, Method, Request};
use serde_json::{json, Value};

use crate::admin;
use crate::batch;
use crate::upload;
use crate::worlds::{WorldsError, DEFAULT_WORLD};
use crate::Shared;

/// Header naming the world a request is for (default: `default`).
pub const WORLD_HEADER: &str = "x-env0-world";
/// Header naming the acting user (id or email) when no token says who acts.
pub const USER_HEADER: &str = "x-env0-user";

/// A JSON response.
pub(crate) fn json_response(status: u16, body: &Value) -> Response {
    let mut resp = Response::new(Body::from(body.to_string()));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    resp
}

/// An error in Google's shape (`{"error": {"code", "message", "status", "errors"}}`), which is
/// what the Google client libraries parse into their `HttpError`.
pub(crate) fn google_error(status: u16, reason: &str, message: &str) -> Response {
    json_response(
        status,
        &json!({"error": {
            "code": status,
            "message": message,
            "status": ApiError::google_status(status),
            "errors": [{"message": message, "domain": "global", "reason": reason}],
        }}),
    )
}

pub(crate) fn worlds_error(e: &WorldsError) -> Response {
    let (status, reason) = match e {
        WorldsError::NotFound(_) => (404, "notFound"),
        WorldsError::Exists(_) => (409, "conflict"),
        WorldsError::BadName(_) => (400, "invalid"),
        WorldsError::Full(_) => (429, "rateLimitExceeded"),
        WorldsError::World(_) => (500, "backendError"),
    };
    google_error(status, reason, &e.to_string())
}

/// Splits a `/worlds/{name}/rest` prefix off `path`: `(Some(name), "/rest")`.
fn split_world(path: &str) -> (Option<&str>, &str) {
    let Some(after) = path.strip_prefix("/worlds/") else {
        return (None, path);
    };
    match after.find('/') {
        Some(i) => (Some(&after[..i]), &after[i..]),
        None => (Some(after), "/"),
    }
}

fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The bearer token of an `Authorization` header.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = header_str(headers, header::AUTHORIZATION.as_str())?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

/// Every request: health, admin API, or a service of the addressed world.
pub(crate) async fn handle(
    State(shared): State<Arc<Shared>>,
    req: axum::extract::Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, shared.options.max_body_bytes).await {
        Ok(b) => b,
        Err(_) => {
            return google_error(
                413,
                "uploadTooLarge",
                &format!(
                    "The request body is larger than this server's limit of {} bytes",
                    shared.options.max_body_bytes
                ),
            )
        }
    };
    let path = parts.uri.path();
    if path == "/health" {
        return json_response(200, &json!({"status": "ok"}));
    }
    let (prefixed, rest) = split_world(path);
    let world = prefixed
        .or_else(|| header_str(&parts.headers, WORLD_HEADER))
        .unwrap_or(DEFAULT_WORLD)
        .to_string();
    if rest == "/_admin" || rest.starts_with("/_admin/") {
        return admin::handle(shared, &parts.method, rest, &parts.headers, &world, body).await;
    }
    if rest == "/batch" || rest.starts_with("/batch/") {
        return serve_batch(shared, &parts, &world, &body).await;
    }
    let query = parts.uri.query();
    let method = match parts.method.as_str().parse::<Method>() {
        Ok(m) => m,
        Err(e) => return google_error(405, "methodNotAllowed", &e),
    };
    if upload::is_resumable(rest, query) {
        return resumable(&shared, &parts, &world, rest, method, &body).await;
    }
    let slot = match shared.worlds.get(&world) {
        Ok(s) => s,
        Err(e) => return worlds_error(&e),
    };
    let mut request = Request::new(
        method,
        match query {
            Some(q) => format!("{rest}?{q}"),
            None => rest.to_string(),
        },
    );
    request.user = header_str(&parts.headers, USER_HEADER).map(str::to_string);
    request.token = bearer(&parts.headers);
    request.content_type =
        header_str(&parts.headers, header::CONTENT_TYPE.as_str()).map(str::to_string);
    if !body.is_empty() {
        // Text stays text; other bytes (binary media) go to the world as they are.
        request = request.with_bytes(body.to_vec());
    }
    call_world(slot, request).await
}

/// A Google batch request ([`batch`]): every part served as a request of its own.
async fn serve_batch(
    shared: Arc<Shared>,
    parts: &axum::http::request::Parts,
    world: &str,
    body: &Bytes,
) -> Response {
    if parts.method != axum::http::Method::POST {
        return google_error(405, "methodNotAllowed", "A batch request is a POST");
    }
    let content_type = header_str(&parts.headers, header::CONTENT_TYPE.as_str()).unwrap_or("");
    let requests = match batch::parse(content_type, body) {
        Ok(r) => r,
        Err(e) => return google_error(400, "badRequest", &format!("Malformed batch request: {e}")),
    };
    let mut answers = Vec::with_capacity(requests.len());
    for part in requests {
        let (inner_world, inner_rest) = split_world(part.target.split('?').next().unwrap_or(""));
        let answer = if inner_rest.starts_with("/batch") || inner_rest.starts_with("/_admin") {
            google_error(
                400,
                "badRequest",
                "A batch may not hold batch or admin requests",
            )
        } else {
            // Outer headers apply to every part, except the Content-* ones; the part's own win.
            let mut headers = HeaderMap::new();
            for (k, v) in &parts.headers {
                if !k.as_str().starts_with("content-") {
                    headers.insert(k.clone(), v.clone());
                }
            }
            for (k, v) in &part.headers {
                headers.insert(k.clone(), v.clone());
            }
            if inner_world.is_none() {
                if let Ok(v) = HeaderValue::from_str(world) {
                    headers.insert(WORLD_HEADER, v);
                }
            }
            let mut builder = axum::http::Request::builder()
                .method(part.method)
                .uri(part.target.as_str());
            if let Some(h) = builder.headers_mut() {
                *h = headers;
            }
            match builder.body(Body::from(part.body)) {
                Ok(req) => Box::pin(handle(State(Arc::clone(&shared)), req)).await,
                Err(e) => google_error(400, "badRequest", &format!("Malformed batch part: {e}")),
            }
        };
        let (head, body) = answer.into_parts();
        let body = axum::body::to_bytes(body, usize::MAX)
            .await
            .unwrap_or_default();
        answers.push(batch::Answer {
            content_id: part.content_id,
            status: head.status,
            headers: head.headers,
            body,
        });
    }
    let (content_type, body) = batch::render(&answers);
    let mut resp = (StatusCode::OK, body).into_response();
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        resp.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    resp
}

/// Runs `request` on the world in `slot` (SQLite work is blocking: off the async workers).
async fn call_world(slot: Arc<crate::worlds::Slot>, request: Request) -> Response {
    let answer = tokio::task::spawn_blocking(move || slot.world().handle(&request)).await;
    match answer {
        Ok(resp) => world_response(resp),
        Err(_) => google_error(500, "backendError", "the request failed inside the server"),
    }
}

/// A request of a resumable upload session ([`upload`]).
async fn resumable(
    shared: &Shared,
    parts: &axum::http::request::Parts,
    world: &str,
    rest: &str,
    method: Method,
    body: &Bytes,
) -> Response {
    let query = parts.uri.query();
    let has_id =
        query.is_some_and(|q| form_urlencoded::parse(q.as_bytes()).any(|(k, _)| k == "upload_id"));
    if !has_id {
        if let Err(e) = shared.worlds.get(world) {
            return worlds_error(&e);
        }
        let metadata = match body_text(body) {
            Ok(t) => t.unwrap_or_default(),
            Err(resp) => return *resp,
        };
        return shared.uploads.open(
            world,
            method,
            parts.uri.path(),
            rest,
            query,
            &parts.headers,
            metadata,
            bearer(&parts.headers),
            header_str(&parts.headers, USER_HEADER).map(str::to_string),
        );
    }
    match shared.uploads.put(
        world,
        query,
        &parts.headers,
        body,
        shared.options.max_body_bytes,
    ) {
        upload::Step::Answer(resp) => resp,
        upload::Step::Complete(done) => {
            let slot = match shared.worlds.get(&done.world) {
                Ok(s) => s,
                Err(e) => return worlds_error(&e),
            };
            let mut request = Request::new(done.method, done.path_and_query).with_bytes(done.body);
            request.user = done.user;
            request.token = done.token;
            request.content_type = Some(done.content_type);
            call_world(slot, request).await
        }
    }
}

/// A request body as the world's router takes it: UTF-8 text, or none when empty.
pub(crate) fn body_text(body: &Bytes) -> Result<Option<String>, Box<Response>> {
    if body.is_empty() {
        return Ok(None);
    }
    match std::str::from_utf8(body) {
        Ok(t) => Ok(Some(t.to_string())),
        Err(e) => Err(Box::new(google_error(
            400,
            "badContent",
            &format!("This body must be UTF-8 text: {e}"),
        ))),
    }
}

/// The world's answer as an HTTP response: JSON, media (text or bytes), or an empty 204.
fn world_response(resp: env0_world::Response) -> Response {
    let status = StatusCode::from_u16(resp.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let is_json = resp.is_json();
    let content_type = if is_json {
        HeaderValue::from_static("application/json; charset=UTF-8")
    } else {
        HeaderValue::from_str(&resp.content_type)
            .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"))
    };
    let no_content = resp.status == 204;
    let mut out = (status, Body::from(resp.into_body_bytes())).into_response();
    if !no_content {
        out.headers_mut().insert(header::CONTENT_TYPE, content_type);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn world_prefix_is_split_off() {
        assert_eq!(
            split_world("/worlds/a/gmail/v1/x"),
            (Some("a"), "/gmail/v1/x")
        );
        assert_eq!(split_world("/worlds/a"), (Some("a"), "/"));
        assert_eq!(
            split_world("/worlds/a/_admin/state"),
            (Some("a"), "/_admin/state")
        );
        assert_eq!(split_world("/gmail/v1/x"), (None, "/gmail/v1/x"));
        assert_eq!(split_world("/worldsx/a"), (None, "/worldsx/a"));
    }

    #[test]
    fn bearer_tokens_are_read_case_insensitively() {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer  abc "),
        );
        assert_eq!(bearer(&h).as_deref(), Some("abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&h), None);
    }
}
