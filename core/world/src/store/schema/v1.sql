-- The env0 world schema as released at version 1, as SQLite stored it (creation order).
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
