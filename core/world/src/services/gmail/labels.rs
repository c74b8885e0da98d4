//! Labels: the 14 system labels every mailbox has, user labels with colours and visibility,
//! counts, and the labels.* endpoints.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value};

use super::store::{self, Message};
use super::user;
use crate::rest::body::opt_string;
use crate::rest::{ApiError, Ctx, Reply};
use crate::store::clock::ids;

/// System labels in the order Gmail lists them, with `(messageListVisibility, labelListVisibility)`.
pub const SYSTEM_LABELS: &[(&str, Option<(&str, &str)>)] = &[
    ("CHAT", Some(("hide", "labelHide"))),
    ("SENT", None),
    ("INBOX", None),
    ("IMPORTANT", Some(("hide", "labelHide"))),
    ("TRASH", Some(("hide", "labelHide"))),
    ("DRAFT", None),
    ("SPAM", Some(("hide", "labelHide"))),
    ("CATEGORY_FORUMS", Some(("hide", "labelHide"))),
    ("CATEGORY_UPDATES", Some(("hide", "labelHide"))),
    ("CATEGORY_PERSONAL", Some(("hide", "labelHide"))),
    ("CATEGORY_PROMOTIONS", Some(("hide", "labelHide"))),
    ("CATEGORY_SOCIAL", Some(("hide", "labelHide"))),
    ("STARRED", None),
    ("UNREAD", None),
];

/// Names a user label may not take (system labels and the folders Gmail shows).
const RESERVED: &[&str] = &[
    "inbox",
    "sent",
    "drafts",
    "draft",
    "trash",
    "spam",
    "starred",
    "unread",
    "important",
    "chat",
    "chats",
    "all mail",
    "scheduled",
    "snoozed",
    "outbox",
];

/// Gmail's label colour palette (both colours of a label must come from it).
pub const PALETTE: &[&str] = &[
    "#000000", "#434343", "#666666", "#999999", "#cccccc", "#efefef", "#f3f3f3", "#ffffff",
    "#fb4c2f", "#ffad47", "#fad165", "#16a766", "#43d692", "#4a86e8", "#a479e2", "#f691b3",
    "#f6c5be", "#ffe6c7", "#fef1d1", "#b9e4d0", "#c6f3de", "#c9daf8", "#e4d7f5", "#fcdee8",
    "#efa093", "#ffd6a2", "#fce8b3", "#89d3b2", "#a0eac9", "#a4c2f4", "#d0bcf1", "#fbc8d9",
    "#e66550", "#ffbc6b", "#fcda83", "#44b984", "#68dfa9", "#6d9eeb", "#b694e8", "#f7a7c0",
    "#cc3a21", "#eaa041", "#f2c960", "#149e60", "#3dc789", "#3c78d8", "#8e63ce", "#e07798",
    "#ac2b16", "#cf8933", "#d5ae49", "#0b804b", "#2a9c68", "#285bac", "#653e9b", "#b65775",
    "#822111", "#a46a21", "#aa8831", "#076239", "#1a764d", "#1c4587", "#41236d", "#83334c",
    "#464646", "#e7e7e7", "#0d3472", "#b6cff5", "#0d3b44", "#98d7e4", "#3d188e", "#e3d7ff",
    "#711a36", "#fbd3e0", "#8a1c0a", "#f2b2a8", "#7a2e0b", "#ffc8af", "#7a4706", "#ffdeb5",
    "#594c05", "#fbe983", "#684e07", "#fdedc1", "#0b4f30", "#b3efd3", "#04502e", "#a2dcc1",
    "#c2c2c2", "#4986e7", "#2da2bb", "#b99aff", "#994a64", "#f691b2", "#ff7537", "#ffad46",
    "#662e37", "#ebdbde", "#cca6ac", "#094228", "#42d692", "#16a765",
];

/// A stored label.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub message_list_visibility: Option<String>,
    pub label_list_visibility: Option<String>,
    pub color: Option<Value>,
}

impl Label {
    pub fn is_system(&self) -> bool {
        self.kind == "system"
    }

    pub fn to_json(&self) -> Value {
        let mut v = json!({"id": self.id, "name": self.name, "type": self.kind});
        if let Some(m) = &self.message_list_visibility {
            v["messageListVisibility"] = json!(m);
        }
        if let Some(l) = &self.label_list_visibility {
            v["labelListVisibility"] = json!(l);
        }
        if let Some(c) = &self.color {
            v["color"] = c.clone();
        }
        v
    }
}

/// Creates the system labels of a mailbox (idempotent).
pub fn create_system_labels(conn: &Connection, user_id: &str) -> Result<(), ApiError> {
    for (id, vis) in SYSTEM_LABELS {
        conn.prepare_cached(
            "INSERT OR IGNORE INTO gmail_labels (user_id, id, name, type, message_list_visibility, \
             label_list_visibility, color) VALUES (?1, ?2, ?2, 'system', ?3, ?4, NULL)",
        )?
        .execute(params![user_id, id, vis.map(|v| v.0), vis.map(|v| v.1)])?;
    }
    Ok(())
}

