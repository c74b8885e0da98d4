//! Multipart upload bodies (`uploadType=multipart`, Drive and Gmail): a JSON metadata part and a
//! media part, separated by the boundary that opens the body. Parsed as bytes: the media part may
//! be anything (a binary file); the metadata part must be UTF-8 JSON.

use memchr::memmem;
use serde_json::{json, Value};

use crate::rest::ApiError;

fn strip_line_end(b: &[u8]) -> &[u8] {
    b.strip_suffix(b"\r\n")
        .or_else(|| b.strip_suffix(b"\n"))
        .unwrap_or(b)
}

/// A part's content type (media type only) and body.
fn split_part(part: &[u8]) -> (Option<String>, &[u8]) {
    let part = part
        .strip_prefix(b"\r\n")
        .or_else(|| part.strip_prefix(b"\n"))
        .unwrap_or(part);
    let (head, body) = match (memmem::find(part, b"\r\n\r\n"), memmem::find(part, b"\n\n")) {
        (Some(a), Some(b)) if b < a => (&part[..b], &part[b + 2..]),
        (Some(a), _) => (&part[..a], &part[a + 4..]),
        (None, Some(b)) => (&part[..b], &part[b + 2..]),
        (None, None) => (&b""[..], part),
    };
    // Header lines are ASCII; anything else in them is ignored.
    let content_type = String::from_utf8_lossy(head).lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case("content-type")
            .then(|| v.trim().split(';').next().unwrap_or("").trim().to_string())
    });
    (content_type, strip_line_end(body))
}

/// A media part: its content type and bytes.
pub type MediaPart = (String, Vec<u8>);

/// Metadata and optional media of a multipart body.
pub fn parse_multipart(body: &[u8]) -> Result<(Value, Option<MediaPart>), ApiError> {
    let first = body
        .split(|b| *b == b'\n')
        .find(|l| !l.trim_ascii().is_empty())
        .ok_or_else(|| ApiError::bad_request("Multipart upload body is empty."))?;
    let boundary = first
        .trim_ascii()
        .strip_prefix(b"--")
        .filter(|b| !b.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request("Malformed multipart body: it must start with --BOUNDARY.")
        })?;
    // The delimiter begins a line: a boundary-like run inside binary media is not one unless
    // it starts a line, as RFC 2046 has it.
    let mut delimiter = b"\n--".to_vec();
    delimiter.extend_from_slice(boundary);
    let start = memmem::find(body, &delimiter[1..]).unwrap_or(0) + delimiter.len() - 1;
    let mut parts = Vec::new();
    let mut rest = &body[start..];
    loop {
        if rest.starts_with(b"--") {
            break;
        }
        match memmem::find(rest, &delimiter) {
            Some(end) => {
                parts.push(split_part(&rest[..end + 1]));
                rest = &rest[end + delimiter.len()..];
            }
            None => {
                // No closing delimiter: what is left is the last part.
                parts.push(split_part(rest));
                break;
            }
        }
    }
    let mut parts = parts.into_iter();
    let (meta_type, meta_bytes) = parts
        .next()
        .ok_or_else(|| ApiError::bad_request("Malformed multipart body: no parts."))?;
    let meta = if meta_bytes.trim_ascii().is_empty() {
        json!({})
    } else {
        serde_json::from_slice(meta_bytes).map_err(|e| {
            ApiError::bad_request(format!(
                "Malformed multipart body: the first part ({}) must be JSON metadata: {e}",
                meta_type.unwrap_or_else(|| "no Content-Type".into())
            ))
        })?
    };
    let media = parts.next().map(|(t, b)| {
        (
            t.unwrap_or_else(|| "application/octet-stream".into()),
            b.to_vec(),
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
        let (meta, media) = parse_multipart(body.as_bytes()).unwrap();
        assert_eq!(meta["name"], "a.txt");
        assert_eq!(media, Some(("text/plain".into(), b"hello\nworld".to_vec())));
        assert!(parse_multipart(b"no boundary").is_err());
        assert!(parse_multipart(b"--b\r\n\r\n{bad\r\n--b--").is_err());
        assert!(parse_multipart(b"").is_err());
    }

    #[test]
    fn binary_media_comes_back_byte_for_byte() {
        // Every byte value, CR and LF runs, and the boundary text inside a line.
        let mut media: Vec<u8> = (0..=255u8).collect();
        media.extend_from_slice(b"\r\n\r\n\nx--b0und not at a line start --b0und\xff\xfe");
        media.extend_from_slice(b"\r\n");
        let mut body = b"--b0und\r\nContent-Type: application/json\r\n\r\n{}\r\n--b0und\r\nContent-Type: image/png\r\n\r\n".to_vec();
        body.extend_from_slice(&media);
        body.extend_from_slice(b"\r\n--b0und--\r\n");
        let (_, got) = parse_multipart(&body).unwrap();
        assert_eq!(got, Some(("image/png".into(), media)));
    }

    #[test]
    fn metadata_that_is_not_utf8_is_a_clear_error() {
        let body = b"--b\r\n\r\n{\"name\":\"\xff\"}\r\n--b\r\n\r\nx\r\n--b--";
        let err = parse_multipart(body).unwrap_err();
        assert!(
            err.message.contains("must be JSON metadata"),
            "{}",
            err.message
        );
    }
}
