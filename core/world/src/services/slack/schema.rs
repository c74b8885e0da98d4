//! Slack tables (applied by `world::schema::MIGRATIONS`, version 2).
//!
//! One workspace per world. Conversations of every kind (public and private channels, DMs, group
//! DMs) share `slack_channels`; membership is `slack_members`. Messages are keyed by
//! (channel, ts) like Slack itself; thread replies point at their parent with `thread_ts`, and the
//! parent's `reply_count` / `latest_reply` are kept up to date. Tokens carry their type (user or
//! bot) and Slack scopes.

pub const V1: &str = r#"
CREATE TABLE slack_team (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    domain TEXT NOT NULL,
    email_domain TEXT NOT NULL,
    created INTEGER NOT NULL
);
CREATE TABLE slack_users (
    id TEXT PRIMARY KEY,
    directory_id TEXT,
    name TEXT NOT NULL,
    real_name TEXT NOT NULL,
    display_name TEXT NOT NULL,
    email TEXT,
    title TEXT NOT NULL DEFAULT '',
    tz TEXT NOT NULL DEFAULT 'America/Los_Angeles',
    color TEXT NOT NULL DEFAULT '9f69e7',
    is_bot BOOLEAN NOT NULL DEFAULT 0,
    bot_id TEXT,
    is_admin BOOLEAN NOT NULL DEFAULT 0,
    is_owner BOOLEAN NOT NULL DEFAULT 0,
    is_restricted BOOLEAN NOT NULL DEFAULT 0,
    deleted BOOLEAN NOT NULL DEFAULT 0,
    status_text TEXT NOT NULL DEFAULT '',
    status_emoji TEXT NOT NULL DEFAULT '',
    updated INTEGER NOT NULL
);
CREATE INDEX slack_users_directory ON slack_users(directory_id);
CREATE TABLE slack_tokens (
    token TEXT PRIMARY KEY,
    token_type TEXT NOT NULL CHECK (token_type IN ('user', 'bot')),
    user_id TEXT NOT NULL,
    scopes TEXT NOT NULL
);
CREATE TABLE slack_channels (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('public', 'private', 'im', 'mpim')),
    creator TEXT NOT NULL,
    created INTEGER NOT NULL,
    is_archived BOOLEAN NOT NULL DEFAULT 0,
    is_general BOOLEAN NOT NULL DEFAULT 0,
    topic TEXT NOT NULL DEFAULT '',
    topic_creator TEXT NOT NULL DEFAULT '',
    topic_last_set INTEGER NOT NULL DEFAULT 0,
    purpose TEXT NOT NULL DEFAULT '',
    purpose_creator TEXT NOT NULL DEFAULT '',
    purpose_last_set INTEGER NOT NULL DEFAULT 0,
    previous_names JSON NOT NULL DEFAULT '[]'
);
CREATE TABLE slack_members (
    channel_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    joined INTEGER NOT NULL,
    PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX slack_members_user ON slack_members(user_id);
CREATE TABLE slack_messages (
    channel_id TEXT NOT NULL,
    ts TEXT NOT NULL,
    user_id TEXT NOT NULL,
    text TEXT NOT NULL,
    subtype TEXT,
    thread_ts TEXT,
    reply_count INTEGER NOT NULL DEFAULT 0,
    latest_reply TEXT,
    reply_broadcast BOOLEAN NOT NULL DEFAULT 0,
    edited_ts TEXT,
    file_ids JSON NOT NULL DEFAULT '[]',
    PRIMARY KEY (channel_id, ts)
);
CREATE INDEX slack_messages_thread ON slack_messages(channel_id, thread_ts);
CREATE TABLE slack_reactions (
    channel_id TEXT NOT NULL,
    ts TEXT NOT NULL,
    name TEXT NOT NULL,
    user_id TEXT NOT NULL,
    created INTEGER NOT NULL,
    PRIMARY KEY (channel_id, ts, name, user_id)
);
CREATE TABLE slack_pins (
    channel_id TEXT NOT NULL,
    ts TEXT NOT NULL,
    pinned_by TEXT NOT NULL,
    created INTEGER NOT NULL,
    PRIMARY KEY (channel_id, ts)
);
CREATE TABLE slack_files (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    mimetype TEXT NOT NULL,
    filetype TEXT NOT NULL,
    size INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    created INTEGER NOT NULL,
    channel_id TEXT NOT NULL,
    ts TEXT NOT NULL
);
CREATE TABLE slack_scheduled (
    id TEXT PRIMARY KEY,
    channel_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    text TEXT NOT NULL,
    thread_ts TEXT,
    post_at INTEGER NOT NULL,
    date_created INTEGER NOT NULL
);
"#;

/// Schema v3: Block Kit `blocks` of a message, as posted (NULL when it has none).
pub const V3_BLOCKS: &str = r#"
ALTER TABLE slack_messages ADD COLUMN blocks JSON;
"#;
