-- The env0 world schema as released at version 3, as SQLite stored it (creation order).
-- Frozen: never edit. A schema change is a new migration in ../schema.rs and a new vN.sql.
CREATE TABLE world_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE users (
    id           TEXT PRIMARY KEY,
    email        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL,
    given_name   TEXT NOT NULL,
    family_name  TEXT NOT NULL,
    title        TEXT NOT NULL DEFAULT '',
    department   TEXT NOT NULL DEFAULT '',
    organization TEXT NOT NULL,
    is_internal  BOOLEAN NOT NULL,
    is_primary   BOOLEAN NOT NULL DEFAULT 0,
    time_zone    TEXT NOT NULL
);
CREATE TABLE action_log (
    seq     INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    user_id TEXT,
    method  TEXT NOT NULL,
    path    TEXT NOT NULL,
    body    JSON,
    status  INTEGER NOT NULL
);
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
CREATE TABLE calendar_calendars (
    id          TEXT PRIMARY KEY,
    owner_id    TEXT,
    summary     TEXT NOT NULL,
    description TEXT,
    location    TEXT,
    time_zone   TEXT NOT NULL,
    is_primary  BOOLEAN NOT NULL DEFAULT 0,
    updated     TEXT NOT NULL
);
CREATE TABLE calendar_list (
    user_id           TEXT NOT NULL,
    calendar_id       TEXT NOT NULL,
    summary_override  TEXT,
    color_id          TEXT NOT NULL,
    background_color  TEXT NOT NULL,
    foreground_color  TEXT NOT NULL,
    hidden            BOOLEAN NOT NULL DEFAULT 0,
    selected          BOOLEAN NOT NULL DEFAULT 1,
    deleted           BOOLEAN NOT NULL DEFAULT 0,
    default_reminders JSON NOT NULL DEFAULT '[]',
    notifications     JSON,
    updated           TEXT NOT NULL,
    PRIMARY KEY (user_id, calendar_id)
);
CREATE TABLE calendar_acl (
    calendar_id TEXT NOT NULL,
    rule_id     TEXT NOT NULL,
    scope_type  TEXT NOT NULL,
    scope_value TEXT,
    role        TEXT NOT NULL,
    updated     TEXT NOT NULL,
    PRIMARY KEY (calendar_id, rule_id)
);
CREATE TABLE calendar_events (
    id                  TEXT PRIMARY KEY,
    calendar_id         TEXT NOT NULL,
    ical_uid            TEXT NOT NULL,
    status              TEXT NOT NULL,
    summary             TEXT,
    description         TEXT,
    location            TEXT,
    color_id            TEXT,
    start               JSON NOT NULL,
    "end"               JSON NOT NULL,
    start_at            TEXT NOT NULL,
    end_at              TEXT NOT NULL,
    all_day             BOOLEAN NOT NULL,
    recurrence          JSON,
    recurring_event_id  TEXT,
    original_start      JSON,
    organizer           JSON NOT NULL,
    creator             JSON NOT NULL,
    attendees           JSON NOT NULL DEFAULT '[]',
    reminders           JSON NOT NULL,
    transparency        TEXT NOT NULL DEFAULT 'opaque',
    visibility          TEXT NOT NULL DEFAULT 'default',
    event_type          TEXT NOT NULL DEFAULT 'default',
    guests_can_modify   BOOLEAN NOT NULL DEFAULT 0,
    guests_can_invite   BOOLEAN NOT NULL DEFAULT 1,
    guests_can_see      BOOLEAN NOT NULL DEFAULT 1,
    extended_properties JSON,
    conference_data     JSON,
    extra               JSON,
    sequence            INTEGER NOT NULL DEFAULT 0,
    created             TEXT NOT NULL,
    updated             TEXT NOT NULL
);
CREATE INDEX calendar_events_by_calendar ON calendar_events (calendar_id, start_at);
CREATE INDEX calendar_events_by_master ON calendar_events (recurring_event_id);
CREATE TABLE calendar_settings (
    user_id TEXT NOT NULL,
    id      TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (user_id, id)
);
CREATE TABLE drive_files (
    id                              TEXT PRIMARY KEY,
    name                            TEXT NOT NULL,
    mime_type                       TEXT NOT NULL,
    parent_id                       TEXT,
    owner_id                        TEXT NOT NULL,
    last_modifying_user_id          TEXT,
    description                     TEXT,
    trashed                         BOOLEAN NOT NULL DEFAULT 0,
    explicitly_trashed              BOOLEAN NOT NULL DEFAULT 0,
    trashed_time                    TEXT,
    trashing_user_id                TEXT,
    created_time                    TEXT NOT NULL,
    modified_time                   TEXT NOT NULL,
    version                         INTEGER NOT NULL DEFAULT 1,
    head_revision_id                TEXT,
    content                         TEXT,
    properties                      JSON NOT NULL DEFAULT '{}',
    app_properties                  JSON NOT NULL DEFAULT '{}',
    writers_can_share               BOOLEAN NOT NULL DEFAULT 1,
    copy_requires_writer_permission BOOLEAN NOT NULL DEFAULT 0,
    original_filename               TEXT
);
CREATE INDEX drive_files_parent ON drive_files(parent_id);
CREATE INDEX drive_files_owner ON drive_files(owner_id);
CREATE TABLE drive_user_files (
    file_id     TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    starred     BOOLEAN NOT NULL DEFAULT 0,
    viewed_time TEXT,
    PRIMARY KEY (file_id, user_id)
);
CREATE TABLE drive_permissions (
    file_id              TEXT NOT NULL,
    id                   TEXT NOT NULL,
    type                 TEXT NOT NULL,
    role                 TEXT NOT NULL,
    email_address        TEXT,
    domain               TEXT,
    display_name         TEXT,
    allow_file_discovery BOOLEAN,
    expiration_time      TEXT,
    pending_owner        BOOLEAN NOT NULL DEFAULT 0,
    PRIMARY KEY (file_id, id)
);
CREATE TABLE drive_revisions (
    file_id                TEXT NOT NULL,
    id                     TEXT NOT NULL,
    mime_type              TEXT NOT NULL,
    modified_time          TEXT NOT NULL,
    last_modifying_user_id TEXT NOT NULL,
    keep_forever           BOOLEAN NOT NULL DEFAULT 0,
    published              BOOLEAN NOT NULL DEFAULT 0,
    size                   INTEGER,
    content                TEXT,
    PRIMARY KEY (file_id, id)
);
CREATE TABLE drive_comments (
    id            TEXT PRIMARY KEY,
    file_id       TEXT NOT NULL,
    author_id     TEXT NOT NULL,
    content       TEXT NOT NULL,
    quoted_text   TEXT,
    anchor        TEXT,
    created_time  TEXT NOT NULL,
    modified_time TEXT NOT NULL,
    resolved      BOOLEAN NOT NULL DEFAULT 0,
    deleted       BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX drive_comments_file ON drive_comments(file_id);
CREATE TABLE drive_replies (
    id            TEXT PRIMARY KEY,
    comment_id    TEXT NOT NULL,
    author_id     TEXT NOT NULL,
    content       TEXT NOT NULL,
    action        TEXT,
    created_time  TEXT NOT NULL,
    modified_time TEXT NOT NULL,
    deleted       BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX drive_replies_comment ON drive_replies(comment_id);
CREATE TABLE drive_changes (
    file_id TEXT PRIMARY KEY,
    seq     INTEGER NOT NULL,
    time    TEXT NOT NULL,
    removed BOOLEAN NOT NULL DEFAULT 0
);
CREATE TABLE docs_documents (
    id         TEXT PRIMARY KEY,
    document   JSON NOT NULL,
    plain_text TEXT NOT NULL
);
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
    file_ids JSON NOT NULL DEFAULT '[]', blocks JSON,
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
CREATE TABLE auth_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE auth_clients (
    client_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    publisher TEXT NOT NULL DEFAULT '',
    verified BOOLEAN NOT NULL DEFAULT 0,
    client_type TEXT NOT NULL CHECK (client_type IN ('public', 'confidential', 'service_account')),
    secret_hash TEXT,
    redirect_uris JSON NOT NULL DEFAULT '[]',
    allowed_scopes JSON NOT NULL DEFAULT '[]',
    grant_types JSON NOT NULL DEFAULT '[]',
    access_token_ttl INTEGER NOT NULL DEFAULT 3600,
    delegation BOOLEAN NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE auth_consents (
    user_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    scopes JSON NOT NULL,
    granted_at TEXT NOT NULL,
    last_used TEXT,
    revoked_at TEXT,
    PRIMARY KEY (user_id, client_id)
);
CREATE TABLE auth_codes (
    code TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    scopes JSON NOT NULL,
    code_challenge TEXT,
    code_challenge_method TEXT,
    expires_at TEXT NOT NULL,
    used BOOLEAN NOT NULL DEFAULT 0
);
CREATE TABLE auth_tokens (
    token TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    client_id TEXT NOT NULL,
    user_id TEXT,
    scopes JSON NOT NULL,
    issued_at TEXT NOT NULL,
    expires_at TEXT,
    revoked BOOLEAN NOT NULL DEFAULT 0,
    revoked_at TEXT,
    parent TEXT,
    actor TEXT,
    last_used TEXT
);
CREATE INDEX auth_tokens_client_user ON auth_tokens(client_id, user_id);
CREATE TABLE auth_audit (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    user_id TEXT,
    client_id TEXT,
    event TEXT NOT NULL,
    scope TEXT,
    detail JSON NOT NULL DEFAULT '{}'
);
CREATE INDEX gmail_messages_list ON gmail_messages(
    user_id,
    (instr(label_ids, '"SPAM"') > 0),
    (instr(label_ids, '"TRASH"') > 0),
    internal_date, id, thread_id, label_ids
);
