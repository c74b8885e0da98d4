//! Google batch requests: `POST /batch/...` with a `multipart/mixed` body whose parts are whole
//! HTTP requests (`Content-Type: application/http`). Each is served as if it had come alone —
//! headers of the outer request apply to every part unless the part sets them, except the
//! `Content-*` ones — and the answer is a `multipart/mixed` body of HTTP responses, each part's
//! `Content-ID` echoed as `response-ID`, in request order.

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};

/// Parts one batch may hold (Google's own limit for most APIs is 100 to 1,000).
pub const MAX_PARTS: usize = 100;

/// One request of a batch.
#[derive(Debug)]
pub(crate) struct Part {
    pub(crate) content_id: Option<String>,
    pub(crate) method: Method,
    /// Path and query, as the request line gave them.
    pub(crate) target: String,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// One response of a batch.
pub(crate) struct Answer {
    pub(crate) content_id: Option<String>,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// The `boundary` parameter of a `multipart/mixed` content type.
fn boundary(content_type: &str) -> Option<String> {
    let mut params = content_type.split(';');
    let kind = params.next()?.trim();
    if !kind.eq_ignore_ascii_case("multipart/mixed") {
        return None;
    }
    params.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_string())
            .filter(|b| !b.is_empty())
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    (from..=haystack.len() - needle.len()).find(|&i| &haystack[i..i + needle.len()] == needle)
}

/// Splits `text` at its first blank line (CRLF or LF line ends): (head, rest).
fn split_head(text: &[u8]) -> (&[u8], &[u8]) {
    let crlf = find(text, b"\r\n\r\n", 0).map(|i| (i, 4));
    let lf = find(text, b"\n\n", 0).map(|i| (i, 2));
    let (at, len) = match (crlf, lf) {
        (Some(a), Some(b)) => {
            if b.0 < a.0 {
                b
            } else {
                a
            }
        }
        (Some(a), None) => a,
        (None, Some(b)) => b,
        (None, None) => return (text, &[]),
    };
    (&text[..at], &text[at + len..])
}

/// The parts between the boundaries of a multipart body.
fn mime_parts<'a>(body: &'a [u8], boundary: &str) -> Result<Vec<&'a [u8]>, String> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut starts = Vec::new();
    let mut from = 0;
    while let Some(i) = find(body, delimiter, from) {
        // A delimiter opens a line.
        if i == 0 || body[i - 1] == b'\n' {
            starts.push(i);
        }
        from = i + delimiter.len();
    }
    let mut parts = Vec::new();
    for w in starts.windows(2) {
        let after = w[0] + delimiter.len();
        if body[after..].starts_with(b"--") {
            break;
        }
        let mut part = &body[after..w[1]];
        // The line break before the next delimiter belongs to it.
        part = part
            .strip_suffix(b"\r\n")
            .or_else(|| part.strip_suffix(b"\n"))
            .unwrap_or(part);
        parts.push(part);
    }
    let closed = starts
        .last()
        .is_some_and(|&i| body[i + delimiter.len()..].starts_with(b"--"));
    if !closed {
        return Err("the batch body has no closing boundary".into());
    }
    Ok(parts)
}

fn mime_header<'a>(head: &'a [u8], name: &str) -> Option<&'a str> {
    std::str::from_utf8(head).ok()?.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// The requests of a batch body, in order.
pub(crate) fn parse(content_type: &str, body: &[u8]) -> Result<Vec<Part>, String> {
    let boundary = boundary(content_type)
        .ok_or("a batch request is multipart/mixed with a boundary parameter")?;
    let raw_parts = mime_parts(body, &boundary)?;
    if raw_parts.is_empty() {
        return Err("the batch holds no requests".into());
    }
    if raw_parts.len() > MAX_PARTS {
        return Err(format!(
            "a batch may hold at most {MAX_PARTS} requests; this one holds {}",
            raw_parts.len()
        ));
    }
    let mut out = Vec::with_capacity(raw_parts.len());
    for (n, raw) in raw_parts.into_iter().enumerate() {
        let n = n + 1;
        let raw = raw
            .strip_prefix(b"\r\n")
            .or_else(|| raw.strip_prefix(b"\n"))
            .unwrap_or(raw);
        let (mime_head, http) = split_head(raw);
        match mime_header(mime_head, "content-type") {
            Some(t) if t.to_ascii_lowercase().starts_with("application/http") => {}
            other => {
                return Err(format!(
                    "part {n}: Content-Type must be application/http, not {}",
                    other.unwrap_or("none")
                ))
            }
        }
        let content_id = mime_header(mime_head, "content-id").map(str::to_string);
        let mut header_buf = [httparse::EMPTY_HEADER; 64];
        let mut req = httparse::Request::new(&mut header_buf);
        let head_len = match req.parse(http) {
            Ok(httparse::Status::Complete(len)) => len,
            Ok(httparse::Status::Partial) => {
                return Err(format!("part {n}: the HTTP request has no end of headers"))
            }
            Err(e) => return Err(format!("part {n}: not an HTTP request: {e}")),
        };
        let method = req
            .method
            .and_then(|m| Method::from_bytes(m.as_bytes()).ok())
            .ok_or(format!("part {n}: no method"))?;
        let target = req.path.ok_or(format!("part {n}: no path"))?.to_string();
        if !target.starts_with('/') {
            return Err(format!("part {n}: the path must start with '/': {target}"));
        }
        let mut headers = HeaderMap::new();
        for h in req.headers.iter() {
            let name = HeaderName::from_bytes(h.name.as_bytes())
                .map_err(|_| format!("part {n}: bad header name {}", h.name))?;
            let value = HeaderValue::from_bytes(h.value)
                .map_err(|_| format!("part {n}: bad value for header {}", h.name))?;
            headers.append(name, value);
        }
        let mut body = &http[head_len..];
        if let Some(len) = mime_header(&http[..head_len], "content-length") {
            let len: usize = len
                .parse()
                .map_err(|_| format!("part {n}: bad Content-Length {len}"))?;
            body = body.get(..len).ok_or(format!(
                "part {n}: the body is shorter than its Content-Length"
            ))?;
        }
        out.push(Part {
            content_id,
            method,
            target,
            headers,
            body: Bytes::copy_from_slice(body),
        });
    }
    Ok(out)
}