fn system_rank(id: &str) -> usize {
    SYSTEM_LABELS
        .iter()
        .position(|(s, _)| *s == id)
        .unwrap_or(SYSTEM_LABELS.len())
}

/// Every label of a mailbox: system labels in Gmail's order, then user labels by name.
pub fn all(conn: &Connection, user_id: &str) -> Result<Vec<Label>, ApiError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, type, message_list_visibility, label_list_visibility, color \
         FROM gmail_labels WHERE user_id = ?1",
    )?;
    let mut labels = stmt
        .query_map([user_id], |r| {
            let color: Option<String> = r.get(5)?;
            Ok(Label {
                id: r.get(0)?,
                name: r.get(1)?,
                kind: r.get(2)?,
                message_list_visibility: r.get(3)?,
                label_list_visibility: r.get(4)?,
                color: color.and_then(|c| serde_json::from_str(&c).ok()),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    labels.sort_by(|a, b| {
        (system_rank(&a.id), a.name.to_lowercase())
            .cmp(&(system_rank(&b.id), b.name.to_lowercase()))
    });
    Ok(labels)
}

pub fn find(conn: &Connection, user_id: &str, id: &str) -> Result<Option<Label>, ApiError> {
    Ok(all(conn, user_id)?.into_iter().find(|l| l.id == id))
}

/// Checks that every id names a label of the mailbox (400 `Invalid label: X` otherwise).
pub fn check_ids(conn: &Connection, user_id: &str, ids: &[String]) -> Result<(), ApiError> {
    for id in ids {
        let exists = conn
            .prepare_cached("SELECT 1 FROM gmail_labels WHERE user_id = ?1 AND id = ?2")?
            .query_row([user_id, id], |_| Ok(()))
            .optional()?
            .is_some();
        if !exists {
            return Err(ApiError::bad_request(format!("Invalid label: {id}")));
        }
    }
    Ok(())
}

/// `(messagesTotal, messagesUnread, threadsTotal, threadsUnread)` of a label.
pub fn counts(
    conn: &Connection,
    user_id: &str,
    id: &str,
) -> Result<(i64, i64, i64, i64), ApiError> {
    let needle = format!("%\"{id}\"%");
    Ok(conn.query_row(
        "SELECT COUNT(*), \
                COALESCE(SUM(label_ids LIKE '%\"UNREAD\"%'), 0), \
                COUNT(DISTINCT thread_id), \
                COUNT(DISTINCT CASE WHEN label_ids LIKE '%\"UNREAD\"%' THEN thread_id END) \
         FROM gmail_messages WHERE user_id = ?1 AND label_ids LIKE ?2",
        params![user_id, needle],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?)
}

fn with_counts(conn: &Connection, user_id: &str, label: &Label) -> Result<Value, ApiError> {
    let (mt, mu, tt, tu) = counts(conn, user_id, &label.id)?;
    let mut v = label.to_json();
    v["messagesTotal"] = json!(mt);
    v["messagesUnread"] = json!(mu);
    v["threadsTotal"] = json!(tt);
    v["threadsUnread"] = json!(tu);
    Ok(v)
}

pub fn list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let labels: Vec<Value> = all(ctx.db, &u)?.iter().map(Label::to_json).collect();
    Ok(Reply::ok(json!({ "labels": labels })))
}

pub fn get(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let label = find(ctx.db, &u, ctx.param("id"))?.ok_or_else(store::not_found)?;
    Ok(Reply::ok(with_counts(ctx.db, &u, &label)?))
}

fn check_visibility(v: &Map<String, Value>) -> Result<(), ApiError> {
    if let Some(m) = v.get("messageListVisibility") {
        if !matches!(m.as_str(), Some("show") | Some("hide")) {
            return Err(ApiError::bad_request(format!(
                "Invalid messageListVisibility: {m} (show or hide)"
            )));
        }
    }
    if let Some(l) = v.get("labelListVisibility") {
        if !matches!(
            l.as_str(),
            Some("labelShow") | Some("labelShowIfUnread") | Some("labelHide")
        ) {
            return Err(ApiError::bad_request(format!(
                "Invalid labelListVisibility: {l} (labelShow, labelShowIfUnread or labelHide)"
            )));
        }
    }
    Ok(())
}

fn check_color(color: &Value) -> Result<Value, ApiError> {
    let pick = |key: &str| -> Result<String, ApiError> {
        let c = color
            .get(key)
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::bad_request(format!("Label color needs {key}")))?
            .to_ascii_lowercase();
        if PALETTE.contains(&c.as_str()) {
            Ok(c)
        } else {
            Err(ApiError::bad_request(format!(
                "Label color {c} is not on the allowed color palette"
            )))
        }
    };
    Ok(json!({"textColor": pick("textColor")?, "backgroundColor": pick("backgroundColor")?}))
}

fn check_name(
    conn: &Connection,
    user_id: &str,
    name: &str,
    except_id: Option<&str>,
) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::required("name"));
    }
    if name.len() > 225 || name.starts_with('/') || name.ends_with('/') || name.contains("//") {
        return Err(ApiError::bad_request(format!("Invalid label name: {name}")));
    }
    let lower = name.to_lowercase();
    if RESERVED.contains(&lower.as_str())
        || SYSTEM_LABELS
            .iter()
            .any(|(id, _)| id.eq_ignore_ascii_case(name))
    {
        return Err(ApiError::bad_request(format!("Invalid label name: {name}")));
    }
    let clash = all(conn, user_id)?
        .into_iter()
        .any(|l| l.name.to_lowercase() == lower && Some(l.id.as_str()) != except_id);
    if clash {
        return Err(ApiError::conflict("Label name exists or conflicts"));
    }
    Ok(name.to_string())
}

