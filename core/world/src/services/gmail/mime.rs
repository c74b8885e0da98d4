//! A small RFC 2822 / MIME reader and writer: enough to accept the `raw` messages clients send
//! (nested multiparts, base64 and quoted-printable bodies, RFC 2047 encoded words, attachments)
//! and to render stored messages back as Gmail's `MessagePart` tree or as `raw` text.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Value};

/// A message as it was read from raw RFC 2822 text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed {
    /// Top-level headers, unfolded and decoded, in order (multipart framing headers left out).
    pub headers: Vec<(String, String)>,
    pub text: String,
    pub html: String,
    pub attachments: Vec<Attachment>,
}

impl Parsed {
    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Attachment {
    /// Stored attachment id (empty while parsing).
    pub id: String,
    pub filename: String,
    pub mime_type: String,
    pub data: Vec<u8>,
}

/// Decodes base64 in any of its dialects (url-safe or standard, padded or not, with line breaks).
pub fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    let clean: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    for engine in [&URL_SAFE, &URL_SAFE_NO_PAD, &STANDARD, &STANDARD_NO_PAD] {
        if let Ok(bytes) = engine.decode(clean.as_bytes()) {
            return Ok(bytes);
        }
    }
    Err("not valid base64url".into())
}

/// base64url with padding, as Gmail writes `raw` and `body.data`.
pub fn encode_base64url(bytes: &[u8]) -> String {
    URL_SAFE.encode(bytes)
}

/// Parses a raw RFC 2822 message. Lenient like a mail server: anything that is not obviously
/// malformed is accepted; a message without any header is an error.
pub fn parse(raw: &[u8]) -> Result<Parsed, String> {
    let text = String::from_utf8_lossy(raw).replace("\r\n", "\n");
    let (head, body) = split_head(&text);
    let headers = parse_headers(head);
    if headers.is_empty() {
        return Err("the message has no headers".into());
    }
    let mut out = Parsed::default();
    walk_part(&headers, body, &mut out, 0);
    out.headers = headers
        .into_iter()
        .filter(|(k, _)| {
            ![
                "content-type",
                "content-transfer-encoding",
                "content-disposition",
                "mime-version",
            ]
            .contains(&k.to_ascii_lowercase().as_str())
        })
        .collect();
    Ok(out)
}

fn split_head(text: &str) -> (&str, &str) {
    if let Some(body) = text.strip_prefix('\n') {
        return ("", body);
    }
    match text.find("\n\n") {
        Some(i) => (&text[..i], &text[i + 2..]),
        None => (text, ""),
    }
}

