//! Route matching and request execution.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use percent_encoding::percent_decode_str;
use rusqlite::Connection;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::fields::Mask;
use super::{ApiError, Envelope, Method, Query, Request, Response};
use crate::services;
use crate::store::{action_log, clock, users, users::User};

/// A handler: reads the request from the context, works on the database, returns a reply.
pub type Handler = fn(&mut Ctx<'_>) -> Result<Reply, ApiError>;

/// One endpoint. `pattern` is a path with `{name}` placeholders; a placeholder may carry a literal
/// suffix within its segment (`{documentId}:batchUpdate`).
#[derive(Clone, Copy)]
pub struct Route {
    pub method: Method,
    pub pattern: &'static str,
    pub handler: Handler,
}

impl Route {
    pub const fn new(method: Method, pattern: &'static str, handler: Handler) -> Route {
        Route {
            method,
            pattern,
            handler,
        }
    }
}

/// A successful answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub content_type: Option<String>,
    /// Media that is not UTF-8 text; `body` is `Null` then. (Boxed: a `Reply` is the error
    /// type of some helpers and stays small.)
    pub binary: Option<Box<[u8]>>,
}

impl Reply {
    pub fn ok(body: Value) -> Reply {
        Reply {
            status: 200,
            body,
            content_type: None,
            binary: None,
        }
    }
    pub fn no_content() -> Reply {
        Reply {
            status: 204,
            body: Value::Null,
            content_type: None,
            binary: None,
        }
    }
    /// Non-JSON content (file media, exports) as text.
    pub fn media(content_type: impl Into<String>, text: impl Into<String>) -> Reply {
        Reply {
            status: 200,
            body: Value::String(text.into()),
            content_type: Some(content_type.into()),
            binary: None,
        }
    }
    /// Non-JSON content of any bytes: as text when it is UTF-8, else as bytes.
    pub fn media_bytes(content_type: impl Into<String>, bytes: Vec<u8>) -> Reply {
        match String::from_utf8(bytes) {
            Ok(text) => Reply::media(content_type, text),
            Err(e) => Reply {
                status: 200,
                body: Value::Null,
                content_type: Some(content_type.into()),
                binary: Some(e.into_bytes().into_boxed_slice()),
            },
        }
    }
}

/// Everything a handler may look at while serving one request.
pub struct Ctx<'a> {
    /// The request's transaction (commits only if the handler returns `Ok`).
    pub db: &'a Connection,
    /// The acting user.
    pub user: &'a User,
    /// World time when the request arrived.
    pub now: DateTime<Utc>,
    pub query: &'a Query,
    pub token: Option<&'a str>,
    /// The request's `Content-Type` (media type only, lower case), when it had one.
    pub content_type: Option<&'a str>,
    params: Vec<(&'static str, String)>,
    body: Option<&'a [u8]>,
}

impl<'a> Ctx<'a> {
    /// A path parameter by name (always present: the pattern matched).
    pub fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// The same request with `body` as its JSON body: how an upload runs the plain method it
    /// stands for (its media turned into the JSON that method takes).
    pub fn with_body<'b>(&'b self, body: &'b str) -> Ctx<'b> {
        Ctx {
            db: self.db,
            user: self.user,
            now: self.now,
            query: self.query,
            token: self.token,
            content_type: Some("application/json"),
            params: self.params.clone(),
            body: Some(body.as_bytes()),
        }
    }

    /// The body's bytes, text or not (media uploads).
    pub fn body_bytes(&self) -> Option<&[u8]> {
        self.body
    }

    /// The body as text (`None` when empty); a body that is not UTF-8 is a 400.
    pub fn text_body(&self) -> Result<Option<&str>, ApiError> {
        match self.body.map(std::str::from_utf8) {
            None => Ok(None),
            Some(Ok(text)) => Ok(Some(text).filter(|t| !t.trim().is_empty())),
            Some(Err(e)) => Err(ApiError::new(
                400,
                "badContent",
                format!("The request body must be UTF-8 text here: {e}"),
            )),
        }
    }

