//! A user's mailbox as a whole: its creation (system labels, primary send-as address, default
//! settings), the profile, and the push-notification no-ops.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

use super::{labels, store, user};
use crate::rest::{ApiError, Ctx, Reply};
use crate::store::users::User;

/// Default settings of a new mailbox, by setting name.
pub fn default_settings() -> Vec<(&'static str, Value)> {
    vec![
        (
            "vacation",
            json!({"enableAutoReply": false, "responseSubject": "", "responseBodyPlainText": "",
                   "restrictToContacts": false, "restrictToDomain": false}),
        ),
        (
            "imap",
            json!({"enabled": true, "autoExpunge": true, "expungeBehavior": "archive",
                   "maxFolderSize": 0}),
        ),
        (
            "pop",
            json!({"accessWindow": "disabled", "disposition": "leaveInInbox"}),
        ),
        ("language", json!({"displayLanguage": "en"})),
        ("autoForwarding", json!({"enabled": false})),
    ]
}

/// Creates the mailbox of `user` if it has none yet.
pub fn ensure(conn: &Connection, user: &User) -> Result<(), ApiError> {
    let exists = conn
        .prepare_cached("SELECT 1 FROM gmail_mailboxes WHERE user_id = ?1")?
        .query_row([&user.id], |_| Ok(()))
        .optional()?
        .is_some();
    if exists {
        return Ok(());
    }
    conn.execute(
        "INSERT INTO gmail_mailboxes (user_id, history_id) VALUES (?1, 100000)",
        [&user.id],
    )?;
    labels::create_system_labels(conn, &user.id)?;
    conn.execute(
        "INSERT INTO gmail_send_as (user_id, send_as_email, display_name, reply_to_address, \
         signature, is_primary, is_default, treat_as_alias, verification_status) \
         VALUES (?1, ?2, ?3, '', '', 1, 1, 0, 'accepted')",
        params![user.id, user.email, user.display_name],
    )?;
    for (name, value) in default_settings() {
        conn.execute(
            "INSERT INTO gmail_settings (user_id, name, value) VALUES (?1, ?2, ?3)",
            params![user.id, name, value.to_string()],
        )?;
    }
    Ok(())
}

pub fn profile(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let (messages, threads): (i64, i64) = ctx.db.query_row(
        "SELECT COUNT(*), COUNT(DISTINCT thread_id) FROM gmail_messages WHERE user_id = ?1",
        [&u],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(Reply::ok(json!({
        "emailAddress": ctx.user.email,
        "messagesTotal": messages,
        "threadsTotal": threads,
        "historyId": store::current_history_id(ctx.db, &u)?.to_string(),
    })))
}

/// `watch`: there is no Pub/Sub here; answers like Gmail so that clients can proceed.
pub fn watch(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let u = user(ctx)?;
    let body = ctx.body_value()?;
    if body.get("topicName").and_then(Value::as_str).is_none() {
        return Err(ApiError::required("topicName"));
    }
    let expiration = ctx.now.timestamp_millis() + 7 * 24 * 3600 * 1000;
    Ok(Reply::ok(json!({
        "historyId": store::current_history_id(ctx.db, &u)?.to_string(),
        "expiration": expiration.to_string(),
    })))
}

pub fn stop(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    user(ctx)?;
    Ok(Reply::no_content())
}