/// Stores a new user label (shared by labels.create and the seeder).
pub fn insert_user_label(conn: &Connection, user_id: &str, label: &Label) -> Result<(), ApiError> {
    conn.execute(
        "INSERT INTO gmail_labels (user_id, id, name, type, message_list_visibility, \
         label_list_visibility, color) VALUES (?1, ?2, ?3, 'user', ?4, ?5, ?6)",
        params![
            user_id,
            label.id,
            label.name,
            label.message_list_visibility,
            label.label_list_visibility,
            label.color.as_ref().map(Value::to_string)
        ],
    )?;
    Ok(())
}

pub fn new_label_id(conn: &Connection) -> Result<String, ApiError> {
    Ok(format!("Label_{}", ids::numeric(conn, 10)?))
}

pub fn create(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let body = ctx.body_object()?;
    check_visibility(&body)?;
    let name = opt_string(&body, "name")?.ok_or_else(|| ApiError::required("name"))?;
    let name = check_name(ctx.db, &u, &name, None)?;
    let color = match body.get("color") {
        None | Some(Value::Null) => None,
        Some(c) => Some(check_color(c)?),
    };
    let label = Label {
        id: new_label_id(ctx.db)?,
        name,
        kind: "user".into(),
        message_list_visibility: Some(
            opt_string(&body, "messageListVisibility")?.unwrap_or_else(|| "show".into()),
        ),
        label_list_visibility: Some(
            opt_string(&body, "labelListVisibility")?.unwrap_or_else(|| "labelShow".into()),
        ),
        color,
    };
    insert_user_label(ctx.db, &u, &label)?;
    Ok(Reply::ok(label.to_json()))
}

fn mutable_label(ctx: &Ctx<'_>, u: &str) -> Result<Label, ApiError> {
    let label = find(ctx.db, u, ctx.param("id"))?.ok_or_else(store::not_found)?;
    if label.is_system() {
        return Err(ApiError::bad_request(format!(
            "Invalid label: {} is a system label and cannot be modified",
            label.id
        )));
    }
    Ok(label)
}

fn save(ctx: &Ctx<'_>, u: &str, label: &Label) -> Result<Reply, ApiError> {
    ctx.db.execute(
        "UPDATE gmail_labels SET name = ?3, message_list_visibility = ?4, \
         label_list_visibility = ?5, color = ?6 WHERE user_id = ?1 AND id = ?2",
        params![
            u,
            label.id,
            label.name,
            label.message_list_visibility,
            label.label_list_visibility,
            label.color.as_ref().map(Value::to_string)
        ],
    )?;
    Ok(Reply::ok(with_counts(ctx.db, u, label)?))
}

fn apply(ctx: &Ctx<'_>, u: &str, replace: bool) -> Result<Reply, ApiError> {
    let mut label = mutable_label(ctx, u)?;
    let body = ctx.body_object()?;
    check_visibility(&body)?;
    if let Some(id) = opt_string(&body, "id")? {
        if id != label.id {
            return Err(ApiError::bad_request(
                "The label id in the body does not match the path",
            ));
        }
    }
    match opt_string(&body, "name")? {
        Some(name) => label.name = check_name(ctx.db, u, &name, Some(&label.id))?,
        None if replace => return Err(ApiError::required("name")),
        None => {}
    }
    let mlv = opt_string(&body, "messageListVisibility")?;
    let llv = opt_string(&body, "labelListVisibility")?;
    if replace || mlv.is_some() {
        label.message_list_visibility = Some(mlv.unwrap_or_else(|| "show".into()));
    }
    if replace || llv.is_some() {
        label.label_list_visibility = Some(llv.unwrap_or_else(|| "labelShow".into()));
    }
    match body.get("color") {
        None | Some(Value::Null) if replace => label.color = None,
        None | Some(Value::Null) => {}
        Some(c) => label.color = Some(check_color(c)?),
    }
    save(ctx, u, &label)
}

pub fn patch(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    apply(ctx, &u, false)
}

pub fn update(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    apply(ctx, &u, true)
}

pub fn delete(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let label = mutable_label(ctx, &u)?;
    let tagged: Vec<Message> = store::user_messages(ctx.db, &u)?
        .into_iter()
        .filter(|m| m.has_label(&label.id))
        .collect();
    for mut m in tagged {
        store::change_labels(ctx.db, &mut m, &[], std::slice::from_ref(&label.id))?;
    }
    ctx.db.execute(
        "DELETE FROM gmail_labels WHERE user_id = ?1 AND id = ?2",
        params![u, label.id],
    )?;
    Ok(Reply::no_content())
}
