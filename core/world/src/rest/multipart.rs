//! Multipart upload bodies (`uploadType=multipart`, Drive and Gmail): a JSON metadata part and a
//! media part, separated by the boundary that opens the body.

use serde_json::{json, Value};

use crate::rest::ApiError;

fn split_part(part: &str) -> (Option<String>, &str) {
    let part = part
        .strip_prefix("\r\n")
        .or_else(|| part.strip_prefix('\n'))
        .unwrap_or(part);
    let (head, body) = match (part.find("\r\n\r\n"), part.find("\n\n")) {
        (Some(a), Some(b)) if b < a => (&part[..b], &part[b + 2..]),
        (Some(a), _) => (&part[..a], &part[a + 4..]),
        (None, Some(b)) => (&part[..b], &part[b + 2..]),
        (None, None) => ("", part),
    };
    let content_type = head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case("content-type")
            .then(|| v.trim().split(';').next().unwrap_or("").trim().to_string())
    });
    let body = body
        .strip_suffix("\r\n")
        .or_else(|| body.strip_suffix('\n'))
        .unwrap_or(body);
    (content_type, body)
}

/// Metadata and optional (content type, text) media of a multipart body.
pub fn parse_multipart(body: &str) -> Result<(Value, Option<(String, String)>), ApiError> {
    let first = body
        .lines()
        .find(|l| !l.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request("Multipart upload body is empty."))?;
    let boundary = first
        .trim()
        .strip_prefix("--")
        .filter(|b| !b.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request("Malformed multipart body: it must start with --BOUNDARY.")
        })?;
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    for chunk in body.split(delimiter.as_str()).skip(1) {
        if chunk.starts_with("--") {
            break;
        }
        parts.push(split_part(chunk));
    }
    let mut parts = parts.into_iter();
    let (meta_type, meta_text) = parts
        .next()
        .ok_or_else(|| ApiError::bad_request("Malformed multipart body: no parts."))?;
    let meta = if meta_text.trim().is_empty() {
        json!({})
    } else {
        serde_json::from_str(meta_text).map_err(|e| {
            ApiError::bad_request(format!(
                "Malformed multipart body: the first part ({}) must be JSON metadata: {e}",
                meta_type.unwrap_or_else(|| "no Content-Type".into())
            ))
        })?
    };
    let media = parts.next().map(|(t, b)| {
        (
            t.unwrap_or_else(|| "application/octet-stream".into()),
            b.to_string(),
        )
    });
    Ok((meta, media))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_related_body() {
        let body = "--xyz\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{\"name\":\"a.txt\"}\r\n--xyz\r\nContent-Type: text/plain\r\n\r\nhello\nworld\r\n--xyz--";
        let (meta, media) = parse_multipart(body).unwrap();
        assert_eq!(meta["name"], "a.txt");
        assert_eq!(media, Some(("text/plain".into(), "hello\nworld".into())));
        assert!(parse_multipart("no boundary").is_err());
        assert!(parse_multipart("--b\r\n\r\n{bad\r\n--b--").is_err());
    }
}
