//! users.settings.*: filters, send-as addresses, forwarding addresses, and the single-object
//! settings (vacation, imap, pop, language, autoForwarding), all stored in tables.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value};

use super::labels;
use super::mailbox::default_settings;
use super::search::{self, Expr};
use super::store;
use super::user;
use crate::rest::body::{opt_str, str_list};
use crate::rest::{ApiError, Ctx, Reply};
use crate::store::clock::ids;

// ---------------------------------------------------------------- single-object settings

/// How a field of a settings object is checked.
enum Kind {
    Bool,
    Str,
    Enum(&'static [&'static str]),
    /// int64 carried as a JSON string (numbers are accepted and turned into strings).
    Int64,
    IntIn(&'static [i64]),
}

fn spec(name: &str) -> &'static [(&'static str, Kind)] {
    match name {
        "vacation" => &[
            ("enableAutoReply", Kind::Bool),
            ("responseSubject", Kind::Str),
            ("responseBodyPlainText", Kind::Str),
            ("responseBodyHtml", Kind::Str),
            ("restrictToContacts", Kind::Bool),
            ("restrictToDomain", Kind::Bool),
            ("startTime", Kind::Int64),
            ("endTime", Kind::Int64),
        ],
        "imap" => &[
            ("enabled", Kind::Bool),
            ("autoExpunge", Kind::Bool),
            (
                "expungeBehavior",
                Kind::Enum(&[
                    "archive",
                    "trash",
                    "deleteForever",
                    "expungeBehaviorUnspecified",
                ]),
            ),
            ("maxFolderSize", Kind::IntIn(&[0, 1000, 2000, 5000, 10000])),
        ],
        "pop" => &[
            (
                "accessWindow",
                Kind::Enum(&[
                    "disabled",
                    "fromNowOn",
                    "allMail",
                    "accessWindowUnspecified",
                ]),
            ),
            (
                "disposition",
                Kind::Enum(&[
                    "leaveInInbox",
                    "archive",
                    "trash",
                    "markRead",
                    "dispositionUnspecified",
                ]),
            ),
        ],
        "language" => &[("displayLanguage", Kind::Str)],
        "autoForwarding" => &[
            ("enabled", Kind::Bool),
            ("emailAddress", Kind::Str),
            (
                "disposition",
                Kind::Enum(&[
                    "leaveInInbox",
                    "archive",
                    "trash",
                    "markRead",
                    "dispositionUnspecified",
                ]),
            ),
        ],
        _ => &[],
    }
}

/// A stored settings object (its default when none is stored).
pub fn get_setting(conn: &Connection, user_id: &str, name: &str) -> Result<Value, ApiError> {
    let stored: Option<String> = conn
        .prepare_cached("SELECT value FROM gmail_settings WHERE user_id = ?1 AND name = ?2")?
        .query_row(params![user_id, name], |r| r.get(0))
        .optional()?;
    Ok(stored
        .and_then(|s| serde_json::from_str(&s).ok())
        .or_else(|| {
            default_settings()
                .into_iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v)
        })
        .unwrap_or_else(|| json!({})))
}

pub fn put_setting(
    conn: &Connection,
    user_id: &str,
    name: &str,
    value: &Value,
) -> Result<(), ApiError> {
    conn.execute(
        "INSERT INTO gmail_settings (user_id, name, value) VALUES (?1, ?2, ?3) \
         ON CONFLICT(user_id, name) DO UPDATE SET value = excluded.value",
        params![user_id, name, value.to_string()],
    )?;
    Ok(())
}