fn parse_headers(head: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = out.last_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            let k = k.trim();
            if !k.is_empty() && !k.contains(' ') {
                out.push((k.to_string(), v.trim().to_string()));
            }
        }
    }
    for (_, v) in out.iter_mut() {
        *v = decode_words(v);
    }
    out
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Splits `type/subtype; a=b; c="d"` into the lowercase type and its parameters.
pub fn split_params(value: &str) -> (String, Vec<(String, String)>) {
    let mut pieces = value.split(';');
    let main = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
    let params = pieces
        .filter_map(|p| {
            let (k, v) = p.split_once('=')?;
            Some((
                k.trim().to_ascii_lowercase(),
                v.trim().trim_matches('"').to_string(),
            ))
        })
        .collect();
    (main, params)
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn walk_part(headers: &[(String, String)], body: &str, out: &mut Parsed, depth: usize) {
    let (ctype, params) = split_params(header(headers, "content-type").unwrap_or("text/plain"));
    let ctype = if ctype.is_empty() {
        "text/plain".to_string()
    } else {
        ctype
    };
    if ctype.starts_with("multipart/") && depth < 16 {
        if let Some(boundary) = param(&params, "boundary") {
            for (h, b) in split_multipart(body, boundary) {
                let sub_headers = parse_headers(h);
                walk_part(&sub_headers, b, out, depth + 1);
            }
            return;
        }
    }
    let (disposition, dparams) = split_params(header(headers, "content-disposition").unwrap_or(""));
    let filename = param(&dparams, "filename")
        .or_else(|| param(&params, "name"))
        .map(decode_words)
        .unwrap_or_default();
    let data = decode_body(
        body,
        header(headers, "content-transfer-encoding").unwrap_or("7bit"),
    );
    let is_attachment = disposition == "attachment" || !filename.is_empty();
    if !is_attachment && ctype == "text/plain" && out.text.is_empty() {
        out.text = text_body(&data);
    } else if !is_attachment && ctype == "text/html" && out.html.is_empty() {
        out.html = text_body(&data);
    } else if !ctype.starts_with("multipart/") {
        out.attachments.push(Attachment {
            id: String::new(),
            filename: if filename.is_empty() {
                "noname".into()
            } else {
                filename
            },
            mime_type: ctype,
            data,
        });
    }
}

/// A text part as stored: UTF-8 (lossy), `\n` line ends, no trailing line breaks.
fn text_body(data: &[u8]) -> String {
    String::from_utf8_lossy(data)
        .replace("\r\n", "\n")
        .trim_end_matches(['\n', '\r'])
        .to_string()
}

fn split_multipart<'a>(body: &'a str, boundary: &str) -> Vec<(&'a str, &'a str)> {
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    let mut current: Option<usize> = None;
    let mut offset: usize = 0;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == delimiter || trimmed == format!("{delimiter}--") {
            if let Some(start) = current {
                let end = offset.saturating_sub(1).max(start);
                parts.push(&body[start..end]);
            }
            if trimmed.ends_with("--") && trimmed != delimiter {
                current = None;
                break;
            }
            current = Some(offset + line.len());
        }
        offset += line.len();
    }
    if let Some(start) = current {
        if start <= body.len() {
            parts.push(&body[start..]);
        }
    }
    parts.into_iter().map(split_head).collect()
}

fn decode_body(body: &str, encoding: &str) -> Vec<u8> {
    match encoding.trim().to_ascii_lowercase().as_str() {
        "base64" => decode_base64(body).unwrap_or_else(|_| body.as_bytes().to_vec()),
        "quoted-printable" => decode_quoted_printable(body),
        _ => body.trim_end_matches('\n').as_bytes().to_vec(),
    }
}

fn hex_value(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

fn decode_quoted_printable(body: &str) -> Vec<u8> {
    let bytes = body.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' {
            if bytes.get(i + 1) == Some(&b'\n') {
                i += 2;
                continue;
            }
            if let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex_value),
                bytes.get(i + 2).copied().and_then(hex_value),
            ) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    while out.last() == Some(&b'\n') {
        out.pop();
    }
    out
}

/// Decodes RFC 2047 encoded words (`=?UTF-8?B?...?=`, `=?utf-8?Q?...?=`) in a header value.
pub fn decode_words(value: &str) -> String {
    if !value.contains("=?") {
        return value.to_string();
    }
    let mut out = String::new();
    let mut i = 0;
    let mut last_was_word = false;
    while let Some(rel) = value[i..].find("=?") {
        let start = i + rel;
        match encoded_word(&value[start..]) {
            Some((word, len)) => {
                let between = &value[i..start];
                if !(last_was_word && between.trim().is_empty()) {
                    out.push_str(between);
                }
                out.push_str(&word);
                i = start + len;
                last_was_word = true;
            }
            None => {
                out.push_str(&value[i..start + 2]);
                i = start + 2;
                last_was_word = false;
            }
        }
    }
    out.push_str(&value[i..]);
    out
}