/// The batch's answer: its content type and body.
pub(crate) fn render(answers: &[Answer]) -> (String, Vec<u8>) {
    let boundary = format!("batch_{}", hex::encode(rand::random::<[u8; 12]>()));
    let mut out = Vec::new();
    for a in answers {
        out.extend_from_slice(
            format!("--{boundary}\r\nContent-Type: application/http\r\n").as_bytes(),
        );
        if let Some(id) = &a.content_id {
            // `<X>` comes back as `<response-X>`.
            let inner = id.trim().trim_start_matches('<').trim_end_matches('>');
            out.extend_from_slice(format!("Content-ID: <response-{inner}>\r\n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "\r\nHTTP/1.1 {} {}\r\n",
                a.status.as_u16(),
                a.status.canonical_reason().unwrap_or("")
            )
            .as_bytes(),
        );
        for (k, v) in &a.headers {
            out.extend_from_slice(k.as_str().as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(v.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", a.body.len()).as_bytes());
        out.extend_from_slice(&a.body);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/mixed; boundary={boundary}"), out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CT: &str = "multipart/mixed; boundary=\"===b==\"";

    #[test]
    fn parts_are_read_with_either_line_end() {
        for nl in ["\n", "\r\n"] {
            let body = [
                "--===b==",
                "Content-Type: application/http",
                "Content-ID: <x + 1>",
                "",
                "GET /gmail/v1/users/me/labels?alt=json HTTP/1.1",
                "accept: application/json",
                "",
                "",
                "--===b==",
                "Content-Type: application/http",
                "Content-ID: <x + 2>",
                "",
                "POST /gmail/v1/users/me/labels HTTP/1.1",
                "Content-Type: application/json",
                "content-length: 15",
                "",
                "{\"name\": \"Tax\"}",
                "--===b==--",
                "",
            ]
            .join(nl);
            let parts = parse(CT, body.as_bytes()).expect("parsed");
            assert_eq!(parts.len(), 2);
            assert_eq!(parts[0].method, Method::GET);
            assert_eq!(parts[0].target, "/gmail/v1/users/me/labels?alt=json");
            assert_eq!(parts[0].content_id.as_deref(), Some("<x + 1>"));
            assert!(parts[0].body.is_empty());
            assert_eq!(parts[1].method, Method::POST);
            assert_eq!(&parts[1].body[..], b"{\"name\": \"Tax\"}");
        }
    }

    #[test]
    fn malformed_batches_are_refused_with_a_reason() {
        let part = "--B\nContent-Type: application/http\n\nGET /x HTTP/1.1\n\n";
        let cases = [
            ("text/plain", format!("{part}--B--")),
            ("multipart/mixed", format!("{part}--B--")),
            ("multipart/mixed; boundary=B", part.to_string()),
            ("multipart/mixed; boundary=B", "--B--".to_string()),
            (
                "multipart/mixed; boundary=B",
                "--B\nContent-Type: text/plain\n\nGET /x HTTP/1.1\n\n--B--".to_string(),
            ),
            (
                "multipart/mixed; boundary=B",
                "--B\nContent-Type: application/http\n\nnot http at all\n--B--".to_string(),
            ),
            (
                "multipart/mixed; boundary=B",
                "--B\nContent-Type: application/http\n\nPOST /x HTTP/1.1\ncontent-length: 99\n\nshort\n--B--"
                    .to_string(),
            ),
            ("multipart/mixed; boundary=B", format!("{}--B--", part.repeat(MAX_PARTS + 1))),
        ];
        for (ct, body) in cases {
            assert!(parse(ct, body.as_bytes()).is_err(), "{ct}: {body:?}");
        }
    }

    #[test]
    fn answers_echo_content_ids_in_order() {
        let (ct, body) = render(&[
            Answer {
                content_id: Some("<a + 1>".into()),
                status: StatusCode::OK,
                headers: HeaderMap::new(),
                body: Bytes::from_static(b"{}"),
            },
            Answer {
                content_id: Some("<a + 2>".into()),
                status: StatusCode::NOT_FOUND,
                headers: HeaderMap::new(),
                body: Bytes::from_static(b"{\"error\": {}}"),
            },
        ]);
        let text = String::from_utf8(body).expect("utf-8");
        let b = ct.split("boundary=").nth(1).expect("boundary");
        assert!(text.ends_with(&format!("--{b}--\r\n")));
        let first = text.find("Content-ID: <response-a + 1>").expect("first");
        let second = text.find("Content-ID: <response-a + 2>").expect("second");
        assert!(first < second);
        assert!(text.contains("HTTP/1.1 404 Not Found\r\n"));
    }
}
