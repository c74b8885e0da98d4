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
    /// JSON body; `Null` for an empty body (204) and a string for media.
    pub body: Value,
}

impl Response {
    pub fn json(status: u16, body: Value) -> Response {
        Response {
            status,
            content_type: "application/json".into(),
            body,
        }
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}