/// One encoded word at the start of `s` (which begins with `=?`): its text and its length.
fn encoded_word(s: &str) -> Option<(String, usize)> {
    let rest = s.get(2..)?;
    let (charset, rest) = rest.split_once('?')?;
    let (enc, rest) = rest.split_once('?')?;
    let end = rest.find("?=")?;
    let payload = &rest[..end];
    if charset.contains(' ') || payload.contains(' ') {
        return None;
    }
    let bytes = match enc.to_ascii_uppercase().as_str() {
        "B" => decode_base64(payload).ok()?,
        "Q" => decode_quoted_printable(&payload.replace('_', " ")),
        _ => return None,
    };
    let len = 2 + charset.len() + 1 + enc.len() + 1 + payload.len() + 2;
    Some((String::from_utf8_lossy(&bytes).into_owned(), len))
}

/// Everything needed to render a stored message.
pub struct Rendered<'a> {
    pub id: &'a str,
    /// Top-level headers in order (no MIME framing headers; those are added here).
    pub headers: Vec<(String, String)>,
    pub text: &'a str,
    pub html: &'a str,
    pub attachments: &'a [Attachment],
}

fn needs_base64(s: &str) -> bool {
    !s.is_ascii() || s.lines().any(|l| l.len() > 900)
}

fn wrap76(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 76 * 2);
    for (i, chunk) in s.as_bytes().chunks(76).enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        out.push_str(&String::from_utf8_lossy(chunk));
    }
    out
}

fn encode_header_value(v: &str) -> String {
    if v.is_ascii() {
        v.to_string()
    } else {
        format!("=?UTF-8?B?{}?=", STANDARD.encode(v.as_bytes()))
    }
}

