//! Google's resumable upload protocol (`uploadType=resumable`), kept by the server: the world
//! sees one complete multipart upload.
//!
//! 1. `POST|PATCH /upload/...?uploadType=resumable` with the metadata as JSON (and
//!    `X-Upload-Content-Type`) opens a session: 200 with a `Location` to send the bytes to.
//! 2. `PUT` to that location with the bytes, whole or in chunks (`Content-Range: bytes A-B/T`).
//!    While bytes are missing the answer is 308 with `Range: bytes=0-N`; `Content-Range:
//!    bytes */T` asks how much has arrived. When the last byte arrives the server forwards the
//!    metadata and the bytes to the world as `uploadType=multipart` and answers what the world
//!    answers; the session ends.
//!
//! Sessions live in memory, per server, bounded in number (64) and by the body limit; one left
//! unfinished for an hour is dropped when another opens.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use env0_world::Method;

use crate::http::google_error;

/// Open sessions a server keeps at most.
pub const MAX_SESSIONS: usize = 64;
/// A session not finished within this time is dropped when another opens.
pub const SESSION_TTL: std::time::Duration = std::time::Duration::from_secs(3600);

/// One open session.
pub(crate) struct Session {
    world: String,
    method: Method,
    /// Path of the upload endpoint (after any `/worlds/NAME` prefix), without the query.
    path: String,
    /// The opening request's query without `uploadType`.
    query: Vec<(String, String)>,
    metadata: String,
    media_type: String,
    pub(crate) token: Option<String>,
    pub(crate) user: Option<String>,
    bytes: Vec<u8>,
    opened: std::time::Instant,
}

/// What a session's request came to.
pub(crate) enum Step {
    /// An answer to send as it is.
    Answer(Response),
    /// All bytes are in: send this multipart request to the world.
    Complete(Complete),
}

/// The request a finished session sends to the world.
pub(crate) struct Complete {
    pub(crate) world: String,
    pub(crate) method: Method,
    pub(crate) path_and_query: String,
    pub(crate) content_type: String,
    pub(crate) body: Vec<u8>,
    pub(crate) token: Option<String>,
    pub(crate) user: Option<String>,
}

#[derive(Default)]
pub(crate) struct Sessions {
    open: Mutex<HashMap<String, Session>>,
}

fn pairs(query: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn encode(pairs: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Whether a request opens or continues a resumable session.
pub(crate) fn is_resumable(rest: &str, query: Option<&str>) -> bool {
    rest.starts_with("/upload/")
        && pairs(query)
            .iter()
            .any(|(k, v)| (k == "uploadType" && v == "resumable") || k == "upload_id")
}

/// A `Content-Range`: the first and last byte of the chunk (none for `*`), and the total size
/// (none for `*`, not yet known).
type ContentRange = (Option<(u64, u64)>, Option<u64>);

/// `Content-Range: bytes A-B/T` → (Some((A, B)), Some(T)); `bytes */T` → (None, Some(T)).
fn content_range(headers: &HeaderMap) -> Result<Option<ContentRange>, String> {
    let Some(v) = headers.get(header::CONTENT_RANGE) else {
        return Ok(None);
    };
    let text = v
        .to_str()
        .map_err(|_| "Content-Range is not ASCII".to_string())?;
    let bad = || format!("malformed Content-Range '{text}'");
    let spec = text.trim().strip_prefix("bytes ").ok_or_else(bad)?;
    let (range, total) = spec.split_once('/').ok_or_else(bad)?;
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse::<u64>().map_err(|_| bad())?),
    };
    let range = match range.trim() {
        "*" => None,
        r => {
            let (a, b) = r.split_once('-').ok_or_else(bad)?;
            let (a, b) = (
                a.parse::<u64>().map_err(|_| bad())?,
                b.parse::<u64>().map_err(|_| bad())?,
            );
            if b < a {
                return Err(bad());
            }
            Some((a, b))
        }
    };
    Ok(Some((range, total)))
}

fn incomplete(received: usize) -> Response {
    let mut resp = StatusCode::PERMANENT_REDIRECT.into_response();
    if received > 0 {
        if let Ok(v) = HeaderValue::from_str(&format!("bytes=0-{}", received - 1)) {
            resp.headers_mut().insert(header::RANGE, v);
        }
    }
    resp
}

