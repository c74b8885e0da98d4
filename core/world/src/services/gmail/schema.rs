//! Gmail tables (applied by `world::schema::MIGRATIONS`).
//!
//! A message row is the source of truth for its MIME tree: headers live in columns (and
//! `extra_headers`), bodies in `body_text`/`body_html`, attachments in `gmail_attachments`; the
//! tree, `raw` and `sizeEstimate` are rebuilt from them on every read. `label_ids` is a sorted JSON
//! array that holds every label, system ones (UNREAD, STARRED, TRASH…) included, so that a state
//! diff reads "label_ids: [INBOX, UNREAD] → [INBOX]". `gmail_mailboxes` (the history counter) and
//! `gmail_history` are bookkeeping: kept in snapshots, left out of the state dump and diff.

pub const V1: &str = r#"
CREATE TABLE gmail_mailboxes (
    user_id    TEXT PRIMARY KEY,
    history_id INTEGER NOT NULL
);
CREATE TABLE gmail_labels (
    user_id                 TEXT NOT NULL,
    id                      TEXT NOT NULL,
    name                    TEXT NOT NULL,
    type                    TEXT NOT NULL,
    message_list_visibility TEXT,
    label_list_visibility   TEXT,
    color                   JSON,
    PRIMARY KEY (user_id, id)
);
CREATE TABLE gmail_messages (
    id                TEXT PRIMARY KEY,
    user_id           TEXT NOT NULL,
    thread_id         TEXT NOT NULL,
    label_ids         JSON NOT NULL,
    from_addr         TEXT NOT NULL,
    to_addrs          TEXT NOT NULL DEFAULT '',
    cc_addrs          TEXT NOT NULL DEFAULT '',
    bcc_addrs         TEXT NOT NULL DEFAULT '',
    reply_to          TEXT NOT NULL DEFAULT '',
    subject           TEXT NOT NULL DEFAULT '',
    date_header       TEXT NOT NULL,
    message_id_header TEXT NOT NULL,
    in_reply_to       TEXT NOT NULL DEFAULT '',
    refs              TEXT NOT NULL DEFAULT '',
    extra_headers     JSON NOT NULL DEFAULT '[]',
    body_text         TEXT NOT NULL DEFAULT '',
    body_html         TEXT NOT NULL DEFAULT '',
    snippet           TEXT NOT NULL DEFAULT '',
    internal_date     INTEGER NOT NULL
);
CREATE INDEX gmail_messages_user ON gmail_messages(user_id, internal_date);
CREATE INDEX gmail_messages_thread ON gmail_messages(user_id, thread_id);
CREATE TABLE gmail_attachments (
    id         TEXT PRIMARY KEY,
    message_id TEXT NOT NULL REFERENCES gmail_messages(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    filename   TEXT NOT NULL,
    mime_type  TEXT NOT NULL,
    data       BLOB NOT NULL
);
CREATE INDEX gmail_attachments_message ON gmail_attachments(message_id);
CREATE TABLE gmail_drafts (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    message_id TEXT NOT NULL
);
CREATE TABLE gmail_history (
    user_id    TEXT NOT NULL,
    id         INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    message_id TEXT NOT NULL,
    thread_id  TEXT NOT NULL,
    label_ids  JSON NOT NULL,
    PRIMARY KEY (user_id, id)
);
CREATE INDEX gmail_history_message ON gmail_history(user_id, message_id, id);
CREATE TABLE gmail_filters (
    id       TEXT PRIMARY KEY,
    user_id  TEXT NOT NULL,
    criteria JSON NOT NULL,
    action   JSON NOT NULL
);
CREATE TABLE gmail_send_as (
    user_id             TEXT NOT NULL,
    send_as_email       TEXT NOT NULL COLLATE NOCASE,
    display_name        TEXT NOT NULL DEFAULT '',
    reply_to_address    TEXT NOT NULL DEFAULT '',
    signature           TEXT NOT NULL DEFAULT '',
    is_primary          BOOLEAN NOT NULL,
    is_default          BOOLEAN NOT NULL,
    treat_as_alias      BOOLEAN NOT NULL,
    verification_status TEXT NOT NULL,
    PRIMARY KEY (user_id, send_as_email)
);
CREATE TABLE gmail_forwarding_addresses (
    user_id             TEXT NOT NULL,
    forwarding_email    TEXT NOT NULL COLLATE NOCASE,
    verification_status TEXT NOT NULL,
    PRIMARY KEY (user_id, forwarding_email)
);
CREATE TABLE gmail_settings (
    user_id TEXT NOT NULL,
    name    TEXT NOT NULL,
    value   JSON NOT NULL,
    PRIMARY KEY (user_id, name)
);
"#;

/// Schema v3: a mailbox listing (`messages.list` without `q`, the commonest request) is counted
/// and paged from this one index and never touches the rows, whose bodies make them many times
/// larger. Its two expressions say whether a message is in spam and in trash (label ids never hold
/// a quote: they are system names or generated `Label_N`), so the default listing, which leaves
/// both out, is one range of it, already in date order. It replaces `gmail_messages_user`.
pub const V3_LIST_INDEX: &str = r#"
DROP INDEX gmail_messages_user;
CREATE INDEX gmail_messages_list ON gmail_messages(
    user_id,
    (instr(label_ids, '"SPAM"') > 0),
    (instr(label_ids, '"TRASH"') > 0),
    internal_date, id, thread_id, label_ids
);
"#;