    /// The body as JSON (`{}` when empty); malformed JSON is a 400 that says where.
    pub fn body_value(&self) -> Result<Value, ApiError> {
        match self.text_body()? {
            None => Ok(Value::Object(Default::default())),
            Some(text) => serde_json::from_str(text).map_err(|e| {
                ApiError::new(
                    400,
                    "parseError",
                    format!("Invalid JSON payload received. {e}"),
                )
            }),
        }
    }

    /// The body as a JSON object (`{}` when empty); any other JSON value is a 400.
    pub fn body_object(&self) -> Result<serde_json::Map<String, Value>, ApiError> {
        match self.body_value()? {
            Value::Object(m) => Ok(m),
            _ => Err(ApiError::bad_request(
                "The request body must be a JSON object",
            )),
        }
    }

    /// The body deserialised into `T`; missing or mistyped fields are a 400 naming them.
    pub fn body_json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        let value = self.body_value()?;
        serde_json::from_value(value)
            .map_err(|e| ApiError::new(400, "invalid", format!("Invalid request body: {e}")))
    }

    /// Checks a `{userId}` path segment: `me`, or the acting user's id or email.
    pub fn check_user_param(&self, name: &str) -> Result<(), ApiError> {
        let value = self.param(name);
        if value == "me" || value == self.user.id || value.eq_ignore_ascii_case(&self.user.email) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "Delegation denied for {}: cannot act as '{value}'",
                self.user.email
            )))
        }
    }
}

enum Segment {
    Literal(String),
    Param {
        name: &'static str,
        prefix: &'static str,
        suffix: &'static str,
    },
}

struct CompiledRoute {
    route: Route,
    segments: Vec<Segment>,
    literal_count: usize,
}

struct CompiledService {
    name: &'static str,
    prefixes: &'static [&'static str],
    envelope: Envelope,
    routes: Vec<CompiledRoute>,
}

fn compile(pattern: &'static str) -> Vec<Segment> {
    pattern
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|seg| match (seg.find('{'), seg.find('}')) {
            (Some(open), Some(close)) if open < close => Segment::Param {
                prefix: &seg[..open],
                name: &seg[open + 1..close],
                suffix: &seg[close + 1..],
            },
            _ => Segment::Literal(seg.to_string()),
        })
        .collect()
}

fn registry() -> &'static [CompiledService] {
    static REGISTRY: OnceLock<Vec<CompiledService>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        services::all()
            .into_iter()
            .map(|svc| CompiledService {
                name: svc.name,
                prefixes: svc.prefixes,
                envelope: svc.envelope,
                routes: svc
                    .routes
                    .into_iter()
                    .map(|route| {
                        let segments = compile(route.pattern);
                        let literal_count = segments
                            .iter()
                            .filter(|s| matches!(s, Segment::Literal(_)))
                            .count();
                        CompiledRoute {
                            route,
                            segments,
                            literal_count,
                        }
                    })
                    .collect(),
            })
            .collect()
    })
}

fn service_for(path: &str) -> Option<&'static CompiledService> {
    registry()
        .iter()
        .find(|s| s.prefixes.iter().any(|p| path.starts_with(p)))
}

fn match_route(route: &CompiledRoute, segs: &[String]) -> Option<Vec<(&'static str, String)>> {
    if route.segments.len() != segs.len() {
        return None;
    }
    let mut params = Vec::new();
    for (pat, seg) in route.segments.iter().zip(segs) {
        match pat {
            Segment::Literal(lit) => {
                if lit != seg {
                    return None;
                }
            }
            Segment::Param {
                name,
                prefix,
                suffix,
            } => {
                if seg.len() <= prefix.len() + suffix.len()
                    || !seg.starts_with(prefix)
                    || !seg.ends_with(suffix)
                {
                    return None;
                }
                params.push((
                    *name,
                    seg[prefix.len()..seg.len() - suffix.len()].to_string(),
                ));
            }
        }
    }
    Some(params)
}

