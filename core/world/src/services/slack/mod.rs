//! The Slack Web API (`/api/<method>`): conversations, chat, users, reactions, pins, search,
//! files, auth.test and team.info over one seeded workspace.
//!
//! Errors use Slack's envelope (HTTP 200, `{"ok":false,"error":code}`). Arguments come from the
//! query string, a JSON body or a form body ([`args::Args`]). Read methods answer GET and POST;
//! write methods answer POST only (a GET is refused by the router), so the action log's method
//! tells reads from writes. Callers: see [`args::caller`] — without a token a request acts as its
//! user with a full user token.
//!
//! Messages may carry Block Kit `blocks` (`chat.postMessage`, `chat.update`): kept as posted after
//! a shape check (an array of at most 50 objects with a `type`; Slack's `invalid_blocks` and
//! `invalid_blocks_format` otherwise), never rendered or checked element by element. A message
//! posted with blocks and no `text` takes the blocks' texts as its `text` (where Slack stores its
//! own fallback), so search and plain readers see the words.

pub mod args;
mod chat;
mod conversations;
pub mod model;
pub mod needles;
mod people;
pub mod schema;
mod search;
pub mod seed;
mod seed_text;

use crate::rest::{ApiError, Ctx, Method, Reply, Route};

type Handler = fn(&mut Ctx<'_>) -> Result<Reply, ApiError>;

/// (route pattern `/api/<method>`, handler, is a read).
const METHODS: &[(&str, Handler, bool)] = &[
    ("/api/conversations.list", conversations::list, true),
    ("/api/conversations.info", conversations::info, true),
    ("/api/conversations.history", conversations::history, true),
    ("/api/conversations.replies", conversations::replies, true),
    ("/api/conversations.members", conversations::members, true),
    ("/api/conversations.create", conversations::create, false),
    ("/api/conversations.join", conversations::join, false),
    ("/api/conversations.leave", conversations::leave, false),
    ("/api/conversations.invite", conversations::invite, false),
    ("/api/conversations.kick", conversations::kick, false),
    ("/api/conversations.archive", conversations::archive, false),
    (
        "/api/conversations.unarchive",
        conversations::unarchive,
        false,
    ),
    ("/api/conversations.rename", conversations::rename, false),
    (
        "/api/conversations.setTopic",
        conversations::set_topic,
        false,
    ),
    (
        "/api/conversations.setPurpose",
        conversations::set_purpose,
        false,
    ),
    ("/api/conversations.open", conversations::open, false),
    ("/api/chat.postMessage", chat::post_message, false),
    ("/api/chat.update", chat::update, false),
    ("/api/chat.delete", chat::delete, false),
    ("/api/chat.getPermalink", chat::get_permalink, true),
    ("/api/chat.scheduleMessage", chat::schedule_message, false),
    (
        "/api/chat.deleteScheduledMessage",
        chat::delete_scheduled,
        false,
    ),
    (
        "/api/chat.scheduledMessages.list",
        chat::scheduled_list,
        true,
    ),
    ("/api/users.list", people::users_list, true),
    ("/api/users.info", people::users_info, true),
    ("/api/users.lookupByEmail", people::lookup_by_email, true),
    ("/api/users.profile.get", people::profile_get, true),
    ("/api/reactions.add", chat::reactions_add, false),
    ("/api/reactions.remove", chat::reactions_remove, false),
    ("/api/reactions.get", chat::reactions_get, true),
    ("/api/reactions.list", chat::reactions_list, true),
    ("/api/pins.add", chat::pins_add, false),
    ("/api/pins.remove", chat::pins_remove, false),
    ("/api/pins.list", chat::pins_list, true),
    ("/api/search.messages", search::messages, true),
    ("/api/files.list", people::files_list, true),
    ("/api/files.info", people::files_info, true),
    ("/api/auth.test", people::auth_test, true),
    ("/api/team.info", people::team_info, true),
];

/// The Slack scope a method needs, as the identity service names it (`slack:<scope>`), for
/// enforcement of OAuth access tokens. Conversation methods name their public-channel scope.
pub fn oauth_scope(method: &str) -> Option<&'static str> {
    Some(match method {
        "conversations.list" | "conversations.info" | "conversations.members" => {
            "slack:channels:read"
        }
        "conversations.history" | "conversations.replies" => "slack:channels:history",
        "conversations.create"
        | "conversations.join"
        | "conversations.leave"
        | "conversations.invite"
        | "conversations.kick"
        | "conversations.archive"
        | "conversations.unarchive"
        | "conversations.rename"
        | "conversations.setTopic"
        | "conversations.setPurpose"
        | "conversations.open" => "slack:channels:write",
        m if m.starts_with("chat.") => "slack:chat:write",
        "users.lookupByEmail" => "slack:users:read.email",
        m if m.starts_with("users.") => "slack:users:read",
        "reactions.add" | "reactions.remove" => "slack:reactions:write",
        "reactions.get" | "reactions.list" => "slack:reactions:read",
        "pins.add" | "pins.remove" => "slack:pins:write",
        "pins.list" => "slack:pins:read",
        "search.messages" => "slack:search:read",
        m if m.starts_with("files.") => "slack:files:read",
        "team.info" => "slack:team:read",
        _ => return None,
    })
}

pub fn routes() -> Vec<Route> {
    let mut out = Vec::new();
    for (pattern, handler, read) in METHODS {
        out.push(Route::new(Method::Post, pattern, *handler));
        if *read {
            out.push(Route::new(Method::Get, pattern, *handler));
        }
    }
    out
}
