//! Calendar tables (applied by `world::schema::MIGRATIONS`).
//!
//! One row per event (the organizer's copy, keyed by event id); attendees' copies are derived
//! when a calendar is read (see the module docs). Modified or cancelled instances of a recurring
//! event are their own rows (`recurring_event_id` + `original_start`), as in Google's API.
//! Start and end are kept as Google echoes them (`start`/`end` JSON) and as UTC instants
//! (`start_at`/`end_at`, RFC 3339) for ordering and window filters.

pub const V1: &str = r#"
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
"#;
