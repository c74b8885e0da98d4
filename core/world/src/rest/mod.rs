//! The REST surface of the world: requests and responses shaped like HTTP, Google's error
//! envelope, query and path parsing, and the router that sends each request to a service handler.
//!
//! The router never panics on input: an unknown path is a 404, a malformed body or parameter a 400
//! naming the problem. Each request runs in one SQLite transaction that commits only when the
//! handler succeeds.

pub mod body;
mod error;
pub(crate) mod fields;
pub mod multipart;
mod query;
mod router;

pub use error::{ApiError, Envelope};
pub use query::Query;
pub use router::{dispatch, Ctx, Reply, Route};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// HTTP method of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Whether a successful request with this method may change state.
    pub fn mutates(self) -> bool {
        self != Method::Get
    }
}

impl std::str::FromStr for Method {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_uppercase().as_str() {
            "GET" => Ok(Method::Get),
            "POST" => Ok(Method::Post),
            "PUT" => Ok(Method::Put),
            "PATCH" => Ok(Method::Patch),
            "DELETE" => Ok(Method::Delete),
            other => Err(format!(
                "unknown HTTP method '{other}' (GET, POST, PUT, PATCH or DELETE)"
            )),
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One request to the world.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub method: Method,
    /// Path with optional query string, e.g. `/gmail/v1/users/me/messages?q=is:unread`.
    pub path: String,
    /// Acting user (id or email); `None` acts as the world's primary user.
    #[serde(default)]
    pub user: Option<String>,
    /// Raw request body (JSON for Google APIs).
    #[serde(default)]
    pub body: Option<String>,
    /// Bearer token from an `Authorization` header, when the caller has one.
    #[serde(default)]
    pub token: Option<String>,
    /// The body's media type from a `Content-Type` header, when the caller sent one. Services
    /// that accept several body forms (Slack: JSON or form-encoded) go by it; without it they
    /// look at the body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// A body that is not UTF-8 text (a binary media upload), base64 in JSON; `body` is `None`
    /// then. [`Request::with_bytes`] puts a body in whichever of the two fits.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "base64_bytes"
    )]
    pub binary_body: Option<Vec<u8>>,
}

impl Request {
    pub fn new(method: Method, path: impl Into<String>) -> Request {
        Request {
            method,
            path: path.into(),
            user: None,
            body: None,
            token: None,
            content_type: None,
            binary_body: None,
        }
    }

    pub fn get(path: impl Into<String>) -> Request {
        Request::new(Method::Get, path)
    }

    pub fn post(path: impl Into<String>, body: Value) -> Request {
        Request::new(Method::Post, path).with_body(body)
    }

    pub fn with_body(mut self, body: Value) -> Request {
        self.body = Some(body.to_string());
        self
    }

    pub fn with_raw_body(mut self, body: impl Into<String>) -> Request {
        self.body = Some(body.into());
        self
    }

    /// A body of any bytes: as `body` when it is UTF-8 text, else as `binary_body`.
    pub fn with_bytes(mut self, bytes: Vec<u8>) -> Request {
        match String::from_utf8(bytes) {
            Ok(text) => {
                self.body = Some(text);
                self.binary_body = None;
            }
            Err(e) => {
                self.body = None;
                self.binary_body = Some(e.into_bytes());
            }
        }
        self
    }

    /// The body's bytes, whichever form it is in.
    pub fn body_bytes(&self) -> Option<&[u8]> {
        self.body
            .as_deref()
            .map(str::as_bytes)
            .or(self.binary_body.as_deref())
    }

    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Request {
        self.content_type = Some(content_type.into());
        self
    }

    pub fn as_user(mut self, user: impl Into<String>) -> Request {
        self.user = Some(user.into());
        self
    }
}

/// The world's answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Response {
    pub status: u16,
    /// `application/json` unless a handler serves media (Drive `alt=media`, exports).
    pub content_type: String,
    /// JSON body; `Null` for an empty body (204) and a string for media that is text.
    pub body: Value,
    /// Media that is not UTF-8 text (a binary file's content), base64 in JSON; `body` is `Null`
    /// then.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "base64_bytes"
    )]
    pub binary_body: Option<Vec<u8>>,
}

impl Response {
    pub fn json(status: u16, body: Value) -> Response {
        Response {
            status,
            content_type: "application/json".into(),
            body,
            binary_body: None,
        }
    }

    /// Whether the body is JSON (otherwise it is media: a file's content, an export).
    pub fn is_json(&self) -> bool {
        self.content_type.starts_with("application/json")
    }

    /// The body as an HTTP server sends it: media as its bytes, JSON as its text, nothing for
    /// a 204.
    pub fn into_body_bytes(self) -> Vec<u8> {
        let is_json = self.is_json();
        match (self.binary_body, self.body) {
            (Some(bytes), _) => bytes,
            (None, Value::Null) if self.status == 204 => Vec::new(),
            (None, Value::String(s)) if !is_json => s.into_bytes(),
            (None, v) => v.to_string().into_bytes(),
        }
    }

    /// [`Response::into_body_bytes`] of a copy.
    pub fn body_bytes(&self) -> Vec<u8> {
        self.clone().into_body_bytes()
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Serde for an optional byte body as a base64 string (standard alphabet, padded).
mod base64_bytes {
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(bytes) => {
                s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
            }
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(text) => base64::engine::general_purpose::STANDARD
                .decode(text.as_bytes())
                .map(Some)
                .map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}