/// Validates a settings body against its spec; the result replaces the stored object (fields
/// left out take their defaults, as a PUT does).
fn validated(name: &str, body: &Map<String, Value>) -> Result<Value, ApiError> {
    let fields = spec(name);
    let mut out = default_settings()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
        .unwrap_or_else(|| json!({}));
    for (key, value) in body {
        let Some((_, kind)) = fields.iter().find(|(k, _)| k == key) else {
            return Err(ApiError::bad_request(format!(
                "Unknown field {key} in {name} settings"
            )));
        };
        if value.is_null() {
            continue;
        }
        let bad = || ApiError::bad_request(format!("Invalid value for {key}: {value}"));
        let checked = match kind {
            Kind::Bool => Value::Bool(value.as_bool().ok_or_else(bad)?),
            Kind::Str => Value::String(value.as_str().ok_or_else(bad)?.to_string()),
            Kind::Enum(allowed) => {
                let s = value.as_str().ok_or_else(bad)?;
                if !allowed.contains(&s) {
                    return Err(bad());
                }
                json!(s)
            }
            Kind::Int64 => {
                let n = match value {
                    Value::String(s) => s.parse::<i64>().map_err(|_| bad())?,
                    Value::Number(n) => n.as_i64().ok_or_else(bad)?,
                    _ => return Err(bad()),
                };
                json!(n.to_string())
            }
            Kind::IntIn(allowed) => {
                let n = value.as_i64().ok_or_else(bad)?;
                if !allowed.contains(&n) {
                    return Err(bad());
                }
                json!(n)
            }
        };
        out[key.as_str()] = checked;
    }
    Ok(out)
}

fn setting_get(ctx: &Ctx<'_>, name: &str) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    Ok(Reply::ok(get_setting(ctx.db, &u, name)?))
}

fn setting_update(ctx: &Ctx<'_>, name: &str) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let value = validated(name, &ctx.body_object()?)?;
    match name {
        "vacation" => {
            let t = |k: &str| {
                value
                    .get(k)
                    .and_then(Value::as_str)
                    .and_then(|s| s.parse::<i64>().ok())
            };
            if let (Some(s), Some(e)) = (t("startTime"), t("endTime")) {
                if e <= s {
                    return Err(ApiError::bad_request("endTime must be after startTime"));
                }
            }
        }
        "language" if value["displayLanguage"].as_str().is_none_or(str::is_empty) => {
            return Err(ApiError::required("displayLanguage"));
        }
        "autoForwarding" if value["enabled"] == json!(true) => {
            let addr = value["emailAddress"].as_str().unwrap_or("");
            if addr.is_empty() {
                return Err(ApiError::required("emailAddress"));
            }
            let status = forwarding_status(ctx.db, &u, addr)?;
            if status.as_deref() != Some("accepted") {
                return Err(ApiError::bad_request(format!(
                    "Unverified forwarding address: {addr}"
                )));
            }
        }
        _ => {}
    }
    put_setting(ctx.db, &u, name, &value)?;
    Ok(Reply::ok(value))
}

pub fn vacation_get(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    setting_get(ctx, "vacation")
}
pub fn vacation_update(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    setting_update(ctx, "vacation")
}
pub fn imap_get(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    setting_get(ctx, "imap")
}
pub fn imap_update(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    setting_update(ctx, "imap")
}
pub fn pop_get(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    setting_get(ctx, "pop")
}
pub fn pop_update(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    setting_update(ctx, "pop")
}
pub fn language_get(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    setting_get(ctx, "language")
}
pub fn language_update(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    setting_update(ctx, "language")
}
pub fn auto_forwarding_get(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    setting_get(ctx, "autoForwarding")
}
pub fn auto_forwarding_update(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    setting_update(ctx, "autoForwarding")
}

// ---------------------------------------------------------------- filters

pub struct Filter {
    pub id: String,
    pub criteria: Value,
    pub action: Value,
}

impl Filter {
    fn to_json(&self) -> Value {
        json!({"id": self.id, "criteria": self.criteria, "action": self.action})
    }
}