impl Rendered<'_> {
    fn boundary(&self, n: u8) -> String {
        format!("00000000000{n}{}", self.id)
    }

    fn text_parts(&self) -> Vec<(&'static str, &str)> {
        let mut parts = Vec::new();
        if !self.text.is_empty() || self.html.is_empty() {
            parts.push(("text/plain", self.text));
        }
        if !self.html.is_empty() {
            parts.push(("text/html", self.html));
        }
        parts
    }

    fn top_content_type(&self) -> String {
        if !self.attachments.is_empty() {
            format!("multipart/mixed; boundary=\"{}\"", self.boundary(1))
        } else if self.text_parts().len() > 1 {
            format!("multipart/alternative; boundary=\"{}\"", self.boundary(2))
        } else {
            format!("{}; charset=\"UTF-8\"", self.text_parts()[0].0)
        }
    }

    fn all_headers(&self) -> Vec<(String, String)> {
        let mut h = self.headers.clone();
        h.push(("MIME-Version".into(), "1.0".into()));
        h.push(("Content-Type".into(), self.top_content_type()));
        if self.attachments.is_empty() && self.text_parts().len() == 1 {
            h.push((
                "Content-Transfer-Encoding".into(),
                transfer_encoding(self.text_parts()[0].1).into(),
            ));
        }
        h
    }

    /// The message as RFC 2822 text (CRLF line ends).
    pub fn raw(&self) -> String {
        let mut out = String::new();
        for (k, v) in self.all_headers() {
            out.push_str(&format!("{k}: {}\r\n", encode_header_value(&v)));
        }
        out.push_str("\r\n");
        let texts = self.text_parts();
        let write_text = |out: &mut String, body: &str| {
            if needs_base64(body) {
                out.push_str(&wrap76(&STANDARD.encode(body.as_bytes())));
            } else {
                out.push_str(&body.replace("\r\n", "\n").replace('\n', "\r\n"));
            }
            out.push_str("\r\n");
        };
        let write_alternative = |out: &mut String| {
            if texts.len() == 1 {
                write_text(out, texts[0].1);
                return;
            }
            let b = self.boundary(2);
            for (ctype, body) in &texts {
                out.push_str(&format!(
                    "--{b}\r\nContent-Type: {ctype}; charset=\"UTF-8\"\r\nContent-Transfer-Encoding: {}\r\n\r\n",
                    transfer_encoding(body)
                ));
                write_text(out, body);
            }
            out.push_str(&format!("--{b}--\r\n"));
        };
        if self.attachments.is_empty() {
            write_alternative(&mut out);
            return out;
        }
        let b = self.boundary(1);
        out.push_str(&format!("--{b}\r\n"));
        if texts.len() > 1 {
            out.push_str(&format!(
                "Content-Type: multipart/alternative; boundary=\"{}\"\r\n\r\n",
                self.boundary(2)
            ));
        } else {
            out.push_str(&format!(
                "Content-Type: {}; charset=\"UTF-8\"\r\nContent-Transfer-Encoding: {}\r\n\r\n",
                texts[0].0,
                transfer_encoding(texts[0].1)
            ));
        }
        write_alternative(&mut out);
        for a in self.attachments {
            out.push_str(&format!("--{b}\r\n"));
            for (k, v) in attachment_headers(a) {
                out.push_str(&format!("{k}: {v}\r\n"));
            }
            out.push_str("\r\n");
            out.push_str(&wrap76(&STANDARD.encode(&a.data)));
            out.push_str("\r\n");
        }
        out.push_str(&format!("--{b}--\r\n"));
        out
    }

    /// Gmail's `payload` for `format=full`, or only `{partId, mimeType, filename, headers}` for
    /// `format=metadata` (`metadata_headers` filters the headers there, when non-empty).
    pub fn payload(&self, full: bool, metadata_headers: &[String]) -> Value {
        let headers = self.all_headers();
        if !full {
            let kept: Vec<Value> = headers
                .iter()
                .filter(|(k, _)| {
                    metadata_headers.is_empty()
                        || metadata_headers.iter().any(|m| m.eq_ignore_ascii_case(k))
                })
                .map(|(k, v)| json!({"name": k, "value": v}))
                .collect();
            return json!({
                "partId": "",
                "mimeType": split_params(&self.top_content_type()).0,
                "filename": "",
                "headers": kept,
            });
        }
        let texts = self.text_parts();
        let text_part = |id: String, ctype: &str, body: &str, with_headers: bool| {
            let mut hs = Vec::new();
            if with_headers {
                hs.push(
                    json!({"name": "Content-Type", "value": format!("{ctype}; charset=\"UTF-8\"")}),
                );
                hs.push(
                    json!({"name": "Content-Transfer-Encoding", "value": transfer_encoding(body)}),
                );
            }
            json!({
                "partId": id,
                "mimeType": ctype,
                "filename": "",
                "headers": hs,
                "body": {"size": body.len(), "data": encode_base64url(body.as_bytes())},
            })
        };
        let alternative = |prefix: &str, top: bool| -> Value {
            if texts.len() == 1 {
                let (ctype, body) = texts[0];
                return text_part(prefix.to_string(), ctype, body, !top);
            }
            let children: Vec<Value> = texts
                .iter()
                .enumerate()
                .map(|(i, (ctype, body))| {
                    let id = if prefix.is_empty() {
                        i.to_string()
                    } else {
                        format!("{prefix}.{i}")
                    };
                    text_part(id, ctype, body, true)
                })
                .collect();
            let mut hs = Vec::new();
            if !top {
                hs.push(json!({"name": "Content-Type", "value": format!("multipart/alternative; boundary=\"{}\"", self.boundary(2))}));
            }
            json!({
                "partId": prefix,
                "mimeType": "multipart/alternative",
                "filename": "",
                "headers": hs,
                "body": {"size": 0},
                "parts": children,
            })
        };
        let header_values: Vec<Value> = headers
            .iter()
            .map(|(k, v)| json!({"name": k, "value": v}))
            .collect();
        let mut top = if self.attachments.is_empty() {
            alternative("", true)
        } else {
            let mut parts = vec![alternative("0", false)];
            for (i, a) in self.attachments.iter().enumerate() {
                parts.push(json!({
                    "partId": (i + 1).to_string(),
                    "mimeType": a.mime_type,
                    "filename": a.filename,
                    "headers": attachment_headers(a)
                        .into_iter()
                        .map(|(k, v)| json!({"name": k, "value": v}))
                        .collect::<Vec<_>>(),
                    "body": {"attachmentId": a.id, "size": a.data.len()},
                }));
            }
            json!({
                "partId": "",
                "mimeType": "multipart/mixed",
                "filename": "",
                "body": {"size": 0},
                "parts": parts,
            })
        };
        top["headers"] = Value::Array(header_values);
        top
    }
}

