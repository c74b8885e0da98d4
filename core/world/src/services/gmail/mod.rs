//! Gmail v1 (`/gmail/v1/users/{userId}/…`): messages with real MIME trees, threads, labels,
//! drafts, history, settings, and Gmail's search language.
//!
//! Every user of the world's directory has a mailbox. Messages sent to another user of the world
//! are delivered to that user's inbox (with their filters, vacation responder and auto-forwarding
//! applied); Bcc recipients get the message without the Bcc header, the sender's copy keeps it.
//!
//! Behaviour worth knowing (as Gmail does it, unless noted):
//! - `q` matches whole words, case-insensitively; a value's words must appear consecutively
//!   (`from:bob` matches `Bob Li <bob@x.com>`, `invoice` does not match `invoices`). OR binds
//!   tighter than the implicit AND (`a b OR c` = `a (b OR c)`). Dates are midnight in the user's
//!   time zone; `older_than:`/`newer_than:` take d, w, m (calendar months) and y. Spam and trash
//!   are left out unless the query names them, `labelIds` does, or `includeSpamTrash=true`.
//! - Trashing drops INBOX (and SPAM); untrashing does not bring INBOX back.
//! - `send` replaces a `From` the user may not use with their default send-as address.
//! - A new thread's id is its first message's id; replies join a thread through `threadId` or
//!   their `In-Reply-To`/`References` headers.
//! - `gmail_mailboxes` (history counter) and `gmail_history` are bookkeeping tables: in
//!   snapshots, not in the state dump/diff, so a label change diffs as `label_ids` alone.
//! - Messages may be uploaded as `message/rfc822` media (`/upload/gmail/v1/...`, `uploadType=media`
//!   or `multipart`); resumable upload sessions are kept by `env0 serve`, not here.
//! - Not modelled: delegates, S/MIME, CSE, snoozing, Pub/Sub (`watch` answers but sends nothing).

pub mod delivery;
pub mod drafts;
pub mod history;
pub mod labels;
pub mod mailbox;
pub mod messages;
pub mod mime;
pub mod needles;
pub mod schema;
pub mod search;
pub mod seed;
mod seed_text;
pub mod settings;
pub mod store;
pub mod threads;
pub mod upload;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::rest::{ApiError, Ctx, Method, Route};

/// Checks `{userId}` and makes sure the acting user's mailbox exists; returns the user's id.
pub(crate) fn user(ctx: &Ctx<'_>) -> Result<String, ApiError> {
    ctx.check_user_param("userId")?;
    mailbox::ensure(ctx.db, ctx.user)?;
    Ok(ctx.user.id.clone())
}

/// An opaque page token for a list offset.
pub(crate) fn page_token(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("gmail-page:{offset}"))
}

/// The offset behind `pageToken` (0 when absent; a token we did not hand out is a 400).
pub(crate) fn page_offset(ctx: &Ctx<'_>) -> Result<usize, ApiError> {
    let Some(token) = ctx.query.get("pageToken").filter(|t| !t.is_empty()) else {
        return Ok(0);
    };
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("gmail-page:").and_then(|n| n.parse().ok()))
        .ok_or_else(|| ApiError::invalid_parameter("pageToken", token))
}

/// `maxResults` (1–500, default 100).
pub(crate) fn max_results(ctx: &Ctx<'_>) -> Result<usize, ApiError> {
    Ok(ctx.query.int_in("maxResults", 100, 1, 500)? as usize)
}