impl Sessions {
    /// Opens a session for `POST|PATCH {full_path}?uploadType=resumable`: 200 with its Location.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn open(
        &self,
        world: &str,
        method: Method,
        full_path: &str,
        rest: &str,
        query: Option<&str>,
        headers: &HeaderMap,
        metadata: String,
        token: Option<String>,
        user: Option<String>,
    ) -> Response {
        if !matches!(method, Method::Post | Method::Patch | Method::Put) {
            return google_error(
                405,
                "methodNotAllowed",
                "A resumable upload starts with POST, PUT or PATCH",
            );
        }
        let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
            return google_error(400, "badRequest", "A resumable upload needs a Host header");
        };
        let media_type = headers
            .get("x-upload-content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/octet-stream")
            .to_string();
        let query: Vec<(String, String)> = pairs(query)
            .into_iter()
            .filter(|(k, _)| k != "uploadType")
            .collect();
        let id = hex::encode(rand::random::<[u8; 12]>());
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        open.retain(|_, s| s.opened.elapsed() < SESSION_TTL);
        if open.len() >= MAX_SESSIONS {
            return google_error(
                429,
                "rateLimitExceeded",
                &format!("This server keeps at most {MAX_SESSIONS} open resumable uploads"),
            );
        }
        open.insert(
            id.clone(),
            Session {
                world: world.to_string(),
                method,
                path: rest.to_string(),
                query: query.clone(),
                metadata,
                media_type,
                token,
                user,
                bytes: Vec::new(),
                opened: std::time::Instant::now(),
            },
        );
        let mut location_query = query;
        location_query.push(("uploadType".into(), "resumable".into()));
        location_query.push(("upload_id".into(), id));
        let location = format!("http://{host}{full_path}?{}", encode(&location_query));
        let mut resp = StatusCode::OK.into_response();
        match HeaderValue::from_str(&location) {
            Ok(v) => {
                resp.headers_mut().insert(header::LOCATION, v);
                resp
            }
            Err(_) => google_error(
                400,
                "badRequest",
                "The upload location is not a valid header",
            ),
        }
    }

    /// A request to an open session (`upload_id` in the query).
    pub(crate) fn put(
        &self,
        world: &str,
        query: Option<&str>,
        headers: &HeaderMap,
        body: &[u8],
        max_bytes: usize,
    ) -> Step {
        let answer =
            |status, reason, message: &str| Step::Answer(google_error(status, reason, message));
        let Some(id) = pairs(query)
            .into_iter()
            .find(|(k, _)| k == "upload_id")
            .map(|(_, v)| v)
        else {
            return answer(400, "badRequest", "upload_id is missing");
        };
        let range = match content_range(headers) {
            Ok(r) => r,
            Err(e) => return answer(400, "badRequest", &e),
        };
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let Some(session) = open.get_mut(&id) else {
            return answer(
                404,
                "notFound",
                "No such upload session (it finished or never began)",
            );
        };
        if session.world != world {
            return answer(404, "notFound", "No such upload session in this world");
        }
        let total = match range {
            // No Content-Range: the body is the whole content.
            None => {
                session.bytes.clear();
                session.bytes.extend_from_slice(body);
                Some(body.len() as u64)
            }
            // `bytes */T`: a status query (or an empty last chunk).
            Some((None, total)) => total,
            Some((Some((a, b)), total)) => {
                if a != session.bytes.len() as u64 || b - a + 1 != body.len() as u64 {
                    return answer(
                        400,
                        "badRequest",
                        &format!(
                            "Content-Range bytes {a}-{b} does not follow the {} bytes received (body of {} bytes)",
                            session.bytes.len(),
                            body.len()
                        ),
                    );
                }
                if session.bytes.len() + body.len() > max_bytes {
                    open.remove(&id);
                    return answer(
                        413,
                        "uploadTooLarge",
                        &format!(
                            "The upload is larger than this server's limit of {max_bytes} bytes"
                        ),
                    );
                }
                session.bytes.extend_from_slice(body);
                total
            }
        };
        if total != Some(session.bytes.len() as u64) {
            return Step::Answer(incomplete(session.bytes.len()));
        }
        let Some(session) = open.remove(&id) else {
            return answer(404, "notFound", "No such upload session");
        };
        drop(open);
        let media = session.bytes;
        // A boundary that cannot occur in the parts.
        let mut boundary = format!("env0-resumable-{id}");
        while memchr::memmem::find(&media, boundary.as_bytes()).is_some()
            || session.metadata.contains(&boundary)
        {
            boundary.push('x');
        }
        let metadata = if session.metadata.trim().is_empty() {
            "{}"
        } else {
            session.metadata.as_str()
        };
        let mut body = format!(
            "--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{metadata}\r\n\
             --{boundary}\r\nContent-Type: {}\r\n\r\n",
            session.media_type
        )
        .into_bytes();
        body.extend_from_slice(&media);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut query = session.query;
        query.push(("uploadType".into(), "multipart".into()));
        Step::Complete(Complete {
            world: session.world,
            method: session.method,
            path_and_query: format!("{}?{}", session.path, encode(&query)),
            content_type: format!("multipart/related; boundary={boundary}"),
            body,
            token: session.token,
            user: session.user,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(v: &str) -> Result<Option<ContentRange>, String> {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_RANGE, HeaderValue::from_str(v).unwrap());
        content_range(&h)
    }

    #[test]
    fn content_ranges_are_read_and_bad_ones_refused() {
        assert_eq!(range("bytes 0-9/10"), Ok(Some((Some((0, 9)), Some(10)))));
        assert_eq!(range("bytes 10-19/*"), Ok(Some((Some((10, 19)), None))));
        assert_eq!(range("bytes */10"), Ok(Some((None, Some(10)))));
        for bad in [
            "bytes 9-0/10",
            "bits 0-9/10",
            "bytes 0-9",
            "bytes a-b/10",
            "bytes 0-9/x",
        ] {
            assert!(range(bad).is_err(), "{bad}");
        }
        assert_eq!(content_range(&HeaderMap::new()), Ok(None));
    }

    #[test]
    fn only_upload_paths_with_a_resumable_query_are_sessions() {
        assert!(is_resumable(
            "/upload/drive/v3/files",
            Some("uploadType=resumable")
        ));
        assert!(is_resumable(
            "/upload/drive/v3/files",
            Some("uploadType=resumable&upload_id=ab")
        ));
        assert!(!is_resumable(
            "/upload/drive/v3/files",
            Some("uploadType=multipart")
        ));
        assert!(!is_resumable(
            "/drive/v3/files",
            Some("uploadType=resumable")
        ));
    }
}
