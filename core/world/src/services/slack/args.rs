//! Slack method arguments and callers.
//!
//! Slack accepts arguments as a query string, a JSON body or a form-urlencoded body; [`Args`]
//! merges them (body wins over query). [`Caller`] resolves who is calling: a Slack token
//! (`xoxp-…` user, `xoxb-…` bot), an OAuth access token from the auth service (acts as its user
//! with a user token), or — when the request carries no token — the request's acting user with a
//! user token holding every user scope.

use base64::Engine;
use rusqlite::OptionalExtension;
use serde_json::{json, Value};

use super::model::{self, Caller};
use crate::rest::{ApiError, Ctx, Reply};

/// Scopes of a full user token (the no-token default).
pub const USER_SCOPES: &str = "channels:read channels:history channels:write groups:read \
groups:history groups:write im:read im:history im:write mpim:read mpim:history mpim:write \
chat:write reactions:read reactions:write pins:read pins:write search:read users:read \
users:read.email users.profile:read files:read team:read";

/// Scopes of the workspace bot token: no `search:read` (Slack refuses search for bots anyway).
pub const BOT_SCOPES: &str = "channels:read channels:history channels:join channels:manage \
groups:read groups:history im:read im:history im:write mpim:read mpim:history chat:write \
reactions:read reactions:write pins:read pins:write users:read users:read.email files:read team:read";

/// The merged arguments of one call.
pub struct Args {
    pairs: Vec<(String, Value)>,
}

impl Args {
    pub fn parse(ctx: &Ctx<'_>) -> Result<Args, ApiError> {
        let mut args = Args {
            pairs: ctx
                .query
                .pairs()
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect(),
        };
        if let Some(body) = ctx.text_body()? {
            let body = body.trim_start();
            // As Slack: the Content-Type decides; without one (or another one: multipart bodies
            // are not read yet), a body that looks like JSON is.
            let json = match ctx.content_type {
                Some("application/json") => true,
                Some("application/x-www-form-urlencoded") => false,
                _ => body.starts_with('{'),
            };
            if json {
                let value: Value =
                    serde_json::from_str(body).map_err(|_| ApiError::slack("invalid_json"))?;
                if let Value::Object(map) = value {
                    for (k, v) in map {
                        args.set(k, v);
                    }
                }
            } else {
                for (k, v) in form_urlencoded::parse(body.as_bytes()) {
                    args.set(k.into_owned(), Value::String(v.into_owned()));
                }
            }
        }
        Ok(args)
    }

    fn set(&mut self, key: String, value: Value) {
        self.pairs.retain(|(k, _)| *k != key);
        self.pairs.push((key, value));
    }

    fn raw(&self, name: &str) -> Option<&Value> {
        self.pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// A non-empty string argument (numbers and booleans are accepted as their text).
    pub fn str(&self, name: &str) -> Option<String> {
        match self.raw(name)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A JSON argument: a JSON value in a JSON body, or JSON text in a form or query
    /// (`blocks=[...]`); `Err(())` when the text is not JSON.
    pub fn json(&self, name: &str) -> Result<Option<Value>, ()> {
        match self.raw(name) {
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => serde_json::from_str(s).map(Some).map_err(|_| ()),
            Some(v) => Ok(Some(v.clone())),
        }
    }

    /// A string argument that must be present; `code` is the Slack error otherwise.
    pub fn need(&self, name: &str, code: &str) -> Result<String, ApiError> {
        self.str(name).ok_or_else(|| ApiError::slack(code))
    }

    pub fn bool(&self, name: &str, default: bool) -> Result<bool, ApiError> {
        match self.raw(name) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(Value::Number(n)) => Ok(n.as_f64().unwrap_or(0.0) != 0.0),
            Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "" => Ok(default),
                "true" | "1" | "yes" => Ok(true),
                "false" | "0" | "no" => Ok(false),
                _ => Err(ApiError::slack("invalid_arguments")),
            },
            Some(_) => Err(ApiError::slack("invalid_arguments")),
        }
    }

    /// An integer argument; a non-integer is `invalid_arguments`.
    pub fn int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        match self.raw(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| ApiError::slack("invalid_arguments")),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| ApiError::slack("invalid_arguments")),
            Some(_) => Err(ApiError::slack("invalid_arguments")),
        }
    }

    /// Page size: `limit` (or `count`) clamped to 1..=max, `default` when absent or below 1.
    pub fn limit(&self, default: usize, max: usize) -> Result<usize, ApiError> {
        let n = match self.int("limit")? {
            Some(n) => Some(n),
            None => self.int("count")?,
        };
        Ok(match n {
            Some(n) if n >= 1 => (n as usize).min(max),
            _ => default,
        })
    }

    /// A list argument: comma-separated text or a JSON array of strings.
    pub fn list(&self, name: &str) -> Vec<String> {
        match self.raw(name) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            Some(Value::String(s)) => s
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        }
    }
}