fn transfer_encoding(body: &str) -> &'static str {
    if needs_base64(body) {
        "base64"
    } else {
        "7bit"
    }
}

fn attachment_headers(a: &Attachment) -> Vec<(String, String)> {
    vec![
        (
            "Content-Type".into(),
            format!("{}; name=\"{}\"", a.mime_type, a.filename),
        ),
        (
            "Content-Disposition".into(),
            format!("attachment; filename=\"{}\"", a.filename),
        ),
        ("Content-Transfer-Encoding".into(), "base64".into()),
        (
            "X-Attachment-Id".into(),
            format!("f_{}", &a.id.chars().rev().take(10).collect::<String>()),
        ),
    ]
}

/// Plain text of an HTML body (tags dropped, common entities decoded, whitespace collapsed).
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let lower = html.to_ascii_lowercase();
    let mut skip_until: Option<&str> = None;
    let mut i = 0;
    let bytes = html.as_bytes();
    while i < bytes.len() {
        if let Some(end) = skip_until {
            if lower.as_bytes()[i..].starts_with(end.as_bytes()) {
                skip_until = None;
                i += end.len();
            } else {
                i += 1;
            }
            continue;
        }
        let c = bytes[i];
        if c == b'<' {
            if lower.as_bytes()[i..].starts_with(b"<style") {
                skip_until = Some("</style>");
                continue;
            }
            if lower.as_bytes()[i..].starts_with(b"<script") {
                skip_until = Some("</script>");
                continue;
            }
            in_tag = true;
            out.push(' ');
        } else if c == b'>' && in_tag {
            in_tag = false;
        } else if !in_tag {
            let ch_len = html[i..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&html[i..i + ch_len]);
            i += ch_len;
            continue;
        }
        i += 1;
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Gmail's snippet: the start of the text, whitespace collapsed, HTML-escaped.
pub fn snippet(text: &str, html: &str) -> String {
    let source = if text.trim().is_empty() {
        html_to_text(html)
    } else {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let cut: String = source.chars().take(200).collect();
    cut.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Splits an address-list header into its addresses (commas inside quotes or angle brackets kept).
pub fn split_addresses(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let (mut quoted, mut angle) = (false, false);
    for c in value.chars() {
        match c {
            '"' => quoted = !quoted,
            '<' => angle = true,
            '>' => angle = false,
            _ => {}
        }
        if c == ',' && !quoted && !angle {
            if !current.trim().is_empty() {
                out.push(current.trim().to_string());
            }
            current.clear();
        } else {
            current.push(c);
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

/// The bare address of `Name <addr>` (lowercased).
pub fn email_of(address: &str) -> String {
    let addr = match (address.rfind('<'), address.rfind('>')) {
        (Some(open), Some(close)) if open < close => &address[open + 1..close],
        _ => address,
    };
    addr.trim().trim_matches('"').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parses_simple_and_multipart_messages() {
        let raw = "From: Bob <bob@x.com>\r\nTo: a@b.com\r\nSubject: =?UTF-8?B?SMOpbGxv?= there\r\n\r\nHi\r\nthere\r\n";
        let p = parse(raw.as_bytes()).unwrap();
        assert_eq!(p.header("subject"), Some("Héllo there"));
        assert_eq!(p.text, "Hi\nthere");
        let raw = "Subject: x\nContent-Type: multipart/mixed; boundary=\"AB\"\n\n--AB\nContent-Type: multipart/alternative; boundary=CD\n\n--CD\nContent-Type: text/plain\n\nplain=20text=\n!\n--CD\nContent-Type: text/html\nContent-Transfer-Encoding: quoted-printable\n\n<b>bold</b>\n--CD--\n--AB\nContent-Type: application/pdf; name=\"r.pdf\"\nContent-Disposition: attachment; filename=\"r.pdf\"\nContent-Transfer-Encoding: base64\n\nJVBERi0x\n--AB--\n";
        let p = parse(raw.as_bytes()).unwrap();
        assert_eq!(p.text, "plain=20text=\n!");
        assert_eq!(p.html, "<b>bold</b>");
        assert_eq!(p.attachments.len(), 1);
        assert_eq!(p.attachments[0].filename, "r.pdf");
        assert_eq!(p.attachments[0].data, b"%PDF-1");
    }

    #[test]
    fn rendered_raw_parses_back() {
        let atts = vec![Attachment {
            id: "ANGjdJ9x".into(),
            filename: "a.txt".into(),
            mime_type: "text/plain".into(),
            data: b"attached".to_vec(),
        }];
        let r = Rendered {
            id: "abc",
            headers: vec![("Subject".into(), "Grüße".into())],
            text: "héllo",
            html: "<p>héllo</p>",
            attachments: &atts,
        };
        let p = parse(r.raw().as_bytes()).unwrap();
        assert_eq!(p.header("Subject"), Some("Grüße"));
        assert_eq!(p.text, "héllo");
        assert_eq!(p.html, "<p>héllo</p>");
        assert_eq!(p.attachments[0].data, b"attached");
        let payload = r.payload(true, &[]);
        assert_eq!(payload["mimeType"], "multipart/mixed");
        assert_eq!(payload["parts"][0]["parts"][1]["partId"], "0.1");
        assert_eq!(payload["parts"][1]["body"]["attachmentId"], "ANGjdJ9x");
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics_on_random_mail(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("Content-Type: multipart/mixed; boundary=B\n".to_string()),
                    proptest::strategy::Just("--B\n".to_string()),
                    proptest::strategy::Just("--B--\n".to_string()),
                    proptest::strategy::Just("Content-Transfer-Encoding: base64\n".to_string()),
                    proptest::strategy::Just("Content-Transfer-Encoding: quoted-printable\n".to_string()),
                    proptest::strategy::Just("Subject: =?UTF-8?B?w6k=?= =?utf-8?Q?=E2=9C=93?=\n".to_string()),
                    proptest::strategy::Just("Content-Disposition: attachment; filename=\"é.pdf\"\n".to_string()),
                    proptest::strategy::Just("\n".to_string()),
                    "\\PC{0,12}",
                ],
                0..30,
            )
        ) {
            let text = parts.concat();
            if let Ok(p) = parse(text.as_bytes()) {
                let r = Rendered { id: "x", headers: p.headers.clone(), text: &p.text, html: &p.html, attachments: &p.attachments };
                let again = parse(r.raw().as_bytes());
                let again = again.map_err(proptest::test_runner::TestCaseError::fail)?;
                proptest::prop_assert_eq!(&again.text, &p.text);
                proptest::prop_assert_eq!(&again.html, &p.html);
                proptest::prop_assert_eq!(again.attachments.len(), p.attachments.len());
                let _ = r.payload(true, &[]);
                let _ = snippet(&p.text, &p.html);
            }
        }
    }

    #[test]
    fn never_panics_on_garbage() {
        for s in [
            "",
            "\n\n",
            "=?",
            "Subject: =?x?B?",
            "Content-Type: multipart/mixed; boundary=\n\n--\n--\n",
            "a:b\n\n=",
            "S: =?utf-8?Q?=E2=8?=",
        ] {
            let _ = parse(s.as_bytes());
            let _ = decode_words(s);
        }
        assert_eq!(html_to_text("<style>x</style><p>a &amp; b</p>"), "a & b");
        assert_eq!(
            html_to_text("<style>é✓</style><p title=\"ü\">ü✓</p><script>✓"),
            "ü✓"
        );
        assert_eq!(email_of("\"Bob, B\" <Bob@X.com>"), "bob@x.com");
        assert_eq!(split_addresses("\"B, b\" <b@x>, c@y").len(), 2);
    }
}