pub fn routes() -> Vec<Route> {
    use Method::*;
    vec![
        Route::new(Get, "/gmail/v1/users/{userId}/profile", mailbox::profile),
        Route::new(Post, "/gmail/v1/users/{userId}/watch", mailbox::watch),
        Route::new(Post, "/gmail/v1/users/{userId}/stop", mailbox::stop),
        // messages
        Route::new(Get, "/gmail/v1/users/{userId}/messages", messages::list),
        Route::new(Post, "/gmail/v1/users/{userId}/messages", messages::insert),
        Route::new(
            Post,
            "/gmail/v1/users/{userId}/messages/send",
            messages::send,
        ),
        Route::new(
            Post,
            "/gmail/v1/users/{userId}/messages/import",
            messages::import,
        ),
        Route::new(
            Post,
            "/gmail/v1/users/{userId}/messages/batchModify",
            messages::batch_modify,
        ),
        Route::new(
            Post,
            "/gmail/v1/users/{userId}/messages/batchDelete",
            messages::batch_delete,
        ),
        Route::new(Get, "/gmail/v1/users/{userId}/messages/{id}", messages::get),
        Route::new(
            Delete,
            "/gmail/v1/users/{userId}/messages/{id}",
            messages::delete,
        ),
        Route::new(
            Post,
            "/gmail/v1/users/{userId}/messages/{id}/modify",
            messages::modify,
        ),
        Route::new(
            Post,
            "/gmail/v1/users/{userId}/messages/{id}/trash",
            messages::trash,
        ),
        Route::new(
            Post,
            "/gmail/v1/users/{userId}/messages/{id}/untrash",
            messages::untrash,
        ),
        Route::new(
            Get,
            "/gmail/v1/users/{userId}/messages/{messageId}/attachments/{id}",
            messages::attachment,
        ),
        // threads
        Route::new(Get, "/gmail/v1/users/{userId}/threads", threads::list),
        Route::new(Get, "/gmail/v1/users/{userId}/threads/{id}", threads::get),
        Route::new(
            Delete,
            "/gmail/v1/users/{userId}/threads/{id}",
            threads::delete,
        ),
        Route::new(
            Post,
            "/gmail/v1/users/{userId}/threads/{id}/modify",
            threads::modify,
        ),
        Route::new(
            Post,
            "/gmail/v1/users/{userId}/threads/{id}/trash",
            threads::trash,
        ),
        Route::new(
            Post,
            "/gmail/v1/users/{userId}/threads/{id}/untrash",
            threads::untrash,
        ),
        // labels
        Route::new(Get, "/gmail/v1/users/{userId}/labels", labels::list),
        Route::new(Post, "/gmail/v1/users/{userId}/labels", labels::create),
        Route::new(Get, "/gmail/v1/users/{userId}/labels/{id}", labels::get),
        Route::new(Put, "/gmail/v1/users/{userId}/labels/{id}", labels::update),
        Route::new(Patch, "/gmail/v1/users/{userId}/labels/{id}", labels::patch),
        Route::new(
            Delete,
            "/gmail/v1/users/{userId}/labels/{id}",
            labels::delete,
        ),
        // media uploads of the message itself
        Route::new(
            Post,
            "/upload/gmail/v1/users/{userId}/messages/send",
            upload::send,
        ),
        Route::new(
            Post,
            "/upload/gmail/v1/users/{userId}/messages",
            upload::insert,
        ),
        Route::new(
            Post,
            "/upload/gmail/v1/users/{userId}/messages/import",
            upload::import,
        ),
        Route::new(
            Post,
            "/upload/gmail/v1/users/{userId}/drafts",
            upload::draft_create,
        ),
        Route::new(
            Put,
            "/upload/gmail/v1/users/{userId}/drafts/{id}",
            upload::draft_update,
        ),
        // drafts
        Route::new(Get, "/gmail/v1/users/{userId}/drafts", drafts::list),
        Route::new(Post, "/gmail/v1/users/{userId}/drafts", drafts::create),
        Route::new(Post, "/gmail/v1/users/{userId}/drafts/send", drafts::send),
        Route::new(Get, "/gmail/v1/users/{userId}/drafts/{id}", drafts::get),
        Route::new(Put, "/gmail/v1/users/{userId}/drafts/{id}", drafts::update),
        Route::new(
            Delete,
            "/gmail/v1/users/{userId}/drafts/{id}",
            drafts::delete,
        ),
        // history
        Route::new(Get, "/gmail/v1/users/{userId}/history", history::list),
        // settings
        Route::new(
            Get,
            "/gmail/v1/users/{userId}/settings/filters",
            settings::filters_list,
        ),
        Route::new(
            Post,
            "/gmail/v1/users/{userId}/settings/filters",
            settings::filters_create,
        ),
        Route::new(
            Get,
            "/gmail/v1/users/{userId}/settings/filters/{id}",
            settings::filters_get,
        ),
        Route::new(
            Delete,
            "/gmail/v1/users/{userId}/settings/filters/{id}",
            settings::filters_delete,
        ),
        Route::new(
            Get,
            "/gmail/v1/users/{userId}/settings/vacation",
            settings::vacation_get,
        ),
        Route::new(
            Put,
            "/gmail/v1/users/{userId}/settings/vacation",
            settings::vacation_update,
        ),
        Route::new(
            Get,
            "/gmail/v1/users/{userId}/settings/imap",
            settings::imap_get,
        ),
        Route::new(
            Put,
            "/gmail/v1/users/{userId}/settings/imap",
            settings::imap_update,
        ),
        Route::new(
            Get,
            "/gmail/v1/users/{userId}/settings/pop",
            settings::pop_get,
        ),
        Route::new(
            Put,
            "/gmail/v1/users/{userId}/settings/pop",
            settings::pop_update,
        ),
        Route::new(
            Get,
            "/gmail/v1/users/{userId}/settings/language",
            settings::language_get,
        ),
        Route::new(
            Put,
            "/gmail/v1/users/{userId}/settings/language",
            settings::language_update,
        ),
        Route::new(
            Get,
            "/gmail/v1/users/{userId}/settings/autoForwarding",
            settings::auto_forwarding_get,
        ),
        Route::new(
            Put,
            "/gmail/v1/users/{userId}/settings/autoForwarding",
            settings::auto_forwarding_update,
        ),
        Route::new(
            Get,
            "/gmail/v1/users/{userId}/settings/sendAs",
            settings::send_as_list,
        ),
        Route::new(
            Post,
            "/gmail/v1/users/{userId}/settings/sendAs",
            settings::send_as_create,
        ),
        Route::new(
            Get,
            "/gmail/v1/users/{userId}/settings/sendAs/{email}",
            settings::send_as_get,
        ),
        Route::new(
            Put,
            "/gmail/v1/users/{userId}/settings/sendAs/{email}",
            settings::send_as_update,
        ),
        Route::new(
            Patch,
            "/gmail/v1/users/{userId}/settings/sendAs/{email}",
            settings::send_as_patch,
        ),
        Route::new(
            Delete,
            "/gmail/v1/users/{userId}/settings/sendAs/{email}",
            settings::send_as_delete,
        ),
        Route::new(
            Post,
            "/gmail/v1/users/{userId}/settings/sendAs/{email}/verify",
            settings::send_as_verify,
        ),
        Route::new(
            Get,
            "/gmail/v1/users/{userId}/settings/forwardingAddresses",
            settings::forwarding_list,
        ),
        Route::new(
            Post,
            "/gmail/v1/users/{userId}/settings/forwardingAddresses",
            settings::forwarding_create,
        ),
        Route::new(
            Get,
            "/gmail/v1/users/{userId}/settings/forwardingAddresses/{email}",
            settings::forwarding_get,
        ),
        Route::new(
            Delete,
            "/gmail/v1/users/{userId}/settings/forwardingAddresses/{email}",
            settings::forwarding_delete,
        ),
    ]
}
