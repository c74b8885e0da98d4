//! Errors as API clients see them.

use serde_json::{json, Value};

use super::Response;

/// Which error shape a service speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Envelope {
    /// `{"error":{"code","message","status","errors":[{"message","domain","reason"}]}}`.
    Google,
    /// HTTP 200 with `{"ok":false,"error":"<code>"}`.
    Slack,
}

/// An error returned by a handler: HTTP status, a message for people and a machine reason.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub message: String,
    /// Google's `errors[].reason` (`badRequest`, `notFound`, …) or Slack's error code.
    pub reason: String,
}

impl ApiError {
    pub fn new(status: u16, reason: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            reason: reason.into(),
            message: message.into(),
        }
    }
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "badRequest", message)
    }
    pub fn invalid_parameter(name: &str, value: &str) -> ApiError {
        ApiError::new(
            400,
            "invalidParameter",
            format!("Invalid value '{value}' for parameter '{name}'"),
        )
    }
    pub fn required(field: &str) -> ApiError {
        ApiError::new(
            400,
            "required",
            format!("Required field '{field}' is missing"),
        )
    }
    pub fn unauthenticated(message: impl Into<String>) -> ApiError {
        ApiError::new(401, "unauthorized", message)
    }
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(403, "forbidden", message)
    }
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(404, "notFound", message)
    }
    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(409, "conflict", message)
    }
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(500, "backendError", message)
    }
    /// A Slack `{"ok":false,"error":code}` error.
    pub fn slack(code: impl Into<String>) -> ApiError {
        let code = code.into();
        ApiError::new(200, code.clone(), code)
    }

    /// Google's canonical status name for an HTTP code.
    pub fn google_status(code: u16) -> &'static str {
        match code {
            400 => "INVALID_ARGUMENT",
            401 => "UNAUTHENTICATED",
            403 => "PERMISSION_DENIED",
            404 => "NOT_FOUND",
            405 => "METHOD_NOT_ALLOWED",
            409 => "ALREADY_EXISTS",
            // 410 is what Calendar answers for an expired sync token: a precondition failed.
            410 | 412 => "FAILED_PRECONDITION",
            429 => "RESOURCE_EXHAUSTED",
            c if (400..500).contains(&c) => "FAILED_PRECONDITION",
            _ => "INTERNAL",
        }
    }

    pub fn into_response(self, envelope: Envelope) -> Response {
        match envelope {
            Envelope::Google => Response::json(self.status, self.google_body()),
            Envelope::Slack => Response::json(200, json!({"ok": false, "error": self.reason})),
        }
    }

    fn google_body(&self) -> Value {
        json!({
            "error": {
                "code": self.status,
                "message": self.message,
                "status": Self::google_status(self.status),
                "errors": [{"message": self.message, "domain": "global", "reason": self.reason}],
            }
        })
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> ApiError {
        ApiError::internal(format!("storage error: {e}"))
    }
}

impl From<crate::error::Error> for ApiError {
    fn from(e: crate::error::Error) -> ApiError {
        ApiError::internal(e.to_string())
    }
}