fn split_path(path: &str) -> Result<Vec<String>, ApiError> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_decode_str(s)
                .decode_utf8()
                .map(|c| c.into_owned())
                .map_err(|_| {
                    ApiError::bad_request(format!("path segment '{s}' is not valid UTF-8"))
                })
        })
        .collect()
}

/// Serves one request against `conn`: routes it, runs the handler in a transaction, advances the
/// clock after a successful mutation, and appends to the action log. Never panics.
pub fn dispatch(conn: &mut Connection, req: &Request) -> Response {
    let (path, raw_query) = match req.path.split_once('?') {
        Some((p, q)) => (p, q),
        None => (req.path.as_str(), ""),
    };
    let envelope = service_for(path)
        .map(|s| s.envelope)
        .unwrap_or(Envelope::Google);
    let now = match clock::now(conn) {
        Ok(t) => t,
        Err(e) => return ApiError::internal(e.to_string()).into_response(envelope),
    };
    let (response, user_id) = match serve(conn, req, path, raw_query, now) {
        Ok((reply, user_id)) => {
            let response = Response {
                status: reply.status,
                content_type: reply
                    .content_type
                    .unwrap_or_else(|| "application/json".into()),
                body: reply.body,
                binary_body: reply.binary.map(Vec::from),
            };
            (response, user_id)
        }
        Err((err, user_id)) => (err.into_response(envelope), user_id),
    };
    let logged = action_log::append(
        conn,
        &clock::rfc3339(now),
        user_id.as_deref().or(req.user.as_deref()),
        req.method.as_str(),
        &req.path,
        req.body_bytes(),
        response.status,
    );
    match logged {
        Ok(()) => response,
        Err(e) => ApiError::internal(format!("could not write the action log: {e}"))
            .into_response(envelope),
    }
}

type Served = Result<(Reply, Option<String>), (ApiError, Option<String>)>;

/// The services whose `fields=` partial responses the router applies to the handler's answer.
const MASKED_BY_ROUTER: [&str; 3] = ["gmail", "calendar", "docs"];