fn split_scopes(s: &str) -> Vec<String> {
    s.split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Resolves the caller of a request.
pub fn caller(ctx: &Ctx<'_>) -> Result<Caller, ApiError> {
    // Every Slack method resolves its caller first: the one place where time-driven events
    // (scheduled messages coming due) are applied before the request is served.
    model::deliver_due(ctx.db, ctx.now)?;
    if let Some(token) = ctx.token.filter(|t| !t.is_empty()) {
        let row: Option<(String, String, String)> = ctx
            .db
            .query_row(
                "SELECT token_type, user_id, scopes FROM slack_tokens WHERE token = ?1",
                [token],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        if let Some((kind, user_id, scopes)) = row {
            let (bot_id, deleted): (Option<String>, bool) = ctx
                .db
                .query_row(
                    "SELECT bot_id, deleted FROM slack_users WHERE id = ?1",
                    [&user_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .ok_or_else(|| ApiError::slack("invalid_auth"))?;
            if deleted {
                return Err(ApiError::slack("account_inactive"));
            }
            return Ok(Caller {
                id: user_id,
                is_bot: kind == "bot",
                bot_id: if kind == "bot" { bot_id } else { None },
                scopes: split_scopes(&scopes),
            });
        }
        // An OAuth access token of the identity service acts as its user (the router has already
        // switched the acting user when enforcement is on).
        if !crate::services::auth::tokens::is_live_access_token(ctx.db, token, ctx.now)? {
            return Err(ApiError::slack("invalid_auth"));
        }
    }
    let row: Option<(String, bool)> = ctx
        .db
        .query_row(
            "SELECT id, deleted FROM slack_users WHERE directory_id = ?1",
            [&ctx.user.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match row {
        None => Err(ApiError::slack("invalid_auth")),
        Some((_, true)) => Err(ApiError::slack("account_inactive")),
        Some((id, false)) => Ok(Caller {
            id,
            bot_id: None,
            is_bot: false,
            scopes: split_scopes(USER_SCOPES),
        }),
    }
}

/// The prelude of every Slack method: its arguments, and a caller holding one of `scopes`.
pub fn setup(ctx: &Ctx<'_>, scopes: &[&str]) -> Result<(Args, Caller), ApiError> {
    let args = Args::parse(ctx)?;
    let who = caller(ctx)?;
    who.require(scopes)?;
    Ok((args, who))
}

/// A successful Slack answer: `body` with `"ok": true` added.
pub fn ok(mut body: Value) -> Result<Reply, ApiError> {
    if let Some(o) = body.as_object_mut() {
        o.insert("ok".into(), json!(true));
    }
    Ok(Reply::ok(body))
}

/// Opaque cursors: base64 of `offset:N` (lists) or `next_ts:TS` (message history).
pub fn encode_cursor(kind: &str, value: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{kind}:{value}"))
}

/// Decodes a cursor of the given kind; anything else is `invalid_cursor`.
pub fn decode_cursor(cursor: &str, kind: &str) -> Result<String, ApiError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(cursor.trim())
        .map_err(|_| ApiError::slack("invalid_cursor"))?;
    let text = String::from_utf8(bytes).map_err(|_| ApiError::slack("invalid_cursor"))?;
    text.strip_prefix(kind)
        .and_then(|rest| rest.strip_prefix(':'))
        .map(str::to_string)
        .ok_or_else(|| ApiError::slack("invalid_cursor"))
}

/// One page of `items` by offset cursor; returns the page and the next cursor (`""` when done).
pub fn paginate<T>(
    items: Vec<T>,
    args: &Args,
    default: usize,
    max: usize,
) -> Result<(Vec<T>, String), ApiError> {
    let limit = args.limit(default, max)?;
    let offset = match args.str("cursor") {
        None => 0,
        Some(c) => decode_cursor(&c, "offset")?
            .parse::<usize>()
            .map_err(|_| ApiError::slack("invalid_cursor"))?,
    };
    let total = items.len();
    let page: Vec<T> = items.into_iter().skip(offset).take(limit).collect();
    let next = if offset.saturating_add(limit) < total {
        encode_cursor("offset", &(offset + limit).to_string())
    } else {
        String::new()
    };
    Ok((page, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_junk() {
        let c = encode_cursor("offset", "40");
        assert_eq!(decode_cursor(&c, "offset").unwrap(), "40");
        assert!(decode_cursor(&c, "next_ts").is_err());
        assert!(decode_cursor("%%%", "offset").is_err());
    }
}