pub fn filters_all(conn: &Connection, user_id: &str) -> Result<Vec<Filter>, ApiError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, criteria, action FROM gmail_filters WHERE user_id = ?1 ORDER BY rowid",
    )?;
    let rows = stmt.query_map([user_id], |r| {
        let (c, a): (String, String) = (r.get(1)?, r.get(2)?);
        Ok(Filter {
            id: r.get(0)?,
            criteria: serde_json::from_str(&c).unwrap_or_default(),
            action: serde_json::from_str(&a).unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn quote_group(v: &str) -> String {
    format!("({})", v.replace(['(', ')'], " "))
}

/// A filter's criteria as a search expression (`None` when it has no usable criteria).
pub fn criteria_expr(c: &Value) -> Option<Expr> {
    let s = |k: &str| {
        c.get(k)
            .and_then(Value::as_str)
            .filter(|v| !v.trim().is_empty())
    };
    let mut q = Vec::new();
    if let Some(v) = s("from") {
        q.push(format!("from:{}", quote_group(v)));
    }
    if let Some(v) = s("to") {
        q.push(format!("to:{}", quote_group(v)));
    }
    if let Some(v) = s("subject") {
        q.push(format!("subject:{}", quote_group(v)));
    }
    if let Some(v) = s("query") {
        q.push(format!("({v})"));
    }
    if let Some(v) = s("negatedQuery") {
        q.push(format!("-({v})"));
    }
    if c.get("hasAttachment").and_then(Value::as_bool) == Some(true) {
        q.push("has:attachment".into());
    }
    if let Some(size) = c.get("size").and_then(Value::as_i64) {
        match c.get("sizeComparison").and_then(Value::as_str) {
            Some("smaller") => q.push(format!("smaller:{size}")),
            _ => q.push(format!("larger:{size}")),
        }
    }
    if q.is_empty() {
        return None;
    }
    search::parse(&q.join(" ")).ok()
}

pub fn filters_list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let filters: Vec<Value> = filters_all(ctx.db, &u)?
        .iter()
        .map(Filter::to_json)
        .collect();
    let mut out = json!({});
    if !filters.is_empty() {
        out["filter"] = Value::Array(filters);
    }
    Ok(Reply::ok(out))
}

pub fn filters_get(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let f = filters_all(ctx.db, &u)?
        .into_iter()
        .find(|f| f.id == ctx.param("id"))
        .ok_or_else(store::not_found)?;
    Ok(Reply::ok(f.to_json()))
}

fn object<'a>(body: &'a Map<String, Value>, key: &str) -> Result<&'a Map<String, Value>, ApiError> {
    match body.get(key) {
        Some(Value::Object(m)) => Ok(m),
        None | Some(Value::Null) => Err(ApiError::required(&format!("filter.{key}"))),
        Some(_) => Err(ApiError::bad_request(format!(
            "Invalid value for {key}: expected an object"
        ))),
    }
}

/// Stores a filter after checking it (shared by filters.create and the seeder).
pub fn create_filter(
    conn: &Connection,
    user_id: &str,
    body: &Map<String, Value>,
) -> Result<Filter, ApiError> {
    let criteria_in = object(body, "criteria")?;
    let action_in = object(body, "action")?;
    let mut criteria = Map::new();
    for (k, v) in criteria_in {
        let ok = match k.as_str() {
            "from" | "to" | "subject" | "query" | "negatedQuery" => v.is_string(),
            "hasAttachment" | "excludeChats" => v.is_boolean(),
            "size" => v.is_i64(),
            "sizeComparison" => matches!(
                v.as_str(),
                Some("larger") | Some("smaller") | Some("unspecified")
            ),
            _ => {
                return Err(ApiError::bad_request(format!(
                    "Unknown filter criterion: {k}"
                )))
            }
        };
        if !ok {
            return Err(ApiError::bad_request(format!(
                "Invalid value for criteria.{k}: {v}"
            )));
        }
        if !(v.as_str().is_some_and(|s| s.trim().is_empty())) {
            criteria.insert(k.clone(), v.clone());
        }
    }
    let criteria = Value::Object(criteria);
    if criteria_expr(&criteria).is_none() {
        return Err(ApiError::bad_request("Filter criteria must not be empty"));
    }
    let add = str_list(action_in, "addLabelIds")?;
    let remove = str_list(action_in, "removeLabelIds")?;
    labels::check_ids(conn, user_id, &add)?;
    labels::check_ids(conn, user_id, &remove)?;
    let forward = opt_str(action_in, "forward")?.map(str::to_string);
    if let Some(f) = &forward {
        if forwarding_status(conn, user_id, f)?.as_deref() != Some("accepted") {
            return Err(ApiError::bad_request(format!(
                "Unverified forwarding address: {f}"
            )));
        }
    }
    let mut action = Map::new();
    if !add.is_empty() {
        action.insert("addLabelIds".into(), json!(add));
    }
    if !remove.is_empty() {
        action.insert("removeLabelIds".into(), json!(remove));
    }
    if let Some(f) = forward {
        action.insert("forward".into(), json!(f));
    }
    if action.is_empty() {
        return Err(ApiError::bad_request("Filter action must not be empty"));
    }
    let action = Value::Object(action);
    if filters_all(conn, user_id)?
        .iter()
        .any(|f| f.criteria == criteria && f.action == action)
    {
        return Err(ApiError::bad_request("Filter already exists"));
    }
    let filter = Filter {
        id: format!("ANe1Bm{}", ids::token(conn, 20)?),
        criteria,
        action,
    };
    conn.execute(
        "INSERT INTO gmail_filters (id, user_id, criteria, action) VALUES (?1, ?2, ?3, ?4)",
        params![
            filter.id,
            user_id,
            filter.criteria.to_string(),
            filter.action.to_string()
        ],
    )?;
    Ok(filter)
}

pub fn filters_create(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let body = ctx.body_object()?;
    Ok(Reply::ok(create_filter(ctx.db, &u, &body)?.to_json()))
}

pub fn filters_delete(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let n = ctx.db.execute(
        "DELETE FROM gmail_filters WHERE id = ?1 AND user_id = ?2",
        params![ctx.param("id"), u],
    )?;
    if n == 0 {
        return Err(store::not_found());
    }
    Ok(Reply::no_content())
}

// ---------------------------------------------------------------- send-as

#[derive(Clone, Debug, PartialEq)]
pub struct SendAs {
    pub email: String,
    pub display_name: String,
    pub reply_to_address: String,
    pub signature: String,
    pub is_primary: bool,
    pub is_default: bool,
    pub treat_as_alias: bool,
    pub verification_status: String,
}

impl SendAs {
    fn to_json(&self) -> Value {
        let mut v = json!({
            "sendAsEmail": self.email,
            "displayName": self.display_name,
            "replyToAddress": self.reply_to_address,
            "signature": self.signature,
            "isPrimary": self.is_primary,
            "isDefault": self.is_default,
        });
        if !self.is_primary {
            v["treatAsAlias"] = json!(self.treat_as_alias);
            v["verificationStatus"] = json!(self.verification_status);
        }
        v
    }
}

pub fn send_as_all(conn: &Connection, user_id: &str) -> Result<Vec<SendAs>, ApiError> {
    let mut stmt = conn.prepare_cached(
        "SELECT send_as_email, display_name, reply_to_address, signature, is_primary, is_default, \
         treat_as_alias, verification_status FROM gmail_send_as WHERE user_id = ?1 \
         ORDER BY is_primary DESC, send_as_email",
    )?;
    let rows = stmt.query_map([user_id], |r| {
        Ok(SendAs {
            email: r.get(0)?,
            display_name: r.get(1)?,
            reply_to_address: r.get(2)?,
            signature: r.get(3)?,
            is_primary: r.get(4)?,
            is_default: r.get(5)?,
            treat_as_alias: r.get(6)?,
            verification_status: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn find_send_as(ctx: &Ctx<'_>, u: &str) -> Result<SendAs, ApiError> {
    send_as_all(ctx.db, u)?
        .into_iter()
        .find(|s| s.email.eq_ignore_ascii_case(ctx.param("email")))
        .ok_or_else(store::not_found)
}

fn save_send_as(conn: &Connection, u: &str, s: &SendAs) -> Result<(), ApiError> {
    if s.is_default {
        conn.execute(
            "UPDATE gmail_send_as SET is_default = 0 WHERE user_id = ?1",
            [u],
        )?;
    }
    conn.execute(
        "INSERT INTO gmail_send_as (user_id, send_as_email, display_name, reply_to_address, \
         signature, is_primary, is_default, treat_as_alias, verification_status) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
         ON CONFLICT(user_id, send_as_email) DO UPDATE SET display_name = excluded.display_name, \
         reply_to_address = excluded.reply_to_address, signature = excluded.signature, \
         is_default = excluded.is_default, treat_as_alias = excluded.treat_as_alias, \
         verification_status = excluded.verification_status",
        params![
            u,
            s.email,
            s.display_name,
            s.reply_to_address,
            s.signature,
            s.is_primary,
            s.is_default,
            s.treat_as_alias,
            s.verification_status
        ],
    )?;
    Ok(())
}

fn is_email(s: &str) -> bool {
    let mut parts = s.split('@');
    matches!((parts.next(), parts.next(), parts.next()), (Some(a), Some(d), None)
        if !a.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
            && !s.contains(char::is_whitespace))
}

/// Applies the fields of a send-as body (`replace`: absent fields reset).
fn apply_send_as(s: &mut SendAs, body: &Map<String, Value>, replace: bool) -> Result<(), ApiError> {
    if let Some(e) = opt_str(body, "sendAsEmail")? {
        if !e.eq_ignore_ascii_case(&s.email) {
            return Err(ApiError::bad_request("sendAsEmail cannot be changed"));
        }
    }
    for (key, target) in [
        ("displayName", &mut s.display_name),
        ("replyToAddress", &mut s.reply_to_address),
        ("signature", &mut s.signature),
    ] {
        match opt_str(body, key)? {
            Some(v) => *target = v.to_string(),
            None if replace => target.clear(),
            None => {}
        }
    }
    if !s.reply_to_address.is_empty() && !is_email(&s.reply_to_address) {
        return Err(ApiError::bad_request(format!(
            "Invalid replyToAddress: {}",
            s.reply_to_address
        )));
    }
    let flag = |key: &str| -> Result<Option<bool>, ApiError> {
        match body.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(ApiError::bad_request(format!(
                "Invalid value for {key}: {v}"
            ))),
        }
    };
    if flag("isDefault")? == Some(true) {
        if s.verification_status != "accepted" && !s.is_primary {
            return Err(ApiError::bad_request(
                "Only a verified send-as address can be the default",
            ));
        }
        s.is_default = true;
    }
    if flag("isPrimary")?.is_some_and(|p| p != s.is_primary) {
        return Err(ApiError::bad_request("isPrimary cannot be changed"));
    }
    if let Some(a) = flag("treatAsAlias")? {
        s.treat_as_alias = a;
    }
    Ok(())
}

pub fn send_as_list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let all: Vec<Value> = send_as_all(ctx.db, &u)?
        .iter()
        .map(SendAs::to_json)
        .collect();
    Ok(Reply::ok(json!({ "sendAs": all })))
}

pub fn send_as_get(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    Ok(Reply::ok(find_send_as(ctx, &u)?.to_json()))
}

pub fn send_as_create(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let body = ctx.body_object()?;
    let email = opt_str(&body, "sendAsEmail")?
        .ok_or_else(|| ApiError::required("sendAsEmail"))?
        .trim()
        .to_string();
    if !is_email(&email) {
        return Err(ApiError::bad_request(format!(
            "Invalid sendAsEmail: {email}"
        )));
    }
    if send_as_all(ctx.db, &u)?
        .iter()
        .any(|s| s.email.eq_ignore_ascii_case(&email))
    {
        return Err(ApiError::conflict(format!(
            "Send-as address {email} already exists"
        )));
    }
    let same_domain = email.rsplit('@').next() == ctx.user.email.rsplit('@').next();
    let mut s = SendAs {
        email,
        display_name: String::new(),
        reply_to_address: String::new(),
        signature: String::new(),
        is_primary: false,
        is_default: false,
        treat_as_alias: true,
        verification_status: if same_domain { "accepted" } else { "pending" }.into(),
    };
    apply_send_as(&mut s, &body, false)?;
    save_send_as(ctx.db, &u, &s)?;
    Ok(Reply::ok(s.to_json()))
}

fn send_as_change(ctx: &Ctx<'_>, replace: bool) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let mut s = find_send_as(ctx, &u)?;
    let body = ctx.body_object()?;
    apply_send_as(&mut s, &body, replace)?;
    save_send_as(ctx.db, &u, &s)?;
    Ok(Reply::ok(s.to_json()))
}

pub fn send_as_update(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    send_as_change(ctx, true)
}

pub fn send_as_patch(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    send_as_change(ctx, false)
}

pub fn send_as_delete(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let s = find_send_as(ctx, &u)?;
    if s.is_primary {
        return Err(ApiError::bad_request(
            "The primary send-as address cannot be deleted",
        ));
    }
    ctx.db.execute(
        "DELETE FROM gmail_send_as WHERE user_id = ?1 AND send_as_email = ?2",
        params![u, s.email],
    )?;
    if s.is_default {
        ctx.db.execute(
            "UPDATE gmail_send_as SET is_default = 1 WHERE user_id = ?1 AND is_primary = 1",
            [&u],
        )?;
    }
    Ok(Reply::no_content())
}

/// Sends the verification mail (here: nothing to send; the address stays pending).
pub fn send_as_verify(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    find_send_as(ctx, &u)?;
    Ok(Reply::no_content())
}

// ---------------------------------------------------------------- forwarding addresses

pub fn forwarding_status(
    conn: &Connection,
    user_id: &str,
    email: &str,
) -> Result<Option<String>, ApiError> {
    Ok(conn
        .prepare_cached(
            "SELECT verification_status FROM gmail_forwarding_addresses \
             WHERE user_id = ?1 AND forwarding_email = ?2",
        )?
        .query_row(params![user_id, email], |r| r.get(0))
        .optional()?)
}

fn forwarding_json(email: &str, status: &str) -> Value {
    json!({"forwardingEmail": email, "verificationStatus": status})
}

pub fn forwarding_list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let mut stmt = ctx.db.prepare(
        "SELECT forwarding_email, verification_status FROM gmail_forwarding_addresses \
         WHERE user_id = ?1 ORDER BY forwarding_email",
    )?;
    let all: Vec<Value> = stmt
        .query_map([&u], |r| {
            Ok(forwarding_json(
                &r.get::<_, String>(0)?,
                &r.get::<_, String>(1)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = json!({});
    if !all.is_empty() {
        out["forwardingAddresses"] = Value::Array(all);
    }
    Ok(Reply::ok(out))
}

pub fn forwarding_get(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let email = ctx.param("email").to_string();
    let status = forwarding_status(ctx.db, &u, &email)?.ok_or_else(store::not_found)?;
    Ok(Reply::ok(forwarding_json(
        &email.to_ascii_lowercase(),
        &status,
    )))
}

/// Adds a forwarding address: addresses of the world's own users are accepted at once (their
/// confirmation mail is clicked by the mock); others stay pending.
pub fn forwarding_create(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let body = ctx.body_object()?;
    let email = opt_str(&body, "forwardingEmail")?
        .ok_or_else(|| ApiError::required("forwardingEmail"))?
        .trim()
        .to_ascii_lowercase();
    if !is_email(&email) {
        return Err(ApiError::bad_request(format!(
            "Invalid forwardingEmail: {email}"
        )));
    }
    if forwarding_status(ctx.db, &u, &email)?.is_some() {
        return Err(ApiError::conflict(format!(
            "Forwarding address {email} already exists"
        )));
    }
    let known = crate::store::users::find(ctx.db, &email)?.is_some();
    let status = if known { "accepted" } else { "pending" };
    ctx.db.execute(
        "INSERT INTO gmail_forwarding_addresses (user_id, forwarding_email, verification_status) \
         VALUES (?1, ?2, ?3)",
        params![u, email, status],
    )?;
    Ok(Reply::ok(forwarding_json(&email, status)))
}

pub fn forwarding_delete(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let n = ctx.db.execute(
        "DELETE FROM gmail_forwarding_addresses WHERE user_id = ?1 AND forwarding_email = ?2",
        params![u, ctx.param("email")],
    )?;
    if n == 0 {
        return Err(store::not_found());
    }
    Ok(Reply::no_content())
}