fn serve(
    conn: &mut Connection,
    req: &Request,
    path: &str,
    raw_query: &str,
    now: DateTime<Utc>,
) -> Served {
    let segs = split_path(path).map_err(|e| (e, None))?;
    let service = service_for(path)
        .ok_or_else(|| (ApiError::not_found(format!("No service at {path}")), None))?;
    let mut best: Option<(&CompiledRoute, Vec<(&'static str, String)>)> = None;
    let mut allowed: Vec<&'static str> = Vec::new();
    for route in &service.routes {
        if let Some(params) = match_route(route, &segs) {
            if route.route.method != req.method {
                allowed.push(route.route.method.as_str());
                continue;
            }
            if best
                .as_ref()
                .is_none_or(|(b, _)| route.literal_count > b.literal_count)
            {
                best = Some((route, params));
            }
        }
    }
    let Some((route, params)) = best else {
        if allowed.is_empty() {
            return Err((
                ApiError::not_found(format!("No such method: {} {path}", req.method)),
                None,
            ));
        }
        allowed.sort();
        allowed.dedup();
        return Err((
            ApiError::new(
                405,
                "methodNotAllowed",
                format!(
                    "{} is not allowed on {path}; allowed: {}",
                    req.method,
                    allowed.join(", ")
                ),
            ),
            None,
        ));
    };

    // Bearer-token enforcement (off unless the world turns it on): a token's user acts.
    let token_user =
        services::auth::enforce(conn, service.name, req.method, path, req.token.as_deref())
            .map_err(|e| (e, None))?;
    let user = match token_user.as_ref().or(req.user.as_ref()) {
        Some(u) => users::find(conn, u),
        None => users::primary(conn),
    };
    let user = match user {
        Ok(Some(u)) => u,
        Ok(None) => {
            let who = req.user.clone().unwrap_or_else(|| "(primary)".into());
            return Err((
                ApiError::unauthenticated(format!("Unknown user '{who}'")),
                None,
            ));
        }
        Err(e) => return Err((ApiError::from(e), None)),
    };
    let user_id = Some(user.id.clone());
    let query = Query::parse(raw_query);
    // Partial responses (`fields=`) for the Google services whose handlers do not read it
    // themselves (Drive does, with its own defaults). Checked before anything runs, so a bad mask
    // changes nothing.
    let fields_mask = match query.get("fields").filter(|f| !f.is_empty()) {
        Some(f) if MASKED_BY_ROUTER.contains(&service.name) => {
            Some(Mask::parse(f).map_err(|e| (e, Some(user.id.clone())))?)
        }
        _ => None,
    };
    // `application/json; charset=UTF-8` → `application/json`.
    let media_type = req.content_type.as_deref().map(|c| {
        c.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    });
    // A write takes the database's write lock when it begins: with another connection on the
    // same file (another process), a read-then-write transaction could not be upgraded later
    // and would fail at once instead of waiting its turn.
    let behavior = if req.method.mutates() {
        rusqlite::TransactionBehavior::Immediate
    } else {
        rusqlite::TransactionBehavior::Deferred
    };
    let tx = conn
        .transaction_with_behavior(behavior)
        .map_err(|e| (ApiError::from(e), user_id.clone()))?;
    // The clock as of this transaction (another connection may have moved it since arrival).
    let now = if req.method.mutates() {
        clock::now(&tx).map_err(|e| (ApiError::from(e), user_id.clone()))?
    } else {
        now
    };
    let outcome = {
        let mut ctx = Ctx {
            db: &tx,
            user: &user,
            now,
            query: &query,
            token: req.token.as_deref(),
            content_type: media_type.as_deref(),
            params,
            body: req.body_bytes(),
        };
        let handler = route.route.handler;
        catch_unwind(AssertUnwindSafe(|| handler(&mut ctx))).unwrap_or_else(|panic| {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(ApiError::internal(format!("handler panicked: {what}")))
        })
    };
    match outcome {
        Ok(reply) => {
            let finish = (|| {
                if req.method.mutates() {
                    clock::advance(&tx, clock::TICK_MS)?;
                }
                tx.commit()?;
                Ok::<(), crate::error::Error>(())
            })();
            match finish {
                Ok(()) => {
                    let mut reply = reply;
                    if let (Some(mask), None) = (&fields_mask, &reply.content_type) {
                        reply.body = mask.apply(&reply.body);
                    }
                    Ok((reply, user_id))
                }
                Err(e) => Err((ApiError::from(e), user_id)),
            }
        }
        Err(e) => {
            // Dropping the transaction rolls it back.
            drop(tx);
            Err((e, user_id))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_with_suffixes_match() {
        let route = CompiledRoute {
            route: Route::new(
                Method::Post,
                "/v1/documents/{documentId}:batchUpdate",
                |_| Ok(Reply::no_content()),
            ),
            segments: compile("/v1/documents/{documentId}:batchUpdate"),
            literal_count: 2,
        };
        let segs = split_path("/v1/documents/abc:batchUpdate").unwrap();
        let params = match_route(&route, &segs).unwrap();
        assert_eq!(params, vec![("documentId", "abc".to_string())]);
        assert!(match_route(&route, &split_path("/v1/documents/abc").unwrap()).is_none());
        assert!(match_route(&route, &split_path("/v1/documents/:batchUpdate").unwrap()).is_none());
    }

    #[test]
    fn path_segments_are_percent_decoded() {
        assert_eq!(
            split_path("/calendar/v3/calendars/alex%40nexusai.com/events").unwrap(),
            vec!["calendar", "v3", "calendars", "alex@nexusai.com", "events"]
        );
        assert!(split_path("/x/%FF").is_err());
    }
}
